//! Datagrams: a loop reads a batch from a UDP socket at a time, and each datagram is answered
//! (or not) by [`answer`], which `--inetd` uses too.

use std::io;
use std::net::{SocketAddr, UdpSocket};
use std::time::{Duration, Instant};

use super::guard::{self, Verdict};
use super::{Guard, Loop, Service};
use crate::{debug, info, warn};

/// Datagrams answered per socket per wake-up before the loop's clients get a turn.
const DATAGRAM_BATCH: usize = 256;

impl<S: Service> Loop<'_, S> {
    /// Answers a batch of datagrams from one UDP socket.
    pub(super) fn datagrams(&mut self, index: usize) {
        for _ in 0..DATAGRAM_BATCH {
            let Some((socket, service)) = self.udp.get(index) else {
                return;
            };
            let service = &self.services[*service];
            let (n, peer) = match socket.recv_from(&mut self.buf) {
                Ok(got) => got,
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => return,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                // an ICMP error from an earlier reply, and the like: it concerns no one now,
                // but what is queued behind it does; come back shortly rather than spin
                Err(err) => {
                    debug!(
                        service.name(),
                        "udp receive failed: {}",
                        crate::error::reason(&err)
                    );
                    self.udp_retry = Some(self.now + Duration::from_millis(10));
                    return;
                }
            };
            let datagram = (&self.buf[..n], peer);
            answer(
                service,
                &self.shared.guard,
                socket,
                datagram,
                self.now,
                &mut self.scratch,
            );
        }
        self.udp_again.push(index);
    }
}

/// Answers one datagram, `(bytes, sender)`, received on `socket`, when the service has an
/// answer and the guard lets it through, and logs what happened (one not answered at all is
/// an info line once a second, a debug line otherwise). UDP promises nothing: a reply
/// the kernel will not take is dropped. `scratch` is room for the answer, reused.
pub fn answer<S: Service>(
    service: &S,
    guard: &Guard,
    socket: &UdpSocket,
    (input, from): (&[u8], SocketAddr),
    now: Instant,
    scratch: &mut Vec<u8>,
) {
    let name = service.name();
    // the sender as logged and guarded; the answer goes to `from` as the socket gave it
    let peer = super::canonical(from);
    scratch.clear();
    let Some(reply) = service.datagram(input, scratch) else {
        // a flood at discard must cost a count, not a line (a String) per datagram
        let len = input.len();
        match guard.unanswered(now) {
            Some(0) => info!(name, "datagram from {peer} ({len} bytes in, not answered)"),
            Some(more) => info!(
                name,
                "datagram from {peer} ({len} bytes in, not answered); {more} more not answered \
                 since the last line like this"
            ),
            None => debug!(name, "datagram from {peer} ({len} bytes in, not answered)"),
        }
        return;
    };
    match guard.check(peer, input, reply, now) {
        Verdict::Answer => {}
        Verdict::Ignore(why) => {
            debug!(name, "ignored a datagram from {peer}: {why}");
            return;
        }
        Verdict::Loop => {
            warn!(
                name,
                "{peer} answered each of our answers at once, {} times in a row: a loop with \
                 another server, suspected; not answering it for {} s",
                guard::STREAK,
                guard::MUTE.as_secs()
            );
            return;
        }
    }
    match socket.send_to(reply, from) {
        Ok(sent) => info!(
            name,
            "datagram from {peer} ({} bytes in, {sent} bytes out)",
            input.len()
        ),
        Err(err) => debug!(name, "cannot answer {peer}: {}", crate::error::reason(&err)),
    }
}
