//! Time protocol (RFC 868): serve the time as four bytes, or ask a server for it.

use std::time::{Duration, Instant, SystemTime};

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::server;
use crate::cli::{TimeGetArgs, TimeServeArgs};
use crate::error::{Error, Result};
use crate::net::{stream, trace::Trace, udp};
use crate::service::time::{self as rfc868, Time};
use crate::timefmt;

const PORT: u16 = rfc868::PORT;
/// How long `time get` waits without `-w`, and how often it asks in that time over UDP.
const WAIT: Duration = Duration::from_secs(5);
const UDP_TRIES: u32 = 3;
/// The length of an answer: a 32-bit count.
const ANSWER: usize = 4;

pub fn serve(args: TimeServeArgs) -> Result<()> {
    let settings = server::Settings {
        port: args.port,
        default_port: PORT,
        idle_timeout: None,
    };
    server::run(Time, &args.server, settings)
}

pub fn get(args: TimeGetArgs) -> Result<()> {
    let port = args.port.unwrap_or(PORT);
    let trace = Trace::new(args.client.trace);
    let (answer, peer, asked, answered) = if args.udp {
        // RFC 868 over UDP: any datagram asks, an empty one will do
        let (socket, peer) = udp::connect(&args.host, port, args.client.family(), &trace)?;
        // -w 0: as long as anyone would wait for a datagram
        let wait = args.client.timeout(Some(WAIT)).unwrap_or(udp::FOREVER);
        let (answer, sent) = udp::exchange(&socket, b"", wait, UDP_TRIES, &trace)
            .map_err(|e| Error::io(format!("no time from {peer}"), e))?;
        if answer.len() != ANSWER {
            return Err(Error::Failed(format!(
                "{peer} answered with {} bytes; a time answer is {ANSWER}",
                answer.len()
            )));
        }
        // the answer is to the last try: time the exchange from it
        let answered = sent.elapsed();
        let asked = SystemTime::now() - answered;
        (answer, peer.to_string(), asked, answered)
    } else {
        let (mut stream, peer, deadline) =
            super::dial(&args.host, port, &args.client, WAIT, &trace)?;
        // the server reads its clock once connected; name lookup and handshake come before
        let asked = (Instant::now(), SystemTime::now());
        let answer = stream::receive(&mut stream, ANSWER, deadline, &trace)
            .map_err(|e| Error::io(format!("no time from {peer}"), e))?;
        let answered = asked.0.elapsed();
        drop(stream);
        trace.step("socket closed");
        match answer.len() {
            ANSWER => {}
            0 => {
                return Err(Error::Failed(format!(
                    "{peer} closed the connection without sending the time"
                )))
            }
            n => {
                return Err(Error::Failed(format!(
                    "{peer} closed the connection after {n} bytes; a time answer is {ANSWER}"
                )))
            }
        }
        (answer, peer, asked.1, answered)
    };
    let count = u32::from_be_bytes([answer[0], answer[1], answer[2], answer[3]]);
    let server = OffsetDateTime::from_unix_timestamp(rfc868::unix_seconds(count))
        .map_err(|_| Error::Failed(format!("{peer} sent a time out of range: {count}")))?;
    let shown = if args.utc {
        server.to_offset(UtcOffset::UTC)
    } else {
        server.to_offset(timefmt::local_offset(server))
    };
    let line = shown
        .format(&Rfc3339)
        .map_err(|e| Error::Failed(format!("cannot write the time: {e}")))?;
    super::print(format!("{line}\n").as_bytes())?;
    if args.offset {
        // the server read its clock somewhere between our connect and its answer; its count is
        // truncated to the second, so its middle is half a second later
        let middle = OffsetDateTime::from(asked + answered / 2);
        let offset = (server - middle).as_seconds_f64() + 0.5;
        super::print(format!("offset: {offset:+.3} s\n").as_bytes())?;
    }
    Ok(())
}
