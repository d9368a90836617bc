//! `--trace`: the socket's life narrated on stderr, one timestamped line per step.

use std::fmt::Display;

/// Every client gets one; disabled, it costs a branch per step.
#[derive(Debug, Clone, Copy, Default)]
pub struct Trace {
    enabled: bool,
}

impl Trace {
    pub fn new(enabled: bool) -> Trace {
        Trace { enabled }
    }

    /// Writes `HH:MM:SS.ffffff step` in local time.
    pub fn step(&self, step: impl Display) {
        if !self.enabled {
            return;
        }
        crate::say!("{} {step}", timestamp());
    }
}

/// The local time as `HH:MM:SS.ffffff`: the stamp of trace lines and of `-x` records.
pub fn timestamp() -> String {
    let now = jiff::Zoned::now();
    format!(
        "{:02}:{:02}:{:02}.{:06}",
        now.hour(),
        now.minute(),
        now.second(),
        now.subsec_nanosecond() / 1000
    )
}
