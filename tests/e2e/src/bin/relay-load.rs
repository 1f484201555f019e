//! Load generator for the relay: starts a real `hirewire-relay` (from the same target
//! profile — build with `--release`), posts N webhooks of about 1.5 KB at concurrency C
//! (or at a steady rate) while a stream client acknowledges them, and prints accepted/s,
//! post latency, post→delivery latency and the relay's peak RSS.
//!
//! `cargo build --release --workspace --bins && target/release/relay-load --requests 100000 --concurrency 64`
//!
//! `--team` (team mode) also appends 1 KiB team-log records at the same steady rate while a
//! seat reads them with its long-poll: append→seat latency beside post→delivery, from the
//! same run, and the log's storage per 1,000 records (redb file growth on a fresh file).
//!
//! `--store nats1` or `--store nats3` runs the relay on the NATS JetStream store instead of
//! redb: a private `nats-server`, or a cluster of three on 127.0.0.1 (streams with three
//! replicas), started and stopped by the tool.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use futures_util::{SinkExt, StreamExt};
use hirewire_e2e::relay::Relay;
use hirewire_relay::protocol::{ClientFrame, ServerFrame};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;

/// Relay load generator.
#[derive(Debug, Parser)]
struct Args {
    /// Webhooks to post.
    #[arg(long, default_value_t = 100_000)]
    requests: usize,
    /// Concurrent posters.
    #[arg(long, default_value_t = 64)]
    concurrency: usize,
    /// Steady posts per second (0: as fast as the relay answers).
    #[arg(long, default_value_t = 0)]
    rate: u64,
    /// Approximate body size in bytes.
    #[arg(long, default_value_t = 1500)]
    body_bytes: usize,
    /// The relay's store: redb, nats1 (one NATS node) or nats3 (three nodes, R3).
    #[arg(long, default_value = "redb", value_parser = ["redb", "nats1", "nats3"])]
    store: String,
    /// Team mode: also append log records at the same rate and read them as a seat.
    #[arg(long)]
    team: bool,
    /// Team mode: log records of 1 KiB appended before the run, on the fresh redb file, for the storage figure.
    #[arg(long, default_value_t = 50_000)]
    team_storage_records: u64,
    /// Another relay binary to load instead of this profile's (an older build, to compare
    /// two builds in one run).
    #[arg(long)]
    relay_bin: Option<std::path::PathBuf>,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let nats = match args.store.as_str() {
        "nats1" => Some(hirewire_e2e::nats::Nats::single().await),
        "nats3" => Some(hirewire_e2e::nats::Nats::cluster().await),
        _ => None,
    };
    let store = nats.as_ref().map(|n| n.store_url());
    // Every poster and the stream come from 127.0.0.1: no per-address cap.
    let mut flags = vec![
        "--rate-limit",
        "0",
        "--max-pending",
        "10000000",
        "--max-connections-per-ip",
        "0",
    ];
    if let Some(url) = &store {
        flags.extend(["--store", url.as_str()]);
    }
    let relay = match &args.relay_bin {
        Some(bin) => {
            let tmp = tempfile::tempdir()?;
            let dir = tmp.path().join("relay");
            let relay = Relay::start_binary(bin, &[], &dir, "127.0.0.1:0", &flags).await;
            (relay, Some(tmp))
        }
        None => (Relay::start(&flags).await, None),
    };
    let (relay, _tmp) = relay;
    let ch = relay.add_channel("load");
    let url = relay.hook_url(&ch.channel, "candidate-hired");
    let base = Instant::now();
    let delivered = Arc::new(Mutex::new(Vec::with_capacity(args.requests)));
    let consumer = tokio::spawn(consume(
        relay.url(),
        ch.channel.clone(),
        ch.secret.clone(),
        args.requests,
        base,
        delivered.clone(),
    ));
    let team_client = hirewire_e2e::team::TeamClient::new(&relay.url(), &ch.channel);
    let db = relay.dir.join("relay.redb");
    let team = match args.team {
        true => {
            let (engine, seat) = hirewire_e2e::team_load::setup(&team_client, &ch.secret).await?;
            // The storage figure first, on the fresh file (see `storage_per_1000`).
            let storage = match args.store.as_str() {
                "redb" => Some(
                    hirewire_e2e::team_load::storage_per_1000(
                        &team_client,
                        &engine,
                        &db,
                        1,
                        args.team_storage_records,
                    )
                    .await?,
                ),
                _ => None,
            };
            let first = args.team_storage_records.div_ceil(100) * 100 + 1;
            let first = if storage.is_some() { first } else { 1 };
            let run = hirewire_e2e::team_load::run(
                team_client.clone(),
                engine,
                seat,
                (first, args.requests as u64),
                args.rate,
                base,
            );
            Some((storage, tokio::spawn(run)))
        }
        false => None,
    };
    let rss_peak = Arc::new(AtomicU64::new(0));
    let sampler = tokio::spawn(sample_rss(relay.proc.pid(), rss_peak.clone()));

    let next = Arc::new(AtomicUsize::new(0));
    let post_lat = Arc::new(Mutex::new(Vec::with_capacity(args.requests)));
    let failures = Arc::new(AtomicUsize::new(0));
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(args.concurrency)
        .build()?;
    let pad = "x".repeat(args.body_bytes.saturating_sub(260));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..args.concurrency {
        let (client, url, next, post_lat, failures, pad) = (
            client.clone(),
            url.clone(),
            next.clone(),
            post_lat.clone(),
            failures.clone(),
            pad.clone(),
        );
        let (n, rate) = (args.requests, args.rate);
        workers.push(tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= n {
                    break;
                }
                // With a rate, each request has its slot on a steady schedule.
                if let Some(offset) = (i as u64 * 1_000_000_000).checked_div(rate) {
                    tokio::time::sleep_until((started + Duration::from_nanos(offset)).into()).await;
                }
                let sent = base.elapsed().as_nanos() as u64;
                let body = format!(
                    r#"{{"event":"candidateHired","triggeredAt":1700000000000,"token":"{i:048}","signature":"{sig}","data":{{"opportunityId":"opp-{i}","sent_ns":{sent},"i":{i},"pad":"{pad}"}}}}"#,
                    sig = "0".repeat(64)
                );
                let t = Instant::now();
                match client.post(&url).header("content-type", "application/json").body(body).send().await {
                    Ok(r) if r.status() == 200 => post_lat.lock().map(|mut v| v.push(t.elapsed())).unwrap_or(()),
                    _ => {
                        failures.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for w in workers {
        w.await?;
    }
    let post_elapsed = started.elapsed();
    let ok = post_lat.lock().map(|v| v.len()).unwrap_or(0);
    tokio::time::timeout(Duration::from_secs(120), consumer).await???;
    sampler.abort();
    let peak_status =
        std::fs::read_to_string(format!("/proc/{}/status", relay.proc.pid())).unwrap_or_default();
    let hwm_kb = peak_status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0);

    let team_report = match team {
        Some((storage, run)) => {
            let f = run.await??;
            serde_json::json!({
                "log_record_bytes": hirewire_e2e::team_load::RECORD_BYTES,
                "log_appended": f.append.len(),
                "log_failed": f.failed,
                "log_append_p50_ms": ms(pct(&f.append, 0.50)),
                "log_append_p99_ms": ms(pct(&f.append, 0.99)),
                "log_seat_p50_ms": ms(pct(&f.seat, 0.50)),
                "log_seat_p99_ms": ms(pct(&f.seat, 0.99)),
                "log_redb_bytes_per_1000_records": storage,
            })
        }
        None => serde_json::Value::Null,
    };
    let mut post = post_lat.lock().map(|v| v.clone()).unwrap_or_default();
    let mut deliver = delivered.lock().map(|v| v.clone()).unwrap_or_default();
    post.sort();
    deliver.sort();
    let report = serde_json::json!({
        "store": args.store,
        "requests": args.requests,
        "concurrency": args.concurrency,
        "rate": args.rate,
        "accepted": ok,
        "failed": failures.load(Ordering::Relaxed),
        "accepted_per_s": (ok as f64 / post_elapsed.as_secs_f64()).round(),
        "post_p50_ms": ms(pct(&post, 0.50)),
        "post_p99_ms": ms(pct(&post, 0.99)),
        "delivery_p50_ms": ms(pct(&deliver, 0.50)),
        "delivery_p99_ms": ms(pct(&deliver, 0.99)),
        "relay_peak_rss_mb": (hwm_kb.max(rss_peak.load(Ordering::Relaxed)) as f64 / 1024.0 * 10.0).round() / 10.0,
        "team": team_report,
    });
    println!("{report}");
    Ok(())
}

/// Reads the stream, acknowledging as it goes, and records post→delivery latency.
async fn consume(
    relay_url: String,
    channel: String,
    secret: String,
    expected: usize,
    base: Instant,
    out: Arc<Mutex<Vec<Duration>>>,
) -> anyhow::Result<()> {
    let url = format!(
        "{}/v1/channels/{channel}/stream",
        relay_url.replacen("http", "ws", 1)
    );
    let mut req = url.into_client_request()?;
    req.headers_mut()
        .insert("authorization", format!("Bearer {secret}").parse()?);
    let (ws, _) = tokio_tungstenite::connect_async_with_config(req, None, true).await?;
    let (mut tx, mut rx) = ws.split();
    let mut seen = 0usize;
    let mut unacked = 0u32;
    let mut last_seq = 0;
    while seen < expected {
        let msg = match tokio::time::timeout(Duration::from_millis(5), rx.next()).await {
            Ok(Some(m)) => m?,
            Ok(None) => anyhow::bail!("stream closed after {seen} events"),
            Err(_) => {
                // Idle: acknowledge what we have so the window never stalls.
                if unacked > 0 {
                    tx.send(ack(last_seq)).await?;
                    unacked = 0;
                }
                continue;
            }
        };
        let Message::Text(text) = msg else { continue };
        if let Ok(ServerFrame::Event(e)) = serde_json::from_str::<ServerFrame>(&text) {
            let now = base.elapsed().as_nanos() as u64;
            let sent = serde_json::from_str::<serde_json::Value>(&e.body)
                .ok()
                .and_then(|v| v["data"]["sent_ns"].as_u64())
                .unwrap_or(now);
            out.lock()
                .map(|mut v| v.push(Duration::from_nanos(now.saturating_sub(sent))))
                .unwrap_or(());
            seen += 1;
            last_seq = e.seq;
            unacked += 1;
            if unacked >= 32 {
                tx.send(ack(last_seq)).await?;
                unacked = 0;
            }
        }
    }
    tx.send(ack(last_seq)).await?;
    Ok(())
}

fn ack(seq: u64) -> Message {
    Message::Text(
        serde_json::to_string(&ClientFrame::Ack { seq })
            .unwrap_or_default()
            .into(),
    )
}

async fn sample_rss(pid: u32, peak: Arc<AtomicU64>) {
    loop {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if let Some(kb) = status
            .lines()
            .find(|l| l.starts_with("VmRSS:"))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
        {
            peak.fetch_max(kb, Ordering::Relaxed);
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    sorted[((sorted.len() as f64 * p) as usize).min(sorted.len() - 1)]
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}
