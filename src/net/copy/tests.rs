//! The pump's tests: each way a conversation ends, and a layered stream shaped like TLS.

use super::*;
use std::fs::File;
use std::net::{Shutdown, TcpListener, TcpStream};
use std::os::unix::net::UnixStream;
use std::thread;
use std::time::Instant;

/// An input that holds `bytes` and then ends, as a pipe whose writer has closed would.
fn piped(bytes: &[u8]) -> UnixStream {
    let (mut writer, reader) = UnixStream::pair().unwrap();
    writer.write_all(bytes).unwrap();
    reader
}

#[test]
fn input_end_half_closes_and_the_answer_still_arrives() {
    let (ours, mut theirs) = UnixStream::pair().unwrap();
    let server = thread::spawn(move || {
        let mut request = Vec::new();
        theirs.read_to_end(&mut request).unwrap(); // ends only with our FIN
        theirs.write_all(b"got it").unwrap();
        request
    });
    let mut out = Vec::new();
    let options = Options {
        crlf: true,
        ..Options::default()
    };
    let end = pump(ours, piped(b"HELO x\n"), &mut out, options);
    assert_eq!(end.unwrap(), End::PeerClosed);
    assert_eq!(out, b"got it");
    assert_eq!(server.join().unwrap(), b"HELO x\r\n");
}

#[test]
fn peer_fin_does_not_end_piped_input() {
    let (ours, mut theirs) = UnixStream::pair().unwrap();
    let (mut typing, input) = UnixStream::pair().unwrap();
    // the peer is done talking before netkit starts, and still reads
    theirs.write_all(b"bye\n").unwrap();
    theirs.shutdown(Shutdown::Write).unwrap();
    let server = thread::spawn(move || {
        let mut got = Vec::new();
        theirs.read_to_end(&mut got).unwrap();
        got
    });
    let writer = thread::spawn(move || {
        for _ in 0..100 {
            typing.write_all(&[0xff; 1000]).unwrap();
        }
    });
    let mut out = Vec::new();
    let end = pump(ours, input, &mut out, Options::default());
    writer.join().unwrap();
    assert_eq!(end.unwrap(), End::PeerClosed);
    assert_eq!(out, b"bye\n");
    assert_eq!(server.join().unwrap(), vec![0xff; 100_000]);
}

#[test]
fn peer_gone_before_the_input_ended_is_unsent() {
    let (ours, theirs) = UnixStream::pair().unwrap();
    drop(theirs);
    let (mut typing, input) = UnixStream::pair().unwrap();
    typing.write_all(b"lost\n").unwrap();
    match pump(ours, input, &mut Vec::new(), Options::default()) {
        Err(Failure::Unsent(err)) => assert_eq!(err.kind(), io::ErrorKind::BrokenPipe),
        other => panic!("{other:?}"),
    }
}

#[test]
fn tcp_peer_that_closed_without_reading_is_unsent() {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let ours = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
    drop(listener.accept().unwrap()); // closed at once, FIN only
                                      // a few bytes fit the socket at once; only the peer's reset tells they were lost
    match pump(
        ours,
        piped(b"too late\n"),
        &mut Vec::new(),
        Options::default(),
    ) {
        Err(Failure::Unsent(_)) => {}
        other => panic!("{other:?}"),
    }
}

#[test]
fn telnet_answers_go_out_while_input_waits() {
    let (ours, mut theirs) = UnixStream::pair().unwrap();
    let (keep_open, input) = UnixStream::pair().unwrap();
    let server = thread::spawn(move || {
        theirs.write_all(&[b'a', 255, 253, 24, b'b']).unwrap();
        let mut answer = [0u8; 3];
        theirs.read_exact(&mut answer).unwrap();
        drop(keep_open); // the input ends only once the answer has come
        answer
    });
    let mut out = Vec::new();
    let options = Options {
        telnet: true,
        ..Options::default()
    };
    assert_eq!(
        pump(ours, input, &mut out, options).unwrap(),
        End::PeerClosed
    );
    assert_eq!(out, b"ab");
    assert_eq!(server.join().unwrap(), [255, 252, 24]);
}

#[test]
fn silence_after_input_end_ends_the_conversation() {
    let (ours, _silent) = UnixStream::pair().unwrap();
    let options = Options {
        idle: Some(Duration::from_millis(200)),
        ..Options::default()
    };
    let started = Instant::now();
    let input = File::open("/dev/null").unwrap();
    let end = pump(ours, input, &mut Vec::new(), options);
    assert_eq!(end.unwrap(), End::Silence);
    assert!(started.elapsed() >= Duration::from_millis(200));
}

#[test]
fn failing_input_is_reported() {
    let (ours, _silent) = UnixStream::pair().unwrap();
    // poll says a directory is readable; reading it fails
    let input = File::open("/").unwrap();
    match pump(ours, input, &mut Vec::new(), Options::default()) {
        Err(Failure::Input(err)) => assert_eq!(err.kind(), io::ErrorKind::IsADirectory),
        other => panic!("{other:?}"),
    }
}

/// A layer with buffers of its own in both directions, as TLS has: what is sent waits
/// for `flush`, what arrives is handed out a byte at a time, and the end of our data is
/// a record of its own before the FIN.
struct Layered {
    socket: UnixStream,
    outgoing: Vec<u8>,
    incoming: std::collections::VecDeque<u8>,
    eof: bool,
    shutting: bool,
}

impl AsFd for Layered {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.socket.as_fd()
    }
}

impl Stream for Layered {
    fn set_nonblocking(&self) -> io::Result<()> {
        self.socket.set_nonblocking(true)
    }
    fn receive(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.incoming.is_empty() && !self.eof {
            let mut chunk = [0u8; 4096];
            match self.socket.read(&mut chunk)? {
                0 => self.eof = true,
                n => self.incoming.extend(&chunk[..n]),
            }
        }
        match self.incoming.pop_front() {
            Some(byte) => {
                buf[0] = byte;
                Ok(1)
            }
            None if self.eof => Ok(0),
            None => Err(io::ErrorKind::WouldBlock.into()),
        }
    }
    fn send(&mut self, bytes: &[u8]) -> io::Result<usize> {
        let room = 8192_usize.saturating_sub(self.outgoing.len());
        if room == 0 {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        let n = room.min(bytes.len());
        self.outgoing.extend_from_slice(&bytes[..n]);
        Ok(n)
    }
    fn shut_write(&mut self) -> io::Result<()> {
        self.outgoing.extend_from_slice(b"<end>");
        self.shutting = true;
        Ok(())
    }
    fn wants_flush(&self) -> bool {
        !self.outgoing.is_empty() || self.shutting
    }
    fn flush(&mut self) -> io::Result<()> {
        while !self.outgoing.is_empty() {
            let n = self.socket.write(&self.outgoing)?;
            self.outgoing.drain(..n);
        }
        if std::mem::take(&mut self.shutting) {
            self.socket.shutdown(Shutdown::Write)?;
        }
        Ok(())
    }
    fn buffered(&self) -> bool {
        !self.incoming.is_empty()
    }
}

#[test]
fn a_layer_with_its_own_buffers_fits_the_pump() {
    let (ours, mut theirs) = UnixStream::pair().unwrap();
    let input: Vec<u8> = (0..300_000_u32).map(|i| (i * 7 % 256) as u8).collect();
    let server = thread::spawn(move || {
        theirs.write_all(b"hello, layer").unwrap();
        let mut got = Vec::new();
        theirs.read_to_end(&mut got).unwrap(); // ends only after the <end> record and FIN
        got
    });
    let (mut typing, piped_input) = UnixStream::pair().unwrap();
    let sent = input.clone();
    let writer = thread::spawn(move || typing.write_all(&sent).unwrap());
    let layered = Layered {
        socket: ours,
        outgoing: Vec::new(),
        incoming: Default::default(),
        eof: false,
        shutting: false,
    };
    let mut out = Vec::new();
    let end = pump(layered, piped_input, &mut out, Options::default());
    writer.join().unwrap();
    assert_eq!(end.unwrap(), End::PeerClosed);
    assert_eq!(out, b"hello, layer");
    let got = server.join().unwrap();
    assert!(got.ends_with(b"<end>"), "the closing record came last");
    assert!(got[..got.len() - 5] == input[..], "the data arrived whole");
}

#[test]
fn the_dump_sees_each_chunk_both_ways() {
    let (ours, mut theirs) = UnixStream::pair().unwrap();
    let server = thread::spawn(move || {
        let mut got = Vec::new();
        theirs.read_to_end(&mut got).unwrap();
        theirs.write_all(b"pong").unwrap();
    });
    let path = std::env::temp_dir().join(format!("netkit-dump-{}.txt", std::process::id()));
    let mut dump = Hexdump::file(File::create(&path).unwrap());
    let sidecar = Sidecar {
        dump: Some(&mut dump),
        ..Sidecar::default()
    };
    let options = Options {
        crlf: true,
        ..Options::default()
    };
    let mut out = Vec::new();
    let end = pump_with(ours, piped(b"ping\n"), &mut out, options, sidecar);
    server.join().unwrap();
    assert_eq!(end.unwrap(), End::PeerClosed);
    let text = std::fs::read_to_string(&path).unwrap();
    let _ = std::fs::remove_file(&path);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    // the wire bytes: -C's CR LF included
    assert!(lines[0].ends_with(" > 6 bytes"), "{text}");
    assert!(
        lines[1].starts_with("00000000  70 69 6e 67 0d 0a "),
        "{text}"
    );
    assert!(lines[2].ends_with(" < 4 bytes"), "{text}");
    assert!(lines[3].ends_with("  |pong|"), "{text}");
}

#[test]
fn a_readable_stop_ends_the_conversation() {
    let (ours, _theirs) = UnixStream::pair().unwrap();
    let (mut signal, stop) = UnixStream::pair().unwrap();
    signal.write_all(b"!").unwrap();
    let (_typing, input) = UnixStream::pair().unwrap();
    let sidecar = Sidecar {
        dump: None,
        stop: Some(stop.as_fd()),
        ..Sidecar::default()
    };
    let end = pump_with(ours, input, &mut Vec::new(), Options::default(), sidecar);
    assert_eq!(end.unwrap(), End::Stopped);
}

#[test]
fn datagrams_end_by_silence_once_the_input_ended() {
    use std::net::UdpSocket;
    let server = UdpSocket::bind("127.0.0.1:0").unwrap();
    let peer = server.local_addr().unwrap();
    thread::spawn(move || {
        let mut buf = [0u8; 64];
        while let Ok((n, from)) = server.recv_from(&mut buf) {
            let _ = server.send_to(&buf[..n], from);
        }
    });
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.connect(peer).unwrap();
    let stream = Datagrams::connected(socket, peer, Trace::default());
    let options = Options {
        idle: Some(Duration::from_millis(200)),
        ..Options::default()
    };
    let mut out = Vec::new();
    let end = pump(stream, piped(b"one datagram\n"), &mut out, options);
    assert_eq!(end.unwrap(), End::Silence);
    assert_eq!(out, b"one datagram\n");
}
