//! Dates in the account's time zone. Lever stores a date field as the milliseconds of
//! midnight *in the account's zone*, not UTC (its form-field example `1418716800000` is
//! 2014-12-16T08:00Z, midnight US Pacific; whether offer dates follow the same rule is
//! unverified). The fake keeps one whole-hour UTC offset for the account, default −8.

use anyhow::bail;
use serde_json::json;

use super::{FakeLever, OfferField};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 86_400_000;

impl FakeLever {
    /// Sets the account's time zone as a whole-hour UTC offset (−12 to +14): −8 for US
    /// Pacific (the default), +1 for Europe/Berlin in winter, 0 for London in winter.
    pub fn set_account_utc_offset_hours(&self, hours: i32) {
        self.with(|d| d.utc_offset_hours = hours.clamp(-12, 14));
    }

    /// The account's UTC offset in hours.
    pub fn account_utc_offset_hours(&self) -> i32 {
        self.with(|d| d.utc_offset_hours)
    }

    /// Midnight of the calendar date `ymd` (`YYYY-MM-DD`) in the account's zone, as epoch
    /// milliseconds (what Lever puts in a date field).
    pub fn account_midnight_ms(&self, ymd: &str) -> anyhow::Result<u64> {
        midnight_ms(ymd, self.account_utc_offset_hours())
    }

    /// An offer field holding the date `ymd` as Lever stores dates: midnight in the
    /// account's zone, in ms (e.g. `anticipated_start_date`).
    pub fn offer_date_field(
        &self,
        text: &str,
        identifier: &str,
        ymd: &str,
    ) -> anyhow::Result<OfferField> {
        Ok(OfferField {
            text: text.into(),
            identifier: identifier.into(),
            value: json!(self.account_midnight_ms(ymd)?),
        })
    }
}

/// Midnight of `ymd` at UTC offset `offset_hours`, in epoch ms.
pub(crate) fn midnight_ms(ymd: &str, offset_hours: i32) -> anyhow::Result<u64> {
    if !crate::clock::is_ymd(ymd) {
        bail!("{ymd:?} is not a date written YYYY-MM-DD");
    }
    let part = |r: std::ops::Range<usize>| ymd.get(r).and_then(|p| p.parse::<i64>().ok());
    let (Some(y), Some(m), Some(d)) = (part(0..4), part(5..7), part(8..10)) else {
        bail!("{ymd:?} is not a date written YYYY-MM-DD");
    };
    let ms = days_from_civil(y, m, d) * DAY_MS - i64::from(offset_hours) * HOUR_MS;
    u64::try_from(ms).map_err(|_| anyhow::anyhow!("{ymd} is before 1970"))
}

/// Days since 1970-01-01 of a proleptic Gregorian date, after Howard Hinnant's
/// public-domain `days_from_civil` algorithm.
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn midnight_in_the_accounts_zone() {
        // Lever's own example: 2014-12-16 in US Pacific.
        assert_eq!(midnight_ms("2014-12-16", -8).ok(), Some(1_418_716_800_000));
        // date -u -d 2027-01-04 +%s → 1799020800
        assert_eq!(midnight_ms("2027-01-04", 0).ok(), Some(1_799_020_800_000));
        // Midnight in Berlin (+1) is 23:00 UTC the day before.
        assert_eq!(
            midnight_ms("2027-01-04", 1).ok(),
            Some(1_799_020_800_000 - 3_600_000)
        );
        assert_eq!(midnight_ms("2000-03-01", 0).ok(), Some(951_868_800_000));
        assert!(midnight_ms("2027-02-30", 0).is_err());
        assert!(midnight_ms("1970-01-01", 1).is_err());
    }
}
