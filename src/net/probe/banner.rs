//! `--banner`: the first line a server sends, read within a bound and shown escaped.

use std::fmt::Write;
use std::io::{self, Read};

/// At most this much of what the server says first is read.
pub const LIMIT: usize = 1024;

/// Reads what is available into `line`; `true` when the line is complete: a newline came,
/// `LIMIT` bytes, the end of the stream, or an error (what was read is the banner).
pub fn read_line(stream: &mut impl Read, line: &mut Vec<u8>) -> bool {
    let mut chunk = [0u8; LIMIT];
    loop {
        let room = LIMIT - line.len();
        if room == 0 {
            return true;
        }
        match stream.read(&mut chunk[..room]) {
            Ok(0) => return true,
            Ok(len) => {
                line.extend_from_slice(&chunk[..len]);
                if chunk[..len].contains(&b'\n') {
                    return true;
                }
            }
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => return false,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            // a reset after the greeting: what came is what there is
            Err(_) => return true,
        }
    }
}

/// The first line of `bytes` without its `\n` or `\r\n`; `None` when nothing was said.
pub fn first_line(bytes: &[u8]) -> Option<Vec<u8>> {
    if bytes.is_empty() {
        return None;
    }
    let line = bytes.split(|&b| b == b'\n').next().unwrap_or(bytes);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    Some(line.to_vec())
}

/// `bytes` as printable ASCII: `\r`, `\n`, `\t`, `\\`, `\"` and `\xNN` for every other byte
/// outside space to `~`, so that no control byte (an escape sequence) reaches a terminal.
pub fn escape(bytes: &[u8]) -> String {
    let mut text = String::with_capacity(bytes.len());
    for &byte in bytes {
        match byte {
            b'\r' => text.push_str("\\r"),
            b'\n' => text.push_str("\\n"),
            b'\t' => text.push_str("\\t"),
            b'\\' => text.push_str("\\\\"),
            b'"' => text.push_str("\\\""),
            b' '..=b'~' => text.push(char::from(byte)),
            // into the String itself: writing to a String cannot fail
            _ => drop(write!(text, "\\x{byte:02x}")),
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_control_bytes() {
        assert_eq!(escape(b"SSH-2.0-OpenSSH_9.2"), "SSH-2.0-OpenSSH_9.2");
        assert_eq!(
            escape(b"a\x1b[31m\"b\"\\\t\xff\x00"),
            "a\\x1b[31m\\\"b\\\"\\\\\\t\\xff\\x00"
        );
        let all: Vec<u8> = (0..=255).collect();
        assert!(escape(&all).bytes().all(|b| (b' '..=b'~').contains(&b)));
        // every byte as the format!("\\x{byte:02x}") it always was
        for byte in (0..=255u8).filter(|b| !(b' '..=b'~').contains(b) && !b"\r\n\t".contains(b)) {
            assert_eq!(escape(&[byte]), format!("\\x{byte:02x}"));
        }
    }

    #[test]
    fn first_line_drops_the_line_end() {
        assert_eq!(
            first_line(b"220 ready\r\nmore"),
            Some(b"220 ready".to_vec())
        );
        assert_eq!(first_line(b"no end"), Some(b"no end".to_vec()));
        assert_eq!(first_line(b"\r\n"), Some(Vec::new()));
        assert_eq!(first_line(b""), None);
    }

    #[test]
    fn read_line_stops_at_the_limit_and_the_newline() {
        let mut line = Vec::new();
        assert!(read_line(&mut &[b'x'; 5000][..], &mut line));
        assert_eq!(line.len(), LIMIT);
        let mut line = Vec::new();
        assert!(read_line(&mut &b"hi\nthere"[..], &mut line));
        assert_eq!(first_line(&line), Some(b"hi".to_vec()));
    }
}
