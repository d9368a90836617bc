//! The STARTTLS dialogue fed by hand: each protocol, refusals, limits.

use super::reply::quote;
use super::*;

fn dialogue(protocol: Protocol) -> Dialogue {
    Dialogue::new(protocol, "127.0.0.1:50000".parse().unwrap())
}

fn send(text: &str) -> Result<Step, String> {
    Ok(Step::Send(text.as_bytes().to_vec()))
}

#[test]
fn smtp_says_ehlo_then_starttls() {
    let mut d = dialogue(Protocol::Smtp);
    assert_eq!(d.feed(b"220 mail.example ES"), Ok(Step::More));
    assert_eq!(d.feed(b"MTP\r\n"), send("EHLO [127.0.0.1]\r\n"));
    assert_eq!(
        d.feed(b"250-mail.example\r\n250-SIZE 1000\r\n"),
        Ok(Step::More)
    );
    assert_eq!(
        d.feed(b"250-STARTTLS\r\n250 8BITMIME\r\n"),
        send("STARTTLS\r\n")
    );
    assert_eq!(d.feed(b"220 go ahead\r\n"), Ok(Step::Upgrade));
}

#[test]
fn smtp_without_starttls_names_what_it_offers() {
    let mut d = dialogue(Protocol::Smtp);
    d.feed(b"220-mail.example\r\n220 ESMTP\r\n").unwrap();
    assert_eq!(
        d.feed(b"250-mail.example\r\n250-SIZE 1000\r\n250 8BITMIME\r\n"),
        Err("the server does not offer STARTTLS (its EHLO reply lists \"SIZE, 8BITMIME\")".into())
    );
}

#[test]
fn smtp_refusal_quotes_the_reply() {
    let mut d = dialogue(Protocol::Smtp);
    d.feed(b"220 hi\r\n").unwrap();
    d.feed(b"250-hi\r\n250 STARTTLS\r\n").unwrap();
    assert_eq!(
        d.feed(b"454 TLS not available\r\n"),
        Err("the server refused STARTTLS: \"454 TLS not available\"".into())
    );
}

#[test]
fn bytes_after_the_yes_are_refused() {
    let mut d = dialogue(Protocol::Pop3);
    d.feed(b"+OK POP3 ready\r\n").unwrap();
    assert_eq!(
        d.feed(b"+OK begin TLS\r\n250 injected\r\n"),
        Err("the server sent more after agreeing to TLS".into())
    );
}

#[test]
fn imap_skips_untagged_lines() {
    let mut d = dialogue(Protocol::Imap);
    assert_eq!(
        d.feed(b"* OK [CAPABILITY IMAP4rev1 STARTTLS] ready\r\n"),
        send("a001 STARTTLS\r\n")
    );
    assert_eq!(d.feed(b"* CAPABILITY IMAP4rev1\r\n"), Ok(Step::More));
    assert_eq!(d.feed(b"a001 OK Begin TLS\r\n"), Ok(Step::Upgrade));
}

#[test]
fn imap_bad_is_a_refusal() {
    let mut d = dialogue(Protocol::Imap);
    d.feed(b"* OK ready\r\n").unwrap();
    assert_eq!(
        d.feed(b"a001 BAD unknown command\r\n"),
        Err("the server refused STARTTLS: \"a001 BAD unknown command\"".into())
    );
}

#[test]
fn ftp_waits_out_120_and_reads_multiline_greetings() {
    let mut d = dialogue(Protocol::Ftp);
    assert_eq!(d.feed(b"120 in a minute\r\n"), Ok(Step::More));
    assert_eq!(
        d.feed(b"220-Welcome\r\n text without a code\r\n220 ready\r\n"),
        send("AUTH TLS\r\n")
    );
    assert_eq!(d.feed(b"234 AUTH TLS OK.\r\n"), Ok(Step::Upgrade));
}

#[test]
fn a_server_that_is_no_smtp_server_is_named() {
    let mut d = dialogue(Protocol::Smtp);
    assert_eq!(
        d.feed(b"SSH-2.0-OpenSSH_9.6\r\n"),
        Err("the server's reply is not a numbered reply: \"SSH-2.0-OpenSSH_9.6\"".into())
    );
}

#[test]
fn a_reply_without_end_is_bounded() {
    let mut d = dialogue(Protocol::Pop3);
    let junk = vec![b'x'; MAX_REPLY + 1];
    assert!(d.feed(&junk).unwrap_err().contains("longer than 16 KiB"));
}

/// Feeds `bytes` in reads of `size`, as `upgrade` does, up to the first step that is not `More`.
fn fed(protocol: Protocol, bytes: &[u8], size: usize) -> Result<Step, String> {
    let mut d = dialogue(protocol);
    for read in bytes.chunks(size) {
        match d.feed(read)? {
            Step::More => {}
            step => return Ok(step),
        }
    }
    Ok(Step::More)
}

#[test]
fn the_reply_limit_is_the_same_wherever_reads_end() {
    // a reply just over the limit, or a line just over it that is no reply: refused whether
    // it comes in one read or in small ones (it was read when the read that crossed the
    // limit also held its end)
    let long = |start: &[u8]| {
        let mut bytes = start.to_vec();
        bytes.resize(MAX_REPLY + 100, b'x');
        bytes.extend_from_slice(b"\r\n");
        bytes
    };
    for (protocol, bytes) in [
        (Protocol::Smtp, long(b"220 ")),
        (Protocol::Ftp, long(b"SSH-2.0-")),
        (Protocol::Pop3, long(b"+OK ")),
    ] {
        for size in [1000, 4096, bytes.len()] {
            let step = fed(protocol, &bytes, size);
            assert!(
                step.as_ref()
                    .is_err_and(|e| e.contains("longer than 16 KiB")),
                "{protocol} in reads of {size}: {step:?}"
            );
        }
    }
    // a reply of exactly the limit is read
    let mut exact = long(b"+OK ");
    exact.drain(MAX_REPLY - 2..MAX_REPLY + 100);
    assert_eq!(exact.len(), MAX_REPLY);
    for size in [1000, MAX_REPLY] {
        assert_eq!(fed(Protocol::Pop3, &exact, size), send("STLS\r\n"));
    }
}

#[test]
fn ipv6_clients_say_their_address_literal() {
    let mut d = Dialogue::new(Protocol::Smtp, "[::1]:5000".parse().unwrap());
    assert_eq!(d.feed(b"220 hi\r\n"), send("EHLO [IPv6:::1]\r\n"));
}

#[test]
fn control_characters_are_escaped_in_messages() {
    assert_eq!(quote("a\u{1b}[2Jb"), "\"a\\u{1b}[2Jb\"");
}

/// Until fuzz/ has a target for it: replies made of the protocols' own pieces in random
/// order, fed in random chunks, never panic, and every command sent is one line.
#[test]
fn random_replies_never_panic() {
    const PIECES: &[&[u8]] = &[
        b"220",
        b"250-",
        b"250 ",
        b"234 ",
        b"120 ",
        b"454 ",
        b"STARTTLS",
        b"\r\n",
        b"\n",
        b"* OK",
        b"* PREAUTH",
        b"* BYE",
        b"a001 OK",
        b"a001 NO",
        b"+OK",
        b"-ERR",
        b" ",
        b"\xff",
        b"\x00",
        b"-",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for protocol in [
        Protocol::Smtp,
        Protocol::Imap,
        Protocol::Pop3,
        Protocol::Ftp,
    ] {
        for _ in 0..500 {
            let mut d = dialogue(protocol);
            let mut bytes = Vec::new();
            for _ in 0..(next() % 40) {
                bytes.extend_from_slice(PIECES[(next() % PIECES.len() as u64) as usize]);
            }
            for chunk in bytes.chunks(1 + (next() % 7) as usize) {
                match d.feed(chunk) {
                    Ok(Step::Send(command)) => {
                        assert!(command.ends_with(b"\r\n"));
                        assert_eq!(command.iter().filter(|&&b| b == b'\n').count(), 1);
                    }
                    Ok(Step::More) => {}
                    Ok(Step::Upgrade) | Err(_) => break,
                }
            }
        }
    }
}
