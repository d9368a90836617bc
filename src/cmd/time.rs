//! Time protocol (RFC 868): serve the time as four bytes, or ask a server for it.

use std::time::Duration;

use time::format_description::well_known::Rfc3339;
use time::{OffsetDateTime, UtcOffset};

use super::{server, Question};
use crate::cli::{TimeGetArgs, TimeServeArgs};
use crate::error::{Error, Result};
use crate::net::stream;
use crate::service::time::{self as rfc868, Time};
use crate::timefmt;

const PORT: u16 = rfc868::PORT;
/// How long `time get` waits without `-w`.
const WAIT: Duration = Duration::from_secs(5);
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
    // RFC 868: any datagram asks; over TCP the server sends its count and closes
    let answer = Question {
        host: &args.host,
        port: args.port.unwrap_or(PORT),
        udp: args.udp,
        client: &args.client,
        tcp_wait: WAIT,
        udp_wait: WAIT,
    }
    .ask(|stream, deadline, trace| stream::receive(stream, ANSWER, deadline, None, trace))?;
    let peer = &answer.peer;
    let count = match <[u8; ANSWER]>::try_from(&answer.reply[..]) {
        Ok(bytes) => u32::from_be_bytes(bytes),
        Err(_) if args.udp => {
            return Err(Error::Failed(format!(
                "{peer} answered with {} bytes; a time answer is {ANSWER}",
                answer.reply.len()
            )))
        }
        Err(_) => {
            return Err(Error::Failed(format!(
                "{peer} closed the connection after {} bytes; a time answer is {ANSWER}",
                answer.reply.len()
            )))
        }
    };
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
        super::print(answer.offset_line(server).as_bytes())?;
    }
    Ok(())
}
