//! The UDP client side: a socket with a default peer, and request/reply with retries.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::addr::{self, Family};
use super::poll::{self, Woken};
use super::trace::Trace;
use crate::error::{Error, Result};

/// What "wait for ever" means to a UDP client: long enough for anyone.
pub const FOREVER: Duration = Duration::from_secs(365 * 86_400);
/// The largest UDP payload over IPv4 (65,535 less the 20-byte IP and 8-byte UDP headers);
/// IPv6 allows a little more, so a datagram this long goes out over either family.
pub const MAX_PAYLOAD: usize = 65_507;
/// Room for any datagram a reply can be, over IPv4 or IPv6 (up to 65,527 bytes), so none is
/// cut short.
const RECEIVE_BUF: usize = 65_536;

/// A UDP socket whose default peer is the first address `host` resolves to; connecting it
/// makes the kernel report an ICMP "port unreachable" as a refused connection.
pub fn connect(
    host: &str,
    port: u16,
    family: Family,
    trace: &Trace,
) -> Result<(UdpSocket, SocketAddr)> {
    let addrs = addr::resolve_traced(host, port, family, trace)?;
    let peer = addrs[0];
    Ok((connect_to(peer, trace)?, peer))
}

/// A UDP socket whose default peer is `peer`.
pub fn connect_to(peer: SocketAddr, trace: &Trace) -> Result<UdpSocket> {
    let failed = |source| Error::Connect {
        addr: peer.to_string(),
        source,
    };
    let socket =
        Socket::new(Domain::for_address(peer), Type::DGRAM, Some(Protocol::UDP)).map_err(failed)?;
    trace.step(format_args!(
        "socket created ({}, datagram, udp)",
        if peer.is_ipv4() { "IPv4" } else { "IPv6" }
    ));
    socket.connect(&SockAddr::from(peer)).map_err(failed)?;
    let socket: UdpSocket = socket.into();
    if let Ok(local) = socket.local_addr() {
        trace.step(format_args!("default peer {peer}, local address {local}"));
    }
    Ok(socket)
}

/// Sends `request` and waits for one datagram back; within `wait` in all, the request is sent
/// `tries` times (UDP may lose either datagram). Returns the reply and when the request it
/// answers was last sent; times out with `TimedOut`, and gives up with `Interrupted` once
/// `stop` is readable (a signal).
///
/// Datagrams already waiting (late answers to an earlier request) are discarded first, so a
/// late echo is never taken for the answer to this request.
pub fn exchange(
    socket: &UdpSocket,
    request: &[u8],
    wait: Duration,
    tries: u32,
    stop: Option<BorrowedFd<'_>>,
    trace: &Trace,
) -> io::Result<(Vec<u8>, Instant)> {
    let mut buf = vec![0; RECEIVE_BUF];
    socket.set_nonblocking(true)?;
    while let Ok(n) = socket.recv(&mut buf) {
        trace.step(format_args!("discarded a late datagram of {n} bytes"));
    }
    socket.set_nonblocking(false)?;
    let deadline = Instant::now() + wait;
    let each = wait / tries.max(1);
    for attempt in 1..=tries.max(1) {
        socket.send(request)?;
        let sent = Instant::now();
        trace.step(format_args!(
            "sent a datagram of {} bytes (try {attempt})",
            request.len()
        ));
        let until = (sent + each).min(deadline);
        loop {
            let left = until.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            if let Some(stop) = stop {
                match poll::readable(socket.as_fd(), stop, Some(left))? {
                    Woken::Readable => {}
                    Woken::TimedOut => continue,
                    Woken::Stopped => return Err(io::ErrorKind::Interrupted.into()),
                }
            }
            socket.set_read_timeout(Some(left))?;
            match socket.recv(&mut buf) {
                Ok(n) => {
                    trace.step(format_args!("received a datagram of {n} bytes"));
                    buf.truncate(n);
                    return Ok((buf, sent));
                }
                Err(err) if crate::error::timed_out(&err) => break,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return Err(err),
            }
        }
    }
    Err(io::ErrorKind::TimedOut.into())
}
