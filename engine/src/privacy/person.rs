//! A person's record: everything Hirewire holds about one candidate, found by their email
//! (in job states, steps and reasons) or by an opportunity id, as one JSON document —
//! every entry with its steps, the assessments, outcomes, watch and links of their
//! opportunities. The same search gives what `person EMAIL --erase` purges.

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

use super::scrub;
use crate::keys;
use crate::model::{history_json, Entry};
use crate::store::{Kept, Rx, StoreError};
use crate::work::{Assessment, Recorded, Watch};

/// Everything held about one person.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Record {
    /// What was asked for (an email, or an opportunity id).
    pub asked: String,
    /// Their Lever opportunities.
    pub opportunities: Vec<String>,
    /// Their history entries, as `history --json` prints them, with raw events.
    pub entries: Vec<Value>,
    /// The assessments sent to them.
    pub assessments: Vec<Assessment>,
    /// Their recorded outcomes, per opportunity.
    pub outcomes: Vec<(String, Vec<Recorded>)>,
    /// Their watched employee records.
    pub watches: Vec<Watch>,
    /// The links Hirewire keeps for them (bob ids, document ids, invite ids).
    pub links: Vec<(String, String)>,
}

/// The opportunities whose records hold `email` (any case).
pub fn opportunities_of(rx: &Rx, email: &str) -> Result<BTreeSet<String>, StoreError> {
    let email = email.trim().to_lowercase();
    let mut ids = BTreeSet::new();
    for which in [Kept::Details, Kept::Entries] {
        rx.scan(which, |id, bytes| {
            if scrub::holds(bytes, &email) {
                ids.insert(id);
            }
        })?;
    }
    let mut opps = BTreeSet::new();
    for id in ids {
        if let Some(o) = rx.entry(id)?.and_then(|e| e.opportunity_id) {
            opps.insert(o);
        }
    }
    for w in rx.watches()? {
        let held = serde_json::to_vec(&w.employee).unwrap_or_default();
        if scrub::holds(&held, &email) {
            opps.insert(w.opportunity_id);
        }
    }
    Ok(opps)
}

/// Everything about the candidates of these opportunities.
pub fn record(rx: &Rx, asked: &str, opps: &BTreeSet<String>) -> Result<Record, StoreError> {
    let mut out = Record {
        asked: asked.to_string(),
        opportunities: opps.iter().cloned().collect(),
        ..Default::default()
    };
    let mut ids = Vec::new();
    rx.scan(Kept::Entries, |id, bytes| {
        let mine = serde_json::from_slice::<Entry>(bytes)
            .ok()
            .and_then(|e| e.opportunity_id)
            .is_some_and(|o| opps.contains(&o));
        if mine {
            ids.push(id);
        }
    })?;
    for id in ids {
        let (Some(e), d) = (rx.entry(id)?, rx.detail(id)?.unwrap_or_default()) else {
            continue;
        };
        let mut line = history_json(&e, &d);
        line["event_body"] = serde_json::json!(d.event.map(|r| r.body));
        out.entries.push(line);
    }
    for o in opps {
        out.assessments.extend(rx.assessments_of(o)?);
    }
    // In the table's order, as before: by interview.
    out.assessments
        .sort_by(|a, b| a.interview_id.cmp(&b.interview_id));
    for o in opps {
        let list = rx.outcomes(o)?;
        if !list.is_empty() {
            out.outcomes.push((o.clone(), list));
        }
        if let Some(w) = rx.watch(o)? {
            out.watches.push(w);
        }
        for prefix in [keys::employee(o), keys::document(o, "")] {
            out.links.extend(
                rx.links_with_prefix(&prefix)?
                    .into_iter()
                    .filter(|(k, _)| k == &prefix || prefix.ends_with(':')),
            );
        }
        for prefix in [format!("done:invite:{o}:"), format!("intent:invite:{o}:")] {
            out.links.extend(rx.links_with_prefix(&prefix)?);
        }
    }
    Ok(out)
}
