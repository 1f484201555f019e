//! The history query at scale: fills a profile with N entries (default 100,000) spread
//! over 90 days, then times what the History screen asks for — the first page, a status
//! filter, a flow filter, a search and the chart — each several times, and prints the
//! median and worst. With `--keep DIR` the filled profile stays in `DIR/bench` for the
//! window benchmark (`window-bench --data DIR --profile bench`).
//!
//! `cargo run --release -p hirewire-engine --example history_bench`

use std::time::{Duration, Instant};

use hirewire_engine::history::{self, Filter};
use hirewire_engine::model::{Flow, Status};
use hirewire_engine::store::Store;
use hirewire_engine::time;

#[path = "common/fill.rs"]
mod fill;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let n: u64 = arg(&args, "--entries")
        .map(|v| v.parse())
        .transpose()?
        .unwrap_or(100_000);
    let keep = arg(&args, "--keep");
    let tmp = tempfile::tempdir()?;
    let dir = match &keep {
        Some(d) => std::path::PathBuf::from(d).join("bench"),
        None => tmp.path().join("bench"),
    };
    let store = Store::open(&dir)?;
    let filled = Instant::now();
    fill::entries(&store, n, false)?;
    // Set up as far as the window cares: it opens on History, not the wizard.
    store.write(|tx| tx.put_meta(hirewire_engine::keys::SETUP_DONE, 1))?;
    eprintln!("filled {n} entries in {:?}", filled.elapsed());

    let everything = Filter {
        limit: 200,
        ..Filter::default()
    };
    let failed = Filter {
        statuses: vec![Status::Failed],
        ..everything.clone()
    };
    let hires = Filter {
        flows: vec![Flow::Hire],
        ..everything.clone()
    };
    let search = Filter {
        search: "grace".into(),
        ..everything.clone()
    };
    let week = Filter {
        since: Some(time::now_ms() - 7 * 86_400_000),
        ..everything.clone()
    };
    for (what, filter) in [
        ("first page (no filter)", &everything),
        ("status = failed", &failed),
        ("flow = hire", &hires),
        ("search \"grace\"", &search),
        ("last 7 days", &week),
    ] {
        let (median, worst, total) = time_it(|| {
            store
                .read(|rx| history::list(rx, filter))
                .map(|p| p.total)
                .unwrap_or(0)
        });
        println!("{what:<24} {total:>7} matches  median {median:>8.2?}  worst {worst:>8.2?}");
    }
    let (median, worst, days) = time_it(|| {
        store
            .read(|rx| history::per_day(rx, 30))
            .map(|d| d.len())
            .unwrap_or(0)
    });
    println!(
        "{:<24} {days:>7} bars     median {median:>8.2?}  worst {worst:>8.2?}",
        "chart (30 days)"
    );
    Ok(())
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1).cloned())
}

/// Runs `f` 15 times: median, worst, and its last answer.
fn time_it(mut f: impl FnMut() -> usize) -> (Duration, Duration, usize) {
    let mut times = Vec::new();
    let mut out = 0;
    for _ in 0..15 {
        let t = Instant::now();
        out = f();
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], times[times.len() - 1], out)
}
