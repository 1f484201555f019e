//! Results: each finished assessment is noted in Lever with its score and report link,
//! once; unfinished ones are recorded as checked.

use crate::clients::lever::Lever;
use crate::clients::partner::{Partner, TestStatus, UnusableAnswer};
use crate::flows::{done, once, Ctx, Finish, FlowError};
use crate::keys;
use crate::model::Source;
use crate::model::Status;
use crate::notify::{Kind, Notice};
use crate::settings::AssessmentSettings;
use crate::work::{Assessment, AssessmentStatus, ResultState};

use super::rules;

/// Checks assessments and notes each finished one in Lever, once.
pub async fn run(ctx: &mut Ctx, st: ResultState) -> Result<Finish, FlowError> {
    let wanted = wanted(ctx, &st).await?;
    if wanted.is_empty() {
        return Ok(Finish::Final(
            Status::Skipped,
            Some("no assessment is waiting for a result".into()),
        ));
    }
    let partner = ctx.partner().await?;
    let lever = ctx.lever().await?;
    let mut noted = Vec::new();
    let mut noted_ids: Vec<String> = Vec::new();
    let mut rules = Vec::new();
    for x in &wanted {
        if let Some(ruled) = check_one(ctx, &partner, &lever, &st, x.clone()).await? {
            if wanted.len() == 1 {
                ctx.set_candidate(&x.candidate).await?;
            }
            noted.push(x.candidate.clone());
            noted_ids.push(x.interview_id.clone());
            if let Some(words) = ruled.said() {
                rules.push(if wanted.len() == 1 {
                    words
                } else {
                    format!("{}: {words}", x.candidate)
                });
            }
        }
    }
    if noted.is_empty() {
        return Ok(Finish::Final(
            Status::Skipped,
            Some(format!("{} assessment(s) not finished yet", wanted.len())),
        ));
    }
    ctx.engine.notifier.send(Notice {
        summary: format!(
            "{} result: {}",
            ctx.settings.assessment.provider,
            noted.join(", ")
        ),
        body: "the score and report are noted in Lever".into(),
        entry_id: Some(ctx.job.id),
        kind: Kind::Done,
    });
    let said = (!rules.is_empty()).then(|| rules.join("; "));
    Ok(Finish::Done {
        reason: said,
        summary: scored(ctx, noted_ids).await?,
    })
}

/// "result: 87, report", for each result this run noted, as now recorded.
async fn scored(ctx: &Ctx, noted: Vec<String>) -> Result<Option<String>, FlowError> {
    let all: Vec<Assessment> = ctx.engine.store.read_async(|rx| rx.assessments()).await?;
    let said: Vec<String> = all
        .iter()
        .filter(|a| noted.contains(&a.interview_id))
        .filter_map(|a| {
            let score = score_text(a.score.as_ref()?);
            let report = if a.report_url.is_some() {
                ", report"
            } else {
                ""
            };
            Some(format!("result: {score}{report}"))
        })
        .collect();
    Ok((!said.is_empty()).then(|| said.join("; ")))
}

/// A partner's score as a recruiter reads it: `87` for 87.0, a text as it is.
fn score_text(score: &serde_json::Value) -> String {
    match score {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => match n.as_f64() {
            Some(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", f as i64),
            _ => n.to_string(),
        },
        other => other.to_string(),
    }
}

/// The assessments this job is about: one interview, or every pending one.
async fn wanted(ctx: &Ctx, st: &ResultState) -> Result<Vec<Assessment>, FlowError> {
    let all: Vec<Assessment> = ctx.engine.store.read_async(|rx| rx.assessments()).await?;
    Ok(all
        .into_iter()
        .filter(|x| match &st.interview_id {
            Some(id) => &x.interview_id == id,
            None => st.all_pending && x.status == AssessmentStatus::Pending,
        })
        .collect())
}

/// Asks the partner about one assessment; a finished one is noted in Lever once, recorded
/// as complete, and handed to its score rule (`Some`, with what the rule did); an
/// unfinished one is recorded as checked (`None`).
async fn check_one(
    ctx: &mut Ctx,
    partner: &Partner,
    lever: &Lever,
    st: &ResultState,
    mut x: Assessment,
) -> Result<Option<rules::Opened>, FlowError> {
    let a = ctx.settings.assessment.clone();
    let t = ctx.begin(format!("check {}'s {} result", x.candidate, x.tag));
    let status = status_of(partner, &a, &x).await?;
    if status.partner_status != "complete" {
        let action = format!(
            "check {}'s {} result: {}",
            x.candidate, x.tag, status.partner_status
        );
        let step = done(action, Some(x.interview_id.clone()), Some(200), t);
        ctx.commit(st, Some(step), vec![]).await?;
        return Ok(None);
    }
    let score = status
        .partner_score
        .as_ref()
        .map(|s| {
            s.as_str()
                .map(str::to_string)
                .unwrap_or_else(|| s.to_string())
        })
        .unwrap_or_else(|| "no score".into());
    let report = status.partner_profile_url.clone().unwrap_or_default();
    let text = format!(
        "{} result for {} ({}): score {score}. Report: {report} — Hirewire",
        a.provider, x.candidate, x.tag
    );
    let what = keys::result_note(&x.interview_id);
    once::note(ctx, st, lever, &x.opportunity_id, &what, &text).await?;
    // Only a result that arrives now gets its rule: one graded before a rule existed
    // moves nobody unless a person asks (`hirewire reconcile --apply-rules`). The rule's
    // entry is opened before the result is recorded complete, so an interruption between
    // the two still applies it (once: `rules::open` finds the entry it opened).
    let newly = x.status == AssessmentStatus::Pending;
    x.score = status.partner_score;
    x.report_url = status.partner_profile_url;
    let opened = if newly {
        let source = if ctx.job.background {
            Source::Reconcile
        } else {
            Source::Webhook
        };
        rules::open(&ctx.engine, &ctx.settings, &x, ctx.job.background, source).await?
    } else {
        rules::Opened::NoRule
    };
    x.status = AssessmentStatus::Complete;
    ctx.engine
        .store
        .write_async(move |tx| tx.put_assessment(&x))
        .await?;
    Ok(Some(opened))
}

/// The partner's `test_status`; an answer Hirewire cannot use is reported to the partner.
async fn status_of(
    partner: &Partner,
    a: &AssessmentSettings,
    x: &Assessment,
) -> Result<TestStatus, FlowError> {
    match partner.status(&a.test_status_url, &x.interview_id).await {
        Ok(s) => Ok(s),
        Err(e) => {
            if e.status.is_none() && !e.retryable {
                let report = UnusableAnswer {
                    api_call: "test_status",
                    errors: vec![e.what.clone()],
                    partner_test_id: Some(x.test_id.clone()),
                    partner_interview_id: Some(x.interview_id.clone()),
                    ..Default::default()
                };
                partner.report(&a.response_error_url, &report).await;
            }
            Err(e.into())
        }
    }
}

#[cfg(test)]
mod score_tests {
    #[test]
    fn scores_read_as_a_recruiter_writes_them() {
        use serde_json::json;
        assert_eq!(super::score_text(&json!(87.0)), "87");
        assert_eq!(super::score_text(&json!(87.5)), "87.5");
        assert_eq!(super::score_text(&json!(92)), "92");
        assert_eq!(super::score_text(&json!("A+")), "A+");
    }
}
