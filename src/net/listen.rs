//! A client's listener waiting for its next peer, and the signals that end the wait.

use std::io;
use std::os::fd::{AsFd, BorrowedFd};
use std::os::unix::net::UnixStream;

use signal_hook::consts::{SIGINT, SIGTERM};

use super::poll::{self, Watch};

/// SIGINT and SIGTERM turned into a readable descriptor (the self-pipe): from `on_signals`
/// on, they no longer end the process; whoever waits on `fd` ends in good order instead,
/// removing its files and exiting 0.
pub struct Stop {
    read: UnixStream,
}

impl Stop {
    pub fn on_signals() -> io::Result<Stop> {
        let (read, write) = UnixStream::pair()?;
        signal_hook::low_level::pipe::register(SIGINT, write.try_clone()?)?;
        signal_hook::low_level::pipe::register(SIGTERM, write)?;
        Ok(Stop { read })
    }

    pub fn fd(&self) -> BorrowedFd<'_> {
        self.read.as_fd()
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
    fn a_signal_ends_the_wait() {
        let stop = Stop::on_signals().unwrap();
        let (mut client, idle) = UnixStream::pair().unwrap();
        signal_hook::low_level::raise(SIGTERM).unwrap();
        assert!(!wait_readable(idle.as_fd(), Some(&stop)).unwrap());
        client.write_all(b"x").unwrap();
        assert!(wait_readable(idle.as_fd(), None).unwrap());
    }
}
