//! Score rules in action: a graded result whose test has a rule gets one history entry
//! of its own ([`open`]), however often the result arrives (callback, poll, catch-up).
//! That entry's job ([`run`]) reads the opportunity first and moves nothing when a
//! recruiter already moved or archived the candidate; otherwise it changes the stage
//! and/or adds the tag through Lever's documented calls, each once, and notes the rule in
//! Lever. Archiving, and every move of a `propose_only` rule, waits for Approve.

use crate::clients::lever::{Lever, Opportunity};
use crate::flows::{done, once, skipped, Ctx, Finish, FlowError};
use crate::keys;
use crate::model::{Flow, Source, Status};
use crate::notify::{Kind, Notice};
use crate::score_rules::{decide, score_of, Decision};
use crate::settings::Settings;
use crate::store::entries::NewEntry;
use crate::store::StoreError;
use crate::work::{Assessment, RuleState};
use crate::Engine;

/// What [`open`] did with one result, in words for the result's entry.
#[derive(Debug, Clone, PartialEq)]
pub enum Opened {
    /// No rule for this test.
    NoRule,
    /// The rule moves nothing for this result; why.
    Nothing(String),
    /// An entry applies the rule (a new one, or the one opened before).
    Entry(u64, String),
}

impl Opened {
    /// The words for the result's entry, if any.
    pub fn said(&self) -> Option<String> {
        match self {
            Opened::NoRule => None,
            Opened::Nothing(why) => Some(why.clone()),
            Opened::Entry(id, what) => Some(format!("{what} (entry {id})")),
        }
    }
}

/// The rule of `x`'s test applied to its result: an entry whose job acts on it, opened
/// once per result (a link from the result to its entry is written with it).
pub async fn open(
    engine: &Engine,
    settings: &Settings,
    x: &Assessment,
    background: bool,
    source: Source,
) -> Result<Opened, StoreError> {
    let Some(rule) = settings.score_rules.iter().find(|r| r.test == x.test_id) else {
        return Ok(Opened::NoRule);
    };
    let Some(score) = score_of(x.score.as_ref()) else {
        return Ok(Opened::Nothing(format!(
            "no score: the rule for {} moves nothing",
            x.tag
        )));
    };
    let decision = match decide(rule, score) {
        Ok(d) => d,
        Err(why) => return Ok(Opened::Nothing(why)),
    };
    let what = words(settings, &decision);
    let told = if decision.ask {
        format!("{}: waits for Approve to be {what}", decision.why)
    } else {
        format!("{}: {what}", decision.why)
    };
    let state = RuleState {
        interview_id: x.interview_id.clone(),
        opportunity_id: x.opportunity_id.clone(),
        candidate: x.candidate.clone(),
        test_id: x.test_id.clone(),
        tag: x.tag.clone(),
        score,
        report_url: x.report_url.clone(),
        invite_stage: x.stage.clone(),
        confirm: decision.ask,
        declined: false,
        said: what.clone(),
        decision,
    };
    let (id, new) = open_once(engine, x, state, background, source).await?;
    if new {
        engine.entry_changed(id);
        engine.wake_jobs();
        Ok(Opened::Entry(id, told))
    } else {
        Ok(Opened::Entry(
            id,
            "the score rule was applied already".into(),
        ))
    }
}

/// Opens the rule's entry for `x`'s result unless its link says one is open already:
/// the entry's id, and whether it is new.
async fn open_once(
    engine: &Engine,
    x: &Assessment,
    state: RuleState,
    background: bool,
    source: Source,
) -> Result<(u64, bool), StoreError> {
    let link = keys::score_rule(&x.opportunity_id, &x.interview_id);
    let (opp, candidate) = (x.opportunity_id.clone(), x.candidate.clone());
    engine
        .store
        .write_async(move |tx| {
            if let Some(id) = tx.link(&link)?.and_then(|v| v.parse::<u64>().ok()) {
                return Ok((id, false));
            }
            let mut entry = NewEntry::own(
                crate::webhooks::own::SCORE_RULE,
                Flow::Assessment,
                Status::Running,
                None,
            );
            entry.opportunity_id = Some(opp);
            entry.candidate = Some(candidate);
            entry.source = source;
            let id = tx.open_entry(entry, Some(state.into()), None)?;
            if background {
                if let Some(mut job) = tx.job(id)? {
                    job.background = true;
                    tx.put_job(&job)?;
                }
            }
            tx.put_link(&link, &id.to_string())?;
            Ok((id, true))
        })
        .await
}

/// Lever's name for stage `id` (the id when no name is known).
fn stage_name(settings: &Settings, id: &str) -> String {
    settings
        .names
        .stages
        .get(id)
        .cloned()
        .unwrap_or_else(|| id.to_string())
}

/// What a decision moves, with Lever's names: "moved to Onsite, tagged “Passed”".
pub fn words(settings: &Settings, d: &Decision) -> String {
    let mut parts = Vec::new();
    if let Some(s) = &d.move_to {
        parts.push(format!("moved to {}", stage_name(settings, s)));
    }
    if let Some(t) = &d.tag {
        parts.push(format!("tagged “{t}”"));
    }
    if let Some(r) = &d.archive {
        let name = settings
            .names
            .archive_reasons
            .get(r)
            .cloned()
            .unwrap_or_else(|| r.clone());
        parts.push(format!("archived as {name}"));
    }
    parts.join(", ")
}

/// Applies the rule (after Approve when it asks for one).
pub async fn run(ctx: &mut Ctx, st: RuleState) -> Result<Finish, FlowError> {
    let why = st.decision.why.clone();
    if st.declined {
        return Ok(Finish::Final(
            Status::Skipped,
            Some(format!("{why}: dismissed, nothing moved in Lever")),
        ));
    }
    if st.confirm && !ctx.job.approved {
        let report = st.report_url.as_deref().unwrap_or("none");
        return Ok(Finish::Waiting(format!(
            "{why}: the rule proposes “{}” for {}. Report: {report}. Approve does it in Lever, Dismiss leaves the candidate as they are (or `hirewire approve {id}` / `hirewire dismiss {id}`)",
            st.said,
            st.candidate,
            id = ctx.job.id
        )));
    }
    let lever = ctx.lever().await?;
    ctx.begin("read the opportunity from Lever");
    let opp = lever.opportunity(&st.opportunity_id).await?;
    if let Some(end) = crate::flows::unless_anonymized(ctx, &opp).await? {
        return Ok(end);
    }
    if let Some(not) = recruiter_was_first(ctx, &st, &opp).await? {
        let text = format!("{why}, but nothing moved: {not}");
        ctx.record(skipped("apply the score rule", not)).await?;
        return Ok(Finish::Final(Status::Skipped, Some(text)));
    }
    apply(ctx, &st, &lever, &opp).await?;
    let rule_note = format!(
        "Score rule for {} ({}): {why}: {}. Report: {} — Hirewire",
        st.tag,
        st.test_id,
        st.said,
        st.report_url.as_deref().unwrap_or("none")
    );
    let what = keys::rule_note(&st.interview_id);
    once::note(ctx, &st, &lever, &opp.id, &what, &rule_note).await?;
    ctx.engine.notifier.send(Notice {
        summary: format!("{}: {}", st.candidate, st.said),
        body: format!("score rule for {}: {why}", st.tag),
        entry_id: Some(ctx.job.id),
        kind: Kind::Done,
    });
    Ok(Finish::Done {
        reason: Some(format!("{why}: {}", st.said)),
        // A rule confirmed by a person says so in its reason; one applied on its own shows
        // what it did on the row.
        summary: (!st.confirm).then(|| st.said.clone()),
    })
}

/// Why the rule must not touch the candidate now, if it must not: archived already, or
/// no longer in the stage the invite was sent from (unless this rule's own move put them
/// where they are, before an interruption).
async fn recruiter_was_first(
    ctx: &Ctx,
    st: &RuleState,
    opp: &Opportunity,
) -> Result<Option<String>, FlowError> {
    let moved_by_us = once::result(
        ctx,
        &keys::rule_action("move", &st.opportunity_id, &st.interview_id),
    )
    .await?
    .is_some();
    if opp.archived.is_some() && !moved_by_us {
        return Ok(Some(format!(
            "{} is archived in Lever already",
            st.candidate
        )));
    }
    if moved_by_us {
        return Ok(None);
    }
    let sent_from = st
        .invite_stage
        .clone()
        .unwrap_or_else(|| ctx.settings.stages.assessment.clone());
    let now = opp.stage.clone().unwrap_or_default();
    if !sent_from.is_empty() && now != sent_from {
        return Ok(Some(format!(
            "{} is in {} now, no longer in {} where the invite was sent: a recruiter moved them first",
            st.candidate,
            stage_name(&ctx.settings, &now),
            stage_name(&ctx.settings, &sent_from)
        )));
    }
    Ok(None)
}

/// The writes, each once: the stage, the tag, the archive.
async fn apply(
    ctx: &mut Ctx,
    st: &RuleState,
    lever: &Lever,
    opp: &Opportunity,
) -> Result<(), FlowError> {
    let perform_as = ctx.settings.lever.perform_as.clone();
    let d = &st.decision;
    if let Some(stage) = &d.move_to {
        let key = keys::rule_action("move", &opp.id, &st.interview_id);
        let name = stage_name(&ctx.settings, stage);
        if once::result(ctx, &key).await?.is_none() {
            // A stage change sets a state: after an interruption it is simply made again.
            once::begin(ctx, st, &key).await?;
            let t = ctx.begin(format!("move {} to {name} in Lever", st.candidate));
            lever.move_to_stage(&opp.id, stage, &perform_as).await?;
            let step = done(format!("move to {name}"), Some(stage.clone()), Some(200), t);
            once::finish(ctx, st, &key, stage, step).await?;
        }
    }
    if let Some(tag) = &d.tag {
        let key = keys::rule_action("tag", &opp.id, &st.interview_id);
        if once::result(ctx, &key).await?.is_none() {
            once::begin(ctx, st, &key).await?;
            let t = ctx.begin(format!("tag {} “{tag}” in Lever", st.candidate));
            // Adding a tag the candidate has changes nothing, so a repeat is harmless.
            if !opp.tags.contains(tag) {
                lever
                    .add_tags(&opp.id, std::slice::from_ref(tag), &perform_as)
                    .await?;
            }
            let step = done(format!("add the tag “{tag}”"), None, Some(200), t);
            once::finish(ctx, st, &key, tag, step).await?;
        }
    }
    if let Some(reason) = &d.archive {
        let key = keys::rule_action("archive", &opp.id, &st.interview_id);
        if once::result(ctx, &key).await?.is_none() {
            once::begin(ctx, st, &key).await?;
            let t = ctx.begin(format!("archive {} in Lever", st.candidate));
            lever.archive(&opp.id, reason, &perform_as).await?;
            let step = done("archive in Lever", Some(reason.clone()), Some(200), t);
            once::finish(ctx, st, &key, reason, step).await?;
        }
    }
    Ok(())
}
