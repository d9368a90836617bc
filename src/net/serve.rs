//! The server core: a fixed pool of event loops (mio), each with its own sockets.
//!
//! Each loop owns its connections; the only per-connection memory while a client is idle is
//! the small `Conn` record. Received bytes land in the loop's one buffer and are answered at
//! once; only what the kernel would not take waits in a per-connection backlog, and that
//! connection is not read again until the backlog is written (back-pressure).

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token, Waker};
use slab::Slab;

use super::admission::Admission;
use super::socket::Sockets;

use crate::{debug, info, warn};

/// What a service does with a connection; the core does all the socket work.
pub trait Service: Send + Sync {
    /// The service's name in log lines.
    fn name(&self) -> &'static str;
    /// Appends what to send as soon as a client connects; says whether to go on after it.
    fn greet(&self, out: &mut Vec<u8>) -> Next;
    /// The answer to bytes received (echo: the same bytes).
    fn reply<'a>(&self, input: &'a [u8]) -> &'a [u8];
    /// The answer to one datagram: the greeting, then the reply if the service converses.
    fn datagram(&self, input: &[u8], out: &mut Vec<u8>) {
        if self.greet(out) == Next::Converse {
            out.extend_from_slice(self.reply(input));
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Next {
    /// Close once the greeting is sent (daytime).
    Close,
    /// Keep reading and replying until the client closes (echo).
    Converse,
}

#[derive(Debug, Clone)]
pub struct Limits {
    pub max_connections: usize,
    pub max_per_source: usize,
    /// UDP replies per client address per second.
    pub udp_rate: u32,
    /// `None`: never close a quiet connection.
    pub idle_timeout: Option<Duration>,
    /// Open sessions get this long to finish after a stop request.
    pub grace: Duration,
}

/// One loop's read buffer: large enough for a burst, allocated once per loop.
pub const BUF_SIZE: usize = 64 * 1024;
/// Reads per connection per wake-up before others get their turn.
const BUDGET: usize = 16;
/// Connections accepted per listener per wake-up before the loop's clients get a turn.
const ACCEPT_BATCH: usize = 64;
/// Datagrams answered per socket per wake-up before the loop's clients get a turn.
const DATAGRAM_BATCH: usize = 256;
// tokens: connections below LISTENER_BASE, then listeners, then UDP sockets, then the waker
const WAKER: Token = Token(usize::MAX);
const LISTENER_BASE: usize = usize::MAX / 2;
const UDP_BASE: usize = usize::MAX / 4 * 3;

/// State every loop sees: the limits' counters, and the stop request.
struct Shared {
    admission: Admission,
    stopping: AtomicBool,
}

/// A running server's handle: ask it to stop from a signal thread or a test.
#[derive(Clone)]
pub struct Stopper {
    shared: Arc<Shared>,
    wakers: Arc<Mutex<Vec<Arc<Waker>>>>,
}

impl Stopper {
    pub fn stop(&self) {
        self.shared.stopping.store(true, Ordering::SeqCst);
        for waker in self.wakers.lock().unwrap_or_else(|e| e.into_inner()).iter() {
            let _ = waker.wake();
        }
    }
}

pub struct Server<S> {
    service: Arc<S>,
    limits: Limits,
    shared: Arc<Shared>,
    wakers: Arc<Mutex<Vec<Arc<Waker>>>>,
}

impl<S: Service + 'static> Server<S> {
    pub fn new(service: S, limits: Limits) -> Server<S> {
        let shared = Shared {
            admission: Admission::new(
                limits.max_connections,
                limits.max_per_source,
                limits.udp_rate,
            ),
            stopping: AtomicBool::new(false),
        };
        Server {
            service: Arc::new(service),
            limits,
            shared: Arc::new(shared),
            wakers: Arc::default(),
        }
    }

    pub fn stopper(&self) -> Stopper {
        Stopper {
            shared: self.shared.clone(),
            wakers: self.wakers.clone(),
        }
    }

    /// Serves each set of sockets on a loop (thread) of its own until stopped.
    ///
    /// The sockets are closed when the loops stop, so that a stopping server refuses new
    /// connections instead of leaving them queued. When one loop fails, all stop.
    pub fn run(&self, sets: Vec<Sockets>) -> io::Result<()> {
        let mut prepared = Vec::new();
        for set in sets {
            let poll = Poll::new()?;
            let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
            self.wakers
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .push(waker);
            let mut listeners = Vec::new();
            for (i, listener) in set.tcp.into_iter().enumerate() {
                listener.set_nonblocking(true)?;
                // a reply never waits on the client's delayed ACK; accepted sockets inherit
                // the option (Linux, BSD), so it is set once here, not once per connection
                socket2::SockRef::from(&listener).set_tcp_nodelay(true)?;
                let mut listener = mio::net::TcpListener::from_std(listener);
                poll.registry().register(
                    &mut listener,
                    Token(LISTENER_BASE + i),
                    Interest::READABLE,
                )?;
                listeners.push(listener);
            }
            let mut udp = Vec::new();
            for (i, socket) in set.udp.into_iter().enumerate() {
                socket.set_nonblocking(true)?;
                let mut socket = mio::net::UdpSocket::from_std(socket);
                poll.registry()
                    .register(&mut socket, Token(UDP_BASE + i), Interest::READABLE)?;
                udp.push(socket);
            }
            prepared.push((poll, listeners, udp));
        }
        // a stop that came before the wakers existed must not be missed
        if self.shared.stopping.load(Ordering::SeqCst) {
            self.stopper().stop();
        }
        std::thread::scope(|scope| {
            let handles: Vec<_> = prepared
                .into_iter()
                .map(|(poll, listeners, udp)| {
                    let mut event_loop = Loop::new(self, poll, listeners, udp);
                    let stop_all = StopOnExit(self.stopper());
                    std::thread::Builder::new()
                        .name("loop".into())
                        .spawn_scoped(scope, move || {
                            let _stop_all = stop_all;
                            event_loop.run()
                        })
                })
                .collect();
            // a loop that cannot start stops the others (its StopOnExit is dropped with it)
            let results: Vec<io::Result<()>> = handles
                .into_iter()
                .map(|h| {
                    h?.join()
                        .unwrap_or_else(|_| Err(io::Error::other("an event loop panicked")))
                })
                .collect();
            results.into_iter().collect()
        })
    }
}

/// Stops every loop when one ends, by error or panic included.
struct StopOnExit(Stopper);

impl Drop for StopOnExit {
    fn drop(&mut self) {
        self.0.stop();
    }
}

struct Conn {
    stream: TcpStream,
    peer: SocketAddr,
    since: Instant,
    last: Instant,
    received: u64,
    sent: u64,
    /// Bytes the kernel has not taken yet; empty (unallocated) almost always.
    backlog: Vec<u8>,
    /// The greeting is the whole conversation, or the client has shut down its side.
    closing: bool,
}

struct Loop<'s, S> {
    service: &'s S,
    limits: &'s Limits,
    shared: &'s Shared,
    poll: Poll,
    listeners: Vec<mio::net::TcpListener>,
    udp: Vec<mio::net::UdpSocket>,
    /// UDP sockets that used up their batch with datagrams still waiting.
    udp_again: Vec<usize>,
    /// When to read the UDP sockets again after a receive error.
    udp_retry: Option<Instant>,
    /// One datagram's answer, reused.
    answer: Vec<u8>,
    conns: Slab<Conn>,
    buf: Box<[u8]>,
    /// Connections that used up their budget with data still waiting.
    again: Vec<usize>,
    now: Instant,
    /// When to accept again without a new event: after a full batch (at once), or after
    /// running out of descriptors (shortly).
    accept_again: Option<Instant>,
    last_accept_warning: Option<Instant>,
}

impl<'s, S: Service> Loop<'s, S> {
    fn new(
        server: &'s Server<S>,
        poll: Poll,
        listeners: Vec<mio::net::TcpListener>,
        udp: Vec<mio::net::UdpSocket>,
    ) -> Self {
        Loop {
            service: &server.service,
            limits: &server.limits,
            shared: &server.shared,
            poll,
            listeners,
            udp,
            udp_again: Vec::new(),
            udp_retry: None,
            answer: Vec::new(),
            conns: Slab::new(),
            buf: vec![0; BUF_SIZE].into_boxed_slice(),
            again: Vec::new(),
            now: Instant::now(),
            accept_again: None,
            last_accept_warning: None,
        }
    }

    fn run(&mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(1024);
        let mut next_sweep = self.now + Duration::from_secs(1);
        let mut stop_deadline = None;
        loop {
            let mut wake = next_sweep;
            if !self.again.is_empty() || !self.udp_again.is_empty() {
                wake = self.now;
            }
            wake = wake
                .min(self.accept_again.unwrap_or(wake))
                .min(self.udp_retry.unwrap_or(wake))
                .min(stop_deadline.unwrap_or(wake));
            let timeout = wake.saturating_duration_since(Instant::now());
            if let Err(err) = self.poll.poll(&mut events, Some(timeout)) {
                if err.kind() != io::ErrorKind::Interrupted {
                    return Err(err);
                }
            }
            self.now = Instant::now();
            for event in events.iter() {
                match event.token() {
                    WAKER => {}
                    Token(t) if t >= UDP_BASE => self.datagrams(t - UDP_BASE),
                    Token(t) if t >= LISTENER_BASE => self.accept(t - LISTENER_BASE),
                    // the peer's FIN or an error may sit behind the data: read to the end
                    Token(t) => self.drive(t, event.is_read_closed() || event.is_error()),
                }
            }
            for token in std::mem::take(&mut self.again) {
                self.drive(token, true);
            }
            for index in std::mem::take(&mut self.udp_again) {
                self.datagrams(index);
            }
            if self.udp_retry.is_some_and(|at| self.now >= at) {
                self.udp_retry = None;
                (0..self.udp.len()).for_each(|i| self.datagrams(i));
            }
            if self.accept_again.is_some_and(|at| self.now >= at) {
                self.accept_again = None;
                (0..self.listeners.len()).for_each(|i| self.accept(i));
            }
            if self.now >= next_sweep {
                next_sweep = self.now + Duration::from_secs(1);
                self.sweep_idle();
            }
            if self.shared.stopping.load(Ordering::Relaxed) {
                let deadline = *stop_deadline.get_or_insert_with(|| self.stop_accepting());
                if self.conns.is_empty() || self.now >= deadline {
                    let all: Vec<usize> = self.conns.iter().map(|(t, _)| t).collect();
                    all.into_iter()
                        .for_each(|t| self.close(t, "server stopping"));
                    return Ok(());
                }
            }
        }
    }

    fn stop_accepting(&mut self) -> Instant {
        for mut listener in self.listeners.drain(..) {
            let _ = self.poll.registry().deregister(&mut listener);
        }
        for mut socket in self.udp.drain(..) {
            let _ = self.poll.registry().deregister(&mut socket);
        }
        self.now + self.limits.grace
    }

    /// Accepts a batch from one listener; a loop must not spend a flood on accepting alone.
    fn accept(&mut self, index: usize) {
        for _ in 0..ACCEPT_BATCH {
            let Some(listener) = self.listeners.get(index) else {
                return;
            };
            match listener.accept() {
                Ok((stream, peer)) => self.admit(stream, peer),
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
                        self.service.name(),
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
                            self.service.name(),
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

    /// Answers a batch of datagrams from one UDP socket.
    fn datagrams(&mut self, index: usize) {
        for _ in 0..DATAGRAM_BATCH {
            let Some(socket) = self.udp.get(index) else {
                return;
            };
            let (n, peer) = match socket.recv_from(&mut self.buf) {
                Ok(got) => got,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                // an ICMP error from an earlier reply, and the like: it concerns no one now,
                // but what is queued behind it does; come back shortly rather than spin
                Err(err) => {
                    debug!(
                        self.service.name(),
                        "udp receive failed: {}",
                        crate::error::reason(&err)
                    );
                    self.udp_retry = Some(self.now + Duration::from_millis(10));
                    return;
                }
            };
            let name = self.service.name();
            if let Err(why) = self.shared.admission.udp_answer(peer, self.now) {
                debug!(name, "ignored a datagram from {peer}: {why}");
                continue;
            }
            self.answer.clear();
            self.service.datagram(&self.buf[..n], &mut self.answer);
            // UDP promises nothing: a reply the kernel will not take is dropped
            match socket.send_to(&self.answer, peer) {
                Ok(sent) => info!(
                    name,
                    "datagram from {peer} ({n} bytes in, {sent} bytes out)"
                ),
                Err(err) => debug!(name, "cannot answer {peer}: {}", crate::error::reason(&err)),
            }
        }
        self.udp_again.push(index);
    }

    fn admit(&mut self, stream: TcpStream, peer: SocketAddr) {
        let name = self.service.name();
        if let Err(refusal) = self.shared.admission.admit(peer.ip()) {
            if let Some(line) = self.shared.admission.warning(peer, refusal, self.now) {
                warn!(name, "{line}");
            }
            return; // dropping the stream closes it
        }
        info!(name, "accepted {peer}");
        let mut conn = Conn {
            stream,
            peer,
            since: self.now,
            last: self.now,
            received: 0,
            sent: 0,
            backlog: Vec::new(),
            closing: false,
        };
        conn.closing = self.service.greet(&mut conn.backlog) == Next::Close;
        // a greeting that fits in the socket buffer needs no event loop round (daytime)
        match flush(&mut conn) {
            Ok(true) if conn.closing => return self.finish(conn, ""),
            Ok(_) => {}
            Err(err) => return self.finish(conn, &failure(&err)),
        }
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
        // anything already queued is also reported by the registration, FIN included
        self.drive(token, false);
    }

    /// Moves data for one connection until the kernel says wait, or its budget is spent.
    ///
    /// A short read means the socket was emptied, and epoll reports the next arrival, so the
    /// read that would only say "would block" is skipped unless `to_end`: a FIN that came
    /// with the data is not reported again and must be read now.
    fn drive(&mut self, token: usize, to_end: bool) {
        let Some(conn) = self.conns.get_mut(token) else {
            return;
        };
        // any event counts as activity: a client draining a long echo is not idle
        conn.last = self.now;
        for _ in 0..BUDGET {
            if !conn.backlog.is_empty() {
                match flush(conn) {
                    Ok(true) => {}
                    Ok(false) => return, // the kernel is full: wait for writable
                    Err(err) => return self.fail(token, &err),
                }
            }
            if conn.closing {
                return self.close(token, "");
            }
            match conn.stream.read(&mut self.buf) {
                Ok(0) => conn.closing = true, // the client is done; finish what is owed
                Ok(n) => {
                    conn.received += n as u64;
                    let reply = self.service.reply(&self.buf[..n]);
                    if let Err(err) = send(conn, reply) {
                        return self.fail(token, &err);
                    }
                    if n < self.buf.len() && conn.backlog.is_empty() && !to_end {
                        return;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return self.fail(token, &err),
            }
        }
        self.again.push(token);
    }

    fn fail(&mut self, token: usize, err: &io::Error) {
        self.close(token, &failure(err));
    }

    fn close(&mut self, token: usize, why: &str) {
        if let Some(conn) = self.conns.try_remove(token) {
            self.finish(conn, why);
        }
    }

    /// Closes the socket (dropping it deregisters it) and logs the connection's totals.
    fn finish(&mut self, conn: Conn, why: &str) {
        self.shared.admission.release(conn.peer.ip());
        let secs = self.now.duration_since(conn.since).as_secs_f64();
        let comma = if why.is_empty() { "" } else { ", " };
        info!(
            self.service.name(),
            "closed {} ({} bytes in, {} bytes out, {secs:.3} s{comma}{why})",
            conn.peer,
            conn.received,
            conn.sent
        );
    }

    fn sweep_idle(&mut self) {
        let Some(idle) = self.limits.idle_timeout else {
            return;
        };
        let now = self.now;
        let quiet: Vec<usize> = self
            .conns
            .iter()
            .filter(|(_, c)| now.duration_since(c.last) >= idle)
            .map(|(t, _)| t)
            .collect();
        for token in quiet {
            self.close(token, "idle timeout");
        }
    }
}

fn failure(err: &io::Error) -> String {
    format!("error: {}", crate::error::reason(err))
}

/// Writes `data`, keeping what the kernel does not take in the connection's backlog.
fn send(conn: &mut Conn, data: &[u8]) -> io::Result<()> {
    let mut done = 0;
    while done < data.len() {
        match conn.stream.write(&data[done..]) {
            Ok(n) => done += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    conn.sent += done as u64;
    conn.backlog.extend_from_slice(&data[done..]);
    Ok(())
}

/// Writes the backlog; `true` once it is empty (and its memory returned).
fn flush(conn: &mut Conn) -> io::Result<bool> {
    let pending = std::mem::take(&mut conn.backlog);
    let result = send(conn, &pending);
    // `send` put back only the unwritten tail
    result.map(|()| conn.backlog.is_empty())
}
