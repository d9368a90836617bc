//! Unix-domain stream sockets: connect to a path, listen on one, remove its file afterwards.

use std::fs;
use std::io;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};

use socket2::{Domain, SockAddr, Socket, Type};

use crate::error::{Error, Result};
use crate::net::trace::Trace;

/// The longest path a socket address holds (`sun_path`, less its closing NUL).
const MAX_PATH: usize = 107;

/// A stream connected to the socket at `path`. A path that is there but is no socket is
/// `Failed` (exit 1), a missing one `Connect` with "no such file or directory" (exit 1), a
/// socket file nobody accepts on `Connect` with "connection refused" (exit 4).
pub fn connect_unix(path: &Path, trace: &Trace) -> Result<UnixStream> {
    let shown = path.display();
    let failed = |source| Error::Connect {
        addr: shown.to_string(),
        source,
    };
    if let Ok(meta) = fs::metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(Error::Failed(format!(
                "cannot connect to {shown}: not a socket"
            )));
        }
    }
    let addr = address(path, "connect to")?;
    let socket = Socket::new(Domain::UNIX, Type::STREAM, None).map_err(failed)?;
    trace.step("socket created (Unix, stream)");
    trace.step(format_args!("connecting to {shown}"));
    socket.connect(&addr).map_err(failed)?;
    trace.step(format_args!("connected to {shown}"));
    Ok(socket.into())
}

/// The socket file of a listener, removed when this is dropped, unless someone has put
/// another file in its place meanwhile.
#[derive(Debug)]
pub struct SocketFile {
    path: PathBuf,
    /// What tells the file the bind created from one put in its place later (an inode
    /// number is soon reused).
    id: Option<FileId>,
    trace: Trace,
}

impl Drop for SocketFile {
    fn drop(&mut self) {
        let now = FileId::of(&self.path);
        if now.is_some() && now == self.id && fs::remove_file(&self.path).is_ok() {
            self.trace.step(format_args!(
                "removed the socket file {}",
                self.path.display()
            ));
        }
    }
}

/// Device, inode and change time of a socket file.
#[derive(Debug, PartialEq, Eq)]
struct FileId(u64, u64, i64, i64);

impl FileId {
    /// `None` when `path` is missing or no socket.
    fn of(path: &Path) -> Option<FileId> {
        let meta = fs::symlink_metadata(path).ok()?;
        let socket = meta.file_type().is_socket();
        socket.then(|| FileId(meta.dev(), meta.ino(), meta.ctime(), meta.ctime_nsec()))
    }
}

/// Listens on a new socket file at `path`. A stale socket file there (one nobody accepts on:
/// connecting is refused) is replaced; a socket a live server listens on, and a file that is
/// no socket, are left alone and refused (`Failed`, exit 1).
pub fn bind_unix(path: &Path, backlog: u32, trace: &Trace) -> Result<(UnixListener, SocketFile)> {
    let shown = path.display();
    let refused = |why: &str| Error::Failed(format!("cannot listen on {shown}: {why}"));
    let failed = |source| Error::io(format!("cannot listen on {shown}"), source);
    if let Ok(meta) = fs::symlink_metadata(path) {
        if !meta.file_type().is_socket() {
            return Err(refused("the file exists and is not a socket"));
        }
        let live = Err(refused("a server is listening on it"));
        // a connection would be a client to the server, and the only one of a one-shot
        // listener (`raw --listen -U` without -k): ask the kernel's table first
        if listed_as_listening(path) {
            return live;
        }
        match UnixStream::connect(path) {
            Ok(_) => return live,
            Err(err) if err.kind() == io::ErrorKind::ConnectionRefused => {
                fs::remove_file(path).map_err(failed)?;
                trace.step(format_args!("removed the stale socket file {shown}"));
            }
            Err(err) => return Err(failed(err)),
        }
    }
    let addr = address(path, "listen on")?;
    let socket = Socket::new(Domain::UNIX, Type::STREAM, None).map_err(failed)?;
    trace.step("socket created (Unix, stream)");
    socket.bind(&addr).map_err(failed)?;
    let file = SocketFile {
        path: path.to_path_buf(),
        id: FileId::of(path),
        trace: *trace,
    };
    let backlog = backlog.min(i32::MAX as u32) as i32;
    socket.listen(backlog).map_err(failed)?;
    Ok((socket.into(), file))
}

/// Whether the kernel lists a listening socket bound at `path` (Linux: /proc/net/unix, where
/// each path is as its server gave it, so one bound by a relative path elsewhere is missed).
#[cfg(target_os = "linux")]
fn listed_as_listening(path: &Path) -> bool {
    /// `__SO_ACCEPTCON`: the socket listens.
    const ACCEPTING: u32 = 1 << 16;
    let Ok(table) = fs::read_to_string("/proc/net/unix") else {
        return false;
    };
    let full = fs::canonicalize(path).ok();
    // Num RefCount Protocol Flags Type St Inode Path
    table.lines().skip(1).any(|line| {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let accepting = fields
            .get(3)
            .and_then(|flags| u32::from_str_radix(flags, 16).ok())
            .is_some_and(|flags| flags & ACCEPTING != 0);
        let bound = fields.get(7..).map(|rest| rest.join(" "));
        accepting
            && bound.is_some_and(|bound| {
                Path::new(&bound) == path || full.as_deref() == Some(Path::new(&bound))
            })
    })
}

#[cfg(not(target_os = "linux"))]
fn listed_as_listening(_path: &Path) -> bool {
    false
}

/// The socket address of `path`, or a line saying it is too long for one.
fn address(path: &Path, doing: &str) -> Result<SockAddr> {
    if path.as_os_str().len() > MAX_PATH {
        return Err(Error::Failed(format!(
            "cannot {doing} {}: a socket path holds at most {MAX_PATH} bytes",
            path.display()
        )));
    }
    SockAddr::unix(path).map_err(|e| Error::io(format!("cannot {doing} {}", path.display()), e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let path = std::env::temp_dir().join(format!("netkit-unit-{}-{name}", std::process::id()));
        let _ = fs::remove_file(&path);
        path
    }

    #[test]
    fn stale_files_are_replaced_live_ones_refused_and_ours_removed() {
        let path = temp("stale");
        drop(UnixListener::bind(&path).unwrap()); // leaves its file behind
        let (listener, file) = bind_unix(&path, 1, &Trace::default()).unwrap();
        let err = bind_unix(&path, 1, &Trace::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!(
                "cannot listen on {}: a server is listening on it",
                path.display()
            )
        );
        drop(listener);
        drop(file);
        assert!(!path.exists(), "the socket file is still there");
    }

    #[test]
    fn a_file_that_is_no_socket_is_left_alone() {
        let path = temp("plain");
        fs::write(&path, b"keep me").unwrap();
        let err = bind_unix(&path, 1, &Trace::default()).unwrap_err();
        assert!(err
            .to_string()
            .ends_with("the file exists and is not a socket"));
        let err = connect_unix(&path, &Trace::default()).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("cannot connect to {}: not a socket", path.display())
        );
        assert_eq!(err.exit_code(), 1);
        assert_eq!(fs::read(&path).unwrap(), b"keep me");
        fs::remove_file(&path).unwrap();
    }

    #[test]
    fn a_file_put_in_its_place_is_not_removed() {
        let path = temp("replaced");
        let (listener, file) = bind_unix(&path, 1, &Trace::default()).unwrap();
        drop(listener);
        fs::remove_file(&path).unwrap();
        fs::write(&path, b"someone else's").unwrap();
        drop(file);
        assert_eq!(fs::read(&path).unwrap(), b"someone else's");
        fs::remove_file(&path).unwrap();
    }
}
