//! The secrets file against the ways it can be broken: a wrong key, any byte flipped, a
//! newer format, garbage; none may panic, none may change the file.

use proptest::prelude::*;

use super::*;

fn key(byte: u8) -> SecretsKey {
    SecretsKey::derive(&[byte; 32]).unwrap_or_else(|e| panic!("{e}"))
}

fn file_with(dir: &Path, secrets: &[(&str, &str)]) -> SecretsFile {
    let f = SecretsFile::new(dir, key(1));
    for (n, v) in secrets {
        f.set(n, v).unwrap_or_else(|e| panic!("{e}"));
    }
    f
}

#[test]
fn values_round_trip_and_nothing_readable_is_written() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let f = file_with(
        tmp.path(),
        &[
            ("lever-api-key", "lever-SECRET-1"),
            ("bob-token", "bob-SECRET-2"),
        ],
    );
    assert_eq!(
        f.get("lever-api-key").ok().flatten().as_deref(),
        Some("lever-SECRET-1")
    );
    f.delete("lever-api-key").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(f.get("lever-api-key").ok().flatten(), None);
    assert_eq!(
        f.get("bob-token").ok().flatten().as_deref(),
        Some("bob-SECRET-2")
    );
    for entry in std::fs::read_dir(tmp.path())
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let bytes = std::fs::read(entry.path()).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("SECRET"),
            "{} holds a value",
            entry.path().display()
        );
        assert!(
            !entry.file_name().to_string_lossy().ends_with(".tmp"),
            "a temporary file is left"
        );
    }
}

#[test]
fn a_wrong_key_is_refused_by_name_and_changes_nothing() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    file_with(tmp.path(), &[("bob-token", "v")]);
    let before = std::fs::read(tmp.path().join(FILE)).unwrap_or_default();
    let other = SecretsFile::new(tmp.path(), key(2));
    assert!(matches!(
        other.get("bob-token"),
        Err(SecretError::WrongKey(_))
    ));
    assert!(matches!(
        other.set("bob-token", "x"),
        Err(SecretError::WrongKey(_))
    ));
    assert!(matches!(
        other.delete("bob-token"),
        Err(SecretError::WrongKey(_))
    ));
    assert_eq!(
        std::fs::read(tmp.path().join(FILE)).unwrap_or_default(),
        before
    );
}

#[test]
fn every_flipped_byte_is_refused_never_read_as_other_secrets() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let f = file_with(tmp.path(), &[("bob-token", "v")]);
    let good = std::fs::read(tmp.path().join(FILE)).unwrap_or_default();
    for i in 0..good.len() {
        let mut bad = good.clone();
        bad[i] ^= 0x01;
        match f.open(&bad) {
            // A flip in the JSON's layout (a space, say) may leave the same sealed values.
            Ok(map) => assert_eq!(
                map.get("bob-token").map(String::as_str),
                Some("v"),
                "byte {i}"
            ),
            Err(SecretError::File(_) | SecretError::WrongKey(_)) => {}
            Err(other) => panic!("byte {i}: {other}"),
        }
    }
}

#[test]
fn a_file_from_a_newer_version_is_refused_with_what_to_do() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let f = file_with(tmp.path(), &[("bob-token", "v")]);
    let text = std::fs::read_to_string(tmp.path().join(FILE)).unwrap_or_default();
    let newer = text.replace("\"version\": 1", "\"version\": 2");
    let err = f
        .open(newer.as_bytes())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("newer Hirewire"), "{err}");
}

proptest! {
    #[test]
    fn any_bytes_open_or_are_refused_without_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = SecretsFile::new(tmp.path(), key(1));
        let _ = f.open(&bytes);
    }

    #[test]
    fn any_json_shaped_file_opens_or_is_refused(
        version in any::<u32>(), id in ".{0,20}", nonce in ".{0,40}", ct in ".{0,80}",
    ) {
        let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let f = SecretsFile::new(tmp.path(), key(1));
        let doc = serde_json::json!({"format": FORMAT, "version": version, "key_id": id, "nonce": nonce, "ciphertext": ct});
        prop_assert!(f.open(doc.to_string().as_bytes()).is_err());
    }
}
