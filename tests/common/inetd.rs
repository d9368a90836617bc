//! Owns a real inetd super-server (xinetd, else inetutils-inetd) run as a test peer on a private loopback port.
#![allow(dead_code)]

use std::collections::HashMap;
use std::fs;
use std::io::ErrorKind;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

/// How long one start attempt may take before the server counts as broken.
const READY_DEADLINE: Duration = Duration::from_secs(10);
/// Attempts before giving up; later attempts only help when another process
/// grabbed the chosen port between our probe and the server's bind.
const ATTEMPTS: usize = 3;
/// Gives each fixture in this process its own directory even when tests run in parallel.
static NEXT_DIR: AtomicUsize = AtomicUsize::new(0);

// std has no way to send a signal other than SIGKILL, and the libc crate is not
// guaranteed to be a dev-dependency, so the two calls needed come from libc directly.
unsafe extern "C" {
    fn kill(pid: i32, sig: i32) -> i32;
    fn geteuid() -> u32;
}
const SIGKILL: i32 = 9;
const SIGSTOP: i32 = 19;

/// Which built-in/extern service to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Service {
    Daytime,
    Echo,
    /// A telnetd launched per connection; it negotiates options and then runs /bin/login.
    Telnet,
    /// `netkit echo serve --inetd`, started per connection (stream, nowait).
    NetkitEcho,
    /// `netkit echo serve --inetd --udp`, handed the bound datagram socket (dgram, wait).
    NetkitUdpEcho,
    /// xinetd's built-in chargen (stream).
    Chargen,
    /// xinetd's built-in time (stream).
    Time,
    /// xinetd's built-in time over UDP (dgram).
    TimeUdp,
}

impl Service {
    fn udp(self) -> bool {
        matches!(self, Service::NetkitUdpEcho | Service::TimeUdp)
    }

    /// Built-ins that inetutils-inetd serves only on the port /etc/services gives their name
    /// (see `Inetd::start_inetutils_builtin`).
    fn xinetd_only(self) -> bool {
        matches!(self, Service::Chargen | Service::Time | Service::TimeUdp)
    }

    /// The program and its argv (argv[0] first) for an external netkit service.
    fn netkit_argv(self) -> Option<String> {
        let args = match self {
            Service::NetkitEcho => "echo serve --inetd",
            Service::NetkitUdpEcho => "echo serve --inetd --udp",
            _ => return None,
        };
        Some(format!("{} netkit {args}", super::BIN))
    }
}

/// The two super-servers Debian ships that can run in the foreground from a
/// private config file. They conflict as packages, so only one is ever installed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Flavor {
    /// Preferred: its daytime/echo are the real internal services on any port.
    Xinetd,
    /// inetutils-inetd only recognises internal services by their well-known
    /// name (hence port), so daytime/echo are served by tiny external programs.
    Inetutils,
}

pub struct Inetd {
    child: Child,
    port: u16,
    dir: PathBuf,
    flavor: Flavor,
    udp: bool,
}

impl Inetd {
    /// None (after printing a line "skipped: <reason>" to stderr) when no
    /// inetd/xinetd binary is installed (or telnetd for `Service::Telnet`); a
    /// failure instead when `NETKIT_REQUIRE_PEERS=1`.
    /// Panics when the binary is there but will not serve: that is a broken
    /// machine, and skipping would hide it.
    pub fn start(service: Service) -> Option<Inetd> {
        let (flavor, inetd) = match find_program(&["xinetd"]) {
            Some(path) => (Flavor::Xinetd, path),
            None => match find_program(&["inetutils-inetd"]) {
                Some(path) => (Flavor::Inetutils, path),
                None => {
                    return skip("no xinetd or inetutils-inetd installed (apt-get install xinetd)")
                }
            },
        };
        if flavor == Flavor::Inetutils && service.xinetd_only() {
            return skip(&format!(
                "inetutils-inetd serves its built-in {service:?} only on the well-known port \
                 (apt-get install xinetd)"
            ));
        }
        let root = is_root();
        let telnetd = if service == Service::Telnet {
            let Some(path) = find_program(&["in.telnetd", "telnetd"]) else {
                return skip("no telnetd installed (apt-get install inetutils-telnetd)");
            };
            if !Path::new("/bin/login").exists() {
                return skip("telnetd needs /bin/login, which is missing (apt-get install login)");
            }
            if !root {
                return skip("telnetd must run as root to allocate a pty and run login");
            }
            Some(path)
        } else {
            None
        };

        let mut failures = Vec::new();
        for attempt in 1..=ATTEMPTS {
            match launch(flavor, &inetd, service, telnetd.as_deref(), root) {
                Ok(server) => return Some(server),
                Err(Failure::Retry(why)) => failures.push(format!("attempt {attempt}: {why}")),
                Err(Failure::Fatal(why)) => panic!(
                    "{} is installed but failed to serve {service:?}: {why}",
                    inetd.display()
                ),
            }
        }
        panic!(
            "{} is installed but failed to serve {service:?} after {ATTEMPTS} attempts:\n{}",
            inetd.display(),
            failures.join("\n")
        );
    }

    /// inetutils-inetd serving its own built-in `name` (`chargen`, `time`, ...) on a free port of
    /// 127.0.0.1, over UDP when `udp`. It finds internal services by name in /etc/services, so
    /// it runs in a mount namespace of its own (`unshare -m`, as root) where a private services
    /// file, bind-mounted over /etc/services, gives the name that port.
    ///
    /// The binary is `$NETKIT_INETUTILS_INETD` (`.ci/run` unpacks the package there: it
    /// conflicts with xinetd's), else `inetutils-inetd` on PATH. None, after a "skipped:"
    /// line, without it, without root or without `unshare`; a failure instead when
    /// `NETKIT_REQUIRE_PEERS=1`.
    pub fn start_inetutils_builtin(name: &str, udp: bool) -> Option<Inetd> {
        let inetd = std::env::var_os("NETKIT_INETUTILS_INETD")
            .map(PathBuf::from)
            .filter(|path| is_executable(path))
            .or_else(|| find_program(&["inetutils-inetd"]));
        let Some(inetd) = inetd else {
            return skip(
                "no inetutils-inetd (bash .ci/run unpacks it and sets NETKIT_INETUTILS_INETD)",
            );
        };
        let Some(unshare) = find_program(&["unshare"]) else {
            return skip("no unshare(1) to give inetutils-inetd a services file of its own");
        };
        if !is_root() {
            return skip("inetutils-inetd's built-ins on a free port need root (unshare -m)");
        }
        let mut failures = Vec::new();
        for attempt in 1..=ATTEMPTS {
            match launch_builtin(&unshare, &inetd, name, udp) {
                Ok(server) => return Some(server),
                Err(Failure::Retry(why)) => failures.push(format!("attempt {attempt}: {why}")),
                Err(Failure::Fatal(why)) => {
                    panic!("{} failed to serve {name}: {why}", inetd.display())
                }
            }
        }
        panic!(
            "{} failed to serve {name} after {ATTEMPTS} attempts:\n{}",
            inetd.display(),
            failures.join("\n")
        );
    }

    /// The TCP port on 127.0.0.1 the service listens on.
    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn addr(&self) -> SocketAddr {
        SocketAddr::from((Ipv4Addr::LOCALHOST, self.port))
    }

    /// What the server wrote about itself, for assertion messages.
    pub fn log(&self) -> String {
        read_logs(&self.dir)
    }

    /// The processes the super-server has started that are still running.
    pub fn servers(&self) -> Vec<i32> {
        descendants(self.child.id() as i32)
    }
}

impl Drop for Inetd {
    fn drop(&mut self) {
        // Connections still open when the test ends keep their per-connection
        // servers (telnetd, cat, ...) alive after the super-server dies, so
        // those are killed too. Stopping the parent first keeps it from
        // spawning new ones while we look. Only while the child is unreaped is
        // its PID still ours to signal.
        let running = matches!(self.child.try_wait(), Ok(None));
        if let (true, Ok(pid)) = (running, i32::try_from(self.child.id())) {
            // SAFETY: plain syscall on our own, not yet reaped, child.
            unsafe { kill(pid, SIGSTOP) };
            for descendant in descendants(pid) {
                // SAFETY: as above; these are its children, found by PPID.
                unsafe { kill(descendant, SIGKILL) };
            }
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = fs::remove_dir_all(&self.dir);
    }
}

enum Failure {
    /// Possibly the port race; a fresh port may work.
    Retry(String),
    /// Retrying will not help.
    Fatal(String),
}

/// Skipped, or a failure under `NETKIT_REQUIRE_PEERS=1`: see `super::skip`.
fn skip<T>(reason: &str) -> Option<T> {
    super::skip(reason);
    None
}

fn launch(
    flavor: Flavor,
    inetd: &Path,
    service: Service,
    telnetd: Option<&Path>,
    root: bool,
) -> Result<Inetd, Failure> {
    let dir = make_dir().map_err(|e| Failure::Fatal(format!("cannot create temp dir: {e}")))?;
    let port =
        free_port(service.udp()).map_err(|e| Failure::Fatal(format!("no free port: {e}")))?;
    let conf = dir.join("inetd.conf");
    let text = match flavor {
        Flavor::Xinetd => xinetd_conf(service, port, telnetd, root),
        Flavor::Inetutils => inetutils_conf(service, port, telnetd, &dir, root)
            .map_err(|e| Failure::Fatal(format!("cannot write helper script: {e}")))?,
    };
    fs::write(&conf, text).map_err(|e| Failure::Fatal(format!("cannot write config: {e}")))?;

    let mut cmd = Command::new(inetd);
    match flavor {
        // -filelog: xinetd otherwise logs only to syslog, and its -d mode
        // insists on /dev/tty, which CI does not have.
        Flavor::Xinetd => cmd
            .arg("-dontfork")
            .arg("-filelog")
            .arg(dir.join("xinetd.log"))
            .arg("-pidfile")
            .arg(dir.join("xinetd.pid"))
            .arg("-f")
            .arg(&conf),
        // --pidfile takes its value only in the `=` form; a separate word is
        // read as another config file.
        Flavor::Inetutils => cmd
            .arg("-d")
            .arg(format!("--pidfile={}", dir.join("inetd.pid").display()))
            .arg(&conf),
    };
    let stdout = fs::File::create(dir.join("stdout.log"));
    let stderr = fs::File::create(dir.join("stderr.log"));
    let (Ok(stdout), Ok(stderr)) = (stdout, stderr) else {
        let _ = fs::remove_dir_all(&dir);
        return Err(Failure::Fatal("cannot create log files".into()));
    };
    // Files, not pipes: nobody drains a pipe while the test runs, and a full
    // pipe would block inetutils-inetd's per-connection debug output.
    cmd.stdin(Stdio::null()).stdout(stdout).stderr(stderr);
    let child = match cmd.spawn() {
        Ok(child) => child,
        Err(e) => {
            let _ = fs::remove_dir_all(&dir);
            return Err(Failure::Fatal(format!("cannot spawn: {e}")));
        }
    };
    // From here on, dropping `server` cleans up whatever goes wrong.
    let mut server = Inetd {
        child,
        port,
        dir,
        flavor,
        udp: service.udp(),
    };
    wait_ready(&mut server)?;
    Ok(server)
}

fn launch_builtin(unshare: &Path, inetd: &Path, name: &str, udp: bool) -> Result<Inetd, Failure> {
    let fatal = |what: &str, e: std::io::Error| Failure::Fatal(format!("cannot {what}: {e}"));
    let dir = make_dir().map_err(|e| fatal("create temp dir", e))?;
    let port = free_port(udp).map_err(|e| fatal("find a free port", e))?;
    let services = dir.join("services");
    fs::write(
        &services,
        format!("{name}\t{port}/tcp\n{name}\t{port}/udp\n"),
    )
    .map_err(|e| fatal("write the services file", e))?;
    let conf = dir.join("inetd.conf");
    let kind = if udp {
        "dgram udp wait"
    } else {
        "stream tcp nowait"
    };
    fs::write(&conf, format!("127.0.0.1:{name} {kind} root internal\n"))
        .map_err(|e| fatal("write the config", e))?;
    let stdout = fs::File::create(dir.join("stdout.log")).map_err(|e| fatal("log", e))?;
    let stderr = fs::File::create(dir.join("stderr.log")).map_err(|e| fatal("log", e))?;
    // the mount lives and dies with the namespace; exec keeps the pid the child's
    let script = "mount --bind \"$1\" /etc/services && exec \"$2\" -d --pidfile=\"$3\" \"$4\"";
    let child = Command::new(unshare)
        .args(["-m", "sh", "-c", script, "sh"])
        .arg(&services)
        .arg(inetd)
        .arg(dir.join("inetd.pid"))
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(stdout)
        .stderr(stderr)
        .spawn()
        .map_err(|e| fatal("spawn unshare", e))?;
    let mut server = Inetd {
        child,
        port,
        dir,
        flavor: Flavor::Inetutils,
        udp,
    };
    wait_ready(&mut server)?;
    Ok(server)
}

/// Waits until the child itself listens on the port. Checking ownership via
/// /proc rather than connecting means a probe neither consumes a service
/// session (a telnetd + login per probe) nor mistakes a stranger that took
/// the port for our server.
fn wait_ready(server: &mut Inetd) -> Result<(), Failure> {
    let pid = server.child.id();
    let deadline = Instant::now() + READY_DEADLINE;
    loop {
        match server.child.try_wait() {
            Ok(Some(status)) => {
                return Err(Failure::Retry(format!(
                    "exited with {status} before listening; log:\n{}",
                    server.log()
                )))
            }
            Ok(None) => {}
            Err(e) => return Err(Failure::Fatal(format!("cannot poll child: {e}"))),
        }
        match listener_owned_by(server.port, pid, server.udp) {
            Some(true) => return Ok(()),
            Some(false) => {}
            // No /proc/net/tcp (not Linux): fall back to a connect probe.
            None => {
                if TcpStream::connect_timeout(&server.addr(), Duration::from_millis(200)).is_ok() {
                    return Ok(());
                }
            }
        }
        let log = server.log();
        // xinetd keeps running with zero services when its bind fails;
        // inetutils-inetd reports the failed bind and retries much later.
        if log.contains("failed to start")
            || log.contains("0 available services")
            || log.contains("bind failed")
            || log.contains("Address already in use")
        {
            return Err(Failure::Retry(format!(
                "did not bind port {}; log:\n{log}",
                server.port
            )));
        }
        if Instant::now() >= deadline {
            return Err(Failure::Fatal(format!(
                "not listening on 127.0.0.1:{} after {READY_DEADLINE:?}; log:\n{log}",
                server.port
            )));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

fn xinetd_conf(service: Service, port: u16, telnetd: Option<&Path>, root: bool) -> String {
    // xinetd finds an internal service by the service *name*, so the name
    // must be the well-known one; UNLISTED plus `port` moves it off port 13/7.
    let (name, body) = match (service, telnetd) {
        (Service::Daytime, _) => (
            "daytime",
            "type = INTERNAL UNLISTED\n\tid = daytime-stream\n".to_string(),
        ),
        (Service::Echo, _) => (
            "echo",
            "type = INTERNAL UNLISTED\n\tid = echo-stream\n".to_string(),
        ),
        (Service::Chargen, _) => (
            "chargen",
            "type = INTERNAL UNLISTED\n\tid = chargen-stream\n".to_string(),
        ),
        (Service::Time, _) => (
            "time",
            "type = INTERNAL UNLISTED\n\tid = time-stream\n".to_string(),
        ),
        (Service::TimeUdp, _) => (
            "time",
            "type = INTERNAL UNLISTED\n\tid = time-dgram\n".to_string(),
        ),
        (Service::Telnet, Some(telnetd)) => (
            "netkit-telnet",
            format!("type = UNLISTED\n\tserver = {}\n", telnetd.display()),
        ),
        (Service::Telnet, None) => unreachable!("start() checks for telnetd"),
        (netkit, _) => {
            let argv = netkit.netkit_argv().expect("a netkit service");
            let (program, args) = argv.split_once(' ').expect("argv has arguments");
            // server_args starts after argv[0], which xinetd sets to the service name
            let args = args.split_once(' ').map_or("", |(_, rest)| rest);
            (
                "netkit-test",
                format!("type = UNLISTED\n\tserver = {program}\n\tserver_args = {args}\n"),
            )
        }
    };
    let (socket_type, protocol, wait) = if service.udp() {
        ("dgram", "udp", "yes")
    } else {
        ("stream", "tcp", "no")
    };
    // `user` may only be set when xinetd can switch to it.
    let user = if root { "\tuser = root\n" } else { "" };
    // The defaults lift xinetd's connection-rate limit, which would otherwise
    // disable a service for 10 s when tests connect in quick succession;
    // NOLIBWRAP keeps a host's /etc/hosts.deny out of the tests.
    format!(
        "defaults\n{{\n\tinstances = UNLIMITED\n\tper_source = UNLIMITED\n\tcps = 10000 1\n}}\n\
         service {name}\n{{\n\t{body}\tsocket_type = {socket_type}\n\tprotocol = {protocol}\n\
         \tport = {port}\n\tbind = 127.0.0.1\n\twait = {wait}\n{user}\tflags = NOLIBWRAP\n}}\n"
    )
}

fn inetutils_conf(
    service: Service,
    port: u16,
    telnetd: Option<&Path>,
    dir: &Path,
    root: bool,
) -> std::io::Result<String> {
    let user = if root {
        "root".to_string()
    } else {
        std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "nobody".to_string())
    };
    let server = match (service, telnetd) {
        (Service::Daytime, _) => {
            // Same shape as the internal service's reply: ctime() text, CRLF.
            let script = dir.join("daytime.sh");
            fs::write(
                &script,
                "printf '%s\\r\\n' \"$(LC_ALL=C date '+%a %b %e %H:%M:%S %Y')\"\n",
            )?;
            format!("/bin/sh sh {}", script.display())
        }
        (Service::Echo, _) => "/bin/cat cat".to_string(),
        (Service::Chargen | Service::Time | Service::TimeUdp, _) => {
            unreachable!("start() skips the built-ins inetutils-inetd cannot move")
        }
        (Service::Telnet, Some(telnetd)) => format!("{} telnetd", telnetd.display()),
        (Service::Telnet, None) => unreachable!("start() checks for telnetd"),
        (netkit, _) => netkit.netkit_argv().expect("a netkit service"),
    };
    let kind = if service.udp() {
        "dgram udp wait"
    } else {
        "stream tcp nowait"
    };
    Ok(format!("127.0.0.1:{port} {kind} {user} {server}\n"))
}

/// A port the kernel just handed out; another process could still take it
/// before the server binds, which is what the retries are for.
fn free_port(udp: bool) -> std::io::Result<u16> {
    if udp {
        let socket = std::net::UdpSocket::bind((Ipv4Addr::LOCALHOST, 0))?;
        return Ok(socket.local_addr()?.port());
    }
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}

fn make_dir() -> std::io::Result<PathBuf> {
    // inetd config lines split on whitespace, so the path must have none.
    let mut base = std::env::temp_dir();
    if base.to_string_lossy().chars().any(char::is_whitespace) {
        base = PathBuf::from("/tmp");
    }
    loop {
        let n = NEXT_DIR.fetch_add(1, Ordering::Relaxed);
        let dir = base.join(format!("netkit-inetd-{}-{n}", std::process::id()));
        match fs::create_dir(&dir) {
            Ok(()) => return Ok(dir),
            // Left over from an earlier process that had the same PID.
            Err(e) if e.kind() == ErrorKind::AlreadyExists => {}
            Err(e) => return Err(e),
        }
    }
}

fn read_logs(dir: &Path) -> String {
    ["xinetd.log", "stderr.log", "stdout.log"]
        .iter()
        .filter_map(|name| fs::read_to_string(dir.join(name)).ok())
        .filter(|text| !text.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Searches PATH and then the sbin directories, which a non-root PATH often lacks.
fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path)
        .chain(["/usr/sbin", "/sbin", "/usr/local/sbin"].map(PathBuf::from))
        .collect();
    names
        .iter()
        .flat_map(|name| dirs.iter().map(move |dir| dir.join(name)))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { geteuid() == 0 }
}

/// Some(true) when `pid` holds a socket listening on 127.0.0.1:`port` (TCP), or bound
/// there (UDP); None when /proc cannot tell.
fn listener_owned_by(port: u16, pid: u32, udp: bool) -> Option<bool> {
    let (table, state) = if udp {
        ("/proc/net/udp", "07")
    } else {
        ("/proc/net/tcp", "0A")
    };
    let table = fs::read_to_string(table).ok()?;
    let local = format!("0100007F:{port:04X}");
    let inodes: Vec<String> = table
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            // fields: sl local rem st tx:rx tr:when retrnsmt uid timeout inode
            (fields.len() > 9 && fields[1] == local && fields[3] == state)
                .then(|| format!("socket:[{}]", fields[9]))
        })
        .collect();
    if inodes.is_empty() {
        return Some(false);
    }
    let fds = fs::read_dir(format!("/proc/{pid}/fd")).ok()?;
    Some(fds.flatten().any(|fd| {
        fs::read_link(fd.path()).is_ok_and(|target| {
            inodes
                .iter()
                .any(|inode| target.as_os_str() == inode.as_str())
        })
    }))
}

/// Every process below `pid`, found through the PPID field of /proc/*/stat.
fn descendants(pid: i32) -> Vec<i32> {
    let mut children: HashMap<i32, Vec<i32>> = HashMap::new();
    if let Ok(entries) = fs::read_dir("/proc") {
        for entry in entries.flatten() {
            let Some(child) = entry
                .file_name()
                .to_str()
                .and_then(|s| s.parse::<i32>().ok())
            else {
                continue;
            };
            let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // The command name may contain spaces and parentheses; PPID is the
            // second field after the last ')'.
            let parent = stat
                .rfind(')')
                .and_then(|end| stat[end + 1..].split_whitespace().nth(1))
                .and_then(|s| s.parse::<i32>().ok());
            if let Some(parent) = parent {
                children.entry(parent).or_default().push(child);
            }
        }
    }
    let mut found = Vec::new();
    let mut queue = vec![pid];
    while let Some(parent) = queue.pop() {
        for &child in children.get(&parent).into_iter().flatten() {
            found.push(child);
            queue.push(child);
        }
    }
    found
}
