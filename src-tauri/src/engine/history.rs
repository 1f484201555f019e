//! The sync history: listing with filters, the detail of an entry, and the two actions a
//! person takes on it — Retry (failed, rejected, or done with failed steps) and Approve.

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
    fn matches(&self, e: &Entry, needle: &str) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&e.status))
            && (self.flows.is_empty() || self.flows.contains(&e.flow))
            && self.since.is_none_or(|s| e.received_at >= s)
            && self.until.is_none_or(|u| e.received_at < u)
            && (needle.is_empty()
                || e.candidate
                    .as_deref()
                    .is_some_and(|c| c.to_lowercase().contains(needle))
                || e.opportunity_id
                    .as_deref()
                    .is_some_and(|o| o.to_lowercase().contains(needle))
                || e.event.to_lowercase().contains(needle))
    }
}

/// Lists entries, newest first.
pub fn list(rx: &Rx, filter: &Filter) -> Result<Page, StoreError> {
    use redb::ReadableTable;
    let limit = if filter.limit == 0 { 100 } else { filter.limit };
    let needle = filter.search.trim().to_lowercase();
    let table = rx.txn.open_table(super::store::ENTRIES)?;
    let mut entries = Vec::new();
    let mut total = 0usize;
    for item in table.iter()?.rev() {
        let (_, v) = item?;
        let e: Entry = serde_json::from_slice(v.value())?;
        if !filter.matches(&e, &needle) {
            continue;
        }
        if total >= filter.offset && entries.len() < limit {
            entries.push(e);
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
    let mut counts: std::collections::BTreeMap<(String, &'static str), (Status, u64)> =
        Default::default();
    for item in table.iter()?.rev() {
        let (_, v) = item?;
        let e: Entry = serde_json::from_slice(v.value())?;
        if e.received_at < since {
            break;
        }
        let slot = counts
            .entry((time::date(e.received_at), e.status.as_str()))
            .or_insert((e.status, 0));
        slot.1 += 1;
    }
    Ok(counts
        .into_iter()
        .map(|((day, _), (status, n))| (day, status, n))
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
