//! The one server start-up: inetd, socket activation, binding, signals, then the event loops.

use std::time::Duration;

use crate::cli::ServerArgs;
use crate::error::{Error, Result};
use crate::net::iface;
use crate::net::inetd;
use crate::net::listen::{signal_name, Stop};
use crate::net::serve::bind::Listen;
use crate::net::serve::{Limits, Server, Service, Site, Stopper};
use crate::net::socket::{self, Sockets};
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

/// One service of a server and the port it binds when systemd hands nothing over.
pub struct Entry<S> {
    pub service: S,
    pub port: u16,
}

/// Serves `service` as the server options say, until a signal: under `--inetd`, what inetd
/// handed over; otherwise on the sockets systemd handed over, or on its own bound ones.
pub fn run<S: Service>(service: S, args: &ServerArgs, settings: Settings) -> Result<()> {
    let port = settings.port.unwrap_or(settings.default_port);
    let ignored =
        (settings.port.is_some() || args.bind.is_some()).then_some("--port and --bind are");
    let entries = vec![Entry { service, port }];
    run_all(entries, args, settings.idle_timeout, ignored)
}

/// Serves several services from one set of event loops, each on its own port, as `run` does
/// one. Sockets handed over by systemd go to the services by name or port (see `assign`);
/// then a warning says what is `ignored` ("--bind is").
pub fn run_all<S: Service>(
    mut entries: Vec<Entry<S>>,
    args: &ServerArgs,
    idle_timeout: Option<Duration>,
    ignored: Option<&str>,
) -> Result<()> {
    if args.inetd {
        // stderr is the client's socket too under inetd: a log line would reach the client
        log::silence();
        if entries.len() != 1 {
            return Err(Error::usage(
                "serve",
                clap::error::ErrorKind::ArgumentConflict,
                "--inetd serves one service: give one SERVICE",
            ));
        }
        let service = &entries[0].service;
        return inetd::serve(service, args.udp, args.udp_rate, idle_timeout);
    }
    log::set_verbosity(args.quiet, args.verbose);
    // a line about the whole server names its service, or "serve" for several
    let name = match &entries[..] {
        [one] => one.service.name(),
        _ => "serve",
    };
    let loops = args.threads.map_or_else(default_loops, usize::from).max(1);
    let sets = sockets(&entries, args, loops, ignored, name)?;
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
    let mut sites = Vec::with_capacity(entries.len());
    for (entry, sockets) in entries.drain(..).zip(sets) {
        log_listening(entry.service.name(), &sockets[0])?;
        log_reachable(entry.service.name(), &sockets[0]);
        sites.push(Site {
            service: entry.service,
            sockets,
        });
    }
    let server = Server::new(Limits {
        max_connections: args.max_connections,
        max_per_source: args.max_per_source,
        udp_rate: args.udp_rate,
        idle_timeout,
        grace: GRACE,
    });
    stop_on_signals(server.stopper(), name)?;
    server
        .run(sites)
        .map_err(|e| Error::io("server failed", e))?;
    info!(name, "stopped");
    Ok(())
}

/// Each entry's sockets, one set per loop: those systemd handed over, or bound here.
fn sockets<S: Service>(
    entries: &[Entry<S>],
    args: &ServerArgs,
    loops: usize,
    ignored: Option<&str>,
    name: &'static str,
) -> Result<Vec<Vec<Sockets>>> {
    let handed = socket::handed_sockets().map_err(|e| Error::io("cannot use LISTEN_FDS", e))?;
    let Some(handed) = handed else {
        let bind = |entry: &Entry<S>| {
            Listen {
                bind: args.bind.as_deref(),
                port: entry.port,
                backlog: args.backlog,
                tcp: args.tcp || !args.udp,
                udp: args.udp,
            }
            .bind(loops)
        };
        return entries.iter().map(bind).collect();
    };
    if let Some(ignored) = ignored {
        warn!(
            name,
            "using the sockets systemd handed over; {ignored} ignored"
        );
    }
    let mut sets = Vec::with_capacity(entries.len());
    for (entry, sockets) in entries.iter().zip(assign(entries, handed)?) {
        if sockets.tcp.is_empty() && sockets.udp.is_empty() {
            warn!(
                entry.service.name(),
                "no socket handed over is for it (by name or port {}); not served", entry.port
            );
        }
        let shared = sockets
            .share(loops)
            .map_err(|e| Error::io("cannot share the sockets handed over", e))?;
        sets.push(shared);
    }
    Ok(sets)
}

/// The `listening on` lines of one service, with the addresses actually bound.
fn log_listening(name: &'static str, sockets: &Sockets) -> Result<()> {
    for listener in &sockets.tcp {
        let bound = listener
            .local_addr()
            .map_err(|e| Error::io("cannot read the bound address", e))?;
        info!(name, "listening on {bound}");
    }
    for socket in &sockets.udp {
        let bound = socket
            .local_addr()
            .map_err(|e| Error::io("cannot read the bound address", e))?;
        info!(name, "listening on {bound} (udp)");
    }
    Ok(())
}

/// Gives each socket systemd handed over to the entry it is for, in the entries' order.
///
/// One entry takes them all. With several, a socket goes to the service its name names
/// (`echo`, or the socket unit's `echo.socket`), the one on its port among those if the name
/// is shared; a socket without such a name goes to the entry of its port. A socket that fits
/// no entry is an error.
fn assign<S: Service>(entries: &[Entry<S>], handed: Vec<socket::Handed>) -> Result<Vec<Sockets>> {
    let mut sets: Vec<Sockets> = entries.iter().map(|_| Sockets::default()).collect();
    if let [_] = entries {
        for one in handed {
            sets[0].tcp.extend(one.sockets.tcp);
            sets[0].udp.extend(one.sockets.udp);
        }
        return Ok(sets);
    }
    for one in handed {
        let port = one
            .sockets
            .tcp
            .first()
            .map(|l| l.local_addr())
            .or_else(|| one.sockets.udp.first().map(|s| s.local_addr()))
            .transpose()
            .map_err(|e| Error::io("cannot read the address of a socket handed over", e))?
            .map_or(0, |a| a.port());
        let named: Vec<usize> = (0..entries.len())
            .filter(|&i| {
                let service = entries[i].service.name();
                one.name.as_deref().is_some_and(|name| {
                    name == service || name.strip_suffix(".socket") == Some(service)
                })
            })
            .collect();
        let on_port = |i: &usize| entries[*i].port == port;
        let chosen = match named.iter().find(|i| on_port(i)).or(named.first()) {
            Some(&i) => Some(i),
            None => (0..entries.len()).find(on_port),
        };
        let Some(i) = chosen else {
            let name = one
                .name
                .as_deref()
                .map_or(String::new(), |n| format!(" named '{n}'"));
            return Err(Error::Failed(format!(
                "the socket handed over as descriptor {}{name} on port {port} is for none of \
                 the services: name it after one (FileDescriptorName=) or give SERVICE:{port}",
                one.fd
            )));
        };
        sets[i].tcp.extend(one.sockets.tcp);
        sets[i].udp.extend(one.sockets.udp);
    }
    Ok(sets)
}

/// For each wildcard the server is bound to, the addresses to give a client (`listening on
/// [::]:55555` names none): `reachable at 192.168.1.20:55555, 127.0.0.1:55555`.
fn log_reachable(name: &'static str, sockets: &Sockets) {
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
/// grace period; the watcher thread waits on the one stop every command uses.
fn stop_on_signals(stopper: Stopper, name: &'static str) -> Result<()> {
    let stop = Stop::on_signals().map_err(|e| Error::io("cannot handle signals", e))?;
    let watcher = std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || match stop.wait() {
            Ok(signal) => {
                info!(
                    name,
                    "{} received: no new connections, open ones get {} s",
                    signal_name(signal),
                    GRACE.as_secs()
                );
                stopper.stop();
            }
            Err(err) => warn!(
                name,
                "cannot wait for signals: {}",
                crate::error::reason(&err)
            ),
        });
    watcher
        .map(drop)
        .map_err(|e| Error::io("cannot start the signal thread", e))
}
