//! Missed outcomes: candidates the partner assessed, archived since the catch-up's start,
//! whose offer status was never recorded. Nothing is read from Lever when every assessed
//! candidate has one.

use super::hires::archived_at;
use super::{Action, Catchup, Found, FoundKind, Item, List, ReconcileError};
use crate::time;
use crate::work::OutcomeState;

/// Adds each missed outcome to the catch-up.
pub(super) async fn find(c: &mut Catchup) -> Result<(), ReconcileError> {
    let open: Vec<&String> = c
        .known
        .assessed
        .iter()
        .filter(|o| !c.known.outcome_recorded.contains(*o))
        .collect();
    if open.is_empty() {
        return Ok(());
    }
    let open: std::collections::HashSet<String> = open.into_iter().cloned().collect();
    let listed = c
        .lever
        .archived_since(c.since(List::Outcomes), &[], c.reach)
        .await?;
    c.note_rows(List::Outcomes, &listed);
    let archived = listed.rows;
    c.listed += archived.len() as u64;
    for opp in archived
        .iter()
        .filter(|o| o.is_anonymized && open.contains(&o.id))
    {
        c.anonymized.push(opp.id.clone());
    }
    for opp in archived
        .iter()
        .filter(|o| !o.is_anonymized && open.contains(&o.id))
    {
        let reason = opp.archived.as_ref().and_then(|a| a.reason.clone());
        let at = archived_at(opp).unwrap_or(c.now_ms);
        c.items.push(Item {
            found: Found {
                kind: FoundKind::Outcome,
                action: Action::Queued,
                opportunity_id: opp.id.clone(),
                candidate: opp.name.clone(),
                what: format!(
                    "archived in Lever on {} after the assessment, with no outcome recorded: it is recorded and told to the partner",
                    time::day(at)
                ),
                entry_id: None,
            },
            work: Some(OutcomeState::archive(&opp.id, reason.as_deref()).into()),
            at_ms: at,
        });
    }
    Ok(())
}
