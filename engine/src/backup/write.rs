//! `hirewire backup`: the whole profile into one sealed archive. The secrets are read
//! first, from wherever the profile keeps them (keychain or secrets file); then every
//! table from one snapshot of the database, so an engine running beside it loses nothing
//! and the archive is what the profile held at one commit.

use std::io::Write;
use std::path::Path;

use zeroize::Zeroizing;

use crate::secrets::every_name;
use crate::store::dump::Dumped;
use crate::Engine;

use super::archive::{self, Lock};
use super::error::{BackupError, Summary};
use super::frames;
use super::manifest::{self, Manifest, TableRows, FORMAT};

/// Writes the archive of `engine`'s profile to `dest`.
pub fn backup(engine: &Engine, dest: &Path, lock: &Lock) -> Result<Summary, BackupError> {
    let mut secrets: Vec<(&str, Zeroizing<String>)> = Vec::new();
    for name in every_name() {
        if let Some(value) = engine.secrets.get(name)? {
            secrets.push((name, Zeroizing::new(value.expose().to_string())));
        }
    }
    let mut written: Option<Manifest> = None;
    let io = |e: std::io::Error| BackupError::Io(format!("cannot write {}: {e}", dest.display()));
    let bytes = archive::seal(dest, lock, |w: &mut dyn Write| {
        let mut w = w;
        engine.store.dump(|d| -> Result<(), BackupError> {
            match d {
                Dumped::Tables(tables) => {
                    let m = Manifest {
                        format: FORMAT,
                        hirewire: env!("CARGO_PKG_VERSION").to_string(),
                        created_at: crate::time::now_ms(),
                        profile: engine.profile.clone(),
                        tables: tables
                            .iter()
                            .map(|(name, rows)| TableRows {
                                name: name.clone(),
                                rows: *rows,
                            })
                            .collect(),
                        secrets: secrets.iter().map(|(n, _)| n.to_string()).collect(),
                    };
                    manifest::write(&mut w, &m).map_err(io)?;
                    written = Some(m);
                }
                Dumped::Table(name, rows) => frames::write_table(&mut w, name, rows).map_err(io)?,
                Dumped::Row(key, value) => frames::write_row(&mut w, key, value).map_err(io)?,
            }
            Ok(())
        })?;
        for (name, value) in &secrets {
            frames::write_secret(&mut w, name, value).map_err(io)?;
        }
        frames::write_end(&mut w).map_err(io)
    })?;
    let manifest = written.ok_or_else(|| BackupError::Io("the database listed no table".into()))?;
    Ok(Summary {
        file: dest.to_path_buf(),
        bytes,
        manifest,
    })
}
