//! `relay` end to end: bytes both ways unchanged, half-closes and resets passed on, bounded
//! memory under back-pressure, the dump, the server options, and real peers on either side.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::Duration;

use crate::common::{self, netkit, noise, spawn, wait_for, Closed, Server};

const LONG: Duration = Duration::from_secs(10);

/// `netkit relay 127.0.0.1 PORT ARGS --bind 127.0.0.1 --port 0`.
fn relay(target: u16, args: &[&str]) -> Server {
    let port = target.to_string();
    let mut all = vec!["relay", "127.0.0.1", port.as_str()];
    all.extend_from_slice(args);
    spawn(&all)
}

fn connect(server: &Server) -> TcpStream {
    let stream = TcpStream::connect(server.addr()).unwrap();
    stream.set_read_timeout(Some(LONG)).unwrap();
    stream
}

/// A target on 127.0.0.1:0 that serves one connection with `handler`; the listener's port.
fn target(handler: impl FnOnce(TcpStream) + Send + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            stream.set_read_timeout(Some(LONG)).unwrap();
            handler(stream);
        }
    });
    port
}

/// The first log line that contains `what`, once it is there.
fn line(server: &mut Server, what: &str) -> String {
    let what = what.to_string();
    server.wait_log(&format!("a line with {what:?}"), |log| {
        log.lines().find(|l| l.contains(&what)).map(str::to_owned)
    })
}

/// The closed line of the client at `client`.
fn closed_line(server: &mut Server, client: &TcpStream) -> String {
    line(
        server,
        &format!("closed {} (", client.local_addr().unwrap()),
    )
}

/// Sends `data` from a thread of its own, then shuts down the write half.
fn send_all(stream: &TcpStream, data: Vec<u8>) -> thread::JoinHandle<()> {
    let mut writer = stream.try_clone().unwrap();
    thread::spawn(move || {
        writer.write_all(&data).unwrap();
        writer.shutdown(Shutdown::Write).unwrap();
    })
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).unwrap();
    line.split_whitespace().nth(1).unwrap().parse().unwrap()
}

#[test]
fn relay_carries_a_mebibyte_each_way_unchanged_and_logs_the_pair() {
    let echo = spawn(&["echo", "serve"]);
    let mut server = relay(echo.addr().port(), &[]);
    let mut client = connect(&server);
    let data = noise(1 << 20);
    let writer = send_all(&client, data.clone());
    let back = common::read_all(&mut client);
    writer.join().unwrap();
    assert!(back == data, "the echo through the relay differs");
    let me = client.local_addr().unwrap();
    line(&mut server, &format!("INFO relay: accepted {me}"));
    let connected = line(
        &mut server,
        &format!(
            "INFO relay: {me} -> {} connected from 127.0.0.1:",
            echo.addr()
        ),
    );
    assert!(connected.ends_with(" ms)"), "{connected}");
    let closed = closed_line(&mut server, &client);
    assert!(
        closed.contains("(1.0 MiB to target, 1.0 MiB to client, ")
            && closed.ends_with(" s, client closed first)"),
        "{closed}"
    );
}

#[test]
fn relay_serves_two_hundred_clients_at_once() {
    common::raise_fd_limit();
    let echo = spawn(&["echo", "serve"]);
    let server = relay(echo.addr().port(), &[]);
    let mut clients: Vec<TcpStream> = (0..200).map(|_| connect(&server)).collect();
    for (i, client) in clients.iter_mut().enumerate() {
        client
            .write_all(format!("client {i}\n").as_bytes())
            .unwrap();
    }
    for (i, client) in clients.iter_mut().enumerate() {
        let want = format!("client {i}\n");
        let mut got = vec![0; want.len()];
        client.read_exact(&mut got).unwrap();
        assert_eq!(got, want.as_bytes());
    }
}

#[test]
fn the_clients_fin_reaches_the_target_and_its_late_reply_still_comes_back() {
    let (got, heard) = mpsc::channel();
    let port = target(move |mut stream| {
        let mut request = Vec::new();
        stream.read_to_end(&mut request).unwrap();
        got.send(request).unwrap();
        // the reply after the client's FIN
        stream.write_all(b"late reply").unwrap();
    });
    let mut server = relay(port, &[]);
    let mut client = connect(&server);
    client.write_all(b"request").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(heard.recv_timeout(LONG).unwrap(), b"request");
    assert_eq!(common::read_all(&mut client), b"late reply");
    let closed = closed_line(&mut server, &client);
    assert!(
        closed.contains("(7 bytes to target, 10 bytes to client, ")
            && closed.ends_with("client closed first)"),
        "{closed}"
    );
}

#[test]
fn the_targets_fin_reaches_the_client_and_its_late_request_still_goes_through() {
    let (got, heard) = mpsc::channel();
    let port = target(move |mut stream| {
        stream.write_all(b"greeting").unwrap();
        stream.shutdown(Shutdown::Write).unwrap();
        let mut request = Vec::new();
        stream.read_to_end(&mut request).unwrap();
        got.send(request).unwrap();
    });
    let mut server = relay(port, &[]);
    let mut client = connect(&server);
    let mut greeting = [0u8; 8];
    client.read_exact(&mut greeting).unwrap();
    assert_eq!(&greeting, b"greeting");
    // the target's FIN arrives, and the client still sends
    let mut byte = [0u8];
    assert_eq!(
        client.read(&mut byte).unwrap(),
        0,
        "the FIN after the greeting"
    );
    client.write_all(b"late request").unwrap();
    client.shutdown(Shutdown::Write).unwrap();
    assert_eq!(heard.recv_timeout(LONG).unwrap(), b"late request");
    let closed = closed_line(&mut server, &client);
    assert!(closed.ends_with("target closed first)"), "{closed}");
}

#[test]
fn a_targets_reset_reaches_the_client_as_a_reset() {
    let port = target(|mut stream| {
        let mut buf = [0u8; 5];
        stream.read_exact(&mut buf).unwrap();
        socket2::SockRef::from(&stream)
            .set_linger(Some(Duration::ZERO))
            .unwrap();
        drop(stream);
    });
    let mut server = relay(port, &[]);
    let mut client = connect(&server);
    client.write_all(b"hello").unwrap();
    assert_eq!(common::wait_closed(&mut client, LONG), Closed::Reset);
    let closed = closed_line(&mut server, &client);
    assert!(closed.ends_with("target reset)"), "{closed}");
}

#[test]
fn a_clients_reset_reaches_the_target_as_a_reset() {
    let (got, heard) = mpsc::channel();
    let port = target(move |mut stream| {
        stream.write_all(b"ready").unwrap();
        let mut buf = [0u8; 16];
        let outcome = loop {
            match stream.read(&mut buf) {
                Ok(0) => break "fin".to_string(),
                Ok(_) => {}
                Err(err) => break format!("{:?}", err.kind()),
            }
        };
        got.send(outcome).unwrap();
    });
    let server = relay(port, &[]);
    let mut client = connect(&server);
    let mut ready = [0u8; 5];
    client.read_exact(&mut ready).unwrap();
    socket2::SockRef::from(&client)
        .set_linger(Some(Duration::ZERO))
        .unwrap();
    drop(client);
    assert_eq!(heard.recv_timeout(LONG).unwrap(), "ConnectionReset");
}

#[test]
fn an_unreachable_target_closes_the_client_with_one_warning_and_the_relay_serves_on() {
    let (refusing, port) = common::refused_addr();
    let mut server = relay(port, &[]);
    let mut client = connect(&server);
    assert_eq!(common::wait_closed(&mut client, LONG), Closed::Fin);
    let me = client.local_addr().unwrap();
    let warning =
        format!("WARN relay: cannot connect {me} to 127.0.0.1:{port}: connection refused");
    line(&mut server, &warning);
    let closed = closed_line(&mut server, &client);
    assert!(closed.ends_with("target unreachable)"), "{closed}");
    assert_eq!(server.log().matches("WARN").count(), 1, "{}", server.log());
    // the target comes up: the next client gets through
    refusing.listen(8).unwrap();
    let listener: TcpListener = refusing.into();
    thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        stream.write_all(b"up now").unwrap();
    });
    let mut next = connect(&server);
    assert_eq!(common::read_all(&mut next), b"up now");
}

#[test]
fn a_target_that_does_not_answer_is_given_up_after_the_wait() {
    let (_listener, _fillers, port) = common::blackhole();
    let mut server = relay(port, &["-w", "0.5"]);
    let mut client = connect(&server);
    assert_eq!(common::wait_closed(&mut client, LONG), Closed::Fin);
    let me = client.local_addr().unwrap();
    line(
        &mut server,
        &format!("WARN relay: cannot connect {me} to 127.0.0.1:{port}: timed out"),
    );
}

/// Sends 50 MiB from `from` on a thread, counting what the kernel took; returns once the
/// writes have stalled (back-pressure reached the sender), with the count so far.
fn push_until_stalled(
    mut from: TcpStream,
    total: usize,
) -> (Arc<AtomicUsize>, thread::JoinHandle<()>) {
    let sent = Arc::new(AtomicUsize::new(0));
    let counter = sent.clone();
    let writer = thread::spawn(move || {
        let chunk = noise(64 * 1024);
        let mut left = total;
        while left > 0 {
            let n = left.min(chunk.len());
            from.write_all(&chunk[..n]).unwrap();
            counter.fetch_add(n, Ordering::Relaxed);
            left -= n;
        }
        from.shutdown(Shutdown::Write).unwrap();
    });
    // no progress for half a second: every buffer on the way is full
    let mut last = usize::MAX;
    wait_for("the writes to stall", Duration::from_secs(30), || {
        let now = sent.load(Ordering::Relaxed);
        let stalled = now == last;
        last = now;
        thread::sleep(Duration::from_millis(500));
        stalled.then_some(())
    });
    (sent, writer)
}

/// Reads to the end, checking each byte against the 64 KiB chunks `push_until_stalled` sends.
fn drain_checked(stream: &mut TcpStream, total: usize) {
    let chunk = noise(64 * 1024);
    let mut buf = vec![0; 256 * 1024];
    let mut at = 0;
    loop {
        let n = stream.read(&mut buf).unwrap();
        if n == 0 {
            break;
        }
        for &byte in &buf[..n] {
            assert_eq!(byte, chunk[at % chunk.len()], "byte {at} differs");
            at += 1;
        }
    }
    assert_eq!(at, total, "bytes that arrived");
}

const FIFTY_MIB: usize = 50 << 20;
/// What the relay may hold in memory, its own start-up included: its windows are 64 KiB a
/// direction, and the kernel's buffers are not its memory.
const RSS_BOUND_KIB: u64 = 24 * 1024;

#[test]
fn a_target_that_never_reads_holds_back_the_client_in_bounded_memory() {
    let (go, release) = mpsc::channel::<()>();
    let port = target(move |mut stream| {
        release.recv().unwrap();
        drain_checked(&mut stream, FIFTY_MIB);
    });
    let server = relay(port, &[]);
    let client = connect(&server);
    let (sent, writer) = push_until_stalled(client.try_clone().unwrap(), FIFTY_MIB);
    assert!(
        sent.load(Ordering::Relaxed) < FIFTY_MIB,
        "nothing held the sender back"
    );
    let rss = rss_kib(server.pid());
    assert!(
        rss < RSS_BOUND_KIB,
        "relay VmRSS {rss} KiB with a stalled target"
    );
    go.send(()).unwrap();
    writer.join().unwrap();
}

#[test]
fn a_client_that_never_reads_holds_back_the_target_in_bounded_memory() {
    let (pushed, stalled) = mpsc::channel();
    let (finished, done) = mpsc::channel();
    let port = target(move |stream| {
        let (sent, writer) = push_until_stalled(stream, FIFTY_MIB);
        pushed.send(sent.load(Ordering::Relaxed)).unwrap();
        writer.join().unwrap();
        finished.send(()).unwrap();
    });
    let server = relay(port, &[]);
    let mut client = connect(&server);
    let sent = stalled.recv_timeout(Duration::from_secs(60)).unwrap();
    assert!(sent < FIFTY_MIB, "nothing held the target back");
    let rss = rss_kib(server.pid());
    assert!(
        rss < RSS_BOUND_KIB,
        "relay VmRSS {rss} KiB with a stalled client"
    );
    drain_checked(&mut client, FIFTY_MIB);
    done.recv_timeout(LONG).unwrap();
}

#[test]
fn a_client_that_does_not_read_does_not_delay_another() {
    let echo = spawn(&["echo", "serve"]);
    let server = relay(echo.addr().port(), &[]);
    let stuck = connect(&server);
    let (_sent, _writer) = push_until_stalled(stuck.try_clone().unwrap(), FIFTY_MIB);
    let mut quick = connect(&server);
    for i in 0..100 {
        let message = format!("ping {i}\n");
        quick.write_all(message.as_bytes()).unwrap();
        let mut back = vec![0; message.len()];
        quick.read_exact(&mut back).unwrap();
        assert_eq!(back, message.as_bytes());
    }
    // the stalled writer thread ends with the test's process
}

/// One record of a dump: its connection number, direction and bytes.
#[derive(Debug)]
struct Record {
    id: String,
    way: String,
    bytes: Vec<u8>,
}

/// `HH:MM:SS.ffffff #N client > target 17 bytes`: the connection, the way and the length.
fn header(line: &str) -> Option<(String, String, usize)> {
    let (stamp, rest) = line.split_once(' ')?;
    let digits: Vec<_> = stamp.split([':', '.']).collect();
    let widths: Vec<_> = digits.iter().map(|d| d.len()).collect();
    if widths != [2, 2, 2, 6] || !digits.iter().all(|d| d.bytes().all(|b| b.is_ascii_digit())) {
        return None;
    }
    let mut words = rest.split(' ');
    let id = words.next()?.strip_prefix('#')?.to_string();
    let way = [words.next()?, words.next()?, words.next()?].join(" ");
    if way != "client > target" && way != "target > client" {
        return None;
    }
    let len = words.next()?.parse().ok()?;
    let unit = words.next()?;
    assert_eq!(unit, if len == 1 { "byte" } else { "bytes" }, "{line}");
    Some((id, way, len))
}

/// The records of a dump; other lines (log lines, the connected and closed lines) are skipped.
fn records(dump: &str, text: bool) -> Vec<Record> {
    let mut found: Vec<(Record, usize)> = Vec::new();
    for line in dump.lines() {
        if let Some((id, way, len)) = header(line) {
            found.push((
                Record {
                    id,
                    way,
                    bytes: Vec::new(),
                },
                len,
            ));
            continue;
        }
        let Some((record, len)) = found.last_mut().filter(|(r, len)| r.bytes.len() < *len) else {
            continue;
        };
        if text {
            record.bytes.extend(unescape(line));
        } else {
            let (offset, rest) = line.split_once("  ").unwrap();
            assert_eq!(
                usize::from_str_radix(offset, 16).unwrap(),
                record.bytes.len(),
                "{line}"
            );
            let (hex, shown) = rest.split_once(" |").unwrap();
            let row: Vec<u8> = hex
                .split_whitespace()
                .map(|h| u8::from_str_radix(h, 16).unwrap())
                .collect();
            let printable: String = row
                .iter()
                .map(|&b| {
                    if b == b' ' || b.is_ascii_graphic() {
                        b as char
                    } else {
                        '.'
                    }
                })
                .collect();
            assert_eq!(shown, format!("{printable}|"), "{line}");
            // the hex column is padded to its full width on a short last line
            assert_eq!(hex.len(), 3 * 16 + 1, "{line:?}");
            record.bytes.extend(row);
        }
        assert!(
            record.bytes.len() <= *len,
            "more bytes than the header said: {line}"
        );
    }
    for (record, len) in &found {
        assert_eq!(record.bytes.len(), *len, "{record:?}");
    }
    found.into_iter().map(|(r, _)| r).collect()
}

/// The bytes of one line of a text record (its line break is the record's, or follows `\n`).
fn unescape(line: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'\\' {
            assert!(
                bytes[i] == b' ' || bytes[i].is_ascii_graphic(),
                "raw {:?} in {line:?}",
                bytes[i]
            );
            out.push(bytes[i]);
            i += 1;
            continue;
        }
        match bytes[i + 1] {
            b'n' => out.push(b'\n'),
            b'r' => out.push(b'\r'),
            b't' => out.push(b'\t'),
            b'\\' => out.push(b'\\'),
            b'x' => {
                let hex = std::str::from_utf8(&bytes[i + 2..i + 4]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            other => panic!("unknown escape \\{} in {line:?}", other as char),
        }
        i += 2;
    }
    out
}

/// Both directions of connection `id`, each put together from its records.
fn both_ways(records: &[Record], id: &str) -> (Vec<u8>, Vec<u8>) {
    let mut up = Vec::new();
    let mut down = Vec::new();
    for record in records.iter().filter(|r| r.id == id) {
        match record.way.as_str() {
            "client > target" => up.extend_from_slice(&record.bytes),
            _ => down.extend_from_slice(&record.bytes),
        }
    }
    (up, down)
}

struct TempPath(PathBuf);

impl Drop for TempPath {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

static FILES: AtomicUsize = AtomicUsize::new(0);

fn temp_path(what: &str) -> TempPath {
    TempPath(std::env::temp_dir().join(format!(
        "netkit-relay-{}-{}-{what}",
        std::process::id(),
        FILES.fetch_add(1, Ordering::Relaxed)
    )))
}

#[test]
fn dump_hex_to_a_file_shows_every_byte_both_ways() {
    let echo = spawn(&["echo", "serve"]);
    let file = temp_path("dump.hex");
    let dump = format!("--dump={}", file.0.display());
    let server = relay(echo.addr().port(), &[&dump]);
    let mut client = connect(&server);
    let mut data = b"hello\n".to_vec();
    data.extend(noise(200_000));
    let writer = send_all(&client, data.clone());
    assert!(common::read_all(&mut client) == data);
    writer.join().unwrap();
    // the closed line is the connection's last record
    let text = wait_for("the dump's closed line", LONG, || {
        let text = std::fs::read_to_string(&file.0).ok()?;
        text.contains("#1 closed (").then_some(text)
    });
    assert!(
        text.contains("#1 127.0.0.1:"),
        "the connected line:\n{}",
        &text[..300]
    );
    let first = text.lines().find(|l| header(l).is_some()).unwrap();
    assert!(first.contains(" #1 client > target "), "{first}");
    let (up, down) = both_ways(&records(&text, false), "1");
    assert!(
        up == data,
        "client > target records differ from what was sent"
    );
    assert!(down == data, "target > client records differ from the echo");
    // nothing on stderr but the log
    assert!(
        !server.log().contains("client > target"),
        "{}",
        server.log()
    );
}

#[test]
fn dump_text_on_stderr_escapes_what_is_not_printable() {
    let echo = spawn(&["echo", "serve"]);
    let mut server = relay(echo.addr().port(), &["--dump", "--dump-format", "text"]);
    let mut client = connect(&server);
    let data = b"GET / HTTP/1.0\r\nX:\ta\\b\x00\x7f\xff\n\nno newline at the end".to_vec();
    let writer = send_all(&client, data.clone());
    assert_eq!(common::read_all(&mut client), data);
    writer.join().unwrap();
    closed_line(&mut server, &client);
    let log = line(&mut server, "#1 closed (");
    assert!(log.contains("to target"), "{log}");
    let log = server.log();
    assert!(log.contains("GET / HTTP/1.0\\r\\n\n"), "{log}");
    assert!(
        log.contains("X:\\ta\\\\b\\x00\\x7f\\xff\\n\n\\n\n"),
        "{log}"
    );
    let (up, down) = both_ways(&records(&log, true), "1");
    assert_eq!(up, data);
    assert_eq!(down, data);
}

#[test]
fn max_connections_refuses_the_client_beyond_it() {
    let echo = spawn(&["echo", "serve"]);
    let mut server = relay(echo.addr().port(), &["--max-connections", "1"]);
    let mut first = connect(&server);
    first.write_all(b"one\n").unwrap();
    let mut back = [0u8; 4];
    first.read_exact(&mut back).unwrap();
    let mut second = connect(&server);
    assert_eq!(common::read_all(&mut second), b"");
    line(&mut server, "--max-connections 1 reached");
    // the first is still relayed
    first.write_all(b"two\n").unwrap();
    first.read_exact(&mut back).unwrap();
    assert_eq!(&back, b"two\n");
}

#[test]
fn idle_timeout_closes_a_quiet_pair() {
    let echo = spawn(&["echo", "serve"]);
    let mut server = relay(echo.addr().port(), &["--idle-timeout", "1"]);
    let mut client = connect(&server);
    client.write_all(b"once\n").unwrap();
    let mut back = [0u8; 5];
    client.read_exact(&mut back).unwrap();
    assert_eq!(common::wait_closed(&mut client, LONG), Closed::Fin);
    let closed = closed_line(&mut server, &client);
    assert!(
        closed.contains("(5 bytes to target, 5 bytes to client, ")
            && closed.ends_with("idle timeout)"),
        "{closed}"
    );
}

#[test]
fn sigterm_stops_the_relay_and_closes_open_pairs_after_the_grace() {
    let echo = spawn(&["echo", "serve"]);
    let mut server = relay(echo.addr().port(), &[]);
    let mut client = connect(&server);
    client.write_all(b"x").unwrap();
    let mut back = [0u8];
    client.read_exact(&mut back).unwrap();
    line(&mut server, "connected from");
    let status = server.signal(libc::SIGTERM);
    assert!(status.success(), "{status}");
    assert_eq!(common::read_all(&mut client), b"");
    wait_for("the stopped line", LONG, || {
        server.log().contains("INFO relay: stopped").then_some(())
    });
    assert!(
        server.log().contains("server stopping)"),
        "{}",
        server.log()
    );
}

#[test]
fn http_by_hand_through_the_relay_to_a_python_server() {
    if !common::have("python3") {
        return;
    }
    let dir = std::env::temp_dir().join(format!("netkit-relay-http-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("hello.txt"), "hello through the relay\n").unwrap();
    let mut python = Command::new("python3")
        .args(["-u", "-m", "http.server", "--bind", "127.0.0.1", "0"])
        .current_dir(&dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // "Serving HTTP on 127.0.0.1 port 43567 (http://127.0.0.1:43567/) ..."
    let mut banner = String::new();
    BufReader::new(python.stdout.take().unwrap())
        .read_line(&mut banner)
        .unwrap();
    let port: u16 = banner
        .split(" port ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("no port in {banner:?}"));
    let server = relay(port, &[]);
    let mut client = connect(&server);
    client
        .write_all(b"GET /hello.txt HTTP/1.0\r\nHost: localhost\r\n\r\n")
        .unwrap();
    let reply = String::from_utf8(common::read_all(&mut client)).unwrap();
    let _ = python.kill();
    let _ = python.wait();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(reply.starts_with("HTTP/1.0 200 OK\r\n"), "{reply}");
    assert!(
        reply.ends_with("\r\n\r\nhello through the relay\n"),
        "{reply}"
    );
}

#[test]
fn nc_and_socat_are_relayed_to_the_echo() {
    let echo = spawn(&["echo", "serve"]);
    let server = relay(echo.addr().port(), &[]);
    let port = server.port();
    let run = |program: &str, args: &[&str], input: &[u8]| {
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input).unwrap();
        let mut out = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        wait_for("the peer program to exit", LONG, || {
            child.try_wait().ok().flatten()
        });
        out
    };
    if common::have("nc") {
        assert_eq!(
            run("nc", &["-N", "127.0.0.1", &port], b"via nc\n"),
            b"via nc\n"
        );
    }
    if common::have("socat") {
        let to = format!("TCP:127.0.0.1:{port}");
        assert_eq!(run("socat", &["-", &to], b"via socat\n"), b"via socat\n");
    }
}

#[test]
fn relay_usage_errors_and_an_unknown_target() {
    netkit().args(["relay", "127.0.0.1", "7"]).assert().code(2);
    netkit()
        .args(["relay", "127.0.0.1", "7", "--port", "0", "--udp"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--udp does not apply"));
    netkit()
        .args(["relay", "nosuch.invalid", "80", "--port", "0"])
        .assert()
        .code(3)
        .stderr(
            predicates::str::is_match(r"^netkit: cannot resolve 'nosuch\.invalid': [a-z].*\n$")
                .unwrap(),
        );
}
