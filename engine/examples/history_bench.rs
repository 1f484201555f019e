//! The history query at scale: fills a profile with N entries (default 100,000) spread
//! over 90 days, then times what the History screen asks for — the first page, a status
//! filter, a flow filter, a search and the chart — each several times, and prints the
//! median and worst. With `--keep DIR` the filled profile stays in `DIR/bench` for the
//! window benchmark (`window-bench --data DIR --profile bench`).
//!
//! `cargo run --release -p hirewire-engine --example history_bench`

use std::time::{Duration, Instant};

use hirewire_engine::history::{self, Filter};
use hirewire_engine::model::{Entry, Flow, Source, Status};
use hirewire_engine::store::Store;
use hirewire_engine::time;

const NAMES: [&str; 8] = [
    "Ada Lovelace",
    "Grace Hopper",
    "Alan Turing",
    "Katherine Johnson",
    "Edsger Dijkstra",
    "Barbara Liskov",
    "Donald Knuth",
    "Frances Allen",
];

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
    fill(&store, n)?;
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

/// Entries like a busy year's: mostly done hires and assessments, some failures.
fn fill(store: &Store, n: u64) -> Result<(), Box<dyn std::error::Error>> {
    let now = time::now_ms();
    let span = 90 * 86_400_000u64;
    let mut id = 0u64;
    while id < n {
        let batch = (n - id).min(10_000);
        store.write(|tx| {
            for _ in 0..batch {
                id += 1;
                let (flow, event) = match id % 3 {
                    0 => (Flow::Hire, "candidateHired"),
                    1 => (Flow::Assessment, "candidateStageChange"),
                    _ => (Flow::Outcome, "candidateArchiveChange"),
                };
                let status = match id % 50 {
                    0 => Status::Failed,
                    1 => Status::Skipped,
                    2 => Status::Rejected,
                    3 => Status::Waiting,
                    _ => Status::Done,
                };
                let received_at = now - span + span * id / n;
                tx.put_entry(&Entry {
                    id: tx.next_id()?,
                    received_at,
                    event: event.into(),
                    endpoint: String::new(),
                    opportunity_id: Some(format!("opp-{id:06}")),
                    candidate: Some(format!("{} {id}", NAMES[(id % 8) as usize])),
                    flow,
                    status,
                    reason: (status == Status::Failed)
                        .then(|| "bob answered 503: try again later".to_string()),
                    updated_at: received_at,
                    source: if id.is_multiple_of(7) {
                        Source::Reconcile
                    } else {
                        Source::Webhook
                    },
                    summary: (status == Status::Done)
                        .then(|| format!("employee {id}, 3 documents")),
                })?;
            }
            Ok(())
        })?;
    }
    Ok(())
}
