//! Setup without copy and paste: `hirewire webhooks --create` makes Lever's four webhooks
//! with a setup key, keeps their signing tokens in the keychain, and the first event Lever
//! signs with one of them becomes work; it never makes a webhook twice, and a key that may
//! not manage webhooks gets the permission it lacks and the copy-by-hand fallback.

use hirewire_e2e::world::{Options, World, LEVER_ENDPOINTS};
use hirewire_fakes::lever::Perm;
use hirewire_fakes::webhook::LeverEvent;

use hirewire_e2e::deadline::FLOW as T;

const SETUP_KEY: &str = "setup-key-webhooks";

/// A world configured but for the webhooks, with a setup key that may manage them. The
/// test relay serves plain HTTP on loopback, which Lever would refuse: the fake Lever is
/// told to take it, as nothing else here depends on the scheme.
async fn world() -> World {
    let w = World::unconfigured().await;
    w.configure_but_webhooks(&Options::default());
    w.lever.allow_http_loopback_webhooks(true);
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
    // Lever documents no `limit` for its list of webhooks: none is sent.
    let lists: Vec<String> = w
        .lever
        .requests()
        .into_iter()
        .filter(|r| r.method == "GET" && r.path.starts_with("/v1/webhooks"))
        .map(|r| r.path)
        .collect();
    assert!(
        !lists.is_empty() && lists.iter().all(|p| p == "/v1/webhooks"),
        "{lists:?}"
    );
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

/// Lever's example makes a webhook with every origin in `configuration.conditions`; what a
/// webhook made without them fires for is undocumented. Under the reading where it fires
/// for nobody, webhooks Hirewire made still deliver, because each names every origin
/// (`candidateDeleted` takes no conditions and gets none).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn created_webhooks_name_every_origin_so_they_fire_even_if_lever_needs_conditions() {
    let mut w = world().await;
    w.lever.set_webhooks_without_conditions_fire(false);
    let out = create(&w, SETUP_KEY);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let every = [
        "agency",
        "applied",
        "internal",
        "referred",
        "sourced",
        "university",
    ];
    for hook in w.lever.webhooks() {
        let origins: Vec<String> = hook
            .conditions
            .as_ref()
            .and_then(|c| c["origins"].as_array().cloned())
            .unwrap_or_default()
            .iter()
            .filter_map(|o| o.as_str().map(str::to_string))
            .collect();
        if hook.event == "candidateDeleted" {
            assert!(hook.conditions.is_none(), "{hook:?}");
        } else {
            assert_eq!(origins, every, "{hook:?}");
        }
    }
    w.lever.enable_webhooks("candidateHired");
    w.start().await;
    let sent = w.lever.deliver(&LeverEvent::hired(&w.ids.ada)).await;
    assert_eq!(sent.len(), 1, "the hired webhook fired: {sent:?}");
    assert_eq!(sent[0].status, Some(200));
    let entry = w.wait_final(&w.ids.ada, "candidateHired", T).await;
    assert_eq!(entry["status"], "done", "{entry:#}");
}

/// A webhook someone made in Lever for Hirewire's URL with fewer origins never fires for
/// the candidates it leaves out: both the setup and `hirewire check` say which, and what to do.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_that_filters_origins_out_is_named_by_setup_and_by_check() {
    let w = world().await;
    let url = w.relay.hook_url(&w.channel.channel, "candidate-hired");
    let made = reqwest::Client::new()
        .post(format!("{}/webhooks", w.lever.url()))
        .basic_auth(SETUP_KEY, Some(""))
        .json(&serde_json::json!({"url": url, "event": "candidateHired",
            "configuration": {"conditions": {"origins": ["applied", "referred"]}}}))
        .send()
        .await
        .map(|r| r.status().as_u16());
    assert_eq!(made.ok(), Some(201));
    let out = create(&w, SETUP_KEY);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let left_out = "leave out the origin(s) agency, internal, sourced, university";
    assert!(out.stdout.contains(left_out), "{}", out.stdout);
    assert_eq!(out.stdout.matches(left_out).count(), 1, "{}", out.stdout);
    let check = w.app.cli(&["check"], "");
    assert!(check.stdout.contains(left_out), "{}", check.stdout);
    assert!(
        check.stdout.contains("delete that webhook"),
        "{}",
        check.stdout
    );
}

/// Lever delivers only to HTTPS: a relay whose public URL is plain `http://` is not
/// registered with Lever at all (the setup says why and how to give the relay HTTPS), and
/// `hirewire check` warns about it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_relay_without_https_is_never_registered_with_lever_and_check_says_why() {
    use hirewire_relay::protocol::ConnectCode;
    let w = world().await;
    let mut code = ConnectCode::decode(&w.channel.connect).unwrap_or_else(|e| panic!("{e}"));
    code.url = "http://relay.example.com".into();
    // Connecting checks the relay, which is not there: the connection is kept all the same.
    w.app.cli(&["connect", &code.encode()], "");
    let out = create(&w, SETUP_KEY);
    assert_ne!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stderr.contains("only to HTTPS") && out.stderr.contains("reverse proxy"),
        "{}",
        out.stderr
    );
    let posts = w
        .lever
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/v1/webhooks"))
        .count();
    assert_eq!(posts, 0, "nothing was sent to Lever");
    assert!(w.lever.webhooks().is_empty());
    let check = w.app.cli(&["check"], "");
    assert_ne!(check.code, 0);
    assert!(
        check.stdout.contains("only to HTTPS") && check.stdout.contains("http://relay.example.com"),
        "{}",
        check.stdout
    );
}
