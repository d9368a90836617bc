//! `probe --banner`'s escaping of whatever a server says first, before it reaches a terminal.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netkit::net::probe::escape;

/// Reads `escape`'s output back into bytes; `None` when it is no output of `escape`.
fn unescape(text: &str) -> Option<Vec<u8>> {
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&byte, after)) = rest.split_first() {
        rest = after;
        if byte != b'\\' {
            bytes.push(byte);
            continue;
        }
        let (&kind, after) = rest.split_first()?;
        rest = after;
        bytes.push(match kind {
            b'r' => b'\r',
            b'n' => b'\n',
            b't' => b'\t',
            b'\\' => b'\\',
            b'"' => b'"',
            b'x' => {
                let hex = std::str::from_utf8(rest.get(..2)?).ok()?;
                rest = &rest[2..];
                u8::from_str_radix(hex, 16).ok()?
            }
            _ => return None,
        });
    }
    Some(bytes)
}

fuzz_target!(|said: &[u8]| {
    // no control byte, nothing past `~`, and a quote is escaped, so the line can sit in quotes
    let shown = escape(said);
    assert!(
        shown.bytes().all(|b| (b' '..=b'~').contains(&b)),
        "{shown:?}"
    );
    assert!(
        shown.len() <= 4 * said.len(),
        "{} from {}",
        shown.len(),
        said.len()
    );
    assert_eq!(unescape(&shown).as_deref(), Some(said), "{shown:?}");
    let unquoted = shown.replace("\\\\", "").replace("\\\"", "");
    assert!(!unquoted.contains('"'), "{shown:?}");
});
