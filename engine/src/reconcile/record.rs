//! Writing what a catch-up found, in one commit: the purges of candidates anonymized or
//! deleted in Lever (a deletion with an entry of its own, as the webhook's would have), an
//! entry and a background job for each
//! item with work (marked as found by catching up), the watches' new state, where the
//! next catch-up starts, the webhook health (and the lists this catch-up could not read),
//! and the catch-up's own history entry. Then the runner is woken, and a notification says
//! what the webhooks missed. A candidate purged while the catch-up read Lever gets
//! nothing.

use super::health::Health;
use super::{Action, FoundKind, Item, List, Report};
use crate::keys;
use crate::model::{Flow, Source, Status};
use crate::notify::{Kind, Notice};
use crate::privacy::Purged;
use crate::store::entries::NewEntry;
use crate::store::{StoreError, Tx};
use crate::time;
use crate::webhooks::LeverWebhook;
use crate::work::{Cause, Watch, Work};
use crate::Engine;

/// The candidates whose data a catch-up removes, by why.
pub(super) struct Purges {
    /// Shown anonymized in Lever's lists.
    pub anonymized: Vec<String>,
    /// Listed as deleted by Lever.
    pub deleted: Vec<String>,
}

/// What the hire and stage lists found to queue: `None` when the list could not be read;
/// else how many were queued and the earliest one's Lever time, if any.
type Missed = Option<Option<(u64, u64)>>;

/// What the catch-up's one commit wrote.
struct Written {
    /// The items found, with the entries opened for them.
    found: Vec<super::Found>,
    /// The catch-up's own entry.
    entry_id: u64,
    /// The webhook health as recorded.
    health: Health,
    /// The words of the purged candidates, for the compaction.
    words: Vec<String>,
    /// The entries of the deletions found.
    deletions: Vec<u64>,
}

/// Records the catch-up and queues its jobs.
pub(super) async fn write(
    engine: &Engine,
    items: Vec<Item>,
    rebased: Vec<Watch>,
    purges: Purges,
    report: &mut Report,
) -> Result<(), StoreError> {
    let unread = report.unread.clone();
    let read = |list| !unread.iter().any(|u| u.list == list);
    let missed_hires = read(List::Hires).then(|| earliest(&items, FoundKind::Hire));
    let missed_moves = read(List::Invites).then(|| earliest(&items, FoundKind::Invite));
    let (until, now) = (report.until_ms, time::now_ms());
    let mut summary = report.clone();
    summary.found = items.iter().map(|i| i.found.clone()).collect();
    let summary_line = summary.summary();
    let w = engine
        .store
        .write_async(move |tx| {
            let (words, deletions) = purge(tx, &purges)?;
            let found = queue(tx, items)?;
            for w in rebased {
                tx.put_watch(&w)?;
            }
            let mut health: Health = tx.health()?;
            record_health(&mut health, missed_hires, missed_moves);
            health.unread = unread;
            tx.put_health(&health)?;
            tx.put_meta(keys::RECONCILED_UNTIL, until)?;
            tx.put_meta(keys::RECONCILED_AT, now)?;
            let mut own = NewEntry::own(
                crate::webhooks::own::CATCH_UP,
                Flow::None,
                Status::Done,
                Some(summary_line),
            );
            own.source = Source::Reconcile;
            let entry_id = tx.open_entry(own, None, None)?;
            Ok(Written {
                found,
                entry_id,
                health,
                words,
                deletions,
            })
        })
        .await?;
    if !w.words.is_empty() {
        crate::privacy::compaction::soon(engine, w.words);
    }
    for id in w.found.iter().filter_map(|f| f.entry_id).chain(w.deletions) {
        engine.entry_changed(id);
    }
    engine.entry_changed(w.entry_id);
    engine.wake_jobs();
    report.found = w.found;
    report.entry_id = Some(w.entry_id);
    report.health = w.health.messages();
    notify_missed(engine, &w.health, w.entry_id, missed_hires, missed_moves);
    Ok(())
}

/// The purges: every anonymized candidate, and each deleted one not purged yet (with an
/// entry of its own). Returns the purged words and the deletions' entries.
fn purge(tx: &Tx, purges: &Purges) -> Result<(Vec<String>, Vec<u64>), StoreError> {
    let mut words = Vec::new();
    for opp in &purges.anonymized {
        words.extend(crate::privacy::purge(tx, opp, Cause::Anonymized)?.words);
    }
    let mut deletions = Vec::new();
    for opp in &purges.deleted {
        if tx.is_purged(opp)? {
            continue;
        }
        let purged = crate::privacy::purge(tx, opp, Cause::Deleted)?;
        deletions.push(open_deletion(tx, &purged)?);
        words.extend(purged.words);
    }
    Ok((words, deletions))
}

/// An entry and a job for each item with work, unless its candidate was purged.
fn queue(tx: &Tx, items: Vec<Item>) -> Result<Vec<super::Found>, StoreError> {
    let mut found = Vec::new();
    for item in items {
        if tx.is_purged(&item.found.opportunity_id)? {
            continue;
        }
        let mut f = item.found;
        if let Some(work) = item.work {
            let id = open(tx, &f, work)?;
            f.entry_id = Some(id);
        }
        found.push(f);
    }
    Ok(found)
}

/// A notification for what the hire and stage webhooks missed, when their list was read
/// and something was queued.
fn notify_missed(engine: &Engine, health: &Health, entry_id: u64, hires: Missed, moves: Missed) {
    for m in health.missed.iter().filter(|m| {
        matches!(
            (m.webhook, hires, moves),
            (LeverWebhook::CandidateHired, Some(Some(_)), _)
                | (LeverWebhook::StageChange, _, Some(Some(_)))
        )
    }) {
        engine.notifier.send(Notice {
            summary: "Found by catching up with Lever".into(),
            body: m.message(),
            entry_id: Some(entry_id),
            kind: Kind::Attention,
        });
    }
}

/// The entry of a deletion found by catching up, as the `candidateDeleted` webhook's: what
/// was removed, and a job that waits for a person when something stays outside Hirewire.
fn open_deletion(tx: &crate::store::Tx, purged: &Purged) -> Result<u64, StoreError> {
    let work = purged.follow_up(Cause::Deleted);
    let status = if work.is_some() {
        Status::Running
    } else {
        Status::Done
    };
    let mut new = NewEntry::own(
        LeverWebhook::CandidateDeleted.event(),
        Flow::Privacy,
        status,
        Some(purged.summary(Cause::Deleted)),
    );
    new.candidate = Some(crate::privacy::DELETED.into());
    new.source = Source::Reconcile;
    tx.open_entry(new, work, None)
}

/// Opens the entry and background job of one item.
fn open(tx: &crate::store::Tx, f: &super::Found, work: Work) -> Result<u64, StoreError> {
    let (event, flow) = match f.kind {
        FoundKind::Hire => (LeverWebhook::CandidateHired.event(), Flow::Hire),
        FoundKind::Invite => (LeverWebhook::StageChange.event(), Flow::Assessment),
        FoundKind::Outcome => (LeverWebhook::ArchiveChange.event(), Flow::Outcome),
        FoundKind::Change => (crate::webhooks::own::OFFER_CHANGED, Flow::Hire),
    };
    let mut new = NewEntry::own(event, flow, Status::Running, Some(f.what.clone()));
    new.opportunity_id = Some(f.opportunity_id.clone());
    new.candidate = Some(f.candidate.clone()).filter(|c| !c.is_empty());
    new.source = Source::Reconcile;
    let change_of = match &work {
        Work::Change(st) => Some(st.opportunity_id.clone()),
        _ => None,
    };
    let id = tx.open_entry(new, Some(work), None)?;
    if let Some(mut job) = tx.job(id)? {
        job.background = true;
        tx.put_job(&job)?;
        let mut detail = tx.detail(id)?.unwrap_or_default();
        detail.job = Some(crate::work::JobSlot::Job(Box::new(job)));
        tx.put_detail(id, &detail)?;
    }
    if let Some(opp) = change_of {
        if let Some(mut w) = tx.watch(&opp)? {
            w.pending = Some(id);
            tx.put_watch(&w)?;
        }
    }
    Ok(id)
}

/// The earliest Lever time among the queued items of a kind, if any were queued.
fn earliest(items: &[Item], kind: FoundKind) -> Option<(u64, u64)> {
    let queued: Vec<u64> = items
        .iter()
        .filter(|i| i.found.kind == kind && i.found.action == Action::Queued)
        .map(|i| i.at_ms)
        .collect();
    let first = queued.iter().min()?;
    Some((queued.len() as u64, *first))
}

/// What the hire and stage webhooks missed, per list read (`None`: the list could not be
/// read, so the webhook's record stays as it was).
fn record_health(h: &mut Health, hires: Missed, moves: Missed) {
    for (hook, found) in [
        (LeverWebhook::CandidateHired, hires),
        (LeverWebhook::StageChange, moves),
    ] {
        if let Some(found) = found {
            let (count, since) = found.unwrap_or((0, 0));
            h.record(hook, count, since);
        }
    }
}
