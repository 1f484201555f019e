//! What Hirewire already has, read once per catch-up from the store: the opportunities
//! with a hire entry, those with an invite (or a stage change taken in), the outcomes
//! recorded, the interviews sent, and the watched employees. Everything a catch-up
//! compares Lever with is here, so a hire already done costs no Lever read.

use std::collections::{HashMap, HashSet};

use redb::ReadableTable;
use serde::Deserialize;

use crate::model::{Flow, Status};
use crate::store::{Rx, StoreError, ENTRIES};
use crate::webhooks::LeverWebhook;
use crate::work::{RecordedKind, Watch};

/// Hirewire's side of the comparison.
#[derive(Debug, Default)]
pub struct Known {
    /// Opportunities with a hire entry (any status but rejected), and its id.
    pub hires: HashMap<String, (u64, Status)>,
    /// Opportunities whose move into a stage was taken in, or that were sent an invite.
    pub staged: HashSet<String>,
    /// Opportunities the partner assessed.
    pub assessed: HashSet<String>,
    /// Assessed opportunities with an offer status recorded (or queued).
    pub outcome_recorded: HashSet<String>,
    /// The watched employees.
    pub watches: Vec<Watch>,
    /// Every opportunity Hirewire holds anything about (entries, assessments, watches).
    pub held: HashSet<String>,
    /// The marks of the opportunities whose data was removed (`keys::purged`): hashes
    /// only, as the store keeps them.
    pub purged: HashSet<String>,
}

#[derive(Deserialize)]
struct Light {
    id: u64,
    #[serde(default)]
    event: String,
    #[serde(default)]
    opportunity_id: Option<String>,
    flow: Flow,
    status: Status,
}

impl Known {
    /// Reads it in one snapshot.
    pub fn read(rx: &Rx) -> Result<Known, StoreError> {
        let mut k = Known::default();
        let table = rx.txn.open_table(ENTRIES)?;
        for item in table.iter()? {
            let (_, v) = item?;
            let Ok(e) = serde_json::from_slice::<Light>(v.value()) else {
                continue;
            };
            let Some(opp) = e.opportunity_id else {
                continue;
            };
            k.held.insert(opp.clone());
            match e.flow {
                Flow::Hire if e.event == LeverWebhook::CandidateHired.event() => {
                    k.hires.insert(opp, (e.id, e.status));
                }
                Flow::Assessment if e.event == LeverWebhook::StageChange.event() => {
                    k.staged.insert(opp);
                }
                Flow::Outcome
                    if e.event == LeverWebhook::ArchiveChange.event()
                        && e.status != Status::Rejected =>
                {
                    k.outcome_recorded.insert(opp);
                }
                _ => {}
            }
        }
        for a in rx.assessments()? {
            k.held.insert(a.opportunity_id.clone());
            k.staged.insert(a.opportunity_id.clone());
            k.assessed.insert(a.opportunity_id);
        }
        let assessed: Vec<String> = k.assessed.iter().cloned().collect();
        for opp in assessed {
            let recorded = rx
                .outcomes(&opp)?
                .iter()
                .any(|r| r.kind == RecordedKind::OfferStatus);
            if recorded {
                k.outcome_recorded.insert(opp);
            }
        }
        k.purged = rx
            .links_with_prefix(crate::keys::PURGED)?
            .into_iter()
            .map(|(key, _)| key)
            .collect();
        k.watches = rx.watches()?;
        k.held
            .extend(k.watches.iter().map(|w| w.opportunity_id.clone()));
        Ok(k)
    }
}
