//! What a catch-up found and did (or, in a dry run, would do): the preview the window
//! shows before anything is written, the CLI's table, and `reconcile --json`.

use serde::Serialize;

use super::lists::Unread;

/// The kind of thing found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum FoundKind {
    /// A hire with no hire in Hirewire.
    Hire,
    /// A candidate in the assessment stage with no invite.
    Invite,
    /// An archived candidate the partner assessed whose outcome was never recorded.
    Outcome,
    /// An offer that changed after its employee was created.
    Change,
}

/// What happens with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// A job was queued (entry `entry_id`).
    Queued,
    /// A dry run: a job would be queued.
    WouldQueue,
    /// Listed for a person, with the reason; nothing is queued.
    Listed,
}

/// One thing a catch-up found.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
pub struct Found {
    /// What it is.
    pub kind: FoundKind,
    /// What happens with it.
    pub action: Action,
    /// The Lever opportunity.
    pub opportunity_id: String,
    /// The candidate's name, as Lever's list gave it.
    pub candidate: String,
    /// In a recruiter's words.
    pub what: String,
    /// The entry queued for it.
    pub entry_id: Option<u64>,
}

/// A catch-up's result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ts_rs::TS)]
pub struct Report {
    /// Lever was compared from this time (ms).
    pub since_ms: u64,
    /// …to this one (ms): the next catch-up starts a little before it.
    pub until_ms: u64,
    /// Nothing was written.
    pub dry_run: bool,
    /// What was found.
    pub found: Vec<Found>,
    /// Requests made to Lever.
    pub lever_calls: u64,
    /// Opportunities Lever's lists returned.
    pub listed: u64,
    /// Remarks (rows skipped, a setting missing).
    pub notes: Vec<String>,
    /// The lists that could not be read, each with why and from when the next catch-up
    /// reads it again; the others were caught up.
    pub unread: Vec<Unread>,
    /// The webhook health lines, after this catch-up.
    pub health: Vec<String>,
    /// The catch-up's own history entry.
    pub entry_id: Option<u64>,
}

impl Report {
    /// How many of a kind were queued (or, in a dry run, would be).
    pub fn queued(&self, kind: FoundKind) -> usize {
        self.found
            .iter()
            .filter(|f| f.kind == kind && f.action != Action::Listed)
            .count()
    }

    /// The one-line summary the history entry and the CLI show.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        for (kind, one, many) in [
            (FoundKind::Hire, "missed hire", "missed hires"),
            (FoundKind::Invite, "missed invite", "missed invites"),
            (
                FoundKind::Outcome,
                "unrecorded outcome",
                "unrecorded outcomes",
            ),
            (
                FoundKind::Change,
                "offer changed after hire",
                "offers changed after hire",
            ),
        ] {
            let n = self.queued(kind);
            if n > 0 {
                parts.push(format!("{n} {}", if n == 1 { one } else { many }));
            }
        }
        let listed = self
            .found
            .iter()
            .filter(|f| f.action == Action::Listed)
            .count();
        if listed > 0 {
            parts.push(format!("{listed} listed for a person"));
        }
        let head = if parts.is_empty() && self.unread.is_empty() {
            "in sync with Lever: nothing missed".to_string()
        } else if parts.is_empty() {
            "nothing missed in the lists read".to_string()
        } else {
            parts.join(", ")
        };
        let unread: Vec<&str> = self.unread.iter().map(|u| u.list.label()).collect();
        let unread = if unread.is_empty() {
            String::new()
        } else {
            format!("; not read, tried again next time: {}", unread.join(", "))
        };
        format!(
            "{head} (since {}, {} Lever requests){unread}",
            crate::time::day(self.since_ms),
            self.lever_calls
        )
    }
}
