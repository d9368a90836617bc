//! Port probes: non-blocking connects (or empty datagrams) on one mio event loop, at most
//! `MAX_SOCKETS` open at a time, each bounded by its own deadline.
//!
//! A probe is a short sequence of steps on one socket: connect (or send a datagram), then,
//! when asked, read what the server says first. A later step (a TLS handshake) fits in
//! between as one more `Phase`.

mod attempt;
mod banner;

pub use banner::escape;

use std::collections::VecDeque;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use mio::{Events, Poll, Token};
use slab::Slab;

use super::addr::Proto;
use super::tls;
use super::trace::Trace;
use attempt::{Attempt, Begun, Next};

/// Never more sockets open at once: a scan of every port stays within the usual descriptor
/// limit (1024) and does not flood a network with SYNs.
pub const MAX_SOCKETS: usize = 256;

/// What a probe found on one address and port.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// A connection was accepted (TCP) or a datagram came back (UDP).
    Open,
    /// Refused: a TCP reset, or an ICMP port unreachable for UDP.
    Closed,
    /// No answer to the SYN within the limit.
    Filtered,
    /// No route to the network or host (ICMP host or network unreachable).
    Unreachable,
    /// UDP silence: an open port that said nothing, or a firewall that dropped the datagram.
    OpenFiltered,
}

impl State {
    pub fn as_str(self) -> &'static str {
        match self {
            State::Open => "open",
            State::Closed => "closed",
            State::Filtered => "filtered",
            State::Unreachable => "unreachable",
            State::OpenFiltered => "open|filtered",
        }
    }
}

/// The answer for one port: the address that gave it, and what it gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub addr: SocketAddr,
    pub state: State,
    /// From the connect (or the datagram) to the answer that decided; `None` for silence.
    pub rtt: Option<Duration>,
    /// With `banner`: the first line the server sent (at most 1 KiB, without its line end),
    /// as raw bytes; `None` when it sent nothing within the limit.
    pub banner: Option<Vec<u8>>,
    /// With `tls`: what the handshake of an open port found, or why it failed, in words.
    pub tls: Option<Result<Tls, String>>,
}

/// What a completed TLS handshake showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tls {
    /// `TLS 1.3`.
    pub version: String,
    /// When the server's certificate expires (seconds since 1970), if it could be read.
    pub not_after: Option<i64>,
}

/// What to probe and how.
#[derive(Debug, Clone)]
pub struct Plan<'a> {
    /// Every address of the host, tried in this order for each port until one is open.
    pub addrs: &'a [IpAddr],
    pub ports: &'a [u16],
    pub proto: Proto,
    /// Each attempt's limit: for the SYN's answer, the reply to a datagram, the first line.
    pub timeout: Duration,
    /// Also read the first line each open TCP port sends (for UDP, the reply's first line).
    pub banner: bool,
    /// Also complete a TLS handshake (after STARTTLS, if the client speaks it) on each open
    /// TCP port, within one more `timeout`.
    pub tls: Option<&'a tls::Client>,
    /// No attempt outlives this (`--wait`'s end); attempts not begun by then are silence.
    pub deadline: Option<Instant>,
    pub trace: Trace,
}

/// Probes every port of `plan` and returns one outcome per port, in the order given.
///
/// A port is open when any address accepts; otherwise its outcome is the last address's.
/// Errors are local failures only (no descriptor, no event loop), never a port's answer.
pub fn scan(plan: &Plan<'_>) -> io::Result<Vec<Outcome>> {
    if plan.addrs.is_empty() {
        return Err(io::Error::other("no address to probe"));
    }
    let mut scan = Scan {
        plan,
        poll: Poll::new()?,
        live: Slab::with_capacity(MAX_SOCKETS),
        queue: (0..plan.ports.len()).map(|port| (port, 0)).collect(),
        found: vec![None; plan.ports.len()],
    };
    let mut events = Events::with_capacity(MAX_SOCKETS);
    loop {
        while scan.live.len() < MAX_SOCKETS {
            let Some((port, addr)) = scan.queue.pop_front() else {
                break;
            };
            scan.start(port, addr)?;
        }
        let Some(next) = scan.live.iter().map(|(_, a)| a.deadline).min() else {
            if scan.queue.is_empty() {
                break;
            }
            // every attempt started was answered at once; start the next ones
            continue;
        };
        let wait = next.saturating_duration_since(Instant::now());
        match scan.poll.poll(&mut events, Some(wait)) {
            Ok(()) => {}
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(err),
        }
        // no attempt starts while these events are handled, so no token is reused among them
        for event in events.iter() {
            scan.advance(event.token().0)?;
        }
        scan.expire();
    }
    Ok(scan.found.into_iter().flatten().collect())
}

struct Scan<'a> {
    plan: &'a Plan<'a>,
    poll: Poll,
    live: Slab<Attempt>,
    /// (port index, address index) still to try; the next address of a port goes first.
    queue: VecDeque<(usize, usize)>,
    found: Vec<Option<Outcome>>,
}

impl Scan<'_> {
    /// Makes the socket and begins the connect (or sends the datagram); an answer that comes
    /// at once (no route) settles the attempt here.
    fn start(&mut self, port: usize, addr: usize) -> io::Result<()> {
        let plan = self.plan;
        let started = Instant::now();
        if plan.deadline.is_some_and(|end| end <= started) {
            let silence = Outcome {
                addr: SocketAddr::new(plan.addrs[addr], plan.ports[port]),
                state: silent(plan.proto),
                rtt: None,
                banner: None,
                tls: None,
            };
            self.settle(port, addr, silence);
            return Ok(());
        }
        let mut attempt = match Attempt::begin(plan, port, addr, started)? {
            Begun::Waiting(attempt) => attempt,
            Begun::Answered(outcome, err) => {
                self.report(&outcome, Some(&err));
                self.settle(port, addr, outcome);
                return Ok(());
            }
        };
        let entry = self.live.vacant_entry();
        attempt.register(self.poll.registry(), Token(entry.key()))?;
        entry.insert(attempt);
        Ok(())
    }

    /// Handles readiness of attempt `key`: the connect's result, a datagram, banner bytes.
    fn advance(&mut self, key: usize) -> io::Result<()> {
        let plan = self.plan;
        let Some(attempt) = self.live.get_mut(key) else {
            return Ok(());
        };
        if let Next::Done(outcome, err) = attempt.next(plan, self.poll.registry(), Token(key))? {
            let attempt = self.live.remove(key);
            self.report(&outcome, err.as_ref());
            self.settle(attempt.port, attempt.addr, outcome);
        }
        Ok(())
    }

    /// Ends every attempt past its deadline: silence, or a banner cut short.
    fn expire(&mut self) {
        let now = Instant::now();
        let due: Vec<usize> = self
            .live
            .iter()
            .filter(|(_, a)| a.deadline <= now)
            .map(|(key, _)| key)
            .collect();
        for key in due {
            let attempt = self.live.remove(key);
            let (port, addr) = (attempt.port, attempt.addr);
            let outcome = attempt.expired(self.plan);
            self.report(&outcome, None);
            self.settle(port, addr, outcome);
        }
    }

    /// Records a port's answer; one that is not open sends the port on to its next address.
    fn settle(&mut self, port: usize, addr: usize, outcome: Outcome) {
        if outcome.state != State::Open && addr + 1 < self.plan.addrs.len() {
            self.queue.push_front((port, addr + 1));
        }
        self.found[port] = Some(outcome);
    }

    /// The `--trace` line of an answer.
    fn report(&self, outcome: &Outcome, err: Option<&io::Error>) {
        let trace = &self.plan.trace;
        let (target, state) = (outcome.addr, outcome.state.as_str());
        match (err, outcome.rtt) {
            (Some(err), _) => trace.step(format_args!(
                "{target} {state}: {}",
                crate::error::reason(err)
            )),
            (None, Some(rtt)) => {
                let tls = match &outcome.tls {
                    Some(Ok(tls)) => format!(", {}", tls.version),
                    Some(Err(reason)) => format!(", TLS failed: {reason}"),
                    None => String::new(),
                };
                trace.step(format_args!(
                    "{target} {state} after {:.3} ms{tls}; socket closed",
                    rtt.as_secs_f64() * 1e3
                ))
            }
            (None, None) => trace.step(format_args!(
                "{target} {state}: no answer within {} s",
                self.plan.timeout.as_secs_f64()
            )),
        }
    }
}

/// When an attempt started at `now` gives up: `-w` later, and never after `--wait`'s end.
fn limit(plan: &Plan<'_>, now: Instant) -> Instant {
    let own = now + plan.timeout;
    plan.deadline.map_or(own, |end| own.min(end))
}

/// What silence means: a dropped SYN, or a UDP port that may just not answer empty datagrams.
fn silent(proto: Proto) -> State {
    match proto {
        Proto::Tcp => State::Filtered,
        Proto::Udp => State::OpenFiltered,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{Ipv4Addr, TcpListener};

    fn plan<'a>(addrs: &'a [IpAddr], ports: &'a [u16], proto: Proto) -> Plan<'a> {
        Plan {
            addrs,
            ports,
            proto,
            timeout: Duration::from_secs(5),
            banner: false,
            tls: None,
            deadline: None,
            trace: Trace::default(),
        }
    }

    #[test]
    fn open_and_closed_in_the_order_given() {
        let open = TcpListener::bind("127.0.0.1:0").unwrap();
        let open_port = open.local_addr().unwrap().port();
        // bound but not listening: refused, and the port stays taken
        let closed =
            socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
        closed
            .bind(&SocketAddr::from(([127, 0, 0, 1], 0)).into())
            .unwrap();
        let closed_port = closed.local_addr().unwrap().as_socket().unwrap().port();
        let addrs = [IpAddr::V4(Ipv4Addr::LOCALHOST)];
        let ports = [closed_port, open_port, closed_port];
        let found = scan(&plan(&addrs, &ports, Proto::Tcp)).unwrap();
        let states: Vec<State> = found.iter().map(|o| o.state).collect();
        assert_eq!(states, [State::Closed, State::Open, State::Closed]);
        assert_eq!(found[1].addr.port(), open_port);
        assert!(found[1].rtt.is_some());
    }

    #[test]
    fn the_next_address_is_tried_when_one_refuses() {
        let open = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = open.local_addr().unwrap().port();
        // 127.0.0.2 is loopback too, but nobody listens there on this port
        let addrs = [
            IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2)),
            IpAddr::V4(Ipv4Addr::LOCALHOST),
        ];
        let found = scan(&plan(&addrs, &[port], Proto::Tcp)).unwrap();
        assert_eq!(found[0].state, State::Open);
        assert_eq!(found[0].addr, SocketAddr::from(([127, 0, 0, 1], port)));
    }
}
