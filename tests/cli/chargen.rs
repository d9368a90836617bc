//! `chargen serve` end to end: RFC 864's pattern, as inetutils-inetd sends it, only as fast as
//! the client reads; datagrams of 0 to 512 bytes.

use std::collections::BTreeSet;
use std::io::Read;
use std::net::{SocketAddr, TcpStream, UdpSocket};
use std::process::{Command, Stdio};
use std::time::Duration;

use crate::common::{self, inetd, spawn, wait_for};

/// Characters in a line before CR LF, and the bytes of the pattern's period (a line from each
/// of the 95 positions).
const LINE: usize = 72;
const PERIOD: usize = 95 * (LINE + 2);

/// RFC 864's pattern, by its description: the printable characters ' ' to '~' as a ring, line i
/// the 72 from position i mod 95, each ending in CR LF.
fn rfc_864_lines(lines: usize) -> Vec<u8> {
    let ring: Vec<u8> = (b' '..=b'~').collect();
    let mut out = Vec::with_capacity(lines * (LINE + 2));
    for i in 0..lines {
        out.extend((0..LINE).map(|c| ring[(i + c) % ring.len()]));
        out.extend_from_slice(b"\r\n");
    }
    out
}

/// The first `n` bytes a chargen server at `addr` sends.
fn first_bytes(addr: SocketAddr, n: usize) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut got = vec![0; n];
    stream.read_exact(&mut got).unwrap();
    got
}

/// Utime plus stime of a process, in clock ticks, and its resident memory in KiB.
fn cpu_and_rss(pid: u32) -> (u64, u64) {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // the command name may hold spaces: the fields that follow it are counted from its ')'
    let fields: Vec<&str> = stat[stat.rfind(')').unwrap() + 2..]
        .split_whitespace()
        .collect();
    let ticks = fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap();
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let rss = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap();
    (ticks, rss)
}

#[test]
fn chargen_sends_rfc_864s_lines_from_line_0_to_each_client() {
    let server = spawn(&["chargen", "serve"]);
    let expected = rfc_864_lines(1000);
    for _ in 0..2 {
        let got = first_bytes(server.addr(), expected.len());
        let first_wrong = got.iter().zip(&expected).position(|(a, b)| a != b);
        assert_eq!(first_wrong, None, "the pattern broke at this byte");
    }
}

#[test]
fn chargen_is_byte_for_byte_inetutils_inetds_built_in() {
    let Some(inetutils) = inetd::Inetd::start_inetutils_builtin("chargen", false) else {
        return;
    };
    let server = spawn(&["chargen", "serve"]);
    let n = 1000 * (LINE + 2);
    let theirs = first_bytes(inetutils.addr(), n);
    assert_eq!(
        theirs,
        rfc_864_lines(1000),
        "inetutils-inetd is not RFC 864?"
    );
    assert!(
        first_bytes(server.addr(), n) == theirs,
        "netkit and inetutils-inetd differ"
    );
}

#[test]
fn xinetds_built_in_chargen_has_the_same_line_shape() {
    let Some(xinetd) = inetd::Inetd::start(inetd::Service::Chargen) else {
        return;
    };
    let server = spawn(&["chargen", "serve"]);
    for (who, addr) in [("xinetd", xinetd.addr()), ("netkit", server.addr())] {
        let got = first_bytes(addr, 200 * (LINE + 2));
        let lines: Vec<&[u8]> = got.chunks(LINE + 2).collect();
        for (i, line) in lines.iter().enumerate() {
            assert!(
                line.ends_with(b"\r\n"),
                "{who}: line {i} does not end in CR LF"
            );
            let text = &line[..LINE];
            assert!(
                text.iter().all(|b| (b' '..=b'~').contains(b)),
                "{who}: line {i} is not printable ASCII"
            );
        }
    }
    // the rings differ: xinetd's 93 characters ('!' to '}') against RFC 864's 95 (and xinetd
    // starts again from its first line after every 95)
    let ring = |addr| {
        let line = first_bytes(addr, 200 * (LINE + 2));
        line.chunks(LINE + 2)
            .map(|l| l[0])
            .collect::<BTreeSet<u8>>()
            .len()
    };
    assert_eq!(ring(xinetd.addr()), 93);
    assert_eq!(ring(server.addr()), 95);
}

#[test]
fn fifty_mib_arrive_with_the_pattern_intact() {
    let server = spawn(&["chargen", "serve"]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    // ten periods at a time: each block read must be the same ten periods
    let block = rfc_864_lines(950);
    assert_eq!(block.len(), 10 * PERIOD);
    let mut got = vec![0; block.len()];
    let mut read = 0;
    while read < 50 << 20 {
        stream.read_exact(&mut got).unwrap();
        assert!(got == block, "the pattern broke after {read} bytes");
        read += got.len();
    }
}

#[test]
fn clients_that_never_read_cost_no_cpu_and_no_memory() {
    let mut server = spawn(&["chargen", "serve"]);
    let (_, rss_before) = cpu_and_rss(server.pid());
    // small receive buffers keep the kernel's share small too
    let clients: Vec<socket2::Socket> = (0..10)
        .map(|_| {
            let socket =
                socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            socket.set_recv_buffer_size(16 * 1024).unwrap();
            socket.connect(&server.addr().into()).unwrap();
            socket
        })
        .collect();
    server.wait_log("ten accepted lines", |log| {
        (log.matches("accepted").count() == 10).then_some(())
    });
    // the socket buffers fill, then the server has nothing to do: its CPU time stops moving,
    // for a second on end (a server only kept off the CPU by a loaded machine moves sooner)
    let mut last = cpu_and_rss(server.pid()).0;
    let mut still = 0;
    wait_for(
        "the server to go quiet once the buffers are full",
        Duration::from_secs(30),
        || {
            std::thread::sleep(Duration::from_millis(250));
            let now = cpu_and_rss(server.pid()).0;
            still = if now == last { still + 1 } else { 0 };
            last = now;
            (still >= 4).then_some(())
        },
    );
    let (before, _) = cpu_and_rss(server.pid());
    std::thread::sleep(Duration::from_secs(3));
    let (after, rss_after) = cpu_and_rss(server.pid());
    // SAFETY: sysconf has no preconditions
    let ticks_per_s = unsafe { libc::sysconf(libc::_SC_CLK_TCK) } as u64;
    // a loop spinning on sockets it cannot write takes the 3 s, or on a loaded machine still
    // most of a second; a quiet one nothing, and 0.3 s leaves room for a busy box's accounting
    assert!(
        (after - before) * 10 < ticks_per_s * 3,
        "{} ticks of CPU in 3 s for clients that do not read ({ticks_per_s} a second)",
        after - before
    );
    // nothing of what the clients do not take waits in netkit (the kernel holds its buffers)
    assert!(
        rss_after < rss_before + 2048,
        "RSS grew from {rss_before} KiB to {rss_after} KiB"
    );
    drop(clients);
}

#[test]
fn chargen_answers_each_datagram_with_0_to_512_bytes_of_the_pattern() {
    let server = spawn(&["chargen", "serve", "--tcp", "--udp", "--udp-rate", "100000"]);
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.connect(server.addr()).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let pattern = rfc_864_lines(8);
    let mut lengths = BTreeSet::new();
    let mut buf = [0u8; 2048];
    for i in 0..200 {
        client.send(format!("datagram {i}").as_bytes()).unwrap();
        let n = client.recv(&mut buf).unwrap();
        assert!(n <= 512, "a datagram of {n} bytes");
        assert_eq!(&buf[..n], &pattern[..n], "datagram {i} is not the pattern");
        lengths.insert(n);
    }
    // random lengths, as RFC 864 has them: 200 draws from 513 give many distinct values
    assert!(
        lengths.len() > 50,
        "only {} lengths: {lengths:?}",
        lengths.len()
    );
    // and TCP on the same port
    assert_eq!(first_bytes(server.addr(), 74), rfc_864_lines(1));
}

#[test]
fn chargen_over_udp_keeps_the_rate() {
    let server = spawn(&["chargen", "serve", "--udp", "--udp-rate", "5"]);
    common::udp::assert_rate_limited(server.addr(), 40, 5);
}

#[test]
fn chargen_never_answers_a_datagram_from_port_19() {
    // chargen to chargen is the classic loop
    let mut server = spawn(&["chargen", "serve", "--udp", "-v"]);
    let reflector = SocketAddr::from(([127, 0, 0, 1], 19));
    if common::udp::forge(reflector, server.addr(), b"loop?").is_none() {
        return;
    }
    let ignored = format!("ignored a datagram from {reflector}: a reflecting port");
    server.wait_log("the datagram from port 19 to be ignored", |log| {
        log.contains(&ignored).then_some(())
    });
    let answered = format!("datagram from {reflector} (");
    assert!(!server.log().contains(&answered), "{}", server.log());
}

#[test]
fn chargen_under_inetd_writes_until_the_reader_goes() {
    // as inetd runs it, with the client's socket on stdout; here a pipe read by `head -c 7400`
    let (pipe, head) = common::pipe_closing_after(7400);
    let mut child = Command::new(common::BIN)
        .args(["chargen", "serve", "--inetd"])
        .stdin(Stdio::null())
        .stdout(Stdio::from(pipe))
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let head = head.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(head, rfc_864_lines(100));
    let status = wait_for(
        "chargen to see its reader go",
        Duration::from_secs(10),
        || child.try_wait().unwrap(),
    );
    assert!(status.success(), "{status}");
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert_eq!(stderr, "", "under inetd, stderr may be the client's socket");
}
