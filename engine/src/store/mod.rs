//! The app's one redb file: settings, the inbox, history, jobs and the links that make
//! every action idempotent. Writes are short transactions, each durable on commit.

mod damage;
#[cfg(test)]
mod damage_tests;
pub mod dump;
pub mod entries;
pub mod lock;
pub mod open;
mod scan;
mod settings_cache;
mod tables;
mod team;
pub mod tx;
mod watch;

use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use redb::{Database, ReadableDatabase};
use tokio::sync::watch as damage_signal;

pub use scan::Kept;
pub use tables::*;
pub use team::Marked;
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
    /// The file is damaged (found at open or while in use): the message says what to do.
    #[error("{0}")]
    Damaged(String),
    /// The file was written by a newer Hirewire; it was left as it is.
    #[error("{0}")]
    TooNew(String),
}

impl StoreError {
    /// Whether the file cannot be used at all (damaged or too new), as opposed to one
    /// operation failing.
    pub fn is_unusable(&self) -> bool {
        matches!(self, StoreError::Damaged(_) | StoreError::TooNew(_))
    }
}

/// The reason of a redb error that says the file is damaged, if it is one.
fn corrupted(e: &redb::StorageError) -> Option<&str> {
    match e {
        redb::StorageError::Corrupted(why) => Some(why),
        _ => None,
    }
}

macro_rules! from_redb {
    ($($t:ty => $damage:expr),*) => {$(
        impl From<$t> for StoreError {
            fn from(e: $t) -> Self {
                let damage: fn(&$t) -> Option<&str> = $damage;
                if let Some(why) = damage(&e) {
                    damage::note(why);
                }
                StoreError::Db(e.to_string())
            }
        }
    )*};
}
from_redb!(
    redb::Error => |e| match e {
        redb::Error::Corrupted(why) => Some(why),
        _ => None,
    },
    redb::TransactionError => |e| match e {
        redb::TransactionError::Storage(s) => corrupted(s),
        _ => None,
    },
    redb::TableError => |e| match e {
        redb::TableError::Storage(s) => corrupted(s),
        _ => None,
    },
    redb::StorageError => corrupted,
    redb::CommitError => |e| match e {
        redb::CommitError::Storage(s) => corrupted(s),
        _ => None,
    }
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
    /// The settings as last parsed, shared by every clone of this handle.
    settings: Arc<settings_cache::SettingsCache>,
    /// Set once damage is found while in use; every later call is refused with it.
    damage: Arc<damage_signal::Sender<Option<String>>>,
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
        let db = open::open(&path)?;
        let store = Store {
            db: Arc::new(RwLock::new(db)),
            path: path.clone(),
            settings: Arc::default(),
            damage: Arc::new(damage_signal::channel(None).0),
        };
        store.write(|tx| {
            tx.create_tables()?;
            open::check_format(tx, &path)?;
            tx.migrate()
        })?;
        Ok(store)
    }

    /// Resolves with the message once the file is found damaged while in use.
    pub async fn damaged(&self) -> String {
        let mut rx = self.damage.subscribe();
        let seen = rx.wait_for(Option::is_some).await.map(|m| m.clone());
        match seen {
            Ok(why) => why.unwrap_or_default(),
            // The sender lives as long as the store: this clone of it holds it.
            Err(_) => std::future::pending().await,
        }
    }

    /// Runs one transaction on the database: a panic inside redb, or damage it reports on
    /// the way, becomes [`StoreError::Damaged`] and marks the store damaged for good.
    fn guarded<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Database) -> Result<T, E>,
    ) -> Result<T, E> {
        if let Some(why) = self.damage.borrow().clone() {
            return Err(StoreError::Damaged(why).into());
        }
        let db = self.db()?;
        damage::take();
        let result = hirewire_relay::panic_guard::catch(|| f(&db));
        let found = match &result {
            Err(panic) => Some(panic.clone()),
            Ok(_) => damage::take(),
        };
        match (result, found) {
            (Ok(out), None) => out,
            (_, Some(why)) | (Err(why), None) => Err(self.mark_damaged(&why).into()),
        }
    }

    /// Marks the store damaged for good and says so once in the log.
    fn mark_damaged(&self, why: &str) -> StoreError {
        let message = damage::in_use(&self.path, why);
        let first = self.damage.send_replace(Some(message.clone())).is_none();
        if first {
            tracing::error!("{message}");
        }
        StoreError::Damaged(message)
    }

    fn db(&self) -> Result<std::sync::RwLockReadGuard<'_, Database>, StoreError> {
        self.db
            .read()
            .map_err(|_| StoreError::Db("the database handle was poisoned by a crash".into()))
    }

    /// How many times this handle parsed the stored settings (once per change).
    pub fn settings_parses(&self) -> u64 {
        self.settings.parses()
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
        if let Some(why) = self.damage.borrow().clone() {
            return Err(StoreError::Damaged(why));
        }
        let passes = hirewire_relay::panic_guard::catch(|| {
            // Each pass moves what it can; a handful always reaches the end.
            for _ in 0..16 {
                match db.compact() {
                    Ok(true) => continue,
                    Ok(false) => return Ok(()),
                    Err(redb::CompactionError::Storage(redb::StorageError::Corrupted(why))) => {
                        return Err(Err(why))
                    }
                    Err(e) => return Err(Ok(StoreError::Db(format!("compaction: {e}")))),
                }
            }
            Ok(())
        });
        match passes {
            Ok(Ok(())) => Ok(()),
            Ok(Err(Ok(e))) => Err(e),
            Ok(Err(Err(why))) | Err(why) => Err(self.mark_damaged(&why)),
        }
    }

    /// Runs `f` in one write transaction and commits it durably if `f` succeeds.
    pub fn write<T>(&self, f: impl FnOnce(&Tx) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.guarded(|db| {
            let txn = db.begin_write()?;
            let out = f(&Tx::new(&txn))?;
            txn.commit()?;
            Ok(out)
        })
    }

    /// [`Store::write`] for a closure that may refuse with an error of its own: nothing
    /// is committed then.
    pub fn write_with<T, E: From<StoreError>>(
        &self,
        f: impl FnOnce(&Tx) -> Result<T, E>,
    ) -> Result<T, E> {
        self.guarded(|db| {
            let txn = db.begin_write().map_err(StoreError::from)?;
            let out = f(&Tx::new(&txn))?;
            txn.commit().map_err(StoreError::from)?;
            Ok(out)
        })
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
        self.guarded(|db| {
            let txn = db.begin_read()?;
            f(&Rx::new(&txn, &self.settings))
        })
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
