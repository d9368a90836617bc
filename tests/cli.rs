//! End-to-end tests: the built binary over real loopback sockets, grouped by subcommand.
#![allow(clippy::unwrap_used)] // a test that cannot set up should panic loudly

mod common;

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
#[path = "cli/relay.rs"]
mod relay;
#[path = "cli/udp.rs"]
mod udp;
