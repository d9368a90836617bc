//! netkit: parse the command line, run it, exit with its code.

use clap::Parser;

fn main() -> std::process::ExitCode {
    netkit::main(netkit::cli::Cli::parse())
}
