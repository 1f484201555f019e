//! The invite: a move into the assessment stage sends the partner test of the candidate's
//! one interview-type tag, once per candidate and test, and notes it in Lever. No tag or
//! several: no invite, a note in Lever that says what to fix, and a notification.

use crate::clients::lever::{Lever, Opportunity};
use crate::clients::partner::{Candidate, Partner, SendTest, UnusableAnswer};
use crate::flows::{done, once, Ctx, Finish, FlowError};
use crate::keys;
use crate::model::Status;
use crate::notify::{Kind, Notice};
use crate::settings::AssessmentSettings;
use crate::store::RelayConn;
use crate::time;
use crate::webhooks::assessment_callback;
use crate::work::{Assessment, AssessmentStatus, InviteState};

/// Sends the invite for a move into the assessment stage.
pub async fn run(ctx: &mut Ctx, mut st: InviteState) -> Result<Finish, FlowError> {
    if let Some(end) = not_now(ctx, &st)? {
        return Ok(end);
    }
    let a = ctx.settings.assessment.clone();
    let lever = ctx.lever().await?;
    ctx.begin("read the opportunity from Lever");
    let opp = lever.opportunity(&st.opportunity_id).await?;
    if let Some(end) = crate::flows::unless_anonymized(ctx, &opp).await? {
        return Ok(end);
    }
    ctx.set_candidate(&opp.name).await?;
    let (tag, test) = match one_type(ctx, &opp) {
        Ok(one) => one,
        Err(found) => {
            let found: Vec<&str> = found.iter().map(String::as_str).collect();
            return no_single_type(ctx, &st, &lever, &opp, &found).await;
        }
    };
    let key = keys::invite(&opp.id, &test);
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
        &keys::invite_note(&interview),
        &text,
    )
    .await?;
    ctx.engine.notifier.send(Notice {
        summary: format!("Invite sent: {}", opp.name),
        body: format!("{tag}, via {}", a.provider),
        entry_id: Some(ctx.job.id),
        kind: Kind::Done,
    });
    Ok(Finish::Done {
        reason: None,
        summary: Some(format!("invite sent: {tag}")),
    })
}

/// Why no invite goes now, if so: no partner configured (an error to fix), a person
/// declined it, or it waits for Approve.
fn not_now(ctx: &Ctx, st: &InviteState) -> Result<Option<Finish>, FlowError> {
    if ctx.settings.assessment.send_test_url.is_empty() {
        return Err(FlowError::Stop(
            "no assessment partner is configured: set its URLs and key in Setup, then Retry".into(),
        ));
    }
    if st.declined {
        let why = "not sent: a person chose not to send this invite".to_string();
        return Ok(Some(Finish::Final(Status::Skipped, Some(why))));
    }
    if st.confirm && !ctx.job.approved {
        return Ok(Some(Finish::Waiting(format!(
            "found by catching up: the candidate is in the assessment stage and has no invite; Approve sends it, Dismiss does not (or `hirewire approve {id}` / `hirewire dismiss {id}`)",
            id = ctx.job.id
        ))));
    }
    Ok(None)
}

/// The candidate's one interview-type tag and its test; otherwise the tags found (none,
/// or several).
fn one_type(ctx: &Ctx, opp: &Opportunity) -> Result<(String, String), Vec<String>> {
    let types: Vec<(String, String)> = ctx
        .settings
        .interview_types
        .iter()
        .filter(|(tag, _)| opp.tags.contains(tag))
        .map(|(a, b)| (a.clone(), b.clone()))
        .collect();
    match types.as_slice() {
        [(tag, test)] => Ok((tag.clone(), test.clone())),
        _ => Err(types.into_iter().map(|(t, _)| t).collect()),
    }
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
    let body = send_test_body(ctx, st, opp, test).await?;
    let partner = ctx.partner().await?;
    // The callback token is linked before the call: a PATCH that beats the answer home
    // still finds the candidate.
    let token = st.callback_token.clone().unwrap_or_default();
    let pending = (keys::callback(&token), keys::pending_callback(&opp.id));
    once::begin_with(ctx, &*st, &key, vec![pending]).await?;
    let t = ctx.begin(format!("send the {tag} invite via {}", a.provider));
    let interview = send_test(&partner, &a, &body, test).await?;
    st.interview_id = Some(interview.clone());
    let record = sent_record(&a, st, opp, tag, test, &interview, &token);
    ctx.engine
        .store
        .write_async(move |tx| tx.put_assessment(&record))
        .await?;
    let step = done(
        format!("send the {tag} invite to {}", body.candidate.email),
        Some(interview.clone()),
        Some(200),
        t,
    );
    let linked = (keys::callback(&token), interview.clone());
    once::finish_with(ctx, &*st, &key, &interview, step, vec![linked]).await?;
    Ok(interview)
}

/// The partner's `send_test` call: the interview id. An answer without one is reported
/// to the partner (its response-error URL) before the error is returned.
async fn send_test(
    partner: &Partner,
    a: &AssessmentSettings,
    body: &SendTest,
    test: &str,
) -> Result<String, FlowError> {
    match partner.send_test(&a.send_test_url, body).await {
        Ok(id) => Ok(id),
        Err(e) => {
            if e.status.is_none() && !e.retryable {
                // The partner answered, but not with an interview id: say so to it.
                let report = UnusableAnswer {
                    api_call: "send_test",
                    errors: vec![e.what.clone()],
                    partner_test_id: Some(test.to_string()),
                    candidate_email: Some(body.candidate.email.clone()),
                    ..Default::default()
                };
                partner.report(&a.response_error_url, &report).await;
            }
            Err(e.into())
        }
    }
}

/// The record of a sent invite, pending until its result: polled from `poll_minutes` on.
fn sent_record(
    a: &AssessmentSettings,
    st: &InviteState,
    opp: &Opportunity,
    tag: &str,
    test: &str,
    interview: &str,
    token: &str,
) -> Assessment {
    let now = time::now_ms();
    Assessment {
        interview_id: interview.to_string(),
        opportunity_id: opp.id.clone(),
        candidate: opp.name.clone(),
        tag: tag.to_string(),
        test_id: test.to_string(),
        sent_at: now,
        next_poll_ms: now.saturating_add(a.poll_minutes.saturating_mul(60_000)),
        status: AssessmentStatus::Pending,
        callback_token: Some(token.to_string()),
        stage: st.stage.clone(),
        ..Default::default()
    }
}

/// The `send_test` body for this candidate: every property the contract documents, `null`
/// where Lever has no value, and this invite's own callback URL.
async fn send_test_body(
    ctx: &mut Ctx,
    st: &mut InviteState,
    opp: &Opportunity,
    test: &str,
) -> Result<SendTest, FlowError> {
    let email = opp
        .email()
        .ok_or_else(|| FlowError::Stop(format!("{} has no email address in Lever", opp.name)))?;
    let (first, last) = opp.split_name();
    let token = match &st.callback_token {
        Some(t) => t.clone(),
        None => {
            let t = new_callback_token();
            st.callback_token = Some(t.clone());
            t
        }
    };
    let profile = if opp.urls.show.is_empty() {
        format!("https://hire.lever.co/candidates/{}", opp.id)
    } else {
        opp.urls.show.clone()
    };
    let sent_by =
        Some(ctx.settings.assessment.sent_by.trim().to_string()).filter(|s| !s.is_empty());
    Ok(SendTest {
        partner_test_id: test.to_string(),
        candidate: Candidate {
            // Lever keeps no separate preferred name: the first name is what people use.
            preferred_name: first.clone(),
            first_name: first,
            last_name: last,
            email,
            phone_number: opp
                .phones
                .first()
                .map(|p| p.value.clone())
                .filter(|p| !p.is_empty()),
            resume_url: None,
            greenhouse_profile_url: profile,
        },
        sent_by,
        url: callback_url(ctx, &token).await?,
    })
}

/// Characters in an invite's callback token: 24 of `a-z0-9` carry 124 bits, and the
/// endpoint (`assessment-done-` + token) stays inside the relay's 64.
const CALLBACK_TOKEN_CHARS: usize = 24;

fn new_callback_token() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::rng();
    (0..CALLBACK_TOKEN_CHARS)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect()
}

/// No tag or several: no invite, a note telling the recruiter what to do, a notification.
async fn no_single_type(
    ctx: &mut Ctx,
    st: &InviteState,
    lever: &Lever,
    opp: &Opportunity,
    found: &[&str],
) -> Result<Finish, FlowError> {
    let name = opp.name.as_str();
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
    let what = format!("no-invite:{}", ctx.job.id);
    once::note(ctx, st, lever, &opp.id, &what, &text).await?;
    ctx.engine.notifier.send(Notice {
        summary: format!("{name}: no invite sent"),
        body: why.clone(),
        entry_id: Some(ctx.job.id),
        kind: Kind::Attention,
    });
    Ok(Finish::Final(Status::Skipped, Some(why)))
}

/// Where the partner may `PATCH` "status changed" for this invite: its own endpoint on
/// the relay.
async fn callback_url(ctx: &Ctx, token: &str) -> Result<String, FlowError> {
    let conn: Option<RelayConn> = ctx.engine.store.read_async(|rx| rx.relay_conn()).await?;
    let conn = conn.ok_or_else(|| FlowError::Stop("the relay is not connected, so the partner could not report back: paste the connection code in Setup".into()))?;
    Ok(conn.hook_url(&assessment_callback(token)))
}
