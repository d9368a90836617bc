//! The client copy path: input to a stream and the stream to output at once, on one thread.
//!
//! `pump` is the one loop; `stream` says what it runs over (TCP and Unix sockets, UDP in
//! `datagram`, any transport that implements `Stream`); `encoding` turns input into wire bytes
//! (`-C`, `-t`); `outbox` holds what waits for the stream; `net::poll` waits on the input and
//! the stream; `hexdump` records every chunk for `-x`; `escape` finds the escape character
//! (Ctrl-]) a person types and hands the conversation to the prompt it opens.

mod datagram;
mod encoding;
pub mod escape;
pub mod hexdump;
mod outbox;
mod stream;

use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

pub use datagram::{Datagrams, NewSender};
pub use escape::Prompt;
pub use hexdump::Hexdump;
pub use stream::Stream;

use self::encoding::Encoding;
use self::escape::{Action, Progress};
use self::hexdump::Direction;
use self::outbox::Outbox;
use super::poll::{self, Watch};
use super::telnet;
use super::trace::Trace;
use crate::error::again;

/// Bytes moved per read, in either direction; more than any UDP datagram holds (65,527 bytes
/// over IPv6), so none is ever too long for the buffer.
const CHUNK: usize = 64 * 1024;
const _: () = assert!(CHUNK >= 65_535 - 8);

/// The longest pause between two looks at what the peer has acknowledged (see `drain`).
const DRAIN_PAUSE: Duration = Duration::from_millis(50);

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

/// One conversation's state between two waits.
struct Copy<'o, I, W> {
    input: I,
    output: &'o mut W,
    trace: Trace,
    dump: Option<&'o mut Hexdump>,
    stop: Option<BorrowedFd<'o>>,
    escape: Option<&'o mut dyn Prompt>,
    /// The key was typed; what came after it in the same read begins the command line.
    escaped: Option<Vec<u8>>,
    /// The stream carries datagrams: no FIN, and it narrates its own traffic.
    datagrams: bool,
    /// The longest piece of input read at once: what one datagram holds, once encoded.
    piece: usize,
    idle: Option<Duration>,
    /// A person types the input: the peer's FIN ends the conversation (telnet's habit).
    terminal: bool,
    encoding: Encoding,
    decoder: Option<telnet::Decoder>,
    outbox: Outbox,
    input_open: bool,
    peer_done: bool,
    fin_sent: Option<Instant>,
    last_heard: Instant,
    started: Instant,
    /// Bytes written to the stream and read from it, for `status`.
    sent: u64,
    received: u64,
    buf: Vec<u8>,
    wire: Vec<u8>,
    data: Vec<u8>,
    answers: Vec<u8>,
}

impl<'o, I: Read + AsFd, W: Write> Copy<'o, I, W> {
    fn new<'s: 'o>(
        input: I,
        output: &'o mut W,
        options: Options,
        sidecar: Sidecar<'s>,
        stream: &impl Stream,
    ) -> Self {
        let encoding = Encoding::new(options.crlf, options.telnet);
        let max = stream.max_datagram();
        Copy {
            terminal: input.as_fd().is_terminal(),
            input,
            output,
            trace: options.trace,
            dump: sidecar.dump,
            stop: sidecar.stop,
            // the prompt's lifetime shortens to the conversation's only by this coercion
            escape: sidecar.escape.map(|prompt| prompt as &mut dyn Prompt),
            escaped: None,
            datagrams: max.is_some(),
            piece: max.map_or(CHUNK, |max| (max / encoding.growth()).clamp(1, CHUNK)),
            idle: options.idle,
            encoding,
            decoder: options.telnet.then(|| telnet::Decoder::new(options.trace)),
            outbox: Outbox::default(),
            input_open: true,
            peer_done: false,
            fin_sent: None,
            last_heard: Instant::now(),
            started: Instant::now(),
            sent: 0,
            received: 0,
            buf: vec![0; CHUNK],
            wire: Vec::new(),
            data: Vec::new(),
            answers: Vec::new(),
        }
    }

    fn run(&mut self, stream: &mut impl Stream) -> Result<End, Failure> {
        loop {
            if self.peer_done {
                if self.terminal {
                    self.trace
                        .step("stdin is a terminal: the conversation is over");
                    return Ok(End::PeerClosed);
                }
                // what the stream still holds (a TLS close_notify) goes out first
                if self.fin_sent.is_some() && !stream.wants_flush() {
                    return self.drain(stream);
                }
            }
            let sending = !self.outbox.is_empty() || stream.wants_flush();
            if !self.input_open && !sending && self.fin_sent.is_none() {
                // narrated first: once the FIN is out, the peer may close and netkit end at
                // once, and a line written after the call could be lost with the process
                if !self.datagrams {
                    self.trace
                        .step("end of input: write half shut down (FIN sent)");
                } else if let Some(limit) = self.idle {
                    self.trace.step(format_args!(
                        "end of input (UDP has no FIN): replies are printed until {:.1} s \
                         pass without one",
                        limit.as_secs_f64()
                    ));
                } else {
                    self.trace
                        .step("end of input (UDP has no FIN): replies are still printed");
                }
                stream
                    .shut_write()
                    .map_err(|err| self.lost(err, Failure::Send))?;
                self.fin_sent = Some(Instant::now());
                continue;
            }
            let mut timeout = None;
            if let (Some(limit), Some(sent)) = (self.idle, self.fin_sent) {
                let left = limit.saturating_sub(sent.max(self.last_heard).elapsed());
                if left.is_zero() {
                    self.trace.step(format_args!(
                        "nothing received for {:.1} s since the end of input",
                        limit.as_secs_f64()
                    ));
                    return Ok(End::Silence);
                }
                timeout = Some(left);
            }
            // telnet answers the peer does not take hold back reading it (back-pressure)
            let receiving = !self.peer_done && !self.outbox.backed_up();
            let buffered = receiving && stream.buffered();
            if buffered {
                timeout = Some(Duration::ZERO);
            }
            let reading = self.input_open && !sending;
            let [socket, input, stop] = poll::wait(
                [
                    (receiving || sending).then(|| Watch {
                        fd: stream.as_fd(),
                        read: receiving,
                        write: sending,
                    }),
                    reading.then(|| Watch {
                        fd: self.input.as_fd(),
                        read: true,
                        write: false,
                    }),
                    self.stop.map(|fd| Watch {
                        fd,
                        read: true,
                        write: false,
                    }),
                ],
                timeout,
            )
            .map_err(Failure::Receive)?;
            if stop.read || stop.trouble {
                self.trace.step("signal received: the conversation is over");
                return Ok(End::Stopped);
            }
            if receiving && (socket.read || socket.trouble || buffered) {
                self.receive(stream)?;
            }
            if sending && (socket.write || socket.trouble) {
                self.send(stream)?;
            }
            if reading && (input.read || input.trouble) {
                self.read_input()?;
                // most of the time the socket takes it at once: no need to wait for that
                self.send(stream)?;
            }
            if let Some(typed) = self.escaped.take() {
                if let Some(end) = self.prompt(&typed)? {
                    return Ok(end);
                }
            }
        }
    }

    /// One read from the peer: data to the output, telnet answers to the outbox, or its FIN.
    fn receive(&mut self, stream: &mut impl Stream) -> Result<(), Failure> {
        let n = match stream.receive(&mut self.buf) {
            Ok(0) => {
                self.peer_done = true;
                self.trace.step("FIN received from the peer (end of data)");
                if !self.terminal && (self.input_open || !self.outbox.is_empty()) {
                    self.trace
                        .step("the peer sends no more; the rest of the input still goes out");
                }
                return Ok(());
            }
            Ok(n) => n,
            Err(err) if again(&err) => return Ok(()),
            Err(err) => return Err(self.lost(err, Failure::Receive)),
        };
        self.last_heard = Instant::now();
        self.received += n as u64;
        if !self.datagrams {
            self.trace.step(format_args!("received {n} bytes"));
        }
        if let Some(dump) = self.dump.as_mut() {
            dump.record(Direction::Received, &self.buf[..n])
                .map_err(Failure::Dump)?;
        }
        let shown = match self.decoder.as_mut() {
            Some(decoder) => {
                self.data.clear();
                self.answers.clear();
                decoder.feed(&self.buf[..n], &mut self.data, &mut self.answers);
                if !self.answers.is_empty() {
                    if self.fin_sent.is_some() {
                        // our write half is shut: nothing more can go, answers included
                        self.trace.step(format_args!(
                            "telnet answers of {} bytes not sent: our side is closed",
                            self.answers.len()
                        ));
                    } else {
                        self.outbox.answer(&self.answers);
                    }
                }
                &self.data[..]
            }
            None => &self.buf[..n],
        };
        if !shown.is_empty() {
            self.output
                .write_all(shown)
                .and_then(|()| self.output.flush())
                .map_err(Failure::Output)?;
        }
        Ok(())
    }

    /// Writes what waits in the outbox (and what the stream holds) until the socket is full.
    fn send(&mut self, stream: &mut impl Stream) -> Result<(), Failure> {
        loop {
            if stream.wants_flush() {
                match stream.flush() {
                    Ok(()) => {}
                    Err(err) if again(&err) => return Ok(()),
                    Err(err) => return Err(self.lost(err, Failure::Send)),
                }
            }
            let bytes = self.outbox.next();
            if bytes.is_empty() {
                if stream.wants_flush() {
                    continue;
                }
                return Ok(());
            }
            match stream.send(bytes) {
                Ok(0) => {
                    let err = io::Error::from(io::ErrorKind::WriteZero);
                    return Err(self.lost(err, Failure::Send));
                }
                Ok(n) => {
                    self.sent += n as u64;
                    if !self.datagrams {
                        self.trace.step(format_args!("sent {n} bytes"));
                    }
                    if let Some(dump) = self.dump.as_mut() {
                        dump.record(Direction::Sent, &bytes[..n])
                            .map_err(Failure::Dump)?;
                    }
                    self.outbox.advance(n);
                }
                // a layer full of its own records takes more once they are out
                Err(err) if err.kind() == io::ErrorKind::WouldBlock && stream.wants_flush() => {}
                Err(err) if again(&err) => return Ok(()),
                Err(err) => return Err(self.lost(err, Failure::Send)),
            }
        }
    }

    /// One read of the input, encoded into the outbox; at its end, what the encoding owes.
    fn read_input(&mut self) -> Result<(), Failure> {
        match self.input.read(&mut self.buf[..self.piece]) {
            Ok(0) => {
                self.input_open = false;
                let tail = self.encoding.finish(&mut self.wire);
                self.outbox.push(tail);
            }
            Ok(n) => {
                let typed = &self.buf[..n];
                let (now, escaped) = match &self.escape {
                    Some(escape) => escape::split(escape.key(), typed),
                    None => (typed, None),
                };
                let bytes = self.encoding.apply(now, &mut self.wire);
                self.outbox.push(bytes);
                self.escaped = escaped.map(<[u8]>::to_vec);
            }
            // a descriptor someone else made non-blocking; poll says when to try again
            Err(err) if again(&err) => {}
            Err(err) => return Err(Failure::Input(err)),
        }
        Ok(())
    }

    /// The escape prompt, once what was typed before the key went to the stream (or waits in
    /// the outbox); `Some` when the conversation ends there.
    fn prompt(&mut self, typed: &[u8]) -> Result<Option<End>, Failure> {
        let Some(escape) = self.escape.as_mut() else {
            return Ok(None);
        };
        self.trace
            .step("escape character typed: the netkit> prompt is open");
        let progress = Progress {
            sent: self.sent,
            received: self.received,
            elapsed: self.started.elapsed(),
        };
        let action = escape
            .run(&mut self.input, typed, self.stop, progress)
            .map_err(Failure::Input)?;
        let end = match action {
            Action::Resume => None,
            // after the piece that waits, as telnet's answers go
            Action::Command(bytes) => {
                self.outbox.answer(&bytes);
                None
            }
            Action::Data(key) => {
                let key = [key];
                let bytes = self.encoding.apply(&key, &mut self.wire);
                self.outbox.answer(bytes);
                None
            }
            Action::Close => Some(End::Closed),
            Action::Quit => Some(End::Quit),
            Action::Stopped => Some(End::Stopped),
        };
        self.trace.step(match end {
            None => "back to the session",
            Some(End::Stopped) => "signal received: the conversation is over",
            Some(_) => "closed at the netkit> prompt",
        });
        Ok(end)
    }

    /// After the peer's FIN and ours: the input is delivered once the peer has acknowledged
    /// all of it. No event says so, hence the look every few milliseconds; a reset comes
    /// back as the error.
    fn drain(&self, stream: &impl Stream) -> Result<End, Failure> {
        let mut pause = Duration::from_millis(1);
        let mut waiting = false;
        loop {
            match stream.unacknowledged() {
                Ok(0) => {
                    if waiting {
                        self.trace.step("the peer acknowledged all of the input");
                    }
                    return Ok(End::PeerClosed);
                }
                Ok(n) if !waiting => {
                    self.trace.step(format_args!(
                        "waiting for the peer to acknowledge {n} bytes"
                    ));
                    waiting = true;
                }
                Ok(_) => {}
                Err(err) if closed(&err) => return Err(Failure::Unsent(err)),
                Err(err) => return Err(Failure::Send(err)),
            }
            if let (Some(limit), Some(sent)) = (self.idle, self.fin_sent) {
                if sent.elapsed() >= limit {
                    self.trace.step(format_args!(
                        "nothing acknowledged for {:.1} s since the end of input",
                        limit.as_secs_f64()
                    ));
                    return Ok(End::Silence);
                }
            }
            // the pause is a wait on the stop, so that a signal ends it at once
            let [stop] = poll::wait(
                [self.stop.map(|fd| Watch {
                    fd,
                    read: true,
                    write: false,
                })],
                Some(pause),
            )
            .map_err(Failure::Send)?;
            if stop.read || stop.trouble {
                self.trace.step("signal received: the conversation is over");
                return Ok(End::Stopped);
            }
            pause = (pause * 2).min(DRAIN_PAUSE);
        }
    }

    /// A connection lost before all of a piped input went out is `Unsent`; otherwise `other`.
    fn lost(&self, err: io::Error, other: fn(io::Error) -> Failure) -> Failure {
        if !self.terminal && self.fin_sent.is_none() && closed(&err) {
            Failure::Unsent(err)
        } else {
            other(err)
        }
    }
}

/// The peer reset the connection or is gone.
fn closed(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::NotConnected
    )
}

#[cfg(test)]
mod tests;
