//! Moving an engine: `hirewire backup FILE` writes the whole profile — settings and
//! mappings, history, jobs, the inbox, relay cursors, dedupe keys, idempotency links,
//! every other table, and the secrets — into one encrypted archive; `hirewire restore
//! FILE` brings it into an empty profile, all or nothing, so that the restored engine
//! goes on where the old one stopped.
//!
//! The archive ([`archive`]) is an age file under a passphrase or to public keys. Its
//! payload is a versioned manifest ([`manifest`]) and then frames ([`frames`]): the rows
//! of every table (`store::dump` names them all, so a table added later is carried too)
//! and the secrets, read through the profile's secrets store (keychain or secrets file)
//! and written into the target's.

pub mod archive;
pub mod error;
pub mod frames;
pub mod manifest;
pub mod restore;
pub mod write;

use std::path::PathBuf;

pub use archive::{Lock, Unlock};
pub use error::{BackupError, Summary};
pub use restore::Target;

use crate::Engine;

/// Writes the archive of `engine`'s profile to `dest` (off the async runtime: the
/// keychain and the disk block).
pub async fn backup(engine: &Engine, dest: PathBuf, lock: Lock) -> Result<Summary, BackupError> {
    let engine = engine.clone();
    tokio::task::spawn_blocking(move || write::backup(&engine, &dest, &lock))
        .await
        .map_err(|e| BackupError::Io(format!("the backup stopped: {e}")))?
}

/// Restores the archive `file` into the empty profile `target`.
pub async fn restore(
    target: Target,
    file: PathBuf,
    unlock: Unlock,
) -> Result<Summary, BackupError> {
    tokio::task::spawn_blocking(move || restore::restore(&target, &file, &unlock))
        .await
        .map_err(|e| BackupError::Io(format!("the restore stopped: {e}")))?
}

#[cfg(test)]
mod tests;
