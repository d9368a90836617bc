//! Daytime protocol (RFC 867): serve the time as one line, or ask a server for it.

use std::time::{Duration, Instant, SystemTime};

use time::OffsetDateTime;

use super::server;
use crate::cli::{DaytimeGetArgs, DaytimeServeArgs};
use crate::error::{Error, Result};
use crate::net::{stream, trace::Trace, udp};
use crate::service::daytime::Daytime;
use crate::timefmt;

const PORT: u16 = 13;
/// How long `daytime get` waits without `-w`.
const REPLY_WAIT: Duration = Duration::from_secs(10);
/// How long `daytime get --udp` waits without `-w`, and how often it asks in that time.
const UDP_WAIT: Duration = Duration::from_secs(5);
const UDP_TRIES: u32 = 3;
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
    let port = args.port.unwrap_or(PORT);
    let trace = Trace::new(args.client.trace);
    let (reply, peer, asked, answered) = if args.udp {
        // RFC 867 over UDP: any datagram asks, an empty one will do
        let (socket, peer) = udp::connect(&args.host, port, args.client.family(), &trace)?;
        // -w 0: as long as anyone would wait for a datagram
        let wait = args.client.timeout(Some(UDP_WAIT)).unwrap_or(udp::FOREVER);
        let (reply, sent) = udp::exchange(&socket, b"", wait, UDP_TRIES, None, &trace)
            .map_err(|e| Error::io(format!("no time from {peer}"), e))?;
        if reply.is_empty() {
            return Err(Error::Failed(format!(
                "{peer} answered with an empty datagram"
            )));
        }
        // the answer is to the last try: time the exchange from it
        let answered = sent.elapsed();
        let asked = (sent, SystemTime::now() - answered);
        (reply, peer.to_string(), asked, answered)
    } else {
        let (mut stream, peer, deadline) =
            super::dial(&args.host, port, &args.client, REPLY_WAIT, &trace)?;
        // the server reads its clock once connected; name lookup and handshake come before
        let asked = (Instant::now(), SystemTime::now());
        let reply = stream::until_eof(&mut stream, MAX_REPLY, deadline, None, &trace)
            .map_err(|e| Error::io(format!("no time from {peer}"), e))?;
        let answered = asked.0.elapsed();
        drop(stream);
        trace.step("socket closed");
        if reply.is_empty() {
            return Err(Error::Failed(format!(
                "{peer} closed the connection without sending the time"
            )));
        }
        (reply, peer, asked, answered)
    };
    super::print(&normalise_line_endings(&reply))?;
    let text = String::from_utf8_lossy(&reply);
    if args.offset {
        let server = timefmt::parse_reply(&text).ok_or_else(|| {
            Error::Failed(format!(
                "cannot read the time in the reply from {peer}: not {}",
                timefmt::READABLE
            ))
        })?;
        // the server's clock was read somewhere between our connect and its close; its line
        // is truncated to the second, so its middle is half a second later
        let middle = asked.1 + answered / 2;
        let local = OffsetDateTime::from(middle);
        let offset = (server - local).as_seconds_f64() + 0.5;
        super::print(format!("offset: {offset:+.3} s\n").as_bytes())?;
    }
    Ok(())
}
