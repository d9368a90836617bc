//! Server event lines on stderr: `2026-11-25T11:31:40.123Z INFO echo: accepted [::1]:50830`.
//!
//! Lines go through a bounded queue to a thread of their own that writes them, so an event
//! loop never waits on stderr: a terminal scrolled back, a pipe nobody drains, a slow disk.
//! When the queue is full, lines are dropped and counted, and the count is written next.
//!
//! The same thread writes `relay --dump`'s records, to stderr among the lines or to a file of
//! their own, each in one write: a slow dump file holds back the writer, never a loop.

use std::fmt::Arguments;
use std::io::Write;
use std::sync::atomic::{AtomicU64, AtomicU8, AtomicUsize, Ordering};
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

/// Traffic waiting in dump records, at most: beyond it, records are dropped and counted.
pub const DUMP_QUEUE: usize = 8 << 20;

enum Message {
    Line(String),
    Dump(Record),
    Flush(SyncSender<()>),
}

/// One dump record: `size` bytes of traffic, rendered to text by the writer thread.
struct Record {
    size: usize,
    render: Box<dyn FnOnce(&mut String) + Send>,
}

static QUEUE_TX: OnceLock<Option<SyncSender<Message>>> = OnceLock::new();
static DROPPED: AtomicU64 = AtomicU64::new(0);
static DUMP_FILE: OnceLock<std::fs::File> = OnceLock::new();
/// Traffic in the dump records queued and not yet written.
static DUMP_QUEUED: AtomicUsize = AtomicUsize::new(0);
/// Records dropped since the writer last said so, and their traffic.
static DUMP_DROPPED: AtomicU64 = AtomicU64::new(0);
static DUMP_DROPPED_BYTES: AtomicU64 = AtomicU64::new(0);

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
    let mut text = String::new();
    for message in rx {
        report_dropped(&mut stderr);
        match message {
            // stderr gone (a closed terminal): nothing better to do than go on serving
            Message::Line(line) => drop(stderr.write_all(line.as_bytes())),
            Message::Dump(record) => {
                text.clear();
                dump_dropped(&mut text, &mut stderr);
                (record.render)(&mut text);
                write_dump(&text, &mut stderr);
                DUMP_QUEUED.fetch_sub(record.size, Ordering::Relaxed);
                // the queue's memory goes back once it is drained, not at the largest burst
                if text.capacity() > 1 << 20 {
                    text = String::new();
                }
            }
            Message::Flush(done) => {
                // records dropped at the very end are owned up to too
                text.clear();
                dump_dropped(&mut text, &mut stderr);
                write_dump(&text, &mut stderr);
                let _ = done.send(());
            }
        }
    }
}

/// Writes dump text to the dump's file or stderr; a dump that cannot be written (a full disk)
/// is not worth stopping a relay for.
fn write_dump(text: &str, stderr: &mut std::io::Stderr) {
    if text.is_empty() {
        return;
    }
    let _ = match DUMP_FILE.get() {
        Some(mut file) => file.write_all(text.as_bytes()),
        None => stderr.write_all(text.as_bytes()),
    };
}

/// Marks the place in the dump where records were dropped, and says so in the log too.
fn dump_dropped(text: &mut String, stderr: &mut std::io::Stderr) {
    let records = DUMP_DROPPED.swap(0, Ordering::Relaxed);
    if records == 0 {
        return;
    }
    let bytes = DUMP_DROPPED_BYTES.swap(0, Ordering::Relaxed);
    let what = format!(
        "{records} dump records ({bytes} bytes of traffic) dropped: the dump was not keeping up"
    );
    text.push_str(&format!("-- {what}\n"));
    if DUMP_FILE.get().is_some() {
        let note = stamp("WARN", "netkit", format_args!("{what}"));
        let _ = stderr.write_all(note.as_bytes());
    }
}

/// Sends dump records to `file` instead of stderr; the first call wins.
pub fn dump_to(file: std::fs::File) {
    let _ = DUMP_FILE.set(file);
}

/// Queues one dump record of `size` bytes of traffic; `render` writes its text, whole lines,
/// on the writer thread, and the text is written in one piece. Beyond `DUMP_QUEUE` bytes of
/// traffic waiting (or a full queue), the record is dropped and counted, and the dump says
/// so where the gap is.
pub fn dump(size: usize, render: impl FnOnce(&mut String) + Send + 'static) {
    let dropped = |size: usize| {
        DUMP_DROPPED.fetch_add(1, Ordering::Relaxed);
        DUMP_DROPPED_BYTES.fetch_add(size as u64, Ordering::Relaxed);
    };
    if DUMP_QUEUED.fetch_add(size, Ordering::Relaxed) + size > DUMP_QUEUE {
        DUMP_QUEUED.fetch_sub(size, Ordering::Relaxed);
        return dropped(size);
    }
    let record = Record {
        size,
        render: Box::new(render),
    };
    let unsent = match queue() {
        Some(tx) => match tx.try_send(Message::Dump(record)) {
            Ok(()) => return,
            Err(TrySendError::Full(_)) => {
                DUMP_QUEUED.fetch_sub(size, Ordering::Relaxed);
                return dropped(size);
            }
            Err(TrySendError::Disconnected(message)) => message,
        },
        None => Message::Dump(record),
    };
    // no writer thread: written here, as lines are
    if let Message::Dump(record) = unsent {
        DUMP_QUEUED.fetch_sub(size, Ordering::Relaxed);
        let mut text = String::new();
        (record.render)(&mut text);
        write_dump(&text, &mut std::io::stderr());
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
