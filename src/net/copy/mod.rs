//! The client copy path: input to a stream and the stream to output at once, on one thread.
//!
//! `pump` is the one loop; `stream` says what it runs over (TCP and Unix sockets today, any
//! transport that implements `Stream` tomorrow); `encoding` turns input into wire bytes (`-C`,
//! `-t`); `outbox` holds what waits for the stream; `poll` waits on the input and the stream.

mod encoding;
mod outbox;
mod poll;
mod stream;

use std::io::{self, IsTerminal, Read, Write};
use std::os::fd::AsFd;
use std::thread;
use std::time::{Duration, Instant};

pub use stream::Stream;

use self::encoding::Encoding;
use self::outbox::Outbox;
use self::poll::Watch;
use super::telnet;
use super::trace::Trace;

/// Bytes moved per read, in either direction.
const CHUNK: usize = 64 * 1024;

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
pub fn pump<S: Stream>(
    mut stream: S,
    input: impl Read + AsFd,
    output: &mut impl Write,
    options: Options,
) -> Result<End, Failure> {
    stream.set_nonblocking().map_err(Failure::Receive)?;
    let result = Copy::new(input, output, options).run(&mut stream);
    drop(stream);
    options.trace.step("connection closed");
    result
}

/// One conversation's state between two waits.
struct Copy<'o, I, W> {
    input: I,
    output: &'o mut W,
    trace: Trace,
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
    buf: Vec<u8>,
    wire: Vec<u8>,
    data: Vec<u8>,
    answers: Vec<u8>,
}

impl<'o, I: Read + AsFd, W: Write> Copy<'o, I, W> {
    fn new(input: I, output: &'o mut W, options: Options) -> Self {
        Copy {
            terminal: input.as_fd().is_terminal(),
            input,
            output,
            trace: options.trace,
            idle: options.idle,
            encoding: Encoding::new(options.crlf, options.telnet),
            decoder: options.telnet.then(|| telnet::Decoder::new(options.trace)),
            outbox: Outbox::default(),
            input_open: true,
            peer_done: false,
            fin_sent: None,
            last_heard: Instant::now(),
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
                self.trace
                    .step("end of input: write half shut down (FIN sent)");
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
            let [socket, input] = poll::wait(
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
                ],
                timeout,
            )
            .map_err(Failure::Receive)?;
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
        self.trace.step(format_args!("received {n} bytes"));
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
                    self.trace.step(format_args!("sent {n} bytes"));
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
        match self.input.read(&mut self.buf) {
            Ok(0) => {
                self.input_open = false;
                let tail = self.encoding.finish(&mut self.wire);
                self.outbox.push(tail);
            }
            Ok(n) => {
                let bytes = self.encoding.apply(&self.buf[..n], &mut self.wire);
                self.outbox.push(bytes);
            }
            // a descriptor someone else made non-blocking; poll says when to try again
            Err(err) if again(&err) => {}
            Err(err) => return Err(Failure::Input(err)),
        }
        Ok(())
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
            thread::sleep(pause);
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

/// Nothing to do now; poll says when to try again.
fn again(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
    )
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
