//! Erasure and retention at scale. Fills a profile with N history entries (default
//! 100,000, each with the Lever event it came from), then measures, in this order:
//! - erasing one candidate (what `candidateDeleted` or `hirewire person --erase` does): the
//!   purge's transaction, then the compaction that takes the removed bytes out of the file;
//! - retention keeping 45 of the 90 days (what the daily run does with
//!   `history_retention_days = 45`): the rewrite's transaction, then the compaction;
//!
//! and the file's size around each. The floor beside the purge is one empty write
//! transaction on the same file (the commit's fsync), so the purge's own work is the rest.
//!
//! `cargo run --release -p hirewire-engine --example privacy_bench [-- --entries N]`

use std::time::{Duration, Instant};

use hirewire_engine::privacy::{compaction, purge, retention};
use hirewire_engine::store::Store;
use hirewire_engine::time;
use hirewire_engine::work::Cause;

#[path = "common/fill.rs"]
mod fill;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = args
        .iter()
        .position(|a| a == "--entries")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(100_000);
    let tmp = tempfile::tempdir()?;
    let store = Store::open(&tmp.path().join("bench"))?;
    let filled = Instant::now();
    fill::entries(&store, n, true)?;
    let size = || {
        std::fs::metadata(store.path())
            .map(|m| m.len())
            .unwrap_or(0)
    };
    compaction::now(&store, &[])?;
    println!(
        "filled {n} entries with their events in {:.1?}; file {}",
        filled.elapsed(),
        mb(size())
    );

    let floor = median(|| {
        let t = Instant::now();
        store.write(|_| Ok(()))?;
        Ok(t.elapsed())
    })?;
    println!(
        "{:<44} median {floor:>9.2?}",
        "floor: an empty write transaction"
    );

    let opp = format!("opp-{:06}", n / 2);
    let t = Instant::now();
    let purged = store.write(|tx| purge::purge(tx, &opp, Cause::Erased))?;
    let took = t.elapsed();
    println!(
        "{:<44} {took:>16.2?}  ({} entries, {} mentions, {} records)",
        "erase one candidate: the purge's transaction",
        purged.entries,
        purged.mentions,
        purged.records
    );
    let c = compaction::now(&store, &purged.words)?;
    println!(
        "{:<44} {:>16.2?}  file {} → {}, {} of {} removed words left",
        "erase one candidate: compaction",
        c.took,
        mb(c.bytes.0),
        mb(c.bytes.1),
        c.leftover,
        purged.words.len()
    );

    let before_ms = time::now_ms() - 45 * 86_400_000;
    let t = Instant::now();
    let expired = store.write(|tx| retention::expire(tx, before_ms))?;
    let took = t.elapsed();
    println!(
        "{:<44} {took:>16.2?}  ({} entries lost their personal fields, {} records)",
        "retention 45 of 90 days: the transaction", expired.entries, expired.records
    );
    let c = compaction::now(&store, &[])?;
    println!(
        "{:<44} {:>16.2?}  file {} → {}",
        "retention 45 of 90 days: compaction",
        c.took,
        mb(c.bytes.0),
        mb(c.bytes.1)
    );
    Ok(())
}

/// The median of 15 runs of `f`.
fn median(
    mut f: impl FnMut() -> Result<Duration, hirewire_engine::store::StoreError>,
) -> Result<Duration, hirewire_engine::store::StoreError> {
    let mut times = (0..15).map(|_| f()).collect::<Result<Vec<_>, _>>()?;
    times.sort();
    Ok(times[times.len() / 2])
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1_000_000.0)
}
