//! Changes after the hire: for each employee Hirewire created in the last
//! `bob.watch_days`, the offer is read again (its opportunity comes from the hired list,
//! its posting once per posting) and compared with what the employee was made from. Only
//! when Lever says something new is bob asked anything: what the employee would be now,
//! and what bob holds, so that a field someone edited in bob is shown as such.

use std::collections::HashMap;

use super::diff::diff;
use super::offers;
use super::unknown;
use super::{by_id, Action, Catchup, Found, FoundKind, Item, ReconcileError};
use crate::clients::bob::{Bob, BobField};
use crate::clients::bob_updates::held_at;
use crate::clients::lever::{Opportunity, Posting};
use crate::flows::hire::lever_hire::LeverHire;
use crate::flows::hire::proposal::{inputs, propose};
use crate::work::{ChangeState, Watch};

/// Adds each changed offer to the catch-up.
pub(super) async fn find(c: &mut Catchup, hired: &[Opportunity]) -> Result<(), ReconcileError> {
    let from = c
        .now_ms
        .saturating_sub(c.settings.bob.watch_days.saturating_mul(super::DAY_MS));
    let watched: Vec<Watch> = c
        .known
        .watches
        .iter()
        .filter(|w| w.created_ms >= from && w.pending.is_none())
        .cloned()
        .collect();
    if watched.is_empty() {
        return Ok(());
    }
    let opps = by_id(hired);
    let mut postings: HashMap<String, Posting> = HashMap::new();
    let mut changed: Vec<Reread> = Vec::new();
    for w in watched {
        // No longer archived as hired (unhired, or moved on): nothing to compare.
        let Some(opp) = opps.get(w.opportunity_id.as_str()) else {
            continue;
        };
        let (mut data, note) = read_offer(c, opp, &w.inputs, &mut postings).await?;
        let lost = unknown::fill(&mut data, &w.inputs);
        if inputs(&data) != w.inputs {
            changed.push(Reread {
                w,
                data,
                lost,
                note,
            });
        } else if !lost.is_empty() {
            // Only what could not be read: said, and the baseline kept as it is.
            c.items.push(Item {
                found: found(&data.opp, Action::Listed, unknown::sentence(&lost)),
                work: None,
                at_ms: c.now_ms,
            });
        }
    }
    if changed.is_empty() {
        return Ok(());
    }
    let bob = c.engine.bob(&c.settings).await?;
    compare(c, &bob, changed).await
}

/// A watched hire whose Lever data reads differently now.
struct Reread {
    w: Watch,
    data: LeverHire,
    /// Values the re-read did not give (`unknown`).
    lost: Vec<String>,
    /// Which offer is compared, when not simply the hire's own (`offers`).
    note: Option<String>,
}

/// The hire's Lever data as it reads now, without files, and which offer that is.
async fn read_offer(
    c: &Catchup,
    opp: &Opportunity,
    had: &crate::work::LeverInputs,
    postings: &mut HashMap<String, Posting>,
) -> Result<(LeverHire, Option<String>), ReconcileError> {
    let posting = match opp.posting_id() {
        Some(pid) => match postings.get(&pid) {
            Some(p) => Some(p.clone()),
            None => {
                let p = c.lever.posting(&pid).await?;
                postings.insert(pid, p.clone());
                Some(p)
            }
        },
        None => None,
    };
    let picked = offers::pick(c.lever.offers(&opp.id).await?, had);
    let data = LeverHire {
        opp: opp.clone(),
        posting,
        offer: picked.offer,
        files: vec![],
    };
    Ok((data, picked.note))
}

/// A watched hire whose offer changed, with what bob would get now, and the Lever
/// fields bob has no place for.
type Changed = (Watch, ChangeState, Vec<String>);

/// What bob would get now against what it got; each difference with what bob holds.
async fn compare(c: &mut Catchup, bob: &Bob, changed: Vec<Reread>) -> Result<(), ReconcileError> {
    let bob_fields = bob.fields().await?;
    let mut states: Vec<Changed> = Vec::new();
    for reread in changed {
        if let Some(state) = change_of(c, bob, &bob_fields, reread).await {
            states.push(state);
        }
    }
    mark_edited_in_bob(bob, &mut states).await?;
    for (_, st, lost) in states {
        c.items.push(queued(st, lost, c.now_ms));
    }
    Ok(())
}

/// The change bob is due for one re-read hire, or none: when bob cannot take the offer,
/// or nothing bob gets changed (the hire is rebased, or its unmappable fields listed).
async fn change_of(
    c: &mut Catchup,
    bob: &Bob,
    bob_fields: &[BobField],
    Reread {
        w,
        data,
        mut lost,
        note,
    }: Reread,
) -> Option<Changed> {
    let email = data.opp.email().unwrap_or_default();
    let now = match propose(&c.settings, bob, &data, &email).await {
        Ok((payload, _)) => payload,
        Err(e) => {
            c.items.push(Item {
                found: found(&data.opp, Action::Listed, format!("the offer changed after the employee was created, but bob cannot take it as it is: {e}")),
                work: None,
                at_ms: c.now_ms,
            });
            return None;
        }
    };
    let (changes, gone) = unknown::split(diff(&w.employee, &now, bob_fields));
    lost.extend(gone);
    let mut rebased = w.clone();
    rebased.inputs = inputs(&data);
    if changes.is_empty() {
        if lost.is_empty() {
            // Lever changed something bob does not get (an unmapped offer field).
            c.rebased.push(rebased);
        } else {
            c.items.push(Item {
                found: found(&data.opp, Action::Listed, unknown::sentence(&lost)),
                work: None,
                at_ms: c.now_ms,
            });
        }
        return None;
    }
    Some((
        w.clone(),
        ChangeState {
            opportunity_id: w.opportunity_id.clone(),
            employee_id: w.employee_id.clone(),
            candidate: data.opp.name.clone(),
            changes,
            inputs: rebased.inputs,
            offer: note,
            ..Default::default()
        },
        lost,
    ))
}

/// The item that queues a change for bob, saying what changed.
fn queued(st: ChangeState, lost: Vec<String>, at_ms: u64) -> Item {
    let mut what = format!(
        "the offer changed after the employee was created{}: {}",
        st.offer_note(),
        st.summary()
    );
    if !lost.is_empty() {
        what = format!("{what}. {}", unknown::sentence(&lost));
    }
    let opp = Opportunity {
        id: st.opportunity_id.clone(),
        name: st.candidate.clone(),
        ..Default::default()
    };
    Item {
        found: found(&opp, Action::Queued, what),
        work: Some(st.into()),
        at_ms,
    }
}

/// Notes, per difference, what bob holds when it is neither the old nor the new value.
async fn mark_edited_in_bob(bob: &Bob, states: &mut [Changed]) -> Result<(), ReconcileError> {
    for chunk in states.chunks_mut(50) {
        let ids: Vec<String> = chunk
            .iter()
            .map(|(w, _, _)| w.employee_id.clone())
            .collect();
        let mut fields: Vec<String> = chunk
            .iter()
            .flat_map(|(_, s, _)| s.changes.iter().map(|c| c.field.clone()))
            .collect();
        fields.sort();
        fields.dedup();
        let current = bob.values_of(&ids, &fields).await?;
        for (w, st, _) in chunk.iter_mut() {
            let Some(employee) = current.get(&w.employee_id) else {
                continue;
            };
            for ch in &mut st.changes {
                let path: Vec<&str> = ch.path.iter().map(String::as_str).collect();
                let Some(held) = held_at(employee, &path) else {
                    continue;
                };
                if !held.is(&ch.was) && !held.is(&ch.now) {
                    ch.in_bob = Some(held.shown().clone());
                }
            }
        }
    }
    Ok(())
}

fn found(opp: &Opportunity, action: Action, what: String) -> Found {
    Found {
        kind: FoundKind::Change,
        action,
        opportunity_id: opp.id.clone(),
        candidate: opp.name.clone(),
        what,
        entry_id: None,
    }
}
