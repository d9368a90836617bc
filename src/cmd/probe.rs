//! `probe` (and `raw -z`): is this port open, which of these are, and wait until they are.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use crate::cli::ProbeArgs;
use crate::error::{Error, Result};
use crate::net::addr::{self, Family, Proto, Services};
use crate::net::probe::{self, Outcome, Plan, State};
use crate::net::socket;
use crate::net::tls::summary;
use crate::net::trace::Trace;

/// `-w`: how long an attempt may go unanswered before the port counts as filtered.
const TIMEOUT: Duration = Duration::from_secs(2);

/// `--wait` pauses between rounds, doubling from the first to the last.
const FIRST_PAUSE: Duration = Duration::from_millis(100);
const LAST_PAUSE: Duration = Duration::from_secs(1);

/// How many of the ports still closed a progress or failure line names before "N more".
const NAMED: usize = 5;

/// What one run probes, as the user gave it.
struct Job<'a> {
    args: &'a ProbeArgs,
    ports: Vec<u16>,
    proto: Proto,
    family: Family,
    timeout: Duration,
    trace: Trace,
    /// `--tls`: the client each open port's handshake is made with.
    tls: super::tls::Tls,
}

pub fn run(args: ProbeArgs) -> Result<()> {
    let trace = Trace::new(args.trace);
    let job = Job {
        args: &args,
        ports: args.ports.iter().flat_map(|range| range.ports()).collect(),
        proto: if args.udp { Proto::Udp } else { Proto::Tcp },
        family: Family::from_flags(args.ipv4, args.ipv6),
        timeout: args.timeout.unwrap_or(TIMEOUT),
        trace,
        tls: super::tls::prepare(&args.tls, super::tls::Role::Probe(&args.host), trace)?,
    };
    // 256 sockets fit the usual limit of 1024; a shell may have set it lower
    let _ = socket::raise_fd_limit();
    let (found, failure) = match args.wait {
        None => {
            let addrs = resolve(&job)?;
            (scan(&job, &addrs, &job.ports, None)?, None)
        }
        Some(limit) => wait(&job, limit)?,
    };
    show(&job, &found)?;
    if let Some(failure) = failure {
        return Err(failure);
    }
    let code = exit_code(
        found
            .iter()
            .map(|o| o.as_ref().map(|o| (o.state, tls_failed(o)))),
    );
    if code != 0 {
        return Err(Error::Status(code));
    }
    match args.command.split_first() {
        Some((program, rest)) => exec(program, rest),
        None => Ok(()),
    }
}

/// The host's addresses, for every port.
fn resolve(job: &Job<'_>) -> Result<Vec<IpAddr>> {
    let addrs = addr::resolve_traced(&job.args.host, 0, job.family, &job.trace)?;
    Ok(addrs.iter().map(|a| a.ip()).collect())
}

/// One round over `ports`, each with an outcome.
fn scan(
    job: &Job<'_>,
    addrs: &[IpAddr],
    ports: &[u16],
    deadline: Option<Instant>,
) -> Result<Vec<Option<Outcome>>> {
    let plan = Plan {
        addrs,
        ports,
        proto: job.proto,
        timeout: job.timeout,
        banner: job.args.banner,
        tls: job.tls.client(),
        deadline,
        trace: job.trace,
    };
    let found = probe::scan(&plan).map_err(|e| Error::io("cannot probe", e))?;
    Ok(found.into_iter().map(Some).collect())
}

/// `--wait`: rounds over the ports not yet open, pausing 100 ms, 200 ms, ... up to 1 s between
/// them, until all are open or `limit` has passed; the name is resolved again each round, as
/// a container's may appear late. The failure is the line naming what is still not open.
fn wait(job: &Job<'_>, limit: Duration) -> Result<(Vec<Option<Outcome>>, Option<Error>)> {
    let end = Instant::now() + limit;
    let mut found: Vec<Option<Outcome>> = vec![None; job.ports.len()];
    let mut pause = FIRST_PAUSE;
    // the live line is for people watching: a spinner and the message on stderr, which
    // indicatif draws only when stderr is a terminal
    let live = indicatif::ProgressBar::new_spinner();
    if let Ok(style) = indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})") {
        live.set_style(style);
    }
    let failure = loop {
        let pending: Vec<usize> = (0..found.len()).filter(|&i| !is_open(&found[i])).collect();
        let unresolved = match resolve(job) {
            Ok(addrs) => {
                let ports: Vec<u16> = pending.iter().map(|&i| job.ports[i]).collect();
                let round = scan(job, &addrs, &ports, Some(end))?;
                for (i, outcome) in pending.into_iter().zip(round) {
                    found[i] = outcome;
                }
                None
            }
            Err(err @ Error::Resolve { .. }) => Some(err),
            Err(err) => return Err(err),
        };
        if unresolved.is_none() && found.iter().all(is_open) {
            break None;
        }
        let now = Instant::now();
        live.set_message(format!(
            "waiting up to {} s for {}",
            limit.as_secs_f64(),
            pending_text(job, &found, unresolved.as_ref())
        ));
        // the pause in steps, so that the live line keeps moving
        let resume = (now + pause).min(end);
        while Instant::now() < resume {
            live.tick();
            std::thread::sleep(
                resume
                    .saturating_duration_since(Instant::now())
                    .min(FIRST_PAUSE),
            );
        }
        // a round begun at the end would find only silence; the last answers stand
        if Instant::now() >= end {
            break Some(Error::Wait {
                secs: limit.as_secs_f64().to_string(),
                pending: pending_text(job, &found, unresolved.as_ref()),
            });
        }
        pause = (pause * 2).min(LAST_PAUSE);
    };
    live.finish_and_clear();
    Ok((found, failure))
}

/// An open port whose TLS handshake failed.
fn tls_failed(outcome: &Outcome) -> bool {
    matches!(outcome.tls, Some(Err(_)))
}

fn is_open(outcome: &Option<Outcome>) -> bool {
    outcome.as_ref().is_some_and(|o| o.state == State::Open)
}

/// `db: 5432/tcp closed, 6379/tcp filtered`, with at most `NAMED` ports and the count of the
/// rest; a name that does not resolve says so.
fn pending_text(job: &Job<'_>, found: &[Option<Outcome>], unresolved: Option<&Error>) -> String {
    let proto = job.proto.as_str();
    let closed: Vec<String> = job
        .ports
        .iter()
        .zip(found)
        .filter(|(_, outcome)| !is_open(outcome))
        .map(|(port, outcome)| match outcome {
            Some(o) => format!("{port}/{proto} {}", o.state.as_str()),
            None => format!("{port}/{proto}"),
        })
        .collect();
    let mut text = format!("{}: ", addr::bare_host(&job.args.host));
    text.push_str(&closed[..closed.len().min(NAMED)].join(", "));
    if closed.len() > NAMED {
        text.push_str(&format!(" and {} more", closed.len() - NAMED));
    }
    if let Some(err) = unresolved {
        text.push_str(&format!(" ({err})"));
    }
    text
}

/// The port lines (or JSON objects), in the order given; nothing with `-q`.
fn show(job: &Job<'_>, found: &[Option<Outcome>]) -> Result<()> {
    if job.args.quiet {
        return Ok(());
    }
    let services = Services::load();
    let mut text = String::new();
    for (&port, outcome) in job.ports.iter().zip(found) {
        let Some(outcome) = outcome else { continue };
        let service = services.name(port, job.proto);
        if job.args.json {
            text.push_str(&json(job, outcome, service));
        } else {
            text.push_str(&line(job, outcome, service));
        }
        text.push('\n');
    }
    super::print(text.as_bytes())
}

/// `127.0.0.1 22/tcp (ssh) open 0.21 ms "SSH-2.0-OpenSSH_9.2"`.
fn line(job: &Job<'_>, outcome: &Outcome, service: Option<&str>) -> String {
    let mut line = format!(
        "{} {}/{}",
        outcome.addr.ip(),
        outcome.addr.port(),
        job.proto.as_str()
    );
    if let Some(name) = service {
        line.push_str(&format!(" ({name})"));
    }
    line.push(' ');
    line.push_str(outcome.state.as_str());
    if let Some(Err(reason)) = &outcome.tls {
        line.push_str(&format!(", TLS failed: {reason}"));
        return line;
    }
    if let (State::Open, Some(rtt)) = (outcome.state, outcome.rtt) {
        line.push_str(&format!(" {:.2} ms", rtt.as_secs_f64() * 1e3));
    }
    if let Some(Ok(tls)) = &outcome.tls {
        line.push_str(&format!(", {}", tls.version));
        if let Some(days) = days_left(tls) {
            line.push_str(&match days {
                0.. => format!(", certificate expires in {days} day{}", plural(days)),
                _ => format!(", certificate expired {} day{} ago", -days, plural(-days)),
            });
        }
    }
    if let Some(banner) = &outcome.banner {
        line.push_str(&format!(" \"{}\"", probe::escape(banner)));
    }
    line
}

/// One JSON object: `rtt_ms` is the time to the answer (null for silence), `service` null for
/// an unnamed port, `banner` (with --banner) the escaped line or null.
fn json(job: &Job<'_>, outcome: &Outcome, service: Option<&str>) -> String {
    let mut value = serde_json::json!({
        "host": addr::bare_host(&job.args.host),
        "addr": outcome.addr.ip().to_string(),
        "port": outcome.addr.port(),
        "proto": job.proto.as_str(),
        "state": outcome.state.as_str(),
        "rtt_ms": outcome.rtt.map(|rtt| (rtt.as_secs_f64() * 1e6).round() / 1e3),
        "service": service,
    });
    if job.args.banner {
        value["banner"] = outcome.banner.as_deref().map(probe::escape).into();
    }
    match &outcome.tls {
        Some(Ok(tls)) => {
            value["tls"] = serde_json::json!({
                "version": tls.version,
                "days_left": days_left(tls),
                "not_after": tls.not_after.map(summary::date),
            });
        }
        Some(Err(reason)) => value["tls"] = serde_json::json!({ "error": reason }),
        None => {}
    }
    value.to_string()
}

/// Whole days until the certificate expires, negative once it has.
fn days_left(tls: &probe::Tls) -> Option<i64> {
    let now = jiff::Timestamp::now().as_second();
    tls.not_after.map(|at| (at - now).div_euclid(86_400))
}

fn plural(n: i64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// 0 when every port is open, else the code of the first that is not: 4 closed or
/// unreachable, 5 silent, 6 open but its TLS handshake failed.
fn exit_code(states: impl Iterator<Item = Option<(State, bool)>>) -> u8 {
    for state in states {
        match state {
            Some((State::Open, true)) => return 6,
            Some((State::Open, false)) => {}
            Some((State::Closed | State::Unreachable, _)) => return 4,
            Some((State::Filtered | State::OpenFiltered, _)) | None => return 5,
        }
    }
    0
}

/// `-- COMMAND ARGS...`: COMMAND takes netkit's place (exec), so that it gets signals itself
/// and its exit status is netkit's; only a COMMAND that cannot start comes back.
fn exec(program: &str, args: &[String]) -> Result<()> {
    let mut command = std::process::Command::new(program);
    command.args(args);
    let cannot = |e| Error::io(format!("cannot run '{program}'"), e);
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        Err(cannot(command.exec()))
    }
    #[cfg(not(unix))]
    {
        let status = command.status().map_err(cannot)?;
        match status.code() {
            Some(0) => Ok(()),
            code => Err(Error::Status(
                code.and_then(|c| u8::try_from(c).ok()).unwrap_or(1),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_code_is_the_first_port_not_open() {
        use State::*;
        let code = |states: &[State]| exit_code(states.iter().map(|&s| Some((s, false))));
        assert_eq!(code(&[Open, Open]), 0);
        assert_eq!(code(&[Open, Closed, Filtered]), 4);
        assert_eq!(code(&[Filtered, Closed]), 5);
        assert_eq!(code(&[Unreachable]), 4);
        assert_eq!(code(&[OpenFiltered]), 5);
        assert_eq!(code(&[]), 0);
        let tls = |failed: bool| exit_code([Some((Open, false)), Some((Open, failed))].into_iter());
        assert_eq!(tls(true), 6);
        assert_eq!(tls(false), 0);
    }
}
