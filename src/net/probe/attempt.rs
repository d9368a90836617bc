//! One attempt of a probe: its socket, and the steps from the connect (or the datagram) to
//! the answer. A TLS handshake would be one more `Phase` after `Connecting`.

use std::io;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use mio::net::{TcpStream, UdpSocket};
use mio::{Interest, Registry, Token};

use super::{banner, limit, silent, Outcome, Plan, State};
use crate::net::addr::Proto;
use crate::net::socket;

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

    /// The answer when the deadline came first: silence, or an open port whose first line
    /// was cut short (or never came).
    pub(super) fn expired(self, proto: Proto) -> Outcome {
        match self.phase {
            Phase::Banner { rtt, line } => Outcome {
                addr: self.target,
                state: State::Open,
                rtt: Some(rtt),
                banner: banner::first_line(&line),
            },
            Phase::Connecting | Phase::Datagram => Outcome {
                addr: self.target,
                state: silent(proto),
                rtt: None,
                banner: None,
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
                    Err(err)
                        if matches!(
                            err.kind(),
                            io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
                        ) =>
                    {
                        Ok(Next::Wait)
                    }
                    Err(err) => Ok(Next::Done(answer(classify(&err), rtt, None), Some(err))),
                }
            }
            (Sock::Tcp(_), Phase::Datagram) => Ok(Next::Wait),
        }
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
