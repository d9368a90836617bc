//! `completions SHELL`: the completion script for one shell, on stdout.

use crate::cli::CompletionsArgs;
use crate::error::Result;

pub fn run(args: CompletionsArgs) -> Result<()> {
    super::print(&crate::docs::completion(args.shell))
}
