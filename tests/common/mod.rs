//! The test harness: the built binary, servers on port 0, in-process peers, refused ports.
#![allow(dead_code)]

pub mod inetd;
pub mod process;
pub mod tls;
pub mod tty;
pub mod udp;

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::fd::{FromRawFd, OwnedFd};
use std::process::{Child, Command as StdCommand, ExitStatus, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

pub const BIN: &str = env!("CARGO_BIN_EXE_netkit");

/// The built binary with a scrubbed environment and a timeout, for `assert_cmd`.
pub fn netkit() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .timeout(Duration::from_secs(30));
    cmd
}

/// Polls `check` until it returns `Some`, or panics naming `what` after `limit`.
pub fn wait_for<T>(what: &str, limit: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(
            Instant::now() < deadline,
            "timed out after {limit:?} waiting for {what}"
        );
        thread::sleep(Duration::from_millis(10));
    }
}

/// A server child process, killed on drop; its stderr is collected for assertions.
pub struct Server {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
    reader: Option<thread::JoinHandle<()>>,
}

/// Starts `netkit ARGS --bind 127.0.0.1 --port 0` and waits for its `listening on` line.
pub fn spawn(args: &[&str]) -> Server {
    spawn_with(args, &["--bind", "127.0.0.1", "--port", "0"], &[])
}

/// Like `spawn`, with the address arguments and extra environment given.
pub fn spawn_with(args: &[&str], address: &[&str], env: &[(&str, &str)]) -> Server {
    let mut command = StdCommand::new(BIN);
    command
        .args(args)
        .args(address)
        .env_clear()
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped());
    command.envs(env.iter().copied());
    let mut child = command.spawn().expect("start netkit");
    let stderr = child.stderr.take().expect("piped stderr");
    let log = Arc::new(Mutex::new(String::new()));
    let sink = log.clone();
    let reader = thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            sink.lock().unwrap().push_str(&(line + "\n"));
        }
    });
    let mut server = Server {
        child,
        addr: "0.0.0.0:0".parse().unwrap(),
        log,
        reader: Some(reader),
    };
    let listening = server.wait_log("the 'listening on' line", |log| {
        let rest = &log[log.find("listening on ")? + "listening on ".len()..];
        rest.split_whitespace().next()?.parse::<SocketAddr>().ok()
    });
    server.addr = listening;
    server
}

impl Server {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn port(&self) -> String {
        self.addr.port().to_string()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    pub fn log(&self) -> String {
        self.log.lock().unwrap().clone()
    }

    /// Waits (10 s at most) until `find` sees what it wants in the server's stderr.
    pub fn wait_log<T>(&mut self, what: &str, mut find: impl FnMut(&str) -> Option<T>) -> T {
        let log = self.log.clone();
        let child = &mut self.child;
        wait_for(what, Duration::from_secs(10), || {
            if let Ok(Some(status)) = child.try_wait() {
                panic!(
                    "server exited with {status} before {what}; stderr:\n{}",
                    log.lock().unwrap()
                );
            }
            find(&log.lock().unwrap())
        })
    }

    /// Sends SIGTERM and waits (10 s at most) for the exit status.
    pub fn terminate(mut self) -> ExitStatus {
        // SAFETY: kill(2) on our own child's pid, which is not yet reaped
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
        self.wait_exit("the server to exit after SIGTERM")
    }

    /// Waits (10 s at most) for the server to exit by itself, then for the last of its log.
    pub fn wait_exit(&mut self, what: &str) -> ExitStatus {
        let child = &mut self.child;
        let status = wait_for(what, Duration::from_secs(10), || {
            child.try_wait().ok().flatten()
        });
        // the exited server held the only write end: its log ends now, at the pipe's EOF
        if let Some(reader) = self.reader.take() {
            reader.join().unwrap();
        }
        status
    }
}

impl Server {
    /// Sends `signal` and waits (10 s at most) for the exit status.
    pub fn signal(&mut self, signal: i32) -> std::process::ExitStatus {
        // SAFETY: kill(2) on our own child's pid, which is not yet reaped
        unsafe { libc::kill(self.child.id() as i32, signal) };
        let child = &mut self.child;
        wait_for(
            "the server to exit after a signal",
            Duration::from_secs(10),
            || child.try_wait().ok().flatten(),
        )
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An in-process server on 127.0.0.1:0 running `handler` for each connection; returns the port.
pub fn peer(handler: impl Fn(TcpStream) + Send + Sync + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let handler = Arc::new(handler);
    thread::spawn(move || {
        for stream in listener.incoming().map_while(Result::ok) {
            let handler = handler.clone();
            thread::spawn(move || handler(stream));
        }
    });
    port
}

/// A bound, non-listening socket kept alive: connects to it are refused, the port stays taken.
pub fn refused_addr() -> (socket2::Socket, u16) {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    let port = socket.local_addr().unwrap().as_socket().unwrap().port();
    (socket, port)
}

/// A listener whose accept queue is full, so that the next SYN is dropped and connects hang.
pub fn blackhole() -> (socket2::Socket, Vec<TcpStream>, u16) {
    let socket = socket2::Socket::new(socket2::Domain::IPV4, socket2::Type::STREAM, None).unwrap();
    socket
        .bind(&"127.0.0.1:0".parse::<SocketAddr>().unwrap().into())
        .unwrap();
    socket.listen(0).unwrap();
    let addr = socket.local_addr().unwrap().as_socket().unwrap();
    let mut fillers = Vec::new();
    // Linux admits backlog + 1 connections; once the queue is full, further SYNs go unanswered
    // a SYN-ACK on loopback takes microseconds; a second without one means the queue is full
    while let Ok(stream) = TcpStream::connect_timeout(&addr, Duration::from_secs(1)) {
        fillers.push(stream);
        assert!(fillers.len() < 16, "the accept queue never filled");
    }
    (socket, fillers, addr.port())
}

/// Reads everything until the peer closes (10 s at most).
pub fn read_all(stream: &mut TcpStream) -> Vec<u8> {
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut data = Vec::new();
    stream.read_to_end(&mut data).unwrap();
    data
}

/// Whether a program is on PATH; tests of interoperability say they are skipped without it,
/// or fail when `NETKIT_REQUIRE_PEERS=1` (as `.ci/run` sets it).
pub fn have(program: &str) -> bool {
    let found = std::env::var_os("PATH")
        .is_some_and(|path| std::env::split_paths(&path).any(|dir| dir.join(program).is_file()));
    if !found {
        skip(&format!(
            "{program} is not installed (bash .ci/run installs it)"
        ));
    }
    found
}

/// Says why a test of interoperability does not run: a line on stderr, or, when
/// `NETKIT_REQUIRE_PEERS=1`, a failure, so that CI never passes by skipping.
pub fn skip(reason: &str) {
    assert!(
        std::env::var_os("NETKIT_REQUIRE_PEERS").is_none_or(|v| v != "1"),
        "cannot run: {reason}; NETKIT_REQUIRE_PEERS=1 makes that a failure"
    );
    eprintln!("skipped: {reason}");
}

/// Lifts this test process's descriptor limit to the hard limit, for tests that open many.
pub fn raise_fd_limit() {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: valid pointer to a local struct
    unsafe {
        libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit);
        limit.rlim_cur = limit.rlim_max;
        libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
    }
}

/// Whether IPv6 loopback works here; tests of it say they are skipped without it.
pub fn have_ipv6() -> bool {
    let found = TcpListener::bind("[::1]:0").is_ok();
    if !found {
        eprintln!("skipped: no IPv6 loopback on this machine");
    }
    found
}

/// Pseudo-random bytes, every value from 0 to 255 included: test payloads that no line-based
/// or text-minded peer passes by accident. The bench's own pattern, from the library.
pub fn noise(len: usize) -> Vec<u8> {
    netkit::net::bench::pattern(len)
}

/// How a peer ended a connection.
#[derive(Debug, PartialEq, Eq)]
pub enum Closed {
    /// An orderly close: the read returned end of stream.
    Fin,
    /// A reset: the read failed with `ConnectionReset`.
    Reset,
}

/// Waits `limit` at most for the peer to end `stream`, and says how it did; panics when data
/// comes instead, when the wait times out, or on any other error.
pub fn wait_closed(stream: &mut TcpStream, limit: Duration) -> Closed {
    stream.set_read_timeout(Some(limit)).unwrap();
    let mut byte = [0u8];
    match stream.read(&mut byte) {
        Ok(0) => Closed::Fin,
        Ok(_) => panic!("data instead of the end of the connection: {byte:?}"),
        Err(err) if err.kind() == ErrorKind::ConnectionReset => Closed::Reset,
        Err(err) if matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
            panic!("the connection was still open after {limit:?}")
        }
        Err(err) => panic!("neither a FIN nor a reset: {err}"),
    }
}

/// Both ends of a new pipe, closed on exec (other tests start children at the same time).
fn pipe() -> (OwnedFd, OwnedFd) {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills both descriptors on success; from then on they are ours alone
    unsafe {
        assert_eq!(libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC), 0, "pipe2");
        (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1]))
    }
}

/// The write end of a pipe whose reader is already gone: every write fails with EPIPE.
pub fn closed_pipe() -> Stdio {
    let (read, write) = pipe();
    drop(read);
    Stdio::from(write)
}

/// The write end of a pipe whose reader takes the first `n` bytes and then closes it, as
/// `| head -c N` does; the receiver gets those bytes once the pipe is closed.
pub fn pipe_closing_after(n: usize) -> (OwnedFd, mpsc::Receiver<Vec<u8>>) {
    let (read, write) = pipe();
    let (done, head) = mpsc::channel();
    thread::spawn(move || {
        let mut head = Vec::new();
        let _ = std::fs::File::from(read)
            .take(n as u64)
            .read_to_end(&mut head);
        // the read end is closed here, before anyone hears of it
        let _ = done.send(head);
    });
    (write, head)
}

/// What `run_with_stderr_closed_early` saw.
#[derive(Debug)]
pub struct EarlyClose {
    pub status: ExitStatus,
    /// Empty when stdout went to the closed pipe too.
    pub stdout: Vec<u8>,
    /// The ten bytes of stderr read before the pipe was closed.
    pub head: Vec<u8>,
}

/// Runs `netkit ARGS` with `input` on stdin and stderr into a pipe that is closed after its
/// first ten bytes (`2>&1 | head -c 10` when `joined`, which sends stdout there as well).
/// `closed` runs once the pipe is closed: the peer should wait for it before answering, so
/// that netkit writes to the closed pipe for certain.
pub fn run_with_stderr_closed_early(
    args: &[&str],
    input: &[u8],
    joined: bool,
    closed: impl FnOnce(),
) -> EarlyClose {
    let (pipe, head) = pipe_closing_after(10);
    let stdout = if joined {
        Stdio::from(pipe.try_clone().unwrap())
    } else {
        Stdio::piped()
    };
    let mut child = StdCommand::new(BIN)
        .args(args)
        .env_clear()
        .stdin(Stdio::piped())
        .stdout(stdout)
        .stderr(Stdio::from(pipe))
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input).unwrap();
    drop(stdin);
    let head = head
        .recv_timeout(Duration::from_secs(10))
        .expect("ten bytes on stderr, then the pipe closed");
    closed();
    let status = wait_for("netkit to exit", Duration::from_secs(10), || {
        child.try_wait().unwrap()
    });
    let mut stdout = Vec::new();
    if let Some(mut out) = child.stdout.take() {
        out.read_to_end(&mut stdout).unwrap();
    }
    EarlyClose {
        status,
        stdout,
        head,
    }
}

/// A peer that sends one byte a second (at most 60), whatever it is sent: a server that
/// keeps each read busy but never finishes an answer.
pub fn drip() -> u16 {
    peer(|mut stream| {
        use std::io::Write;
        for _ in 0..60 {
            if stream.write_all(b"x").is_err() {
                return;
            }
            thread::sleep(Duration::from_secs(1));
        }
    })
}
