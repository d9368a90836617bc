//! Bytes for a person to read: `hexdump -C` lines, or text with the unprintable escaped.
//!
//! Pure functions over a chunk, for `relay --dump` (and the same lines as `raw -x`).

use std::fmt::Write as _;

/// Appends the `hexdump -C` lines of `bytes` to `out`: sixteen bytes a line, the offset
/// counting from 0, hex in two groups of eight, then the bytes as text between bars (`.` for
/// anything but printable ASCII). Every line is written, repeats included (`hexdump -Cv`: no
/// `*`), and there is no closing line with the length; nothing for no bytes.
pub fn hexdump_lines(bytes: &[u8], out: &mut String) {
    for (row, line) in bytes.chunks(16).enumerate() {
        let _ = write!(out, "{:08x}  ", row * 16);
        for i in 0..16 {
            match line.get(i) {
                Some(byte) => {
                    let _ = write!(out, "{byte:02x} ");
                }
                None => out.push_str("   "),
            }
            if i == 7 {
                out.push(' ');
            }
        }
        out.push_str(" |");
        out.extend(line.iter().map(|&byte| {
            if byte.is_ascii_graphic() || byte == b' ' {
                char::from(byte)
            } else {
                '.'
            }
        }));
        out.push_str("|\n");
    }
}

/// Appends `bytes` as text to `out`: printable ASCII as it is, `\r`, `\n`, `\t` and `\\` for
/// those four, `\xNN` for every other byte, and a line break after each `\n`; the last line
/// ends with a line break too, so the next record starts on a line of its own (a chunk that
/// ended in `\n` shows the `\n` before it, one that did not does not). Nothing for no bytes.
pub fn text_lines(bytes: &[u8], out: &mut String) {
    for &byte in bytes {
        match byte {
            b'\n' => out.push_str("\\n\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            b'\\' => out.push_str("\\\\"),
            b' '..=b'~' => out.push(char::from(byte)),
            _ => {
                let _ = write!(out, "\\x{byte:02x}");
            }
        }
    }
    if bytes.last().is_some_and(|&b| b != b'\n') {
        out.push('\n');
    }
}

/// `1 byte`, `17 bytes`: the length in a record's header.
pub fn count(len: usize) -> String {
    match len {
        1 => "1 byte".into(),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        let mut out = String::new();
        hexdump_lines(bytes, &mut out);
        out
    }

    fn text(bytes: &[u8]) -> String {
        let mut out = String::new();
        text_lines(bytes, &mut out);
        out
    }

    /// The expected texts are `hexdump -Cv` output, less its final offset line.
    #[test]
    fn lines_match_hexdump_c() {
        assert_eq!(
            hex(b"hello\n"),
            "00000000  68 65 6c 6c 6f 0a                                 |hello.|\n"
        );
        assert_eq!(
            hex(b"hello world.ABCDEFGHIJ"),
            "00000000  68 65 6c 6c 6f 20 77 6f  72 6c 64 2e 41 42 43 44  |hello world.ABCD|\n\
             00000010  45 46 47 48 49 4a                                 |EFGHIJ|\n"
        );
        assert_eq!(
            hex(&[0, 0xff, 0x7f, b'~', b' ', 0x80, b'\t', b'a']),
            "00000000  00 ff 7f 7e 20 80 09 61                           |...~ ..a|\n"
        );
        let zeros = "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|";
        assert_eq!(
            hex(&[0u8; 32]),
            format!("00000000  {zeros}\n00000010  {zeros}\n")
        );
        assert_eq!(hex(b""), "");
    }

    #[test]
    fn repeated_lines_are_all_written() {
        let text = hex(&[0u8; 48]);
        let zeros = "00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00  |................|";
        assert_eq!(
            text,
            format!("00000000  {zeros}\n00000010  {zeros}\n00000020  {zeros}\n")
        );
    }

    #[test]
    fn text_escapes_the_unprintable_and_breaks_after_each_newline() {
        assert_eq!(
            text(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
            "GET / HTTP/1.1\\r\\n\nHost: x\\r\\n\n\\r\\n\n"
        );
        assert_eq!(text(b"a\tb\\c\x00\x1b\xff"), "a\\tb\\\\c\\x00\\x1b\\xff\n");
        assert_eq!(text(b"\n\n"), "\\n\n\\n\n");
        assert_eq!(text(b""), "");
    }

    #[test]
    fn counts_say_byte_for_one() {
        assert_eq!(count(1), "1 byte");
        assert_eq!(count(17), "17 bytes");
        assert_eq!(count(0), "0 bytes");
    }
}
