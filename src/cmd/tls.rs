//! TLS for the commands: `--tls` and its options made settings, the warning of `--insecure`,
//! and the lines after the handshake.

use std::net::TcpStream;
use std::os::fd::BorrowedFd;
use std::time::Duration;

use crate::cli::{Starttls, TlsArgs};
use crate::error::Result;
use crate::net::copy::Stream;
use crate::net::tls::{self, starttls::Protocol, ClientSettings, Session};
use crate::net::{addr, trace::Trace};

/// The TLS side of a connection, ready before the network is touched: a bad file fails first.
#[derive(Debug)]
pub enum Tls {
    /// No `--tls`: the stream is the socket.
    Off,
    /// `addr` names the server in messages, as typed: `example.org:443`.
    Client {
        tls: tls::Client,
        addr: String,
    },
    Server(tls::Server),
}

/// Where a connection goes, for `prepare`.
#[derive(Debug, Clone, Copy)]
pub enum Role<'a> {
    /// To HOST PORT.
    Connect(&'a str, u16),
    /// `--listen`, bound to `--bind ADDR` if given.
    Listen(Option<&'a str>),
    /// Many ports of HOST (probe).
    Probe(&'a str),
}

/// Builds the TLS side `args` ask for. A client under `--insecure` warns at once (not
/// hidden by `-q`); a server says which certificate it shows and its SHA-256 fingerprint,
/// the only way to know an ephemeral one (also under `-q`: a client needs it to pin).
pub fn prepare(args: &TlsArgs, role: Role<'_>, trace: Trace) -> Result<Tls> {
    if !args.tls && args.starttls.is_none() {
        return Ok(Tls::Off);
    }
    let identity = args.cert.clone().zip(args.key.clone());
    match role {
        Role::Connect(host, _) | Role::Probe(host) => {
            let host = addr::bare_host(host);
            let name = args.sni.clone().unwrap_or_else(|| host.to_string());
            if args.insecure {
                crate::say!(
                    "netkit: warning: --insecure: the certificate of {name} is not checked; \
                     anyone on the way can read and change this session"
                );
            }
            let settings = ClientSettings {
                name,
                ca: args.ca.clone(),
                insecure: args.insecure,
                alpn: args.alpn.clone(),
                identity,
                starttls: args.starttls.map(protocol),
            };
            let addr = match role {
                Role::Connect(_, port) => addr::host_port(host, port),
                _ => host.to_string(),
            };
            Ok(Tls::Client {
                tls: tls::Client::new(&settings, trace)?,
                addr,
            })
        }
        Role::Listen(bind) => {
            let names = tls::config::ephemeral_names(bind);
            let files = identity.as_ref().map(|(c, k)| (c.as_path(), k.as_path()));
            let server = tls::Server::new(files, &names, &args.alpn)?;
            if let Some(cert) = tls::summary::Certificate::parse(&server.certificate) {
                crate::say!("{}", cert.line(jiff::Timestamp::now().as_second()));
            }
            let made = match server.ephemeral {
                true => " (made for this run)",
                false => "",
            };
            crate::say!(
                "SHA-256 fingerprint{made}: {}",
                tls::summary::fingerprint(&server.certificate)
            );
            Ok(Tls::Server(server))
        }
    }
}

impl Tls {
    /// The client side, for a caller that runs its own handshakes (probe).
    pub fn client(&self) -> Option<&tls::Client> {
        match self {
            Tls::Client { tls, .. } => Some(tls),
            _ => None,
        }
    }

    /// The connected socket as the stream to copy over: itself, or TLS after the handshake
    /// (and STARTTLS), whose summary is printed unless `quiet`. `peer` is the other end's
    /// address, named in a server's messages; `wait` bounds each step (exit 5), and `stop`
    /// ends a server's handshake early (`Error::Stopped`).
    pub fn wrap(
        &self,
        tcp: TcpStream,
        peer: &str,
        wait: Option<Duration>,
        stop: Option<BorrowedFd<'_>>,
        quiet: bool,
        trace: Trace,
    ) -> Result<Box<dyn Stream>> {
        let (stream, session) = match self {
            Tls::Off => return Ok(Box::new(tcp)),
            Tls::Client { tls, addr } => tls.connect(tcp, addr, wait, trace)?,
            Tls::Server(tls) => tls.accept(tcp, peer, wait, stop, trace)?,
        };
        if !quiet {
            show(&session, matches!(self, Tls::Server(_)));
        }
        Ok(Box::new(stream))
    }
}

/// `TLS 1.3, TLS13_AES_256_GCM_SHA384, ALPN http/1.1` and the peer's certificate line; a
/// client that sent none is worth a line on a server.
fn show(session: &Session, server: bool) {
    crate::say!("{}", session.line);
    let now = jiff::Timestamp::now().as_second();
    match (&session.certificate, server) {
        (Some(cert), false) => crate::say!("{}", cert.line(now)),
        (Some(cert), true) => crate::say!("client {}", cert.line(now)),
        (None, true) => {}
        (None, false) => crate::say!("certificate: none could be read"),
    }
}

/// The words of a TLS failure that ended the session after the handshake (an alert, a
/// broken record), when the copy loop's error is one.
pub fn ended(err: &std::io::Error) -> Option<String> {
    tls::failure(err)
}

fn protocol(starttls: Starttls) -> Protocol {
    match starttls {
        Starttls::Smtp => Protocol::Smtp,
        Starttls::Imap => Protocol::Imap,
        Starttls::Pop3 => Protocol::Pop3,
        Starttls::Ftp => Protocol::Ftp,
    }
}
