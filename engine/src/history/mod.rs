//! The sync history: listing with filters and the chart's counts (here), the detail of an
//! entry and the actions a person takes on it ([`actions`]), and the CSV export
//! ([`export`]); each as one engine call for the shells ([`read`]). It stays fast with
//! 100,000 entries.

pub mod actions;
pub mod export;
pub mod read;

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::model::{Detail, Entry, Flow, Source, Status};
use crate::store::{Rx, StoreError};
use crate::time;

/// What to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ts_rs::TS)]
#[serde(default)]
pub struct Filter {
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Only these flows (empty: all).
    pub flows: Vec<Flow>,
    /// Only entries found this way (empty: all).
    pub sources: Vec<Source>,
    /// Received at or after (ms).
    pub since: Option<u64>,
    /// Received before (ms).
    pub until: Option<u64>,
    /// Case-insensitive text in the candidate's name, the opportunity id or the event.
    pub search: String,
    /// Entries to skip (newest first).
    pub offset: usize,
    /// Most entries to return (0: 100).
    pub limit: usize,
}

/// One page of history.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct Page {
    /// The entries, newest first.
    pub entries: Vec<Entry>,
    /// How many entries match in all.
    pub total: usize,
}

impl Filter {
    /// Whether nothing narrows the list (then the count is the table's length).
    fn is_empty(&self) -> bool {
        self.statuses.is_empty()
            && self.flows.is_empty()
            && self.sources.is_empty()
            && self.since.is_none()
            && self.until.is_none()
            && self.search.trim().is_empty()
    }

    fn matches(&self, e: &Light<'_>, needle: &Needle) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&e.status))
            && (self.flows.is_empty() || self.flows.contains(&e.flow))
            && (self.sources.is_empty() || self.sources.contains(&e.source))
            && self.since.is_none_or(|s| e.received_at >= s)
            && self.until.is_none_or(|u| e.received_at < u)
            && (needle.is_empty()
                || e.candidate.as_deref().is_some_and(|c| needle.found_in(c))
                || e.opportunity_id
                    .as_deref()
                    .is_some_and(|o| needle.found_in(o))
                || needle.found_in(&e.event))
    }
}

/// The fields a filter looks at, read without copying: with 100,000 entries a filter
/// change decodes every one, and only the page's rows are decoded whole.
#[derive(Deserialize)]
struct Light<'a> {
    received_at: u64,
    #[serde(borrow)]
    event: Cow<'a, str>,
    #[serde(default, borrow)]
    opportunity_id: Option<Cow<'a, str>>,
    #[serde(default, borrow)]
    candidate: Option<Cow<'a, str>>,
    flow: Flow,
    status: Status,
    #[serde(default)]
    source: Source,
}

/// A lowercased search text, compared without allocating for ASCII text.
struct Needle(String);

impl Needle {
    fn new(text: &str) -> Needle {
        Needle(text.trim().to_lowercase())
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn found_in(&self, hay: &str) -> bool {
        let needle = self.0.as_bytes();
        if hay.is_ascii() && self.0.is_ascii() {
            return hay
                .as_bytes()
                .windows(needle.len())
                .any(|w| w.eq_ignore_ascii_case(needle));
        }
        hay.to_lowercase().contains(&self.0)
    }
}

/// Lists entries, newest first.
pub fn list(rx: &Rx, filter: &Filter) -> Result<Page, StoreError> {
    use redb::ReadableTable;
    use redb::ReadableTableMetadata;
    let limit = if filter.limit == 0 { 100 } else { filter.limit };
    let table = rx.txn.open_table(crate::store::ENTRIES)?;
    let mut entries = Vec::new();
    if filter.is_empty() {
        // The History screen's first page: no scan at all.
        for item in table.iter()?.rev().skip(filter.offset).take(limit) {
            let (_, v) = item?;
            entries.push(serde_json::from_slice(v.value())?);
        }
        let total = table.len()? as usize;
        return Ok(Page { entries, total });
    }
    let needle = Needle::new(&filter.search);
    let mut total = 0usize;
    for item in table.iter()?.rev() {
        let (_, v) = item?;
        let light: Light = serde_json::from_slice(v.value())?;
        if !filter.matches(&light, &needle) {
            continue;
        }
        if total >= filter.offset && entries.len() < limit {
            entries.push(serde_json::from_slice(v.value())?);
        }
        total += 1;
    }
    Ok(Page { entries, total })
}

/// How many events of one status and source one day (UTC) had: part of a bar of the chart.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct DayCount {
    /// `YYYY-MM-DD`, UTC.
    pub day: String,
    /// The status.
    pub status: Status,
    /// How those entries were found.
    pub source: Source,
    /// How many.
    pub count: u64,
}

/// Events per day (UTC) by status and source, for the chart.
pub fn per_day(rx: &Rx, days: u64) -> Result<Vec<DayCount>, StoreError> {
    use redb::ReadableTable;
    let since = time::now_ms().saturating_sub(days * 86_400_000);
    let table = rx.txn.open_table(crate::store::ENTRIES)?;
    // Counted per day number first; the date text is made once per bar.
    type Bar = (u64, &'static str, &'static str);
    let mut counts: std::collections::BTreeMap<Bar, (Status, Source, u64)> = Default::default();
    for item in table.iter()?.rev() {
        let (_, v) = item?;
        let e: Light = serde_json::from_slice(v.value())?;
        if e.received_at < since {
            break;
        }
        let bar = (
            e.received_at / 86_400_000,
            e.status.as_str(),
            e.source.as_str(),
        );
        let slot = counts.entry(bar).or_insert((e.status, e.source, 0));
        slot.2 += 1;
    }
    Ok(counts
        .into_iter()
        .filter_map(|((day, _, _), (status, source, count))| {
            let day = time::date(day.checked_mul(86_400_000)?)?;
            Some(DayCount {
                day,
                status,
                source,
                count,
            })
        })
        .collect())
}

/// An entry with its detail.
pub fn get(rx: &Rx, id: u64) -> Result<Option<(Entry, Detail)>, StoreError> {
    let Some(entry) = rx.entry(id)? else {
        return Ok(None);
    };
    Ok(Some((entry, rx.detail(id)?.unwrap_or_default())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;

    fn store_with(entries: &[(Flow, Status, &str)]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("temp dir: {e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("store: {e}"));
        store
            .write(|tx| {
                for (i, (flow, status, name)) in entries.iter().enumerate() {
                    tx.put_entry(&Entry {
                        id: tx.next_id()?,
                        received_at: 1_000 + i as u64,
                        event: "candidateHired".into(),
                        endpoint: String::new(),
                        opportunity_id: Some(format!("opp-{i}")),
                        candidate: Some(name.to_string()),
                        flow: *flow,
                        status: *status,
                        reason: None,
                        updated_at: 0,
                        source: Default::default(),
                        summary: None,
                    })?;
                }
                Ok(())
            })
            .unwrap_or_else(|e| panic!("fill: {e}"));
        (dir, store)
    }

    fn names(page: &Page) -> Vec<String> {
        page.entries
            .iter()
            .filter_map(|e| e.candidate.clone())
            .collect()
    }

    #[test]
    fn pages_come_newest_first_with_the_whole_count() {
        let (_dir, store) = store_with(&[
            (Flow::Hire, Status::Done, "Ada"),
            (Flow::Hire, Status::Done, "Grace"),
            (Flow::Hire, Status::Done, "Alan"),
        ]);
        let filter = Filter {
            offset: 1,
            limit: 1,
            ..Filter::default()
        };
        let page = store
            .read(|rx| list(rx, &filter))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((names(&page), page.total), (vec!["Grace".to_string()], 3));
    }

    #[test]
    fn filters_combine_and_search_ignores_case() {
        let (_dir, store) = store_with(&[
            (Flow::Hire, Status::Failed, "Ada Lovelace"),
            (Flow::Assessment, Status::Failed, "Ada Byron"),
            (Flow::Hire, Status::Done, "ADA King"),
            (Flow::Hire, Status::Failed, "Grace Hopper"),
            (Flow::Hire, Status::Failed, "Zoë Ådams"),
        ]);
        let filter = Filter {
            statuses: vec![Status::Failed],
            flows: vec![Flow::Hire],
            search: " ada ".into(),
            ..Filter::default()
        };
        let page = store
            .read(|rx| list(rx, &filter))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            (names(&page), page.total),
            (vec!["Ada Lovelace".to_string()], 1)
        );
        let accented = Filter {
            search: "zOË".into(),
            ..Filter::default()
        };
        let page = store
            .read(|rx| list(rx, &accented))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(names(&page), vec!["Zoë Ådams".to_string()]);
    }
}
