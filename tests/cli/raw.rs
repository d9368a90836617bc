//! `raw` end to end: both directions, endings, -C, -t, --listen, a terminal. The helpers here
//! (`start_raw`, `listening_port`, `TempFile`, ...) serve `raw_transports` too.

use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use predicates::prelude::*;

use crate::common::process::{Proc, LIMIT};
use crate::common::{self, inetd, netkit, noise, peer, read_all, refused_addr, wait_for, BIN};

const IAC: u8 = 255;

/// `netkit raw ARGS`, talked to as it runs: stdin open until `close_stdin` (or drop).
pub(crate) fn start_raw(args: &[&str]) -> Proc {
    start_raw_with(args, Stdio::piped())
}

/// `netkit raw ARGS` with `stdin` given (`Stdio::null()`, a file).
pub(crate) fn start_raw_with(args: &[&str], stdin: Stdio) -> Proc {
    let args: Vec<&str> = std::iter::once("raw").chain(args.iter().copied()).collect();
    Proc::netkit_with(&args, stdin)
}

/// A peer that reads until netkit's FIN, then sends back what it got and closes.
pub(crate) fn mirror() -> u16 {
    peer(|mut stream| {
        let got = read_all(&mut stream);
        stream.write_all(&got).unwrap();
    })
}

fn banner(port: u16) -> String {
    format!("Connected to 127.0.0.1 (127.0.0.1) port {port}.\n")
}

/// The banner on a terminal, where Ctrl-] is the escape.
fn escape_banner(port: u16) -> String {
    format!("{}Escape character is '^]'.\n", banner(port))
}

/// Closes `stream` with a reset (RST) instead of a FIN.
fn reset(stream: TcpStream) {
    socket2::SockRef::from(&stream)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
}

/// The line of a peer that did not take all of the input.
fn unsent(port: u16) -> String {
    format!("netkit: 127.0.0.1:{port} closed the connection before all input was sent\n")
}

/// Asserts that `got` is `want`, naming the first byte that differs.
pub(crate) fn same_bytes(got: &[u8], want: &[u8], what: &str) {
    if let Some(at) = got.iter().zip(want).position(|(a, b)| a != b) {
        panic!("{what}: byte {at} differs");
    }
    assert_eq!(got.len(), want.len(), "{what}: bytes received");
}

/// A file in the temporary directory, removed on drop.
pub(crate) struct TempFile(pub(crate) PathBuf);

static FILES: AtomicUsize = AtomicUsize::new(0);

impl TempFile {
    pub(crate) fn new(bytes: &[u8]) -> TempFile {
        let name = format!(
            "netkit-raw-{}-{}.bin",
            std::process::id(),
            FILES.fetch_add(1, Ordering::Relaxed)
        );
        let file = TempFile(std::env::temp_dir().join(name));
        std::fs::write(&file.0, bytes).unwrap();
        file
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// The port of `raw --listen`'s `Listening on ADDR port PORT.` line, once it is there.
pub(crate) fn listening_port(raw: &Proc, addr: &str) -> String {
    let prefix = format!("Listening on {addr} port ");
    let find = |text: &str| {
        text.lines()
            .filter_map(|line| line.strip_prefix(&prefix)?.strip_suffix('.'))
            .find(|port| port.parse::<u16>().is_ok_and(|port| port > 0))
            .map(str::to_string)
    };
    wait_for("the 'Listening on' line", LIMIT, || find(&raw.stderr()))
}

/// `netkit raw -q 127.0.0.1 PORT < file`: every byte sent, exit 0, nothing on stderr.
fn send_file(port: &str, file: &TempFile) {
    netkit()
        .args(["raw", "-q", "127.0.0.1", port])
        .pipe_stdin(&file.0)
        .unwrap()
        .assert()
        .success()
        .stdout("")
        .stderr("");
}

/// A receiver whose stdin is /dev/null, so that it half-closes at once: netkit must send on.
#[test]
fn listener_with_empty_stdin_receives_every_byte() {
    let data = noise(5 << 20);
    let file = TempFile::new(&data);
    for piped in [false, true] {
        let mut listener = start_raw_with(
            &["--listen", "0", "--bind", "127.0.0.1", "--trace"],
            Stdio::null(),
        );
        let port = listening_port(&listener, "127.0.0.1");
        if piped {
            netkit()
                .args(["raw", "-q", "127.0.0.1", &port])
                .write_stdin(data.clone())
                .assert()
                .success()
                .stderr("");
        } else {
            send_file(&port, &file);
        }
        let status = listener.wait("the listener to exit after the sender's FIN");
        assert!(status.success(), "{status}: {}", listener.stderr());
        let what = if piped { "from a pipe" } else { "from a file" };
        same_bytes(&listener.stdout(), &data, what);
        let trace = listener.stderr();
        // the listener's FIN went first: the case that used to lose data
        let (fin_sent, fin_received) = (
            trace.find("write half shut down").unwrap(),
            trace.find("FIN received from the peer").unwrap(),
        );
        assert!(fin_sent < fin_received, "{trace}");
    }
}

#[test]
fn nc_listener_with_empty_stdin_receives_every_byte() {
    if !common::have("nc") {
        return;
    }
    let data = noise(5 << 20);
    let file = TempFile::new(&data);
    let mut command = Command::new("nc");
    command.args(["-l", "-v", "127.0.0.1", "0"]);
    let mut nc = Proc::start_with(command, Stdio::null());
    // openbsd nc -v names the port it got: "Listening on localhost 41234"
    let text = nc.wait_stderr("nc's 'Listening on' line", |t| {
        (t.contains("Listening on ") && t.ends_with('\n')).then(|| t.to_string())
    });
    let port = text
        .lines()
        .find_map(|l| l.strip_prefix("Listening on "))
        .and_then(|rest| rest.split_whitespace().last())
        .unwrap_or_else(|| panic!("{text:?}"))
        .to_string();
    send_file(&port, &file);
    let status = nc.wait("nc -l to exit after netkit's FIN");
    assert!(status.success(), "{status}: {}", nc.stderr());
    same_bytes(&nc.stdout(), &data, "nc -l");
}

#[test]
fn ncat_listener_with_empty_stdin_receives_every_byte() {
    if !common::have("ncat") {
        return;
    }
    let data = noise(5 << 20);
    let file = TempFile::new(&data);
    // ncat -l 0 does not say which port it got: take a free one, again if it was taken meanwhile
    let (mut ncat, port) = (0..5)
        .find_map(|_| {
            let free = TcpListener::bind("127.0.0.1:0").unwrap();
            let port = free.local_addr().unwrap().port().to_string();
            drop(free);
            let mut command = Command::new("ncat");
            command.args(["-l", "-v", "127.0.0.1", &port]);
            let ncat = Proc::start_with(command, Stdio::null());
            let text = ncat.wait_stderr("ncat's 'Listening on' line", |t| {
                (t.contains("Listening on ") || t.contains("QUITTING")).then(|| t.to_string())
            });
            text.contains("Listening on ").then_some((ncat, port))
        })
        .expect("a free port for ncat in five tries");
    send_file(&port, &file);
    let status = ncat.wait("ncat -l to exit after netkit's FIN");
    assert!(status.success(), "{status}: {}", ncat.stderr());
    same_bytes(&ncat.stdout(), &data, "ncat -l");
}

// Every way the other side can close, with stdin a pipe.

#[test]
fn peer_fin_first_does_not_stop_piped_stdin() {
    let (got_tx, got) = mpsc::channel();
    let port = peer(move |mut stream| {
        stream.write_all(b"220 ready\r\n").unwrap();
        // done talking, still reading: `nc -l > file < /dev/null`
        stream.shutdown(Shutdown::Write).unwrap();
        got_tx.send(read_all(&mut stream)).unwrap();
    });
    let mut raw = start_raw(&["--trace", "-q", "127.0.0.1", &port.to_string()]);
    raw.wait_stderr("the peer's FIN in the trace", |t| {
        t.contains("FIN received from the peer").then_some(())
    });
    let data = noise(2 << 20);
    raw.write(&data);
    raw.close_stdin();
    let status = raw.wait("netkit to exit once stdin ended");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"220 ready\r\n");
    same_bytes(&got.recv_timeout(LIMIT).unwrap(), &data, "after the FIN");
    assert!(
        raw.stderr()
            .contains("the peer sends no more; the rest of the input still goes out"),
        "{}",
        raw.stderr()
    );
}

#[test]
fn server_close_with_nothing_left_to_send_waits_for_stdin_and_exits_0() {
    let port = peer(|mut stream| {
        stream.write_all(b"220 ready\r\nbye\r\n").unwrap();
    });
    let mut raw = start_raw(&["127.0.0.1", &port.to_string()]);
    raw.wait_stdout("the server's lines", |out| out == b"220 ready\r\nbye\r\n");
    raw.close_stdin();
    let status = raw.wait("netkit to exit once stdin ended");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"220 ready\r\nbye\r\n");
    assert_eq!(raw.stderr(), banner(port));
}

#[test]
fn peer_reset_mid_input_exits_1() {
    let port = peer(|mut stream| {
        // the first byte proves netkit is sending; then a reset while its stdin is still open
        stream.read_exact(&mut [0u8]).unwrap();
        reset(stream);
    });
    let mut raw = start_raw(&["-q", "127.0.0.1", &port.to_string()]);
    raw.write(b"first line\n");
    let status = raw.wait("netkit to exit after the reset");
    assert_eq!(status.code(), Some(1), "{}", raw.stderr());
    assert_eq!(raw.stderr(), unsent(port));
}

#[test]
fn peer_fin_then_reset_mid_input_exits_1() {
    let (reset_tx, was_reset) = mpsc::channel();
    let port = peer(move |mut stream| {
        stream.shutdown(Shutdown::Write).unwrap();
        stream.read_exact(&mut vec![0u8; 64 << 10]).unwrap();
        reset(stream);
        reset_tx.send(()).unwrap();
    });
    let mut raw = start_raw(&["-q", "127.0.0.1", &port.to_string()]);
    // more than the peer reads; netkit may end while it is written, so no unwrap
    let _ = raw.stdin.as_mut().unwrap().write_all(&noise(128 << 10));
    was_reset.recv_timeout(LIMIT).unwrap();
    raw.close_stdin();
    let status = raw.wait("netkit to exit after the reset");
    assert_eq!(status.code(), Some(1), "{}", raw.stderr());
    assert_eq!(raw.stderr(), unsent(port));
}

#[test]
fn peer_closed_before_we_sent_exits_1() {
    let port = peer(drop);
    let mut raw = start_raw(&["--trace", "-q", "127.0.0.1", &port.to_string()]);
    raw.wait_stderr("the peer's FIN in the trace", |t| {
        t.contains("FIN received from the peer").then_some(())
    });
    raw.write(b"nobody reads this\n");
    raw.close_stdin();
    let status = raw.wait("netkit to exit after the reset its bytes got");
    assert_eq!(status.code(), Some(1), "{}", raw.stderr());
    let stderr = raw.stderr();
    assert_eq!(
        stderr.lines().last(),
        unsent(port).lines().next(),
        "{stderr}"
    );
}

#[test]
fn peer_that_closes_after_our_fin_gets_every_byte_of_a_file() {
    let data = noise(3 << 20);
    let file = TempFile::new(&data);
    let (got_tx, got) = mpsc::channel();
    let port = peer(move |mut stream| {
        let all = read_all(&mut stream);
        stream.write_all(b"ok\n").unwrap();
        got_tx.send(all).unwrap();
    });
    netkit()
        .args(["raw", "-q", "127.0.0.1", &port.to_string()])
        .pipe_stdin(&file.0)
        .unwrap()
        .assert()
        .success()
        .stdout("ok\n")
        .stderr("");
    same_bytes(&got.recv_timeout(LIMIT).unwrap(), &data, "up to our FIN");
}

#[test]
fn reset_after_our_fin_exits_1() {
    let port = peer(|mut stream| {
        // all of the input, up to netkit's FIN; then a reset instead of a FIN
        read_all(&mut stream);
        reset(stream);
    });
    netkit()
        .args(["raw", "-q", "127.0.0.1", &port.to_string()])
        .write_stdin("hi\n")
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: connection to 127.0.0.1:{port} reset by peer\n"
        ));
}

#[test]
fn stdin_end_half_closes_and_the_answer_still_prints() {
    let (requests, request) = mpsc::channel();
    let port = peer(move |mut stream| {
        // read_all ends only with netkit's FIN, so the answer proves the half-close
        let got = read_all(&mut stream);
        stream.write_all(b"HTTP/1.0 200 OK\r\n\r\nhello\n").unwrap();
        requests.send(got).unwrap();
    });
    netkit()
        .args(["raw", "-C", "127.0.0.1", &port.to_string()])
        .write_stdin("GET / HTTP/1.0\r\n\r\n")
        .assert()
        .success()
        .stdout("HTTP/1.0 200 OK\r\n\r\nhello\n")
        .stderr(banner(port));
    assert_eq!(
        request.recv_timeout(LIMIT).unwrap(),
        b"GET / HTTP/1.0\r\n\r\n"
    );
}

#[test]
fn crlf_sends_each_newline_as_cr_lf_once() {
    let port = mirror().to_string();
    let input = "HELO a\nMAIL b\r\n\nlast";
    for (flags, sent) in [
        (&["-C"][..], "HELO a\r\nMAIL b\r\n\r\nlast"),
        (&["--crlf"][..], "HELO a\r\nMAIL b\r\n\r\nlast"),
        (&[][..], input),
    ] {
        netkit()
            .arg("raw")
            .args(flags)
            .args(["-q", "127.0.0.1", &port])
            .write_stdin(input)
            .assert()
            .success()
            .stdout(sent.to_string())
            .stderr("");
    }
}

#[test]
fn wait_ends_the_silence_only_after_stdin_ends() {
    let (lines, line) = mpsc::channel();
    let (release, held) = mpsc::channel::<()>();
    let held = Mutex::new(held);
    let port = peer(move |mut stream| {
        lines.send(read_all(&mut stream)).unwrap();
        // silent, with the connection open, until the test is over
        let _ = held.lock().unwrap().recv();
    });
    let mut raw = start_raw(&["-w", "1", "-q", "127.0.0.1", &port.to_string()]);
    // while stdin is open, -w does not end the conversation: watch for twice its length
    let watched = Instant::now() + Duration::from_secs(2);
    while Instant::now() < watched {
        assert!(
            raw.child.try_wait().unwrap().is_none(),
            "netkit ended while stdin was open: {}",
            raw.stderr()
        );
        thread::sleep(Duration::from_millis(50));
    }
    raw.write(b"bye\n");
    raw.close_stdin();
    let closed = Instant::now();
    assert_eq!(line.recv_timeout(LIMIT).unwrap(), b"bye\n");
    let status = raw.wait("netkit to give up after 1 s of silence");
    let waited = closed.elapsed();
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert!(
        // counted from the end of stdin; the upper bound leaves room for a busy machine
        waited >= Duration::from_millis(900) && waited < Duration::from_secs(5),
        "ended {waited:?} after stdin"
    );
    assert_eq!(raw.stderr(), "");
    drop(release);
}

#[test]
fn listen_takes_one_connection_from_nc() {
    if !common::have("nc") {
        return;
    }
    let mut raw = start_raw(&["--listen", "0", "--bind", "127.0.0.1"]);
    raw.write(b"from netkit\n");
    raw.close_stdin();
    let port = listening_port(&raw, "127.0.0.1");
    // nc leaves its side open until netkit's FIN, then closes
    assert_cmd::Command::new("nc")
        .args(["127.0.0.1", &port])
        .write_stdin("from nc\n")
        .timeout(LIMIT)
        .assert()
        .success()
        .stdout("from netkit\n");
    let status = raw.wait("netkit to exit after nc closed");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"from nc\n");
    assert!(
        predicate::str::is_match(r"\nConnection from 127\.0\.0\.1 port [1-9]\d*\.\n$")
            .unwrap()
            .eval(&raw.stderr()),
        "{}",
        raw.stderr()
    );
}

#[test]
fn listen_honours_the_address_family() {
    // -4: 0.0.0.0; -6: :: for IPv6 alone, so an IPv4 client is refused
    let mut cases = vec![("-4", "0.0.0.0", "127.0.0.1", "[::1]")];
    if common::have_ipv6() {
        cases.push(("-6", "::", "[::1]", "127.0.0.1"));
    }
    for (flag, listening, reaches, refused) in cases {
        let mut raw = start_raw(&["--listen", "0", flag]);
        let port = listening_port(&raw, listening);
        let wrong: std::net::SocketAddr = format!("{refused}:{port}").parse().unwrap();
        if wrong.is_ipv4() || common::have_ipv6() {
            let err = TcpStream::connect(wrong).expect_err(&format!("{flag}: {wrong} connected"));
            assert_eq!(err.kind(), std::io::ErrorKind::ConnectionRefused, "{flag}");
        }
        let right: std::net::SocketAddr = format!("{reaches}:{port}").parse().unwrap();
        let mut client = TcpStream::connect(right).unwrap();
        client.write_all(b"hello\n").unwrap();
        drop(client);
        raw.close_stdin();
        let status = raw.wait("netkit to exit after the client closed");
        assert!(status.success(), "{flag}: {status}: {}", raw.stderr());
        assert_eq!(raw.stdout(), b"hello\n", "{flag}");
    }
}

#[test]
fn ten_mebibytes_of_random_bytes_pass_unchanged() {
    let port = peer(|mut stream| {
        let mut reader = stream.try_clone().unwrap();
        std::io::copy(&mut reader, &mut stream).unwrap();
    });
    let data = noise(10 << 20);
    let out = netkit()
        .args(["raw", "-q", "127.0.0.1", &port.to_string()])
        .write_stdin(data.clone())
        .assert()
        .success()
        .stderr("")
        .get_output()
        .stdout
        .clone();
    assert_eq!(out.len(), data.len());
    assert!(out == data, "the bytes that came back differ");
}

#[test]
fn refused_connection_exits_4() {
    let (_taken, port) = refused_addr();
    netkit()
        .args(["raw", "127.0.0.1", &port.to_string()])
        .assert()
        .code(4)
        .stdout("")
        .stderr(format!(
            "netkit: cannot connect to 127.0.0.1:{port}: connection refused\n"
        ));
}

#[test]
fn closed_stdout_ends_quietly() {
    let port = peer(|mut stream| {
        let _ = stream.write_all(&vec![b'x'; 4 << 20]);
    });
    let mut child = Command::new(BIN)
        .args(["raw", "-q", "127.0.0.1", &port.to_string()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take()); // the reader is gone before netkit writes
    let mut stderr = child.stderr.take().unwrap();
    let status = wait_for("netkit to end on a closed stdout", LIMIT, || {
        child.try_wait().unwrap()
    });
    let mut text = String::new();
    stderr.read_to_string(&mut text).unwrap();
    assert!(status.success(), "{status}: {text}");
    assert_eq!(text, "");
}

#[test]
fn trace_narrates_the_connection() {
    let port = mirror();
    let out = netkit()
        .args(["raw", "--trace", "-q", "127.0.0.1", &port.to_string()])
        .write_stdin("ping\n")
        .assert()
        .success()
        .stdout("ping\n");
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    for step in [
        "connected from 127.0.0.1:",
        "sent 5 bytes",
        "write half shut down (FIN sent)",
        "received 5 bytes",
        "FIN received from the peer",
        "connection closed",
    ] {
        assert!(stderr.contains(step), "no '{step}' in:\n{stderr}");
    }
    let stamped = predicate::str::is_match(r"^\d\d:\d\d:\d\d\.\d{6} ").unwrap();
    assert!(stderr.lines().all(|l| stamped.eval(l)), "{stderr}");
}

#[test]
fn trace_with_stderr_closed_early_exits_0() {
    let (go, wait) = mpsc::channel::<()>();
    let wait = Mutex::new(wait);
    let port = peer(move |mut stream| {
        let got = read_all(&mut stream);
        // the answer, and so the trace of it, comes only once netkit's stderr is closed
        let _ = wait.lock().unwrap().recv_timeout(LIMIT);
        let _ = stream.write_all(&got);
    });
    let port = port.to_string();
    for joined in [false, true] {
        let run = common::run_with_stderr_closed_early(
            &["raw", "--trace", "127.0.0.1", &port],
            b"ping\n",
            joined,
            || go.send(()).unwrap(),
        );
        assert!(run.status.success(), "joined {joined}: {run:?}");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(!stdout.contains("panicked"), "{stdout}");
        assert_eq!(stdout, if joined { "" } else { "ping\n" });
    }
}

#[test]
fn telnet_negotiation_is_answered_and_hidden() {
    let (answers_tx, answers) = mpsc::channel();
    let (rest_tx, rest) = mpsc::channel();
    let port = peer(move |mut stream| {
        stream
            .write_all(&[
                IAC, 253, 24, // DO TERMINAL-TYPE
                IAC, 251, 1, // WILL ECHO
                IAC, 251, 3, // WILL SUPPRESS-GO-AHEAD
                IAC, 250, 24, 1, IAC, 240, // SB TERMINAL-TYPE SEND SE
            ])
            .unwrap();
        let mut answer = [0u8; 9];
        stream.read_exact(&mut answer).unwrap();
        answers_tx.send(answer).unwrap();
        let typed = read_all(&mut stream);
        stream.write_all(b"a\xff\xffb\r\n").unwrap();
        rest_tx.send(typed).unwrap();
    });
    let mut raw = start_raw(&["-t", "-q", "127.0.0.1", &port.to_string()]);
    // stdin has sent nothing yet, so these nine bytes are the answers alone
    assert_eq!(
        answers.recv_timeout(LIMIT).unwrap(),
        [IAC, 252, 24, IAC, 254, 1, IAC, 253, 3]
    );
    raw.write(b"x\xffy\n");
    raw.close_stdin();
    assert_eq!(rest.recv_timeout(LIMIT).unwrap(), b"x\xff\xffy\r\n");
    let status = raw.wait("netkit -t to exit after the server closed");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"a\xffb\r\n");
}

#[test]
fn telnet_answers_every_negotiation_of_a_flood() {
    // 30 MB of DO TERMINAL-TYPE: each is refused with WONT, none may be lost
    const COUNT: usize = 10_000_000;
    const PER_WRITE: usize = 21_846; // one write completes more than a 64 KiB read holds
    let (done_tx, done) = mpsc::channel();
    let port = peer(move |stream| {
        let mut writer = stream.try_clone().unwrap();
        let flood = thread::spawn(move || {
            let chunk = [IAC, 253, 24].repeat(PER_WRITE);
            let mut left = COUNT;
            while left > 0 {
                let n = left.min(PER_WRITE);
                if writer.write_all(&chunk[..3 * n]).is_err() {
                    return;
                }
                left -= n;
            }
        });
        let mut reader = stream;
        reader.set_read_timeout(Some(LIMIT)).unwrap();
        let (mut got, mut wrong) = (0usize, None);
        let mut buf = vec![0u8; 64 * 1024];
        while got < 3 * COUNT {
            let Ok(n @ 1..) = reader.read(&mut buf) else {
                break;
            };
            let expected = [IAC, 252, 24];
            if let Some(i) = (0..n).find(|&i| buf[i] != expected[(got + i) % 3]) {
                wrong.get_or_insert(got + i);
            }
            got += n;
        }
        flood.join().unwrap();
        done_tx.send((got, wrong)).unwrap();
    });
    let mut raw = start_raw(&["-t", "-q", "127.0.0.1", &port.to_string()]);
    let (got, wrong) = done
        .recv_timeout(Duration::from_secs(120))
        .expect("the flood to end");
    assert_eq!(
        got,
        3 * COUNT,
        "answer bytes that arrived; {}",
        raw.stderr()
    );
    assert_eq!(wrong, None, "the first wrong answer byte");
    raw.close_stdin();
    let status = raw.wait("netkit -t to exit after the server closed");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"", "negotiations are never printed");
}

#[test]
fn telnet_negotiation_after_our_fin_is_left_unanswered_without_failing() {
    let port = peer(|mut stream| {
        // netkit's FIN first: its stdin is empty
        let mut byte = [0u8];
        stream.set_read_timeout(Some(LIMIT)).unwrap();
        assert_eq!(stream.read(&mut byte).unwrap(), 0);
        stream.write_all(&[IAC, 253, 24]).unwrap();
        stream.write_all(b"bye\r\n").unwrap();
    });
    let mut raw = start_raw(&["-t", "-q", "--trace", "127.0.0.1", &port.to_string()]);
    raw.close_stdin();
    let status = raw.wait("netkit -t to exit after the server closed");
    assert!(status.success(), "{status}: {}", raw.stderr());
    assert_eq!(raw.stdout(), b"bye\r\n");
    assert!(
        raw.stderr()
            .contains("telnet answers of 3 bytes not sent: our side is closed"),
        "{}",
        raw.stderr()
    );
}

#[test]
fn telnet_login_prompt_from_a_real_telnetd_is_clean() {
    let Some(server) = inetd::Inetd::start(inetd::Service::Telnet) else {
        return;
    };
    let mut raw = start_raw(&["-t", "-q", "127.0.0.1", &server.port().to_string()]);
    raw.wait_stdout("the login prompt", |out| {
        String::from_utf8_lossy(out).contains("login: ")
    });
    raw.write(b"root\n");
    raw.wait_stdout("the password prompt", |out| {
        String::from_utf8_lossy(out).contains("Password:")
    });
    let out = raw.stdout();
    assert!(
        !out.contains(&IAC),
        "a telnet command reached stdout: {:?}\n{}",
        String::from_utf8_lossy(&out),
        server.log()
    );
    assert!(
        std::str::from_utf8(&out).is_ok(),
        "{:?}",
        String::from_utf8_lossy(&out)
    );
}

/// A detached tmux session on a private server, killed by its unique name on drop.
pub(crate) struct Tmux {
    socket: std::path::PathBuf,
    session: String,
}

static SESSIONS: AtomicUsize = AtomicUsize::new(0);

impl Tmux {
    pub(crate) fn start(command: &str) -> Tmux {
        let name = format!(
            "netkit-raw-{}-{}",
            std::process::id(),
            SESSIONS.fetch_add(1, Ordering::Relaxed)
        );
        let tmux = Tmux {
            socket: std::env::temp_dir().join(format!("{name}.tmux")),
            session: name,
        };
        let session = tmux.session.clone();
        let out = tmux.run(&[
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "120",
            "-y",
            "30",
            command,
        ]);
        assert!(out.status.success(), "tmux: {out:?}");
        tmux
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        // a private server (-S) and no config file, so a user's tmux is never touched
        Command::new("tmux")
            .arg("-S")
            .arg(&self.socket)
            .args(["-f", "/dev/null"])
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("TERM", "xterm-256color")
            .env("SHELL", "/bin/sh")
            .output()
            .unwrap()
    }

    pub(crate) fn screen(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", &self.session]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    pub(crate) fn wait_screen(&self, what: &str, text: &str) {
        wait_for(what, LIMIT, || self.screen().contains(text).then_some(()));
    }

    /// Presses keys by tmux's names (`C-]`, `C-c`).
    pub(crate) fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success());
    }

    pub(crate) fn type_line(&self, line: &str) {
        assert!(self
            .run(&["send-keys", "-t", &self.session, "-l", line])
            .status
            .success());
        assert!(self
            .run(&["send-keys", "-t", &self.session, "Enter"])
            .status
            .success());
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let session = self.session.clone();
        let _ = self.run(&["kill-session", "-t", &session]);
        // the server ends with its last session but leaves its socket file behind
        let _ = std::fs::remove_file(&self.socket);
    }
}

/// Reads one line (through `\n`), 10 s at most.
fn read_line(stream: &mut TcpStream) -> Vec<u8> {
    stream.set_read_timeout(Some(LIMIT)).unwrap();
    let mut line = Vec::new();
    let mut byte = [0u8];
    while line.last() != Some(&b'\n') && stream.read(&mut byte).unwrap() == 1 {
        line.push(byte[0]);
    }
    line
}

#[test]
fn terminal_line_reaches_the_server_and_the_reply_appears() {
    if !common::have("tmux") {
        return;
    }
    let (lines, line) = mpsc::channel();
    let port = peer(move |mut stream| {
        let got = read_line(&mut stream);
        stream.write_all(b"pong: ").unwrap();
        stream.write_all(&got).unwrap();
        lines.send(got).unwrap();
        // then the server closes, while the terminal is still open
    });
    let tmux = Tmux::start(&format!(
        "{BIN} raw 127.0.0.1 {port}; echo netkit-exit=$?; read end"
    ));
    tmux.wait_screen("the banner in the terminal", banner(port).trim_end());
    tmux.type_line("hello from a tty");
    assert_eq!(line.recv_timeout(LIMIT).unwrap(), b"hello from a tty\n");
    tmux.wait_screen("the reply in the terminal", "pong: hello from a tty");
    tmux.wait_screen("netkit to exit with 0", "netkit-exit=0");
}

#[test]
fn closed_terminal_ends_raw_quietly() {
    if !common::have("tmux") {
        return;
    }
    let (events, event) = mpsc::channel();
    let port = peer(move |mut stream| {
        events.send("connected").unwrap();
        // netkit sends nothing, so this ends only when its socket is closed (or fails the test)
        common::wait_closed(&mut stream, LIMIT);
        events.send("closed").unwrap();
    });
    let log = std::env::temp_dir().join(format!(
        "netkit-raw-hup-{}-{}.log",
        std::process::id(),
        SESSIONS.load(Ordering::Relaxed)
    ));
    let tmux = Tmux::start(&format!(
        "exec {BIN} raw 127.0.0.1 {port} 2>{}",
        log.display()
    ));
    assert_eq!(event.recv_timeout(LIMIT).unwrap(), "connected");
    wait_for("the banner in the log", LIMIT, || {
        let text = std::fs::read_to_string(&log).ok()?;
        (text == escape_banner(port)).then_some(())
    });
    drop(tmux); // the terminal goes away: SIGHUP
    assert_eq!(event.recv_timeout(LIMIT).unwrap(), "closed");
    let text = std::fs::read_to_string(&log).unwrap();
    let _ = std::fs::remove_file(&log);
    assert_eq!(
        text,
        escape_banner(port),
        "netkit wrote more after the hangup"
    );
}
