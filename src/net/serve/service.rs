//! The interface a service implements (`src/service/`), and the output its calls send
//! through.

use std::io::{self, Write};

use mio::net::TcpStream;

use super::pair::{Flow, Pair, Wake};

/// A protocol served over TCP and UDP. The core does the socket work: accepting, limits,
/// back-pressure, timeouts, logging; the service says what to send.
pub trait Service: Send + Sync {
    /// What the service keeps for one TCP connection (`()` for nothing).
    type Session: Session;
    /// The service's name in log lines.
    fn name(&self) -> &'static str;
    /// A client has connected: its session, after putting in `out` whatever is sent at once
    /// (daytime's line, then `out.close()`).
    fn open(&self, out: &mut Output) -> Self::Session;
    /// The answer to one datagram, or `None` to send nothing back. `scratch` is empty, for an
    /// answer that is not a slice of `input`. The reflection guard and `--udp-rate` are the
    /// caller's.
    fn datagram<'a>(&'a self, input: &'a [u8], scratch: &'a mut Vec<u8>) -> Option<&'a [u8]>;
}

/// One TCP connection of a service: its state, and what it does as things happen.
///
/// Each call may send through `out`: written to the socket at once, the rest kept in order
/// until the kernel takes it, and nothing more read or asked for meanwhile. What the kernel
/// does not take stays in memory, so a call sends in proportion to what came in (echo) or to
/// the room it is given (`writable`). `out.close()` closes the connection once everything
/// sent is written.
pub trait Session {
    /// Bytes from the client, in the loop's buffer (gone after the call). The default drops
    /// them.
    fn received(&mut self, input: &[u8], out: &mut Output) {
        let _ = (input, out);
    }
    /// Whether `writable` has something to send. Asked whenever nothing is waiting for the
    /// kernel, so a session that writes without being asked (chargen) says `true`, and one
    /// that only answers keeps the default.
    fn wants_room(&self) -> bool {
        false
    }
    /// The socket can take more and nothing is waiting: send more, building it in `scratch`
    /// (the loop's buffer). It is asked again while the kernel takes everything (within the
    /// loop's turn for each connection); a client that does not read is not asked at all.
    fn writable(&mut self, scratch: &mut [u8], out: &mut Output) {
        let _ = (scratch, out);
    }
    /// The client has shut down its side (FIN) and sends no more. The default closes once
    /// what is owed is written.
    fn fin(&mut self, out: &mut Output) {
        out.close();
    }

    /// Whether the session keeps a second socket (relay's, to the target) and moves the bytes
    /// between it and the client itself. The core then never reads or writes the client for
    /// it (`received`, `writable` and `fin` are not called): it calls `pump` once the client is
    /// watched, on every event of either socket, and at the wake-up times asked for. Known at
    /// compile time, so other sessions pay nothing for it.
    const PAIRED: bool = false;
    /// Moves what can be moved now, and says whether to wait, come back, or close. Only for a
    /// session that is `PAIRED`; the default closes.
    fn pump(&mut self, pair: &mut Pair, wake: Wake) -> Flow {
        let _ = (pair, wake);
        Flow::Close("".into())
    }
    /// The words between the parentheses of the closed line, for a session that counts its
    /// own bytes (`why` is the core's reason: idle timeout, server stopping, an error); `None`
    /// for the core's own, `N bytes in, N bytes out, S s, why`.
    fn closed(&self, why: &str, secs: f64) -> Option<String> {
        let _ = (why, secs);
        None
    }
}

/// The session of a service that keeps nothing: what comes in is dropped, and the connection
/// closes at the client's FIN.
impl Session for () {}

/// Where a session's bytes go: written to the client at once, and what the kernel does not
/// take kept in order in the connection's backlog. A failed write is the core's to handle:
/// the connection is closed after the call, and whatever is sent after it is dropped.
pub struct Output<'c> {
    /// `None`: everything is queued, for a caller that writes it itself (`--inetd`).
    stream: Option<&'c mut TcpStream>,
    backlog: &'c mut Backlog,
    error: Option<io::Error>,
}

/// What a connection owes its client: bytes the kernel has not taken yet (empty and
/// unallocated almost always), and whether to close once they are written.
#[derive(Debug, Default)]
pub(crate) struct Backlog {
    pub(crate) bytes: Vec<u8>,
    /// Bytes written to the socket so far.
    pub(crate) sent: u64,
    pub(crate) closing: bool,
}

impl<'c> Output<'c> {
    pub(super) fn to(stream: &'c mut TcpStream, backlog: &'c mut Backlog) -> Self {
        Output {
            stream: Some(stream),
            backlog,
            error: None,
        }
    }

    /// An output that only queues, into `backlog.bytes`.
    pub(crate) fn queue(backlog: &'c mut Backlog) -> Self {
        Output {
            stream: None,
            backlog,
            error: None,
        }
    }

    /// Sends `data` after whatever is still waiting.
    pub fn send(&mut self, data: &[u8]) {
        let mut done = 0;
        if let Some(stream) = self.stream.as_deref_mut() {
            if self.backlog.bytes.is_empty() && self.error.is_none() {
                done = write_some(stream, data, &mut self.error);
                self.backlog.sent += done as u64;
                if done == data.len() {
                    return; // the usual case: the kernel took it all
                }
            }
        }
        if self.error.is_none() {
            self.backlog.bytes.extend_from_slice(&data[done..]);
        }
    }

    /// Closes the connection once everything sent is written; nothing more is read.
    pub fn close(&mut self) {
        self.backlog.closing = true;
    }

    /// Bytes sent that the kernel has not taken yet: a session that forwards from elsewhere
    /// (relay) stops reading there while any wait.
    pub fn waiting(&self) -> usize {
        self.backlog.bytes.len()
    }

    /// Writes as much of `data` as the kernel takes now and keeps none of the rest: how much
    /// was taken (0 while anything else waits). For a session that can make its bytes again
    /// (chargen), so that a client that does not read costs no memory in netkit. An output
    /// that only queues (`--inetd`) takes it all.
    pub fn send_some(&mut self, data: &[u8]) -> usize {
        let Some(stream) = self.stream.as_deref_mut() else {
            self.backlog.bytes.extend_from_slice(data);
            return data.len();
        };
        if !self.backlog.bytes.is_empty() || self.error.is_some() {
            return 0;
        }
        let done = write_some(stream, data, &mut self.error);
        self.backlog.sent += done as u64;
        done
    }

    /// The write error, if a write failed.
    pub(crate) fn error(self) -> Option<io::Error> {
        self.error
    }
}

/// Writes as much of `data` as the kernel takes now; how much that was. A failed write is
/// put in `error`.
fn write_some(stream: &mut TcpStream, data: &[u8], error: &mut Option<io::Error>) -> usize {
    let mut done = 0;
    while done < data.len() {
        match stream.write(&data[done..]) {
            Ok(0) => break,
            Ok(n) => done += n,
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => break,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => {
                *error = Some(err);
                break;
            }
        }
    }
    done
}

impl Backlog {
    /// Writes what waits; `true` once nothing does (and its memory is returned).
    pub(super) fn flush(&mut self, stream: &mut TcpStream) -> io::Result<bool> {
        let pending = std::mem::take(&mut self.bytes);
        let mut out = Output::to(stream, self);
        // `send` puts back only the unwritten tail
        out.send(&pending);
        match out.error() {
            Some(err) => Err(err),
            None => Ok(self.bytes.is_empty()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::net::TcpStream;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::super::{bind::Listen, Limits, Server, Site};
    use super::*;

    static WRITABLE_CALLS: AtomicUsize = AtomicUsize::new(0);

    /// Writes 0, 1, ... 250, 0, 1, ... whenever there is room: chargen's shape.
    struct Counter;
    struct Counting(u8);

    impl Service for Counter {
        type Session = Counting;
        fn name(&self) -> &'static str {
            "counter"
        }
        fn open(&self, _out: &mut Output) -> Counting {
            Counting(0)
        }
        fn datagram<'a>(&'a self, _: &'a [u8], _: &'a mut Vec<u8>) -> Option<&'a [u8]> {
            None
        }
    }

    impl Session for Counting {
        fn wants_room(&self) -> bool {
            true
        }
        fn writable(&mut self, scratch: &mut [u8], out: &mut Output) {
            WRITABLE_CALLS.fetch_add(1, Ordering::Relaxed);
            let chunk = &mut scratch[..4096];
            for byte in chunk.iter_mut() {
                *byte = self.0;
                self.0 = (self.0 + 1) % 251;
            }
            out.send(chunk);
        }
    }

    #[test]
    fn a_session_writes_while_the_client_takes_more_and_waits_when_it_does_not() {
        crate::log::silence();
        let listen = Listen {
            bind: Some("127.0.0.1"),
            port: 0,
            backlog: 16,
            tcp: true,
            udp: false,
        };
        let sockets = listen.bind(1).unwrap();
        let addr = sockets[0].tcp[0].local_addr().unwrap();
        let server = Server::new(Limits {
            max_connections: 10,
            max_per_source: 10,
            udp_rate: 1,
            idle_timeout: None,
            grace: Duration::ZERO,
        });
        let stopper = server.stopper();
        let running = std::thread::spawn(move || {
            server.run(vec![Site {
                service: Counter,
                sockets,
            }])
        });
        let mut client = TcpStream::connect(addr).unwrap();
        client
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut got = vec![0; 4 << 20];
        client.read_exact(&mut got).unwrap();
        let wrong = got
            .iter()
            .enumerate()
            .position(|(i, &b)| b as usize != i % 251);
        assert_eq!(wrong, None, "the pattern broke");
        // the client stops reading: once the socket buffers are full, nothing is produced
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let before = WRITABLE_CALLS.load(Ordering::Relaxed);
            std::thread::sleep(Duration::from_millis(100));
            if WRITABLE_CALLS.load(Ordering::Relaxed) == before {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "the session was still asked for more after 10 s of a client not reading"
            );
        }
        stopper.stop();
        running.join().unwrap().unwrap();
    }
}
