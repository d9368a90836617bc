//! Sessions with a second socket (relay's, to the target): watching it under the connection's
//! second token, one call for the events of either socket, and wake-up times.
//!
//! Such a session moves its bytes itself, so that it can choose how (splice(2), or read and
//! write through a window); the core accepts, counts, times out and closes as for any other.

use std::borrow::Cow;
use std::cmp::Reverse;
use std::io;
use std::net::SocketAddr;
use std::time::Instant;

use mio::event::Event;
use mio::net::TcpStream;
use mio::{Interest, Registry, Token};

use super::{Loop, Service, Session, SECOND_BASE};

/// What a paired session is handed on each call: the client's socket, the loop's buffer (its
/// contents gone after the call), and the means to watch its second socket and ask for a
/// wake-up.
pub struct Pair<'a> {
    pub client: &'a mut TcpStream,
    /// The client's address, for log lines.
    pub peer: SocketAddr,
    pub buf: &'a mut [u8],
    /// The loop's time for this turn.
    pub now: Instant,
    registry: &'a Registry,
    token: Token,
    wake_at: Option<Instant>,
}

impl Pair<'_> {
    /// Watches `second` for reading and writing: its events come to `pump` as `wake.second`.
    /// A socket that replaces an earlier one (the next address tried) is watched the same way;
    /// closing the earlier one ends its events.
    pub fn watch(&self, second: &mut TcpStream) -> io::Result<()> {
        self.registry
            .register(second, self.token, Interest::READABLE | Interest::WRITABLE)
    }

    /// Calls `pump` again at `at`, or shortly after, without an event. A call may come early
    /// too (for an earlier request), so the session checks its own deadline against `now`.
    pub fn wake_at(&mut self, at: Instant) {
        self.wake_at = Some(self.wake_at.map_or(at, |earlier| earlier.min(at)));
    }
}

/// What one socket's event said. The hints are edges (epoll's): a socket that said readable
/// stays so for the session until a read would block.
#[derive(Debug, Default, Clone, Copy)]
pub struct Readiness {
    pub readable: bool,
    pub writable: bool,
    /// The peer has shut down its side: read to the end, the FIN may sit behind the data.
    pub read_closed: bool,
    /// An error is pending on the socket (a reset): `take_error` tells which.
    pub error: bool,
}

impl Readiness {
    fn of(event: &Event) -> Readiness {
        Readiness {
            readable: event.is_readable(),
            writable: event.is_writable(),
            read_closed: event.is_read_closed(),
            error: event.is_error(),
        }
    }
}

/// Why `pump` is called: an event on the client's socket or on the second one, or neither
/// (just opened, its turn again after a full budget, or a wake-up time).
#[derive(Debug, Default, Clone, Copy)]
pub struct Wake {
    pub client: Readiness,
    pub second: Readiness,
}

/// What the core does after `pump`.
#[derive(Debug)]
pub enum Flow {
    /// Wait for the next event or wake-up time.
    Wait,
    /// Its budget is spent with bytes still to move: call again in this turn of the loop,
    /// after the other connections.
    Again,
    /// Close the client's socket (and drop the session, its second socket with it); the
    /// words are the reason in the closed line.
    Close(Cow<'static, str>),
}

impl<S: Service> Loop<'_, S> {
    /// Lets a paired session move its bytes, then does what it says.
    pub(super) fn pump(&mut self, token: usize, wake: Wake) {
        let Some(conn) = self.conns.get_mut(token) else {
            return;
        };
        // an event on either socket is activity: a download that the client drains is not idle
        conn.last = self.now;
        let (client, peer, session) = conn.parts();
        let mut pair = Pair {
            client,
            peer,
            buf: &mut self.buf,
            now: self.now,
            registry: self.poll.registry(),
            token: Token(SECOND_BASE + token),
            wake_at: None,
        };
        let flow = session.pump(&mut pair, wake);
        if let Some(at) = pair.wake_at {
            self.timers.push(Reverse((at, token)));
        }
        match flow {
            Flow::Wait => {}
            Flow::Again => self.again.push(token),
            Flow::Close(why) => self.close(token, &why),
        }
    }

    /// An event on a connection's socket: the client's (`second` false) or its session's own.
    pub(super) fn paired_event(&mut self, token: usize, event: &Event, second: bool) {
        let mut wake = Wake::default();
        match second {
            false => wake.client = Readiness::of(event),
            true => wake.second = Readiness::of(event),
        }
        self.pump(token, wake);
    }

    /// Calls the sessions whose wake-up time has come.
    pub(super) fn wake_due(&mut self) {
        while let Some(&Reverse((at, token))) = self.timers.peek() {
            if at > self.now {
                return;
            }
            self.timers.pop();
            self.pump(token, Wake::default());
        }
    }
}
