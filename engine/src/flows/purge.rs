//! After a purge that left something outside Hirewire (a bob employee, the partner's
//! assessments): the entry waits, listing what exists where, until a person takes note.
//! Nothing is done to bob or the partner: those records are their owners' to keep or delete.
//!
//! A `candidateDeleted` that names only a contact (or candidate) id starts here too: Lever
//! publishes no example of that event's data, so the person's deleted opportunities are
//! found in Lever's list of deletions first (by their `contact`), and each is purged. One
//! that Lever still lists for that contact (the `contact_id` filter) is never purged.

use super::{Ctx, Finish, FlowError};
use crate::clients::lever_lists::Reach;
use crate::work::{Cause, PurgeState};

/// How far back the deletions of a contact are looked for: Lever reruns a webhook for up
/// to two weeks, so the deletion is at most that old.
const DELETED_LOOKBACK_MS: u64 = 14 * 24 * 3_600_000;

/// Waits for a person, or ends once one took note.
pub async fn run(ctx: &mut Ctx, mut st: PurgeState) -> Result<Finish, FlowError> {
    if let Some(contact) = st.find.clone() {
        let (count, elsewhere) = of_contact(ctx, &contact).await?;
        st.find = None;
        st.elsewhere = elsewhere;
        if st.elsewhere.is_empty() {
            return Ok(Finish::Done {
                reason: Some(format!(
                    "{}: Hirewire removed what it held about {count} of their opportunit{}",
                    st.cause.said(),
                    if count == 1 { "y" } else { "ies" }
                )),
                summary: None,
            });
        }
        ctx.commit(&st, None, vec![]).await?;
    }
    let what = st.elsewhere.join("; ");
    if st.noted || ctx.job.approved {
        return Ok(Finish::Done {
            reason: Some(format!(
                "{}; a person took note of what stays elsewhere: {what}",
                st.cause.said()
            )),
            summary: None,
        });
    }
    Ok(Finish::Waiting(format!(
        "{}: Hirewire removed what it held about them, but these stay outside it: {what}. Decide about them there, then Approve (or `hirewire approve {}`)",
        st.cause.said(),
        ctx.job.id
    )))
}

/// Finds the deleted opportunities of `contact` and purges each; the id itself is tried as
/// an opportunity too (Lever's older `candidateId` may name one). Returns how many were
/// purged and what stays outside Hirewire.
async fn of_contact(ctx: &mut Ctx, contact: &str) -> Result<(usize, Vec<String>), FlowError> {
    ctx.begin("find the deleted candidate's opportunities in Lever");
    let lever = ctx.lever().await?;
    let reach = if lever.sees_confidential().await? {
        Reach::All
    } else {
        Reach::Open
    };
    let since = crate::time::now_ms().saturating_sub(DELETED_LOOKBACK_MS);
    let mut ids = match lever.deleted_of_contact(since, contact, reach).await {
        Ok(ids) => ids,
        // Without the box, only the id itself can be tried.
        Err(e) if e.status == Some(403) => Vec::new(),
        Err(e) => return Err(e.into()),
    };
    ids.push(contact.to_string());
    let alive = lever.opportunities_of_contact(contact, reach).await?;
    ids.retain(|id| !alive.contains(id));
    ids.sort();
    ids.dedup();
    let mut count = 0;
    let mut elsewhere = Vec::new();
    for id in ids {
        let purged = crate::privacy::purge_now(&ctx.engine, &id, Cause::Deleted).await?;
        if purged.entries + purged.records + purged.mentions > 0 || !purged.elsewhere.is_empty() {
            count += 1;
        }
        elsewhere.extend(purged.elsewhere);
    }
    Ok((count, elsewhere))
}
