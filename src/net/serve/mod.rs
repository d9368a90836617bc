//! The server core: the interface a service implements, and the event loops that run it.
//!
//! A fixed pool of loops (mio), each with its own sockets, serves until the stop handle is
//! used. Each loop owns its connections; while a client is idle, a connection costs its small
//! record and the service's session. Received bytes land in the loop's one buffer and are
//! answered at once; only what the kernel would not take waits in a per-connection backlog,
//! and that connection is neither read nor asked for more until the backlog is written
//! (back-pressure).
//!
//! A service is a short file in `src/service/`: its name, a session per connection with a
//! call for each thing that happens on it (bytes in, room to write, the client's FIN), and the
//! answer to a datagram. A service with a second socket per connection (relay) keeps that
//! socket in its session; registering it with the loop under the connection's token, with a
//! call for its events, is the step that service adds here.

mod admission;
pub mod bind;
mod datagram;
mod guard;
mod service;
mod tcp;

use std::io;
use std::net::UdpSocket;
use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use mio::unix::SourceFd;
use mio::{Events, Interest, Poll, Token, Waker};
use slab::Slab;

use super::socket::Sockets;
// applied where a peer's address is taken (accept, recv_from), so every line shows it so
// and the limits and the guard count an IPv4 client of a dual-stack socket as IPv4
pub(crate) use crate::net::addr::canonical;
use admission::Admission;

pub use datagram::answer;
pub use guard::{Guard, REFLECTORS};
pub(crate) use service::Backlog;
pub use service::{Output, Service, Session};
pub use tcp::LINGER;

#[derive(Debug, Clone)]
pub struct Limits {
    /// TCP connections open at once, in all.
    pub max_connections: usize,
    /// TCP connections open at once from one client address; 0 for no limit.
    pub max_per_source: usize,
    /// UDP replies per client address per second.
    pub udp_rate: u32,
    /// `None`: never close a quiet connection.
    pub idle_timeout: Option<Duration>,
    /// Open sessions get this long to finish after a stop request.
    pub grace: Duration,
}

/// A service and the sockets it is reached on, one set per event loop.
pub struct Site<S> {
    pub service: S,
    pub sockets: Vec<Sockets>,
}

/// One loop's read buffer: large enough for a burst, allocated once per loop.
pub const BUF_SIZE: usize = 64 * 1024;
// tokens: connections below LISTENER_BASE, then listeners, then UDP sockets, then the waker
const WAKER: Token = Token(usize::MAX);
const LISTENER_BASE: usize = usize::MAX / 2;
const UDP_BASE: usize = usize::MAX / 4 * 3;

/// State every loop sees: the limits' counters, the UDP guard, and the stop request.
struct Shared {
    admission: Admission,
    guard: Guard,
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

pub struct Server {
    limits: Limits,
    shared: Arc<Shared>,
    wakers: Arc<Mutex<Vec<Arc<Waker>>>>,
}

impl Server {
    pub fn new(limits: Limits) -> Server {
        let shared = Shared {
            admission: Admission::new(limits.max_connections, limits.max_per_source),
            guard: Guard::new(limits.udp_rate),
            stopping: AtomicBool::new(false),
        };
        Server {
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

    /// Serves every site until stopped: loop `i` (a thread of its own) serves set `i` of each
    /// site's sockets, so one set of loops serves all the services.
    ///
    /// The sockets are closed when the loops stop, so that a stopping server refuses new
    /// connections instead of leaving them queued. When one loop fails, all stop.
    pub fn run<S: Service>(&self, sites: Vec<Site<S>>) -> io::Result<()> {
        let mut services = Vec::with_capacity(sites.len());
        let mut sets: Vec<Vec<(Sockets, usize)>> = Vec::new();
        for (index, site) in sites.into_iter().enumerate() {
            services.push(site.service);
            for (i, set) in site.sockets.into_iter().enumerate() {
                if sets.len() <= i {
                    sets.push(Vec::new());
                }
                sets[i].push((set, index));
            }
        }
        let mut prepared = Vec::new();
        for set in sets {
            prepared.push(self.prepare(set)?);
        }
        // a stop that came before the wakers existed must not be missed
        if self.shared.stopping.load(Ordering::SeqCst) {
            self.stopper().stop();
        }
        let services = &services[..];
        std::thread::scope(|scope| {
            let handles: Vec<_> = prepared
                .into_iter()
                .map(|sockets| {
                    let stop_all = StopOnExit(self.stopper());
                    std::thread::Builder::new()
                        .name("loop".into())
                        .spawn_scoped(scope, move || {
                            let _stop_all = stop_all;
                            Loop::new(self, services, sockets).run()
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

    /// One loop's poll with its sockets registered, each tagged with its service's index.
    fn prepare(&self, set: Vec<(Sockets, usize)>) -> io::Result<Prepared> {
        let poll = Poll::new()?;
        let waker = Arc::new(Waker::new(poll.registry(), WAKER)?);
        self.wakers
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .push(waker);
        let mut listeners = Vec::new();
        let mut udp = Vec::new();
        for (sockets, service) in set {
            for listener in sockets.tcp {
                listener.set_nonblocking(true)?;
                // a reply never waits on the client's delayed ACK; accepted sockets inherit
                // the option (Linux, BSD), so it is set once here, not once per connection
                socket2::SockRef::from(&listener).set_tcp_nodelay(true)?;
                let mut listener = mio::net::TcpListener::from_std(listener);
                let token = Token(LISTENER_BASE + listeners.len());
                poll.registry()
                    .register(&mut listener, token, Interest::READABLE)?;
                listeners.push((listener, service));
            }
            for socket in sockets.udp {
                socket.set_nonblocking(true)?;
                self.shared.guard.serve_on(socket.local_addr()?.port());
                let token = Token(UDP_BASE + udp.len());
                poll.registry().register(
                    &mut SourceFd(&socket.as_raw_fd()),
                    token,
                    Interest::READABLE,
                )?;
                udp.push((socket, service));
            }
        }
        Ok(Prepared {
            poll,
            listeners,
            udp,
        })
    }
}

/// A loop's sockets before its thread starts.
struct Prepared {
    poll: Poll,
    listeners: Vec<(mio::net::TcpListener, usize)>,
    udp: Vec<(UdpSocket, usize)>,
}

/// Stops every loop when one ends, by error or panic included.
struct StopOnExit(Stopper);

impl Drop for StopOnExit {
    fn drop(&mut self) {
        self.0.stop();
    }
}

/// One event loop: its sockets, its connections, and the buffer they all read into.
struct Loop<'s, S: Service> {
    services: &'s [S],
    limits: &'s Limits,
    shared: &'s Shared,
    poll: Poll,
    /// Each with the index of the service it serves.
    listeners: Vec<(mio::net::TcpListener, usize)>,
    udp: Vec<(UdpSocket, usize)>,
    /// UDP sockets that used up their batch with datagrams still waiting.
    udp_again: Vec<usize>,
    /// When to read the UDP sockets again after a receive error.
    udp_retry: Option<Instant>,
    /// Room for one datagram's answer, reused.
    scratch: Vec<u8>,
    conns: Slab<tcp::Conn<S::Session>>,
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
    fn new(server: &'s Server, services: &'s [S], sockets: Prepared) -> Self {
        Loop {
            services,
            limits: &server.limits,
            shared: &server.shared,
            poll: sockets.poll,
            listeners: sockets.listeners,
            udp: sockets.udp,
            udp_again: Vec::new(),
            udp_retry: None,
            scratch: Vec::new(),
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
                if !self.busy() || self.now >= deadline {
                    let all: Vec<usize> = self.conns.iter().map(|(t, _)| t).collect();
                    all.into_iter()
                        .for_each(|t| self.close(t, "server stopping"));
                    return Ok(());
                }
            }
        }
    }

    fn stop_accepting(&mut self) -> Instant {
        for (mut listener, _) in self.listeners.drain(..) {
            let _ = self.poll.registry().deregister(&mut listener);
        }
        for (socket, _) in self.udp.drain(..) {
            let _ = self
                .poll
                .registry()
                .deregister(&mut SourceFd(&socket.as_raw_fd()));
        }
        self.now + self.limits.grace
    }
}
