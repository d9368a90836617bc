//! UDP under the copy loop: each piece of input one datagram, each datagram received printed.

use std::collections::HashSet;
use std::io;
use std::mem::MaybeUninit;
use std::net::{SocketAddr, UdpSocket};
use std::os::fd::{AsFd, BorrowedFd};

use socket2::SockRef;

use super::Stream;
use crate::net::addr::canonical;
use crate::net::trace::Trace;
use crate::net::udp::MAX_PAYLOAD;

/// Senders remembered for the announcement of new ones; beyond this many, the memory starts
/// over (a flood of forged sources costs no more).
const HEARD_LIMIT: usize = 4096;

/// A UDP socket as a `Stream`. There is no FIN either way: `shut_write` does nothing and
/// `receive` never returns 0 (an empty datagram is "nothing yet"), so a conversation ends by
/// the pump's silence limit or its stop. The stream narrates its own datagrams on `--trace`,
/// since it knows where each came from.
pub struct Datagrams {
    socket: UdpSocket,
    /// Where sends go: the connected peer, or the most recent sender.
    peer: SocketAddr,
    listening: Option<Listening>,
    trace: Trace,
}

/// Called with each new sender of a listening socket, at its first datagram, with its address
/// as people write it: `raw` prints `Datagram from ADDR port PORT.`
pub type NewSender = Box<dyn FnMut(SocketAddr)>;

/// What a listening socket keeps about its senders.
struct Listening {
    heard: HashSet<SocketAddr>,
    on_new_sender: Option<NewSender>,
}

impl Datagrams {
    /// `socket` connected to `peer` (`udp::connect`): only the peer's datagrams arrive, and
    /// an ICMP port unreachable comes back from `send` or `receive` as `ConnectionRefused`.
    pub fn connected(socket: UdpSocket, peer: SocketAddr, trace: Trace) -> Datagrams {
        Datagrams {
            socket,
            peer,
            listening: None,
            trace,
        }
    }

    /// A bound `socket` that takes datagrams from anyone and sends to the most recent sender,
    /// `first` until another is heard. `on_new_sender` hears of each sender at its first
    /// datagram (and again after `HEARD_LIMIT` others, once the memory started over).
    pub fn listening(
        socket: UdpSocket,
        first: SocketAddr,
        on_new_sender: Option<NewSender>,
        trace: Trace,
    ) -> Datagrams {
        Datagrams {
            socket,
            peer: first,
            listening: Some(Listening {
                heard: HashSet::new(),
                on_new_sender,
            }),
            trace,
        }
    }

    /// One datagram into `buf`, with its length and sender; a datagram longer than `buf` is
    /// an error, never cut short in silence.
    fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        // SAFETY: `MaybeUninit<u8>` has the layout of `u8`, and recvfrom only ever writes
        // initialised bytes into the buffer, so `buf` stays initialised
        let uninit = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        // MSG_TRUNC: the length returned is the datagram's own, however much of it fitted
        let (len, from) =
            SockRef::from(&self.socket).recv_from_with_flags(uninit, libc::MSG_TRUNC)?;
        let from = from.as_socket().unwrap_or(self.peer);
        if len > buf.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "a datagram of {len} bytes is larger than the receive buffer ({} bytes)",
                    buf.len()
                ),
            ));
        }
        Ok((len, from))
    }
}

impl AsFd for Datagrams {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

impl Stream for Datagrams {
    fn set_nonblocking(&self) -> io::Result<()> {
        self.socket.set_nonblocking(true)
    }

    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (len, from) = match self.recv_from(buf) {
            Ok(got) => got,
            Err(err) => {
                if err.kind() != io::ErrorKind::ConnectionRefused {
                    return Err(err);
                }
                self.trace.step(format_args!(
                    "ICMP port unreachable: nothing listens on {}",
                    canonical(self.peer)
                ));
                // a listener's sender that went away; the others may still send
                if self.listening.is_some() {
                    return Err(io::ErrorKind::WouldBlock.into());
                }
                return Err(err);
            }
        };
        // a dual-stack socket sees IPv4 senders as ::ffff:a.b.c.d; people know a.b.c.d (the
        // socket still needs the mapped form to answer)
        let sender = canonical(from);
        self.trace.step(format_args!(
            "received a datagram of {len} bytes from {sender}"
        ));
        if let Some(listening) = &mut self.listening {
            if !listening.heard.contains(&from) {
                if listening.heard.len() >= HEARD_LIMIT {
                    listening.heard.clear();
                }
                listening.heard.insert(from);
                if let Some(on_new_sender) = listening.on_new_sender.as_mut() {
                    on_new_sender(sender);
                }
            }
            self.peer = from;
        }
        if len == 0 {
            // 0 would be the end of data to the pump, and a datagram is no FIN
            return Err(io::ErrorKind::WouldBlock.into());
        }
        Ok(len)
    }

    fn send(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let piece = &bytes[..bytes.len().min(MAX_PAYLOAD)];
        let sent = match self.listening {
            Some(_) => self.socket.send_to(piece, self.peer),
            None => self.socket.send(piece),
        };
        match sent {
            Ok(n) => {
                self.trace.step(format_args!(
                    "sent a datagram of {n} bytes to {}",
                    canonical(self.peer)
                ));
                Ok(n)
            }
            Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {
                self.trace.step(format_args!(
                    "ICMP port unreachable: nothing listens on {}",
                    canonical(self.peer)
                ));
                Err(err)
            }
            Err(err) => Err(err),
        }
    }

    fn shut_write(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn max_datagram(&self) -> Option<usize> {
        Some(MAX_PAYLOAD)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (Datagrams, UdpSocket) {
        let theirs = UdpSocket::bind("127.0.0.1:0").unwrap();
        let ours = UdpSocket::bind("127.0.0.1:0").unwrap();
        let peer = theirs.local_addr().unwrap();
        ours.connect(peer).unwrap();
        theirs.connect(ours.local_addr().unwrap()).unwrap();
        (Datagrams::connected(ours, peer, Trace::default()), theirs)
    }

    #[test]
    fn a_datagram_longer_than_the_buffer_is_an_error() {
        let (mut ours, theirs) = pair();
        theirs.send(&[7; 100]).unwrap();
        let err = ours.receive(&mut [0; 10]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            err.to_string(),
            "a datagram of 100 bytes is larger than the receive buffer (10 bytes)"
        );
        theirs.send(&[8; 10]).unwrap();
        let mut buf = [0; 10];
        assert_eq!(ours.receive(&mut buf).unwrap(), 10, "the next one fits");
        assert_eq!(buf, [8; 10]);
    }

    #[test]
    fn an_empty_datagram_is_nothing_yet_and_sends_are_capped() {
        let (mut ours, theirs) = pair();
        theirs.send(b"").unwrap();
        let err = ours.receive(&mut [0; 10]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::WouldBlock);
        assert_eq!(ours.send(&vec![1; MAX_PAYLOAD + 10]).unwrap(), MAX_PAYLOAD);
        let mut buf = vec![0; 70_000];
        assert_eq!(theirs.recv(&mut buf).unwrap(), MAX_PAYLOAD);
    }

    #[test]
    fn a_listener_answers_the_most_recent_sender() {
        let ours = UdpSocket::bind("127.0.0.1:0").unwrap();
        let at = ours.local_addr().unwrap();
        let (a, b) = (
            UdpSocket::bind("127.0.0.1:0").unwrap(),
            UdpSocket::bind("127.0.0.1:0").unwrap(),
        );
        let heard = std::rc::Rc::new(std::cell::RefCell::new(Vec::new()));
        let on_new_sender = {
            let heard = heard.clone();
            Box::new(move |sender| heard.borrow_mut().push(sender))
        };
        let first = a.local_addr().unwrap();
        let mut ours = Datagrams::listening(ours, first, Some(on_new_sender), Trace::default());
        let mut buf = [0; 16];
        for (sender, text) in [(&a, b"from a"), (&b, b"from b")] {
            sender.send_to(text, at).unwrap();
            assert_eq!(ours.receive(&mut buf).unwrap(), 6);
            ours.send(b"reply").unwrap();
            let (n, from) = sender.recv_from(&mut buf).unwrap();
            assert_eq!((&buf[..n], from), (&b"reply"[..], at));
        }
        a.send_to(b"again", at).unwrap();
        assert_eq!(ours.receive(&mut buf).unwrap(), 5);
        let senders = [first, b.local_addr().unwrap()];
        assert_eq!(*heard.borrow(), senders, "each sender is told of once");
    }
}
