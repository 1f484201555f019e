//! One client must not take the relay down: idle and slow connections are cut off, bodies
//! are refused before they are read when the answer does not depend on them, and a flood
//! of connections from one address leaves room for everyone else.

use std::net::IpAddr;
use std::time::{Duration, Instant};

use hirewire_e2e::net::{self, Fate};
use hirewire_e2e::relay::Relay;

use hirewire_e2e::deadline::RELAY as T;
const ATTACKER: [u8; 4] = [127, 0, 0, 1];
const OTHER: [u8; 4] = [127, 0, 0, 2];

fn ip(a: [u8; 4]) -> IpAddr {
    IpAddr::from(a)
}

async fn post_from(from: [u8; 4], url: &str) -> u16 {
    reqwest::Client::builder()
        .local_address(ip(from))
        .build()
        .unwrap_or_default()
        .post(url)
        .body("{}")
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0)
}

#[tokio::test]
async fn an_idle_connection_is_closed_after_the_header_timeout() {
    let relay = Relay::start(&["--header-timeout", "1s"]).await;
    let mut idle = net::connect_from(ip(ATTACKER), relay.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let opened = Instant::now();
    assert!(
        matches!(net::fate(&mut idle, T).await, Fate::Closed(_)),
        "a connection that sends nothing is closed"
    );
    assert!(
        opened.elapsed() < Duration::from_secs(5),
        "closed after about a second"
    );

    // A keep-alive connection waiting for its next request is cut off the same way.
    let mut kept = net::connect_from(ip(ATTACKER), relay.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(net::send(&mut kept, b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").await);
    let answer = net::read_until(&mut kept, b"ok\n", T).await;
    assert!(
        answer.starts_with(b"HTTP/1.1 200"),
        "{}",
        String::from_utf8_lossy(&answer)
    );
    assert!(matches!(net::fate(&mut kept, T).await, Fate::Closed(_)));
}

#[tokio::test]
async fn headers_sent_byte_by_byte_are_cut_off_at_the_header_timeout() {
    let relay = Relay::start(&["--header-timeout", "1s"]).await;
    let ch = relay.add_channel("team");
    let mut slow = net::connect_from(ip(ATTACKER), relay.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "POST /hooks/{}/stage-change HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\n\r\n",
        ch.channel,
        "p".repeat(200)
    );
    let started = Instant::now();
    let mut cut_off = false;
    for b in head.as_bytes() {
        // A slowloris client: one byte at a time, each well inside any per-read timeout.
        if !net::send(&mut slow, &[*b]).await {
            cut_off = true;
            break;
        }
        if let Fate::Closed(_) = net::fate(&mut slow, Duration::from_millis(100)).await {
            cut_off = true;
            break;
        }
    }
    assert!(cut_off, "the relay waited for the whole trickled header");
    assert!(
        started.elapsed() < Duration::from_secs(8),
        "cut off near the 1 s header timeout, not after {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn an_unfinished_body_is_answered_408_at_the_body_timeout_and_not_stored() {
    let relay = Relay::start(&["--body-timeout", "1s"]).await;
    let ch = relay.add_channel("team");
    let mut conn = net::connect_from(ip(ATTACKER), relay.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "POST /hooks/{}/stage-change HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n",
        ch.channel
    );
    assert!(net::send(&mut conn, head.as_bytes()).await);
    let answer = net::read_until(&mut conn, b"\r\n\r\n", T).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 408"), "{text}");
    assert_eq!(
        relay
            .metric("hirewire_relay_timeouts_total{reason=\"body\"}")
            .await,
        Some(1.0)
    );
    assert_eq!(
        relay
            .metric("hirewire_relay_events_received_total{channel=\"team\"}")
            .await
            .unwrap_or(0.0),
        0.0,
        "nothing was stored"
    );
}

#[tokio::test]
async fn an_unknown_channel_is_refused_before_its_body_is_read() {
    let relay = Relay::start(&[]).await;
    let mut conn = net::connect_from(ip(ATTACKER), relay.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // Announces almost 1 MiB and sends ten bytes: the answer must not wait for the rest.
    let head = "POST /hooks/nosuchchannel/stage-change HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n0123456789";
    assert!(net::send(&mut conn, head.as_bytes()).await);
    let started = Instant::now();
    let answer = net::read_until(&mut conn, b"\r\n\r\n", T).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 404"), "{text}");
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "answered at once"
    );
}

#[tokio::test]
async fn expect_100_continue_over_the_limit_gets_an_early_413() {
    let relay = Relay::start(&["--max-body", "1KiB"]).await;
    let ch = relay.add_channel("team");
    let mut conn = net::connect_from(ip(ATTACKER), relay.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "POST /hooks/{}/stage-change HTTP/1.1\r\nHost: x\r\nContent-Length: 2048\r\nExpect: 100-continue\r\n\r\n",
        ch.channel
    );
    assert!(net::send(&mut conn, head.as_bytes()).await);
    let answer = net::read_until(&mut conn, b"\r\n\r\n", T).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(
        text.starts_with("HTTP/1.1 413"),
        "the refusal comes instead of 100 Continue: {text}"
    );
}

#[tokio::test]
async fn a_connection_flood_from_one_address_leaves_room_for_others() {
    let mut relay = Relay::start(&["--max-connections-per-ip", "20"]).await;
    let ch = relay.add_channel("team");
    let mut conns = Vec::new();
    for _ in 0..60 {
        if let Ok(c) = net::connect_from(ip(ATTACKER), relay.addr).await {
            conns.push(c);
        }
    }
    assert_eq!(conns.len(), 60, "the kernel accepts every TCP connection");
    // The relay closes the ones over the cap as soon as it accepts them.
    let fates = futures_util::future::join_all(
        conns
            .iter_mut()
            .map(|c| net::fate(c, Duration::from_secs(2))),
    )
    .await;
    let refused = fates
        .iter()
        .filter(|f| matches!(f, Fate::Closed(_)))
        .count();
    let held: Vec<_> = fates
        .iter()
        .filter(|f| matches!(f, Fate::Open(_)))
        .collect();
    assert_eq!(held.len(), 20, "the per-address cap holds");
    assert_eq!(refused, 40);
    let hook = relay.hook_url(&ch.channel, "stage-change");
    assert_eq!(
        post_from(OTHER, &hook).await,
        200,
        "another address is served"
    );
    let health = reqwest::Client::builder()
        .local_address(ip(OTHER))
        .build()
        .unwrap_or_default()
        .get(format!("{}/healthz", relay.url()))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(health, 200);
    // Metrics are read from the flooding address: let it go first.
    drop(conns);
    let counted = relay
        .metric("hirewire_relay_connections_refused_total{reason=\"max_connections_per_ip\"}")
        .await
        .unwrap_or(0.0);
    assert_eq!(counted, 40.0);
    relay
        .proc
        .wait_line("connection refused: a connection cap is reached", T)
        .await;
}

#[tokio::test]
async fn under_a_low_file_limit_idle_sockets_cannot_stop_posts_or_health_checks() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut relay = Relay::start_wrapped(
        &["prlimit", "--nofile=256:256", "--"],
        &tmp.path().join("relay"),
        "127.0.0.1:0",
        &[],
    )
    .await;
    relay
        .proc
        .wait_line(
            "--max-connections lowered to stay below the open-file limit",
            T,
        )
        .await;
    let ch = relay.add_channel("team");
    let mut held = Vec::new();
    for _ in 0..300 {
        if let Ok(c) = net::connect_from(ip(ATTACKER), relay.addr).await {
            held.push(c);
        }
    }
    let hook = relay.hook_url(&ch.channel, "stage-change");
    assert_eq!(post_from(OTHER, &hook).await, 200, "posts still work");
    let health = reqwest::Client::builder()
        .local_address(ip(OTHER))
        .build()
        .unwrap_or_default()
        .get(format!("{}/healthz", relay.url()))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(health, 200, "the health check still works");
    drop(held);
}
