//! The machine's own addresses, from its interfaces (getifaddrs, through the if-addrs crate).

use std::io;
use std::net::{IpAddr, SocketAddr};

/// Every address of every interface that is up, loopback included, IPv6 link-local included.
pub fn own_ips() -> Vec<IpAddr> {
    interfaces().map_or_else(|_| Vec::new(), |all| all.iter().map(|i| i.ip()).collect())
}

/// Where clients can reach a server bound to `bound`: for a wildcard, each address of the
/// family it serves (both for a dual-stack `::`), those of other machines' networks first
/// (IPv4, then IPv6 with link-local last), loopback last, as `host:port` a client can use
/// (`[fe80::1%eth0]:55555`); for any other address, that address alone.
pub fn reachable(bound: SocketAddr, dual_stack: bool) -> io::Result<Vec<String>> {
    if !bound.ip().is_unspecified() {
        return Ok(vec![bound.to_string()]);
    }
    let port = bound.port();
    let mut found: Vec<(u8, String)> = interfaces()?
        .into_iter()
        .filter(|i| match i.ip() {
            IpAddr::V4(_) => bound.is_ipv4() || dual_stack,
            IpAddr::V6(_) => bound.is_ipv6(),
        })
        .map(|i| {
            let ip = i.ip();
            let rank = match ip {
                _ if ip.is_loopback() => 4 + u8::from(ip.is_ipv6()),
                IpAddr::V4(_) => 0,
                IpAddr::V6(v6) if v6.is_unicast_link_local() => 2,
                IpAddr::V6(_) => 1,
            };
            let text = match ip {
                // a link-local address means nothing without its interface
                IpAddr::V6(v6) if rank == 2 => format!("[{v6}%{}]:{port}", i.name),
                _ => SocketAddr::new(ip, port).to_string(),
            };
            (rank, text)
        })
        .collect();
    found.sort_by_key(|(rank, _)| *rank);
    let mut unique: Vec<String> = Vec::with_capacity(found.len());
    for (_, text) in found {
        if !unique.contains(&text) {
            unique.push(text);
        }
    }
    Ok(unique)
}

fn interfaces() -> io::Result<Vec<if_addrs::Interface>> {
    let mut all = if_addrs::get_if_addrs()?;
    // an interface that is down (a bridge with nothing plugged in) reaches nobody
    all.retain(|i| i.is_loopback() || i.is_oper_up());
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wildcard_is_reached_by_loopback_last_and_an_address_by_itself() {
        let all = reachable("0.0.0.0:5000".parse().unwrap(), false).unwrap();
        assert_eq!(all.last().map(String::as_str), Some("127.0.0.1:5000"));
        assert!(
            all.iter().all(|a| !a.starts_with('[')),
            "IPv4 only: {all:?}"
        );
        let one = reachable("127.0.0.2:5000".parse().unwrap(), false).unwrap();
        assert_eq!(one, ["127.0.0.2:5000"]);
        assert!(own_ips().iter().any(IpAddr::is_loopback));
    }
}
