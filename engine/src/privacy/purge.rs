//! The purge of one opportunity, in one transaction: its history entries keep their date,
//! event, flow, status and source and become "deleted candidate" (raw events, job states
//! and the names and emails in steps and reasons go); its assessments, outcomes, watch and
//! every link keyed by it go; other records that name the person have the name and email
//! removed. Only a SHA-256 of the opportunity id stays (`keys::purged`), so an old event
//! for it is recognised at intake and creates nothing. Seen delivery tokens stay: they hold
//! no personal data and keep replays out.
//!
//! What Hirewire made elsewhere (a bob employee, the partner's assessments) is not touched:
//! it is listed for a person to decide.

use std::collections::BTreeSet;

use serde_json::Value;

use super::scrub;
use crate::keys;
use crate::model::{Detail, Entry};
use crate::store::{Kept, StoreError, Tx};
use crate::time;
use crate::work::{Cause, JobSlot, PurgeState, Work};
use crate::Engine;

/// What a purged candidate's entries say instead of their name.
pub const DELETED: &str = "deleted candidate";

/// What a purge removed, and what it could not.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Purged {
    /// History entries of the opportunity made anonymous.
    pub entries: usize,
    /// Other records with the name or email removed.
    pub mentions: usize,
    /// Assessments, outcomes, watches and links removed.
    pub records: usize,
    /// What exists outside Hirewire, for a person.
    pub elsewhere: Vec<String>,
    /// The names and emails removed (kept in memory only: to check the file afterwards).
    pub words: Vec<String>,
}

impl Purged {
    /// The job that asks a person about what stays outside Hirewire, if anything does.
    pub fn follow_up(&self, cause: Cause) -> Option<Work> {
        (!self.elsewhere.is_empty()).then(|| {
            Work::Purge(PurgeState {
                cause,
                elsewhere: self.elsewhere.clone(),
                noted: false,
                find: None,
            })
        })
    }

    /// One line for the history.
    pub fn summary(&self, cause: Cause) -> String {
        let mut s = format!(
            "{}: Hirewire removed what it held about them ({} entr{}, {} other record{})",
            cause.said(),
            self.entries,
            if self.entries == 1 { "y" } else { "ies" },
            self.records + self.mentions,
            if self.records + self.mentions == 1 {
                ""
            } else {
                "s"
            }
        );
        if !self.elsewhere.is_empty() {
            s.push_str(&format!(
                "; still outside Hirewire: {}",
                self.elsewhere.join("; ")
            ));
        }
        s
    }
}

/// Purges everything Hirewire holds about `opp`.
pub fn purge(tx: &Tx, opp: &str, cause: Cause) -> Result<Purged, StoreError> {
    let mut out = Purged {
        elsewhere: elsewhere(tx, opp)?,
        ..Default::default()
    };
    let (strong, own) = words(tx, opp)?;
    let ids = scrub_entries(tx, opp, &strong, &own, &mut out)?;
    scrub_details(tx, &ids, &strong, &own, &mut out)?;
    for id in &ids {
        tx.remove_job(*id)?;
    }
    out.records += remove_records(tx, opp)?;
    tx.put_link(
        &keys::purged(opp),
        &format!("{cause:?} at {}", time::rfc3339(time::now_ms())),
    )?;
    out.words = strong;
    Ok(out)
}

/// Purges `opp` in a transaction of its own and has the file compacted soon: the one way
/// a flow or a job purges (intake and the catch-up purge inside the transaction that
/// records the event, then compact the same way).
pub async fn purge_now(engine: &Engine, opp: &str, cause: Cause) -> Result<Purged, StoreError> {
    let id = opp.to_string();
    let purged = engine
        .store
        .write_async(move |tx| purge(tx, &id, cause))
        .await?;
    super::compaction::soon(engine, purged.words.clone());
    Ok(purged)
}

/// A bob employee and documents, and the partner's assessments, made for `opp`.
fn elsewhere(tx: &Tx, opp: &str) -> Result<Vec<String>, StoreError> {
    let mut out = Vec::new();
    if let Some(employee) = tx.link(&keys::employee(opp))? {
        let docs = tx.links_with_prefix(&keys::document(opp, ""))?.len();
        out.push(format!(
            "bob employee {employee} with {docs} document(s) Hirewire uploaded: HR decides in bob whether they stay"
        ));
    }
    let provider = tx.settings()?.assessment.provider;
    for a in tx.assessments_of(opp)? {
        out.push(format!(
            "the {provider} assessment {} (interview {}): ask {provider} to delete it if it should go",
            a.tag, a.interview_id
        ));
    }
    Ok(out)
}

/// The person's names and emails: `strong` (full names, emails: removed wherever they
/// appear) and `own` (also the name's parts: removed only from the opportunity's records).
fn words(tx: &Tx, opp: &str) -> Result<(Vec<String>, Vec<String>), StoreError> {
    let mut names = BTreeSet::new();
    let mut emails = BTreeSet::new();
    let mut parts = BTreeSet::new();
    let mut ids = Vec::new();
    tx.scan(Kept::Entries, |id, bytes| {
        if let Ok(e) = serde_json::from_slice::<Entry>(bytes) {
            if e.opportunity_id.as_deref() == Some(opp) {
                ids.push(id);
                if let Some(c) = e.candidate.filter(|c| c != DELETED) {
                    names.insert(c);
                }
            }
        }
    })?;
    for id in ids {
        let Some(JobSlot::Job(job)) = tx.detail(id)?.and_then(|d| d.job) else {
            continue;
        };
        if let Work::Hire(st) = &job.work {
            if let Some(p) = &st.proposal {
                for k in ["firstName", "surname"] {
                    if let Some(v) = p.get(k).and_then(Value::as_str) {
                        parts.insert(v.to_string());
                    }
                }
                if let Some(v) = p.get("email").and_then(Value::as_str) {
                    emails.insert(v.to_lowercase());
                }
            }
        }
    }
    for a in tx.assessments_of(opp)? {
        names.insert(a.candidate);
    }
    if let Some(w) = tx.watch(opp)? {
        if let Some(v) = w.employee.get("email").and_then(Value::as_str) {
            emails.insert(v.to_lowercase());
        }
    }
    for n in &names {
        parts.extend(n.split_whitespace().map(str::to_string));
    }
    let strong: Vec<String> = names
        .into_iter()
        .chain(emails)
        .filter(|w| w.chars().count() >= 3)
        .collect();
    let mut own = strong.clone();
    own.extend(parts.into_iter().filter(|p| p.chars().count() >= 3));
    // Longest first, so that a full name goes before its parts.
    own.sort_by_key(|w| std::cmp::Reverse(w.len()));
    Ok((strong, own))
}

/// Makes the opportunity's entries anonymous and removes the person from other entries;
/// returns the opportunity's entry ids.
fn scrub_entries(
    tx: &Tx,
    opp: &str,
    strong: &[String],
    own: &[String],
    out: &mut Purged,
) -> Result<BTreeSet<u64>, StoreError> {
    let mut ids = BTreeSet::new();
    let mut mentions = 0;
    tx.rewrite(Kept::Entries, |id, bytes| {
        let mut e: Entry = serde_json::from_slice(bytes).ok()?;
        if e.opportunity_id.as_deref() == Some(opp) {
            ids.insert(id);
            e.opportunity_id = None;
            e.candidate = Some(DELETED.into());
            e.reason = e.reason.map(|r| scrub::text(&r, own));
        } else if strong.iter().any(|w| scrub::holds(bytes, w)) {
            mentions += 1;
            e.candidate = e.candidate.map(|c| scrub::text(&c, strong));
            e.reason = e.reason.map(|r| scrub::text(&r, strong));
        } else {
            return None;
        }
        serde_json::to_vec(&e).ok()
    })?;
    out.entries = ids.len();
    out.mentions += mentions;
    Ok(ids)
}

/// The opportunity's details lose their raw event and job state, and the person in their
/// steps; other details lose the person wherever they name them.
fn scrub_details(
    tx: &Tx,
    ids: &BTreeSet<u64>,
    strong: &[String],
    own: &[String],
    out: &mut Purged,
) -> Result<(), StoreError> {
    let mut mentions = 0;
    tx.rewrite(Kept::Details, |id, bytes| {
        if ids.contains(&id) {
            let d: Detail = serde_json::from_slice(bytes).unwrap_or_default();
            let mut steps = serde_json::to_value(&d.steps).ok()?;
            scrub::value(&mut steps, own);
            let kept = Detail {
                steps: serde_json::from_value(steps).unwrap_or_default(),
                ..Default::default()
            };
            return serde_json::to_vec(&kept).ok();
        }
        if !strong.iter().any(|w| scrub::holds(bytes, w)) {
            return None;
        }
        let mut v: Value = serde_json::from_slice(bytes).ok()?;
        scrub::value(&mut v, strong).then(|| {
            mentions += 1;
            serde_json::to_vec(&v).unwrap_or_else(|_| bytes.to_vec())
        })
    })?;
    out.mentions += mentions;
    Ok(())
}

/// Assessments, outcomes, the watch and every link keyed by the opportunity (or by its
/// interviews' callbacks).
fn remove_records(tx: &Tx, opp: &str) -> Result<usize, StoreError> {
    let mut n = 0;
    let interviews: Vec<String> = tx
        .assessments_of(opp)?
        .into_iter()
        .map(|a| a.interview_id)
        .collect();
    for i in &interviews {
        tx.remove_assessment(i)?;
        for k in tx.links_valued(i)? {
            if k.starts_with(keys::CALLBACK) {
                tx.remove_link(&k)?;
                n += 1;
            }
        }
    }
    n += interviews.len();
    for k in tx.links_valued(&keys::pending_callback(opp))? {
        tx.remove_link(&k)?;
        n += 1;
    }
    let mut owned = vec![
        keys::employee(opp),
        keys::document(opp, ""),
        keys::done(&keys::invite(opp, "")),
        keys::invite_intents(opp),
    ];
    owned.extend(keys::score_rule_prefixes(opp));
    for prefix in owned {
        for (k, _) in tx.links_with_prefix(&prefix)? {
            // `employee:{opp}` must not take `employee:{opp}x` with it.
            if k == prefix || prefix.ends_with(':') {
                tx.remove_link(&k)?;
                n += 1;
            }
        }
    }
    if !tx.outcomes(opp)?.is_empty() {
        tx.remove_outcomes(opp)?;
        n += 1;
    }
    if tx.watch(opp)?.is_some() {
        tx.remove_watch(opp)?;
        n += 1;
    }
    Ok(n)
}
