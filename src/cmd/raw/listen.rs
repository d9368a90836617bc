//! `raw --listen`: a client on a TCP port or a Unix socket file (`-k`: one after another), or
//! datagrams from anyone on a UDP port.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixListener;
use std::path::Path;
use std::time::Duration;

use super::{banner, Session};
use crate::error::{Error, Result};
use crate::net::copy::{Datagrams, End, Failure, NewSender, Stream};
use crate::net::listen::{self, Stop};
use crate::net::{addr, socket};

/// Without `-k`, one connection is all `--listen` takes; nobody else needs to queue.
const LISTEN_BACKLOG: u32 = 1;

/// With `-k`, the clients that may wait for their turn.
const KEEP_OPEN_BACKLOG: u32 = 128;

/// How long a client's TLS handshake may take without `-w`: a silent client must not keep
/// the next one waiting for ever.
pub const HANDSHAKE_WAIT: Duration = Duration::from_secs(10);

/// `--listen PORT`: TCP, or UDP with `-u`.
pub(super) fn on_port(session: &mut Session<'_>, port: u16) -> Result<()> {
    let args = session.args;
    if args.keep_open {
        session.stop = Some(stop_on_signals()?);
    }
    if args.udp {
        return datagrams(session, port);
    }
    let mut one = socket::bind_listeners(
        args.bind.as_deref(),
        port,
        backlog(session),
        1,
        args.client.family(),
    )?;
    let listener = one.remove(0);
    let local = listener
        .local_addr()
        .map_err(|e| Error::io("cannot read the bound address", e))?;
    session.trace.step(format_args!("listening on {local}"));
    // with --listen 0 this is the only way to learn the port
    banner(
        args,
        format_args!("Listening on {} port {}.", local.ip(), local.port()),
    );
    serve(session, &Listener::Tcp(listener, local))
}

/// `--listen -U PATH`: the socket file exists while netkit listens, and not after.
pub(super) fn on_path(session: &mut Session<'_>, path: &Path) -> Result<()> {
    // before the file exists, so that no signal can leave it behind
    session.stop = Some(stop_on_signals()?);
    let (listener, _file) = socket::bind_unix(path, backlog(session), &session.trace)?;
    session
        .trace
        .step(format_args!("listening on {}", path.display()));
    banner(
        session.args,
        format_args!("Listening on {}.", path.display()),
    );
    serve(session, &Listener::Unix(listener, path))
}

fn backlog(session: &Session<'_>) -> u32 {
    if session.args.keep_open {
        KEEP_OPEN_BACKLOG
    } else {
        LISTEN_BACKLOG
    }
}

fn stop_on_signals() -> Result<Stop> {
    Stop::on_signals().map_err(|e| Error::io("cannot handle signals", e))
}

/// A stream listener: TCP, or Unix on a path.
enum Listener<'a> {
    Tcp(TcpListener, SocketAddr),
    Unix(UnixListener, &'a Path),
}

impl Listener<'_> {
    fn as_fd(&self) -> BorrowedFd<'_> {
        match self {
            Listener::Tcp(listener, _) => listener.as_fd(),
            Listener::Unix(listener, _) => listener.as_fd(),
        }
    }

    /// The next client's stream and its name for messages, announced; with `--tls`, once
    /// its handshake is done, within `-w` (default `HANDSHAKE_WAIT`) and unless a signal
    /// comes first (`Error::Stopped`).
    fn accept(&self, session: &Session<'_>) -> Result<(Box<dyn Stream>, String), Refused> {
        match self {
            Listener::Tcp(listener, local) => {
                let (stream, peer) = listener.accept().map_err(Refused::Accept)?;
                // a dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; people know a.b.c.d
                let peer = addr::canonical(peer);
                session
                    .trace
                    .step(format_args!("connection from {peer} to {local}"));
                banner(
                    session.args,
                    format_args!("Connection from {} port {}.", peer.ip(), peer.port()),
                );
                let peer = peer.to_string();
                let args = session.args;
                let wait = args.client.timeout(Some(HANDSHAKE_WAIT));
                let stop = session.stop.as_ref().map(Stop::fd);
                let stream = session
                    .tls
                    .wrap(stream, &peer, wait, stop, args.quiet, session.trace)
                    .map_err(Refused::Tls)?;
                Ok((stream, peer))
            }
            Listener::Unix(listener, path) => {
                // Unix clients seldom bind a name of their own: the path is what there is
                let (stream, _) = listener.accept().map_err(Refused::Accept)?;
                let path = path.display();
                session.trace.step(format_args!("connection on {path}"));
                banner(session.args, format_args!("Connection on {path}."));
                Ok((Box::new(stream), path.to_string()))
            }
        }
    }

    fn name(&self) -> String {
        match self {
            Listener::Tcp(_, local) => local.to_string(),
            Listener::Unix(_, path) => path.display().to_string(),
        }
    }
}

/// Why a client was not taken.
enum Refused {
    Accept(io::Error),
    /// Its TLS handshake failed.
    Tls(Error),
}

/// Serves one client, or with `-k` one after another until a signal (then `Ok`). With `-k`,
/// a client's own trouble (a reset, a failed read) is its line on stderr, and the next
/// client is still welcome; trouble with stdin, stdout or the dump ends netkit.
fn serve(session: &mut Session<'_>, listener: &Listener<'_>) -> Result<()> {
    let keep_open = session.args.keep_open;
    let stopped = |session: &Session<'_>| {
        session.trace.step("signal received: no more clients");
        Ok(())
    };
    loop {
        let waited = listen::wait_readable(listener.as_fd(), session.stop.as_ref());
        if !waited.map_err(|e| Error::io("cannot wait for a client", e))? {
            return stopped(session);
        }
        let (stream, peer) = match listener.accept(session) {
            Ok(accepted) => accepted,
            Err(Refused::Tls(Error::Stopped)) => return stopped(session),
            // a client that gave up while it waited for its turn
            Err(Refused::Accept(err))
                if keep_open && err.kind() == io::ErrorKind::ConnectionAborted =>
            {
                continue
            }
            Err(Refused::Accept(err)) => {
                let what = format!("cannot accept a connection on {}", listener.name());
                return Err(Error::io(what, err));
            }
            // with -k, a client's failed handshake is its line; the next one is welcome
            Err(Refused::Tls(err)) if keep_open => {
                err.warn();
                continue;
            }
            Err(Refused::Tls(err)) => return Err(err),
        };
        // -w bounds the silence after stdin ends, never the wait for a client (as nc -l)
        match session.converse(stream, session.args.client.timeout(None), &peer) {
            Ok(End::Stopped | End::Quit) => return Ok(()),
            Ok(_) => {}
            Err(failure @ (Failure::Receive(_) | Failure::Send(_) | Failure::Unsent(_)))
                if keep_open =>
            {
                session.explain(failure, &peer).warn();
            }
            Err(failure) => return Err(session.explain(failure, &peer)),
        }
        if !keep_open {
            return Ok(());
        }
        session.trace.step("waiting for the next client");
    }
}

/// `--listen -u PORT`: datagrams from anyone, stdin to the most recent sender. It ends
/// once stdin has ended and `-w` passes without a datagram (never without `-w`, nor with `-k`).
fn datagrams(session: &mut Session<'_>, port: u16) -> Result<()> {
    let args = session.args;
    let socket = socket::bind_datagram(args.bind.as_deref(), port, args.client.family())?;
    let local = socket
        .local_addr()
        .map_err(|e| Error::io("cannot read the bound address", e))?;
    session
        .trace
        .step(format_args!("listening on {local} (udp)"));
    banner(
        args,
        format_args!("Listening on {} port {}.", local.ip(), local.port()),
    );
    // stdin waits too: until someone sends, there is nobody to send it to
    session.trace.step("waiting for the first datagram");
    let waited = listen::wait_readable(socket.as_fd(), session.stop.as_ref());
    if !waited.map_err(|e| Error::io("cannot wait for a datagram", e))? {
        session.trace.step("signal received: no more datagrams");
        return Ok(());
    }
    let (_, first) = socket
        .peek_from(&mut [0; 1])
        .map_err(|e| Error::io(format!("cannot read from {local}"), e))?;
    let peer = addr::canonical(first).to_string();
    let announce = |sender: SocketAddr| {
        crate::say!("Datagram from {} port {}.", sender.ip(), sender.port());
    };
    let on_new_sender = (!args.quiet).then(|| Box::new(announce) as NewSender);
    let stream = Datagrams::listening(socket, first, on_new_sender, session.trace);
    let idle = if args.keep_open {
        None
    } else {
        args.client.timeout(None)
    };
    session
        .converse(stream, idle, &peer)
        .map(drop)
        .map_err(|failure| session.explain(failure, &peer))
}
