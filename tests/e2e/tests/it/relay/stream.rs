//! The app's stream: order, acknowledgement, resumption, replacement, refusal, bad frames.

use std::time::Duration;

use hirewire_e2e::relay::Relay;
use hirewire_e2e::stream::{self, Next, StreamClient};
use hirewire_relay::protocol::{ServerFrame, CLOSE_BAD_FRAME, CLOSE_REPLACED};
use tokio_tungstenite::tungstenite::Message;

use hirewire_e2e::deadline::RELAY as T;

use hirewire_e2e::relay::post;

async fn open(relay: &Relay, ch: &hirewire_e2e::relay::Channel) -> StreamClient {
    stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("stream refused: {c}"))
}

/// Bodies that differ in length, escaping and non-ASCII text, to prove byte-exactness.
fn body(i: usize) -> String {
    format!(
        "{{\"i\":{i},\"name\":\"Zo\u{eb} \\\"{i}\\\"\",\"pad\":\"{}\"}}",
        "x".repeat(i * 7)
    )
}

#[tokio::test]
async fn events_posted_while_offline_arrive_in_order_and_byte_exact() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    for i in 0..40 {
        assert_eq!(
            post(&relay.hook_url(&ch.channel, "candidate-hired"), body(i)).await,
            200
        );
    }
    let mut s = open(&relay, &ch).await;
    assert_eq!(s.pending, 40, "welcome counts what waits");
    for i in 0..40 {
        let e = s.event(T).await;
        assert_eq!(e.seq, i as u64 + 1);
        assert_eq!(e.body, body(i));
        assert_eq!(e.endpoint, "candidate-hired");
    }
    s.ack(40).await;
    hirewire_e2e::wait::until_true("acks to be committed", T, || async {
        relay
            .metric("hirewire_relay_events_pending{channel=\"team\"}")
            .await
            == Some(0.0)
    })
    .await;
}

#[tokio::test]
async fn live_events_arrive_while_connected() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let mut s = open(&relay, &ch).await;
    assert_eq!(
        post(&relay.hook_url(&ch.channel, "stage-change"), body(1)).await,
        200
    );
    let e = s.event(T).await;
    assert_eq!((e.seq, e.body.as_str()), (1, body(1).as_str()));
}

#[tokio::test]
async fn only_window_events_are_in_flight_until_acked() {
    let relay = Relay::start(&["--window", "5"]).await;
    let ch = relay.add_channel("team");
    for i in 0..12 {
        post(&relay.hook_url(&ch.channel, "stage-change"), body(i)).await;
    }
    let mut s = open(&relay, &ch).await;
    for seq in 1..=5 {
        assert_eq!(s.event(T).await.seq, seq);
    }
    assert!(
        matches!(s.next(Duration::from_millis(500)).await, Next::Timeout),
        "a sixth event must wait for an ack"
    );
    s.ack(2).await;
    assert_eq!(s.event(T).await.seq, 6);
    assert_eq!(s.event(T).await.seq, 7);
}

#[tokio::test]
async fn reconnect_resumes_right_after_the_last_ack() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    for i in 0..10 {
        post(&relay.hook_url(&ch.channel, "stage-change"), body(i)).await;
    }
    let mut s = open(&relay, &ch).await;
    for _ in 0..6 {
        s.event(T).await;
    }
    s.ack(4).await;
    hirewire_e2e::wait::until_true("ack 4 to be durable", T, || async {
        relay
            .metric("hirewire_relay_acked_seq{channel=\"team\"}")
            .await
            == Some(4.0)
    })
    .await;
    drop(s); // connection dropped without a close frame
    let mut again = open(&relay, &ch).await;
    assert_eq!(again.pending, 6);
    let e = again.event(T).await;
    assert_eq!(
        (e.seq, e.body),
        (5, body(4)),
        "resends everything after the last ack, nothing before"
    );
}

#[tokio::test]
async fn a_second_stream_replaces_the_first_with_4001() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let mut first = open(&relay, &ch).await;
    let mut second = open(&relay, &ch).await;
    match first.next(T).await {
        Next::Closed(Some(frame)) => assert_eq!(u16::from(frame.code), CLOSE_REPLACED),
        other => panic!("the first stream should be closed with 4001, got {other:?}"),
    }
    post(&relay.hook_url(&ch.channel, "stage-change"), body(0)).await;
    assert_eq!(
        second.event(T).await.seq,
        1,
        "the new stream gets the events"
    );
}

#[tokio::test]
async fn wrong_or_missing_secret_is_401_before_upgrade() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    assert_eq!(
        stream::connect(&relay.url(), &ch.channel, Some("wrong"))
            .await
            .err(),
        Some(401)
    );
    assert_eq!(
        stream::connect(&relay.url(), &ch.channel, None).await.err(),
        Some(401)
    );
    let other = relay.add_channel("other");
    assert_eq!(
        stream::connect(&relay.url(), &ch.channel, Some(&other.secret))
            .await
            .err(),
        Some(401),
        "a secret opens only its own channel"
    );
    assert_eq!(
        stream::connect(&relay.url(), "nope", Some(&ch.secret))
            .await
            .err(),
        Some(404)
    );
}

#[tokio::test]
async fn garbage_and_oversized_frames_close_that_stream_and_harm_no_other() {
    let relay = Relay::start(&[]).await;
    let a = relay.add_channel("a");
    let b = relay.add_channel("b");
    let mut good = open(&relay, &b).await;

    let mut garbage = open(&relay, &a).await;
    garbage
        .send_raw(Message::Text("this is not json".into()))
        .await;
    match garbage.next(T).await {
        Next::Closed(Some(f)) => assert_eq!(u16::from(f.code), CLOSE_BAD_FRAME),
        other => panic!("garbage should close the stream with 4002, got {other:?}"),
    }
    let mut binary = open(&relay, &a).await;
    binary.send_raw(Message::Binary(vec![0u8; 16].into())).await;
    assert!(matches!(binary.next(T).await, Next::Closed(_)));
    let mut huge = open(&relay, &a).await;
    huge.send_raw(Message::Text("x".repeat(2 * 1024 * 1024).into()))
        .await;
    assert!(
        matches!(huge.next(T).await, Next::Closed(_)),
        "an oversized frame closes the stream"
    );
    let mut beyond = open(&relay, &a).await;
    beyond.ack(99).await;
    assert!(
        matches!(beyond.next(T).await, Next::Closed(_)),
        "an ack for events never sent is a protocol error"
    );

    post(&relay.hook_url(&b.channel, "stage-change"), body(3)).await;
    assert_eq!(
        good.event(T).await.body,
        body(3),
        "the other channel's stream is unharmed"
    );
    let mut a_again = open(&relay, &a).await;
    post(&relay.hook_url(&a.channel, "stage-change"), body(4)).await;
    assert_eq!(
        a_again.event(T).await.body,
        body(4),
        "the channel itself still works"
    );
}

#[tokio::test]
async fn events_past_max_age_are_dropped_with_a_notice() {
    let relay = Relay::start(&["--max-age", "1s"]).await;
    let ch = relay.add_channel("team");
    for i in 0..3 {
        post(&relay.hook_url(&ch.channel, "stage-change"), body(i)).await;
    }
    hirewire_e2e::wait::until_true("the age sweep to drop 3 events", T, || async {
        relay
            .metric("hirewire_relay_events_dropped_total{channel=\"team\"}")
            .await
            == Some(3.0)
    })
    .await;
    let mut s = open(&relay, &ch).await;
    match s.next(T).await {
        Next::Frame(ServerFrame::Notice {
            dropped, reason, ..
        }) => {
            assert_eq!(dropped, 3);
            assert!(reason.contains("acknowledged"), "{reason}");
        }
        other => panic!("expected a notice, got {other:?}"),
    }
    post(&relay.hook_url(&ch.channel, "stage-change"), body(9)).await;
    let e = s.event(T).await;
    assert_eq!(
        (e.seq, e.body),
        (4, body(9)),
        "later events still flow after the gap"
    );
}

#[tokio::test]
async fn status_checks_the_secret_without_taking_over_the_stream() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let mut s = open(&relay, &ch).await;
    post(&relay.hook_url(&ch.channel, "stage-change"), body(1)).await;
    let url = format!("{}/v1/channels/{}/status", relay.url(), ch.channel);
    let client = reqwest::Client::new();
    let ok = client
        .get(&url)
        .bearer_auth(&ch.secret)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ok.status(), 200);
    let v: serde_json::Value = ok.json().await.unwrap_or_default();
    assert_eq!(v["pending"], 1);
    let bad = client
        .get(&url)
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(bad.status(), 401);
    assert_eq!(
        s.event(T).await.seq,
        1,
        "the open stream is still the one receiving"
    );
}
