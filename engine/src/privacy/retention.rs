//! Retention: history entries older than `privacy.history_retention_days` keep their date,
//! event, flow, status and source (the chart and counts do not change) and lose every
//! personal field: the candidate, the opportunity, the reason, the steps, the raw event and
//! the job state. Finished assessments, outcomes and watches older than that go too. Runs
//! once a day in the engine, and on `hirewire purge --older-than DAYS`.

use std::collections::BTreeSet;
use std::time::Duration;

use serde::Deserialize;

use crate::model::{Detail, Entry, Status};
use crate::store::{Kept, StoreError, Tx};
use crate::work::AssessmentStatus;
use crate::{time, Engine};

/// How often retention runs in the engine.
const EVERY: Duration = Duration::from_secs(24 * 3600);
/// The first run after start: soon, but not in the rush of a start.
const FIRST: Duration = Duration::from_secs(120);

/// What one run removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expired {
    /// Entries that lost their personal fields.
    pub entries: usize,
    /// Assessments, outcome lists and watches removed.
    pub records: usize,
}

#[derive(Deserialize)]
struct Light {
    received_at: u64,
    status: Status,
    #[serde(default)]
    candidate: Option<String>,
    #[serde(default)]
    opportunity_id: Option<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// Removes the personal fields of everything received before `before_ms`. Unfinished
/// entries (running, retrying, waiting) are left until they finish.
pub fn expire(tx: &Tx, before_ms: u64) -> Result<Expired, StoreError> {
    let mut ids = BTreeSet::new();
    tx.rewrite(Kept::Entries, |id, bytes| {
        let l: Light = serde_json::from_slice(bytes).ok()?;
        let unfinished = matches!(
            l.status,
            Status::Running | Status::Retrying | Status::Waiting
        );
        let personal = l.candidate.is_some() || l.opportunity_id.is_some() || l.reason.is_some();
        if l.received_at >= before_ms || unfinished || !personal {
            return None;
        }
        let mut e: Entry = serde_json::from_slice(bytes).ok()?;
        e.candidate = None;
        e.opportunity_id = None;
        e.reason = None;
        e.summary = None;
        ids.insert(id);
        serde_json::to_vec(&e).ok()
    })?;
    let empty = serde_json::to_vec(&Detail::default())?;
    tx.rewrite(Kept::Details, |id, _| {
        ids.contains(&id).then(|| empty.clone())
    })?;
    let mut records = 0;
    for a in tx.assessments()? {
        if a.sent_at < before_ms && a.status != AssessmentStatus::Pending {
            tx.remove_assessment(&a.interview_id)?;
            records += 1;
        }
    }
    for opp in tx.opportunity_keys()? {
        let list = tx.outcomes(&opp)?;
        let kept: Vec<_> = list.iter().filter(|r| r.at >= before_ms).cloned().collect();
        if kept.len() != list.len() {
            records += 1;
            if kept.is_empty() {
                tx.remove_outcomes(&opp)?;
            } else {
                tx.put_outcomes(&opp, &kept)?;
            }
        }
        if tx.watch(&opp)?.is_some_and(|w| w.created_ms < before_ms) {
            tx.remove_watch(&opp)?;
            records += 1;
        }
    }
    Ok(Expired {
        entries: ids.len(),
        records,
    })
}

/// Runs retention once a day until the task is aborted.
pub async fn run(engine: Engine) {
    tokio::time::sleep(FIRST).await;
    loop {
        match once(&engine).await {
            Ok(x) if x.entries + x.records > 0 => {
                tracing::info!(
                    entries = x.entries,
                    records = x.records,
                    "retention: old personal data removed"
                );
                super::compaction::soon(&engine, vec![]);
            }
            Ok(_) => {}
            Err(e) => tracing::warn!("retention could not run: {e}"),
        }
        tokio::time::sleep(EVERY).await;
    }
}

/// One run with the configured number of days.
pub async fn once(engine: &Engine) -> Result<Expired, StoreError> {
    engine
        .store
        .write_async(|tx| {
            let days = tx.settings()?.privacy.history_retention_days;
            let before = time::now_ms().saturating_sub(days.saturating_mul(86_400_000));
            expire(tx, before)
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::per_day;
    use crate::model::{Flow, Source, Step, StepStatus};
    use crate::store::Store;

    const DAY: u64 = 86_400_000;

    fn entry(tx: &Tx, days_ago: u64, name: &str) -> Result<u64, StoreError> {
        let id = tx.next_id()?;
        let at = time::now_ms() - days_ago * DAY;
        tx.put_entry(&Entry {
            id,
            received_at: at,
            event: "candidateHired".into(),
            endpoint: "candidate-hired".into(),
            opportunity_id: Some(format!("opp-{id}")),
            candidate: Some(name.into()),
            flow: Flow::Hire,
            status: Status::Done,
            reason: Some(format!("{name} → bob")),
            updated_at: at,
            source: Source::Webhook,
            summary: Some("employee 3332883, 1 document".into()),
        })?;
        let step = Step {
            action: format!(
                "created the bob employee {}@example.com",
                name.to_lowercase()
            ),
            target: Some("3332883".into()),
            status: StepStatus::Done,
            http_status: Some(200),
            ms: 5,
            error: None,
            at,
        };
        tx.put_detail(
            id,
            &Detail {
                steps: vec![step],
                ..Default::default()
            },
        )?;
        Ok(id)
    }

    #[test]
    fn only_entries_older_than_the_limit_lose_their_personal_fields_and_the_chart_keeps_its_counts()
    {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
        let (young, old) = store
            .write(|tx| Ok((entry(tx, 10, "Grace")?, entry(tx, 40, "Ada")?)))
            .unwrap_or_else(|e| panic!("{e}"));
        let chart = |s: &Store| {
            s.read(|rx| per_day(rx, 60))
                .unwrap_or_else(|e| panic!("{e}"))
        };
        let before = chart(&store);
        let x = store
            .write(|tx| expire(tx, time::now_ms() - 30 * DAY))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(x.entries, 1);
        let (y, o, od) = store
            .read(|rx| Ok((rx.entry(young)?, rx.entry(old)?, rx.detail(old)?)))
            .unwrap_or_else(|e| panic!("{e}"));
        let (y, o) = (
            y.unwrap_or_else(|| panic!("young")),
            o.unwrap_or_else(|| panic!("old")),
        );
        assert_eq!(
            y.candidate.as_deref(),
            Some("Grace"),
            "the young entry is untouched"
        );
        assert_eq!(
            (o.candidate, o.opportunity_id, o.reason),
            (None, None, None)
        );
        assert_eq!(
            (o.flow, o.status, o.event.as_str()),
            (Flow::Hire, Status::Done, "candidateHired")
        );
        assert!(
            od.unwrap_or_default().steps.is_empty(),
            "its steps (with the email) are gone"
        );
        assert_eq!(chart(&store), before, "the chart counts the same");
        let again = store
            .write(|tx| expire(tx, time::now_ms() - 30 * DAY))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.entries, 0, "an expired entry is not expired again");
    }
}
