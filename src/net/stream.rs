//! Client-side stream I/O with the `--trace` narration: sends, receives, half-close, the FIN.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};

use super::trace::Trace;

/// Writes all of `data`.
pub fn send(stream: &mut TcpStream, data: &[u8], trace: &Trace) -> io::Result<()> {
    stream.write_all(data)?;
    trace.step(format_args!("sent {} bytes", data.len()));
    Ok(())
}

/// Reads until `want` bytes have come or the peer closes (then fewer come back); times out as
/// the stream's read timeout says.
pub fn receive(stream: &mut TcpStream, want: usize, trace: &Trace) -> io::Result<Vec<u8>> {
    let mut data = vec![0; want];
    let mut got = 0;
    while got < want {
        match stream.read(&mut data[got..]) {
            Ok(0) => {
                trace.step("FIN received from the peer (end of data)");
                break;
            }
            Ok(n) => {
                trace.step(format_args!("received {n} bytes"));
                got += n;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
    data.truncate(got);
    Ok(data)
}

/// Reads until the peer closes, keeping at most `limit` bytes; a hostile server that never
/// stops talking costs no more than that.
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

/// Sends our FIN: the peer sees end of data, and can still answer.
pub fn shut_write(stream: &TcpStream, trace: &Trace) -> io::Result<()> {
    stream.shutdown(Shutdown::Write)?;
    trace.step("write half shut down (FIN sent)");
    Ok(())
}
