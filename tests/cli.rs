//! End-to-end tests: the built binary over real loopback sockets, grouped by subcommand.
#![allow(clippy::unwrap_used)] // a test that cannot set up should panic loudly

mod common;

#[path = "cli/chargen.rs"]
mod chargen;
#[path = "cli/daytime.rs"]
mod daytime;
#[path = "cli/discard.rs"]
mod discard;
#[path = "cli/echo.rs"]
mod echo;
#[path = "cli/general.rs"]
mod general;
#[path = "cli/probe.rs"]
mod probe;
#[path = "cli/raw.rs"]
mod raw;
#[path = "cli/raw_escape.rs"]
mod raw_escape;
#[path = "cli/raw_transports.rs"]
mod raw_transports;
#[path = "cli/relay.rs"]
mod relay;
#[path = "cli/serve.rs"]
mod serve;
#[path = "cli/time.rs"]
mod time;
#[path = "cli/tls.rs"]
mod tls;
#[path = "cli/udp.rs"]
mod udp;
