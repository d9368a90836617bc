//! Character generator (RFC 864): the rotating lines of printable ASCII, as fast as the client
//! reads them; a datagram gets up to 512 bytes of them back.

use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::net::serve::{Output, Service, Session};

/// The well-known port (RFC 864).
pub const PORT: u16 = 19;
/// Characters in a line, before its CR LF.
pub const LINE: usize = 72;
/// The ring the lines are cut from: the 95 printable characters, ' ' to '~'.
pub const RING: usize = 95;
/// The pattern repeats after one line starting at each position of the ring.
pub const PERIOD: usize = RING * (LINE + 2);
/// The largest datagram answer (RFC 864: "between 0 and 512" characters).
pub const MAX_DATAGRAM: usize = 512;
/// How much of the pattern one write offers the kernel: whole periods, just under 64 KiB.
const SPAN: usize = PERIOD * 9;

/// The pattern from line 0, long enough that `SPAN` bytes start at any offset of a period.
static PATTERN: [u8; SPAN + PERIOD] = pattern();

const fn pattern() -> [u8; SPAN + PERIOD] {
    let mut bytes = [0; SPAN + PERIOD];
    let mut i = 0;
    while i < bytes.len() {
        let line = i / (LINE + 2);
        let column = i % (LINE + 2);
        bytes[i] = match column {
            LINE => b'\r',
            c if c == LINE + 1 => b'\n',
            c => b' ' + ((line + c) % RING) as u8,
        };
        i += 1;
    }
    bytes
}

pub struct Chargen {
    /// The state of the generator of datagram lengths (splitmix64).
    lengths: AtomicU64,
}

impl Chargen {
    pub fn new() -> Chargen {
        Chargen {
            lengths: AtomicU64::new(RandomState::new().hash_one(std::process::id())),
        }
    }

    /// A length from 0 to 512, each as likely.
    fn length(&self) -> usize {
        let state = self
            .lengths
            .fetch_add(0x9e37_79b9_7f4a_7c15, Ordering::Relaxed)
            .wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        (z % (MAX_DATAGRAM as u64 + 1)) as usize
    }
}

impl Default for Chargen {
    fn default() -> Self {
        Chargen::new()
    }
}

/// A chargen connection: where in the pattern's period it has got to.
pub struct Generating {
    at: usize,
}

impl Service for Chargen {
    type Session = Generating;

    fn name(&self) -> &'static str {
        "chargen"
    }

    fn open(&self, _out: &mut Output) -> Generating {
        Generating { at: 0 }
    }

    /// A random length of the pattern from line 0, as RFC 864 has it; what came in is ignored.
    fn datagram<'a>(&'a self, _input: &'a [u8], _scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        Some(&PATTERN[..self.length()])
    }
}

impl Session for Generating {
    /// Always: the lines go on until the client closes the connection.
    fn wants_room(&self) -> bool {
        true
    }

    /// Offers the kernel the next stretch of the pattern and keeps none of what it refuses:
    /// the same bytes are offered again next time, so a client that never reads costs its
    /// socket buffers and nothing here.
    fn writable(&mut self, _scratch: &mut [u8], out: &mut Output) {
        let taken = out.send_some(&PATTERN[self.at..self.at + SPAN]);
        self.at = (self.at + taken) % PERIOD;
    }

    /// RFC 864: the lines go on "until the calling user terminates the connection"; a client
    /// that has shut down its side may still be reading.
    fn fin(&mut self, _out: &mut Output) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pattern's first `len` bytes, as a TCP client receives them.
    fn pattern_prefix(len: usize) -> Vec<u8> {
        PATTERN[..PERIOD]
            .iter()
            .copied()
            .cycle()
            .take(len)
            .collect()
    }

    /// Line `i` by RFC 864's description, built the slow way.
    fn line(i: usize) -> Vec<u8> {
        let ring: Vec<u8> = (b' '..=b'~').collect();
        let mut line: Vec<u8> = (0..LINE).map(|c| ring[(i + c) % ring.len()]).collect();
        line.extend_from_slice(b"\r\n");
        line
    }

    #[test]
    fn the_pattern_is_rfc_864s_rotating_lines() {
        let expected: Vec<u8> = (0..300).flat_map(line).collect();
        assert_eq!(pattern_prefix(expected.len()), expected);
        assert_eq!(&PATTERN[..LINE + 2], &line(0)[..]);
        assert_eq!(&PATTERN[PERIOD..PERIOD + LINE + 2], &line(0)[..]);
        assert_eq!(line(0).first(), Some(&b' '));
        assert_eq!(line(94).first(), Some(&b'~'));
    }

    #[test]
    fn datagram_lengths_cover_0_to_512() {
        let chargen = Chargen::new();
        let lengths: Vec<usize> = (0..20_000).map(|_| chargen.length()).collect();
        assert!(lengths.iter().all(|&n| n <= MAX_DATAGRAM));
        assert!(lengths.contains(&0) && lengths.contains(&MAX_DATAGRAM));
        let mut scratch = Vec::new();
        let reply = chargen.datagram(b"x", &mut scratch).unwrap();
        assert_eq!(reply, &pattern_prefix(reply.len())[..]);
    }
}
