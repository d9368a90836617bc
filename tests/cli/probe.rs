//! `probe` and `raw -z` end to end: states in order, ranges, exit codes, --json, --wait, a
//! command after the wait, --banner, UDP, IPv6, and the bound on open sockets.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::{self, blackhole, netkit, peer, refused_addr, wait_for, BIN};

/// A listener on 127.0.0.1 that accepts and holds its connections until the test ends.
fn open_port() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

/// `127.0.0.1 PORT/tcp`, an optional service name, then the rest: the pattern of a line.
fn line(port: u16, rest: &str) -> String {
    format!(r"127\.0\.0\.1 {port}/tcp( \([^)]+\))? {rest}")
}

fn stdout_of(output: &std::process::Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

/// Lines of `text` that match each pattern, in order, and no other lines.
fn assert_lines(text: &str, patterns: &[String]) {
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), patterns.len(), "lines:\n{text}");
    for (got, pattern) in lines.iter().zip(patterns) {
        let whole = predicate::str::is_match(format!("^{pattern}$")).unwrap();
        assert!(whole.eval(got), "{got:?} does not match {pattern:?}");
    }
}

#[test]
fn probe_reports_open_closed_and_filtered_in_the_order_given() {
    let (_open, open) = open_port();
    let (_refuser, closed) = refused_addr();
    let (_hole, _fillers, filtered) = blackhole();
    let output = netkit()
        .args(["probe", "-w", "1", "127.0.0.1"])
        .args([open, closed, filtered].map(|p| p.to_string()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    assert_lines(
        &stdout_of(&output),
        &[
            line(open, r"open \d+\.\d\d ms"),
            line(closed, "closed"),
            line(filtered, "filtered"),
        ],
    );
    assert!(output.stderr.is_empty(), "{output:?}");
}

#[test]
fn probe_exit_code_is_the_first_port_not_open() {
    let (_open, open) = open_port();
    let (_refuser, closed) = refused_addr();
    let (_hole, _fillers, filtered) = blackhole();
    let [open, closed, filtered] = [open, closed, filtered].map(|p| p.to_string());
    let code = |ports: &[&str]| {
        netkit()
            .args(["probe", "-q", "-w", "0.5", "127.0.0.1"])
            .args(ports)
            .assert()
            .stdout("")
            .stderr("")
            .get_output()
            .status
            .code()
    };
    assert_eq!(code(&[&open, &open]), Some(0));
    assert_eq!(code(&[&open, &closed, &filtered]), Some(4));
    assert_eq!(code(&[&filtered, &closed]), Some(5));
    netkit()
        .args(["probe", "nosuch.invalid", "80"])
        .assert()
        .code(3)
        .stdout("")
        .stderr(
            predicate::str::is_match(r"^netkit: cannot resolve 'nosuch\.invalid': [a-z].*\n$")
                .unwrap(),
        );
}

#[test]
fn probe_rejects_reversed_ranges_and_ports_beyond_65535_as_usage_errors() {
    for (ports, says) in [
        (
            "30-20",
            "invalid value '30-20' for '<PORT>...': the range is reversed: write 20-30",
        ),
        (
            "70000",
            "invalid value '70000' for '<PORT>...': must be 0-65535",
        ),
        (
            "1-70000",
            "invalid value '1-70000' for '<PORT>...': must be 0-65535",
        ),
        ("nosuchsvc", "invalid value 'nosuchsvc'"),
    ] {
        netkit()
            .args(["probe", "127.0.0.1", ports])
            .assert()
            .code(2)
            .stdout("")
            .stderr(predicate::str::contains(says));
    }
}

/// Twenty consecutive ports on 127.0.0.1, all held by this test: listeners at `open` offsets,
/// bound non-listening (refusing) sockets elsewhere, so no other test's server is among them.
///
/// They are looked for below the ephemeral range (32768 up), where the TIME_WAIT of every
/// connection the tests make would leave few runs of twenty free ports.
fn held_range(open: &[u16]) -> (u16, Vec<socket2::Socket>) {
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    for attempt in 0..100u32 {
        let first = 10_000 + (seed.wrapping_add(attempt * 7919) % 22_000) as u16;
        let mut held = Vec::new();
        for offset in 0..20u16 {
            let socket =
                socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
            let addr = SocketAddr::from(([127, 0, 0, 1], first + offset));
            if socket.bind(&addr.into()).is_err() {
                break;
            }
            held.push(socket);
        }
        if held.len() < 20 {
            continue;
        }
        for &offset in open {
            held[usize::from(offset)].listen(16).unwrap();
        }
        return (first, held);
    }
    panic!("no twenty consecutive free ports found in 100 tries");
}

#[test]
fn probe_range_finds_three_listeners_among_twenty_ports() {
    let open = [0u16, 7, 19];
    let (first, _held) = held_range(&open);
    let output = netkit()
        .args(["probe", "127.0.0.1", &format!("{first}-{}", first + 19)])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let expected: Vec<String> = (0..20u16)
        .map(|offset| match open.contains(&offset) {
            true => line(first + offset, r"open \d+\.\d\d ms"),
            false => line(first + offset, "closed"),
        })
        .collect();
    assert_lines(&stdout_of(&output), &expected);
}

#[test]
fn probe_names_well_known_services() {
    let output = netkit()
        .args(["probe", "-w", "0.5", "127.0.0.1", "ssh", "daytime", "echo"])
        .output()
        .unwrap();
    let text = stdout_of(&output);
    let state = r"(open \d+\.\d\d ms|closed|filtered)";
    assert_lines(
        &text,
        &[
            format!(r"127\.0\.0\.1 22/tcp \(ssh\) {state}"),
            format!(r"127\.0\.0\.1 13/tcp \(daytime\) {state}"),
            format!(r"127\.0\.0\.1 7/tcp \(echo\) {state}"),
        ],
    );
}

#[test]
fn probe_json_is_one_object_per_port() {
    let (_open, open) = open_port();
    let (_refuser, closed) = refused_addr();
    let output = netkit()
        .args(["probe", "--json", "127.0.0.1", &open.to_string(), "22"])
        .args([closed.to_string()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let objects: Vec<serde_json::Value> = stdout_of(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects.len(), 3);
    let first = &objects[0];
    assert_eq!(first["host"], "127.0.0.1");
    assert_eq!(first["addr"], "127.0.0.1");
    assert_eq!(first["port"], open);
    assert_eq!(first["proto"], "tcp");
    assert_eq!(first["state"], "open");
    assert!(first["rtt_ms"].as_f64().unwrap() >= 0.0);
    assert!(first.get("banner").is_none(), "banner only with --banner");
    assert_eq!(objects[1]["port"], 22);
    assert_eq!(objects[1]["service"], "ssh");
    assert_eq!(objects[2]["state"], "closed");
}

#[test]
fn probe_quiet_prints_nothing_and_keeps_the_code() {
    let (_refuser, closed) = refused_addr();
    netkit()
        .args(["probe", "-q", "127.0.0.1", &closed.to_string()])
        .assert()
        .code(4)
        .stdout("")
        .stderr("");
}

#[test]
fn probe_wait_returns_soon_after_the_port_opens() {
    // bound now (refused), listening in 1.5 s: the same port, with no race for it
    let (socket, port) = refused_addr();
    let opener = thread::spawn(move || {
        thread::sleep(Duration::from_millis(1500));
        socket.listen(16).unwrap();
        socket
    });
    let started = Instant::now();
    let output = netkit()
        .args(["probe", "--wait", "30", "127.0.0.1", &port.to_string()])
        .output()
        .unwrap();
    let took = started.elapsed();
    let _socket = opener.join().unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_lines(&stdout_of(&output), &[line(port, r"open \d+\.\d\d ms")]);
    // no progress line when stderr is not a terminal
    assert!(output.stderr.is_empty(), "{output:?}");
    assert!(
        took >= Duration::from_millis(1500),
        "open before the listener: {took:?}"
    );
    // the back-off is at most 1 s: far from the 30 s deadline, whatever the machine's load
    assert!(took < Duration::from_secs(15), "took {took:?}");
}

#[test]
fn probe_wait_gives_up_with_one_line_naming_what_is_closed() {
    let (_open, open) = open_port();
    let (_refuser, closed) = refused_addr();
    let started = Instant::now();
    netkit()
        .args(["probe", "--wait", "1.5", "127.0.0.1", &open.to_string()])
        .args([closed.to_string(), "--".into(), "echo".into(), "ran".into()])
        .assert()
        .code(5)
        .stdout(predicate::str::contains("ran").not())
        .stderr(format!(
            "netkit: timed out after 1.5 s waiting for 127.0.0.1: {closed}/tcp closed\n"
        ));
    let took = started.elapsed();
    assert!(
        took >= Duration::from_millis(1500),
        "gave up early: {took:?}"
    );
    assert!(took < Duration::from_secs(10), "took {took:?}");
}

#[test]
fn probe_runs_the_command_once_open_and_exits_with_its_status() {
    let (_open, open) = open_port();
    let open = open.to_string();
    netkit()
        .args(["probe", "--wait", "5", "127.0.0.1", &open, "--"])
        .args(["sh", "-c", "echo ran; exit 7"])
        .assert()
        .code(7)
        .stdout(
            predicate::str::is_match(format!(
                "^{}\nran\n$",
                line(open.parse().unwrap(), r"open \d+\.\d\d ms")
            ))
            .unwrap(),
        );
    netkit()
        .args(["probe", "-q", "127.0.0.1", &open, "--", "true"])
        .assert()
        .code(0)
        .stdout("");
    // without --wait, a closed port is the end too: the command does not run
    let (_refuser, closed) = refused_addr();
    netkit()
        .args([
            "probe",
            "127.0.0.1",
            &closed.to_string(),
            "--",
            "echo",
            "ran",
        ])
        .assert()
        .code(4)
        .stdout(predicate::str::contains("ran").not());
    netkit()
        .args(["probe", "127.0.0.1", &open, "--", "/nonexistent/program"])
        .assert()
        .code(1)
        .stderr("netkit: cannot run '/nonexistent/program': no such file or directory\n");
}

#[test]
fn probe_banner_is_the_first_line_escaped() {
    let greeter = peer(|mut stream| {
        let _ = stream.write_all(b"SSH-2.0-test \x1b[31mred\x07\"q\"\r\nsecond line\r\n");
        let _ = stream.read(&mut [0u8; 16]);
    });
    let silent = peer(|mut stream| {
        let _ = stream.read(&mut [0u8; 16]);
    });
    let output = netkit()
        .args(["probe", "--banner", "-w", "0.5", "127.0.0.1"])
        .args([greeter, silent].map(|p| p.to_string()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let text = stdout_of(&output);
    assert!(
        text.bytes()
            .all(|b| b == b'\n' || (b' '..=b'~').contains(&b)),
        "a raw control byte on stdout: {text:?}"
    );
    assert_lines(
        &text,
        &[
            line(
                greeter,
                r#"open \d+\.\d\d ms "SSH-2\.0-test \\x1b\[31mred\\x07\\"q\\"""#,
            ),
            line(silent, r"open \d+\.\d\d ms"),
        ],
    );
    let output = netkit()
        .args(["probe", "--banner", "--json", "-w", "0.5", "127.0.0.1"])
        .args([greeter, silent].map(|p| p.to_string()))
        .output()
        .unwrap();
    let objects: Vec<serde_json::Value> = stdout_of(&output)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(objects[0]["banner"], r#"SSH-2.0-test \x1b[31mred\x07\"q\""#);
    assert_eq!(objects[1]["banner"], serde_json::Value::Null);
}

#[test]
fn probe_udp_open_closed_and_silent() {
    let echo = UdpSocket::bind("127.0.0.1:0").unwrap();
    let echo_port = echo.local_addr().unwrap().port();
    thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = echo.recv_from(&mut buf) {
            let _ = echo.send_to(&buf[..n], from);
        }
    });
    let silent = UdpSocket::bind("127.0.0.1:0").unwrap();
    let silent_port = silent.local_addr().unwrap().port();
    // a port just given back: nothing is bound there, so ICMP port unreachable comes back
    let closed_port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let output = netkit()
        .args(["probe", "-u", "-w", "0.5", "127.0.0.1"])
        .args([echo_port, closed_port, silent_port].map(|p| p.to_string()))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4), "{output:?}");
    let udp = |port: u16, rest: &str| format!(r"127\.0\.0\.1 {port}/udp( \([^)]+\))? {rest}");
    assert_lines(
        &stdout_of(&output),
        &[
            udp(echo_port, r"open \d+\.\d\d ms"),
            udp(closed_port, "closed"),
            udp(silent_port, r"open\|filtered"),
        ],
    );
    netkit()
        .args(["probe", "-u", "-q", "-w", "0.5", "127.0.0.1"])
        .args([silent_port.to_string()])
        .assert()
        .code(5);
}

#[test]
fn probe_over_ipv6() {
    if !common::have_ipv6() {
        return;
    }
    let listener = TcpListener::bind("[::1]:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    for host in ["::1", "[::1]"] {
        netkit()
            .args(["probe", "-6", host, &port.to_string()])
            .assert()
            .code(0)
            .stdout(
                predicate::str::is_match(format!(
                    r"^::1 {port}/tcp( \([^)]+\))? open \d+\.\d\d ms\n$"
                ))
                .unwrap(),
            );
    }
    netkit()
        .args(["probe", "-4", "::1", &port.to_string()])
        .assert()
        .code(3)
        .stderr("netkit: cannot resolve '::1': no IPv4 address\n");
}

#[test]
fn raw_z_is_probe_spelled_as_for_nc() {
    let (_open, open) = open_port();
    let (_refuser, closed) = refused_addr();
    let ports = [open.to_string(), closed.to_string()];
    let probe = netkit()
        .args(["probe", "127.0.0.1"])
        .args(&ports)
        .output()
        .unwrap();
    for spelling in [
        &["raw", "-z", "127.0.0.1"][..],
        &["raw", "-z", "-w", "1", "127.0.0.1"],
    ] {
        let raw = netkit().args(spelling).args(&ports).output().unwrap();
        assert_eq!(raw.status.code(), Some(4), "{raw:?}");
        let strip_rtt = |out: &std::process::Output| {
            let text = stdout_of(out);
            text.lines()
                .map(|l| l.split(" open ").next().unwrap().to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(strip_rtt(&raw), strip_rtt(&probe));
    }
    netkit()
        .args(["raw", "-z", "127.0.0.1", &format!("{closed}-{closed}")])
        .assert()
        .code(4)
        .stdout(predicate::str::is_match(format!("^{}\n$", line(closed, "closed"))).unwrap());
}

/// The sockets a process holds now, from /proc/PID/fd.
fn sockets_of(pid: u32) -> Option<usize> {
    let entries = std::fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    Some(
        entries
            .filter_map(|e| std::fs::read_link(e.ok()?.path()).ok())
            .filter(|target| target.to_string_lossy().starts_with("socket:"))
            .count(),
    )
}

/// Runs `netkit ARGS`, counting its sockets until it exits; returns the most seen.
fn most_sockets(args: &[String]) -> usize {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut most = 0;
    let pid = child.id();
    wait_for("the probe to finish", Duration::from_secs(60), || {
        if let Some(count) = sockets_of(pid) {
            most = most.max(count);
        }
        child.try_wait().unwrap()
    });
    most
}

#[test]
fn probing_2000_closed_ports_never_holds_more_than_256_sockets() {
    if !std::path::Path::new("/proc/self/fd").exists() {
        eprintln!("skipped: no /proc on this machine");
        return;
    }
    let args = ["probe", "-q", "127.0.0.1", "20000-21999"].map(String::from);
    let most = most_sockets(&args);
    assert!(most <= 256, "{most} sockets open at once");
}

#[test]
fn probing_silent_ports_keeps_256_sockets_at_once_and_no_more() {
    if !std::path::Path::new("/proc/self/fd").exists() {
        eprintln!("skipped: no /proc on this machine");
        return;
    }
    // each attempt at a full accept queue waits out -w: the sockets pile up to the bound
    let (_hole, _fillers, filtered) = blackhole();
    let mut args = ["probe", "-q", "-w", "0.5", "127.0.0.1"]
        .map(String::from)
        .to_vec();
    args.extend(std::iter::repeat_n(filtered.to_string(), 600));
    let most = most_sockets(&args);
    assert!(most <= 256, "{most} sockets open at once");
    assert!(
        most >= 200,
        "only {most} sockets at once: the probes ran one by one"
    );
}

#[test]
fn probe_trace_narrates_on_stderr_only() {
    let (_refuser, closed) = refused_addr();
    netkit()
        .args(["probe", "--trace", "127.0.0.1", &closed.to_string()])
        .assert()
        .code(4)
        .stdout(predicate::str::is_match(format!("^{}\n$", line(closed, "closed"))).unwrap())
        .stderr(
            predicate::str::contains(format!("connecting to 127.0.0.1:{closed}")).and(
                predicate::str::contains(format!("127.0.0.1:{closed} closed: connection refused")),
            ),
        );
}

#[test]
fn probe_tries_each_address_until_one_accepts() {
    // localhost may be only 127.0.0.1 here; two literal addresses in one name are not to be
    // had without a resolver, so the unit tests of net::probe cover the order; this checks
    // that a name works at all
    let (_open, open) = open_port();
    let output = netkit()
        .args(["probe", "-4", "localhost", &open.to_string()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert_lines(&stdout_of(&output), &[line(open, r"open \d+\.\d\d ms")]);
}

#[test]
fn probe_wait_shows_a_live_line_on_a_terminal() {
    // util-linux `script` gives the command a terminal and copies what it draws
    if !cfg!(target_os = "linux") || !common::have("script") {
        return;
    }
    let (_refuser, closed) = refused_addr();
    let command = format!("{BIN} probe --wait 1 127.0.0.1 {closed}");
    let output = Command::new("script")
        .args(["-qec", &command, "/dev/null"])
        .env_clear()
        .env("TERM", "xterm")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(5), "{screen}");
    assert!(
        screen.contains(&format!(
            "waiting up to 1 s for 127.0.0.1: {closed}/tcp closed"
        )),
        "no live line on the terminal: {screen:?}"
    );
}
