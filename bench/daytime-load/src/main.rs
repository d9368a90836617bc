//! Load generators for the netkit benchmarks that `netkit echo bench` does not
//! cover. Loopback only: any other target address is refused.
//!
//!   daytime-load daytime HOST PORT [--threads N] [--concurrency C]
//!                [--duration SECS] [--max-conns COUNT] [--linger0]
//!                [--sources K] [--timeout-ms MS] [--json]
//!       Connection-rate test: connect, read to EOF, close, repeat.
//!
//!   daytime-load idle HOST PORT [--connections N] [--hold SECS]
//!                [--size BYTES] [--timeout SECS] [--json]
//!       Open N connections, keep them idle for --hold seconds, then send one
//!       BYTES-sized message on every connection and verify the echo.
//!
//!   daytime-load chargen HOST PORT [--connections N] [--duration SECS] [--json]
//!       Read what a chargen server sends on N connections (a thread each) as fast
//!       as it comes, for SECS seconds: MB/s to a reading client.
//!
//! Both are mio (epoll) event loops: a blocking thread-per-connection client
//! would spend the shared 2 cores on context switches and measure itself
//! rather than the server.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpStream as StdTcpStream, ToSocketAddrs};
use std::os::fd::{FromRawFd, RawFd};
use std::process::exit;
use std::time::{Duration, Instant};

use mio::net::TcpStream;
use mio::{Events, Interest, Poll, Token};

fn usage() -> ! {
    eprintln!(
        "usage:\n  daytime-load daytime HOST PORT [--threads N=2] [--concurrency C=16] \
         [--duration SECS=5] [--max-conns COUNT=5000000] [--linger0] [--sources K=1] \
         [--timeout-ms MS=2000] [--json]\n  daytime-load idle HOST PORT [--connections N=10000] \
         [--hold SECS=2] [--size BYTES=64] [--timeout SECS=20] [--json]\n  daytime-load chargen \
         HOST PORT [--connections N=1] [--duration SECS=5] [--json]"
    );
    exit(2)
}

struct Args {
    mode: String,
    target: SocketAddr,
    flags: HashMap<String, String>,
    json: bool,
    linger0: bool,
}

impl Args {
    fn parse() -> Args {
        let argv: Vec<String> = std::env::args().skip(1).collect();
        let mut pos = Vec::new();
        let mut flags = HashMap::new();
        let (mut json, mut linger0) = (false, false);
        let mut i = 0;
        while i < argv.len() {
            let a = &argv[i];
            match a.as_str() {
                "--json" => json = true,
                "--linger0" => linger0 = true,
                "-h" | "--help" => usage(),
                s if s.starts_with("--") => {
                    let v = argv.get(i + 1).cloned().unwrap_or_else(|| usage());
                    flags.insert(s[2..].to_string(), v);
                    i += 1;
                }
                _ => pos.push(a.clone()),
            }
            i += 1;
        }
        if pos.len() != 3 || !matches!(pos[0].as_str(), "daytime" | "idle" | "chargen") {
            usage()
        }
        let port: u16 = pos[2].parse().unwrap_or_else(|_| usage());
        let target = (pos[1].as_str(), port)
            .to_socket_addrs()
            .ok()
            .and_then(|mut it| it.next())
            .unwrap_or_else(|| {
                eprintln!("daytime-load: cannot resolve {}", pos[1]);
                exit(2)
            });
        // Benchmark traffic must never leave the machine.
        if !target.ip().is_loopback() {
            eprintln!("daytime-load: refusing non-loopback target {target}");
            exit(2)
        }
        Args {
            mode: pos[0].clone(),
            target,
            flags,
            json,
            linger0,
        }
    }

    fn num<T: std::str::FromStr>(&self, name: &str, default: T) -> T {
        match self.flags.get(name) {
            None => default,
            Some(v) => v.parse().unwrap_or_else(|_| {
                eprintln!("daytime-load: bad value for --{name}: {v:?}");
                exit(2)
            }),
        }
    }
}

fn main() {
    let args = Args::parse();
    raise_nofile_limit();
    match args.mode.as_str() {
        "daytime" => daytime(&args),
        "idle" => idle(&args),
        "chargen" => chargen(&args),
        _ => usage(),
    }
}

/// 10,000 idle connections need more than the usual 1024 fds.
fn raise_nofile_limit() {
    unsafe {
        let mut rl = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut rl) == 0 && rl.rlim_cur < rl.rlim_max {
            rl.rlim_cur = rl.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &rl);
        }
    }
}

// ---------------------------------------------------------------- chargen --

/// Reads as fast as the server sends, on blocking sockets with a 1 MiB buffer, one
/// thread per connection (a handful at most: this measures the server's stream, not
/// how it handles many).
fn chargen(args: &Args) {
    let conns: usize = args.num("connections", 1);
    let duration = Duration::from_secs_f64(args.num("duration", 5.0));
    let target = args.target;
    let started = Instant::now();
    let deadline = started + duration;
    let readers: Vec<_> = (0..conns.max(1))
        .map(|_| {
            std::thread::spawn(move || -> io::Result<u64> {
                let mut stream = StdTcpStream::connect(target)?;
                stream.set_read_timeout(Some(Duration::from_secs(5)))?;
                let mut buf = vec![0u8; 1 << 20];
                let mut total = 0u64;
                while Instant::now() < deadline {
                    match stream.read(&mut buf)? {
                        0 => break,
                        n => total += n as u64,
                    }
                }
                Ok(total)
            })
        })
        .collect();
    let mut bytes = 0u64;
    let mut errors = 0u64;
    for reader in readers {
        match reader.join() {
            Ok(Ok(n)) => bytes += n,
            Ok(Err(err)) => {
                eprintln!("daytime-load: chargen read failed: {err}");
                errors += 1;
            }
            Err(_) => errors += 1,
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let mb_per_sec = bytes as f64 / 1e6 / secs;
    if args.json {
        println!(
            "{{\"connections\":{conns},\"bytes\":{bytes},\"megabytes\":{:.3},\
             \"duration_s\":{secs:.3},\"mb_per_sec\":{mb_per_sec:.1},\"errors\":{errors}}}",
            bytes as f64 / 1e6
        );
    } else {
        println!("{conns} connection(s): {bytes} bytes in {secs:.2} s = {mb_per_sec:.1} MB/s, {errors} errors");
    }
}

// ---------------------------------------------------------------- daytime --

#[derive(Default, Clone, Copy)]
struct DaytimeStats {
    completed: u64,
    bytes: u64,
    empty: u64,       // EOF with no data: the server closed without answering
    refused: u64,     // ECONNREFUSED (listen backlog overflow or no server)
    reset: u64,       // ECONNRESET
    timeouts: u64,    // no EOF within --timeout-ms
    addr_in_use: u64, // EADDRNOTAVAIL / EADDRINUSE: ephemeral ports exhausted
    other: u64,
}

impl DaytimeStats {
    fn add(&mut self, o: &DaytimeStats) {
        self.completed += o.completed;
        self.bytes += o.bytes;
        self.empty += o.empty;
        self.refused += o.refused;
        self.reset += o.reset;
        self.timeouts += o.timeouts;
        self.addr_in_use += o.addr_in_use;
        self.other += o.other;
    }
    fn errors(&self) -> u64 {
        self.empty + self.refused + self.reset + self.timeouts + self.addr_in_use + self.other
    }
    fn count_err(&mut self, e: &io::Error) {
        match e.raw_os_error() {
            Some(libc::ECONNREFUSED) => self.refused += 1,
            Some(libc::ECONNRESET) | Some(libc::EPIPE) => self.reset += 1,
            Some(libc::EADDRNOTAVAIL) | Some(libc::EADDRINUSE) => self.addr_in_use += 1,
            Some(libc::ETIMEDOUT) => self.timeouts += 1,
            _ => self.other += 1,
        }
    }
}

struct ConnOpts {
    target: SocketAddr,
    linger0: bool,
    /// Source address to bind (127.0.0.x), spreading the 4-tuples over more
    /// addresses so ~28k ephemeral ports are not the ceiling.
    source: Option<Ipv4Addr>,
}

/// Non-blocking connect with the socket options the test needs. Done with raw
/// libc because mio 1.x has no socket builder and SO_LINGER /
/// IP_BIND_ADDRESS_NO_PORT must be set before connect().
fn nb_connect(o: &ConnOpts) -> io::Result<TcpStream> {
    let SocketAddr::V4(dst) = o.target else {
        // IPv6 loopback: no source spreading, plain mio connect.
        let s = TcpStream::connect(o.target)?;
        if o.linger0 {
            set_linger0(mio_fd(&s));
        }
        return Ok(s);
    };
    unsafe {
        let fd = libc::socket(
            libc::AF_INET,
            libc::SOCK_STREAM | libc::SOCK_NONBLOCK | libc::SOCK_CLOEXEC,
            0,
        );
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        // From here on the fd is owned by `std`, so every error path closes it.
        let std_stream = StdTcpStream::from_raw_fd(fd);
        if o.linger0 {
            set_linger0(fd);
        }
        if let Some(src) = o.source {
            let one: libc::c_int = 1;
            // Defer port choice to connect() so the kernel can reuse a port
            // per (src, dst) pair instead of reserving it at bind().
            libc::setsockopt(
                fd,
                libc::IPPROTO_IP,
                libc::IP_BIND_ADDRESS_NO_PORT,
                &one as *const _ as *const libc::c_void,
                std::mem::size_of_val(&one) as libc::socklen_t,
            );
            let sa = sockaddr_in(src, 0);
            if libc::bind(
                fd,
                &sa as *const _ as *const libc::sockaddr,
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            ) != 0
            {
                return Err(io::Error::last_os_error());
            }
        }
        let sa = sockaddr_in(*dst.ip(), dst.port());
        if libc::connect(
            fd,
            &sa as *const _ as *const libc::sockaddr,
            std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
        ) != 0
        {
            let e = io::Error::last_os_error();
            if e.raw_os_error() != Some(libc::EINPROGRESS) {
                return Err(e);
            }
        }
        Ok(TcpStream::from_std(std_stream))
    }
}

fn sockaddr_in(ip: Ipv4Addr, port: u16) -> libc::sockaddr_in {
    libc::sockaddr_in {
        sin_family: libc::AF_INET as libc::sa_family_t,
        sin_port: port.to_be(),
        sin_addr: libc::in_addr {
            s_addr: u32::from(ip).to_be(),
        },
        sin_zero: [0; 8],
    }
}

fn mio_fd(s: &TcpStream) -> RawFd {
    use std::os::fd::AsRawFd;
    s.as_raw_fd()
}

/// Abortive close: RST instead of FIN, so neither side keeps a TIME_WAIT.
fn set_linger0(fd: RawFd) {
    let l = libc::linger {
        l_onoff: 1,
        l_linger: 0,
    };
    unsafe {
        libc::setsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_LINGER,
            &l as *const _ as *const libc::c_void,
            std::mem::size_of_val(&l) as libc::socklen_t,
        );
    }
}

struct Slot {
    stream: Option<TcpStream>,
    started: Instant,
    got: u64,
}

fn daytime(args: &Args) {
    let threads: usize = args.num("threads", 2).max(1);
    let concurrency: usize = args.num("concurrency", 16).max(1);
    let duration = Duration::from_secs_f64(args.num("duration", 5.0f64).clamp(0.1, 3600.0));
    let max_conns: u64 = args.num("max-conns", 5_000_000u64).max(1);
    let sources: u32 = args.num("sources", 1u32).clamp(1, 250);
    let timeout = Duration::from_millis(args.num("timeout-ms", 2000u64).max(10));

    let start = Instant::now();
    let deadline = start + duration;
    let per_thread = max_conns.div_ceil(threads as u64);
    let handles: Vec<_> = (0..threads)
        .map(|t| {
            let target = args.target;
            let linger0 = args.linger0;
            std::thread::spawn(move || {
                daytime_worker(
                    t,
                    target,
                    linger0,
                    sources,
                    concurrency,
                    deadline,
                    per_thread,
                    timeout,
                )
            })
        })
        .collect();
    let mut total = DaytimeStats::default();
    for h in handles {
        total.add(&h.join().expect("worker panicked"));
    }
    let elapsed = start.elapsed().as_secs_f64();
    let rate = total.completed as f64 / elapsed;
    if args.json {
        println!(
            "{{\"mode\":\"daytime\",\"conns_per_sec\":{:.1},\"completed\":{},\"errors\":{},\
             \"empty\":{},\"refused\":{},\"reset\":{},\"timeouts\":{},\"addr_exhausted\":{},\
             \"other_errors\":{},\"bytes\":{},\"elapsed_s\":{:.3},\"threads\":{},\
             \"concurrency\":{},\"sources\":{},\"linger0\":{}}}",
            rate,
            total.completed,
            total.errors(),
            total.empty,
            total.refused,
            total.reset,
            total.timeouts,
            total.addr_in_use,
            total.other,
            total.bytes,
            elapsed,
            threads,
            concurrency,
            sources,
            args.linger0
        );
    } else {
        println!(
            "{:.0} conns/s  completed={} errors={} (empty={} refused={} reset={} timeout={} \
             addr_exhausted={} other={}) elapsed={:.2}s",
            rate,
            total.completed,
            total.errors(),
            total.empty,
            total.refused,
            total.reset,
            total.timeouts,
            total.addr_in_use,
            total.other,
            elapsed
        );
    }
}

#[allow(clippy::too_many_arguments)]
fn daytime_worker(
    thread: usize,
    target: SocketAddr,
    linger0: bool,
    sources: u32,
    concurrency: usize,
    deadline: Instant,
    max_conns: u64,
    timeout: Duration,
) -> DaytimeStats {
    let mut st = DaytimeStats::default();
    let mut poll = Poll::new().expect("epoll_create");
    let mut events = Events::with_capacity(1024);
    let mut started: u64 = 0;
    let mut next_source = thread as u32;
    let mut open = |poll: &mut Poll,
                    slot: &mut Slot,
                    token: usize,
                    st: &mut DaytimeStats,
                    started: &mut u64| {
        slot.stream = None;
        // Bounded in count as well as time.
        while *started < max_conns && Instant::now() < deadline {
            *started += 1;
            let source = if sources > 1 {
                next_source = next_source.wrapping_add(1);
                Some(Ipv4Addr::new(127, 0, 0, 1 + (next_source % sources) as u8))
            } else {
                None
            };
            let opts = ConnOpts {
                target,
                linger0,
                source,
            };
            match nb_connect(&opts) {
                Ok(mut s) => {
                    if let Err(e) =
                        poll.registry()
                            .register(&mut s, Token(token), Interest::READABLE)
                    {
                        st.count_err(&e);
                        continue;
                    }
                    slot.stream = Some(s);
                    slot.started = Instant::now();
                    slot.got = 0;
                    return;
                }
                Err(e) => {
                    st.count_err(&e);
                    // Out of ports/fds: back off instead of spinning on errors.
                    std::thread::sleep(Duration::from_millis(1));
                }
            }
        }
    };
    let mut slots: Vec<Slot> = (0..concurrency)
        .map(|_| Slot {
            stream: None,
            started: Instant::now(),
            got: 0,
        })
        .collect();
    for (i, slot) in slots.iter_mut().enumerate() {
        open(&mut poll, slot, i, &mut st, &mut started);
    }
    let mut buf = [0u8; 512];
    let mut last_sweep = Instant::now();
    loop {
        let now = Instant::now();
        if now >= deadline || slots.iter().all(|s| s.stream.is_none()) {
            break;
        }
        let wait = (deadline - now).min(Duration::from_millis(50));
        if let Err(e) = poll.poll(&mut events, Some(wait)) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            panic!("epoll_wait: {e}");
        }
        for ev in events.iter() {
            let i = ev.token().0;
            let slot = &mut slots[i];
            let Some(stream) = slot.stream.as_mut() else {
                continue;
            };
            // Drain to EOF; WouldBlock means "wait for more".
            let done = loop {
                match stream.read(&mut buf) {
                    Ok(0) => {
                        if slot.got == 0 {
                            st.empty += 1;
                        } else {
                            st.completed += 1;
                            st.bytes += slot.got;
                        }
                        break true;
                    }
                    Ok(n) => slot.got += n as u64,
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break false,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        st.count_err(&e);
                        break true;
                    }
                }
            };
            if done {
                // Dropping closes the fd (epoll forgets it on close). The
                // server already sent FIN, so our close only answers it and
                // the TIME_WAIT stays on the server side.
                slot.stream = None;
                open(&mut poll, slot, i, &mut st, &mut started);
            }
        }
        // Sweep for hung connections a few times per second, not per event.
        if last_sweep.elapsed() >= Duration::from_millis(100) {
            last_sweep = Instant::now();
            for (i, slot) in slots.iter_mut().enumerate() {
                if slot.stream.is_some() && slot.started.elapsed() > timeout {
                    st.timeouts += 1;
                    slot.stream = None;
                    open(&mut poll, slot, i, &mut st, &mut started);
                }
            }
        }
    }
    st
}

// ------------------------------------------------------------------- idle --

fn idle(args: &Args) {
    let n: usize = args.num("connections", 10_000usize).max(1);
    let hold = Duration::from_secs_f64(args.num("hold", 2.0f64).clamp(0.0, 600.0));
    let size: usize = args.num("size", 64usize).clamp(1, 1 << 20);
    let timeout = Duration::from_secs_f64(args.num("timeout", 20.0f64).clamp(0.5, 600.0));
    let overall = Instant::now();

    // Phase 1: open. Sequential blocking connects keep the server's accept
    // queue shallow, so a slow acceptor costs time, not dropped SYNs.
    let mut conns: Vec<Option<TcpStream>> = Vec::with_capacity(n);
    let mut connect_failed = 0u64;
    let mut first_err: Option<String> = None;
    let open_start = Instant::now();
    for _ in 0..n {
        if open_start.elapsed() > timeout {
            connect_failed += 1;
            continue;
        }
        match StdTcpStream::connect_timeout(&args.target, Duration::from_secs(3)) {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                s.set_nonblocking(true).expect("set_nonblocking");
                conns.push(Some(TcpStream::from_std(s)));
            }
            Err(e) => {
                connect_failed += 1;
                first_err.get_or_insert_with(|| e.to_string());
            }
        }
    }
    let open_secs = open_start.elapsed().as_secs_f64();
    let opened = conns.len();
    eprintln!(
        "idle: opened {opened}/{n} connections in {open_secs:.2}s, holding {:.1}s",
        hold.as_secs_f64()
    );

    // Phase 2: stay idle, so the server's per-connection footprint is what
    // gets measured. The caller samples RSS during this window.
    std::thread::sleep(hold);

    // Phase 3: one message per connection, all at once, then verify.
    let mut poll = Poll::new().expect("epoll_create");
    let mut events = Events::with_capacity(4096);
    let mut msgs: Vec<Vec<u8>> = Vec::with_capacity(opened);
    let mut got: Vec<Vec<u8>> = vec![Vec::new(); opened];
    let mut state = vec![0u8; opened]; // 0 pending, 1 served, 2 failed
    let (mut served, mut mismatched, mut failed) = (0u64, 0u64, 0u64);
    let echo_start = Instant::now();
    for (i, c) in conns.iter_mut().enumerate() {
        let msg: Vec<u8> = (0..size).map(|k| b'a' + ((i * 7 + k) % 26) as u8).collect();
        let s = c.as_mut().unwrap();
        // 64 B into an empty socket buffer never short-writes; a large
        // --size may, so fall back to counting it as a failure (no partial
        // write bookkeeping: this is an idle test, not a throughput test).
        match s.write(&msg) {
            Ok(w) if w == msg.len() => {
                poll.registry()
                    .register(s, Token(i), Interest::READABLE)
                    .expect("register");
            }
            _ => {
                state[i] = 2;
                failed += 1;
            }
        }
        msgs.push(msg);
    }
    let mut pending = opened as u64 - failed;
    let mut buf = vec![0u8; size.max(4096)];
    while pending > 0 && echo_start.elapsed() < timeout {
        if let Err(e) = poll.poll(&mut events, Some(Duration::from_millis(100))) {
            if e.kind() == io::ErrorKind::Interrupted {
                continue;
            }
            panic!("epoll_wait: {e}");
        }
        for ev in events.iter() {
            let i = ev.token().0;
            if state[i] != 0 {
                continue;
            }
            let s = conns[i].as_mut().unwrap();
            loop {
                match s.read(&mut buf) {
                    Ok(0) => {
                        state[i] = 2;
                        failed += 1;
                        pending -= 1;
                        break;
                    }
                    Ok(k) => {
                        got[i].extend_from_slice(&buf[..k]);
                        if got[i].len() >= size {
                            state[i] = 1;
                            pending -= 1;
                            if got[i] == msgs[i] {
                                served += 1;
                            } else {
                                mismatched += 1;
                            }
                            break;
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::WouldBlock => break,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(_) => {
                        state[i] = 2;
                        failed += 1;
                        pending -= 1;
                        break;
                    }
                }
            }
        }
    }
    let timed_out = pending;
    let echo_secs = echo_start.elapsed().as_secs_f64();
    drop(conns);
    if args.json {
        println!(
            "{{\"mode\":\"idle\",\"requested\":{n},\"opened\":{opened},\"connect_failed\":{connect_failed},\
             \"served\":{served},\"mismatches\":{mismatched},\"failed\":{failed},\"timed_out\":{timed_out},\
             \"open_s\":{open_secs:.3},\"echo_s\":{echo_secs:.3},\"total_s\":{:.3},\"first_error\":{}}}",
            overall.elapsed().as_secs_f64(),
            match first_err {
                Some(e) => format!("\"{}\"", e.replace('\\', "\\\\").replace('"', "'")),
                None => "null".into(),
            }
        );
    } else {
        println!(
            "idle: requested={n} opened={opened} connect_failed={connect_failed} served={served} \
             mismatches={mismatched} failed={failed} timed_out={timed_out} open={open_secs:.2}s \
             echo={echo_secs:.2}s{}",
            first_err
                .map(|e| format!(" first_error={e}"))
                .unwrap_or_default()
        );
    }
    if served as usize != n {
        exit(1);
    }
}
