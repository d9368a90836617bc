//! The byte streams the copy loop runs over: the `Stream` trait, and TCP and Unix sockets.
//!
//! UDP is a `Stream` too (`datagram.rs`), one whose pieces keep their boundaries.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;

/// A connected byte stream with a write half to shut, driven by one thread that waits on its
/// descriptor (`AsFd`) with poll(2): the pump reads when it is readable (or `buffered`) and
/// writes when it is writable (or `wants_flush`).
///
/// TCP and Unix stream sockets are their own descriptor. A protocol layered on a socket
/// (TLS: a rustls connection owning a `TcpStream`) implements it by keeping its own buffers:
/// `receive` decrypts what the socket has, `send` takes plaintext into records, and the two
/// hooks below say when it holds bytes the descriptor's readiness does not show. Nothing is
/// shared between threads, so the layer needs no lock and no split into halves.
pub trait Stream: AsFd {
    /// Puts the descriptor in non-blocking mode; the pump never blocks on the stream.
    fn set_nonblocking(&self) -> io::Result<()>;

    /// Reads what has arrived. `Ok(0)` is the peer's end of data (its FIN, or TLS
    /// close_notify); `WouldBlock` means nothing yet. A reset is `ConnectionReset`.
    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize>;

    /// Writes a prefix of `bytes` and says how long; `WouldBlock` when nothing fits now.
    fn send(&mut self, bytes: &[u8]) -> io::Result<usize>;

    /// Ends our direction (TCP: FIN; TLS: close_notify, then FIN). Nothing is sent after it;
    /// the peer can still answer. What cannot go out at once (the close_notify record, and
    /// so the FIN behind it) is left to `flush`, which the pump goes on calling.
    fn shut_write(&mut self) -> io::Result<()>;

    /// Bytes taken by `send` but still held by the stream for the wire (TLS records): the
    /// pump waits for the descriptor to be writable and calls `flush` until this is false.
    fn wants_flush(&self) -> bool {
        false
    }

    /// Writes what `wants_flush` reported; `WouldBlock` when the socket is full.
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }

    /// Data that `receive` can return at once although the descriptor is not readable
    /// (plaintext a TLS layer already decrypted).
    fn buffered(&self) -> bool {
        false
    }

    /// Bytes sent that the peer has not acknowledged yet, where the transport can tell (TCP),
    /// or the error that ended the connection meanwhile. After the peer's FIN the pump waits
    /// for 0 before it calls the input delivered: a peer that closed without reading answers
    /// the last bytes with a reset that no later write would report.
    fn unacknowledged(&self) -> io::Result<usize> {
        Ok(0)
    }

    /// `Some(n)` for a datagram transport (UDP): each `send` is one datagram of at most `n`
    /// bytes, so the pump reads the input in pieces that fit one; there is no FIN either way
    /// (`shut_write` does nothing, `receive` never returns 0), so the conversation ends by
    /// silence (`Options::idle`) or a stop; and the stream narrates its own datagrams, since
    /// it knows the addresses they come from and go to.
    fn max_datagram(&self) -> Option<usize> {
        None
    }
}

/// The stream of the transport chosen at run time (`raw`: TCP, UDP, Unix, or a layer on one).
impl<S: Stream + ?Sized> Stream for Box<S> {
    fn set_nonblocking(&self) -> io::Result<()> {
        (**self).set_nonblocking()
    }

    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        (**self).receive(buf)
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<usize> {
        (**self).send(bytes)
    }

    fn shut_write(&mut self) -> io::Result<()> {
        (**self).shut_write()
    }

    fn wants_flush(&self) -> bool {
        (**self).wants_flush()
    }

    fn flush(&mut self) -> io::Result<()> {
        (**self).flush()
    }

    fn buffered(&self) -> bool {
        (**self).buffered()
    }

    fn unacknowledged(&self) -> io::Result<usize> {
        (**self).unacknowledged()
    }

    fn max_datagram(&self) -> Option<usize> {
        (**self).max_datagram()
    }
}

/// A socket that is its own stream: read and written as it is, `shutdown` for our FIN, and
/// what else the transport can tell (`$extra`).
macro_rules! socket_stream {
    ($(#[$doc:meta])* $socket:ty { $($extra:item)* }) => {
        $(#[$doc])*
        impl Stream for $socket {
            fn set_nonblocking(&self) -> io::Result<()> {
                <$socket>::set_nonblocking(self, true)
            }

            fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                self.read(buf)
            }

            fn send(&mut self, bytes: &[u8]) -> io::Result<usize> {
                self.write(bytes)
            }

            fn shut_write(&mut self) -> io::Result<()> {
                self.shutdown(Shutdown::Write)
            }

            $($extra)*
        }
    };
}

socket_stream!(TcpStream {
    fn unacknowledged(&self) -> io::Result<usize> {
        if let Some(err) = self.take_error()? {
            return Err(err);
        }
        unacknowledged_tcp(self)
    }
});

socket_stream!(
    /// A write to a Unix socket whose peer has gone fails at once (`BrokenPipe`), so nothing is
    /// ever unacknowledged in the TCP sense.
    UnixStream {}
);

/// The send queue: bytes (and our FIN) written and not yet acknowledged (SIOCOUTQ).
#[cfg(target_os = "linux")]
fn unacknowledged_tcp(stream: &TcpStream) -> io::Result<usize> {
    use std::os::fd::AsRawFd;
    let mut queued: libc::c_int = 0;
    // SAFETY: SIOCOUTQ (the same number as TIOCOUTQ) writes one int through the pointer, which
    // points to a live local; the descriptor is borrowed from a live stream
    let done = unsafe { libc::ioctl(stream.as_raw_fd(), libc::TIOCOUTQ, &mut queued) };
    if done < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(usize::try_from(queued).unwrap_or(0))
}

/// Elsewhere there is no portable way to ask: a lost tail shows only as a later error.
#[cfg(not(target_os = "linux"))]
fn unacknowledged_tcp(_stream: &TcpStream) -> io::Result<usize> {
    Ok(0)
}
