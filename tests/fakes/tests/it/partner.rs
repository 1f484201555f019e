//! Fake assessment partner: the Greenhouse Assessment Partner calls with the documented
//! `send_test` body, grading that PATCHes each invite's own top-level `url` on a small
//! receiver, `test_status`, `response_error`, and the unusable-answer knob.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{Method, Uri};
use axum::Router;
use hirewire_fakes::partner::{FakePartner, SendTestAnswer};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use crate::{json, until};

/// (method, path, body length) of every request the receiver got.
type Seen = Arc<Mutex<Vec<(Method, String, usize)>>>;

/// A receiver standing in for the relay's per-invite `assessment-done` URLs, answering 200
/// on any path; gives its base URL.
async fn receiver() -> (String, Seen) {
    let seen: Seen = Arc::default();
    let log = seen.clone();
    let app = Router::new().fallback(move |method: Method, uri: Uri, body: Bytes| {
        let log = log.clone();
        async move {
            if let Ok(mut l) = log.lock() {
                l.push((method, uri.path().to_string(), body.len()));
            }
            StatusCode::OK
        }
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}", listener.local_addr().expect("addr"));
    tokio::spawn(async move { axum::serve(listener, app).await });
    (url, seen)
}

fn seen(s: &Seen) -> Vec<(Method, String, usize)> {
    s.lock().map(|s| s.clone()).unwrap_or_default()
}

async fn post(url: String, key: &str, body: &Value) -> reqwest::Response {
    Client::new()
        .post(url)
        .basic_auth(key, None::<&str>)
        .json(body)
        .send()
        .await
        .expect("request")
}

async fn send(partner: &FakePartner, key: &str, body: &Value) -> reqwest::Response {
    post(partner.send_test_url(), key, body).await
}

/// The `send_test` body exactly as Greenhouse documents it, `url` at the top level.
fn invite(url: &str) -> Value {
    json!({
        "partner_test_id": "12345",
        "candidate": {
            "first_name": "Ada", "last_name": "Lovelace", "preferred_name": "Ada",
            "email": "ada@example.com", "phone_number": null, "resume_url": null,
            "greenhouse_profile_url": "https://hire.lever.co/candidates/opp-ada",
        },
        "sent_by": "recruiter@example.com",
        "url": url,
    })
}

/// Sends `body`, expecting a 400; gives the error message.
async fn refused(partner: &FakePartner, key: &str, body: &Value) -> String {
    let r = send(partner, key, body).await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
    json(r).await["error"]
        .as_str()
        .unwrap_or_else(|| panic!("an error message for {body}"))
        .to_string()
}

/// Sends `body`, expecting a 200; gives the interview id.
async fn accepted(partner: &FakePartner, key: &str, body: &Value) -> String {
    let r = send(partner, key, body).await;
    assert_eq!(r.status(), StatusCode::OK, "{body}");
    json(r).await["partner_interview_id"]
        .as_str()
        .unwrap_or_else(|| panic!("a string partner_interview_id for {body}"))
        .to_string()
}

async fn status(partner: &FakePartner, key: &str, id: &str) -> reqwest::Response {
    let r = Client::new()
        .get(partner.test_status_url())
        .query(&[("partner_interview_id", id)])
        .basic_auth(key, None::<&str>)
        .send();
    r.await.expect("request")
}

#[tokio::test]
async fn grading_completes_the_interview_and_patches_that_invites_own_url() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let (base, hooks) = receiver().await;
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

    let first = accepted(&partner, &key, &invite(&format!("{base}/hook/a"))).await;
    let second = accepted(&partner, &key, &invite(&format!("{base}/hook/b"))).await;
    assert_ne!(first, second);
    assert_eq!(
        json(status(&partner, &key, &second).await).await,
        json!({"partner_status": "pending", "partner_profile_url": null,
               "partner_score": null, "metadata": {"test_name": "Byteboard SWE"}})
    );
    assert!(partner.grade(&second, 91.5).await);
    assert_eq!(
        seen(&hooks),
        vec![(Method::PATCH, "/hook/b".to_string(), 0)],
        "one bodiless PATCH, to the graded invite's own url"
    );
    let r = status(&partner, &key, &second).await;
    assert_eq!(r.status(), StatusCode::OK);
    let done = json(r).await;
    assert_eq!(done["partner_status"], "complete");
    assert!(done["partner_score"].is_number(), "a number: {done}");
    assert_eq!(done["partner_score"].as_f64(), Some(91.5));
    assert_eq!(
        done["partner_profile_url"],
        format!("{}/reports/{second}", partner.url())
    );
    assert!(done["metadata"]
        .as_object()
        .is_some_and(|m| m.values().all(|v| !v.is_object() && !v.is_array())));
    let callback = &partner.callbacks()[0];
    assert_eq!(
        (callback.interview_id.as_str(), callback.url.clone()),
        (second.as_str(), format!("{base}/hook/b"))
    );
    assert_eq!(callback.status, Some(200));

    assert!(partner.grade(&first, 60.0).await);
    assert_eq!(seen(&hooks)[1], (Method::PATCH, "/hook/a".to_string(), 0));
    assert!(!partner.grade("unknown", 1.0).await);
}

#[tokio::test]
async fn auto_grading_patches_each_invites_own_url() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let (base, hooks) = receiver().await;
    partner.set_auto_grade(Some(Duration::from_millis(50)));
    accepted(&partner, &key, &invite(&format!("{base}/hook/one"))).await;
    accepted(&partner, &key, &invite(&format!("{base}/hook/two"))).await;
    let mut paths = until("both PATCHes", Duration::from_secs(5), || async {
        let s = seen(&hooks);
        (s.len() == 2).then_some(s)
    })
    .await;
    paths.sort_by(|a, b| a.1.cmp(&b.1));
    assert_eq!(
        paths,
        vec![
            (Method::PATCH, "/hook/one".to_string(), 0),
            (Method::PATCH, "/hook/two".to_string(), 0)
        ]
    );
}

#[tokio::test]
async fn auto_grading_works_without_callbacks_for_polling_tests() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let (base, hooks) = receiver().await;
    partner.set_callbacks(false);
    partner.set_auto_grade(Some(Duration::from_millis(100)));
    let id = accepted(&partner, &key, &invite(&format!("{base}/hook"))).await;
    until("auto-grading", Duration::from_secs(5), || async {
        let s = json(status(&partner, &key, &id).await).await;
        (s["partner_status"] == "complete").then_some(())
    })
    .await;
    assert!(seen(&hooks).is_empty(), "callbacks are off");
    assert!(partner.callbacks().is_empty());
}

#[tokio::test]
async fn the_documented_body_is_accepted_and_recorded() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let mut body = invite("https://relay.example/hook/inv-1");
    body["candidate"]["phone_number"] = json!("+44 20 7946 0000");
    body["candidate"]["resume_url"] = json!("https://files.example/ada.pdf");
    body["candidate"]["added_later"] = json!("Greenhouse may add properties");
    let id = accepted(&partner, &key, &body).await;
    let invites = partner.invites();
    assert_eq!(invites.len(), 1);
    let i = &invites[0];
    assert_eq!(i.interview_id, id);
    assert_eq!(i.test_id, "12345");
    assert_eq!(i.url, "https://relay.example/hook/inv-1");
    assert_eq!(i.sent_by.as_deref(), Some("recruiter@example.com"));
    assert_eq!(i.candidate, body["candidate"]);
    assert_eq!((i.status.as_str(), i.score), ("pending", None));

    let mut anonymous = invite("https://relay.example/hook/inv-2");
    anonymous["sent_by"] = Value::Null;
    accepted(&partner, &key, &anonymous).await;
    assert_eq!(partner.invites()[1].sent_by, None);
}

#[tokio::test]
async fn url_inside_candidate_is_refused_and_named() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let mut misplaced = invite("http://127.0.0.1:9/x");
    let url = misplaced
        .as_object_mut()
        .and_then(|o| o.remove("url"))
        .unwrap_or_default();
    misplaced["candidate"]["url"] = url;
    let e = refused(&partner, &key, &misplaced).await;
    assert!(e.contains("url") && e.contains("top level"), "{e}");

    let mut no_url = invite("http://127.0.0.1:9/x");
    no_url["url"] = Value::Null;
    let e = refused(&partner, &key, &no_url).await;
    assert_eq!(e, "url is required (at the top level, beside candidate)");
    assert!(partner.invites().is_empty());
}

#[tokio::test]
async fn every_documented_key_must_be_there_and_optional_ones_may_be_null() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let without = |path: &[&str]| {
        let mut b = invite("http://127.0.0.1:9/x");
        let (last, parents) = path.split_last().expect("a path");
        let mut at = &mut b;
        for p in parents {
            at = &mut at[*p];
        }
        if let Some(o) = at.as_object_mut() {
            o.remove(*last);
        }
        b
    };
    let e = refused(&partner, &key, &without(&["candidate", "preferred_name"])).await;
    assert_eq!(e, "candidate.preferred_name is required");
    let e = refused(&partner, &key, &without(&["candidate", "resume_url"])).await;
    assert!(e.starts_with("candidate.resume_url must be present"), "{e}");
    let e = refused(&partner, &key, &without(&["sent_by"])).await;
    assert!(e.starts_with("sent_by must be present"), "{e}");
    let mut blank = invite("http://127.0.0.1:9/x");
    blank["candidate"]["preferred_name"] = json!(" ");
    blank["candidate"]["phone_number"] = json!(442079460000_u64);
    let e = refused(&partner, &key, &blank).await;
    assert!(
        e.contains("candidate.preferred_name must not be empty")
            && e.contains("candidate.phone_number must be a string or null"),
        "every problem is named: {e}"
    );
    assert!(partner.invites().is_empty());

    // The same body with `"resume_url": null` (what `invite` sends) is taken.
    accepted(&partner, &key, &invite("http://127.0.0.1:9/x")).await;
    assert_eq!(partner.invites()[0].candidate["resume_url"], Value::Null);
}

#[tokio::test]
async fn bad_invites_keys_and_ids_are_refused_in_the_partner_shape() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let wrong_key = send(&partner, "nope", &invite("http://127.0.0.1:9/x")).await;
    assert_eq!(wrong_key.status(), StatusCode::UNAUTHORIZED);
    assert!(json(wrong_key).await["error"].is_string());
    let mut unknown_test = invite("http://127.0.0.1:9/x");
    unknown_test["partner_test_id"] = json!("999");
    assert_eq!(
        refused(&partner, &key, &unknown_test).await,
        "Unknown partner_test_id: 999"
    );
    unknown_test["partner_test_id"] = json!(12345);
    assert_eq!(
        refused(&partner, &key, &unknown_test).await,
        "partner_test_id must be a string"
    );
    let missing = status(&partner, &key, "bb-0").await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(json(missing).await["error"].is_string());
    let outcome = json!({"partner_interview_id": "bb-1", "outcome": "offer-accepted"});
    let r = post(partner.outcomes_url(), &key, &outcome).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(partner.outcomes(), vec![outcome]);
    assert!(partner.invites().is_empty());
}

#[tokio::test]
async fn response_error_records_reports_and_refuses_malformed_ones() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    let report = json!({
        "api_call": "send_test", "errors": ["partner_interview_id is missing"],
        "partner_test_id": "12345", "partner_test_name": "Byteboard SWE",
        "partner_interview_id": null, "candidate_email": "ada@example.com",
    });
    let r = post(partner.response_error_url(), &key, &report).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await, json!({"status": 200}));
    let bare = json!({"api_call": "list_tests", "errors": []});
    let r = post(partner.response_error_url(), &key, &bare).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(partner.response_errors(), vec![report, bare]);

    let bad = [
        (json!({"errors": ["x"]}), "api_call is required"),
        (json!({"api_call": "test_status"}), "errors is required"),
        (
            json!({"api_call": "test_status", "errors": "x"}),
            "errors must be an array of strings",
        ),
        (
            json!({"api_call": "test_status", "errors": [1]}),
            "errors must hold only strings",
        ),
        (
            json!({"api_call": "test_status", "errors": [], "partner_interview_id": 7}),
            "partner_interview_id must be a string",
        ),
    ];
    for (body, message) in bad {
        let r = post(partner.response_error_url(), &key, &body).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(json(r).await["error"], message, "{body}");
    }
    let r = post(partner.response_error_url(), "nope", &json!({})).await;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        partner.response_errors().len(),
        2,
        "refused reports are not kept"
    );
}

#[tokio::test]
async fn the_send_test_answer_knob_gives_unusable_answers() {
    let partner = FakePartner::start().await.expect("fake partner starts");
    let key = partner.seed_demo();
    partner.set_send_test_answer(SendTestAnswer::NoInterviewId);
    let r = send(&partner, &key, &invite("http://127.0.0.1:9/a")).await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json(r).await, json!({}));
    assert_eq!(partner.invites().len(), 1, "the test was still sent");

    partner.set_send_test_answer(SendTestAnswer::NumericInterviewId);
    let r = send(&partner, &key, &invite("http://127.0.0.1:9/b")).await;
    assert_eq!(r.status(), StatusCode::OK);
    let number = json(r).await["partner_interview_id"].clone();
    assert!(number.is_u64(), "a JSON number: {number}");
    let r = status(&partner, &key, &number.to_string()).await;
    assert_eq!(r.status(), StatusCode::OK, "its digits can be polled");
    assert_eq!(partner.invites()[1].interview_id, number.to_string());

    partner.set_send_test_answer(SendTestAnswer::Normal);
    accepted(&partner, &key, &invite("http://127.0.0.1:9/c")).await;
}
