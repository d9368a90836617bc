//! The echo load generator: one event loop driving many TCP connections or UDP sockets,
//! verifying every byte.
//!
//! Message `m` of connection `c` is a window of one pseudo-random pattern, shifted by `c` and
//! `m`, so sending needs no buffer and checking an echo is one slice comparison; a flipped,
//! lost, duplicated or reordered byte shows as a mismatch. Over UDP a datagram is answered
//! whole or not at all, so a reply is matched against the datagrams in flight, and one that
//! has waited a second is counted as lost.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use mio::event::Event;
use mio::net::{TcpStream, UdpSocket};
use mio::{Events, Interest, Poll, Token};

use super::trace::Trace;
/// The largest message over UDP, by the name `cmd/echo` still uses.
pub use super::udp::MAX_PAYLOAD as MAX_DATAGRAM;
use super::{socket, udp};
use crate::error::Result;

/// Distinct windows of the pattern; the shift of a message cycles through them. A prime above
/// the largest `--depth` (1024), so that the messages in flight on one connection all differ
/// (over UDP an echo is told from the others by its bytes alone).
const SHIFTS: usize = 1031;
/// A datagram whose echo has not come back after this long is counted as lost.
pub const LOST_AFTER: Duration = Duration::from_secs(1);

pub struct Load {
    pub addrs: Vec<SocketAddr>,
    pub connections: usize,
    pub size: usize,
    pub depth: usize,
    pub duration: Duration,
    pub connect_timeout: Option<Duration>,
    pub trace: Trace,
    /// UDP datagrams instead of TCP connections.
    pub udp: bool,
}

/// Totals at the end of a run, and the running counts for a live line.
pub struct Report {
    pub elapsed: Duration,
    pub messages: u64,
    pub bytes: u64,
    pub errors: u64,
    pub mismatches: u64,
    /// UDP: datagrams without an echo after a second, and echoes that came after that.
    pub lost: u64,
    pub late: u64,
    pub starved: usize,
    /// TCP connections the server ended (FIN or reset) before any byte of echo: what a
    /// server-side limit does to the connections it turns away.
    pub closed_before_echo: usize,
    pub connections: usize,
    /// Round-trip times in nanoseconds.
    pub latency: Histogram<u64>,
}

struct Conn {
    stream: TcpStream,
    shift: usize,
    /// The next message to write and how much of it is written.
    sending: u64,
    sent_part: usize,
    /// Bytes of echo received so far; message `received / size` is being checked.
    received: u64,
    bad_message: bool,
    started: VecDeque<Instant>,
    completed: u64,
    dead: bool,
}

impl Report {
    fn new(load: &Load) -> Result<Report> {
        Ok(Report {
            elapsed: Duration::ZERO,
            messages: 0,
            bytes: 0,
            errors: 0,
            mismatches: 0,
            lost: 0,
            late: 0,
            starved: 0,
            closed_before_echo: 0,
            connections: load.connections,
            latency: Histogram::new(3).map_err(|e| crate::error::Error::Failed(e.to_string()))?,
        })
    }

    /// Connections (UDP: sockets) still working: each one that fails is counted once in
    /// `errors`, a connect that failed too.
    pub fn up(&self) -> usize {
        self.connections
            .saturating_sub(usize::try_from(self.errors).unwrap_or(usize::MAX))
    }

    fn complete(&mut self, began: Instant, now: Instant) {
        let _ = self
            .latency
            .record(now.duration_since(began).as_nanos() as u64);
        self.messages += 1;
    }
}

/// Opens the connections, runs the load for `duration`, calls `tick` about once a second.
pub fn run(load: &Load, tick: impl FnMut(&Report)) -> Result<Report> {
    if load.udp {
        run_udp(load, tick)
    } else {
        run_tcp(load, tick)
    }
}

fn run_tcp(load: &Load, tick: impl FnMut(&Report)) -> Result<Report> {
    let pattern = pattern(load.size + SHIFTS);
    let mut poll = new_poll()?;
    let mut conns = Vec::with_capacity(load.connections);
    let mut report = Report::new(load)?;
    for c in 0..load.connections {
        let stream = match socket::connect_any(&load.addrs, load.connect_timeout, &load.trace) {
            Ok(stream) => stream,
            Err(err) if c == 0 => return Err(err),
            Err(_) => {
                report.errors += 1;
                continue;
            }
        };
        // a message must not wait for the previous one's ACK
        let _ = stream.set_nodelay(true);
        let _ = stream.set_nonblocking(true);
        let mut stream = TcpStream::from_std(stream);
        watch(&poll, &mut stream, conns.len())?;
        conns.push(Conn {
            stream,
            shift: c % SHIFTS,
            sending: 0,
            sent_part: 0,
            received: 0,
            bad_message: false,
            started: VecDeque::with_capacity(load.depth),
            completed: 0,
            dead: false,
        });
    }
    // every error from here on is a connection that failed
    let refused = report.errors;
    let mut buf = vec![0u8; 64 * 1024];
    let start = Instant::now();
    for conn in &mut conns {
        conn.pump(load, &pattern, start, &mut report);
    }
    drive(
        &mut poll,
        load.duration,
        &mut report,
        tick,
        |event, now, report| {
            let Some(event) = event else {
                return report.errors - refused < conns.len() as u64;
            };
            let conn = &mut conns[event.token().0];
            let to_end = event.is_read_closed() || event.is_error();
            conn.receive(&mut buf, to_end, load, &pattern, now, report);
            conn.pump(load, &pattern, now, report);
            true
        },
    )?;
    report.starved = conns.iter().filter(|c| c.completed == 0).count();
    Ok(report)
}

/// The same load over UDP: a connected socket per "connection", `depth` datagrams in flight
/// on each. Losses are counted, not failures: UDP promises nothing, and servers limit rates.
fn run_udp(load: &Load, tick: impl FnMut(&Report)) -> Result<Report> {
    let pattern = pattern(load.size + SHIFTS);
    let mut poll = new_poll()?;
    let mut report = Report::new(load)?;
    let peer = load.addrs[0];
    let mut flows = Vec::with_capacity(load.connections);
    for c in 0..load.connections {
        let socket = udp::connect_to(peer, &load.trace)?;
        socket
            .set_nonblocking(true)
            .map_err(|e| crate::error::Error::io("cannot set non-blocking mode", e))?;
        let mut socket = UdpSocket::from_std(socket);
        watch(&poll, &mut socket, flows.len())?;
        flows.push(Flow {
            socket,
            shift: c % SHIFTS,
            next: 0,
            in_flight: VecDeque::with_capacity(load.depth),
            completed: 0,
            failure: None,
        });
    }
    let mut buf = vec![0u8; 64 * 1024];
    let start = Instant::now();
    for flow in &mut flows {
        flow.fill(load, &pattern, start, &mut report);
    }
    drive(
        &mut poll,
        load.duration,
        &mut report,
        tick,
        |event, now, report| match event {
            Some(event) => {
                let flow = &mut flows[event.token().0];
                flow.receive(&mut buf, load, &pattern, now, report);
                flow.fill(load, &pattern, now, report);
                true
            }
            None => {
                for flow in &mut flows {
                    flow.expire(now, report);
                    flow.fill(load, &pattern, now, report);
                }
                // each error is a socket that failed
                report.errors < flows.len() as u64
            }
        },
    )?;
    // nothing came back and every socket failed: say why, as a client that cannot connect does
    if report.messages == 0 && flows.iter().all(|f| f.failure.is_some()) {
        if let Some(source) = flows.iter_mut().find_map(|f| f.failure.take()) {
            return Err(crate::error::Error::Connect {
                addr: peer.to_string(),
                source,
            });
        }
    }
    report.starved = flows.iter().filter(|f| f.completed == 0).count();
    Ok(report)
}

fn new_poll() -> Result<Poll> {
    Poll::new().map_err(|e| crate::error::Error::io("cannot create a poller", e))
}

fn watch(poll: &Poll, source: &mut impl mio::event::Source, token: usize) -> Result<()> {
    poll.registry()
        .register(
            source,
            Token(token),
            Interest::READABLE | Interest::WRITABLE,
        )
        .map_err(|e| crate::error::Error::io("cannot watch a connection", e))
}

/// Polls until `duration` is over: `on` with each readiness event, and with `None` after
/// every wake-up (at least every 100 ms) for timers, which ends the run early by returning
/// `false` (every connection has failed); `tick` about once a second.
fn drive(
    poll: &mut Poll,
    duration: Duration,
    report: &mut Report,
    mut tick: impl FnMut(&Report),
    mut on: impl FnMut(Option<&Event>, Instant, &mut Report) -> bool,
) -> Result<()> {
    let mut events = Events::with_capacity(1024);
    let start = Instant::now();
    let end = start + duration;
    let mut next_tick = start + Duration::from_secs(1);
    let mut now = start;
    while now < end {
        let wake = end.min(next_tick).min(now + Duration::from_millis(100));
        poll.poll(&mut events, Some(wake - now))
            .or_else(|e| match e.kind() {
                io::ErrorKind::Interrupted => Ok(()),
                _ => Err(crate::error::Error::io("poll failed", e)),
            })?;
        now = Instant::now();
        for event in events.iter() {
            on(Some(event), now, report);
        }
        if !on(None, now, report) {
            break;
        }
        if now >= next_tick {
            next_tick += Duration::from_secs(1);
            report.elapsed = now - start;
            tick(report);
        }
    }
    report.elapsed = start.elapsed();
    Ok(())
}

struct Flow {
    socket: UdpSocket,
    shift: usize,
    /// The number of the next datagram to send.
    next: u64,
    /// Datagrams sent and not yet answered, oldest first, with when they were sent.
    in_flight: VecDeque<(u64, Instant)>,
    completed: u64,
    failure: Option<io::Error>,
}

impl Flow {
    fn message<'p>(&self, number: u64, size: usize, pattern: &'p [u8]) -> &'p [u8] {
        window(pattern, self.shift, number, size)
    }

    fn receive(
        &mut self,
        buf: &mut [u8],
        load: &Load,
        pattern: &[u8],
        now: Instant,
        report: &mut Report,
    ) {
        while self.failure.is_none() {
            let n = match self.socket.recv(buf) {
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return self.fail(err, report),
            };
            let echo = &buf[..n];
            let answered = self
                .in_flight
                .iter()
                .position(|&(m, _)| echo == self.message(m, load.size, pattern));
            if let Some(i) = answered {
                if let Some((_, sent)) = self.in_flight.remove(i) {
                    report.complete(sent, now);
                    report.bytes += n as u64;
                    self.completed += 1;
                }
            } else if n == load.size && (0..SHIFTS).any(|s| echo == &pattern[s..s + n]) {
                report.late += 1; // a whole message, already counted lost (or a duplicate)
            } else {
                report.mismatches += 1;
            }
        }
    }

    /// Sends datagrams until `depth` are in flight.
    fn fill(&mut self, load: &Load, pattern: &[u8], now: Instant, report: &mut Report) {
        while self.failure.is_none() && self.in_flight.len() < load.depth {
            match self
                .socket
                .send(self.message(self.next, load.size, pattern))
            {
                Ok(_) => {
                    self.in_flight.push_back((self.next, now));
                    self.next += 1;
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(err) => return self.fail(err, report),
            }
        }
    }

    fn expire(&mut self, now: Instant, report: &mut Report) {
        while let Some(&(_, sent)) = self.in_flight.front() {
            if now.duration_since(sent) < LOST_AFTER {
                return;
            }
            self.in_flight.pop_front();
            report.lost += 1;
        }
    }

    fn fail(&mut self, err: io::Error, report: &mut Report) {
        self.failure = Some(err);
        report.errors += 1;
        // counted as an error; they are not losses as well
        self.in_flight.clear();
    }
}

impl Conn {
    /// Reads what has come back and checks it; each whole message frees a slot for the next.
    fn receive(
        &mut self,
        buf: &mut [u8],
        to_end: bool,
        load: &Load,
        pattern: &[u8],
        now: Instant,
        report: &mut Report,
    ) {
        let size = load.size as u64;
        while !self.dead {
            let n = match self.stream.read(buf) {
                Ok(0) => return self.fail(report),
                Ok(n) => n,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(_) => return self.fail(report),
            };
            let mut data = &buf[..n];
            while !data.is_empty() {
                let message = self.received / size;
                let at = (self.received % size) as usize;
                let take = data.len().min(load.size - at);
                let expected = window(pattern, self.shift, message, load.size);
                if data[..take] != expected[at..at + take] {
                    self.bad_message = true;
                }
                data = &data[take..];
                self.received += take as u64;
                if at + take == load.size {
                    self.complete(now, report);
                }
            }
            report.bytes += n as u64;
            // a short read emptied the socket; epoll reports the next arrival
            if n < buf.len() && !to_end {
                return;
            }
        }
    }

    fn complete(&mut self, now: Instant, report: &mut Report) {
        if let Some(began) = self.started.pop_front() {
            report.complete(began, now);
        }
        report.mismatches += u64::from(std::mem::take(&mut self.bad_message));
        self.completed += 1;
    }

    /// Writes messages until `depth` are in flight or the kernel is full; a message's clock
    /// starts when its first byte is written.
    fn pump(&mut self, load: &Load, pattern: &[u8], now: Instant, report: &mut Report) {
        while !self.dead && self.sending < self.completed + load.depth as u64 {
            let message = window(pattern, self.shift, self.sending, load.size);
            match self.stream.write(&message[self.sent_part..]) {
                Ok(n) => {
                    if self.sent_part == 0 {
                        self.started.push_back(now);
                    }
                    self.sent_part += n;
                    if self.sent_part == load.size {
                        self.sent_part = 0;
                        self.sending += 1;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                Err(_) => return self.fail(report),
            }
        }
    }

    fn fail(&mut self, report: &mut Report) {
        self.dead = true;
        report.errors += 1;
        if self.received == 0 {
            report.closed_before_echo += 1;
        }
    }
}

/// Message `number` of the connection whose windows start at `shift`.
fn window(pattern: &[u8], shift: usize, number: u64, size: usize) -> &[u8] {
    let start = (shift + (number % SHIFTS as u64) as usize) % SHIFTS;
    &pattern[start..start + size]
}

/// Bytes from a xorshift generator, every value from 0 to 255 among them: no period a shift
/// could hide in. The same bytes for the same `len` on every run.
pub fn pattern(len: usize) -> Vec<u8> {
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    (0..len)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect()
}
