//! Revocation and stuck streams: rotation and removal end every stream opened with the old
//! secret at once, reading or not; a stream that stops reading still obeys replacement and
//! the peer timeout, and pins bounded memory.

use std::time::Duration;

use hirewire_e2e::relay::{Channel, Relay};
use hirewire_e2e::stream::{self, Next, StreamClient};
use hirewire_relay::protocol::CLOSE_SECRET_ROTATED;
use tokio_tungstenite::tungstenite::Message;

use hirewire_e2e::deadline::RELAY as T;
/// Bodies of this size fill the kernel's socket buffers in a few events, so that a client
/// which stops reading leaves the relay blocked in a write.
const BIG: usize = 1024 * 1024;

async fn post(relay: &Relay, ch: &Channel, body: String) -> u16 {
    hirewire_e2e::relay::post(&relay.hook_url(&ch.channel, "stage-change"), body).await
}

async fn open(relay: &Relay, ch: &Channel, secret: &str) -> StreamClient {
    stream::connect(&relay.url(), &ch.channel, Some(secret))
        .await
        .unwrap_or_else(|c| panic!("stream refused: {c}"))
}

fn big_body(i: usize) -> String {
    format!("{{\"i\":{i},\"pad\":\"{}\"}}", "x".repeat(BIG - 32))
}

async fn clients(relay: &Relay) -> f64 {
    relay
        .metric("hirewire_relay_connected_clients")
        .await
        .unwrap_or(-1.0)
}

async fn wait_clients(relay: &Relay, n: f64, what: &str) {
    hirewire_e2e::wait::until_true(what, T, || async { clients(relay).await == n }).await;
}

/// Reads frames until the stream closes; returns the close code.
async fn close_code(s: &mut StreamClient) -> Option<u16> {
    loop {
        match s.next(T).await {
            Next::Frame(_) => continue,
            Next::Closed(frame) => return frame.map(|f| u16::from(f.code)),
            Next::Timeout => panic!("the stream stayed open"),
        }
    }
}

#[tokio::test]
async fn rotation_ends_a_reading_stream_at_once_and_its_late_acks_delete_nothing() {
    let relay = Relay::start(&[]).await;
    let old = relay.add_channel("team");
    let mut s = open(&relay, &old, &old.secret).await;
    for i in 0..2 {
        assert_eq!(post(&relay, &old, format!("{{\"i\":{i}}}")).await, 200);
        s.event(T).await;
    }
    let (code, out, err) = relay.channel_cmd(&["rotate", &old.channel]);
    assert_eq!(code, 0, "{err}");
    let new: Channel = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}"));
    // The old stream acknowledges after the rotation: it must not delete anything.
    s.ack(2).await;
    assert_eq!(close_code(&mut s).await, Some(CLOSE_SECRET_ROTATED));
    let mut fresh = open(&relay, &old, &new.secret).await;
    assert_eq!(fresh.pending, 2, "the late ack deleted nothing");
    assert_eq!(
        fresh.event(T).await.seq,
        1,
        "everything is resent to the new secret"
    );
}

#[tokio::test]
async fn rotation_and_removal_end_streams_that_are_not_reading() {
    let relay = Relay::start(&["--max-body", "2MiB"]).await;
    let a = relay.add_channel("a");
    let b = relay.add_channel("b");
    for i in 0..24 {
        assert_eq!(post(&relay, &a, big_body(i)).await, 200);
        assert_eq!(post(&relay, &b, big_body(i)).await, 200);
    }
    // Both streams read their welcome and then nothing: the relay's writes block.
    let stuck_a = open(&relay, &a, &a.secret).await;
    let stuck_b = open(&relay, &b, &b.secret).await;
    wait_clients(&relay, 2.0, "two streams").await;
    let (code, _, err) = relay.channel_cmd(&["rotate", &a.channel]);
    assert_eq!(code, 0, "{err}");
    wait_clients(&relay, 1.0, "the rotated channel's stuck stream to end").await;
    let (code, _, err) = relay.channel_cmd(&["remove", &b.channel]);
    assert_eq!(code, 0, "{err}");
    wait_clients(&relay, 0.0, "the removed channel's stuck stream to end").await;
    drop((stuck_a, stuck_b));
}

#[tokio::test]
async fn a_stuck_stream_is_replaced_at_once_and_the_new_one_gets_everything() {
    let relay = Relay::start(&["--max-body", "2MiB"]).await;
    let ch = relay.add_channel("team");
    for i in 0..24 {
        assert_eq!(post(&relay, &ch, big_body(i)).await, 200);
    }
    let stuck = open(&relay, &ch, &ch.secret).await;
    wait_clients(&relay, 1.0, "the stuck stream").await;
    let mut fresh = open(&relay, &ch, &ch.secret).await;
    for i in 0..24 {
        let e = fresh.event(T).await;
        assert_eq!(e.seq, i as u64 + 1);
    }
    wait_clients(&relay, 1.0, "only the new stream").await;
    drop(stuck);
}

#[tokio::test]
async fn six_stuck_reconnects_hold_bounded_memory() {
    let relay = Relay::start(&["--max-body", "2MiB"]).await;
    let ch = relay.add_channel("team");
    for i in 0..40 {
        assert_eq!(post(&relay, &ch, big_body(i)).await, 200);
    }
    let before = relay.rss_kib();
    let mut stuck = Vec::new();
    for _ in 0..6 {
        stuck.push(open(&relay, &ch, &ch.secret).await);
        wait_clients(&relay, 1.0, "one stream at a time").await;
    }
    let after = relay.rss_kib();
    eprintln!("relay RSS: {before} KiB before, {after} KiB with six stuck reconnects");
    assert!(
        after < before + 64 * 1024,
        "six stuck streams must not pin the backlog: {before} KiB → {after} KiB"
    );
}

#[tokio::test]
async fn a_stream_that_stops_reading_is_dropped_at_the_peer_timeout() {
    let relay = Relay::start(&["--max-body", "2MiB", "--peer-timeout", "2s"]).await;
    let ch = relay.add_channel("team");
    for i in 0..24 {
        assert_eq!(post(&relay, &ch, big_body(i)).await, 200);
    }
    let stuck = open(&relay, &ch, &ch.secret).await;
    wait_clients(&relay, 1.0, "the stuck stream").await;
    wait_clients(&relay, 0.0, "the peer timeout to drop it").await;
    drop(stuck);
}

/// The relay's RSS once it has stopped moving (two samples 300 ms apart within 1 MiB).
async fn settled_rss(relay: &Relay) -> u64 {
    let mut last = relay.rss_kib();
    hirewire_e2e::wait::until_every(
        "the relay's memory to settle",
        T,
        Duration::from_millis(300),
        || {
            let now = relay.rss_kib();
            let settled = now.abs_diff(last) < 1024;
            last = now;
            async move { settled.then_some(now) }
        },
    )
    .await
}

#[tokio::test]
async fn a_ping_flood_from_a_client_that_never_reads_stays_bounded() {
    let relay = Relay::start(&["--max-body", "2MiB"]).await;
    let ch = relay.add_channel("team");
    for i in 0..24 {
        // Small events: the stream's own window (another test bounds it) stays out of the
        // figure, and the relay's pongs alone fill the socket until it stops reading.
        assert_eq!(post(&relay, &ch, format!("{{\"i\":{i}}}")).await, 200);
    }
    let mut flood = open(&relay, &ch, &ch.secret).await;
    // The stream's first window of events is read from the store as it opens (on NATS, a
    // request per event, still arriving after the upgrade): that memory belongs to the
    // stream, which another test bounds. The pings' effect is measured from after it.
    let before = settled_rss(&relay).await;
    let mut sent = 0u32;
    for _ in 0..200_000 {
        // Once the relay stops reading, the client's own sends block: stop there.
        let ping = flood.send_raw(Message::Ping(vec![7u8; 64].into()));
        if tokio::time::timeout(Duration::from_secs(2), ping)
            .await
            .is_err()
        {
            break;
        }
        sent += 1;
    }
    let after = relay.rss_kib();
    eprintln!("relay RSS: {before} KiB before, {after} KiB after {sent} pings");
    assert!(
        after < before + 32 * 1024,
        "pings from a client that does not read must not grow memory: {before} → {after} KiB"
    );
}
