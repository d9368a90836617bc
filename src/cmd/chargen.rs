//! Character generator protocol (RFC 864): serve the rotating lines.

use super::server;
use crate::cli::ChargenServeArgs;
use crate::error::Result;
use crate::service::chargen::{self, Chargen};

pub fn serve(args: ChargenServeArgs) -> Result<()> {
    let settings = server::Settings {
        port: args.port,
        default_port: chargen::PORT,
        idle_timeout: server::idle_timeout(args.idle_timeout),
    };
    server::run(Chargen::new(), &args.server, settings)
}
