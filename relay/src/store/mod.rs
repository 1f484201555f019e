//! The relay's durable store: one redb file, opened once, written by one thread
//! ([`writer`]) that commits many requests per fsync, read by any task.

pub mod ops;
pub mod records;
pub mod tables;
pub mod writer;

use std::path::{Path, PathBuf};

use redb::{Database, ReadableDatabase};

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "relay.redb";
/// File name of the admin socket inside the data directory.
pub const ADMIN_SOCKET: &str = "admin.sock";
/// redb's page cache. The relay reads mostly what it just wrote, so a small cache keeps
/// the resident set small without costing throughput.
const CACHE_BYTES: usize = 4 * 1024 * 1024;

/// What can go wrong in the store, in operator's words.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Another process has the database open.
    #[error("the database in {0} is in use by another process (is `hirewire-relay serve` running there?)")]
    Locked(PathBuf),
    /// redb reported an I/O or format problem.
    #[error("storage error: {0}")]
    Db(String),
    /// A record could not be decoded.
    #[error("a stored record is unreadable: {0}")]
    Corrupt(String),
    /// No channel with that id.
    #[error("no channel with id {0}")]
    UnknownChannel(String),
    /// The name is used by another channel.
    #[error("a channel named {0:?} already exists")]
    NameTaken(String),
    /// The writer thread has stopped (shutdown or a fatal error).
    #[error("the store is shutting down")]
    Closed,
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

/// Opens (or creates) the database in `dir`, creating `dir` with mode 0700.
pub fn open(dir: &Path) -> Result<Database, StoreError> {
    create_private_dir(dir)?;
    let path = dir.join(DB_FILE);
    let db = Database::builder()
        .set_cache_size(CACHE_BYTES)
        .create(&path)
        .map_err(|e| match e {
            redb::DatabaseError::DatabaseAlreadyOpen => StoreError::Locked(dir.to_path_buf()),
            other => StoreError::Db(format!("{}: {other}", path.display())),
        })?;
    ops::ensure_tables(&db)?;
    Ok(db)
}

/// Creates the data directory readable by its owner only: it holds queued webhooks.
fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
    std::fs::create_dir_all(dir).map_err(|e| StoreError::Db(format!("{}: {e}", dir.display())))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let perms = std::fs::Permissions::from_mode(0o700);
        std::fs::set_permissions(dir, perms)
            .map_err(|e| StoreError::Db(format!("{}: {e}", dir.display())))?;
    }
    Ok(())
}

/// Reads events of a channel with `seq` in `from..=to`, at most `limit` of them.
pub fn read_events(
    db: &Database,
    channel: &str,
    from: u64,
    to: u64,
    limit: usize,
) -> Result<Vec<(u64, records::StoredEvent)>, StoreError> {
    let txn = db.begin_read()?;
    let table = txn.open_table(tables::EVENTS)?;
    let mut out = Vec::new();
    for item in table.range((channel, from)..=(channel, to))?.take(limit) {
        let (key, value) = item?;
        out.push((key.value().1, records::decode(value.value())?));
    }
    Ok(out)
}
