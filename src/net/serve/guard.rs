//! The UDP guard: which datagrams may be answered. Never those from reflecting ports, and per
//! source address no more than a token bucket allows.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Source ports of services that answer whatever they get (echo, daytime, qotd, chargen,
/// time) and port 0: replying to them could start an endless ping-pong between two servers.
pub const REFLECTORS: [u16; 6] = [0, 7, 13, 17, 19, 37];

/// Sources tracked at once; pruning runs only when this many are reached.
const MAX_BUCKETS: usize = 65_536;

/// Shared by every loop of a server (one per `--inetd` process).
pub struct Guard {
    /// Replies per source address per second, and the burst a bucket holds.
    rate: u32,
    buckets: Mutex<Buckets>,
}

#[derive(Default)]
struct Buckets {
    by_source: HashMap<IpAddr, Bucket>,
    pruned: Option<Instant>,
}

/// A token bucket: refilled at `rate` a second, holding at most `rate`.
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Guard {
    pub fn new(rate: u32) -> Guard {
        Guard {
            rate,
            buckets: Mutex::new(Buckets::default()),
        }
    }

    /// Whether a datagram from `peer` gets an answer now (taking a token), or why not.
    pub fn check(&self, peer: SocketAddr, now: Instant) -> Result<(), &'static str> {
        if REFLECTORS.contains(&peer.port()) {
            return Err("a reflecting port");
        }
        if !self.take(peer.ip(), now) {
            return Err("over --udp-rate");
        }
        Ok(())
    }

    /// Whether one more reply to `ip` fits its bucket now (and takes it).
    fn take(&self, ip: IpAddr, now: Instant) -> bool {
        let rate = f64::from(self.rate);
        let ip = ip.to_canonical();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let Buckets { by_source, pruned } = &mut *buckets;
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_follow_a_token_bucket() {
        let guard = Guard::new(10);
        let ip: IpAddr = "127.0.0.1".parse().unwrap();
        let start = Instant::now();
        let burst = (0..20).filter(|_| guard.take(ip, start)).count();
        assert_eq!(burst, 10, "the bucket holds N");
        assert!(!guard.take(ip, start + Duration::from_millis(50)));
        assert!(
            guard.take(ip, start + Duration::from_millis(150)),
            "refilled at N a second"
        );
        assert!(
            guard.take("::1".parse().unwrap(), start),
            "each source has its own"
        );
        assert!(
            !guard.take("::ffff:127.0.0.1".parse().unwrap(), start),
            "an IPv4 client of a dual-stack socket is the same source"
        );
    }

    #[test]
    fn reflecting_ports_are_never_answered() {
        let guard = Guard::new(10);
        let now = Instant::now();
        for port in REFLECTORS {
            let peer = SocketAddr::from(([127, 0, 0, 1], port));
            assert_eq!(guard.check(peer, now), Err("a reflecting port"));
        }
        assert!(guard.check("127.0.0.1:5000".parse().unwrap(), now).is_ok());
    }
}
