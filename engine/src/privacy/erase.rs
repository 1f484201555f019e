//! A person's record and its erasure (GDPR articles 15 and 17), the use-cases behind
//! `hirewire person EMAIL [--erase]` and the window's "export this person": the person is
//! found by email or by an opportunity id; erasing purges each of their opportunities with
//! its marks, then compacts the file at once, so that no byte of them is left in it.

use std::collections::BTreeSet;

use super::{compaction, person, purge};
use crate::store::StoreError;
use crate::work::Cause;
use crate::Engine;

/// Why a person's record cannot be read or erased.
#[derive(Debug, thiserror::Error)]
pub enum EraseError {
    /// What was given is not an email address.
    #[error("{0:?} is not an email address: give the candidate's email, as Lever has it")]
    NotAnEmail(String),
    /// Storage failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Erased, but the compaction could not run.
    #[error("the record was erased, but the file could not be compacted yet ({0}): run `hirewire purge --compact` with the app closed")]
    NotCompacted(String),
    /// Erased and compacted, but some of the person's words are still in the file.
    #[error("the record was erased, but the file still holds some of it: run `hirewire purge --compact` with the app closed")]
    Leftover,
    /// The compaction's task stopped.
    #[error("{0}")]
    Interrupted(String),
}

impl EraseError {
    /// Whether the user's input is at fault.
    pub fn is_usage(&self) -> bool {
        matches!(self, EraseError::NotAnEmail(_))
    }
}

/// Everything Hirewire holds about the person with `email`.
pub async fn of_email(engine: &Engine, email: &str) -> Result<person::Record, EraseError> {
    if !email.contains('@') {
        return Err(EraseError::NotAnEmail(email.to_string()));
    }
    let asked = email.to_string();
    Ok(engine
        .store
        .read_async(move |rx| {
            let opps = person::opportunities_of(rx, &asked)?;
            person::record(rx, &asked, &opps)
        })
        .await?)
}

/// Everything Hirewire holds about the candidate of one opportunity.
pub async fn of_opportunity(engine: &Engine, opp: &str) -> Result<person::Record, StoreError> {
    let opp = opp.to_string();
    engine
        .store
        .read_async(move |rx| {
            let opps = std::iter::once(opp.clone()).collect();
            person::record(rx, &opp, &opps)
        })
        .await
}

/// A person's opportunities purged, the file not compacted yet.
#[derive(Debug)]
pub struct Erased {
    /// A line for each purge, saying what it removed.
    pub lines: Vec<String>,
    /// The person's words, looked for in the compacted file.
    words: Vec<String>,
}

/// Erases what Hirewire holds about the person with `email` on these opportunities (as
/// [`of_email`] found them). [`Erased::compact`] then rewrites the file.
pub async fn erase(
    engine: &Engine,
    email: &str,
    opportunities: BTreeSet<String>,
) -> Result<Erased, EraseError> {
    let words_of = email.to_lowercase();
    let (lines, mut words) = engine
        .store
        .write_async(move |tx| {
            let mut lines = Vec::new();
            let mut words = vec![words_of];
            for o in &opportunities {
                let p = purge(tx, o, Cause::Erased)?;
                lines.push(p.summary(Cause::Erased));
                words.extend(p.words);
            }
            Ok((lines, words))
        })
        .await?;
    words.sort();
    words.dedup();
    Ok(Erased { lines, words })
}

impl Erased {
    /// Compacts the file at once and checks that none of the person's words is left in it.
    pub async fn compact(self, engine: &Engine) -> Result<(), EraseError> {
        let store = engine.store.clone();
        let words = self.words;
        let c = tokio::task::spawn_blocking(move || compaction::now(&store, &words))
            .await
            .map_err(|e| EraseError::Interrupted(e.to_string()))?
            .map_err(|e| EraseError::NotCompacted(e.to_string()))?;
        if c.leftover > 0 {
            return Err(EraseError::Leftover);
        }
        Ok(())
    }
}
