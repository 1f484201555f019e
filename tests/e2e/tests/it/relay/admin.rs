//! `channel add|list|remove|rotate`, online (through the admin socket) and offline.

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use hirewire_e2e::relay::{channel_cmd, post, Relay};
use hirewire_e2e::stream;
use hirewire_relay::protocol::{ConnectCode, CLOSE_CHANNEL_REMOVED};

#[tokio::test]
async fn add_prints_credentials_whose_code_opens_the_stream() {
    let relay = Relay::start(&["--public-url", "https://relay.example.com"]).await;
    let ch = relay.add_channel("recruiting");
    let code = ConnectCode::decode(&ch.connect).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (
            code.url.as_str(),
            code.channel.as_str(),
            code.secret.as_str()
        ),
        (
            "https://relay.example.com",
            ch.channel.as_str(),
            ch.secret.as_str()
        )
    );
    assert!(
        ch.channel.len() >= 22 && ch.secret.len() >= 22,
        "128+ bits each"
    );
    assert!(
        stream::connect(&relay.url(), &code.channel, Some(&code.secret))
            .await
            .is_ok()
    );
    let mode = std::fs::metadata(relay.dir.join("admin.sock"))
        .map(|m| m.permissions().mode() & 0o777)
        .unwrap_or(0);
    assert_eq!(mode, 0o600, "the admin socket is for the relay's user only");
    let db = std::fs::read(relay.dir.join("relay.redb")).unwrap_or_default();
    assert!(
        !db.windows(ch.secret.len())
            .any(|w| w == ch.secret.as_bytes()),
        "only a hash of the secret is stored"
    );
}

#[tokio::test]
async fn duplicate_names_and_unknown_ids_are_usage_errors() {
    let relay = Relay::start(&[]).await;
    relay.add_channel("team");
    let (code, _, err) = relay.channel_cmd(&["add", "team"]);
    assert_eq!(code, 2);
    assert!(err.contains("already exists"), "{err}");
    let (code, _, err) = relay.channel_cmd(&["rotate", "nope"]);
    assert_eq!(code, 2);
    assert!(err.contains("no channel"), "{err}");
}

#[tokio::test]
async fn list_shows_pending_and_last_delivery() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    for _ in 0..2 {
        assert_eq!(
            post(&relay.hook_url(&ch.channel, "stage-change"), "{}").await,
            200
        );
    }
    let (code, out, _) = relay.channel_cmd(&["list"]);
    assert_eq!(code, 0);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["id"], ch.channel.as_str());
    assert_eq!(rows[0]["name"], "team");
    assert_eq!(rows[0]["pending"], 2);
    assert!(rows[0]["last_delivery"].is_null());
    assert!(rows[0]["created"]
        .as_str()
        .unwrap_or_default()
        .ends_with('Z'));
}

#[tokio::test]
async fn rotate_makes_the_old_secret_fail_at_once() {
    let relay = Relay::start(&[]).await;
    let old = relay.add_channel("team");
    let mut open_stream = stream::connect(&relay.url(), &old.channel, Some(&old.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let (code, out, err) = relay.channel_cmd(&["rotate", &old.channel]);
    assert_eq!(code, 0, "{err}");
    let new: hirewire_e2e::relay::Channel =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(new.channel, old.channel);
    assert_ne!(new.secret, old.secret);
    assert_eq!(
        stream::connect(&relay.url(), &old.channel, Some(&old.secret))
            .await
            .err(),
        Some(401)
    );
    assert!(
        stream::connect(&relay.url(), &old.channel, Some(&new.secret))
            .await
            .is_ok()
    );
    // The stream opened with the new secret replaced the old one.
    assert!(matches!(
        open_stream.next(Duration::from_secs(10)).await,
        stream::Next::Closed(_)
    ));
}

#[tokio::test]
async fn remove_deletes_the_channel_and_its_queue() {
    let relay = Relay::start(&[]).await;
    let ch = relay.add_channel("team");
    let keep = relay.add_channel("keep");
    for _ in 0..3 {
        post(&relay.hook_url(&ch.channel, "stage-change"), "{}").await;
    }
    post(&relay.hook_url(&keep.channel, "stage-change"), "{}").await;
    let mut s = stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .unwrap_or_else(|c| panic!("{c}"));
    let (code, _, err) = relay.channel_cmd(&["remove", &ch.channel]);
    assert_eq!(code, 0, "{err}");
    let closed = loop {
        match s.next(Duration::from_secs(10)).await {
            stream::Next::Frame(_) => continue,
            other => break other,
        }
    };
    match closed {
        stream::Next::Closed(Some(f)) => assert_eq!(u16::from(f.code), CLOSE_CHANNEL_REMOVED),
        other => panic!("open stream should close with 4004, got {other:?}"),
    }
    assert_eq!(
        post(&relay.hook_url(&ch.channel, "stage-change"), "{}").await,
        404
    );
    let (_, out, _) = relay.channel_cmd(&["list"]);
    assert!(!out.contains(&ch.channel) && out.contains(&keep.channel));
    // The queue is gone from the file, not only from memory: check offline after a stop.
    let dir = relay.dir.clone();
    let mut relay = relay;
    assert_eq!(relay.proc.terminate(Duration::from_secs(15)).await, Some(0));
    let (_, out, _) = channel_cmd(&dir, &["list"]);
    let rows: Vec<serde_json::Value> = out
        .lines()
        .filter_map(|l| serde_json::from_str(l).ok())
        .collect();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["pending"], 1, "the other channel's queue is intact");
}

#[tokio::test]
async fn channel_commands_work_offline_and_the_server_picks_them_up() {
    if hirewire_e2e::relay::skip_on_nats("channel_commands_work_offline_and_the_server_picks_them_up", "offline commands edit relay.redb; nats::store::channel_commands_work_with_no_relay_running is its equivalent") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = tmp.path().join("relay");
    let (code, _, err) = channel_cmd(&dir, &["add", "team"]);
    assert_eq!(code, 2, "no public URL known yet: {err}");
    assert!(err.contains("--public-url"), "{err}");
    let (code, out, err) = channel_cmd(
        &dir,
        &["add", "team", "--public-url", "https://relay.example.com"],
    );
    assert_eq!(code, 0, "{err}");
    let ch: hirewire_e2e::relay::Channel =
        serde_json::from_str(out.trim()).unwrap_or_else(|e| panic!("{e}"));
    let relay = Relay::start_in(&dir, "127.0.0.1:0", &[]).await;
    assert_eq!(
        post(&relay.hook_url(&ch.channel, "stage-change"), "{}").await,
        200
    );
    assert!(stream::connect(&relay.url(), &ch.channel, Some(&ch.secret))
        .await
        .is_ok());
}

#[tokio::test]
async fn tls_serves_https_with_the_given_certificate() {
    let cert = rcgen::generate_simple_self_signed(vec!["localhost".to_string()])
        .unwrap_or_else(|e| panic!("{e}"));
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let (cert_path, key_path) = (tmp.path().join("cert.pem"), tmp.path().join("key.pem"));
    std::fs::write(&cert_path, cert.cert.pem()).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&key_path, cert.signing_key.serialize_pem()).unwrap_or_else(|e| panic!("{e}"));
    let (c, k) = (
        cert_path.to_string_lossy().to_string(),
        key_path.to_string_lossy().to_string(),
    );
    let relay = Relay::start(&[
        "--tls-cert",
        &c,
        "--tls-key",
        &k,
        "--public-url",
        "https://localhost",
    ])
    .await;
    let ch = relay.add_channel("team");
    let root = reqwest::Certificate::from_pem(cert.cert.pem().as_bytes())
        .unwrap_or_else(|e| panic!("{e}"));
    let client = reqwest::Client::builder()
        .add_root_certificate(root)
        .resolve("localhost", relay.addr)
        .build()
        .unwrap_or_else(|e| panic!("{e}"));
    let url = format!(
        "https://localhost:{}/hooks/{}/candidate-hired",
        relay.addr.port(),
        ch.channel
    );
    let resp = client
        .post(&url)
        .body("{}")
        .send()
        .await
        .unwrap_or_else(|e| panic!("https post: {e}"));
    assert_eq!(resp.status(), 200);
    // Plain HTTP on the TLS port is not served.
    assert!(reqwest::Client::new()
        .post(relay.hook_url(&ch.channel, "candidate-hired"))
        .body("{}")
        .send()
        .await
        .map(|r| r.status() != 200)
        .unwrap_or(true));
}

#[tokio::test]
async fn tls_with_a_missing_key_file_fails_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let out = std::process::Command::new(hirewire_e2e::bins::path("hirewire-relay"))
        .args([
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--tls-cert",
            "/nonexistent/cert.pem",
            "--tls-key",
            "/nonexistent/key.pem",
            "--data",
        ])
        .arg(tmp.path())
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot read the certificate file /nonexistent/cert.pem"),
        "{err}"
    );
}

#[tokio::test]
async fn ids_never_start_with_a_dash_and_one_that_does_is_still_taken_as_an_id() {
    let relay = Relay::start(&[]).await;
    // Ids are letters and digits, so `remove ID` and `rotate ID` never see an option.
    for i in 0..40 {
        let ch = relay.add_channel(&format!("team-{i}"));
        assert!(
            ch.channel.chars().all(|c| c.is_ascii_alphanumeric()),
            "{}",
            ch.channel
        );
    }
    // An id that starts with `-` reaches the relay, which says it does not know it.
    for cmd in ["remove", "rotate"] {
        let (code, _, err) = relay.channel_cmd(&[cmd, "-Tx9"]);
        assert_ne!(code, 0);
        assert!(
            err.contains("-Tx9") && !err.contains("unexpected argument"),
            "{err}"
        );
    }
}
