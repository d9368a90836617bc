//! Daytime lines: the formats a server writes and the ones `--offset` can read back.

use time::format_description::well_known::{Rfc2822, Rfc3339};
use time::format_description::{self, BorrowedFormatItem, OwnedFormatItem};
use time::macros::format_description;
use time::{Date, Month, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset};

/// `Wed Nov 25 11:31:40 2026`, as ctime(3) writes it: the day padded with a space.
const CTIME: &[BorrowedFormatItem<'static>] = format_description!(
    "[weekday repr:short] [month repr:short] [day padding:space] [hour]:[minute]:[second] [year]"
);

/// How `daytime serve` writes the time.
#[derive(Debug, Clone)]
pub enum Format {
    Ctime,
    Rfc2822,
    Rfc3339,
    /// The NIST ACTS line; always UTC.
    Nist,
    Custom(OwnedFormatItem),
}

/// The formats known by name, as `--format` takes them.
pub const NAMED: [&str; 4] = ["ctime", "rfc2822", "rfc3339", "nist"];

impl Format {
    /// A format by name, or a `time` format description; the error is for clap to show.
    pub fn parse(text: &str) -> Result<Format, String> {
        Ok(match text {
            "ctime" => Format::Ctime,
            "rfc2822" => Format::Rfc2822,
            "rfc3339" => Format::Rfc3339,
            "nist" => Format::Nist,
            custom => {
                let items = check_nested(custom)
                    .and_then(|()| {
                        format_description::parse_owned::<2>(custom).map_err(|e| e.to_string())
                    })
                    .map_err(|err| {
                        format!("not ctime, rfc2822, rfc3339, nist or a valid time format description: {err}")
                    })?;
                // a description that cannot format a full date-time fails here, at start-up
                OffsetDateTime::UNIX_EPOCH
                    .format(&items)
                    .map_err(|err| format!("the format description cannot be used: {err}"))?;
                Format::Custom(items)
            }
        })
    }

    /// The time `now`, in UTC or the local time zone, as one line without its `\r\n`.
    pub fn render(&self, now: OffsetDateTime, utc: bool) -> Result<String, time::error::Format> {
        let now = now.replace_nanosecond(0).unwrap_or(now);
        let local = if utc {
            now
        } else {
            now.to_offset(local_offset(now))
        };
        match self {
            Format::Ctime => local.format(CTIME),
            Format::Rfc2822 => local.format(&Rfc2822),
            Format::Rfc3339 => local.format(&Rfc3339),
            Format::Nist => Ok(nist_line(now)),
            Format::Custom(items) => local.format(items),
        }
    }
}

/// Deeper descriptions are refused before `time` sees them: its own limit (255) is met where
/// it cannot report it.
const MAX_NESTING: usize = 64;

/// Parses each nested description (`[first [a] [b]]`) on its own, innermost first, so that
/// the whole description meets no error inside one.
///
/// time 0.3.55 drops an error inside a nested description and reads on with its brackets
/// miscounted: a release build accepts `[first [[nope]]]` as an empty `first` and a literal
/// `]`, and a build with debug assertions panics (`[%[[m]`, found by fuzzing).
fn check_nested(text: &str) -> Result<(), String> {
    let check = |start: usize, inner: &str| {
        format_description::parse_owned::<2>(inner)
            .map(drop)
            .map_err(|err| format!("{err} in the nested description at byte index {start}"))
    };
    let bytes = text.as_bytes();
    // even: literal text, odd: inside a component, whose `[` opens a nested description
    let mut depth = 0;
    let mut open = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let literal = depth % 2 == 0;
        match bytes[at] {
            b'\\' if literal => at += 1,
            b'[' => {
                if !literal {
                    open.push(at + 1);
                }
                depth += 1;
                if depth > MAX_NESTING {
                    return Err(format!("nested more than {MAX_NESTING} deep"));
                }
            }
            // at depth 0, `]` is literal text
            b']' if depth > 0 => {
                if literal {
                    if let Some(start) = open.pop() {
                        check(start, &text[start..at])?;
                    }
                }
                depth -= 1;
            }
            _ => {}
        }
        at += 1;
    }
    // unclosed ones too: the whole parse reports them, but only after reading their insides
    while let Some(start) = open.pop() {
        check(start, &text[start..])?;
    }
    Ok(())
}

/// The local offset at `at`, from the time zone database (honouring `TZ`).
///
/// The `time` crate refuses to read the local offset once a process has threads (the libc
/// call is not thread-safe), and an offset computed once at start-up goes wrong at the next
/// daylight-saving change; jiff reads the zone rules itself and answers for any instant.
pub fn local_offset(at: OffsetDateTime) -> UtcOffset {
    let zone = jiff::tz::TimeZone::system();
    let seconds = jiff::Timestamp::from_second(at.unix_timestamp())
        .map(|ts| zone.to_offset(ts).seconds())
        .unwrap_or(0);
    UtcOffset::from_whole_seconds(seconds).unwrap_or(UtcOffset::UTC)
}

/// `60999 26-11-25 11:31:40 00 0 0   0.0 UTC(NIST) *`: MJD, date, time, DST, leap, health, advance.
fn nist_line(now: OffsetDateTime) -> String {
    let utc = now.to_offset(UtcOffset::UTC);
    let mjd = utc.date().to_julian_day() - 2_400_001;
    format!(
        "{mjd:05} {:02}-{:02}-{:02} {:02}:{:02}:{:02} 00 0 0   0.0 UTC(NIST) *",
        utc.year().rem_euclid(100),
        utc.month() as u8,
        utc.day(),
        utc.hour(),
        utc.minute(),
        utc.second()
    )
}

/// The names `--offset` reports when it cannot read a reply.
pub const READABLE: &str = "ctime, rfc2822, rfc3339 or nist";

/// Reads a daytime reply in any of the built-in formats; ctime carries no zone, so it is
/// taken as local time (`TZ`).
pub fn parse_reply(reply: &str) -> Option<OffsetDateTime> {
    let line = reply.lines().map(str::trim).find(|line| !line.is_empty())?;
    OffsetDateTime::parse(line, &Rfc3339)
        .or_else(|_| OffsetDateTime::parse(line, &Rfc2822))
        .ok()
        .or_else(|| parse_nist(line))
        .or_else(|| parse_ctime(line))
}

fn parse_ctime(line: &str) -> Option<OffsetDateTime> {
    let civil = PrimitiveDateTime::parse(line, CTIME).ok()?;
    let date = jiff::civil::date(civil.year() as i16, civil.month() as i8, civil.day() as i8);
    let zoned = date
        .at(
            civil.hour() as i8,
            civil.minute() as i8,
            civil.second() as i8,
            0,
        )
        .to_zoned(jiff::tz::TimeZone::system())
        .ok()?;
    OffsetDateTime::from_unix_timestamp(zoned.timestamp().as_second()).ok()
}

fn parse_nist(line: &str) -> Option<OffsetDateTime> {
    if !line.contains("UTC(NIST)") {
        return None;
    }
    let mut words = line.split_whitespace().skip(1);
    let mut date = words.next()?.split('-').map(|n| n.parse::<u8>().ok());
    let mut clock = words.next()?.split(':').map(|n| n.parse::<u8>().ok());
    let (yy, mo, dd) = (date.next()??, date.next()??, date.next()??);
    let (hh, mi, ss) = (clock.next()??, clock.next()??, clock.next()??);
    let day = Date::from_calendar_date(2000 + i32::from(yy), Month::try_from(mo).ok()?, dd).ok()?;
    Some(day.with_time(Time::from_hms(hh, mi, ss).ok()?).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2026-11-05 11:31:40.5 UTC);

    #[test]
    fn builtin_formats_render_in_utc() {
        let render = |name| Format::parse(name).unwrap().render(AT, true).unwrap();
        assert_eq!(render("ctime"), "Thu Nov  5 11:31:40 2026");
        assert_eq!(render("rfc2822"), "Thu, 05 Nov 2026 11:31:40 +0000");
        assert_eq!(render("rfc3339"), "2026-11-05T11:31:40Z");
        assert_eq!(
            render("nist"),
            "61349 26-11-05 11:31:40 00 0 0   0.0 UTC(NIST) *"
        );
        assert_eq!(render("[year]/[month]"), "2026/11");
    }

    #[test]
    fn bad_descriptions_are_refused() {
        assert!(Format::parse("[nonsense]").is_err());
        assert!(Format::parse("[year").is_err());
    }

    #[test]
    fn errors_inside_nested_descriptions_are_refused() {
        // found by fuzzing: time panics on these with debug assertions, or accepts garbage
        for bad in [
            "[%[[m]",
            "[first [[nope]]]",
            "[first [[nope]] ] [year]",
            "[first [[year]] [[nope]]]",
            "[optional [[year]",
            "[first [[nope]]",
        ] {
            assert!(Format::parse(bad).is_err(), "{bad}");
        }
        let deep = "[optional [".repeat(40) + &"]]".repeat(40);
        assert_eq!(
            Format::parse(&deep).err().as_deref(),
            Some("not ctime, rfc2822, rfc3339, nist or a valid time format description: nested more than 64 deep")
        );
        let render = |text| Format::parse(text).unwrap().render(AT, true).unwrap();
        assert_eq!(render("[first [[year]] [[month]]] \\[x]"), "2026 [x]");
        assert_eq!(render("[optional [[month]/[optional [[day]]]]]"), "11/05");
        assert_eq!(render("a]b"), "a]b");
    }

    #[test]
    fn every_zoned_format_reads_back() {
        for name in ["rfc2822", "rfc3339", "nist"] {
            let line = Format::parse(name).unwrap().render(AT, true).unwrap();
            assert_eq!(
                parse_reply(&format!("{line}\r\n")),
                Some(datetime!(2026-11-05 11:31:40 UTC)),
                "{name}"
            );
        }
        assert!(parse_reply("hello").is_none());
    }
}
