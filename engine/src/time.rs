//! Wall-clock helpers: the engine stores times as milliseconds since the epoch (as Lever
//! does) and shows them as RFC 3339 UTC.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Now, in milliseconds since the epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The first millisecond of the year 2000: no Lever event, offer or file is older.
pub const EARLIEST_MS: u64 = 946_684_800_000;
/// The last millisecond of the year 9999, the last one RFC 3339 can write.
pub const LATEST_MS: u64 = 253_402_300_799_999;

/// Whether `ms` is a time Hirewire can use: from the year 2000 to the year 9999. Every
/// time that comes from outside is checked against this before it is used.
pub fn is_valid_ms(ms: u64) -> bool {
    (EARLIEST_MS..=LATEST_MS).contains(&ms)
}

/// Milliseconds since the epoch as RFC 3339 UTC with milliseconds. A time outside the
/// years 0000–9999 (which RFC 3339 cannot write) is shown as its number, never a panic.
pub fn rfc3339(ms: u64) -> String {
    if ms > LATEST_MS {
        return format!("(not a valid time: {ms} ms)");
    }
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

/// Parses RFC 3339 into milliseconds since the epoch.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let t = humantime::parse_rfc3339_weak(text.trim_end_matches('Z')).ok()?;
    t.duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as u64)
}

/// A day `YYYY-MM-DD` (midnight UTC), or a full RFC 3339 time, as milliseconds; `None`
/// for anything else or a time Hirewire cannot use.
pub fn parse_day(text: &str) -> Option<u64> {
    let t = text.trim();
    let ms = if t.len() == 10 {
        parse_rfc3339(&format!("{t}T00:00:00"))?
    } else {
        parse_rfc3339(t)?
    };
    is_valid_ms(ms).then_some(ms)
}

/// Milliseconds since the epoch as a calendar date `YYYY-MM-DD` (UTC); `None` outside the
/// years 0000–9999.
pub fn date(ms: u64) -> Option<String> {
    (ms <= LATEST_MS).then(|| rfc3339(ms)[..10].to_string())
}

/// A date for people: `12 Nov 2026` (UTC); the number itself when it is no usable time.
pub fn day(ms: u64) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let Some(d) = date(ms) else {
        return rfc3339(ms);
    };
    let (y, m, dd) = (&d[0..4], &d[5..7], &d[8..10]);
    let month = m
        .parse::<usize>()
        .ok()
        .and_then(|m| MONTHS.get(m.wrapping_sub(1)))
        .copied()
        .unwrap_or(m);
    format!("{} {month} {y}", dd.trim_start_matches('0'))
}

/// How far past midnight a Lever date is read: Lever writes a date as midnight in the
/// account's time zone, so the UTC date of the instant 12 hours later is the intended
/// day for every zone from UTC−12 to UTC+12.
const LEVER_DATE_SHIFT_MS: u64 = 12 * 3600 * 1000;

/// A Lever date field (milliseconds at midnight in the account's zone) as `YYYY-MM-DD`;
/// `None` for a number that is not a usable time.
pub fn lever_date(ms: u64) -> Option<String> {
    if !is_valid_ms(ms) {
        return None;
    }
    date(ms.saturating_add(LEVER_DATE_SHIFT_MS))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let ms = 1_767_225_600_123; // 2026-01-01T00:00:00.123Z
        assert_eq!(rfc3339(ms), "2026-01-01T00:00:00.123Z");
        assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        assert_eq!(date(ms).as_deref(), Some("2026-01-01"));
    }

    #[test]
    fn times_beyond_the_year_9999_are_refused_not_panicked_on() {
        assert!(!is_valid_ms(LATEST_MS + 1));
        assert!(!is_valid_ms(8_640_000_000_000_000));
        assert!(rfc3339(u64::MAX).contains("not a valid time"));
        assert_eq!(date(8_640_000_000_000_000), None);
        assert_eq!(date(LATEST_MS).as_deref(), Some("9999-12-31"));
        assert!(!is_valid_ms(0), "1970 is no Lever time either");
    }

    #[test]
    fn lever_dates_land_on_their_own_day_in_every_zone() {
        // Midnight of 2 March 2026 in Europe/Berlin is 23:00 UTC on 1 March.
        assert_eq!(lever_date(1_772_406_000_000).as_deref(), Some("2026-03-02"));
        // Lever's own example: midnight US Pacific, 08:00 UTC.
        assert_eq!(lever_date(1_418_716_800_000).as_deref(), Some("2014-12-16"));
        // Midnight UTC, and midnight in UTC+12 (12:00 UTC the day before).
        assert_eq!(lever_date(1_767_225_600_000).as_deref(), Some("2026-01-01"));
        assert_eq!(lever_date(1_767_182_400_000).as_deref(), Some("2026-01-01"));
        assert_eq!(lever_date(8_640_000_000_000_000), None);
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn no_number_panics_the_formatting(ms in any::<u64>()) {
                let text = rfc3339(ms);
                if is_valid_ms(ms) {
                    prop_assert_eq!(parse_rfc3339(&text), Some(ms));
                }
                let _ = date(ms);
            }

            #[test]
            fn any_text_parses_or_is_none(text in ".{0,40}") {
                let _ = parse_rfc3339(&text);
            }
        }
    }
}
