//! `discard serve` end to end: TCP reads to the FIN and sends nothing, UDP never answers.

use std::io::{ErrorKind, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use crate::common::{self, netkit, noise, spawn, wait_for};

/// Whether `err` is a read that ran out of time, which is what "nothing came" looks like.
fn timed_out(err: &std::io::Error) -> bool {
    matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut)
}

#[test]
fn discard_reads_everything_sends_nothing_and_closes_at_the_fin() {
    let mut server = spawn(&["discard", "serve"]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.write_all(&noise(300_000)).unwrap();
    // still sending: the server neither answers nor closes
    stream
        .set_read_timeout(Some(Duration::from_millis(300)))
        .unwrap();
    let mut buf = [0u8; 16];
    match stream.read(&mut buf) {
        Err(err) if timed_out(&err) => {}
        other => panic!("expected silence from discard, got {other:?}"),
    }
    stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(common::read_all(&mut stream), b"", "bytes from discard");
    let closed = format!("closed {}", stream.local_addr().unwrap());
    let line = server.wait_log("the closed line", |log| {
        log.lines().find(|l| l.contains(&closed)).map(str::to_owned)
    });
    assert!(line.contains("300000 bytes in, 0 bytes out"), "{line}");
}

#[test]
fn discard_never_answers_a_datagram_and_logs_it() {
    // -v: past the first, a datagram's line is a debug line (one a second is info)
    let mut server = spawn(&["discard", "serve", "--tcp", "--udp", "-v"]);
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    for datagram in [&b"hello"[..], b""] {
        client.send_to(datagram, server.addr()).unwrap();
    }
    let from = client.local_addr().unwrap();
    for n in [5, 0] {
        let line = format!("discard: datagram from {from} ({n} bytes in, not answered)");
        server.wait_log("the datagram lines", |log| {
            log.contains(&line).then_some(())
        });
    }
    // an answer would have been sent before the line was logged; give it time all the same
    client
        .set_read_timeout(Some(Duration::from_millis(500)))
        .unwrap();
    let mut buf = [0u8; 64];
    match client.recv_from(&mut buf) {
        Err(err) if timed_out(&err) => {}
        other => panic!("discard answered a datagram: {other:?}"),
    }
    // TCP on the same port
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    stream.write_all(b"over tcp").unwrap();
    stream.shutdown(Shutdown::Write).unwrap();
    assert_eq!(common::read_all(&mut stream), b"");
}

#[test]
fn a_flood_of_datagrams_at_discard_is_one_info_line_a_second() {
    let mut server = spawn(&["discard", "serve", "--udp", "-v"]);
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    let from = client.local_addr().unwrap();
    let started = Instant::now();
    for len in 1..=50 {
        client.send_to(&noise(len), server.addr()).unwrap();
    }
    let last = format!("discard: datagram from {from} (50 bytes in, not answered)");
    server.wait_log("the line of the last datagram", |log| {
        log.contains(&last).then_some(())
    });
    let took = started.elapsed();
    let log = server.log();
    let lines = |level: &str| {
        log.lines()
            .filter(|l| l.contains(level) && l.contains("not answered"))
            .count()
    };
    assert_eq!(lines(" INFO ") + lines(" DEBUG "), 50, "{log}");
    // at most one info line a second: the rest are debug lines, however loaded the box is
    assert!(
        lines(" INFO ") as u64 <= took.as_secs() + 1,
        "{} info lines in {took:?}:\n{log}",
        lines(" INFO ")
    );
}

#[test]
fn discard_closes_a_quiet_connection_after_the_idle_timeout() {
    let mut server = spawn(&["discard", "serve", "--idle-timeout", "1"]);
    let mut quiet = TcpStream::connect(server.addr()).unwrap();
    quiet.write_all(b"one line\n").unwrap();
    assert_eq!(common::read_all(&mut quiet), b"");
    server.wait_log("the idle close", |log| {
        log.lines()
            .find(|l| l.contains("9 bytes in, 0 bytes out") && l.ends_with("idle timeout)"))
            .map(drop)
    });
}

#[test]
fn discard_under_inetd_reads_to_the_end_and_says_nothing() {
    netkit()
        .args(["discard", "serve", "--inetd"])
        .write_stdin(noise(200_000))
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

#[test]
fn discard_on_a_port_in_use_is_one_line() {
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().port().to_string();
    netkit()
        .args(["discard", "serve", "--bind", "127.0.0.1", "--port", &port])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: cannot listen on 127.0.0.1:{port}: port {port} is already in use\n"
        ));
}

#[test]
fn sighup_stops_a_server_as_sigterm_does() {
    let mut server = spawn(&["discard", "serve"]);
    let mut open = TcpStream::connect(server.addr()).unwrap();
    open.write_all(b"x").unwrap();
    server.wait_log("the accepted line", |log| {
        log.contains("accepted").then_some(())
    });
    let status = server.signal(libc::SIGHUP);
    assert!(status.success(), "{status}");
    // the open session was closed when the grace period ran out
    assert_eq!(common::read_all(&mut open), b"");
    wait_for("the stopped line", Duration::from_secs(10), || {
        server.log().contains("INFO discard: stopped").then_some(())
    });
    let log = server.log();
    assert!(
        log.contains("SIGHUP received: no new connections, open ones get 2 s"),
        "{log}"
    );
    assert!(log.contains("server stopping)"), "{log}");
}
