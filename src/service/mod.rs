//! The protocols the servers speak, one short file each, on the core in `net::serve`.

pub mod chargen;
pub mod daytime;
pub mod discard;
pub mod echo;
pub mod internal;
pub mod relay;
pub mod time;
