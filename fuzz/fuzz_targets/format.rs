//! `daytime serve --format` on any description: accepted or refused at start-up, and an
//! accepted one renders every instant a server can meet without a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use netkit::timefmt::Format;
use time::macros::datetime;
use time::OffsetDateTime;

const INSTANTS: [OffsetDateTime; 4] = [
    OffsetDateTime::UNIX_EPOCH,
    datetime!(2026-11-05 11:31:40.5 UTC),
    datetime!(-9999-01-01 0:00 UTC),
    datetime!(9999-12-31 23:59:59.999999999 UTC),
];

fuzz_target!(|text: &[u8]| {
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    let Ok(format) = Format::parse(text) else {
        return;
    };
    for at in INSTANTS {
        for utc in [true, false] {
            // a description that cannot show an instant is an error the server logs
            let _ = format.render(at, utc);
        }
    }
});
