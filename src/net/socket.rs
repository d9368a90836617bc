//! The one place sockets are made (socket2): family, v6-only, reuse-address, backlog, timeouts.
//! Unix-domain sockets, which live in the file system, are in `unix`.

mod unix;

use std::io;
use std::net::{Ipv6Addr, SocketAddr, TcpListener, TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use socket2::{Domain, Protocol, SockAddr, Socket, Type};

use super::addr::{self, Family};
use super::trace::Trace;
use crate::error::{Error, Result};

pub use unix::{bind_unix, connect_unix, SocketFile};

/// The sockets a server serves: TCP listeners and UDP sockets.
#[derive(Debug, Default)]
pub struct Sockets {
    pub tcp: Vec<TcpListener>,
    pub udp: Vec<UdpSocket>,
}

impl Sockets {
    /// One set per event loop, each a duplicate of these same sockets: for sockets handed
    /// over (systemd), which cannot be multiplied; every loop then polls all of them.
    pub fn share(self, loops: usize) -> io::Result<Vec<Sockets>> {
        let mut sets = Vec::with_capacity(loops.max(1));
        for _ in 1..loops.max(1) {
            sets.push(Sockets {
                tcp: self
                    .tcp
                    .iter()
                    .map(TcpListener::try_clone)
                    .collect::<io::Result<_>>()?,
                udp: self
                    .udp
                    .iter()
                    .map(UdpSocket::try_clone)
                    .collect::<io::Result<_>>()?,
            });
        }
        sets.push(self);
        Ok(sets)
    }
}

/// `count` listening TCP sockets bound to `bind` (default `::` dual-stack, `0.0.0.0` without
/// IPv6) and `port`. More than one form an SO_REUSEPORT group, so each event loop accepts from
/// its own queue, which the kernel fills by a hash of the client's address and port, instead
/// of every loop waking for every connection.
///
/// SO_REUSEADDR is set on Unix so a restarted server binds at once; the sockets are left
/// blocking, and whoever serves them decides. Errors name the address and say whether the
/// port is privileged or taken. `family` V4 listens on `0.0.0.0`, V6 on `::` for IPv6 alone
/// (IPV6_V6ONLY on); with `bind`, it picks which of the name's addresses.
pub fn bind_listeners(
    bind: Option<&str>,
    port: u16,
    backlog: u32,
    count: usize,
    family: Family,
) -> Result<Vec<TcpListener>> {
    let group = bind_server(bind, port, Type::STREAM, Some(backlog), count, family)?;
    Ok(group.into_iter().map(Socket::into).collect())
}

/// `count` UDP sockets bound like `bind_listeners`', for a datagram server; a group shares
/// the datagrams out by the client's address and port.
pub fn bind_udp(bind: Option<&str>, port: u16, count: usize) -> Result<Vec<UdpSocket>> {
    let group = bind_server(bind, port, Type::DGRAM, None, count, Family::Any)?;
    Ok(group.into_iter().map(Socket::into).collect())
}

/// One UDP socket bound like `bind_listeners`', `family` included (`raw --listen -u`).
pub fn bind_datagram(bind: Option<&str>, port: u16, family: Family) -> Result<UdpSocket> {
    let mut one = bind_server(bind, port, Type::DGRAM, None, 1, family)?;
    Ok(one.remove(0).into())
}

/// Binds (and, given a backlog, listens on) `count` sockets on one address.
///
/// The first is bound and listening before it allows SO_REUSEPORT: a port someone holds is
/// "in use" as ever, and a second netkit starting on the same port finds this one's socket
/// taken rather than joining the group unnoticed (SO_REUSEPORT lets any process of the same
/// user in). The rest of the group then binds to the address the first got (`--port 0`).
fn bind_server(
    bind: Option<&str>,
    port: u16,
    kind: Type,
    backlog: Option<u32>,
    count: usize,
    family: Family,
) -> Result<Vec<Socket>> {
    let backlog = backlog.map(|b| b.min(i32::MAX as u32) as i32);
    let addr = match (bind, family) {
        (Some(text), _) => addr::bind_addr(text, port, family)?,
        (None, Family::V4) => SocketAddr::from(([0, 0, 0, 0], port)),
        (None, _) => SocketAddr::from((Ipv6Addr::UNSPECIFIED, port)),
    };
    let v6_only = family == Family::V6;
    let bind_error = |addr: SocketAddr, source| Error::Bind {
        addr: addr.to_string(),
        port,
        source,
    };
    let first = match bind_on(addr, kind, backlog, false, v6_only) {
        Err(err) if bind.is_none() && family == Family::Any && is_ipv6_unavailable(&err) => {
            let v4 = SocketAddr::from(([0, 0, 0, 0], port));
            bind_on(v4, kind, backlog, false, false).map_err(|e| bind_error(v4, e))
        }
        result => result.map_err(|e| bind_error(addr, e)),
    }?;
    if count <= 1 {
        return Ok(vec![first]);
    }
    let bound = first
        .local_addr()
        .ok()
        .and_then(|a| a.as_socket())
        .ok_or_else(|| Error::Failed("cannot read the bound address".into()))?;
    first
        .set_reuse_port(true)
        .map_err(|e| bind_error(bound, e))?;
    let mut group = vec![first];
    for _ in 1..count {
        let member = bind_on(bound, kind, backlog, true, v6_only);
        group.push(member.map_err(|e| bind_error(bound, e))?);
    }
    Ok(group)
}

fn bind_on(
    addr: SocketAddr,
    kind: Type,
    backlog: Option<i32>,
    reuse_port: bool,
    v6_only: bool,
) -> io::Result<Socket> {
    let protocol = if kind == Type::STREAM {
        Protocol::TCP
    } else {
        Protocol::UDP
    };
    let socket = Socket::new(Domain::for_address(addr), kind, Some(protocol))?;
    if addr.is_ipv6() {
        // dual-stack, so IPv4 clients reach a server bound to `::`, unless asked for IPv6 alone
        socket.set_only_v6(v6_only)?;
    }
    // a restarted TCP server binds at once despite TIME_WAIT; on UDP the option would let a
    // second server share the port unnoticed, and there is no TIME_WAIT to skip
    #[cfg(unix)]
    if kind == Type::STREAM {
        socket.set_reuse_address(true)?;
    }
    if reuse_port {
        socket.set_reuse_port(true)?;
    }
    socket.bind(&SockAddr::from(addr))?;
    if let Some(backlog) = backlog {
        socket.listen(backlog)?;
    }
    Ok(socket)
}

fn is_ipv6_unavailable(err: &io::Error) -> bool {
    matches!(
        err.raw_os_error(),
        Some(libc::EAFNOSUPPORT | libc::EADDRNOTAVAIL | libc::EPROTONOSUPPORT)
    )
}

/// A connected TCP stream to `host`, trying every resolved address in turn.
///
/// `timeout` bounds each attempt; the error of the last attempt is the one reported, naming
/// the address that failed.
pub fn connect(
    host: &str,
    port: u16,
    family: Family,
    timeout: Option<Duration>,
    trace: &Trace,
) -> Result<TcpStream> {
    let addrs = addr::resolve_traced(host, port, family, trace)?;
    connect_any(&addrs, timeout, trace)
}

/// A connected TCP stream to the first of `addrs` that answers; the error is the last one.
pub fn connect_any(
    addrs: &[SocketAddr],
    timeout: Option<Duration>,
    trace: &Trace,
) -> Result<TcpStream> {
    // `-w` bounds connecting as a whole, however many addresses there are to try
    let deadline = timeout.map(|limit| Instant::now() + limit);
    let mut last = None;
    for &addr in addrs {
        let remaining = deadline.map(|d| d.saturating_duration_since(Instant::now()));
        if remaining.is_some_and(|r| r.is_zero()) {
            last = Some(Error::Connect {
                addr: addr.to_string(),
                source: io::ErrorKind::TimedOut.into(),
            });
            break;
        }
        match connect_one(addr, remaining, trace) {
            Ok(stream) => return Ok(stream),
            Err(source) => {
                trace.step(format_args!(
                    "connect to {addr} failed: {}",
                    crate::error::reason(&source)
                ));
                last = Some(Error::Connect {
                    addr: addr.to_string(),
                    source,
                });
            }
        }
    }
    Err(last.unwrap_or_else(|| Error::Failed("cannot connect: no address to try".into())))
}

fn connect_one(
    addr: SocketAddr,
    timeout: Option<Duration>,
    trace: &Trace,
) -> io::Result<TcpStream> {
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    trace.step(format_args!(
        "socket created ({}, stream, tcp)",
        if addr.is_ipv4() { "IPv4" } else { "IPv6" }
    ));
    trace.step(format_args!("connecting to {addr}"));
    match timeout {
        Some(limit) => socket.connect_timeout(&SockAddr::from(addr), limit)?,
        None => socket.connect(&SockAddr::from(addr))?,
    }
    let stream: TcpStream = socket.into();
    if let Ok(local) = stream.local_addr() {
        trace.step(format_args!("connected from {local} to {addr}"));
    }
    Ok(stream)
}

/// A non-blocking TCP socket whose connect to `addr` has begun, for a probe's event loop: poll
/// it for writable, then `take_error` tells refused from connected.
///
/// The outer error is a socket that cannot be made (out of descriptors); the inner one a
/// connect that failed at once (no route), which is the probe's answer.
pub fn connect_started(addr: SocketAddr) -> io::Result<(mio::net::TcpStream, Option<io::Error>)> {
    let socket = nonblocking(addr, Type::STREAM, Protocol::TCP)?;
    let failed = match socket.connect(&SockAddr::from(addr)) {
        Ok(()) => None,
        // on loopback the refusal is often in before connect returns: no need to poll for it
        Err(err) if err.raw_os_error() == Some(libc::EINPROGRESS) => socket.take_error()?,
        Err(err) => Some(err),
    };
    Ok((mio::net::TcpStream::from_std(socket.into()), failed))
}

/// A non-blocking UDP socket on an ephemeral port, connected to `addr` so that an ICMP port
/// unreachable comes back as a refused receive, and only `addr`'s datagrams are received.
///
/// Errors as for `connect_started`: outer, no socket; inner, a connect refused at once.
pub fn udp_connected(addr: SocketAddr) -> io::Result<(mio::net::UdpSocket, Option<io::Error>)> {
    let socket = nonblocking(addr, Type::DGRAM, Protocol::UDP)?;
    let failed = socket.connect(&SockAddr::from(addr)).err();
    Ok((mio::net::UdpSocket::from_std(socket.into()), failed))
}

/// A non-blocking socket for `addr`'s family: one system call where the flag can be given at
/// creation.
fn nonblocking(addr: SocketAddr, kind: Type, protocol: Protocol) -> io::Result<Socket> {
    #[cfg(any(target_os = "linux", target_os = "android"))]
    return Socket::new(
        Domain::for_address(addr),
        kind.nonblocking(),
        Some(protocol),
    );
    #[cfg(not(any(target_os = "linux", target_os = "android")))]
    {
        let socket = Socket::new(Domain::for_address(addr), kind, Some(protocol))?;
        socket.set_nonblocking(true)?;
        Ok(socket)
    }
}

/// One socket systemd handed over, with the name it was given (`LISTEN_FDNAMES`, from
/// `FileDescriptorName=` or the socket unit's name).
#[derive(Debug)]
pub struct Handed {
    pub fd: std::os::fd::RawFd,
    pub name: Option<String>,
    /// The one socket, as TCP or as UDP.
    pub sockets: Sockets,
}

/// The sockets systemd handed over (`LISTEN_PID`, `LISTEN_FDS`, from descriptor 3 on), one
/// by one with their names: listening stream sockets serve TCP, datagram sockets UDP; any
/// other is left open and skipped. `None` when none were handed to this process.
///
/// The variables are removed so that nothing started later takes them for its own.
pub fn handed_sockets() -> io::Result<Option<Vec<Handed>>> {
    use std::os::fd::{FromRawFd, RawFd};
    const FIRST: RawFd = 3;
    let ours = std::env::var("LISTEN_PID")
        .ok()
        .and_then(|p| p.parse::<u32>().ok())
        == Some(std::process::id());
    let count = std::env::var("LISTEN_FDS")
        .ok()
        .and_then(|n| n.parse::<RawFd>().ok());
    // more than a thousand sockets is not something systemd hands to one service
    let (true, Some(count @ 1..=1024)) = (ours, count) else {
        return Ok(None);
    };
    let names = std::env::var("LISTEN_FDNAMES").unwrap_or_default();
    let mut names = names.split(':').map(str::to_owned);
    for name in ["LISTEN_PID", "LISTEN_FDS", "LISTEN_FDNAMES"] {
        std::env::remove_var(name);
    }
    let mut handed = Vec::new();
    for fd in FIRST..FIRST + count {
        let name = names.next().filter(|n| !n.is_empty());
        // SAFETY: fcntl(F_GETFD) only asks whether the descriptor is open
        if unsafe { libc::fcntl(fd, libc::F_GETFD) } < 0 {
            return Err(io::Error::other(format!("descriptor {fd} is not open")));
        }
        // SAFETY: the descriptor is open, and systemd handed it to this process alone; each is
        // wrapped once
        let socket = unsafe { Socket::from_raw_fd(fd) };
        socket.set_cloexec(true)?;
        let kind = socket.r#type()?;
        let mut sockets = Sockets::default();
        if kind == Type::STREAM && socket.is_listener()? {
            sockets.tcp.push(socket.into());
        } else if kind == Type::DGRAM && matches!(socket.domain()?, Domain::IPV4 | Domain::IPV6) {
            sockets.udp.push(socket.into());
        } else {
            // not ours to serve: keep it open rather than close what systemd owns
            std::mem::forget(socket);
            continue;
        }
        handed.push(Handed { fd, name, sockets });
    }
    if handed.is_empty() {
        return Err(io::Error::other(
            "no listening stream or datagram socket among the descriptors handed over",
        ));
    }
    Ok(Some(handed))
}

/// Raises the soft limit on open descriptors to the hard limit, and returns it: a server at
/// `--max-connections` needs one per client, and the usual soft limit is 1024.
pub fn raise_fd_limit() -> io::Result<libc::rlim_t> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit with a valid pointer to a local struct
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return Err(io::Error::last_os_error());
        }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max;
            if libc::setrlimit(libc::RLIMIT_NOFILE, &limit) != 0 {
                return Err(io::Error::last_os_error());
            }
        }
    }
    Ok(limit.rlim_cur)
}
