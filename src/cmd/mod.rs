//! Subcommands: one arm per command; what clients share. Servers start in `server`.

mod completions;
mod daytime;
mod discard;
mod echo;
mod probe;
mod raw;
mod relay;
mod server;

pub use server::GRACE;

use std::time::Duration;

use crate::cli::{ClientArgs, Command, DaytimeCommand, DiscardCommand, EchoCommand};
use crate::error::{Error, Result};
use std::net::TcpStream;

use crate::net::stream::Deadline;
use crate::net::trace::Trace;
use crate::net::{
    addr::{self, Family},
    socket,
};

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
        Command::Raw(args) => raw::run(args),
        Command::Relay(args) => relay::run(args),
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

/// Writes results to stdout; a reader that went away (`| head -c1`) ends netkit quietly.
fn print(bytes: &[u8]) -> Result<()> {
    crate::out::stdout(bytes).map_err(Error::stdout)
}
