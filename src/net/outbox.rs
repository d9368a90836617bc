//! The write half of a `raw` connection, shared by the input thread and the telnet answers.

use std::io;
use std::net::Shutdown;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use super::copy::Stream;

/// Telnet answers waiting behind a stalled write; a server that keeps negotiating without
/// reading what we send loses the answers beyond this.
const MAX_PENDING: usize = 64 * 1024;

/// The write half, shared by the input thread (data) and the receiving thread (telnet
/// answers). One writer at a time, so an answer never lands inside a data write; and the
/// receiving thread never waits behind a data write the peer is not reading, since that
/// peer may itself be waiting for us to read: it queues its answer, and whoever holds the
/// turn sends the queue before giving the turn back.
pub struct Outbox<S> {
    stream: Arc<S>,
    turn: Mutex<Turn>,
    free: Condvar,
}

#[derive(Default)]
struct Turn {
    busy: bool,
    shut: bool,
    replies: Vec<u8>,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    // the guarded state stays consistent even if a holder panicked
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<S: Stream> Outbox<S> {
    pub fn new(stream: Arc<S>) -> Outbox<S> {
        Outbox {
            stream,
            turn: Mutex::new(Turn::default()),
            free: Condvar::new(),
        }
    }

    /// Input side: waits for the turn, writes `bytes` and whatever answers queued meanwhile.
    pub fn send(&self, bytes: &[u8]) -> io::Result<()> {
        self.take_turn();
        let result = self.stream.send_all(bytes);
        result.and(self.end_turn(false))
    }

    /// Sends the queued answers, then our FIN; nothing is sent after it.
    pub fn shut_write(&self) -> io::Result<()> {
        self.take_turn();
        self.end_turn(true)
    }

    /// Receiving side: never blocks behind the input side.
    pub fn reply(&self, bytes: &[u8]) -> io::Result<()> {
        {
            let mut turn = lock(&self.turn);
            if turn.shut || turn.replies.len() + bytes.len() > MAX_PENDING {
                return Ok(());
            }
            turn.replies.extend_from_slice(bytes);
            if turn.busy {
                return Ok(()); // the holder sends it before giving the turn back
            }
            turn.busy = true;
        }
        self.end_turn(false)
    }

    pub fn wake_receiver(&self) {
        let _ = self.stream.shutdown(Shutdown::Read);
    }

    fn take_turn(&self) {
        let mut turn = lock(&self.turn);
        while turn.busy {
            turn = self.free.wait(turn).unwrap_or_else(PoisonError::into_inner);
        }
        turn.busy = true;
    }

    /// Sends the queued answers until none are left, then gives the turn back (after shutting
    /// the write half down, with `shut`). Checking the queue and freeing the turn happen under
    /// one lock, so no answer is left behind.
    fn end_turn(&self, shut: bool) -> io::Result<()> {
        let mut result = Ok(());
        loop {
            let pending = {
                let mut turn = lock(&self.turn);
                if turn.replies.is_empty() || turn.shut {
                    turn.replies.clear();
                    if shut && !turn.shut {
                        turn.shut = true;
                        result = result.and(self.stream.shutdown(Shutdown::Write));
                    }
                    turn.busy = false;
                    self.free.notify_all();
                    return result;
                }
                std::mem::take(&mut turn.replies)
            };
            result = result.and(self.stream.send_all(&pending));
        }
    }
}
