//! `daytime get --offset` on whatever a server replies: read as the command reads it, and
//! the offset computed from what was read.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netkit::timefmt::parse_reply;
use time::OffsetDateTime;

fuzz_target!(|reply: &[u8]| {
    let text = String::from_utf8_lossy(reply);
    if let Some(server) = parse_reply(&text) {
        let offset = (server - OffsetDateTime::UNIX_EPOCH).as_seconds_f64() + 0.5;
        assert!(offset.is_finite());
    }
});
