//! `time serve` and `time get` (RFC 868) over TCP and UDP, against netkit, xinetd's built-in
//! and test servers.

use std::io::Write;
use std::net::{TcpStream, UdpSocket};
use std::time::{SystemTime, UNIX_EPOCH};

use predicates::prelude::*;

use crate::common::{self, inetd, netkit, peer, refused_addr, spawn};

/// Seconds from 1900 to 1970.
const FROM_1900: u64 = 2_208_988_800;

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// `time get ARGS` with the environment given; its stdout.
fn time_get(args: &[&str], env: &[(&str, &str)]) -> String {
    let out = netkit()
        .args(["time", "get"])
        .args(args)
        .envs(env.iter().copied())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

/// The Unix time of an RFC 3339 line with a whole-second time and a `Z` or `+hh:mm` zone.
fn parse_rfc3339(line: &str) -> i64 {
    let out = std::process::Command::new("date")
        .args(["-u", "-d", line.trim(), "+%s"])
        .output()
        .unwrap();
    assert!(out.status.success(), "date cannot read {line:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap()
}

/// Asserts that `time get` printed one RFC 3339 line within 2 s of the clock.
fn assert_now(stdout: &str, zone: &str) {
    let pattern = format!(r"^\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d{zone}\n$");
    assert!(
        predicate::str::is_match(pattern.as_str())
            .unwrap()
            .eval(stdout),
        "not one RFC 3339 line ending in {zone}: {stdout:?}"
    );
    let shown = parse_rfc3339(stdout) as f64;
    let now = unix_now();
    assert!((shown - now).abs() <= 2.0, "{stdout:?} is not now ({now})");
}

/// A TCP test server that sends `answer` to each client and closes.
fn answering(answer: Vec<u8>) -> u16 {
    peer(move |mut stream| {
        let _ = stream.write_all(&answer);
    })
}

#[test]
fn time_serve_sends_four_bytes_then_closes() {
    let server = spawn(&["time", "serve"]);
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    let answer = common::read_all(&mut stream);
    assert_eq!(answer.len(), 4, "{answer:?}");
    let count = u32::from_be_bytes(answer.try_into().unwrap());
    let now = unix_now() as u64 + FROM_1900;
    assert!(
        (now as u32).wrapping_sub(count) <= 2,
        "{count} is not now ({now} mod 2^32)"
    );
}

#[test]
fn time_get_prints_rfc_3339_over_tcp_and_udp() {
    let server = spawn(&["time", "serve", "--tcp", "--udp"]);
    let port = server.port();
    for transport in [None, Some("--udp")] {
        let mut utc = vec!["127.0.0.1", port.as_str(), "--utc"];
        utc.extend(transport);
        assert_now(&time_get(&utc, &[]), "Z");
        // local time, with its offset
        let mut local = vec!["127.0.0.1", port.as_str()];
        local.extend(transport);
        assert_now(&time_get(&local, &[("TZ", "Asia/Kolkata")]), r"\+05:30");
    }
}

#[test]
fn time_get_reads_xinetds_built_in_time_over_tcp() {
    let Some(xinetd) = inetd::Inetd::start(inetd::Service::Time) else {
        return;
    };
    let port = xinetd.port().to_string();
    assert_now(&time_get(&["127.0.0.1", &port, "--utc"], &[]), "Z");
}

#[test]
fn time_get_reads_xinetds_built_in_time_over_udp() {
    let Some(xinetd) = inetd::Inetd::start(inetd::Service::TimeUdp) else {
        return;
    };
    let port = xinetd.port().to_string();
    assert_now(&time_get(&["127.0.0.1", &port, "--udp", "--utc"], &[]), "Z");
}

#[test]
fn netkit_time_agrees_with_xinetds() {
    let Some(xinetd) = inetd::Inetd::start(inetd::Service::Time) else {
        return;
    };
    let server = spawn(&["time", "serve"]);
    let count = |addr| {
        let mut stream = TcpStream::connect(addr).unwrap();
        let answer = common::read_all(&mut stream);
        u32::from_be_bytes(answer.try_into().unwrap())
    };
    let (theirs, ours) = (count(xinetd.addr()), count(server.addr()));
    assert!(ours.abs_diff(theirs) <= 1, "netkit {ours}, xinetd {theirs}");
}

#[test]
fn offset_of_a_server_100_s_ahead() {
    let port = peer(|mut stream| {
        let ahead = unix_now() as u64 + 100 + FROM_1900;
        let _ = stream.write_all(&(ahead as u32).to_be_bytes());
    })
    .to_string();
    let out = time_get(&["127.0.0.1", &port, "--offset"], &[]);
    let offset: f64 = out
        .lines()
        .nth(1)
        .and_then(|l| l.strip_prefix("offset: "))
        .and_then(|l| l.strip_suffix(" s"))
        .unwrap_or_else(|| panic!("no offset line: {out:?}"))
        .parse()
        .unwrap();
    // the count is truncated to the second, and half a second is added back
    assert!((99.0..=101.5).contains(&offset), "{out}");
    assert!(
        out.lines().nth(1).unwrap().starts_with("offset: +"),
        "{out}"
    );
}

#[test]
fn counts_below_2_pow_31_are_the_era_after_2036() {
    for (count, shown) in [
        (u32::MAX, "2036-02-07T06:28:15Z\n"),
        (0, "2036-02-07T06:28:16Z\n"),
        (1, "2036-02-07T06:28:17Z\n"),
        (1 << 31, "1968-01-20T03:14:08Z\n"),
        ((1 << 31) - 1, "2104-02-26T09:42:23Z\n"),
    ] {
        let port = answering(u32::to_be_bytes(count).to_vec()).to_string();
        assert_eq!(time_get(&["127.0.0.1", &port, "--utc"], &[]), shown);
    }
}

#[test]
fn time_get_over_udp_asks_again_when_a_datagram_is_lost() {
    // a server that drops the first request, as a lossy network would
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port().to_string();
    std::thread::spawn(move || {
        let mut buf = [0u8; 64];
        let mut seen = 0;
        while let Ok((_, from)) = socket.recv_from(&mut buf) {
            seen += 1;
            if seen > 1 {
                let now = unix_now() as u64 + FROM_1900;
                let _ = socket.send_to(&(now as u32).to_be_bytes(), from);
            }
        }
    });
    let out = netkit()
        .args([
            "time",
            "get",
            "--udp",
            "--utc",
            "--trace",
            "127.0.0.1",
            &port,
        ])
        .args(["-w", "3"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_now(&String::from_utf8(out.stdout).unwrap(), "Z");
    let trace = String::from_utf8(out.stderr).unwrap();
    assert!(trace.contains("(try 2)"), "{trace}");
}

#[test]
fn short_and_empty_answers_are_errors() {
    let port = answering(Vec::new());
    netkit()
        .args(["time", "get", "127.0.0.1", &port.to_string()])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: 127.0.0.1:{port} closed the connection without sending the time\n"
        ));
    let port = answering(vec![1, 2, 3]);
    netkit()
        .args(["time", "get", "127.0.0.1", &port.to_string()])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: 127.0.0.1:{port} closed the connection after 3 bytes; a time answer is 4\n"
        ));
    // over UDP, a daytime line is not a time answer
    let daytime = spawn(&["daytime", "serve", "--udp"]);
    let port = daytime.port();
    netkit()
        .args(["time", "get", "--udp", "127.0.0.1", &port])
        .assert()
        .code(1)
        .stderr(
            predicate::str::is_match(format!(
                r"^netkit: 127\.0\.0\.1:{port} answered with \d+ bytes; a time answer is 4\n$"
            ))
            .unwrap(),
        );
}

#[test]
fn time_get_fails_with_the_contracts_codes() {
    let (_held, port) = refused_addr();
    netkit()
        .args(["time", "get", "127.0.0.1", &port.to_string()])
        .assert()
        .code(4)
        .stderr(format!(
            "netkit: cannot connect to 127.0.0.1:{port}: connection refused\n"
        ));
    // -w bounds the whole exchange: a byte a second would take 4 s to make an answer
    let port = common::drip().to_string();
    netkit()
        .args(["time", "get", "127.0.0.1", &port, "-w", "2"])
        .assert()
        .code(5)
        .stderr(format!(
            "netkit: no time from 127.0.0.1:{port}: timed out\n"
        ));
    netkit()
        .args(["time", "get", "127.0.0.1", "70000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value '70000' for '[PORT]': must be 0-65535 or a service name",
        ));
}

#[test]
fn time_get_trace_narrates_the_exchange() {
    let server = spawn(&["time", "serve"]);
    let out = netkit()
        .args(["time", "get", "127.0.0.1", &server.port(), "--trace"])
        .assert()
        .success()
        .get_output()
        .clone();
    let trace = String::from_utf8(out.stderr).unwrap();
    for step in [
        "connected from 127.0.0.1:",
        "received 4 bytes",
        "socket closed",
    ] {
        assert!(trace.contains(step), "no {step:?} in:\n{trace}");
    }
}

#[test]
fn time_under_inetd_sends_four_bytes_and_says_nothing() {
    let out = netkit()
        .args(["time", "serve", "--inetd"])
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    assert_eq!(out.len(), 4);
}
