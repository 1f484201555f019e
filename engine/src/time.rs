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

/// Milliseconds since the epoch as RFC 3339 UTC with milliseconds.
pub fn rfc3339(ms: u64) -> String {
    humantime::format_rfc3339_millis(UNIX_EPOCH + Duration::from_millis(ms)).to_string()
}

/// Parses RFC 3339 into milliseconds since the epoch.
pub fn parse_rfc3339(text: &str) -> Option<u64> {
    let t = humantime::parse_rfc3339_weak(text.trim_end_matches('Z')).ok()?;
    t.duration_since(UNIX_EPOCH)
        .ok()
        .map(|d| d.as_millis() as u64)
}

/// Milliseconds since the epoch as a calendar date `YYYY-MM-DD` (UTC).
pub fn date(ms: u64) -> String {
    rfc3339(ms)[..10].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_and_parses_round_trip() {
        let ms = 1_767_225_600_123; // 2026-01-01T00:00:00.123Z
        assert_eq!(rfc3339(ms), "2026-01-01T00:00:00.123Z");
        assert_eq!(parse_rfc3339(&rfc3339(ms)), Some(ms));
        assert_eq!(date(ms), "2026-01-01");
    }
}
