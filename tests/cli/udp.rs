//! UDP: `--udp` servers and clients, the reply rate limit, reflecting ports, nc -u.

use std::net::UdpSocket;
use std::process::Command;
use std::time::Duration;

use predicates::prelude::*;

use crate::common::{self, inetd, netkit, spawn};

/// A bound UDP socket that answers nothing: ICMP port unreachable comes back.
fn closed_udp_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    drop(socket);
    port
}

/// A UDP server on 127.0.0.1 that answers each datagram with the datagrams `answer` makes of it.
fn udp_peer(answer: impl Fn(&[u8]) -> Vec<Vec<u8>> + Send + 'static) -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut buf = [0u8; 2048];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            for reply in answer(&buf[..n]) {
                let _ = socket.send_to(&reply, from);
            }
        }
    });
    port
}

/// netkit with ARGS started as inetd starts a `wait` datagram service: a bound UDP socket as
/// its stdin. Returns the process and the socket's address.
fn inetd_datagram_service(args: &[&str]) -> (std::process::Child, std::net::SocketAddr) {
    use std::os::fd::OwnedFd;
    use std::process::Stdio;
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let addr = socket.local_addr().unwrap();
    let child = Command::new(common::BIN)
        .args(args)
        .stdin(Stdio::from(OwnedFd::from(socket)))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    (child, addr)
}

#[test]
fn daytime_over_udp_and_tcp_on_one_port() {
    let mut server = spawn(&[
        "daytime", "serve", "--tcp", "--udp", "--utc", "--format", "rfc3339",
    ]);
    let udp_line = format!("listening on {} (udp)", server.addr());
    server.wait_log("the udp listening line", |log| {
        log.contains(&udp_line).then_some(())
    });
    for transport in [&["--udp"][..], &[][..]] {
        netkit()
            .args(["daytime", "get", "127.0.0.1", &server.port()])
            .args(transport)
            .assert()
            .success()
            .stdout(predicate::str::is_match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$").unwrap());
    }
}

#[test]
fn echo_over_udp() {
    let server = spawn(&["echo", "serve", "--udp"]);
    netkit()
        .args([
            "echo",
            "send",
            "--udp",
            "127.0.0.1",
            &server.port(),
            "over",
            "udp",
        ])
        .assert()
        .success()
        .stdout("over udp\n");
    netkit()
        .args(["echo", "send", "--udp", "127.0.0.1", &server.port()])
        .write_stdin("one\ntwo\n")
        .assert()
        .success()
        .stdout("one\ntwo\n");
}

#[test]
fn udp_replies_are_rate_limited_per_source() {
    let server = spawn(&["echo", "serve", "--udp", "--udp-rate", "5"]);
    common::udp::assert_rate_limited(server.addr(), 40, 5);
}

#[test]
fn datagrams_from_reflecting_ports_get_no_answer() {
    // the unit test reflecting_ports_are_never_answered covers every port; this, the whole path
    let mut server = spawn(&["echo", "serve", "--udp", "-v"]);
    let reflector = std::net::SocketAddr::from(([127, 0, 0, 1], 7));
    if common::udp::forge(reflector, server.addr(), b"ping-pong?").is_none() {
        return;
    }
    let ignored = format!("ignored a datagram from {reflector}: a reflecting port");
    server.wait_log("the datagram from port 7 to be ignored", |log| {
        log.contains(&ignored).then_some(())
    });
    let answered = format!("datagram from {reflector} (");
    assert!(!server.log().contains(&answered), "{}", server.log());
    // and an ordinary port is answered, so the silence above was the rule, not a dead server
    netkit()
        .args(["echo", "send", "--udp", "127.0.0.1", &server.port(), "x"])
        .assert()
        .success();
}

#[test]
fn udp_to_a_closed_port_is_refused() {
    let port = closed_udp_port().to_string();
    netkit()
        .args(["daytime", "get", "--udp", "127.0.0.1", &port])
        .assert()
        .code(4)
        .stderr(format!(
            "netkit: no time from 127.0.0.1:{port}: connection refused\n"
        ));
}

#[test]
fn udp_counts_losses_and_goes_on() {
    let server = spawn(&["echo", "serve", "--udp", "--udp-rate", "2"]);
    netkit()
        .args([
            "echo",
            "send",
            "--udp",
            "127.0.0.1",
            &server.port(),
            "-c",
            "4",
            "-i",
            "0",
            "-w",
            "0.3",
        ])
        .assert()
        .code(1)
        .stdout(
            predicate::str::contains("seq=3 lost").and(predicate::str::contains(
                "4 sent, 2 echoed, 0 mismatched, 2 lost",
            )),
        );
}

#[test]
fn nc_gets_a_udp_echo() {
    if !common::have("nc") {
        return;
    }
    let server = spawn(&["echo", "serve", "--udp"]);
    let mut child = Command::new("nc")
        .args(["-u", "-w", "1", "127.0.0.1", &server.port()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), b"via nc -u\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout), "via nc -u\n");
}

#[test]
fn a_second_udp_server_on_the_port_is_refused() {
    // the holder's loops share the port (SO_REUSEPORT); that must not let a second server in
    let server = spawn(&["echo", "serve", "--udp", "--threads", "2"]);
    let port = server.port();
    netkit()
        .args([
            "echo",
            "serve",
            "--udp",
            "--threads",
            "2",
            "--bind",
            "127.0.0.1",
            "--port",
            &port,
        ])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: cannot listen on 127.0.0.1:{port}: port {port} is already in use\n"
        ));
}

#[test]
fn an_over_long_udp_echo_is_a_mismatch() {
    let port = udp_peer(|got| vec![[got, b"EXTRA\n"].concat()]);
    netkit()
        .args([
            "echo",
            "send",
            "--udp",
            "127.0.0.1",
            &port.to_string(),
            "hi",
        ])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: 127.0.0.1:{port} sent 6 bytes more than the message\n"
        ));
}

#[test]
fn echo_bench_over_udp_verifies_netkit_echo_serve() {
    let server = spawn(&["echo", "serve", "--udp", "--udp-rate", "1000000"]);
    // a few 64 KiB datagrams fill a socket's receive buffer, and the kernel drops the rest
    // (counted lost after a second): the largest size runs alone
    for (size, connections, depth) in [("1", "4", "2"), ("1400", "4", "2"), ("65507", "1", "1")] {
        let result = crate::echo::bench_json(
            &server.port(),
            &[
                "--udp",
                "--size",
                size,
                "--connections",
                connections,
                "--depth",
                depth,
            ],
            0,
        );
        assert_eq!(result["transport"], "udp", "{result}");
        assert_eq!(result["mismatches"], 0, "{result}");
        assert_eq!(result["errors"], 0, "{result}");
        assert_eq!(result["starved"], 0, "{result}");
        assert!(result["messages"].as_u64().unwrap() > 0, "{result}");
    }
}

#[test]
fn echo_bench_over_udp_detects_a_corrupting_server() {
    // answers every datagram with its byte 0 flipped
    let port = udp_peer(|got| {
        let mut reply = got.to_vec();
        reply[0] ^= 0x20;
        vec![reply]
    });
    let result = crate::echo::bench_json(&port.to_string(), &["--udp"], 1);
    assert!(result["mismatches"].as_u64().unwrap() > 0, "{result}");
    assert_eq!(result["messages"], 0, "{result}");
}

#[test]
fn echo_bench_over_udp_matches_echoes_out_of_order_and_counts_duplicates_late() {
    // answers each pair of datagrams in reverse order, and every datagram twice
    let held = std::sync::Mutex::new(None::<Vec<u8>>);
    let port = udp_peer(move |got| {
        let mut held = held.lock().unwrap();
        match held.take() {
            None => {
                *held = Some(got.to_vec());
                vec![]
            }
            Some(first) => vec![got.to_vec(), first.clone(), got.to_vec(), first],
        }
    });
    let result = crate::echo::bench_json(
        &port.to_string(),
        &["--udp", "--connections", "1", "--depth", "2"],
        0,
    );
    assert_eq!(result["mismatches"], 0, "{result}");
    assert!(result["messages"].as_u64().unwrap() >= 2, "{result}");
    assert!(result["late"].as_u64().unwrap() >= 2, "{result}");
}

#[test]
fn echo_bench_over_udp_counts_what_a_rate_limit_drops() {
    // one reply a second: the second datagram is dropped and counted lost after a second
    let server = spawn(&["echo", "serve", "--udp", "--udp-rate", "1"]);
    let result = crate::echo::bench_json(
        &server.port(),
        &["--udp", "--connections", "1", "--duration", "1.5"],
        0,
    );
    assert!(result["lost"].as_u64().unwrap() >= 1, "{result}");
    assert!(result["messages"].as_u64().unwrap() >= 1, "{result}");
    assert_eq!(result["mismatches"], 0, "{result}");
}

#[test]
fn echo_bench_over_udp_fails_when_nothing_was_measured() {
    let port = udp_peer(|_| vec![]); // takes every datagram, answers none
    netkit()
        .args(["echo", "bench", "--udp", "127.0.0.1", &port.to_string()])
        .args(["-n", "2", "-d", "0.3"])
        .assert()
        .code(1)
        .stderr("netkit: nothing measured: no echo in 0.3 s on any of the 2 UDP sockets\n");
}

#[test]
fn echo_bench_over_udp_to_a_closed_port_is_refused() {
    let port = closed_udp_port();
    netkit()
        .args(["echo", "bench", "--udp", "127.0.0.1", &port.to_string()])
        .args(["-d", "0.5"])
        .assert()
        .code(4)
        .stderr(format!(
            "netkit: cannot connect to 127.0.0.1:{port}: connection refused\n"
        ));
}

#[test]
fn echo_bench_over_udp_refuses_a_size_above_a_datagram() {
    netkit()
        .args(["echo", "bench", "--udp", "127.0.0.1", "--size", "65508"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--size 65508 does not fit in one UDP datagram (at most 65507)",
        ));
}

#[test]
fn inetd_wait_mode_answers_datagrams_then_exits_when_quiet() {
    let (mut child, addr) = inetd_datagram_service(&["echo", "serve", "--inetd", "--udp"]);
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.connect(addr).unwrap();
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut buf = [0u8; 64];
    for message in [&b"one"[..], b"\0\xfftwo"] {
        client.send(message).unwrap();
        let n = client.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], message);
    }
    let last = std::time::Instant::now();
    // it stays for more, then leaves so that inetd watches the socket again
    assert!(
        child.try_wait().unwrap().is_none(),
        "exited after two datagrams"
    );
    let status = common::wait_for(
        "the exit after 10 s of quiet",
        Duration::from_secs(30),
        || child.try_wait().unwrap(),
    );
    assert!(status.success(), "{status}");
    assert!(
        last.elapsed() >= Duration::from_secs(9),
        "left {:?} after the last datagram",
        last.elapsed()
    );
}

#[test]
fn inetd_udp_daytime_answers_an_empty_datagram() {
    // a datagram socket on stdin is served as one, --udp or not
    let (mut child, addr) = inetd_datagram_service(&[
        "daytime", "serve", "--inetd", "--utc", "--format", "rfc3339",
    ]);
    netkit()
        .args([
            "daytime",
            "get",
            "--udp",
            "127.0.0.1",
            &addr.port().to_string(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$").unwrap());
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn inetd_udp_without_a_datagram_socket_is_an_error() {
    netkit()
        .args(["echo", "serve", "--inetd", "--udp"])
        .write_stdin("not a socket")
        .assert()
        .code(1)
        .stderr("netkit: echo serve --inetd --udp: stdin is not a datagram socket\n");
}

#[test]
fn netkit_serves_udp_under_a_real_inetd_as_a_wait_service() {
    let Some(inetd) = inetd::Inetd::start(inetd::Service::NetkitUdpEcho) else {
        return;
    };
    // the first datagram starts netkit on the socket; the second finds it still there
    let mut started = Vec::new();
    for words in [["via", "inetd"], ["and", "again"]] {
        netkit()
            .args([
                "echo",
                "send",
                "--udp",
                "127.0.0.1",
                &inetd.port().to_string(),
                "-w",
                "10",
            ])
            .args(words)
            .assert()
            .success()
            .stdout(format!("{} {}\n", words[0], words[1]));
        started.push(inetd.servers());
    }
    assert_eq!(started[0].len(), 1, "one server process: {started:?}");
    assert_eq!(started[0], started[1], "the same process answered both");
}

#[test]
fn inetd_udp_with_a_stream_socket_on_stdin_says_nothing_to_the_client() {
    use std::io::Read;
    use std::os::fd::OwnedFd;
    use std::process::Stdio;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut client = std::net::TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    let (accepted, _) = listener.accept().unwrap();
    let out = Command::new(common::BIN)
        .args(["echo", "serve", "--inetd", "--udp"])
        .stdin(Stdio::from(OwnedFd::from(accepted)))
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
    client
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let mut got = Vec::new();
    client.read_to_end(&mut got).unwrap();
    assert_eq!(String::from_utf8_lossy(&got), "", "the client was told");
}

#[test]
fn a_wrong_udp_echo_of_a_stdin_line_is_a_mismatch() {
    let port = udp_peer(|got| vec![got.to_ascii_uppercase()]);
    netkit()
        .args(["echo", "send", "--udp", "127.0.0.1", &port.to_string()])
        .write_stdin("hello\n")
        .assert()
        .code(1)
        .stdout("HELLO\n")
        .stderr(format!(
            "netkit: echo from 127.0.0.1:{port} differs from what was sent at byte 1\n"
        ));
    let port = udp_peer(|got| vec![[got, b"more"].concat()]);
    netkit()
        .args(["echo", "send", "--udp", "127.0.0.1", &port.to_string()])
        .write_stdin("hello\n")
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: 127.0.0.1:{port} sent 4 bytes more than the line\n"
        ));
}

#[test]
fn a_forged_datagram_sets_off_no_endless_loop_between_two_servers() {
    let args = ["echo", "serve", "--udp", "--udp-rate", "1000000"];
    let mut a = spawn(&args);
    let mut b = spawn(&args);
    // an ordinary client pinging B with the same bytes ten times a second, all along
    let port = b.port();
    let pinger = std::thread::spawn(move || {
        netkit()
            .args(["echo", "send", "--udp", "127.0.0.1", &port])
            .args(["--count", "30", "--interval", "0.1", "same", "bytes"])
            .output()
            .unwrap()
    });
    b.wait_log("the first ping", |log| {
        log.contains("datagram from").then_some(())
    });
    if common::udp::forge(a.addr(), b.addr(), b"ping-pong?").is_none() {
        return;
    }
    let suspected = "a loop with another server, suspected";
    a.wait_log("a loop to be suspected", |log| {
        (log.contains(suspected) || b.log().contains(suspected)).then_some(())
    });
    let answered = |server: &common::Server, other: &common::Server| {
        server
            .log()
            .matches(&format!("datagram from {} (", other.addr()))
            .count()
    };
    // the answers stop, and stay stopped for a second: the datagrams still in flight die and
    // the lines still in the two servers' pipes arrive (a loaded machine delays both)
    let mut last = (answered(&a, &b), answered(&b, &a));
    let mut still_since = std::time::Instant::now();
    let at_warning = common::wait_for(
        "the answers between the two servers to stop (the loop went on)",
        Duration::from_secs(10),
        || {
            std::thread::sleep(Duration::from_millis(100));
            let now = (answered(&a, &b), answered(&b, &a));
            if now != last {
                (last, still_since) = (now, std::time::Instant::now());
            }
            (still_since.elapsed() >= Duration::from_secs(1)).then_some(now)
        },
    );
    eprintln!("answers before the loop was cut (A to B, B to A): {at_warning:?}");
    assert!(
        at_warning.0 + at_warning.1 < 1000,
        "{at_warning:?} answers before the loop stopped"
    );
    assert_eq!(
        b.log().matches(suspected).count() + a.log().matches(suspected).count(),
        1,
        "one warning for one loop"
    );
    let ping = pinger.join().unwrap();
    assert!(
        ping.status.success(),
        "the ping was not answered throughout: {}{}",
        String::from_utf8_lossy(&ping.stdout),
        String::from_utf8_lossy(&ping.stderr)
    );
}

#[test]
fn a_datagram_from_the_servers_own_address_and_port_is_not_answered() {
    let mut server = spawn(&["echo", "serve", "--udp", "--udp-rate", "1000000", "-v"]);
    if common::udp::forge(server.addr(), server.addr(), b"myself?").is_none() {
        return;
    }
    let ignored = format!(
        "ignored a datagram from {}: one of our own addresses and ports",
        server.addr()
    );
    server.wait_log("the datagram to be ignored", |log| {
        log.contains(&ignored).then_some(())
    });
    let answered = format!("datagram from {} (", server.addr());
    assert!(!server.log().contains(&answered), "{}", server.log());
}
