//! Telnet (RFC 854/855) for `raw -t`: answer option negotiations, hide commands, escape 0xFF.

use std::fmt;

use super::trace::Trace;

const IAC: u8 = 255;
const DONT: u8 = 254;
const DO: u8 = 253;
const WONT: u8 = 252;
const WILL: u8 = 251;
const SB: u8 = 250;
const SE: u8 = 240;
const CR: u8 = b'\r';
const LF: u8 = b'\n';
const NUL: u8 = 0;

const ECHO: u8 = 1;
const SUPPRESS_GO_AHEAD: u8 = 3;

/// Where the decoder is between two bytes; every state survives the end of a read, so a
/// command split across two TCP segments is still recognised.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Data,
    /// After IAC: a command byte follows.
    Iac,
    /// After IAC WILL/WONT/DO/DONT: the option byte follows.
    Option(u8),
    /// Inside IAC SB ... IAC SE: nothing of it is data.
    Sub,
    /// After IAC inside a subnegotiation: SE ends it, IAC is an escaped 0xFF.
    SubIac,
}

/// Turns what a telnet server sends into the bytes to print plus the answers it expects.
///
/// Policy: netkit enables no option on its own side (every DO is refused with WONT) and lets
/// the server enable only SUPPRESS-GO-AHEAD. ECHO is refused as well: netkit leaves the
/// terminal in line mode, which already echoes what is typed, so a server echo would show
/// each line twice (and a script would read its own input back). A negotiation that only
/// confirms the current state gets no answer, which is what keeps two peers from looping.
#[derive(Debug)]
pub struct Decoder {
    state: State,
    /// The last data byte was CR, so a NUL after it is padding (RFC 854 "CR NUL").
    after_cr: bool,
    /// Options the server has on its side, with our agreement.
    server_has: [bool; 256],
    trace: Trace,
}

impl Decoder {
    pub fn new(trace: Trace) -> Decoder {
        Decoder {
            state: State::Data,
            after_cr: false,
            server_has: [false; 256],
            trace,
        }
    }

    /// Appends the data in `input` to `data` and the negotiation answers to `replies`.
    pub fn feed(&mut self, input: &[u8], data: &mut Vec<u8>, replies: &mut Vec<u8>) {
        for &byte in input {
            self.state = match self.state {
                State::Data if byte == IAC => State::Iac,
                State::Data => {
                    if !(self.after_cr && byte == NUL) {
                        data.push(byte);
                    }
                    self.after_cr = byte == CR;
                    State::Data
                }
                State::Iac => self.command(byte, data),
                State::Option(verb) => {
                    self.negotiate(verb, byte, replies);
                    State::Data
                }
                State::Sub if byte == IAC => State::SubIac,
                State::Sub => State::Sub,
                State::SubIac => match byte {
                    SE => State::Data,
                    IAC => State::Sub,
                    // IAC and anything but SE: the subnegotiation was cut short, and this
                    // is a command of its own
                    other => self.command(other, data),
                },
            };
        }
    }

    /// The byte after IAC.
    fn command(&mut self, byte: u8, data: &mut Vec<u8>) -> State {
        match byte {
            IAC => {
                data.push(IAC);
                self.after_cr = false;
                State::Data
            }
            WILL | WONT | DO | DONT => State::Option(byte),
            SB => State::Sub,
            // NOP, GA, DM, BRK, AYT and the rest carry nothing to print
            _ => State::Data,
        }
    }

    fn negotiate(&mut self, verb: u8, option: u8, replies: &mut Vec<u8>) {
        // ECHO stays refused on purpose: see the type's doc
        let accepted = option == SUPPRESS_GO_AHEAD;
        let enabled = &mut self.server_has[usize::from(option)];
        let answer = match verb {
            // we have no options to offer: refuse each request; a DONT confirms that
            DO => Some(WONT),
            DONT => None,
            WILL if *enabled => None,
            WILL if accepted => {
                *enabled = true;
                Some(DO)
            }
            WILL => Some(DONT),
            // a WONT must be acknowledged only when it changes something
            _ if *enabled => {
                *enabled = false;
                Some(DONT)
            }
            _ => None,
        };
        let (verb, option_name) = (Verb(verb), Opt(option));
        match answer {
            Some(answer) => {
                replies.extend_from_slice(&[IAC, answer, option]);
                self.trace.step(format_args!(
                    "telnet: server sent {verb} {option_name}, answered {}",
                    Verb(answer)
                ));
            }
            None => self.trace.step(format_args!(
                "telnet: server sent {verb} {option_name}, no answer needed"
            )),
        }
    }
}

/// Turns what the user types into NVT bytes: lines end in CR LF, a lone CR becomes CR NUL,
/// and 0xFF is doubled so the server does not take it for a command.
#[derive(Debug, Default)]
pub struct Encoder {
    after_cr: bool,
}

impl Encoder {
    pub fn new() -> Encoder {
        Encoder::default()
    }

    pub fn encode(&mut self, input: &[u8], out: &mut Vec<u8>) {
        for &byte in input {
            if self.after_cr && byte != LF {
                out.push(NUL);
            }
            match byte {
                LF if !self.after_cr => out.extend_from_slice(&[CR, LF]),
                IAC => out.extend_from_slice(&[IAC, IAC]),
                _ => out.push(byte),
            }
            self.after_cr = byte == CR;
        }
    }

    /// At the end of input: a CR still waiting to learn what follows it gets its NUL.
    pub fn finish(&mut self, out: &mut Vec<u8>) {
        if std::mem::take(&mut self.after_cr) {
            out.push(NUL);
        }
    }
}

/// A command the user sends from the escape prompt (`send brk`, `send ip`, ...): IAC and
/// one byte (RFC 854), carrying no data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Signal {
    /// BRK: the BREAK key, or "attention".
    Break,
    /// IP: interrupt the process the session runs (what Ctrl-C would do on that machine).
    InterruptProcess,
    /// AO: let the process finish but stop sending its output.
    AbortOutput,
    /// AYT: ask for a visible sign that the server is still there.
    AreYouThere,
}

impl Signal {
    pub fn bytes(self) -> [u8; 2] {
        let code = match self {
            Signal::Break => 243,
            Signal::InterruptProcess => 244,
            Signal::AbortOutput => 245,
            Signal::AreYouThere => 246,
        };
        [IAC, code]
    }
}

struct Verb(u8);

impl fmt::Display for Verb {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self.0 {
            WILL => "WILL",
            WONT => "WONT",
            DO => "DO",
            _ => "DONT",
        })
    }
}

struct Opt(u8);

impl fmt::Display for Opt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.0 {
            0 => "BINARY",
            ECHO => "ECHO",
            SUPPRESS_GO_AHEAD => "SUPPRESS-GO-AHEAD",
            5 => "STATUS",
            6 => "TIMING-MARK",
            24 => "TERMINAL-TYPE",
            31 => "NAWS",
            32 => "TERMINAL-SPEED",
            33 => "TOGGLE-FLOW-CONTROL",
            34 => "LINEMODE",
            35 => "X-DISPLAY-LOCATION",
            36 => "ENVIRON",
            37 => "AUTHENTICATION",
            38 => "ENCRYPT",
            39 => "NEW-ENVIRON",
            other => return write!(f, "option {other}"),
        };
        f.write_str(name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `chunks` one after another and returns (data, replies).
    fn decode(chunks: &[&[u8]]) -> (Vec<u8>, Vec<u8>) {
        let mut decoder = Decoder::new(Trace::default());
        let (mut data, mut replies) = (Vec::new(), Vec::new());
        for chunk in chunks {
            decoder.feed(chunk, &mut data, &mut replies);
        }
        (data, replies)
    }

    fn encode(chunks: &[&[u8]]) -> Vec<u8> {
        let mut encoder = Encoder::new();
        let mut out = Vec::new();
        for chunk in chunks {
            encoder.encode(chunk, &mut out);
        }
        encoder.finish(&mut out);
        out
    }

    #[test]
    fn plain_text_passes() {
        assert_eq!(decode(&[b"login: "]), (b"login: ".to_vec(), vec![]));
    }

    #[test]
    fn do_is_refused_and_dont_is_not_answered() {
        let (data, replies) = decode(&[&[IAC, DO, 24, IAC, DONT, 24, b'x']]);
        assert_eq!(data, b"x");
        assert_eq!(replies, [IAC, WONT, 24]);
    }

    #[test]
    fn will_sga_is_accepted_once_and_others_refused() {
        let (data, replies) = decode(&[&[
            IAC,
            WILL,
            SUPPRESS_GO_AHEAD,
            IAC,
            WILL,
            SUPPRESS_GO_AHEAD, // confirms what is agreed: silence
            IAC,
            WILL,
            ECHO,
            IAC,
            WILL,
            37,
        ]]);
        assert!(data.is_empty());
        assert_eq!(
            replies,
            [IAC, DO, SUPPRESS_GO_AHEAD, IAC, DONT, ECHO, IAC, DONT, 37]
        );
    }

    #[test]
    fn wont_is_acknowledged_only_when_it_changes_something() {
        let (_, replies) = decode(&[&[
            IAC,
            WONT,
            ECHO, // never enabled: silence
            IAC,
            WILL,
            SUPPRESS_GO_AHEAD,
            IAC,
            WONT,
            SUPPRESS_GO_AHEAD,
            IAC,
            WONT,
            SUPPRESS_GO_AHEAD,
        ]]);
        assert_eq!(
            replies,
            [IAC, DO, SUPPRESS_GO_AHEAD, IAC, DONT, SUPPRESS_GO_AHEAD]
        );
    }

    #[test]
    fn negotiation_split_across_reads_at_every_byte() {
        let stream: &[u8] = &[b'a', IAC, DO, 24, b'b', IAC, SB, 24, 1, IAC, SE, b'c'];
        for cut in 0..=stream.len() {
            let (first, second) = stream.split_at(cut);
            assert_eq!(
                decode(&[first, second]),
                (b"abc".to_vec(), vec![IAC, WONT, 24]),
                "cut at {cut}"
            );
        }
    }

    #[test]
    fn subnegotiation_is_hidden_with_escaped_iac_inside() {
        let (data, replies) = decode(&[&[b'<', IAC, SB, 24, IAC, IAC, 0, IAC, SE, b'>']]);
        assert_eq!(data, b"<>");
        assert!(replies.is_empty());
    }

    #[test]
    fn doubled_iac_is_one_data_byte_and_commands_vanish() {
        // NOP (241), GA (249), AYT (246), DM (242)
        let (data, _) = decode(&[&[IAC, IAC, IAC, 241, b'x', IAC, 249, IAC, 246, IAC], &[242]]);
        assert_eq!(data, [IAC, b'x']);
    }

    #[test]
    fn cr_nul_is_a_bare_cr_and_cr_lf_stays() {
        let (data, _) = decode(&[b"a\r", b"\0b\r\nc\0"]);
        assert_eq!(data, b"a\rb\r\nc\0");
    }

    #[test]
    fn nothing_printed_ever_holds_a_command_byte() {
        // a server that sends every command and option, including 0xFF as option
        let mut stream = Vec::new();
        for verb in [WILL, WONT, DO, DONT] {
            for option in 0..=255u8 {
                stream.extend_from_slice(&[IAC, verb, option, b'.']);
            }
        }
        let (data, _) = decode(&[&stream]);
        assert_eq!(data, vec![b'.'; 4 * 256]);
    }

    #[test]
    fn lines_end_in_cr_lf_without_doubling() {
        assert_eq!(encode(&[b"user\n"]), b"user\r\n");
        assert_eq!(encode(&[b"user\r\n"]), b"user\r\n");
        assert_eq!(encode(&[b"user\r", b"\n"]), b"user\r\n");
    }

    #[test]
    fn lone_cr_gets_nul_and_iac_is_doubled() {
        assert_eq!(encode(&[b"a\rb"]), b"a\r\0b");
        assert_eq!(encode(&[b"a\r"]), b"a\r\0");
        assert_eq!(encode(&[&[1, IAC, 2]]), [1, IAC, IAC, 2]);
        assert_eq!(encode(&[b"\r\r\n"]), b"\r\0\r\n");
    }
}
