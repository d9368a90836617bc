//! The terminal on stdin, borrowed for `raw`'s escape character and given back on every way out.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};

/// A terminal on which one more key ends a line, as BSD telnet sets it up for its escape
/// character: the terminal stays in line mode (typing, erasing and Ctrl-D work as ever), and
/// a read returns the moment the key is typed, with everything before it on the line. The
/// settings it found come back when it is dropped. It handles no signal: a caller that lets
/// SIGINT or SIGTERM end netkit has them stop it first (`net::listen::Stop`), so that the
/// guard is dropped on that way out too.
pub struct LineEnd<'fd> {
    fd: RawFd,
    saved: libc::termios,
    _fd: PhantomData<BorrowedFd<'fd>>,
}

impl<'fd> LineEnd<'fd> {
    /// Makes `key` end lines on the terminal `fd` (its VEOL character). An error when `fd` is
    /// not a terminal; nothing is changed then.
    pub fn set(fd: BorrowedFd<'fd>, key: u8) -> io::Result<LineEnd<'fd>> {
        let fd = fd.as_raw_fd();
        let saved = attributes(fd)?;
        let mut changed = saved;
        changed.c_cc[libc::VEOL] = key;
        apply(fd, &changed)?;
        Ok(LineEnd {
            fd,
            saved,
            _fd: PhantomData,
        })
    }
}

impl Drop for LineEnd<'_> {
    fn drop(&mut self) {
        let _ = apply(self.fd, &self.saved);
    }
}

fn attributes(fd: RawFd) -> io::Result<libc::termios> {
    // SAFETY: termios is plain data, for which all zeroes is a valid value
    let mut termios: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: tcgetattr writes one termios through the pointer, to a live local
    if unsafe { libc::tcgetattr(fd, &mut termios) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(termios)
}

fn apply(fd: RawFd, termios: &libc::termios) -> io::Result<()> {
    // SAFETY: tcsetattr reads one termios through the pointer, from a live reference
    if unsafe { libc::tcsetattr(fd, libc::TCSANOW, termios) } != 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::File;
    use std::os::fd::{AsFd, FromRawFd, OwnedFd};

    /// A new pseudo-terminal's slave side, with its master kept open.
    fn terminal() -> (OwnedFd, File) {
        // SAFETY: plain calls on a descriptor this test owns; ptsname's string is copied at once
        unsafe {
            let master = libc::posix_openpt(libc::O_RDWR | libc::O_NOCTTY);
            assert!(master >= 0, "{}", io::Error::last_os_error());
            let master = OwnedFd::from_raw_fd(master);
            assert_eq!(libc::grantpt(master.as_raw_fd()), 0);
            assert_eq!(libc::unlockpt(master.as_raw_fd()), 0);
            let mut name = [0 as libc::c_char; 128];
            assert_eq!(
                libc::ptsname_r(master.as_raw_fd(), name.as_mut_ptr(), name.len()),
                0
            );
            let name = std::ffi::CStr::from_ptr(name.as_ptr()).to_str().unwrap();
            let slave = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(name)
                .unwrap();
            (master, slave)
        }
    }

    #[test]
    fn the_key_ends_lines_until_the_guard_goes() {
        let (_master, slave) = terminal();
        let before = attributes(slave.as_raw_fd()).unwrap();
        let guard = LineEnd::set(slave.as_fd(), 0x1d).unwrap();
        let during = attributes(slave.as_raw_fd()).unwrap();
        assert_eq!(during.c_cc[libc::VEOL], 0x1d);
        assert_ne!(during.c_lflag & libc::ICANON, 0, "line mode stays");
        drop(guard);
        let after = attributes(slave.as_raw_fd()).unwrap();
        assert_eq!(after.c_cc, before.c_cc);
        assert_eq!(after.c_lflag, before.c_lflag);
    }

    #[test]
    fn not_a_terminal_is_an_error() {
        let file = File::open("/dev/null").unwrap();
        assert!(LineEnd::set(file.as_fd(), 0x1d).is_err());
    }
}
