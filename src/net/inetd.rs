//! `--inetd`: one conversation on the socket inetd hands over as stdin and stdout, or, for a
//! datagram service (`wait`), the datagrams on the socket it hands over.

use std::io::{self, Read, Write};
use std::net::UdpSocket;
use std::os::fd::AsFd;
use std::time::{Duration, Instant};

use super::serve::{self, Guard, Output, Service, Session};
use crate::error::{Error, Result};

/// How long a datagram service stays for more after the last datagram: inetd watches the
/// socket again only once the server has exited, and starting a process per datagram is slow.
pub const DATAGRAM_LINGER: Duration = Duration::from_secs(10);

/// Serves what inetd handed over: the datagrams on stdin when it is a datagram socket (or
/// `udp` says it must be one), otherwise one conversation on stdin and stdout, which ends at
/// the client's EOF, after `idle_timeout` without a byte from it, or at the first error.
///
/// A client that goes away or falls silent is no failure: there is nobody to tell, as stderr
/// may be the socket too. `udp` without a datagram socket is an error, unheard when stdin
/// is a client's connection.
pub fn serve<S: Service>(
    service: &S,
    udp: bool,
    udp_rate: u32,
    idle_timeout: Option<Duration>,
) -> Result<()> {
    let stdin = io::stdin();
    let kind = socket2::SockRef::from(&stdin).r#type().ok();
    let datagram = kind == Some(socket2::Type::DGRAM);
    if udp || datagram {
        if !datagram {
            let why = format!(
                "{} serve --inetd --udp: stdin is not a datagram socket",
                service.name()
            );
            // a stream socket on stdin is a client's connection: not the place for the line
            return Err(match kind {
                Some(_) => Error::Unheard(why),
                None => Error::Failed(why),
            });
        }
        let socket: UdpSocket = stdin
            .as_fd()
            .try_clone_to_owned()
            .map_err(|e| Error::io("cannot use stdin", e))?
            .into();
        let _ = datagrams(service, &socket, udp_rate, DATAGRAM_LINGER);
        return Ok(());
    }
    // stdin is the socket (or a pipe, where there is nothing to set)
    let _ = socket2::SockRef::from(&stdin).set_read_timeout(idle_timeout);
    let _ = converse(service, stdin.lock(), io::stdout().lock());
    Ok(())
}

/// Serves one conversation on blocking streams, with the service's session as the event loop
/// runs it; ends when the session closes, at the client's EOF when nothing more is owed, or at
/// the first error.
pub fn converse<S: Service>(
    service: &S,
    mut input: impl Read,
    mut output: impl Write,
) -> io::Result<()> {
    let mut backlog = serve::Backlog::default();
    let mut session = service.open(&mut Output::queue(&mut backlog));
    let mut buf = vec![0; 64 * 1024];
    let mut read_done = false;
    loop {
        if !backlog.bytes.is_empty() {
            // a blocking write: a client that does not read holds back the next read
            output.write_all(&backlog.bytes)?;
            output.flush()?;
            backlog.sent += backlog.bytes.len() as u64;
            backlog.bytes.clear();
        }
        if backlog.closing {
            return Ok(());
        }
        if session.wants_room() {
            session.writable(&mut buf, &mut Output::queue(&mut backlog));
            if !backlog.bytes.is_empty() {
                continue;
            }
        }
        if read_done {
            return Ok(());
        }
        match input.read(&mut buf) {
            Ok(0) => {
                read_done = true;
                session.fin(&mut Output::queue(&mut backlog));
            }
            Ok(n) => session.received(&buf[..n], &mut Output::queue(&mut backlog)),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// Answers the datagrams arriving on `socket` (the one inetd bound) until none has come for
/// `linger`; by the event loop's rules, through the same function: no answer to reflecting
/// ports, `rate` replies per address per second.
pub fn datagrams<S: Service>(
    service: &S,
    socket: &UdpSocket,
    rate: u32,
    linger: Duration,
) -> io::Result<()> {
    let guard = Guard::new(rate);
    socket.set_nonblocking(false)?;
    socket.set_read_timeout(Some(linger))?;
    let mut buf = vec![0; 64 * 1024];
    let mut scratch = Vec::new();
    loop {
        let (n, peer) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(err) if crate::error::timed_out(&err) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // an ICMP error from an earlier reply concerns no one now
            Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => continue,
            Err(err) => return Err(err),
        };
        let datagram = (&buf[..n], peer);
        serve::answer(
            service,
            &guard,
            socket,
            datagram,
            Instant::now(),
            &mut scratch,
        );
    }
}
