//! Flow F3 and next steps: a move into the onsite or offer stage, or an archive change
//! (its reason mapped to rejected / withdrew / offer accepted / offer declined / not
//! applicable), is recorded per candidate with its time, shown in the app, and posted to the
//! partner's outcome URL for candidates it assessed. An unmapped reason fails visibly.

use serde_json::json;

use super::{done, once, skipped, Ctx, Finish, FlowError};
use crate::clients::lever::{Lever, Opportunity};
use crate::keys;
use crate::model::Status;
use crate::settings::Names;
use crate::time;
use crate::work::{Assessment, OutcomeKind, OutcomeState, Recorded, RecordedKind};

/// Records one outcome.
pub async fn run(ctx: &mut Ctx, st: OutcomeState) -> Result<Finish, FlowError> {
    let lever = ctx.lever().await?;
    ctx.begin("read the opportunity from Lever");
    let opp = lever.opportunity(&st.opportunity_id).await?;
    if let Some(end) = crate::flows::unless_anonymized(ctx, &opp).await? {
        return Ok(end);
    }
    ctx.set_candidate(&opp.name).await?;
    let (kind, value, reason) = match what_happened(ctx, &st, &lever, &opp).await? {
        Some(w) => w,
        None => {
            return Ok(Finish::Final(
                Status::Skipped,
                Some("the candidate is not archived: no offer status to record".into()),
            ))
        }
    };
    let record = Recorded {
        kind,
        value,
        reason,
        at: time::now_ms(),
        entry_id: ctx.job.id,
    };
    save(ctx, &st, &opp.id, &record).await?;
    post_to_partner(ctx, &st, &opp.id, &record).await?;
    if record.kind == RecordedKind::OfferStatus {
        let closed = super::assessment::close_for(&ctx.engine, &opp.id).await?;
        if closed > 0 {
            let why = format!("{closed} pending assessment(s) are no longer checked: results are only for active candidates");
            ctx.record(skipped("keep checking assessment results", why))
                .await?;
        }
    }
    Ok(Finish::Done {
        reason: None,
        summary: Some(said(&record)),
    })
}

/// "next step: onsite", "outcome: Offer accepted".
fn said(record: &Recorded) -> String {
    match record.kind {
        RecordedKind::NextStep => format!("next step: {}", record.value),
        RecordedKind::OfferStatus => format!("outcome: {}", words(&record.value)),
    }
}

/// `offer-accepted` → `Offer accepted`.
fn words(value: &str) -> String {
    let words = value.replace('-', " ");
    let mut c = words.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => words,
    }
}

/// The outcome: a next step, or the offer status an archive reason is mapped to (with
/// the reason's text). `None`: not archived. An unmapped reason stops with what to do.
async fn what_happened(
    ctx: &mut Ctx,
    st: &OutcomeState,
    lever: &Lever,
    opp: &Opportunity,
) -> Result<Option<(RecordedKind, String, Option<String>)>, FlowError> {
    if st.kind == OutcomeKind::NextStep {
        let step = st.next_step.clone().unwrap_or_default();
        return Ok(Some((RecordedKind::NextStep, step, None)));
    }
    let reason_id = st
        .archive_reason
        .clone()
        .or_else(|| opp.archived.as_ref().and_then(|a| a.reason.clone()));
    let Some(reason_id) = reason_id else {
        return Ok(None);
    };
    ctx.begin("read archive reasons from Lever");
    let text = lever
        .archive_reasons()
        .await?
        .into_iter()
        .find(|r| r.id == reason_id)
        .map(|r| r.text)
        .unwrap_or_else(|| reason_id.clone());
    let Some(outcome) = ctx.settings.archive_reasons.get(&reason_id) else {
        remember_unmapped(ctx, &reason_id, &text).await?;
        let why = format!(
            "the archive reason “{text}” is not mapped to an offer status, so nothing was recorded: map it in Mappings, then Retry"
        );
        // The failed attempt tells a person (one notification, with this reason).
        return Err(FlowError::Stop(why));
    };
    let value = outcome.as_str().to_string();
    Ok(Some((RecordedKind::OfferStatus, value, Some(text))))
}

/// Keeps an unmapped reason's text and the entry that met it, so that Mappings shows it as
/// a row to map, with the event that brought it.
async fn remember_unmapped(ctx: &Ctx, reason_id: &str, text: &str) -> Result<(), FlowError> {
    let names = Names {
        archive_reasons: [(reason_id.to_string(), text.to_string())].into(),
        unmapped_seen: [(reason_id.to_string(), ctx.job.id)].into(),
        ..Names::default()
    };
    ctx.engine
        .store
        .write_async(move |tx| tx.add_names(names))
        .await?;
    Ok(())
}

/// Records the outcome with the candidate's others (once per entry), as a step.
async fn save(
    ctx: &mut Ctx,
    st: &OutcomeState,
    opp: &str,
    record: &Recorded,
) -> Result<(), FlowError> {
    let t = ctx.begin("record the outcome");
    let (opp_id, saved) = (opp.to_string(), record.clone());
    ctx.engine
        .store
        .write_async(move |tx| {
            let mut list = tx.outcomes(&opp_id)?;
            if !list.iter().any(|r| r.entry_id == saved.entry_id) {
                list.push(saved);
            }
            tx.put_outcomes(&opp_id, &list)
        })
        .await?;
    let kind_name = match record.kind {
        RecordedKind::NextStep => "next-step",
        RecordedKind::OfferStatus => "offer-status",
    };
    let label = match &record.reason {
        Some(r) => format!("{kind_name} {} (“{r}”)", record.value),
        None => format!("{kind_name} {}", record.value),
    };
    let step = done(format!("record {label}"), Some(opp.to_string()), None, t);
    ctx.commit(st, Some(step), vec![]).await?;
    Ok(())
}

/// Posts the outcome to the partner's outcome URL, for candidates it assessed.
async fn post_to_partner(
    ctx: &mut Ctx,
    st: &OutcomeState,
    opp: &str,
    record: &Recorded,
) -> Result<(), FlowError> {
    let url = ctx.settings.assessment.outcome_url.clone();
    let of = opp.to_string();
    let known: Vec<Assessment> = ctx
        .engine
        .store
        .read_async(move |rx| rx.assessments_of(&of))
        .await?;
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
    let key = keys::outcome(ctx.job.id);
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

#[cfg(test)]
mod tests {
    #[test]
    fn outcomes_read_as_words() {
        assert_eq!(super::words("offer-accepted"), "Offer accepted");
        assert_eq!(super::words("rejected"), "Rejected");
        assert_eq!(super::words(""), "");
    }
}
