//! The command line: clap derive types for the whole command tree, nothing else.

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::net::addr::{BadPorts, PortRange};
use crate::service::internal::Kind;
use crate::timefmt::Format;

/// One executable for the classic network services and clients: daytime (RFC 867),
/// echo (RFC 862), discard (RFC 863), chargen (RFC 864), time (RFC 868) and a raw line client
/// that replaces telnet and nc.
#[derive(Debug, Parser)]
#[command(
    name = "netkit",
    version,
    propagate_version = true,
    max_term_width = 100,
    after_long_help = exit_codes()
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

/// The exit codes and the environment, after the root's `--help`.
fn exit_codes() -> String {
    let codes: Vec<String> = crate::error::EXIT_STATUS
        .iter()
        .map(|(code, meaning)| format!("{code} {meaning}"))
        .collect();
    format!(
        "Exit codes: {}. Every failure is one line on stderr, such as: netkit: cannot connect \
         to 127.0.0.1:55555: connection refused\n\n\
         Environment: TZ sets the local time zone of daytime lines and time get. LISTEN_PID and \
         LISTEN_FDS (systemd socket activation) hand listening sockets to a server, which then \
         serves them instead of binding; netkit serve gives each to a service by its name in \
         LISTEN_FDNAMES or by its port.",
        codes.join("; ")
    )
}

const SERVER_NOTES: &str = "\
Servers bind :: with IPV6_V6ONLY off, so IPv4 and IPv6 clients both reach them (0.0.0.0 where \
IPv6 is missing), set SO_REUSEADDR on TCP, and log the address actually bound, so --port 0 is \
usable. They run a fixed number of event loops, one per core but one (the kernel's TCP work and \
clients on the same machine need a core; --threads sets it). With more than one, each loop has \
its own listening and UDP socket in an SO_REUSEPORT group, and the kernel shares clients out by \
their address and port (sockets handed over by systemd are shared by all loops instead); any \
process of the same user may then join that group and take a share of the clients (the \
kernel's rule; --threads 1 allows no group). A server bound to a wildcard also logs the \
addresses clients can reach it at. The \
number of threads does not grow with connections, and a slow or silent client never delays \
another. With --udp, datagrams from ports 0, 7, 13, 17, 19 and 37 (services that answer \
anything) are never answered, nor those from the server's own ports and addresses; a source \
that answers each of our answers at once with the same bytes (16 times, each within 5 ms) is \
taken for a loop with another server, logged once and not answered for 5 s; and replies to \
one address follow a token bucket of --udp-rate per second. Beyond --max-connections or --max-per-source, new connections are closed at once, \
with at most one warning a second. SIGINT, SIGTERM or SIGHUP stops accepting, gives open sessions 2 \
seconds, and exits 0. Under --inetd, nothing is logged: stderr is the client's socket there.";

const DAYTIME_NOTES: &str = "\
Lines end in CR LF in every format. ctime (the default) is Wed Nov 25 11:31:40 2026, the day \
padded with a space; nist is the NIST ACTS line, always UTC. Local time honours TZ and follows \
its time-zone rules, so a long-running server stays right across daylight-saving changes. The \
line is rendered once a second, and every client in that second gets the same bytes. Whatever \
a client sends is ignored: after the line the server shuts down its side and reads and drops \
until the client closes (2 to 3 s at most), so the client gets a FIN, not a reset.";

const ECHO_NOTES: &str = "\
Every byte received goes back unchanged and in order: binary-safe, not line-based. A client that \
sends without reading is not read either while its echo cannot be written (at most 64 KiB waits \
in netkit per connection); a client that never sends costs only its socket. When a client shuts \
down its side, the rest of its echo is sent and the connection closed. Log lines: listening, \
accepted, closed (bytes each way, duration, reason), refused, errors.";

const TLS_NOTES: &str = "\
TLS by hand: where you would type openssl s_client -connect HOST:443 -servername HOST, type netkit \
raw --tls HOST 443. The certificate is checked against the system's trust store (or --ca FILE) \
and against HOST, or --sni NAME, which is also what SNI carries (an IP address sends none). After \
the handshake, stderr shows the version, cipher suite and ALPN, then the certificate: subject, \
issuer, expiry with the days left, and its names (-q hides both lines). A failure is one line and \
exit 6: certificate is not trusted (unknown issuer), certificate expired on DATE, name mismatch: \
certificate is for NAMES, the server does not speak TLS, the server sent alert NAME. --insecure \
takes any certificate and always warns. --starttls smtp, imap, pop3 or ftp speaks the plaintext \
upgrade first and fails with exit 6 when the server does not offer it. At the end of input, \
netkit sends close_notify and keeps printing what the server still sends. With --listen, --tls \
serves --cert and --key, or a certificate made for the run for localhost, 127.0.0.1, ::1, the \
host name and the bind address, whose SHA-256 fingerprint is printed before the first client; \
each client's handshake must be done within -w SECS (default 10), and with -k a client that \
runs out of time is one line and the next one is served.";

const DISCARD_NOTES: &str = "\
Whatever a client sends is read and dropped, and nothing is ever sent back: a sink for testing \
what a client sends, or how fast. A connection closes when the client shuts down its side (or \
after --idle-timeout); its closed line counts the bytes received. A datagram is never \
answered, only logged.";

const RAW_NOTES: &str = "\
Transports: TCP by default; -u sends each piece of stdin (a line, from a terminal) as one \
datagram of at most 65507 bytes and prints every datagram received, and since UDP has no FIN, \
it exits 0 once stdin has ended and -w SECS (default 2) pass without a reply; an ICMP port \
unreachable is exit 4. --listen -u prints datagrams from any sender, announces the first \
datagram of each new one (Datagram from ADDR port PORT.), and sends stdin to the most recent. \
-U PATH is a Unix-domain stream socket with TCP's rules for closing; --listen -U PATH creates \
the socket file, replaces a stale one (nobody accepts on it), refuses one a live server \
listens on, and removes it on exit, SIGINT, SIGTERM and SIGHUP included. -k serves one client \
after another until SIGINT, SIGTERM or SIGHUP, which end it with exit 0; with -u, it stops a \
silence from ending the listener. -x FILE writes each chunk as HH:MM:SS.ffffff > 12 bytes (> \
sent, < received, local time), then hexdump -C lines counting from 0, repeats included; stdout \
is unchanged.

Escape: on a terminal, Ctrl-] (-e CHAR for another key, -E for none) sends what was typed \
before it and opens the netkit> prompt at once: quit (exit 0), close (with -k, wait for the \
next client), send brk, send ip, send ao, send ayt (telnet's IAC commands, with -t), send \
escape (the key itself), status (the peer, the transport, the bytes each way and the time) and \
help; an empty line goes back to the session. The terminal stays in line mode, the key one more \
end of line, and gets its settings back on exit, SIGINT and SIGTERM included; -q hides the \
Escape character is '^]'. line. Stdin from a pipe or a file has no escape: its bytes go as \
they are.

Examples: printf 'hello\\n' | netkit raw -u 127.0.0.1 55555 (a datagram and its answer); netkit \
raw -U /var/run/docker.sock; netkit raw --listen -U /tmp/netkit.sock; netkit raw --listen 5555 -k \
(like nc -lk); netkit raw -x - 127.0.0.1 80 (the bytes both ways in hex on stderr).";

const CHARGEN_NOTES: &str = "\
Each connection gets RFC 864's pattern from its first line on: the 95 printable ASCII \
characters from space to ~ as a ring, line i being the 72 characters from position i mod 95, \
each line ending in CR LF. The lines go on until the client closes the connection (a client that \
only shuts down its side may still be reading), and they are made only as fast as the client \
reads: a client that never reads costs its socket buffers and no CPU, and nothing of it waits in \
netkit. Whatever a client sends is dropped. A datagram gets one datagram back: the pattern's \
first 0 to 512 bytes, the length drawn at random as RFC 864 has it.";

const TIME_NOTES: &str = "\
Each client gets four bytes, the seconds since 1900-01-01 00:00 UTC as a big-endian number, and \
the connection is closed; a datagram of any content gets the four bytes back. The count wraps \
in 2036 (clients read values below 2^31 as the next era).";

const SERVE_NOTES: &str = "\
Each SERVICE is echo (port 7), discard (9), daytime (13), chargen (19) or time (37), served as \
its own command serves it (daytime in the ctime form, local time), on its well-known port or on \
PORT (a number or a service name; 0 picks a free one). One set of event loops serves them all; \
the server options and --tcp/--udp apply to every one, and each log line names its service. \
Under --inetd, give one SERVICE. Sockets handed over by systemd go to the service whose name \
they carry (FileDescriptorName=echo, or a socket unit named echo.socket), else to the service \
whose port they are bound to; a socket that fits none is an error, and a service that gets none \
is not served (a warning says so).";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Daytime protocol (RFC 867): serve the time as one line, or ask a server for it.
    Daytime {
        #[command(subcommand)]
        action: DaytimeCommand,
    },
    /// Discard protocol (RFC 863): a server that reads everything and answers nothing.
    Discard {
        #[command(subcommand)]
        action: DiscardCommand,
    },
    /// Echo protocol (RFC 862): serve, send messages, or measure an echo server.
    Echo {
        #[command(subcommand)]
        action: EchoCommand,
    },
    /// Character generator (RFC 864): a server that sends lines of text for as long as the
    /// client reads.
    Chargen {
        #[command(subcommand)]
        action: ChargenCommand,
    },
    /// Time protocol (RFC 868): serve the time as four bytes, or ask a server for it.
    Time {
        #[command(subcommand)]
        action: TimeCommand,
    },
    /// Serve several of inetd's internal services (echo, discard, daytime, chargen, time) from
    /// one process.
    #[command(after_long_help = format!("{SERVE_NOTES}\n\n{SERVER_NOTES}"))]
    Serve(ServeArgs),
    /// Talk to any TCP, UDP or Unix-socket service by hand or from a script, like telnet or nc.
    #[command(after_long_help = format!("{RAW_NOTES}\n\n{TLS_NOTES}"))]
    Raw(RawArgs),
    /// Forward every connection to another host and port, and show what goes through if asked:
    /// socat TCP-LISTEN:P,fork TCP:HOST:PORT (with -v) without a process per connection.
    #[command(
        after_long_help = format!("{RELAY_NOTES}\n\n{SERVER_NOTES}"),
        mut_arg("tcp", |a| a.hide(true)),
        mut_arg("udp", |a| a.hide(true)),
        mut_arg("udp_rate", |a| a.hide(true)),
        mut_arg("inetd", |a| a.hide(true))
    )]
    Relay(RelayArgs),
    /// Check which ports are open, or wait until they are: connect and close at once, like
    /// nc -z.
    #[command(after_long_help = PROBE_NOTES)]
    Probe(ProbeArgs),
    /// Print a shell completion script to stdout.
    Completions(CompletionsArgs),
}

const PROBE_NOTES: &str = "\
Each port gets one line on stdout, in the order given: 127.0.0.1 22/tcp (ssh) open 0.21 ms. \
A TCP port is open when it accepts a connection (which is closed at once, no data sent), closed \
when it is refused, filtered when nothing answers within -w, and unreachable when the network \
says there is no route. With -u an empty datagram goes out: a reply is open, an ICMP port \
unreachable closed, silence open|filtered. Every address of HOST is tried in turn: a port is open \
when any address accepts, and its line names the address that gave its state. Many ports are \
probed at once, never more than 256 sockets at a time. --banner shows the first line quoted, \
with \\r, \\n, \\t, \\\\, \\\" and \\xNN for every byte that is not printable ASCII, so no control \
byte reaches the terminal. With --wait, each round probes the ports not yet open, and the name \
is resolved again each round; no attempt outlasts the wait. --tls also completes a TLS \
handshake on each open port (within as long again as -w), checking the certificate as raw --tls \
does: 127.0.0.1 443/tcp (https) open 0.31 ms, TLS 1.3, certificate expires in 89 days, or open, \
TLS failed: certificate expired on 2026-01-01 (--starttls speaks the plaintext upgrade first).

Exit codes: 0 when every port is open; otherwise the code of the first port that is not: 4 \
closed or unreachable, 5 filtered or open|filtered, 6 open but its TLS handshake failed; 3 when \
HOST cannot be resolved. With --wait, \
5 when time runs out, with one line on stderr naming the ports still not open; with -- COMMAND, \
the command's own status, since it runs in netkit's place.";

const RELAY_NOTES: &str = "\
For each client, netkit connects to the target (each of its addresses in turn, resolved once at \
start-up; -w bounds connecting, 10 s by default) and copies the bytes both ways as they come, in \
the event loops: no thread or process per connection. Each direction holds at most 64 KiB: \
while the receiving side does not take more, the sending side is not read, so a slow reader \
slows its sender and memory stays bounded. When one side shuts down its half (FIN), the other \
side's write half is shut down and the other direction goes on; the pair closes once both are \
done. A reset on one side resets the other. A target that cannot be reached closes the client's \
connection at once, with one warning giving the reason. Log lines: accepted A; A -> T connected \
from L (0.3 ms); closed A (120 bytes to target, 5.1 KiB to client, 1.2 s, client closed first). \
On Linux, bulk transfers (reads that fill the window) move with splice(2), never through user \
space, unless --dump asks to see the bytes; small messages are read and written, which costs \
them fewer system calls.

--dump writes every chunk of both directions, as HH:MM:SS.ffffff #3 client > target 17 bytes \
(local time, #3 the connection's number), then hexdump -C lines, or with --dump-format text the \
bytes as text: \\r, \\n, \\t, \\\\ and \\xNN for other unprintable bytes, a line break after \
each \\n. Each record is written whole by the log's own thread, never mixed with another: a slow \
dump file holds back no connection. Beyond 8 MiB of traffic waiting to be written, records are \
dropped, and the dump says how many where the gap is.";

#[derive(Debug, Subcommand)]
pub enum DaytimeCommand {
    /// Serve the current time: one line to each client, then close.
    #[command(after_long_help = format!("{DAYTIME_NOTES}\n\n{SERVER_NOTES}"))]
    Serve(DaytimeServeArgs),
    /// Ask a daytime server for the time and print its answer.
    Get(DaytimeGetArgs),
}

#[derive(Debug, Subcommand)]
pub enum DiscardCommand {
    /// Read and drop whatever clients send; send nothing back.
    #[command(after_long_help = format!("{DISCARD_NOTES}\n\n{SERVER_NOTES}"))]
    Serve(DiscardServeArgs),
}

#[derive(Debug, Subcommand)]
pub enum ChargenCommand {
    /// Send RFC 864's rotating lines to each client, as fast as it reads them.
    #[command(after_long_help = format!("{CHARGEN_NOTES}\n\n{SERVER_NOTES}"))]
    Serve(ChargenServeArgs),
}

#[derive(Debug, Subcommand)]
pub enum TimeCommand {
    /// Serve the current time: four bytes to each client, then close.
    #[command(after_long_help = format!("{TIME_NOTES}\n\n{SERVER_NOTES}"))]
    Serve(TimeServeArgs),
    /// Ask a time server (RFC 868) for the time and print it as RFC 3339.
    Get(TimeGetArgs),
}

#[derive(Debug, Subcommand)]
pub enum EchoCommand {
    /// Send every byte received back to its sender.
    #[command(after_long_help = format!("{ECHO_NOTES}\n\n{SERVER_NOTES}"))]
    Serve(EchoServeArgs),
    /// Send messages to an echo server and print what comes back.
    Send(EchoSendArgs),
    /// Measure an echo server: many connections, verified replies, rates and latency.
    Bench(EchoBenchArgs),
}

/// Options shared by every server.
#[derive(Debug, Args)]
pub struct ServerArgs {
    /// Address to listen on [default: :: (IPv4 and IPv6), or 0.0.0.0 without IPv6].
    #[arg(long, value_name = "ADDR")]
    pub bind: Option<String>,
    /// Serve TCP (the default unless --udp is given).
    #[arg(long)]
    pub tcp: bool,
    /// Serve UDP (together with --tcp for both on the same port).
    #[arg(long)]
    pub udp: bool,
    /// Length of the queue of connections waiting to be accepted (capped by the OS).
    #[arg(long, value_name = "N", default_value_t = 4096)]
    pub backlog: u32,
    /// Close new connections at once beyond this many open ones.
    #[arg(long, value_name = "N", default_value_t = 10_000, value_parser = at_least_one)]
    pub max_connections: usize,
    /// Close new connections at once beyond this many from one client address (0: no limit;
    /// set one on a server that faces strangers).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub max_per_source: usize,
    /// UDP replies allowed per source address per second.
    #[arg(long, value_name = "N", default_value_t = 100,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub udp_rate: u32,
    /// Event loops (threads) serving connections [default: one per core but one, at least 1].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,
    /// Serve one connection on stdin/stdout, as started by inetd or xinetd; with --udp (a
    /// `wait` service), answer datagrams on the socket in stdin until 10 s pass without one.
    #[arg(long)]
    pub inetd: bool,
    /// Log only warnings and errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,
    /// Also log debug events.
    #[arg(short, long)]
    pub verbose: bool,
}

/// Options shared by every client.
#[derive(Debug, Args)]
pub struct ClientArgs {
    /// Use IPv4 addresses only.
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Use IPv6 addresses only.
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Give up connecting after SECS seconds (0: never); daytime, time and echo also wait that long
    /// for a reply, raw that long in silence once stdin has ended.
    #[arg(short = 'w', long = "wait", value_name = "SECS", value_parser = parse_secs)]
    pub wait: Option<Duration>,
    /// Narrate the socket's life on stderr, step by step.
    #[arg(long)]
    pub trace: bool,
}

#[derive(Debug, Args)]
pub struct DaytimeServeArgs {
    /// Port number or service name [default: 13].
    #[arg(short, long, value_parser = parse_port)]
    pub port: Option<u16>,
    /// How to write the time: ctime, rfc2822, rfc3339, nist, or a `time` format description
    /// such as "[year]-[month]-[day] [hour]:[minute]:[second]".
    #[arg(long, value_name = "FORMAT", default_value = "ctime", value_parser = Format::parse)]
    pub format: Format,
    /// Write UTC instead of local time (local time honours TZ).
    #[arg(long)]
    pub utc: bool,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Debug, Args)]
pub struct DaytimeGetArgs {
    /// Server name, IPv4 or IPv6 address.
    pub host: String,
    /// Port number or service name [default: 13].
    #[arg(value_parser = parse_port)]
    pub port: Option<u16>,
    /// Ask over UDP: one empty datagram, then wait for the reply.
    #[arg(long)]
    pub udp: bool,
    /// Also print the offset of the server's clock from the local clock.
    #[arg(long)]
    pub offset: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct EchoServeArgs {
    /// Port number or service name [default: 7].
    #[arg(short, long, value_parser = parse_port)]
    pub port: Option<u16>,
    /// Close a connection after SECS seconds without traffic (0: never).
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub idle_timeout: u64,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Debug, Args)]
pub struct DiscardServeArgs {
    /// Port number or service name [default: 9].
    #[arg(short, long, value_parser = parse_port)]
    pub port: Option<u16>,
    /// Close a connection after SECS seconds without traffic (0: never).
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub idle_timeout: u64,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Debug, Args)]
pub struct ChargenServeArgs {
    /// Port number or service name [default: 19].
    #[arg(short, long, value_parser = parse_port)]
    pub port: Option<u16>,
    /// Close a connection after SECS seconds in which the client took nothing (0: never).
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub idle_timeout: u64,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Debug, Args)]
pub struct TimeServeArgs {
    /// Port number or service name [default: 37].
    #[arg(short, long, value_parser = parse_port)]
    pub port: Option<u16>,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Debug, Args)]
#[command(after_long_help = TIME_GET_NOTES)]
pub struct TimeGetArgs {
    /// Server name, IPv4 or IPv6 address.
    pub host: String,
    /// Port number or service name [default: 37].
    #[arg(value_parser = parse_port)]
    pub port: Option<u16>,
    /// Ask over UDP: an empty datagram, up to three times within -w, then wait for the reply.
    #[arg(long)]
    pub udp: bool,
    /// Also print the offset of the server's clock from the local clock.
    #[arg(long)]
    pub offset: bool,
    /// Print the time in UTC instead of local time (local time honours TZ).
    #[arg(long)]
    pub utc: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

const TIME_GET_NOTES: &str = "\
Prints one line, the server's time in RFC 3339 (2026-11-25T12:31:40+01:00, or with --utc \
2026-11-25T11:31:40Z). The four bytes count seconds since 1900 and wrap in 2036: values below \
2^31 are read as the era after the wrap, so the line is right from 1968 to 2104. -w (default 5 s) \
bounds the whole exchange, connecting included. With --offset, a second line says how far the \
server's clock is from the local one, offset: +1.234 s, positive when the server is ahead; the \
server's count is truncated to the second, so half a second is added.";

/// One service of `netkit serve` and the port asked for it.
#[derive(Debug, Clone, Copy)]
pub struct ServiceSpec {
    pub kind: Kind,
    /// `None`: the well-known port.
    pub port: Option<u16>,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    /// The services to serve, each on its well-known port or on PORT: echo, discard, daytime,
    /// chargen, time.
    #[arg(required = true, value_name = "SERVICE[:PORT]", value_parser = parse_service)]
    pub services: Vec<ServiceSpec>,
    /// Close an echo, discard or chargen connection after SECS seconds without traffic
    /// (0: never).
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub idle_timeout: u64,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Debug, Args)]
pub struct RelayArgs {
    /// Where to forward to: a name, an IPv4 or an IPv6 address.
    pub target_host: String,
    /// The target's port number or service name.
    #[arg(value_parser = parse_port)]
    pub target_port: u16,
    /// Port number or service name to listen on (a relay has no well-known port).
    #[arg(short, long, value_parser = parse_port)]
    pub port: u16,
    /// Close a connection after SECS seconds without traffic either way (0: never).
    #[arg(long, value_name = "SECS", default_value_t = 300)]
    pub idle_timeout: u64,
    /// Give up connecting to the target after SECS seconds, all its addresses together (0: the
    /// system's own limit).
    #[arg(short = 'w', long = "wait", value_name = "SECS", value_parser = parse_secs,
          default_value = "10")]
    pub wait: Duration,
    /// Use the target's IPv4 addresses only.
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Use the target's IPv6 addresses only.
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Write every chunk of both directions to FILE, or to stderr without =FILE (or with
    /// --dump=-).
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true,
          default_missing_value = "-")]
    pub dump: Option<String>,
    /// How --dump shows the bytes: hex (hexdump -C lines) or text (escaped).
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = DumpFormat::Hex)]
    pub dump_format: DumpFormat,
    #[command(flatten)]
    pub server: ServerArgs,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum DumpFormat {
    Hex,
    Text,
}

#[derive(Debug, Args)]
pub struct EchoSendArgs {
    /// Server name, IPv4 or IPv6 address.
    pub host: String,
    /// Port number or service name [default: 7].
    #[arg(value_parser = parse_port)]
    pub port: Option<u16>,
    /// Words to send as one line (PORT must come first); without them, lines are read from
    /// stdin.
    pub message: Vec<String>,
    /// Send over UDP.
    #[arg(long)]
    pub udp: bool,
    /// Send the message N times and print each round-trip time, like ping; Ctrl-C stops
    /// early with the summary.
    #[arg(short = 'c', long, value_name = "N", value_parser = at_least_one_message)]
    pub count: Option<u64>,
    /// Wait SECS seconds between messages with --count.
    #[arg(short = 'i', long, value_name = "SECS", value_parser = parse_secs, default_value = "1",
          requires = "count")]
    pub interval: Duration,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
pub struct EchoBenchArgs {
    /// Server name, IPv4 or IPv6 address.
    pub host: String,
    /// Port number or service name [default: 7].
    #[arg(value_parser = parse_port)]
    pub port: Option<u16>,
    /// Connections to open.
    #[arg(short = 'n', long, value_name = "N", default_value_t = 50,
          value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub connections: u32,
    /// Bytes in each message.
    #[arg(short = 's', long, value_name = "BYTES", default_value_t = 64,
          value_parser = clap::value_parser!(u32).range(1..=16 << 20))]
    pub size: u32,
    /// How long to measure.
    #[arg(short = 'd', long, value_name = "SECS", value_parser = parse_secs, default_value = "5")]
    pub duration: Duration,
    /// Messages in flight on each connection.
    #[arg(long, value_name = "D", default_value_t = 1,
          value_parser = clap::value_parser!(u16).range(1..=1024))]
    pub depth: u16,
    /// Print the result as one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Measure over UDP: a socket per connection, a datagram per message (at most 65507
    /// bytes); an echo missing after 1 s is counted lost, not a failure.
    #[arg(long)]
    pub udp: bool,
    #[command(flatten)]
    pub client: ClientArgs,
}

#[derive(Debug, Args)]
#[command(
    group = clap::ArgGroup::new("mode").required(true).multiple(true).args(["host", "listen", "unix"]),
    subcommand_negates_reqs = true,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true
)]
pub struct RawArgs {
    /// Server name, IPv4 or IPv6 address.
    #[arg(requires = "port", conflicts_with_all = ["listen", "unix"])]
    pub host: Option<String>,
    /// Port number or service name.
    #[arg(value_parser = parse_port)]
    pub port: Option<u16>,
    /// Wait for one connection on PORT instead of connecting (with -u, for datagrams); with
    /// -U PATH, on that socket file, and no PORT.
    #[arg(short, long, value_name = "PORT", value_parser = parse_port, num_args = 0..=1,
          conflicts_with_all = ["sni", "ca", "insecure", "starttls"])]
    pub listen: Option<Option<u16>>,
    /// Address to listen on with --listen [default: ::, or 0.0.0.0 with -4 or without IPv6;
    /// -6 listens for IPv6 alone].
    #[arg(
        long,
        value_name = "ADDR",
        requires = "listen",
        conflicts_with = "host"
    )]
    pub bind: Option<String>,
    /// Send each newline as CR LF (for SMTP, HTTP, IRC by hand).
    #[arg(short = 'C', long)]
    pub crlf: bool,
    /// Speak the telnet protocol: answer option negotiations and hide them.
    #[arg(short, long)]
    pub telnet: bool,
    /// Do not print the connection banner.
    #[arg(short, long)]
    pub quiet: bool,
    /// Speak UDP: each piece of stdin goes out as one datagram, each datagram received is
    /// printed; after stdin ends, wait for replies until -w SECS (default 2) pass without one.
    #[arg(short = 'u', long, conflicts_with_all = ["telnet", "tls_mode"])]
    pub udp: bool,
    /// Connect to the Unix-domain stream socket PATH instead of HOST PORT (with --listen,
    /// create it).
    #[arg(short = 'U', long, value_name = "PATH",
          conflicts_with_all = ["udp", "bind", "ipv4", "ipv6", "tls_mode"])]
    pub unix: Option<PathBuf>,
    /// With --listen: when a client leaves, wait for the next one, until SIGINT, SIGTERM or
    /// SIGHUP.
    #[arg(short = 'k', long, requires = "listen", conflicts_with = "host")]
    pub keep_open: bool,
    /// Write every chunk of both directions to FILE (- for stderr) as hexdump -C lines.
    #[arg(short = 'x', long, value_name = "FILE")]
    pub hexdump: Option<PathBuf>,
    /// Make CHAR the escape character instead of Ctrl-] (^]): ^X for Ctrl-X, or the
    /// character itself. Typed on a terminal, it opens the netkit> prompt (quit, close,
    /// send brk, send ip, status, help).
    #[arg(short = 'e', long, value_name = "CHAR", value_parser = parse_escape)]
    pub escape: Option<u8>,
    /// No escape character: every key typed goes to the peer, Ctrl-] too.
    #[arg(short = 'E', long, conflicts_with = "escape")]
    pub no_escape: bool,
    #[command(flatten)]
    pub client: ClientArgs,
    #[command(flatten)]
    // boxed: its paths would make Command lopsided (clippy::large_enum_variant)
    pub tls: Box<TlsArgs>,
    #[command(subcommand)]
    pub zero: Option<RawZero>,
}

/// `raw -z`: the nc spelling of `netkit probe`.
#[derive(Debug, Subcommand)]
pub enum RawZero {
    /// Probe ports instead of talking (the nc spelling of netkit probe): raw -z HOST PORT...
    #[command(short_flag = 'z', after_long_help = PROBE_NOTES)]
    Probe(ProbeArgs),
}

#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Server name, IPv4 or IPv6 address.
    pub host: String,
    /// Ports: numbers, service names, or ranges LOW-HIGH such as 20-30.
    #[arg(required = true, value_name = "PORT", value_parser = parse_port_range)]
    pub ports: Vec<PortRange>,
    /// Probe UDP: send an empty datagram to each port and wait for a reply.
    #[arg(short, long, conflicts_with = "tls_mode")]
    pub udp: bool,
    /// Use IPv4 addresses only.
    #[arg(short = '4', conflicts_with = "ipv6")]
    pub ipv4: bool,
    /// Use IPv6 addresses only.
    #[arg(short = '6')]
    pub ipv6: bool,
    /// Give each attempt SECS seconds to be answered (a port that is silent that long is
    /// filtered) and, with --banner, as long again to send its first line [default: 2].
    #[arg(short = 'w', value_name = "SECS", value_parser = parse_positive_secs)]
    pub timeout: Option<Duration>,
    /// Try again, backing off from 100 ms to 1 s, until every port is open or SECS pass.
    #[arg(long, value_name = "SECS", value_parser = parse_positive_secs)]
    pub wait: Option<Duration>,
    /// Show the first line each open port sends (an SSH or SMTP greeting, at most 1 KiB),
    /// escaped, quoted, at the end of its line.
    #[arg(long, conflicts_with = "tls_mode")]
    pub banner: bool,
    /// Print one JSON object per port: host, addr, port, proto, state, rtt_ms, service (and
    /// banner with --banner, tls with --tls).
    #[arg(long)]
    pub json: bool,
    /// Print nothing on stdout; the exit code tells.
    #[arg(short, long)]
    pub quiet: bool,
    /// Narrate each attempt on stderr.
    #[arg(long)]
    pub trace: bool,
    /// After --: run COMMAND with its ARGS once every port is open, in netkit's place (exec),
    /// so that its exit status is netkit's; it does not run when a port is not open.
    #[arg(last = true, value_name = "COMMAND")]
    pub command: Vec<String>,
    // with --tls, each open port also completes a TLS handshake (boxed as in RawArgs)
    #[command(flatten)]
    pub tls: Box<TlsArgs>,
}

/// TLS for a client (and for `raw --listen`, which takes --cert, --key and --alpn).
#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("tls_mode").multiple(true).args(["tls", "starttls"]))]
pub struct TlsArgs {
    /// Speak TLS: check the server's certificate against the system's trust store and HOST,
    /// and show the session and the certificate on stderr after the handshake.
    #[arg(long)]
    pub tls: bool,
    /// Send NAME as SNI and check the certificate against it [default: HOST; no SNI for an
    /// IP address].
    #[arg(long, value_name = "NAME", requires = "tls_mode", value_parser = parse_sni)]
    pub sni: Option<String>,
    /// Trust the certificates in FILE (PEM) instead of the system's trust store.
    #[arg(long, value_name = "FILE", requires = "tls_mode")]
    pub ca: Option<std::path::PathBuf>,
    /// Do not check the server's certificate at all (a warning says so).
    #[arg(long, requires = "tls_mode", conflicts_with = "ca")]
    pub insecure: bool,
    /// Offer these application protocols (ALPN), comma-separated: h2,http/1.1.
    #[arg(long, value_name = "LIST", requires = "tls_mode", value_delimiter = ',',
          value_parser = parse_alpn)]
    pub alpn: Vec<String>,
    /// Certificate chain (PEM) to present: the client's, or with --listen the server's.
    #[arg(long, value_name = "FILE", requires = "key", requires = "tls_mode")]
    pub cert: Option<std::path::PathBuf>,
    /// Private key (PEM) of --cert.
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<std::path::PathBuf>,
    /// Speak this protocol's plaintext upgrade first (EHLO and STARTTLS, a001 STARTTLS, STLS,
    /// AUTH TLS), then TLS; implies --tls.
    #[arg(long, value_name = "PROTOCOL")]
    pub starttls: Option<Starttls>,
}

/// The protocols `--starttls` speaks.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Starttls {
    Smtp,
    Imap,
    Pop3,
    Ftp,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write the script for.
    pub shell: Shell,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

/// A name a certificate can be checked against: a DNS name or an IP address.
fn parse_sni(text: &str) -> Result<String, String> {
    match rustls::pki_types::ServerName::try_from(text) {
        Ok(_) => Ok(text.to_string()),
        Err(_) => Err("must be a host name or an IP address".into()),
    }
}

/// One ALPN protocol name: 1 to 255 bytes.
fn parse_alpn(text: &str) -> Result<String, String> {
    match text.len() {
        1..=255 => Ok(text.to_string()),
        _ => Err("each protocol name must be 1 to 255 bytes, such as h2 or http/1.1".into()),
    }
}

/// A port number, or a service name from the services database.
pub fn parse_port(text: &str) -> Result<u16, String> {
    crate::net::addr::parse_port(text).ok_or_else(|| "must be 0-65535 or a service name".into())
}

/// `SERVICE` or `SERVICE:PORT`, for `netkit serve`.
fn parse_service(text: &str) -> Result<ServiceSpec, String> {
    let (name, port) = match text.split_once(':') {
        Some((name, port)) => (name, Some(port)),
        None => (text, None),
    };
    let kind = Kind::from_name(name).ok_or_else(|| {
        format!("unknown service '{name}': not echo, discard, daytime, chargen or time")
    })?;
    let port = match port {
        Some(port) => Some(parse_port(port).map_err(|why| format!("the port '{port}' {why}"))?),
        None => None,
    };
    Ok(ServiceSpec { kind, port })
}

/// A port, a service name or a range `LOW-HIGH`.
pub fn parse_port_range(text: &str) -> Result<PortRange, String> {
    crate::net::addr::parse_port_range(text).map_err(|bad| match bad {
        BadPorts::NotAPort => "must be 0-65535, a service name, or a range LOW-HIGH".into(),
        BadPorts::Reversed { first, last } => {
            format!("the range is reversed: write {last}-{first}")
        }
    })
}

/// `-e`: `^X` or one character.
fn parse_escape(text: &str) -> Result<u8, String> {
    crate::cmd::raw::escape::parse_key(text)
}

fn at_least_one(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err("must be a whole number, 1 or more".into()),
    }
}

fn at_least_one_message(text: &str) -> Result<u64, String> {
    at_least_one(text).map(|n| n as u64)
}

/// Seconds as typed (`5`, `0.5`), from 0 to a billion; a tiny non-zero value becomes 1 ms, so
/// that it still means "some limit" to the socket calls.
fn parse_secs(text: &str) -> Result<Duration, String> {
    match text.parse::<f64>() {
        Ok(secs) if (0.0..=1e9).contains(&secs) => {
            let duration = Duration::from_secs_f64(secs);
            Ok(if secs > 0.0 {
                duration.max(Duration::from_millis(1))
            } else {
                duration
            })
        }
        _ => Err("must be a number of seconds from 0 to 1000000000, such as 5 or 0.5".into()),
    }
}

/// Seconds as for `parse_secs`, but more than 0.
fn parse_positive_secs(text: &str) -> Result<Duration, String> {
    match parse_secs(text) {
        Ok(secs) if !secs.is_zero() => Ok(secs),
        _ => Err("must be a number of seconds above 0, such as 2 or 0.5".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn command_tree_is_consistent() {
        Cli::command().debug_assert();
    }

    /// The long help of `netkit WORDS...`, every run of white space made one space.
    fn long_help(words: &[&str]) -> String {
        let mut command = Cli::command();
        command.build();
        let mut sub = &mut command;
        for word in words {
            sub = sub.find_subcommand_mut(word).expect("a subcommand");
        }
        let help = sub.render_long_help().to_string();
        help.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// `0, 7 and 13` for [0, 7, 13].
    fn list(numbers: &[u16]) -> String {
        let text: Vec<String> = numbers.iter().map(u16::to_string).collect();
        match text.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        }
    }

    /// Help texts, man pages (rendered from them) and the README quote numbers that live in
    /// constants; each must say what the code does.
    #[test]
    fn docs_quote_the_numbers_the_code_uses() {
        use crate::net::serve::{BUF_SIZE, REFLECTORS};
        use crate::net::{bench, inetd::DATAGRAM_LINGER, udp::MAX_PAYLOAD};
        let grace = crate::cmd::GRACE.as_secs();
        let server = [
            format!("datagrams from ports {} (services", list(&REFLECTORS)),
            format!("gives open sessions {grace} seconds"),
            format!("until {} s pass without one", DATAGRAM_LINGER.as_secs()),
        ];
        let echo = [format!(
            "at most {} KiB waits in netkit per connection",
            BUF_SIZE / 1024
        )];
        let bench = [
            format!("at most {MAX_PAYLOAD} bytes"),
            format!(
                "an echo missing after {} s is counted lost",
                bench::LOST_AFTER.as_secs()
            ),
        ];
        let raw = [
            format!("one datagram of at most {MAX_PAYLOAD} bytes"),
            format!(
                "-w SECS (default {}) pass without a reply",
                crate::cmd::raw::UDP_WAIT.as_secs()
            ),
        ];
        let relay = [
            format!(
                "Each direction holds at most {} KiB",
                crate::net::forward::WINDOW / 1024
            ),
            format!(
                "Beyond {} MiB of traffic waiting to be written",
                crate::log::DUMP_QUEUE >> 20
            ),
            format!("gives open sessions {grace} seconds"),
        ];
        let cases: [(&[&str], &[String]); 10] = [
            (&["daytime", "serve"], &server),
            (&["discard", "serve"], &server),
            (&["chargen", "serve"], &server),
            (&["time", "serve"], &server),
            (&["serve"], &server),
            (&["echo", "serve"], &server),
            (&["echo", "serve"], &echo),
            (&["echo", "bench"], &bench),
            (&["raw"], &raw),
            (&["relay"], &relay),
        ];
        for (words, facts) in cases {
            let help = long_help(words);
            for fact in facts {
                assert!(
                    help.contains(fact.as_str()),
                    "`netkit {} --help` does not say {fact:?}:\n{help}",
                    words.join(" ")
                );
            }
        }
        let readme = include_str!("../README.md");
        let readme = readme.split_whitespace().collect::<Vec<_>>().join(" ");
        for fact in [
            format!("give open sessions {grace} s"),
            format!("exits {} s after the last one", DATAGRAM_LINGER.as_secs()),
            format!(
                "at most {} KiB waits in netkit per connection",
                BUF_SIZE / 1024
            ),
            format!(
                "after {} s is counted as `lost`",
                bench::LOST_AFTER.as_secs()
            ),
            format!("one datagram of at most {MAX_PAYLOAD} bytes"),
            format!(
                "until `-w SECS` (default {} s) pass without one",
                crate::cmd::raw::UDP_WAIT.as_secs()
            ),
            format!(
                "Each direction holds at most {} KiB",
                crate::net::forward::WINDOW / 1024
            ),
            format!(
                "beyond {} MiB waiting, records are dropped",
                crate::log::DUMP_QUEUE >> 20
            ),
        ] {
            assert!(readme.contains(&fact), "README.md does not say {fact:?}");
        }
    }
}
