//! `raw`'s escape character on a terminal: Ctrl-] opens the netkit> prompt (quit, close, send,
//! status), -e moves it, -E turns it off, a pipe never has one, and the terminal gets its
//! settings back.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::Instant;

use super::raw::{mirror, Tmux};
use crate::common::process::LIMIT;
use crate::common::{self, netkit, peer, tty, BIN};

const IAC: u8 = 255;

/// A peer that passes on every chunk it reads, until netkit closes.
fn recorder() -> (u16, mpsc::Receiver<Vec<u8>>) {
    let (chunks, received) = mpsc::channel();
    let port = peer(move |mut stream| {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stream.read(&mut buf) {
            if chunks.send(buf[..n].to_vec()).is_err() {
                break;
            }
        }
        let _ = chunks.send(Vec::new());
    });
    (port, received)
}

/// Collects what `recorder` passes on until it is `want` long; panics with what came otherwise.
fn expect_bytes(received: &mpsc::Receiver<Vec<u8>>, want: &[u8]) {
    let deadline = Instant::now() + LIMIT;
    let mut got = Vec::new();
    while got.len() < want.len() {
        let left = deadline.saturating_duration_since(Instant::now());
        match received.recv_timeout(left) {
            Ok(chunk) if chunk.is_empty() => break,
            Ok(chunk) => got.extend_from_slice(&chunk),
            Err(_) => break,
        }
    }
    assert_eq!(
        got,
        want,
        "the peer received {:?}",
        String::from_utf8_lossy(&got)
    );
}

/// Waits for the recorder's end: netkit closed the connection.
fn expect_closed(received: &mpsc::Receiver<Vec<u8>>) {
    match received.recv_timeout(LIMIT) {
        Ok(chunk) if chunk.is_empty() => {}
        other => panic!("expected the connection to close, got {other:?}"),
    }
}

/// A peer that sends back every byte it reads.
fn echoer() -> u16 {
    peer(|mut stream| {
        let mut buf = [0u8; 4096];
        while let Ok(n @ 1..) = stream.read(&mut buf) {
            if stream.write_all(&buf[..n]).is_err() {
                break;
            }
        }
    })
}

fn banner(port: u16, key: &str) -> String {
    format!("Connected to 127.0.0.1 (127.0.0.1) port {port}.\nEscape character is '{key}'.\n")
}

fn assert_exit_0(tty: &mut tty::Tty) {
    let status = tty.wait(LIMIT);
    assert!(
        status.success(),
        "{status}; the terminal showed:\n{}",
        tty.text()
    );
}

#[test]
fn ctrl_bracket_opens_the_prompt_and_quit_exits_0() {
    let (port, received) = recorder();
    let mut tty = tty::spawn(&["raw", "127.0.0.1", &port.to_string()]);
    tty.expect(&banner(port, "^]"), LIMIT);
    // the key ends the read at once: what was typed before it goes out, with no Enter
    tty.send(b"ab\x1d");
    expect_bytes(&received, b"ab");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"send ip\n");
    tty.expect("telnet's commands need -t", LIMIT);
    tty.expect("netkit> ", LIMIT);
    tty.send(b"quit\n");
    tty.expect("Connection closed.\n", LIMIT);
    assert_exit_0(&mut tty);
    expect_closed(&received);
}

#[test]
fn send_ip_and_brk_reach_a_telnet_peer_as_iac_commands() {
    let (port, received) = recorder();
    let mut tty = tty::spawn(&["raw", "-t", "127.0.0.1", &port.to_string()]);
    tty.expect(&banner(port, "^]"), LIMIT);
    tty.send(b"\x1d");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"send ip\n");
    expect_bytes(&received, &[IAC, 244]);
    // back in the session: a line goes out as telnet's CR LF
    tty.send(b"hi\n");
    expect_bytes(&received, b"hi\r\n");
    tty.send(b"\x1d");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"se brk\n");
    expect_bytes(&received, &[IAC, 243]);
    tty.send(b"\x1d");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"close\n");
    expect_closed(&received);
    assert_exit_0(&mut tty);
}

#[test]
fn status_shows_the_peer_and_the_bytes_each_way() {
    let port = echoer();
    let mut tty = tty::spawn(&["raw", "127.0.0.1", &port.to_string()]);
    tty.expect(&banner(port, "^]"), LIMIT);
    tty.send(b"hello\n");
    // the terminal's echo of the line, then the peer's
    tty.expect("hello\nhello\n", LIMIT);
    tty.send(b"\x1d");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"status\n");
    tty.expect(
        &format!("Connected to 127.0.0.1:{port} over TCP for "),
        LIMIT,
    );
    tty.expect(
        "\nSent 6 bytes, received 6 bytes.\nEscape character is '^]'.\n",
        LIMIT,
    );
    // status goes back to the session, as telnet's does
    tty.send(b"again\n");
    tty.expect("again\nagain\n", LIMIT);
    tty.send(b"\x1dq\n");
    assert_exit_0(&mut tty);
}

#[test]
fn no_escape_sends_ctrl_bracket_as_data() {
    let (port, received) = recorder();
    let mut tty = tty::spawn(&["raw", "-E", "127.0.0.1", &port.to_string()]);
    tty.expect(
        &format!("Connected to 127.0.0.1 (127.0.0.1) port {port}.\n"),
        LIMIT,
    );
    tty.send(b"a\x1db\n");
    expect_bytes(&received, b"a\x1db\n");
    assert!(!tty.text().contains("Escape character"), "{}", tty.text());
    // Ctrl-D: end of input; the peer sees the FIN and closes
    tty.send(b"\x04");
    expect_closed(&received);
    assert_exit_0(&mut tty);
}

#[test]
fn escape_option_moves_the_key() {
    let (port, received) = recorder();
    let mut tty = tty::spawn(&["raw", "-e", "^A", "127.0.0.1", &port.to_string()]);
    tty.expect(&banner(port, "^A"), LIMIT);
    tty.send(b"x\x1dy\n");
    expect_bytes(&received, b"x\x1dy\n");
    tty.send(b"\x01");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"send escape\n");
    expect_bytes(&received, b"\x01");
    tty.send(b"\x01");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"quit\n");
    assert_exit_0(&mut tty);
}

#[test]
fn quiet_hides_the_escape_line_but_keeps_the_escape() {
    let port = echoer();
    let mut tty = tty::spawn(&["raw", "-q", "127.0.0.1", &port.to_string()]);
    tty.send(b"hi\n");
    tty.expect("hi\nhi\n", LIMIT);
    tty.send(b"\x1d");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"quit\n");
    assert_exit_0(&mut tty);
    let text = tty.text();
    assert!(!text.contains("Escape character"), "{text}");
    assert!(!text.contains("Connect"), "{text}");
}

#[test]
fn listener_close_waits_for_the_next_client_and_quit_exits() {
    let mut tty = tty::spawn(&["raw", "--listen", "0", "--bind", "127.0.0.1", "-k"]);
    tty.expect("Listening on 127.0.0.1 port ", LIMIT);
    let port: u16 = tty
        .expect(".\n", LIMIT)
        .trim_end_matches(".\n")
        .parse()
        .unwrap();
    let mut first = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tty.expect("Escape character is '^]'.\n", LIMIT);
    tty.send(b"\x1d");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"close\n");
    tty.expect("Connection closed.\n", LIMIT);
    assert_eq!(common::wait_closed(&mut first, LIMIT), common::Closed::Fin);
    let _second = TcpStream::connect(("127.0.0.1", port)).unwrap();
    tty.expect("Connection from 127.0.0.1 port ", LIMIT);
    tty.expect("Escape character is '^]'.\n", LIMIT);
    tty.send(b"\x1d");
    tty.expect("netkit> ", LIMIT);
    tty.send(b"quit\n");
    assert_exit_0(&mut tty);
}

#[test]
fn piped_ctrl_bracket_goes_through_unchanged() {
    let port = mirror();
    netkit()
        .args(["raw", "127.0.0.1", &port.to_string()])
        .write_stdin(b"a\x1db\nquit\n".to_vec())
        .assert()
        .success()
        .stdout(&b"a\x1db\nquit\n"[..])
        .stderr(format!("Connected to 127.0.0.1 (127.0.0.1) port {port}.\n"));
}

#[test]
fn escape_values_are_checked() {
    netkit()
        .args(["raw", "-e", "ab", "127.0.0.1", "7"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains(
            "invalid value 'ab' for '--escape <CHAR>': must be one character, or ^X for Ctrl-X",
        ));
    netkit()
        .args(["raw", "-e", "^A", "-E", "127.0.0.1", "7"])
        .assert()
        .code(2);
}

/// The terminal's settings after netkit, compared with before, in a shell on a tmux terminal:
/// after `quit`, and after Ctrl-C kills netkit.
#[test]
fn the_terminal_gets_its_settings_back() {
    if !common::have("tmux") {
        return;
    }
    for how in ["quit", "ctrl-c"] {
        let port = echoer();
        // the trap keeps the shell alive through Ctrl-C, and gives netkit the default action
        let tmux = Tmux::start(&format!(
            "before=$(stty -g); trap 'echo interrupted' INT; {BIN} raw 127.0.0.1 {port}; \
             echo netkit-exit=$?; [ \"$(stty -g)\" = \"$before\" ] && echo tty-restored \
             || echo tty-changed; read end"
        ));
        tmux.wait_screen("the escape line", "Escape character is '^]'.");
        if how == "quit" {
            tmux.keys(&["C-]"]);
            tmux.wait_screen("the prompt", "netkit>");
            tmux.type_line("quit");
            tmux.wait_screen("netkit to exit with 0", "netkit-exit=0");
        } else {
            tmux.keys(&["C-c"]);
            tmux.wait_screen("netkit to die of SIGINT", "netkit-exit=130");
        }
        tmux.wait_screen(&format!("the verdict after {how}"), "tty-");
        let screen = tmux.screen();
        assert!(screen.contains("tty-restored"), "after {how}:\n{screen}");
    }
}
