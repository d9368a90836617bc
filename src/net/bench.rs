//! The echo load generator: one event loop driving many connections, verifying every byte.
//!
//! Message `m` of connection `c` is a window of one pseudo-random pattern, shifted by `c` and
//! `m`, so sending needs no buffer and checking an echo is one slice comparison; a flipped,
//! lost, duplicated or reordered byte shows as a mismatch.

use std::collections::VecDeque;
use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

use super::socket;
use super::trace::Trace;
use crate::error::Result;

/// Distinct windows of the pattern; the shift of a message cycles through them.
const SHIFTS: usize = 251;

pub struct Load {
    pub addrs: Vec<SocketAddr>,
    pub connections: usize,
    pub size: usize,
    pub depth: usize,
    pub duration: Duration,
    pub connect_timeout: Option<Duration>,
    pub trace: Trace,
}

/// Totals at the end of a run, and the running counts for a live line.
pub struct Report {
    pub elapsed: Duration,
    pub messages: u64,
    pub bytes: u64,
    pub errors: u64,
    pub mismatches: u64,
    pub starved: usize,
    pub connections: usize,
    /// Round-trip times in nanoseconds.
    pub latency: Histogram<u64>,
}

struct Conn {
    stream: TcpStream,
    shift: usize,
    /// Messages whose sending may begin: completed + depth, while the run lasts.
    allowed: u64,
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

/// Opens the connections, runs the load for `duration`, calls `tick` about once a second.
pub fn run(load: &Load, mut tick: impl FnMut(&Report)) -> Result<Report> {
    let pattern = pattern(load.size + SHIFTS);
    let mut poll = Poll::new().map_err(|e| crate::error::Error::io("cannot create a poller", e))?;
    let mut conns = Vec::with_capacity(load.connections);
    let mut report = Report {
        elapsed: Duration::ZERO,
        messages: 0,
        bytes: 0,
        errors: 0,
        mismatches: 0,
        starved: 0,
        connections: load.connections,
        latency: Histogram::new(3).map_err(|e| crate::error::Error::Failed(e.to_string()))?,
    };
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
        let token = Token(conns.len());
        poll.registry()
            .register(&mut stream, token, Interest::READABLE | Interest::WRITABLE)
            .map_err(|e| crate::error::Error::io("cannot watch a connection", e))?;
        conns.push(Conn {
            stream,
            shift: c % SHIFTS,
            allowed: 0,
            sending: 0,
            sent_part: 0,
            received: 0,
            bad_message: false,
            started: VecDeque::with_capacity(load.depth),
            completed: 0,
            dead: false,
        });
    }
    let mut events = Events::with_capacity(1024);
    let mut buf = vec![0u8; 64 * 1024];
    let start = Instant::now();
    let end = start + load.duration;
    let mut next_tick = start + Duration::from_secs(1);
    for conn in &mut conns {
        conn.allowed = load.depth as u64;
        conn.pump(load.size, &pattern, start, &mut report);
    }
    let mut now = start;
    while now < end {
        poll.poll(&mut events, Some(end.min(next_tick) - now))
            .or_else(|e| match e.kind() {
                io::ErrorKind::Interrupted => Ok(()),
                _ => Err(crate::error::Error::io("poll failed", e)),
            })?;
        now = Instant::now();
        for event in events.iter() {
            let conn = &mut conns[event.token().0];
            let to_end = event.is_read_closed() || event.is_error();
            conn.receive(&mut buf, to_end, load, &pattern, now, &mut report);
            conn.pump(load.size, &pattern, now, &mut report);
        }
        if now >= next_tick {
            next_tick += Duration::from_secs(1);
            report.elapsed = now - start;
            tick(&report);
        }
    }
    report.elapsed = start.elapsed();
    report.starved = conns.iter().filter(|c| c.completed == 0).count();
    Ok(report)
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
                let shift = (self.shift + message as usize) % SHIFTS;
                if data[..take] != pattern[shift + at..shift + at + take] {
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
            let _ = report
                .latency
                .record(now.duration_since(began).as_nanos() as u64);
        }
        report.messages += 1;
        report.mismatches += u64::from(std::mem::take(&mut self.bad_message));
        self.completed += 1;
        self.allowed += 1;
    }

    /// Writes allowed messages until the kernel is full; a message's clock starts when its
    /// first byte is written.
    fn pump(&mut self, size: usize, pattern: &[u8], now: Instant, report: &mut Report) {
        while !self.dead && self.sending < self.allowed {
            if self.sent_part == 0 {
                self.started.push_back(now);
            }
            let shift = (self.shift + self.sending as usize) % SHIFTS;
            match self
                .stream
                .write(&pattern[shift + self.sent_part..shift + size])
            {
                Ok(n) => {
                    self.sent_part += n;
                    if self.sent_part == size {
                        self.sent_part = 0;
                        self.sending += 1;
                    }
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                    if self.sent_part == 0 {
                        self.started.pop_back();
                    }
                    return;
                }
                Err(err) if err.kind() == io::ErrorKind::Interrupted => {
                    if self.sent_part == 0 {
                        self.started.pop_back(); // pushed again on the retry
                    }
                }
                Err(_) => return self.fail(report),
            }
        }
    }

    fn fail(&mut self, report: &mut Report) {
        self.dead = true;
        report.errors += 1;
    }
}

/// Bytes from a xorshift generator: no period a shift could hide in.
fn pattern(len: usize) -> Vec<u8> {
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
