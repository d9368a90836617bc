//! `raw`: talk to any TCP, UDP or Unix-socket service by hand or from a script, like nc.
//!
//! `run` picks the mode; `dial` builds the stream of the transport asked for; `listen` waits
//! for peers. Every conversation is one `copy::pump` over that stream.

pub mod escape;
mod listen;

use std::fs::File;
use std::io::{self, IsTerminal};
use std::os::fd::AsFd;
use std::path::Path;
use std::time::Duration;

use crate::cli::{RawArgs, RawZero};
use crate::error::{Error, Result};
use crate::net::copy::{self, Datagrams, End, Failure, Hexdump, Options, Prompt, Sidecar, Stream};
use crate::net::listen::Stop;
use crate::net::{addr, socket, trace::Trace, udp};
use crate::tty::LineEnd;

use self::escape::Escape;
use super::tls::{self, Role, Tls};

/// How long `-u` waits for replies once stdin has ended, without `-w`.
pub const UDP_WAIT: Duration = Duration::from_secs(2);

/// What the command line asks for.
enum Mode<'a> {
    Dial(Peer<'a>),
    /// `--listen PORT`, for TCP connections or (`-u`) datagrams.
    Listen(u16),
    /// `--listen -U PATH`.
    ListenUnix(&'a Path),
}

/// Whom to dial.
enum Peer<'a> {
    /// HOST PORT, over TCP or (`-u`) UDP.
    Host { host: &'a str, port: u16 },
    /// `-U PATH`.
    Unix(&'a Path),
}

pub fn run(args: RawArgs) -> Result<()> {
    // `raw -z HOST PORT...` is `probe`, spelled as for nc
    if let Some(RawZero::Probe(probe)) = args.zero {
        return super::probe::run(probe);
    }
    let trace = Trace::new(args.client.trace);
    let mode = mode(&args)?;
    // before any socket: a dump that cannot be written is known before anyone is reached
    let dump = match args.hexdump.as_deref() {
        Some(path) if path == Path::new("-") => Some(Hexdump::stderr()),
        Some(path) => Some(Hexdump::file(File::create(path).map_err(|e| {
            Error::io(format!("cannot open {} for the hexdump", path.display()), e)
        })?)),
        None => None,
    };
    // TLS files too: a certificate that cannot be read fails before the network
    let role = match &mode {
        Mode::Dial(Peer::Host { host, port }) => Role::Connect(host, *port),
        _ => Role::Listen(args.bind.as_deref()),
    };
    let tls = tls::prepare(&args.tls, role, trace)?;
    // our own descriptor for stdin: std's Stdin buffers, and what it holds poll cannot see
    let input = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(File::from)
        .map_err(|e| Error::io("cannot read stdin", e))?;
    // the escape exists for a person at a terminal, never for a pipe's bytes
    let escape = (!args.no_escape && input.is_terminal())
        .then(|| args.escape.unwrap_or(escape::DEFAULT_KEY));
    let mut session = Session {
        args: &args,
        trace,
        input,
        dump,
        stop: None,
        signal_kills: false,
        tls,
        escape,
    };
    match mode {
        Mode::Listen(port) => listen::on_port(&mut session, port),
        Mode::ListenUnix(path) => listen::on_path(&mut session, path),
        Mode::Dial(target) => {
            let (stream, peer) = dial(&args, target, &session.tls, &trace)?;
            // -w 0 means no limit, for connecting and for the silence after the input ends
            let idle = args.client.timeout(args.udp.then_some(UDP_WAIT));
            session
                .converse(stream, idle, &peer)
                .map(drop)
                .map_err(|failure| session.explain(failure, &peer))
        }
    }
}

/// Which of the four modes, or the usage error of options that clap lets through together.
fn mode(args: &RawArgs) -> Result<Mode<'_>> {
    use clap::error::ErrorKind;
    match (
        args.host.as_deref(),
        args.port,
        args.listen,
        args.unix.as_deref(),
    ) {
        (None, _, Some(Some(port)), None) => Ok(Mode::Listen(port)),
        (None, _, Some(None), Some(path)) => Ok(Mode::ListenUnix(path)),
        (None, _, None, Some(path)) => Ok(Mode::Dial(Peer::Unix(path))),
        (Some(host), Some(port), None, None) => Ok(Mode::Dial(Peer::Host { host, port })),
        (_, _, Some(None), None) => Err(Error::usage(
            "raw",
            ErrorKind::MissingRequiredArgument,
            "--listen needs a PORT, or -U PATH for a Unix socket",
        )),
        (_, _, Some(Some(_)), Some(_)) => Err(Error::usage(
            "raw",
            ErrorKind::ArgumentConflict,
            "--listen takes a PORT or -U PATH, not both",
        )),
        // clap requires HOST and PORT together, or --listen, or -U
        _ => Err(Error::usage(
            "raw",
            ErrorKind::MissingRequiredArgument,
            "give HOST and PORT, -U PATH, or --listen",
        )),
    }
}

/// The stream to a peer for `-U PATH` or HOST PORT (`-u`: UDP), and the peer as the user
/// would write it, for messages.
/// Over TCP, `tls` makes it TLS (after the handshake) when asked.
fn dial(
    args: &RawArgs,
    peer: Peer<'_>,
    tls: &Tls,
    trace: &Trace,
) -> Result<(Box<dyn Stream>, String)> {
    match peer {
        Peer::Unix(path) => {
            let stream = socket::connect_unix(path, trace)?;
            banner(args, format_args!("Connected to {}.", path.display()));
            Ok((Box::new(stream), path.display().to_string()))
        }
        Peer::Host { host, port } if args.udp => {
            let (socket, peer) = udp::connect(host, port, args.client.family(), trace)?;
            banner(
                args,
                format_args!(
                    "Sending datagrams to {} ({}) port {}.",
                    addr::bare_host(host),
                    peer.ip(),
                    peer.port()
                ),
            );
            let stream = Datagrams::connected(socket, peer, *trace);
            Ok((Box::new(stream), peer.to_string()))
        }
        Peer::Host { host, port } => {
            let wait = args.client.timeout(None);
            let stream = socket::connect(host, port, args.client.family(), wait, trace)?;
            let host = addr::bare_host(host);
            let peer = match stream.peer_addr() {
                Ok(peer) => {
                    banner(
                        args,
                        format_args!("Connected to {host} ({}) port {}.", peer.ip(), peer.port()),
                    );
                    peer.to_string()
                }
                // a peer that resets at once leaves no address to read; the first read
                // reports the reset
                Err(_) => {
                    banner(args, format_args!("Connected to {host} port {port}."));
                    addr::host_port(host, port)
                }
            };
            Ok((
                tls.wrap(stream, &peer, wait, None, args.quiet, *trace)?,
                peer,
            ))
        }
    }
}

/// What every conversation of one run shares: the options, stdin, the dump and the stop.
struct Session<'a> {
    args: &'a RawArgs,
    trace: Trace,
    input: File,
    dump: Option<Hexdump>,
    /// Set by listeners that end on SIGINT, SIGTERM and SIGHUP in good order (`-k`, a socket
    /// file), or by `converse` for the terminal's sake (see `signal_kills`).
    stop: Option<Stop>,
    /// The stop is there for the terminal alone: once it has its settings back, a signal
    /// ends netkit as it would have without the stop (as nc: SIGINT is exit 130 in a shell).
    signal_kills: bool,
    /// `--tls`: the client or server side each TCP connection gets.
    tls: Tls,
    /// The key that opens the `netkit>` prompt, when stdin is a terminal and `-E` is not given.
    escape: Option<u8>,
}

impl Session<'_> {
    /// One conversation over `stream` with `peer`, ending after `idle` of silence once stdin
    /// has ended, or at the escape prompt.
    fn converse(
        &mut self,
        stream: impl Stream,
        idle: Option<Duration>,
        peer: &str,
    ) -> Result<End, Failure> {
        let options = Options {
            crlf: self.args.crlf,
            telnet: self.args.telnet,
            idle,
            trace: self.trace,
        };
        let mut escape = self.escape.map(|key| Escape {
            key,
            peer,
            transport: transport(self.args),
            telnet: self.args.telnet,
        });
        // Ctrl-] reaches netkit the moment it is typed; a signal stops the pump first, so
        // that the terminal gets its settings back on that way out too
        let line_end = match escape {
            Some(escape) if self.stop_for_terminal(escape.key) => {
                line_end(&self.input, escape.key, &self.trace)
            }
            _ => None,
        };
        if let Some(escape) = escape {
            let name = escape::name(escape.key);
            banner(self.args, format_args!("Escape character is '{name}'."));
        }
        let sidecar = Sidecar {
            dump: self.dump.as_mut(),
            stop: self.stop.as_ref().map(Stop::fd),
            escape: escape.as_mut().map(|e| e as &mut dyn Prompt),
        };
        let end = copy::pump_with(
            stream,
            &self.input,
            &mut io::stdout().lock(),
            options,
            sidecar,
        );
        drop(line_end);
        let signal = self.stop.as_ref().and_then(Stop::signal);
        if let (true, Some(signal)) = (self.signal_kills, signal) {
            // does not return for SIGINT, SIGTERM or SIGHUP
            let _ = signal_hook::low_level::emulate_default_handler(signal);
        }
        if let Ok(End::Closed | End::Quit) = end {
            banner(self.args, format_args!("Connection closed."));
        }
        end
    }

    /// Whether a stop is there to put the terminal back on a signal: the listener's, or one
    /// made now, after which signals kill (`signal_kills`). Without it (an error), the
    /// terminal keeps its settings.
    fn stop_for_terminal(&mut self, key: u8) -> bool {
        if self.stop.is_some() {
            return true;
        }
        match Stop::on_signals() {
            Ok(stop) => {
                self.stop = Some(stop);
                self.signal_kills = true;
                true
            }
            Err(err) => {
                keeps_settings(&self.trace, &err, key);
                false
            }
        }
    }

    /// The line for a failed conversation with `peer` (`host:port` or a path).
    fn explain(&self, failure: Failure, peer: &str) -> Error {
        // an alert after the handshake: a TLS 1.3 server refusing a missing client certificate
        if let Failure::Receive(err) | Failure::Send(err) = &failure {
            if let Some(reason) = tls::ended(err) {
                let addr = peer.to_string();
                return Error::Tls { addr, reason };
            }
        }
        match failure {
            Failure::Receive(err) | Failure::Send(err)
                if err.kind() == io::ErrorKind::ConnectionReset =>
            {
                Error::Failed(format!("connection to {peer} reset by peer"))
            }
            // only a datagram is refused once under way: ICMP port unreachable, exit 4
            Failure::Receive(err) | Failure::Send(err)
                if err.kind() == io::ErrorKind::ConnectionRefused =>
            {
                Error::io(
                    format!("cannot send to {peer} (ICMP port unreachable)"),
                    err,
                )
            }
            Failure::Unsent(_) => Error::Failed(format!(
                "{peer} closed the connection before all input was sent"
            )),
            Failure::Receive(err) => Error::io(format!("cannot read from {peer}"), err),
            Failure::Send(err) => Error::io(format!("cannot send to {peer}"), err),
            Failure::Input(err) => Error::io("cannot read stdin", err),
            // a reader that went away (`| head -c1`) is reported quietly, as everywhere
            Failure::Output(err) => Error::stdout(err),
            Failure::Dump(err) => {
                let path = self.args.hexdump.as_deref().unwrap_or(Path::new("-"));
                Error::io(
                    format!("cannot write the hexdump to {}", path.display()),
                    err,
                )
            }
        }
    }
}

/// The terminal on stdin with `key` ending lines; without it (an error), the key still opens
/// the prompt, once Enter sends its line.
fn line_end<'f>(input: &'f File, key: u8, trace: &Trace) -> Option<LineEnd<'f>> {
    LineEnd::set(input.as_fd(), key)
        .map_err(|err| keeps_settings(trace, &err, key))
        .ok()
}

fn keeps_settings(trace: &Trace, err: &io::Error, key: u8) {
    trace.step(format_args!(
        "the terminal keeps its settings ({}): {} works after Enter",
        crate::error::reason(err),
        escape::name(key)
    ));
}

/// How the bytes go, for the escape prompt's `status`.
fn transport(args: &RawArgs) -> &'static str {
    let tls = args.tls.tls || args.tls.starttls.is_some();
    match (args.unix.is_some(), args.udp, tls, args.telnet) {
        (true, _, _, false) => "a Unix socket",
        (true, _, _, true) => "a Unix socket (telnet)",
        (false, true, _, _) => "UDP",
        (false, false, true, false) => "TLS over TCP",
        (false, false, true, true) => "TLS over TCP (telnet)",
        (false, false, false, false) => "TCP",
        (false, false, false, true) => "TCP (telnet)",
    }
}

/// The human-readable lines on stderr, which `-q` hides (the trace stays).
fn banner(args: &RawArgs, line: std::fmt::Arguments<'_>) {
    if !args.quiet {
        crate::say!("{line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn raw_args(line: &[&str]) -> RawArgs {
        match crate::cli::Cli::try_parse_from(line).unwrap().command {
            crate::cli::Command::Raw(args) => args,
            _ => unreachable!("not raw"),
        }
    }

    /// The combinations clap lets through are usage errors (exit 2), the one it never should
    /// too.
    #[test]
    fn modes_clap_lets_through_are_usage_errors() {
        let code = |args: &RawArgs| mode(args).err().map(|e| e.exit_code());
        assert_eq!(code(&raw_args(&["netkit", "raw", "--listen"])), Some(2));
        let mut args = raw_args(&["netkit", "raw", "127.0.0.1", "80"]);
        assert_eq!(code(&args), None);
        args.port = None;
        assert_eq!(code(&args), Some(2));
    }
}
