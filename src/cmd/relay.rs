//! `relay`: a port forwarder on the server core, each client connected to the target.

use super::server;
use crate::cli::{DumpFormat, RelayArgs};
use crate::error::{Error, Result};
use crate::log;
use crate::net::addr::{self, Family};
use crate::service::relay::{self, Relay, Target};

pub fn run(args: RelayArgs) -> Result<()> {
    if args.server.udp || args.server.inetd {
        use clap::CommandFactory;
        let flag = if args.server.udp { "--udp" } else { "--inetd" };
        crate::cli::Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                format!(
                    "relay forwards TCP connections from its own listener; {flag} does not apply"
                ),
            )
            .exit();
    }
    // resolved once: a name that does not resolve is the user's to fix before serving
    let family = Family::from_flags(args.ipv4, args.ipv6);
    let addrs = addr::resolve(&args.target_host, args.target_port, family)?;
    let dump = args.dump.as_deref().map(|to| match args.dump_format {
        DumpFormat::Hex => (to, relay::DumpFormat::Hex),
        DumpFormat::Text => (to, relay::DumpFormat::Text),
    });
    if let Some((file, _)) = dump.filter(|(to, _)| *to != "-") {
        let opened = std::fs::File::create(file)
            .map_err(|e| Error::io(format!("cannot write the dump to {file}"), e))?;
        log::dump_to(opened);
    }
    let target = Target {
        addrs,
        wait: (!args.wait.is_zero()).then_some(args.wait),
        dump: dump.map(|(_, format)| format),
    };
    let settings = server::Settings {
        port: Some(args.port),
        default_port: args.port,
        idle_timeout: server::idle_timeout(args.idle_timeout),
    };
    server::run(Relay::new(target), &args.server, settings)
}
