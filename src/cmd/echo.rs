//! Echo protocol (RFC 862): serve, send, and measure an echo server.

use std::io::{BufRead, Read};
use std::net::{TcpStream, UdpSocket};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::server;
use crate::cli::{EchoBenchArgs, EchoSendArgs, EchoServeArgs};
use crate::error::{Error, Result};
use crate::net::stream::Deadline;
use crate::net::{addr, bench, socket, stream, trace::Trace, udp};
use crate::service::echo::Echo;

const PORT: u16 = 7;
/// How long `echo send` waits for an echo without `-w`.
const REPLY_WAIT: Duration = Duration::from_secs(10);
/// How long `echo send --udp` waits for each echo without `-w`.
const UDP_WAIT: Duration = Duration::from_secs(2);
/// The most sent before its echo is read back.
const PIECE: usize = 16 * 1024;
/// What `--count` sends when no MESSAGE is given.
const PING: &str = "netkit echo";
/// Why a server ends connections before any echo: it turns them away at once.
const LIMIT_HINT: &str =
    "likely a server-side limit, such as --max-per-source or --max-connections";

pub fn serve(args: EchoServeArgs) -> Result<()> {
    let settings = server::Settings {
        port: args.port,
        default_port: PORT,
        idle_timeout: server::idle_timeout(args.idle_timeout),
    };
    server::run(Echo, &args.server, settings)
}

/// A connected echo client: its socket, its peer's name for messages, and the trace.
struct Client {
    link: Link,
    peer: String,
    trace: Trace,
}

enum Link {
    /// With how long each round trip may take, and the deadline of the first, which began
    /// with connecting.
    Tcp(TcpStream, Option<Duration>, Option<Deadline>),
    /// With how long to wait for each echo.
    Udp(UdpSocket, Duration),
}

impl Client {
    /// Sends `data` and reads back as many bytes, or fewer if the server closes.
    ///
    /// Over TCP this goes a piece at a time, so that a long line never has more in flight
    /// than the socket buffers hold: the server cannot stall writing an echo nobody reads yet.
    /// Over UDP, `data` is one datagram and its echo is the datagram that comes back.
    fn round_trip(&mut self, data: &[u8]) -> Result<Vec<u8>> {
        let (peer, trace) = (&self.peer, &self.trace);
        let (stream, deadline) = match &mut self.link {
            Link::Tcp(stream, wait, first) => {
                let deadline = first.take().unwrap_or_else(|| Deadline::after(*wait));
                (stream, deadline)
            }
            Link::Udp(socket, wait) => {
                return udp::exchange(socket, data, *wait, 1, trace)
                    .map(|(echo, _)| echo)
                    .map_err(|e| Error::io(format!("no echo from {peer}"), e));
            }
        };
        let mut echo = Vec::with_capacity(data.len());
        for piece in data.chunks(PIECE) {
            stream::send(stream, piece, deadline, trace)
                .map_err(|e| Error::io(format!("cannot send to {peer}"), e))?;
            let back = stream::receive(stream, piece.len(), deadline, trace)
                .map_err(|e| Error::io(format!("no echo from {peer}"), e))?;
            let short = back.len() < piece.len();
            echo.extend_from_slice(&back);
            if short {
                break;
            }
        }
        Ok(echo)
    }

    /// Half-closes, then returns whatever the server still sends before closing (nothing,
    /// over UDP).
    fn finish(self) -> Result<Vec<u8>> {
        let Link::Tcp(mut stream, wait, _) = self.link else {
            return Ok(Vec::new());
        };
        let peer = self.peer;
        stream::shut_write(&stream, &self.trace)
            .map_err(|e| Error::io(format!("cannot shut down {peer}"), e))?;
        let rest = stream::until_eof(&mut stream, 1 << 20, Deadline::after(wait), &self.trace)
            .map_err(|e| Error::io(format!("no end from {peer}"), e))?;
        drop(stream);
        self.trace.step("socket closed");
        Ok(rest)
    }

    fn is_udp(&self) -> bool {
        matches!(self.link, Link::Udp(..))
    }
}

pub fn send(args: EchoSendArgs) -> Result<()> {
    let port = args.port.unwrap_or(PORT);
    let trace = Trace::new(args.client.trace);
    let client = if args.udp {
        let (socket, peer) = udp::connect(&args.host, port, args.client.family(), &trace)?;
        // a lost datagram is a lost message: wait as ping does, not as for a stream
        let wait = args.client.timeout(Some(UDP_WAIT)).unwrap_or(udp::FOREVER);
        Client {
            link: Link::Udp(socket, wait),
            peer: peer.to_string(),
            trace,
        }
    } else {
        let (stream, peer, deadline) =
            super::dial(&args.host, port, &args.client, REPLY_WAIT, &trace)?;
        let wait = args.client.timeout(Some(REPLY_WAIT));
        Client {
            link: Link::Tcp(stream, wait, Some(deadline)),
            peer,
            trace,
        }
    };
    match (args.count, args.message.is_empty()) {
        (Some(count), _) => ping(client, &args.message, count, args.interval),
        (None, false) => once(client, &args.message),
        (None, true) => lines(client),
    }
}

/// MESSAGE words as one line: print the echo, exit 1 unless it matched.
fn once(mut client: Client, words: &[String]) -> Result<()> {
    let line = format!("{}\n", words.join(" "));
    let echo = client.round_trip(line.as_bytes())?;
    super::print(&echo)?;
    client.check(line.as_bytes(), &echo)?;
    let peer = client.peer.clone();
    // the echo matched; a server that then never closes is its own business
    let extra = echo.len() - line.len() + client.finish().map_or(0, |rest| rest.len());
    match extra {
        0 => Ok(()),
        n => Err(Error::Failed(format!(
            "{peer} sent {n} bytes more than the message"
        ))),
    }
}

impl Client {
    /// Why an echo is not the message sent, if it is not; more bytes than sent are left to
    /// the caller, who may still be reading them.
    fn check(&self, sent: &[u8], echo: &[u8]) -> Result<()> {
        let peer = &self.peer;
        if echo.len() < sent.len() {
            let (got, want) = (echo.len(), sent.len());
            return Err(Error::Failed(if self.is_udp() {
                format!("{peer} echoed {got} of {want} bytes")
            } else {
                format!("{peer} closed the connection after echoing {got} of {want} bytes")
            }));
        }
        match sent.iter().zip(echo).position(|(a, b)| a != b) {
            Some(at) => Err(Error::Failed(format!(
                "echo from {peer} differs from what was sent at byte {}",
                at + 1
            ))),
            None => Ok(()),
        }
    }
}

/// The classic lecture client: each stdin line is sent and its echo printed; at EOF the
/// write half is shut down and what is left is printed.
fn lines(mut client: Client) -> Result<()> {
    let mut input = std::io::stdin().lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        // a line longer than a piece goes out in pieces; memory stays bounded
        let read = (&mut input).take(PIECE as u64).read_until(b'\n', &mut line);
        if read.map_err(|e| Error::io("cannot read stdin", e))? == 0 {
            break;
        }
        let echo = client.round_trip(&line)?;
        super::print(&echo)?;
        client.check(&line, &echo)?;
        // a stream echo is read to the line's length; a datagram can be longer
        if echo.len() > line.len() {
            let n = echo.len() - line.len();
            return Err(Error::Failed(format!(
                "{} sent {n} bytes more than the line",
                client.peer
            )));
        }
    }
    let rest = client.finish()?;
    super::print(&rest)
}

/// `--count`: like ping, one line per message with its round-trip time, then a summary.
fn ping(mut client: Client, words: &[String], count: u64, interval: Duration) -> Result<()> {
    let message = if words.is_empty() {
        PING.to_string()
    } else {
        words.join(" ")
    };
    let line = format!("{message}\n");
    let mut times = Vec::new();
    let mut mismatched = 0u64;
    let mut lost = 0u64;
    let mut cut_short = None;
    // Ctrl-C ends the run early with the summary, as ping does
    let interrupted = Arc::new(AtomicBool::new(false));
    signal_hook::flag::register(signal_hook::consts::SIGINT, interrupted.clone())
        .map_err(|e| Error::io("cannot handle SIGINT", e))?;
    let mut count = count;
    for seq in 1..=count {
        if seq > 1 {
            pause(interval, &interrupted);
        }
        if interrupted.load(Ordering::Relaxed) {
            count = seq - 1;
            break;
        }
        let start = Instant::now();
        let echo = match client.round_trip(line.as_bytes()) {
            Ok(echo) => echo,
            // refused at the first message: nobody is there, as a TCP connect would have said
            Err(err) if seq == 1 && err.exit_code() == 4 => return Err(err),
            // over UDP a datagram can be lost and the next one still arrive
            Err(err) if client.is_udp() && err.exit_code() == 5 => {
                lost += 1;
                super::print(format!("seq={seq} lost (no echo in time)\n").as_bytes())?;
                continue;
            }
            Err(err) => {
                // no echo in time, or the connection is gone: the rest cannot be measured
                cut_short = Some(err.to_string());
                lost += count - seq + 1;
                break;
            }
        };
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        // a short datagram is a bad echo; a short stream means the server closed
        if echo.len() < line.len() && !client.is_udp() {
            cut_short = Some(format!(
                "{} closed the connection at message {seq}",
                client.peer
            ));
            lost += count - seq + 1;
            break;
        }
        let matched = echo == line.as_bytes();
        mismatched += u64::from(!matched);
        times.push(ms);
        let note = if matched { "" } else { " (mismatch)" };
        super::print(format!("seq={seq} bytes={} time={ms:.3} ms{note}\n", echo.len()).as_bytes())?;
    }
    let received = times.len() as u64;
    let mut summary = format!(
        "--- {} echo statistics ---\n{count} sent, {received} echoed, {mismatched} mismatched, {lost} lost\n",
        client.peer
    );
    if let Some(stats) = Stats::of(&times) {
        summary += &format!(
            "rtt min/avg/max/stddev = {:.3}/{:.3}/{:.3}/{:.3} ms\n",
            stats.min, stats.avg, stats.max, stats.stddev
        );
    }
    super::print(summary.as_bytes())?;
    if lost == 0 {
        client.finish()?;
    }
    let why = cut_short
        .map(|reason| format!(": {reason}"))
        .unwrap_or_default();
    match (mismatched, lost) {
        (0, 0) => Ok(()),
        _ => Err(Error::Failed(format!(
            "{mismatched} mismatched and {lost} lost of {count} messages{why}"
        ))),
    }
}

/// Sleeps `interval`, or less once `interrupted` is set.
fn pause(interval: Duration, interrupted: &AtomicBool) {
    const STEP: Duration = Duration::from_millis(20);
    let until = Instant::now() + interval;
    while !interrupted.load(Ordering::Relaxed) {
        let left = until.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return;
        }
        std::thread::sleep(left.min(STEP));
    }
}

struct Stats {
    min: f64,
    avg: f64,
    max: f64,
    stddev: f64,
}

impl Stats {
    fn of(samples: &[f64]) -> Option<Stats> {
        if samples.is_empty() {
            return None;
        }
        let n = samples.len() as f64;
        let avg = samples.iter().sum::<f64>() / n;
        let var = samples.iter().map(|s| (s - avg).powi(2)).sum::<f64>() / n;
        let min = samples.iter().copied().fold(f64::INFINITY, f64::min);
        let max = samples.iter().copied().fold(0.0, f64::max);
        Some(Stats {
            min,
            avg,
            max,
            stddev: var.sqrt(),
        })
    }
}

pub fn bench(args: EchoBenchArgs) -> Result<()> {
    if args.udp && args.size as usize > bench::MAX_DATAGRAM {
        use clap::CommandFactory;
        crate::cli::Cli::command()
            .error(
                clap::error::ErrorKind::ValueValidation,
                format!(
                    "--size {} does not fit in one UDP datagram (at most {})",
                    args.size,
                    bench::MAX_DATAGRAM
                ),
            )
            .exit();
    }
    let port = args.port.unwrap_or(PORT);
    // one descriptor per connection; a refusal shows up below as connection errors
    let _ = socket::raise_fd_limit();
    let load = bench::Load {
        addrs: addr::resolve(&args.host, port, args.client.family())?,
        connections: args.connections as usize,
        size: args.size as usize,
        depth: usize::from(args.depth),
        duration: args.duration,
        connect_timeout: args.client.timeout(Some(REPLY_WAIT)),
        trace: Trace::new(args.client.trace),
        udp: args.udp,
    };
    // the live line is for people watching; indicatif draws nothing when stderr is not a terminal
    let live =
        indicatif::ProgressBar::with_draw_target(None, indicatif::ProgressDrawTarget::stderr());
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg}") {
        live.set_style(style);
    }
    live.set_message(format!(
        "{}  opening {} {}",
        progress(Duration::ZERO, load.duration),
        load.connections,
        flows(&load)
    ));
    let mut last = Mark::default();
    let tick = |r: &bench::Report| {
        live.set_message(live_line(r, &load, &last));
        last = Mark {
            elapsed: r.elapsed,
            messages: r.messages,
            bytes: r.bytes,
        };
    };
    let report = bench::run(&load, tick)?;
    live.finish_and_clear();
    let target = addr::host_port(&args.host, port);
    super::print(
        if args.json {
            json(&report, &load)
        } else {
            summary(&report, &load, &target)
        }
        .as_bytes(),
    )?;
    verdict(&report, &load)
}

/// Success, or why not: mismatches, connection errors with what the server did to them, or
/// a run in which nothing was measured.
fn verdict(report: &bench::Report, load: &bench::Load) -> Result<()> {
    let (n, flows) = (report.connections, flows(load));
    let closed = report.closed_before_echo;
    if report.messages == 0 && report.mismatches == 0 {
        let why = if closed == n {
            format!("the server closed all {n} {flows} before any echo ({LIMIT_HINT})")
        } else {
            let secs = load.duration.as_secs_f64();
            let mut why = format!("no echo in {secs} s on any of the {n} {flows}");
            if closed > 0 {
                why +=
                    &format!("; the server closed {closed} of them before any echo ({LIMIT_HINT})");
            } else if report.errors > 0 {
                why += &format!("; {} connection errors", report.errors);
            } else if report.lost > 0 {
                why += &format!("; {} datagrams lost", report.lost);
            }
            why
        };
        return Err(Error::Failed(format!("nothing measured: {why}")));
    }
    match (report.mismatches, report.errors) {
        (0, 0) => Ok(()),
        (m, e) => {
            let mut why = format!("{m} mismatched messages and {e} connection errors");
            if closed > 0 {
                why += &format!(
                    ": the server closed {closed} of {n} {flows} before any echo ({LIMIT_HINT})"
                );
            }
            Err(Error::Failed(why))
        }
    }
}

/// What the load's flows are called.
fn flows(load: &bench::Load) -> &'static str {
    if load.udp {
        "UDP sockets"
    } else {
        "connections"
    }
}

/// The counts when the previous live line was drawn.
#[derive(Default)]
struct Mark {
    elapsed: Duration,
    messages: u64,
    bytes: u64,
}

/// The live line: time gone of the whole, the rates since the previous line, the flows still
/// up and the failures so far.
fn live_line(report: &bench::Report, load: &bench::Load, last: &Mark) -> String {
    let secs = report
        .elapsed
        .saturating_sub(last.elapsed)
        .as_secs_f64()
        .max(1e-9);
    let per_sec = report.messages.saturating_sub(last.messages) as f64 / secs;
    let mb = report.bytes.saturating_sub(last.bytes) as f64 / secs / 1e6;
    let mut line = format!(
        "{}  {per_sec:.0} messages/s, {mb:.1} MB/s, {} of {} {} up, {} errors",
        progress(report.elapsed, load.duration),
        report.up(),
        report.connections,
        flows(load),
        report.errors,
    );
    if report.mismatches > 0 {
        line += &format!(", {} mismatches", report.mismatches);
    }
    if report.lost > 0 {
        line += &format!(", {} lost", report.lost);
    }
    line
}

/// `2s/5s`: whole seconds gone, of the duration as given (`1s/2.5s`).
fn progress(elapsed: Duration, duration: Duration) -> String {
    format!("{}s/{}s", elapsed.as_secs(), duration.as_secs_f64())
}

fn rates(report: &bench::Report) -> (f64, f64) {
    let secs = report.elapsed.as_secs_f64().max(1e-9);
    (
        report.messages as f64 / secs,
        report.bytes as f64 / secs / 1e6,
    )
}

fn summary(report: &bench::Report, load: &bench::Load, target: &str) -> String {
    let (per_sec, mb) = rates(report);
    let ms = |q: f64| report.latency.value_at_quantile(q) as f64 / 1e6;
    let flows = flows(load);
    let losses = if load.udp {
        format!(", lost {}, late {}", report.lost, report.late)
    } else {
        String::new()
    };
    let closed = match report.closed_before_echo {
        0 => String::new(),
        closed => format!(
            "closed by the server before any echo: {closed} of {} {flows} ({LIMIT_HINT})\n",
            report.connections
        ),
    };
    format!(
        "{target}: {} {flows}, {}-byte messages, depth {}, {:.1} s\n\
         messages/s {per_sec:.0}\n\
         MB/s       {mb:.2}\n\
         latency    p50 {:.3} ms, p99 {:.3} ms, max {:.3} ms\n\
         errors {}, mismatches {}{losses}, starved {} of {} {flows}\n\
         {closed}",
        load.connections,
        load.size,
        load.depth,
        report.elapsed.as_secs_f64(),
        ms(0.5),
        ms(0.99),
        report.latency.max() as f64 / 1e6,
        report.errors,
        report.mismatches,
        report.starved,
        report.connections
    )
}

fn json(report: &bench::Report, load: &bench::Load) -> String {
    let (per_sec, mb) = rates(report);
    let us = |ns: u64| ns as f64 / 1e3;
    let value = serde_json::json!({
        "connections": report.connections,
        "size": load.size,
        "depth": load.depth,
        "duration_s": report.elapsed.as_secs_f64(),
        "messages": report.messages,
        "messages_per_sec": per_sec,
        "mb_per_sec": mb,
        "p50_us": us(report.latency.value_at_quantile(0.5)),
        "p99_us": us(report.latency.value_at_quantile(0.99)),
        "max_us": us(report.latency.max()),
        "errors": report.errors,
        "mismatches": report.mismatches,
        "lost": report.lost,
        "late": report.late,
        "starved": report.starved,
        "closed_before_echo": report.closed_before_echo,
        "transport": if load.udp { "udp" } else { "tcp" },
    });
    format!("{value}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_counts_whole_seconds_of_the_duration_given() {
        let secs = Duration::from_secs_f64;
        assert_eq!(progress(secs(2.4), secs(5.0)), "2s/5s");
        assert_eq!(progress(secs(1.05), secs(2.5)), "1s/2.5s");
        assert_eq!(progress(Duration::ZERO, secs(0.01)), "0s/0.01s");
    }
}
