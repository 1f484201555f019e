//! A lock file beside the profile's database, held while a process does what only one may
//! do at a time (run the engine, catch up with Lever); the system drops it when the
//! process ends, however it ends.

use std::fs::File;
use std::path::Path;

/// Takes the lock file `path` (creating it): `Ok(None)` when another process holds it;
/// an error (the path and the reason) when it cannot be opened.
pub fn try_lock(path: &Path) -> Result<Option<File>, String> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(file.try_lock().is_ok().then_some(file))
}
