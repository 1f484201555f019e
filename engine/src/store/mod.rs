//! The app's one redb file: settings, the inbox, history, jobs and the links that make
//! every action idempotent. Writes are short transactions, each durable on commit.

pub mod dump;
pub mod entries;
mod scan;
mod tables;
pub mod tx;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use redb::{ConcurrencyMode, Database, ReadableDatabase};

pub use scan::Kept;
pub use tables::*;
pub use tx::{RelayConn, Rx, Seen, Tx};

/// File name of the database in the data directory.
pub const DB_FILE: &str = "hirewire.redb";

/// A storage failure.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another Hirewire process has this profile's data open.
    #[error("the data in {0} is in use by another Hirewire process (is `hirewire run` or the app already running with this profile?)")]
    Locked(String),
    /// I/O or format problem.
    #[error("storage error: {0}")]
    Db(String),
    /// A record could not be read.
    #[error("a stored record is unreadable: {0}")]
    Corrupt(String),
    /// A record that should exist does not.
    #[error("{0}")]
    NotFound(String),
}

macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
from_redb!(
    redb::Error,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Corrupt(e.to_string())
    }
}

/// The database handle; cheap to clone.
#[derive(Clone)]
pub struct Store {
    /// Every transaction holds the read side; compaction, which rewrites the file, the
    /// write side.
    db: Arc<RwLock<Database>>,
    path: PathBuf,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Store")
    }
}

impl Store {
    /// Opens (or creates) the database file in `dir`, creating `dir` (mode 0700).
    pub fn open(dir: &Path) -> Result<Store, StoreError> {
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Db(format!("{}: {e}", dir.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
        let path = dir.join(DB_FILE);
        // Several processes share the file: the engine (`hirewire run` or the window) and
        // the short-lived commands (`history`, `retry`, `approve`, `config import`).
        let db = Database::builder()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .create(&path)
            .map_err(|e| match e {
                redb::DatabaseError::DatabaseAlreadyOpen => {
                    StoreError::Locked(dir.display().to_string())
                }
                other => StoreError::Db(format!("{}: {other}", path.display())),
            })?;
        let store = Store {
            db: Arc::new(RwLock::new(db)),
            path,
        };
        store.write(|tx| {
            tx.create_tables()?;
            tx.migrate()
        })?;
        Ok(store)
    }

    fn db(&self) -> Result<std::sync::RwLockReadGuard<'_, Database>, StoreError> {
        self.db
            .read()
            .map_err(|_| StoreError::Db("the database handle was poisoned by a crash".into()))
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Compacts the file: live pages move to its start and the rest is cut off, so what a
    /// purge removed does not linger in freed pages. Waits for this process's transactions
    /// to end; fails (to be tried again) while another process has one open.
    pub fn compact(&self) -> Result<(), StoreError> {
        let mut db = self
            .db
            .write()
            .map_err(|_| StoreError::Db("the database handle was poisoned by a crash".into()))?;
        // Each pass moves what it can; a handful always reaches the end.
        for _ in 0..16 {
            match db.compact() {
                Ok(true) => continue,
                Ok(false) => return Ok(()),
                Err(e) => return Err(StoreError::Db(format!("compaction: {e}"))),
            }
        }
        Ok(())
    }

    /// Runs `f` in one write transaction and commits it durably if `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let db = self.db()?;
        let txn = db.begin_write()?;
        let out = f(&Tx::new(&txn))?;
        txn.commit()?;
        Ok(out)
    }

    /// [`Store::write`] for a closure that may refuse with an error of its own: nothing
    /// is committed then.
    pub fn write_with<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        let db = self.db()?;
        let txn = db.begin_write().map_err(StoreError::from)?;
        let out = f(&Tx::new(&txn))?;
        txn.commit().map_err(StoreError::from)?;
        Ok(out)
    }

    /// [`Store::write_with`] off the async runtime.
    pub async fn write_async_with<T: Send + 'static, E: From<StoreError> + Send + 'static>(
        &self,
        f: impl FnOnce(&Tx) -> Result<T, E> + Send + 'static,
    ) -> Result<T, E> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.write_with(f))
            .await
            .map_err(|e| StoreError::Db(format!("storage task failed: {e}")))?
    }

    /// Runs `f` in one read transaction (a consistent snapshot).
    pub fn read<T>(&self, f: impl FnOnce(&Rx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let db = self.db()?;
        let txn = db.begin_read()?;
        f(&Rx::new(&txn))
    }

    /// [`Store::write`] off the async runtime (commits wait for the disk).
    pub async fn write_async<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Tx) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.write(f))
            .await
            .map_err(|e| StoreError::Db(format!("storage task failed: {e}")))?
    }

    /// [`Store::read`] off the async runtime.
    pub async fn read_async<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Rx) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let store = self.clone();
        tokio::task::spawn_blocking(move || store.read(f))
            .await
            .map_err(|e| StoreError::Db(format!("storage task failed: {e}")))?
    }
}
