//! Switchable faults: counted rules, delays after side effects, wrong bodies.

use std::time::Duration;

use hirewire_fakes::lever::FakeLever;
use hirewire_fakes::{FaultKind, FaultRule};
use reqwest::{Client, StatusCode};

use crate::{json, lever_get};

#[tokio::test]
async fn a_rule_with_times_2_fires_exactly_twice() {
    let lever = FakeLever::start().await.expect("fake Lever starts");
    let key = lever.seed_demo().api_key;
    lever.faults().add(
        FaultRule::new(
            "/stages",
            FaultKind::Status {
                status: 503,
                retry_after: Some(7),
            },
        )
        .method("GET")
        .times(2),
    );
    let mut seen = vec![];
    for _ in 0..4 {
        let r = lever_get(&lever, &key, "/stages").await;
        let retry = r
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        seen.push((r.status().as_u16(), retry, json(r).await["code"].clone()));
    }
    assert_eq!(
        seen[0],
        (503, Some("7".into()), "ServiceUnavailable".into())
    );
    assert_eq!(seen[1], seen[0]);
    assert_eq!((seen[2].0, seen[3].0), (200, 200));
    let statuses: Vec<u16> = lever.requests().iter().map(|r| r.status).collect();
    assert_eq!(statuses, vec![503, 503, 200, 200]);
    assert_eq!(lever.requests()[0].auth_user.as_deref(), Some(key.as_str()));
    assert_eq!(lever.hits("/stages"), 4);
}

#[tokio::test]
async fn delay_after_acts_before_the_client_gives_up() {
    let lever = FakeLever::start().await.expect("fake Lever starts");
    let key = lever.seed_demo().api_key;
    lever.faults().add(
        FaultRule::new("/notes", FaultKind::DelayAfter(Duration::from_secs(5)))
            .method("POST")
            .times(1),
    );
    let client = Client::builder()
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client");
    let body =
        serde_json::json!({"value": "Invite sent", "secret": false, "notifyFollowers": false});
    let sent = client
        .post(format!("{}/opportunities/opp-ada/notes", lever.url()))
        .basic_auth(&key, Some(""))
        .json(&body)
        .send()
        .await;
    assert!(sent.is_err_and(|e| e.is_timeout()), "the client timed out");
    assert_eq!(
        lever.notes("opp-ada").len(),
        1,
        "but the note exists: the retry must not add another"
    );
}

#[tokio::test]
async fn a_body_fault_answers_200_with_the_wrong_body() {
    let lever = FakeLever::start().await.expect("fake Lever starts");
    let key = lever.seed_demo().api_key;
    lever.faults().add(
        FaultRule::new(
            "/opportunities/opp-ada",
            FaultKind::Body("<html>oops</html>".into()),
        )
        .probability(1.0),
    );
    let r = lever_get(&lever, &key, "/opportunities/opp-ada").await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.text().await.unwrap_or_default(), "<html>oops</html>");
    lever.faults().clear();
    lever.faults().add(
        FaultRule::new(
            "/opportunities",
            FaultKind::Status {
                status: 500,
                retry_after: None,
            },
        )
        .probability(0.0),
    );
    let r = lever_get(&lever, &key, "/opportunities/opp-ada").await;
    assert_eq!(r.status(), StatusCode::OK, "probability 0 never fires");
}
