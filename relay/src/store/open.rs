//! Opening the redb file without ever hiding data: a missing file is a new relay, but an
//! existing file that is empty, damaged or written by a newer relay is refused with what is
//! wrong and what the operator can do, never started over as an empty database (every
//! channel gone) and never a panic.
//!
//! Every open runs redb's integrity check (`set_check_integrity_on_open`): every page of
//! the committed trees is checked against its checksum, so a zeroed or overwritten page is
//! refused here rather than making a later read panic. redb's repair still runs after a
//! crash (it rebuilds the page allocator), and when the newest commit does not verify it
//! goes back to the commit before: that is what a commit cut short by a power loss looks
//! like, and such a commit was never answered 200. A file closed cleanly has a newest
//! commit written in two phases, and redb refuses rather than falls back when that one is
//! damaged. The fallback is logged as a warning; a file whose data does not verify is
//! refused, never "repaired" by dropping what it holds.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use redb::{Database, ReadableDatabase, ReadableTable};

use super::tables::{META, META_FORMAT};
use super::StoreError;

/// The relay store's format: what the tables hold and how. Raised when a change needs a
/// migration that an older relay would not understand; the `meta-v1` table and its
/// `format_version` key never change name, so that every relay can read them.
pub const FORMAT_VERSION: u64 = 1;
/// redb's repair reports its progress; 0.3 is reported only just before it falls back from
/// a newest commit that does not verify to the one before (redb 4's `do_repair`).
const FELL_BACK: f64 = 0.3;

/// File name of the database inside the data directory.
pub const DB_FILE: &str = "relay.redb";
/// redb's page cache. The relay reads mostly what it just wrote, so a small cache keeps
/// the resident set small without costing throughput.
const CACHE_BYTES: usize = 4 * 1024 * 1024;

/// Opens the database in `dir` (creating `dir`, mode 0700, and a new database when there
/// is no file yet), and makes sure every table exists.
pub fn open(dir: &Path) -> Result<Database, StoreError> {
    create_private_dir(dir)?;
    let path = dir.join(DB_FILE);
    let existing = match std::fs::metadata(&path) {
        Ok(m) => Some(m.len()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(StoreError::Db(format!("{}: {e}", path.display()))),
    };
    if existing == Some(0) {
        return Err(StoreError::Unusable(format!(
            "{} is empty (0 bytes), so it holds no channels: it is not a relay database. \
             If it was restored from a backup, copy the whole file again; to start a new, \
             empty relay, move it away first (its channels' connection codes stop working)",
            path.display()
        )));
    }
    if existing.is_some() {
        refuse_newer(&path)?;
    }
    let db = guarded_open(&path, existing.is_some()).map_err(|e| match e {
        OpenFailure::Locked => StoreError::Locked(dir.to_path_buf()),
        OpenFailure::Damaged(why) => StoreError::Unusable(super::damage::at_open(&path, &why)),
        OpenFailure::Other(why) => StoreError::Unusable(format!(
            "{} cannot be opened as a relay database ({why}). Nothing was changed. \
             Restore the file from a backup, or move it away to start a new, empty relay \
             (its channels' connection codes stop working)",
            path.display()
        )),
    })?;
    let ready = crate::panic_guard::catch(|| {
        super::ops::ensure_tables(&db)?;
        check_format(&db, &path)
    });
    match ready {
        Ok(Ok(())) => Ok(db),
        Ok(Err(StoreError::Damaged(why))) | Err(why) => {
            Err(StoreError::Unusable(super::damage::at_open(&path, &why)))
        }
        Ok(Err(e)) => Err(e),
    }
}

/// The message for a file written by a newer relay.
fn too_new(path: &Path, version: u64) -> StoreError {
    StoreError::TooNew(format!(
        "{} was written by a newer Hirewire relay (format {version}); this build reads up to format {FORMAT_VERSION}: upgrade hirewire-relay, or restore a backup made with this version. The file was not changed",
        path.display()
    ))
}

/// The format recorded in the meta table (none in a file written before formats were kept).
fn recorded_format(meta: Option<String>) -> Result<Option<u64>, StoreError> {
    meta.map(|v| {
        v.parse::<u64>()
            .map_err(|_| StoreError::Damaged(format!("its format version reads {v:?}")))
    })
    .transpose()
}

/// Refuses a file written by a newer relay, reading it without writing a byte (the
/// writable open commits, even on a clean file). A file that cannot be read this way (one
/// a crash left for repair, or a damaged one) is judged by the writable open instead.
fn refuse_newer(path: &Path) -> Result<(), StoreError> {
    let found = crate::panic_guard::catch(|| -> Option<String> {
        let db = Database::builder().open_read_only(path).ok()?;
        let txn = db.begin_read().ok()?;
        let table = txn.open_table(META).ok()?;
        let value = table.get(META_FORMAT).ok()??;
        Some(value.value().to_string())
    });
    match found.ok().flatten().map(|v| v.parse::<u64>()) {
        Some(Ok(version)) if version > FORMAT_VERSION => Err(too_new(path, version)),
        _ => Ok(()),
    }
}

/// Refuses a newer format (when the read-only look could not read it) and stamps a file
/// that has none (written before formats were kept: format 1) with this build's.
fn check_format(db: &Database, path: &Path) -> Result<(), StoreError> {
    let txn = db.begin_write()?;
    let version = {
        let table = txn.open_table(META)?;
        let value = table.get(META_FORMAT)?.map(|v| v.value().to_string());
        recorded_format(value)?
    };
    match version {
        Some(v) if v > FORMAT_VERSION => return Err(too_new(path, v)),
        Some(_) => return Ok(()),
        None => super::ops::put_meta(&txn, META_FORMAT, &FORMAT_VERSION.to_string())?,
    }
    txn.commit()?;
    Ok(())
}

enum OpenFailure {
    Locked,
    Damaged(String),
    Other(String),
}

/// Opens (or, for a new relay, creates) the file, checking every committed page. redb can
/// panic on some damaged files; the panic is caught and turned into the same refusal as
/// any other damage.
fn guarded_open(path: &Path, exists: bool) -> Result<Database, OpenFailure> {
    let fell_back = Arc::new(AtomicBool::new(false));
    let seen = fell_back.clone();
    let attempt = || {
        let mut builder = Database::builder();
        builder
            .set_cache_size(CACHE_BYTES)
            .set_check_integrity_on_open(true)
            .set_repair_callback(move |session| {
                if session.progress() == FELL_BACK {
                    seen.store(true, Ordering::Relaxed);
                }
            });
        if exists {
            builder.open(path)
        } else {
            builder.create(path)
        }
    };
    let result = crate::panic_guard::catch(attempt);
    if fell_back.load(Ordering::Relaxed) {
        tracing::warn!(
            file = %path.display(),
            "the newest commit of the relay database did not verify and was rolled back to the one before (a stop in the middle of a write does this); webhooks that commit held were never answered 200, so Lever sends them again"
        );
    }
    match result {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => Err(OpenFailure::Locked),
        Ok(Err(redb::DatabaseError::Storage(redb::StorageError::Corrupted(why)))) => {
            Err(OpenFailure::Damaged(why))
        }
        Ok(Err(e)) => Err(OpenFailure::Other(e.to_string())),
        Err(panic) => Err(OpenFailure::Damaged(panic)),
    }
}

/// Creates the data directory readable by its owner only: it holds queued webhooks.
pub(crate) fn create_private_dir(dir: &Path) -> Result<(), StoreError> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_directory_gets_a_new_database_and_reopens() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dir = tmp.path().join("relay");
        drop(open(&dir).unwrap_or_else(|e| panic!("{e}")));
        assert!(open(&dir).is_ok(), "an existing database opens");
    }

    #[test]
    fn an_empty_file_is_refused_and_left_as_it_was() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(tmp.path().join(DB_FILE), b"").unwrap_or_else(|e| panic!("{e}"));
        let err = open(tmp.path())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(err.contains("empty (0 bytes)"), "{err}");
        let len = std::fs::metadata(tmp.path().join(DB_FILE)).map(|m| m.len());
        assert_eq!(len.ok(), Some(0), "the file is not initialised");
    }

    #[test]
    fn a_file_that_is_not_a_database_is_refused_with_advice() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(tmp.path().join(DB_FILE), vec![0x5a; 20_000])
            .unwrap_or_else(|e| panic!("{e}"));
        let err = open(tmp.path())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("cannot be opened as a relay database"),
            "{err}"
        );
        assert!(err.contains("backup"), "{err}");
    }

    /// Sets the recorded format (None: removes it, as a relay before versions left it).
    fn set_format(dir: &Path, value: Option<&str>) {
        let db = open(dir).unwrap_or_else(|e| panic!("{e}"));
        let txn = db.begin_write().unwrap_or_else(|e| panic!("{e}"));
        {
            let mut meta = txn.open_table(META).unwrap_or_else(|e| panic!("{e}"));
            let done = match value {
                Some(v) => meta.insert(META_FORMAT, v).map(|_| ()),
                None => meta.remove(META_FORMAT).map(|_| ()),
            };
            done.unwrap_or_else(|e| panic!("{e}"));
        }
        txn.commit().unwrap_or_else(|e| panic!("{e}"));
    }

    fn format_of(dir: &Path) -> Option<String> {
        let db = open(dir).unwrap_or_else(|e| panic!("{e}"));
        super::super::ops::get_meta(&db, META_FORMAT).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn a_store_without_a_format_is_format_1_and_is_stamped() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        set_format(tmp.path(), None);
        assert_eq!(format_of(tmp.path()).as_deref(), Some("1"));
    }

    #[test]
    fn a_store_of_a_newer_format_is_refused_and_left_byte_identical() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        set_format(tmp.path(), Some("2"));
        let path = tmp.path().join(DB_FILE);
        let before = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let err = open(tmp.path())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains("written by a newer Hirewire relay (format 2)")
                && err.contains("reads up to format 1")
                && err.contains("upgrade hirewire-relay, or restore a backup"),
            "{err}"
        );
        let after = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(before == after, "the file was changed");
    }
}
