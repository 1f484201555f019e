//! Catching up with Lever, measured against the floors it cannot beat:
//!
//! 1. the floor: one live hire on an idle engine, webhook to done;
//! 2. a catch-up of N missed hires (default 200: hired in Lever, no webhook ever sent),
//!    found by `hirewire reconcile` and worked off by the real `hirewire run` against the
//!    fake Lever enforcing 10 requests/s: total time against Lever's bound (the Lever calls
//!    made / 10 per s), failures, and a live hire sent while the catch-up runs (its latency
//!    beside the floor's);
//! 3. an account in sync with M hired opportunities (default 1,000), none inside
//!    `watch_days`: the Lever calls one catch-up makes (list pages only) and its time.
//!
//! Needs the keychain: `cargo build --release --workspace --bins &&
//! scripts/desktop-session target/release/reconcile-bench`.

use std::time::{Duration, Instant};

use clap::Parser;
use hirewire_e2e::world::{Hireable, Options, World};
use hirewire_fakes::lever::Opportunity;
use hirewire_fakes::webhook::LeverEvent;
use serde_json::{json, Value};

/// Catch-up benchmark.
#[derive(Debug, Parser)]
struct Args {
    /// Missed hires to catch up.
    #[arg(long, default_value_t = 200)]
    missed: usize,
    /// Hired opportunities of the in-sync account.
    #[arg(long, default_value_t = 1000)]
    in_sync: usize,
    /// Send the live hire once this many of the catch-up's employees exist.
    #[arg(long, default_value_t = 20)]
    live_after: usize,
}

const LONG: Duration = Duration::from_secs(3600);
const DAY_MS: u64 = 86_400_000;

fn day(ms: u64) -> String {
    hirewire_fakes::clock::iso_utc(ms)[..10].to_string()
}

/// A hire as `hire-bench` makes them: a signed offer, a resume; archived as hired now.
fn missed_hire(w: &World, i: usize) -> String {
    w.add_hired_without_webhook("missed", "missed", i, "2027-03-01")
}

/// Webhook sent → entry done, for one new hire.
async fn live_hire(w: &World, id: &str) -> Duration {
    let email = format!("{id}@example.com");
    w.add_hireable(&Hireable {
        id,
        name: "Live Hire",
        email: &email,
        title: "Software Engineer",
        start: "2027-03-01",
        ..Default::default()
    });
    let sent = Instant::now();
    assert_eq!(w.send(&LeverEvent::hired(id)).await, 200);
    let e = w.wait_final(id, "candidateHired", LONG).await;
    assert_eq!(e["status"], "done", "{e}");
    sent.elapsed()
}

fn secs(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0).round() / 1000.0
}

async fn catch_up(args: &Args) -> Value {
    let w = World::started().await;
    let floor = live_hire(&w, "floor-1").await;
    for i in 0..args.missed {
        missed_hire(&w, i);
    }
    let base = w.bob.employees().len();
    let lever_before = w.lever.requests().len();
    let started = Instant::now();
    let since = day(hirewire_fakes::clock::now_ms() - DAY_MS);
    let out = w.app.ok(&["reconcile", "--json", "--since", &since], "");
    let found_in = started.elapsed();
    let report: Value = serde_json::from_str(out.trim()).unwrap_or_default();
    hirewire_e2e::wait::until_every(
        "the catch-up to be under way",
        LONG,
        Duration::from_millis(200),
        || {
            let n = w.bob.employees().len() - base;
            async move { (n >= args.live_after).then_some(()) }
        },
    )
    .await;
    let live_at = w.bob.employees().len() - base;
    let live = live_hire(&w, "live-1").await;
    let live_done_at = w.bob.employees().len() - base - 1;
    let history = hirewire_e2e::wait::until_every(
        "every missed hire to finish",
        LONG,
        Duration::from_secs(1),
        || {
            let h: Vec<Value> = w
                .app
                .history()
                .into_iter()
                .filter(|e| e["source"] == "reconcile" && e["event"] == "candidateHired")
                .collect();
            async move {
                (h.len() == args.missed
                    && h.iter()
                        .all(|e| e["status"] != "running" && e["status"] != "retrying"))
                .then_some(h)
            }
        },
    )
    .await;
    let elapsed = started.elapsed();
    // The live hire's calls share the budget; they are part of the bound too.
    let calls = w.lever.requests().len() - lever_before;
    let bound = calls as f64 / 10.0;
    let done = history.iter().filter(|e| e["status"] == "done").count();
    json!({
        "missed_hires": args.missed,
        "found": report["found"].as_array().map(Vec::len),
        "reconcile_seconds": secs(found_in),
        "reconcile_lever_calls": report["lever_calls"],
        "done": done,
        "failed": args.missed - done,
        "lever_calls": calls,
        "lever_429s": w.lever.rate_limited(),
        "seconds": secs(elapsed),
        "bound_seconds": bound,
        "ratio_to_bound": (elapsed.as_secs_f64() / bound * 1000.0).round() / 1000.0,
        "live_hire_idle_seconds": secs(floor),
        "live_hire_during_catch_up_seconds": secs(live),
        "live_hire_sent_after": live_at,
        "caught_up_when_live_was_done": live_done_at,
    })
}

async fn in_sync(args: &Args) -> Value {
    let mut w = World::new(Options::default()).await;
    let now = hirewire_fakes::clock::now_ms();
    let hired_at = now - 60 * DAY_MS;
    for i in 0..args.in_sync {
        w.lever.add_opportunity(Opportunity {
            id: format!("old-{i:05}"),
            name: format!("Old Hire {i:05}"),
            emails: vec![format!("old{i}@example.com")],
            stage: w.ids.stage_offer.clone(),
            posting: Some(w.ids.posting_swe.clone()),
            archived: Some((hired_at, w.ids.reason_hired.clone())),
            ..Default::default()
        });
    }
    // Hirewire did these hires long ago: their entries are in its history.
    let engine = hirewire_engine::Engine::open(Some(w.app.profile_dir()), "default")
        .unwrap_or_else(|e| panic!("the profile's store: {e}"));
    engine
        .store()
        .write(|tx| {
            for i in 0..args.in_sync {
                let mut e = hirewire_engine::store::entries::NewEntry::own(
                    "candidateHired",
                    hirewire_engine::model::Flow::Hire,
                    hirewire_engine::model::Status::Done,
                    None,
                );
                e.received_at = hired_at;
                e.opportunity_id = Some(format!("old-{i:05}"));
                tx.open_entry(e, None, None)?;
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("seeding the history: {e}"));
    drop(engine);
    w.start().await;
    let lever_before = w.lever.requests().len();
    let since = day(now - 90 * DAY_MS);
    let started = Instant::now();
    let out = w.app.ok(&["reconcile", "--json", "--since", &since], "");
    let took = started.elapsed();
    let report: Value = serde_json::from_str(out.trim()).unwrap_or_default();
    let paths: Vec<String> = w
        .lever
        .requests()
        .into_iter()
        .skip(lever_before)
        .map(|r| r.path)
        .collect();
    let singles = paths
        .iter()
        .filter(|p| p.starts_with("/v1/opportunities/"))
        .count();
    json!({
        "hired_opportunities": args.in_sync,
        "found": report["found"].as_array().map(Vec::len),
        "lever_calls": paths.len(),
        "of_which_single_opportunity_reads": singles,
        "list_pages": paths.iter().filter(|p| p.starts_with("/v1/opportunities?")).count(),
        "seconds": secs(took),
        "listed": report["listed"],
    })
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    println!("{}", json!({"catch_up": catch_up(&args).await}));
    println!("{}", json!({"in_sync": in_sync(&args).await}));
}
