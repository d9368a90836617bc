//! The terminal on stdin, borrowed for `raw`'s escape character and given back on every way out.

use std::io;
use std::marker::PhantomData;
use std::os::fd::{AsRawFd, BorrowedFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use signal_hook::consts::{SIGINT, SIGTERM};
use signal_hook::SigId;

/// A terminal on which one more key ends a line, as BSD telnet sets it up for its escape
/// character: the terminal stays in line mode (typing, erasing and Ctrl-D work as ever), and
/// a read returns the moment the key is typed, with everything before it on the line. The
/// settings it found come back when it is dropped, and on SIGINT and SIGTERM.
pub struct LineEnd<'fd> {
    fd: RawFd,
    saved: libc::termios,
    /// Read by the signal actions: false once the settings are back.
    active: Arc<AtomicBool>,
    signals: Vec<SigId>,
    /// Whether the signal actions also end the process (see `set`).
    fatal: bool,
    _fd: PhantomData<BorrowedFd<'fd>>,
}

impl<'fd> LineEnd<'fd> {
    /// Makes `key` end lines on the terminal `fd` (its VEOL character). With `fatal`, SIGINT
    /// and SIGTERM still end netkit as they did, once the settings are back; without it,
    /// something else handles them (a listener's stop) and they only put the settings back.
    /// An error when `fd` is not a terminal, or the signals cannot be handled; nothing is
    /// changed then.
    pub fn set(fd: BorrowedFd<'fd>, key: u8, fatal: bool) -> io::Result<LineEnd<'fd>> {
        let fd = fd.as_raw_fd();
        let saved = attributes(fd)?;
        let mut guard = LineEnd {
            fd,
            saved,
            active: Arc::new(AtomicBool::new(true)),
            signals: Vec::new(),
            fatal,
            _fd: PhantomData,
        };
        // before the change, so that no signal can come between it and its undo
        for signal in [SIGINT, SIGTERM] {
            let active = guard.active.clone();
            let action = move || {
                if active.swap(false, Ordering::SeqCst) {
                    // SAFETY: tcsetattr is async-signal-safe; `saved` is a copy in the
                    // closure, and `fd` is open while `active` is true
                    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &saved) };
                }
                if fatal {
                    let _ = signal_hook::low_level::emulate_default_handler(signal);
                }
            };
            // SAFETY: the action only calls tcsetattr and signal-hook's own emulation of the
            // default, both async-signal-safe, and touches an atomic; it allocates nothing
            let id = unsafe { signal_hook::low_level::register(signal, action) }?;
            guard.signals.push(id);
        }
        let mut changed = saved;
        changed.c_cc[libc::VEOL] = key;
        apply(fd, &changed)?;
        Ok(guard)
    }
}

impl Drop for LineEnd<'_> {
    fn drop(&mut self) {
        if self.active.swap(false, Ordering::SeqCst) {
            let _ = apply(self.fd, &self.saved);
        }
        // a fatal action stays: signal-hook never puts the default back, and the action is
        // that default now
        if !self.fatal {
            for id in self.signals.drain(..) {
                signal_hook::low_level::unregister(id);
            }
        }
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
        let guard = LineEnd::set(slave.as_fd(), 0x1d, false).unwrap();
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
        assert!(LineEnd::set(file.as_fd(), 0x1d, false).is_err());
    }
}
