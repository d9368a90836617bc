//! The error type: one variant per failed step, each mapped to an exit code and one stderr line.

use std::io;
use std::process::ExitCode;

/// The exit codes of the contract and what each means, for `--help` and the man pages.
pub const EXIT_STATUS: &[(u8, &str)] = &[
    (0, "success (also when stdout is closed early)"),
    (
        1,
        "any other runtime failure: an I/O error, an echo mismatch, the peer closed early",
    ),
    (2, "usage error"),
    (3, "the host name could not be resolved"),
    (
        4,
        "the connection was refused or the network or host is unreachable",
    ),
    (5, "timed out (connecting, or waiting for a reply)"),
    (
        6,
        "TLS failed: the handshake, or the peer's certificate was not accepted",
    ),
];

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot resolve '{host}': {reason}")]
    Resolve { host: String, reason: String },

    #[error("cannot connect to {addr}: {}", reason(.source))]
    Connect { addr: String, source: io::Error },

    #[error("cannot listen on {addr}: {}", bind_reason(.source, *.port))]
    Bind {
        addr: String,
        port: u16,
        source: io::Error,
    },

    #[error("{what}: {}", reason(.source))]
    Io { what: String, source: io::Error },

    /// The handshake failed, the certificate was refused, or the peer ended TLS with an alert;
    /// `reason` is in words (`certificate is not trusted (unknown issuer)`).
    #[error("TLS with {addr} failed: {reason}")]
    Tls { addr: String, reason: String },

    /// A failure described fully by its message (a mismatch, a peer that closed early).
    #[error("{0}")]
    Failed(String),

    /// `probe --wait` ran out of time; `pending` names what is still not open.
    #[error("timed out after {secs} s waiting for {pending}")]
    Wait { secs: String, pending: String },

    /// An outcome the exit code tells alone: ports that are not open (their lines say so).
    #[error("exit status {0}")]
    Status(u8),

    /// The reader of stdout went away (`| head -c1`): the end of the job, not a failure.
    #[error("stdout closed")]
    StdoutClosed,

    /// A signal ended a wait in good order (a listener's stop): the end of the job, exit 0.
    #[error("stopped by a signal")]
    Stopped,

    /// A failure with nobody to tell: under inetd, stderr is the client's socket.
    #[error("{0}")]
    Unheard(String),

    /// Options that do not go together, found after parsing: clap's own message, exit 2.
    #[error("{0}")]
    Usage(Box<clap::Error>),
}

impl Error {
    pub fn io(what: impl Into<String>, source: io::Error) -> Self {
        Error::Io {
            what: what.into(),
            source,
        }
    }

    /// Options that do not go together, found after parsing: `message` in clap's words and
    /// with the usage line of `netkit SUBCOMMAND`, exit 2.
    pub fn usage(subcommand: &str, kind: clap::error::ErrorKind, message: &str) -> Self {
        use clap::CommandFactory;
        let mut root = crate::cli::Cli::command();
        root.build();
        let mut command = match root.find_subcommand(subcommand) {
            Some(found) => found.clone(),
            None => root,
        };
        Error::Usage(Box::new(command.error(kind, message)))
    }

    /// A failed write to stdout; a closed pipe is the quiet `StdoutClosed`.
    pub fn stdout(source: io::Error) -> Self {
        match source.kind() {
            io::ErrorKind::BrokenPipe => Error::StdoutClosed,
            _ => Error::io("cannot write to stdout", source),
        }
    }

    /// The exit code of the contract: 1 runtime, 3 resolve, 4 refused/unreachable, 5 timed out,
    /// 6 TLS, or a probe's own.
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Resolve { .. } => 3,
            Error::Tls { .. } => 6,
            Error::Connect { source, .. } | Error::Io { source, .. } => code_for(source),
            Error::Bind { .. } | Error::Failed(_) | Error::Unheard(_) => 1,
            Error::Wait { .. } => 5,
            Error::Status(code) => *code,
            Error::StdoutClosed | Error::Stopped => 0,
            Error::Usage(_) => 2,
        }
    }

    /// Prints the one stderr line and gives the exit code.
    pub fn report(&self) -> ExitCode {
        self.warn();
        ExitCode::from(self.exit_code())
    }

    /// Prints the line `report` prints, for a failure netkit lives through (a `-k` listener's
    /// client): `netkit: ...`. A closed stdout or a stop is not worth a word, and an unheard
    /// failure must not reach a client.
    pub fn warn(&self) {
        if let Error::Usage(usage) = self {
            // clap writes its message, usage line and hint as it does for its own errors
            let _ = usage.print();
        } else if !matches!(
            self,
            Error::StdoutClosed | Error::Stopped | Error::Unheard(_) | Error::Status(_)
        ) {
            crate::say!("netkit: {self}");
        }
    }
}

fn code_for(err: &io::Error) -> u8 {
    use io::ErrorKind::*;
    if timed_out(err) {
        return 5;
    }
    match err.kind() {
        ConnectionRefused | HostUnreachable | NetworkUnreachable | AddrNotAvailable => 4,
        _ => 1,
    }
}

/// A wait that ran out: a socket's read timeout shows as "would block" on Unix.
pub fn timed_out(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
    )
}

/// Nothing to do now on a non-blocking socket (or a signal came): the event loop says when
/// to try again.
pub(crate) fn again(err: &io::Error) -> bool {
    matches!(
        err.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::Interrupted
    )
}

/// The system's reason in lowercase, without std's "(os error N)" suffix or prefixes.
pub fn reason(err: &io::Error) -> String {
    if timed_out(err) {
        return "timed out".into();
    }
    let text = err.to_string();
    let text = match text.find(" (os error") {
        Some(at) => &text[..at],
        None => &text,
    };
    // getaddrinfo failures arrive as "failed to lookup address information: <reason>"
    let text = text.rsplit(": ").next().unwrap_or(text);
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn bind_reason(err: &io::Error, port: u16) -> String {
    match err.kind() {
        io::ErrorKind::PermissionDenied if port < 1024 => {
            format!("permission denied: port {port} needs privilege; try --port 55555")
        }
        io::ErrorKind::AddrInUse => format!("port {port} is already in use"),
        _ => reason(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reason_drops_os_error_suffix_and_capital() {
        let err = io::Error::from_raw_os_error(libc::ECONNREFUSED);
        assert_eq!(reason(&err), "connection refused");
    }

    #[test]
    fn refused_is_exit_4_and_timeout_exit_5() {
        let refused = Error::Connect {
            addr: "x".into(),
            source: io::Error::from_raw_os_error(libc::ECONNREFUSED),
        };
        assert_eq!(refused.exit_code(), 4);
        let timed = Error::Connect {
            addr: "x".into(),
            source: io::ErrorKind::TimedOut.into(),
        };
        assert_eq!(timed.exit_code(), 5);
    }

    #[test]
    fn bind_errors_say_privilege_or_in_use() {
        let denied = Error::Bind {
            addr: "[::]:13".into(),
            port: 13,
            source: io::Error::from_raw_os_error(libc::EACCES),
        };
        assert_eq!(
            denied.to_string(),
            "cannot listen on [::]:13: permission denied: port 13 needs privilege; try --port 55555"
        );
        let taken = Error::Bind {
            addr: "[::]:7".into(),
            port: 7,
            source: io::Error::from_raw_os_error(libc::EADDRINUSE),
        };
        assert_eq!(
            taken.to_string(),
            "cannot listen on [::]:7: port 7 is already in use"
        );
    }
}
