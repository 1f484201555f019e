//! The team-mode half of `relay-load --team`: while the webhooks are posted and streamed,
//! the engine appends 1 KiB log records at the same steady rate and a seat reads them with
//! its long-poll, so that append→seat and post→stream latency come from the same run;
//! then the log's storage cost (redb file growth per 1,000 records of 1 KiB).

use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::team::{new_key, As, TeamClient};

/// Bytes of each log record.
pub const RECORD_BYTES: usize = 1024;
/// Records per append request for the storage figure.
const STORAGE_BATCH: u64 = 100;

/// Latencies measured by one run.
#[derive(Debug, Default)]
pub struct TeamFigures {
    /// Append request → its 200.
    pub append: Vec<Duration>,
    /// Append request sent → the record read by the seat's long-poll.
    pub seat: Vec<Duration>,
    /// Appends refused or failed.
    pub failed: usize,
}

/// A record carrying its send time (ns since `base`) in its first 8 bytes.
fn record(sent_ns: u64) -> Vec<u8> {
    let mut r = vec![0x5a; RECORD_BYTES];
    r[..8].copy_from_slice(&sent_ns.to_be_bytes());
    r
}

/// Registers a seat on the channel; returns the engine and the seat.
pub async fn setup(c: &TeamClient, secret: &str) -> anyhow::Result<(As, As)> {
    let engine = As::Engine(secret.to_string());
    let key = new_key();
    let (s, body) = c.put_device(&engine, "load-seat", &key, "viewer").await;
    anyhow::ensure!(s == 200, "device not registered: {s} {body}");
    Ok((engine, As::seat("load-seat", key)))
}

/// Appends `n` records at `rate`/s (one per request, positions from `first`) while the
/// seat reads them; returns the latencies.
pub async fn run(
    c: TeamClient,
    engine: As,
    seat: As,
    (first, n): (u64, u64),
    rate: u64,
    base: Instant,
) -> anyhow::Result<TeamFigures> {
    let figures = Arc::new(Mutex::new(TeamFigures::default()));
    let reader = {
        let (c, figures) = (c.clone(), figures.clone());
        tokio::spawn(async move {
            let mut after = first - 1;
            while after < first - 1 + n {
                let (s, page) = c.read_log(&seat, after, 25_000).await;
                if s != 200 {
                    anyhow::bail!("the seat's read failed: {s} {page}");
                }
                let now = base.elapsed().as_nanos() as u64;
                for (pos, body) in crate::team::records(&page) {
                    let sent = body
                        .get(..8)
                        .and_then(|b| b.try_into().ok())
                        .map(u64::from_be_bytes)
                        .unwrap_or(now);
                    if let Ok(mut f) = figures.lock() {
                        f.seat.push(Duration::from_nanos(now.saturating_sub(sent)));
                    }
                    after = after.max(pos);
                }
            }
            Ok(())
        })
    };
    let started = Instant::now();
    for i in 0..n {
        if let Some(offset) = (i * 1_000_000_000).checked_div(rate) {
            tokio::time::sleep_until((started + Duration::from_nanos(offset)).into()).await;
        }
        let sent = base.elapsed().as_nanos() as u64;
        let t = Instant::now();
        let (s, _) = c.append(&engine, first + i, &[&record(sent)]).await;
        if let Ok(mut f) = figures.lock() {
            match s {
                200 => f.append.push(t.elapsed()),
                _ => f.failed += 1,
            }
        }
    }
    tokio::time::timeout(Duration::from_secs(60), reader).await???;
    let mut out = std::mem::take(&mut *figures.lock().map_err(|_| anyhow::anyhow!("poisoned"))?);
    out.append.sort();
    out.seat.sort();
    Ok(out)
}

/// Bytes the relay's redb file grew per 1,000 log records of 1 KiB, over `records`
/// appended from position `from` in batches. Run on a fresh relay, before any webhook: pages
/// freed by acknowledged webhooks would be reused and hide the log's cost.
pub async fn storage_per_1000(
    c: &TeamClient,
    engine: &As,
    db_file: &Path,
    from: u64,
    records: u64,
) -> anyhow::Result<u64> {
    let before = std::fs::metadata(db_file)?.len();
    let batch: Vec<Vec<u8>> = (0..STORAGE_BATCH).map(|_| record(0)).collect();
    let refs: Vec<&[u8]> = batch.iter().map(Vec::as_slice).collect();
    let mut pos = from;
    for _ in 0..records.div_ceil(STORAGE_BATCH) {
        let (s, body) = c.append(engine, pos, &refs).await;
        anyhow::ensure!(s == 200, "storage append refused: {s} {body}");
        pos += STORAGE_BATCH;
    }
    let after = std::fs::metadata(db_file)?.len();
    let appended = records.div_ceil(STORAGE_BATCH) * STORAGE_BATCH;
    Ok(after.saturating_sub(before) * 1000 / appended.max(1))
}
