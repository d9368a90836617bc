//! A child process talked to as it runs: its stdin open until closed, its stdout and stderr
//! collected as they arrive; netkit itself, or a peer such as `nc -l` or `openssl s_server`.

use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use super::{wait_for, BIN};

/// How long anything awaited may take before the test fails.
pub const LIMIT: Duration = Duration::from_secs(10);

/// A running child, killed on drop.
pub struct Proc {
    pub child: Child,
    pub stdin: Option<ChildStdin>,
    stdout: Arc<Mutex<Vec<u8>>>,
    stderr: Arc<Mutex<Vec<u8>>>,
    readers: Vec<JoinHandle<()>>,
}

impl Proc {
    /// `command`, its stdin a pipe.
    pub fn start(command: Command) -> Proc {
        Proc::start_with(command, Stdio::piped())
    }

    /// `command` with `stdin` given (`Stdio::null()`, a file, a pipe).
    pub fn start_with(mut command: Command, stdin: Stdio) -> Proc {
        let mut child = command
            .stdin(stdin)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = Arc::new(Mutex::new(Vec::new()));
        let stderr = Arc::new(Mutex::new(Vec::new()));
        let readers = vec![
            collect(child.stdout.take().unwrap(), stdout.clone()),
            collect(child.stderr.take().unwrap(), stderr.clone()),
        ];
        Proc {
            stdin: child.stdin.take(),
            child,
            stdout,
            stderr,
            readers,
        }
    }

    /// `netkit ARGS` with a scrubbed environment, its stdin a pipe.
    pub fn netkit(args: &[&str]) -> Proc {
        Proc::netkit_with(args, Stdio::piped())
    }

    /// `netkit ARGS` with `stdin` given.
    pub fn netkit_with(args: &[&str], stdin: Stdio) -> Proc {
        let mut command = Command::new(BIN);
        command
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default());
        Proc::start_with(command, stdin)
    }

    pub fn write(&mut self, bytes: &[u8]) {
        self.stdin.as_mut().unwrap().write_all(bytes).unwrap();
    }

    pub fn close_stdin(&mut self) {
        drop(self.stdin.take());
    }

    /// What came on stdout so far.
    pub fn stdout(&self) -> Vec<u8> {
        self.stdout.lock().unwrap().clone()
    }

    /// What came on stdout so far, as text.
    pub fn stdout_text(&self) -> String {
        String::from_utf8_lossy(&self.stdout.lock().unwrap()).into_owned()
    }

    pub fn stderr(&self) -> String {
        String::from_utf8_lossy(&self.stderr.lock().unwrap()).into_owned()
    }

    /// Polls the collected stdout until `find` is satisfied.
    pub fn wait_stdout(&self, what: &str, find: impl Fn(&[u8]) -> bool) {
        wait_for(what, LIMIT, || {
            find(&self.stdout.lock().unwrap()).then_some(())
        });
    }

    /// Waits until stdout contains `text`, and returns all of it.
    pub fn wait_stdout_contains(&self, text: &str) -> String {
        wait_for(&format!("{text:?} on stdout"), LIMIT, || {
            let out = self.stdout_text();
            out.contains(text).then_some(out)
        })
    }

    /// Waits until `find` sees what it wants on stderr.
    pub fn wait_stderr<T>(&self, what: &str, find: impl Fn(&str) -> Option<T>) -> T {
        wait_for(what, LIMIT, || find(&self.stderr()))
    }

    /// Sends SIGTERM.
    pub fn terminate(&self) {
        // SAFETY: kill(2) on our own child's pid, which is not yet reaped
        unsafe { libc::kill(self.child.id() as i32, libc::SIGTERM) };
    }

    /// Sends `signal`.
    pub fn signal(&self, signal: i32) {
        // SAFETY: kill(2) on our own child's pid, which is not yet reaped
        unsafe { libc::kill(self.child.id() as i32, signal) };
    }

    /// Waits for the exit, then for the last of the output.
    pub fn wait(&mut self, what: &str) -> ExitStatus {
        let child = &mut self.child;
        let status = wait_for(what, LIMIT, || child.try_wait().unwrap());
        for reader in self.readers.drain(..) {
            reader.join().unwrap();
        }
        status
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn collect(mut from: impl Read + Send + 'static, into: Arc<Mutex<Vec<u8>>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 8192];
        while let Ok(n @ 1..) = from.read(&mut buf) {
            into.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    })
}
