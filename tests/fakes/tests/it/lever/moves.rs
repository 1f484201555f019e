//! The writes a score rule makes: a stage change, tags added, an archive. Each needs its
//! checkbox, refuses a body without its documented field, and keeps the new state.

use hirewire_fakes::lever::{Move, Perm};
use reqwest::{Client, StatusCode};
use serde_json::{json, Value};

use super::demo;
use crate::json;

async fn send(
    lever: &hirewire_fakes::lever::FakeLever,
    key: &str,
    method: reqwest::Method,
    path: &str,
    body: &Value,
) -> reqwest::Response {
    Client::new()
        .request(method, format!("{}{path}", lever.url()))
        .basic_auth(key, Some(""))
        .json(body)
        .send()
        .await
        .expect("request")
}

#[tokio::test]
async fn a_stage_change_without_its_documented_stage_is_refused_and_moves_nothing() {
    let (lever, key) = demo().await;
    let put = reqwest::Method::PUT;
    for body in [
        json!({}),
        json!({"stage": ""}),
        json!({"stageId": "stage-onsite"}),
    ] {
        let r = send(
            &lever,
            &key,
            put.clone(),
            "/opportunities/opp-ada/stage",
            &body,
        )
        .await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        assert!(json(r).await["message"]
            .as_str()
            .unwrap_or_default()
            .contains("stage"));
    }
    let unknown = send(
        &lever,
        &key,
        put.clone(),
        "/opportunities/opp-ada/stage?perform_as=nobody",
        &json!({"stage": "stage-onsite"}),
    )
    .await;
    assert_eq!(
        unknown.status(),
        StatusCode::BAD_REQUEST,
        "perform_as must name a user"
    );
    assert!(lever.moves("opp-ada").is_empty(), "nothing moved");

    let ok = send(
        &lever,
        &key,
        put,
        "/opportunities/opp-ada/stage?perform_as=user-recruiter",
        &json!({"stage": "stage-onsite"}),
    )
    .await;
    assert_eq!(ok.status(), StatusCode::OK);
    assert_eq!(json(ok).await["data"]["stage"], "stage-onsite");
    assert_eq!(
        lever.moves("opp-ada"),
        [Move::Stage {
            stage: "stage-onsite".into(),
            perform_as: Some("user-recruiter".into())
        }]
    );
    assert_eq!(
        lever.opportunity_state("opp-ada").map(|s| s.0),
        Some("stage-onsite".into())
    );
}

#[tokio::test]
async fn tags_and_archives_need_their_fields_and_are_kept() {
    let (lever, key) = demo().await;
    let r = send(
        &lever,
        &key,
        reqwest::Method::POST,
        "/opportunities/opp-ada/addTags",
        &json!({"tags": "x"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = send(
        &lever,
        &key,
        reqwest::Method::POST,
        "/opportunities/opp-ada/addTags",
        &json!({"tags": ["Passed"]}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = send(
        &lever,
        &key,
        reqwest::Method::PUT,
        "/opportunities/opp-ada/archived",
        &json!({}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let r = send(
        &lever,
        &key,
        reqwest::Method::PUT,
        "/opportunities/opp-ada/archived",
        &json!({"reason": "reason-underqualified"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, tags, archived) = lever.opportunity_state("opp-ada").unwrap_or_default();
    assert!(tags.contains(&"Passed".to_string()), "{tags:?}");
    assert_eq!(archived.as_deref(), Some("reason-underqualified"));
}

#[tokio::test]
async fn a_key_without_the_checkbox_gets_a_403_naming_it_before_anything_changes() {
    let (lever, _) = demo().await;
    let all: Vec<Perm> = Perm::all()
        .into_iter()
        .filter(|p| *p != Perm::UpdateStage)
        .collect();
    lever.add_key("no-moves", &all);
    let r = send(
        &lever,
        "no-moves",
        reqwest::Method::PUT,
        "/opportunities/opp-ada/stage",
        &json!({"stage": "stage-onsite"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(json(r).await["message"]
        .as_str()
        .unwrap_or_default()
        .contains("\"Update an opportunity's stage\""));
    assert!(lever.moves("opp-ada").is_empty());
}
