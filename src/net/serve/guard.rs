//! The UDP guard: which datagrams may be answered. Never those from reflecting ports or from
//! one of the server's own addresses and ports, none from a source caught in a loop, and per
//! source address no more than a token bucket allows.
//!
//! # Loops
//!
//! Two servers that answer whatever they get (echo, daytime, time, on any ports) answer each
//! other for ever once one forged datagram sets them off; the token bucket only slows that
//! down, and not at all at a high `--udp-rate`. A loop is told from a client by what it does
//! to the answers: a reflecting peer sends its next datagram as soon as ours arrives, and
//! what it sends repeats itself. So, for each source address and port that was answered:
//!
//! - a datagram is a *reflection* when it comes within [`QUICK`] of our last answer to that
//!   source and its bytes are those of that answer (an echo server across the loop) or of
//!   the source's previous datagram (a daytime or time server: the same line all second);
//! - [`STREAK`] reflections in a row are a loop: one warning, and that source gets no answer
//!   for [`MUTE`]. Every datagram in flight between the two dies unanswered, so the loop ends
//!   (here within a millisecond of its start, whatever `--udp-rate` is).
//!
//! A client that waits for each answer, or sends different datagrams (a sequence number, as
//! `echo bench` does), is never taken for a loop: `echo send --udp --count` pinging the same
//! bytes ten times a second sends each 100 ms after its answer. What is taken for one is a
//! client that sends the same datagram again within 5 ms of each answer, 16 times in a row:
//! that is what a reflector does. Not caught: a loop whose round trip is longer than
//! [`QUICK`] (across a slow network: at most one datagram per round trip, and the bucket's
//! limit), and two servers that each answer with bytes that change every time (RFC 864
//! chargen's random lengths) and so never repeat.
//!
//! Cheap per datagram: two hash-map look-ups under the lock the bucket already takes, and a
//! digest of at most [`SAMPLE`] bytes from each end of the datagram and of the answer; no
//! allocation but a new source's entry.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Source ports of services that answer whatever they get (echo, daytime, qotd, chargen,
/// time) and port 0: replying to them could start an endless ping-pong between two servers.
pub const REFLECTORS: [u16; 6] = [0, 7, 13, 17, 19, 37];

/// Sources tracked at once; pruning runs only when this many are reached.
const MAX_BUCKETS: usize = 65_536;
/// A datagram that comes this soon after our answer to its sender may be that answer coming
/// back: a loop between two servers on one machine turns in tens of microseconds, on a LAN
/// in under a millisecond.
pub const QUICK: Duration = Duration::from_millis(5);
/// Reflections in a row that make a loop.
pub const STREAK: u32 = 16;
/// How long a source caught in a loop goes unanswered.
pub const MUTE: Duration = Duration::from_secs(5);
/// Bytes from each end of a datagram that its digest covers.
pub const SAMPLE: usize = 64;
/// How long the machine's own addresses are trusted before they are looked up again (a DHCP
/// lease, a VPN change them).
const OWN_ADDRESSES_FOR: Duration = Duration::from_secs(10);

/// Shared by every loop of a server (one per `--inetd` process).
pub struct Guard {
    /// Replies per source address per second, and the burst a bucket holds.
    rate: u32,
    state: Mutex<State>,
    unanswered: Unanswered,
}

/// The info line for datagrams the service does not answer (discard's, all of them): one a
/// second at most, the rest counted into the next, so a flood costs a count each, not a line.
/// Atomics rather than the lock: these datagrams never reach the rest of the guard.
struct Unanswered {
    /// Times are kept as milliseconds since this, plus one; 0 is never.
    born: Instant,
    logged_at: AtomicU64,
    unlogged: AtomicU64,
}

/// What the guard says about one datagram.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Answer,
    /// Not answered, and why (a debug line).
    Ignore(&'static str),
    /// Not answered: the source has just been found answering our answers (a warning, once
    /// per loop); it is not answered for [`MUTE`].
    Loop,
}

#[derive(Default)]
struct State {
    by_source: HashMap<IpAddr, Bucket>,
    pruned: Option<Instant>,
    flows: HashMap<SocketAddr, Flow>,
    flows_pruned: Option<Instant>,
    /// The server's own UDP ports.
    ports: Vec<u16>,
    /// The machine's addresses, and when they were looked up.
    own: Vec<IpAddr>,
    own_at: Option<Instant>,
}

/// A token bucket: refilled at `rate` a second, holding at most `rate`.
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// What the loop detector keeps for one source address and port that was answered.
struct Flow {
    /// When it was last answered, and the digest of that answer.
    answered_at: Instant,
    answered: u64,
    /// The digest of its last datagram.
    heard: u64,
    /// Reflections in a row.
    streak: u32,
    muted_until: Option<Instant>,
}

impl Guard {
    pub fn new(rate: u32) -> Guard {
        Guard {
            rate,
            state: Mutex::new(State::default()),
            unanswered: Unanswered {
                born: Instant::now(),
                logged_at: AtomicU64::new(0),
                unlogged: AtomicU64::new(0),
            },
        }
    }

    /// A datagram the service does not answer came: `Some(n)` when its info line may be
    /// logged now, `n` being how many were left out since the last one (at most one a second);
    /// `None`, and it is counted, when a debug line must do.
    pub fn unanswered(&self, now: Instant) -> Option<u64> {
        let Unanswered {
            born,
            logged_at,
            unlogged,
        } = &self.unanswered;
        let at = now.saturating_duration_since(*born).as_millis() as u64 + 1;
        let last = logged_at.load(Ordering::Relaxed);
        // loops pass their own, slightly stale, clocks: one behind the last line is not later
        let free = last == 0 || at.saturating_sub(last) >= 1000;
        if free
            && logged_at
                .compare_exchange(last, at, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            return Some(unlogged.swap(0, Ordering::Relaxed));
        }
        unlogged.fetch_add(1, Ordering::Relaxed);
        None
    }

    /// A port the server answers on: a datagram from it and one of the machine's addresses
    /// is our own answer coming back, or forged to look like it.
    pub fn serve_on(&self, port: u16) {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if !state.ports.contains(&port) {
            state.ports.push(port);
        }
    }

    /// Whether `reply` may go back to `peer` (as [`canonical`](super::canonical) gives it),
    /// which sent `input`, now; an answer takes a token and is remembered.
    pub fn check(&self, peer: SocketAddr, input: &[u8], reply: &[u8], now: Instant) -> Verdict {
        if REFLECTORS.contains(&peer.port()) {
            return Verdict::Ignore("a reflecting port");
        }
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        if state.ports.contains(&peer.port()) && state.is_own(peer.ip(), now) {
            return Verdict::Ignore("one of our own addresses and ports");
        }
        let heard = digest(input);
        if let Some(flow) = state.flows.get_mut(&peer) {
            if let Some(verdict) = flow.hear(heard, now) {
                return verdict;
            }
        }
        if !state.take(self.rate, peer.ip(), now) {
            return Verdict::Ignore("over --udp-rate");
        }
        // echo answers with the datagram itself: one digest does for both
        let answered = if std::ptr::eq(input, reply) {
            heard
        } else {
            digest(reply)
        };
        state.answered(peer, heard, answered, now);
        Verdict::Answer
    }
}

impl Flow {
    /// A datagram whose digest is `heard` came: `None` when it may be answered.
    fn hear(&mut self, heard: u64, now: Instant) -> Option<Verdict> {
        let repeat = heard == self.answered || heard == self.heard;
        self.heard = heard;
        if self.muted_until.is_some_and(|until| now < until) {
            return Some(Verdict::Ignore("a suspected loop"));
        }
        // loops pass their own, slightly stale, clocks: an answer "after" now is quick too
        let quick = now.saturating_duration_since(self.answered_at) <= QUICK;
        self.streak = if quick && repeat { self.streak + 1 } else { 0 };
        if self.streak < STREAK {
            return None;
        }
        self.streak = 0;
        self.muted_until = Some(now + MUTE);
        Some(Verdict::Loop)
    }
}

impl State {
    /// Whether `ip` is one of this machine's.
    fn is_own(&mut self, ip: IpAddr, now: Instant) -> bool {
        if ip.is_loopback() || ip.is_unspecified() {
            return true;
        }
        // looked up only for a datagram from one of our ports: rare, and at most every 10 s
        if self
            .own_at
            .is_none_or(|at| now.saturating_duration_since(at) >= OWN_ADDRESSES_FOR)
        {
            self.own = crate::net::iface::own_ips()
                .into_iter()
                .map(|ip| ip.to_canonical())
                .collect();
            self.own_at = Some(now);
        }
        self.own.contains(&ip)
    }

    /// Whether one more reply to `ip` fits its bucket now (and takes it).
    fn take(&mut self, rate: u32, ip: IpAddr, now: Instant) -> bool {
        let rate = f64::from(rate);
        let State {
            by_source, pruned, ..
        } = self;
        if by_source.len() >= MAX_BUCKETS
            && !pruned.is_some_and(|at| now.duration_since(at) < Duration::from_secs(1))
        {
            // a bucket untouched for a second is full again, the same as no bucket at all;
            // pruned at most once a second, so a flood of sources cannot make each datagram
            // pay for a scan
            by_source.retain(|_, b| now.duration_since(b.at) < Duration::from_secs(1));
            *pruned = Some(now);
        }
        if by_source.len() >= MAX_BUCKETS && !by_source.contains_key(&ip) {
            return false; // more sources at once than tracked: new ones wait
        }
        let bucket = by_source.entry(ip).or_insert(Bucket {
            tokens: rate,
            at: now,
        });
        // loops pass their own, slightly stale, clocks: time never runs backwards for a bucket
        let now = now.max(bucket.at);
        let refill = now.duration_since(bucket.at).as_secs_f64() * rate;
        bucket.tokens = (bucket.tokens + refill).min(rate);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            true
        } else {
            false
        }
    }

    /// `peer`, which sent a datagram of digest `heard`, is answered with one of `answered`.
    fn answered(&mut self, peer: SocketAddr, heard: u64, answered: u64, now: Instant) {
        if let Some(flow) = self.flows.get_mut(&peer) {
            flow.answered_at = now;
            flow.answered = answered;
            return;
        }
        let State {
            flows,
            flows_pruned,
            ..
        } = self;
        if flows.len() >= MAX_BUCKETS
            && !flows_pruned.is_some_and(|at| now.duration_since(at) < Duration::from_secs(1))
        {
            // a flow answered a second ago has no reflection to catch; a muted one is kept
            flows.retain(|_, f| {
                f.muted_until.is_some_and(|until| now < until)
                    || now.saturating_duration_since(f.answered_at) < Duration::from_secs(1)
            });
            *flows_pruned = Some(now);
        }
        if flows.len() < MAX_BUCKETS {
            flows.insert(
                peer,
                Flow {
                    answered_at: now,
                    answered,
                    heard,
                    streak: 0,
                    muted_until: None,
                },
            );
        }
    }
}

/// A digest of the datagram's length and of up to [`SAMPLE`] bytes at each end (FNV-1a): a
/// reflection repeats them all, and a client's sequence number or clock sits near one end.
fn digest(bytes: &[u8]) -> u64 {
    let head = &bytes[..bytes.len().min(SAMPLE)];
    let tail = &bytes[bytes.len().saturating_sub(SAMPLE).max(head.len())..];
    let mut hash = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    for &byte in head.iter().chain(tail) {
        hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
    }
    hash
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::net::addr::canonical;

    fn peer(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn unanswered_datagrams_are_logged_once_a_second() {
        let guard = Guard::new(10);
        let start = Instant::now();
        assert_eq!(guard.unanswered(start), Some(0));
        for ms in [1, 500, 999] {
            assert_eq!(guard.unanswered(start + Duration::from_millis(ms)), None);
        }
        assert_eq!(
            guard.unanswered(start + Duration::from_millis(1000)),
            Some(3)
        );
        // a loop's stale clock is not a second later
        assert_eq!(guard.unanswered(start), None);
        assert_eq!(guard.unanswered(start + Duration::from_secs(5)), Some(1));
    }

    #[test]
    fn replies_follow_a_token_bucket() {
        let guard = Guard::new(10);
        let start = Instant::now();
        // distinct sources' ports and bytes: this is the rate alone
        let take = |port: u16, at: Instant| {
            let from = SocketAddr::from(([127, 0, 0, 1], port));
            guard.check(from, &port.to_be_bytes(), b"", at) == Verdict::Answer
        };
        let burst = (0..20).filter(|&i| take(1000 + i, start)).count();
        assert_eq!(burst, 10, "the bucket holds N");
        assert!(!take(2000, start + Duration::from_millis(50)));
        assert!(
            take(2001, start + Duration::from_millis(150)),
            "refilled at N a second"
        );
        assert_eq!(
            guard.check(peer("[::1]:5000"), b"x", b"x", start),
            Verdict::Answer,
            "each source has its own"
        );
        assert_eq!(
            guard.check(
                canonical(peer("[::ffff:127.0.0.1]:3000")),
                b"x",
                b"x",
                start
            ),
            Verdict::Ignore("over --udp-rate"),
            "an IPv4 client of a dual-stack socket is the same source"
        );
    }

    #[test]
    fn reflecting_ports_are_never_answered() {
        let guard = Guard::new(10);
        let now = Instant::now();
        for port in REFLECTORS {
            let from = SocketAddr::from(([127, 0, 0, 1], port));
            assert_eq!(
                guard.check(from, b"", b"", now),
                Verdict::Ignore("a reflecting port")
            );
        }
        assert_eq!(
            guard.check(peer("127.0.0.1:5000"), b"", b"", now),
            Verdict::Answer
        );
    }

    #[test]
    fn our_own_addresses_and_ports_are_never_answered() {
        let guard = Guard::new(1000);
        guard.serve_on(5000);
        let now = Instant::now();
        let own = Verdict::Ignore("one of our own addresses and ports");
        assert_eq!(guard.check(peer("127.0.0.1:5000"), b"", b"", now), own);
        assert_eq!(guard.check(peer("127.1.2.3:5000"), b"", b"", now), own);
        assert_eq!(guard.check(peer("[::1]:5000"), b"", b"", now), own);
        // another port of ours, or our port on another machine
        assert_eq!(
            guard.check(peer("127.0.0.1:5001"), b"", b"", now),
            Verdict::Answer
        );
        assert_eq!(
            guard.check(peer("192.0.2.1:5000"), b"", b"", now),
            Verdict::Answer
        );
    }

    /// Feeds `guard` a conversation with `from`: datagram `i` made by `bytes(i)` and `gap`
    /// after the answer before; returns the verdicts.
    fn converse(
        guard: &Guard,
        from: SocketAddr,
        rounds: u32,
        gap: Duration,
        bytes: impl Fn(u32) -> Vec<u8>,
    ) -> Vec<Verdict> {
        let start = Instant::now();
        (0..rounds)
            .map(|i| {
                let datagram = bytes(i);
                guard.check(from, &datagram, &datagram, start + gap * i)
            })
            .collect()
    }

    #[test]
    fn a_loop_is_cut_after_a_streak_and_warned_about_once() {
        let guard = Guard::new(1_000_000);
        let from = peer("127.0.0.1:40000");
        // an echo server on the other side, answering in 20 µs
        let verdicts = converse(&guard, from, 1000, Duration::from_micros(20), |_| {
            b"forged".to_vec()
        });
        let answered = verdicts.iter().filter(|v| **v == Verdict::Answer).count();
        assert_eq!(answered, STREAK as usize, "answered until the streak");
        assert_eq!(verdicts.iter().filter(|v| **v == Verdict::Loop).count(), 1);
        assert!(verdicts[STREAK as usize + 1..]
            .iter()
            .all(|v| *v == Verdict::Ignore("a suspected loop")));
        // another source is answered meanwhile, and this one again after the mute
        let later = Instant::now() + MUTE + Duration::from_secs(1);
        assert_eq!(
            guard.check(peer("127.0.0.1:40001"), b"forged", b"forged", later),
            Verdict::Answer
        );
        assert_eq!(guard.check(from, b"x", b"x", later), Verdict::Answer);
    }

    #[test]
    fn a_daytime_server_across_the_loop_is_caught_by_its_repeated_line() {
        let guard = Guard::new(1_000_000);
        let line = b"Wed Nov 25 11:31:40 2026\r\n".to_vec();
        let start = Instant::now();
        let from = peer("127.0.0.1:40000");
        let verdicts: Vec<Verdict> = (0..100u32)
            .map(|i| {
                guard.check(
                    from,
                    &line,
                    b"our own line\r\n",
                    start + Duration::from_micros(30) * i,
                )
            })
            .collect();
        assert!(verdicts.contains(&Verdict::Loop), "{verdicts:?}");
    }

    #[test]
    fn clients_that_wait_or_vary_are_always_answered() {
        let guard = Guard::new(1_000_000);
        // a ping of the same bytes ten times a second
        let ping = converse(
            &guard,
            peer("127.0.0.1:40000"),
            100,
            Duration::from_millis(100),
            |_| b"ping".to_vec(),
        );
        assert!(ping.iter().all(|v| *v == Verdict::Answer));
        // a bench: as fast as the loop, but each message differs
        let bench = converse(
            &guard,
            peer("127.0.0.1:40001"),
            10_000,
            Duration::from_micros(20),
            |i| {
                let mut message = vec![0u8; 512];
                message[..4].copy_from_slice(&i.to_be_bytes());
                message
            },
        );
        assert!(bench.iter().all(|v| *v == Verdict::Answer));
    }

    #[test]
    fn the_digest_sees_both_ends_and_the_length() {
        let mut a = vec![7u8; 1000];
        assert_eq!(digest(&a), digest(&a.clone()));
        a[999] = 8;
        assert_ne!(digest(&a), digest(&[7u8; 1000]));
        assert_ne!(digest(&[7u8; 1000]), digest(&[7u8; 1001]));
        assert_ne!(digest(b"ab"), digest(b"ba"));
    }
}
