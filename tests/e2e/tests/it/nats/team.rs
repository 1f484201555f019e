//! Team mode across relay replicas on one NATS store: a long-poll on one replica is woken
//! at once by a write through another (log, commands), a revocation through one ends the
//! device's long-poll on the other with 401, and the engine connected to one is seen as
//! connected through the other.

use std::time::{Duration, Instant};

use hirewire_e2e::nats::Nats;
use hirewire_e2e::relay::Relay;
use hirewire_e2e::team::{new_key, records, As, TeamClient};
use hirewire_e2e::wait::until_true;
use serde_json::json;

use super::replicas::{knows, two_replicas};

use hirewire_e2e::deadline::RELAY as T;
const LONG: u64 = 25_000;
const AT_ONCE: Duration = Duration::from_secs(5);

async fn held(relay: &Relay, n: f64) {
    until_true("the long-poll held by the relay", T, || async {
        relay.metric("hirewire_relay_team_long_polls").await == Some(n)
    })
    .await;
}

#[tokio::test]
async fn a_write_through_one_replica_wakes_a_long_poll_on_the_other_at_once() {
    let nats = Nats::single().await;
    let (a, b, _tmp) = two_replicas(&nats, &[]).await;
    let ch = a.add_channel("team");
    knows(&b, &ch).await;
    let (on_a, on_b) = (
        TeamClient::new(&a.url(), &ch.channel),
        TeamClient::new(&b.url(), &ch.channel),
    );
    let engine = As::Engine(ch.secret.clone());
    let key = new_key();
    assert_eq!(
        on_a.put_device(&engine, "dana", &key, "member").await.0,
        200
    );
    let seat = As::seat("dana", key);

    // The log: the seat waits on B, the engine appends through A.
    let reader = {
        let (c, s) = (on_b.clone(), seat.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            (c.read_log(&s, 0, LONG).await, started.elapsed())
        })
    };
    held(&b, 1.0).await;
    assert_eq!(on_a.append(&engine, 1, &[b"r1"]).await.0, 200);
    let ((s, page), took) = reader.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s, records(&page)), (200, vec![(1, b"r1".to_vec())]));
    assert!(took < AT_ONCE, "woken only after {took:?}");

    // Commands: the engine waits on A, the seat posts through B.
    let waiting = {
        let (c, e) = (on_a.clone(), engine.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            (c.commands(&e, 0, LONG).await, started.elapsed())
        })
    };
    held(&a, 1.0).await;
    assert_eq!(on_b.command(&seat, b"approve").await.0, 200);
    let ((s, page), took) = waiting.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (s, page["commands"][0]["device"].clone()),
        (200, json!("dana"))
    );
    assert!(took < AT_ONCE, "woken only after {took:?}");

    // The engine's stream on A is seen through B.
    let stream = hirewire_e2e::stream::connect(&a.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("stream refused: {c}"));
    until_true("the engine seen as connected through B", T, || async {
        on_b.read_log(&seat, 0, 0).await.1["engine"]["connected"] == json!(true)
    })
    .await;
    stream.close().await;
    until_true("the engine seen as gone through B", T, || async {
        on_b.read_log(&seat, 0, 0).await.1["engine"]["connected"] == json!(false)
    })
    .await;
}

#[tokio::test]
async fn a_revocation_through_one_replica_ends_the_devices_long_poll_on_the_other() {
    let nats = Nats::single().await;
    let (a, b, _tmp) = two_replicas(&nats, &[]).await;
    let ch = a.add_channel("team");
    knows(&b, &ch).await;
    let (on_a, on_b) = (
        TeamClient::new(&a.url(), &ch.channel),
        TeamClient::new(&b.url(), &ch.channel),
    );
    let engine = As::Engine(ch.secret.clone());
    let key = new_key();
    assert_eq!(
        on_a.put_device(&engine, "dana", &key, "member").await.0,
        200
    );
    let seat = As::seat("dana", key);
    let reader = {
        let (c, s) = (on_b.clone(), seat.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            (c.read_log(&s, 0, LONG).await, started.elapsed())
        })
    };
    held(&b, 1.0).await;
    assert_eq!(on_a.revoke(&engine, "dana").await.0, 200);
    let ((s, body), took) = reader.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s, 401, "{body}");
    assert!(took < AT_ONCE, "ended only after {took:?}");
    assert_eq!(on_b.read_log(&seat, 0, 0).await.0, 401);
}
