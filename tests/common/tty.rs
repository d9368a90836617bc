//! Terminal tests: the built binary under a real pseudo-terminal, typed at and read with deadlines.
//!
//! `spawn(args)` starts `netkit ARGS` with stdin, stdout and stderr on the slave side of a new
//! pty (24 rows, 80 columns), which is its controlling terminal, so `isatty` is true, Ctrl-C
//! sent as a byte raises SIGINT, and raw mode can be set. What it writes is read on a thread
//! and kept; `expect` waits for text in it, `send` types, `wait` takes the exit status.
//!
//! The text that `expect` and `text` see is what a person reads: escape sequences (cursor
//! moves, colours, line clears) are removed and the terminal's `\r\n` is `\n`; a `\r` alone
//! (a line redrawn in place) stays. `raw` has the bytes as they came.

use std::io::{Read, Write};
use std::process::ExitStatus;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use portable_pty::{CommandBuilder, MasterPty, PtySize};

use super::BIN;

/// How the terminal's output is polled while waiting.
const POLL: Duration = Duration::from_millis(10);

/// A netkit child on a pty of its own; killed on drop.
pub struct Tty {
    child: Box<std::process::Child>,
    writer: Box<dyn Write + Send>,
    /// Kept open so that the child's terminal stays alive (and could be resized).
    _master: Box<dyn MasterPty + Send>,
    output: Arc<Mutex<Output>>,
    reader: Option<thread::JoinHandle<()>>,
    /// How much of `text()` earlier `expect` calls have consumed.
    consumed: usize,
}

#[derive(Default)]
struct Output {
    bytes: Vec<u8>,
    /// The child and everything it started have closed the terminal.
    closed: bool,
}

/// Starts `netkit ARGS` on a new terminal, with only `PATH` and `TERM=xterm` in its environment.
pub fn spawn(args: &[&str]) -> Tty {
    spawn_with(args, &[])
}

/// Like `spawn`, with extra environment variables (they may override `TERM`).
pub fn spawn_with(args: &[&str], env: &[(&str, &str)]) -> Tty {
    let pair = portable_pty::native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 80,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut command = CommandBuilder::new(BIN);
    command.args(args);
    command.env_clear();
    command.env("PATH", std::env::var_os("PATH").unwrap_or_default());
    command.env("TERM", "xterm");
    for (key, value) in env {
        command.env(key, value);
    }
    // portable-pty would start it in $HOME
    command.cwd(std::env::current_dir().expect("the current directory"));
    let child = pair
        .slave
        .spawn_command(command)
        .expect("start netkit on the pty");
    // only the child may hold the slave side, so that its exit reads as the end of output
    drop(pair.slave);
    // a std::process::Child underneath, whose ExitStatus the other tests know
    let child: Box<dyn portable_pty::Child> = child;
    let child = child
        .downcast::<std::process::Child>()
        .unwrap_or_else(|_| panic!("portable-pty started something other than a process"));
    let writer = pair.master.take_writer().expect("the pty's writer");
    let mut source = pair.master.try_clone_reader().expect("the pty's reader");
    let output = Arc::new(Mutex::new(Output::default()));
    let sink = output.clone();
    let reader = thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            // Linux reports EIO once the last slave descriptor is closed
            match source.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => sink.lock().unwrap().bytes.extend_from_slice(&buf[..n]),
            }
        }
        sink.lock().unwrap().closed = true;
    });
    Tty {
        child,
        writer,
        _master: pair.master,
        output,
        reader: Some(reader),
        consumed: 0,
    }
}

impl Tty {
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Types `bytes` (a keystroke, a line, a control character such as `b"\x1d"` for Ctrl-]).
    pub fn send(&mut self, bytes: &[u8]) {
        self.writer.write_all(bytes).expect("write to the pty");
        self.writer.flush().expect("flush the pty");
    }

    /// Everything shown so far, as a person reads it (see the module's comment).
    pub fn text(&self) -> String {
        screen_text(&self.output.lock().unwrap().bytes)
    }

    /// Everything written to the terminal so far, byte for byte.
    pub fn raw(&self) -> Vec<u8> {
        self.output.lock().unwrap().bytes.clone()
    }

    /// Waits `limit` at most for `needle` in the text after the previous match, and returns
    /// that text up to and including `needle`; panics with what was shown otherwise.
    pub fn expect(&mut self, needle: &str, limit: Duration) -> String {
        self.expect_with(&format!("{needle:?}"), limit, |text| {
            text.find(needle).map(|at| at + needle.len())
        })
    }

    /// Waits `limit` at most until `find`, given the text after the previous match, returns
    /// where the match ends, and returns the text up to there; panics naming `what` otherwise.
    /// The next call starts after it.
    pub fn expect_with(
        &mut self,
        what: &str,
        limit: Duration,
        mut find: impl FnMut(&str) -> Option<usize>,
    ) -> String {
        let deadline = Instant::now() + limit;
        loop {
            let closed = self.output.lock().unwrap().closed;
            let text = self.text();
            let rest = &text[self.consumed..];
            if let Some(end) = find(rest) {
                let seen = rest[..end].to_string();
                self.consumed += end;
                return seen;
            }
            if closed {
                panic!(
                    "the terminal closed before {what}; it showed after the last match:\n{rest}"
                );
            }
            if Instant::now() >= deadline {
                panic!("timed out after {limit:?} waiting for {what}; the terminal showed after the last match:\n{rest}");
            }
            thread::sleep(POLL);
        }
    }

    /// Waits `limit` at most for the child to exit, then (as long again) for the terminal to
    /// close, so that `text()` holds everything it wrote; panics with the text otherwise.
    pub fn wait(&mut self, limit: Duration) -> ExitStatus {
        let deadline = Instant::now() + limit;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("wait for netkit") {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "netkit was still running after {limit:?}; the terminal showed:\n{}",
                    self.text()
                );
            }
            thread::sleep(POLL);
        };
        let deadline = Instant::now() + limit;
        while !self.output.lock().unwrap().closed {
            assert!(
                Instant::now() < deadline,
                "netkit exited with {status} but its terminal stayed open for {limit:?}"
            );
            thread::sleep(POLL);
        }
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        status
    }
}

impl Drop for Tty {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `bytes` as a person reads them: escape sequences removed, `\r\n` as `\n`. An incomplete
/// sequence or a `\r` at the very end is held back, so the text of a prefix is a prefix of the
/// text of the whole.
pub fn screen_text(bytes: &[u8]) -> String {
    let mut kept = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            0x1b => match escape_len(&bytes[i..]) {
                Some(len) => i += len,
                None => break,
            },
            b'\r' => match bytes.get(i + 1) {
                Some(b'\n') => {
                    kept.push(b'\n');
                    i += 2;
                }
                Some(_) => {
                    kept.push(b'\r');
                    i += 1;
                }
                None => break,
            },
            byte => {
                kept.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&kept).into_owned()
}

/// The length of the escape sequence at the start of `bytes` (which begins with ESC), or
/// `None` when it is not complete yet.
fn escape_len(bytes: &[u8]) -> Option<usize> {
    match bytes.get(1)? {
        // CSI: parameters and intermediates, then one final byte from @ to ~
        b'[' => bytes[2..]
            .iter()
            .position(|b| (0x40..=0x7e).contains(b))
            .map(|at| at + 3),
        // OSC: up to BEL or ESC \
        b']' => (2..bytes.len()).find_map(|at| match bytes[at] {
            0x07 => Some(at + 1),
            0x1b if bytes.get(at + 1) == Some(&b'\\') => Some(at + 2),
            _ => None,
        }),
        // a character set choice such as ESC ( B
        b'(' | b')' => bytes.get(2).map(|_| 3),
        _ => Some(2),
    }
}

#[cfg(test)]
mod tests {
    use super::screen_text;

    #[test]
    fn screen_text_drops_escapes_and_keeps_prefixes() {
        let shown = b"\x1b[2K\r1s/5s \x1b[1mbold\x1b[0m\r\n\x1b]0;title\x07done\r";
        assert_eq!(screen_text(shown), "\r1s/5s bold\ndone");
        for end in 0..shown.len() {
            let text = screen_text(&shown[..end]);
            assert!(
                screen_text(shown).starts_with(&text),
                "{text:?} is not a prefix"
            );
        }
    }
}
