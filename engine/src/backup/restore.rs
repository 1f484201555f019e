//! `hirewire restore`: an archive into an empty profile, all or nothing.
//!
//! The target is checked first (empty, and its secrets store usable), then the archive is
//! opened (a wrong key or a newer format is refused here) and read into a new database in
//! a staging folder beside the profile's, every count checked against the manifest and
//! the archive's end reached (a cut or damaged archive is refused there). Only then are
//! the secrets written — into the staging folder's secrets file when a secrets key is
//! given, else into the keychain — and the staging folder renamed into place. A failure
//! at any step removes the staging folder and any secret already written: the profile is
//! as it was.
//!
//! Everything the engine needs to go on where the old one stopped is in the tables:
//! the relay cursor of each channel and the recent relay events (a resent event is
//! dropped), the dedupe keys (a redelivered webhook makes no entry), the idempotency
//! links (a replayed hire finds its employee), the inbox and unfinished jobs.

use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::secrets::{every_name, Secrets};
use crate::store::dump::{table_names, Loader};
use crate::store::{Store, DB_FILE};

use super::archive::{self, Unlock};
use super::error::{BackupError, Summary};
use super::frames::{self, Frame, FrameError};
use super::manifest::{self, Manifest};

/// The profile a restore writes into.
#[derive(Debug, Clone)]
pub struct Target {
    /// `--data`, if given.
    pub data: Option<PathBuf>,
    /// The profile's name.
    pub profile: String,
    /// `--secrets-key-file`, if given (else the environment's, else the keychain).
    pub key_file: Option<PathBuf>,
}

impl Target {
    fn dir(&self) -> PathBuf {
        crate::profile_dir(self.data.as_deref(), &self.profile)
    }

    fn secrets(&self, dir: &Path) -> Secrets {
        Secrets::for_profile(&self.profile, dir, self.key_file.as_deref())
    }
}

/// Restores `file` into `target`.
pub fn restore(target: &Target, file: &Path, unlock: &Unlock) -> Result<Summary, BackupError> {
    let dir = target.dir();
    check_empty(target, &dir)?;
    let (mut payload, bytes) = archive::open(file, unlock)?;
    let manifest = manifest::read(&mut payload).map_err(|e| BackupError::manifest(file, e))?;
    if let Some(t) = manifest
        .tables
        .iter()
        .find(|t| !table_names().contains(&t.name))
    {
        return Err(BackupError::Newer {
            file: file.display().to_string(),
            why: format!(
                "it holds the table {:?}, which this Hirewire does not know: it was written by Hirewire {}",
                t.name, manifest.hirewire
            ),
        });
    }
    let staging = Staging::create(&dir)?;
    let secrets = load(file, &manifest, &mut payload, staging.path())?;
    // The standard open: missing tables are created and older records moved on.
    drop(Store::open(staging.path())?);
    let store = target.secrets(staging.path());
    let mut written = Written {
        store: &store,
        names: Vec::new(),
    };
    for (name, value) in &secrets {
        store.set(name, value)?;
        written.names.push(name.clone());
    }
    staging.place(&dir)?;
    written.names.clear();
    Ok(Summary {
        file: file.to_path_buf(),
        bytes,
        manifest,
    })
}

/// Refuses a profile that holds anything; says whether its secrets store can be used.
fn check_empty(target: &Target, dir: &Path) -> Result<(), BackupError> {
    let mut held = Vec::new();
    if dir.join(crate::secrets::file::FILE).exists() {
        held.push("a secrets file".to_string());
    }
    if dir.join(DB_FILE).exists() && Store::open(dir)?.holds_data()? {
        held.push("settings or history".to_string());
    }
    match crate::secrets::key::find(target.key_file.as_deref()) {
        // The secrets will go to a file in the profile's folder: the key must be usable
        // (the file's absence was checked above; asking the store would create the folder).
        Some(path) => drop(crate::secrets::key::load(&path)?),
        None if held.is_empty() => {
            let secrets = target.secrets(dir);
            let set = secrets.list()?.iter().filter(|(_, set)| *set).count();
            if set > 0 {
                held.push(format!(
                    "{set} secret(s) in {}",
                    secrets.place().unwrap_or_default()
                ));
            }
        }
        None => {}
    }
    if held.is_empty() {
        return Ok(());
    }
    Err(BackupError::NotEmpty {
        profile: target.profile.clone(),
        dir: dir.display().to_string(),
        what: held.join(" and "),
    })
}

/// Reads every frame into a new database in `staging`; returns the secrets.
fn load(
    file: &Path,
    manifest: &Manifest,
    payload: &mut impl Read,
    staging: &Path,
) -> Result<Vec<(String, Zeroizing<String>)>, BackupError> {
    let damaged = |why: String| BackupError::damaged(file, why);
    let frame_err = |e: FrameError| BackupError::damaged(file, e);
    let mut loader = Loader::create(staging)?;
    let mut tables = Vec::new();
    let mut current: Option<(String, u64, u64)> = None;
    let mut secrets = Vec::new();
    let close = |current: &mut Option<(String, u64, u64)>| table_complete(file, current);
    loop {
        match frames::read(payload).map_err(frame_err)? {
            Frame::Table { name, rows } => {
                close(&mut current)?;
                if manifest.rows(&name) != rows || tables.contains(&name) {
                    return Err(damaged(format!("the table {name} is out of place")));
                }
                loader.table(&name).map_err(|e| damaged(e.to_string()))?;
                tables.push(name.clone());
                current = Some((name, rows, 0));
            }
            Frame::Row { key, value } => {
                let Some((_, _, got)) = current.as_mut() else {
                    return Err(damaged("a row comes before its table".into()));
                };
                *got += 1;
                loader.row(&key, &value).map_err(|e| match e {
                    e @ crate::store::StoreError::Corrupt(_) => damaged(e.to_string()),
                    e => BackupError::Store(e),
                })?;
            }
            Frame::Secret { name, value } => {
                close(&mut current)?;
                if !every_name().any(|n| n == name) || !manifest.secrets.contains(&name) {
                    return Err(damaged(format!("an unexpected secret {name:?}")));
                }
                secrets.push((name, value));
            }
            Frame::End => {
                close(&mut current)?;
                break;
            }
        }
    }
    frames::expect_end(payload).map_err(frame_err)?;
    if tables.len() != manifest.tables.len() || secrets.len() != manifest.secrets.len() {
        return Err(damaged(
            "parts listed in its table of contents are missing".into(),
        ));
    }
    loader.finish()?;
    Ok(secrets)
}

/// Ends the table being read (name, rows its frame announced, rows read): it must hold
/// the rows it announced.
fn table_complete(
    file: &Path,
    current: &mut Option<(String, u64, u64)>,
) -> Result<(), BackupError> {
    match current.take() {
        Some((name, want, got)) if want != got => Err(BackupError::damaged(
            file,
            format!("the table {name} holds {got} rows, not the {want} it should"),
        )),
        _ => Ok(()),
    }
}

/// Secrets written so far, deleted again unless the restore finishes.
struct Written<'a> {
    store: &'a Secrets,
    names: Vec<String>,
}

impl Drop for Written<'_> {
    fn drop(&mut self) {
        for name in &self.names {
            let _ = self.store.delete(name);
        }
    }
}

/// A folder beside the profile's, removed unless [`Staging::place`] moves it into place.
struct Staging {
    path: PathBuf,
    /// The data folder, when this restore created it (removed again when left empty).
    made_base: Option<PathBuf>,
    placed: bool,
}

impl Staging {
    fn create(dir: &Path) -> Result<Staging, BackupError> {
        let io = |e: std::io::Error, p: &Path| {
            BackupError::Io(format!("cannot create {}: {e}", p.display()))
        };
        let base = dir
            .parent()
            .ok_or_else(|| BackupError::Io(format!("{} has no parent folder", dir.display())))?;
        let made_base = (!base.exists()).then(|| base.to_path_buf());
        std::fs::create_dir_all(base).map_err(|e| io(e, base))?;
        let name = dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let path = base.join(format!(".{name}.restoring-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        let mut builder = std::fs::DirBuilder::new();
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(&path).map_err(|e| io(e, &path))?;
        Ok(Staging {
            path,
            made_base,
            placed: false,
        })
    }

    fn path(&self) -> &Path {
        &self.path
    }

    /// Renames the staging folder to `dir`. An existing `dir` (checked empty) is moved
    /// aside first and removed after.
    fn place(mut self, dir: &Path) -> Result<(), BackupError> {
        let io = |e: std::io::Error| {
            BackupError::Io(format!(
                "cannot move the restored profile to {}: {e}",
                dir.display()
            ))
        };
        if dir.exists() {
            let aside = self.path.with_extension("emptied");
            std::fs::rename(dir, &aside).map_err(io)?;
            if let Err(e) = std::fs::rename(&self.path, dir) {
                let _ = std::fs::rename(&aside, dir);
                return Err(io(e));
            }
            let _ = std::fs::remove_dir_all(&aside);
        } else {
            std::fs::rename(&self.path, dir).map_err(io)?;
        }
        self.placed = true;
        if let Some(parent) = dir.parent() {
            if let Ok(d) = std::fs::File::open(parent) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.placed {
            return;
        }
        let _ = std::fs::remove_dir_all(&self.path);
        if let Some(base) = &self.made_base {
            let _ = std::fs::remove_dir(base);
        }
    }
}
