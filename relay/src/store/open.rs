//! Opening the redb file without ever hiding data: a missing file is a new relay, but an
//! existing file that is empty or damaged is refused with what is wrong and what the
//! operator can do, never started over as an empty database (every channel gone) and
//! never a panic.

use std::path::Path;

use redb::Database;

use super::StoreError;

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
    let db = guarded_open(&path, existing.is_some()).map_err(|e| match e {
        OpenFailure::Locked => StoreError::Locked(dir.to_path_buf()),
        OpenFailure::Other(why) => StoreError::Unusable(format!(
            "{} cannot be opened as a relay database ({why}). Nothing was changed. \
             Restore the file from a backup, or move it away to start a new, empty relay \
             (its channels' connection codes stop working)",
            path.display()
        )),
    })?;
    super::ops::ensure_tables(&db)?;
    Ok(db)
}

enum OpenFailure {
    Locked,
    Other(String),
}

/// Opens (or, for a new relay, creates) the file. redb can panic on some damaged files;
/// the panic is caught and turned into the same refusal as any other damage.
fn guarded_open(path: &Path, exists: bool) -> Result<Database, OpenFailure> {
    let attempt = || {
        let builder = {
            let mut b = Database::builder();
            b.set_cache_size(CACHE_BYTES);
            b
        };
        if exists {
            builder.open(path)
        } else {
            builder.create(path)
        }
    };
    let previous = std::panic::take_hook();
    // A damaged file must not print a backtrace that looks like a crash of the relay.
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(attempt));
    std::panic::set_hook(previous);
    match result {
        Ok(Ok(db)) => Ok(db),
        Ok(Err(redb::DatabaseError::DatabaseAlreadyOpen)) => Err(OpenFailure::Locked),
        Ok(Err(e)) => Err(OpenFailure::Other(e.to_string())),
        Err(panic) => {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "the file is damaged".into());
            Err(OpenFailure::Other(format!("the file is damaged: {what}")))
        }
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
}
