//! What happens to the input on its way to the wire: nothing, `-C` (CR LF) or `-t` (telnet).

use crate::net::telnet;

/// The encoding of one conversation; its state carries over from one read to the next.
pub enum Encoding {
    Plain,
    Crlf(Crlf),
    Telnet(telnet::Encoder),
}

impl Encoding {
    /// Telnet wins over `-C`: it already ends lines in CR LF.
    pub fn new(crlf: bool, telnet: bool) -> Encoding {
        if telnet {
            Encoding::Telnet(telnet::Encoder::new())
        } else if crlf {
            Encoding::Crlf(Crlf::default())
        } else {
            Encoding::Plain
        }
    }

    /// The wire bytes for `input`: `input` itself when plain, else built in `wire`.
    pub fn apply<'a>(&mut self, input: &'a [u8], wire: &'a mut Vec<u8>) -> &'a [u8] {
        wire.clear();
        match self {
            Encoding::Plain => return input,
            Encoding::Crlf(crlf) => crlf.apply(input, wire),
            Encoding::Telnet(encoder) => encoder.encode(input, wire),
        }
        wire
    }

    /// How many times longer than the input its wire bytes can be: CR LF for LF, and
    /// telnet's doubled 0xFF.
    pub fn growth(&self) -> usize {
        match self {
            Encoding::Plain => 1,
            Encoding::Crlf(_) | Encoding::Telnet(_) => 2,
        }
    }

    /// What is still owed at the end of the input (telnet: the NUL after a final CR).
    pub fn finish<'a>(&mut self, wire: &'a mut Vec<u8>) -> &'a [u8] {
        wire.clear();
        if let Encoding::Telnet(encoder) = self {
            encoder.finish(wire);
        }
        wire
    }
}

/// `-C`: an LF not already preceded by CR goes out as CR LF; a CR at the end of one read
/// still counts for an LF at the start of the next.
#[derive(Debug, Default)]
pub struct Crlf {
    after_cr: bool,
}

impl Crlf {
    pub fn apply(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &byte in input {
            if byte == b'\n' && !self.after_cr {
                out.push(b'\r');
            }
            out.push(byte);
            self.after_cr = byte == b'\r';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode(mut encoding: Encoding, chunks: &[&[u8]]) -> Vec<u8> {
        let mut out = Vec::new();
        let mut wire = Vec::new();
        for chunk in chunks {
            out.extend_from_slice(encoding.apply(chunk, &mut wire));
        }
        out.extend_from_slice(encoding.finish(&mut wire));
        out
    }

    fn crlf(chunks: &[&[u8]]) -> Vec<u8> {
        encode(Encoding::new(true, false), chunks)
    }

    #[test]
    fn crlf_adds_cr_once() {
        assert_eq!(crlf(&[b"a\nb\r\nc"]), b"a\r\nb\r\nc");
        assert_eq!(crlf(&[b"a\r", b"\nb\n"]), b"a\r\nb\r\n");
        assert_eq!(crlf(&[b"\n\n"]), b"\r\n\r\n");
        assert_eq!(crlf(&[b"a\rb"]), b"a\rb");
    }

    #[test]
    fn plain_is_untouched_and_telnet_wins_over_crlf() {
        assert_eq!(
            encode(Encoding::new(false, false), &[b"a\n\xff\0"]),
            b"a\n\xff\0"
        );
        assert_eq!(
            encode(Encoding::new(true, true), &[b"a\n\xff", b"\r"]),
            b"a\r\n\xff\xff\r\0"
        );
    }
}
