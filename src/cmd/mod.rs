//! Subcommands: one arm per command; shared start-up for servers and clients.

mod completions;
mod daytime;
mod echo;
pub(crate) mod raw;

use std::time::Duration;

use crate::cli::{ClientArgs, Command, DaytimeCommand, EchoCommand, ServerArgs};
use crate::error::{Error, Result};
use crate::net::inetd;
use crate::net::serve::{Limits, Server, Service};
use std::net::TcpStream;

use crate::net::stream::Deadline;
use crate::net::trace::Trace;
use crate::net::{
    addr::{self, Family},
    socket,
};
use crate::{info, log, warn};

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
        Command::Raw(args) => raw::run(args),
        Command::Completions(args) => completions::run(args),
    }
}

/// Sessions still open get this long after SIGINT/SIGTERM.
pub const GRACE: Duration = Duration::from_secs(2);

/// Binds (or takes over) the listening sockets, logs them, and serves until a signal.
///
/// `port` is what the user gave, if anything; sockets handed over by systemd win over it.
fn serve<S: Service + 'static>(
    service: S,
    args: &ServerArgs,
    port: Option<u16>,
    default_port: u16,
    idle_timeout: Option<Duration>,
) -> Result<()> {
    let name = service.name();
    if args.inetd {
        // stderr is the client's socket too under inetd: a log line would reach the client
        log::silence();
        let stdin = std::io::stdin();
        // a datagram service (`wait`): inetd hands over its bound socket itself
        let kind = socket2::SockRef::from(&stdin).r#type().ok();
        let datagram = kind == Some(socket2::Type::DGRAM);
        if args.udp || datagram {
            use std::os::fd::AsFd;
            if !datagram {
                let why = format!("{name} serve --inetd --udp: stdin is not a datagram socket");
                // a stream socket on stdin is a client's connection: not the place for the line
                return Err(match kind {
                    Some(_) => Error::Unheard(why),
                    None => Error::Failed(why),
                });
            }
            let socket: std::net::UdpSocket = stdin
                .as_fd()
                .try_clone_to_owned()
                .map_err(|e| Error::io("cannot use stdin", e))?
                .into();
            // nobody to tell: stderr may be the socket too
            let _ = inetd::datagrams(&service, &socket, args.udp_rate, inetd::DATAGRAM_LINGER);
            return Ok(());
        }
        // an idle client must not hold the process for ever; stdin is the socket (or a pipe,
        // where there is nothing to set)
        let _ = socket2::SockRef::from(&stdin).set_read_timeout(idle_timeout);
        // the client went away or fell silent: there is nobody to tell, and stderr is the socket
        let _ = inetd::converse(&service, stdin.lock(), std::io::stdout().lock());
        return Ok(());
    }
    log::set_verbosity(args.quiet, args.verbose);
    let loops = args.threads.map_or_else(default_loops, usize::from).max(1);
    let sets =
        match socket::inherited_sockets().map_err(|e| Error::io("cannot use LISTEN_FDS", e))? {
            Some(inherited) => {
                if port.is_some() || args.bind.is_some() {
                    warn!(
                        name,
                        "using the sockets systemd handed over; --port and --bind are ignored"
                    );
                }
                inherited
                    .share(loops)
                    .map_err(|e| Error::io("cannot share the sockets handed over", e))?
            }
            None => bind(args, port.unwrap_or(default_port), loops)?,
        };
    match socket::raise_fd_limit() {
        // each connection takes a descriptor; some are needed besides
        Ok(limit) if (args.max_connections as u64).saturating_add(64) > limit => warn!(
            name,
            "--max-connections {} is above what the descriptor limit ({limit}) allows; \
             connections beyond it wait in the queue",
            args.max_connections
        ),
        Ok(_) => {}
        Err(err) => warn!(
            name,
            "cannot raise the descriptor limit: {}",
            crate::error::reason(&err)
        ),
    }
    for listener in &sets[0].tcp {
        let bound = listener
            .local_addr()
            .map_err(|e| Error::io("cannot read the bound address", e))?;
        info!(name, "listening on {bound}");
    }
    for socket in &sets[0].udp {
        let bound = socket
            .local_addr()
            .map_err(|e| Error::io("cannot read the bound address", e))?;
        info!(name, "listening on {bound} (udp)");
    }
    let limits = Limits {
        max_connections: args.max_connections,
        max_per_source: args.max_per_source,
        udp_rate: args.udp_rate,
        idle_timeout,
        grace: GRACE,
    };
    let server = Server::new(service, limits);
    stop_on_signals(server.stopper(), name)?;
    server
        .run(sets)
        .map_err(|e| Error::io("server failed", e))?;
    info!(name, "stopped");
    Ok(())
}

/// One event loop per core but one, and at least one. Loopback and NIC work of the kernel is
/// as large as a loop's own for every message, and clients on the same machine (`echo bench`,
/// a test suite) need a core too: on 2 cores beside the load generator, two loops served
/// 16-22% fewer echoes than one at 50 connections (the same at 500), as each loop slept and
/// woke for every few messages.
fn default_loops() -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    cores.saturating_sub(1).max(1)
}

/// `--tcp` (the default), `--udp`, or both on one port: a socket of each kind per event loop.
///
/// With `--port 0` and both, UDP takes the port TCP was given; when that UDP port is taken,
/// another free TCP port is tried, a few times.
fn bind(args: &ServerArgs, port: u16, loops: usize) -> Result<Vec<socket::Sockets>> {
    const TRIES: usize = 8;
    let bind = args.bind.as_deref();
    let mut attempt = 1;
    // ports tried and given up are held until the end, so that none is handed out again
    let mut given_up = Vec::new();
    loop {
        let mut sets: Vec<socket::Sockets> = (0..loops).map(|_| Default::default()).collect();
        let mut udp_port = port;
        if args.tcp || !args.udp {
            let group = socket::bind_listeners(bind, port, args.backlog, loops, Family::Any)?;
            udp_port = group[0]
                .local_addr()
                .map_err(|e| Error::io("cannot read the bound address", e))?
                .port();
            sets.iter_mut()
                .zip(group)
                .for_each(|(set, l)| set.tcp.push(l));
        }
        if args.udp {
            match socket::bind_udp(bind, udp_port, loops) {
                Ok(group) => sets
                    .iter_mut()
                    .zip(group)
                    .for_each(|(set, s)| set.udp.push(s)),
                Err(Error::Bind { source, .. })
                    if port == 0
                        && udp_port != 0
                        && source.kind() == std::io::ErrorKind::AddrInUse
                        && attempt < TRIES =>
                {
                    attempt += 1;
                    given_up.push(sets);
                    continue;
                }
                Err(err) => return Err(err),
            }
        }
        return Ok(sets);
    }
}

/// SIGINT and SIGTERM stop accepting and give open sessions the grace period.
fn stop_on_signals(stopper: crate::net::serve::Stopper, name: &'static str) -> Result<()> {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])
        .map_err(|e| Error::io("cannot handle signals", e))?;
    let watcher = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let which = if signal == SIGINT {
                    "SIGINT"
                } else {
                    "SIGTERM"
                };
                info!(
                    name,
                    "{which} received: no new connections, open ones get {} s",
                    GRACE.as_secs()
                );
                stopper.stop();
            }
        });
    watcher
        .map(drop)
        .map_err(|e| Error::io("cannot start the signal thread", e))
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
