//! UDP helpers: datagrams with a forged source, and a burst to measure a reply rate limit.

use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

/// Sends one UDP datagram to `to` that claims to come from `from`, through a raw socket
/// (root only); `None`, after saying why, when this process may not.
pub fn forge(from: SocketAddr, to: SocketAddr, payload: &[u8]) -> Option<()> {
    use socket2::{Domain, Protocol, Socket, Type};
    let (SocketAddr::V4(from), SocketAddr::V4(to)) = (from, to) else {
        panic!("forge takes IPv4 addresses");
    };
    let raw = match Socket::new(
        Domain::IPV4,
        Type::RAW,
        Some(Protocol::from(libc::IPPROTO_RAW)),
    ) {
        Ok(raw) => raw,
        Err(err) => {
            super::skip(&format!(
                "a datagram with a forged source needs a raw socket (root): {err}"
            ));
            return None;
        }
    };
    let udp_len = 8 + payload.len();
    let total = 20 + udp_len;
    // IPPROTO_RAW: we write the IPv4 header; the kernel fills in its checksum
    let mut packet = vec![0x45, 0];
    packet.extend_from_slice(&(total as u16).to_be_bytes());
    packet.extend_from_slice(&[0, 0, 0x40, 0, 64, libc::IPPROTO_UDP as u8, 0, 0]);
    packet.extend_from_slice(&from.ip().octets());
    packet.extend_from_slice(&to.ip().octets());
    packet.extend_from_slice(&from.port().to_be_bytes());
    packet.extend_from_slice(&to.port().to_be_bytes());
    packet.extend_from_slice(&(udp_len as u16).to_be_bytes());
    packet.extend_from_slice(&[0, 0]); // no UDP checksum, as IPv4 allows
    packet.extend_from_slice(payload);
    raw.send_to(&packet, &SocketAddr::V4(to).into()).unwrap();
    Some(())
}

/// Sends `count` datagrams to `server` at once (the i-th holds `i` in decimal, so none repeats
/// another and none looks like a loop), then takes replies until none comes for 500 ms, and
/// checks them against a token bucket of `rate`: all of its `rate` at once, and no more than
/// it refills at `rate` a second between the first send and the last reply. A loaded machine
/// that is slow to answer stays within that; a server with no limit at all does not.
pub fn assert_rate_limited(server: SocketAddr, count: usize, rate: usize) {
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.connect(server).unwrap();
    let started = Instant::now();
    for i in 0..count {
        client.send(i.to_string().as_bytes()).unwrap();
    }
    client
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut replies = 0;
    let mut last = started;
    let mut buf = [0u8; 1024];
    while client.recv(&mut buf).is_ok() {
        replies += 1;
        last = Instant::now();
    }
    let span = last - started;
    let most = rate + (rate as f64 * span.as_secs_f64()).ceil() as usize;
    assert!(
        (rate..=most).contains(&replies),
        "{replies} replies to {count} datagrams at --udp-rate {rate}, the last {span:?} after \
         the first was sent (at most {most} fit)"
    );
}
