//! The scheduler: pending assessments are polled every `poll_minutes` for up to eight
//! weeks, a few at a time; a finished one gets a history entry whose job notes the result.

use std::time::Duration;

use crate::flows::FlowError;
use crate::model::{Flow, Status};
use crate::store::entries::NewEntry;
use crate::work::{Assessment, AssessmentStatus, ResultState};
use crate::{time, Engine};

/// Greenhouse polls for up to eight weeks; so does Hirewire.
const POLL_FOR: Duration = Duration::from_secs(8 * 7 * 24 * 3600);
/// How often the poller looks for due assessments (a read of a small local table).
const POLL_TICK: Duration = Duration::from_secs(5);
/// Most status calls per tick: keeps a backlog spread out and within partner limits.
const POLLS_PER_TICK: usize = 20;

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
    let all: Vec<Assessment> = engine.store.read_async(|rx| rx.assessments()).await?;
    let due: Vec<Assessment> = all
        .into_iter()
        .filter(|x| x.status == AssessmentStatus::Pending && x.next_poll_ms <= now)
        .take(POLLS_PER_TICK)
        .collect();
    if due.is_empty() {
        return Ok(());
    }
    let partner = engine.partner().await?;
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
        x.next_poll_ms = now
            .saturating_add(a.poll_minutes.saturating_mul(60_000))
            .saturating_add(spread);
        if complete {
            start_result_job(engine, &x).await?;
            x.next_poll_ms = u64::MAX;
        } else if expired {
            x.status = AssessmentStatus::Expired;
        }
        let saved = x.clone();
        engine
            .store
            .write_async(move |tx| tx.put_assessment(&saved))
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
            let mut entry = NewEntry::own(
                crate::webhooks::own::ASSESSMENT_COMPLETED,
                Flow::Assessment,
                Status::Running,
                None,
            );
            entry.opportunity_id = Some(x.opportunity_id.clone());
            entry.candidate = Some(x.candidate.clone());
            let work = ResultState {
                interview_id: Some(x.interview_id.clone()),
                opportunity_id: Some(x.opportunity_id.clone()),
                all_pending: false,
            };
            tx.open_entry(entry, Some(work.into()), None)
        })
        .await?;
    engine.entry_changed(id);
    engine.wake_jobs();
    Ok(())
}
