//! The STARTTLS dialogue of each protocol on whatever a server replies, cut into reads
//! anywhere, driven as `upgrade` drives it.
#![no_main]

use std::net::SocketAddr;

use libfuzzer_sys::fuzz_target;
use netkit::net::tls::starttls::{Dialogue, Protocol, Step};

/// What the dialogue sent, and how it ended: `Ok(true)` when the server agreed to TLS,
/// `Ok(false)` when it waits for more.
type Outcome = (Vec<Vec<u8>>, Result<bool, String>);

/// Feeds `replies` in reads of `size` bytes, answering each `Send` with an empty feed as
/// `upgrade` does (the next reply may have come in the same read). Reads after the upgrade
/// are fed too: the dialogue must refuse them.
fn drive(protocol: Protocol, local: SocketAddr, replies: &[u8], size: usize) -> Outcome {
    let mut dialogue = Dialogue::new(protocol, local);
    let mut sent = Vec::new();
    let mut upgraded = false;
    for read in replies.chunks(size) {
        let mut step = dialogue.feed(read);
        loop {
            match step {
                Ok(Step::Send(command)) => {
                    sent.push(command);
                    step = dialogue.feed(&[]);
                }
                Ok(Step::More) => break,
                Ok(Step::Upgrade) => {
                    upgraded = true;
                    break;
                }
                Err(message) => return (sent, Err(message)),
            }
        }
    }
    (sent, Ok(upgraded))
}

/// Every command the client may send, in order.
fn commands(protocol: Protocol, local: SocketAddr) -> Vec<String> {
    let ehlo = match local.ip() {
        std::net::IpAddr::V4(ip) => format!("EHLO [{ip}]"),
        std::net::IpAddr::V6(ip) => format!("EHLO [IPv6:{ip}]"),
    };
    let commands = match protocol {
        Protocol::Smtp => vec![ehlo.as_str(), "STARTTLS"],
        Protocol::Imap => vec!["a001 STARTTLS"],
        Protocol::Pop3 => vec!["STLS"],
        Protocol::Ftp => vec!["AUTH TLS"],
    };
    commands.iter().map(|c| format!("{c}\r\n")).collect()
}

fuzz_target!(|input: &[u8]| {
    // the first byte picks the protocol, our address and where the reads are cut
    let Some((&first, replies)) = input.split_first() else {
        return;
    };
    let protocol = [
        Protocol::Smtp,
        Protocol::Imap,
        Protocol::Pop3,
        Protocol::Ftp,
    ][usize::from(first & 3)];
    let local: SocketAddr = match first & 4 {
        0 => "127.0.0.1:50000".parse().unwrap(),
        _ => "[::1]:50000".parse().unwrap(),
    };
    let size = usize::from(first >> 3) + 1;

    // where a read ends changes nothing
    let whole = drive(protocol, local, replies, replies.len().max(1));
    let (sent, end) = drive(protocol, local, replies, size);
    assert_eq!(
        whole,
        (sent.clone(), end.clone()),
        "{protocol}, reads of {size}"
    );

    // the client says only its own commands, in order, all of them before TLS starts
    let expected = commands(protocol, local);
    let sent: Vec<String> = sent
        .iter()
        .map(|c| String::from_utf8(c.clone()).expect("commands are text"))
        .collect();
    assert!(expected.starts_with(&sent), "{protocol}: sent {sent:?}");
    if end == Ok(true) {
        assert_eq!(sent, expected, "{protocol}: TLS before every command");
    }

    // a refusal is one line for `netkit: ...`, quoting the server without its control bytes
    if let Err(message) = end {
        assert!(!message.chars().any(char::is_control), "{message:?}");
        assert!(
            message.len() <= 1024,
            "{} bytes: {message:?}",
            message.len()
        );
    }
});
