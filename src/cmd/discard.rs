//! Discard protocol (RFC 863): serve a sink that reads everything and answers nothing.

use super::server;
use crate::cli::DiscardServeArgs;
use crate::error::Result;
use crate::service::discard::{self, Discard};

pub fn serve(args: DiscardServeArgs) -> Result<()> {
    let settings = server::Settings {
        port: args.port,
        default_port: discard::PORT,
        idle_timeout: server::idle_timeout(args.idle_timeout),
    };
    server::run(Discard, &args.server, settings)
}
