//! Subcommands: one arm per command; what clients share. Servers start in `server`.

mod chargen;
mod completions;
mod daytime;
mod discard;
mod echo;
mod probe;
pub mod raw;
mod serve;
mod server;
mod time;
mod tls;

pub use server::GRACE;

use std::io;
use std::net::TcpStream;
use std::time::{Duration, Instant, SystemTime};

use ::time::OffsetDateTime;

use crate::cli::{
    ChargenCommand, ClientArgs, Command, DaytimeCommand, DiscardCommand, EchoCommand, TimeCommand,
};
use crate::error::{Error, Result};
use crate::net::stream::Deadline;
use crate::net::trace::Trace;
use crate::net::{
    addr::{self, Family},
    socket, udp,
};

/// How often a time client (`daytime get`, `time get`) asks over UDP within its wait.
const UDP_TRIES: u32 = 3;

pub fn run(command: Command) -> Result<()> {
    match command {
        Command::Daytime {
            action: DaytimeCommand::Serve(args),
        } => daytime::serve(args),
        Command::Daytime {
            action: DaytimeCommand::Get(args),
        } => daytime::get(args),
        Command::Echo {
            action: EchoCommand::Serve(args),
        } => echo::serve(args),
        Command::Echo {
            action: EchoCommand::Send(args),
        } => echo::send(args),
        Command::Echo {
            action: EchoCommand::Bench(args),
        } => echo::bench(args),
        Command::Discard {
            action: DiscardCommand::Serve(args),
        } => discard::serve(args),
        Command::Chargen {
            action: ChargenCommand::Serve(args),
        } => chargen::serve(args),
        Command::Time {
            action: TimeCommand::Serve(args),
        } => time::serve(args),
        Command::Time {
            action: TimeCommand::Get(args),
        } => time::get(args),
        Command::Serve(args) => serve::run(args),
        Command::Raw(args) => raw::run(args),
        Command::Probe(args) => probe::run(args),
        Command::Completions(args) => completions::run(args),
    }
}

impl ClientArgs {
    pub fn family(&self) -> Family {
        Family::from_flags(self.ipv4, self.ipv6)
    }

    /// `-w SECS`, or `default` without it; 0 means wait for ever.
    pub fn timeout(&self, default: Option<Duration>) -> Option<Duration> {
        match self.wait {
            Some(limit) if limit.is_zero() => None,
            Some(limit) => Some(limit),
            None => default,
        }
    }
}

/// Connects for a request/reply client. `-w` (or `default_wait`) is a deadline for connecting
/// and the reply together, returned for the reads that follow, with the peer's address for
/// messages.
fn dial(
    host: &str,
    port: u16,
    client: &ClientArgs,
    default_wait: Duration,
    trace: &Trace,
) -> Result<(TcpStream, String, Deadline)> {
    let timeout = client.timeout(Some(default_wait));
    let deadline = Deadline::after(timeout);
    let stream = socket::connect(host, port, client.family(), timeout, trace)?;
    let peer = stream
        .peer_addr()
        .map_or_else(|_| addr::host_port(host, port), |a| a.to_string());
    Ok((stream, peer, deadline))
}

/// How a time client (`daytime get`, `time get`) asks: over UDP any datagram does, an empty
/// one will do; over TCP connecting does.
struct Question<'a> {
    host: &'a str,
    port: u16,
    udp: bool,
    client: &'a ClientArgs,
    /// How long to wait without `-w`: for connecting and the reply together over TCP, for
    /// the reply to `UDP_TRIES` datagrams over UDP (`-w 0`: as long as anyone would wait).
    tcp_wait: Duration,
    udp_wait: Duration,
}

/// What a time server answered, and when: the clock it read lies between `asked` and
/// `asked + took`.
struct Answer {
    reply: Vec<u8>,
    /// The server as messages name it.
    peer: String,
    /// When the question went: the connect, or the datagram the reply answers.
    asked: SystemTime,
    took: Duration,
}

impl Question<'_> {
    /// Asks, and over TCP has `read` take the reply by the deadline; the error names the server
    /// (`no time from ...`). A server that closes the connection without a byte is an error
    /// here; what a reply must hold, the caller checks.
    fn ask(
        &self,
        read: impl FnOnce(&mut TcpStream, Deadline, &Trace) -> io::Result<Vec<u8>>,
    ) -> Result<Answer> {
        let trace = Trace::new(self.client.trace);
        let family = self.client.family();
        if self.udp {
            let (socket, peer) = udp::connect(self.host, self.port, family, &trace)?;
            let wait = self.client.timeout(Some(self.udp_wait));
            let wait = wait.unwrap_or(udp::FOREVER);
            let (reply, sent) = udp::exchange(&socket, b"", wait, UDP_TRIES, None, &trace)
                .map_err(|e| Error::io(format!("no time from {peer}"), e))?;
            // the answer is to the last try: time the exchange from it
            let took = sent.elapsed();
            let asked = SystemTime::now() - took;
            let peer = peer.to_string();
            return Ok(Answer {
                reply,
                peer,
                asked,
                took,
            });
        }
        let (mut stream, peer, deadline) =
            dial(self.host, self.port, self.client, self.tcp_wait, &trace)?;
        // the server reads its clock once connected; name lookup and handshake come before
        let (started, asked) = (Instant::now(), SystemTime::now());
        let reply = read(&mut stream, deadline, &trace)
            .map_err(|e| Error::io(format!("no time from {peer}"), e))?;
        let took = started.elapsed();
        drop(stream);
        trace.step("socket closed");
        if reply.is_empty() {
            return Err(Error::Failed(format!(
                "{peer} closed the connection without sending the time"
            )));
        }
        Ok(Answer {
            reply,
            peer,
            asked,
            took,
        })
    }
}

impl Answer {
    /// `offset: +0.123 s\n`, how far the server's clock, read as `server`, is ahead of ours.
    /// It was read somewhere between the question and the answer, and is truncated to the
    /// second: its middle is half a second later.
    fn offset_line(&self, server: OffsetDateTime) -> String {
        let middle = OffsetDateTime::from(self.asked + self.took / 2);
        let offset = (server - middle).as_seconds_f64() + 0.5;
        format!("offset: {offset:+.3} s\n")
    }
}

/// Writes results to stdout; a reader that went away (`| head -c1`) ends netkit quietly.
fn print(bytes: &[u8]) -> Result<()> {
    crate::out::stdout(bytes).map_err(Error::stdout)
}
