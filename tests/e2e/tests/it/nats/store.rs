//! The NATS store's own cases, the equivalents of the redb-file tests that skip on it: a
//! message the relay cannot read is skipped with a notice; NATS going away answers 503 and
//! the relay takes posts again by itself once it is back; the channel commands work with no
//! relay running; a webhook Lever posts twice is stored once.

use std::time::Duration;

use hirewire_e2e::nats::{publish_raw, Nats};
use hirewire_e2e::relay::{channel_cmd, post, Channel, Relay};
use hirewire_e2e::stream::{self, Next};
use hirewire_relay::protocol::ServerFrame;

use hirewire_e2e::deadline::RELAY as T;

async fn health(relay: &Relay) -> u16 {
    reqwest::get(format!("{}/healthz", relay.url()))
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

async fn on_nats(nats: &Nats, extra: &[&str]) -> (Relay, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = nats.store_url();
    let mut args = vec!["--store", url.as_str()];
    args.extend_from_slice(extra);
    let relay = Relay::start_in(&tmp.path().join("relay"), "127.0.0.1:0", &args).await;
    (relay, tmp)
}

#[tokio::test]
async fn an_unreadable_message_is_skipped_with_a_notice_and_the_rest_still_flows() {
    let nats = Nats::single().await;
    let (relay, _tmp) = on_nats(&nats, &[]).await;
    let ch = relay.add_channel("team");
    let hook = relay.hook_url(&ch.channel, "stage-change");
    for i in 1..=2 {
        assert_eq!(post(&hook, &format!("{{\"i\":{i}}}")).await, 200);
    }
    // Something other than the relay writes into the channel's stream.
    let subject = format!("hirewire.ev.{}", ch.channel);
    publish_raw(nats.nodes[0].port, &subject, b"\xff not an event").await;
    let pending = "hirewire_relay_events_pending{channel=\"team\"}";
    hirewire_e2e::wait::until_true("the stray message to be seen", T, || async {
        relay.metric(pending).await == Some(3.0)
    })
    .await;
    for i in 4..=5 {
        assert_eq!(post(&hook, &format!("{{\"i\":{i}}}")).await, 200);
    }
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    assert_eq!(s.event(T).await.seq, 1);
    assert_eq!(s.event(T).await.seq, 2);
    match s.next(T).await {
        Next::Frame(ServerFrame::Notice { dropped, seqs, .. }) => {
            assert_eq!((dropped, seqs), (1, vec![3]))
        }
        other => panic!("expected a notice for seq 3, got {other:?}"),
    }
    assert_eq!(s.event(T).await.seq, 4);
    assert_eq!(s.event(T).await.seq, 5);
    s.ack(5).await;
    hirewire_e2e::wait::until_true("the ack to take the stray message too", T, || async {
        relay.metric(pending).await == Some(0.0)
    })
    .await;
}

#[tokio::test]
async fn posts_get_503_while_nats_is_down_and_flow_again_without_a_restart() {
    let mut nats = Nats::single().await;
    let (relay, _tmp) = on_nats(&nats, &["--rate-limit", "0"]).await;
    let ch = relay.add_channel("team");
    let hook = relay.hook_url(&ch.channel, "stage-change");
    assert_eq!(post(&hook, "{\"before\":1}").await, 200);
    nats.nodes[0].stop().await;
    assert_eq!(
        post(&hook, "{\"down\":1}").await,
        503,
        "no 200 without NATS"
    );
    assert_eq!(
        health(&relay).await,
        503,
        "/healthz says NATS takes no writes"
    );
    nats.nodes[0].restart().await;
    let n = std::sync::atomic::AtomicU32::new(0);
    let accepted = hirewire_e2e::wait::until("posts to be taken again", T, || async {
        let i = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        (post(&hook, &format!("{{\"after\":{i}}}")).await == 200).then_some(i)
    })
    .await;
    assert_eq!(health(&relay).await, 200, "healthy again without a restart");
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let first = s.event(T).await;
    assert_eq!((first.seq, first.body.as_str()), (1, "{\"before\":1}"));
    // A 503 promises nothing was acknowledged, not that nothing was written: the write
    // NATS could not confirm in time may land once it is back (Lever's retry of it is then
    // stored once, by its token). What got 200 must all be there.
    let mut bodies = Vec::new();
    while let Next::Frame(ServerFrame::Event(e)) = s.next(Duration::from_secs(2)).await {
        bodies.push(e.body);
    }
    let ok = format!("{{\"after\":{accepted}}}");
    assert_eq!(
        bodies.iter().filter(|b| **b == ok).count(),
        1,
        "the post answered 200 after the restart is delivered, once: {bodies:?}"
    );
}

#[tokio::test]
async fn channel_commands_work_with_no_relay_running() {
    let nats = Nats::single().await;
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path().join("relay");
    let url = nats.store_url();
    let cmd = |args: &[&str]| {
        let mut all = args.to_vec();
        all.extend(["--store", url.as_str()]);
        channel_cmd(&dir, &all)
    };
    let (code, _, err) = cmd(&["add", "team"]);
    assert_eq!(code, 2, "no public URL known yet: {err}");
    let (code, out, err) = cmd(&["add", "team", "--public-url", "https://relay.example.com"]);
    assert_eq!(code, 0, "{err}");
    let ch: Channel = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}"));
    let (code, _, err) = cmd(&["add", "team", "--public-url", "https://relay.example.com"]);
    assert_eq!(code, 2, "names stay unique: {err}");
    let relay = Relay::start_in(&dir, "127.0.0.1:0", &["--store", &url]).await;
    assert_eq!(
        post(&relay.hook_url(&ch.channel, "stage-change"), "{}").await,
        200
    );
    assert!(stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .is_ok());
    let (code, out, _) = cmd(&["list"]);
    assert_eq!(code, 0);
    assert!(
        out.contains(&ch.channel) && out.contains("\"pending\":1"),
        "{out}"
    );
}

#[tokio::test]
async fn a_webhook_posted_twice_with_the_same_token_is_stored_once() {
    let nats = Nats::single().await;
    let (relay, _tmp) = on_nats(&nats, &[]).await;
    let ch = relay.add_channel("team");
    let hook = relay.hook_url(&ch.channel, "candidate-hired");
    let lever = "{\"event\":\"candidateHired\",\"token\":\"tok-1\",\"data\":{}}";
    assert_eq!(post(&hook, lever).await, 200);
    assert_eq!(
        post(&hook, lever).await,
        200,
        "the duplicate is answered 200 too"
    );
    assert_eq!(post(&hook, "{\"token\":\"tok-2\"}").await, 200);
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    assert_eq!(s.pending, 2, "stored once");
    let first = s.event(T).await;
    assert_eq!((first.seq, first.body.as_str()), (1, lever));
    assert_eq!(s.event(T).await.seq, 2);
    assert!(matches!(
        s.next(Duration::from_millis(500)).await,
        Next::Timeout
    ));
}

/// Issue 26, item 8: told to stop while NATS is unreachable, the relay used to log
/// "shutting down" and retry NATS for ever (still running 40 s later). It now stops within
/// the HTTP drain and `--stop-timeout`, says what it could not record, and exits 0.
#[tokio::test]
async fn sigterm_while_nats_is_unreachable_stops_within_the_stop_timeout() {
    let mut nats = Nats::single().await;
    let (mut relay, _tmp) = on_nats(&nats, &["--rate-limit", "0", "--stop-timeout", "2s"]).await;
    let ch = relay.add_channel("team");
    let hook = relay.hook_url(&ch.channel, "stage-change");
    assert_eq!(post(&hook, "{\"kept\":1}").await, 200);
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let e = s.event(T).await;
    nats.nodes[0].kill9();
    // An ack that can no longer be recorded: the stop must not wait for NATS to take it.
    s.ack(e.seq).await;
    drop(s);
    let started = std::time::Instant::now();
    // The bound: the drain (nothing in flight) plus --stop-timeout, with room for a slow
    // machine; the old relay was still running after 40 s.
    let code = relay.proc.terminate(Duration::from_secs(20)).await;
    let took = started.elapsed();
    assert_eq!(code, Some(0), "exit 0 within 20 s (took {took:?})");
    let log = relay.proc.output().join("\n");
    assert!(
        log.contains("relay stopped before its store finished") || log.contains("relay stopped"),
        "the stop is logged:\n{log}"
    );
}
