//! Webhook health: what catching up found that the webhooks never delivered, kept until a
//! later catch-up finds the webhook whole again, and said as the banner and notification
//! the recruiter sees ("3 hires since 12 Nov reached Hirewire only by catching up: …").
//! The lists the last catch-up could not read are kept here too, with where each starts
//! again, and shown on the same banner.

use serde::{Deserialize, Serialize};

use super::lists::{List, Unread};
use crate::time;
use crate::webhooks::LeverWebhook;

/// What the webhooks missed, per webhook.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Health {
    /// One record per webhook that missed something.
    #[serde(default)]
    pub missed: Vec<Missed>,
    /// The lists the last catch-up could not read.
    #[serde(default)]
    pub unread: Vec<Unread>,
}

/// Events of one webhook that reached Hirewire only by catching up.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Missed {
    /// The webhook.
    pub webhook: LeverWebhook,
    /// How many, over every catch-up since the webhook last looked whole.
    pub count: u64,
    /// The earliest of them (ms): the Lever time they happened.
    pub since_ms: u64,
}

impl Health {
    /// Adds what one catch-up found for `webhook`: `count` events, the earliest at
    /// `since_ms`; a catch-up that found none for it clears its record.
    pub fn record(&mut self, webhook: LeverWebhook, count: u64, since_ms: u64) {
        if count == 0 {
            self.missed.retain(|m| m.webhook != webhook);
            return;
        }
        match self.missed.iter_mut().find(|m| m.webhook == webhook) {
            Some(m) => {
                m.count = m.count.saturating_add(count);
                m.since_ms = m.since_ms.min(since_ms);
            }
            None => self.missed.push(Missed {
                webhook,
                count,
                since_ms,
            }),
        }
    }

    /// The banner lines, one per webhook, then one per list the last catch-up could not
    /// read.
    pub fn messages(&self) -> Vec<String> {
        self.missed
            .iter()
            .map(Missed::message)
            .chain(self.unread.iter().map(Unread::message))
            .collect()
    }

    /// Where `list` starts again after a catch-up that could not read it.
    pub fn unread_since(&self, list: List) -> Option<u64> {
        self.unread
            .iter()
            .find(|u| u.list == list)
            .map(|u| u.since_ms)
    }
}

impl Missed {
    /// The banner line.
    pub fn message(&self) -> String {
        let what = match (self.webhook, self.count) {
            (LeverWebhook::CandidateHired, 1) => "1 hire".to_string(),
            (LeverWebhook::CandidateHired, n) => format!("{n} hires"),
            (LeverWebhook::StageChange, 1) => "1 move into the assessment stage".to_string(),
            (LeverWebhook::StageChange, n) => format!("{n} moves into the assessment stage"),
            (LeverWebhook::ArchiveChange, 1) => "1 archived candidate".to_string(),
            (LeverWebhook::ArchiveChange, n) => format!("{n} archived candidates"),
            (LeverWebhook::CandidateDeleted, 1) => "1 deleted candidate".to_string(),
            (LeverWebhook::CandidateDeleted, n) => format!("{n} deleted candidates"),
        };
        format!(
            "{what} since {} reached Hirewire only by catching up: Lever's “{}” webhook may be off or pointing elsewhere (Setup → Webhooks)",
            time::day(self.since_ms),
            self.webhook.label()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catch_ups_add_up_until_one_finds_the_webhook_whole() {
        let nov_12 = 1_794_441_600_000; // 2026-11-12T00:00Z
        let mut h = Health::default();
        h.record(LeverWebhook::CandidateHired, 2, nov_12 + 86_400_000);
        h.record(LeverWebhook::CandidateHired, 1, nov_12);
        assert_eq!(
            h.messages(),
            vec!["3 hires since 12 Nov 2026 reached Hirewire only by catching up: Lever's “Candidate Hired” webhook may be off or pointing elsewhere (Setup → Webhooks)".to_string()]
        );
        h.record(LeverWebhook::StageChange, 1, nov_12);
        assert_eq!(h.missed.len(), 2);
        h.record(LeverWebhook::CandidateHired, 0, 0);
        assert_eq!(h.missed.len(), 1);
        assert!(h.messages()[0].starts_with("1 move into the assessment stage since 12 Nov 2026"));
    }
}
