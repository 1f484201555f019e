//! The relay's seat API (team mode, `docs/relay.md` "Seats"), end to end against the real
//! relay binary: devices and seat authentication, the team log and its long-polls, the
//! command queue, pairing mailboxes, every bound's refusal, durability across `kill -9`,
//! and what the relay's disk holds. Runs on redb and, in the NATS pass, on JetStream.

use std::path::Path;
use std::time::{Duration, Instant};

use hirewire_e2e::relay::{Channel, Relay};
use hirewire_e2e::team::{new_key, now_ms, records, As, TeamClient};
use hirewire_e2e::wait::until_true;
use hirewire_relay::team::{self, MailboxSide};
use serde_json::{json, Value};

use hirewire_e2e::deadline::RELAY as T;
/// A long-poll's wait in these tests: far longer than any wake-up may take.
const LONG: u64 = 25_000;
/// A wake-up "at once": well under the long-poll's wait.
const AT_ONCE: Duration = Duration::from_secs(5);

struct Team {
    relay: Relay,
    ch: Channel,
    c: TeamClient,
    engine: As,
}

impl Team {
    async fn start(extra: &[&str]) -> Team {
        let relay = Relay::start(extra).await;
        let ch = relay.add_channel("team");
        let c = TeamClient::new(&relay.url(), &ch.channel);
        let engine = As::Engine(ch.secret.clone());
        Team {
            relay,
            ch,
            c,
            engine,
        }
    }

    /// Registers a new device and returns it as a seat.
    async fn seat(&self, device: &str, role: &str) -> As {
        let key = new_key();
        let (status, body) = self.c.put_device(&self.engine, device, &key, role).await;
        assert_eq!(status, 200, "{body}");
        As::seat(device, key)
    }
}

/// Waits until the relay holds `n` long-polls open (so that what follows must wake them).
async fn held(relay: &Relay, n: f64) {
    until_true(
        &format!("{n} long-poll(s) held by the relay"),
        T,
        || async { relay.metric("hirewire_relay_team_long_polls").await == Some(n) },
    )
    .await;
}

fn error(body: &Value) -> String {
    body["error"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn records_get_positions_from_one_and_a_long_poll_is_woken_by_an_append_at_once() {
    let t = Team::start(&[]).await;
    let seat = t.seat("dana-laptop", "member").await;
    let (s, page) = t.c.read_log(&seat, 0, 0).await;
    assert_eq!(s, 200, "{page}");
    assert_eq!(
        (page["first"].as_u64(), page["next"].as_u64()),
        (Some(1), Some(1))
    );

    let (s, body) = t.c.append(&t.engine, 1, &[b"one", b"two"]).await;
    assert_eq!(
        (s, body["first"].as_u64(), body["next"].as_u64()),
        (200, Some(1), Some(3))
    );

    let (s, page) = t.c.read_log(&seat, 0, 0).await;
    assert_eq!(s, 200);
    assert_eq!(
        records(&page),
        vec![(1, b"one".to_vec()), (2, b"two".to_vec())]
    );
    let (_, page) = t.c.read_log(&seat, 1, 0).await;
    assert_eq!(records(&page), vec![(2, b"two".to_vec())]);

    // A seat waits at the end of the log; the append wakes it long before its wait is up.
    let reader = {
        let (c, seat) = (t.c.clone(), seat.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let answer = c.read_log(&seat, 2, LONG).await;
            (answer, started.elapsed())
        })
    };
    held(&t.relay, 1.0).await;
    assert!(
        !reader.is_finished(),
        "the long-poll answered without a record"
    );
    let (s, _) = t.c.append(&t.engine, 3, &[b"three"]).await;
    assert_eq!(s, 200);
    let ((s, page), took) = reader.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s, 200, "{page}");
    assert_eq!(records(&page), vec![(3, b"three".to_vec())]);
    assert!(
        took < AT_ONCE,
        "the append woke the long-poll only after {took:?}"
    );

    // The engine reads the log too; a read with nothing new waits its time, then answers empty.
    let started = Instant::now();
    let (s, page) = t.c.read_log(&t.engine, 3, 300).await;
    assert_eq!((s, records(&page).len()), (200, 0));
    assert!(started.elapsed() >= Duration::from_millis(300));
}

#[tokio::test]
async fn an_append_at_the_wrong_position_is_409_with_the_actual_next_and_stores_nothing() {
    let t = Team::start(&[]).await;
    assert_eq!(t.c.append(&t.engine, 1, &[b"a"]).await.0, 200);
    for wrong in [1, 3, 100] {
        let (s, body) = t.c.append(&t.engine, wrong, &[b"x"]).await;
        assert_eq!(
            (s, body["next"].as_u64()),
            (409, Some(2)),
            "expect {wrong}: {body}"
        );
    }
    let (_, page) = t.c.read_log(&t.engine, 0, 0).await;
    assert_eq!(records(&page), vec![(1, b"a".to_vec())]);
    assert_eq!(page["next"].as_u64(), Some(2));

    // Compaction drops what is before P; positions go on without gaps.
    assert_eq!(t.c.append(&t.engine, 2, &[b"b", b"c"]).await.0, 200);
    let path = team::log_compact_path(&t.ch.channel);
    let (s, body) =
        t.c.send(&t.engine, "POST", &path, "", Some(json!({"before": 3})))
            .await;
    assert_eq!((s, body["first"].as_u64()), (200, Some(3)), "{body}");
    let (_, page) = t.c.read_log(&t.engine, 0, 0).await;
    assert_eq!(records(&page), vec![(3, b"c".to_vec())]);
    assert_eq!(
        (page["first"].as_u64(), page["next"].as_u64()),
        (Some(3), Some(4))
    );
    let (s, body) = t.c.append(&t.engine, 4, &[b"d"]).await;
    assert_eq!((s, body["first"].as_u64()), (200, Some(4)));
}

#[tokio::test]
async fn the_log_commands_devices_and_the_engines_last_seen_survive_a_kill_9() {
    let mut t = Team::start(&[]).await;
    let seat = t.seat("dana-laptop", "member").await;
    let viewer = t.seat("sam-desktop", "viewer").await;
    // The engine's stream opens and closes: the relay records when it was last seen.
    let stream = hirewire_e2e::stream::connect(&t.relay.url(), &t.ch.channel, Some(&t.ch.secret))
        .await
        .unwrap_or_else(|c| panic!("stream refused: {c}"));
    let (_, page) = t.c.read_log(&seat, 0, 0).await;
    assert_eq!(page["engine"]["connected"], json!(true), "{page}");
    stream.close().await;
    let last_seen: String =
        hirewire_e2e::wait::until("the engine seen as disconnected", T, || async {
            let (_, page) = t.c.read_log(&seat, 0, 0).await;
            let seen = page["engine"]["last_seen"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            (page["engine"]["connected"] == json!(false) && !seen.is_empty()).then_some(seen)
        })
        .await;
    assert_eq!(t.c.append(&t.engine, 1, &[b"r1", b"r2"]).await.0, 200);
    for i in 0..3u8 {
        assert_eq!(t.c.command(&seat, &[b'c', i]).await.0, 200);
    }

    t.relay.kill9_and_restart().await;

    let (s, page) = t.c.read_log(&viewer, 0, 0).await;
    assert_eq!(s, 200, "the viewer's device was forgotten: {page}");
    assert_eq!(
        records(&page),
        vec![(1, b"r1".to_vec()), (2, b"r2".to_vec())]
    );
    assert_eq!(page["engine"]["connected"], json!(false));
    assert_eq!(
        page["engine"]["last_seen"].as_str(),
        Some(last_seen.as_str())
    );
    let (_, cmds) = t.c.commands(&t.engine, 0, 0).await;
    let seqs: Vec<u64> = cmds["commands"]
        .as_array()
        .map(|a| a.iter().filter_map(|c| c["seq"].as_u64()).collect())
        .unwrap_or_default();
    assert_eq!(seqs, vec![1, 2, 3], "{cmds}");
    let (_, devices) = t.c.devices(&t.engine).await;
    let names: Vec<&str> = devices["devices"]
        .as_array()
        .map(|a| a.iter().filter_map(|d| d["device"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, vec!["dana-laptop", "sam-desktop"]);
    assert!(
        devices["devices"][0]["last_seen"].is_string(),
        "the seat's last-seen time was not kept: {devices}"
    );
    assert_eq!(devices["devices"][1]["role"], json!("viewer"));
    // Positions go on after the restart.
    assert_eq!(t.c.append(&t.engine, 3, &[b"r3"]).await.0, 200);
}

#[tokio::test]
async fn seat_requests_are_refused_for_an_unknown_device_a_bad_signature_and_a_stale_time() {
    let t = Team::start(&[]).await;
    let seat = t.seat("dana-laptop", "member").await;
    let path = team::log_path(&t.ch.channel);

    let stranger = As::seat("nobody", new_key());
    let (s, body) = t.c.read_log(&stranger, 0, 0).await;
    assert_eq!(s, 401);
    assert!(error(&body).contains("not a member"), "{body}");

    // The right device id with another key: the signature does not verify.
    let forged = As::seat("dana-laptop", new_key());
    let (s, body) = t.c.read_log(&forged, 0, 0).await;
    assert_eq!(s, 401);
    assert!(error(&body).contains("signature"), "{body}");

    // Signed six minutes ago, and six minutes ahead.
    for skew in [-360_000i64, 360_000] {
        let at = (now_ms() as i64 + skew) as u64;
        let (s, body) = t.c.send_at(&seat, "GET", &path, "", None, at).await;
        assert_eq!(s, 401, "{body}");
        assert!(error(&body).contains("clock"), "{body}");
    }
    // A signature for another path does not open this one.
    let As::Seat(_, key) = &seat else {
        unreachable!()
    };
    let other = team::seat_auth_header(
        &t.ch.channel,
        "dana-laptop",
        key,
        "GET",
        "/elsewhere",
        now_ms(),
    );
    let r = reqwest::Client::new()
        .get(format!("{}{path}", t.relay.url()))
        .header("authorization", other)
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(r, 401);
    // Garbage and a missing credential.
    for header in ["HirewireSeat x", "Basic abc", ""] {
        let mut req = reqwest::Client::new().get(format!("{}{path}", t.relay.url()));
        if !header.is_empty() {
            req = req.header("authorization", header);
        }
        let status = req.send().await.map(|r| r.status().as_u16()).unwrap_or(0);
        assert_eq!(status, 401, "{header:?}");
    }
    // A seat may not do the engine's requests.
    let (s, _) = t.c.append(&seat, 1, &[b"x"]).await;
    assert_eq!(s, 403);
    let (s, _) = t.c.commands(&seat, 0, 0).await;
    assert_eq!(s, 403);
    let (s, _) = t.c.put_device(&seat, "other", &new_key(), "member").await;
    assert_eq!(s, 403);
    // And the right seat passes.
    assert_eq!(t.c.read_log(&seat, 0, 0).await.0, 200);
    assert!(
        t.relay
            .metric("hirewire_relay_requests_refused_total{reason=\"team_unauthorized\"}")
            .await
            .unwrap_or(0.0)
            >= 7.0
    );
}

#[tokio::test]
async fn revoking_a_device_ends_its_open_long_poll_with_401_at_once() {
    let t = Team::start(&[]).await;
    let seat = t.seat("dana-laptop", "member").await;
    let other = t.seat("sam-desktop", "member").await;
    let open = |who: As| {
        let c = t.c.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            let answer = c.read_log(&who, 0, LONG).await;
            (answer, started.elapsed())
        })
    };
    let revoked = open(seat.clone());
    let kept = open(other.clone());
    held(&t.relay, 2.0).await;
    assert!(!revoked.is_finished());
    let (s, body) = t.c.revoke(&t.engine, "dana-laptop").await;
    assert_eq!(s, 200, "{body}");
    let ((s, body), took) = revoked.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s, 401, "{body}");
    assert!(error(&body).contains("removed"), "{body}");
    assert!(
        took < AT_ONCE,
        "the revoked long-poll ended only after {took:?}"
    );
    // The other seat's long-poll goes on, and its next record still wakes it.
    assert!(!kept.is_finished(), "the other seat's long-poll ended too");
    assert_eq!(t.c.append(&t.engine, 1, &[b"x"]).await.0, 200);
    let ((s, page), _) = kept.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((s, records(&page).len()), (200, 1));
    // Every later request of the revoked device is refused.
    assert_eq!(t.c.read_log(&seat, 0, 0).await.0, 401);
    assert_eq!(t.c.command(&seat, b"approve").await.0, 401);
}

#[tokio::test]
async fn commands_reach_the_engine_in_order_and_unacknowledged_ones_come_again() {
    let t = Team::start(&[]).await;
    let dana = t.seat("dana-laptop", "member").await;
    let sam = t.seat("sam-desktop", "member").await;
    // The engine waits for commands; a seat's post wakes it at once.
    let waiting = {
        let (c, e) = (t.c.clone(), t.engine.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            (c.commands(&e, 0, LONG).await, started.elapsed())
        })
    };
    held(&t.relay, 1.0).await;
    assert!(!waiting.is_finished());
    let (s, body) = t.c.command(&dana, b"sealed-1").await;
    assert_eq!((s, body["seq"].as_u64()), (200, Some(1)), "{body}");
    let ((s, page), took) = waiting.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s, 200);
    assert!(
        took < AT_ONCE,
        "the command woke the engine only after {took:?}"
    );
    assert_eq!(page["commands"][0]["device"], json!("dana-laptop"));
    assert_eq!(page["commands"][0]["body"], json!(team::b64(b"sealed-1")));

    assert_eq!(
        t.c.command(&sam, b"sealed-2").await.1["seq"].as_u64(),
        Some(2)
    );
    assert_eq!(
        t.c.command(&dana, b"sealed-3").await.1["seq"].as_u64(),
        Some(3)
    );
    let bodies = |page: &Value| -> Vec<(u64, String, Vec<u8>)> {
        page["commands"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|c| {
                        (
                            c["seq"].as_u64().unwrap_or(0),
                            c["device"].as_str().unwrap_or_default().to_string(),
                            team::unb64(c["body"].as_str().unwrap_or_default()).unwrap_or_default(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let (_, page) = t.c.commands(&t.engine, 0, 0).await;
    assert_eq!(
        bodies(&page),
        vec![
            (1, "dana-laptop".into(), b"sealed-1".to_vec()),
            (2, "sam-desktop".into(), b"sealed-2".to_vec()),
            (3, "dana-laptop".into(), b"sealed-3".to_vec()),
        ]
    );
    assert!(page["commands"][0]["received_at"]
        .as_str()
        .is_some_and(|t| t.ends_with('Z')));
    // The engine did the first and acknowledges it; it then "reconnects" (reads from the
    // start again): what it did not acknowledge comes again, in order.
    assert_eq!(t.c.ack(&t.engine, 1).await.0, 200);
    let (_, page) = t.c.commands(&t.engine, 0, 0).await;
    let seqs: Vec<u64> = bodies(&page).into_iter().map(|c| c.0).collect();
    assert_eq!(seqs, vec![2, 3]);
    // An ack past the end deletes what exists and no more; later commands go on numbering.
    assert_eq!(t.c.ack(&t.engine, 99).await.0, 200);
    assert_eq!(bodies(&t.c.commands(&t.engine, 0, 0).await.1).len(), 0);
    assert_eq!(
        t.c.command(&dana, b"sealed-4").await.1["seq"].as_u64(),
        Some(4)
    );
    // The engine does not send commands.
    assert_eq!(t.c.command(&t.engine, b"x").await.0, 403);
}

#[tokio::test]
async fn a_pairing_mailbox_carries_both_sides_expires_and_keeps_its_bounds() {
    let t = Team::start(&[]).await;
    let mb = "bWFpbGJveC0xMjM0NTY3OA";
    // Not opened yet: refused.
    assert_eq!(t.c.mail(mb, MailboxSide::Seat, b"x").await.0, 404);
    assert_eq!(t.c.open_mailbox(&t.engine, mb, 3600).await.0, 200);

    // The engine waits for the seat's message; the seat's post wakes it.
    let waiting = {
        let c = t.c.clone();
        tokio::spawn(async move {
            let started = Instant::now();
            (
                c.read_mail(mb, MailboxSide::Seat, 0, LONG).await,
                started.elapsed(),
            )
        })
    };
    held(&t.relay, 1.0).await;
    assert!(!waiting.is_finished());
    let (s, body) = t.c.mail(mb, MailboxSide::Seat, b"spake2-seat").await;
    assert_eq!((s, body["n"].as_u64()), (200, Some(1)));
    let ((s, page), took) = waiting.await.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s, 200);
    assert!(took < AT_ONCE);
    assert_eq!(
        page["messages"][0]["body"],
        json!(team::b64(b"spake2-seat"))
    );
    assert_eq!(
        t.c.mail(mb, MailboxSide::Engine, b"spake2-engine").await.0,
        200
    );
    let (_, page) = t.c.read_mail(mb, MailboxSide::Engine, 0, 0).await;
    assert_eq!(page["messages"][0]["n"].as_u64(), Some(1));
    assert_eq!(
        page["messages"][0]["body"],
        json!(team::b64(b"spake2-engine"))
    );

    // Bounds: 4 KiB a message, 8 messages a side.
    assert_eq!(t.c.mail(mb, MailboxSide::Seat, &[0u8; 4097]).await.0, 413);
    assert_eq!(t.c.mail(mb, MailboxSide::Seat, &[0u8; 4096]).await.0, 200);
    for _ in 3..=8 {
        assert_eq!(t.c.mail(mb, MailboxSide::Seat, b"m").await.0, 200);
    }
    assert_eq!(t.c.mail(mb, MailboxSide::Seat, b"ninth").await.0, 429);
    let bad_side = format!("{}/neither", team::mailbox_path(&t.ch.channel, mb));
    let body = Some(json!({"body": team::b64(b"m")}));
    assert_eq!(
        t.c.send(&As::Anyone, "POST", &bad_side, "", body).await.0,
        404
    );
    // More than 7 days is refused.
    let (s, _) =
        t.c.open_mailbox(&t.engine, "other", 7 * 24 * 3600 + 1)
            .await;
    assert_eq!(s, 400);

    // Closed: gone for both sides.
    assert_eq!(t.c.close_mailbox(&t.engine, mb).await.0, 200);
    assert_eq!(t.c.read_mail(mb, MailboxSide::Seat, 0, 0).await.0, 404);
    assert_eq!(t.c.mail(mb, MailboxSide::Engine, b"late").await.0, 404);

    // One that expires: refused once its time is up.
    let short = "c2hvcnQtbGl2ZWQtbWFpbGJveA";
    assert_eq!(t.c.open_mailbox(&t.engine, short, 1).await.0, 200);
    assert_eq!(t.c.mail(short, MailboxSide::Seat, b"hi").await.0, 200);
    until_true("the mailbox expired", T, || async {
        t.c.read_mail(short, MailboxSide::Seat, 0, 0).await.0 == 404
    })
    .await;
    assert_eq!(t.c.mail(short, MailboxSide::Seat, b"late").await.0, 404);
}

#[tokio::test]
async fn each_seat_bound_is_refused_with_its_status_a_log_line_and_a_metric() {
    let t = Team::start(&[
        "--max-record",
        "1KiB",
        "--max-command",
        "1KiB",
        "--seat-commands-per-minute",
        "3",
        "--seat-connections",
        "2",
        "--max-seats",
        "2",
    ])
    .await;
    let seat = t.seat("dana-laptop", "member").await;
    let _second = t.seat("sam-desktop", "viewer").await;
    let refused = |reason: &str| {
        let series = format!("hirewire_relay_requests_refused_total{{reason=\"{reason}\"}}");
        let relay = &t.relay;
        async move { relay.metric(&series).await.unwrap_or(0.0) }
    };

    // A third device: 409 over --max-seats; re-registering a known one is fine.
    let (s, body) =
        t.c.put_device(&t.engine, "third", &new_key(), "member")
            .await;
    assert_eq!(s, 409, "{body}");
    assert!(error(&body).contains("--max-seats"));
    assert_eq!(refused("team_max_seats").await, 1.0);
    assert_eq!(
        t.c.put_device(&t.engine, "sam-desktop", &new_key(), "member")
            .await
            .0,
        200
    );

    // A record over --max-record: 413, and nothing of the request stored.
    let (s, body) = t.c.append(&t.engine, 1, &[b"ok", &[7u8; 1025]]).await;
    assert_eq!(s, 413, "{body}");
    assert_eq!(refused("team_record_too_large").await, 1.0);
    assert_eq!(
        t.c.read_log(&t.engine, 0, 0).await.1["next"].as_u64(),
        Some(1)
    );
    assert_eq!(t.c.append(&t.engine, 1, &[&[7u8; 1024]]).await.0, 200);
    // More than 8 MiB in one request: 413.
    let many: Vec<Vec<u8>> = (0..8193).map(|_| vec![1u8; 1024]).collect();
    let refs: Vec<&[u8]> = many.iter().map(Vec::as_slice).collect();
    let (s, _) = t.c.append(&t.engine, 2, &refs).await;
    assert_eq!(s, 413);

    // A command over --max-command: 413.
    let (s, _) = t.c.command(&seat, &[1u8; 1025]).await;
    assert_eq!(s, 413);
    assert_eq!(refused("team_command_too_large").await, 1.0);
    // Commands per minute: the fourth of three is 429 with Retry-After (the refused
    // over-size one above counted too).
    assert_eq!(t.c.command(&seat, b"c2").await.0, 200);
    assert_eq!(t.c.command(&seat, b"c3").await.0, 200);
    let path = team::commands_path(&t.ch.channel);
    let As::Seat(_, key) = &seat else {
        unreachable!()
    };
    let resp = reqwest::Client::new()
        .post(format!("{}{path}", t.relay.url()))
        .header(
            "authorization",
            team::seat_auth_header(&t.ch.channel, "dana-laptop", key, "POST", &path, now_ms()),
        )
        .json(&json!({"body": team::b64(b"c4")}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(resp.status().as_u16(), 429);
    let retry: u64 = resp
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    assert!((1..=60).contains(&retry), "Retry-After {retry}");
    assert_eq!(refused("team_seat_rate").await, 1.0);

    // Open requests per seat: two long-polls held, a third is 429.
    let hold = || {
        let (c, s) = (t.c.clone(), seat.clone());
        tokio::spawn(async move { c.read_log(&s, 1, LONG).await })
    };
    let (a, b) = (hold(), hold());
    until_true("both long-polls held", T, || async {
        t.c.read_log(&seat, 1, 0).await.0 == 429
    })
    .await;
    assert!(refused("team_seat_connections").await >= 1.0);
    // Ended by a record, the slots are free again.
    assert_eq!(t.c.append(&t.engine, 2, &[b"wake"]).await.0, 200);
    for h in [a, b] {
        assert_eq!(h.await.map(|r| r.0).unwrap_or(0), 200);
    }
    assert_eq!(t.c.read_log(&seat, 0, 0).await.0, 200);
    // The log names the channel and device of each refusal.
    let log = t.relay.proc.output();
    assert!(
        log.iter().any(|l| l.contains("refused team request")
            && l.contains("dana-laptop")
            && l.contains("team_seat_rate")),
        "no log line for the rate refusal"
    );
}

#[tokio::test]
async fn a_seat_credential_is_refused_on_the_webhook_stream() {
    use tokio_tungstenite::tungstenite::client::IntoClientRequest;
    let t = Team::start(&[]).await;
    let seat = t.seat("dana-laptop", "member").await;
    let As::Seat(_, key) = &seat else {
        unreachable!()
    };
    let path = format!("/v1/channels/{}/stream", t.ch.channel);
    let url = format!("{}{path}", t.relay.url().replacen("http", "ws", 1));
    let mut req = url.into_client_request().unwrap_or_else(|e| panic!("{e}"));
    let header = team::seat_auth_header(&t.ch.channel, "dana-laptop", key, "GET", &path, now_ms());
    req.headers_mut().insert(
        "authorization",
        header.parse().unwrap_or_else(|e| panic!("{e}")),
    );
    let status = match tokio_tungstenite::connect_async(req).await {
        Err(tokio_tungstenite::tungstenite::Error::Http(resp)) => resp.status().as_u16(),
        Err(e) => panic!("unexpected error: {e}"),
        Ok(_) => panic!("a seat opened the webhook stream"),
    };
    assert_eq!(status, 401);
    // The engine's stream is still there for the engine.
    assert!(
        hirewire_e2e::stream::connect(&t.relay.url(), &t.ch.channel, Some(&t.ch.secret))
            .await
            .is_ok()
    );
}

/// Every file under `dir`, read whole.
fn all_bytes(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                out.push((p.display().to_string(), bytes));
            }
        }
    }
    out
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[tokio::test]
async fn the_relays_disk_holds_the_opaque_bytes_as_sent_and_nothing_only_sent_in_headers() {
    let mut t = Team::start(&[]).await;
    // A name sent only in headers (the User-Agent and a custom header) of every request:
    // the relay must not store it anywhere.
    let marker_header = "Ana-Header-Only-Zebrafish";
    let record = b"RECORD-BYTES-OPAQUE-Quokka-7731".to_vec();
    let command = b"COMMAND-BYTES-OPAQUE-Narwhal-4410".to_vec();
    let mail = b"MAILBOX-BYTES-OPAQUE-Pangolin-9".to_vec();
    let key = new_key();
    let path = team::device_path(&t.ch.channel, "dana-laptop");
    let http = reqwest::Client::builder()
        .user_agent(marker_header)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let s = http
        .put(format!("{}{path}", t.relay.url()))
        .header("authorization", format!("Bearer {}", t.ch.secret))
        .header("x-seat-name", marker_header)
        .json(&json!({"key": hirewire_e2e::team::public(&key), "role": "member"}))
        .send()
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    assert_eq!(s, 200);
    let seat = As::seat("dana-laptop", key);
    assert_eq!(t.c.append(&t.engine, 1, &[&record]).await.0, 200);
    assert_eq!(t.c.command(&seat, &command).await.0, 200);
    assert_eq!(t.c.open_mailbox(&t.engine, "mbx", 600).await.0, 200);
    assert_eq!(t.c.mail("mbx", MailboxSide::Seat, &mail).await.0, 200);
    // Stop the relay so that everything it holds is on disk (redb, or the NATS store).
    t.relay.stop().await;

    let files = all_bytes_of(&t.relay.store_dirs());
    for (what, needle) in [
        ("record", &record),
        ("command", &command),
        ("mailbox message", &mail),
    ] {
        assert!(
            files.iter().any(|(_, b)| contains(b, needle)),
            "the {what} is not stored byte for byte"
        );
        // Not re-encoded either: its base64 (as it crossed the wire) is not kept.
        let wire = team::b64(needle);
        assert!(
            !files.iter().any(|(_, b)| contains(b, wire.as_bytes())),
            "the {what} is stored as its wire encoding"
        );
    }
    for (path, bytes) in &files {
        assert!(
            !contains(bytes, marker_header.as_bytes()),
            "{path} holds a name sent only in a header"
        );
    }
}

fn all_bytes_of(dirs: &[std::path::PathBuf]) -> Vec<(String, Vec<u8>)> {
    dirs.iter().flat_map(|d| all_bytes(d)).collect()
}

#[tokio::test]
async fn removing_the_channel_removes_its_team() {
    let t = Team::start(&[]).await;
    let seat = t.seat("dana-laptop", "member").await;
    assert_eq!(t.c.append(&t.engine, 1, &[b"r"]).await.0, 200);
    assert_eq!(t.c.command(&seat, b"c").await.0, 200);
    assert_eq!(t.c.open_mailbox(&t.engine, "mbx", 600).await.0, 200);
    // A seat waiting on the log hears the removal at once (404).
    let waiting = {
        let (c, s) = (t.c.clone(), seat.clone());
        tokio::spawn(async move { c.read_log(&s, 1, LONG).await.0 })
    };
    held(&t.relay, 1.0).await;
    let (code, _, err) = t.relay.channel_cmd(&["remove", &t.ch.channel]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(waiting.await.unwrap_or(0), 404);
    // Everything of it is gone: a new channel gets none of it, and the old id is unknown.
    assert_eq!(t.c.read_log(&seat, 0, 0).await.0, 404);
    assert_eq!(t.c.read_mail("mbx", MailboxSide::Seat, 0, 0).await.0, 404);
    assert_eq!(t.c.devices(&t.engine).await.0, 404);
    if hirewire_e2e::relay::store_is_nats() {
        return;
    }
    // On redb, no row of the team is left in the file.
    let mut relay = t.relay;
    relay.stop().await;
    let db = redb::Database::open(relay.dir.join("relay.redb")).unwrap_or_else(|e| panic!("{e}"));
    let txn = redb::ReadableDatabase::begin_read(&db).unwrap_or_else(|e| panic!("{e}"));
    let rows = |name: &str| -> u64 {
        use redb::ReadableTableMetadata;
        match name {
            "team-log-v1" => txn
                .open_table(redb::TableDefinition::<(&str, u64), &[u8]>::new(name))
                .and_then(|t| Ok(t.len()?)),
            "team-commands-v1" => txn
                .open_table(redb::TableDefinition::<(&str, u64), (&str, u64, &[u8])>::new(name))
                .and_then(|t| Ok(t.len()?)),
            "team-devices-v1" => txn
                .open_table(redb::TableDefinition::<(&str, &str), &[u8]>::new(name))
                .and_then(|t| Ok(t.len()?)),
            "team-mailboxes-v1" => txn
                .open_table(redb::TableDefinition::<(&str, &str), u64>::new(name))
                .and_then(|t| Ok(t.len()?)),
            "team-meta-v1" => txn
                .open_table(redb::TableDefinition::<(&str, &str), u64>::new(name))
                .and_then(|t| Ok(t.len()?)),
            _ => unreachable!(),
        }
        .unwrap_or_else(|e| panic!("{name}: {e}"))
    };
    for table in [
        "team-log-v1",
        "team-commands-v1",
        "team-devices-v1",
        "team-mailboxes-v1",
        "team-meta-v1",
    ] {
        assert_eq!(
            rows(table),
            0,
            "{table} still holds rows of the removed channel"
        );
    }
}

#[tokio::test]
async fn an_empty_append_is_checked_against_the_position_too() {
    let t = Team::start(&[]).await;
    let (s, body) = t.c.append(&t.engine, 1, &[]).await;
    assert_eq!((s, body["next"].as_u64()), (200, Some(1)), "{body}");
    let (s, body) = t.c.append(&t.engine, 5, &[]).await;
    assert_eq!((s, body["next"].as_u64()), (409, Some(1)), "{body}");
    // And an `expect` of 0 is no position at all.
    let (s, _) = t.c.append(&t.engine, 0, &[b"x"]).await;
    assert_eq!(s, 400);
}
