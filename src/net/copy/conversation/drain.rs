//! The end of a conversation after both FINs: waiting until the peer has acknowledged all of
//! the input, or says with a reset that it never will.

use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::time::Duration;

use super::{closed, Copy};
use crate::net::copy::{End, Failure, Stream};
use crate::net::poll::{self, Watch};

/// The longest pause between two looks at what the peer has acknowledged (see `drain`).
const DRAIN_PAUSE: Duration = Duration::from_millis(50);

impl<I: Read + AsFd, W: Write> Copy<'_, I, W> {
    /// After the peer's FIN and ours: the input is delivered once the peer has acknowledged
    /// all of it. No event says so, hence the look every few milliseconds; a reset comes
    /// back as the error.
    pub(super) fn drain(&self, stream: &impl Stream) -> Result<End, Failure> {
        let mut pause = Duration::from_millis(1);
        let mut waiting = false;
        loop {
            match stream.unacknowledged() {
                Ok(0) => {
                    if waiting {
                        self.trace.step("the peer acknowledged all of the input");
                    }
                    return Ok(End::PeerClosed);
                }
                Ok(n) if !waiting => {
                    self.trace.step(format_args!(
                        "waiting for the peer to acknowledge {n} bytes"
                    ));
                    waiting = true;
                }
                Ok(_) => {}
                Err(err) if closed(&err) => return Err(Failure::Unsent(err)),
                Err(err) => return Err(Failure::Send(err)),
            }
            if let (Some(limit), Some(sent)) = (self.idle, self.fin_sent) {
                if sent.elapsed() >= limit {
                    self.trace.step(format_args!(
                        "nothing acknowledged for {:.1} s since the end of input",
                        limit.as_secs_f64()
                    ));
                    return Ok(End::Silence);
                }
            }
            // the pause is a wait on the stop, so that a signal ends it at once
            let [stop] = poll::wait(
                [self.stop.map(|fd| Watch {
                    fd,
                    read: true,
                    write: false,
                })],
                Some(pause),
            )
            .map_err(Failure::Send)?;
            if stop.read || stop.trouble {
                self.trace.step("signal received: the conversation is over");
                return Ok(End::Stopped);
            }
            pause = (pause * 2).min(DRAIN_PAUSE);
        }
    }
}
