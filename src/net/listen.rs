//! The signals that end a wait in good order (the stop), and a listener waiting for its next
//! peer or the stop.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};

use super::poll::{self, Watch};

/// What a stop stands for: an interrupt, a request to terminate, the terminal gone.
const SIGNALS: [libc::c_int; 3] = [SIGINT, SIGTERM, SIGHUP];

/// SIGINT, SIGTERM and SIGHUP turned into a readable descriptor (the self-pipe): from
/// `on_signals` on, they no longer end the process; whoever waits on `fd` ends in good order
/// instead (removing its files, giving the terminal back, closing sessions), and `signal`
/// says which came.
pub struct Stop {
    read: UnixStream,
    /// The signal that came last; 0 before any.
    signal: Arc<AtomicUsize>,
}

impl Stop {
    pub fn on_signals() -> io::Result<Stop> {
        let (read, write) = UnixStream::pair()?;
        let signal = Arc::new(AtomicUsize::new(0));
        for number in SIGNALS {
            // first, so that whoever the pipe wakes finds the signal noted
            signal_hook::flag::register_usize(number, signal.clone(), number as usize)?;
            signal_hook::low_level::pipe::register(number, write.try_clone()?)?;
        }
        Ok(Stop { read, signal })
    }

    /// Readable once a signal has come, and from then on.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
    }

    /// The signal that came (the last, if several did); `None` before any.
    pub fn signal(&self) -> Option<libc::c_int> {
        match self.signal.load(Ordering::SeqCst) {
            0 => None,
            number => libc::c_int::try_from(number).ok(),
        }
    }

    /// Blocks until a signal comes, and gives it.
    pub fn wait(&self) -> io::Result<libc::c_int> {
        wait_readable(self.fd(), None)?;
        // the signal is noted before its byte is written, and the write ends live for ever
        self.signal()
            .ok_or_else(|| io::Error::other("the signal pipe woke without a signal"))
    }
}

/// `SIGINT`, `SIGTERM` or `SIGHUP`, for messages.
pub fn signal_name(signal: libc::c_int) -> &'static str {
    match signal {
        SIGINT => "SIGINT",
        SIGHUP => "SIGHUP",
        SIGTERM => "SIGTERM",
        _ => "a signal",
    }
}

/// Waits until `fd` is readable (a client to accept, a datagram to read) or `stop` is;
/// false when it is the stop.
pub fn wait_readable(fd: BorrowedFd<'_>, stop: Option<&Stop>) -> io::Result<bool> {
    let watch = |fd| {
        Some(Watch {
            fd,
            read: true,
            write: false,
        })
    };
    loop {
        let [ready, stopped] = poll::wait([watch(fd), stop.and_then(|s| watch(s.fd()))], None)?;
        if stopped.read || stopped.trouble {
            return Ok(false);
        }
        if ready.read || ready.trouble {
            return Ok(true);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_signal_ends_the_wait_and_is_named() {
        let stop = Stop::on_signals().unwrap();
        let (mut client, idle) = UnixStream::pair().unwrap();
        signal_hook::low_level::raise(SIGHUP).unwrap();
        assert!(!wait_readable(idle.as_fd(), Some(&stop)).unwrap());
        assert_eq!(stop.wait().unwrap(), SIGHUP);
        assert_eq!(signal_name(SIGHUP), "SIGHUP");
        client.write_all(b"x").unwrap();
        assert!(wait_readable(idle.as_fd(), None).unwrap());
    }
}
