//! Flow F1, a hire becomes a bob employee: read the candidate from Lever, find or create the
//! employee (by email first, so nothing is created twice; held for review when asked), then
//! copy the files (`documents`), and conclude with a notification.

pub mod change;
pub mod documents;
mod employee;
pub mod fields;
pub mod lever_hire;
pub mod proposal;
mod work_row;

use documents::copy_documents;
use employee::{ensure_employee, Employee};
use lever_hire::{fetch, LeverHire};

use super::{done, Ctx, Finish, FlowError};
use crate::clients::lever::Lever;
use crate::notify::{Kind, Notice};
use crate::work::HireState;

/// Runs one attempt of a hire.
pub async fn run(ctx: &mut Ctx, mut st: HireState) -> Result<Finish, FlowError> {
    let lever = ctx.lever().await?;
    let bob = ctx.bob().await?;
    let data = read_lever(ctx, &lever, &st.opportunity_id).await?;
    if let Some(end) = super::unless_anonymized(ctx, &data.opp).await? {
        return Ok(end);
    }
    let email = data.opp.email().ok_or_else(|| FlowError::Stop("the candidate has no email address in Lever, and bob needs one: add it in Lever, then Retry".into()))?;
    let employee = match ensure_employee(ctx, &bob, &data, &email, &mut st).await? {
        Employee::Ready(id) => id,
        Employee::Wait(why) => return Ok(Finish::Waiting(why)),
    };
    if let Some(why) = copy_documents(ctx, &lever, &bob, &data, &employee, &mut st).await? {
        return Ok(Finish::Waiting(why));
    }
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
    Finish::Done {
        reason,
        summary: made(employee, st),
    }
}

/// "employee 3332883, 3 documents".
fn made(employee: &str, st: &HireState) -> Option<String> {
    let docs = st
        .docs
        .values()
        .filter(|d| d.bob_id.is_some() || d.present.is_some())
        .count();
    Some(format!(
        "employee {employee}, {docs} document{}",
        if docs == 1 { "" } else { "s" }
    ))
}
