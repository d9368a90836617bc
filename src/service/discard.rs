//! Discard (RFC 863): whatever arrives is dropped; nothing is ever sent back.

use crate::net::serve::{Output, Service};

/// The well-known port (RFC 863).
pub const PORT: u16 = 9;

pub struct Discard;

impl Service for Discard {
    /// The default session: reads and drops, closes at the client's FIN.
    type Session = ();

    fn name(&self) -> &'static str {
        "discard"
    }

    fn open(&self, _out: &mut Output) {}

    fn datagram<'a>(&'a self, _input: &'a [u8], _scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        None
    }
}
