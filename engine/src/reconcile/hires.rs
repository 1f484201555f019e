//! Missed hires: Lever's archived-as-hired opportunities (archive reasons of type `hired`)
//! compared with the hire entries Hirewire has. The list covers the catch-up's window and
//! the watch window (so changes after the hire can be checked from the same pages); only
//! hires archived inside the catch-up's window can be missed ones, and never one whose
//! data was removed (erased by hand, deleted or anonymized).

use super::{Action, Catchup, Found, FoundKind, Item, List, ReconcileError};
use crate::clients::lever::Opportunity;
use crate::model::Status;
use crate::time;
use crate::work::HireState;

/// Lists the hired opportunities (returned, for the change check) and adds each missed
/// hire to the catch-up.
pub(super) async fn find(c: &mut Catchup) -> Result<Vec<Opportunity>, ReconcileError> {
    let reasons: Vec<String> = c
        .lever
        .archive_reasons()
        .await?
        .into_iter()
        .filter(|r| r.kind.eq_ignore_ascii_case("hired"))
        .map(|r| r.id)
        .collect();
    if reasons.is_empty() {
        c.notes.push("Lever has no archive reason of type “hired”, so no hire could be missed: Lever marks a hire by archiving the candidate with such a reason".into());
        return Ok(vec![]);
    }
    let watch_from = c
        .now_ms
        .saturating_sub(c.settings.bob.watch_days.saturating_mul(super::DAY_MS));
    let since = c.since(List::Hires);
    let listed = c
        .lever
        .archived_since(since.min(watch_from), &reasons, c.reach)
        .await?;
    c.note_rows(List::Hires, &listed);
    let hired = listed.rows;
    c.listed += hired.len() as u64;
    for opp in &hired {
        let Some(at) = archived_at(opp) else { continue };
        if at < since || c.removed(&opp.id) {
            continue;
        }
        match c.known.hires.get(&opp.id) {
            None => c.items.push(missed(opp, at)),
            Some((entry, Status::Failed)) => c.items.push(Item {
                found: Found {
                    kind: FoundKind::Hire,
                    action: Action::Listed,
                    opportunity_id: opp.id.clone(),
                    candidate: opp.name.clone(),
                    what: format!("their hire failed earlier (entry {entry}): fix what it says, then Retry it"),
                    entry_id: Some(*entry),
                },
                work: None,
                at_ms: at,
            }),
            Some(_) => {}
        }
    }
    Ok(hired)
}

/// When Lever archived it, if that is a usable time.
pub(super) fn archived_at(opp: &Opportunity) -> Option<u64> {
    opp.archived
        .as_ref()
        .and_then(|a| a.archived_at)
        .filter(|ms| time::is_valid_ms(*ms))
}

fn missed(opp: &Opportunity, at: u64) -> Item {
    Item {
        found: Found {
            kind: FoundKind::Hire,
            action: Action::Queued,
            opportunity_id: opp.id.clone(),
            candidate: opp.name.clone(),
            what: format!(
                "hired in Lever on {} and no webhook came: the hire goes to bob",
                time::day(at)
            ),
            entry_id: None,
        },
        work: Some(HireState::new(&opp.id).into()),
        at_ms: at,
    }
}
