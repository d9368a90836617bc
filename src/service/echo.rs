//! Echo (RFC 862): every byte received goes back, unchanged and in order.

use crate::net::serve::{Output, Service, Session};

/// The well-known port (RFC 862).
pub const PORT: u16 = 7;

pub struct Echo;

/// An echo connection keeps nothing: each read is written back at once.
pub struct Echoing;

impl Service for Echo {
    type Session = Echoing;

    fn name(&self) -> &'static str {
        "echo"
    }

    fn open(&self, _out: &mut Output) -> Echoing {
        Echoing
    }

    fn datagram<'a>(&'a self, input: &'a [u8], _scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        Some(input)
    }
}

impl Session for Echoing {
    fn received(&mut self, input: &[u8], out: &mut Output) {
        out.send(input);
    }
}
