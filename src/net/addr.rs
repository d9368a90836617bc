//! Ports and names: service names to port numbers and back, port ranges, host names to socket
//! addresses.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::sync::OnceLock;

use super::trace::Trace;
use crate::error::{Error, Result};
use crate::service;

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
    ("echo", service::echo::PORT),
    ("discard", service::discard::PORT),
    ("daytime", service::daytime::PORT),
    ("chargen", service::chargen::PORT),
    ("ftp", 21),
    ("ssh", 22),
    ("telnet", 23),
    ("smtp", 25),
    ("time", service::time::PORT),
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

/// The service names every user expects to work, for completion scripts to offer.
pub fn well_known_names() -> impl Iterator<Item = &'static str> {
    WELL_KNOWN.iter().map(|&(name, _)| name)
}

/// A port number (0-65535) or a TCP service name; `None` when it is neither. Names come from
/// `/etc/services`, read once per process, then from the well-known list.
pub fn parse_port(text: &str) -> Option<u16> {
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        return text.parse().ok();
    }
    Services::system().port(text)
}

/// The transport a port belongs to, as in `22/tcp`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Proto {
    Tcp,
    Udp,
}

impl Proto {
    pub fn as_str(self) -> &'static str {
        match self {
            Proto::Tcp => "tcp",
            Proto::Udp => "udp",
        }
    }
}

/// Ports as typed on a probe's command line: one port, or `first` to `last`, both included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PortRange {
    pub first: u16,
    pub last: u16,
}

impl PortRange {
    pub fn ports(self) -> std::ops::RangeInclusive<u16> {
        self.first..=self.last
    }
}

/// Why `parse_port_range` turned a text down.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadPorts {
    /// Neither a port (0-65535), a service name, nor `LOW-HIGH` of such numbers.
    NotAPort,
    /// `HIGH-LOW`: a range written backwards.
    Reversed { first: u16, last: u16 },
}

/// A port number, a TCP service name, or a range `LOW-HIGH` of numbers (`20-30`, both ends
/// included; `22-22` is one port). Names are not range ends, as with nc and nmap; a service
/// name with a hyphen in it (`x11-ssh`) is a name, not a range.
pub fn parse_port_range(text: &str) -> Result<PortRange, BadPorts> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if let Some((low, high)) = text.split_once('-').filter(|(l, h)| digits(l) && digits(h)) {
        let (Ok(first), Ok(last)) = (low.parse::<u16>(), high.parse::<u16>()) else {
            return Err(BadPorts::NotAPort);
        };
        if first > last {
            return Err(BadPorts::Reversed { first, last });
        }
        return Ok(PortRange { first, last });
    }
    let port = parse_port(text).ok_or(BadPorts::NotAPort)?;
    Ok(PortRange {
        first: port,
        last: port,
    })
}

/// Service names by port, for showing `22/tcp (ssh)`, and TCP ports by name, for reading
/// `ssh`: the first a services file gives, then the well-known names for what the file lacks.
#[derive(Debug, Default)]
pub struct Services {
    names: HashMap<(u16, Proto), String>,
    /// TCP ports by name and by alias.
    ports: HashMap<String, u16>,
}

impl Services {
    /// Reads `/etc/services` once; without it, only the well-known names are known.
    pub fn load() -> Services {
        Services::from_text(&std::fs::read_to_string("/etc/services").unwrap_or_default())
    }

    /// The table `load` reads, read on first use and kept for the process.
    pub fn system() -> &'static Services {
        static SYSTEM: OnceLock<Services> = OnceLock::new();
        SYSTEM.get_or_init(Services::load)
    }

    fn from_text(text: &str) -> Services {
        let mut names = HashMap::new();
        let mut ports = HashMap::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            let mut words = line.split_whitespace();
            let (Some(name), Some(entry)) = (words.next(), words.next()) else {
                continue;
            };
            let Some((port, proto)) = entry.split_once('/') else {
                continue;
            };
            let proto = match proto {
                "tcp" => Proto::Tcp,
                "udp" => Proto::Udp,
                _ => continue,
            };
            let Ok(port) = port.parse::<u16>() else {
                continue;
            };
            names
                .entry((port, proto))
                .or_insert_with(|| name.to_string());
            if proto == Proto::Tcp {
                for name in std::iter::once(name).chain(words) {
                    ports.entry(name.to_string()).or_insert(port);
                }
            }
        }
        for &(name, port) in WELL_KNOWN {
            for proto in [Proto::Tcp, Proto::Udp] {
                names
                    .entry((port, proto))
                    .or_insert_with(|| name.to_string());
            }
            ports.entry(name.to_string()).or_insert(port);
        }
        Services { names, ports }
    }

    /// The name of `port` over `proto`, if it has one.
    pub fn name(&self, port: u16, proto: Proto) -> Option<&str> {
        self.names.get(&(port, proto)).map(String::as_str)
    }

    /// The TCP port named `name` (or an alias), if there is one.
    pub fn port(&self, name: &str) -> Option<u16> {
        self.ports.get(name).copied()
    }
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

/// A peer's address as people write it: an IPv4 client of a dual-stack socket is `a.b.c.d`,
/// not `::ffff:a.b.c.d`. Any other address comes back as it was (an IPv6 one with its scope).
pub fn canonical(addr: SocketAddr) -> SocketAddr {
    match addr {
        SocketAddr::V6(v6) => match v6.ip().to_ipv4_mapped() {
            Some(v4) => SocketAddr::new(IpAddr::V4(v4), v6.port()),
            None => addr,
        },
        SocketAddr::V4(_) => addr,
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
        let text = "# comment\nfoo 1234/udp\nfoo 4321/tcp bar # x\nbar 999/tcp\n\
                    daytime 1313/tcp\nbad 70000/tcp\nbad 77/tcp\n";
        let services = Services::from_text(text);
        assert_eq!(services.port("foo"), Some(4321));
        // the first line that names it wins, alias or not
        assert_eq!(services.port("bar"), Some(4321));
        assert_eq!(services.port("baz"), None);
        assert_eq!(services.port("x"), None);
        assert_eq!(services.port(""), None);
        // the file before the well-known list; a line without a port is skipped
        assert_eq!(services.port("daytime"), Some(1313));
        assert_eq!(services.port("bad"), Some(77));
        assert_eq!(Services::from_text("").port("ssh"), Some(22));
    }

    #[test]
    fn the_system_services_are_read_once() {
        assert!(std::ptr::eq(Services::system(), Services::system()));
        let file = Services::load();
        for name in ["ssh", "daytime", "imaps", "nosuchsvc"] {
            assert_eq!(parse_port(name), file.port(name), "{name}");
        }
    }

    #[test]
    fn ranges_ports_and_names() {
        let range = |first, last| Ok(PortRange { first, last });
        assert_eq!(parse_port_range("20-30"), range(20, 30));
        assert_eq!(parse_port_range("22-22"), range(22, 22));
        assert_eq!(parse_port_range("0-65535"), range(0, 65535));
        assert_eq!(parse_port_range("80"), range(80, 80));
        assert_eq!(parse_port_range("daytime"), range(13, 13));
        assert_eq!(
            parse_port_range("30-20"),
            Err(BadPorts::Reversed {
                first: 30,
                last: 20
            })
        );
        for bad in [
            "", "-", "20-", "-30", "1-70000", "70000", "1-2-3", "a-b", "20 -30", "+5-6", "ftp-ssh",
        ] {
            assert_eq!(parse_port_range(bad), Err(BadPorts::NotAPort), "{bad:?}");
        }
        assert_eq!(range(20, 22).unwrap().ports().count(), 3);
    }

    #[test]
    fn service_names_by_port_and_protocol() {
        let services = Services::from_text("ssh 22/tcp\nfoo 22/tcp alias\nbar 999/udp\n");
        assert_eq!(services.name(22, Proto::Tcp), Some("ssh"));
        assert_eq!(services.name(999, Proto::Udp), Some("bar"));
        assert_eq!(services.name(999, Proto::Tcp), None);
        // the well-known list fills in what the file lacks
        assert_eq!(services.name(13, Proto::Udp), Some("daytime"));
        assert_eq!(services.name(143, Proto::Tcp), Some("imap"));
        assert_eq!(Services::from_text("").name(55555, Proto::Tcp), None);
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

    #[test]
    fn ipv4_mapped_addresses_are_shown_as_ipv4() {
        let addr = |text: &str| text.parse::<SocketAddr>().unwrap();
        assert_eq!(canonical(addr("[::ffff:127.0.0.1]:7")), addr("127.0.0.1:7"));
        assert_eq!(canonical(addr("127.0.0.1:7")), addr("127.0.0.1:7"));
        assert_eq!(canonical(addr("[::1]:7")), addr("[::1]:7"));
        let scoped = addr("[fe80::1%2]:7");
        assert_eq!(canonical(scoped), scoped);
    }
}
