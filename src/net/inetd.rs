//! `--inetd`: one conversation on the socket inetd hands over as stdin and stdout, or, for a
//! datagram service (`wait`), the datagrams on the socket it hands over.

use std::io::{self, Read, Write};
use std::net::UdpSocket;
use std::time::{Duration, Instant};

use super::admission::Admission;
use super::serve::{Next, Service};

/// How long a datagram service stays for more after the last datagram: inetd watches the
/// socket again only once the server has exited, and starting a process per datagram is slow.
pub const DATAGRAM_LINGER: Duration = Duration::from_secs(10);

/// Serves one conversation on blocking streams; ends at the client's EOF or the first error.
pub fn converse<S: Service>(
    service: &S,
    mut input: impl Read,
    mut output: impl Write,
) -> io::Result<()> {
    let mut out = Vec::new();
    let next = service.greet(&mut out);
    output.write_all(&out)?;
    output.flush()?;
    if next == Next::Close {
        return Ok(());
    }
    let mut buf = vec![0; 64 * 1024];
    loop {
        match input.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                output.write_all(service.reply(&buf[..n]))?;
                output.flush()?;
            }
            Err(err) if err.kind() == io::ErrorKind::Interrupted => {}
            Err(err) => return Err(err),
        }
    }
}

/// Answers the datagrams arriving on `socket` (the one inetd bound) until none has come for
/// `linger`; the same rules as a server's: no answer to reflecting ports, `rate` per address.
pub fn datagrams<S: Service>(
    service: &S,
    socket: &UdpSocket,
    rate: u32,
    linger: Duration,
) -> io::Result<()> {
    let admission = Admission::new(0, 0, rate);
    socket.set_nonblocking(false)?;
    socket.set_read_timeout(Some(linger))?;
    let mut buf = vec![0; 64 * 1024];
    let mut answer = Vec::new();
    loop {
        let (n, peer) = match socket.recv_from(&mut buf) {
            Ok(got) => got,
            Err(err) if crate::error::timed_out(&err) => return Ok(()),
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            // an ICMP error from an earlier reply concerns no one now
            Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => continue,
            Err(err) => return Err(err),
        };
        if admission.udp_answer(peer, Instant::now()).is_err() {
            continue;
        }
        answer.clear();
        service.datagram(&buf[..n], &mut answer);
        // UDP promises nothing: a reply the kernel will not take is dropped
        let _ = socket.send_to(&answer, peer);
    }
}
