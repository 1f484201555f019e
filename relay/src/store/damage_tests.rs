//! A damaged relay database never panics: a populated file is damaged at many offsets
//! (each 4 KiB page zeroed in turn, bytes flipped, the file cut short), and each copy is
//! either refused with advice or opens with every channel and queued event intact.

use std::path::Path;

use super::open::open;
use super::records::StoredEvent;
use super::{ops, DB_FILE};

const PAGE: usize = 4096;
const EVENTS: u64 = 240;

fn event(i: u64) -> StoredEvent {
    StoredEvent {
        endpoint: "candidate-hired".into(),
        method: "POST".into(),
        content_type: Some("application/json".into()),
        remote: "127.0.0.1".into(),
        received_ms: 1_700_000_000_000 + i,
        // Bodies of about a kilobyte: the events span many pages, as a busy channel's do.
        body: format!("{{\"n\":{i},\"pad\":\"{}\"}}", "x".repeat(900)),
    }
}

/// A relay file with two channels and their queued events, closed cleanly; returns what
/// it holds (channel id → seqs and bodies).
fn populate(dir: &Path) -> Vec<(String, Vec<(u64, String)>)> {
    let db = open(dir).unwrap_or_else(|e| panic!("{e}"));
    let mut held = Vec::new();
    for name in ["alpha", "beta"] {
        let txn = db.begin_write().unwrap_or_else(|e| panic!("{e}"));
        let issued = ops::add_channel(&txn, name).unwrap_or_else(|e| panic!("{e}"));
        let mut record = issued.record.clone();
        let events: Vec<StoredEvent> = (0..EVENTS).map(event).collect();
        let refs: Vec<&StoredEvent> = events.iter().collect();
        let seqs = ops::append_events(&txn, &issued.id, &mut record, &refs)
            .unwrap_or_else(|e| panic!("{e}"));
        ops::put_channel(&txn, &issued.id, &record).unwrap_or_else(|e| panic!("{e}"));
        txn.commit().unwrap_or_else(|e| panic!("{e}"));
        let bodies = seqs.into_iter().zip(events.into_iter().map(|e| e.body));
        held.push((issued.id, bodies.collect()));
    }
    held
}

/// What a damaged copy did: refused (with the message), or opened with everything intact.
fn judge(dir: &Path, held: &[(String, Vec<(u64, String)>)]) -> Result<(), String> {
    let db = open(dir).map_err(|e| e.to_string())?;
    let channels = ops::list_channels(&db).map_err(|e| format!("LOST: {e}"))?;
    if channels.len() != held.len() {
        return Err(format!(
            "LOST: {} channels of {}",
            channels.len(),
            held.len()
        ));
    }
    for (id, bodies) in held {
        let got = ops::read_events(&db, id, 0, u64::MAX, usize::MAX, usize::MAX)
            .map_err(|e| format!("LOST: {e}"))?;
        let got: Vec<(u64, String)> = got
            .into_iter()
            .map(|(seq, e)| (seq, e.map(|e| e.body).unwrap_or_default()))
            .collect();
        if &got != bodies {
            return Err(format!("LOST: channel {id} reads back differently"));
        }
    }
    Ok(())
}

/// Runs `judge` on a copy of `original` damaged by `damage`, on its own thread so that a
/// panic that escapes is seen as what it is. Returns whether the copy was refused.
fn try_damage(
    original: &[u8],
    held: &[(String, Vec<(u64, String)>)],
    what: &str,
    damage: impl FnOnce(&mut Vec<u8>),
) -> bool {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut bytes = original.to_vec();
    damage(&mut bytes);
    std::fs::write(tmp.path().join(DB_FILE), &bytes).unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path().to_path_buf();
    let held = held.to_vec();
    let outcome = std::thread::spawn(move || judge(&dir, &held))
        .join()
        .unwrap_or_else(|_| panic!("{what}: the open panicked"));
    match outcome {
        Ok(()) => false,
        Err(why) => {
            assert!(!why.starts_with("LOST"), "{what}: opened but {why}");
            assert!(
                why.contains("backup") && why.contains("no app has received yet")
                    || why.contains("cannot be opened as a relay database"),
                "{what}: refused without advice: {why}"
            );
            true
        }
    }
}

/// A small reproducible generator (xorshift), so that a failing offset can be replayed.
fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[test]
fn every_damaged_copy_is_refused_with_advice_or_opens_intact() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let held = populate(tmp.path());
    let original = std::fs::read(tmp.path().join(DB_FILE)).unwrap_or_else(|e| panic!("{e}"));
    let pages = original.len() / PAGE;
    assert!(pages > 60, "the file spans many pages ({pages})");
    let mut refused = 0;
    for page in 0..pages {
        refused += usize::from(try_damage(
            &original,
            &held,
            &format!("page {page} zeroed"),
            |b| b[page * PAGE..(page + 1) * PAGE].fill(0),
        ));
    }
    let mut seed = 0x9e37_79b9_7f4a_7c15;
    for i in 0..150 {
        let at = (xorshift(&mut seed) as usize) % original.len();
        refused += usize::from(try_damage(
            &original,
            &held,
            &format!("flip {i} at {at}"),
            |b| b[at] ^= 0x5a,
        ));
    }
    for cut in [
        PAGE,
        original.len() / 3,
        original.len() / 2,
        original.len() - PAGE,
        original.len() - 1,
    ] {
        refused += usize::from(try_damage(
            &original,
            &held,
            &format!("cut at {cut}"),
            |b| b.truncate(cut),
        ));
    }
    // The damage reached live data often enough for the refusals to be tested too.
    assert!(refused > 20, "only {refused} damaged copies were refused");
}
