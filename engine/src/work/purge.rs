//! After a purge: what Hirewire made for the candidate outside itself (a bob employee and
//! its documents, assessments at the partner) is not Hirewire's to delete. The purge's
//! entry waits for a person with exactly what exists where, until they take note.

use serde::{Deserialize, Serialize};

use super::{Refused, Review};

/// Why a candidate's data was removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Cause {
    /// Lever sent `candidateDeleted`.
    Deleted,
    /// Lever shows the candidate anonymized.
    Anonymized,
    /// A person erased the record (`hirewire person EMAIL --erase`).
    Erased,
}

impl Cause {
    /// In a recruiter's words.
    pub fn said(self) -> &'static str {
        match self {
            Cause::Deleted => "the candidate was deleted in Lever",
            Cause::Anonymized => "the candidate was anonymized in Lever",
            Cause::Erased => "a person erased the candidate's record in Hirewire",
        }
    }
}

/// The purge entry's state: what stays elsewhere, and whether a person took note.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PurgeState {
    /// Why.
    pub cause: Cause,
    /// What exists outside Hirewire, one line each ("bob employee 3332883 with 3 documents").
    pub elsewhere: Vec<String>,
    /// A person took note.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub noted: bool,
    /// A `candidateDeleted` that named no opportunity, only this contact (or candidate)
    /// id: its opportunities are found in Lever and purged first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub find: Option<String>,
}

impl PurgeState {
    /// The purge of every opportunity of contact `id`, still to be found in Lever.
    pub fn of_contact(id: &str) -> Self {
        PurgeState {
            cause: Cause::Deleted,
            elsewhere: Vec::new(),
            noted: false,
            find: Some(id.to_string()),
        }
    }
}

impl PurgeState {
    pub(super) fn approve(&mut self) -> Result<(), Refused> {
        self.noted = true;
        Ok(())
    }

    pub(super) fn review(&self) -> Review {
        Review {
            notes: self.elsewhere.clone(),
            approve: Some("Noted: I will decide about these there".into()),
            ..Default::default()
        }
    }
}
