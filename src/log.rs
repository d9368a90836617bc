//! Server event lines on stderr: `2026-11-25T11:31:40.123Z INFO echo: accepted [::1]:50830`.
//!
//! Lines go through a bounded queue to a thread of their own that writes them, so an event
//! loop never waits on stderr: a terminal scrolled back, a pipe nobody drains, a slow disk.
//! When the queue is full, lines are dropped and counted, and the count is written next.

use std::fmt::Arguments;
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::OnceLock;
use std::time::Duration;

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

/// Whether a line at `level` would be written.
pub fn enabled(level: Level) -> bool {
    let max = MAX_LEVEL.load(Ordering::Relaxed);
    max != u8::MAX && level as u8 <= max
}

/// Lines waiting for the writer; at ~100 bytes a line, at most ~400 KiB.
const QUEUE: usize = 4096;
/// How long `flush` waits for a writer that stderr has stalled.
const FLUSH_WAIT: Duration = Duration::from_secs(1);

enum Message {
    Line(String),
    Flush(SyncSender<()>),
}

static QUEUE_TX: OnceLock<Option<SyncSender<Message>>> = OnceLock::new();
static DROPPED: AtomicU64 = AtomicU64::new(0);

fn queue() -> Option<&'static SyncSender<Message>> {
    QUEUE_TX
        .get_or_init(|| {
            let (tx, rx) = mpsc::sync_channel(QUEUE);
            std::thread::Builder::new()
                .name("log".into())
                .spawn(move || write_lines(rx))
                .ok()
                .map(|_| tx)
        })
        .as_ref()
}

/// The writer: one whole line per write, so lines never interleave.
fn write_lines(rx: Receiver<Message>) {
    let mut stderr = std::io::stderr();
    let report_dropped = |stderr: &mut std::io::Stderr| {
        let dropped = DROPPED.swap(0, Ordering::Relaxed);
        if dropped > 0 {
            let note = stamp(
                "WARN",
                "netkit",
                format_args!("{dropped} log lines dropped: stderr was not keeping up"),
            );
            let _ = stderr.write_all(note.as_bytes());
        }
    };
    for message in rx {
        report_dropped(&mut stderr);
        match message {
            // stderr gone (a closed terminal): nothing better to do than go on serving
            Message::Line(line) => drop(stderr.write_all(line.as_bytes())),
            Message::Flush(done) => drop(done.send(())),
        }
    }
}

/// Waits (a second at most) until the lines queued so far are written: before exiting.
pub fn flush() {
    let Some(Some(tx)) = QUEUE_TX.get() else {
        return;
    };
    let (done_tx, done_rx) = mpsc::sync_channel(1);
    if tx.try_send(Message::Flush(done_tx)).is_ok() {
        let _ = done_rx.recv_timeout(FLUSH_WAIT);
    }
}

fn stamp(level: &str, service: &str, message: Arguments) -> String {
    let now = time::OffsetDateTime::now_utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z {level} {service}: {message}\n",
        now.year(),
        now.month() as u8,
        now.day(),
        now.hour(),
        now.minute(),
        now.second(),
        now.millisecond()
    )
}

/// Queues one line (the macros have checked its level); a full queue drops it (counted)
/// rather than make the caller wait.
pub fn event(level: Level, service: &str, message: Arguments) {
    let name = match level {
        Level::Error => "ERROR",
        Level::Warn => "WARN",
        Level::Info => "INFO",
        Level::Debug => "DEBUG",
    };
    let line = stamp(name, service, message);
    match queue() {
        Some(tx) => match tx.try_send(Message::Line(line)) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => {
                DROPPED.fetch_add(1, Ordering::Relaxed);
            }
            Err(TrySendError::Disconnected(Message::Line(line))) => {
                let _ = std::io::stderr().write_all(line.as_bytes());
            }
            Err(TrySendError::Disconnected(_)) => {}
        },
        // no thread could be started: write it here
        None => {
            let _ = std::io::stderr().write_all(line.as_bytes());
        }
    }
}

/// One line at `$level` if that level is on; the arguments are not even evaluated otherwise,
/// so a hot path may log what costs something to compute.
#[macro_export]
macro_rules! log_at {
    ($level:ident, $service:expr, $($arg:tt)*) => {
        if $crate::log::enabled($crate::log::Level::$level) {
            $crate::log::event($crate::log::Level::$level, $service, format_args!($($arg)*))
        }
    };
}
#[macro_export]
macro_rules! info {
    ($service:expr, $($arg:tt)*) => { $crate::log_at!(Info, $service, $($arg)*) };
}
#[macro_export]
macro_rules! warn {
    ($service:expr, $($arg:tt)*) => { $crate::log_at!(Warn, $service, $($arg)*) };
}
#[macro_export]
macro_rules! error {
    ($service:expr, $($arg:tt)*) => { $crate::log_at!(Error, $service, $($arg)*) };
}
#[macro_export]
macro_rules! debug {
    ($service:expr, $($arg:tt)*) => { $crate::log_at!(Debug, $service, $($arg)*) };
}
