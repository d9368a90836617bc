//! `daytime serve` and `daytime get` over TCP, and their interoperability.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::sync::{mpsc, Mutex};
use std::time::Duration;

use predicates::prelude::*;

use crate::common::{self, inetd, netkit, peer, refused_addr, spawn, spawn_with};

/// Asks `server` for the time with `netkit daytime get` and returns the line it printed.
fn get_line(host: &str, port: &str) -> String {
    let out = netkit()
        .args(["daytime", "get", host, port])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).unwrap()
}

fn raw_reply(server: &common::Server) -> Vec<u8> {
    let mut stream = TcpStream::connect(server.addr()).unwrap();
    common::read_all(&mut stream)
}

#[test]
fn every_format_over_ipv4_and_ipv6() {
    let cases = [
        (
            "ctime",
            r"^[A-Z][a-z]{2} [A-Z][a-z]{2} [ 1-3][0-9] \d\d:\d\d:\d\d \d{4}\n$",
        ),
        (
            "rfc2822",
            r"^[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d \+0000\n$",
        ),
        ("rfc3339", r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$"),
        (
            "nist",
            r"^\d{5} \d\d-\d\d-\d\d \d\d:\d\d:\d\d 00 0 0   0\.0 UTC\(NIST\) \*\n$",
        ),
        (
            "[year]-[month]-[day] [hour]:[minute]",
            r"^\d{4}-\d\d-\d\d \d\d:\d\d\n$",
        ),
    ];
    for (format, pattern) in cases {
        for bind in ["127.0.0.1", "::1"] {
            if bind == "::1" && !common::have_ipv6() {
                continue;
            }
            let server = spawn_with(
                &["daytime", "serve", "--utc", "--format", format],
                &["--bind", bind, "--port", "0"],
                &[],
            );
            let host = server.addr().ip().to_string();
            let line = get_line(&host, &server.port());
            assert!(
                predicate::str::is_match(pattern).unwrap().eval(&line),
                "{format} via {bind}: {line:?}"
            );
            // on the wire, every format ends in CR LF
            assert!(raw_reply(&server).ends_with(b"\r\n"), "{format}");
        }
    }
}

#[test]
fn local_time_follows_tz() {
    for (tz, offset) in [
        ("Asia/Kolkata", "+0530"),
        ("Asia/Tokyo", "+0900"),
        ("UTC", "+0000"),
    ] {
        let server = spawn_with(
            &["daytime", "serve", "--format", "rfc2822"],
            &["--bind", "127.0.0.1", "--port", "0"],
            &[("TZ", tz)],
        );
        let line = get_line("127.0.0.1", &server.port());
        assert!(line.trim_end().ends_with(offset), "TZ={tz}: {line:?}");
    }
}

#[test]
fn utc_overrides_tz() {
    let server = spawn_with(
        &["daytime", "serve", "--utc", "--format", "rfc3339"],
        &["--bind", "127.0.0.1", "--port", "0"],
        &[("TZ", "Asia/Kolkata")],
    );
    assert!(get_line("127.0.0.1", &server.port()).ends_with("Z\n"));
}

#[test]
fn port_zero_is_logged_with_the_real_port() {
    let server = spawn(&["daytime", "serve"]);
    assert_ne!(server.addr().port(), 0);
    assert!(server.log().contains(&format!(
        "INFO daytime: listening on 127.0.0.1:{}",
        server.port()
    )));
}

#[test]
fn silent_clients_do_not_delay_others() {
    let server = spawn(&["daytime", "serve"]);
    // clients that connect and never read
    let idle: Vec<TcpStream> = (0..20)
        .map(|_| TcpStream::connect(server.addr()).unwrap())
        .collect();
    netkit()
        .args(["daytime", "get", "127.0.0.1", &server.port(), "-w", "3"])
        .assert()
        .success();
    drop(idle);
}

#[test]
fn refused_connection_exits_4() {
    let (_taken, port) = refused_addr();
    netkit()
        .args(["daytime", "get", "127.0.0.1", &port.to_string()])
        .assert()
        .code(4)
        .stderr(format!(
            "netkit: cannot connect to 127.0.0.1:{port}: connection refused\n"
        ));
}

#[test]
fn unknown_host_exits_3() {
    netkit()
        .args(["daytime", "get", "nosuch.invalid"])
        .assert()
        .code(3)
        .stderr(
            predicate::str::is_match(r"^netkit: cannot resolve 'nosuch\.invalid': [a-z].*\n$")
                .unwrap(),
        );
}

#[test]
fn connect_timeout_exits_5() {
    let (_listener, _fillers, port) = common::blackhole();
    netkit()
        .args(["daytime", "get", "127.0.0.1", &port.to_string(), "-w", "1"])
        .assert()
        .code(5)
        .stderr(format!(
            "netkit: cannot connect to 127.0.0.1:{port}: timed out\n"
        ));
}

#[test]
fn bad_ports_are_usage_errors() {
    for port in ["70000", "nosuchsvc"] {
        netkit()
            .args(["daytime", "get", "127.0.0.1", port])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!(
                "invalid value '{port}' for '[PORT]': must be 0-65535 or a service name"
            )));
    }
}

#[test]
fn bad_format_is_a_usage_error() {
    netkit()
        .args(["daytime", "serve", "--format", "[nonsense]"])
        .assert()
        .code(2);
}

#[test]
fn service_names_are_looked_up_in_etc_services() {
    // a name for a free port, in a services file of netkit's own: bind-mounted over
    // /etc/services in a mount namespace (root, unshare -m), so no real port 13 is asked
    // SAFETY: geteuid has no preconditions
    if unsafe { libc::geteuid() } != 0 {
        return common::skip("a services file of netkit's own needs root (unshare -m)");
    }
    if !common::have("unshare") {
        return;
    }
    let server = spawn(&["daytime", "serve", "--format", "rfc3339", "--utc"]);
    let port = server.port();
    let services =
        std::env::temp_dir().join(format!("netkit-services-{}-{port}", std::process::id()));
    std::fs::write(&services, format!("nkdaytime\t{port}/tcp\n")).unwrap();
    // the mount lives and dies with the namespace
    let script = "mount --bind \"$1\" /etc/services && exec \"$2\" daytime get 127.0.0.1 nkdaytime";
    let mut unshare = Command::new("unshare");
    unshare
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(&services)
        .arg(common::BIN);
    let mut cmd = assert_cmd::Command::from_std(unshare);
    cmd.timeout(Duration::from_secs(10));
    let assert = cmd.assert();
    let _ = std::fs::remove_file(&services);
    assert
        .success()
        .stdout(predicate::str::is_match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\n$").unwrap());
}

#[test]
fn port_in_use_is_reported() {
    // the holder's loops share the port (SO_REUSEPORT); that must not let a second server in
    let server = spawn(&["daytime", "serve", "--threads", "2"]);
    let port = server.port();
    netkit()
        .args(["daytime", "serve", "--bind", "127.0.0.1", "--port", &port])
        .args(["--threads", "2"])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: cannot listen on 127.0.0.1:{port}: port {port} is already in use\n"
        ));
}

#[test]
fn trace_shows_the_local_port_and_the_fin() {
    let server = spawn(&["daytime", "serve"]);
    let out = netkit()
        .args(["daytime", "get", "127.0.0.1", &server.port(), "--trace"])
        .assert()
        .success();
    let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    let connected = stderr
        .lines()
        .find(|l| l.contains("connected from 127.0.0.1:"))
        .expect(&stderr);
    assert!(predicate::str::is_match(
        r"^\d\d:\d\d:\d\d\.\d{6} connected from 127\.0\.0\.1:[1-9]\d*"
    )
    .unwrap()
    .eval(connected));
    assert!(stderr.contains("FIN received"), "{stderr}");
}

#[test]
fn empty_reply_is_an_error() {
    let port = peer(drop);
    netkit()
        .args(["daytime", "get", "127.0.0.1", &port.to_string()])
        .assert()
        .code(1)
        .stderr(format!(
            "netkit: 127.0.0.1:{port} closed the connection without sending the time\n"
        ));
}

#[test]
fn offset_reads_every_format() {
    for format in ["ctime", "rfc2822", "rfc3339", "nist"] {
        let server = spawn(&["daytime", "serve", "--format", format]);
        netkit()
            .args(["daytime", "get", "127.0.0.1", &server.port(), "--offset"])
            .assert()
            .success()
            .stdout(predicate::str::is_match(r"\noffset: [+-][01]\.\d{3} s\n$").unwrap());
    }
}

#[test]
fn offset_of_an_unreadable_reply_is_an_error() {
    let port = peer(|mut s| {
        let _ = s.write_all(b"tea time\r\n");
    });
    netkit()
        .args(["daytime", "get", "127.0.0.1", &port.to_string(), "--offset"])
        .assert()
        .code(1)
        .stderr(
            predicate::str::contains("cannot read the time")
                .and(predicate::str::contains("rfc3339")),
        );
}

#[test]
fn closed_stdout_ends_quietly() {
    let server = spawn(&["daytime", "serve"]);
    let mut child = Command::new(common::BIN)
        .args(["daytime", "get", "127.0.0.1", &server.port()])
        .stdout(common::closed_pipe()) // the reader is gone before netkit writes
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let status = common::wait_for("netkit to exit", Duration::from_secs(10), || {
        child.try_wait().unwrap()
    });
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(status.success(), "{status}: {stderr}");
    assert_eq!(stderr, "");
}

#[test]
fn trace_with_stderr_closed_early_exits_0() {
    let (go, wait) = mpsc::channel::<()>();
    let wait = Mutex::new(wait);
    let port = peer(move |mut s| {
        // the time, and so the trace of it, comes only once netkit's stderr is closed
        let _ = wait.lock().unwrap().recv_timeout(Duration::from_secs(10));
        let _ = s.write_all(b"Wed Nov 25 11:31:40 2026\r\n");
    });
    let port = port.to_string();
    let args = ["daytime", "get", "127.0.0.1", &port, "--trace"];
    for joined in [false, true] {
        let run = common::run_with_stderr_closed_early(&args, b"", joined, || go.send(()).unwrap());
        assert!(run.status.success(), "joined {joined}: {run:?}");
        let stdout = String::from_utf8_lossy(&run.stdout);
        assert!(!stdout.contains("panicked"), "{stdout}");
        let want = if joined {
            ""
        } else {
            "Wed Nov 25 11:31:40 2026\n"
        };
        assert_eq!(stdout, want);
    }
}

#[test]
fn telnet_reads_the_line() {
    if !common::have("telnet") {
        return;
    }
    let server = spawn(&["daytime", "serve", "--format", "rfc3339", "--utc"]);
    let mut child = Command::new("telnet")
        .args(["127.0.0.1", &server.port()])
        .stdin(Stdio::piped()) // kept open: telnet must end because the server closed
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdin = child.stdin.take();
    let out = common::wait_for("telnet to exit", Duration::from_secs(10), || {
        child.try_wait().ok().flatten()
    });
    drop(stdin);
    let mut text = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut text).unwrap();
    assert!(
        predicate::str::is_match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\r?\n")
            .unwrap()
            .eval(&text),
        "{out}: {text}"
    );
}

#[test]
fn nc_reads_the_line() {
    if !common::have("nc") {
        return;
    }
    let server = spawn(&["daytime", "serve", "--format", "nist"]);
    let out = Command::new("nc")
        .args(["-d", "127.0.0.1", &server.port()])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).ends_with("UTC(NIST) *\r\n"),
        "{out:?}"
    );
}

#[test]
fn get_reads_inetd_builtin_daytime() {
    let Some(inetd) = inetd::Inetd::start(inetd::Service::Daytime) else {
        return;
    };
    let line = get_line("127.0.0.1", &inetd.port().to_string());
    // xinetd writes "25 NOV 2026 13:00:41 UTC", inetutils-inetd ctime(3): both carry the year
    assert!(
        predicate::str::is_match(r"^.*\b20\d\d\b.*\d\d:\d\d:\d\d.*\n$")
            .unwrap()
            .eval(&line),
        "{line:?}"
    );
}

#[test]
fn privileged_port_without_privilege_suggests_another() {
    let args = ["daytime", "serve", "--bind", "127.0.0.1", "--port", "13"];
    let start = std::fs::read_to_string("/proc/sys/net/ipv4/ip_unprivileged_port_start");
    if start
        .ok()
        .and_then(|s| s.trim().parse::<u16>().ok())
        .is_some_and(|p| p <= 13)
    {
        eprintln!("skipped: port 13 needs no privilege on this machine");
        return;
    }
    // SAFETY: geteuid has no preconditions
    let root = unsafe { libc::geteuid() } == 0;
    let mut cmd = if !root {
        netkit()
    } else if common::have("setpriv") {
        // root may bind port 13: drop to nobody for this one run
        let mut setpriv = Command::new("setpriv");
        setpriv.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            common::BIN,
        ]);
        let mut cmd = assert_cmd::Command::from_std(setpriv);
        cmd.timeout(Duration::from_secs(10));
        cmd
    } else {
        return;
    };
    cmd.args(args).assert().code(1).stderr(
        "netkit: cannot listen on 127.0.0.1:13: permission denied: port 13 needs privilege; \
         try --port 55555\n",
    );
}

#[test]
fn wait_bounds_the_whole_exchange_not_each_read() {
    let port = common::drip().to_string();
    let started = std::time::Instant::now();
    netkit()
        .args(["daytime", "get", "127.0.0.1", &port, "-w", "2"])
        .assert()
        .code(5)
        .stderr(format!(
            "netkit: no time from 127.0.0.1:{port}: timed out\n"
        ));
    let took = started.elapsed();
    // a byte a second kept each read alive: per-read timeouts would run to the 60th byte
    assert!(
        took >= Duration::from_millis(1900),
        "ended after {took:?}, before -w"
    );
    assert!(took < Duration::from_secs(8), "took {took:?} with -w 2");
}

/// Clients that speak first: a server that closes with their bytes unread resets them.
#[test]
fn clients_that_send_first_get_a_fin_not_a_reset() {
    let server = spawn(&["daytime", "serve"]);
    let addr = server.addr();
    let workers: Vec<_> = (0..10)
        .map(|_| {
            std::thread::spawn(move || {
                let mut resets = 0;
                for _ in 0..100 {
                    let mut client = TcpStream::connect(addr).unwrap();
                    // the request lands before (or while) the server writes and closes
                    client.write_all(b"what time is it?\r\n").unwrap();
                    let mut line = Vec::new();
                    client
                        .set_read_timeout(Some(Duration::from_secs(10)))
                        .unwrap();
                    match client.read_to_end(&mut line) {
                        Ok(_) => assert!(line.ends_with(b"\r\n"), "{line:?}"),
                        Err(err) if err.kind() == std::io::ErrorKind::ConnectionReset => {
                            resets += 1
                        }
                        Err(err) => panic!("neither a FIN nor a reset: {err}"),
                    }
                }
                resets
            })
        })
        .collect();
    let resets: usize = workers.into_iter().map(|w| w.join().unwrap()).sum();
    assert_eq!(resets, 0, "{resets} of 1000 clients were reset");
}

#[test]
fn raw_with_piped_input_reads_daytime_and_exits_0_every_time() {
    let server = spawn(&["daytime", "serve"]);
    let port = server.port();
    let failures: Vec<String> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..50)
                        .filter_map(|_| {
                            let out = netkit()
                                .args(["raw", "-q", "127.0.0.1", &port])
                                .write_stdin("x")
                                .output()
                                .unwrap();
                            (!out.status.success() || !out.stdout.ends_with(b"\r\n")).then(|| {
                                format!(
                                    "{}: {}",
                                    out.status,
                                    String::from_utf8_lossy(&out.stderr).trim_end()
                                )
                            })
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap())
            .collect()
    });
    assert!(
        failures.is_empty(),
        "{} of 200 runs failed, first: {}",
        failures.len(),
        failures[0]
    );
}

#[test]
fn a_client_that_never_closes_is_let_go_after_the_linger() {
    let mut server = spawn(&["daytime", "serve"]);
    let mut client = TcpStream::connect(server.addr()).unwrap();
    let local = client.local_addr().unwrap();
    let mut line = Vec::new();
    client
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    client.read_to_end(&mut line).unwrap();
    assert!(line.ends_with(b"\r\n"), "{line:?}");
    // our socket stays open: the server closes its own after a bounded wait for our FIN
    let closed = format!("closed {local} (0 bytes in, {} bytes out", line.len());
    server.wait_log("the closed line", |log| log.contains(&closed).then_some(()));
    drop(client);
}

#[test]
fn under_inetd_a_client_that_sent_first_gets_a_fin_not_a_reset() {
    use std::os::fd::OwnedFd;
    for _ in 0..20 {
        // as inetd does for a nowait service: the accepted socket is stdin and stdout
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let mut client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        // sent before netkit even starts: unread when it is done
        client.write_all(b"what time is it?\r\n").unwrap();
        let socket = OwnedFd::from(listener.accept().unwrap().0);
        let mut server = Command::new(common::BIN)
            .args(["daytime", "serve", "--inetd"])
            .stdin(Stdio::from(socket.try_clone().unwrap()))
            .stdout(Stdio::from(socket))
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut line = Vec::new();
        let read = client.read_to_end(&mut line);
        drop(client);
        let _ = server.wait();
        assert!(read.is_ok(), "{read:?} after {line:?}");
        assert!(line.ends_with(b"\r\n"), "{line:?}");
    }
}
