//! Flow F2, the part Byteboard's own Lever integration plays: a move into the assessment
//! stage sends the invite for the candidate's one interview-type tag and notes it in Lever;
//! a finished assessment (found by polling, or at once after the partner's `PATCH`) is
//! noted in Lever with the score and the report link. Each happens once per candidate and test.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use super::{done, once, Ctx, Finish, FlowError};
use crate::clients::lever::Opportunity;
use crate::clients::partner::Candidate;
use crate::model::{Detail, Entry, Flow, Job, JobKind, Status};
use crate::notify::{Kind, Notice};
use crate::store::{RelayConn, ASSESSMENTS};
use crate::{time, Engine};
use hirewire_relay::protocol::{endpoints, ConnectCode};

/// Greenhouse polls for up to eight weeks; so does Hirewire.
const POLL_FOR: Duration = Duration::from_secs(8 * 7 * 24 * 3600);
/// How often the poller looks for due assessments (a read of a small local table).
const POLL_TICK: Duration = Duration::from_secs(5);
/// Most status calls per tick: keeps a backlog spread out and within partner limits.
const POLLS_PER_TICK: usize = 20;

/// A sent assessment, kept until its result is noted (or it expires).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Assessment {
    /// The partner's interview id.
    pub interview_id: String,
    /// Lever opportunity.
    pub opportunity_id: String,
    /// Candidate name.
    pub candidate: String,
    /// The tag that chose the test.
    pub tag: String,
    /// The partner test.
    pub test_id: String,
    /// When sent (ms).
    pub sent_at: u64,
    /// Next status check (ms).
    pub next_poll_ms: u64,
    /// pending, complete, expired.
    pub status: String,
    /// The score, once complete.
    pub score: Option<Value>,
    /// The report, once complete.
    pub report_url: Option<String>,
}

/// The invite job's state.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct InviteState {
    opportunity_id: String,
    #[serde(default)]
    interview_id: Option<String>,
}

/// Sends the invite for a move into the assessment stage.
pub async fn invite(ctx: &mut Ctx) -> Result<Finish, FlowError> {
    let mut st: InviteState = ctx.state();
    let a = ctx.settings.assessment.clone();
    if a.send_test_url.is_empty() {
        return Err(FlowError::Stop(
            "no assessment partner is configured: set its URLs and key in Setup, then Retry".into(),
        ));
    }
    let lever = ctx.lever().await?;
    ctx.begin("read the opportunity from Lever");
    let opp = lever.opportunity(&st.opportunity_id).await?;
    ctx.set_candidate(&opp.name).await?;
    let types: Vec<(String, String)> = ctx
        .settings
        .interview_types
        .iter()
        .filter(|(tag, _)| opp.tags.contains(tag))
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    let (tag, test) = match types.as_slice() {
        [(tag, test)] => (tag.clone(), test.clone()),
        _ => {
            let found: Vec<&str> = types.iter().map(|(t, _)| t.as_str()).collect();
            return no_single_type(ctx, &lever, &opp.name, &opp.id, &found).await;
        }
    };
    let key = format!("invite:{}:{test}", opp.id);
    let interview = match once::result(ctx, &key).await? {
        // This job sent it before an interruption: go on to the note.
        Some(existing) if st.interview_id.as_deref() == Some(existing.as_str()) => existing,
        Some(existing) => {
            let why = format!("{} already has the {tag} assessment (interview {existing}): one invite per candidate and test", opp.name);
            return Ok(Finish::Final(Status::Skipped, Some(why)));
        }
        None => send(ctx, &mut st, &opp, &tag, &test, &key).await?,
    };
    let email = opp.email().unwrap_or_default();
    let text = format!(
        "{} assessment invite sent ({tag}) to {email}. — Hirewire",
        a.provider
    );
    once::note(
        ctx,
        &st,
        &lever,
        &opp.id,
        &format!("invite:{interview}"),
        &text,
    )
    .await?;
    ctx.engine.notifier.send(Notice {
        summary: format!("Invite sent: {}", opp.name),
        body: format!("{tag}, via {}", a.provider),
        entry_id: Some(ctx.job.id),
        kind: Kind::Done,
    });
    Ok(Finish::Final(Status::Done, None))
}

/// Sends the invite once (its intent and result recorded around the call).
async fn send(
    ctx: &mut Ctx,
    st: &mut InviteState,
    opp: &Opportunity,
    tag: &str,
    test: &str,
    key: &str,
) -> Result<String, FlowError> {
    let a = ctx.settings.assessment.clone();
    let key = key.to_string();
    if once::interrupted(ctx, &key).await? {
        return Err(FlowError::Stop(format!(
            "Hirewire was interrupted while sending the {tag} invite, and {} cannot say whether it arrived: check {} for an invite to {}, then Retry only if there is none",
            a.provider,
            a.provider,
            opp.email().unwrap_or_default()
        )));
    }
    let email = opp
        .email()
        .ok_or_else(|| FlowError::Stop(format!("{} has no email address in Lever", opp.name)))?;
    let (first, last) = opp.split_name();
    let callback = callback_url(ctx).await?;
    let candidate = Candidate {
        first_name: first,
        last_name: last,
        email: email.clone(),
        phone_number: opp
            .phones
            .first()
            .map(|p| p.value.clone())
            .filter(|p| !p.is_empty()),
        greenhouse_profile_url: opp.urls.show.clone(),
        url: callback,
    };
    let partner = ctx.partner().await?;
    once::begin(ctx, &*st, &key).await?;
    let t = ctx.begin(format!("send the {tag} invite via {}", a.provider));
    let interview = partner
        .send_test(&a.send_test_url, test, &candidate)
        .await?;
    st.interview_id = Some(interview.clone());
    let record = Assessment {
        interview_id: interview.clone(),
        opportunity_id: opp.id.clone(),
        candidate: opp.name.clone(),
        tag: tag.to_string(),
        test_id: test.to_string(),
        sent_at: time::now_ms(),
        next_poll_ms: time::now_ms() + a.poll_minutes * 60_000,
        status: "pending".into(),
        ..Default::default()
    };
    let saved = record.clone();
    ctx.engine
        .store
        .write_async(move |tx| tx.put_doc(ASSESSMENTS, &saved.interview_id, &saved))
        .await?;
    once::finish(
        ctx,
        &*st,
        &key,
        &interview,
        done(
            format!("send the {tag} invite to {email}"),
            Some(interview.clone()),
            Some(200),
            t,
        ),
    )
    .await?;
    Ok(interview)
}

/// No tag or several: no invite, a note telling the recruiter what to do, a notification.
async fn no_single_type(
    ctx: &mut Ctx,
    lever: &crate::clients::lever::Lever,
    name: &str,
    opp: &str,
    found: &[&str],
) -> Result<Finish, FlowError> {
    let provider = ctx.settings.assessment.provider.clone();
    let known: Vec<&str> = ctx
        .settings
        .interview_types
        .keys()
        .map(String::as_str)
        .collect();
    let why = if found.is_empty() {
        format!("no {provider} invite: {name} has no interview-type tag (tags are exact and case-sensitive: {})", known.join(", "))
    } else {
        format!(
            "no {provider} invite: {name} has {} interview-type tags ({}); keep exactly one",
            found.len(),
            found.join(", ")
        )
    };
    let text = format!(
        "{why}. Fix the tag, then move the candidate into the assessment stage again. — Hirewire"
    );
    let state = ctx.job.state.clone();
    once::note(
        ctx,
        &state,
        lever,
        opp,
        &format!("no-invite:{}", ctx.job.id),
        &text,
    )
    .await?;
    ctx.engine.notifier.send(Notice {
        summary: format!("{name}: no invite sent"),
        body: why.clone(),
        entry_id: Some(ctx.job.id),
        kind: Kind::Attention,
    });
    Ok(Finish::Final(Status::Skipped, Some(why)))
}

/// Where the partner may `PATCH` "status changed": the relay's `assessment-done` endpoint.
async fn callback_url(ctx: &Ctx) -> Result<String, FlowError> {
    let conn: Option<RelayConn> = ctx.engine.store.read_async(|rx| rx.relay_conn()).await?;
    let conn = conn.ok_or_else(|| FlowError::Stop("the relay is not connected, so the partner could not report back: paste the connection code in Setup".into()))?;
    let code = ConnectCode {
        url: conn.url,
        channel: conn.channel,
        secret: String::new(),
    };
    Ok(code.hook_url(endpoints::ASSESSMENT_DONE))
}

/// The results job's state: one interview, or all pending ones (after a `PATCH`).
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
struct ResultState {
    #[serde(default)]
    interview_id: Option<String>,
    #[serde(default)]
    all_pending: bool,
}

/// Checks assessments and notes each finished one in Lever, once.
pub async fn results(ctx: &mut Ctx) -> Result<Finish, FlowError> {
    let st: ResultState = ctx.state();
    let a = ctx.settings.assessment.clone();
    let all: Vec<(String, Assessment)> = ctx
        .engine
        .store
        .read_async(|rx| rx.docs(ASSESSMENTS))
        .await?;
    let wanted: Vec<Assessment> = all
        .into_iter()
        .map(|(_, a)| a)
        .filter(|x| match &st.interview_id {
            Some(id) => &x.interview_id == id,
            None => st.all_pending && x.status == "pending",
        })
        .collect();
    if wanted.is_empty() {
        return Ok(Finish::Final(
            Status::Skipped,
            Some("no assessment is waiting for a result".into()),
        ));
    }
    let partner = ctx.partner().await?;
    let lever = ctx.lever().await?;
    let mut noted = Vec::new();
    for mut x in wanted.clone() {
        let t = ctx.begin(format!("check {}'s {} result", x.candidate, x.tag));
        let status = partner.status(&a.test_status_url, &x.interview_id).await?;
        if status.partner_status != "complete" {
            let step = done(
                format!(
                    "check {}'s {} result: {}",
                    x.candidate, x.tag, status.partner_status
                ),
                Some(x.interview_id.clone()),
                Some(200),
                t,
            );
            ctx.commit(&st, Some(step), vec![]).await?;
            continue;
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
        once::note(
            ctx,
            &st,
            &lever,
            &x.opportunity_id,
            &format!("result:{}", x.interview_id),
            &text,
        )
        .await?;
        x.status = "complete".into();
        x.score = status.partner_score;
        x.report_url = status.partner_profile_url;
        let saved = x.clone();
        ctx.engine
            .store
            .write_async(move |tx| tx.put_doc(ASSESSMENTS, &saved.interview_id, &saved))
            .await?;
        if wanted.len() == 1 {
            ctx.set_candidate(&x.candidate).await?;
        }
        noted.push(x.candidate.clone());
    }
    if noted.is_empty() {
        return Ok(Finish::Final(
            Status::Skipped,
            Some(format!("{} assessment(s) not finished yet", wanted.len())),
        ));
    }
    ctx.engine.notifier.send(Notice {
        summary: format!("{} result: {}", a.provider, noted.join(", ")),
        body: "the score and report are noted in Lever".into(),
        entry_id: Some(ctx.job.id),
        kind: Kind::Done,
    });
    Ok(Finish::Final(Status::Done, None))
}

/// Polls pending assessments every `poll_minutes` for up to eight weeks, a few at a time;
/// a finished one gets a history entry whose job notes the result.
pub async fn poll_loop(engine: Engine) {
    let mut tick = tokio::time::interval(POLL_TICK);
    loop {
        tick.tick().await;
        if let Err(e) = poll_once(&engine).await {
            tracing::warn!("assessment polling: {e}");
        }
    }
}

async fn poll_once(engine: &Engine) -> Result<(), FlowError> {
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let a = settings.assessment;
    if a.test_status_url.is_empty() {
        return Ok(());
    }
    let now = time::now_ms();
    let all: Vec<(String, Assessment)> = engine.store.read_async(|rx| rx.docs(ASSESSMENTS)).await?;
    let due: Vec<Assessment> = all
        .into_iter()
        .map(|(_, x)| x)
        .filter(|x| x.status == "pending" && x.next_poll_ms <= now)
        .take(POLLS_PER_TICK)
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    let key = engine.secret(crate::secrets::ASSESSMENT_API_KEY).await?;
    let partner = crate::clients::partner::Partner::new(key, engine.http.clone());
    for mut x in due {
        let expired = now.saturating_sub(x.sent_at) > POLL_FOR.as_millis() as u64;
        let complete = match partner.status(&a.test_status_url, &x.interview_id).await {
            Ok(s) => s.partner_status == "complete",
            Err(e) => {
                tracing::warn!(interview = %x.interview_id, "status check failed: {e}");
                false
            }
        };
        // Spread the next checks so that a burst of invites does not poll in a burst.
        let spread = (x.interview_id.bytes().map(u64::from).sum::<u64>() % 60) * 1000;
        x.next_poll_ms = now + a.poll_minutes * 60_000 + spread;
        if complete {
            start_result_job(engine, &x).await?;
            x.next_poll_ms = u64::MAX;
        } else if expired {
            x.status = "expired".into();
        }
        let saved = x.clone();
        engine
            .store
            .write_async(move |tx| tx.put_doc(ASSESSMENTS, &saved.interview_id, &saved))
            .await?;
    }
    Ok(())
}

/// Creates the entry and job that note a finished assessment.
async fn start_result_job(engine: &Engine, x: &Assessment) -> Result<(), FlowError> {
    let x = x.clone();
    let id = engine
        .store
        .write_async(move |tx| {
            let id = tx.next_id()?;
            let now = time::now_ms();
            let job = Job {
                id,
                kind: JobKind::AssessmentResult,
                attempts: 0,
                next_run_ms: 0,
                approved: false,
                state: json!({"interview_id": x.interview_id, "opportunity_id": x.opportunity_id}),
            };
            tx.put_job(&job)?;
            tx.put_detail(
                id,
                &Detail {
                    job: Some(job),
                    ..Default::default()
                },
            )?;
            tx.put_entry(&Entry {
                id,
                received_at: now,
                event: "assessmentCompleted".into(),
                endpoint: String::new(),
                opportunity_id: Some(x.opportunity_id.clone()),
                candidate: Some(x.candidate.clone()),
                flow: Flow::Assessment,
                status: Status::Running,
                reason: None,
                updated_at: now,
            })?;
            Ok(id)
        })
        .await?;
    engine.entry_changed(id);
    engine.jobs_ready.notify_one();
    Ok(())
}
