//! The settings are parsed once per change, and a change — committed or rolled back — is
//! never hidden by the cache.

use crate::settings::Settings;
use crate::store::{Store, StoreError};

fn open() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let store = Store::open(dir.path()).unwrap_or_else(|e| panic!("{e}"));
    (dir, store)
}

fn with_poll(minutes: u64) -> Settings {
    let mut s = Settings::default();
    s.assessment.poll_minutes = minutes;
    s
}

fn poll(store: &Store) -> u64 {
    store
        .read(|rx| rx.settings())
        .unwrap_or_else(|e| panic!("{e}"))
        .assessment
        .poll_minutes
}

#[test]
fn many_reads_of_unchanged_settings_parse_them_once() {
    let (_dir, store) = open();
    store
        .write(|tx| tx.put_settings(&with_poll(7)))
        .unwrap_or_else(|e| panic!("{e}"));
    let before = store.settings_parses();
    for _ in 0..500 {
        assert_eq!(poll(&store), 7);
    }
    assert_eq!(store.settings_parses() - before, 1);
}

#[test]
fn a_committed_change_is_read_at_once_by_every_clone_of_the_handle() {
    let (_dir, store) = open();
    let other = store.clone();
    store
        .write(|tx| tx.put_settings(&with_poll(7)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(poll(&other), 7);
    other
        .write(|tx| tx.put_settings(&with_poll(9)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(poll(&store), 9);
    assert_eq!(poll(&other), 9);
}

#[test]
fn a_change_rolled_back_never_reaches_a_reader() {
    let (_dir, store) = open();
    store
        .write(|tx| tx.put_settings(&with_poll(7)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(poll(&store), 7);
    let refused: Result<(), StoreError> = store.write(|tx| {
        tx.put_settings(&with_poll(99))?;
        // The writer sees its own change before deciding to give up.
        assert_eq!(tx.settings()?.assessment.poll_minutes, 99);
        Err(StoreError::Corrupt("given up".into()))
    });
    assert!(refused.is_err());
    assert_eq!(poll(&store), 7);
    store
        .write(|tx| tx.put_settings(&with_poll(8)))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(poll(&store), 8);
}

#[test]
fn a_snapshot_taken_before_a_change_keeps_its_own_settings() {
    let (_dir, store) = open();
    store
        .write(|tx| tx.put_settings(&with_poll(7)))
        .unwrap_or_else(|e| panic!("{e}"));
    store
        .read(|rx| {
            assert_eq!(rx.settings()?.assessment.poll_minutes, 7);
            store.write(|tx| tx.put_settings(&with_poll(8)))?;
            // This snapshot predates the write: it must not be handed the newer value.
            assert_eq!(rx.settings()?.assessment.poll_minutes, 7);
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(poll(&store), 8);
}
