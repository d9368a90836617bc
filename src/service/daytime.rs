//! Daytime (RFC 867): the time as one line, then close; a datagram gets the line back.

use std::sync::Mutex;

use time::OffsetDateTime;

use crate::net::serve::{Output, Service};
use crate::timefmt::Format;

/// The well-known port (RFC 867).
pub const PORT: u16 = 13;

pub struct Daytime {
    format: Format,
    utc: bool,
    /// The line of the current second: lines have whole seconds, so every client in one second
    /// gets the same bytes, and the zone lookup and formatting are done once a second, not for
    /// each of thousands of connections.
    line: Mutex<(i64, Vec<u8>)>,
}

impl Daytime {
    pub fn new(format: Format, utc: bool) -> Daytime {
        Daytime {
            format,
            utc,
            line: Mutex::new((0, Vec::new())),
        }
    }

    /// Appends the current line, CR LF included; `false` when the time cannot be written.
    fn line(&self, out: &mut Vec<u8>) -> bool {
        let now = OffsetDateTime::now_utc();
        let mut line = self.line.lock().unwrap_or_else(|e| e.into_inner());
        if line.0 != now.unix_timestamp() || line.1.is_empty() {
            match self.format.render(now, self.utc) {
                Ok(text) => {
                    line.1.clear();
                    line.1.extend_from_slice(text.as_bytes());
                    line.1.extend_from_slice(b"\r\n");
                    line.0 = now.unix_timestamp();
                }
                Err(err) => {
                    crate::error!("daytime", "cannot format the time: {err}");
                    return false;
                }
            }
        }
        out.extend_from_slice(&line.1);
        true
    }
}

impl Service for Daytime {
    /// Nothing to keep: the line is the whole conversation, and what the client sends is
    /// disregarded (RFC 867).
    type Session = ();

    fn name(&self) -> &'static str {
        "daytime"
    }

    fn open(&self, out: &mut Output) {
        let mut line = Vec::with_capacity(64);
        if self.line(&mut line) {
            out.send(&line);
        }
        out.close();
    }

    fn datagram<'a>(&'a self, _input: &'a [u8], scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        // a time that cannot be written leaves the datagram unanswered, as a closed TCP
        // connection would be
        self.line(scratch).then_some(&scratch[..])
    }
}
