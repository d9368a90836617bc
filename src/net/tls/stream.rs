//! A TLS session as a `Stream` for the copy loop: rustls owns the socket's bytes, the loop
//! moves plaintext.

use std::fmt;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};

use rustls::Connection;

use super::handshake::Handshake;
use super::summary;
use super::verify::{self, Peer};
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
/// carried inside the `io::Error` the copy loop reports. `failure` reads it back out.
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

impl TlsStream {
    /// The session after a completed handshake on `tcp`.
    pub(super) fn new(handshake: Handshake, tcp: TcpStream) -> TlsStream {
        let _ = tcp.set_read_timeout(None);
        let _ = tcp.set_write_timeout(None);
        let mut stream = TlsStream {
            conn: handshake.conn,
            tcp,
            peer: handshake.peer,
            trace: handshake.trace,
            closing: false,
            fin_sent: false,
            pending: false,
        };
        // the handshake's last read may have brought data too (a client's first bytes with
        // its Finished): the socket will not say so again
        stream.refresh();
        stream
    }

    /// The summary of the session; the trace gets the certificate's fingerprint.
    pub(super) fn session(&self) -> Session {
        let leaf = self
            .conn
            .peer_certificates()
            .and_then(|chain| chain.first());
        if let Some(der) = leaf {
            self.trace.step(format_args!(
                "TLS: the {}'s certificate has SHA-256 fingerprint {}",
                self.peer,
                summary::fingerprint(der)
            ));
        }
        Session {
            line: summary::session(&self.conn),
            certificate: leaf.and_then(summary::Certificate::parse),
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
