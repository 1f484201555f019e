//! Opening the profile's file so that nothing is lost or hidden: a file written by a newer
//! Hirewire is refused before anything writes to it, a damaged one is refused with what to
//! do, and neither ever panics.
//!
//! Every open runs redb's integrity check (`set_check_integrity_on_open`): the checksum of
//! every page of the committed trees is verified, so a zeroed or overwritten page is found
//! here instead of making a later read panic. redb's own repair still runs: it rebuilds
//! the page allocator after a crash, and when the newest commit does not verify (a commit
//! cut short by a power loss, which was never reported done) it goes back to the commit
//! before. That fallback is the one thing a repair may drop; it is logged as a warning
//! (see [`FELL_BACK`]). A file whose committed data does not verify is refused, never
//! "repaired" by dropping what it holds.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use redb::{ConcurrencyMode, Database, ReadableDatabase};

use super::damage;
use super::tables::META;
use super::StoreError;

/// The profile's format: what the tables hold and how. Raised when a change needs a
/// migration that an older build would not understand; the `meta-v1` table and this key
/// never change name, so that every build can read it.
pub const FORMAT_VERSION: u64 = 1;
/// Meta key of the format version. A file without it (written before versions were kept)
/// is format 1, and is stamped at open.
pub const KEY_FORMAT: &str = "format_version";
/// redb's repair reports its progress; 0.3 is reported only just before it falls back from
/// a newest commit that does not verify to the one before (redb 4's `do_repair`).
const FELL_BACK: f64 = 0.3;

/// Opens (or creates) the file at `path`: refused when written by a newer Hirewire or
/// damaged; otherwise checked, with every table present and the format stamped.
pub(super) fn open(path: &Path) -> Result<Database, StoreError> {
    let exists = std::fs::metadata(path)
        .map(|m| m.len() > 0)
        .unwrap_or(false);
    if exists {
        refuse_newer(path)?;
    }
    let fell_back = Arc::new(AtomicBool::new(false));
    let seen = fell_back.clone();
    let opened = hirewire_relay::panic_guard::catch(|| {
        Database::builder()
            // Several processes share the file: the engine (`hirewire run` or the window)
            // and the short-lived commands (`history`, `retry`, `approve`, `config import`).
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .set_check_integrity_on_open(true)
            .set_repair_callback(move |session| {
                if session.progress() == FELL_BACK {
                    seen.store(true, Ordering::Relaxed);
                }
            })
            .create(path)
    });
    let db = match opened {
        Ok(Ok(db)) => db,
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => {
            let dir = path.parent().unwrap_or(path);
            return Err(StoreError::Locked(dir.display().to_string()));
        }
        // Not a redb file at all (its header overwritten) is damage like any other; a
        // file that cannot be read (permissions, a failing disk) is said as it is.
        Ok(Err(redb::DatabaseError::Storage(redb::StorageError::Io(e))))
            if !matches!(
                e.kind(),
                std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            return Err(StoreError::Db(format!("{}: {e}", path.display())));
        }
        Ok(Err(e)) => return Err(StoreError::Damaged(damage::at_open(path, &e.to_string()))),
        Err(panic) => return Err(StoreError::Damaged(damage::at_open(path, &panic))),
    };
    if fell_back.load(Ordering::Relaxed) {
        tracing::warn!(
            file = %path.display(),
            "the newest commit of the profile did not verify and was rolled back to the one before (a stop in the middle of a write does this); what that last write held is not in the file"
        );
    }
    Ok(db)
}

/// Refuses a file whose format is newer than this build's, reading it without writing a
/// byte (the writable open below commits, even on a clean file). A file that cannot be
/// read this way (one a crash left for repair, or a damaged one) is judged by that open.
fn refuse_newer(path: &Path) -> Result<(), StoreError> {
    let found = hirewire_relay::panic_guard::catch(|| -> Option<u64> {
        let db = Database::builder()
            .set_concurrency_mode(ConcurrencyMode::MultiWriter)
            .open_read_only(path)
            .ok()?;
        let txn = db.begin_read().ok()?;
        let table = txn.open_table(META).ok()?;
        let version = table.get(KEY_FORMAT).ok()??.value();
        Some(version)
    });
    match found {
        Ok(Some(version)) if version > FORMAT_VERSION => Err(StoreError::TooNew(format!(
            "{} was written by a newer Hirewire (format {version}); this build reads up to format {FORMAT_VERSION}: upgrade Hirewire, or restore a backup made with this version. The file was not changed",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Inside the first write of an open: refuses a newer format (when the read-only look could
/// not read it) and stamps a file that has none with this build's.
pub(super) fn check_format(tx: &super::Tx<'_>, path: &Path) -> Result<(), StoreError> {
    let version = tx.meta(KEY_FORMAT)?;
    if version > FORMAT_VERSION {
        return Err(StoreError::TooNew(format!(
            "{} was written by a newer Hirewire (format {version}); this build reads up to format {FORMAT_VERSION}: upgrade Hirewire, or restore a backup made with this version",
            path.display()
        )));
    }
    if version == 0 {
        // Written before formats were kept: that is format 1.
        tx.put_meta(KEY_FORMAT, FORMAT_VERSION)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, DB_FILE};

    /// Writes `format_version = version` into a profile, as a newer build would.
    fn stamp(dir: &Path, version: u64) {
        let store = Store::open(dir).unwrap_or_else(|e| panic!("{e}"));
        store
            .write(|tx| tx.put_meta(KEY_FORMAT, version))
            .unwrap_or_else(|e| panic!("{e}"));
    }

    #[test]
    fn a_new_profile_is_stamped_with_this_format() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let store = Store::open(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        let version = store.read(|rx| rx.meta(KEY_FORMAT));
        assert_eq!(version.ok(), Some(FORMAT_VERSION));
    }

    #[test]
    fn a_profile_without_a_format_is_format_1_and_is_stamped() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        // What a build before format versions wrote: no key at all.
        stamp(tmp.path(), 0);
        {
            let store = Store::open(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
            store
                .write(|tx| {
                    tx.txn.open_table(META)?.remove(KEY_FORMAT)?;
                    Ok(())
                })
                .unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(store.read(|rx| rx.meta(KEY_FORMAT)).ok(), Some(0));
        }
        let store = Store::open(tmp.path()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(store.read(|rx| rx.meta(KEY_FORMAT)).ok(), Some(1));
    }

    #[test]
    fn a_profile_of_a_newer_format_is_refused_and_left_byte_identical() {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        stamp(tmp.path(), FORMAT_VERSION + 1);
        let path = tmp.path().join(DB_FILE);
        let before = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        let err = Store::open(tmp.path())
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(
            err.contains(&format!(
                "written by a newer Hirewire (format {})",
                FORMAT_VERSION + 1
            )) && err.contains(&format!("reads up to format {FORMAT_VERSION}"))
                && err.contains("upgrade Hirewire, or restore a backup"),
            "{err}"
        );
        let after = std::fs::read(&path).unwrap_or_else(|e| panic!("{e}"));
        assert!(before == after, "the file was changed");
    }
}
