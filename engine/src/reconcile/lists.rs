//! The lists a catch-up reads from Lever, each on its own: one that cannot be read (a
//! 404, a 5xx after its retries, a page that is not a list) is named with the reason, and
//! the others are caught up all the same. A list that failed keeps its start: the next
//! catch-up reads it again from there ([`super::health::Health::unread`]), while the
//! others go on from where this one ended.

use serde::{Deserialize, Serialize};

use crate::time;

/// One of the lists a catch-up compares.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "kebab-case")]
pub enum List {
    /// Opportunities archived as hired (and the archive reasons that say which).
    Hires,
    /// Candidates now in the assessment stage.
    Invites,
    /// Archived candidates the partner assessed.
    Outcomes,
    /// Opportunities deleted in Lever.
    Deletions,
    /// The offers of the employees Hirewire created lately.
    Offers,
}

impl List {
    /// The list in a recruiter's words.
    pub fn label(self) -> &'static str {
        match self {
            List::Hires => "hires",
            List::Invites => "candidates in the assessment stage",
            List::Outcomes => "archived candidates",
            List::Deletions => "deleted candidates",
            List::Offers => "offers of recent hires",
        }
    }

    /// Whether the list is read from a start time (the others compare what is now).
    pub fn has_start(self) -> bool {
        matches!(self, List::Hires | List::Outcomes | List::Deletions)
    }
}

/// A list a catch-up could not read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
pub struct Unread {
    /// Which.
    pub list: List,
    /// What it would have covered from (ms): where the next catch-up starts it again.
    pub since_ms: u64,
    /// Why, as Lever's answer or the step that failed says it.
    pub reason: String,
}

impl Unread {
    /// The line the report and the health banner show.
    pub fn message(&self) -> String {
        let retried = if self.list.has_start() {
            format!(
                "the next catch-up reads it again from {}",
                time::day(self.since_ms)
            )
        } else {
            "the next catch-up reads it again".to_string()
        };
        format!(
            "Lever's list of {} could not be read, so it was not caught up ({}): {retried}",
            self.list.label(),
            self.reason
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_line_names_the_list_why_and_from_when_it_is_read_again() {
        let dec_3 = 1_796_256_000_000; // 2026-12-03T00:00Z
        let u = Unread {
            list: List::Deletions,
            since_ms: dec_3,
            reason: "Lever answered 404".into(),
        };
        assert_eq!(
            u.message(),
            "Lever's list of deleted candidates could not be read, so it was not caught up (Lever answered 404): the next catch-up reads it again from 3 Dec 2026"
        );
        let offers = Unread {
            list: List::Offers,
            ..u
        };
        assert!(offers
            .message()
            .ends_with("the next catch-up reads it again"));
    }
}
