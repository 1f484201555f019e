//! The employee of a hire: the one Hirewire linked before, else the one bob has with the
//! candidate's email (a former employee is a rehire: a person decides), else a new one,
//! created once (held for review when asked), however often the job runs.

use std::time::Duration;

use super::lever_hire::LeverHire;
use super::proposal::propose;
use crate::clients::bob::{Bob, CreateRefusal};
use crate::clients::bob_lookup::Found;
use crate::flows::{done, skipped, Ctx, FlowError};
use crate::keys;
use crate::time;
use crate::work::{HireQuestion, HireState, Watch};

/// bob may take this long before a new employee is readable; a create that may have
/// happened is only repeated after a search this much later still finds nothing.
const BOB_VISIBILITY: Duration = Duration::from_secs(25);

/// Where the hire's employee stands.
pub(super) enum Employee {
    /// This bob employee.
    Ready(String),
    /// A person must decide first (review, rehire), for this reason.
    Wait(String),
}

/// Finds the employee, or creates it once approved.
pub(super) async fn ensure_employee(
    ctx: &mut Ctx,
    bob: &Bob,
    data: &LeverHire,
    email: &str,
    st: &mut HireState,
) -> Result<Employee, FlowError> {
    let opp = st.opportunity_id.clone();
    if let Some(id) = st.employee_id.clone() {
        return Ok(Employee::Ready(id));
    }
    if let Some(id) = ctx.link(&keys::employee(&opp)).await? {
        st.employee_id = Some(id.clone());
        let step = skipped("create the bob employee", format!("already created: {id}"));
        ctx.commit(st, Some(step), vec![]).await?;
        return Ok(Employee::Ready(id));
    }
    let t = ctx.begin("look up the employee in bob by email");
    if let Some(found) = bob.find_by_email(email).await? {
        return found_by_email(ctx, st, found, email, t).await;
    }
    if let Some(started) = st.create_started_ms {
        // An earlier attempt sent a create and did not see the answer: bob may still be
        // making that employee readable. Search again later rather than create twice.
        let waited = time::now_ms().saturating_sub(started);
        let visible_ms = u64::try_from(BOB_VISIBILITY.as_millis()).unwrap_or(u64::MAX);
        if waited < visible_ms {
            let rest = BOB_VISIBILITY.saturating_sub(Duration::from_millis(waited));
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
        st.inputs = Some(Box::new(super::proposal::inputs(data)));
        ctx.commit(st, None, vec![]).await?;
    }
    if ctx.settings.bob.review_before_create && !ctx.job.approved {
        st.question = Some(HireQuestion::Review);
        ctx.commit(st, None, vec![]).await?;
        let why = format!("waiting for review: check the new employee, then Approve (or run `hirewire approve {}`)", ctx.job.id);
        return Ok(Employee::Wait(why));
    }
    st.question = None;
    create(ctx, bob, email, st).await.map(Employee::Ready)
}

/// bob has someone with the candidate's email: the same person (maybe a hire that has not
/// started yet), or someone who left, whom a person must confirm as a rehire.
async fn found_by_email(
    ctx: &mut Ctx,
    st: &mut HireState,
    found: Found,
    email: &str,
    t: std::time::Instant,
) -> Result<Employee, FlowError> {
    let opp = st.opportunity_id.clone();
    if found.is_former() && st.rehire_of.as_deref() != Some(found.id.as_str()) {
        st.question = Some(HireQuestion::Rehire {
            employee_id: found.id.clone(),
        });
        let step = done(
            format!("found an inactive employee in bob with {email}"),
            Some(found.id.clone()),
            Some(200),
            t,
        );
        ctx.commit(st, Some(step), vec![]).await?;
        let who = if found.lifecycle.is_some() {
            "as a former employee"
        } else {
            // The service user may not read the lifecycle: bob's search says only that
            // they are not a current employee.
            "only among its inactive people (a former employee, or a hire who has not started yet: the service user may not see which)"
        };
        let why = format!(
            "bob already has {email} {who} (employee {}, inactive): is this a rehire? Approve to use that bob record for this hire (its documents go there; rehire the person in bob as bob asks), or create the employee in bob yourself and Retry",
            found.id
        );
        return Ok(Employee::Wait(why));
    }
    st.employee_id = Some(found.id.clone());
    st.create_started_ms = None;
    st.question = None;
    let how = match (found.active, found.lifecycle.as_deref()) {
        (Some(false), Some(l)) if l.eq_ignore_ascii_case("hired") => {
            " (a hire who has not started yet)"
        }
        (Some(false), _) => " (an inactive employee: rehire confirmed by a person)",
        _ => "",
    };
    let step = done(
        format!("found the employee in bob by {email}{how}"),
        Some(found.id.clone()),
        Some(200),
        t,
    );
    ctx.commit(
        st,
        Some(step),
        vec![(keys::employee(&opp), found.id.clone())],
    )
    .await?;
    Ok(Employee::Ready(found.id))
}

async fn create(
    ctx: &mut Ctx,
    bob: &Bob,
    email: &str,
    st: &mut HireState,
) -> Result<String, FlowError> {
    let proposal = st.proposal.clone().unwrap_or_default();
    st.create_started_ms = Some(time::now_ms());
    ctx.commit(st, None, vec![]).await?;
    let t = ctx.begin("create the bob employee");
    let mut answer = bob.create(&proposal).await;
    if let Err(e) = &answer {
        // bob's guide writes list values by name; whether every account takes names is
        // not confirmed: a refused list value is sent once more as the item's id.
        if CreateRefusal::is_list_value(e) {
            if let Some(by_id) = super::proposal::with_item_ids(bob, &proposal).await? {
                answer = bob.create(&by_id).await;
            }
        }
    }
    match answer {
        Ok(id) => created(ctx, st, email, proposal, id, t).await,
        Err(e) => match CreateRefusal::of(&e) {
            // bob already has this email (an earlier create went through): find it.
            Some(CreateRefusal::Exists) => Err(FlowError::Later(
                Duration::from_secs(5),
                format!("bob says the employee exists ({e}); looking it up"),
            )),
            // Nothing was created, so a retry may create afresh.
            Some(CreateRefusal::Payload) => {
                st.create_started_ms = None;
                ctx.commit(st, None, vec![]).await?;
                Err(e.into())
            }
            None => Err(e.into()),
        },
    }
}

/// The employee bob created: recorded with its link, and watched for changes in Lever
/// from now on (for `bob.watch_days`).
async fn created(
    ctx: &mut Ctx,
    st: &mut HireState,
    email: &str,
    proposal: serde_json::Value,
    id: String,
    t: std::time::Instant,
) -> Result<String, FlowError> {
    let opp = st.opportunity_id.clone();
    st.employee_id = Some(id.clone());
    st.create_started_ms = None;
    let step = done(
        format!("created the bob employee {email}"),
        Some(id.clone()),
        Some(200),
        t,
    );
    let watch = Watch {
        opportunity_id: opp.clone(),
        employee_id: id.clone(),
        hire_entry: ctx.job.id,
        created_ms: time::now_ms(),
        inputs: st.inputs.as_deref().cloned().unwrap_or_default(),
        employee: proposal,
        pending: None,
    };
    ctx.commit_watched(st, step, (keys::employee(&opp), id.clone()), watch)
        .await?;
    Ok(id)
}
