//! TLS over a connected TCP socket (rustls): the handshake, and the session as a `Stream` for
//! the copy loop.
//!
//! `config` builds the rustls configurations, `verify` checks certificates and puts failures
//! in words, `summary` writes the lines a person reads, `starttls` speaks the plaintext
//! upgrade first.

pub mod config;
pub mod starttls;
pub mod summary;
pub mod verify;

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use rustls::{ClientConnection, Connection, ServerConnection};

pub use config::{Client, ClientSettings, Server};
use verify::Peer;

use crate::error::{Error, Result};
use crate::net::copy::Stream;
use crate::net::trace::Trace;

/// A TLS session that owns its socket. The copy loop drives it: `receive` decrypts,
/// `send` encrypts into records that `flush` writes, `shut_write` sends close_notify and
/// then the FIN.
#[derive(Debug)]
pub struct TlsStream {
    conn: Connection,
    tcp: TcpStream,
    peer: Peer,
    trace: Trace,
    /// close_notify is queued; the FIN follows once it is out.
    closing: bool,
    fin_sent: bool,
    /// Plaintext rustls holds that `receive` can return without reading the socket.
    pending: bool,
}

/// What the handshake learned, for the summary.
#[derive(Debug, Clone)]
pub struct Session {
    /// `TLS 1.3, TLS13_AES_256_GCM_SHA384, ALPN http/1.1`.
    pub line: String,
    /// The peer's own certificate, if it sent one.
    pub certificate: Option<summary::Certificate>,
}

/// A failure that ended a TLS session after the handshake (an alert, a broken record),
/// carried inside the `io::Error` the copy loop reports. `words` reads it back out.
#[derive(Debug)]
struct Ended(String);

impl fmt::Display for Ended {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Ended {}

/// The words of a TLS failure inside an `io::Error` from a `TlsStream`, if it is one.
pub fn failure(err: &io::Error) -> Option<String> {
    err.get_ref()?
        .downcast_ref::<Ended>()
        .map(|ended| ended.0.clone())
}

impl Client {
    /// Speaks STARTTLS first when asked, then the handshake, each wait bounded by `wait`
    /// (a timeout is exit 5). `addr` names the server in messages (`127.0.0.1:4433`).
    pub fn connect(
        &self,
        mut tcp: TcpStream,
        addr: &str,
        wait: Option<Duration>,
        trace: Trace,
    ) -> Result<(TlsStream, Session)> {
        let deadline = wait.map(|wait| Instant::now() + wait);
        let failed = |reason: String| Error::Tls {
            addr: addr.to_string(),
            reason,
        };
        if let Some(protocol) = self.starttls {
            starttls::upgrade(&mut tcp, protocol, deadline, trace).map_err(|err| match err {
                Ok(words) => failed(words),
                Err(err) => io_failure(err, addr, Peer::Server),
            })?;
        }
        let conn = ClientConnection::new(self.config.clone(), self.name.clone())
            .map_err(|e| failed(verify::words(&e, Peer::Server, false)))?;
        trace.step(format_args!("TLS: sending {}", self.hello));
        let mut stream = TlsStream::new(Connection::Client(conn), tcp, Peer::Server, trace);
        match stream.handshake(deadline) {
            Ok(()) => {}
            Err(Failed::Tls {
                err: rustls::Error::InvalidCertificate(err),
                ..
            }) => return Err(failed(self.checker.refusal(&err))),
            Err(err) => return Err(err.into_error(addr, Peer::Server)),
        }
        let session = stream.session();
        Ok((stream, session))
    }
}

impl Server {
    /// The server side of the handshake on an accepted connection; `addr` is the client's.
    pub fn accept(
        &self,
        tcp: TcpStream,
        addr: &str,
        wait: Option<Duration>,
        trace: Trace,
    ) -> Result<(TlsStream, Session)> {
        let deadline = wait.map(|wait| Instant::now() + wait);
        let conn = ServerConnection::new(self.config.clone()).map_err(|e| Error::Tls {
            addr: addr.to_string(),
            reason: verify::words(&e, Peer::Client, false),
        })?;
        trace.step("TLS: waiting for the ClientHello");
        let mut stream = TlsStream::new(Connection::Server(conn), tcp, Peer::Client, trace);
        stream
            .handshake(deadline)
            .map_err(|err| err.into_error(addr, Peer::Client))?;
        let session = stream.session();
        Ok((stream, session))
    }
}

/// Why a handshake stopped.
enum Failed {
    /// `spoke_tls`: the peer had sent a TLS hello; `sent`: its first bytes, when they are a
    /// line of text (another protocol's greeting or answer).
    Tls {
        err: rustls::Error,
        spoke_tls: bool,
        sent: Option<String>,
    },
    /// The peer closed the connection; `answered` says whether it had sent anything.
    Closed {
        answered: bool,
    },
    Io(io::Error),
}

impl Failed {
    fn into_error(self, addr: &str, peer: Peer) -> Error {
        let reason = match self {
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
            Failed::Io(err) => return io_failure(err, addr, peer),
        };
        Error::Tls {
            addr: addr.to_string(),
            reason,
        }
    }
}

/// A socket failure during STARTTLS or the handshake: a timeout keeps exit 5, a reset is a
/// TLS failure, anything else an I/O error.
fn io_failure(err: io::Error, addr: &str, peer: Peer) -> Error {
    let what = format!("TLS with {addr} failed");
    match err.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => Error::Tls {
            addr: addr.to_string(),
            reason: format!("the {peer} reset the connection during the handshake"),
        },
        _ if crate::error::timed_out(&err) => Error::io(what, io::ErrorKind::TimedOut.into()),
        _ => Error::io(what, err),
    }
}

/// Bounds the next blocking read or write on `tcp` by `deadline` (none: no bound).
fn set_deadline(tcp: &TcpStream, deadline: Option<Instant>) -> io::Result<()> {
    let left = match deadline {
        Some(deadline) => {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(io::ErrorKind::TimedOut.into());
            }
            Some(left)
        }
        None => None,
    };
    tcp.set_read_timeout(left)?;
    tcp.set_write_timeout(left)
}

impl TlsStream {
    fn new(conn: Connection, tcp: TcpStream, peer: Peer, trace: Trace) -> TlsStream {
        TlsStream {
            conn,
            tcp,
            peer,
            trace,
            closing: false,
            fin_sent: false,
            pending: false,
        }
    }

    /// The blocking handshake, narrated: each flight out and in, the version the server
    /// chose, and the end. The alert rustls owes the peer on a failure is sent first.
    fn handshake(&mut self, deadline: Option<Instant>) -> Result<(), Failed> {
        let mut answered = false;
        let mut chose = false;
        let mut sent = None;
        let started = Instant::now();
        loop {
            while self.conn.wants_write() {
                set_deadline(&self.tcp, deadline).map_err(Failed::Io)?;
                let n = self.conn.write_tls(&mut self.tcp).map_err(Failed::Io)?;
                self.trace
                    .step(format_args!("TLS: sent {n} bytes of handshake"));
            }
            if !self.conn.is_handshaking() {
                break;
            }
            set_deadline(&self.tcp, deadline).map_err(Failed::Io)?;
            if !answered {
                sent = self.first_line();
            }
            let n = match self.conn.read_tls(&mut self.tcp) {
                Ok(0) => return Err(Failed::Closed { answered }),
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(Failed::Io(err)),
            };
            answered = true;
            self.trace
                .step(format_args!("TLS: received {n} bytes of handshake"));
            let processed = self.conn.process_new_packets();
            if !chose && self.conn.protocol_version().is_some() {
                chose = true;
                let who = match self.peer {
                    Peer::Server => "the server chose",
                    Peer::Client => "agreed on",
                };
                self.trace
                    .step(format_args!("TLS: {who} {}", summary::session(&self.conn)));
            }
            if let Err(err) = processed {
                // the alert that tells the peer why
                let _ = self.conn.write_tls(&mut self.tcp);
                return Err(Failed::Tls {
                    err,
                    spoke_tls: chose,
                    sent,
                });
            }
        }
        let _ = self.tcp.set_read_timeout(None);
        let _ = self.tcp.set_write_timeout(None);
        self.trace.step(format_args!(
            "TLS: handshake complete in {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        ));
        Ok(())
    }

    /// The peer's first bytes, quoted, when they are a line of text: what a server that does
    /// not speak TLS said instead (`"HTTP/1.1 400 Bad Request"`, an SSH banner). It waits
    /// for them as the read after it would.
    fn first_line(&self) -> Option<String> {
        let mut head = [0u8; 80];
        let n = self.tcp.peek(&mut head).ok()?;
        let head = &head[..n];
        let end = head
            .iter()
            .position(|&b| b == b'\r' || b == b'\n')
            .unwrap_or(head.len());
        let line = &head[..end];
        let text = line.len() >= 3 && line.iter().all(|b| b.is_ascii_graphic() || *b == b' ');
        text.then(|| format!("\"{}\"", String::from_utf8_lossy(line)))
    }

    fn session(&self) -> Session {
        let certificate = self
            .conn
            .peer_certificates()
            .and_then(|chain| chain.first())
            .and_then(summary::Certificate::parse);
        if let Some(der) = self.conn.peer_certificates().and_then(|c| c.first()) {
            self.trace.step(format_args!(
                "TLS: the {}'s certificate has SHA-256 fingerprint {}",
                self.peer,
                summary::fingerprint(der)
            ));
        }
        Session {
            line: summary::session(&self.conn),
            certificate,
        }
    }

    /// Looks again at what rustls holds, after a read took some of it.
    fn refresh(&mut self) {
        self.pending = match self.conn.process_new_packets() {
            Ok(state) => state.plaintext_bytes_to_read() > 0 || state.peer_has_closed(),
            // the next `receive` reports it
            Err(_) => true,
        };
    }

    fn ended(&self, err: rustls::Error) -> io::Error {
        io::Error::new(
            io::ErrorKind::InvalidData,
            Ended(verify::words(&err, self.peer, true)),
        )
    }
}

impl AsFd for TlsStream {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.tcp.as_fd()
    }
}

impl Stream for TlsStream {
    fn set_nonblocking(&self) -> io::Result<()> {
        self.tcp.set_nonblocking(true)
    }

    /// Plaintext first, then what the socket has. close_notify is the end of data; so is a
    /// bare FIN (many servers skip close_notify), which the trace points out.
    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.conn.reader().read(buf) {
                Ok(0) => {
                    self.pending = false;
                    self.trace.step(format_args!(
                        "TLS: close_notify received from the {}",
                        self.peer
                    ));
                    return Ok(0);
                }
                Ok(n) => {
                    self.refresh();
                    return Ok(n);
                }
                Err(err) if err.kind() == io::ErrorKind::UnexpectedEof => {
                    self.pending = false;
                    self.trace.step(format_args!(
                        "TLS: the {} closed the connection without close_notify",
                        self.peer
                    ));
                    return Ok(0);
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {}
                Err(err) => return Err(err),
            }
            self.pending = false;
            // Ok(0), the FIN, shows in the reader on the next turn
            self.conn.read_tls(&mut self.tcp)?;
            if let Err(err) = self.conn.process_new_packets() {
                let _ = self.conn.write_tls(&mut self.tcp);
                return Err(self.ended(err));
            }
        }
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<usize> {
        match self.conn.writer().write(bytes)? {
            // rustls holds its limit of records (64 KiB): they go out first
            0 if !bytes.is_empty() => Err(io::ErrorKind::WouldBlock.into()),
            n => Ok(n),
        }
    }

    fn shut_write(&mut self) -> io::Result<()> {
        self.conn.send_close_notify();
        self.closing = true;
        self.trace.step("TLS: close_notify sent");
        match self.flush() {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => Ok(()),
            other => other,
        }
    }

    fn wants_flush(&self) -> bool {
        self.conn.wants_write() || (self.closing && !self.fin_sent)
    }

    fn flush(&mut self) -> io::Result<()> {
        while self.conn.wants_write() {
            self.conn.write_tls(&mut self.tcp)?;
        }
        if self.closing && !self.fin_sent {
            self.tcp.shutdown(Shutdown::Write)?;
            self.fin_sent = true;
        }
        Ok(())
    }

    fn buffered(&self) -> bool {
        self.pending
    }

    fn unacknowledged(&self) -> io::Result<usize> {
        Stream::unacknowledged(&self.tcp)
    }
}
