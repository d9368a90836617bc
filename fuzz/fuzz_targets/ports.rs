//! Every parser of what a user types for a port, on any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netkit::net::addr::{parse_port, parse_port_range, BadPorts, PortRange};

/// One check per parser; a new port syntax is a function and a line here.
const PARSERS: &[fn(&str)] = &[port, range];

/// The port `text` spells when it is all digits, leading zeros or not, worked out without
/// the parser: `None` above 65535.
fn number(text: &str) -> Option<u16> {
    let digits = text.trim_start_matches('0');
    match digits.len() {
        0 => Some(0),
        1..=5 => digits
            .parse::<u32>()
            .ok()
            .and_then(|n| u16::try_from(n).ok()),
        _ => None,
    }
}

fn all_digits(text: &str) -> bool {
    !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit())
}

/// A number is taken exactly when it is in 0-65535, leading zeros or not; anything else is
/// a service name or nothing.
fn port(text: &str) {
    let parsed = parse_port(text);
    if all_digits(text) {
        assert_eq!(parsed, number(text), "{text:?}");
    }
}

/// `LOW-HIGH` of numbers is taken exactly when both are ports and LOW <= HIGH, refused as
/// reversed when both are ports and LOW > HIGH; any other text is one port or nothing, as
/// `parse_port` says.
fn range(text: &str) {
    let parsed = parse_port_range(text);
    let ends = text
        .split_once('-')
        .filter(|(low, high)| all_digits(low) && all_digits(high));
    let expected = match ends.map(|(low, high)| (number(low), number(high))) {
        Some((Some(first), Some(last))) if first <= last => Ok(PortRange { first, last }),
        Some((Some(first), Some(last))) => Err(BadPorts::Reversed { first, last }),
        Some(_) => Err(BadPorts::NotAPort),
        None => parse_port(text)
            .map(|port| PortRange {
                first: port,
                last: port,
            })
            .ok_or(BadPorts::NotAPort),
    };
    assert_eq!(parsed, expected, "{text:?}");
    if let Ok(range) = parsed {
        assert!(range.first <= range.last, "{text:?}: {range:?}");
        let count = usize::from(range.last - range.first) + 1;
        assert_eq!(range.ports().len(), count, "{text:?}");
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
