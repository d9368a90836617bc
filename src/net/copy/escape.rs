//! The escape key on a terminal (telnet's Ctrl-]): finding it in what is typed, and the hook
//! through which the pump lends the conversation to the prompt it opens (`cmd::raw::escape`).

use std::io::{self, Read};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

/// What one read of the terminal holds, cut at the first `key`: what goes to the peer, and,
/// when the key is there, what was typed after it (the start of the command line).
pub fn split(key: u8, typed: &[u8]) -> (&[u8], Option<&[u8]>) {
    match typed.iter().position(|&byte| byte == key) {
        Some(at) => (&typed[..at], Some(&typed[at + 1..])),
        None => (typed, None),
    }
}

/// The prompt the escape key opens. `cmd` gives one only when stdin is a terminal, so a
/// pipe's bytes always go through untouched.
pub trait Prompt {
    /// The key that opens the prompt.
    fn key(&self) -> u8;

    /// Runs the prompt while the conversation waits: its lines come from `input` (the
    /// terminal), starting with `typed`, what came after the key in the same read. It gives up
    /// with `Action::Stopped` once `stop` is readable (a signal). Errors are `input`'s.
    fn run(
        &mut self,
        input: &mut dyn Input,
        typed: &[u8],
        stop: Option<BorrowedFd<'_>>,
        progress: Progress,
    ) -> io::Result<Action>;
}

/// The pump's input, lent to the prompt: read a byte at a time, waited on with poll.
pub trait Input: Read + AsFd {}

impl<T: Read + AsFd> Input for T {}

/// Where the conversation stands when the prompt opens.
#[derive(Debug, Clone, Copy, Default)]
pub struct Progress {
    /// Bytes written to the stream and read from it, telnet's commands included.
    pub sent: u64,
    pub received: u64,
    /// Since the pump began.
    pub elapsed: Duration,
}

/// What the session does once the prompt is left.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Resume,
    /// Goes to the peer as it is (a telnet command), then the session goes on.
    Command([u8; 2]),
    /// Goes to the peer as data, encoded like anything typed, then the session goes on.
    Data(u8),
    Close,
    Quit,
    /// `stop` became readable (a signal) while the prompt waited.
    Stopped,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_cuts_at_the_first_key() {
        assert_eq!(split(0x1d, b"abc"), (&b"abc"[..], None));
        assert_eq!(split(0x1d, b"ab\x1d"), (&b"ab"[..], Some(&b""[..])));
        assert_eq!(
            split(0x1d, b"\x1dquit\n\x1d"),
            (&b""[..], Some(&b"quit\n\x1d"[..]))
        );
        assert_eq!(split(1, b"a\x1db"), (&b"a\x1db"[..], None));
    }
}
