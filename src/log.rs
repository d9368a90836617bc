//! Server event lines on stderr: `2026-11-25T11:31:40.123Z INFO echo: accepted [::1]:50830`.

use std::fmt::Arguments;
use std::io::Write;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Error = 0,
    Warn = 1,
    Info = 2,
    Debug = 3,
}

static MAX_LEVEL: AtomicU8 = AtomicU8::new(Level::Info as u8);

/// `-q` keeps warnings and errors, `-v` adds debug.
pub fn set_verbosity(quiet: bool, verbose: bool) {
    let level = match (quiet, verbose) {
        (true, _) => Level::Warn,
        (_, true) => Level::Debug,
        _ => Level::Info,
    };
    MAX_LEVEL.store(level as u8, Ordering::Relaxed);
}

/// No lines at all: under inetd, stderr is the client's socket.
pub fn silence() {
    MAX_LEVEL.store(u8::MAX, Ordering::Relaxed);
}

/// Whether a line at `level` would be written; lets hot paths skip formatting.
pub fn enabled(level: Level) -> bool {
    let max = MAX_LEVEL.load(Ordering::Relaxed);
    max != u8::MAX && level as u8 <= max
}

/// Writes one whole line with a single write, so lines from several threads never interleave.
pub fn event(level: Level, service: &str, message: Arguments) {
    if !enabled(level) {
        return;
    }
    let now = time::OffsetDateTime::now_utc();
    let name = match level {
        Level::Error => "ERROR",
        Level::Warn => "WARN",
        Level::Info => "INFO",
        Level::Debug => "DEBUG",
    };
    let line = format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {name} {service}: {message}\n",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    );
    // stderr gone (a closed terminal): nothing better to do than go on serving
    let _ = std::io::stderr().lock().write_all(line.as_bytes());
}

#[macro_export]
macro_rules! info {
    ($service:expr, $($arg:tt)*) => { $crate::log::event($crate::log::Level::Info, $service, format_args!($($arg)*)) };
}
#[macro_export]
macro_rules! warn {
    ($service:expr, $($arg:tt)*) => { $crate::log::event($crate::log::Level::Warn, $service, format_args!($($arg)*)) };
}
#[macro_export]
macro_rules! error {
    ($service:expr, $($arg:tt)*) => { $crate::log::event($crate::log::Level::Error, $service, format_args!($($arg)*)) };
}
#[macro_export]
macro_rules! debug {
    ($service:expr, $($arg:tt)*) => { $crate::log::event($crate::log::Level::Debug, $service, format_args!($($arg)*)) };
}
