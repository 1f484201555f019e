//! The archive file: an [age](https://age-encryption.org/v1) file, so that it can also be
//! opened with the `age` tool, sealed under a passphrase (age's scrypt recipient, work
//! factor [`WORK_FACTOR`]) or to recipients' X25519 public keys (`age1…`, as `age-keygen`
//! makes them). Everything in it is encrypted and authenticated in 64 KiB chunks, the last
//! one marked as last: a wrong key, a flipped byte or a cut file is refused.
//!
//! It is written to a temporary file beside the destination (mode 0600, holding only
//! ciphertext), synced and renamed over it: an interrupted backup leaves the previous
//! archive, never half of one.

use std::fs::{File, OpenOptions};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

use age::secrecy::SecretString;

use super::error::BackupError;

/// scrypt's work factor for a passphrase: N = 2^18 (r = 8, p = 1), 256 MiB of memory
/// and about half a second of one core per try.
pub const WORK_FACTOR: u8 = 18;
/// The largest work factor a restore accepts (2^20: 1 GiB), so that a hostile archive
/// cannot ask for hours and tens of GiB.
pub const MAX_WORK_FACTOR: u8 = 20;
/// The shortest passphrase a backup accepts.
pub const MIN_PASSPHRASE: usize = 12;

/// What seals an archive.
pub enum Lock {
    /// A passphrase.
    Passphrase(SecretString),
    /// Public keys: whoever holds one of the matching identities opens it.
    Recipients(Vec<age::x25519::Recipient>),
}

impl Lock {
    /// A passphrase of at least [`MIN_PASSPHRASE`] characters.
    pub fn passphrase(text: &str) -> Result<Lock, BackupError> {
        let text = text.trim_end_matches(['\r', '\n']);
        if text.chars().count() < MIN_PASSPHRASE {
            return Err(BackupError::Key(format!(
                "the passphrase is {} characters; use at least {MIN_PASSPHRASE} (a few words is easiest): it is all that protects the archive's secrets",
                text.chars().count()
            )));
        }
        Ok(Lock::Passphrase(SecretString::from(text.to_string())))
    }

    /// Recipients' public keys (`age1…`).
    pub fn recipients(keys: &[String]) -> Result<Lock, BackupError> {
        let parsed = keys
            .iter()
            .map(|k| {
                k.trim().parse::<age::x25519::Recipient>().map_err(|e| {
                    BackupError::Key(format!(
                        "{:?} is not an age public key ({e}); it looks like age1… (make a key pair with `age-keygen -o key.txt`)",
                        k.trim()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if parsed.is_empty() {
            return Err(BackupError::Key("give at least one --recipient".into()));
        }
        Ok(Lock::Recipients(parsed))
    }
}

/// What opens an archive.
pub enum Unlock {
    /// The passphrase it was sealed with.
    Passphrase(SecretString),
    /// The secret keys of its recipients.
    Identities(Vec<age::x25519::Identity>),
}

impl Unlock {
    /// A passphrase.
    pub fn passphrase(text: &str) -> Unlock {
        Unlock::Passphrase(SecretString::from(
            text.trim_end_matches(['\r', '\n']).to_string(),
        ))
    }

    /// The identities (`AGE-SECRET-KEY-1…`, one a line, `#` comments) in an identity
    /// file, as `age-keygen` writes it.
    pub fn identity_file(path: &Path) -> Result<Unlock, BackupError> {
        let text = zeroize::Zeroizing::new(std::fs::read_to_string(path).map_err(|e| {
            BackupError::Key(format!(
                "cannot read the identity file {}: {e}",
                path.display()
            ))
        })?);
        let ids = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'))
            .map(|l| {
                l.parse::<age::x25519::Identity>().map_err(|_| {
                    BackupError::Key(format!(
                        "{} holds a line that is not an age secret key (AGE-SECRET-KEY-1…)",
                        path.display()
                    ))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if ids.is_empty() {
            return Err(BackupError::Key(format!(
                "{} holds no age secret key (AGE-SECRET-KEY-1…)",
                path.display()
            )));
        }
        Ok(Unlock::Identities(ids))
    }
}

/// A temporary file beside the destination, removed unless [`Atomic::commit`] renames it.
struct Atomic {
    tmp: PathBuf,
    dest: PathBuf,
    done: bool,
}

impl Atomic {
    fn create(dest: &Path) -> Result<(Atomic, File), BackupError> {
        let name = dest
            .file_name()
            .ok_or_else(|| BackupError::Io(format!("{} is not a file name", dest.display())))?;
        let tmp = dest.with_file_name(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            std::process::id()
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = options
            .open(&tmp)
            .map_err(|e| BackupError::Io(format!("cannot write {}: {e}", tmp.display())))?;
        Ok((
            Atomic {
                tmp,
                dest: dest.to_path_buf(),
                done: false,
            },
            file,
        ))
    }

    fn commit(mut self, file: File) -> Result<(), BackupError> {
        let fail =
            |e: io::Error| BackupError::Io(format!("cannot write {}: {e}", self.dest.display()));
        file.sync_all().map_err(fail)?;
        drop(file);
        std::fs::rename(&self.tmp, &self.dest).map_err(fail)?;
        self.done = true;
        if let Some(dir) = self.dest.parent().filter(|d| !d.as_os_str().is_empty()) {
            if let Ok(d) = File::open(dir) {
                let _ = d.sync_all();
            }
        }
        Ok(())
    }
}

impl Drop for Atomic {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// Seals what `fill` writes into `dest`; returns the archive's size in bytes.
pub fn seal(
    dest: &Path,
    lock: &Lock,
    fill: impl FnOnce(&mut dyn Write) -> Result<(), BackupError>,
) -> Result<u64, BackupError> {
    let encryptor = match lock {
        Lock::Passphrase(p) => {
            let mut r = age::scrypt::Recipient::new(p.clone());
            r.set_work_factor(WORK_FACTOR);
            age::Encryptor::with_recipients(std::iter::once(&r as &dyn age::Recipient))
        }
        Lock::Recipients(rs) => {
            age::Encryptor::with_recipients(rs.iter().map(|r| r as &dyn age::Recipient))
        }
    }
    .map_err(|e| BackupError::Key(format!("the archive cannot be sealed: {e}")))?;
    let (atomic, file) = Atomic::create(dest)?;
    let write_err = |e: io::Error| BackupError::Io(format!("cannot write {}: {e}", dest.display()));
    let mut sealed = encryptor
        .wrap_output(BufWriter::with_capacity(256 * 1024, file))
        .map_err(write_err)?;
    fill(&mut sealed)?;
    let file = sealed
        .finish()
        .and_then(|mut w| {
            w.flush()?;
            w.into_inner().map_err(|e| e.into_error())
        })
        .map_err(write_err)?;
    let bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    atomic.commit(file)?;
    Ok(bytes)
}

/// The decrypted payload of `file`. A wrong key is refused here; a damaged chunk when
/// the reader reaches it.
pub fn open(file: &Path, unlock: &Unlock) -> Result<(impl Read, u64), BackupError> {
    let f = File::open(file)
        .map_err(|e| BackupError::Io(format!("cannot read {}: {e}", file.display())))?;
    let bytes = f.metadata().map(|m| m.len()).unwrap_or(0);
    let mut head = BufReader::new(f);
    let is_age = {
        use std::io::BufRead as _;
        head.fill_buf()
            .map(|b| b.starts_with(b"age-encryption.org/"))
            .unwrap_or(false)
    };
    if !is_age {
        return Err(BackupError::NotArchive(file.display().to_string()));
    }
    let decryptor = age::Decryptor::new(head).map_err(|e| header_error(file, e))?;
    let shown = file.display().to_string();
    let reader = match (unlock, decryptor.is_scrypt()) {
        (Unlock::Passphrase(p), true) => {
            let mut id = age::scrypt::Identity::new(p.clone());
            id.set_max_work_factor(MAX_WORK_FACTOR);
            decryptor
                .decrypt(std::iter::once(&id as &dyn age::Identity))
                .map_err(|e| match e {
                    age::DecryptError::ExcessiveWork { required, .. } => BackupError::Damaged {
                        file: shown.clone(),
                        why: format!("it asks for scrypt work 2^{required}, more than the 2^{MAX_WORK_FACTOR} a Hirewire backup uses"),
                    },
                    e @ (age::DecryptError::InvalidHeader | age::DecryptError::InvalidMac) => {
                        header_error(file, e)
                    }
                    _ => BackupError::WrongKey(format!(
                        "the passphrase does not open {shown}: check it and try again"
                    )),
                })?
        }
        (Unlock::Identities(ids), false) => decryptor
            .decrypt(ids.iter().map(|i| i as &dyn age::Identity))
            .map_err(|e| match e {
                e @ (age::DecryptError::InvalidHeader | age::DecryptError::InvalidMac) => {
                    header_error(file, e)
                }
                _ => BackupError::WrongKey(format!(
                    "none of the keys in the identity file opens {shown}: it was made for other recipients"
                )),
            })?,
        (Unlock::Passphrase(_), false) => {
            return Err(BackupError::Key(format!(
                "{shown} was sealed to a public key, not a passphrase: give the matching secret key with --identity FILE"
            )))
        }
        (Unlock::Identities(_), true) => {
            return Err(BackupError::Key(format!(
                "{shown} was sealed with a passphrase: give it on stdin or with --passphrase-file, not --identity"
            )))
        }
    };
    Ok((reader, bytes))
}

fn header_error(file: &Path, e: age::DecryptError) -> BackupError {
    match e {
        // age's own words suggest upgrading it, which is no help with a damaged file.
        age::DecryptError::UnknownFormat => {
            BackupError::damaged(file, "its header is not one an age archive has")
        }
        e => BackupError::damaged(file, format!("its header: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_passphrases_and_bad_keys_are_refused_with_the_way_out() {
        let err = Lock::passphrase("short\n").err().map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("at least 12"));
        let err = Lock::recipients(&["age1nope".into()])
            .err()
            .map(|e| e.to_string());
        assert!(err.unwrap_or_default().contains("age-keygen"));
        assert!(Lock::recipients(&[]).is_err());
    }

    #[test]
    fn an_interrupted_seal_leaves_the_previous_archive_and_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dest = dir.path().join("backup.age");
        std::fs::write(&dest, b"previous").unwrap_or_else(|e| panic!("{e}"));
        let lock = Lock::Recipients(vec![age::x25519::Identity::generate().to_public()]);
        let out = seal(&dest, &lock, |w| {
            w.write_all(b"half")
                .map_err(|e| BackupError::Io(e.to_string()))?;
            Err(BackupError::Io("the disk is full".into()))
        });
        assert!(out.is_err());
        assert_eq!(std::fs::read(&dest).ok().as_deref(), Some(&b"previous"[..]));
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn an_identity_file_as_age_keygen_writes_it_opens_the_archive() {
        use age::secrecy::ExposeSecret as _;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let id = age::x25519::Identity::generate();
        let file = dir.path().join("key.txt");
        let text = format!(
            "# created: 2026-12-07T00:00:00Z\n# public key: {}\n{}\n",
            id.to_public(),
            id.to_string().expose_secret()
        );
        std::fs::write(&file, text).unwrap_or_else(|e| panic!("{e}"));
        let dest = dir.path().join("backup.age");
        let lock =
            Lock::recipients(&[id.to_public().to_string()]).unwrap_or_else(|e| panic!("{e}"));
        seal(&dest, &lock, |w| {
            w.write_all(b"payload")
                .map_err(|e| BackupError::Io(e.to_string()))
        })
        .unwrap_or_else(|e| panic!("{e}"));
        let unlock = Unlock::identity_file(&file).unwrap_or_else(|e| panic!("{e}"));
        let (mut r, _) = open(&dest, &unlock).unwrap_or_else(|e| panic!("{e}"));
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, b"payload");

        std::fs::write(&file, "# only a comment\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            Unlock::identity_file(&file),
            Err(BackupError::Key(_))
        ));
        std::fs::write(&file, "AGE-SECRET-KEY-1NOPE\n").unwrap_or_else(|e| panic!("{e}"));
        assert!(matches!(
            Unlock::identity_file(&file),
            Err(BackupError::Key(_))
        ));
    }

    #[test]
    fn a_sealed_archive_opens_with_its_identity_only() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let dest = dir.path().join("backup.age");
        let id = age::x25519::Identity::generate();
        let lock = Lock::Recipients(vec![id.to_public()]);
        let n = seal(&dest, &lock, |w| {
            w.write_all(b"payload")
                .map_err(|e| BackupError::Io(e.to_string()))
        })
        .unwrap_or_else(|e| panic!("{e}"));
        assert!(n > 7);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dest).map(|m| m.permissions().mode() & 0o777);
            assert_eq!(mode.ok(), Some(0o600));
        }
        let (mut r, _) =
            open(&dest, &Unlock::Identities(vec![id])).unwrap_or_else(|e| panic!("{e}"));
        let mut got = Vec::new();
        r.read_to_end(&mut got).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(got, b"payload");
        let other = Unlock::Identities(vec![age::x25519::Identity::generate()]);
        assert!(matches!(open(&dest, &other), Err(BackupError::WrongKey(_))));
        let pass = Unlock::passphrase("a passphrase that is long");
        assert!(matches!(open(&dest, &pass), Err(BackupError::Key(_))));
    }
}
