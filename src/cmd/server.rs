//! The one server start-up: inetd, socket activation, binding, signals, then the event loops.

use std::time::Duration;

use crate::cli::ServerArgs;
use crate::error::{Error, Result};
use crate::net::serve::bind::Listen;
use crate::net::serve::{Limits, Server, Service, Site, Stopper};
use crate::net::{iface, inetd, socket};
use crate::{info, log, warn};

/// Sessions still open get this long after SIGINT, SIGTERM or SIGHUP.
pub const GRACE: Duration = Duration::from_secs(2);

/// What a server command settles before the start-up: its port, and how long a connection may
/// stay quiet.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// `--port`, if given.
    pub port: Option<u16>,
    /// The service's well-known port, for when `--port` is not given.
    pub default_port: u16,
    /// `None`: never close a quiet connection.
    pub idle_timeout: Option<Duration>,
}

/// `--idle-timeout SECS` as a limit: 0 is none.
pub fn idle_timeout(secs: u64) -> Option<Duration> {
    (secs > 0).then(|| Duration::from_secs(secs))
}

/// Serves `service` as the server options say, until a signal: under `--inetd`, what inetd
/// handed over; otherwise on the sockets systemd handed over, or on its own bound ones.
pub fn run<S: Service>(service: S, args: &ServerArgs, settings: Settings) -> Result<()> {
    if args.inetd {
        // stderr is the client's socket too under inetd: a log line would reach the client
        log::silence();
        return inetd::serve(&service, args.udp, args.udp_rate, settings.idle_timeout);
    }
    log::set_verbosity(args.quiet, args.verbose);
    let name = service.name();
    let loops = args.threads.map_or_else(default_loops, usize::from).max(1);
    let sockets =
        match socket::inherited_sockets().map_err(|e| Error::io("cannot use LISTEN_FDS", e))? {
            Some(inherited) => {
                if settings.port.is_some() || args.bind.is_some() {
                    warn!(
                        name,
                        "using the sockets systemd handed over; --port and --bind are ignored"
                    );
                }
                inherited
                    .share(loops)
                    .map_err(|e| Error::io("cannot share the sockets handed over", e))?
            }
            None => Listen {
                bind: args.bind.as_deref(),
                port: settings.port.unwrap_or(settings.default_port),
                backlog: args.backlog,
                tcp: args.tcp || !args.udp,
                udp: args.udp,
            }
            .bind(loops)?,
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
    for listener in &sockets[0].tcp {
        let bound = listener
            .local_addr()
            .map_err(|e| Error::io("cannot read the bound address", e))?;
        info!(name, "listening on {bound}");
    }
    for socket in &sockets[0].udp {
        let bound = socket
            .local_addr()
            .map_err(|e| Error::io("cannot read the bound address", e))?;
        info!(name, "listening on {bound} (udp)");
    }
    log_reachable(name, &sockets[0]);
    let server = Server::new(Limits {
        max_connections: args.max_connections,
        max_per_source: args.max_per_source,
        udp_rate: args.udp_rate,
        idle_timeout: settings.idle_timeout,
        grace: GRACE,
    });
    stop_on_signals(server.stopper(), name)?;
    server
        .run(vec![Site { service, sockets }])
        .map_err(|e| Error::io("server failed", e))?;
    info!(name, "stopped");
    Ok(())
}

/// For each wildcard the server is bound to, the addresses to give a client (`listening on
/// [::]:55555` names none): `reachable at 192.168.1.20:55555, 127.0.0.1:55555`.
fn log_reachable(name: &'static str, sockets: &socket::Sockets) {
    let tcp = sockets.tcp.iter().map(socket2::SockRef::from);
    let udp = sockets.udp.iter().map(socket2::SockRef::from);
    let mut done = Vec::new();
    for socket in tcp.chain(udp) {
        let Some(bound) = socket.local_addr().ok().and_then(|a| a.as_socket()) else {
            continue;
        };
        if !bound.ip().is_unspecified() || done.contains(&bound) {
            continue;
        }
        done.push(bound);
        let dual_stack = bound.is_ipv6() && !socket.only_v6().unwrap_or(false);
        match iface::reachable(bound, dual_stack) {
            Ok(found) if !found.is_empty() => info!(name, "reachable at {}", found.join(", ")),
            Ok(_) => {}
            Err(err) => warn!(
                name,
                "cannot list this machine's addresses: {}",
                crate::error::reason(&err)
            ),
        }
    }
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

/// SIGINT, SIGTERM and SIGHUP (the terminal closed) stop accepting and give open sessions the
/// grace period.
fn stop_on_signals(stopper: Stopper, name: &'static str) -> Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])
        .map_err(|e| Error::io("cannot handle signals", e))?;
    let watcher = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            if let Some(signal) = signals.forever().next() {
                let which = match signal {
                    SIGINT => "SIGINT",
                    SIGHUP => "SIGHUP",
                    _ => "SIGTERM",
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
