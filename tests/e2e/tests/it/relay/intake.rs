//! The relay's public intake: what it accepts, what it refuses, and how it says so.

use hirewire_e2e::relay::Relay;
use hirewire_e2e::stream;

use hirewire_e2e::deadline::RELAY as T;

async fn post(url: &str, body: Vec<u8>) -> reqwest::Response {
    reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("post {url}: {e}"))
}

#[tokio::test]
async fn unknown_channel_is_404_and_logged() {
    let mut relay = Relay::start(&[]).await;
    let resp = post(
        &relay.hook_url("no-such-channel", "candidate-hired"),
        b"{}".to_vec(),
    )
    .await;
    assert_eq!(resp.status(), 404);
    let line = relay.proc.wait_line("refused webhook", T).await;
    assert!(line.contains("unknown_channel"), "{line}");
}

#[tokio::test]
async fn body_over_max_body_is_413_and_not_stored() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let resp = post(
        &relay.hook_url(&ch.channel, "candidate-hired"),
        vec![b'a'; 2 * 1024 * 1024],
    )
    .await;
    assert_eq!(resp.status(), 413);
    let ok = post(
        &relay.hook_url(&ch.channel, "candidate-hired"),
        vec![b'a'; 1000 * 1024],
    )
    .await;
    assert_eq!(
        ok.status(),
        200,
        "a body under the 1 MiB default is accepted"
    );
    let s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    assert_eq!(s.pending, 1, "only the accepted body is queued");
}

#[tokio::test]
async fn non_utf8_body_is_400() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let resp = post(
        &relay.hook_url(&ch.channel, "candidate-hired"),
        vec![0xff, 0xfe, 0x00, 0x80],
    )
    .await;
    assert_eq!(resp.status(), 400);
    let body: serde_json::Value = resp.json().await.unwrap_or_default();
    assert!(
        body["error"].as_str().unwrap_or_default().contains("UTF-8"),
        "{body}"
    );
}

#[tokio::test]
async fn backlog_over_max_pending_is_429_with_retry_after() {
    let relay = Relay::start(&["--max-pending", "3"]).await;
    let ch = relay.add_channel("team");
    let url = relay.hook_url(&ch.channel, "stage-change");
    for i in 0..3 {
        assert_eq!(
            post(&url, format!("{{\"n\":{i}}}").into_bytes())
                .await
                .status(),
            200
        );
    }
    let refused = post(&url, b"{\"n\":3}".to_vec()).await;
    assert_eq!(refused.status(), 429);
    let retry: u64 = refused.headers()["retry-after"]
        .to_str()
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!(retry > 0, "Retry-After must tell Lever when to come back");
    // Once the app acknowledges, the channel takes posts again.
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    for _ in 0..3 {
        s.event(T).await;
    }
    s.ack(3).await;
    hirewire_e2e::wait::until_true("the backlog to drain", T, || async {
        post(&url, b"{\"n\":4}".to_vec()).await.status() == 200
    })
    .await;
}

#[tokio::test]
async fn rate_limit_answers_429_with_retry_after() {
    let relay = Relay::start(&["--rate-limit", "1", "--rate-burst", "2"]).await;
    let ch = relay.add_channel("team");
    let url = relay.hook_url(&ch.channel, "stage-change");
    let mut statuses = Vec::new();
    for _ in 0..4 {
        let r = post(&url, b"{}".to_vec()).await;
        statuses.push((
            r.status().as_u16(),
            r.headers().get("retry-after").is_some(),
        ));
    }
    assert_eq!(statuses[0], (200, false));
    assert!(
        statuses.contains(&(429, true)),
        "a burst over the limit gets 429 + Retry-After: {statuses:?}"
    );
}

#[tokio::test]
async fn patch_empty_body_and_content_type_are_kept_exactly() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let client = reqwest::Client::new();
    let r = client
        .patch(relay.hook_url(&ch.channel, "assessment-done"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 200);
    let body = "{ \"x\" : \"caf\u{e9} \\u00e9\" }\n";
    let r = client
        .post(relay.hook_url(&ch.channel, "candidate-hired"))
        .header("content-type", "application/json; charset=utf-8")
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), 200);
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let first = s.event(T).await;
    assert_eq!(
        (
            first.method.as_str(),
            first.endpoint.as_str(),
            first.body.as_str()
        ),
        ("PATCH", "assessment-done", "")
    );
    let second = s.event(T).await;
    assert_eq!(second.body, body, "body bytes are forwarded exactly");
    assert_eq!(
        second.content_type.as_deref(),
        Some("application/json; charset=utf-8")
    );
    assert!(
        second.received_at.ends_with('Z') && second.received_at.contains('.'),
        "RFC 3339 UTC with ms: {}",
        second.received_at
    );
}

#[tokio::test]
async fn invalid_endpoint_name_is_refused() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let resp = post(&relay.hook_url(&ch.channel, "Not_Valid"), b"{}".to_vec()).await;
    assert_eq!(resp.status(), 404);
}

#[tokio::test]
async fn healthz_and_metrics_report_the_store_and_counters() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("metrics-team");
    let health = reqwest::get(format!("{}/healthz", relay.url()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(health.status(), 200);
    for _ in 0..3 {
        post(&relay.hook_url(&ch.channel, "stage-change"), b"{}".to_vec()).await;
    }
    let series = "hirewire_relay_events_received_total{channel=\"metrics-team\"}";
    assert_eq!(relay.metric(series).await, Some(3.0));
    assert_eq!(
        relay
            .metric("hirewire_relay_events_pending{channel=\"metrics-team\"}")
            .await,
        Some(3.0)
    );
    let text = reqwest::get(format!("{}/metrics", relay.url()))
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(text.contains("hirewire_relay_ingest_latency_seconds_bucket"));
    assert!(text.contains("hirewire_relay_connected_clients 0"));
    assert!(
        !text.contains(&ch.channel),
        "channel ids (part of the public URL) stay out of /metrics"
    );
}
