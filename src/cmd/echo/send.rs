//! `echo send`: one message, the lines of stdin, or `--count` pings, each checked against its
//! echo.

use std::io::{self, BufRead, Read};
use std::net::{TcpStream, UdpSocket};
use std::time::{Duration, Instant};

use super::{PORT, REPLY_WAIT};
use crate::cli::EchoSendArgs;
use crate::cmd::{dial, print};
use crate::error::{Error, Result};
use crate::net::listen::Stop;
use crate::net::poll::{self, Watch};
use crate::net::stream::Deadline;
use crate::net::{stream, trace::Trace, udp};

/// How long `echo send --udp` waits for each echo without `-w`.
const UDP_WAIT: Duration = Duration::from_secs(2);
/// The most sent before its echo is read back.
const PIECE: usize = 16 * 1024;
/// What `--count` sends when no MESSAGE is given.
const PING: &str = "netkit echo";

/// A connected echo client: its socket, its peer's name for messages, and the trace.
struct Client {
    link: Link,
    peer: String,
    trace: Trace,
    /// With `--count`: Ctrl-C (or another signal `Stop` takes) ends any wait, for the summary.
    stop: Option<Stop>,
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
        let stop = self.stop.as_ref().map(Stop::fd);
        let (stream, deadline) = match &mut self.link {
            Link::Tcp(stream, wait, first) => {
                let deadline = first.take().unwrap_or_else(|| Deadline::after(*wait));
                (stream, deadline)
            }
            Link::Udp(socket, wait) => {
                return udp::exchange(socket, data, *wait, 1, stop, trace)
                    .map(|(echo, _)| echo)
                    .map_err(|e| Error::io(format!("no echo from {peer}"), e));
            }
        };
        let mut echo = Vec::with_capacity(data.len());
        for piece in data.chunks(PIECE) {
            stream::send(stream, piece, deadline, trace)
                .map_err(|e| Error::io(format!("cannot send to {peer}"), e))?;
            let back = stream::receive(stream, piece.len(), deadline, stop, trace)
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
    /// over UDP, or once a signal ends the wait).
    fn finish(self) -> Result<Vec<u8>> {
        let Link::Tcp(mut stream, wait, _) = self.link else {
            return Ok(Vec::new());
        };
        let peer = self.peer;
        stream::shut_write(&stream, &self.trace)
            .map_err(|e| Error::io(format!("cannot shut down {peer}"), e))?;
        let deadline = Deadline::after(wait);
        let stop = self.stop.as_ref().map(Stop::fd);
        let rest = match stream::until_eof(&mut stream, 1 << 20, deadline, stop, &self.trace) {
            // the user asked to stop: the summary is out, nobody waits for the server's close
            Err(err) if err.kind() == io::ErrorKind::Interrupted => Vec::new(),
            rest => rest.map_err(|e| Error::io(format!("no end from {peer}"), e))?,
        };
        drop(stream);
        self.trace.step("socket closed");
        Ok(rest)
    }

    fn is_udp(&self) -> bool {
        matches!(self.link, Link::Udp(..))
    }

    /// Waits `interval`, the pause between pings; less once a signal comes.
    fn pause(&self, interval: Duration) {
        match &self.stop {
            Some(stop) => {
                signalled(stop, interval);
            }
            None => std::thread::sleep(interval),
        }
    }

    /// Whether a signal came (the stop's pipe stays readable from then on).
    fn stopped(&self) -> bool {
        self.stop
            .as_ref()
            .is_some_and(|stop| signalled(stop, Duration::ZERO))
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
            stop: None,
        }
    } else {
        let (stream, peer, deadline) = dial(&args.host, port, &args.client, REPLY_WAIT, &trace)?;
        let wait = args.client.timeout(Some(REPLY_WAIT));
        Client {
            link: Link::Tcp(stream, wait, Some(deadline)),
            peer,
            trace,
            stop: None,
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
    print(&echo)?;
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
        print(&echo)?;
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
    print(&rest)
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
    // Ctrl-C ends the run early with the summary, as ping does, in a pause or a round trip
    let stop = Stop::on_signals().map_err(|e| Error::io("cannot handle SIGINT", e))?;
    client.stop = Some(stop);
    let mut count = count;
    for seq in 1..=count {
        if seq > 1 {
            client.pause(interval);
        }
        if client.stopped() {
            count = seq - 1;
            break;
        }
        let start = Instant::now();
        let echo = match client.round_trip(line.as_bytes()) {
            Ok(echo) => echo,
            // the message went and its echo is not awaited: lost, as ping counts it
            Err(_) if client.stopped() => {
                lost += 1;
                count = seq;
                break;
            }
            // refused at the first message: nobody is there, as a TCP connect would have said
            Err(err) if seq == 1 && err.exit_code() == 4 => return Err(err),
            // over UDP a datagram can be lost and the next one still arrive
            Err(err) if client.is_udp() && err.exit_code() == 5 => {
                lost += 1;
                print(format!("seq={seq} lost (no echo in time)\n").as_bytes())?;
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
        print(format!("seq={seq} bytes={} time={ms:.3} ms{note}\n", echo.len()).as_bytes())?;
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
    print(summary.as_bytes())?;
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

/// Waits `within` for a signal (the pause between pings), or less once one comes; whether
/// one did.
fn signalled(stop: &Stop, within: Duration) -> bool {
    let watch = Watch {
        fd: stop.fd(),
        read: true,
        write: false,
    };
    poll::wait([Some(watch)], Some(within)).is_ok_and(|[ready]| ready.read || ready.trouble)
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
