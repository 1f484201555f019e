//! Catching up with Lever: webhooks get lost in ways no relay can fix (switched off,
//! pointing elsewhere, a signing token pasted wrong, Lever giving up while the relay was
//! down, hires made before Hirewire was installed). A catch-up compares Lever's lists with
//! what Hirewire has done and queues what is missing as jobs like a webhook's, marked as
//! found by catching up:
//!
//! - hires Lever archived with a reason of type `hired` that have no hire entry
//!   ([`hires`]); one already done costs no Lever read of its own;
//! - candidates in the assessment stage with no invite ([`invites`]);
//! - archived candidates the partner assessed with no outcome recorded ([`outcomes`]);
//! - employees Hirewire created in the last `bob.watch_days` whose offer changed
//!   ([`changes`]): a waiting entry shows each difference;
//! - candidates deleted in Lever that Hirewire still holds data about ([`deleted`]): purged,
//!   as the `candidateDeleted` webhook would have had them purged.
//!
//! Each list is read on its own ([`lists`]): one Lever cannot give is named with the reason
//! and read again from its own start by the next catch-up; the others are caught up all
//! the same. A row that cannot be read is skipped and named, a row listed twice counts
//! once ([`crate::clients::lever_rows`]), and a candidate whose data was removed (erased,
//! deleted, anonymized) is never brought back.
//!
//! Everything a catch-up queues runs in the background lane: behind live work in Lever's
//! rate budget and on the runner's shared slots, so a live hire never waits behind a long
//! catch-up. What the webhooks missed is kept as the webhook health ([`health`]).

mod changes;
mod deleted;
pub mod diff;
pub mod health;
mod hires;
mod invites;
mod known;
pub mod lists;
mod offers;
mod outcomes;
mod record;
pub mod report;
mod results;
pub mod schedule;
mod unknown;

use std::collections::HashMap;
use std::fmt::Display;

use crate::clients::bucket::Lane;
use crate::clients::http::ApiError;
use crate::clients::lever::{Lever, Opportunity};
use crate::clients::lever_lists::Reach;
use crate::clients::lever_rows::Rows;
use crate::flows::FlowError;
use crate::keys;
use crate::secrets::MissingSecret;
use crate::settings::Settings;
use crate::store::StoreError;
use crate::time;
use crate::work::Work;
use crate::{Engine, LockError};
pub use known::Known;
pub use lists::{List, Unread};
pub use report::{Action, Found, FoundKind, Report};

/// One day in milliseconds.
const DAY_MS: u64 = 86_400_000;
/// Each catch-up starts this much before the previous one ended: an archive Lever dated
/// just before the previous catch-up's end, but listed only after it, is still seen.
const OVERLAP_MS: u64 = 15 * 60 * 1000;
/// What the first catch-up suggests to look back over.
pub const FIRST_RUN_DAYS: u64 = 90;

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// From when (ms); by default from where the last catch-up ended.
    pub since_ms: Option<u64>,
    /// Only say what would be done.
    pub dry_run: bool,
    /// Apply score rules to results graded before their rule existed.
    pub apply_rules: bool,
}

/// Why a catch-up could not run.
#[derive(Debug, thiserror::Error)]
pub enum ReconcileError {
    /// Nothing to compare with yet.
    #[error("Hirewire is not set up yet: finish Setup (or `hirewire config import`) first")]
    NotSetUp,
    /// The first catch-up needs a start.
    #[error("this is the first catch-up: say from when to compare with Lever, for example --since {0} ({FIRST_RUN_DAYS} days ago)")]
    FirstRun(String),
    /// A start in the future, or before Lever existed.
    #[error("{0} cannot be the start of a catch-up: give a date between 2000-01-01 and today")]
    BadSince(String),
    /// Another catch-up runs for this profile.
    #[error("another catch-up is running for this profile; wait for it to finish")]
    Busy,
    /// A key is missing.
    #[error(transparent)]
    Secret(#[from] MissingSecret),
    /// Lever or bob failed.
    #[error("{0}")]
    Api(#[from] ApiError),
    /// The data makes a step impossible.
    #[error("{0}")]
    Flow(String),
    /// Local storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The lock file.
    #[error(transparent)]
    Lock(#[from] LockError),
}

impl From<FlowError> for ReconcileError {
    fn from(e: FlowError) -> Self {
        match e {
            FlowError::Api(e) => ReconcileError::Api(e),
            FlowError::Secret(e) => ReconcileError::Secret(e),
            FlowError::Store(e) => ReconcileError::Store(e),
            other => ReconcileError::Flow(other.to_string()),
        }
    }
}

/// Something a catch-up will queue (or list), with its work.
pub(crate) struct Item {
    pub found: Found,
    pub work: Option<Work>,
    /// When Lever says it happened (ms): the health's "since".
    pub at_ms: u64,
}

/// One catch-up under way.
pub(crate) struct Catchup {
    pub engine: Engine,
    pub settings: Settings,
    pub lever: Lever,
    pub reach: Reach,
    pub since_ms: u64,
    pub now_ms: u64,
    pub known: Known,
    pub items: Vec<Item>,
    pub notes: Vec<String>,
    pub listed: u64,
    /// Watches whose Lever inputs changed in a way bob does not see: new baselines.
    pub rebased: Vec<crate::work::Watch>,
    /// Opportunities Lever's lists show anonymized that Hirewire holds data about.
    pub anonymized: Vec<String>,
    /// Opportunities deleted in Lever that Hirewire holds data about.
    pub deleted: Vec<String>,
    /// Where each list the previous catch-up could not read starts again.
    pub restart: HashMap<List, u64>,
    /// The lists this catch-up could not read.
    pub unread: Vec<Unread>,
}

/// How far a catch-up had got before a list: what a list that fails is rolled back to.
#[derive(Debug, Clone, Copy)]
struct Mark {
    items: usize,
    rebased: usize,
    anonymized: usize,
    deleted: usize,
}

impl Catchup {
    /// Where `list` is read from: the catch-up's start, or earlier where the previous
    /// catch-up could not read it.
    pub fn since(&self, list: List) -> u64 {
        self.restart
            .get(&list)
            .map_or(self.since_ms, |s| self.since_ms.min(*s))
    }

    /// Whether the candidate of `opp` had their data removed (erased, deleted or
    /// anonymized): the catch-up never brings them back.
    pub fn removed(&self, opp: &str) -> bool {
        self.known.purged.contains(&keys::purged(opp))
    }

    /// Notes the rows of a list that were skipped or counted once.
    pub fn note_rows<T>(&mut self, list: List, rows: &Rows<T>) {
        if !rows.unreadable.is_empty() {
            let named: Vec<String> = rows.unreadable.iter().map(ToString::to_string).collect();
            self.notes.push(format!(
                "Lever's list of {} had {} row(s) Hirewire could not read, skipped (the rest was caught up): {}",
                list.label(),
                rows.unreadable.len(),
                named.join("; ")
            ));
        }
        if rows.repeated > 0 {
            self.notes.push(format!(
                "Lever's list of {} gave {} opportunit{} twice (the list moved while it was read): each was counted once",
                list.label(),
                rows.repeated,
                if rows.repeated == 1 { "y" } else { "ies" }
            ));
        }
    }

    fn mark(&self) -> Mark {
        Mark {
            items: self.items.len(),
            rebased: self.rebased.len(),
            anonymized: self.anonymized.len(),
            deleted: self.deleted.len(),
        }
    }

    /// Keeps what a list found, or, when it failed, rolls back to `mark` and names it.
    /// A failure of Hirewire's own storage is no list's and stops the catch-up.
    fn settle<T>(
        &mut self,
        list: List,
        mark: Mark,
        result: Result<T, ReconcileError>,
    ) -> Result<Option<T>, ReconcileError> {
        match result {
            Ok(t) => Ok(Some(t)),
            Err(e @ (ReconcileError::Store(_) | ReconcileError::Lock(_))) => Err(e),
            Err(e) => {
                self.items.truncate(mark.items);
                self.rebased.truncate(mark.rebased);
                self.anonymized.truncate(mark.anonymized);
                self.deleted.truncate(mark.deleted);
                self.not_read(list, e);
                Ok(None)
            }
        }
    }

    fn not_read(&mut self, list: List, reason: impl Display) {
        // The vendor's text may quote a person: for debug logs only.
        tracing::warn!("catch-up: Lever's list of {} not read", list.label());
        tracing::debug!("catch-up: Lever's list of {}: {reason}", list.label());
        self.unread.push(Unread {
            list,
            since_ms: self.since(list),
            reason: reason.to_string(),
        });
    }
}

/// The date a first catch-up suggests (`YYYY-MM-DD`).
pub fn suggested_since() -> String {
    time::date(time::now_ms().saturating_sub(FIRST_RUN_DAYS * DAY_MS)).unwrap_or_default()
}

/// Compares Lever with what Hirewire has done; queues what is missing unless a dry run.
pub async fn run(engine: &Engine, opts: Options) -> Result<Report, ReconcileError> {
    let _lock = lock(engine)?;
    let now_ms = time::now_ms();
    let (settings, since_ms) = start(engine, &opts, now_ms).await?;
    let c = compare(engine, settings, since_ms, now_ms).await?;
    let mut report = Report {
        since_ms,
        until_ms: now_ms,
        dry_run: opts.dry_run,
        lever_calls: c.lever.requests_sent(),
        listed: c.listed,
        notes: c.notes,
        unread: c.unread,
        ..Default::default()
    };
    let results = results::catch_up(engine, &c.settings, opts.dry_run, opts.apply_rules).await?;
    report.notes.extend(results);
    if opts.dry_run {
        return would(
            engine,
            c.items,
            (c.anonymized.len(), c.deleted.len()),
            report,
        )
        .await;
    }
    if !c.anonymized.is_empty() {
        report.notes.push(format!(
            "{} candidate(s) Lever shows anonymized: what Hirewire held about them was removed",
            c.anonymized.len()
        ));
    }
    if !c.deleted.is_empty() {
        report.notes.push(format!(
            "{} candidate(s) deleted in Lever: what Hirewire held about them was removed",
            c.deleted.len()
        ));
    }
    let purges = record::Purges {
        anonymized: c.anonymized,
        deleted: c.deleted,
    };
    record::write(engine, c.items, c.rebased, purges, &mut report).await?;
    Ok(report)
}

/// A dry run's report: what a catch-up would queue and remove, and the health it would
/// show; nothing written.
async fn would(
    engine: &Engine,
    items: Vec<Item>,
    (anonymized, deleted): (usize, usize),
    mut report: Report,
) -> Result<Report, ReconcileError> {
    report.found = items
        .into_iter()
        .map(|mut i| {
            if i.work.is_some() {
                i.found.action = Action::WouldQueue;
            }
            i.found
        })
        .collect();
    let unread = report.unread.clone();
    report.health = engine
        .store
        .read_async(move |rx| {
            let mut h = rx.health::<health::Health>()?;
            h.unread = unread;
            Ok(h.messages())
        })
        .await?;
    if anonymized > 0 {
        report.notes.push(format!(
            "{} candidate(s) Lever shows anonymized: a catch-up removes what Hirewire holds about them",
            anonymized
        ));
    }
    if deleted > 0 {
        report.notes.push(format!(
            "{} candidate(s) deleted in Lever: a catch-up removes what Hirewire holds about them",
            deleted
        ));
    }
    Ok(report)
}

/// The settings, and where the comparison starts: `--since`, else where the last
/// catch-up ended (less the overlap); the first catch-up must be told.
async fn start(
    engine: &Engine,
    opts: &Options,
    now_ms: u64,
) -> Result<(Settings, u64), ReconcileError> {
    let (settings, configured, stored) = engine
        .store
        .read_async(|rx| {
            Ok((
                rx.settings()?,
                configured_since(rx)? > 0,
                rx.meta(keys::RECONCILED_UNTIL)?,
            ))
        })
        .await?;
    if !configured {
        return Err(ReconcileError::NotSetUp);
    }
    let since_ms = match (opts.since_ms, stored) {
        (Some(s), _) if !time::is_valid_ms(s) || s > now_ms => {
            return Err(ReconcileError::BadSince(time::rfc3339(s)))
        }
        (Some(s), _) => s,
        (None, 0) => return Err(ReconcileError::FirstRun(suggested_since())),
        (None, until) => until.saturating_sub(OVERLAP_MS),
    };
    Ok((settings, since_ms))
}

/// Reads Lever's lists and Hirewire's history and finds what is missing.
async fn compare(
    engine: &Engine,
    settings: Settings,
    since_ms: u64,
    now_ms: u64,
) -> Result<Catchup, ReconcileError> {
    let lever = engine.lever_in(&settings, Lane::Background).await?;
    let reach = if lever.sees_confidential().await? {
        Reach::All
    } else {
        Reach::Open
    };
    let (known, health) = engine
        .store
        .read_async(|rx| Ok((Known::read(rx)?, rx.health::<health::Health>()?)))
        .await?;
    let restart = health.unread.iter().map(|u| (u.list, u.since_ms)).collect();
    let mut c = Catchup {
        engine: engine.clone(),
        settings,
        lever,
        reach,
        since_ms,
        now_ms,
        known,
        items: Vec::new(),
        notes: Vec::new(),
        listed: 0,
        rebased: Vec::new(),
        anonymized: Vec::new(),
        deleted: Vec::new(),
        restart,
        unread: Vec::new(),
    };
    if reach == Reach::Open {
        c.notes.push("the Lever key cannot see confidential candidates, so they were not compared: give the key confidential access to include them".into());
    }
    read_lists(&mut c).await?;
    Ok(c)
}

/// Reads each of Lever's lists in turn, each settled (what it found kept, or the list
/// marked unread) before the next; the offers only when the hires could be read.
async fn read_lists(c: &mut Catchup) -> Result<(), ReconcileError> {
    let mark = c.mark();
    let found = hires::find(c).await;
    match c.settle(List::Hires, mark, found)? {
        Some(hired) => {
            let mark = c.mark();
            let found = changes::find(c, &hired).await;
            c.settle(List::Offers, mark, found)?;
        }
        None => c.not_read(
            List::Offers,
            "the offers are found through the list of hires, which could not be read",
        ),
    }
    let mark = c.mark();
    let found = invites::find(c).await;
    c.settle(List::Invites, mark, found)?;
    let mark = c.mark();
    let found = outcomes::find(c).await;
    c.settle(List::Outcomes, mark, found)?;
    let mark = c.mark();
    let found = deleted::find(c).await;
    c.settle(List::Deletions, mark, found)?;
    Ok(())
}

/// Since when Hirewire is set up (ms; 0: not yet): the end of the setup wizard, else the
/// first time settings were saved (`config import`).
pub(crate) fn configured_since(rx: &crate::store::Rx) -> Result<u64, StoreError> {
    let done = rx.meta(keys::SETUP_DONE)?;
    Ok(if done > 0 {
        done
    } else {
        rx.meta(keys::CONFIGURED_AT)?
    })
}

/// One catch-up at a time per profile, across processes (the window's scheduled one and
/// `hirewire reconcile`).
fn lock(engine: &Engine) -> Result<std::fs::File, ReconcileError> {
    crate::store::lock::try_lock(&engine.dir.join("reconcile.lock"))
        .map_err(LockError::Io)?
        .ok_or(ReconcileError::Busy)
}

/// Opportunities by id.
pub(crate) fn by_id(list: &[Opportunity]) -> HashMap<&str, &Opportunity> {
    list.iter().map(|o| (o.id.as_str(), o)).collect()
}
