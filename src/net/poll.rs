//! Waiting on several descriptors at once: poll(2), level-triggered.
//!
//! poll rather than mio's epoll: stdin may be a regular file or /dev/null, which epoll refuses,
//! and poll needs no O_NONBLOCK on stdin, a flag that a terminal or pipe shares with the shell.

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::time::Duration;

/// One descriptor and what to wait for on it.
pub struct Watch<'a> {
    pub fd: BorrowedFd<'a>,
    pub read: bool,
    pub write: bool,
}

/// What poll reported for one descriptor.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ready {
    pub read: bool,
    pub write: bool,
    /// An error, a hang-up or a bad descriptor: the next read or write says which.
    pub trouble: bool,
}

/// Waits until one of `watches` is ready or `timeout` passes (`None`: no limit). A `None`
/// watch is left out; its `Ready` stays all false. Interrupted waits are resumed.
pub fn wait<const N: usize>(
    watches: [Option<Watch<'_>>; N],
    timeout: Option<Duration>,
) -> io::Result<[Ready; N]> {
    let mut fds = watches.map(|watch| match watch {
        Some(watch) => libc::pollfd {
            fd: watch.fd.as_raw_fd(),
            events: if watch.read { libc::POLLIN } else { 0 }
                | if watch.write { libc::POLLOUT } else { 0 },
            revents: 0,
        },
        // a negative descriptor is skipped by poll(2)
        None => libc::pollfd {
            fd: -1,
            events: 0,
            revents: 0,
        },
    });
    let millis = match timeout {
        // rounded up, so that a wait shorter than a millisecond does not spin
        Some(limit) => i32::try_from(limit.as_micros().div_ceil(1000)).unwrap_or(i32::MAX),
        None => -1,
    };
    loop {
        // SAFETY: `fds` is a live array of N pollfd structs, and N is its true length; the
        // descriptors are borrowed from live objects for the length of the call
        let done = unsafe { libc::poll(fds.as_mut_ptr(), N as libc::nfds_t, millis) };
        if done >= 0 {
            break;
        }
        let err = io::Error::last_os_error();
        if err.kind() != io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    Ok(fds.map(|fd| Ready {
        read: fd.revents & libc::POLLIN != 0,
        write: fd.revents & libc::POLLOUT != 0,
        trouble: fd.revents & (libc::POLLERR | libc::POLLHUP | libc::POLLNVAL) != 0,
    }))
}

/// What ended a `readable` wait.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Woken {
    /// The descriptor has something to read, or an error or hang-up for the read to report.
    Readable,
    /// The stop became readable first (a signal).
    Stopped,
    /// The timeout passed.
    TimedOut,
}

/// Waits until `fd` is readable or `stop` is, `timeout` at most (`None`: no limit); the stop
/// wins when both are.
pub fn readable(
    fd: BorrowedFd<'_>,
    stop: BorrowedFd<'_>,
    timeout: Option<Duration>,
) -> io::Result<Woken> {
    let watch = |fd| {
        Some(Watch {
            fd,
            read: true,
            write: false,
        })
    };
    let [ready, stopped] = wait([watch(fd), watch(stop)], timeout)?;
    Ok(if stopped.read || stopped.trouble {
        Woken::Stopped
    } else if ready.read || ready.trouble {
        Woken::Readable
    } else {
        Woken::TimedOut
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::fd::AsFd;
    use std::os::unix::net::UnixStream;

    #[test]
    fn readiness_and_timeout() {
        let (mut a, b) = UnixStream::pair().unwrap();
        let watch = || {
            Some(Watch {
                fd: b.as_fd(),
                read: true,
                write: false,
            })
        };
        let [ready, skipped] = wait([watch(), None], Some(Duration::from_millis(1))).unwrap();
        assert!(!ready.read && !ready.trouble && !skipped.read);
        a.write_all(b"x").unwrap();
        let [ready] = wait([watch()], None).unwrap();
        assert!(ready.read);
        drop(a);
        let [ready] = wait([watch()], None).unwrap();
        assert!(ready.read && ready.trouble, "a closed peer is a hang-up");
    }

    #[test]
    fn the_stop_wins() {
        let (mut a, b) = UnixStream::pair().unwrap();
        let (mut signal, stop) = UnixStream::pair().unwrap();
        let wait = |limit| readable(b.as_fd(), stop.as_fd(), limit).unwrap();
        assert_eq!(wait(Some(Duration::from_millis(1))), Woken::TimedOut);
        a.write_all(b"x").unwrap();
        assert_eq!(wait(None), Woken::Readable);
        signal.write_all(b"!").unwrap();
        assert_eq!(wait(None), Woken::Stopped);
    }
}
