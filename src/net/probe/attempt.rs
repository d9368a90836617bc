//! One attempt of a probe: its socket, and the steps from the connect (or the datagram) to
//! the answer: a banner, or STARTTLS and a TLS handshake.

use std::io::{self, Read, Write};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::{TcpStream, UdpSocket};
use mio::{Interest, Registry, Token};

use super::{banner, limit, silent, Outcome, Plan, State, Tls};
use crate::error::again;
use crate::net::addr::Proto;
use crate::net::socket;
use crate::net::tls::starttls::{Dialogue, Step};
use crate::net::tls::Handshake;

/// One address and port being probed.
pub(super) struct Attempt {
    pub(super) port: usize,
    pub(super) addr: usize,
    target: SocketAddr,
    started: Instant,
    pub(super) deadline: Instant,
    socket: Sock,
    phase: Phase,
}

enum Sock {
    Tcp(TcpStream),
    Udp(UdpSocket),
}

enum Phase {
    /// The TCP handshake is under way.
    Connecting,
    /// Connected after `rtt`; reading the first line for `--banner`.
    Banner { rtt: Duration, line: Vec<u8> },
    /// The empty datagram is out; a reply or an ICMP error is awaited.
    Datagram,
    /// Connected after `rtt`; the plaintext upgrade before TLS, with what is still to send.
    Starttls {
        rtt: Duration,
        dialogue: Dialogue,
        out: Vec<u8>,
    },
    /// Connected after `rtt`; the TLS handshake is under way.
    Tls {
        rtt: Duration,
        handshake: Box<Handshake>,
    },
}

/// How an attempt moved on after readiness.
pub(super) enum Next {
    /// Not yet: a wake-up before the answer, or more of the banner to come.
    Wait,
    /// The answer, with the error that gave it, if any.
    Done(Outcome, Option<io::Error>),
}

/// What beginning an attempt gave.
pub(super) enum Begun {
    /// Under way: register it and wait.
    Waiting(Attempt),
    /// Answered during the call (no route, or a refusal already in on loopback).
    Answered(Outcome, io::Error),
}

impl Attempt {
    /// Makes the socket for port `port` of address `addr` and begins: the connect, or the
    /// empty datagram. An error is a local failure (no descriptor), not the port's answer.
    pub(super) fn begin(
        plan: &Plan<'_>,
        port: usize,
        addr: usize,
        started: Instant,
    ) -> io::Result<Begun> {
        let target = SocketAddr::new(plan.addrs[addr], plan.ports[port]);
        let (socket, phase, failed) = match plan.proto {
            Proto::Tcp => {
                plan.trace.step(format_args!("connecting to {target}"));
                let (stream, failed) = socket::connect_started(target)?;
                (Sock::Tcp(stream), Phase::Connecting, failed)
            }
            Proto::Udp => {
                let (socket, mut failed) = socket::udp_connected(target)?;
                if failed.is_none() {
                    plan.trace
                        .step(format_args!("sending an empty datagram to {target}"));
                    failed = socket.send(&[]).err();
                }
                (Sock::Udp(socket), Phase::Datagram, failed)
            }
        };
        if let Some(err) = failed {
            let outcome = Outcome {
                addr: target,
                state: classify(&err),
                rtt: Some(started.elapsed()),
                banner: None,
                tls: None,
            };
            return Ok(Begun::Answered(outcome, err));
        }
        Ok(Begun::Waiting(Attempt {
            port,
            addr,
            target,
            started,
            deadline: limit(plan, started),
            socket,
            phase,
        }))
    }

    /// Asks the event loop for the readiness the first step waits for.
    pub(super) fn register(&mut self, registry: &Registry, token: Token) -> io::Result<()> {
        match &mut self.socket {
            Sock::Tcp(stream) => registry.register(stream, token, Interest::WRITABLE),
            Sock::Udp(socket) => registry.register(socket, token, Interest::READABLE),
        }
    }

    /// The answer when the deadline came first: silence, an open port whose first line
    /// was cut short (or never came), or one whose TLS never finished.
    pub(super) fn expired(self, plan: &Plan<'_>) -> Outcome {
        let open = |rtt, banner, tls| Outcome {
            addr: self.target,
            state: State::Open,
            rtt: Some(rtt),
            banner,
            tls,
        };
        let late = format!("no answer within {} s", plan.timeout.as_secs_f64());
        match self.phase {
            Phase::Banner { rtt, line } => open(rtt, banner::first_line(&line), None),
            Phase::Starttls { rtt, dialogue, .. } => open(
                rtt,
                None,
                Some(Err(format!(
                    "{late} in the {} exchange",
                    dialogue.protocol()
                ))),
            ),
            Phase::Tls { rtt, .. } => {
                open(rtt, None, Some(Err(format!("{late} to the handshake"))))
            }
            Phase::Connecting | Phase::Datagram => Outcome {
                addr: self.target,
                state: silent(plan.proto),
                rtt: None,
                banner: None,
                tls: None,
            },
        }
    }

    /// Moves on after readiness: the connect's result, banner bytes, a datagram.
    pub(super) fn next(
        &mut self,
        plan: &Plan<'_>,
        registry: &Registry,
        token: Token,
    ) -> io::Result<Next> {
        let answer = |state, rtt, banner| Outcome {
            addr: self.target,
            state,
            rtt: Some(rtt),
            banner,
            tls: None,
        };
        match (&mut self.socket, &mut self.phase) {
            (Sock::Tcp(stream), Phase::Connecting) => {
                let rtt = self.started.elapsed();
                let result = match stream.take_error() {
                    Ok(None) => stream.peer_addr().map(drop),
                    Ok(Some(err)) | Err(err) => Err(err),
                };
                match result {
                    // a wake-up before the handshake is done
                    Err(err) if err.kind() == io::ErrorKind::NotConnected => Ok(Next::Wait),
                    Err(err) => Ok(Next::Done(answer(classify(&err), rtt, None), Some(err))),
                    Ok(()) if plan.tls.is_some() => {
                        self.deadline = limit(plan, Instant::now());
                        self.secure(plan, registry, token, rtt)
                    }
                    Ok(()) if plan.banner => {
                        registry.reregister(stream, token, Interest::READABLE)?;
                        self.phase = Phase::Banner {
                            rtt,
                            line: Vec::new(),
                        };
                        self.deadline = limit(plan, Instant::now());
                        // the server may have spoken already
                        self.next(plan, registry, token)
                    }
                    Ok(()) => Ok(Next::Done(answer(State::Open, rtt, None), None)),
                }
            }
            (Sock::Tcp(stream), Phase::Banner { rtt, line }) => {
                if banner::read_line(stream, line) {
                    let banner = banner::first_line(line);
                    Ok(Next::Done(answer(State::Open, *rtt, banner), None))
                } else {
                    Ok(Next::Wait)
                }
            }
            (Sock::Udp(socket), _) => {
                let mut reply = [0u8; banner::LIMIT];
                let rtt = self.started.elapsed();
                match socket.recv(&mut reply) {
                    Ok(len) => {
                        let banner = plan.banner.then(|| banner::first_line(&reply[..len]));
                        Ok(Next::Done(answer(State::Open, rtt, banner.flatten()), None))
                    }
                    Err(err) if again(&err) => Ok(Next::Wait),
                    Err(err) => Ok(Next::Done(answer(classify(&err), rtt, None), Some(err))),
                }
            }
            (Sock::Tcp(stream), Phase::Starttls { rtt, dialogue, out }) => {
                let (rtt, target) = (*rtt, self.target);
                let failed = |reason| Ok(Next::Done(tls_answer(target, rtt, Err(reason)), None));
                let mut buf = [0u8; 4096];
                loop {
                    while !out.is_empty() {
                        match stream.write(out) {
                            Ok(n) => drop(out.drain(..n)),
                            Err(err) if again(&err) => {
                                let both = Interest::READABLE | Interest::WRITABLE;
                                registry.reregister(stream, token, both)?;
                                return Ok(Next::Wait);
                            }
                            Err(err) => return failed(crate::error::reason(&err)),
                        }
                    }
                    let mut step = match stream.read(&mut buf) {
                        Ok(0) => {
                            return failed(format!(
                                "the server closed the connection during the {} exchange",
                                dialogue.protocol()
                            ))
                        }
                        Ok(n) => dialogue.feed(&buf[..n]),
                        Err(err) if again(&err) => {
                            registry.reregister(stream, token, Interest::READABLE)?;
                            return Ok(Next::Wait);
                        }
                        Err(err) => return failed(crate::error::reason(&err)),
                    };
                    // a command to send, and the answer may have come with the last reply
                    while let Ok(Step::Send(command)) = step {
                        out.extend_from_slice(&command);
                        step = dialogue.feed(&[]);
                    }
                    match step {
                        Err(reason) => return failed(reason),
                        Ok(Step::Upgrade) => break,
                        Ok(_) => {}
                    }
                }
                self.handshake(plan, registry, token, rtt)
            }
            (Sock::Tcp(stream), Phase::Tls { rtt, handshake }) => {
                let (rtt, target) = (*rtt, self.target);
                match handshake.advance(stream) {
                    Ok(true) => {
                        let found = Tls {
                            version: handshake.version().unwrap_or_else(|| "TLS".into()),
                            not_after: handshake.certificate().map(|c| c.not_after()),
                        };
                        Ok(Next::Done(tls_answer(target, rtt, Ok(found)), None))
                    }
                    Ok(false) => {
                        let interest = match handshake.wants_write() {
                            true => Interest::READABLE | Interest::WRITABLE,
                            false => Interest::READABLE,
                        };
                        registry.reregister(stream, token, interest)?;
                        Ok(Next::Wait)
                    }
                    Err(failed) => {
                        let reason = match plan.tls.map(|client| client.reason(failed)) {
                            Some(Ok(words)) => words,
                            Some(Err(err)) => crate::error::reason(&err),
                            None => "no TLS client".into(),
                        };
                        Ok(Next::Done(tls_answer(target, rtt, Err(reason)), None))
                    }
                }
            }
            (Sock::Tcp(_), Phase::Datagram) => Ok(Next::Wait),
        }
    }

    /// Connected: STARTTLS first when the client speaks it, else the handshake.
    fn secure(
        &mut self,
        plan: &Plan<'_>,
        registry: &Registry,
        token: Token,
        rtt: Duration,
    ) -> io::Result<Next> {
        let (Some(client), Sock::Tcp(stream)) = (plan.tls, &mut self.socket) else {
            return Ok(Next::Wait);
        };
        let Some(protocol) = client.starttls() else {
            return self.handshake(plan, registry, token, rtt);
        };
        let local = stream.local_addr()?;
        registry.reregister(stream, token, Interest::READABLE)?;
        self.phase = Phase::Starttls {
            rtt,
            dialogue: Dialogue::new(protocol, local),
            out: Vec::new(),
        };
        // the greeting may be in already
        self.next(plan, registry, token)
    }

    /// Begins the TLS handshake: the ClientHello goes out at once.
    fn handshake(
        &mut self,
        plan: &Plan<'_>,
        registry: &Registry,
        token: Token,
        rtt: Duration,
    ) -> io::Result<Next> {
        let Some(client) = plan.tls else {
            return Ok(Next::Wait);
        };
        match client.start(plan.trace) {
            Ok(handshake) => {
                self.phase = Phase::Tls {
                    rtt,
                    handshake: Box::new(handshake),
                };
                self.next(plan, registry, token)
            }
            Err(reason) => Ok(Next::Done(tls_answer(self.target, rtt, Err(reason)), None)),
        }
    }
}

/// An open port and what its TLS gave.
fn tls_answer(target: SocketAddr, rtt: Duration, tls: Result<Tls, String>) -> Outcome {
    Outcome {
        addr: target,
        state: State::Open,
        rtt: Some(rtt),
        banner: None,
        tls: Some(tls),
    }
}

/// The state a failed connect (or receive) stands for.
fn classify(err: &io::Error) -> State {
    use io::ErrorKind::*;
    match err.kind() {
        ConnectionRefused => State::Closed,
        TimedOut => State::Filtered,
        // no route, network down, a firewall's ICMP "prohibited", and anything else that is
        // the network's answer rather than the port's
        _ => State::Unreachable,
    }
}
