//! The command line: clap derive types for the whole command tree, nothing else.

use std::time::Duration;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::net::addr::{BadPorts, PortRange};
use crate::timefmt::Format;

/// One executable for the classic network services and clients: daytime (RFC 867),
/// echo (RFC 862), discard (RFC 863) and a raw line client that replaces telnet and nc.
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
         Environment: TZ sets the local time zone of daytime lines. LISTEN_PID and LISTEN_FDS \
         (systemd socket activation) hand listening sockets to a server, which then serves \
         them instead of binding.",
        codes.join("; ")
    )
}

const SERVER_NOTES: &str = "\
Servers bind :: with IPV6_V6ONLY off, so IPv4 and IPv6 clients both reach them (0.0.0.0 where \
IPv6 is missing), set SO_REUSEADDR on TCP, and log the address actually bound, so --port 0 is \
usable. They run a fixed number of event loops, one per core but one (the kernel's TCP work and \
clients on the same machine need a core; --threads sets it). With more than one, each loop has \
its own listening and UDP socket in an SO_REUSEPORT group, and the kernel shares clients out by \
their address and port (sockets handed over by systemd are shared by all loops instead). The \
number of threads does not grow with connections, and a slow or silent client never delays \
another. With --udp, datagrams from ports 0, 7, 13, 17, 19 and 37 (services that answer \
anything) are never answered, and replies to one address follow a token bucket of --udp-rate \
per second. Beyond --max-connections or --max-per-source, new connections are closed at once, \
with at most one warning a second. SIGINT, SIGTERM or SIGHUP stops accepting, gives open sessions 2 \
seconds, and exits 0. Under --inetd, nothing is logged: stderr is the client's socket there.";

const DAYTIME_NOTES: &str = "\
Lines end in CR LF in every format. ctime (the default) is Wed Nov 25 11:31:40 2026, the day \
padded with a space; nist is the NIST ACTS line, always UTC. Local time honours TZ and follows \
its time-zone rules, so a long-running server stays right across daylight-saving changes. The \
line is rendered once a second, and every client in that second gets the same bytes. Whatever \
a client sends is ignored.";

const ECHO_NOTES: &str = "\
Every byte received goes back unchanged and in order: binary-safe, not line-based. A client that \
sends without reading is not read either while its echo cannot be written (at most 64 KiB waits \
in netkit per connection); a client that never sends costs only its socket. When a client shuts \
down its side, the rest of its echo is sent and the connection closed. Log lines: listening, \
accepted, closed (bytes each way, duration, reason), refused, errors.";

const DISCARD_NOTES: &str = "\
Whatever a client sends is read and dropped, and nothing is ever sent back: a sink for testing \
what a client sends, or how fast. A connection closes when the client shuts down its side (or \
after --idle-timeout); its closed line counts the bytes received. A datagram is never \
answered, only logged.";

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
    /// Talk to any TCP service by hand or from a script, like telnet or nc.
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
is resolved again each round; no attempt outlasts the wait.

Exit codes: 0 when every port is open; otherwise the code of the first port that is not: 4 \
closed or unreachable, 5 filtered or open|filtered; 3 when HOST cannot be resolved. With --wait, \
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
    /// Give up connecting after SECS seconds (0: never); daytime and echo also wait that long
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
    group = clap::ArgGroup::new("mode").required(true).args(["host", "listen"]),
    subcommand_negates_reqs = true,
    args_conflicts_with_subcommands = true,
    disable_help_subcommand = true
)]
pub struct RawArgs {
    /// Server name, IPv4 or IPv6 address.
    #[arg(requires = "port", conflicts_with = "listen")]
    pub host: Option<String>,
    /// Port number or service name.
    #[arg(value_parser = parse_port)]
    pub port: Option<u16>,
    /// Wait for one connection on PORT instead of connecting.
    #[arg(short, long, value_name = "PORT", value_parser = parse_port)]
    pub listen: Option<u16>,
    /// Address to listen on with --listen [default: ::, or 0.0.0.0 with -4 or without IPv6;
    /// -6 listens for IPv6 alone].
    #[arg(long, value_name = "ADDR", requires = "listen")]
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
    #[command(flatten)]
    pub client: ClientArgs,
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
    #[arg(short, long)]
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
    #[arg(long)]
    pub banner: bool,
    /// Print one JSON object per port: host, addr, port, proto, state, rtt_ms, service (and
    /// banner with --banner).
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

/// A port number, or a service name from the services database.
pub fn parse_port(text: &str) -> Result<u16, String> {
    crate::net::addr::parse_port(text).ok_or_else(|| "must be 0-65535 or a service name".into())
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
        use crate::net::{bench, inetd::DATAGRAM_LINGER};
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
            format!("at most {} bytes", bench::MAX_DATAGRAM),
            format!(
                "an echo missing after {} s is counted lost",
                bench::LOST_AFTER.as_secs()
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
        let cases: [(&[&str], &[String]); 6] = [
            (&["daytime", "serve"], &server),
            (&["discard", "serve"], &server),
            (&["echo", "serve"], &server),
            (&["echo", "serve"], &echo),
            (&["echo", "bench"], &bench),
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
