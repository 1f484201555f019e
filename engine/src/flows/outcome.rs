//! Flow F3 and next steps: a move into the onsite or offer stage, or an archive change
//! (its reason mapped to rejected / withdrew / offer accepted / offer declined / not
//! applicable), is recorded per candidate with its time, shown in the app, and posted to the
//! partner's outcome URL for candidates it assessed. An unmapped reason fails visibly.

use serde::{Deserialize, Serialize};
use serde_json::json;

use super::assessment::Assessment;
use super::{done, once, skipped, Ctx, Finish, FlowError};
use crate::model::Status;
use crate::store::{ASSESSMENTS, OUTCOMES};
use crate::time;

/// One recorded outcome of a candidate.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Recorded {
    /// `next-step` or `offer-status`.
    pub kind: String,
    /// onsite / offer, or rejected / withdrew / offer-accepted / offer-declined / not-applicable.
    pub value: String,
    /// The Lever archive reason's text, for offer statuses.
    pub reason: Option<String>,
    /// When (ms).
    pub at: u64,
    /// The history entry.
    pub entry_id: u64,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(default)]
struct OutcomeState {
    opportunity_id: String,
    kind: String,
    next_step: Option<String>,
    archive_reason: Option<String>,
}

/// Records one outcome.
pub async fn run(ctx: &mut Ctx) -> Result<Finish, FlowError> {
    let st: OutcomeState = ctx.state();
    let lever = ctx.lever().await?;
    ctx.begin("read the opportunity from Lever");
    let opp = lever.opportunity(&st.opportunity_id).await?;
    ctx.set_candidate(&opp.name).await?;
    let (kind, value, reason) = if st.kind == "next-step" {
        ("next-step", st.next_step.clone().unwrap_or_default(), None)
    } else {
        let reason_id = st
            .archive_reason
            .clone()
            .or_else(|| opp.archived.as_ref().and_then(|a| a.reason.clone()));
        let Some(reason_id) = reason_id else {
            return Ok(Finish::Final(
                Status::Skipped,
                Some("the candidate is not archived: no offer status to record".into()),
            ));
        };
        ctx.begin("read archive reasons from Lever");
        let text = lever
            .archive_reasons()
            .await?
            .into_iter()
            .find(|r| r.id == reason_id)
            .map(|r| r.text)
            .unwrap_or_else(|| reason_id.clone());
        match ctx.settings.archive_reasons.get(&reason_id) {
            Some(outcome) => ("offer-status", outcome.as_str().to_string(), Some(text)),
            None => {
                let why = format!(
                    "the archive reason “{text}” is not mapped to an offer status, so nothing was recorded: map it in Setup → Mappings, then Retry"
                );
                ctx.engine.notifier.send(crate::notify::Notice {
                    summary: format!("{}: unmapped archive reason", opp.name),
                    body: why.clone(),
                    entry_id: Some(ctx.job.id),
                    kind: crate::notify::Kind::Attention,
                });
                return Err(FlowError::Stop(why));
            }
        }
    };
    let record = Recorded {
        kind: kind.into(),
        value: value.clone(),
        reason: reason.clone(),
        at: time::now_ms(),
        entry_id: ctx.job.id,
    };
    let t = ctx.begin("record the outcome");
    let (opp_id, saved) = (opp.id.clone(), record.clone());
    ctx.engine
        .store
        .write_async(move |tx| {
            let mut list: Vec<Recorded> = tx.doc(OUTCOMES, &opp_id)?.unwrap_or_default();
            if !list.iter().any(|r| r.entry_id == saved.entry_id) {
                list.push(saved);
            }
            tx.put_doc(OUTCOMES, &opp_id, &list)
        })
        .await?;
    let label = match &reason {
        Some(r) => format!("{kind} {value} (“{r}”)"),
        None => format!("{kind} {value}"),
    };
    ctx.commit(
        &st,
        Some(done(
            format!("record {label}"),
            Some(opp.id.clone()),
            None,
            t,
        )),
        vec![],
    )
    .await?;
    post_to_partner(ctx, &st, &opp.id, &record).await?;
    Ok(Finish::Final(Status::Done, None))
}

/// Posts the outcome to the partner's outcome URL, for candidates it assessed.
async fn post_to_partner(
    ctx: &mut Ctx,
    st: &OutcomeState,
    opp: &str,
    record: &Recorded,
) -> Result<(), FlowError> {
    let url = ctx.settings.assessment.outcome_url.clone();
    let all: Vec<(String, Assessment)> = ctx
        .engine
        .store
        .read_async(|rx| rx.docs(ASSESSMENTS))
        .await?;
    let known: Vec<Assessment> = all
        .into_iter()
        .map(|(_, a)| a)
        .filter(|a| a.opportunity_id == opp)
        .collect();
    let provider = ctx.settings.assessment.provider.clone();
    if known.is_empty() {
        return Ok(ctx
            .commit(
                st,
                Some(skipped(
                    format!("tell {provider}"),
                    format!("{provider} never assessed this candidate"),
                )),
                vec![],
            )
            .await?);
    }
    if url.is_empty() {
        let why = format!("no outcome URL is set for {provider}: the outcome is kept in Hirewire");
        return Ok(ctx
            .commit(st, Some(skipped(format!("tell {provider}"), why)), vec![])
            .await?);
    }
    let key = format!("outcome:{}", ctx.job.id);
    if once::result(ctx, &key).await?.is_some() {
        return Ok(());
    }
    let partner = ctx.partner().await?;
    let t = ctx.begin(format!("tell {provider} the outcome"));
    for a in &known {
        let body = json!({
            "partner_interview_id": a.interview_id,
            "type": record.kind,
            "value": record.value,
            "reason": record.reason,
            "at": time::rfc3339(record.at),
        });
        partner.post_outcome(&url, &body).await?;
    }
    once::finish(
        ctx,
        st,
        &key,
        "posted",
        done(format!("tell {provider} the outcome"), None, Some(200), t),
    )
    .await
}
