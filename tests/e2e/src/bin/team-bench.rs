//! Team mode's figures, on a real relay (build with `--release`): an entry written by the
//! engine → visible on a seat, p50/p99 at a steady rate, side by side with the relay's own
//! webhook post → stream delivery at the same rate in the same run; a new seat's catch-up
//! of a history of N entries; the log's size on the relay per entry.
//!
//! `cargo build --release --workspace --bins && target/release/team-bench --history 100000`
//!
//! The engine and the seats are the engine's library in this process (the team parts only,
//! on in-memory keychains); the relay is the real binary.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use hirewire_e2e::relay::Relay;
use hirewire_engine::model::{Flow, Status};
use hirewire_engine::secrets::Secrets;
use hirewire_engine::store::entries::NewEntry;
use hirewire_engine::team::{self, manage, Role};
use hirewire_engine::{Engine, EngineEvent};
use serde_json::json;

/// Team mode benchmark.
#[derive(Debug, Parser)]
struct Args {
    /// Entries in the history a new seat catches up with.
    #[arg(long, default_value_t = 100_000)]
    history: usize,
    /// Steady writes (and webhooks) per second for the latency figures.
    #[arg(long, default_value_t = 200)]
    rate: u64,
    /// How long the steady phase lasts.
    #[arg(long, default_value_t = 20)]
    seconds: u64,
}

fn open(dir: &std::path::Path, profile: &str) -> Engine {
    Engine::open_with(Some(dir), profile, Secrets::in_memory(profile))
        .unwrap_or_else(|e| panic!("open {profile}: {e}"))
}

fn pct(v: &mut [Duration], p: f64) -> f64 {
    v.sort();
    let i = ((v.len() as f64 * p).ceil() as usize).clamp(1, v.len().max(1)) - 1;
    v.get(i).map(|d| d.as_secs_f64() * 1000.0).unwrap_or(0.0)
}

fn dir_bytes(dir: &std::path::Path) -> u64 {
    let mut total = 0;
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            match e.metadata() {
                Ok(m) if m.is_dir() => todo.push(e.path()),
                Ok(m) => total += m.len(),
                Err(_) => {}
            }
        }
    }
    total
}

fn new_entry(i: usize) -> NewEntry {
    let mut e = NewEntry::own(
        "candidateHired",
        Flow::Hire,
        Status::Waiting,
        Some("waiting for review".into()),
    );
    e.received_at = hirewire_engine::time::now_ms();
    e.opportunity_id = Some(format!("opp-{i:06}"));
    e.candidate = Some(format!("Candidate Number {i:06}"));
    e
}

async fn seat(code: &str, name: &str, dir: &std::path::Path) -> Engine {
    let s = open(dir, name);
    team::join::join(&s, code, name, Duration::from_secs(60))
        .await
        .unwrap_or_else(|e| panic!("join {name}: {e}"));
    s
}

async fn seat_entries(s: &Engine) -> u64 {
    s.store()
        .read(|rx| hirewire_engine::history::list(rx, &Default::default()).map(|p| p.total as u64))
        .unwrap_or(0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let tmp = tempfile::tempdir()?;
    let relay = Relay::start(&["--rate-limit", "0", "--max-pending", "10000000"]).await;
    let team_ch = relay.add_channel("team");
    let hooks_ch = relay.add_channel("hooks");

    let owner = open(tmp.path(), "owner");
    hirewire_engine::setup::relay::connect(&owner, &team_ch.connect).await?;
    owner.store().write(|tx| {
        for i in 0..args.history {
            tx.open_entry(new_entry(i), None, None)?;
        }
        Ok(())
    })?;
    let code = manage::invite(
        &owner,
        "first",
        Role::Member,
        Duration::from_secs(3600),
        "owner",
    )
    .await?;
    let engine_task = tokio::spawn(team::run(owner.clone()));

    // The whole history published by the engine.
    let t = Instant::now();
    hirewire_e2e::wait::until_every(
        "the engine to publish the whole history",
        Duration::from_secs(600),
        Duration::from_millis(50),
        || async { (owner.store().read(|rx| rx.team_outbox_len()).ok() == Some(0)).then_some(()) },
    )
    .await;
    let publish_s = t.elapsed().as_secs_f64();
    let relay_bytes = dir_bytes(&relay.dir);

    // A new seat joins and catches up.
    let first = seat(&code.code, "first", tmp.path()).await;
    let t = Instant::now();
    while seat_entries(&first).await < args.history as u64 {
        anyhow::ensure!(
            t.elapsed() < Duration::from_secs(600),
            "the new seat did not catch up within 10 minutes"
        );
        team::seat::sync_once(&first, Duration::ZERO).await?;
    }
    let catch_up_s = t.elapsed().as_secs_f64();

    // Steady phase: engine writes → seat, beside webhook post → stream delivery.
    let seat_task = tokio::spawn(team::run(first.clone()));
    let mut seat_events = first.subscribe();
    let written: Arc<Mutex<HashMap<u64, Instant>>> = Default::default();
    let seen = written.clone();
    let n = (args.rate * args.seconds) as usize;
    let watcher = tokio::spawn(async move {
        let mut lat = Vec::new();
        let mut done = std::collections::HashSet::new();
        while done.len() < n {
            match tokio::time::timeout(Duration::from_secs(30), seat_events.recv()).await {
                Ok(Ok(EngineEvent::Entry { id })) => {
                    let at = seen.lock().ok().and_then(|m| m.get(&id).copied());
                    if let Some(at) = at {
                        if done.insert(id) {
                            lat.push(at.elapsed());
                        }
                    }
                }
                Ok(Ok(_)) | Ok(Err(tokio::sync::broadcast::error::RecvError::Lagged(_))) => {}
                _ => break,
            }
        }
        lat
    });
    let mut stream =
        hirewire_e2e::stream::connect(&relay.url(), &hooks_ch.channel, Some(&hooks_ch.secret))
            .await
            .map_err(|s| anyhow::anyhow!("stream refused: {s}"))?;
    let posted: Arc<Mutex<Vec<Instant>>> = Default::default();
    let posted_r = posted.clone();
    let reader = tokio::spawn(async move {
        let mut lat = Vec::new();
        for _ in 0..n {
            let e = stream.event(Duration::from_secs(30)).await;
            let at = posted_r
                .lock()
                .ok()
                .and_then(|v| v.get((e.seq - 1) as usize).copied());
            if let Some(at) = at {
                lat.push(at.elapsed());
            }
            stream.ack(e.seq).await;
        }
        lat
    });
    let hook = relay.hook_url(&hooks_ch.channel, "candidate-hired");
    let start = Instant::now();
    for i in 0..n {
        tokio::time::sleep_until(
            (start + Duration::from_nanos(i as u64 * 1_000_000_000 / args.rate)).into(),
        )
        .await;
        let id = owner
            .store()
            .write(|tx| tx.open_entry(new_entry(args.history + i), None, None))?;
        written
            .lock()
            .map(|mut m| m.insert(id, Instant::now()))
            .ok();
        owner.entry_changed(id);
        posted.lock().map(|mut v| v.push(Instant::now())).ok();
        let status = hirewire_e2e::relay::post(&hook, format!("{{\"i\":{i}}}")).await;
        assert_eq!(status, 200);
    }
    let mut seat_lat = watcher.await?;
    let mut hook_lat = reader.await?;
    engine_task.abort();
    seat_task.abort();
    println!(
        "{}",
        json!({
            "history": args.history,
            "engine_publish_s": (publish_s * 10.0).round() / 10.0,
            "relay_bytes_per_entry": relay_bytes / args.history.max(1) as u64,
            "new_seat_catch_up_s": (catch_up_s * 100.0).round() / 100.0,
            "rate": args.rate,
            "writes": n,
            "seen_on_seat": seat_lat.len(),
            "engine_to_seat_p50_ms": pct(&mut seat_lat, 0.50),
            "engine_to_seat_p99_ms": pct(&mut seat_lat, 0.99),
            "webhook_delivery_p50_ms": pct(&mut hook_lat, 0.50),
            "webhook_delivery_p99_ms": pct(&mut hook_lat, 0.99),
        })
    );
    Ok(())
}
