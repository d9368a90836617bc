//! `netkit serve`: several of inetd's internal services from one process.

use super::server::{self, Entry};
use crate::cli::ServeArgs;
use crate::error::{Error, Result};
use crate::net::serve::Service;
use crate::service::internal::Internal;

pub fn run(args: ServeArgs) -> Result<()> {
    let mut entries: Vec<Entry<Internal>> = Vec::with_capacity(args.services.len());
    for spec in &args.services {
        let port = spec.port.unwrap_or(spec.kind.port());
        // port 0 is a free port for each; any other can be bound once
        if let Some(other) = entries.iter().find(|e| port != 0 && e.port == port) {
            return Err(Error::Failed(format!(
                "{} and {} both ask for port {port}: give one of them SERVICE:PORT",
                other.service.name(),
                spec.kind.name()
            )));
        }
        entries.push(Entry {
            service: spec.kind.service(),
            port,
        });
    }
    let idle_timeout = server::idle_timeout(args.idle_timeout);
    let ignored = args.server.bind.is_some().then_some("--bind is");
    server::run_all(entries, &args.server, idle_timeout, ignored)
}
