//! Echo protocol (RFC 862): serve, send, and measure an echo server.

use std::time::Duration;

use crate::cli::{EchoBenchArgs, EchoSendArgs, EchoServeArgs};
use crate::error::{Error, Result};
use crate::net::serve::{Next, Service};

const PORT: u16 = 7;

struct Echo;

impl Service for Echo {
    fn name(&self) -> &'static str {
        "echo"
    }

    fn greet(&self, _out: &mut Vec<u8>) -> Next {
        Next::Converse
    }

    fn reply<'a>(&self, input: &'a [u8]) -> &'a [u8] {
        input
    }
}

pub fn serve(args: EchoServeArgs) -> Result<()> {
    let idle = (args.idle_timeout > 0).then(|| Duration::from_secs(args.idle_timeout));
    super::serve(Echo, &args.server, args.port.unwrap_or(PORT), idle)
}

pub fn send(_args: EchoSendArgs) -> Result<()> {
    Err(Error::NotImplemented("echo send"))
}

pub fn bench(_args: EchoBenchArgs) -> Result<()> {
    Err(Error::NotImplemented("echo bench"))
}
