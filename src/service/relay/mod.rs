//! Relay: each client connected to the target, the bytes copied both ways as they come, each
//! direction through a fixed window, FIN and reset passed on; every chunk dumped on request.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use mio::net::TcpStream;

use crate::net::forward::{Direction, Failure, Progress, Seen};
use crate::net::hexdump;
use crate::net::serve::{Flow, Output, Pair, Readiness, Service, Session, Wake};
use crate::net::socket;
use crate::{info, warn};

mod dump;

pub use dump::DumpFormat;
use dump::{dump_line, record};

const NAME: &str = "relay";

/// What every connection of a relay shares.
#[derive(Debug)]
pub struct Target {
    /// The target's addresses, tried in turn for each client.
    pub addrs: Vec<SocketAddr>,
    /// The limit on connecting to it, all addresses together; `None` for the system's own.
    pub wait: Option<Duration>,
    /// Every chunk to the dump, in this form; `None`: no dump, and splice(2) where there is.
    pub dump: Option<DumpFormat>,
}

pub struct Relay {
    target: Arc<Target>,
    /// The number of the next connection, for the dump's `#N`.
    next: AtomicU64,
}

impl Relay {
    pub fn new(target: Target) -> Relay {
        Relay {
            target: Arc::new(target),
            next: AtomicU64::new(1),
        }
    }
}

impl Service for Relay {
    type Session = Relaying;

    fn name(&self) -> &'static str {
        NAME
    }

    fn open(&self, _out: &mut Output) -> Relaying {
        // a dump shows the bytes, so it reads and writes them; otherwise they are spliced
        let splice = self.target.dump.is_none();
        Relaying {
            target: self.target.clone(),
            id: self.next.fetch_add(1, Ordering::Relaxed),
            upstream: None,
            connected: false,
            tried: 0,
            since: None,
            failure: None,
            up: Direction::new(splice),
            down: Direction::new(splice),
            first: None,
        }
    }

    fn datagram<'a>(&'a self, _input: &'a [u8], _scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        None
    }
}

/// One client and its connection to the target.
pub struct Relaying {
    target: Arc<Target>,
    id: u64,
    /// The connection to the target: connecting, then connected.
    upstream: Option<TcpStream>,
    connected: bool,
    /// Addresses tried so far.
    tried: usize,
    /// When connecting began, and the deadline for it.
    since: Option<(Instant, Option<Instant>)>,
    /// The last address that failed, and why.
    failure: Option<(SocketAddr, io::Error)>,
    /// Client to target.
    up: Direction,
    /// Target to client.
    down: Direction,
    /// Which side ended first (its FIN or its reset), for the closed line.
    first: Option<&'static str>,
}

impl Session for Relaying {
    const PAIRED: bool = true;

    fn pump(&mut self, pair: &mut Pair, wake: Wake) -> Flow {
        if wake.client.error {
            if let Ok(Some(err)) = pair.client.take_error() {
                return self.failed(pair, Failure::Source(err), true);
            }
        }
        note(wake.client, &mut self.up, &mut self.down);
        if !self.connected {
            if let Some(flow) = self.connect(pair, wake) {
                return flow;
            }
        }
        // the event that says connected may also carry the target's first bytes and its FIN
        note(wake.second, &mut self.down, &mut self.up);
        if let Some(upstream) = self.upstream.as_ref().filter(|_| wake.second.error) {
            if let Ok(Some(err)) = upstream.take_error() {
                return self.failed(pair, Failure::Source(err), false);
            }
        }
        self.relay(pair)
    }

    fn closed(&self, why: &str, secs: f64) -> Option<String> {
        let why = match (why, self.first) {
            ("", Some(first)) => first,
            (why, _) => why,
        };
        let comma = if why.is_empty() { "" } else { ", " };
        let words = format!(
            "{} to target, {} to client, {secs:.1} s{comma}{why}",
            size(self.up.moved),
            size(self.down.moved)
        );
        if self.target.dump.is_some() {
            let (id, line) = (self.id, words.clone());
            dump_line(move |out| {
                let _ = writeln!(out, "#{id} closed ({line})");
            });
        }
        Some(words)
    }
}

impl Relaying {
    /// Starts connecting, or sees how the attempt went; `None` once connected.
    fn connect(&mut self, pair: &mut Pair, wake: Wake) -> Option<Flow> {
        let (since, deadline) = *self.since.get_or_insert_with(|| {
            let deadline = self.target.wait.map(|wait| pair.now + wait);
            (pair.now, deadline)
        });
        let Some(upstream) = self.upstream.as_mut() else {
            return Some(self.connect_next(pair, deadline));
        };
        let outcome = wake.second;
        if outcome.writable || outcome.error || outcome.read_closed {
            let addr = self.target.addrs[self.tried - 1];
            match upstream
                .take_error()
                .map(|e| e.map_or_else(|| upstream.peer_addr(), Err))
            {
                Ok(Ok(_)) => {
                    self.connected = true;
                    let local = upstream
                        .local_addr()
                        .map_or_else(|_| "?".into(), |a| a.to_string());
                    let ms = pair.now.duration_since(since).as_secs_f64() * 1000.0;
                    info!(
                        NAME,
                        "{} -> {addr} connected from {local} ({ms:.1} ms)", pair.peer
                    );
                    if self.target.dump.is_some() {
                        let (id, peer) = (self.id, pair.peer);
                        dump_line(move |out| {
                            let _ = writeln!(out, "#{id} {peer} -> {addr} connected from {local}");
                        });
                    }
                    return None;
                }
                // the event came before the connection: keep waiting
                Ok(Err(err)) if err.kind() == io::ErrorKind::NotConnected => {}
                Ok(Err(err)) | Err(err) => {
                    self.failure = Some((addr, err));
                    self.upstream = None;
                    return Some(self.connect_next(pair, deadline));
                }
            }
        }
        if deadline.is_some_and(|d| pair.now >= d) {
            let addr = self.target.addrs[self.tried - 1];
            self.failure = Some((addr, io::ErrorKind::TimedOut.into()));
            self.upstream = None;
            self.tried = self.target.addrs.len();
            return Some(self.connect_next(pair, deadline));
        }
        Some(Flow::Wait)
    }

    /// Starts connecting to the next address; when none is left, gives up on the client.
    fn connect_next(&mut self, pair: &mut Pair, deadline: Option<Instant>) -> Flow {
        while let Some(&addr) = self.target.addrs.get(self.tried) {
            self.tried += 1;
            match socket::connect_relayed(addr) {
                Ok((mut stream, None)) => match pair.watch(&mut stream) {
                    Ok(()) => {
                        self.upstream = Some(stream);
                        if let Some(deadline) = deadline {
                            pair.wake_at(deadline);
                        }
                        return Flow::Wait;
                    }
                    Err(err) => self.failure = Some((addr, err)),
                },
                Ok((_, Some(err))) | Err(err) => self.failure = Some((addr, err)),
            }
        }
        let (addr, reason) = match &self.failure {
            Some((addr, err)) => (addr.to_string(), crate::error::reason(err)),
            None => ("the target".into(), "no address to try".into()),
        };
        let tried = match self.tried {
            0 | 1 => String::new(),
            n => format!(" ({n} addresses tried)"),
        };
        warn!(
            NAME,
            "cannot connect {} to {addr}: {reason}{tried}", pair.peer
        );
        Flow::Close("target unreachable".into())
    }

    /// Moves bytes both ways, and closes once both directions are done.
    fn relay(&mut self, pair: &mut Pair) -> Flow {
        let Some(upstream) = self.upstream.as_mut() else {
            return Flow::Close("".into());
        };
        let (id, dump) = (self.id, self.target.dump);
        let mut see_up = |chunk: &[u8]| record(id, "client > target", dump, chunk);
        let seen: Seen = dump.map(|_| &mut see_up as _);
        let up = self.up.pump(pair.client, upstream, pair.buf, seen);
        let up = match up {
            Ok(progress) => progress,
            Err(failure) => return self.failed(pair, failure, true),
        };
        let mut see_down = |chunk: &[u8]| record(id, "target > client", dump, chunk);
        let seen: Seen = dump.map(|_| &mut see_down as _);
        let down = match self.down.pump(upstream, pair.client, pair.buf, seen) {
            Ok(progress) => progress,
            Err(failure) => return self.failed(pair, failure, false),
        };
        if self.first.is_none() {
            if self.up.eof {
                self.first = Some("client closed first");
            } else if self.down.eof {
                self.first = Some("target closed first");
            }
        }
        if self.up.done() && self.down.done() {
            Flow::Close("".into())
        } else if up == Progress::More || down == Progress::More {
            Flow::Again
        } else {
            Flow::Wait
        }
    }

    /// A read or write failed: the other side is reset as this one was, and both close.
    /// `upward` says the failure was in the client-to-target direction.
    fn failed(&mut self, pair: &mut Pair, failure: Failure, upward: bool) -> Flow {
        let (err, on_client) = match failure {
            Failure::Source(err) => (err, upward),
            Failure::Destination(err) => (err, !upward),
        };
        let side = if on_client { "client" } else { "target" };
        if on_client {
            if let Some(upstream) = &self.upstream {
                socket::reset_on_close(upstream);
            }
        } else {
            socket::reset_on_close(pair.client);
        }
        let why: Cow<'static, str> = match err.kind() {
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionAborted => format!("{side} reset").into(),
            _ => format!("error on the {side} side: {}", crate::error::reason(&err)).into(),
        };
        Flow::Close(why)
    }
}

/// Takes in what an event on one side's socket said: something to read (bytes, a FIN, an
/// error) for the direction `from` it, room for the direction `to` it.
fn note(event: Readiness, from: &mut Direction, to: &mut Direction) {
    from.readable |= event.readable || event.read_closed || event.error;
    from.to_end |= event.read_closed || event.error;
    to.writable |= event.writable;
}

/// `120 bytes`, `5.1 KiB`, `3.0 MiB`: a byte count for the closed line.
fn size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if bytes < 1024 {
        return hexdump::count(bytes as usize);
    }
    let mut value = bytes as f64 / 1024.0;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < UNITS.len() {
        value /= 1024.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size(0), "0 bytes");
        assert_eq!(size(1), "1 byte");
        assert_eq!(size(120), "120 bytes");
        assert_eq!(size(5222), "5.1 KiB");
        assert_eq!(size(50 << 20), "50.0 MiB");
        assert_eq!(size(3 << 30), "3.0 GiB");
    }
}
