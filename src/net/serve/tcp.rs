//! TCP connections on a loop: accepting within the limits, moving bytes between the socket and
//! the service's session, closing with the totals logged.
//!
//! A server that closes first (daytime, time) must not close a socket that still holds the
//! client's unread bytes, or arrives to more of them: the kernel answers those with a reset,
//! which the client sees instead of our FIN, and may lose the answer with. So a connection
//! that ends before its client's FIN lingers: the write half is shut (the client reads our FIN
//! after the answer), what the client still sends is read and dropped, and the socket is
//! closed at the client's FIN, or after [`LINGER`] at the latest (by the once-a-second sweep:
//! no timer per connection).

use std::io::{self, Read};
use std::net::{Shutdown, SocketAddr};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Interest, Token};

use super::{Backlog, Loop, Output, Service, Session};
use crate::{debug, info, warn};

/// Reads per connection per wake-up before others get their turn.
const BUDGET: usize = 16;
/// Connections accepted per listener per wake-up before the loop's clients get a turn.
const ACCEPT_BATCH: usize = 64;
/// How long a connection that ended before its client's FIN waits for it (2 to 3 s: the sweep
/// runs once a second).
pub const LINGER: Duration = Duration::from_secs(2);

/// One client's connection: its socket, its totals, and the service's session.
pub(super) struct Conn<T> {
    stream: TcpStream,
    peer: SocketAddr,
    since: Instant,
    pub(super) last: Instant,
    received: u64,
    backlog: Backlog,
    /// The client has shut down its side.
    read_done: bool,
    /// Since when the connection has been done on our side, waiting for the client's FIN.
    lingering: Option<Instant>,
    /// The index of the service it is a client of.
    service: usize,
    session: T,
}

impl<T> Conn<T> {
    /// The client's socket and address, and the session: what a paired session's call needs.
    pub(super) fn parts(&mut self) -> (&mut TcpStream, SocketAddr, &mut T) {
        (&mut self.stream, self.peer, &mut self.session)
    }
}

impl<S: Service> Loop<'_, S> {
    /// Accepts a batch from one listener; a loop must not spend a flood on accepting alone.
    pub(super) fn accept(&mut self, index: usize) {
        for _ in 0..ACCEPT_BATCH {
            let Some((listener, service)) = self.listeners.get(index) else {
                return;
            };
            let service = *service;
            match listener.accept() {
                Ok((stream, peer)) => self.admit(stream, super::canonical(peer), service),
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                // the client gave up while queued, and the like: on to the next
                Err(err)
                    if matches!(
                        err.raw_os_error(),
                        Some(
                            libc::ECONNABORTED
                                | libc::EPROTO
                                | libc::EPERM
                                | libc::EINTR
                                | libc::ENETDOWN
                        )
                    ) =>
                {
                    debug!(
                        self.services[service].name(),
                        "accept failed: {}",
                        crate::error::reason(&err)
                    );
                }
                Err(err) => {
                    // out of descriptors or memory, or worse: leave the queue and retry shortly
                    let pause = match err.raw_os_error() {
                        Some(libc::EMFILE | libc::ENFILE | libc::ENOBUFS | libc::ENOMEM) => 100,
                        _ => 1000,
                    };
                    self.accept_again = Some(self.now + Duration::from_millis(pause));
                    if self
                        .last_accept_warning
                        .is_none_or(|at| self.now.duration_since(at) >= Duration::from_secs(1))
                    {
                        self.last_accept_warning = Some(self.now);
                        warn!(
                            self.services[service].name(),
                            "cannot accept: {}",
                            crate::error::reason(&err)
                        );
                    }
                    return;
                }
            }
        }
        self.accept_again = Some(self.now);
    }

    fn admit(&mut self, mut stream: TcpStream, peer: SocketAddr, service: usize) {
        let name = self.services[service].name();
        if let Err(refusal) = self.shared.admission.admit(peer.ip()) {
            if let Some(line) = self.shared.admission.warning(peer, refusal, self.now) {
                warn!(name, "{line}");
            }
            return; // dropping the stream closes it
        }
        info!(name, "accepted {peer}");
        let mut backlog = Backlog::default();
        let mut out = Output::to(&mut stream, &mut backlog);
        // a greeting that fits in the socket buffer is written here, with no loop round
        let session = self.services[service].open(&mut out);
        let error = out.error();
        let mut conn = Conn {
            stream,
            peer,
            since: self.now,
            last: self.now,
            received: 0,
            backlog,
            read_done: false,
            lingering: None,
            service,
            session,
        };
        if let Some(err) = error {
            return self.finish(conn, &failure(&err));
        }
        // a session that closed at once (daytime) is watched too, while it lingers
        let entry = self.conns.vacant_entry();
        let token = entry.key();
        if let Err(err) = self.poll.registry().register(
            &mut conn.stream,
            Token(token),
            Interest::READABLE | Interest::WRITABLE,
        ) {
            warn!(name, "cannot watch {peer}: {}", crate::error::reason(&err));
            self.shared.admission.release(peer.ip());
            return;
        }
        entry.insert(conn);
        if S::Session::PAIRED {
            return self.pump(token, super::Wake::default());
        }
        // anything already queued is also reported by the registration, FIN included
        self.drive(token, false);
    }

    /// Moves data for one connection until the kernel says wait, or its budget is spent.
    ///
    /// A short read means the socket was emptied, and epoll reports the next arrival, so the
    /// read that would only say "would block" is skipped unless `to_end`: a FIN that came
    /// with the data is not reported again and must be read now.
    pub(super) fn drive(&mut self, token: usize, to_end: bool) {
        let Some(conn) = self.conns.get_mut(token) else {
            return;
        };
        // any event counts as activity: a client draining a long echo is not idle
        conn.last = self.now;
        if conn.lingering.is_some() {
            return self.discard(token);
        }
        let mut readable = !conn.read_done;
        for _ in 0..BUDGET {
            if !conn.backlog.bytes.is_empty() {
                match conn.backlog.flush(&mut conn.stream) {
                    Ok(true) => {}
                    Ok(false) => return, // the kernel is full: wait for writable
                    Err(err) => return self.fail(token, &err),
                }
            }
            if conn.backlog.closing {
                return self.end(token);
            }
            let mut produced = false;
            if conn.session.wants_room() {
                let sent = conn.backlog.sent;
                let mut out = Output::to(&mut conn.stream, &mut conn.backlog);
                conn.session.writable(&mut self.buf, &mut out);
                if let Some(err) = out.error() {
                    return self.fail(token, &err);
                }
                produced = conn.backlog.sent != sent || !conn.backlog.bytes.is_empty();
            }
            if !readable {
                if produced {
                    continue;
                }
                return;
            }
            match conn.stream.read(&mut self.buf) {
                Ok(0) => {
                    // the client is done; the session says what is still owed
                    conn.read_done = true;
                    readable = false;
                    let mut out = Output::to(&mut conn.stream, &mut conn.backlog);
                    conn.session.fin(&mut out);
                    if let Some(err) = out.error() {
                        return self.fail(token, &err);
                    }
                }
                Ok(n) => {
                    conn.received += n as u64;
                    let mut out = Output::to(&mut conn.stream, &mut conn.backlog);
                    conn.session.received(&self.buf[..n], &mut out);
                    if let Some(err) = out.error() {
                        return self.fail(token, &err);
                    }
                    if n < self.buf.len() && !to_end {
                        readable = false;
                        let owed = !conn.backlog.bytes.is_empty() || conn.backlog.closing;
                        if !owed && !produced && !conn.session.wants_room() {
                            return;
                        }
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => readable = false,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return self.fail(token, &err),
            }
        }
        self.again.push(token);
    }

    /// Everything owed is written and the session is done: close at once after the client's
    /// FIN, otherwise linger until it comes.
    fn end(&mut self, token: usize) {
        let Some(conn) = self.conns.get_mut(token) else {
            return;
        };
        if conn.read_done {
            return self.close(token, "");
        }
        if let Err(err) = conn.stream.shutdown(Shutdown::Write) {
            return self.fail(token, &err);
        }
        conn.lingering = Some(self.now);
        self.discard(token);
    }

    /// Reads and drops what a lingering connection's client sends; closes at its FIN.
    fn discard(&mut self, token: usize) {
        let Some(conn) = self.conns.get_mut(token) else {
            return;
        };
        for _ in 0..BUDGET {
            match conn.stream.read(&mut self.buf) {
                Ok(0) => return self.close(token, ""),
                Ok(n) => conn.received += n as u64,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                // the conversation was over: a client that resets now has all it wanted
                Err(_) => return self.close(token, ""),
            }
        }
        self.again.push(token);
    }

    /// Whether a connection other than a lingering one is open: a stopping loop waits for
    /// those alone.
    pub(super) fn busy(&self) -> bool {
        self.conns.iter().any(|(_, c)| c.lingering.is_none())
    }

    fn fail(&mut self, token: usize, err: &io::Error) {
        self.close(token, &failure(err));
    }

    pub(super) fn close(&mut self, token: usize, why: &str) {
        if let Some(conn) = self.conns.try_remove(token) {
            self.finish(conn, why);
        }
    }

    /// Closes the socket (dropping it deregisters it) and logs the connection's totals.
    fn finish(&mut self, conn: Conn<S::Session>, why: &str) {
        self.shared.admission.release(conn.peer.ip());
        let secs = self.now.duration_since(conn.since).as_secs_f64();
        if let Some(words) = conn.session.closed(why, secs) {
            let name = self.services[conn.service].name();
            return info!(name, "closed {} ({words})", conn.peer);
        }
        let comma = if why.is_empty() { "" } else { ", " };
        info!(
            self.services[conn.service].name(),
            "closed {} ({} bytes in, {} bytes out, {secs:.3} s{comma}{why})",
            conn.peer,
            conn.received,
            conn.backlog.sent
        );
    }

    /// Closes the connections quiet for the idle timeout, and those that lingered for
    /// [`LINGER`].
    pub(super) fn sweep_idle(&mut self) {
        let idle = self.limits.idle_timeout;
        let now = self.now;
        let due: Vec<(usize, &str)> = self
            .conns
            .iter()
            .filter_map(|(t, c)| match c.lingering {
                Some(since) => (now.duration_since(since) >= LINGER).then_some((t, "")),
                None => idle
                    .is_some_and(|idle| now.duration_since(c.last) >= idle)
                    .then_some((t, "idle timeout")),
            })
            .collect();
        for (token, why) in due {
            self.close(token, why);
        }
    }
}

fn failure(err: &io::Error) -> String {
    format!("error: {}", crate::error::reason(err))
}
