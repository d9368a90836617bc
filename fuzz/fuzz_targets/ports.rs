//! Every parser of what a user types for a port, on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netkit::net::addr::parse_port;

/// One check per parser; a new one (port ranges, `LOW-HIGH`) is a function and a line here.
const PARSERS: &[fn(&str)] = &[port];

/// A number is taken exactly when it is in 0-65535, leading zeros or not; anything else is
/// a service name or nothing.
fn port(text: &str) {
    let parsed = parse_port(text);
    if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) {
        let digits = text.trim_start_matches('0');
        let expected = match digits.len() {
            0 => Some(0),
            1..=5 => digits
                .parse::<u32>()
                .ok()
                .and_then(|n| u16::try_from(n).ok()),
            _ => None,
        };
        assert_eq!(parsed, expected, "{text:?}");
    }
}

fuzz_target!(|text: &[u8]| {
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    for check in PARSERS {
        check(text);
    }
});
