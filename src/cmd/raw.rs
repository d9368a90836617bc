//! `raw`: talk to any TCP service by hand or from a script, like telnet or nc.

use std::fs::File;
use std::io;
use std::net::{SocketAddr, TcpStream};
use std::os::fd::AsFd;

use crate::cli::RawArgs;
use crate::error::{Error, Result};
use crate::net::copy::{self, Failure, Options};
use crate::net::{addr, socket, trace::Trace};

/// One connection is all `--listen` takes; nobody else needs to queue.
const LISTEN_BACKLOG: u32 = 1;

pub fn run(args: RawArgs) -> Result<()> {
    let trace = Trace::new(args.client.trace);
    // -w 0 means no limit, for connecting and for the silence after the input ends
    let wait = args.client.timeout(None);
    let (stream, peer) = match (&args.host, args.port, args.listen) {
        (_, _, Some(port)) => accept(&args, port, &trace)?,
        (Some(host), Some(port), None) => {
            let stream = socket::connect(host, port, args.client.family(), wait, &trace)?;
            let host = addr::bare_host(host);
            match stream.peer_addr() {
                Ok(peer) => {
                    banner(
                        &args,
                        format_args!("Connected to {host} ({}) port {}.", peer.ip(), peer.port()),
                    );
                    (stream, peer.to_string())
                }
                // a peer that resets at once leaves no address to read; the first read
                // reports the reset
                Err(_) => {
                    banner(&args, format_args!("Connected to {host} port {port}."));
                    (stream, addr::host_port(host, port))
                }
            }
        }
        // clap requires HOST and PORT together, or --listen
        _ => return Err(Error::Failed("give HOST and PORT, or --listen PORT".into())),
    };
    let options = Options {
        crlf: args.crlf,
        telnet: args.telnet,
        idle: wait,
        trace,
    };
    // our own descriptor for stdin: std's Stdin buffers, and what it holds poll cannot see
    let input = io::stdin()
        .as_fd()
        .try_clone_to_owned()
        .map(File::from)
        .map_err(|e| Error::io("cannot read stdin", e))?;
    copy::pump(stream, input, &mut io::stdout().lock(), options)
        .map(|_| ())
        .map_err(|failure| explain(failure, &peer))
}

/// `--listen`: waits for one connection, then stops listening.
fn accept(args: &RawArgs, port: u16, trace: &Trace) -> Result<(TcpStream, String)> {
    let mut one = socket::bind_listeners(
        args.bind.as_deref(),
        port,
        LISTEN_BACKLOG,
        1,
        args.client.family(),
    )?;
    let listener = one.remove(0);
    let local = listener
        .local_addr()
        .map_err(|e| Error::io("cannot read the bound address", e))?;
    trace.step(format_args!("listening on {local}"));
    // with --listen 0 this is the only way to learn the port
    banner(
        args,
        format_args!("Listening on {} port {}.", local.ip(), local.port()),
    );
    let (stream, peer) = listener
        .accept()
        .map_err(|e| Error::io(format!("cannot accept a connection on {local}"), e))?;
    // a dual-stack listener sees IPv4 clients as ::ffff:a.b.c.d; people know them as a.b.c.d
    let peer = SocketAddr::new(peer.ip().to_canonical(), peer.port());
    trace.step(format_args!("connection from {peer} to {local}"));
    banner(
        args,
        format_args!("Connection from {} port {}.", peer.ip(), peer.port()),
    );
    Ok((stream, peer.to_string()))
}

/// The human-readable lines on stderr, which `-q` hides (the trace stays).
fn banner(args: &RawArgs, line: std::fmt::Arguments<'_>) {
    if !args.quiet {
        crate::say!("{line}");
    }
}

/// `peer` is the address as `host:port`, the way the user would type it.
fn explain(failure: Failure, peer: &str) -> Error {
    match failure {
        Failure::Receive(err) | Failure::Send(err)
            if err.kind() == io::ErrorKind::ConnectionReset =>
        {
            Error::Failed(format!("connection to {peer} reset by peer"))
        }
        Failure::Unsent(_) => Error::Failed(format!(
            "{peer} closed the connection before all input was sent"
        )),
        Failure::Receive(err) => Error::io(format!("cannot read from {peer}"), err),
        Failure::Send(err) => Error::io(format!("cannot send to {peer}"), err),
        Failure::Input(err) => Error::io("cannot read stdin", err),
        // a reader that went away (`| head -c1`) is reported quietly, as everywhere
        Failure::Output(err) => Error::stdout(err),
        Failure::Dump(err) => Error::io("cannot write the hexdump", err),
    }
}
