//! The history as the shells read it: each read one engine call in a read transaction off
//! the async runtime, so that the window's commands and the CLI only parse and print.

use super::{export, list, per_day, DayCount, Filter, Page};
use crate::model::{Detail, Entry};
use crate::store::StoreError;
use crate::Engine;

/// The days a chart may span.
const CHART_DAYS: std::ops::RangeInclusive<u64> = 1..=366;

/// One page of the history.
pub async fn page(engine: &Engine, filter: Filter) -> Result<Page, StoreError> {
    engine.store.read_async(move |rx| list(rx, &filter)).await
}

/// The page's entries with their details (the CLI's `history`), newest first.
pub async fn with_details(
    engine: &Engine,
    filter: Filter,
) -> Result<Vec<(Detail, Entry)>, StoreError> {
    engine
        .store
        .read_async(move |rx| {
            list(rx, &filter)?
                .entries
                .into_iter()
                .map(|e| Ok((rx.detail(e.id)?.unwrap_or_default(), e)))
                .collect()
        })
        .await
}

/// The chart's counts for the last `days` days (1 to 366).
pub async fn chart(engine: &Engine, days: u64) -> Result<Vec<DayCount>, StoreError> {
    let days = days.clamp(*CHART_DAYS.start(), *CHART_DAYS.end());
    engine.store.read_async(move |rx| per_day(rx, days)).await
}

/// The entries the filter selects, as CSV.
pub async fn csv(engine: &Engine, filter: Filter) -> Result<String, StoreError> {
    engine
        .store
        .read_async(move |rx| export::csv(rx, &filter))
        .await
}
