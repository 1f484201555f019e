//! Setup without copy and paste: `hirewire webhooks --create` makes Lever's four webhooks
//! with a setup key, keeps their signing tokens in the keychain, and the first event Lever
//! signs with one of them becomes work; it never makes a webhook twice, and a key that may
//! not manage webhooks gets the permission it lacks and the copy-by-hand fallback.

use std::time::Duration;

use hirewire_e2e::world::{Options, World, LEVER_ENDPOINTS};
use hirewire_fakes::lever::Perm;
use hirewire_fakes::webhook::LeverEvent;

const T: Duration = Duration::from_secs(60);

const SETUP_KEY: &str = "setup-key-webhooks";

/// A world configured but for the webhooks, with a setup key that may manage them.
async fn world() -> World {
    let w = World::unconfigured().await;
    w.configure_but_webhooks(&Options::default());
    w.lever
        .add_key(SETUP_KEY, &[Perm::FindAllWebhooks, Perm::CreateWebhook]);
    w
}

fn create(w: &World, key: &str) -> hirewire_e2e::app::Output {
    w.app.cli(&["webhooks", "--create"], key)
}

async fn created_webhooks_deliver_signed_events_that_become_work(nested_answer: bool) {
    let mut w = world().await;
    w.lever.set_webhook_create_nested(nested_answer);
    let out = create(&w, SETUP_KEY);
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout.matches("created in Lever").count(),
        4,
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("switch on"), "{}", out.stdout);
    let hooks = w.lever.webhooks();
    assert_eq!(hooks.len(), 4);
    for ep in LEVER_ENDPOINTS {
        let url = w.relay.hook_url(&w.channel.channel, ep);
        assert!(
            hooks.iter().any(|h| h.url == url),
            "no webhook for {url}: {hooks:?}"
        );
    }
    let secrets = w.app.ok(&["secret", "list"], "");
    for ep in LEVER_ENDPOINTS {
        let line = secrets
            .lines()
            .find(|l| l.starts_with(&format!("lever-signing-token/{ep}")))
            .unwrap_or_default();
        assert!(
            line.ends_with(" set") && !line.ends_with("not set"),
            "{secrets}"
        );
    }

    // A Super Admin switches the group on; Lever signs with the webhook's own token.
    w.lever.enable_webhooks("candidateHired");
    w.start().await;
    let sent = w.lever.deliver(&LeverEvent::hired(&w.ids.ada)).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].status, Some(200));
    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(entry["status"], "done", "{entry:#}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_webhooks_deliver_signed_events_that_become_work_with_a_single_data_answer() {
    created_webhooks_deliver_signed_events_that_become_work(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_webhooks_deliver_signed_events_that_become_work_with_a_nested_data_answer() {
    created_webhooks_deliver_signed_events_that_become_work(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_again_makes_no_second_webhook_and_one_without_a_kept_token_is_left_to_a_person() {
    let w = world().await;
    assert_eq!(create(&w, SETUP_KEY).code, 0);
    let again = create(&w, SETUP_KEY);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(
        again.stdout.matches("already in Lever").count(),
        4,
        "{}",
        again.stdout
    );
    assert_eq!(w.lever.webhooks().len(), 4, "nothing made twice");

    // A token lost from the keychain: Lever will not show it again, so a person decides.
    w.app.ok(
        &["secret", "delete", "lever-signing-token/stage-change"],
        "",
    );
    let third = create(&w, SETUP_KEY);
    assert!(
        third
            .stdout
            .contains("shows its signing token only when it is made"),
        "{}",
        third.stdout
    );
    assert_eq!(w.lever.webhooks().len(), 4, "still nothing made twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_that_may_not_manage_webhooks_names_the_permission_and_makes_nothing() {
    let w = world().await;
    w.lever.add_key("lists-only", &[Perm::FindAllStages]);
    let out = create(&w, "lists-only");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stdout.contains("«Find all webhooks»"), "{}", out.stdout);
    assert!(out.stdout.contains("Copy each URL"), "{}", out.stdout);
    w.lever.add_key("list-no-create", &[Perm::FindAllWebhooks]);
    let out = create(&w, "list-no-create");
    assert!(out.stdout.contains("«Create a webhook»"), "{}", out.stdout);
    assert!(w.lever.webhooks().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lever_out_of_reach_is_a_network_failure_not_a_missing_permission() {
    let w = world().await;
    let toml = w
        .settings_toml(&Options::default())
        .replace(&w.lever.url(), "http://127.0.0.1:9");
    w.app.import(&toml);
    let out = create(&w, SETUP_KEY);
    assert_ne!(out.code, 0);
    assert!(
        out.stderr.contains("could not be reached"),
        "{}",
        out.stderr
    );
    assert!(!out.stderr.contains("lacks"), "{}", out.stderr);
}
