//! Changes after the hire: an employee Hirewire created is watched for `watch_days`; when
//! Lever's offer or posting says something else than bob got, a change entry waits with
//! each difference (old → new), and Approve writes the new values to bob once, each field
//! through its own endpoint, while Dismiss keeps bob as it is.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Refused, Review};

/// What a hire's employee was made from in Lever: compared at each catch-up, so that a
/// change is found without asking bob anything.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct LeverInputs {
    /// The offer's start date (`YYYY-MM-DD`).
    #[serde(default)]
    pub start: Option<String>,
    /// The job title (the offer's, else the posting's).
    #[serde(default)]
    pub title: Option<String>,
    /// The posting's department (else team).
    #[serde(default)]
    pub department: Option<String>,
    /// The job's location.
    #[serde(default)]
    pub location: Option<String>,
    /// Every offer field by identifier (mapped fields come from these).
    #[serde(default)]
    pub offer: BTreeMap<String, Value>,
    /// The offer these came from (Lever's offer id): a change after signature may be an
    /// edit of it or a new offer made after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_id: Option<String>,
    /// When that offer was made (ms), to tell which offers came after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer_created_ms: Option<u64>,
}

/// An employee Hirewire created, watched for changes in Lever.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Watch {
    /// The Lever opportunity.
    pub opportunity_id: String,
    /// The bob employee.
    pub employee_id: String,
    /// The hire's entry.
    pub hire_entry: u64,
    /// When the employee was created (ms).
    pub created_ms: u64,
    /// What Lever said then (or at the last change a person decided on).
    pub inputs: LeverInputs,
    /// The employee as bob got it (or as the last approved change left it).
    pub employee: Value,
    /// A change entry waiting for a person, if any.
    #[serde(default)]
    pub pending: Option<u64>,
}

/// How bob takes a field's new value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Write {
    /// `PUT /people/{id}`: a plain field.
    Plain,
    /// `POST /employees/{id}/start-date`.
    StartDate,
    /// A dated row of the Work table (title, department, site).
    WorkRow,
}

/// One field whose value in Lever changed since bob got it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct FieldChange {
    /// bob's field id (`work.title`).
    pub field: String,
    /// Its name, for people.
    pub label: String,
    /// Where it sits in the employee (`["work", "title"]`).
    pub path: Vec<String>,
    /// What bob got.
    #[ts(type = "unknown")]
    pub was: Value,
    /// What Lever says now.
    #[ts(type = "unknown")]
    pub now: Value,
    /// What bob holds now, when it is neither: someone edited it in bob.
    #[ts(type = "unknown")]
    #[serde(default)]
    pub in_bob: Option<Value>,
    /// Through which endpoint.
    pub write: Write,
    /// Written (or found written).
    #[serde(default)]
    pub done: bool,
}

/// The change job's state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ChangeState {
    /// The Lever opportunity.
    pub opportunity_id: String,
    /// The bob employee.
    pub employee_id: String,
    /// The candidate.
    #[serde(default)]
    pub candidate: String,
    /// Each difference.
    pub changes: Vec<FieldChange>,
    /// What Lever says now (the watch's next baseline).
    #[serde(default)]
    pub inputs: LeverInputs,
    /// A person chose to keep bob as it is.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub dismissed: bool,
    /// Which Lever offer the new values come from, when not simply the one the employee
    /// was made from as it was ("a newer offer … (sent, made 2026-12-07)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// When a read-back first found a written field still at another value (ms): bob may
    /// show an update late, so it is read again until a while after this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unconfirmed_since_ms: Option<u64>,
}

impl ChangeState {
    /// The differences in one line: `Start date 2027-01-04 → 2027-01-11; …`.
    pub fn summary(&self) -> String {
        self.changes
            .iter()
            .map(|c| format!("{} {} → {}", c.label, show(&c.was), show(&c.now)))
            .collect::<Vec<_>>()
            .join("; ")
    }

    /// Which offer changed, as " (…)", or nothing.
    pub fn offer_note(&self) -> String {
        self.offer
            .as_deref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default()
    }

    pub(super) fn approve(&mut self, edited: Option<Value>) -> Result<(), Refused> {
        if edited.is_some() {
            return Err(Refused::NotEditable);
        }
        self.dismissed = false;
        Ok(())
    }

    pub(super) fn dismiss(&mut self) -> Result<(), Refused> {
        self.dismissed = true;
        Ok(())
    }

    pub(super) fn review(&self) -> Review {
        let notes = self
            .changes
            .iter()
            .filter_map(|c| {
                let edited = c.in_bob.as_ref()?;
                Some(format!(
                    "{} was edited in bob since (now {}): Approve replaces it with {}",
                    c.label,
                    show(edited),
                    show(&c.now)
                ))
            })
            .collect();
        Review {
            proposal: None,
            notes,
            approve: Some("Update bob".into()),
            dismiss: Some("Keep bob as it is".into()),
            changes: self.changes.clone(),
        }
    }

    /// The changes still to write through `write`, by index.
    pub fn todo(&self, write: Write) -> Vec<usize> {
        (0..self.changes.len())
            .filter(|&i| self.changes[i].write == write && !self.changes[i].done)
            .collect()
    }

    /// The labels of these changes, lowercased and joined, for a step's words.
    pub fn labels(&self, idx: &[usize]) -> String {
        idx.iter()
            .map(|&i| self.changes[i].label.to_lowercase())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Whether two values say the same to a person: trimmed, case aside, a date by its day
/// (bob may answer `2027-01-11T00:00:00` for `2027-01-11`).
pub fn same(a: &Value, b: &Value) -> bool {
    let norm = |v: &Value| {
        let s = show(v).trim().to_lowercase();
        let b = s.as_bytes();
        if b.len() >= 10 && b[4] == b'-' && b[7] == b'-' {
            s[..10].to_string()
        } else {
            s
        }
    };
    norm(a) == norm(b)
}

/// A value as a person reads it: text without quotes, nothing as "(none)".
pub fn show(v: &Value) -> String {
    match v {
        Value::Null => "(none)".into(),
        Value::String(s) if s.is_empty() => "(none)".into(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
