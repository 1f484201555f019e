//! Backup and restore at scale. Fills a profile with N history entries (default 100,000,
//! each with the Lever event it came from, as the app keeps them) and the nine secrets,
//! then, RUNS times (default 3): backs it up under a passphrase (scrypt 2^18) and restores
//! the archive into a new profile on the secrets-file store. Prints each run and the
//! median, the database's size and the archive's.
//!
//! `cargo run --release -p hirewire-engine --example backup_bench [-- --entries N --runs R]`

use std::time::{Duration, Instant};

use hirewire_engine::backup::{self, Lock, Target, Unlock};
use hirewire_engine::secrets::{Secrets, NAMES};
use hirewire_engine::Engine;

#[path = "common/fill.rs"]
mod fill;

fn arg(args: &[String], name: &str, default: u64) -> Result<u64, Box<dyn std::error::Error>> {
    Ok(args
        .iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(default))
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n = arg(&args, "--entries", 100_000)?;
    let runs = arg(&args, "--runs", 3)?.max(1);
    let tmp = tempfile::tempdir()?;
    let data = tmp.path().join("data");
    let engine = Engine::open_with(Some(&data), "bench", Secrets::in_memory("bench"))?;
    for name in NAMES {
        engine
            .secrets()
            .set(name, &format!("value of {name} for the bench"))?;
    }
    let filled = Instant::now();
    fill::entries(engine.store(), n, true)?;
    let db = std::fs::metadata(engine.store().path())?.len();
    println!(
        "filled {n} entries with their events in {:.1?}; database {}",
        filled.elapsed(),
        mb(db)
    );
    let key = tmp.path().join("secrets.key");
    std::fs::write(&key, [7u8; 32])?;
    let archive = tmp.path().join("bench.age");
    let (mut took_backup, mut took_restore) = (Vec::new(), Vec::new());
    let mut size = 0;
    for run in 0..runs {
        let t = Instant::now();
        let lock = Lock::passphrase("correct horse battery staple")?;
        let wrote = backup::backup(&engine, archive.clone(), lock).await?;
        took_backup.push(t.elapsed());
        size = wrote.bytes;

        let target = Target {
            data: Some(data.clone()),
            profile: format!("restored-{run}"),
            key_file: Some(key.clone()),
        };
        let t = Instant::now();
        let unlock = Unlock::passphrase("correct horse battery staple");
        let restored = backup::restore(target, archive.clone(), unlock).await?;
        took_restore.push(t.elapsed());
        println!(
            "run {}: backup {:.2?}, restore {:.2?}: {}",
            run + 1,
            took_backup[run as usize],
            took_restore[run as usize],
            restored.describe()
        );
    }
    println!(
        "median of {runs}: backup {:.2?}, restore {:.2?}; archive {} (database {})",
        median(took_backup),
        median(took_restore),
        mb(size),
        mb(db)
    );
    Ok(())
}
