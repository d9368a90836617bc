//! STARTTLS: the plaintext exchange that upgrades an SMTP, IMAP, POP3 or FTP session to TLS.
//!
//! `Dialogue` is pure: it is fed the server's bytes and says what to send next, so a fuzz
//! target can drive it with anything; `reply` reads the server's replies. `upgrade` runs it
//! over a socket.

mod reply;
#[cfg(test)]
mod tests;

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};

use crate::net::stream::Deadline;
use crate::net::trace::Trace;
use reply::{coded_reply, imap_reply, line, quote, Reply};

/// The most a server's reply may hold before it counts as no reply at all (a long EHLO
/// list is a few hundred bytes).
pub const MAX_REPLY: usize = 16 * 1024;

/// The tag of netkit's IMAP command.
const IMAP_TAG: &str = "a001";

/// The protocols whose upgrade netkit speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// RFC 3207: greeting 220, EHLO, STARTTLS, 220.
    Smtp,
    /// RFC 9051: greeting `* OK`, `a001 STARTTLS`, `a001 OK`.
    Imap,
    /// RFC 2595: greeting `+OK`, STLS, `+OK`.
    Pop3,
    /// RFC 4217: greeting 220, AUTH TLS, 234.
    Ftp,
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Protocol::Smtp => "SMTP",
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
            Protocol::Ftp => "FTP",
        })
    }
}

/// What to do after a feed.
#[derive(Debug, PartialEq, Eq)]
pub enum Step {
    /// Send these bytes, then read on.
    Send(Vec<u8>),
    /// The reply is not complete yet: read on.
    More,
    /// The server agreed: start the TLS handshake now.
    Upgrade,
}

/// Where the dialogue stands: which reply it waits for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Awaiting {
    Greeting,
    /// SMTP's EHLO reply, which lists the extensions.
    Ehlo,
    /// The answer to STARTTLS (STLS, AUTH TLS).
    Answer,
    Done,
}

/// The client side of one upgrade; a refusal or a reply that breaks the protocol is an
/// error in words (`the server does not offer STARTTLS ...`).
#[derive(Debug)]
pub struct Dialogue {
    protocol: Protocol,
    /// The EHLO argument: the client's address literal (`[127.0.0.1]`, `[IPv6:::1]`).
    client: String,
    awaiting: Awaiting,
    buf: Vec<u8>,
}

impl Dialogue {
    /// A dialogue that first waits for the server's greeting; `local` is our address, named
    /// in SMTP's EHLO.
    pub fn new(protocol: Protocol, local: SocketAddr) -> Dialogue {
        let client = match local.ip().to_canonical() {
            std::net::IpAddr::V4(ip) => format!("[{ip}]"),
            std::net::IpAddr::V6(ip) => format!("[IPv6:{ip}]"),
        };
        Dialogue {
            protocol,
            client,
            awaiting: Awaiting::Greeting,
            buf: Vec::new(),
        }
    }

    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// Takes what the server sent and says what comes next. Bytes after the reply that
    /// accepts the upgrade are an error: they would be read as if they came over TLS.
    pub fn feed(&mut self, bytes: &[u8]) -> Result<Step, String> {
        if self.awaiting == Awaiting::Done {
            return Err("the server sent more after agreeing to TLS".into());
        }
        self.buf.extend_from_slice(bytes);
        loop {
            let Some((reply, used)) = self.reply()? else {
                if self.buf.len() >= MAX_REPLY {
                    return Err(format!(
                        "the server's reply is longer than {} KiB",
                        MAX_REPLY / 1024
                    ));
                }
                return Ok(Step::More);
            };
            self.buf.drain(..used);
            match self.answer(&reply)? {
                // a preliminary reply (FTP's 120): the real one may be in the buffer already
                Step::More => continue,
                Step::Upgrade if !self.buf.is_empty() => {
                    return Err("the server sent more after agreeing to TLS".into())
                }
                step => return Ok(step),
            }
        }
    }

    /// The first complete reply in the buffer and the bytes it takes, if there is one
    /// within `MAX_REPLY` bytes. Only that much is looked at, so that a long reply is refused
    /// whether its end came in the read that crossed the limit or in a later one.
    fn reply(&self) -> Result<Option<(Reply, usize)>, String> {
        let buf = &self.buf[..self.buf.len().min(MAX_REPLY)];
        match self.protocol {
            Protocol::Smtp | Protocol::Ftp => coded_reply(buf),
            Protocol::Pop3 => Ok(line(buf).map(|(text, used)| (Reply::Line(text), used))),
            Protocol::Imap => Ok(imap_reply(buf, self.awaiting == Awaiting::Greeting)),
        }
    }

    fn answer(&mut self, reply: &Reply) -> Result<Step, String> {
        use Awaiting::*;
        let next = |dialogue: &mut Dialogue, awaiting, command: &str| {
            dialogue.awaiting = awaiting;
            Ok(Step::Send(format!("{command}\r\n").into_bytes()))
        };
        match (self.protocol, self.awaiting, reply) {
            (Protocol::Smtp | Protocol::Ftp, Greeting, Reply::Coded { code, .. })
                if (100..200).contains(code) =>
            {
                Ok(Step::More)
            }
            (Protocol::Smtp, Greeting, Reply::Coded { code: 220, .. }) => {
                let ehlo = format!("EHLO {}", self.client);
                next(self, Ehlo, &ehlo)
            }
            (Protocol::Smtp, Ehlo, Reply::Coded { code: 250, lines }) => {
                let offered = lines
                    .iter()
                    .skip(1)
                    .any(|l| l.split_whitespace().next() == Some("STARTTLS"));
                if !offered {
                    let listed: Vec<&str> = lines
                        .iter()
                        .skip(1)
                        .filter_map(|l| l.split_whitespace().next())
                        .collect();
                    let listed = match listed.is_empty() {
                        true => "no extensions".to_string(),
                        false => listed.join(", "),
                    };
                    return Err(format!(
                        "the server does not offer STARTTLS (its EHLO reply lists {})",
                        quote(&listed)
                    ));
                }
                next(self, Answer, "STARTTLS")
            }
            (Protocol::Smtp, Ehlo, reply) => {
                Err(format!("the server refused EHLO: {}", reply.quoted()))
            }
            (Protocol::Ftp, Greeting, Reply::Coded { code: 220, .. }) => {
                next(self, Answer, "AUTH TLS")
            }
            (Protocol::Smtp, Answer, Reply::Coded { code: 220, .. })
            | (Protocol::Ftp, Answer, Reply::Coded { code: 234, .. }) => self.upgrade(),
            (Protocol::Pop3, Greeting, Reply::Line(text)) if text.starts_with("+OK") => {
                next(self, Answer, "STLS")
            }
            (Protocol::Pop3, Answer, Reply::Line(text)) if text.starts_with("+OK") => {
                self.upgrade()
            }
            (Protocol::Imap, Greeting, Reply::Line(text)) => {
                match text.split_whitespace().nth(1).map(str::to_ascii_uppercase) {
                    Some(status) if status == "OK" => {
                        next(self, Answer, &format!("{IMAP_TAG} STARTTLS"))
                    }
                    Some(status) if status == "PREAUTH" => Err(format!(
                        "the server greets as already logged in, where STARTTLS is not allowed: {}",
                        reply.quoted()
                    )),
                    _ => Err(format!("the server's greeting is {}", reply.quoted())),
                }
            }
            (Protocol::Imap, Answer, Reply::Line(text)) => {
                let mut words = text.split_whitespace();
                let tag = words.next();
                let status = words.next().map(str::to_ascii_uppercase);
                match (tag, status.as_deref()) {
                    (Some(IMAP_TAG), Some("OK")) => self.upgrade(),
                    (Some(IMAP_TAG), _) => refused(self.protocol, reply),
                    _ => Err(format!(
                        "the server answered STARTTLS with {}",
                        reply.quoted()
                    )),
                }
            }
            (_, Greeting, reply) => Err(format!("the server's greeting is {}", reply.quoted())),
            (_, _, reply) => refused(self.protocol, reply),
        }
    }

    fn upgrade(&mut self) -> Result<Step, String> {
        self.awaiting = Awaiting::Done;
        Ok(Step::Upgrade)
    }
}

/// The server answered the upgrade command with anything but yes.
fn refused(protocol: Protocol, reply: &Reply) -> Result<Step, String> {
    let command = match protocol {
        Protocol::Smtp | Protocol::Imap => "STARTTLS",
        Protocol::Pop3 => "STLS",
        Protocol::Ftp => "AUTH TLS",
    };
    Err(format!("the server refused {command}: {}", reply.quoted()))
}

/// Runs the dialogue on `tcp` (blocking, each wait bounded by `deadline`) until the server
/// agrees to TLS. A refusal is `Err(Ok(words))`; a socket failure (a timeout included) is
/// `Err(Err(io::Error))`.
pub fn upgrade(
    tcp: &mut TcpStream,
    protocol: Protocol,
    deadline: Deadline,
    trace: Trace,
) -> Result<(), Result<String, io::Error>> {
    let local = tcp.local_addr().map_err(Err)?;
    let mut dialogue = Dialogue::new(protocol, local);
    let mut buf = [0u8; 4096];
    trace.step(format_args!(
        "{protocol}: waiting for the greeting before STARTTLS"
    ));
    loop {
        deadline.arm(tcp).map_err(Err)?;
        let n = match tcp.read(&mut buf) {
            Ok(0) => {
                return Err(Ok(format!(
                    "the server closed the connection during the {protocol} exchange before TLS"
                )))
            }
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Err(err)),
        };
        for line in String::from_utf8_lossy(&buf[..n]).lines() {
            trace.step(format_args!("{protocol}: < {line}"));
        }
        let mut step = dialogue.feed(&buf[..n]).map_err(Ok)?;
        loop {
            match step {
                Step::More => break,
                Step::Send(command) => {
                    let shown = String::from_utf8_lossy(&command);
                    trace.step(format_args!("{protocol}: > {}", shown.trim_end()));
                    tcp.write_all(&command).map_err(Err)?;
                    // the answer may have come with the last reply
                    step = dialogue.feed(&[]).map_err(Ok)?;
                }
                Step::Upgrade => {
                    trace.step(format_args!("{protocol}: the server agreed; TLS starts"));
                    return Ok(());
                }
            }
        }
    }
}
