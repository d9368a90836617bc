//! `--inetd`: one conversation on the socket inetd hands over as stdin and stdout.

use std::io::{self, Read, Write};

use super::serve::{Next, Service};

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
