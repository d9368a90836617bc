//! Ports and names: service names to port numbers, host names to socket addresses.

use std::net::{IpAddr, SocketAddr, ToSocketAddrs};

use super::trace::Trace;
use crate::error::{Error, Result};

/// Which address families a client may use (`-4`, `-6`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Any,
    V4,
    V6,
}

impl Family {
    pub fn from_flags(ipv4: bool, ipv6: bool) -> Family {
        match (ipv4, ipv6) {
            (true, _) => Family::V4,
            (_, true) => Family::V6,
            _ => Family::Any,
        }
    }

    fn admits(self, addr: &SocketAddr) -> bool {
        match self {
            Family::Any => true,
            Family::V4 => addr.is_ipv4(),
            Family::V6 => addr.is_ipv6(),
        }
    }
}

/// Ports every user expects to name, for machines without `/etc/services`.
const WELL_KNOWN: &[(&str, u16)] = &[
    ("echo", 7),
    ("discard", 9),
    ("daytime", 13),
    ("chargen", 19),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("time", 37),
    ("domain", 53),
    ("http", 80),
    ("pop3", 110),
    ("ntp", 123),
    ("imap", 143),
    ("imap2", 143),
    ("https", 443),
    ("submission", 587),
    ("imaps", 993),
    ("pop3s", 995),
];

/// A port number (0-65535) or a TCP service name; `None` when it is neither.
pub fn parse_port(text: &str) -> Option<u16> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    let services = std::fs::read_to_string("/etc/services").unwrap_or_default();
    lookup_service(&services, text).or_else(|| {
        WELL_KNOWN
            .iter()
            .find(|(name, _)| *name == text)
            .map(|&(_, port)| port)
    })
}

/// Finds `name` (or an alias) with protocol tcp in the text of a services file.
fn lookup_service(services: &str, name: &str) -> Option<u16> {
    services.lines().find_map(|line| {
        let line = line.split('#').next().unwrap_or("");
        let mut words = line.split_whitespace();
        let official = words.next()?;
        let (port, proto) = words.next()?.split_once('/')?;
        let named = official == name || words.any(|alias| alias == name);
        (named && proto == "tcp")
            .then(|| port.parse().ok())
            .flatten()
    })
}

/// A host as typed, without the brackets people put around IPv6 addresses.
pub fn bare_host(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// `host:port` as people write it, with brackets around IPv6 addresses.
pub fn host_port(host: &str, port: u16) -> String {
    let host = bare_host(host);
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

/// Every address of `host` in the resolver's order, restricted to `family`.
pub fn resolve(host: &str, port: u16, family: Family) -> Result<Vec<SocketAddr>> {
    let bare = bare_host(host);
    let found: Vec<SocketAddr> = match bare.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => (bare, port)
            .to_socket_addrs()
            .map_err(|err| Error::Resolve {
                host: host.to_string(),
                reason: crate::error::reason(&err),
            })?
            .collect(),
    };
    let admitted: Vec<SocketAddr> = found.into_iter().filter(|a| family.admits(a)).collect();
    if admitted.is_empty() {
        let reason = match family {
            Family::V4 => "no IPv4 address",
            Family::V6 => "no IPv6 address",
            Family::Any => "no address",
        };
        return Err(Error::Resolve {
            host: host.to_string(),
            reason: reason.into(),
        });
    }
    Ok(admitted)
}

/// `resolve`, narrated for `--trace`.
pub fn resolve_traced(
    host: &str,
    port: u16,
    family: Family,
    trace: &Trace,
) -> Result<Vec<SocketAddr>> {
    let addrs = resolve(host, port, family)?;
    let listed: Vec<String> = addrs.iter().map(|a| a.ip().to_string()).collect();
    trace.step(format_args!(
        "resolved {} to {}",
        bare_host(host),
        listed.join(", ")
    ));
    Ok(addrs)
}

/// The address a server binds: an IP literal, or the first address a name resolves to.
pub fn bind_addr(bind: &str, port: u16, family: Family) -> Result<SocketAddr> {
    let addrs = resolve(bind, port, family)?;
    Ok(addrs[0])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_numbers_or_service_names() {
        assert_eq!(parse_port("55555"), Some(55555));
        assert_eq!(parse_port("0"), Some(0));
        assert_eq!(parse_port("70000"), None);
        assert_eq!(parse_port("daytime"), Some(13));
        assert_eq!(parse_port("nosuchsvc"), None);
        assert_eq!(parse_port(""), None);
    }

    #[test]
    fn services_file_aliases_and_protocols() {
        let text = "# comment\nfoo 1234/udp\nfoo 4321/tcp bar # x\n";
        assert_eq!(lookup_service(text, "foo"), Some(4321));
        assert_eq!(lookup_service(text, "bar"), Some(4321));
        assert_eq!(lookup_service(text, "baz"), None);
    }

    #[test]
    fn brackets_are_optional_around_ipv6() {
        assert_eq!(
            resolve("[::1]", 7, Family::Any).ok(),
            Some(vec!["[::1]:7".parse().unwrap()])
        );
        assert_eq!(host_port("::1", 7), "[::1]:7");
        assert_eq!(host_port("[::1]", 7), "[::1]:7");
        assert!(resolve("::1", 7, Family::V4).is_err());
    }
}
