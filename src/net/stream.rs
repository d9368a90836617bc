//! Client-side stream I/O with the `--trace` narration: sends, receives, half-close, the FIN.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::{Duration, Instant};

use super::poll::{self, Woken};
use super::trace::Trace;

/// When a whole exchange must be over: `-w` bounds connecting and the reply together, so a
/// server that drips a byte a second cannot hold a client for longer than that.
#[derive(Debug, Clone, Copy)]
pub struct Deadline(Option<Instant>);

impl Deadline {
    /// `limit` from now; `None`: no deadline.
    pub fn after(limit: Option<Duration>) -> Deadline {
        Deadline(limit.map(|limit| Instant::now() + limit))
    }

    /// Sets the stream's timeouts to the time left, so the next read or write ends by the
    /// deadline; once it has passed, `TimedOut`.
    pub(crate) fn arm(self, stream: &TcpStream) -> io::Result<()> {
        let Some(at) = self.0 else {
            return Ok(());
        };
        let left = at.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_read_timeout(Some(left))?;
        stream.set_write_timeout(Some(left))
    }

    /// The time left; `None`: no deadline.
    pub(crate) fn left(self) -> Option<Duration> {
        self.0
            .map(|at| at.saturating_duration_since(Instant::now()))
    }
}

/// Whether a read can go now: without a stop, always (the armed timeout bounds it); with one,
/// once the stream is readable, false when the wait ran out (the next `arm` says so), and
/// `Interrupted` once `stop` is readable (a signal).
fn ready(stream: &TcpStream, deadline: Deadline, stop: Option<BorrowedFd<'_>>) -> io::Result<bool> {
    let Some(stop) = stop else {
        return Ok(true);
    };
    match poll::readable(stream.as_fd(), stop, deadline.left())? {
        Woken::Readable => Ok(true),
        Woken::TimedOut => Ok(false),
        Woken::Stopped => Err(io::ErrorKind::Interrupted.into()),
    }
}

/// Writes all of `data` by the deadline.
pub fn send(
    stream: &mut TcpStream,
    data: &[u8],
    deadline: Deadline,
    trace: &Trace,
) -> io::Result<()> {
    deadline.arm(stream)?;
    stream.write_all(data)?;
    trace.step(format_args!("sent {} bytes", data.len()));
    Ok(())
}

/// Reads until `want` bytes have come or the peer closes (then fewer come back); times out
/// at the deadline. Once `stop` is readable (a signal), it gives up with `Interrupted`.
pub fn receive(
    stream: &mut TcpStream,
    want: usize,
    deadline: Deadline,
    stop: Option<BorrowedFd<'_>>,
    trace: &Trace,
) -> io::Result<Vec<u8>> {
    let mut data = vec![0; want];
    let mut got = 0;
    while got < want {
        deadline.arm(stream)?;
        if !ready(stream, deadline, stop)? {
            continue;
        }
        match stream.read(&mut data[got..]) {
            Ok(0) => {
                trace.step("FIN received from the peer (end of data)");
                break;
            }
            Ok(n) => {
                trace.step(format_args!("received {n} bytes"));
                got += n;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    data.truncate(got);
    Ok(data)
}

/// Reads until the peer closes, keeping at most `limit` bytes, by the deadline; a hostile
/// server that never stops talking costs no more than that. Once `stop` is readable (a
/// signal), it gives up with `Interrupted`.
pub fn until_eof(
    stream: &mut TcpStream,
    limit: usize,
    deadline: Deadline,
    stop: Option<BorrowedFd<'_>>,
    trace: &Trace,
) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        deadline.arm(stream)?;
        if !ready(stream, deadline, stop)? {
            continue;
        }
        match stream.read(&mut buf) {
            Ok(0) => {
                trace.step("FIN received from the peer (end of data)");
                return Ok(data);
            }
            Ok(n) => {
                trace.step(format_args!("received {n} bytes"));
                let room = limit.saturating_sub(data.len());
                data.extend_from_slice(&buf[..n.min(room)]);
                if data.len() >= limit {
                    trace.step(format_args!("stopped reading after {limit} bytes"));
                    return Ok(data);
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// Sends our FIN: the peer sees end of data, and can still answer.
pub fn shut_write(stream: &TcpStream, trace: &Trace) -> io::Result<()> {
    stream.shutdown(Shutdown::Write)?;
    trace.step("write half shut down (FIN sent)");
    Ok(())
}
