//! `-x`: every chunk of a conversation as `hexdump -C` lines (net::hexdump's, as relay's
//! `--dump`), under a stamp and a direction.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::net::hexdump::{count, hexdump_lines};
use crate::net::trace;

/// Which way a chunk went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// To the peer: `>`.
    Sent,
    /// From the peer: `<`.
    Received,
}

/// The header of a chunk's record: `HH:MM:SS.ffffff > 12 bytes`.
pub fn header(stamp: &str, direction: Direction, len: usize, out: &mut String) {
    let mark = match direction {
        Direction::Sent => '>',
        Direction::Received => '<',
    };
    let _ = writeln!(out, "{stamp} {mark} {}", count(len));
}

/// Where `-x` writes: a file, or stderr (`-x -`), one whole record per write.
pub struct Hexdump {
    out: Box<dyn Write>,
    /// Failures of stderr are ignored, as every write to it is: there is nobody left to tell.
    to_stderr: bool,
    record: String,
}

impl Hexdump {
    /// Records to `file`, already open for writing.
    pub fn file(file: std::fs::File) -> Hexdump {
        Hexdump {
            out: Box::new(file),
            to_stderr: false,
            record: String::new(),
        }
    }

    pub fn stderr() -> Hexdump {
        Hexdump {
            out: Box::new(io::stderr()),
            to_stderr: true,
            record: String::new(),
        }
    }

    /// Writes the record of one chunk, stamped with the local time; a failure to write the
    /// file comes back.
    pub fn record(&mut self, direction: Direction, bytes: &[u8]) -> io::Result<()> {
        self.record.clear();
        header(
            &trace::timestamp(),
            direction,
            bytes.len(),
            &mut self.record,
        );
        hexdump_lines(bytes, &mut self.record);
        let written = self
            .out
            .write_all(self.record.as_bytes())
            .and_then(|()| self.out.flush());
        match written {
            Err(_) if self.to_stderr => Ok(()),
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_direction_and_length() {
        let mut out = String::new();
        header("13:00:41.202417", Direction::Sent, 12, &mut out);
        header("13:00:41.202418", Direction::Received, 1, &mut out);
        assert_eq!(
            out,
            "13:00:41.202417 > 12 bytes\n13:00:41.202418 < 1 byte\n"
        );
    }
}
