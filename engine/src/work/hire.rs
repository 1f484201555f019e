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

    /// Approve lets the create go on, with the person's edits of the employee.
    pub(super) fn approve(&mut self, edited: Option<Value>) -> Result<(), Refused> {
        if let Some(p) = edited {
            if !p.is_object() {
                return Err(Refused::NotAnObject);
            }
            self.proposal = Some(p);
        }
        Ok(())
    }

    pub(super) fn review(&self) -> Review {
        Review {
            proposal: self.proposal.clone().filter(Value::is_object),
            notes: self.notes.clone(),
        }
    }
}
