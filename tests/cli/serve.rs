//! `netkit serve`: several of inetd's internal services from one process, over TCP and UDP,
//! on bound or handed-over sockets.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::Duration;

use predicates::prelude::*;

use crate::common::{self, netkit, spawn_with, wait_for};

/// The first chargen line.
const LINE_0: &[u8] =
    b" !\"#$%&'()*+,-./0123456789:;<=>?@ABCDEFGHIJKLMNOPQRSTUVWXYZ[\\]^_`abcdefg\r\n";

/// Each service's address, from the `NAME: listening on ADDR` lines, once there are `count`.
fn listening(server: &mut common::Server, count: usize) -> HashMap<String, SocketAddr> {
    server.wait_log("every service's listening line", |log| {
        let found: HashMap<String, SocketAddr> = log
            .lines()
            .filter_map(|line| {
                let (head, addr) = line.split_once(": listening on ")?;
                let name = head.rsplit(' ').next()?;
                let addr = addr.split_whitespace().next()?.parse().ok()?;
                Some((name.to_owned(), addr))
            })
            .collect();
        (log.matches("listening on").count() >= count).then_some(found)
    })
}

/// One datagram to `addr` and the answer, if one comes within `wait`.
fn ask_udp(addr: SocketAddr, request: &[u8], wait: Duration) -> Option<Vec<u8>> {
    let client = UdpSocket::bind("127.0.0.1:0").unwrap();
    client.connect(addr).unwrap();
    client.set_read_timeout(Some(wait)).unwrap();
    client.send(request).unwrap();
    let mut buf = [0u8; 2048];
    let n = client.recv(&mut buf).ok()?;
    Some(buf[..n].to_vec())
}

#[test]
fn all_five_services_at_once_over_tcp_and_udp() {
    let mut server = spawn_with(
        &[
            "serve",
            "echo:0",
            "daytime:0",
            "discard:0",
            "chargen:0",
            "time:0",
            "--tcp",
            "--udp",
            "--threads",
            "2",
        ],
        &["--bind", "127.0.0.1"],
        &[("TZ", "UTC")],
    );
    let at = listening(&mut server, 10);
    assert_eq!(at.len(), 5, "{at:?}");
    let ports: std::collections::HashSet<u16> = at.values().map(|a| a.port()).collect();
    assert_eq!(ports.len(), 5, "each service on a port of its own: {at:?}");

    // TCP
    let mut echo = TcpStream::connect(at["echo"]).unwrap();
    echo.write_all(b"\0\xffhello").unwrap();
    echo.shutdown(Shutdown::Write).unwrap();
    assert_eq!(common::read_all(&mut echo), b"\0\xffhello");
    let mut daytime = TcpStream::connect(at["daytime"]).unwrap();
    let line = String::from_utf8(common::read_all(&mut daytime)).unwrap();
    assert!(
        predicate::str::is_match(r"^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}\r\n$")
            .unwrap()
            .eval(&line),
        "{line:?}"
    );
    let mut discard = TcpStream::connect(at["discard"]).unwrap();
    discard.write_all(b"into the void").unwrap();
    discard.shutdown(Shutdown::Write).unwrap();
    assert_eq!(common::read_all(&mut discard), b"");
    let mut chargen = TcpStream::connect(at["chargen"]).unwrap();
    let mut pattern = vec![0; 512];
    chargen.read_exact(&mut pattern).unwrap();
    assert_eq!(&pattern[..LINE_0.len()], LINE_0);
    drop(chargen);
    let mut time = TcpStream::connect(at["time"]).unwrap();
    assert_eq!(common::read_all(&mut time).len(), 4);

    // UDP, on the same ports
    let wait = Duration::from_secs(5);
    assert_eq!(ask_udp(at["echo"], b"ping", wait).unwrap(), b"ping");
    assert!(ask_udp(at["daytime"], b"", wait)
        .unwrap()
        .ends_with(b"\r\n"));
    let lines = ask_udp(at["chargen"], b"", wait).unwrap();
    assert_eq!(lines, pattern[..lines.len()], "a chargen datagram");
    assert_eq!(ask_udp(at["time"], b"", wait).unwrap().len(), 4);
    assert_eq!(
        ask_udp(at["discard"], b"x", Duration::from_millis(300)),
        None
    );

    // each line names its service
    for (name, event) in [
        ("echo", "closed"),
        ("daytime", "closed"),
        ("discard", "closed"),
        ("chargen", "closed"),
        ("time", "closed"),
        ("echo", "datagram from"),
        ("chargen", "datagram from"),
        ("discard", "datagram from"),
    ] {
        let wanted = format!("INFO {name}: {event}");
        server.wait_log(&wanted, |log| log.contains(&wanted).then_some(()));
    }
    // one set of event loops for them all: 2 loops, the main, signal and log threads
    let threads = std::fs::read_dir(format!("/proc/{}/task", server.pid()))
        .unwrap()
        .count();
    assert!(threads <= 2 + 3, "{threads} threads for --threads 2");
    let status = server.terminate();
    assert!(status.success(), "{status}");
}

#[test]
fn one_service_logs_under_its_own_name() {
    let mut server = spawn_with(&["serve", "time:0"], &["--bind", "127.0.0.1"], &[]);
    let at = listening(&mut server, 1);
    let mut time = TcpStream::connect(at["time"]).unwrap();
    assert_eq!(common::read_all(&mut time).len(), 4);
    // SAFETY: kill(2) on our own child's pid, which is not yet reaped
    unsafe { libc::kill(server.pid() as i32, libc::SIGTERM) };
    let status = server.wait_exit("the server to exit after SIGTERM");
    assert!(status.success(), "{status}");
    assert!(
        server.log().contains("INFO time: stopped"),
        "{}",
        server.log()
    );
}

#[test]
fn unknown_services_and_bad_ports_are_usage_errors_naming_them() {
    netkit()
        .args(["serve", "echo", "gopher"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'gopher' for '<SERVICE[:PORT]>...': unknown service 'gopher'",
        ));
    netkit()
        .args(["serve", "echo:70000"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "invalid value 'echo:70000' for '<SERVICE[:PORT]>...': the port '70000' must be \
             0-65535 or a service name",
        ));
    netkit().args(["serve"]).assert().code(2);
    netkit()
        .args(["serve", "echo:5000", "daytime:5000"])
        .assert()
        .code(1)
        .stderr("netkit: echo and daytime both ask for port 5000: give one of them SERVICE:PORT\n");
}

#[test]
fn under_inetd_one_service_is_served_and_several_are_an_error() {
    netkit()
        .args(["serve", "--inetd", "echo"])
        .write_stdin("\0\u{ff}hi")
        .assert()
        .success()
        .stdout("\0\u{ff}hi")
        .stderr("");
    // a usage error, in clap's form
    netkit()
        .args(["serve", "--inetd", "echo", "time"])
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicates::str::starts_with(
            "error: --inetd serves one service: give one SERVICE\n\nUsage: netkit serve ",
        ));
}

/// `netkit serve ARGS` started as systemd starts a socket-activated service: `sockets` on
/// descriptors 3, 4, ..., `LISTEN_FDNAMES` set to `names`.
fn activated(sockets: &[&TcpListener], names: &str, args: &str) -> std::process::Child {
    let fds: Vec<i32> = sockets.iter().map(|s| s.as_raw_fd()).collect();
    let count = fds.len();
    let mut command = Command::new("sh");
    command
        .args([
            "-c",
            &format!(
                "LISTEN_PID=$$ LISTEN_FDS={count} LISTEN_FDNAMES='{names}' exec \"$0\" serve {args}"
            ),
            common::BIN,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec
    unsafe {
        command.pre_exec(move || {
            // out of the way first, so that moving one onto 3 cannot close another
            let mut high = Vec::new();
            for &fd in &fds {
                let moved = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 100);
                if moved < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                high.push(moved);
            }
            for (i, &fd) in high.iter().enumerate() {
                // dup2 leaves the new descriptor open across exec
                if libc::dup2(fd, 3 + i as i32) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
    command.spawn().unwrap()
}

#[test]
fn handed_over_sockets_go_to_services_by_name_then_by_port() {
    let named = TcpListener::bind("127.0.0.1:0").unwrap();
    let by_port = TcpListener::bind("127.0.0.1:0").unwrap();
    let (echo_at, chargen_at) = (named.local_addr().unwrap(), by_port.local_addr().unwrap());
    let args = format!("echo chargen:{} time", chargen_at.port());
    let mut child = activated(&[&named, &by_port], "echo:", &args);
    drop((named, by_port)); // netkit holds the only copies now
    let mut echo = wait_for(
        "netkit to serve the handed-over sockets",
        Duration::from_secs(10),
        || TcpStream::connect(echo_at).ok(),
    );
    echo.write_all(b"named echo").unwrap();
    echo.shutdown(Shutdown::Write).unwrap();
    assert_eq!(common::read_all(&mut echo), b"named echo");
    let mut chargen = TcpStream::connect(chargen_at).unwrap();
    let mut first = vec![0; LINE_0.len()];
    chargen.read_exact(&mut first).unwrap();
    assert_eq!(first, LINE_0);
    drop((echo, chargen));
    // SIGTERM, not SIGKILL: the log lines still queued are written before the exit
    // SAFETY: kill(2) on our own child's pid, which is not yet reaped
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    common::wait_for(
        "netkit to exit after SIGTERM",
        Duration::from_secs(10),
        || child.try_wait().unwrap(),
    );
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    for line in [
        format!("INFO echo: listening on {echo_at}"),
        format!("INFO chargen: listening on {chargen_at}"),
        "WARN time: no socket handed over is for it (by name or port 37); not served".into(),
    ] {
        assert!(log.contains(&line), "no {line:?} in:\n{log}");
    }
}

#[test]
fn a_handed_over_socket_for_no_service_is_an_error() {
    let stranger = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = stranger.local_addr().unwrap().port();
    let child = activated(&[&stranger], "", "echo daytime");
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "netkit: the socket handed over as descriptor 3 on port {port} is for none of the \
             services: name it after one (FileDescriptorName=) or give SERVICE:{port}\n"
        )
    );
}
