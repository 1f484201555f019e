//! Missed invites: candidates now in the assessment stage whose move there never reached
//! Hirewire. One interview-type tag: the invite is queued (sent, or held for Approve when
//! `assessment.missed_invites = "ask"`); none or several: listed with the reason, as a
//! live move would be.

use super::{Action, Catchup, Found, FoundKind, Item, List, ReconcileError};
use crate::settings::MissedInvites;
use crate::work::InviteState;

/// Adds each missed invite to the catch-up.
pub(super) async fn find(c: &mut Catchup) -> Result<(), ReconcileError> {
    let stage = c.settings.stages.assessment.clone();
    if stage.is_empty() || c.settings.assessment.send_test_url.is_empty() {
        return Ok(());
    }
    let listed = c.lever.in_stage(&stage, c.reach).await?;
    c.note_rows(List::Invites, &listed);
    let in_stage = listed.rows;
    c.listed += in_stage.len() as u64;
    for opp in in_stage {
        if c.known.staged.contains(&opp.id) || c.removed(&opp.id) {
            continue;
        }
        let tags: Vec<&String> = c
            .settings
            .interview_types
            .keys()
            .filter(|t| opp.tags.contains(t))
            .collect();
        let found = |action, what: String| Found {
            kind: FoundKind::Invite,
            action,
            opportunity_id: opp.id.clone(),
            candidate: opp.name.clone(),
            what,
            entry_id: None,
        };
        let item = match tags.as_slice() {
            [tag] => {
                let mut st = InviteState::new(&opp.id, &stage);
                st.confirm = c.settings.assessment.missed_invites == MissedInvites::Ask;
                let what = if st.confirm {
                    format!("in the assessment stage with no invite: the {tag} invite waits for your Approve")
                } else {
                    format!("in the assessment stage with no invite: the {tag} invite is sent")
                };
                Item {
                    found: found(Action::Queued, what),
                    work: Some(st.into()),
                    at_ms: c.now_ms,
                }
            }
            [] => Item {
                found: found(Action::Listed, "in the assessment stage with no interview-type tag, so no invite can be chosen: add one tag in Lever and the next catch-up sends it".into()),
                work: None,
                at_ms: c.now_ms,
            },
            several => {
                let names: Vec<&str> = several.iter().map(|t| t.as_str()).collect();
                Item {
                    found: found(Action::Listed, format!("in the assessment stage with several interview-type tags ({}): keep one in Lever and the next catch-up sends its invite", names.join(", "))),
                    work: None,
                    at_ms: c.now_ms,
                }
            }
        };
        c.items.push(item);
    }
    Ok(())
}
