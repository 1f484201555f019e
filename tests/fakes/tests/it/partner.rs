//! Fake assessment partner: the Greenhouse-style calls, and grading that PATCHes the
//! candidate's `url` on a small receiver.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::Method;
use axum::routing::any;
use axum::Router;
use hirewire_fakes::partner::FakePartner;
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::{json, until};

/// (method, body length) of every request the receiver got.
type Seen = Arc<Mutex<Vec<(Method, usize)>>>;

/// A receiver standing in for the relay's `assessment-done` endpoint; gives its URL.
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = Router::new().route(
        "/hook",
        any(move |method: Method, body: Bytes| {
            let log = log.clone();
            async move {
                if let Ok(mut l) = log.lock() {
                    l.push((method, body.len()));
                }
                StatusCode::OK
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

async fn send(partner: &FakePartner, key: &str, body: &Value) -> reqwest::Response {
    Client::new()
        .post(partner.send_test_url())
        .basic_auth(key, None::<&str>)
        .json(body)
        .send()
        .await
        .expect("request")
}

fn invite(url: &str) -> Value {
    json!({"partner_test_id": "12345", "candidate": {
        "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com",
        "greenhouse_profile_url": "https://hire.lever.co/candidates/opp-ada", "url": url,
    }})
}

async fn status(partner: &FakePartner, key: &str, id: &str) -> Value {
    let r = Client::new()
        .get(partner.test_status_url())
        .query(&[("partner_interview_id", id)])
        .basic_auth(key, None::<&str>)
        .send();
    json(r.await.expect("request")).await
}

#[tokio::test]
async fn grading_completes_the_interview_and_patches_the_candidate_url() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let (hook, seen) = receiver().await;
    let tests = json(
        Client::new()
            .get(partner.list_tests_url())
            .basic_auth(&key, None::<&str>)
            .send()
            .await
            .expect("list"),
    )
    .await;
    assert_eq!(
        tests[0],
        json!({"partner_test_id": "12345", "partner_test_name": "Byteboard SWE"})
    );

    let id = json(send(&partner, &key, &invite(&hook)).await).await["partner_interview_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        status(&partner, &key, &id).await,
        json!({"partner_status": "pending"})
    );
    assert!(partner.grade(&id, 91.5).await);
    let calls = seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(calls, vec![(Method::PATCH, 0)], "one bodiless PATCH");
    let done = status(&partner, &key, &id).await;
    assert_eq!(done["partner_status"], "complete");
    assert_eq!(done["partner_score"], 91.5);
    assert_eq!(
        done["partner_profile_url"],
        format!("{}/reports/{id}", partner.url())
    );
    assert!(done["metadata"]
        .as_object()
        .is_some_and(|m| m.values().all(|v| !v.is_object() && !v.is_array())));
    assert_eq!(partner.callbacks()[0].status, Some(200));
    assert!(!partner.grade("unknown", 1.0).await);
}

#[tokio::test]
async fn auto_grading_works_without_callbacks_for_polling_tests() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let (hook, seen) = receiver().await;
    partner.set_callbacks(false);
    partner.set_auto_grade(Some(Duration::from_millis(100)));
    let id = json(send(&partner, &key, &invite(&hook)).await).await["partner_interview_id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    until("auto-grading", Duration::from_secs(5), || async {
        (status(&partner, &key, &id).await["partner_status"] == "complete").then_some(())
    })
    .await;
    assert!(
        seen.lock().map(|s| s.is_empty()).unwrap_or(false),
        "callbacks are off"
    );
    assert!(partner.callbacks().is_empty());
}

#[tokio::test]
async fn bad_invites_keys_and_ids_are_refused_in_the_partner_shape() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let wrong_key = send(&partner, "nope", &invite("http://127.0.0.1:9/x")).await;
    assert_eq!(wrong_key.status(), StatusCode::UNAUTHORIZED);
    assert!(json(wrong_key).await["error"].is_string());
    let mut no_url = invite("http://127.0.0.1:9/x");
    no_url["candidate"]["url"] = Value::Null;
    let r = send(&partner, &key, &no_url).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(r).await["error"], "candidate.url is required");
    let mut unknown_test = invite("http://127.0.0.1:9/x");
    unknown_test["partner_test_id"] = json!("999");
    assert_eq!(
        send(&partner, &key, &unknown_test).await.status(),
        StatusCode::BAD_REQUEST
    );
    let missing = Client::new()
        .get(partner.test_status_url())
        .query(&[("partner_interview_id", "bb-0")])
        .basic_auth(&key, None::<&str>)
        .send();
    assert_eq!(
        missing.await.expect("request").status(),
        StatusCode::NOT_FOUND
    );
    let outcome = json!({"partner_interview_id": "bb-1", "outcome": "offer-accepted"});
    let r = Client::new()
        .post(partner.outcomes_url())
        .basic_auth(&key, None::<&str>)
        .json(&outcome)
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(partner.outcomes(), vec![outcome]);
    assert!(partner.invites().is_empty());
}
