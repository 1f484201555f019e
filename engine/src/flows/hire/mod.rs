//! Flow F1, a hire becomes a bob employee: read the candidate from Lever, find or create the
//! employee (by email first, so nothing is created twice; held for review when asked), then
//! copy the files (`documents`), and conclude with a notification.

pub mod documents;
pub mod fields;
pub mod lever_hire;
pub mod proposal;

use std::time::Duration;

use documents::copy_documents;
use lever_hire::{fetch, LeverHire};
use proposal::propose;

use super::{done, skipped, Ctx, Finish, FlowError};
use crate::clients::bob::Bob;
use crate::clients::lever::Lever;
use crate::keys;
use crate::model::Status;
use crate::notify::{Kind, Notice};
use crate::time;
use crate::work::HireState;

/// bob may take this long before a new employee is readable; a create that may have
/// happened is only repeated after a search this much later still finds nothing.
const BOB_VISIBILITY: Duration = Duration::from_secs(25);

/// Runs one attempt of a hire.
pub async fn run(ctx: &mut Ctx, mut st: HireState) -> Result<Finish, FlowError> {
    let lever = ctx.lever().await?;
    let bob = ctx.bob().await?;
    let data = read_lever(ctx, &lever, &st.opportunity_id).await?;
    let email = data.opp.email().ok_or_else(|| FlowError::Stop("the candidate has no email address in Lever, and bob needs one: add it in Lever, then Retry".into()))?;
    let employee = match ensure_employee(ctx, &bob, &data, &email, &mut st).await? {
        Some(id) => id,
        None => {
            let why = format!("waiting for review: check the new employee, then Approve (or run `hirewire approve {}`)", ctx.job.id);
            return Ok(Finish::Waiting(why));
        }
    };
    copy_documents(ctx, &lever, &bob, &data, &employee, &mut st).await?;
    Ok(conclude(ctx, &data.opp.name, &employee, &st))
}

/// Reads everything the hire needs from Lever, recording it as a step.
pub async fn read_lever(
    ctx: &mut Ctx,
    lever: &Lever,
    opp_id: &str,
) -> Result<LeverHire, FlowError> {
    let t = ctx.begin("read the candidate from Lever");
    let data = fetch(lever, opp_id).await?;
    ctx.set_candidate(&data.opp.name).await?;
    let offer = data
        .offer
        .as_ref()
        .map(|o| o.status.as_str())
        .unwrap_or("none");
    let summary = format!("{} file(s), offer {offer}", data.files.len());
    let step = done("read the candidate from Lever", Some(summary), Some(200), t);
    ctx.record(step).await?;
    Ok(data)
}

/// Finds the employee, or creates it once approved. `None`: waiting for review.
async fn ensure_employee(
    ctx: &mut Ctx,
    bob: &Bob,
    data: &LeverHire,
    email: &str,
    st: &mut HireState,
) -> Result<Option<String>, FlowError> {
    let opp = st.opportunity_id.clone();
    if let Some(id) = st.employee_id.clone() {
        return Ok(Some(id));
    }
    if let Some(id) = ctx.link(&keys::employee(&opp)).await? {
        st.employee_id = Some(id.clone());
        ctx.commit(
            st,
            Some(skipped(
                "create the bob employee",
                format!("already created: {id}"),
            )),
            vec![],
        )
        .await?;
        return Ok(Some(id));
    }
    let t = ctx.begin("look up the employee in bob by email");
    if let Some(id) = bob.find_by_email(email).await? {
        st.employee_id = Some(id.clone());
        st.create_started_ms = None;
        let step = done(
            format!("found the employee in bob by {email}"),
            Some(id.clone()),
            Some(200),
            t,
        );
        ctx.commit(st, Some(step), vec![(keys::employee(&opp), id.clone())])
            .await?;
        return Ok(Some(id));
    }
    if let Some(started) = st.create_started_ms {
        // An earlier attempt sent a create and did not see the answer: bob may still be
        // making that employee readable. Search again later rather than create twice.
        let waited = time::now_ms().saturating_sub(started);
        if waited < BOB_VISIBILITY.as_millis() as u64 {
            let rest = BOB_VISIBILITY - Duration::from_millis(waited);
            return Err(FlowError::Later(
                rest,
                "checking whether bob created the employee before Hirewire was interrupted".into(),
            ));
        }
    }
    if st.proposal.is_none() {
        ctx.begin("prepare the bob employee (fields, sites, lists)");
        let (proposal, notes) = propose(&ctx.settings, bob, data, email).await?;
        st.proposal = Some(proposal);
        st.notes = notes;
        ctx.commit(st, None, vec![]).await?;
    }
    if ctx.settings.bob.review_before_create && !ctx.job.approved {
        return Ok(None);
    }
    create(ctx, bob, email, st).await.map(Some)
}

async fn create(
    ctx: &mut Ctx,
    bob: &Bob,
    email: &str,
    st: &mut HireState,
) -> Result<String, FlowError> {
    let opp = st.opportunity_id.clone();
    let proposal = st.proposal.clone().unwrap_or_default();
    st.create_started_ms = Some(time::now_ms());
    ctx.commit(st, None, vec![]).await?;
    let t = ctx.begin("create the bob employee");
    match bob.create(&proposal).await {
        Ok(id) => {
            st.employee_id = Some(id.clone());
            st.create_started_ms = None;
            let step = done(
                format!("created the bob employee {email}"),
                Some(id.clone()),
                Some(200),
                t,
            );
            ctx.commit(st, Some(step), vec![(keys::employee(&opp), id.clone())])
                .await?;
            Ok(id)
        }
        Err(e)
            if e.status.is_some_and(|s| (400..500).contains(&s))
                && e.what.to_lowercase().contains("exist") =>
        {
            // bob already has this email (an earlier create went through): find it.
            Err(FlowError::Later(
                Duration::from_secs(5),
                format!("bob says the employee exists ({e}); looking it up"),
            ))
        }
        Err(e)
            if e.status
                .is_some_and(|s| (400..500).contains(&s) && s != 429) =>
        {
            // bob refused the payload: nothing was created, so a retry may create afresh.
            st.create_started_ms = None;
            ctx.commit(st, None, vec![]).await?;
            Err(e.into())
        }
        Err(e) => Err(e.into()),
    }
}

fn conclude(ctx: &Ctx, name: &str, employee: &str, st: &HireState) -> Finish {
    let copied = st.docs.values().filter(|d| d.bob_id.is_some()).count();
    let broken: Vec<String> = st
        .docs
        .values()
        .filter_map(|d| d.failed.as_ref().map(|why| format!("{}: {why}", d.name)))
        .collect();
    let total = st.docs.len();
    let mut reason = None;
    if broken.is_empty() {
        ctx.engine.notifier.send(Notice {
            summary: format!("{name} → bob"),
            body: format!("Employee {employee} with {copied} document(s)"),
            entry_id: Some(ctx.job.id),
            kind: Kind::Done,
        });
    } else {
        let why = format!(
            "{copied} of {total} documents copied; {}",
            broken.join("; ")
        );
        ctx.engine.notifier.send(Notice {
            summary: format!("{name} → bob, with problems"),
            body: why.clone(),
            entry_id: Some(ctx.job.id),
            kind: Kind::Attention,
        });
        reason = Some(why);
    }
    if !st.notes.is_empty() {
        let notes = format!("fields not mapped: {}", st.notes.join("; "));
        reason = Some(match reason {
            Some(r) => format!("{r}; {notes}"),
            None => notes,
        });
    }
    Finish::Final(Status::Done, reason)
}
