//! Writes to the terminal that cannot panic: a closed stdout or stderr ends quietly.
//!
//! `println!` and `eprintln!` panic when their stream is gone (`netkit ... 2>&1 | head -c 10`);
//! everything netkit prints goes through here instead.

use std::fmt::Arguments;
use std::io::{self, Write};

/// Writes one line to stderr in a single write, so that lines from two threads never
/// interleave; a closed or failing stderr is ignored, there being nobody left to tell.
pub fn line(text: Arguments<'_>) {
    let line = format!("{text}\n");
    let _ = io::stderr().write_all(line.as_bytes());
}

/// Writes `bytes` to stdout and flushes; the caller decides what a failure means
/// (`Error::stdout` makes a closed pipe the quiet end of the job).
pub fn stdout(bytes: &[u8]) -> io::Result<()> {
    let mut out = io::stdout().lock();
    out.write_all(bytes).and_then(|()| out.flush())
}

/// `eprintln!` without the panic: one line on stderr, or nothing if stderr is gone.
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => { $crate::out::line(format_args!($($arg)*)) };
}
