//! TCP limits shared by every event loop: connections open in all and per client address,
//! and the warning when one is refused, at most once a second.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct Admission {
    max_connections: usize,
    /// 0: no limit, and no count kept.
    max_per_source: usize,
    open: AtomicUsize,
    per_source: Mutex<HashMap<IpAddr, usize>>,
    refused: Mutex<RefusalLog>,
}

/// The limit a refused connection would have broken, as the user sets it.
#[derive(Debug, Clone, Copy)]
pub struct Refusal {
    flag: &'static str,
    value: usize,
}

struct RefusalLog {
    last: Option<Instant>,
    unlogged: u64,
}

impl Admission {
    pub fn new(max_connections: usize, max_per_source: usize) -> Admission {
        Admission {
            max_connections,
            max_per_source,
            open: AtomicUsize::new(0),
            per_source: Mutex::new(HashMap::new()),
            refused: Mutex::new(RefusalLog {
                last: None,
                unlogged: 0,
            }),
        }
    }

    /// Counts a new connection from `ip` (as [`canonical`](super::canonical) gives it) in, or
    /// says which limit it would break.
    pub fn admit(&self, ip: IpAddr) -> Result<(), Refusal> {
        if self.open.fetch_add(1, Ordering::Relaxed) >= self.max_connections {
            self.open.fetch_sub(1, Ordering::Relaxed);
            return Err(Refusal {
                flag: "--max-connections",
                value: self.max_connections,
            });
        }
        if self.max_per_source == 0 {
            return Ok(());
        }
        let mut sources = self.per_source.lock().unwrap_or_else(|e| e.into_inner());
        let count = sources.entry(ip).or_insert(0);
        if *count >= self.max_per_source {
            drop(sources);
            self.open.fetch_sub(1, Ordering::Relaxed);
            return Err(Refusal {
                flag: "--max-per-source",
                value: self.max_per_source,
            });
        }
        *count += 1;
        Ok(())
    }

    /// Counts a closed connection from `ip` out.
    pub fn release(&self, ip: IpAddr) {
        self.open.fetch_sub(1, Ordering::Relaxed);
        if self.max_per_source == 0 {
            return;
        }
        let mut sources = self.per_source.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(count) = sources.get_mut(&ip) {
            *count -= 1;
            if *count == 0 {
                sources.remove(&ip);
            }
        }
    }

    /// The warning to log for a refusal, or `None` when one was logged less than a second
    /// ago (then this one is counted into the next), so a flood cannot flood the log too.
    pub fn warning(&self, peer: SocketAddr, refusal: Refusal, now: Instant) -> Option<String> {
        let mut log = self.refused.lock().unwrap_or_else(|e| e.into_inner());
        if log
            .last
            .is_some_and(|last| now.duration_since(last) < Duration::from_secs(1))
        {
            log.unlogged += 1;
            return None;
        }
        let more = std::mem::take(&mut log.unlogged);
        log.last = Some(now);
        let also = match more {
            0 => String::new(),
            n => format!("; {n} more refused since the last warning"),
        };
        Some(format!(
            "refused {peer}: {} {} reached{also}",
            refusal.flag, refusal.value
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_count_in_and_out() {
        let admission = Admission::new(2, 1);
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        let b: IpAddr = "127.0.0.2".parse().unwrap();
        assert!(admission.admit(a).is_ok());
        assert_eq!(admission.admit(a).unwrap_err().flag, "--max-per-source");
        assert!(admission.admit(b).is_ok());
        assert_eq!(
            admission
                .admit("127.0.0.3".parse().unwrap())
                .unwrap_err()
                .flag,
            "--max-connections"
        );
        admission.release(a);
        assert!(admission.admit(a).is_ok());
    }

    #[test]
    fn no_per_source_limit_at_zero() {
        let admission = Admission::new(3, 0);
        let a: IpAddr = "127.0.0.1".parse().unwrap();
        for _ in 0..3 {
            assert!(admission.admit(a).is_ok());
        }
        assert_eq!(admission.admit(a).unwrap_err().flag, "--max-connections");
        admission.release(a);
        assert!(admission.admit(a).is_ok());
    }

    #[test]
    fn warnings_are_rate_limited() {
        let admission = Admission::new(1, 1);
        let peer: SocketAddr = "127.0.0.1:5".parse().unwrap();
        let refusal = Refusal {
            flag: "--max-connections",
            value: 1,
        };
        let start = Instant::now();
        assert!(admission.warning(peer, refusal, start).is_some());
        assert!(admission
            .warning(peer, refusal, start + Duration::from_millis(500))
            .is_none());
        let later = admission
            .warning(peer, refusal, start + Duration::from_secs(2))
            .unwrap();
        assert!(
            later.ends_with("--max-connections 1 reached; 1 more refused since the last warning")
        );
    }
}
