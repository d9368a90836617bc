//! The bytes of a conversation: the peer's to the output (telnet decoded), the input's to the
//! outbox (encoded, cut at the escape key), the outbox's to the stream.

use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::time::Instant;

use super::Copy;
use crate::error::again;
use crate::net::copy::escape;
use crate::net::copy::hexdump::Direction;
use crate::net::copy::{Failure, Stream};

impl<I: Read + AsFd, W: Write> Copy<'_, I, W> {
    /// One read from the peer: data to the output, telnet answers to the outbox, or its FIN.
    pub(super) fn receive(&mut self, stream: &mut impl Stream) -> Result<(), Failure> {
        let n = match stream.receive(&mut self.buf) {
            Ok(0) => {
                self.peer_done = true;
                self.trace.step("FIN received from the peer (end of data)");
                if !self.terminal && (self.input_open || !self.outbox.is_empty()) {
                    self.trace
                        .step("the peer sends no more; the rest of the input still goes out");
                }
                return Ok(());
            }
            Ok(n) => n,
            Err(err) if again(&err) => return Ok(()),
            Err(err) => return Err(self.lost(err, Failure::Receive)),
        };
        self.last_heard = Instant::now();
        self.received += n as u64;
        if !self.datagrams {
            self.trace.step(format_args!("received {n} bytes"));
        }
        if let Some(dump) = self.dump.as_mut() {
            dump.record(Direction::Received, &self.buf[..n])
                .map_err(Failure::Dump)?;
        }
        let shown = match self.decoder.as_mut() {
            Some(decoder) => {
                self.data.clear();
                self.answers.clear();
                decoder.feed(&self.buf[..n], &mut self.data, &mut self.answers);
                if !self.answers.is_empty() {
                    if self.fin_sent.is_some() {
                        // our write half is shut: nothing more can go, answers included
                        self.trace.step(format_args!(
                            "telnet answers of {} bytes not sent: our side is closed",
                            self.answers.len()
                        ));
                    } else {
                        self.outbox.answer(&self.answers);
                    }
                }
                &self.data[..]
            }
            None => &self.buf[..n],
        };
        if !shown.is_empty() {
            self.output
                .write_all(shown)
                .and_then(|()| self.output.flush())
                .map_err(Failure::Output)?;
        }
        Ok(())
    }

    /// Writes what waits in the outbox (and what the stream holds) until the socket is full.
    pub(super) fn send(&mut self, stream: &mut impl Stream) -> Result<(), Failure> {
        loop {
            if stream.wants_flush() {
                match stream.flush() {
                    Ok(()) => {}
                    Err(err) if again(&err) => return Ok(()),
                    Err(err) => return Err(self.lost(err, Failure::Send)),
                }
            }
            let bytes = self.outbox.next();
            if bytes.is_empty() {
                if stream.wants_flush() {
                    continue;
                }
                return Ok(());
            }
            match stream.send(bytes) {
                Ok(0) => {
                    let err = io::Error::from(io::ErrorKind::WriteZero);
                    return Err(self.lost(err, Failure::Send));
                }
                Ok(n) => {
                    self.sent += n as u64;
                    if !self.datagrams {
                        self.trace.step(format_args!("sent {n} bytes"));
                    }
                    if let Some(dump) = self.dump.as_mut() {
                        dump.record(Direction::Sent, &bytes[..n])
                            .map_err(Failure::Dump)?;
                    }
                    self.outbox.advance(n);
                }
                // a layer full of its own records takes more once they are out
                Err(err) if err.kind() == io::ErrorKind::WouldBlock && stream.wants_flush() => {}
                Err(err) if again(&err) => return Ok(()),
                Err(err) => return Err(self.lost(err, Failure::Send)),
            }
        }
    }

    /// One read of the input, encoded into the outbox; at its end, what the encoding owes.
    pub(super) fn read_input(&mut self) -> Result<(), Failure> {
        match self.input.read(&mut self.buf[..self.piece]) {
            Ok(0) => {
                self.input_open = false;
                let tail = self.encoding.finish(&mut self.wire);
                self.outbox.push(tail);
            }
            Ok(n) => {
                let typed = &self.buf[..n];
                let (now, escaped) = match &self.escape {
                    Some(escape) => escape::split(escape.key(), typed),
                    None => (typed, None),
                };
                let bytes = self.encoding.apply(now, &mut self.wire);
                self.outbox.push(bytes);
                self.escaped = escaped.map(<[u8]>::to_vec);
            }
            // a descriptor someone else made non-blocking; poll says when to try again
            Err(err) if again(&err) => {}
            Err(err) => return Err(Failure::Input(err)),
        }
        Ok(())
    }
}
