//! Sockets and I/O: resolving, building sockets, the server core and the client copy loops.

pub mod addr;
pub mod bench;
pub mod copy;
pub mod iface;
pub mod inetd;
pub mod listen;
pub(crate) mod poll;
pub mod probe;
pub mod serve;
pub mod socket;
pub mod stream;
pub mod telnet;
pub mod tls;
pub mod trace;
pub mod udp;
