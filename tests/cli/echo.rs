//! `echo serve`, `echo send` and `echo bench` end to end, and their interoperability.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::{self, inetd, netkit, noise, peer, spawn, tty, wait_closed, wait_for};

/// Writes `data` from a second thread while this one reads the echo, as a fast client does.
fn echo_through(addr: std::net::SocketAddr, data: Vec<u8>) -> Vec<u8> {
    let mut stream = TcpStream::connect(addr).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let sent = data.len();
    let handle = thread::spawn(move || {
        writer.write_all(&data).unwrap();
        writer.shutdown(std::net::Shutdown::Write).unwrap();
    });
    let echo = common::read_all(&mut stream);
    handle.join().unwrap();
    assert_eq!(echo.len(), sent, "echoed length");
    echo
}

fn status_field(pid: u32, field: &str) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with(field)).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn binary_payloads_come_back_byte_exact() {
    let server = spawn(&["echo", "serve"]);
    for data in [
        b"\0\xff\0\xff no newline".to_vec(),
        vec![0xff; 3],
        noise(1 << 20),
    ] {
        assert!(
            echo_through(server.addr(), data.clone()) == data,
            "payload of {} bytes differs",
            data.len()
        );
    }
}

#[test]
fn a_thousand_clients_at_once_get_their_own_data() {
    common::raise_fd_limit();
    let server = spawn(&[
        "echo",
        "serve",
        "--max-per-source",
        "2000",
        "--max-connections",
        "2000",
    ]);
    let mut clients: Vec<TcpStream> = (0..1000)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client
            .write_all(format!("client {i}\n").as_bytes())
            .unwrap();
    }
    let threads = status_field(server.pid(), "Threads:");
    let cores = thread::available_parallelism().unwrap().get() as u64;
    assert!(
        threads <= 2 * cores + 8,
        "{threads} threads for 1000 connections"
    );
    for (i, client) in clients.iter_mut().enumerate() {
        let want = format!("client {i}\n");
        let mut got = vec![0; want.len()];
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        client.read_exact(&mut got).unwrap();
        assert_eq!(String::from_utf8(got).unwrap(), want);
    }
}

/// Sockets on `port` in `/proc/net/{table}` (IPv4) whose state is `state` (hex, as there).
fn sockets_on(table: &str, port: u16, state: &str) -> usize {
    let text = std::fs::read_to_string(format!("/proc/net/{table}")).unwrap();
    text.lines()
        .skip(1)
        .filter(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            fields[1].ends_with(&format!(":{port:04X}")) && fields[3] == state
        })
        .count()
}

#[test]
fn each_event_loop_serves_its_own_sockets() {
    let server = spawn(&["echo", "serve", "--tcp", "--udp", "--threads", "3"]);
    let port = server.addr().port();
    // 0A is LISTEN; 07 is what an unconnected UDP socket shows
    assert_eq!(sockets_on("tcp", port, "0A"), 3, "listening sockets");
    assert_eq!(sockets_on("udp", port, "07"), 3, "UDP sockets");
    // the kernel spreads clients over the group by address and port: every one is answered
    let mut clients: Vec<TcpStream> = (0..30)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client.write_all(format!("tcp {i}\n").as_bytes()).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut got = vec![0; format!("tcp {i}\n").len()];
        client.read_exact(&mut got).unwrap();
        assert_eq!(got, format!("tcp {i}\n").as_bytes());
    }
    for i in 0..30 {
        let client = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        client.connect(server.addr()).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(2)))
            .unwrap();
        let sent = format!("udp {i}");
        let mut buf = [0u8; 64];
        // a datagram can be lost; a few tries, each waiting for the reply
        let got = (0..3).find_map(|_| {
            client.send(sent.as_bytes()).unwrap();
            client.recv(&mut buf).ok()
        });
        assert_eq!(got.map(|n| &buf[..n]), Some(sent.as_bytes()), "{sent}");
    }
}

#[test]
fn netkit_serves_under_a_real_inetd_as_a_nowait_service() {
    let Some(inetd) = inetd::Inetd::start(inetd::Service::NetkitEcho) else {
        return;
    };
    let data = noise(100_000);
    assert!(
        echo_through(inetd.addr(), data.clone()) == data,
        "the echo differs from what was sent"
    );
}

#[test]
fn inetd_echo_lets_go_of_a_client_that_sends_without_reading() {
    use std::os::fd::OwnedFd;
    /// The server, killed however the test ends.
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    // as inetd does for a nowait service: the accepted socket is stdin and stdout
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let socket = OwnedFd::from(listener.accept().unwrap().0);
    let mut server = Killed(
        Command::new(common::BIN)
            .args(["echo", "serve", "--inetd", "--idle-timeout", "1"])
            .stdin(Stdio::from(socket.try_clone().unwrap()))
            .stdout(Stdio::from(socket))
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    let started = Instant::now();
    // sends until the buffers both ways are full and netkit's echo cannot be written
    let sender = thread::spawn(move || {
        let chunk = vec![b'x'; 64 * 1024];
        let mut sent = 0usize;
        while sent < 1 << 30 && client.write_all(&chunk).is_ok() {
            sent += chunk.len();
        }
        sent
    });
    let status = wait_for(
        "netkit to give up on a client that does not read",
        Duration::from_secs(15),
        || server.0.try_wait().unwrap(),
    );
    assert!(status.success(), "{status}");
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "gone before --idle-timeout"
    );
    let sent = sender.join().unwrap();
    assert!(
        sent < 1 << 30,
        "netkit took everything: the test never stalled it"
    );
}

#[test]
fn a_stderr_nobody_reads_does_not_stall_the_server() {
    use std::io::{BufRead, BufReader};
    /// The server, killed however the test ends.
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut server = Killed(
        Command::new(common::BIN)
            .args(["echo", "serve", "--bind", "127.0.0.1", "--port", "0"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    // the listening line is read, and then nothing more: the pipe fills up
    let mut stderr = BufReader::new(server.0.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    let addr: std::net::SocketAddr = first
        .split("listening on ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|a| a.parse().ok())
        .unwrap_or_else(|| panic!("no address in {first:?}"));
    // two lines of ~90 bytes per connection: ~540 KB, several times what a pipe holds, and
    // more lines than netkit queues, so some are dropped
    for i in 0..3000 {
        let mut client = TcpStream::connect(addr).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        client.write_all(b"x").unwrap();
        let mut one = [0u8];
        client
            .read_exact(&mut one)
            .unwrap_or_else(|e| panic!("connection {i} got no echo: {e}"));
    }
}

#[test]
fn a_silent_client_does_not_delay_another() {
    let server = spawn(&["echo", "serve"]);
    let _silent: Vec<TcpStream> = (0..10)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    netkit()
        .args([
            "echo",
            "send",
            "127.0.0.1",
            &server.port(),
            "still",
            "here",
            "-w",
            "3",
        ])
        .assert()
        .success()
        .stdout("still here\n");
}

#[test]
fn a_client_that_never_reads_costs_bounded_memory() {
    let server = spawn(&["echo", "serve"]);
    let before = status_field(server.pid(), "VmRSS:");
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let mut writer = stream.try_clone().unwrap();
    let total = 50 << 20;
    let written = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let progress = written.clone();
    let handle = thread::spawn(move || {
        let chunk = noise(64 << 10);
        while progress.load(std::sync::atomic::Ordering::Relaxed) < total {
            writer.write_all(&chunk).unwrap();
            progress.fetch_add(chunk.len(), std::sync::atomic::Ordering::Relaxed);
        }
    });
    // the writer stalls once the server stops reading: wait until no progress for 500 ms
    let mut last = usize::MAX;
    let stalled = wait_for("the writer to stall", Duration::from_secs(20), || {
        thread::sleep(Duration::from_millis(500));
        let now = written.load(std::sync::atomic::Ordering::Relaxed);
        let still = now == last;
        last = now;
        still.then_some(now)
    });
    assert!(
        stalled < total,
        "the server took all 50 MiB without the client reading"
    );
    let during = status_field(server.pid(), "VmRSS:");
    assert!(
        during < before + 16 * 1024,
        "server RSS grew from {before} kB to {during} kB"
    );
    // now read it all: every byte comes back, in order
    let mut received = 0usize;
    let mut buf = vec![0; 1 << 16];
    let expect = noise(64 << 10);
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    while received < total {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "server closed after {received} bytes");
        for (k, byte) in buf[..n].iter().enumerate() {
            assert_eq!(
                *byte,
                expect[(received + k) % expect.len()],
                "byte {}",
                received + k
            );
        }
        received += n;
    }
    handle.join().unwrap();
}

#[test]
fn max_connections_is_enforced() {
    let mut server = spawn(&["echo", "serve", "--max-connections", "2"]);
    let mut kept: Vec<TcpStream> = (0..2)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    for client in &mut kept {
        client.write_all(b"x").unwrap();
        let mut one = [0u8];
        client.read_exact(&mut one).unwrap(); // both are really being served
    }
    // closed at once, with a FIN or a reset; a connection left open fails here
    let mut third = TcpStream::connect(server.addr()).unwrap();
    wait_closed(&mut third, Duration::from_secs(5));
    server.wait_log("the refusal warning", |log| {
        log.contains("WARN echo: refused").then_some(())
    });
    assert!(server.log().contains("--max-connections 2 reached"));
}

#[test]
fn idle_connections_are_closed() {
    let mut server = spawn(&["echo", "serve", "--idle-timeout", "1"]);
    let mut idle = TcpStream::connect(server.addr()).unwrap();
    idle.set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 1];
    assert_eq!(
        idle.read(&mut buf).unwrap(),
        0,
        "the idle connection was not closed"
    );
    server.wait_log("the idle close", |log| {
        log.contains("idle timeout").then_some(())
    });
}

#[test]
fn closed_lines_count_bytes_each_way() {
    let mut server = spawn(&["echo", "serve"]);
    echo_through(server.addr(), b"12345".to_vec());
    let line = server.wait_log("the closed line", |log| {
        log.lines()
            .find(|l| l.contains("closed"))
            .map(str::to_owned)
    });
    assert!(line.contains("5 bytes in, 5 bytes out"), "{line}");
}

#[test]
fn echo_send_prints_the_echo() {
    let server = spawn(&["echo", "serve"]);
    netkit()
        .args([
            "echo",
            "send",
            "127.0.0.1",
            &server.port(),
            "hello",
            "world",
        ])
        .assert()
        .success()
        .stdout("hello world\n");
}

#[test]
fn echo_send_reports_mismatch() {
    let port = peer(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        buf[0] ^= 1;
        s.write_all(&buf[..n]).unwrap();
    });
    netkit()
        .args(["echo", "send", "127.0.0.1", &port.to_string(), "hello"])
        .assert()
        .code(1)
        .stdout("iello\n")
        .stderr(format!(
            "netkit: echo from 127.0.0.1:{port} differs from what was sent at byte 1\n"
        ));
}

#[test]
fn echo_send_reports_an_early_close() {
    let port = peer(|mut s| {
        let mut buf = [0u8; 64];
        let _ = s.read(&mut buf);
        let _ = s.write_all(b"he");
    });
    netkit()
        .args(["echo", "send", "127.0.0.1", &port.to_string(), "hello"])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: 127.0.0.1:{port} closed the connection after echoing 2 of 6 bytes\n"
        ));
}

#[test]
fn echo_send_reads_stdin_lines_and_half_closes() {
    let server = spawn(&["echo", "serve"]);
    netkit()
        .args(["echo", "send", "127.0.0.1", &server.port()])
        .write_stdin("one\ntwo\n\0\u{7f}binary tail")
        .assert()
        .success()
        .stdout("one\ntwo\n\0\u{7f}binary tail");
}

#[test]
fn echo_send_count_prints_times_and_summary() {
    let server = spawn(&["echo", "serve"]);
    netkit()
        .args(["echo", "send", "127.0.0.1", &server.port(), "--count", "3", "--interval", "0", "ping"])
        .assert()
        .success()
        .stdout(
            predicate::str::is_match(
                r"^seq=1 bytes=5 time=\d+\.\d{3} ms\nseq=2 .*\nseq=3 .*\n--- 127\.0\.0\.1:\d+ echo statistics ---\n3 sent, 3 echoed, 0 mismatched, 0 lost\nrtt min/avg/max/stddev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms\n$",
            )
            .unwrap(),
        );
}

#[test]
fn echo_send_count_fails_when_the_connection_is_lost() {
    let port = peer(|mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        s.write_all(&buf[..n]).unwrap(); // one echo, then gone
    });
    netkit()
        .args([
            "echo",
            "send",
            "127.0.0.1",
            &port.to_string(),
            "-c",
            "3",
            "-i",
            "0",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "3 sent, 1 echoed, 0 mismatched, 2 lost",
        ));
}

#[test]
fn nc_socat_and_telnet_get_their_echo() {
    let server = spawn(&["echo", "serve"]);
    let port = server.port();
    if common::have("nc") {
        let out = Command::new("nc")
            .args(["-N", "127.0.0.1", &port])
            .stdin_bytes(b"via nc\n");
        assert_eq!(out, b"via nc\n");
    }
    if common::have("socat") {
        let out = Command::new("socat")
            .args(["-", &format!("TCP:127.0.0.1:{port}")])
            .stdin_bytes(b"via socat\n");
        assert_eq!(out, b"via socat\n");
    }
    if common::have("telnet") {
        // telnet quits at stdin EOF, possibly before the echo comes: keep stdin open until it does
        let mut child = Command::new("telnet")
            .args(["127.0.0.1", &port])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"via telnet\n").unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let mut seen = Vec::new();
        let mut buf = [0u8; 256];
        while !String::from_utf8_lossy(&seen).contains("via telnet\r\n")
            && !String::from_utf8_lossy(&seen).ends_with("via telnet\n")
        {
            let n = stdout.read(&mut buf).unwrap();
            assert!(
                n > 0,
                "telnet ended without the echo: {}",
                String::from_utf8_lossy(&seen)
            );
            seen.extend_from_slice(&buf[..n]);
        }
        drop(stdin);
        let _ = child.kill();
        let _ = child.wait();
    }
}

#[test]
fn echo_send_talks_to_inetd_builtin_echo() {
    let Some(inetd) = inetd::Inetd::start(inetd::Service::Echo) else {
        return;
    };
    netkit()
        .args([
            "echo",
            "send",
            "127.0.0.1",
            &inetd.port().to_string(),
            "hello",
            "inetd",
        ])
        .assert()
        .success()
        .stdout("hello inetd\n");
}

/// Runs a command with `input` on stdin, with a deadline, and returns its stdout.
trait StdinBytes {
    fn stdin_bytes(&mut self, input: &[u8]) -> Vec<u8>;
}

impl StdinBytes for Command {
    fn stdin_bytes(&mut self, input: &[u8]) -> Vec<u8> {
        let mut child = self
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let mut out = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        wait_for("the peer program to exit", Duration::from_secs(10), || {
            child.try_wait().ok().flatten()
        });
        out
    }
}

/// `echo bench --json` with `extra`; 4 connections for 0.5 s unless `extra` says otherwise.
pub fn bench_json(port: &str, extra: &[&str], code: i32) -> serde_json::Value {
    let mut args = vec!["echo", "bench", "127.0.0.1", port, "--json"];
    for (flag, default) in [("--connections", "4"), ("--duration", "0.5")] {
        if !extra.contains(&flag) {
            args.extend([flag, default]);
        }
    }
    args.extend_from_slice(extra);
    let out = netkit()
        .args(&args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    serde_json::from_slice(&out)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out)))
}

#[test]
fn echo_bench_verifies_netkit_echo_serve() {
    let server = spawn(&["echo", "serve"]);
    for size in ["1", "64", "70000"] {
        let result = bench_json(&server.port(), &["--size", size, "--depth", "3"], 0);
        assert_eq!(result["mismatches"], 0, "{result}");
        assert_eq!(result["errors"], 0, "{result}");
        assert_eq!(result["starved"], 0, "{result}");
        assert!(result["messages"].as_u64().unwrap() > 0, "{result}");
        assert!(
            result["messages_per_sec"].as_f64().unwrap() > 0.0,
            "{result}"
        );
        for key in ["mb_per_sec", "p50_us", "p99_us", "max_us"] {
            assert!(result[key].is_number(), "{key} in {result}");
        }
    }
}

#[test]
fn echo_bench_detects_a_corrupting_server() {
    // echoes faithfully, except that byte 100 of each connection's stream is flipped
    let port = peer(|mut s| {
        let mut buf = [0u8; 4096];
        let mut offset = 0usize;
        while let Ok(n) = s.read(&mut buf) {
            if n == 0 {
                break;
            }
            if (offset..offset + n).contains(&100) {
                buf[100 - offset] ^= 0x20;
            }
            offset += n;
            if s.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    });
    let result = bench_json(&port.to_string(), &[], 1);
    assert_eq!(
        result["mismatches"], 4,
        "one bad message per connection: {result}"
    );
}

#[test]
fn echo_bench_prints_a_summary() {
    let server = spawn(&["echo", "serve"]);
    netkit()
        .args(["echo", "bench", "127.0.0.1", &server.port(), "-n", "2", "-d", "0.3"])
        .assert()
        .success()
        // the live line is for a terminal only
        .stderr("")
        .stdout(predicate::str::is_match(r"messages/s \d+\nMB/s +[\d.]+\nlatency +p50 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms\nerrors 0, mismatches 0, starved 0 of 2 connections\n$").unwrap());
}

/// Where a live bench line for `connections` connections of a `total` run ends in `text`,
/// one with time gone, a non-zero rate, every connection up and no errors:
/// `2s/3s  41230 messages/s, 2.6 MB/s, 4 of 4 connections up, 0 errors`.
fn live_bench_line(text: &str, total: &str, connections: usize) -> Option<usize> {
    let up = format!("{connections} of {connections} connections up, 0 errors");
    let mut start = 0;
    for line in text.split_inclusive(['\r', '\n']) {
        let end = start + line.len();
        start = end;
        // a line still being drawn is judged once it is redrawn or ended
        // indicatif pads the line to the terminal's width
        let Some(line) = line.strip_suffix(['\r', '\n']).map(str::trim_end) else {
            continue;
        };
        let Some((time, rest)) = line.split_once("  ") else {
            continue;
        };
        let Some((gone, of)) = time.split_once('/') else {
            continue;
        };
        let gone: u64 = match gone.strip_suffix('s').map(str::parse) {
            Some(Ok(gone)) => gone,
            _ => continue,
        };
        let Some((rate, rest)) = rest.split_once(" messages/s, ") else {
            continue;
        };
        let rate: u64 = rate.parse().unwrap_or(0);
        let figures = rest.split_once(" MB/s, ");
        if gone >= 1 && of == total && rate > 0 && figures.is_some_and(|(_, rest)| rest == up) {
            return Some(end);
        }
    }
    None
}

#[test]
fn live_bench_line_is_recognised() {
    let line = "1s/3s  41230 messages/s, 2.6 MB/s, 4 of 4 connections up, 0 errors";
    assert_eq!(
        live_bench_line(&format!("{line}  \r"), "3s", 4),
        Some(line.len() + 3)
    );
    for not in [
        "0s/3s  opening 4 connections\r",
        "1s/3s  0 messages/s, 0.0 MB/s, 4 of 4 connections up, 0 errors\r",
        "1s/3s  9 messages/s, 0.0 MB/s, 3 of 4 connections up, 1 errors\r",
        "1s/3s  9 messages/s, 0.0 MB/s, 4 of 4 connections up, 0 errors",
    ] {
        assert_eq!(live_bench_line(not, "3s", 4), None, "{not:?}");
    }
}

#[test]
fn echo_bench_on_a_terminal_shows_the_figures_while_it_runs() {
    let server = spawn(&["echo", "serve"]);
    let port = server.port();
    let mut tty = tty::spawn(&["echo", "bench", "127.0.0.1", &port, "-n", "4", "-d", "3"]);
    let wait = Duration::from_secs(20);
    tty.expect("0s/3s  opening 4 connections", wait);
    tty.expect_with(
        "a live line with the time, a non-zero rate and 4 connections up",
        wait,
        |text| live_bench_line(text, "3s", 4),
    );
    let summary = format!("127.0.0.1:{port}: 4 connections, 64-byte messages, depth 1, ");
    tty.expect(&summary, wait);
    tty.expect("\nmessages/s ", wait);
    tty.expect(
        "\nerrors 0, mismatches 0, starved 0 of 4 connections\n",
        wait,
    );
    let status = tty.wait(wait);
    assert!(
        status.success(),
        "{status}; the terminal showed:\n{}",
        tty.text()
    );
}

#[test]
fn echo_send_on_a_terminal_echoes_each_typed_line_until_ctrl_d() {
    let server = spawn(&["echo", "serve"]);
    let mut tty = tty::spawn(&["echo", "send", "127.0.0.1", &server.port()]);
    let wait = Duration::from_secs(10);
    tty.send(b"hello there\n");
    // the terminal shows the typed line, then netkit prints the echo
    tty.expect("hello there\nhello there\n", wait);
    tty.send(b"\x04");
    let status = tty.wait(wait);
    assert!(
        status.success(),
        "{status}; the terminal showed:\n{}",
        tty.text()
    );
}

#[test]
fn echo_bench_refused_exits_4() {
    let (_taken, port) = common::refused_addr();
    netkit()
        .args(["echo", "bench", "127.0.0.1", &port.to_string(), "-d", "0.2"])
        .assert()
        .code(4)
        .stderr(format!(
            "netkit: cannot connect to 127.0.0.1:{port}: connection refused\n"
        ));
}

/// Checks a bench of 2,000 connections against `server`: every one measured, none refused.
fn two_thousand_connections_are_measured(server: &common::Server) {
    let result = bench_json(
        &server.port(),
        &["--connections", "2000", "--duration", "2"],
        0,
    );
    assert_eq!(result["errors"], 0, "{result}");
    assert_eq!(result["closed_before_echo"], 0, "{result}");
    assert_eq!(result["mismatches"], 0, "{result}");
    assert_eq!(result["starved"], 0, "{result}");
}

#[test]
fn echo_bench_of_two_thousand_connections_has_no_errors() {
    common::raise_fd_limit();
    let server = spawn(&[
        "echo",
        "serve",
        "--max-per-source",
        "10000",
        "--max-connections",
        "10000",
    ]);
    two_thousand_connections_are_measured(&server);
}

#[test]
fn echo_bench_of_two_thousand_connections_against_the_defaults_has_no_errors() {
    common::raise_fd_limit();
    two_thousand_connections_are_measured(&spawn(&["echo", "serve"]));
}

#[test]
fn echo_bench_names_the_connections_a_server_limit_refused() {
    let server = spawn(&["echo", "serve", "--max-per-source", "10"]);
    let hint = "(likely a server-side limit, such as --max-per-source or --max-connections)";
    netkit()
        .args([
            "echo",
            "bench",
            "127.0.0.1",
            &server.port(),
            "-n",
            "50",
            "-d",
            "0.5",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::ends_with(format!(
            "errors 40, mismatches 0, starved 40 of 50 connections\n\
             closed by the server before any echo: 40 of 50 connections {hint}\n"
        )))
        .stderr(format!(
            "netkit: 0 mismatched messages and 40 connection errors: the server closed 40 of \
             50 connections before any echo {hint}\n"
        ));
    // a fresh server: the first may still be counting the last run's connections as open
    let server = spawn(&["echo", "serve", "--max-per-source", "10"]);
    let result = bench_json(&server.port(), &["--connections", "50"], 1);
    assert_eq!(result["closed_before_echo"], 40, "{result}");
    assert_eq!(result["errors"], 40, "{result}");
    assert!(result["messages"].as_u64().unwrap() > 0, "{result}");
}

#[test]
fn echo_bench_says_why_when_every_connection_is_refused() {
    // a server that takes each connection and closes it at once, as a limit does
    let port = peer(drop);
    netkit()
        .args([
            "echo",
            "bench",
            "127.0.0.1",
            &port.to_string(),
            "-n",
            "5",
            "-d",
            "5",
        ])
        .assert()
        .code(1)
        .stderr(
            "netkit: nothing measured: the server closed all 5 connections before any echo \
             (likely a server-side limit, such as --max-per-source or --max-connections)\n",
        );
}

#[test]
fn echo_bench_fails_when_nothing_was_measured() {
    // accepts and reads, and never answers
    let port = peer(|mut s| {
        let mut sink = [0u8; 1024];
        while let Ok(1..) = s.read(&mut sink) {}
    });
    netkit()
        .args([
            "echo",
            "bench",
            "127.0.0.1",
            &port.to_string(),
            "-n",
            "2",
            "-d",
            "0.3",
        ])
        .assert()
        .code(1)
        .stdout(predicate::str::ends_with(
            "errors 0, mismatches 0, starved 2 of 2 connections\n",
        ))
        .stderr("netkit: nothing measured: no echo in 0.3 s on any of the 2 connections\n");
}

#[test]
fn echo_send_trace_with_stderr_closed_early_exits_0() {
    let (go, wait) = mpsc::channel::<()>();
    let wait = Mutex::new(wait);
    let port = peer(move |mut s| {
        let mut buf = [0u8; 64];
        let n = s.read(&mut buf).unwrap();
        // the echo, and so the trace of it, comes only once netkit's stderr is closed
        let _ = wait.lock().unwrap().recv_timeout(Duration::from_secs(10));
        let _ = s.write_all(&buf[..n]);
    });
    let port = port.to_string();
    let args = ["echo", "send", "127.0.0.1", &port, "--trace", "hello"];
    for joined in [false, true] {
        let run = common::run_with_stderr_closed_early(&args, b"", joined, || go.send(()).unwrap());
        assert!(run.status.success(), "joined {joined}: {run:?}");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(!stdout.contains("panicked"), "{stdout}");
        assert_eq!(stdout, if joined { "" } else { "hello\n" });
    }
}

#[test]
fn sigterm_stops_accepting_and_exits_0() {
    let mut server = spawn(&["echo", "serve"]);
    let mut open = TcpStream::connect(server.addr()).unwrap();
    open.write_all(b"x").unwrap();
    let mut one = [0u8];
    open.read_exact(&mut one).unwrap();
    let signalled = Instant::now();
    // SAFETY: kill(2) on our own child, not yet reaped
    unsafe { libc::kill(server.pid() as i32, libc::SIGTERM) };
    // no new connections: the listening socket is closed at once, not after the grace period
    wait_for("the listener to close", Duration::from_secs(5), || {
        TcpStream::connect(server.addr()).is_err().then_some(())
    });
    open.set_nonblocking(true).unwrap();
    let session = open.peek(&mut one);
    // (a test stalled for most of the grace period could not tell)
    if signalled.elapsed() < Duration::from_millis(1500) {
        assert!(
            matches!(&session, Err(e) if e.kind() == std::io::ErrorKind::WouldBlock),
            "the open session ended with the listener: {session:?}"
        );
    }
    open.set_nonblocking(false).unwrap();
    // the open session is closed once the contract's 2 s of grace are over: not at once, and
    // not never (the upper bound leaves room for a busy machine)
    let how = wait_closed(&mut open, Duration::from_secs(10));
    let after = signalled.elapsed();
    assert!(
        after >= Duration::from_millis(1500) && after < Duration::from_secs(8),
        "the open session was closed ({how:?}) {after:?} after SIGTERM"
    );
    let status = server.wait_exit("the server to exit after the grace period");
    assert!(status.success(), "{status}");
    let log = server.log();
    assert!(
        log.contains("INFO echo: SIGTERM received: no new connections")
            && log.ends_with("INFO echo: stopped\n"),
        "{log}"
    );
}

#[test]
fn echo_send_carries_a_line_longer_than_the_socket_buffers() {
    let server = spawn(&["echo", "serve"]);
    let mut line = noise(4 << 20);
    line.retain(|&b| b != b'\n');
    line.push(b'\n');
    let out = netkit()
        .args(["echo", "send", "127.0.0.1", &server.port()])
        .write_stdin(line.clone())
        .assert()
        .success();
    assert!(
        out.get_output().stdout == line,
        "the 4 MiB line came back different"
    );
}

#[test]
fn absurd_durations_are_usage_errors() {
    for args in [
        ["echo", "send", "127.0.0.1", "7", "-w", "1e20"],
        ["echo", "bench", "127.0.0.1", "7", "--duration", "1e10"],
    ] {
        netkit()
            .args(args)
            .assert()
            .code(2)
            .stderr(predicate::str::contains("must be a number of seconds"));
    }
}

#[test]
fn max_per_source_is_enforced() {
    let mut server = spawn(&["echo", "serve", "--max-per-source", "1"]);
    let mut first = TcpStream::connect(server.addr()).unwrap();
    first.write_all(b"x").unwrap();
    let mut one = [0u8];
    first.read_exact(&mut one).unwrap();
    let mut second = TcpStream::connect(server.addr()).unwrap();
    wait_closed(&mut second, Duration::from_secs(5));
    server.wait_log("the refusal warning", |log| {
        log.contains("--max-per-source 1 reached").then_some(())
    });
    // the first client is still served
    first.write_all(b"y").unwrap();
    first.read_exact(&mut one).unwrap();
    assert_eq!(&one, b"y");
}

#[test]
fn send_wait_bounds_the_whole_exchange_not_each_read() {
    let port = common::drip().to_string();
    let started = std::time::Instant::now();
    netkit()
        .args([
            "echo",
            "send",
            "127.0.0.1",
            &port,
            "-w",
            "2",
            "a-long-enough-message",
        ])
        .assert()
        .code(5)
        .stderr(format!(
            "netkit: no echo from 127.0.0.1:{port}: timed out\n"
        ));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1900),
        "ended after {took:?}, before -w"
    );
    assert!(took < Duration::from_secs(8), "took {took:?} with -w 2");
}

#[test]
fn ctrl_c_ends_count_with_the_summary() {
    let server = spawn(&["echo", "serve"]);
    let mut child = Command::new(common::BIN)
        .args([
            "echo",
            "send",
            "127.0.0.1",
            &server.port(),
            "--count",
            "100",
            "-i",
            "0.05",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut seen = String::new();
    for _ in 0..3 {
        std::io::BufRead::read_line(&mut out, &mut seen).unwrap();
    }
    assert!(seen.starts_with("seq=1 bytes=12 "), "{seen}");
    // SAFETY: kill(2) on our own child, not yet reaped
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let mut rest = String::new();
    out.read_to_string(&mut rest).unwrap();
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "stdout: {seen}{rest}");
    let summary = predicate::str::is_match(
        r"--- 127\.0\.0\.1:\d+ echo statistics ---\n(\d+) sent, \d+ echoed, 0 mismatched, 0 lost\nrtt min/avg/max/stddev = [\d.]+/[\d.]+/[\d.]+/[\d.]+ ms\n$",
    )
    .unwrap();
    assert!(summary.eval(&rest), "no summary after SIGINT: {rest}");
    assert!(!rest.contains("100 sent"), "ran to the end: {rest}");
}

#[test]
fn ctrl_c_while_waiting_for_an_echo_ends_with_the_summary() {
    // a server that takes the message and never echoes it
    let (got, heard) = mpsc::channel();
    let got = Mutex::new(got);
    let port = peer(move |mut stream| {
        let mut byte = [0u8; 1];
        if stream.read(&mut byte).is_ok_and(|n| n > 0) {
            let _ = got.lock().unwrap().send(());
        }
        let _ = std::io::copy(&mut stream, &mut std::io::sink());
    })
    .to_string();
    // -w 0: without the signal, it would wait for ever
    let mut child = Command::new(common::BIN)
        .args([
            "echo",
            "send",
            "127.0.0.1",
            &port,
            "--count",
            "3",
            "-w",
            "0",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    heard
        .recv_timeout(Duration::from_secs(10))
        .expect("the first message never came");
    // SAFETY: kill(2) on our own child, not yet reaped
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let status = wait_for(
        "echo send to exit after SIGINT",
        Duration::from_secs(10),
        || child.try_wait().ok().flatten(),
    );
    let (mut out, mut err) = (String::new(), String::new());
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut out)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(1), "stdout: {out}\nstderr: {err}");
    assert_eq!(
        out,
        format!(
            "--- 127.0.0.1:{port} echo statistics ---\n1 sent, 0 echoed, 0 mismatched, 1 lost\n"
        )
    );
    assert_eq!(err, "netkit: 0 mismatched and 1 lost of 1 messages\n");
}

#[test]
fn count_zero_and_interval_without_count_are_usage_errors() {
    netkit()
        .args(["echo", "send", "127.0.0.1", "7", "-c", "0", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value '0' for '--count <N>'",
        ));
    netkit()
        .args(["echo", "send", "127.0.0.1", "7", "-i", "2", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--count <N>"));
}

#[test]
fn a_wildcard_server_says_where_clients_reach_it() {
    if !common::have_ipv6() {
        return;
    }
    let mut server = common::spawn_with(&["echo", "serve"], &["--bind", "::", "--port", "0"], &[]);
    let line = server.wait_log("the reachable line", |log| {
        log.lines()
            .find(|line| line.contains("INFO echo: reachable at "))
            .map(str::to_owned)
    });
    let list: Vec<&str> = line
        .split("reachable at ")
        .nth(1)
        .unwrap()
        .split(", ")
        .collect();
    let port = format!(":{}", server.port());
    assert!(list.iter().all(|a| a.ends_with(&port)), "{line}");
    assert!(!list.iter().any(|a| a.starts_with("[::]")), "{line}");
    // a teammate given any of them is echoed (link-local ones need their scope: skipped)
    let reached = list
        .iter()
        .filter_map(|a| a.parse::<std::net::SocketAddr>().ok())
        .find(|addr| {
            let Ok(mut stream) = TcpStream::connect_timeout(addr, Duration::from_secs(2)) else {
                return false;
            };
            let mut echo = [0u8; 5];
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            stream.write_all(b"hello").is_ok()
                && stream.read_exact(&mut echo).is_ok()
                && &echo == b"hello"
        });
    assert!(reached.is_some(), "none of {list:?} echoed");
}

#[test]
fn ipv4_clients_of_a_dual_stack_server_are_logged_as_ipv4() {
    if !common::have_ipv6() {
        return;
    }
    let mut server = common::spawn_with(
        &["echo", "serve", "--tcp", "--udp"],
        &["--bind", "::", "--port", "0"],
        &[],
    );
    let port = server.addr().port();
    let mut client = TcpStream::connect(("127.0.0.1", port)).unwrap();
    let tcp_local = client.local_addr().unwrap();
    client.write_all(b"v4").unwrap();
    client.shutdown(std::net::Shutdown::Write).unwrap();
    assert_eq!(common::read_all(&mut client), b"v4");
    let udp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let udp_local = udp.local_addr().unwrap();
    udp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    udp.send_to(b"v4", ("127.0.0.1", port)).unwrap();
    let mut buf = [0u8; 8];
    assert_eq!(udp.recv(&mut buf).unwrap(), 2);
    let closed = format!("closed {tcp_local} (2 bytes in, 2 bytes out");
    let datagram = format!("datagram from {udp_local} (2 bytes in, 2 bytes out)");
    server.wait_log("the closed and datagram lines", |log| {
        (log.contains(&closed) && log.contains(&datagram)).then_some(())
    });
    let log = server.log();
    assert!(log.contains(&format!("accepted {tcp_local}\n")), "{log}");
    assert!(!log.contains("::ffff:"), "{log}");
}
