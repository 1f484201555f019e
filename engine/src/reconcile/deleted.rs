//! Deletions the `candidateDeleted` webhook did not bring: Lever lists the opportunities
//! deleted since the last catch-up, and those Hirewire holds anything about are purged as a
//! delivered deletion purges them ([`super::record`]). A key without the box to list them
//! costs a note, not the catch-up.

use super::{Catchup, List, ReconcileError};
use crate::clients::lever_perm::{missing_checkbox, Perm};

/// Lists the deletions and keeps the ones to purge in `c.deleted`.
pub(super) async fn find(c: &mut Catchup) -> Result<(), ReconcileError> {
    match c
        .lever
        .deleted_since(c.since(List::Deletions), c.reach)
        .await
    {
        Ok(listed) => {
            c.note_rows(List::Deletions, &listed);
            let ids = listed.rows;
            c.listed += ids.len() as u64;
            c.deleted = ids
                .into_iter()
                .filter(|id| c.known.held.contains(id))
                .collect();
            Ok(())
        }
        Err(e) if e.status == Some(403) => {
            c.notes.push(format!(
                "deletions the candidateDeleted webhook may have missed were not looked for: {}",
                missing_checkbox(Perm::FindDeletedOpportunities)
            ));
            Ok(())
        }
        Err(e) => Err(e.into()),
    }
}
