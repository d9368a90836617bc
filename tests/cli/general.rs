//! The command line as a whole: help, version, usage errors, completions.

use crate::common::netkit;
use predicates::prelude::*;

#[test]
fn version_and_help_work() {
    netkit()
        .arg("--version")
        .assert()
        .success()
        .stdout(predicate::str::starts_with("netkit "));
    netkit()
        .args(["echo", "send", "--help"])
        .assert()
        .success()
        .stdout(predicate::str::contains("--count"));
}

#[test]
fn unknown_flag_is_a_usage_error() {
    netkit()
        .args(["daytime", "get", "--bogus"])
        .assert()
        .code(2);
}

#[test]
fn completions_print_a_script() {
    netkit()
        .args(["completions", "bash"])
        .assert()
        .success()
        .stdout(predicate::str::contains("_netkit()"));
}

use std::net::TcpStream;
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};

#[test]
fn inetd_mode_serves_stdin_and_stdout() {
    netkit()
        .args(["echo", "serve", "--inetd"])
        .write_stdin("\0\u{ff}hi")
        .assert()
        .success()
        .stdout("\0\u{ff}hi")
        .stderr("");
    netkit()
        .args([
            "daytime", "serve", "--inetd", "--utc", "--format", "rfc3339",
        ])
        .assert()
        .success()
        .stdout(predicate::str::is_match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\r\n$").unwrap());
}

#[test]
fn systemd_sockets_are_used_instead_of_binding() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let fd = listener.as_raw_fd();
    // LISTEN_PID must name netkit itself: the shell sets it to its own pid, then execs
    let mut command = Command::new("sh");
    command
        .args([
            "-c",
            "LISTEN_PID=$$ LISTEN_FDS=1 exec \"$0\" echo serve --port 9",
            crate::common::BIN,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    // SAFETY: only async-signal-safe calls between fork and exec
    unsafe {
        command.pre_exec(move || {
            // dup2 onto itself would leave close-on-exec set
            let moved = if fd == 3 {
                libc::fcntl(3, libc::F_SETFD, 0)
            } else {
                libc::dup2(fd, 3)
            };
            if moved < 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = command.spawn().unwrap();
    drop(listener); // netkit holds the only copy now
    let mut stream = crate::common::wait_for(
        "netkit to serve the handed-over socket",
        std::time::Duration::from_secs(10),
        || TcpStream::connect(addr).ok(),
    );
    use std::io::{Read, Write};
    stream.write_all(b"activated").unwrap();
    let mut echo = [0u8; 9];
    stream.read_exact(&mut echo).unwrap();
    assert_eq!(&echo, b"activated");
    drop(stream);
    // SIGTERM, not SIGKILL: the log lines still queued are written before the exit
    // SAFETY: kill(2) on our own child's pid, which is not yet reaped
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    crate::common::wait_for(
        "netkit to exit after SIGTERM",
        std::time::Duration::from_secs(10),
        || child.try_wait().unwrap(),
    );
    let out = child.wait_with_output().unwrap();
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(log.contains(&format!("listening on {addr}")), "{log}");
    assert!(log.contains("--port and --bind are ignored"), "{log}");
}
