//! TLS over a connected TCP socket (rustls): the handshake, and the session as a `Stream` for
//! the copy loop.
//!
//! `config` builds the rustls configurations, `handshake` runs the handshake on a blocking or
//! a non-blocking socket, `stream` is the session afterwards, `verify` checks certificates and
//! puts failures in words, `summary` writes the lines a person reads, `starttls` speaks the
//! plaintext upgrade first.

pub mod config;
mod handshake;
pub mod starttls;
mod stream;
pub mod summary;
pub mod verify;

use std::io;
use std::net::TcpStream;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

use rustls::{ClientConnection, Connection, ServerConnection};

pub use config::{Client, ClientSettings, Server};
pub use handshake::{Failed, Handshake};
pub use stream::{failure, Session, TlsStream};
use verify::{Checker, Peer};

use crate::error::{Error, Result};
use crate::net::poll::{self, Watch};
use crate::net::stream::Deadline;
use crate::net::trace::Trace;

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
        let deadline = Deadline::after(wait);
        if let Some(protocol) = self.starttls {
            starttls::upgrade(&mut tcp, protocol, deadline, trace).map_err(|err| match err {
                Ok(reason) => tls_failed(addr, reason),
                Err(err) => io_failure(err, addr, Peer::Server),
            })?;
        }
        let handshake = self
            .start(trace)
            .map_err(|reason| tls_failed(addr, reason))?;
        let checker = Some(&*self.checker);
        complete(handshake, tcp, deadline, None, addr, Peer::Server, checker)
    }

    /// A client handshake, its ClientHello still to be sent; for a caller with its own
    /// socket loop (probe). A failure is in words.
    pub fn start(&self, trace: Trace) -> std::result::Result<Handshake, String> {
        let conn = ClientConnection::new(self.config.clone(), self.name.clone())
            .map_err(|e| verify::words(&e, Peer::Server, false))?;
        trace.step(format_args!("TLS: sending {}", self.hello));
        Ok(Handshake::new(
            Connection::Client(conn),
            Peer::Server,
            trace,
        ))
    }

    /// The plaintext upgrade this client speaks first, if any.
    pub fn starttls(&self) -> Option<starttls::Protocol> {
        self.starttls
    }

    /// Why a handshake of this client failed, in words; a socket error as it came (a
    /// timeout is for the caller to word).
    pub fn reason(&self, failed: Failed) -> std::result::Result<String, io::Error> {
        failed.reason(Peer::Server, Some(&self.checker))
    }
}

impl Server {
    /// The server side of the handshake on an accepted connection; `addr` is the client's.
    /// `wait` bounds the whole handshake (a timeout is exit 5), and `stop` (a listener's
    /// signals) ends it early: `Error::Stopped` once it is readable.
    pub fn accept(
        &self,
        tcp: TcpStream,
        addr: &str,
        wait: Option<Duration>,
        stop: Option<BorrowedFd<'_>>,
        trace: Trace,
    ) -> Result<(TlsStream, Session)> {
        let deadline = Deadline::after(wait);
        let conn = ServerConnection::new(self.config.clone())
            .map_err(|e| tls_failed(addr, verify::words(&e, Peer::Client, false)))?;
        trace.step("TLS: waiting for the ClientHello");
        let handshake = Handshake::new(Connection::Server(conn), Peer::Client, trace);
        complete(handshake, tcp, deadline, stop, addr, Peer::Client, None)
    }
}

/// Runs `handshake` to its end on `tcp` and hands back the session, or `Error::Stopped`
/// once `stop` is readable; a failure is put in words for `peer`, a refused certificate by
/// `checker` (a client's checks of the server).
fn complete(
    mut handshake: Handshake,
    mut tcp: TcpStream,
    deadline: Deadline,
    stop: Option<BorrowedFd<'_>>,
    addr: &str,
    peer: Peer,
    checker: Option<&Checker>,
) -> Result<(TlsStream, Session)> {
    let finished = match stop {
        Some(stop) => finish_unless(&mut handshake, &mut tcp, deadline, stop),
        None => finish(&mut handshake, &mut tcp, deadline).map(|()| true),
    };
    let finished = finished.map_err(|failed| match failed.reason(peer, checker) {
        Ok(reason) => tls_failed(addr, reason),
        Err(err) => io_failure(err, addr, peer),
    })?;
    if !finished {
        return Err(Error::Stopped);
    }
    let stream = TlsStream::new(handshake, tcp);
    let session = stream.session();
    Ok((stream, session))
}

/// `TLS with ADDR failed: REASON` (exit 6).
fn tls_failed(addr: &str, reason: String) -> Error {
    Error::Tls {
        addr: addr.to_string(),
        reason,
    }
}

/// The handshake on `tcp` made non-blocking, waiting on it and on `stop` together until
/// `deadline`: false when `stop` became readable first. `tcp` is blocking again afterwards.
fn finish_unless(
    handshake: &mut Handshake,
    tcp: &mut TcpStream,
    deadline: Deadline,
    stop: BorrowedFd<'_>,
) -> std::result::Result<bool, Failed> {
    tcp.set_nonblocking(true).map_err(Failed::Io)?;
    while !handshake.advance(tcp)? {
        // TimedOut once the deadline has passed
        deadline.arm(tcp).map_err(Failed::Io)?;
        let socket = Watch {
            fd: tcp.as_fd(),
            read: true,
            write: handshake.wants_write(),
        };
        let stop = Watch {
            fd: stop,
            read: true,
            write: false,
        };
        let [_, stopped] =
            poll::wait([Some(socket), Some(stop)], deadline.left()).map_err(Failed::Io)?;
        if stopped.read || stopped.trouble {
            return Ok(false);
        }
    }
    tcp.set_nonblocking(false).map_err(Failed::Io)?;
    Ok(true)
}

/// The handshake on a blocking socket, each read and write bounded by `deadline`.
fn finish(
    handshake: &mut Handshake,
    tcp: &mut TcpStream,
    deadline: Deadline,
) -> std::result::Result<(), Failed> {
    loop {
        deadline.arm(tcp).map_err(Failed::Io)?;
        // a blocking socket stops short only when its timeout ran out; the next turn says so
        if handshake.advance(tcp)? {
            return Ok(());
        }
    }
}

/// A socket failure during STARTTLS or the handshake: a timeout keeps exit 5, a reset is a
/// TLS failure, anything else an I/O error.
fn io_failure(err: io::Error, addr: &str, peer: Peer) -> Error {
    let what = format!("TLS with {addr} failed");
    match err.kind() {
        io::ErrorKind::ConnectionReset | io::ErrorKind::BrokenPipe => tls_failed(
            addr,
            format!("the {peer} reset the connection during the handshake"),
        ),
        _ if crate::error::timed_out(&err) => Error::io(what, io::ErrorKind::TimedOut.into()),
        _ => Error::io(what, err),
    }
}
