//! Time protocol (RFC 868): four bytes, the seconds since 1900 big-endian, then close; a
//! datagram gets the four bytes back.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::net::serve::{Output, Service};

/// The well-known port (RFC 868).
pub const PORT: u16 = 37;
/// Seconds from 1900-01-01 00:00 UTC, where RFC 868 counts from, to the Unix epoch.
pub const FROM_1900: i64 = 2_208_988_800;

pub struct Time;

/// Now as RFC 868 sends it: the seconds since 1900 modulo 2^32 (the count wraps in 2036).
pub fn now() -> [u8; 4] {
    let unix = match SystemTime::now().duration_since(UNIX_EPOCH) {
        Ok(since) => since.as_secs() as i64,
        Err(before) => -(before.duration().as_secs() as i64),
    };
    ((unix + FROM_1900) as u32).to_be_bytes()
}

/// The Unix time of an RFC 868 count: values below 2^31 are read as the era after the 2036
/// wrap (2036-02-07T06:28:16Z on), so this covers 1968 to 2104.
pub fn unix_seconds(count: u32) -> i64 {
    let era = if count < 1 << 31 { 1 << 32 } else { 0 };
    i64::from(count) + era - FROM_1900
}

impl Service for Time {
    /// Nothing to keep: the four bytes are the whole conversation, and what the client sends
    /// is disregarded.
    type Session = ();

    fn name(&self) -> &'static str {
        "time"
    }

    fn open(&self, out: &mut Output) {
        out.send(&now());
        out.close();
    }

    fn datagram<'a>(&'a self, _input: &'a [u8], scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        scratch.extend_from_slice(&now());
        Some(&scratch[..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_read_across_the_2036_wrap() {
        // RFC 868's own examples
        assert_eq!(unix_seconds(2_208_988_800), 0);
        assert_eq!(unix_seconds(2_398_291_200), 189_302_400); // 1976-01-01
        assert_eq!(unix_seconds(u32::MAX), (1 << 32) - 1 - FROM_1900); // 2036-02-07T06:28:15Z
        assert_eq!(unix_seconds(0), (1 << 32) - FROM_1900); // 2036-02-07T06:28:16Z
        assert_eq!(unix_seconds((1 << 31) - 1), 6_442_450_943 - FROM_1900); // 2104
        assert_eq!(unix_seconds(1 << 31), 2_147_483_648 - FROM_1900); // 1968
    }

    #[test]
    fn now_is_the_clock_in_rfc_868s_count() {
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_secs() as i64;
        let sent = unix_seconds(u32::from_be_bytes(now()));
        assert!((sent - unix).abs() <= 1, "{sent} vs {unix}");
    }
}
