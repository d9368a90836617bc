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
    match cmd::run(cli::Cli::parse().command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => err.report(),
    }
}
