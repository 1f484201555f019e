//! The hire's state: the employee to create (held for review when asked), the bob
//! employee once found or created, and each Lever file on its way to bob.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::{Refused, RetryPlan, Review};

/// The hire's resumable state.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct HireState {
    /// The Lever opportunity.
    pub opportunity_id: String,
    /// The employee to create (shown for review, editable before approval).
    #[serde(default)]
    pub proposal: Option<Value>,
    /// Mapping remarks (values that could not be converted).
    #[serde(default)]
    pub notes: Vec<String>,
    /// The bob employee, once found or created.
    #[serde(default)]
    pub employee_id: Option<String>,
    /// When a create was sent whose answer is not recorded yet.
    #[serde(default)]
    pub create_started_ms: Option<u64>,
    /// Each Lever file by key.
    #[serde(default)]
    pub docs: BTreeMap<String, DocState>,
    /// What the hire waits for a person to decide, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<HireQuestion>,
    /// The former employee a person confirmed as this hire's (a rehire).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rehire_of: Option<String>,
    /// What the proposal was made from in Lever (watched for changes once created).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs: Option<Box<super::LeverInputs>>,
}

/// What a hire asks a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "ask", rename_all = "kebab-case")]
pub enum HireQuestion {
    /// Review the employee before it is created (`review_before_create`).
    Review,
    /// bob has a former employee with this email: use that record?
    Rehire {
        /// The former employee.
        employee_id: String,
    },
    /// Uploads that may or may not have landed before an interruption, and bob's
    /// document list cannot be read to tell: upload them again, or are they there?
    Uploads {
        /// Why bob's list cannot be read.
        why: String,
    },
}

/// One Lever file on its way to bob.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DocState {
    /// File name in bob.
    pub name: String,
    /// When an upload was sent whose answer is not recorded yet.
    #[serde(default)]
    pub started_ms: Option<u64>,
    /// The bob document id.
    #[serde(default)]
    pub bob_id: Option<String>,
    /// Why it cannot be copied (Lever 422, too large).
    #[serde(default)]
    pub failed: Option<String>,
    /// An upload may have landed before an interruption, and bob cannot be asked.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub uncertain: bool,
    /// Why it was not uploaded because bob already holds a document of this name (the
    /// employee came from another opportunity of the same person), or a person said so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub present: Option<String>,
}

impl HireState {
    /// A hire of `opportunity_id` that has done nothing yet.
    pub fn new(opportunity_id: &str) -> HireState {
        HireState {
            opportunity_id: opportunity_id.to_string(),
            ..Default::default()
        }
    }

    /// A Retry tries the files that failed to copy again; everything that worked stays done.
    pub(super) fn prepare_retry(&mut self) -> RetryPlan {
        for d in self.docs.values_mut() {
            d.failed = None;
        }
        RetryPlan::default()
    }

    /// Approve answers the hire's question yes: create the reviewed employee (with the
    /// person's edits), use the former employee, or upload the uncertain files again.
    pub(super) fn approve(&mut self, edited: Option<Value>) -> Result<(), Refused> {
        if let Some(p) = edited {
            if !p.is_object() {
                return Err(Refused::NotAnObject);
            }
            self.proposal = Some(p);
        }
        match self.question.take() {
            Some(HireQuestion::Rehire { employee_id }) => self.rehire_of = Some(employee_id),
            Some(HireQuestion::Uploads { .. }) => {
                for d in self.docs.values_mut().filter(|d| d.uncertain) {
                    d.uncertain = false;
                    d.started_ms = None;
                }
            }
            Some(HireQuestion::Review) | None => {}
        }
        Ok(())
    }

    /// Dismiss answers an uploads question "they are there": the files count as copied.
    pub(super) fn dismiss(&mut self) -> Result<(), Refused> {
        match self.question.take() {
            Some(HireQuestion::Uploads { .. }) => {
                for d in self.docs.values_mut().filter(|d| d.uncertain) {
                    d.uncertain = false;
                    d.started_ms = None;
                    d.present = Some("a person checked bob: it is there".into());
                }
                Ok(())
            }
            other => {
                self.question = other;
                Err(Refused::NothingToDismiss)
            }
        }
    }

    pub(super) fn review(&self) -> Review {
        let (approve, dismiss) = match &self.question {
            Some(HireQuestion::Review) => (Some("Create the employee"), None),
            Some(HireQuestion::Rehire { .. }) => (Some("Use the former employee"), None),
            Some(HireQuestion::Uploads { .. }) => {
                (Some("Upload them again"), Some("They are in bob"))
            }
            None => (None, None),
        };
        Review {
            proposal: self.proposal.clone().filter(Value::is_object),
            notes: self.notes.clone(),
            approve: approve.map(str::to_string),
            dismiss: dismiss.map(str::to_string),
            changes: vec![],
        }
    }
}
