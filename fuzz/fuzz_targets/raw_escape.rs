//! `raw`'s escape on a terminal, on anything typed: `-e CHAR`, the escape key found in a
//! read of the terminal, and the `netkit>` prompt's command line.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netkit::cmd::raw::escape::{name, parse, parse_key, Command};
use netkit::net::copy::escape::split;

/// `-e`: one ASCII character but NUL, `^?` for DEL, or `^X` for Ctrl-X, worked out without the
/// parser; whatever is taken is spelt back by `name` as the same key.
fn key(text: &str) {
    let parsed = parse_key(text);
    let expected = match text.as_bytes() {
        [b'^', b'?'] => Some(0x7f),
        [b'^', c] => match c.to_ascii_uppercase() {
            upper @ b'A'..=b'_' => Some(upper - b'@'),
            _ => None,
        },
        [c] if (1..0x80).contains(c) => Some(*c),
        _ => None,
    };
    assert_eq!(
        parsed.as_ref().ok(),
        expected.as_ref(),
        "{text:?}: {parsed:?}"
    );
    if let Ok(key) = parsed {
        assert_eq!(parse_key(&name(key)), Ok(key), "{text:?} is {}", name(key));
    }
}

/// A read cut at the first key: before it goes to the peer whole, without the key.
fn find(key: u8, typed: &[u8]) {
    let (data, after) = split(key, typed);
    assert!(typed.starts_with(data));
    assert!(!data.contains(&key));
    match after {
        None => assert_eq!(data, typed),
        Some(after) => {
            assert_eq!(typed[data.len()], key);
            assert_eq!(&typed[data.len() + 1..], after);
        }
    }
}

/// A command line reads the same in any case and with any spacing between its words; a
/// blank line resumes; a mistake is one line without control characters.
fn command(line: &str) {
    let parsed = parse(line);
    let words: Vec<&str> = line.split_ascii_whitespace().collect();
    assert_eq!(parse(&line.to_ascii_uppercase()), parsed, "{line:?}");
    assert_eq!(parse(&words.join(" ")), parsed, "{line:?}");
    assert_eq!(parsed == Ok(Command::Resume), words.is_empty(), "{line:?}");
    if let Err(message) = parsed {
        assert!(!message.chars().any(char::is_control), "{message:?}");
    }
}

fuzz_target!(|input: &[u8]| {
    // the first byte is the key the read is cut at
    let Some((&escape, typed)) = input.split_first() else {
        return;
    };
    find(escape, typed);
    // the prompt reads its line as the terminal gave it, lossily
    command(&String::from_utf8_lossy(typed));
    if let Ok(text) = std::str::from_utf8(typed) {
        key(text);
    }
});
