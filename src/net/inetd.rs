//! `--inetd`: one conversation on the socket inetd hands over as stdin and stdout, or, for a
//! datagram service (`wait`), the datagrams on the socket it hands over.

use std::io::{self, Read, Write};
use std::net::UdpSocket;
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use super::poll::{self, Watch};
use super::serve::{self, Guard, Output, Service, Session};
use crate::error::{Error, Result};

/// How long a datagram service stays for more after the last datagram: inetd watches the
/// socket again only once the server has exited, and starting a process per datagram is slow.
pub const DATAGRAM_LINGER: Duration = Duration::from_secs(10);

/// Serves what inetd handed over: the datagrams on stdin when it is a datagram socket (or
/// `udp` says it must be one), otherwise one conversation on stdin and stdout, which ends at
/// the client's EOF, after `idle_timeout` in which no byte came from it or could be written
/// to it (a client that sends without reading), or at the first error.
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
    let stdout = io::stdout();
    let socket = socket2::SockRef::from(&stdout).r#type().is_ok();
    if !socket {
        // a pipe or a file (a test, a shell): nobody to wait for but the reader
        let _ = converse(service, stdin.lock(), stdout.lock());
        return Ok(());
    }
    let patient = Patient::new(stdout.as_fd(), idle_timeout);
    if let Ok(true) = converse(service, stdin.lock(), patient) {
        linger(&stdin);
    }
    Ok(())
}

/// The event loop's careful close, for a conversation the server ended before the client's
/// FIN (daytime): our side shut, what the client still sends read and dropped until its FIN,
/// [`serve::LINGER`] at most, so that closing sends no reset that could cost it the answer.
fn linger(stdin: &io::Stdin) {
    let socket = socket2::SockRef::from(stdin);
    if socket.shutdown(std::net::Shutdown::Write).is_err() {
        return;
    }
    let deadline = Instant::now() + serve::LINGER;
    let mut input = stdin.lock();
    let mut buf = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || socket.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match input.read(&mut buf) {
            Ok(1..) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Ok(0) | Err(_) => return,
        }
    }
}

/// A socket written without blocking for longer than `idle` at a time: a write that the
/// client lets make no progress for that long fails with `TimedOut`. Neither SO_SNDTIMEO
/// (which bounds each call, progress or not, so a stall can take twice as long) nor
/// O_NONBLOCK (which stdin, the same open socket, would share) does that.
struct Patient<'a> {
    fd: BorrowedFd<'a>,
    idle: Option<Duration>,
}

impl<'a> Patient<'a> {
    fn new(fd: BorrowedFd<'a>, idle: Option<Duration>) -> Self {
        Patient { fd, idle }
    }

    /// Waits until the socket takes more, `idle` at most.
    fn wait(&self) -> io::Result<()> {
        let deadline = self.idle.map(|idle| Instant::now() + idle);
        loop {
            let left = deadline.map(|at| at.saturating_duration_since(Instant::now()));
            let watch = Watch {
                fd: self.fd,
                read: false,
                write: true,
            };
            let [ready] = poll::wait([Some(watch)], left)?;
            // readiness or an error: the next send says which
            if ready.write || ready.trouble {
                return Ok(());
            }
            if deadline.is_some_and(|at| Instant::now() >= at) {
                return Err(io::ErrorKind::TimedOut.into());
            }
        }
    }
}

impl Write for Patient<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match socket2::SockRef::from(&self.fd).send_with_flags(buf, libc::MSG_DONTWAIT) {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => self.wait()?,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                result => return result,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Serves one conversation on blocking streams, with the service's session as the event loop
/// runs it; ends when the session closes, at the client's EOF when nothing more is owed, or at
/// the first error. `true` when the session closed before the client's EOF.
pub fn converse<S: Service>(
    service: &S,
    mut input: impl Read,
    mut output: impl Write,
) -> io::Result<bool> {
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
            return Ok(!read_done);
        }
        if session.wants_room() {
            session.writable(&mut buf, &mut Output::queue(&mut backlog));
            if !backlog.bytes.is_empty() {
                continue;
            }
        }
        if read_done {
            return Ok(false);
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
/// ports, to our own address or to a loop, `rate` replies per address per second.
pub fn datagrams<S: Service>(
    service: &S,
    socket: &UdpSocket,
    rate: u32,
    linger: Duration,
) -> io::Result<()> {
    let guard = Guard::new(rate);
    guard.serve_on(socket.local_addr()?.port());
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
