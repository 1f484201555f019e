//! `hirewire-relay migrate`: a redb relay with events waiting for two channels moves to NATS;
//! the app, with the connection codes it already has, receives everything from the NATS
//! relay, at the same seqs, and new events go on after them.

use hirewire_e2e::nats::Nats;
use hirewire_e2e::relay::{post, skip_on_nats, Channel, Relay};
use hirewire_e2e::stream;
use hirewire_relay::protocol::ConnectCode;

use hirewire_e2e::deadline::RELAY as T;

fn migrate(dir: &std::path::Path, store: &str) -> (i32, String, String) {
    let mut cmd = std::process::Command::new(hirewire_e2e::bins::path("hirewire-relay"));
    hirewire_e2e::proc::hermetic(&mut cmd);
    let out = cmd
        .args(["migrate", "--store", store, "--data"])
        .arg(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run migrate: {e}"));
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A redb relay with events waiting on two channels, the first two of channel one
/// already taken by the app; returns the channels and the address, the relay stopped.
async fn redb_with_a_backlog(dir: &std::path::Path) -> (Channel, Channel, String) {
    let mut redb = Relay::start_in(dir, "127.0.0.1:0", &[]).await;
    let (one, two) = (redb.add_channel("one"), redb.add_channel("two"));
    for i in 1..=5 {
        let hook = redb.hook_url(&one.channel, "stage-change");
        assert_eq!(post(&hook, format!("{{\"one\":{i}}}")).await, 200);
    }
    for i in 1..=3 {
        let hook = redb.hook_url(&two.channel, "candidate-hired");
        assert_eq!(post(&hook, format!("{{\"two\":{i}}}")).await, 200);
    }
    let mut s = stream::connect(&redb.url(), &one.channel, Some(&one.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    s.event(T).await;
    s.event(T).await;
    s.ack(2).await;
    hirewire_e2e::wait::until_true("the ack to be durable", T, || async {
        redb.metric("hirewire_relay_acked_seq{channel=\"one\"}")
            .await
            == Some(2.0)
    })
    .await;
    drop(s);
    let addr = redb.addr.to_string();
    redb.stop().await;
    (one, two, addr)
}

/// Opens the stream with the channel's connection code and reads `want` (seq, body).
async fn receive_with_code(ch: &Channel, want: &[(u64, &str)]) {
    let code = ConnectCode::decode(&ch.connect).unwrap_or_else(|e| panic!("{e}"));
    let mut s = stream::connect(&code.url, &code.channel, Some(&code.secret))
        .await
        .unwrap_or_else(|c| panic!("the old code is refused: {c}"));
    assert_eq!(s.pending, want.len() as u64);
    for (seq, body) in want {
        let e = s.event(T).await;
        assert_eq!((e.seq, e.body.as_str()), (*seq, *body));
    }
}

#[tokio::test]
async fn a_redb_relay_moves_to_nats_and_the_app_gets_everything_with_its_codes() {
    if skip_on_nats(
        "a_redb_relay_moves_to_nats…",
        "it starts its own redb and NATS relays",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path().join("relay");
    let (one, two, addr) = redb_with_a_backlog(&dir).await;

    let nats = Nats::single().await;
    let store = nats.store_url();
    let (code, out, err) = migrate(&dir, &store);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), 2, "one line per channel: {out}");
    assert!(out.contains("\"events\":3"), "{out}");

    let relay = Relay::start_in(&dir, &addr, &["--store", &store]).await;
    let one_left = [(3, "{\"one\":3}"), (4, "{\"one\":4}"), (5, "{\"one\":5}")];
    receive_with_code(&one, &one_left).await;
    let two_all = [(1, "{\"two\":1}"), (2, "{\"two\":2}"), (3, "{\"two\":3}")];
    receive_with_code(&two, &two_all).await;
    let hook = relay.hook_url(&one.channel, "stage-change");
    assert_eq!(post(&hook, "{\"one\":6}").await, 200);
    let mut s = stream::connect(&relay.url(), &one.channel, Some(&one.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let mut seqs = Vec::new();
    for _ in 0..4 {
        seqs.push(s.event(T).await.seq);
    }
    assert_eq!(
        seqs,
        vec![3, 4, 5, 6],
        "new events go on after the moved ones"
    );

    // A second run finds everything there and copies nothing.
    let (code, out, err) = migrate(&dir, &store);
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains("\"events\":3") && out.contains("\"events\":0"),
        "{out}"
    );
}
