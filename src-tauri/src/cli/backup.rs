//! `hirewire backup FILE` and `hirewire restore FILE`: the passphrase (a hidden prompt on
//! a terminal, else the first line of stdin, or `--passphrase-file`) or the keys, then one
//! engine call and a line saying what the archive holds.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};

use super::Failure;
use crate::engine::backup::{self, BackupError, Lock, Summary, Target, Unlock};
use crate::engine::{time, Engine};

impl From<BackupError> for Failure {
    fn from(e: BackupError) -> Self {
        Failure::of(e.is_usage(), &e)
    }
}

/// The passphrase: from the file, a hidden prompt (twice when `confirm`), or stdin's
/// first line. Held in memory only.
fn passphrase(file: Option<&Path>, confirm: bool) -> Result<zeroize::Zeroizing<String>, Failure> {
    let text = if let Some(path) = file {
        let all = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            Failure::Usage(format!(
                "cannot read the passphrase file {}: {e}",
                path.display()
            ))
        })?);
        all.lines().next().unwrap_or_default().to_string()
    } else if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Passphrase: ")
            .map_err(|e| Failure::Other(e.to_string()))?;
        if confirm {
            let again = zeroize::Zeroizing::new(
                rpassword::prompt_password("Passphrase again: ")
                    .map_err(|e| Failure::Other(e.to_string()))?,
            );
            if *again != first {
                return Err(Failure::Usage("the two passphrases differ".into()));
            }
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| Failure::Usage(format!("cannot read the passphrase from stdin: {e}")))?;
        line
    };
    let text = zeroize::Zeroizing::new(text.trim_end_matches(['\r', '\n']).to_string());
    if text.is_empty() {
        return Err(Failure::Usage(
            "give the archive's passphrase on stdin (one line) or with --passphrase-file FILE"
                .into(),
        ));
    }
    Ok(text)
}

/// A file's size in the unit that reads best.
fn size(bytes: u64) -> String {
    match bytes {
        0..1_000 => format!("{bytes} bytes"),
        1_000..1_000_000 => format!("{:.1} kB", bytes as f64 / 1e3),
        _ => format!("{:.1} MB", bytes as f64 / 1e6),
    }
}

fn said(what: &str, s: &Summary) -> String {
    format!(
        "{what} {} ({}, Hirewire {}, taken {}): {}",
        s.file.display(),
        size(s.bytes),
        s.manifest.hirewire,
        time::rfc3339(s.manifest.created_at)
            .get(..19)
            .unwrap_or_default(),
        s.describe()
    )
}

/// `hirewire backup FILE [--recipient age1…]… [--passphrase-file FILE]`.
pub async fn backup(
    engine: &Engine,
    file: PathBuf,
    recipients: Vec<String>,
    passphrase_file: Option<PathBuf>,
) -> Result<(), Failure> {
    let lock = if recipients.is_empty() {
        Lock::passphrase(&passphrase(passphrase_file.as_deref(), true)?)?
    } else if passphrase_file.is_some() {
        return Err(Failure::Usage(
            "give either --recipient or a passphrase, not both".into(),
        ));
    } else {
        Lock::recipients(&recipients)?
    };
    let summary = backup::backup(engine, file, lock).await?;
    println!("{}", said("wrote", &summary));
    Ok(())
}

/// `hirewire restore FILE [--identity FILE] [--passphrase-file FILE]`: before any engine
/// is opened, so that the target profile is not created until the archive is read.
pub async fn restore(
    target: Target,
    file: PathBuf,
    identity: Option<PathBuf>,
    passphrase_file: Option<PathBuf>,
) -> Result<(), Failure> {
    let unlock = match identity {
        Some(path) => Unlock::identity_file(&path)?,
        None => Unlock::passphrase(&passphrase(passphrase_file.as_deref(), false)?),
    };
    let profile = target.profile.clone();
    let summary = backup::restore(target, file, unlock).await?;
    println!("{}", said("restored", &summary));
    println!("The profile {profile:?} is ready: stop the old engine for good (the relay serves one engine per channel), then start this one with `hirewire run`.");
    Ok(())
}
