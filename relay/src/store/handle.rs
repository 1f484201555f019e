//! The open database, shared by the writer thread and every reader, and replaceable.
//!
//! After a failed commit (disk full) redb refuses every later transaction on the same
//! handle ("previous I/O error"): the only way back is to close the file and open it
//! again. Readers therefore never keep the database: they take the current one for one
//! transaction ([`DbHandle::current`]); the writer swaps in a freshly opened one
//! ([`DbHandle::reopen`]) once the old one has no reader left.
//!
//! Every transaction runs through [`DbHandle::guard`]: a panic inside redb or a
//! `Corrupted` error marks the database damaged for good ([`DbHandle::damaged`]), every
//! later call is refused with the message, and the server stops on it.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use redb::Database;
use tokio::sync::watch;

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
    /// Set once the file is found damaged; never cleared.
    damage: Arc<watch::Sender<Option<String>>>,
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
            damage: Arc::new(watch::channel(None).0),
        }
    }

    /// Runs one transaction's work on the current database. A panic inside redb, or a
    /// `Corrupted` error, marks the database damaged and comes back as
    /// [`StoreError::Damaged`] with what the operator can do.
    pub fn guard<T>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        if let Some(message) = self.damage.borrow().clone() {
            return Err(StoreError::Damaged(message));
        }
        let db = self.current()?;
        match crate::panic_guard::catch(|| f(&db)) {
            Ok(Err(StoreError::Damaged(why))) | Err(why) => Err(self.mark_damaged(&why)),
            Ok(result) => result,
        }
    }

    /// Marks the database damaged for good, for redb's reason `why` (logged once), and
    /// returns the error.
    pub fn mark_damaged(&self, why: &str) -> StoreError {
        let path = self.dir.join(super::DB_FILE);
        self.set_damage(super::damage::in_use(&path, why))
    }

    /// Marks the database unusable for good with this whole message (logged once).
    pub fn set_damage(&self, message: String) -> StoreError {
        let mut first = false;
        self.damage.send_if_modified(|slot| {
            if slot.is_none() {
                *slot = Some(message.clone());
                first = true;
            }
            first
        });
        if first {
            tracing::error!("{message}");
        }
        StoreError::Damaged(self.damage.borrow().clone().unwrap_or(message))
    }

    /// The damage message, once the database was found damaged.
    pub fn damage(&self) -> Option<String> {
        self.damage.borrow().clone()
    }

    /// Resolves with the message once the database is found damaged.
    pub async fn damaged(&self) -> String {
        let mut rx = self.damage.subscribe();
        let seen = rx.wait_for(Option::is_some).await.map(|m| m.clone());
        match seen {
            Ok(message) => message.unwrap_or_default(),
            // This handle holds the sender: it cannot be gone while we wait.
            Err(_) => std::future::pending().await,
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_inside_a_transaction_marks_the_database_damaged_for_good() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = super::super::open(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        let handle = DbHandle::new(tmp.path().to_path_buf(), db);
        // What redb does on a page it cannot make sense of.
        let got = handle.guard(|_| -> Result<(), StoreError> { unreachable!("a damaged page") });
        let why = match got {
            Err(StoreError::Damaged(why)) => why,
            other => panic!("expected the damage, got {other:?}"),
        };
        assert!(
            why.contains("turned out to be damaged")
                && why.contains("restore the file from a backup")
                && why.contains("no app has received yet"),
            "{why}"
        );
        // Every later transaction is refused with the same message, and the server's
        // watch resolves with it.
        let again = handle.guard(|_| Ok(1));
        assert_eq!(again.err().map(|e| e.to_string()), Some(why.clone()));
        let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
        let seen = runtime.block_on(async {
            tokio::time::timeout(Duration::from_secs(5), handle.damaged()).await
        });
        assert_eq!(seen.ok(), Some(why));
    }

    #[test]
    fn redbs_corrupted_error_marks_the_database_damaged_too() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let db = super::super::open(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        let handle = DbHandle::new(tmp.path().to_path_buf(), db);
        let got = handle.guard(|_| -> Result<(), StoreError> {
            Err(redb::StorageError::Corrupted("a bad checksum".into()).into())
        });
        let why = got.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(
            why.contains("(a bad checksum)") && why.contains("backup"),
            "{why}"
        );
        assert!(handle.damage().is_some());
    }
}
