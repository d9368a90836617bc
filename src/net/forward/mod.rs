//! One direction of a relayed connection: bytes from one socket to the other through a fixed
//! window, by read and write, or on Linux, for bulk, by splice(2) through a pipe; the FIN
//! passed on.
//!
//! The window is the back-pressure: while it holds bytes the destination has not taken, the
//! source is not read, so its sender is slowed by TCP itself and memory stays bounded.
//!
//! Why not splice everything: a splice into a pipe can stop short of what the socket holds (a
//! pipe has 16 slots, one per segment), so after a short splice the socket must be asked
//! again until it would block, while a short read is known to have emptied it. For small
//! messages that is a third more system calls than read and write (measured: more CPU per
//! echo than copying the bytes), so a direction splices only while its reads fill the whole
//! window, as HAProxy's `splice-auto` does.

use std::io::{self, Read, Write};
use std::net::Shutdown;

use mio::net::TcpStream;

/// The most a direction holds, and reads at once: a pipe's default size, and the loop's buffer.
pub const WINDOW: usize = 64 * 1024;
/// Reads per direction per call, before other connections get their turn.
const BUDGET: usize = 16;
/// A splice that moves less than this ends a bulk transfer: back to read and write.
#[cfg(target_os = "linux")]
const BULK: usize = 16 * 1024;

/// One way of a relayed connection, and what is known of its two sockets.
///
/// The readiness hints follow epoll's edges: set by an event, cleared by a call that would
/// block, so that a socket is not asked again until it has something new.
#[derive(Debug)]
pub struct Direction {
    /// The source may have bytes, or its FIN, to read.
    pub readable: bool,
    /// The source's FIN (or an error) was reported, perhaps behind data: a short read does not
    /// mean it is empty, read until the end.
    pub to_end: bool,
    /// The destination may take more.
    pub writable: bool,
    /// The source's FIN has been read.
    pub eof: bool,
    /// The destination's write half is shut down: the FIN passed on.
    pub shut: bool,
    /// Bytes the destination has taken.
    pub moved: u64,
    /// Read and not yet taken by the destination (allocated only then, freed once written).
    kept: Vec<u8>,
    from: usize,
    #[cfg(target_os = "linux")]
    splice: Splice,
}

/// splice(2) for bulk: a pipe of the direction's own, made at the first full read.
#[cfg(target_os = "linux")]
#[derive(Debug)]
struct Splice {
    /// Splicing is allowed (no dump) and possible (a pipe could be made).
    allowed: bool,
    pipe: Option<splice::Pipe>,
    /// Bytes in the pipe.
    held: usize,
    /// The last read filled the window: splice the next.
    bulk: bool,
}

/// Whom to show each chunk read (`relay --dump`), if anyone.
pub type Seen<'a> = Option<&'a mut dyn FnMut(&[u8])>;

/// A failed read or write, by the side it failed on.
#[derive(Debug)]
pub enum Failure {
    Source(io::Error),
    Destination(io::Error),
}

/// Where a call left the direction.
#[derive(Debug, PartialEq, Eq)]
pub enum Progress {
    /// Nothing more to do until an event.
    Waiting,
    /// The budget ran out with more perhaps waiting.
    More,
}

impl Direction {
    /// A direction that may splice bulk transfers when `splice` (and on Linux); without it,
    /// every chunk is read and written, so that each can be seen.
    pub fn new(splice: bool) -> Direction {
        #[cfg(not(target_os = "linux"))]
        let _ = splice;
        Direction {
            readable: true,
            to_end: false,
            writable: true,
            eof: false,
            shut: false,
            moved: 0,
            kept: Vec::new(),
            from: 0,
            #[cfg(target_os = "linux")]
            splice: Splice {
                allowed: splice,
                pipe: None,
                held: 0,
                bulk: false,
            },
        }
    }

    /// Both the FIN read and passed on: nothing more goes this way.
    pub fn done(&self) -> bool {
        self.shut
    }

    /// Moves bytes from `from` to `to` until one of them would block, the FIN is passed on,
    /// or the budget is spent. `buf` is the loop's buffer; `seen` is shown each chunk read
    /// (given one, the direction never splices).
    pub fn pump(
        &mut self,
        from: &mut TcpStream,
        to: &mut TcpStream,
        buf: &mut [u8],
        mut seen: Seen<'_>,
    ) -> Result<Progress, Failure> {
        for _ in 0..BUDGET {
            if self.held() > 0 {
                if !self.writable {
                    return Ok(Progress::Waiting);
                }
                self.flush(to).map_err(Failure::Destination)?;
                if self.held() > 0 {
                    return Ok(Progress::Waiting);
                }
            }
            if self.eof {
                if !self.shut {
                    self.shut = true;
                    // a destination already gone has nothing left to be told
                    let _ = to.shutdown(Shutdown::Write);
                }
                return Ok(Progress::Waiting);
            }
            if !self.readable {
                return Ok(Progress::Waiting);
            }
            #[cfg(target_os = "linux")]
            if self.splice.bulk && seen.is_none() {
                self.fill_pipe(from)?;
                continue;
            }
            self.read(from, to, buf, &mut seen)?;
        }
        Ok(Progress::More)
    }

    /// One read from the source into `buf`, written on to the destination at once when it
    /// takes it; the rest is kept.
    fn read(
        &mut self,
        from: &mut TcpStream,
        to: &mut TcpStream,
        buf: &mut [u8],
        seen: &mut Seen<'_>,
    ) -> Result<(), Failure> {
        let len = WINDOW.min(buf.len());
        let buf = &mut buf[..len];
        let n = match from.read(buf) {
            Ok(0) => {
                self.eof = true;
                return Ok(());
            }
            Ok(n) => n,
            Err(err) => return self.read_failed(err),
        };
        // a short read emptied the socket, and epoll reports the next arrival
        if n < len && !self.to_end {
            self.readable = false;
        }
        #[cfg(target_os = "linux")]
        if n == len && self.splice.allowed {
            self.splice.bulk = true;
        }
        if let Some(seen) = seen.as_mut() {
            seen(&buf[..n]);
        }
        let done = match self.writable {
            true => write_some(to, &buf[..n], &mut self.writable).map_err(Failure::Destination)?,
            false => 0,
        };
        self.moved += done as u64;
        if done < n {
            self.kept.extend_from_slice(&buf[done..n]);
            self.from = 0;
        }
        Ok(())
    }

    /// One splice from the source into the (empty) pipe.
    #[cfg(target_os = "linux")]
    fn fill_pipe(&mut self, from: &mut TcpStream) -> Result<(), Failure> {
        let splice = &mut self.splice;
        if splice.pipe.is_none() {
            match splice::Pipe::new() {
                Ok(pipe) => splice.pipe = Some(pipe),
                // out of descriptors, or pipes capped small: this direction reads and writes
                Err(_) => {
                    splice.allowed = false;
                    splice.bulk = false;
                    return Ok(());
                }
            }
        }
        let Some(pipe) = &splice.pipe else {
            return Ok(());
        };
        // no short-read shortcut: a pipe full of small segments ends a splice before the
        // socket is empty, so the socket is asked until it would block
        match pipe.fill(from, WINDOW) {
            Ok(0) => self.eof = true,
            Ok(n) => {
                splice.held = n;
                splice.bulk = n >= BULK;
            }
            Err(err) => return self.read_failed(err),
        }
        Ok(())
    }

    fn read_failed(&mut self, err: io::Error) -> Result<(), Failure> {
        match err.kind() {
            io::ErrorKind::WouldBlock => {
                self.readable = false;
                Ok(())
            }
            io::ErrorKind::Interrupted => Ok(()),
            _ => Err(Failure::Source(err)),
        }
    }

    /// Bytes read and not yet written.
    fn held(&self) -> usize {
        #[cfg(target_os = "linux")]
        if self.splice.held > 0 {
            return self.splice.held;
        }
        self.kept.len() - self.from
    }

    /// Writes what the window holds, as much as the destination takes.
    fn flush(&mut self, to: &mut TcpStream) -> io::Result<()> {
        #[cfg(target_os = "linux")]
        if let (Some(pipe), true) = (&self.splice.pipe, self.splice.held > 0) {
            while self.splice.held > 0 {
                match pipe.drain(to, self.splice.held) {
                    Ok(n) => {
                        self.splice.held -= n;
                        self.moved += n as u64;
                    }
                    Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                        self.writable = false;
                        break;
                    }
                    Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
                    Err(err) => return Err(err),
                }
            }
            return Ok(());
        }
        let done = write_some(to, &self.kept[self.from..], &mut self.writable)?;
        self.moved += done as u64;
        self.from += done;
        if self.from == self.kept.len() {
            // the memory goes back: a window is held only while a side is slow
            self.kept = Vec::new();
            self.from = 0;
        }
        Ok(())
    }
}

/// Writes as much of `data` as the kernel takes now, and how much that was; `writable` is
/// cleared when it would take no more.
fn write_some(to: &mut TcpStream, data: &[u8], writable: &mut bool) -> io::Result<usize> {
    let mut done = 0;
    while done < data.len() {
        match to.write(&data[done..]) {
            Ok(0) => {
                *writable = false;
                break;
            }
            Ok(n) => done += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                *writable = false;
                break;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    Ok(done)
}

#[cfg(target_os = "linux")]
mod splice;
