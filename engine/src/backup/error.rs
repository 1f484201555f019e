//! What a backup or a restore did, and why one could not: each error says what to do,
//! and every refusal of a restore says that nothing was changed.

use std::path::{Path, PathBuf};

use crate::secrets::SecretError;
use crate::store::StoreError;

use super::manifest::{Manifest, ManifestError};

/// Why a backup or a restore failed.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The target profile holds something already.
    #[error("the profile {profile:?} ({dir}) already holds {what}: a restore goes into an empty profile only, so nothing was changed; restore into a new one with --profile NAME or --data DIR")]
    NotEmpty {
        /// The profile's name.
        profile: String,
        /// Its folder.
        dir: String,
        /// What it holds.
        what: String,
    },
    /// The passphrase or the identity does not open the archive.
    #[error("{0} (nothing was changed)")]
    WrongKey(String),
    /// The archive is damaged or cut short.
    #[error("{file} is damaged or cut short ({why}): nothing was changed; restore from another copy of the backup")]
    Damaged {
        /// The archive.
        file: String,
        /// What is wrong.
        why: String,
    },
    /// Not an archive of Hirewire's.
    #[error("{0} is not a Hirewire backup (nothing was changed)")]
    NotArchive(String),
    /// Written by a newer Hirewire.
    #[error("{file}: {why}; restore it with that version of Hirewire or a later one (nothing was changed)")]
    Newer {
        /// The archive.
        file: String,
        /// Which version wrote it.
        why: String,
    },
    /// The passphrase, a recipient or an identity cannot be used.
    #[error("{0}")]
    Key(String),
    /// The archive cannot be read or written.
    #[error("{0}")]
    Io(String),
    /// The secrets cannot be read or written.
    #[error("{0}")]
    Secrets(SecretError),
    /// The database failed.
    #[error("{0}")]
    Store(StoreError),
}

impl BackupError {
    /// Whether the person gave something wrong (a passphrase, a file, a profile) rather
    /// than the machine failing.
    pub fn is_usage(&self) -> bool {
        match self {
            BackupError::NotEmpty { .. }
            | BackupError::WrongKey(_)
            | BackupError::Damaged { .. }
            | BackupError::NotArchive(_)
            | BackupError::Newer { .. }
            | BackupError::Key(_) => true,
            BackupError::Secrets(e) => e.is_usage(),
            BackupError::Io(_) | BackupError::Store(_) => false,
        }
    }

    /// The archive `file` is damaged: `why`.
    pub(super) fn damaged(file: &Path, why: impl std::fmt::Display) -> BackupError {
        BackupError::Damaged {
            file: file.display().to_string(),
            // A library's reason may span lines; a refusal is one line.
            why: why
                .to_string()
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" "),
        }
    }

    /// The manifest of `file` could not be read.
    pub(super) fn manifest(file: &Path, e: ManifestError) -> BackupError {
        match e {
            ManifestError::NotArchive => BackupError::NotArchive(file.display().to_string()),
            e @ ManifestError::Newer { .. } => BackupError::Newer {
                file: file.display().to_string(),
                why: e.to_string(),
            },
            e => BackupError::damaged(file, e),
        }
    }
}

impl From<StoreError> for BackupError {
    fn from(e: StoreError) -> Self {
        BackupError::Store(e)
    }
}

impl From<SecretError> for BackupError {
    fn from(e: SecretError) -> Self {
        BackupError::Secrets(e)
    }
}

/// What an archive holds, said after a backup or a restore.
#[derive(Debug, Clone)]
pub struct Summary {
    /// The archive.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its manifest.
    pub manifest: Manifest,
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", thousands(n), if n == 1 { one } else { many })
}

impl Summary {
    /// "1,234 history entries, 12 jobs, 0 events in the inbox, 40 links, 5 secrets".
    pub fn describe(&self) -> String {
        use crate::store::{ENTRIES, INBOX, JOBS, LINKS};
        use redb::TableHandle as _;
        let m = &self.manifest;
        [
            count(m.rows(ENTRIES.name()), "history entry", "history entries"),
            count(m.rows(JOBS.name()), "job", "jobs"),
            count(
                m.rows(INBOX.name()),
                "event in the inbox",
                "events in the inbox",
            ),
            count(m.rows(LINKS.name()), "link", "links"),
            count(m.secrets.len() as u64, "secret", "secrets"),
        ]
        .join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_damaged_archive_is_refused_in_one_line_whatever_the_reason_holds() {
        let e = BackupError::damaged(
            Path::new("/tmp/b.age"),
            "its header: Unknown age format.\nHave you tried upgrading?",
        );
        let text = e.to_string();
        assert_eq!(text.lines().count(), 1, "{text}");
        assert!(
            text.contains("Unknown age format. Have you tried"),
            "{text}"
        );
    }

    #[test]
    fn numbers_have_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
