//! netkit: parse the command line, run it, turn the outcome into an exit code.

use std::process::ExitCode;

use clap::Parser;

mod cli;
mod cmd;
mod docs;
mod error;
mod log;
mod net;
mod timefmt;

fn main() -> ExitCode {
    let outcome = cmd::run(cli::Cli::parse().command);
    // log lines still queued come before the exit line, and are not lost by the exit
    log::flush();
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}
