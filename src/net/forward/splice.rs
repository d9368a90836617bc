//! A pipe per direction, and splice(2) between it and the sockets (Linux).

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

use mio::net::TcpStream;

#[derive(Debug)]
pub struct Pipe {
    read: OwnedFd,
    write: OwnedFd,
}

impl Pipe {
    pub fn new() -> io::Result<Pipe> {
        let mut fds = [0; 2];
        // SAFETY: pipe2 fills both descriptors on success, from then on ours alone; F_GETPIPE_SZ
        // only reads the size of one of them
        unsafe {
            if libc::pipe2(fds.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) != 0 {
                return Err(io::Error::last_os_error());
            }
            let pipe = Pipe {
                read: OwnedFd::from_raw_fd(fds[0]),
                write: OwnedFd::from_raw_fd(fds[1]),
            };
            // past the user's pipe quota (fs.pipe-user-pages-soft) new pipes get a page
            // or two: too small a window to be worth it
            let size = libc::fcntl(pipe.write.as_raw_fd(), libc::F_GETPIPE_SZ);
            if size < super::WINDOW as i32 {
                return Err(io::ErrorKind::OutOfMemory.into());
            }
            Ok(pipe)
        }
    }

    /// Moves up to `len` bytes from `socket` into the (empty) pipe; 0 is the FIN.
    pub fn fill(&self, socket: &TcpStream, len: usize) -> io::Result<usize> {
        splice(socket.as_raw_fd(), self.write.as_raw_fd(), len)
    }

    /// Moves up to `len` bytes from the pipe to `socket`.
    pub fn drain(&self, socket: &TcpStream, len: usize) -> io::Result<usize> {
        splice(self.read.as_raw_fd(), socket.as_raw_fd(), len)
    }
}

fn splice(from: RawFd, to: RawFd, len: usize) -> io::Result<usize> {
    let flags = libc::SPLICE_F_MOVE | libc::SPLICE_F_NONBLOCK;
    // SAFETY: splice on descriptors this process holds open, without offsets (both ends
    // are a socket and a pipe)
    let n = unsafe {
        libc::splice(
            from,
            std::ptr::null_mut(),
            to,
            std::ptr::null_mut(),
            len,
            flags,
        )
    };
    match n {
        n if n >= 0 => Ok(n as usize),
        _ => Err(io::Error::last_os_error()),
    }
}
