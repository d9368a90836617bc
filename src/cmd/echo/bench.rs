//! `echo bench`: load an echo server with connections (or UDP sockets) for a while, and
//! report throughput, latency and failures.

use std::time::Duration;

use super::{PORT, REPLY_WAIT};
use crate::cli::EchoBenchArgs;
use crate::cmd::print;
use crate::error::{Error, Result};
use crate::net::{addr, bench, socket, trace::Trace};

/// Why a server ends connections before any echo: it turns them away at once.
const LIMIT_HINT: &str =
    "likely a server-side limit, such as --max-per-source or --max-connections";

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
    print(
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
