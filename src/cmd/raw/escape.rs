//! `raw`'s escape character on a terminal (telnet's Ctrl-]): its `-e` spelling, and the
//! `netkit>` prompt it opens, with the prompt's commands. The pump finds the key
//! (`net::copy::escape`) and lends the conversation to the prompt.

use std::fmt;
use std::io::{self, Write};
use std::os::fd::{AsFd, BorrowedFd};
use std::time::Duration;

use crate::net::copy::escape::{Action, Input, Progress, Prompt};
use crate::net::poll::{self, Watch};
use crate::net::telnet::Signal;

/// Ctrl-], telnet's.
pub const DEFAULT_KEY: u8 = 0x1d;

/// A command line longer than this is cut; no command comes near it.
const MAX_LINE: usize = 256;

/// The prompt of one conversation: the key that opens it, and what `status` names. `raw`
/// gives it to the pump only when stdin is a terminal.
#[derive(Debug, Clone, Copy)]
pub struct Escape<'a> {
    pub key: u8,
    /// The peer as messages name it: `127.0.0.1:55555`, a socket path.
    pub peer: &'a str,
    /// How the bytes go: `TCP`, `TCP (telnet)`, `UDP`, `a Unix socket`.
    pub transport: &'a str,
    /// The conversation speaks telnet (`-t`): `send brk` and the like have something to send.
    pub telnet: bool,
}

impl Prompt for Escape<'_> {
    fn key(&self) -> u8 {
        self.key
    }

    fn run(
        &mut self,
        input: &mut dyn Input,
        typed: &[u8],
        stop: Option<BorrowedFd<'_>>,
        progress: Progress,
    ) -> io::Result<Action> {
        let status = Status {
            escape: self,
            progress,
        };
        prompt(input, typed, stop, &status, &mut io::stderr())
    }
}

/// How `key` is written: `^]` for a control character, `^?` for DEL, else the character.
pub fn name(key: u8) -> String {
    match key {
        0..=0x1f => format!("^{}", char::from(key + 0x40)),
        0x7f => "^?".into(),
        _ => char::from(key).to_string(),
    }
}

/// `-e`'s value, as telnet reads it: `^X` for Ctrl-X (`^]`, `^a`, `^?` for DEL), or one
/// ASCII character as it is. NUL cannot be one: the terminal takes it for "no character".
pub fn parse_key(text: &str) -> Result<u8, String> {
    let key = match text.as_bytes() {
        [b'^', b'?'] => 0x7f,
        [b'^', c] if (b'@'..=b'_').contains(&c.to_ascii_uppercase()) => {
            c.to_ascii_uppercase() & 0x1f
        }
        [c] if c.is_ascii() => *c,
        _ => return Err("must be one character, or ^X for Ctrl-X (such as ^] or ^A)".into()),
    };
    if key == 0 {
        return Err("^@ (NUL) cannot be the escape character".into());
    }
    Ok(key)
}

/// One line typed at the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    /// An empty line: back to the session.
    Resume,
    Close,
    Quit,
    Send(Signal),
    /// `send escape`: the escape character itself, as data.
    SendEscape,
    Status,
    Help,
}

const COMMANDS: &[&str] = &["close", "help", "quit", "send", "status"];

const SENDS: &[(&str, Option<Signal>)] = &[
    ("brk", Some(Signal::Break)),
    ("ip", Some(Signal::InterruptProcess)),
    ("ao", Some(Signal::AbortOutput)),
    ("ayt", Some(Signal::AreYouThere)),
    ("escape", None),
];

const SEND_WHAT: &str = "brk, ip, ao, ayt or escape";

/// The prompt's list of commands.
pub const HELP: &str = "\
close          close the connection (with --listen -k, wait for the next client)
quit           close the connection and exit
send brk       send telnet's BREAK (IAC BRK); needs -t
send ip        send telnet's Interrupt Process (IAC IP), Ctrl-C on the server; needs -t
send ao        send telnet's Abort Output (IAC AO); needs -t
send ayt       send telnet's Are You There (IAC AYT); needs -t
send escape    send the escape character itself
status         show the peer, the transport, the bytes each way and the time connected
help, ?        show this list
An empty line goes back to the session. A word's first letters will do (q, st).
";

/// Reads one command line: words, any case, each word or a unique start of it.
pub fn parse(line: &str) -> Result<Command, String> {
    let words: Vec<String> = line
        .split_ascii_whitespace()
        .map(str::to_ascii_lowercase)
        .collect();
    let Some((first, rest)) = words.split_first() else {
        return Ok(Command::Resume);
    };
    let command = if first == "?" {
        "help"
    } else {
        pick(first, COMMANDS.iter().map(|&name| (name, name)), "command")?
    };
    match (command, rest) {
        ("send", [what]) => match pick(what, SENDS.iter().copied(), "thing to send") {
            Ok(Some(signal)) => Ok(Command::Send(signal)),
            Ok(None) => Ok(Command::SendEscape),
            Err(message) => Err(format!("{message} (send {SEND_WHAT})")),
        },
        ("send", []) => Err(format!("send what? {SEND_WHAT}")),
        ("send", _) => Err(format!("send takes one word: {SEND_WHAT}")),
        (_, [_, ..]) => Err(format!("{command} takes nothing after it")),
        ("close", []) => Ok(Command::Close),
        ("quit", []) => Ok(Command::Quit),
        ("status", []) => Ok(Command::Status),
        _ => Ok(Command::Help),
    }
}

/// The entry named `word`, or the one name that starts with it.
fn pick<T: Copy>(
    word: &str,
    table: impl Iterator<Item = (&'static str, T)> + Clone,
    what: &str,
) -> Result<T, String> {
    if let Some((_, value)) = table.clone().find(|(name, _)| *name == word) {
        return Ok(value);
    }
    let starts: Vec<_> = table.filter(|(name, _)| name.starts_with(word)).collect();
    match starts[..] {
        [(_, value)] => Ok(value),
        [] => Err(format!(
            "'{}' is not a {what}; help lists them",
            shown(word)
        )),
        _ => {
            let names: Vec<_> = starts.iter().map(|(name, _)| *name).collect();
            Err(format!("'{word}' could be {}", names.join(" or ")))
        }
    }
}

/// `word` as a message shows it: control characters (an arrow key's escape sequence) escaped,
/// so that the terminal prints them rather than acting on them.
fn shown(word: &str) -> String {
    let mut text = String::with_capacity(word.len());
    for c in word.chars() {
        match c.is_control() {
            true => text.extend(c.escape_default()),
            false => text.push(c),
        }
    }
    text
}

/// What `status` shows.
pub struct Status<'a> {
    pub escape: &'a Escape<'a>,
    pub progress: Progress,
}

impl fmt::Display for Status<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Escape {
            key,
            peer,
            transport,
            ..
        } = self.escape;
        let Progress {
            sent,
            received,
            elapsed,
        } = self.progress;
        writeln!(
            f,
            "Connected to {peer} over {transport} for {}.",
            span(elapsed)
        )?;
        writeln!(f, "Sent {}, received {}.", bytes(sent), bytes(received))?;
        writeln!(f, "Escape character is '{}'.", name(*key))
    }
}

fn bytes(n: u64) -> String {
    if n == 1 {
        "1 byte".into()
    } else {
        format!("{n} bytes")
    }
}

/// `4.2 s` under a minute, `1:02:03` (hours, minutes, seconds) from then on.
fn span(elapsed: Duration) -> String {
    let secs = elapsed.as_secs();
    if secs < 60 {
        format!("{:.1} s", elapsed.as_secs_f64())
    } else {
        format!("{}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60)
    }
}

/// Runs the `netkit>` prompt on `shown` (stderr) and reads its lines from `input` (the
/// terminal), starting with `typed`, what came after the key in the same read; anything
/// `typed` holds past its first line end is dropped, as telnet does (a terminal in line mode
/// never returns more than one line). `help`, a mistake, and `send brk` without telnet
/// prompt again; everything else leaves. End of input (Ctrl-D on an empty line) is `quit`.
/// Errors are `input`'s.
pub fn prompt(
    input: &mut dyn Input,
    typed: &[u8],
    stop: Option<BorrowedFd<'_>>,
    status: &Status<'_>,
    shown: &mut impl Write,
) -> io::Result<Action> {
    let key = status.escape.key;
    let telnet = status.escape.telnet;
    let mut typed = Some(typed);
    // the terminal shows the key as ^] where the cursor was: the prompt goes below it
    let mut ask = "\nnetkit> ";
    loop {
        // nobody to show it to is no reason to stop; the commands still work
        let _ = shown.write_all(ask.as_bytes()).and_then(|()| shown.flush());
        ask = "netkit> ";
        let line = match read_line(input, typed.take(), key, stop)? {
            Line::Text(line) => line,
            Line::End => return Ok(Action::Quit),
            Line::Stopped => return Ok(Action::Stopped),
        };
        let reply = match parse(&String::from_utf8_lossy(&line)) {
            Ok(Command::Resume) => return Ok(Action::Resume),
            Ok(Command::Close) => return Ok(Action::Close),
            Ok(Command::Quit) => return Ok(Action::Quit),
            Ok(Command::SendEscape) => return Ok(Action::Data(key)),
            Ok(Command::Send(signal)) if telnet => return Ok(Action::Command(signal.bytes())),
            Ok(Command::Status) => {
                let _ = write!(shown, "{status}");
                return Ok(Action::Resume);
            }
            Ok(Command::Send(_)) => {
                "telnet's commands need -t (the telnet protocol); nothing was sent\n".into()
            }
            Ok(Command::Help) => HELP.to_string(),
            Err(message) => format!("{message}\n"),
        };
        let _ = shown.write_all(reply.as_bytes());
    }
}

enum Line {
    Text(Vec<u8>),
    /// End of input before anything was typed.
    End,
    Stopped,
}

/// One line: up to Enter (LF or CR) or the key again, read a byte at a time so that nothing
/// past it is taken from the terminal.
fn read_line(
    input: &mut dyn Input,
    typed: Option<&[u8]>,
    key: u8,
    stop: Option<BorrowedFd<'_>>,
) -> io::Result<Line> {
    let ends = |byte: u8| matches!(byte, b'\n' | b'\r') || byte == key;
    let mut line = Vec::new();
    if let Some(typed) = typed {
        match typed.iter().position(|&byte| ends(byte)) {
            Some(at) => return Ok(Line::Text(typed[..at].to_vec())),
            None => line.extend_from_slice(&typed[..typed.len().min(MAX_LINE)]),
        }
    }
    fn readable(fd: BorrowedFd<'_>) -> Watch<'_> {
        Watch {
            fd,
            read: true,
            write: false,
        }
    }
    loop {
        let watches = [Some(readable(input.as_fd())), stop.map(readable)];
        let [ready, stopped] = poll::wait(watches, None)?;
        if stopped.read || stopped.trouble {
            return Ok(Line::Stopped);
        }
        if !(ready.read || ready.trouble) {
            continue;
        }
        let mut byte = [0u8];
        match input.read(&mut byte) {
            Ok(0) if line.is_empty() => return Ok(Line::End),
            Ok(0) => return Ok(Line::Text(line)),
            Ok(_) if ends(byte[0]) => return Ok(Line::Text(line)),
            Ok(_) if line.len() < MAX_LINE => line.push(byte[0]),
            Ok(_) => {}
            Err(err) if crate::error::again(&err) => {}
            Err(err) => return Err(err),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mistakes_show_control_characters_escaped() {
        // the up arrow, then Enter: found by the raw_escape fuzz target
        assert_eq!(
            super::parse("\x1b[A"),
            Err("'\\u{1b}[a' is not a command; help lists them".into())
        );
        assert_eq!(
            super::parse("send \u{9b}2J"),
            Err("'\\u{9b}2j' is not a thing to send; help lists them (send brk, ip, ao, ayt or escape)".into())
        );
    }

    use super::*;
    use std::os::unix::net::UnixStream;

    #[test]
    fn keys_are_spelt_as_telnet_spells_them() {
        assert_eq!(parse_key("^]"), Ok(0x1d));
        assert_eq!(parse_key("^A"), Ok(1));
        assert_eq!(parse_key("^a"), Ok(1));
        assert_eq!(parse_key("^["), Ok(0x1b));
        assert_eq!(parse_key("^?"), Ok(0x7f));
        assert_eq!(parse_key("~"), Ok(b'~'));
        assert_eq!(parse_key("^"), Ok(b'^'));
        assert_eq!(parse_key("\x1d"), Ok(0x1d));
        for bad in ["", "ab", "^ab", "^1", "é", "^@", "\0"] {
            assert!(parse_key(bad).is_err(), "{bad:?} was taken");
        }
        assert_eq!(name(0x1d), "^]");
        assert_eq!(name(1), "^A");
        assert_eq!(name(0x7f), "^?");
        assert_eq!(name(b'~'), "~");
        for key in 1..0x80 {
            assert_eq!(parse_key(&name(key)), Ok(key), "{}", name(key));
        }
    }

    #[test]
    fn commands_take_unique_prefixes() {
        assert_eq!(parse(""), Ok(Command::Resume));
        assert_eq!(parse("  \t"), Ok(Command::Resume));
        assert_eq!(parse("quit"), Ok(Command::Quit));
        assert_eq!(parse("q"), Ok(Command::Quit));
        assert_eq!(parse("CLOSE"), Ok(Command::Close));
        assert_eq!(parse(" st "), Ok(Command::Status));
        assert_eq!(parse("?"), Ok(Command::Help));
        assert_eq!(parse("h"), Ok(Command::Help));
        assert_eq!(
            parse("send ip"),
            Ok(Command::Send(Signal::InterruptProcess))
        );
        assert_eq!(parse("se brk"), Ok(Command::Send(Signal::Break)));
        assert_eq!(parse("send ay"), Ok(Command::Send(Signal::AreYouThere)));
        assert_eq!(parse("send e"), Ok(Command::SendEscape));
        assert_eq!(parse("s"), Err("'s' could be send or status".into()));
        assert_eq!(
            parse("send a"),
            Err("'a' could be ao or ayt (send brk, ip, ao, ayt or escape)".into())
        );
        assert_eq!(
            parse("open x"),
            Err("'open' is not a command; help lists them".into())
        );
        assert_eq!(
            parse("send"),
            Err("send what? brk, ip, ao, ayt or escape".into())
        );
        assert_eq!(parse("quit now"), Err("quit takes nothing after it".into()));
    }

    #[test]
    fn status_names_the_peer_the_bytes_and_the_time() {
        let escape = Escape {
            key: DEFAULT_KEY,
            peer: "127.0.0.1:23",
            transport: "TCP (telnet)",
            telnet: true,
        };
        let status = Status {
            escape: &escape,
            progress: Progress {
                sent: 1,
                received: 340,
                elapsed: Duration::from_millis(4210),
            },
        };
        assert_eq!(
            status.to_string(),
            "Connected to 127.0.0.1:23 over TCP (telnet) for 4.2 s.\n\
             Sent 1 byte, received 340 bytes.\n\
             Escape character is '^]'.\n"
        );
        assert_eq!(span(Duration::from_secs(3723)), "1:02:03");
        assert_eq!(span(Duration::from_secs(60)), "0:01:00");
    }

    /// The prompt over `typed` and then `lines` on its input: the action and what it showed.
    fn run(typed: &[u8], lines: &[u8], telnet: bool) -> (Action, String) {
        let (mut keyboard, input) = UnixStream::pair().unwrap();
        keyboard.write_all(lines).unwrap();
        drop(keyboard);
        let escape = Escape {
            key: DEFAULT_KEY,
            peer: "[::1]:7",
            transport: "TCP",
            telnet,
        };
        let status = Status {
            escape: &escape,
            progress: Progress {
                sent: 6,
                received: 12,
                elapsed: Duration::ZERO,
            },
        };
        let mut shown = Vec::new();
        let action = prompt(&mut &input, typed, None, &status, &mut shown).unwrap();
        (action, String::from_utf8(shown).unwrap())
    }

    #[test]
    fn prompt_runs_commands_until_one_leaves() {
        assert_eq!(
            run(b"", b"quit\n", false),
            (Action::Quit, "\nnetkit> ".into())
        );
        assert_eq!(run(b"cl", b"ose\n", false).0, Action::Close);
        assert_eq!(run(b"\n", b"quit\n", false).0, Action::Resume);
        assert_eq!(run(b"", b"", false).0, Action::Quit, "Ctrl-D quits");
        assert_eq!(run(b"", b"send ip\n", true).0, Action::Command([255, 244]));
        assert_eq!(run(b"", b"send escape\r", false).0, Action::Data(0x1d));
        let (action, shown) = run(b"", b"help\nbogus\nsend brk\n\n", false);
        assert_eq!(action, Action::Resume);
        assert!(
            shown.starts_with(&format!("\nnetkit> {HELP}netkit> ")),
            "{shown}"
        );
        assert!(shown.ends_with(
            "'bogus' is not a command; help lists them\nnetkit> \
             telnet's commands need -t (the telnet protocol); nothing was sent\nnetkit> "
        ));
        let (action, shown) = run(b"status\n", b"", false);
        assert_eq!(action, Action::Resume);
        assert!(
            shown.contains("over TCP for 0.0 s.\nSent 6 bytes, received 12 bytes.\n"),
            "{shown}"
        );
    }

    #[test]
    fn prompt_ends_on_a_stop() {
        let (_keyboard, input) = UnixStream::pair().unwrap();
        let (mut signal, stop) = UnixStream::pair().unwrap();
        signal.write_all(b"x").unwrap();
        let escape = Escape {
            key: DEFAULT_KEY,
            peer: "p",
            transport: "TCP",
            telnet: false,
        };
        let status = Status {
            escape: &escape,
            progress: Progress::default(),
        };
        let action = prompt(
            &mut &input,
            b"",
            Some(stop.as_fd()),
            &status,
            &mut Vec::new(),
        );
        assert_eq!(action.unwrap(), Action::Stopped);
    }
}
