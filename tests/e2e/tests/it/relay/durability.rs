//! Nothing answered 200 is lost, nothing acknowledged comes back: kill -9, restart, SIGTERM.

use std::collections::BTreeSet;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use hirewire_e2e::relay::Relay;
use hirewire_e2e::stream::{self, Next};
use hirewire_relay::protocol::ServerFrame;
use tokio::sync::Mutex;

use hirewire_e2e::deadline::RELAY as T;

/// Posts numbered events from `workers` tasks until told to stop; returns the numbers that
/// got a 200.
async fn load(
    url: String,
    workers: usize,
    stop: Arc<AtomicBool>,
    accepted: Arc<Mutex<BTreeSet<u64>>>,
    next: Arc<AtomicU64>,
) {
    let client = reqwest::Client::new();
    let mut tasks = Vec::new();
    for _ in 0..workers {
        let (client, url, stop, accepted, next) = (
            client.clone(),
            url.clone(),
            stop.clone(),
            accepted.clone(),
            next.clone(),
        );
        tasks.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let n = next.fetch_add(1, Ordering::SeqCst);
                match client
                    .post(&url)
                    .body(format!("{{\"n\":{n}}}"))
                    .send()
                    .await
                {
                    Ok(r) if r.status() == 200 => {
                        accepted.lock().await.insert(n);
                    }
                    // Refused or reset by the kill: not accepted, and Lever would retry it.
                    _ => {}
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
}

fn number(body: &str) -> u64 {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v["n"].as_u64())
        .unwrap_or(u64::MAX)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_under_concurrent_load_loses_nothing_and_resends_nothing_acknowledged() {
    let mut relay = Relay::start(&["--rate-limit", "0"]).await;
    let ch = relay.add_channel("team");
    let url = relay.hook_url(&ch.channel, "candidate-hired");
    let accepted = Arc::new(Mutex::new(BTreeSet::new()));
    let counter = Arc::new(AtomicU64::new(0));
    let stop = Arc::new(AtomicBool::new(false));
    let loader = tokio::spawn(load(
        url.clone(),
        16,
        stop.clone(),
        accepted.clone(),
        counter.clone(),
    ));

    // Consume and acknowledge part of the stream while the load runs.
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let mut seen = BTreeSet::new();
    let mut last_seq = 0;
    while seen.len() < 300 {
        let e = s.event(T).await;
        seen.insert(number(&e.body));
        last_seq = e.seq;
        // Acknowledge as the app does, well inside the relay's window.
        if seen.len() % 50 == 0 {
            s.ack(last_seq).await;
        }
    }
    let acked_series = "hirewire_relay_acked_seq{channel=\"team\"}";
    hirewire_e2e::wait::until_true("the ack to be durable", T, || async {
        relay.metric(acked_series).await == Some(last_seq as f64)
    })
    .await;
    let acked_numbers = seen.clone();
    // Let more posts land, then kill -9 in the middle of the load.
    hirewire_e2e::wait::until_true("more posts to be accepted", T, || async {
        accepted.lock().await.len() > seen.len() + 300
    })
    .await;
    relay.kill9_and_restart().await;
    // Keep loading for a moment against the restarted relay, then stop.
    let before = accepted.lock().await.len();
    hirewire_e2e::wait::until_true("posts to the restarted relay", T, || async {
        accepted.lock().await.len() > before + 100
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    let _ = loader.await;
    let accepted = accepted.lock().await.clone();

    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let mut delivered = BTreeSet::new();
    let mut first_seq = None;
    loop {
        match s.next(Duration::from_secs(3)).await {
            Next::Frame(ServerFrame::Event(e)) => {
                first_seq.get_or_insert(e.seq);
                assert!(
                    e.seq > last_seq,
                    "seq {} was acknowledged before the kill and came back",
                    e.seq
                );
                let n = number(&e.body);
                assert!(
                    !acked_numbers.contains(&n),
                    "event {n} was acknowledged and came back"
                );
                delivered.insert(n);
                s.ack(e.seq).await;
            }
            Next::Timeout => break,
            other => panic!("unexpected {other:?}"),
        }
    }
    let missing: Vec<_> = accepted
        .iter()
        .filter(|n| !acked_numbers.contains(n) && !delivered.contains(n))
        .collect();
    assert!(
        missing.is_empty(),
        "{} posts got 200 but were never delivered: {:?}",
        missing.len(),
        &missing[..missing.len().min(10)]
    );
    assert!(
        accepted.len() > 700,
        "the load was real: {} accepted",
        accepted.len()
    );
}

#[tokio::test]
async fn sigterm_finishes_in_flight_posts_and_exits_zero() {
    let mut relay = Relay::start(&["--rate-limit", "0"]).await;
    let ch = relay.add_channel("team");
    let url = relay.hook_url(&ch.channel, "stage-change");
    let accepted = Arc::new(Mutex::new(BTreeSet::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let loader = tokio::spawn(load(
        url,
        8,
        stop.clone(),
        accepted.clone(),
        Arc::new(0.into()),
    ));
    hirewire_e2e::wait::until_true("posts to flow", T, || async {
        accepted.lock().await.len() > 50
    })
    .await;
    assert_eq!(relay.proc.terminate(T).await, Some(0), "SIGTERM exits 0");
    stop.store(true, Ordering::SeqCst);
    let _ = loader.await;
    let accepted = accepted.lock().await.clone();
    assert!(
        !relay.dir.join("admin.sock").exists(),
        "the admin socket is removed on a clean stop"
    );
    let dir = relay.dir.clone();
    let relay2 = Relay::start_in(&dir, "127.0.0.1:0", &[]).await;
    let mut s = stream::connect(&relay2.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let mut delivered = BTreeSet::new();
    while let Next::Frame(ServerFrame::Event(e)) = s.next(Duration::from_secs(3)).await {
        delivered.insert(number(&e.body));
        s.ack(e.seq).await;
    }
    assert!(
        accepted.is_subset(&delivered),
        "every 200 before the stop is kept"
    );
}

#[tokio::test]
async fn restart_keeps_the_queue_and_the_seq() {
    let mut relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let client = reqwest::Client::new();
    for i in 0..5 {
        client
            .post(relay.hook_url(&ch.channel, "stage-change"))
            .body(format!("{{\"n\":{i}}}"))
            .send()
            .await
            .ok();
    }
    relay.kill9_and_restart().await;
    client
        .post(relay.hook_url(&ch.channel, "stage-change"))
        .body("{\"n\":5}")
        .send()
        .await
        .ok();
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    assert_eq!(s.pending, 6);
    for i in 0..6u64 {
        let e = s.event(T).await;
        assert_eq!((e.seq, number(&e.body)), (i + 1, i));
    }
}
