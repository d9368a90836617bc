//! `raw`: talk to any TCP service by hand or from a script, like telnet or nc.

use crate::cli::RawArgs;
use crate::error::{Error, Result};

pub fn run(_args: RawArgs) -> Result<()> {
    Err(Error::NotImplemented("raw"))
}
