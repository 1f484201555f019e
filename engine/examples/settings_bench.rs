//! Reading the settings as every event, job and poll does, with the largest settings the
//! engine accepts (every table at its bound): the cached read of a read snapshot beside
//! the parse a write transaction does each time (what every read did before the cache),
//! on the same file in the same run. The floor is an empty read transaction.
//!
//! `cargo run --release -p hirewire-engine --example settings_bench [-- --reads N]`

use std::time::{Duration, Instant};

use hirewire_engine::settings::{Settings, MAX_NAMES, MAX_TABLE};
use hirewire_engine::store::Store;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let reads: u32 = args
        .iter()
        .position(|a| a == "--reads")
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(2_000);
    let dir = tempfile::tempdir()?;
    let store = Store::open(dir.path())?;
    let mut s = Settings::default();
    for i in 0..MAX_TABLE {
        s.interview_types
            .insert(format!("tag-{i:05}"), format!("test-{i:05}"));
    }
    for i in 0..MAX_NAMES {
        s.names
            .stages
            .insert(format!("stage-{i:05}"), format!("Stage number {i}"));
    }
    let bytes = s.to_toml().len();
    store.write(|tx| tx.put_settings(&s))?;

    let per = |d: Duration| d / reads;
    let t = Instant::now();
    for _ in 0..reads {
        store.read(|_| Ok(()))?;
    }
    let floor = per(t.elapsed());
    let t = Instant::now();
    for _ in 0..reads {
        store.read(|rx| rx.settings())?;
    }
    let cached = per(t.elapsed());
    let t = Instant::now();
    for _ in 0..reads {
        store.write(|tx| tx.settings())?;
    }
    let parsed = per(t.elapsed());
    // The write transaction's own commit, to take out of the parse figure.
    let t = Instant::now();
    for _ in 0..reads {
        store.write(|_| Ok(()))?;
    }
    let commit = per(t.elapsed());

    println!("settings: {bytes} bytes of TOML ({MAX_TABLE} interview types, {MAX_NAMES} stage names), {reads} reads each");
    println!("empty read transaction (floor):   {floor:>10.1?}");
    println!("settings read, cached:            {cached:>10.1?}");
    println!(
        "settings parsed (each time):      {:>10.1?}  (write transaction {parsed:.1?} less its empty commit {commit:.1?})",
        parsed.saturating_sub(commit)
    );
    println!(
        "parses through the cache:         {:>10}",
        store.settings_parses()
    );
    Ok(())
}
