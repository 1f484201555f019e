//! A damaged profile never panics: a populated file is damaged at many offsets (each
//! 4 KiB page zeroed in turn, bytes flipped, the file cut short), and each copy is either
//! refused with advice or opens with its inbox, history details and links intact. And a
//! panic inside a transaction marks the store damaged and stops the engine with the
//! message.

use std::path::Path;

use super::{Kept, Store, StoreError, DB_FILE};
use crate::model::{Detail, RawEvent};

const PAGE: usize = 4096;
const RECORDS: u64 = 150;

fn raw(i: u64) -> RawEvent {
    RawEvent {
        seq: i + 1,
        endpoint: "candidate-hired".into(),
        method: "POST".into(),
        received_at: 1_700_000_000_000 + i,
        content_type: Some("application/json".into()),
        // About a kilobyte each: the records span many pages, as a year of history does.
        body: format!("{{\"n\":{i},\"pad\":\"{}\"}}", "y".repeat(900)),
        body_hash: None,
    }
}

/// What a profile holds, as read back through the store.
#[derive(Debug, PartialEq)]
struct Held {
    inbox: u64,
    first: Option<(u64, String)>,
    details: Vec<(u64, Vec<u8>)>,
    links: Vec<(String, String)>,
}

fn read_all(store: &Store) -> Result<Held, StoreError> {
    store.read(|rx| {
        let mut details = Vec::new();
        rx.scan(Kept::Details, |id, bytes| {
            details.push((id, bytes.to_vec()))
        })?;
        Ok(Held {
            inbox: rx.inbox_len()?,
            first: rx.inbox_first()?.map(|(at, e)| (at, e.body)),
            details,
            links: rx.links_with_prefix("employee:")?,
        })
    })
}

fn populate(dir: &Path) -> Held {
    let store = Store::open(dir).unwrap_or_else(|e| panic!("{e}"));
    store
        .write(|tx| {
            for i in 0..RECORDS {
                tx.inbox_push(&raw(i))?;
                let detail = Detail {
                    event: Some(raw(i)),
                    ..Default::default()
                };
                tx.put_detail(i + 1, &detail)?;
                tx.put_link(
                    &format!("employee:opp-{i:04}"),
                    &format!("{}", 3_000_000 + i),
                )?;
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let held = read_all(&store).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(held.inbox, RECORDS);
    held
}

/// Opens a damaged copy on its own thread (so that a panic that escapes is seen as one);
/// returns whether it was refused.
fn try_damage(original: &[u8], held: &Held, what: &str, damage: impl FnOnce(&mut Vec<u8>)) -> bool {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut bytes = original.to_vec();
    damage(&mut bytes);
    std::fs::write(tmp.path().join(DB_FILE), &bytes).unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path().to_path_buf();
    let outcome = std::thread::spawn(move || {
        let store = Store::open(&dir)?;
        read_all(&store).map_err(|e| StoreError::NotFound(format!("LOST: {e}")))
    })
    .join()
    .unwrap_or_else(|_| panic!("{what}: the open panicked"));
    match outcome {
        Ok(got) => {
            assert!(&got == held, "{what}: opened but reads back differently");
            false
        }
        Err(e) => {
            let why = e.to_string();
            assert!(!why.starts_with("LOST"), "{what}: opened but {why}");
            assert!(
                why.contains("is damaged") && why.contains("backup") && why.contains("history"),
                "{what}: refused without advice: {why}"
            );
            true
        }
    }
}

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
    let mut seed = 0x2545_f491_4f6c_dd1d;
    for i in 0..150 {
        let at = (xorshift(&mut seed) as usize) % original.len();
        refused += usize::from(try_damage(
            &original,
            &held,
            &format!("flip {i} at {at}"),
            |b| b[at] ^= 0xa5,
        ));
    }
    let len = original.len();
    for cut in [PAGE, len / 3, len / 2, len - PAGE, len - 1] {
        refused += usize::from(try_damage(
            &original,
            &held,
            &format!("cut at {cut}"),
            |b| b.truncate(cut),
        ));
    }
    assert!(refused > 20, "only {refused} damaged copies were refused");
}

#[test]
fn a_panic_inside_a_transaction_marks_the_store_damaged_and_stops_the_engine() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let engine = crate::Engine::open_with(
        Some(tmp.path()),
        "p",
        crate::secrets::Secrets::in_memory("p"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    // What redb does on a page it cannot make sense of.
    let got = engine
        .store
        .read(|_| -> Result<(), StoreError> { unreachable!("a damaged page") });
    let why = got.err().map(|e| e.to_string()).unwrap_or_default();
    assert!(
        why.contains("turned out to be damaged") && why.contains("backup"),
        "{why}"
    );
    // Every later call is refused with the same message, without touching the file.
    let again = engine.store.read(|rx| rx.inbox_len());
    assert_eq!(again.err().map(|e| e.to_string()), Some(why.clone()));
    let runtime = tokio::runtime::Runtime::new().unwrap_or_else(|e| panic!("{e}"));
    let stopped = runtime.block_on(async {
        tokio::time::timeout(
            std::time::Duration::from_secs(20),
            engine.run(std::future::pending()),
        )
        .await
    });
    match stopped {
        Ok(Err(e)) => assert_eq!(e.to_string(), why),
        other => panic!("the engine did not stop on the damage: {other:?}"),
    }
}
