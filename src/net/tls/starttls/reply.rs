//! Server replies of the plaintext protocols: SMTP and FTP numbered replies, POP3 and IMAP
//! lines, and how an error message quotes them.

/// How much of a reply line an error message quotes.
const QUOTED: usize = 120;

/// One reply, as the dialogue reads it.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Reply {
    /// SMTP and FTP: a three-digit code, and the text of each line without it.
    Coded { code: u16, lines: Vec<String> },
    /// POP3, and the line of IMAP that ends a reply.
    Line(String),
}

impl Reply {
    /// The reply as an error message quotes it: its first line, escaped and cut short.
    pub(super) fn quoted(&self) -> String {
        match self {
            Reply::Coded { code, lines } => quote(&format!(
                "{code} {}",
                lines.first().map_or("", |l| l.as_str())
            )),
            Reply::Line(text) => quote(text),
        }
    }
}

/// The first line in `buf` (up to `\n`, without `\r\n`) and the bytes it takes.
pub(super) fn line(buf: &[u8]) -> Option<(String, usize)> {
    let end = buf.iter().position(|&b| b == b'\n')?;
    let text = buf[..end].strip_suffix(b"\r").unwrap_or(&buf[..end]);
    Some((String::from_utf8_lossy(text).into_owned(), end + 1))
}

/// An SMTP or FTP reply: `250-first`, ..., `250 last`; FTP allows lines without the code in
/// between (RFC 959), and a code that is not three digits is no reply of either.
pub(super) fn coded_reply(buf: &[u8]) -> Result<Option<(Reply, usize)>, String> {
    let Some((first, mut used)) = line(buf) else {
        return Ok(None);
    };
    let code = code_of(&first).ok_or_else(|| {
        format!(
            "the server's reply is not a numbered reply: {}",
            quote(&first)
        )
    })?;
    let mut lines = vec![first.get(4..).unwrap_or("").to_string()];
    let mut last = first.as_bytes().get(3) != Some(&b'-');
    while !last {
        let Some((next, n)) = line(&buf[used..]) else {
            return Ok(None);
        };
        used += n;
        if code_of(&next) == Some(code) && next.as_bytes().get(3) != Some(&b'-') {
            last = true;
        }
        let text = match code_of(&next) == Some(code) {
            true => next.get(4..).unwrap_or(""),
            false => next.as_str(),
        };
        lines.push(text.to_string());
    }
    Ok(Some((Reply::Coded { code, lines }, used)))
}

/// The code of `250 text`, `250-text` or a bare `250`.
fn code_of(line: &str) -> Option<u16> {
    let bytes = line.as_bytes();
    let digits = bytes.get(..3)?;
    if !digits.iter().all(u8::is_ascii_digit) || !matches!(bytes.get(3), None | Some(b' ' | b'-')) {
        return None;
    }
    line[..3].parse().ok()
}

/// An IMAP reply: the greeting is one untagged line; the answer to a command is untagged
/// lines (`* CAPABILITY ...`), skipped, then the tagged one.
pub(super) fn imap_reply(buf: &[u8], greeting: bool) -> Option<(Reply, usize)> {
    let mut used = 0;
    loop {
        let (text, n) = line(&buf[used..])?;
        used += n;
        if greeting || !text.starts_with("* ") {
            return Some((Reply::Line(text), used));
        }
    }
}

/// `text` as an error message may show it: control characters escaped, long text cut.
pub(super) fn quote(text: &str) -> String {
    let mut shown = String::new();
    for (count, c) in text.chars().enumerate() {
        if count == QUOTED {
            shown.push_str("...");
            break;
        }
        if c.is_control() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    format!("\"{shown}\"")
}
