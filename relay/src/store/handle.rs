//! The open database, shared by the writer thread and every reader, and replaceable.
//!
//! After a failed commit (disk full) redb refuses every later transaction on the same
//! handle ("previous I/O error"): the only way back is to close the file and open it
//! again. Readers therefore never keep the database: they take the current one for one
//! transaction ([`DbHandle::current`]); the writer swaps in a freshly opened one
//! ([`DbHandle::reopen`]) once the old one has no reader left.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use redb::Database;

use super::StoreError;

/// How long a reopen waits for readers of the old handle to finish their transaction.
const READERS_GRACE: Duration = Duration::from_secs(5);
/// Poll interval while waiting for those readers.
const READERS_POLL: Duration = Duration::from_millis(5);

/// A shared, reopenable database handle.
#[derive(Clone)]
pub struct DbHandle {
    dir: PathBuf,
    current: Arc<RwLock<Option<Arc<Database>>>>,
}

impl std::fmt::Debug for DbHandle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbHandle").field("dir", &self.dir).finish()
    }
}

impl DbHandle {
    /// Wraps a database opened from `dir`.
    pub fn new(dir: PathBuf, db: Database) -> Self {
        DbHandle {
            dir,
            current: Arc::new(RwLock::new(Some(Arc::new(db)))),
        }
    }

    /// The database for one transaction, or why there is none right now.
    pub fn current(&self) -> Result<Arc<Database>, StoreError> {
        let slot = self
            .current
            .read()
            .map_err(|_| StoreError::Unavailable("the database handle is poisoned".into()))?;
        slot.clone().ok_or_else(|| {
            StoreError::Unavailable("the database is being reopened after a storage error".into())
        })
    }

    /// Closes the database and opens it again. Fails (and leaves no database, so that
    /// callers get a clear error) while the file still cannot be opened, e.g. while the
    /// disk is still full; call again later.
    pub fn reopen(&self) -> Result<(), StoreError> {
        let old = {
            let mut slot = self
                .current
                .write()
                .map_err(|_| StoreError::Unavailable("the database handle is poisoned".into()))?;
            slot.take()
        };
        if let Some(old) = old {
            // redb holds a lock on the file: the old handle must be gone before the new
            // open. Readers hold it only for one short transaction.
            let deadline = Instant::now() + READERS_GRACE;
            let mut old = old;
            loop {
                match Arc::try_unwrap(old) {
                    Ok(db) => {
                        drop(db);
                        break;
                    }
                    Err(still_shared) if Instant::now() < deadline => {
                        old = still_shared;
                        std::thread::sleep(READERS_POLL);
                    }
                    Err(still_shared) => {
                        // Put it back: a reader is stuck; better a failing handle than none.
                        if let Ok(mut slot) = self.current.write() {
                            *slot = Some(still_shared);
                        }
                        return Err(StoreError::Unavailable(
                            "a reader still holds the database; reopening later".into(),
                        ));
                    }
                }
            }
        }
        let db = super::open::open(&self.dir)?;
        let mut slot = self
            .current
            .write()
            .map_err(|_| StoreError::Unavailable("the database handle is poisoned".into()))?;
        *slot = Some(Arc::new(db));
        Ok(())
    }
}
