//! inetd's internal services as one type, so that one server runs several (`netkit serve`).

use super::{
    chargen::{self, Chargen, Generating},
    daytime::{self, Daytime},
    discard::{self, Discard},
    echo::{self, Echo, Echoing},
    time::{self, Time},
};
use crate::net::serve::{Output, Service, Session};
use crate::timefmt::Format;

/// Which of inetd's internal services, by the name users and /etc/services give it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Echo,
    Discard,
    Daytime,
    Chargen,
    Time,
}

impl Kind {
    pub const ALL: [Kind; 5] = [
        Kind::Echo,
        Kind::Discard,
        Kind::Daytime,
        Kind::Chargen,
        Kind::Time,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Kind::Echo => "echo",
            Kind::Discard => "discard",
            Kind::Daytime => "daytime",
            Kind::Chargen => "chargen",
            Kind::Time => "time",
        }
    }

    /// The well-known port, as each service's file gives it.
    pub const fn port(self) -> u16 {
        match self {
            Kind::Echo => echo::PORT,
            Kind::Discard => discard::PORT,
            Kind::Daytime => daytime::PORT,
            Kind::Chargen => chargen::PORT,
            Kind::Time => time::PORT,
        }
    }

    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The service, as its own command serves it by default (daytime: ctime, local time).
    pub fn service(self) -> Internal {
        match self {
            Kind::Echo => Internal::Echo(Echo),
            Kind::Discard => Internal::Discard(Discard),
            Kind::Daytime => Internal::Daytime(Daytime::new(Format::Ctime, false)),
            Kind::Chargen => Internal::Chargen(Chargen::new()),
            Kind::Time => Internal::Time(Time),
        }
    }
}

pub enum Internal {
    Echo(Echo),
    Discard(Discard),
    Daytime(Daytime),
    Chargen(Chargen),
    Time(Time),
}

/// The session of whichever service a connection is for; the others keep nothing.
pub enum InternalSession {
    Echo(Echoing),
    Chargen(Generating),
    Plain(()),
}

impl Service for Internal {
    type Session = InternalSession;

    fn name(&self) -> &'static str {
        match self {
            Internal::Echo(s) => s.name(),
            Internal::Discard(s) => s.name(),
            Internal::Daytime(s) => s.name(),
            Internal::Chargen(s) => s.name(),
            Internal::Time(s) => s.name(),
        }
    }

    fn open(&self, out: &mut Output) -> InternalSession {
        match self {
            Internal::Echo(s) => InternalSession::Echo(s.open(out)),
            Internal::Chargen(s) => InternalSession::Chargen(s.open(out)),
            // the sessions of the others keep nothing
            Internal::Discard(s) => {
                s.open(out);
                InternalSession::Plain(())
            }
            Internal::Daytime(s) => {
                s.open(out);
                InternalSession::Plain(())
            }
            Internal::Time(s) => {
                s.open(out);
                InternalSession::Plain(())
            }
        }
    }

    fn datagram<'a>(&'a self, input: &'a [u8], scratch: &'a mut Vec<u8>) -> Option<&'a [u8]> {
        match self {
            Internal::Echo(s) => s.datagram(input, scratch),
            Internal::Discard(s) => s.datagram(input, scratch),
            Internal::Daytime(s) => s.datagram(input, scratch),
            Internal::Chargen(s) => s.datagram(input, scratch),
            Internal::Time(s) => s.datagram(input, scratch),
        }
    }
}

impl InternalSession {
    fn inner(&mut self) -> &mut dyn Session {
        match self {
            InternalSession::Echo(s) => s,
            InternalSession::Chargen(s) => s,
            InternalSession::Plain(s) => s,
        }
    }
}

impl Session for InternalSession {
    fn received(&mut self, input: &[u8], out: &mut Output) {
        self.inner().received(input, out);
    }

    fn wants_room(&self) -> bool {
        match self {
            InternalSession::Echo(s) => s.wants_room(),
            InternalSession::Chargen(s) => s.wants_room(),
            InternalSession::Plain(s) => s.wants_room(),
        }
    }

    fn writable(&mut self, scratch: &mut [u8], out: &mut Output) {
        self.inner().writable(scratch, out);
    }

    fn fin(&mut self, out: &mut Output) {
        self.inner().fin(out);
    }
}
