//! Webhooks managed through `/webhooks`: create (with the signing token, once), list,
//! delete, and deliveries that start only once the event group is enabled, each signed
//! with its own webhook's token.

use std::sync::{Arc, Mutex};

use axum::http::HeaderMap;
use axum::routing::post as route_post;
use hirewire_fakes::lever::{FakeLever, Perm};
use hirewire_fakes::webhook::{sign, LeverEvent};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::{demo, forbidden, post};
use crate::{json, lever_get as get};

/// What the receiver got: (User-Agent, body).
type Got = Arc<Mutex<Vec<(String, Value)>>>;

/// A receiver on loopback that records each POST to `/hook` before answering 200.
async fn receiver() -> (String, Got) {
    let got: Got = Arc::default();
    let store = got.clone();
    let app = axum::Router::new().route(
        "/hook",
        route_post(move |h: HeaderMap, body: String| {
            let store = store.clone();
            async move {
                let agent = h
                    .get("user-agent")
                    .and_then(|v| v.to_str().ok())
                    .unwrap_or_default()
                    .to_string();
                let body = serde_json::from_str(&body).unwrap_or(Value::Null);
                if let Ok(mut g) = store.lock() {
                    g.push((agent, body));
                }
                "ok"
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move { axum::serve(listener, app).await });
    (format!("http://{addr}/hook"), got)
}

fn received(got: &Got) -> Vec<(String, Value)> {
    got.lock().map(|g| g.clone()).unwrap_or_default()
}

async fn create(lever: &FakeLever, key: &str, body: Value) -> reqwest::Response {
    post(lever, key, "/webhooks", &body).await
}

#[tokio::test]
async fn webhooks_are_created_listed_and_deleted_with_their_tokens() {
    let (lever, key) = demo().await;
    lever.allow_http_loopback_webhooks(true);
    let (url, _) = receiver().await;
    let made = create(
        &lever,
        &key,
        json!({"url": url, "event": "candidateStageChange"}),
    )
    .await;
    assert_eq!(made.status(), StatusCode::CREATED);
    let made = json(made).await["data"].clone();
    let token = made["configuration"]["signatureToken"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(token.len(), 48);
    assert_eq!(
        (&made["url"], &made["event"]),
        (&json!(url), &json!("candidateStageChange"))
    );
    assert!(made["createdAt"].is_u64() && made["updatedAt"].is_u64());
    let origins = json!({"conditions": {"origins": ["sourced", "referred"]}});
    let hired = create(
        &lever,
        &key,
        json!({"url": url, "event": "candidateHired", "configuration": origins}),
    )
    .await;
    let hired = json(hired).await["data"].clone();
    assert_eq!(hired["configuration"]["conditions"], origins["conditions"]);

    lever.set_webhook_create_nested(true);
    let nested = create(
        &lever,
        &key,
        json!({"url": url, "event": "candidateArchiveChange"}),
    )
    .await;
    assert_eq!(nested.status(), StatusCode::CREATED);
    let nested = json(nested).await;
    assert!(
        nested["data"]["data"]["configuration"]["signatureToken"].is_string(),
        "{nested}"
    );

    let kept = lever.webhooks();
    assert_eq!(kept.len(), 3);
    assert_eq!(kept[0].signature_token, token);
    assert_eq!(kept[1].conditions, Some(origins["conditions"].clone()));
    assert_ne!(
        kept[0].signature_token, kept[1].signature_token,
        "one token per webhook"
    );

    let listed = json(get(&lever, &key, "/webhooks").await).await;
    let items = listed["data"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 3);
    assert!(
        items
            .iter()
            .all(|w| w["configuration"].get("signatureToken").is_none()),
        "{listed}"
    );
    assert_eq!(items[0]["configuration"], json!({}));
    assert_eq!(items[1]["configuration"], origins);

    let delete = |id: String| {
        let url = format!("{}/webhooks/{id}", lever.url());
        let key = key.clone();
        async move {
            Client::new()
                .delete(url)
                .basic_auth(key, Some(""))
                .send()
                .await
                .expect("delete")
        }
    };
    assert_eq!(
        delete(kept[2].id.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(kept[2].id.clone()).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(lever.webhooks().len(), 2);

    for bad in [
        json!({"event": "candidateHired"}),
        json!({"url": "not a url", "event": "candidateHired"}),
        json!({"url": url, "event": "candidateExploded"}),
        json!({"url": url}),
        json!({"url": url, "event": "candidateDeleted", "configuration": origins}),
        json!({"url": url, "event": "candidateHired", "configuration": {"conditions": {"origins": ["walk-in"]}}}),
        json!({"url": url, "event": "candidateHired", "configuration": "all"}),
    ] {
        let r = create(&lever, &key, bad.clone()).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
    }
    assert_eq!(lever.webhooks().len(), 2, "nothing refused was kept");

    lever.add_key("reader", &[Perm::FindAllWebhooks]);
    let r = create(
        &lever,
        "reader",
        json!({"url": url, "event": "candidateHired"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(json(r).await["message"]
        .as_str()
        .is_some_and(|m| m.contains("\"Create a webhook\"")));
    assert!(forbidden(&lever, "reader", "/opportunities")
        .await
        .contains("Find all opportunities"));
}

#[tokio::test]
async fn deliveries_start_when_enabled_and_are_signed_with_the_webhooks_token() {
    let (lever, key) = demo().await;
    lever.allow_http_loopback_webhooks(true);
    let (url, got) = receiver().await;
    create(
        &lever,
        &key,
        json!({"url": url, "event": "candidateStageChange"}),
    )
    .await;
    let sourced_only = json!({"conditions": {"origins": ["sourced"]}});
    create(
        &lever,
        &key,
        json!({"url": url, "event": "candidateHired", "configuration": sourced_only}),
    )
    .await;
    let hooks = lever.webhooks();

    let moved = LeverEvent::stage_change("opp-ada", "stage-phone", "stage-byteboard");
    assert!(
        lever.deliver(&moved).await.is_empty(),
        "created but not enabled"
    );
    assert!(received(&got).is_empty());
    assert!(!lever.webhooks_enabled("candidateStageChange"));

    lever.enable_webhooks("candidateStageChange");
    let sent = lever.deliver(&moved).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(
        (sent[0].webhook_id.as_str(), sent[0].status),
        (hooks[0].id.as_str(), Some(200))
    );
    let got_now = received(&got);
    let (agent, body) = &got_now[0];
    assert_eq!(agent, "Lever-Webhooks");
    assert_eq!(body["event"], "candidateStageChange");
    assert_eq!(body["data"]["toStageId"], "stage-byteboard");
    let (token, at) = (
        body["token"].as_str().unwrap_or_default(),
        body["triggeredAt"].as_u64().unwrap_or_default(),
    );
    assert_eq!(
        body["signature"],
        sign(&hooks[0].signature_token, token, at)
    );
    assert_ne!(
        body["signature"],
        sign(&hooks[1].signature_token, token, at)
    );

    // Only the event's own webhooks get it, and origin conditions filter.
    lever.enable_webhooks("candidateHired");
    assert!(
        lever
            .deliver(&LeverEvent::hired("opp-ada"))
            .await
            .is_empty(),
        "Ada applied, not sourced"
    );
    lever.add_opportunity(hirewire_fakes::lever::Opportunity {
        id: "opp-sourced".into(),
        origin: "sourced".into(),
        ..Default::default()
    });
    let sent = lever.deliver(&LeverEvent::hired("opp-sourced")).await;
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].webhook_id, hooks[1].id);
    assert_eq!(received(&got).len(), 2);

    lever.disable_webhooks("candidateStageChange");
    assert!(lever.deliver(&moved).await.is_empty());
    lever.enable_webhooks("candidateStageChange");
    let gone = format!("{}/webhooks/{}", lever.url(), hooks[0].id);
    let r = Client::new()
        .delete(gone)
        .basic_auth(&key, Some(""))
        .send()
        .await
        .expect("delete");
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    assert!(
        lever.deliver(&moved).await.is_empty(),
        "deleted webhooks deliver nothing"
    );
}

#[tokio::test]
async fn webhook_urls_must_be_https_and_loopback_http_only_when_a_test_allows_it() {
    let (lever, key) = demo().await;
    let hook = |url: &str| json!({"url": url, "event": "candidateHired"});
    for url in ["http://127.0.0.1:9/hook", "http://relay.example.com/hook"] {
        let r = create(&lever, &key, hook(url)).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{url}");
        assert!(json(r).await["message"]
            .as_str()
            .is_some_and(|m| m.contains("HTTPS")));
    }
    let https = create(&lever, &key, hook("https://relay.example.com/hook")).await;
    assert_eq!(https.status(), StatusCode::CREATED);
    lever.allow_http_loopback_webhooks(true);
    let local = create(&lever, &key, hook("http://127.0.0.1:9/hook")).await;
    assert_eq!(local.status(), StatusCode::CREATED);
    let remote = create(&lever, &key, hook("http://relay.example.com/hook")).await;
    assert_eq!(
        remote.status(),
        StatusCode::BAD_REQUEST,
        "never beyond loopback"
    );
}

#[tokio::test]
async fn a_webhook_without_conditions_fires_for_nobody_when_switched_so() {
    let (lever, key) = demo().await;
    lever.allow_http_loopback_webhooks(true);
    let (url, got) = receiver().await;
    create(&lever, &key, json!({"url": url, "event": "candidateHired"})).await;
    create(
        &lever,
        &key,
        json!({"url": url, "event": "candidateDeleted"}),
    )
    .await;
    lever.enable_webhooks("candidateHired");
    lever.enable_webhooks("candidateDeleted");
    lever.set_webhooks_without_conditions_fire(false);
    assert!(lever
        .deliver(&LeverEvent::hired("opp-ada"))
        .await
        .is_empty());
    assert_eq!(
        lever
            .deliver(&LeverEvent::candidate_deleted("opp-ada"))
            .await
            .len(),
        1,
        "an event that takes no conditions still fires"
    );
    lever.set_webhooks_without_conditions_fire(true);
    assert_eq!(lever.deliver(&LeverEvent::hired("opp-ada")).await.len(), 1);
    assert_eq!(received(&got).len(), 2);
}
