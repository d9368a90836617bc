//! The client copy path: input to a stream and the stream to output at once, on one thread.
//!
//! `pump` is the one loop, `conversation` its state and waits; `stream` says what it runs over
//! (TCP and Unix sockets, UDP in `datagram`, any transport that implements `Stream`);
//! `encoding` turns input into wire bytes (`-C`, `-t`); `outbox` holds what waits for the
//! stream; `net::poll` waits on the input and the stream; `hexdump` records every chunk for
//! `-x`; `escape` finds the escape character (Ctrl-]) a person types and hands the
//! conversation to the prompt it opens.

mod conversation;
mod datagram;
mod encoding;
pub mod escape;
pub mod hexdump;
mod outbox;
mod stream;

use std::io::{self, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

pub use datagram::{Datagrams, NewSender};
pub use escape::Prompt;
pub use hexdump::Hexdump;
pub use stream::Stream;

use self::conversation::Copy;
use super::trace::Trace;

/// How the bytes are carried.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    /// Send each `\n` as `\r\n` (a `\r\n` in the input stays as it is).
    pub crlf: bool,
    /// Speak telnet: answer and hide negotiations, escape 0xFF, end lines in `\r\n`.
    pub telnet: bool,
    /// Once the input has ended, stop after this long without a byte from the peer.
    pub idle: Option<Duration>,
    pub trace: Trace,
}

/// Why the conversation ended well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum End {
    /// The peer closed its side (FIN), and every byte of the input went out (or the input is
    /// a terminal, whose user is done when the peer is).
    PeerClosed,
    /// The input had ended and the peer stayed silent for `Options::idle`.
    Silence,
    /// `Sidecar::stop` became readable (a signal).
    Stopped,
    /// `close` at the escape prompt.
    Closed,
    /// `quit` at the escape prompt.
    Quit,
}

/// What takes part in a conversation besides the stream, the input and the output.
#[derive(Default)]
pub struct Sidecar<'a> {
    /// Gets every chunk of both directions as it goes through (`-x`): what was written to
    /// the stream and what was read from it, before any telnet decoding.
    pub dump: Option<&'a mut Hexdump>,
    /// Ends the conversation when it becomes readable (the signal pipe of a listener).
    pub stop: Option<BorrowedFd<'a>>,
    /// The input is a terminal and `Prompt::key` opens this prompt: what was typed before the
    /// key goes out, the prompt runs (the conversation waits), and the session goes on or ends.
    pub escape: Option<&'a mut dyn Prompt>,
}

/// Why it did not; `cmd` decides the words.
#[derive(Debug)]
pub enum Failure {
    /// Reading from the peer failed: a reset (`ConnectionReset`), or any socket error.
    Receive(io::Error),
    /// Writing to the peer failed.
    Send(io::Error),
    /// The peer reset or refused the connection while input (not a terminal) was still
    /// being sent: some of it is lost.
    Unsent(io::Error),
    /// Reading the input failed.
    Input(io::Error),
    /// Writing the output failed; `BrokenPipe` means its reader went away.
    Output(io::Error),
    /// Writing the hexdump (`Sidecar::dump`) failed.
    Dump(io::Error),
}

/// Copies `input` to `stream` and `stream` to `output` at the same time, byte for byte
/// (unless `options` ask for CR LF or telnet), flushing `output` after every read. One
/// thread waits on both descriptors; `input` is read only once the last piece of it went
/// out, so a peer that does not read holds the input back and costs no memory.
///
/// When the input ends, the write half is shut down (the peer sees our FIN) and reading goes
/// on until the peer closes, or until `options.idle` of silence. A FIN from the peer ends
/// only its direction: a terminal on `input` ends the conversation at once, but a pipe or a
/// file is sent to its end, and `End::PeerClosed` comes once the peer has acknowledged all
/// of it; a peer that resets meanwhile is `Failure::Unsent`. Returns with the stream closed.
///
/// Over datagrams (`Stream::max_datagram`) there is no FIN: the conversation ends only by
/// `options.idle` of silence once the input has ended (or never, without it).
pub fn pump<S: Stream>(
    stream: S,
    input: impl Read + AsFd,
    output: &mut impl Write,
    options: Options,
) -> Result<End, Failure> {
    pump_with(stream, input, output, options, Sidecar::default())
}

/// `pump`, with a dump of every chunk and a descriptor that stops it (`End::Stopped`).
pub fn pump_with<S: Stream>(
    mut stream: S,
    input: impl Read + AsFd,
    output: &mut impl Write,
    options: Options,
    sidecar: Sidecar<'_>,
) -> Result<End, Failure> {
    stream.set_nonblocking().map_err(Failure::Receive)?;
    let datagrams = stream.max_datagram().is_some();
    let result = Copy::new(input, output, options, sidecar, &stream).run(&mut stream);
    drop(stream);
    options.trace.step(if datagrams {
        "socket closed"
    } else {
        "connection closed"
    });
    result
}

#[cfg(test)]
mod tests;
