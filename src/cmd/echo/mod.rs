//! Echo protocol (RFC 862): serve, send (`send.rs`), and measure an echo server (`bench.rs`).

mod bench;
mod send;

use std::time::Duration;

pub use self::bench::bench;
pub use self::send::send;
use super::server;
use crate::cli::EchoServeArgs;
use crate::error::Result;
use crate::service::echo::Echo;

const PORT: u16 = 7;
/// How long `echo send` waits for an echo without `-w`, and `echo bench` for a connection.
const REPLY_WAIT: Duration = Duration::from_secs(10);

pub fn serve(args: EchoServeArgs) -> Result<()> {
    let settings = server::Settings {
        port: args.port,
        default_port: PORT,
        idle_timeout: server::idle_timeout(args.idle_timeout),
    };
    server::run(Echo, &args.server, settings)
}
