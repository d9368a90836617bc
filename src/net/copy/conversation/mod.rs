//! One conversation of the pump: its state, and the loop that waits on the stream, the input
//! and the stop and decides what comes next. `transfer` moves the bytes; `drain` waits, after
//! both FINs, for the peer to acknowledge the input.

mod drain;
mod transfer;

use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use super::encoding::Encoding;
use super::escape::{Action, Progress};
use super::outbox::Outbox;
use super::{End, Failure, Hexdump, Options, Prompt, Sidecar, Stream};
use crate::net::poll::{self, Watch};
use crate::net::telnet;
use crate::net::trace::Trace;

/// Bytes moved per read, in either direction; more than any UDP datagram holds (65,527 bytes
/// over IPv6), so none is ever too long for the buffer.
const CHUNK: usize = 64 * 1024;
const _: () = assert!(CHUNK >= 65_535 - 8);

/// One conversation's state between two waits.
pub(super) struct Copy<'o, I, W> {
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
    pub(super) fn new<'s: 'o>(
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

    pub(super) fn run(&mut self, stream: &mut impl Stream) -> Result<End, Failure> {
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
