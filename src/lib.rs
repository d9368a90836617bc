//! netkit as a library: the command tree, the commands, and the socket and protocol code they
//! run on. The binary only parses the command line and calls [`main`]; tests, fuzz targets
//! and benches use the same modules.

pub mod cli;
pub mod cmd;
pub mod docs;
pub mod error;
pub mod log;
pub mod net;
pub mod out;
pub mod service;
pub mod timefmt;
pub mod tty;

use std::process::ExitCode;

/// Runs a parsed command line and turns the outcome into the exit code of the contract,
/// after writing its one stderr line.
pub fn main(cli: cli::Cli) -> ExitCode {
    let outcome = cmd::run(cli.command);
    // log lines still queued come before the exit line, and are not lost by the exit
    log::flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}
