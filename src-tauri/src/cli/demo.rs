//! `hirewire demo`: the embedded demo in a terminal, as a table that grows as the sample
//! events are handled — local times, what each finished row did, advice given as commands
//! (there is no window to click in), and a last line when the demo is over. Ctrl-C ends it
//! without a word.

use std::collections::HashMap;
use std::path::PathBuf;

use super::signal::shutdown_signal;
use super::Failure;
use crate::engine::model::{Entry, Status, StepStatus};
use crate::engine::{time, Engine, EngineEvent};

/// Runs the demo until Ctrl-C.
pub async fn run(data: Option<PathBuf>) -> Result<(), Failure> {
    init_quiet_logs();
    let demo = crate::demo::Demo::start_in(data)
        .await
        .map_err(|e| Failure::Other(format!("{e:#}")))?;
    let _lock = demo.engine.lock_run()?;
    println!("Hirewire demo: fake Lever, bob and Byteboard on this machine; Ctrl-C ends it.");
    println!("Each history entry is shown as it changes (the window shows the same).");
    println!();
    println!("{}", header());
    tokio::spawn(print_changes(demo.engine.clone()));
    let over = demo.play();
    let engine = demo.engine.clone();
    let seat = demo.seat_slot();
    tokio::spawn(async move {
        if over.await.is_ok() && settled(&engine).await {
            println!();
            if let Some(seat) = seat.get() {
                let (own, seen) = (entries(&engine), entries(seat));
                println!("Dana's seat (a second recruiter's app, joined with `hirewire team invite` and `team join`) shows {seen} of these {own} entries from the team log, sealed end to end through the relay.");
            }
            println!("The demo is over: every sample event was handled. Ctrl-C ends it; `hirewire` (with a display) opens the window, and `hirewire --help` lists what else there is.");
        }
    });
    demo.engine.run(shutdown_signal()).await?;
    Ok(())
}

/// How many history entries a profile holds.
fn entries(engine: &Engine) -> usize {
    engine
        .store()
        .read(|rx| crate::engine::history::list(rx, &Default::default()).map(|p| p.total))
        .unwrap_or(0)
}

/// Warnings only, unless `HIREWIRE_LOG` asks for more: the table is the demo's output.
fn init_quiet_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HIREWIRE_LOG")
        // The demo's own relay runs in this process: its notes about the app's stream
        // closing are noise here.
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,hirewire_relay=error"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

/// Waits until no job is left (checked a few times a second, at most a minute).
async fn settled(engine: &Engine) -> bool {
    for _ in 0..240 {
        let left = engine
            .store()
            .read_async(|rx| Ok(rx.jobs_len()? + rx.inbox_len()?))
            .await
            .unwrap_or(1);
        if left == 0 {
            return true;
        }
        tokio::time::sleep(std::time::Duration::from_millis(250)).await;
    }
    false
}

const COLUMNS: [(&str, usize); 6] = [
    ("TIME", 8),
    ("STATUS", 8),
    ("FLOW", 10),
    ("FOUND BY", 9),
    ("EVENT", 16),
    ("CANDIDATE", 20),
];

fn header() -> String {
    let mut line: String = COLUMNS
        .iter()
        .map(|(name, w)| format!("{name:<w$}  "))
        .collect();
    line.push_str("WHAT HAPPENED");
    line
}

/// One row: the entry's local time, status, flow, source, event, candidate, and what it did.
fn row(e: &Entry, did: &str) -> String {
    let local = chrono::DateTime::from_timestamp_millis(e.received_at as i64)
        .map(|t| {
            t.with_timezone(&chrono::Local)
                .format("%H:%M:%S")
                .to_string()
        })
        .unwrap_or_else(|| time::rfc3339(e.received_at));
    let cells = [
        local,
        e.status.as_str().to_string(),
        e.flow.as_str().to_string(),
        e.source.as_str().to_string(),
        e.event.clone(),
        e.candidate.clone().unwrap_or_else(|| "-".into()),
    ];
    let mut line: String = cells
        .iter()
        .zip(COLUMNS)
        .map(|(c, (_, w))| {
            let c: String = c.chars().take(w).collect();
            format!("{c:<w$}  ")
        })
        .collect();
    line.push_str(&for_the_terminal(did, e.id));
    line
}

/// Advice written for the window, said as the commands that do the same.
fn for_the_terminal(text: &str, id: u64) -> String {
    text.replace(
        "map it in Mappings, then Retry",
        &format!("add it under [archive_reasons] in `hirewire config export > s.toml`, then `hirewire config import s.toml` and `hirewire retry {id}`"),
    )
    .replace("(Setup → Webhooks)", "(`hirewire check` lists the webhooks)")
    .replace("then Retry", &format!("then `hirewire retry {id}`"))
}

/// What a row did: its reason, else its last finished step.
async fn what_it_did(engine: &Engine, e: &Entry) -> String {
    if let Some(r) = &e.reason {
        return r.clone();
    }
    let id = e.id;
    let detail = engine.store().read_async(move |rx| rx.detail(id)).await;
    let Ok(Some(d)) = detail else {
        return String::new();
    };
    d.steps
        .iter()
        .rev()
        .find(|s| s.status == StepStatus::Done)
        .map(|s| match &s.target {
            Some(t) => format!("{} ({t})", s.action),
            None => s.action.clone(),
        })
        .unwrap_or_default()
}

/// Prints each entry whenever its status changes.
async fn print_changes(engine: Engine) {
    let mut events = engine.subscribe();
    let mut shown: HashMap<u64, Status> = Default::default();
    loop {
        let id = match events.recv().await {
            Ok(EngineEvent::Entry { id }) => id,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => return,
        };
        let Ok(Some(entry)) = engine.store().read_async(move |rx| rx.entry(id)).await else {
            continue;
        };
        if shown.insert(id, entry.status) != Some(entry.status) {
            let did = if entry.status == Status::Running {
                String::new()
            } else {
                what_it_did(&engine, &entry).await
            };
            println!("{}", row(&entry, &did));
        }
    }
}
