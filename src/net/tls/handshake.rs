//! The handshake, step by step over a blocking or a non-blocking socket, narrated under
//! `--trace`, and why it stopped in words.

use std::io::{self, Read, Write};
use std::time::Instant;

use rustls::Connection;

use super::summary;
use super::verify::{self, Checker, Peer};
use crate::error::again;
use crate::net::trace::Trace;

/// A socket the handshake runs on: std's (blocking, for raw) or mio's (for probe).
pub trait Wire: Read + Write {
    /// Reads without taking, to quote a peer that answers in another protocol.
    fn peek(&self, buf: &mut [u8]) -> io::Result<usize>;
}

impl Wire for std::net::TcpStream {
    fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        std::net::TcpStream::peek(self, buf)
    }
}

impl Wire for mio::net::TcpStream {
    fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        mio::net::TcpStream::peek(self, buf)
    }
}

/// A handshake under way.
#[derive(Debug)]
pub struct Handshake {
    pub(super) conn: Connection,
    pub(super) peer: Peer,
    pub(super) trace: Trace,
    /// The peer has sent something.
    answered: bool,
    /// The peer answered as TLS does: a version is agreed.
    chose: bool,
    /// The peer's first bytes, when they are a line of text.
    sent: Option<String>,
    started: Instant,
}

/// Why a handshake stopped.
#[derive(Debug)]
pub enum Failed {
    /// `spoke_tls`: the peer had sent a TLS hello; `sent`: its first bytes, when they are a
    /// line of text (another protocol's greeting or answer).
    Tls {
        err: rustls::Error,
        spoke_tls: bool,
        sent: Option<String>,
    },
    /// The peer closed the connection; `answered` says whether it had sent anything.
    Closed { answered: bool },
    /// The socket failed, or (blocking) a wait ran out.
    Io(io::Error),
}

impl Failed {
    /// The reason in words, or the socket error for the caller to word (a timeout keeps its
    /// exit code). `checker` (a client's) knows what the refused certificate said.
    pub fn reason(self, peer: Peer, checker: Option<&Checker>) -> Result<String, io::Error> {
        Ok(match self {
            Failed::Tls {
                err: rustls::Error::InvalidCertificate(err),
                ..
            } => match checker {
                Some(checker) => checker.refusal(&err),
                None => verify::certificate_words(&err),
            },
            Failed::Tls {
                err,
                spoke_tls,
                sent,
            } => {
                let words = verify::words(&err, peer, spoke_tls);
                match sent {
                    Some(line) if !spoke_tls => format!("{words} (it sent {line})"),
                    _ => words,
                }
            }
            Failed::Closed { answered: false } => format!(
                "the {peer} closed the connection without a TLS answer (does it speak TLS?)"
            ),
            Failed::Closed { answered: true } => {
                format!("the {peer} closed the connection during the handshake")
            }
            Failed::Io(err) => return Err(err),
        })
    }
}

impl Handshake {
    pub(super) fn new(conn: Connection, peer: Peer, trace: Trace) -> Handshake {
        Handshake {
            conn,
            peer,
            trace,
            answered: false,
            chose: false,
            sent: None,
            started: Instant::now(),
        }
    }

    /// The version agreed, `TLS 1.3`, once the peer has answered.
    pub fn version(&self) -> Option<String> {
        let line = summary::session(&self.conn);
        let version = line.split(',').next()?;
        self.conn.protocol_version().map(|_| version.to_string())
    }

    /// The peer's own certificate, once it has been received.
    pub fn certificate(&self) -> Option<summary::Certificate> {
        self.conn
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(summary::Certificate::parse)
    }

    /// Whether the handshake has records to write: wait for the socket to be writable.
    pub fn wants_write(&self) -> bool {
        self.conn.wants_write()
    }

    /// Goes as far as `tcp` allows: writes what is due, reads what has come, processes it.
    /// `Ok(true)` once complete; `Ok(false)` when the socket would block (non-blocking, or a
    /// blocking socket's timeout). On a failure the alert rustls owes the peer is sent first.
    pub fn advance(&mut self, tcp: &mut impl Wire) -> Result<bool, Failed> {
        loop {
            while self.conn.wants_write() {
                match self.conn.write_tls(tcp) {
                    Ok(n) => self
                        .trace
                        .step(format_args!("TLS: sent {n} bytes of handshake")),
                    Err(err) if again(&err) => return Ok(false),
                    Err(err) => return Err(Failed::Io(err)),
                }
            }
            if !self.conn.is_handshaking() {
                self.trace.step(format_args!(
                    "TLS: handshake complete in {:.1} ms",
                    self.started.elapsed().as_secs_f64() * 1000.0
                ));
                return Ok(true);
            }
            if !self.answered {
                match first_line(tcp) {
                    Ok(line) => self.sent = line,
                    Err(err) if again(&err) => return Ok(false),
                    // the read below reports it
                    Err(_) => {}
                }
            }
            let n = match self.conn.read_tls(tcp) {
                Ok(0) => {
                    return Err(Failed::Closed {
                        answered: self.answered,
                    })
                }
                Ok(n) => n,
                Err(err) if again(&err) => return Ok(false),
                Err(err) => return Err(Failed::Io(err)),
            };
            self.answered = true;
            self.trace
                .step(format_args!("TLS: received {n} bytes of handshake"));
            let processed = self.conn.process_new_packets();
            if !self.chose && self.conn.protocol_version().is_some() {
                self.chose = true;
                let who = match self.peer {
                    Peer::Server => "the server chose",
                    Peer::Client => "agreed on",
                };
                self.trace
                    .step(format_args!("TLS: {who} {}", summary::session(&self.conn)));
            }
            if let Err(err) = processed {
                // the alert that tells the peer why
                let _ = self.conn.write_tls(tcp);
                return Err(Failed::Tls {
                    err,
                    spoke_tls: self.chose,
                    sent: self.sent.take(),
                });
            }
        }
    }
}

/// The peer's first bytes, quoted, when they are a line of text: what a server that does
/// not speak TLS said instead (`"HTTP/1.1 400 Bad Request"`, an SSH banner). On a blocking
/// socket it waits for them as the read after it would.
fn first_line(tcp: &impl Wire) -> io::Result<Option<String>> {
    let mut head = [0u8; 80];
    let n = tcp.peek(&mut head)?;
    let head = &head[..n];
    let end = head
        .iter()
        .position(|&b| b == b'\r' || b == b'\n')
        .unwrap_or(head.len());
    let line = &head[..end];
    let text = line.len() >= 3 && line.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
    Ok(text.then(|| format!("\"{}\"", String::from_utf8_lossy(line))))
}
