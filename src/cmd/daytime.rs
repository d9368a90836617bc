//! Daytime protocol (RFC 867): serve the time as one line, or ask a server for it.

use std::time::Duration;

use super::{server, Question};
use crate::cli::{DaytimeGetArgs, DaytimeServeArgs};
use crate::error::{Error, Result};
use crate::net::stream;
use crate::service::daytime::Daytime;
use crate::timefmt;

const PORT: u16 = 13;
/// How long `daytime get` waits without `-w`.
const REPLY_WAIT: Duration = Duration::from_secs(10);
/// How long `daytime get --udp` waits without `-w`.
const UDP_WAIT: Duration = Duration::from_secs(5);
/// A daytime line is short; a server that sends more gets cut off here.
const MAX_REPLY: usize = 64 * 1024;

pub fn serve(args: DaytimeServeArgs) -> Result<()> {
    let settings = server::Settings {
        port: args.port,
        default_port: PORT,
        idle_timeout: None,
    };
    server::run(Daytime::new(args.format, args.utc), &args.server, settings)
}

/// `\r\n` becomes `\n`; every other byte is printed as the server sent it.
fn normalise_line_endings(reply: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(reply.len());
    for (i, &byte) in reply.iter().enumerate() {
        if !(byte == b'\r' && reply.get(i + 1) == Some(&b'\n')) {
            out.push(byte);
        }
    }
    out
}

pub fn get(args: DaytimeGetArgs) -> Result<()> {
    // RFC 867: any datagram asks; over TCP the server sends its line and closes
    let answer = Question {
        host: &args.host,
        port: args.port.unwrap_or(PORT),
        udp: args.udp,
        client: &args.client,
        tcp_wait: REPLY_WAIT,
        udp_wait: UDP_WAIT,
    }
    .ask(|stream, deadline, trace| stream::until_eof(stream, MAX_REPLY, deadline, None, trace))?;
    let (reply, peer) = (&answer.reply, &answer.peer);
    // only a datagram can be empty here: `ask` turns down a connection closed without a byte
    if reply.is_empty() {
        return Err(Error::Failed(format!(
            "{peer} answered with an empty datagram"
        )));
    }
    super::print(&normalise_line_endings(reply))?;
    let text = String::from_utf8_lossy(reply);
    if args.offset {
        let server = timefmt::parse_reply(&text).ok_or_else(|| {
            Error::Failed(format!(
                "cannot read the time in the reply from {peer}: not {}",
                timefmt::READABLE
            ))
        })?;
        super::print(answer.offset_line(server).as_bytes())?;
    }
    Ok(())
}
