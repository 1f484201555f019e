//! Hire throughput against Lever's rate limit: N hires (default 200) are queued at the
//! relay while the engine is stopped, then the real `hirewire run` starts and works them
//! off against the fake Lever enforcing 10 requests/s (bursts to 20). Prints the time
//! taken, the bound it cannot beat (Lever calls / 10 per second), their ratio, failed
//! jobs, and 429s. Run inside `scripts/desktop-session` (it needs the keychain):
//!
//! `cargo build --release --workspace --bins && scripts/desktop-session target/release/hire-bench`

use std::time::{Duration, Instant};

use clap::Parser;
use hirewire_e2e::world::{Options, World};
use hirewire_fakes::lever::{LeverFile, Offer, OfferField, Opportunity, Resume};
use hirewire_fakes::webhook::LeverEvent;
use serde_json::json;

/// Hire benchmark.
#[derive(Debug, Parser)]
struct Args {
    /// Hires to queue.
    #[arg(long, default_value_t = 200)]
    hires: usize,
}

fn opportunity(w: &World, i: usize) -> String {
    let id = format!("opp-bench-{i:04}");
    w.lever.add_opportunity(Opportunity {
        id: id.clone(),
        name: format!("Candidate {i:04} Bench"),
        emails: vec![format!("bench{i}@example.com")],
        location: "London".into(),
        posting: Some(w.ids.posting_swe.clone()),
        ..Default::default()
    });
    let pdf = |label: &str| hirewire_fakes::lever::pdf(label);
    w.lever.add_offer(
        &id,
        Offer {
            id: format!("offer-bench-{i}"),
            status: "signed".into(),
            fields: vec![
                OfferField {
                    text: "Anticipated start date".into(),
                    identifier: "anticipated_start_date".into(),
                    value: json!(1_798_934_400_000u64),
                },
                OfferField {
                    text: "Equity".into(),
                    identifier: "custom_equity".into(),
                    value: json!("0.05%"),
                },
            ],
            signed_document: Some(LeverFile {
                id: format!("signed-{i}"),
                name: format!("offer-{i}.pdf"),
                ext: "pdf".into(),
                content: pdf("offer"),
                ..Default::default()
            }),
            ..Default::default()
        },
    );
    w.lever.add_resume(
        &id,
        Resume {
            id: format!("resume-bench-{i}"),
            file: Some(LeverFile {
                id: format!("resume-bench-{i}"),
                name: format!("cv-{i}.pdf"),
                ext: "pdf".into(),
                content: pdf("cv"),
                ..Default::default()
            }),
        },
    );
    w.lever.add_file(
        &id,
        LeverFile {
            id: format!("file-bench-{i}"),
            name: format!("work-{i}.pdf"),
            ext: "pdf".into(),
            content: pdf("work"),
            ..Default::default()
        },
    );
    id
}

#[tokio::main]
async fn main() {
    let args = Args::parse();
    let mut w = World::new(Options::default()).await;
    let opps: Vec<String> = (0..args.hires).map(|i| opportunity(&w, i)).collect();
    for o in &opps {
        assert_eq!(
            w.send(&LeverEvent::hired(o)).await,
            200,
            "the relay took the webhook"
        );
    }
    let lever_before = w.lever.requests().len();
    let started = Instant::now();
    let taken_in: std::sync::Mutex<Option<Duration>> = std::sync::Mutex::default();
    w.start().await;
    // Checked once a second: the check runs `hirewire history`, which must not load the machine.
    let history = hirewire_e2e::wait::until_every(
        "every hire to finish",
        Duration::from_secs(1800),
        Duration::from_secs(1),
        || {
            let h = w.app.history();
            if h.len() == args.hires {
                taken_in
                    .lock()
                    .map(|mut t| *t.get_or_insert(started.elapsed()))
                    .ok();
            }
            async move {
                (h.len() == args.hires
                    && h.iter()
                        .all(|e| e["status"] != "running" && e["status"] != "retrying"))
                .then_some(h)
            }
        },
    )
    .await;
    let elapsed = started.elapsed();
    let calls = w.lever.requests().len() - lever_before;
    let bound = calls as f64 / 10.0;
    let done = history.iter().filter(|e| e["status"] == "done").count();
    let ended_by_429 = history
        .iter()
        .filter(|e| {
            e["status"] == "failed" && e["reason"].as_str().unwrap_or_default().contains("429")
        })
        .count();
    let report = json!({
        "hires": args.hires,
        "done": done,
        "failed": args.hires - done,
        "failed_by_429": ended_by_429,
        "lever_calls": calls,
        "lever_429s": w.lever.rate_limited(),
        "seconds": (elapsed.as_secs_f64() * 10.0).round() / 10.0,
        "bound_seconds": bound,
        "ratio_to_bound": (elapsed.as_secs_f64() / bound * 1000.0).round() / 1000.0,
        "bob_employees": w.bob.employees().len(),
        "bob_searches": w.bob.hits("/people/search"),
        "bob_429s": w.bob.rate_limited(),
    });
    println!("{report}");
    if std::env::var_os("HIRE_BENCH_STEPS").is_some() {
        // How many hires ran at once on average: the sum of their spans over the wall time.
        let ms = |v: &serde_json::Value| hirewire_fakes_time(v.as_str().unwrap_or_default());
        let mut busy = 0u64;
        for e in &history {
            let steps = e["steps"].as_array().cloned().unwrap_or_default();
            if let (Some(first), Some(last)) = (steps.first(), steps.last()) {
                busy += ms(&last["at"]).saturating_sub(
                    ms(&first["at"]).saturating_sub(first["ms"].as_u64().unwrap_or(0)),
                );
            }
        }
        eprintln!(
            "every event taken in after {:?}",
            taken_in.lock().ok().and_then(|t| *t)
        );
        eprintln!(
            "average concurrency {:.2}",
            busy as f64 / elapsed.as_millis() as f64
        );
        // The steps of one hire in the middle, to see where its time went.
        if let Some(e) = history.get(args.hires / 2) {
            for s in e["steps"].as_array().into_iter().flatten() {
                eprintln!("{} {:>6} ms  {}", s["at"], s["ms"], s["action"]);
            }
        }
    }
}

/// Milliseconds of an RFC 3339 UTC time with milliseconds (`2026-01-01T00:00:00.000Z`).
fn hirewire_fakes_time(t: &str) -> u64 {
    let num = |a: usize, b: usize| t.get(a..b).and_then(|s| s.parse::<u64>().ok()).unwrap_or(0);
    (num(11, 13) * 3600 + num(14, 16) * 60 + num(17, 19)) * 1000 + num(20, 23)
}
