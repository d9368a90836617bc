//! `--dump`: each chunk as a stamped record, rendered by the log's writer thread.

use std::fmt::Write as _;

use crate::log;
use crate::net::hexdump;

/// How `--dump` shows a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DumpFormat {
    /// `hexdump -C` lines.
    Hex,
    /// The bytes as text, the unprintable escaped.
    Text,
}

/// Queues the record of one chunk: `HH:MM:SS.ffffff #3 client > target 17 bytes`, then its
/// lines; the copy and the rendering are the dump's cost, paid only with `--dump`.
pub(super) fn record(id: u64, way: &'static str, format: Option<DumpFormat>, chunk: &[u8]) {
    let Some(format) = format else {
        return;
    };
    let at = jiff::Timestamp::now();
    let bytes = chunk.to_vec();
    log::dump(bytes.len(), move |out| {
        stamp(at, out);
        let _ = writeln!(out, " #{id} {way} {}", hexdump::count(bytes.len()));
        match format {
            DumpFormat::Hex => hexdump::hexdump_lines(&bytes, out),
            DumpFormat::Text => hexdump::text_lines(&bytes, out),
        }
    });
}

/// A stamped line of the dump that is not a chunk (a connection opened or closed).
pub(super) fn dump_line(line: impl FnOnce(&mut String) + Send + 'static) {
    let at = jiff::Timestamp::now();
    log::dump(0, move |out| {
        stamp(at, out);
        out.push(' ');
        line(out);
    });
}

/// `HH:MM:SS.ffffff` in local time.
fn stamp(at: jiff::Timestamp, out: &mut String) {
    let now = at.to_zoned(jiff::tz::TimeZone::system());
    let _ = write!(
        out,
        "{:02}:{:02}:{:02}.{:06}",
        now.hour(),
        now.minute(),
        now.second(),
        now.subsec_nanosecond() / 1000
    );
}
