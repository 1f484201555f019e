//! The sync history: listing with filters, the detail of an entry, and the two actions a
//! person takes on it — Retry (failed, rejected, or done with failed steps) and Approve.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::model::{Detail, Entry, Flow, Status, StepStatus};
use super::store::{Rx, StoreError};
use super::{inbox, time, Engine};

/// What to list.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Filter {
    /// Only these statuses (empty: all).
    pub statuses: Vec<Status>,
    /// Only these flows (empty: all).
    pub flows: Vec<Flow>,
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
#[derive(Debug, Clone, Serialize)]
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
            && self.since.is_none()
            && self.until.is_none()
            && self.search.trim().is_empty()
    }

    fn matches(&self, e: &Light<'_>, needle: &Needle) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&e.status))
            && (self.flows.is_empty() || self.flows.contains(&e.flow))
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
    let table = rx.txn.open_table(super::store::ENTRIES)?;
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

/// Events per day (UTC) by status, for the chart.
pub fn per_day(rx: &Rx, days: u64) -> Result<Vec<(String, Status, u64)>, StoreError> {
    use redb::ReadableTable;
    let since = time::now_ms().saturating_sub(days * 86_400_000);
    let table = rx.txn.open_table(super::store::ENTRIES)?;
    // Counted per day number first; the date text is made once per bar.
    let mut counts: std::collections::BTreeMap<(u64, &'static str), (Status, u64)> =
        Default::default();
    for item in table.iter()?.rev() {
        let (_, v) = item?;
        let e: Light = serde_json::from_slice(v.value())?;
        if e.received_at < since {
            break;
        }
        let slot = counts
            .entry((e.received_at / 86_400_000, e.status.as_str()))
            .or_insert((e.status, 0));
        slot.1 += 1;
    }
    Ok(counts
        .into_iter()
        .map(|((day, _), (status, n))| (time::date(day * 86_400_000), status, n))
        .collect())
}

/// An entry with its detail.
pub fn get(rx: &Rx, id: u64) -> Result<(Entry, Detail), StoreError> {
    let entry = rx
        .entry(id)?
        .ok_or_else(|| StoreError::NotFound(format!("there is no history entry {id}")))?;
    Ok((entry, rx.detail(id)?.unwrap_or_default()))
}

/// Runs a failed entry's job again (or intake again, for a rejected one).
pub async fn retry(engine: &Engine, id: u64) -> Result<(), StoreError> {
    let (entry, detail) = engine.store.read_async(move |rx| get(rx, id)).await?;
    let has_failed_steps = detail.steps.iter().any(|s| s.status == StepStatus::Failed);
    match entry.status {
        Status::Rejected => {
            let raw = detail.event.ok_or_else(|| StoreError::Refused(format!("entry {id} has no stored event to take in again")))?;
            inbox::redo(engine, id, raw).await?;
            return Ok(());
        }
        Status::Failed | Status::Retrying => {}
        Status::Done if has_failed_steps => {}
        other => {
            return Err(StoreError::Refused(format!(
                "entry {id} is {}: only failed or rejected entries (or done ones with failed steps) can be retried",
                other.as_str()
            )))
        }
    }
    let mut job = detail
        .job
        .ok_or_else(|| StoreError::Refused(format!("entry {id} has no job to run again")))?;
    job.attempts = 0;
    job.next_run_ms = 0;
    // Files that failed to copy are tried again; everything that worked stays done.
    if let Some(docs) = job.state.get_mut("docs").and_then(|d| d.as_object_mut()) {
        for d in docs.values_mut() {
            d["failed"] = serde_json::Value::Null;
        }
    }
    let invite_of = (job.kind == super::model::JobKind::Invite)
        .then(|| {
            job.state
                .get("opportunity_id")
                .and_then(|v| v.as_str())
                .map(|o| format!("intent:invite:{o}:"))
        })
        .flatten();
    engine
        .store
        .write_async(move |tx| {
            // A person checked the partner after an interrupted send and asked again: the
            // unfinished intent no longer blocks the invite.
            if let Some(prefix) = invite_of {
                // (A finished invite keeps its `done:` link, which alone prevents a resend.)
                tx.remove_links(&prefix, |_| false)?;
            }
            tx.put_job(&job)?;
            if let Some(mut e) = tx.entry(id)? {
                e.status = Status::Running;
                e.reason = Some("retry requested".into());
                e.updated_at = time::now_ms();
                tx.put_entry(&e)?;
            }
            Ok(())
        })
        .await?;
    engine.entry_changed(id);
    engine.jobs_ready.notify_one();
    Ok(())
}

/// Lets a hire that waits for review go on, optionally with an edited employee.
pub async fn approve(
    engine: &Engine,
    id: u64,
    edited: Option<serde_json::Value>,
) -> Result<(), StoreError> {
    engine
        .store
        .write_async(move |tx| {
            let entry = tx
                .entry(id)?
                .ok_or_else(|| StoreError::NotFound(format!("there is no history entry {id}")))?;
            if entry.status != Status::Waiting {
                return Err(StoreError::Refused(format!(
                    "entry {id} is {}, not waiting for review",
                    entry.status.as_str()
                )));
            }
            let mut job = tx
                .job(id)?
                .ok_or_else(|| StoreError::Refused(format!("entry {id} has no waiting job")))?;
            if let Some(p) = edited {
                if !p.is_object() {
                    return Err(StoreError::Refused(
                        "the edited employee must be a JSON object".into(),
                    ));
                }
                job.state["proposal"] = p;
            }
            job.approved = true;
            job.next_run_ms = 0;
            tx.put_job(&job)?;
            let mut e = entry;
            e.status = Status::Running;
            e.reason = Some("approved".into());
            e.updated_at = time::now_ms();
            tx.put_entry(&e)
        })
        .await?;
    engine.entry_changed(id);
    engine.jobs_ready.notify_one();
    Ok(())
}

/// The filtered history as CSV (one row per entry, steps summarised), newest first.
pub fn csv(rx: &Rx, filter: &Filter) -> Result<String, StoreError> {
    let all = Filter {
        offset: 0,
        limit: usize::MAX,
        ..filter.clone()
    };
    let page = list(rx, &all)?;
    let mut out =
        String::from("id,received_at,event,opportunity_id,candidate,flow,status,reason,steps\n");
    for e in page.entries {
        let steps = rx
            .detail(e.id)?
            .map(|d| {
                d.steps
                    .iter()
                    .map(|s| format!("{} [{:?}]", s.action, s.status).to_lowercase())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let row = [
            e.id.to_string(),
            time::rfc3339(e.received_at),
            e.event,
            e.opportunity_id.unwrap_or_default(),
            e.candidate.unwrap_or_default(),
            format!("{:?}", e.flow).to_lowercase(),
            e.status.as_str().to_string(),
            e.reason.unwrap_or_default(),
            steps,
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    Ok(out)
}

/// Quotes a CSV field when needed, and defuses spreadsheet formulas (`=`, `+`, `-`, `@`)
/// that a webhook could smuggle in through a candidate's name.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
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
