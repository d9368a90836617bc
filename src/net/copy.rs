//! The client copy loop: input to the socket and the socket to output at once, until EOF.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, TryRecvError};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use super::outbox::Outbox;
use super::telnet;
use super::trace::Trace;

/// Bytes moved per read, in either direction.
const CHUNK: usize = 64 * 1024;

/// A connected stream the two directions can share: one thread reads while another writes.
pub trait Stream: Send + Sync + 'static {
    fn receive(&self, buf: &mut [u8]) -> io::Result<usize>;
    fn send_all(&self, bytes: &[u8]) -> io::Result<()>;
    fn shutdown(&self, how: Shutdown) -> io::Result<()>;
    fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()>;
}

impl Stream for TcpStream {
    fn receive(&self, buf: &mut [u8]) -> io::Result<usize> {
        (&mut &*self).read(buf)
    }
    fn send_all(&self, bytes: &[u8]) -> io::Result<()> {
        (&mut &*self).write_all(bytes)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        TcpStream::shutdown(self, how)
    }
    fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()> {
        TcpStream::set_read_timeout(self, limit)
    }
}

#[cfg(unix)]
impl Stream for std::os::unix::net::UnixStream {
    fn receive(&self, buf: &mut [u8]) -> io::Result<usize> {
        (&mut &*self).read(buf)
    }
    fn send_all(&self, bytes: &[u8]) -> io::Result<()> {
        (&mut &*self).write_all(bytes)
    }
    fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        std::os::unix::net::UnixStream::shutdown(self, how)
    }
    fn set_read_timeout(&self, limit: Option<Duration>) -> io::Result<()> {
        std::os::unix::net::UnixStream::set_read_timeout(self, limit)
    }
}

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
    /// The peer closed its side (FIN).
    PeerClosed,
    /// The input had ended and the peer stayed silent for `Options::idle`.
    Silence,
}

/// Why it did not; `cmd` decides the words.
#[derive(Debug)]
pub enum Failure {
    /// Reading from the peer failed: a reset (`ConnectionReset`), or any socket error.
    Receive(io::Error),
    /// Reading the input failed.
    Input(io::Error),
    /// Writing the output failed; `BrokenPipe` means its reader went away.
    Output(io::Error),
    /// The thread that reads the input could not be started.
    Thread(io::Error),
}

/// Copies `input` to `stream` and `stream` to `output` at the same time, byte for byte
/// (unless `options` ask for CR LF or telnet), flushing `output` after every read.
///
/// Returns as soon as the peer closes, even while `input` is still open: the input is read
/// on a detached thread, because a blocking read of a terminal or a pipe cannot be
/// interrupted. When the input ends first, the write half is shut down (the peer sees our
/// FIN) and reading goes on until the peer closes, or until `options.idle` of silence.
/// The connection is shut down in both directions before returning.
pub fn pump<S: Stream>(
    stream: S,
    input: impl Read + Send + 'static,
    output: &mut impl Write,
    options: Options,
) -> Result<End, Failure> {
    let stream = Arc::new(stream);
    let outbox = Arc::new(Outbox::new(stream.clone()));
    let (done_tx, done) = mpsc::channel();
    let sender = outbox.clone();
    thread::Builder::new()
        .name("input".into())
        .spawn(move || {
            let result = send_input(input, &sender, options);
            let failed = result.is_err();
            // the receiver is gone once the conversation is over; nothing left to tell
            let _ = done_tx.send(result);
            if failed {
                // only now that the failure can be read: a blocked read returns 0 once our
                // read side is shut down
                sender.wake_receiver();
            }
        })
        .map_err(Failure::Thread)?;
    let result = receive_output(&*stream, &outbox, &done, output, options);
    // also ends our side when the input is still open; the peer may have gone already
    let _ = stream.shutdown(Shutdown::Both);
    options.trace.step("connection closed");
    result
}

/// The calling thread's half: the socket to `output`, telnet answers back to the socket.
fn receive_output<S: Stream>(
    stream: &S,
    outbox: &Outbox<S>,
    done: &mpsc::Receiver<Result<Instant, Failure>>,
    output: &mut impl Write,
    options: Options,
) -> Result<End, Failure> {
    let trace = options.trace;
    let mut decoder = options.telnet.then(|| telnet::Decoder::new(trace));
    let mut buf = vec![0u8; CHUNK];
    let (mut data, mut replies) = (Vec::new(), Vec::new());
    let mut input_ended: Option<Instant> = None;
    let mut last_heard = Instant::now();
    if let Some(limit) = options.idle {
        // While the input is open this timeout only wakes us to look at the input thread:
        // a read already blocked does not see a timeout set later from another thread.
        stream
            .set_read_timeout(Some(limit))
            .map_err(Failure::Receive)?;
    }
    loop {
        match done.try_recv() {
            Ok(Ok(when)) => input_ended = Some(when),
            Ok(Err(failure)) => return Err(failure),
            Err(TryRecvError::Empty | TryRecvError::Disconnected) => {}
        }
        if let (Some(limit), Some(ended)) = (options.idle, input_ended) {
            let left = limit.saturating_sub(ended.max(last_heard).elapsed());
            if left.is_zero() {
                trace.step(format_args!(
                    "nothing received for {:.1} s since the end of input",
                    limit.as_secs_f64()
                ));
                return Ok(End::Silence);
            }
            stream
                .set_read_timeout(Some(left))
                .map_err(Failure::Receive)?;
        }
        let n = match stream.receive(&mut buf) {
            Ok(0) => {
                // a failed input shuts our read side down to wake us: tell that from a FIN
                if let Ok(Err(failure)) = done.try_recv() {
                    return Err(failure);
                }
                trace.step("FIN received from the peer (end of data)");
                return Ok(End::PeerClosed);
            }
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // the read timeout of a Unix socket is EAGAIN; the top of the loop decides
            Err(err) if options.idle.is_some() && err.kind() == io::ErrorKind::WouldBlock => {
                continue
            }
            Err(err) => return Err(Failure::Receive(err)),
        };
        last_heard = Instant::now();
        trace.step(format_args!("received {n} bytes"));
        let shown = match decoder.as_mut() {
            Some(decoder) => {
                data.clear();
                replies.clear();
                decoder.feed(&buf[..n], &mut data, &mut replies);
                if !replies.is_empty() {
                    // an answer that cannot go out is not worth ending for: if the
                    // connection is broken, the next read says so
                    match outbox.reply(&replies) {
                        Ok(()) => {}
                        Err(err) => trace.step(format_args!(
                            "telnet answers not sent: {}",
                            crate::error::reason(&err)
                        )),
                    }
                }
                &data[..]
            }
            None => &buf[..n],
        };
        if !shown.is_empty() {
            output
                .write_all(shown)
                .and_then(|()| output.flush())
                .map_err(Failure::Output)?;
        }
    }
}

/// The input thread's half: `input` to the socket until it ends, then our FIN. Returns when
/// the input ended (or sending stopped), which is where the silence of `options.idle` starts:
/// the receiving side may learn of it only later.
fn send_input<S: Stream>(
    mut input: impl Read,
    outbox: &Outbox<S>,
    options: Options,
) -> Result<Instant, Failure> {
    let trace = options.trace;
    let mut encoding = Encoding::new(options);
    let mut buf = vec![0u8; CHUNK];
    let mut wire = Vec::new();
    let sent = |result: io::Result<()>, n: usize| match result {
        Ok(()) => {
            trace.step(format_args!("sent {n} bytes"));
            true
        }
        Err(err) => {
            // the receiving side learns what happened to the connection from its own read
            trace.step(format_args!("send failed: {}", crate::error::reason(&err)));
            false
        }
    };
    loop {
        let n = match input.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Failure::Input(err)),
        };
        let bytes = encoding.apply(&buf[..n], &mut wire);
        if !sent(outbox.send(bytes), bytes.len()) {
            return Ok(Instant::now());
        }
    }
    let ended = Instant::now();
    let tail = encoding.finish(&mut wire);
    if !tail.is_empty() && !sent(outbox.send(tail), tail.len()) {
        return Ok(ended);
    }
    // narrated first: once the FIN is out, the peer may close and netkit end at once, and a
    // line written after the call could be lost with the process
    trace.step("end of input: write half shut down (FIN sent)");
    if let Err(err) = outbox.shut_write() {
        trace.step(format_args!(
            "shutdown failed: {}",
            crate::error::reason(&err)
        ));
    }
    Ok(ended)
}

/// What happens to the input on its way to the wire.
enum Encoding {
    Plain,
    Crlf(Crlf),
    Telnet(telnet::Encoder),
}

impl Encoding {
    fn new(options: Options) -> Encoding {
        if options.telnet {
            Encoding::Telnet(telnet::Encoder::new())
        } else if options.crlf {
            Encoding::Crlf(Crlf::default())
        } else {
            Encoding::Plain
        }
    }

    fn apply<'a>(&mut self, input: &'a [u8], wire: &'a mut Vec<u8>) -> &'a [u8] {
        wire.clear();
        match self {
            Encoding::Plain => return input,
            Encoding::Crlf(crlf) => crlf.apply(input, wire),
            Encoding::Telnet(encoder) => encoder.encode(input, wire),
        }
        wire
    }

    fn finish<'a>(&mut self, wire: &'a mut Vec<u8>) -> &'a [u8] {
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
struct Crlf {
    after_cr: bool,
}

impl Crlf {
    fn apply(&mut self, input: &[u8], out: &mut Vec<u8>) {
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
    use std::os::unix::net::UnixStream;

    fn crlf(chunks: &[&[u8]]) -> Vec<u8> {
        let mut crlf = Crlf::default();
        let mut out = Vec::new();
        for chunk in chunks {
            crlf.apply(chunk, &mut out);
        }
        out
    }

    #[test]
    fn crlf_adds_cr_once() {
        assert_eq!(crlf(&[b"a\nb\r\nc"]), b"a\r\nb\r\nc");
        assert_eq!(crlf(&[b"a\r", b"\nb\n"]), b"a\r\nb\r\n");
        assert_eq!(crlf(&[b"\n\n"]), b"\r\n\r\n");
        assert_eq!(crlf(&[b"a\rb"]), b"a\rb");
    }

    #[test]
    fn input_end_half_closes_and_the_answer_still_arrives() {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        let server = thread::spawn(move || {
            let mut request = Vec::new();
            theirs.read_to_end(&mut request).unwrap(); // ends only with our FIN
            theirs.write_all(b"got it").unwrap();
            request
        });
        let mut out = Vec::new();
        let options = Options {
            crlf: true,
            ..Options::default()
        };
        let end = pump(
            ours,
            io::Cursor::new(b"HELO x\n".to_vec()),
            &mut out,
            options,
        );
        assert_eq!(end.unwrap(), End::PeerClosed);
        assert_eq!(out, b"got it");
        assert_eq!(server.join().unwrap(), b"HELO x\r\n");
    }

    #[test]
    fn peer_close_ends_while_input_is_still_open() {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        let (input, _keep_open) = UnixStream::pair().unwrap();
        theirs.write_all(b"bye\n").unwrap();
        drop(theirs);
        let mut out = Vec::new();
        let end = pump(ours, input, &mut out, Options::default());
        assert_eq!(end.unwrap(), End::PeerClosed);
        assert_eq!(out, b"bye\n");
    }

    #[test]
    fn telnet_answers_go_out_while_input_waits() {
        let (ours, mut theirs) = UnixStream::pair().unwrap();
        let (input, _keep_open) = UnixStream::pair().unwrap();
        let server = thread::spawn(move || {
            theirs.write_all(&[b'a', 255, 253, 24, b'b']).unwrap();
            let mut answer = [0u8; 3];
            theirs.read_exact(&mut answer).unwrap();
            answer
        });
        let mut out = Vec::new();
        let options = Options {
            telnet: true,
            ..Options::default()
        };
        assert_eq!(
            pump(ours, input, &mut out, options).unwrap(),
            End::PeerClosed
        );
        assert_eq!(out, b"ab");
        assert_eq!(server.join().unwrap(), [255, 252, 24]);
    }

    #[test]
    fn silence_after_input_end_ends_the_conversation() {
        let (ours, _silent) = UnixStream::pair().unwrap();
        let options = Options {
            idle: Some(Duration::from_millis(200)),
            ..Options::default()
        };
        let started = Instant::now();
        let end = pump(ours, io::empty(), &mut Vec::new(), options);
        assert_eq!(end.unwrap(), End::Silence);
        assert!(started.elapsed() >= Duration::from_millis(200));
    }

    #[test]
    fn failing_input_is_reported() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::Error::other("gone"))
            }
        }
        let (ours, _silent) = UnixStream::pair().unwrap();
        match pump(ours, Broken, &mut Vec::new(), Options::default()) {
            Err(Failure::Input(err)) => assert_eq!(err.to_string(), "gone"),
            other => panic!("{other:?}"),
        }
    }
}
