//! Results at a catch-up: assessments still waiting for their result are checked with
//! the partner in the background (a result found so gets its score rule, once, as a
//! callback's would), and results graded before their test had a rule are counted. They
//! move nobody unless the user asks (`hirewire reconcile --apply-rules`, previewed by
//! `--dry-run`): a rule added later never moves candidates by itself.

use crate::flows::assessment::rules::{self, Opened};
use crate::keys;
use crate::model::{Flow, Source, Status};
use crate::score_rules::{decide, score_of};
use crate::settings::Settings;
use crate::store::entries::NewEntry;
use crate::store::StoreError;
use crate::work::{Assessment, AssessmentStatus, ResultState, Work};
use crate::Engine;

/// What the catch-up did (or, in a dry run, would do) with the results; lines for its
/// report.
pub(crate) async fn catch_up(
    engine: &Engine,
    settings: &Settings,
    dry_run: bool,
    apply_rules: bool,
) -> Result<Vec<String>, StoreError> {
    let mut notes = Vec::new();
    let all: Vec<Assessment> = engine.store.read_async(|rx| rx.assessments()).await?;
    let pending = all
        .iter()
        .filter(|a| a.status == AssessmentStatus::Pending)
        .count();
    if pending > 0 && !settings.assessment.test_status_url.is_empty() {
        if dry_run {
            notes.push(format!(
                "{pending} assessment(s) wait for a result: a catch-up asks the partner about them"
            ));
        } else if queue_check(engine).await? {
            notes.push(format!("{pending} assessment(s) wait for a result: the partner is asked about them in the background"));
        }
    }
    let unruled = without_rule(engine, settings, &all).await?;
    if unruled.is_empty() {
        return Ok(notes);
    }
    if !apply_rules {
        notes.push(format!(
            "{} result(s) were graded before their test had a score rule: nothing moved; `hirewire reconcile --apply-rules --dry-run` shows what the rules would do",
            unruled.len()
        ));
        return Ok(notes);
    }
    for (x, what) in unruled {
        if dry_run {
            notes.push(format!(
                "would apply the score rule: {} ({}): {what}",
                x.candidate, x.tag
            ));
            continue;
        }
        if let Opened::Entry(id, what) =
            rules::open(engine, settings, &x, true, Source::Reconcile).await?
        {
            notes.push(format!(
                "score rule applied: {} ({}): {what} (entry {id})",
                x.candidate, x.tag
            ));
        }
    }
    Ok(notes)
}

/// Graded results whose test has a rule that would move something and that no rule
/// entry was opened for: each with the words of what the rule would do.
async fn without_rule(
    engine: &Engine,
    settings: &Settings,
    all: &[Assessment],
) -> Result<Vec<(Assessment, String)>, StoreError> {
    let mut out = Vec::new();
    for x in all
        .iter()
        .filter(|a| a.status == AssessmentStatus::Complete)
    {
        let Some(rule) = settings.score_rules.iter().find(|r| r.test == x.test_id) else {
            continue;
        };
        let Some(score) = score_of(x.score.as_ref()) else {
            continue;
        };
        let Ok(d) = decide(rule, score) else {
            continue;
        };
        let link = keys::score_rule(&x.opportunity_id, &x.interview_id);
        let opened = engine.store.read_async(move |rx| rx.link(&link)).await?;
        if opened.is_none() {
            out.push((
                x.clone(),
                format!("{}: {}", d.why, rules::words(settings, &d)),
            ));
        }
    }
    Ok(out)
}

/// Queues one background check of every pending assessment, unless one waits already.
async fn queue_check(engine: &Engine) -> Result<bool, StoreError> {
    let id = engine
        .store
        .write_async(|tx| {
            let waiting = tx.jobs()?.into_iter().any(|(_, slot)| {
                slot.job().is_some_and(|j| {
                    j.attempts == 0 && matches!(&j.work, Work::AssessmentResult(s) if s.all_pending)
                })
            });
            if waiting {
                return Ok(None);
            }
            let mut entry = NewEntry::own(
                crate::webhooks::ASSESSMENT_RESULT_EVENT,
                Flow::Assessment,
                Status::Running,
                None,
            );
            entry.source = Source::Reconcile;
            let work = ResultState {
                all_pending: true,
                ..Default::default()
            };
            let id = tx.open_entry(entry, Some(work.into()), None)?;
            if let Some(mut job) = tx.job(id)? {
                job.background = true;
                tx.put_job(&job)?;
            }
            Ok(Some(id))
        })
        .await?;
    if let Some(id) = id {
        engine.entry_changed(id);
        engine.wake_jobs();
    }
    Ok(id.is_some())
}
