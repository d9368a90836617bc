//! `raw` over every transport: UDP (-u), Unix sockets (-U), keep-open listeners (-k), hex
//! dumps (-x), against real peers (nc, socat) and peers in the test.

use std::io::{ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

use predicates::prelude::*;

use super::raw::{listening_port, mirror, same_bytes, start_raw, start_raw_with, TempFile};
use crate::common::process::{Proc, LIMIT};
use crate::common::{self, netkit, noise, wait_for};

/// A UDP server on `bind` (port 0) that sends each datagram back after `delay`.
fn udp_echo(bind: &str, delay: Duration) -> SocketAddr {
    let socket = UdpSocket::bind(bind).unwrap();
    let addr = socket.local_addr().unwrap();
    thread::spawn(move || {
        let mut buf = vec![0u8; 65_536];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            thread::sleep(delay);
            let _ = socket.send_to(&buf[..n], from);
        }
    });
    addr
}

/// A UDP port with nothing behind it: a datagram sent there brings ICMP port unreachable.
fn closed_udp_port() -> u16 {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap().port()
}

/// A path for a socket file in the temporary directory, removed on drop if still there.
struct SocketPath(PathBuf);

static PATHS: AtomicUsize = AtomicUsize::new(0);

impl SocketPath {
    fn new() -> SocketPath {
        let name = format!(
            "netkit-t-{}-{}.sock",
            std::process::id(),
            PATHS.fetch_add(1, Ordering::Relaxed)
        );
        let path = std::env::temp_dir().join(name);
        let _ = std::fs::remove_file(&path);
        SocketPath(path)
    }

    fn text(&self) -> &str {
        self.0.to_str().unwrap()
    }
}

impl Drop for SocketPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Sends `signal` to netkit.
fn signal(raw: &Proc, signal: libc::c_int) {
    let pid = libc::pid_t::try_from(raw.child.id()).unwrap();
    // SAFETY: kill(2) with the pid of a child this test started and has not reaped yet
    assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
}

/// Waits for `raw --listen -U PATH`'s `Listening on PATH.` line.
fn wait_listening_on(raw: &Proc, path: &SocketPath) {
    let line = format!("Listening on {}.", path.text());
    raw.wait_stderr("the 'Listening on PATH' line", |t| {
        t.contains(&line).then_some(())
    });
}

/// A program (a peer) run to its end with `stdin`, within the time limit.
fn run_peer(program: &str, args: &[&str], stdin: &[u8]) -> assert_cmd::assert::Assert {
    assert_cmd::Command::new(program)
        .args(args)
        .write_stdin(stdin)
        .timeout(LIMIT)
        .assert()
}

// UDP

#[test]
fn udp_echo_over_ipv4_and_ipv6_is_binary_safe() {
    let mut binds = vec!["127.0.0.1:0"];
    if common::have_ipv6() {
        binds.push("[::1]:0");
    }
    // every byte value, 0x00 and 0xFF included
    let data = noise(1000);
    assert!(data.contains(&0) && data.contains(&0xff));
    for bind in binds {
        let addr = udp_echo(bind, Duration::ZERO);
        let host = addr.ip().to_string();
        let out = netkit()
            .args([
                "raw",
                "-u",
                "-q",
                "-w",
                "1",
                &host,
                &addr.port().to_string(),
            ])
            .write_stdin(data.clone())
            .assert()
            .success()
            .stderr("")
            .get_output()
            .stdout
            .clone();
        same_bytes(&out, &data, bind);
    }
}

#[test]
fn udp_waits_two_seconds_for_a_late_answer() {
    let addr = udp_echo("127.0.0.1:0", Duration::from_millis(500));
    netkit()
        .args(["raw", "-u", "127.0.0.1", &addr.port().to_string()])
        .write_stdin("late?\n")
        .assert()
        .success()
        .stdout("late?\n")
        .stderr(format!(
            "Sending datagrams to 127.0.0.1 (127.0.0.1) port {}.\n",
            addr.port()
        ));
}

#[test]
fn udp_to_a_closed_port_exits_4() {
    let port = closed_udp_port();
    netkit()
        .args(["raw", "-u", "-q", "127.0.0.1", &port.to_string()])
        .write_stdin("anyone?\n")
        .assert()
        .code(4)
        .stdout("")
        .stderr(format!(
            "netkit: cannot send to 127.0.0.1:{port} (ICMP port unreachable): connection refused\n"
        ));
}

#[test]
fn udp_with_telnet_is_a_usage_error() {
    netkit()
        .args(["raw", "-u", "-t", "127.0.0.1", "7"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(
            "error: the argument '--udp' cannot be used with '--telnet'\n",
        ));
}

#[test]
fn the_largest_datagrams_pass_whole_both_ways() {
    // the answer is one datagram of the largest size; the request is longer than any one
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let port = socket.local_addr().unwrap().port();
    let answer = noise(65_507);
    let (got_tx, got) = mpsc::channel();
    let sent = answer.clone();
    thread::spawn(move || {
        let mut buf = vec![0u8; 65_536];
        let mut answered = false;
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            got_tx.send(buf[..n].to_vec()).unwrap();
            // one answer: more of that size could overflow a socket buffer on a busy machine
            if !answered {
                socket.send_to(&sent, from).unwrap();
                answered = true;
            }
        }
    });
    let request = noise(100_000);
    let out = netkit()
        .args(["raw", "-u", "-q", "-w", "1", "127.0.0.1", &port.to_string()])
        .write_stdin(request.clone())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let datagrams: Vec<Vec<u8>> = got.try_iter().collect();
    assert!(datagrams.len() >= 2, "{} datagrams", datagrams.len());
    assert!(datagrams.iter().all(|d| d.len() <= 65_507));
    same_bytes(&datagrams.concat(), &request, "the request");
    same_bytes(&out, &answer, "the answer");
}

#[test]
fn udp_client_and_nc_u_listener_talk_both_ways() {
    if !common::have("nc") {
        return;
    }
    let mut command = Command::new("nc");
    command.args(["-u", "-l", "-v", "127.0.0.1", "0"]);
    let mut nc = Proc::start_with(command, Stdio::piped());
    // openbsd nc -u -l -v: "Bound on localhost 41234"
    let text = nc.wait_stderr("nc's 'Bound on' line", |t| {
        (t.contains("Bound on ") && t.ends_with('\n')).then(|| t.to_string())
    });
    let port = text
        .lines()
        .find_map(|l| l.strip_prefix("Bound on "))
        .and_then(|rest| rest.split_whitespace().last())
        .unwrap_or_else(|| panic!("{text:?}"))
        .to_string();
    let mut raw = start_raw(&["-u", "-q", "-w", "1", "127.0.0.1", &port]);
    raw.write(b"from netkit \x00\xff\n");
    nc.wait_stdout("netkit's datagram at nc", |out| {
        out == b"from netkit \x00\xff\n"
    });
    // nc -u -l answers the sender of the first datagram
    nc.write(b"from nc\n");
    raw.wait_stdout("nc's answer", |out| out == b"from nc\n");
    raw.close_stdin();
    let status = raw.wait("netkit to exit after 1 s without a datagram");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stderr(), "");
}

#[test]
fn udp_listener_hears_nc_u_and_answers_it() {
    if !common::have("nc") {
        return;
    }
    let mut raw = start_raw(&["--listen", "0", "--bind", "127.0.0.1", "-u", "-w", "1"]);
    let port = listening_port(&raw, "127.0.0.1");
    let mut command = Command::new("nc");
    command.args(["-u", "127.0.0.1", &port]);
    let mut nc = Proc::start_with(command, Stdio::piped());
    nc.write(b"from nc\n");
    raw.wait_stdout("nc's datagram", |out| out == b"from nc\n");
    raw.wait_stderr("the sender's announcement", |t| {
        t.contains("Datagram from 127.0.0.1 port ").then_some(())
    });
    raw.write(b"from netkit\n");
    nc.wait_stdout("netkit's answer at nc", |out| out == b"from netkit\n");
    raw.close_stdin();
    let status = raw.wait("netkit to exit after 1 s without a datagram");
    assert!(status.success(), "{status}: {}", raw.stderr());
}

#[test]
fn udp_listener_announces_each_new_sender_once_and_answers_the_latest() {
    let mut raw = start_raw(&["--listen", "0", "--bind", "127.0.0.1", "-u"]);
    let port: u16 = listening_port(&raw, "127.0.0.1").parse().unwrap();
    let (a, b) = (
        UdpSocket::bind("127.0.0.1:0").unwrap(),
        UdpSocket::bind("127.0.0.1:0").unwrap(),
    );
    for socket in [&a, &b] {
        socket.connect(("127.0.0.1", port)).unwrap();
        socket.set_read_timeout(Some(LIMIT)).unwrap();
    }
    a.send(b"a1\n").unwrap();
    raw.wait_stdout("a's first", |out| out == b"a1\n");
    b.send(b"b1\n").unwrap();
    raw.wait_stdout("b's first", |out| out == b"a1\nb1\n");
    a.send(b"a2\n").unwrap();
    raw.wait_stdout("a's second", |out| out == b"a1\nb1\na2\n");
    // stdin goes to the most recent sender: a
    raw.write(b"to the latest\n");
    let mut buf = [0u8; 64];
    let n = a.recv(&mut buf).unwrap();
    assert_eq!(&buf[..n], b"to the latest\n");
    let (na, nb) = (
        a.local_addr().unwrap().port(),
        b.local_addr().unwrap().port(),
    );
    assert_eq!(
        raw.stderr(),
        format!(
            "Listening on 127.0.0.1 port {port}.\n\
             Datagram from 127.0.0.1 port {na}.\nDatagram from 127.0.0.1 port {nb}.\n"
        )
    );
    signal(&raw, libc::SIGTERM);
    raw.wait("netkit to end on SIGTERM");
}

#[test]
fn keep_open_udp_listener_outlives_the_silence_and_ends_on_sigint() {
    let mut raw = start_raw_with(
        &[
            "--listen",
            "0",
            "--bind",
            "127.0.0.1",
            "-u",
            "-k",
            "-w",
            "0.2",
        ],
        Stdio::null(),
    );
    let port: u16 = listening_port(&raw, "127.0.0.1").parse().unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"one\n", ("127.0.0.1", port)).unwrap();
    raw.wait_stdout("the first datagram", |out| out == b"one\n");
    // without -k, 0.2 s of silence after the end of stdin would end it
    thread::sleep(Duration::from_millis(600));
    assert!(raw.child.try_wait().unwrap().is_none(), "{}", raw.stderr());
    sender.send_to(b"two\n", ("127.0.0.1", port)).unwrap();
    raw.wait_stdout("the second datagram", |out| out == b"one\ntwo\n");
    signal(&raw, libc::SIGINT);
    let status = raw.wait("netkit to end on SIGINT");
    assert!(status.success(), "{status}: {}", raw.stderr());
}

// Unix sockets

/// Waits until `path` exists (a peer has bound it).
fn wait_for_file(path: &Path) {
    wait_for("the socket file", LIMIT, || path.exists().then_some(()));
}

#[test]
fn unix_client_half_closes_against_socat_and_hears_the_rest() {
    if !common::have("socat") {
        return;
    }
    let path = SocketPath::new();
    // `done` comes only after cat has seen the end of netkit's input: the half-close
    let mut command = Command::new("socat");
    command.args([
        &format!("UNIX-LISTEN:{}", path.text()),
        "SYSTEM:cat; echo done",
    ]);
    let _socat = Proc::start_with(command, Stdio::null());
    wait_for_file(&path.0);
    netkit()
        .args(["raw", "-U", path.text()])
        .write_stdin("hello \x00 there\n")
        .assert()
        .success()
        .stdout("hello \x00 there\ndone\n")
        .stderr(format!("Connected to {}.\n", path.text()));
}

#[test]
fn unix_listener_serves_socat_and_removes_its_file() {
    if !common::have("socat") {
        return;
    }
    let path = SocketPath::new();
    let mut raw = start_raw(&["--listen", "-U", path.text()]);
    raw.write(b"from netkit\n");
    raw.close_stdin();
    wait_listening_on(&raw, &path);
    run_peer(
        "socat",
        &["-t", "10", "-", &format!("UNIX-CONNECT:{}", path.text())],
        b"from socat\n",
    )
    .success()
    .stdout("from netkit\n");
    let status = raw.wait("netkit to exit after socat closed");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"from socat\n");
    assert_eq!(
        raw.stderr(),
        format!("Listening on {0}.\nConnection on {0}.\n", path.text())
    );
    assert!(!path.0.exists(), "the socket file is still there");
}

#[test]
fn unix_listener_replaces_a_stale_socket_file() {
    let path = SocketPath::new();
    drop(UnixListener::bind(&path.0).unwrap()); // its file stays behind, with nobody on it
    let mut raw = start_raw_with(&["--listen", "-U", path.text(), "--trace"], Stdio::null());
    wait_listening_on(&raw, &path);
    let mut client = UnixStream::connect(&path.0).unwrap();
    client.write_all(b"after the stale one\n").unwrap();
    drop(client);
    let status = raw.wait("netkit to exit after its client");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"after the stale one\n");
    let stderr = raw.stderr();
    assert!(
        stderr.contains(&format!("removed the stale socket file {}", path.text())),
        "{stderr}"
    );
    assert!(!path.0.exists(), "the socket file is still there");
}

#[test]
fn unix_listener_refuses_a_live_socket_and_leaves_it_alone() {
    let path = SocketPath::new();
    let live = UnixListener::bind(&path.0).unwrap();
    netkit()
        .args(["raw", "--listen", "-U", path.text()])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "netkit: cannot listen on {}: a server is listening on it\n",
            path.text()
        ));
    // the live server is untouched: still listening, and not even connected to
    live.set_nonblocking(true).unwrap();
    let err = live.accept().map(drop).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock);
    UnixStream::connect(&path.0).unwrap();
}

#[test]
fn unix_listener_removes_its_file_on_sigterm_sigint_and_sighup() {
    let signals = [
        (libc::SIGTERM, false),
        (libc::SIGINT, true),
        // the terminal closed
        (libc::SIGHUP, false),
        (libc::SIGHUP, true),
    ];
    for (sig, with_client) in signals {
        let path = SocketPath::new();
        let mut raw = start_raw(&["--listen", "-U", path.text()]);
        wait_listening_on(&raw, &path);
        let client = with_client.then(|| {
            let mut client = UnixStream::connect(&path.0).unwrap();
            client.write_all(b"mid-session\n").unwrap();
            raw.wait_stdout("the client's line", |out| out == b"mid-session\n");
            client
        });
        signal(&raw, sig);
        let status = raw.wait("netkit to end on the signal");
        assert!(status.success(), "signal {sig}: {status}: {}", raw.stderr());
        assert!(
            !path.0.exists(),
            "signal {sig}: the socket file is still there"
        );
        drop(client);
    }
}

#[test]
fn unix_on_a_file_that_is_no_socket_is_one_line() {
    let file = TempFile::new(b"not a socket\n");
    let path = file.0.to_str().unwrap();
    netkit()
        .args(["raw", "-U", path])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!("netkit: cannot connect to {path}: not a socket\n"));
    netkit()
        .args(["raw", "--listen", "-U", path])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "netkit: cannot listen on {path}: the file exists and is not a socket\n"
        ));
    assert_eq!(std::fs::read(&file.0).unwrap(), b"not a socket\n");
    let missing = SocketPath::new();
    netkit()
        .args(["raw", "-U", missing.text()])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: cannot connect to {}: no such file or directory\n",
            missing.text()
        ));
}

// Keep-open listeners

#[test]
fn keep_open_serves_three_nc_clients_in_a_row() {
    if !common::have("nc") {
        return;
    }
    let mut raw = start_raw_with(
        &["--listen", "0", "--bind", "127.0.0.1", "-k", "--trace"],
        Stdio::null(),
    );
    let port = listening_port(&raw, "127.0.0.1");
    for i in 1..=3 {
        // -N: nc shuts its side down at the end of its stdin
        run_peer(
            "nc",
            &["-N", "127.0.0.1", &port],
            format!("client {i}\n").as_bytes(),
        )
        .success();
        let want = (1..=i).map(|n| format!("client {n}\n")).collect::<String>();
        raw.wait_stdout("the client's line", |out| out == want.as_bytes());
    }
    signal(&raw, libc::SIGTERM);
    let status = raw.wait("netkit -k to end on SIGTERM");
    assert!(status.success(), "{status}: {}", raw.stderr());
    let stderr = raw.stderr();
    assert_eq!(stderr.matches("Connection from 127.0.0.1 port ").count(), 3);
    assert_eq!(stderr.matches("waiting for the next client").count(), 3);
}

#[test]
fn without_keep_open_only_the_first_client_is_served() {
    if !common::have("nc") {
        return;
    }
    let mut raw = start_raw_with(&["--listen", "0", "--bind", "127.0.0.1"], Stdio::null());
    let port = listening_port(&raw, "127.0.0.1");
    run_peer("nc", &["-N", "127.0.0.1", &port], b"first\n").success();
    let status = raw.wait("netkit to exit after its one client");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"first\n");
    run_peer("nc", &["-N", "127.0.0.1", &port], b"second\n").failure();
}

#[test]
fn keep_open_on_a_unix_socket_serves_socat_clients_until_sigint() {
    if !common::have("socat") {
        return;
    }
    let path = SocketPath::new();
    let mut raw = start_raw_with(&["--listen", "-U", path.text(), "-k"], Stdio::null());
    wait_listening_on(&raw, &path);
    let connect = format!("UNIX-CONNECT:{}", path.text());
    for i in 1..=3 {
        run_peer(
            "socat",
            &["-", &connect],
            format!("client {i}\n").as_bytes(),
        )
        .success();
        let want = (1..=i).map(|n| format!("client {n}\n")).collect::<String>();
        raw.wait_stdout("the client's line", |out| out == want.as_bytes());
    }
    signal(&raw, libc::SIGINT);
    let status = raw.wait("netkit -k to end on SIGINT");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert!(!path.0.exists(), "the socket file is still there");
}

#[test]
fn keep_open_reports_a_client_reset_and_serves_the_next() {
    let mut raw = start_raw(&["--listen", "0", "--bind", "127.0.0.1", "-k"]);
    let port: u16 = listening_port(&raw, "127.0.0.1").parse().unwrap();
    let first = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    raw.wait_stderr("the first client's banner", |t| {
        t.contains("Connection from").then_some(())
    });
    socket2::SockRef::from(&first)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(first); // a reset
                 // stdin is a pipe still open: by the pump's rule, a reset may have cost some of it
    raw.wait_stderr("the reset's line", |t| t.contains("netkit: ").then_some(()));
    let mut second = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    second.write_all(b"still here\n").unwrap();
    raw.wait_stdout("the second client's line", |out| out == b"still here\n");
    signal(&raw, libc::SIGTERM);
    let status = raw.wait("netkit -k to end on SIGTERM");
    assert!(status.success(), "{status}: {}", raw.stderr());
    let stderr = raw.stderr();
    let failures: Vec<&str> = stderr
        .lines()
        .filter(|l| l.starts_with("netkit:"))
        .collect();
    assert_eq!(failures.len(), 1, "{stderr}");
    assert!(
        predicate::str::is_match(
            r"^netkit: 127\.0\.0\.1:\d+ closed the connection before all input was sent$"
        )
        .unwrap()
        .eval(failures[0]),
        "{stderr}"
    );
    assert_eq!(stderr.matches("Connection from").count(), 2, "{stderr}");
}

#[test]
fn keep_open_needs_listen() {
    netkit()
        .args(["raw", "-k", "127.0.0.1", "7"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--listen"));
}

// Hex dumps

/// The records of a dump: direction, the length its header gives, and its hexdump lines.
fn records(dump: &str) -> Vec<(char, usize, String)> {
    let header = predicate::str::is_match(r"^\d\d:\d\d:\d\d\.\d{6} [<>] \d+ bytes?$").unwrap();
    let mut records: Vec<(char, usize, String)> = Vec::new();
    for line in dump.lines() {
        if header.eval(line) {
            let words: Vec<&str> = line.split(' ').collect();
            let mark = words[1].chars().next().unwrap();
            records.push((mark, words[2].parse().unwrap(), String::new()));
        } else {
            let last = records.last_mut().unwrap_or_else(|| panic!("{line:?}"));
            last.2.push_str(line);
            last.2.push('\n');
        }
    }
    records
}

/// The bytes that `hexdump -C` lines show, read back from their hex columns.
fn bytes_of(lines: &str) -> Vec<u8> {
    let mut bytes = Vec::new();
    for (row, line) in lines.lines().enumerate() {
        assert_eq!(&line[..8], format!("{:08x}", row * 16), "{line:?}");
        let hex = &line[10..58];
        bytes.extend(
            hex.split_whitespace()
                .map(|pair| u8::from_str_radix(pair, 16).unwrap()),
        );
    }
    bytes
}

/// What `hexdump -Cv` prints for `bytes`, less its closing offset line.
fn hexdump_cv(bytes: &[u8]) -> String {
    let out = assert_cmd::Command::new("hexdump")
        .arg("-Cv")
        .write_stdin(bytes)
        .timeout(LIMIT)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.pop();
    lines.iter().map(|l| format!("{l}\n")).collect()
}

#[test]
fn hexdump_records_every_byte_both_ways_and_stdout_is_unchanged() {
    let port = mirror();
    let dump = TempFile::new(b"");
    // repeats, to show there is no `*` squeezing
    let mut data = vec![0u8; 64];
    data.extend(noise(3000));
    let out = netkit()
        .args([
            "raw",
            "-q",
            "-x",
            dump.0.to_str().unwrap(),
            "127.0.0.1",
            &port.to_string(),
        ])
        .write_stdin(data.clone())
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    same_bytes(&out, &data, "stdout");
    let text = std::fs::read_to_string(&dump.0).unwrap();
    let records = records(&text);
    let have_hexdump = common::have("hexdump");
    let (mut sent, mut received) = (Vec::new(), Vec::new());
    for (mark, len, lines) in &records {
        let bytes = bytes_of(lines);
        assert_eq!(bytes.len(), *len, "a header's length");
        if have_hexdump {
            assert_eq!(*lines, hexdump_cv(&bytes), "hexdump -Cv differs");
        }
        match mark {
            '>' => sent.extend(bytes),
            _ => received.extend(bytes),
        }
    }
    same_bytes(&sent, &data, "sent, in the dump");
    same_bytes(&received, &data, "received, in the dump");
    assert!(!text.contains("\n*\n"));
}

#[test]
fn hexdump_to_stderr_over_udp() {
    let addr = udp_echo("127.0.0.1:0", Duration::ZERO);
    let out = netkit()
        .args([
            "raw",
            "-u",
            "-q",
            "-w",
            "1",
            "-x",
            "-",
            "127.0.0.1",
            &addr.port().to_string(),
        ])
        .write_stdin("hello\n")
        .assert()
        .success()
        .stdout("hello\n")
        .get_output()
        .stderr
        .clone();
    let text = String::from_utf8(out).unwrap();
    let line = "00000000  68 65 6c 6c 6f 0a                                 |hello.|";
    let records = records(&text);
    assert_eq!(
        records,
        [('>', 6, format!("{line}\n")), ('<', 6, format!("{line}\n"))],
        "{text}"
    );
}

#[test]
fn unwritable_hexdump_path_exits_1_before_connecting() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port().to_string();
    let dir = TempFile::new(b"a file, so no directory");
    let path = format!("{}/dump.txt", dir.0.display());
    netkit()
        .args(["raw", "-x", &path, "127.0.0.1", &port])
        .assert()
        .code(1)
        .stdout("")
        .stderr(format!(
            "netkit: cannot open {path} for the hexdump: not a directory\n"
        ));
    listener.set_nonblocking(true).unwrap();
    let err = listener.accept().map(drop).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::WouldBlock, "netkit connected");
}

// --trace

#[test]
fn trace_narrates_udp_and_unix() {
    let addr = udp_echo("127.0.0.1:0", Duration::ZERO);
    let port = addr.port();
    let out = netkit()
        .args([
            "raw",
            "-u",
            "-q",
            "-w",
            "0.5",
            "--trace",
            "127.0.0.1",
            &port.to_string(),
        ])
        .write_stdin("ping\n")
        .assert()
        .success()
        .get_output()
        .stderr
        .clone();
    let udp = String::from_utf8(out).unwrap();
    for step in [
        "socket created (IPv4, datagram, udp)".to_string(),
        format!("sent a datagram of 5 bytes to 127.0.0.1:{port}"),
        format!("received a datagram of 5 bytes from 127.0.0.1:{port}"),
        "end of input (UDP has no FIN)".to_string(),
        "nothing received for 0.5 s since the end of input".to_string(),
        "socket closed".to_string(),
    ] {
        assert!(udp.contains(&step), "no '{step}' in:\n{udp}");
    }
    assert!(!udp.contains("FIN sent"), "{udp}");

    let closed = closed_udp_port();
    let out = netkit()
        .args([
            "raw",
            "-u",
            "-q",
            "--trace",
            "127.0.0.1",
            &closed.to_string(),
        ])
        .write_stdin("x\n")
        .assert()
        .code(4)
        .get_output()
        .stderr
        .clone();
    let refused = String::from_utf8(out).unwrap();
    let step = format!("ICMP port unreachable: nothing listens on 127.0.0.1:{closed}");
    assert!(refused.contains(&step), "no '{step}' in:\n{refused}");

    let path = SocketPath::new();
    let listener = UnixListener::bind(&path.0).unwrap();
    let server = thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut got = Vec::new();
        stream.read_to_end(&mut got).unwrap();
        stream.write_all(&got).unwrap();
    });
    let out = netkit()
        .args(["raw", "-U", path.text(), "-q", "--trace"])
        .write_stdin("ping\n")
        .assert()
        .success()
        .stdout("ping\n")
        .get_output()
        .stderr
        .clone();
    server.join().unwrap();
    let unix = String::from_utf8(out).unwrap();
    for step in [
        "socket created (Unix, stream)".to_string(),
        format!("connected to {}", path.text()),
        "write half shut down (FIN sent)".to_string(),
        "FIN received from the peer".to_string(),
        "connection closed".to_string(),
    ] {
        assert!(unix.contains(&step), "no '{step}' in:\n{unix}");
    }
    let stamped = predicate::str::is_match(r"^\d\d:\d\d:\d\d\.\d{6} ").unwrap();
    for text in [&udp, &unix] {
        assert!(text.lines().all(|l| stamped.eval(l)), "{text}");
    }
}

/// A dual-stack listener (`--listen` without `--bind`) names an IPv4 client as IPv4, over TCP
/// and UDP alike, never as ::ffff:127.0.0.1.
#[test]
fn dual_stack_listener_names_ipv4_peers_as_ipv4() {
    if !common::have_ipv6() {
        return;
    }
    let mut tcp = start_raw(&["--listen", "0"]);
    let port: u16 = listening_port(&tcp, "::").parse().unwrap();
    let client = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
    let local = client.local_addr().unwrap();
    tcp.wait_stderr("the TCP client's Connection line", |t| {
        t.contains(&format!(
            "Connection from 127.0.0.1 port {}.\n",
            local.port()
        ))
        .then_some(())
    });
    drop(client);
    tcp.close_stdin();
    assert!(tcp.wait("netkit to exit").success(), "{}", tcp.stderr());

    let mut udp = start_raw(&["--listen", "0", "-u", "-w", "1"]);
    let port: u16 = listening_port(&udp, "::").parse().unwrap();
    let sender = UdpSocket::bind("127.0.0.1:0").unwrap();
    sender.send_to(b"hi\n", ("127.0.0.1", port)).unwrap();
    let from = sender.local_addr().unwrap().port();
    udp.wait_stderr("the sender's Datagram line", |t| {
        t.contains(&format!("Datagram from 127.0.0.1 port {from}.\n"))
            .then_some(())
    });
    udp.close_stdin();
    assert!(udp.wait("netkit to exit").success(), "{}", udp.stderr());
}
