//! Backup and restore of real redb files: every table and secret comes back, a profile
//! that holds anything is refused, and a refused restore leaves nothing behind.

use std::path::{Path, PathBuf};

use super::{archive, restore, write, BackupError, Lock, Target, Unlock};
use crate::secrets::{Secrets, BOB_TOKEN, RELAY_SECRET};
use crate::store::dump::{all_rows, fill_every_table};
use crate::store::Store;
use crate::Engine;

/// A profile with rows in every table and two secrets (in memory), and a key pair.
struct Source {
    _tmp: tempfile::TempDir,
    data: PathBuf,
    engine: Engine,
    id: age::x25519::Identity,
    archive: PathBuf,
    key: PathBuf,
}

fn source() -> Source {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = tmp.path().join("data");
    // Filled, closed, and opened again as the engine would (its upgrades run at open).
    let store = Store::open(&data.join("from")).unwrap_or_else(|e| panic!("{e}"));
    fill_every_table(&store, 3).unwrap_or_else(|e| panic!("{e}"));
    drop(store);
    let engine = Engine::open_with(Some(&data), "from", Secrets::in_memory("from"))
        .unwrap_or_else(|e| panic!("{e}"));
    engine
        .secrets
        .set(BOB_TOKEN, "bob token value")
        .unwrap_or_else(|e| panic!("{e}"));
    engine
        .secrets
        .set(RELAY_SECRET, "relay secret value")
        .unwrap_or_else(|e| panic!("{e}"));
    let key = tmp.path().join("secrets.key");
    std::fs::write(&key, [9u8; 32]).unwrap_or_else(|e| panic!("{e}"));
    Source {
        archive: tmp.path().join("backup.age"),
        data,
        engine,
        id: age::x25519::Identity::generate(),
        key,
        _tmp: tmp,
    }
}

impl Source {
    fn backup(&self) {
        let lock = Lock::Recipients(vec![self.id.to_public()]);
        write::backup(&self.engine, &self.archive, &lock).unwrap_or_else(|e| panic!("{e}"));
    }

    fn target(&self, profile: &str) -> Target {
        Target {
            data: Some(self.data.clone()),
            profile: profile.into(),
            key_file: Some(self.key.clone()),
        }
    }

    fn restore(&self, profile: &str, file: &Path) -> Result<super::Summary, BackupError> {
        let unlock = Unlock::Identities(vec![self.id.clone()]);
        restore::restore(&self.target(profile), file, &unlock)
    }
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn every_table_and_every_secret_come_back_in_a_profile_on_the_secrets_file() {
    let s = source();
    s.backup();
    let summary = s
        .restore("to", &s.archive)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(summary.manifest.secrets.len(), 2);
    assert!(
        summary.describe().contains("3 history entries"),
        "{}",
        summary.describe()
    );

    let before = all_rows(&s.engine.store).unwrap_or_else(|e| panic!("{e}"));
    let tables: std::collections::BTreeSet<&str> =
        before.iter().map(|(t, _, _)| t.as_str()).collect();
    assert_eq!(
        tables.len(),
        crate::store::dump::table_names().len(),
        "the source has rows in every table"
    );
    let restored = Store::open(&s.data.join("to")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        all_rows(&restored).unwrap_or_else(|e| panic!("{e}")),
        before,
        "every row of every table is back, byte for byte"
    );
    let secrets = Secrets::for_profile("to", &s.data.join("to"), Some(&s.key));
    assert_eq!(
        secrets
            .get(BOB_TOKEN)
            .ok()
            .flatten()
            .map(|v| v.expose().to_string()),
        Some("bob token value".into())
    );
    assert!(s.data.join("to").join(crate::secrets::file::FILE).is_file());
    assert_eq!(
        names(&s.data),
        ["from", "to"],
        "no staging folder is left beside the profiles"
    );
}

#[test]
fn a_profile_with_data_or_a_secrets_file_is_refused_and_left_alone() {
    let s = source();
    s.backup();
    // A profile with history, settings and links.
    let full = Store::open(&s.data.join("full")).unwrap_or_else(|e| panic!("{e}"));
    fill_every_table(&full, 1).unwrap_or_else(|e| panic!("{e}"));
    drop(full);
    // Opened again, as any command would (its upgrades at open are done once).
    let full = Store::open(&s.data.join("full")).unwrap_or_else(|e| panic!("{e}"));
    let rows = all_rows(&full).unwrap_or_else(|e| panic!("{e}"));
    drop(full);
    let err = s.restore("full", &s.archive).err().map(|e| e.to_string());
    assert!(
        err.as_deref()
            .unwrap_or_default()
            .contains("already holds settings or history"),
        "{err:?}"
    );
    let full = Store::open(&s.data.join("full")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        all_rows(&full).unwrap_or_else(|e| panic!("{e}")),
        rows,
        "left alone"
    );
    drop(full);
    // A profile that was only opened is empty: the restore goes into it.
    drop(Store::open(&s.data.join("opened")).unwrap_or_else(|e| panic!("{e}")));
    s.restore("opened", &s.archive)
        .unwrap_or_else(|e| panic!("{e}"));
    // A profile with a secrets file is not.
    let target = s.target("keyed");
    Secrets::for_profile("keyed", &s.data.join("keyed"), Some(&s.key))
        .set(BOB_TOKEN, "its own")
        .unwrap_or_else(|e| panic!("{e}"));
    let err = restore::restore(&target, &s.archive, &Unlock::Identities(vec![s.id.clone()]))
        .err()
        .map(|e| e.to_string());
    assert!(
        err.as_deref()
            .unwrap_or_default()
            .contains("a secrets file"),
        "{err:?}"
    );
    assert_eq!(
        names(&s.data.join("keyed")),
        ["secrets.enc", "secrets.lock"]
    );
}

#[test]
fn a_damaged_archive_is_refused_and_leaves_no_trace() {
    let s = source();
    s.backup();
    let good = std::fs::read(&s.archive).unwrap_or_default();
    let damaged = s.archive.with_extension("damaged");
    for (what, bytes) in [
        ("cut in half", good[..good.len() / 2].to_vec()),
        ("without its last byte", good[..good.len() - 1].to_vec()),
        ("with a byte flipped", {
            let mut b = good.clone();
            let at = b.len() - 30;
            b[at] ^= 0x80;
            b
        }),
    ] {
        std::fs::write(&damaged, &bytes).unwrap_or_else(|e| panic!("{e}"));
        let err = s.restore("to", &damaged).err();
        assert!(
            matches!(err, Some(BackupError::Damaged { .. })),
            "{what}: {err:?}"
        );
        assert_eq!(names(&s.data), ["from"], "{what}: nothing is left behind");
    }
    let other = Unlock::Identities(vec![age::x25519::Identity::generate()]);
    let err = restore::restore(&s.target("to"), &s.archive, &other).err();
    assert!(matches!(err, Some(BackupError::WrongKey(_))), "{err:?}");
    assert_eq!(names(&s.data), ["from"]);
}

#[test]
fn an_archive_of_a_newer_format_is_refused_before_anything_is_written() {
    let s = source();
    let lock = Lock::Recipients(vec![s.id.to_public()]);
    archive::seal(&s.archive, &lock, |w| {
        let mut w = w;
        let m = super::manifest::Manifest {
            format: super::manifest::FORMAT + 1,
            hirewire: "9.9.9".into(),
            created_at: 0,
            profile: "x".into(),
            tables: Vec::new(),
            secrets: Vec::new(),
        };
        super::manifest::write(&mut w, &m).map_err(|e| BackupError::Io(e.to_string()))
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let err = s.restore("to", &s.archive).err().map(|e| e.to_string());
    let err = err.unwrap_or_default();
    assert!(
        err.contains("9.9.9") && err.contains("nothing was changed"),
        "{err}"
    );
    assert_eq!(names(&s.data), ["from"]);
}
