//! Client-side reading with the `--trace` narration: bytes received, the peer's FIN.

use std::io::{self, Read};
use std::net::TcpStream;

use super::trace::Trace;

/// Reads until the peer closes, keeping at most `limit` bytes; a hostile server that never
/// stops talking costs no more than that. Times out as the stream's read timeout says.
pub fn until_eof(stream: &mut TcpStream, limit: usize, trace: &Trace) -> io::Result<Vec<u8>> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => {
                trace.step("FIN received from the peer (end of data)");
                return Ok(data);
            }
            Ok(n) => {
                trace.step(format_args!("received {n} bytes"));
                let room = limit.saturating_sub(data.len());
                data.extend_from_slice(&buf[..n.min(room)]);
                if data.len() >= limit {
                    trace.step(format_args!("stopped reading after {limit} bytes"));
                    return Ok(data);
                }
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}
