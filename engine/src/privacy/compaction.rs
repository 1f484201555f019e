//! After a purge the database file is compacted, so that pages freed by the purge (redb
//! writes copies, and frees the old pages) do not keep the removed bytes; then the file
//! is searched for the removed words, and a leftover is logged (without the words) so a
//! person knows to run `hirewire purge --compact` once other processes are closed.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::scrub;
use crate::store::{Store, StoreError};
use crate::Engine;

/// Tries before giving up while another process (a short CLI command) holds a transaction.
const TRIES: u32 = 20;
/// Between tries.
const PAUSE: Duration = Duration::from_millis(250);

/// One compaction at a time per process.
static RUNNING: Mutex<()> = Mutex::new(());

/// How a compaction went.
#[derive(Debug, Clone, PartialEq)]
pub struct Compacted {
    /// How long it took, tries included.
    pub took: Duration,
    /// The file's size before and after.
    pub bytes: (u64, u64),
    /// How many of the words the file still holds.
    pub leftover: usize,
}

/// Compacts `store` now, trying again while another process is in a transaction, and
/// searches the file for `words`.
pub fn now(store: &Store, words: &[String]) -> Result<Compacted, StoreError> {
    let _one = RUNNING.lock().unwrap_or_else(|p| p.into_inner());
    let started = Instant::now();
    let size = || {
        std::fs::metadata(store.path())
            .map(|m| m.len())
            .unwrap_or(0)
    };
    let before = size();
    let mut last = None;
    for _ in 0..TRIES {
        match store.compact() {
            Ok(()) => {
                last = None;
                break;
            }
            Err(e) => {
                last = Some(e);
                std::thread::sleep(PAUSE);
            }
        }
    }
    if let Some(e) = last {
        return Err(e);
    }
    let file = std::fs::read(store.path())
        .map_err(|e| StoreError::Db(format!("{}: {e}", store.path().display())))?;
    let leftover = words.iter().filter(|w| scrub::holds(&file, w)).count();
    Ok(Compacted {
        took: started.elapsed(),
        bytes: (before, size()),
        leftover,
    })
}

/// [`now`] in the background, after the purge's commit: logged, never failing a job.
pub fn soon(engine: &Engine, words: Vec<String>) {
    let store = engine.store.clone();
    tokio::task::spawn_blocking(move || {
        match now(&store, &words) {
        Ok(c) if c.leftover == 0 => tracing::info!(
            ms = c.took.as_millis() as u64,
            before = c.bytes.0,
            after = c.bytes.1,
            "database compacted after a purge"
        ),
        Ok(c) => tracing::warn!(
            leftover = c.leftover,
            "after compaction the database file still holds removed data; run `hirewire purge --compact` with the app closed"
        ),
        Err(e) => tracing::warn!("could not compact the database after a purge ({e}); run `hirewire purge --compact` with the app closed"),
    }
    });
}
