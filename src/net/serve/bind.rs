//! A server's own sockets: TCP, UDP or both on one port, one set per event loop.

use crate::error::{Error, Result};
use crate::net::addr::Family;
use crate::net::socket::{self, Sockets};

/// Where a server listens, as the user asked.
#[derive(Debug, Clone, Copy)]
pub struct Listen<'a> {
    /// `None`: `::` dual-stack (or `0.0.0.0` without IPv6).
    pub bind: Option<&'a str>,
    pub port: u16,
    pub backlog: u32,
    pub tcp: bool,
    pub udp: bool,
}

impl Listen<'_> {
    /// Binds a socket of each kind asked for per event loop, all on one port.
    ///
    /// With port 0 and both kinds, UDP takes the port TCP was given; when that UDP port is taken,
    /// another free TCP port is tried, a few times.
    pub fn bind(&self, loops: usize) -> Result<Vec<Sockets>> {
        let listen = self;
        const TRIES: usize = 8;
        let mut attempt = 1;
        // ports tried and given up are held until the end, so that none is handed out again
        let mut given_up = Vec::new();
        loop {
            let mut sets: Vec<Sockets> = (0..loops).map(|_| Sockets::default()).collect();
            let mut udp_port = listen.port;
            if listen.tcp {
                let group = socket::bind_listeners(
                    listen.bind,
                    listen.port,
                    listen.backlog,
                    loops,
                    Family::Any,
                )?;
                udp_port = group[0]
                    .local_addr()
                    .map_err(|e| Error::io("cannot read the bound address", e))?
                    .port();
                sets.iter_mut()
                    .zip(group)
                    .for_each(|(set, l)| set.tcp.push(l));
            }
            if listen.udp {
                match socket::bind_udp(listen.bind, udp_port, loops) {
                    Ok(group) => sets
                        .iter_mut()
                        .zip(group)
                        .for_each(|(set, s)| set.udp.push(s)),
                    Err(Error::Bind { source, .. })
                        if listen.port == 0
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
}
