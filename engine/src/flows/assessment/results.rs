//! Results: each finished assessment is noted in Lever with its score and report link,
//! once; unfinished ones are recorded as checked.

use crate::clients::lever::Lever;
use crate::clients::partner::{Partner, TestStatus, UnusableAnswer};
use crate::flows::{done, once, Ctx, Finish, FlowError};
use crate::model::Status;
use crate::notify::{Kind, Notice};
use crate::settings::AssessmentSettings;
use crate::work::{Assessment, AssessmentStatus, ResultState};

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
    for x in &wanted {
        if check_one(ctx, &partner, &lever, &st, x.clone()).await? {
            if wanted.len() == 1 {
                ctx.set_candidate(&x.candidate).await?;
            }
            noted.push(x.candidate.clone());
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
    Ok(Finish::Final(Status::Done, None))
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

/// Asks the partner about one assessment; a finished one is noted in Lever once and
/// recorded as complete (`true`), an unfinished one is recorded as checked.
async fn check_one(
    ctx: &mut Ctx,
    partner: &Partner,
    lever: &Lever,
    st: &ResultState,
    mut x: Assessment,
) -> Result<bool, FlowError> {
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
        return Ok(false);
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
    let what = format!("result:{}", x.interview_id);
    once::note(ctx, st, lever, &x.opportunity_id, &what, &text).await?;
    x.status = AssessmentStatus::Complete;
    x.score = status.partner_score;
    x.report_url = status.partner_profile_url;
    ctx.engine
        .store
        .write_async(move |tx| tx.put_assessment(&x))
        .await?;
    Ok(true)
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
