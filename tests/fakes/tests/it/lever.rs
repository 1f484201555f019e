//! Fake Lever: pagination, permissions, the token bucket and the documented quirks. The
//! submodules cover, by idea: key permissions and confidential data, list filters and the
//! account lists, object shapes and lifecycle, and webhooks managed through the API.

mod access;
mod listing;
mod moves;
mod shapes;
mod webhooks;

use hirewire_fakes::lever::{FakeLever, LeverFile, Opportunity, Perm, Resume};
use reqwest::{Client, StatusCode};
use serde_json::Value;

use crate::{json, lever_get as get};

async fn demo() -> (FakeLever, String) {
    let lever = FakeLever::start().await.expect("fake Lever starts");
    let key = lever.seed_demo().api_key;
    (lever, key)
}

/// `POST {fake Lever}{path}` with a JSON body, as Lever's clients call it.
async fn post(lever: &FakeLever, key: &str, path: &str, body: &Value) -> reqwest::Response {
    Client::new()
        .post(format!("{}{path}", lever.url()))
        .basic_auth(key, Some(""))
        .json(body)
        .send()
        .await
        .expect("request")
}

/// The `id`s of a list answer's items, in order.
fn ids(v: &Value) -> Vec<String> {
    v["data"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|o| o["id"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

/// `GET` a list and give its item ids (asserting a 200).
async fn list_ids(lever: &FakeLever, key: &str, path: &str) -> Vec<String> {
    let r = get(lever, key, path).await;
    assert_eq!(r.status(), StatusCode::OK, "{path}");
    ids(&json(r).await)
}

/// The 403 message of a request (asserting the 403).
async fn forbidden(lever: &FakeLever, key: &str, path: &str) -> String {
    let r = get(lever, key, path).await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "{path}");
    let body = json(r).await;
    assert_eq!(body["code"], "Forbidden");
    body["message"].as_str().unwrap_or_default().to_string()
}

/// Follows `next` to the end; returns every item and the number of pages.
async fn all_pages(lever: &FakeLever, key: &str, path: &str, limit: usize) -> (Vec<Value>, usize) {
    let (mut items, mut pages, mut offset) = (vec![], 0, None::<String>);
    loop {
        let mut url = format!("{path}?limit={limit}");
        if let Some(o) = &offset {
            url.push_str(&format!("&offset={o}"));
        }
        let page = json(get(lever, key, &url).await).await;
        pages += 1;
        items.extend(page["data"].as_array().cloned().unwrap_or_default());
        match (page["hasNext"].as_bool(), page["next"].as_str()) {
            (Some(true), Some(next)) => offset = Some(next.to_string()),
            (Some(false), _) => return (items, pages),
            other => panic!("bad page shape {other:?}: {page}"),
        }
    }
}

#[tokio::test]
async fn account_lists_paginate_until_has_next_is_false() {
    let (lever, key) = demo().await;
    let (reasons, pages) = all_pages(&lever, &key, "/archive_reasons", 5).await;
    assert_eq!((reasons.len(), pages), (12, 3));
    assert!(reasons
        .iter()
        .any(|r| r["text"] == "Hired" && r["type"] == "hired" && r["status"] == "active"));
    let (tags, pages) = all_pages(&lever, &key, "/tags", 2).await;
    assert_eq!((tags.len(), pages), (3, 2));
    assert!(tags
        .iter()
        .any(|t| t["text"] == "Byteboard SWE" && t["count"] == 2));
    lever.set_page_cap(2);
    let (stages, pages) = all_pages(&lever, &key, "/stages", 100).await;
    assert_eq!(
        (stages.len(), pages),
        (5, 3),
        "the page cap splits even limit=100"
    );
    let (users, _) = all_pages(&lever, &key, "/users", 1).await;
    assert_eq!(users.len(), 3);

    let bad = get(&lever, &key, "/stages?offset=not-a-token").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(bad).await["code"], "BadRequest");
    assert_eq!(
        get(&lever, &key, "/stages?limit=101").await.status(),
        StatusCode::BAD_REQUEST
    );
}

#[tokio::test]
async fn a_missing_permission_is_a_403_naming_the_checkbox() {
    let (lever, _) = demo().await;
    lever.add_key("narrow", &[Perm::FindOpportunity, Perm::FindAllResumes]);
    assert_eq!(
        get(&lever, "narrow", "/opportunities/opp-ada")
            .await
            .status(),
        StatusCode::OK
    );
    let denied = get(
        &lever,
        "narrow",
        "/opportunities/opp-ada/resumes/resume-ada/download",
    )
    .await;
    assert_eq!(denied.status(), StatusCode::FORBIDDEN);
    let body = json(denied).await;
    assert_eq!(body["code"], "Forbidden");
    assert_eq!(
        body["message"],
        "This API key does not have the \"Download an opportunity resume file\" permission"
    );
    // Permission before lookup: an unknown record does not change the answer.
    assert_eq!(
        get(&lever, "narrow", "/opportunities/nope/notes")
            .await
            .status(),
        StatusCode::FORBIDDEN
    );
    let unknown = get(&lever, "no-such-key", "/stages").await;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(json(unknown).await["code"], "Unauthorized");
    assert_eq!(Perm::all().len(), 26);
    let labels: std::collections::HashSet<&str> = Perm::all().iter().map(Perm::label).collect();
    assert_eq!(labels.len(), 26, "every checkbox has its own label");
}

#[tokio::test]
async fn a_burst_of_25_is_rate_limited_and_retry_after_is_switchable() {
    let (lever, key) = demo().await;
    let mut statuses = vec![];
    for _ in 0..25 {
        let r = get(&lever, &key, "/stages").await;
        statuses.push((r.status().as_u16(), r.headers().get("retry-after").cloned()));
    }
    let limited: Vec<_> = statuses.iter().filter(|(s, _)| *s == 429).collect();
    // 20 of burst, plus at most a couple refilled at 10/s while the loop runs.
    assert!((1..=5).contains(&limited.len()), "{statuses:?}");
    assert!(
        limited.iter().all(|(_, h)| h.is_none()),
        "no Retry-After by default"
    );
    assert_eq!(lever.rate_limited(), limited.len());

    lever.set_retry_after_on_429(true);
    lever.set_rate_limit(1.0, 2);
    let mut last = None;
    for _ in 0..4 {
        last = Some(get(&lever, &key, "/stages").await);
    }
    let last = last.expect("four calls made");
    assert_eq!(last.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        last.headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok()),
        Some("1")
    );
    assert_eq!(json(last).await["code"], "TooManyRequests");
}

#[tokio::test]
async fn the_opportunity_list_filters_by_last_update_and_a_move_counts_as_one() {
    let (lever, key) = demo().await;
    let ms = |t: std::time::SystemTime| {
        t.duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or_default()
    };
    let day_ago = ms(std::time::SystemTime::now()) - 86_400_000;
    lever.add_opportunity(Opportunity {
        id: "opp-old".into(),
        name: "Old Timer".into(),
        created_at: 1_600_000_000_000,
        updated_at: 1_600_000_000_000,
        ..Default::default()
    });
    let recent = format!("/opportunities?updated_at_start={day_ago}");
    let found = ids(&json(get(&lever, &key, &recent).await).await);
    assert!(found.contains(&"opp-ada".to_string()), "{found:?}");
    assert!(!found.contains(&"opp-old".to_string()), "{found:?}");
    let old =
        ids(&json(get(&lever, &key, "/opportunities?updated_at_end=1600000000001").await).await);
    assert_eq!(old, vec!["opp-old".to_string()]);

    lever.set_stage("opp-old", "stage-onsite");
    let found = ids(&json(get(&lever, &key, &recent).await).await);
    assert!(
        found.contains(&"opp-old".to_string()),
        "a move updates it: {found:?}"
    );

    let bad = get(&lever, &key, "/opportunities?updated_at_start=yesterday").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn opportunities_offers_and_files_have_lever_shapes_and_quirks() {
    let (lever, key) = demo().await;
    let plain = json(get(&lever, &key, "/opportunities/opp-ada").await).await;
    assert_eq!(plain["data"]["applications"][0], "app-opp-ada");
    assert_eq!(plain["data"]["stage"], "stage-phone");
    assert!(plain["data"]["archived"].is_null());
    assert_eq!(plain["data"]["location"], "Brighton", "where Ada lives");
    assert_eq!(
        plain["data"]["opportunityLocation"], "London",
        "where the job is"
    );
    let expanded = json(
        get(
            &lever,
            &key,
            "/opportunities/opp-ada?expand=applications&expand=stage&expand=owner",
        )
        .await,
    )
    .await;
    assert_eq!(
        expanded["data"]["applications"][0]["posting"],
        "posting-swe"
    );
    assert_eq!(expanded["data"]["stage"]["text"], "Phone screen");
    assert_eq!(expanded["data"]["owner"]["name"], "Rita Recruiter");
    assert_eq!(
        expanded["data"]["urls"]["show"],
        "https://hire.lever.co/candidates/opp-ada"
    );
    let by_email = json(get(&lever, &key, "/opportunities?email=ADA@example.com").await).await;
    assert_eq!(by_email["data"].as_array().map(Vec::len), Some(1));

    let offers = json(get(&lever, &key, "/opportunities/opp-ada/offers").await).await;
    let offer = &offers["data"][0];
    assert_eq!(offer["status"], "signed");
    let field = |id: &str| {
        offer["fields"]
            .as_array()
            .and_then(|f| f.iter().find(|x| x["identifier"] == id))
            .cloned()
    };
    assert_eq!(
        field("salary_amount").map(|f| f["value"].clone()),
        Some(Value::from(120000))
    );
    assert_eq!(
        field("custom_equity").map(|f| f["text"].clone()),
        Some(Value::from("Equity"))
    );
    let signed = offer["signedDocument"]["downloadUrl"]
        .as_str()
        .expect("absolute download URL");
    let doc = Client::new()
        .get(signed)
        .basic_auth(&key, Some(""))
        .send()
        .await
        .expect("download");
    assert_eq!(doc.headers()["content-type"], "application/pdf");
    assert!(doc.bytes().await.expect("bytes").starts_with(b"%PDF-"));

    let files = json(get(&lever, &key, "/opportunities/opp-ada/files").await).await;
    assert!(files["data"][0]["size"].is_string() && files["data"][0]["uploadedAt"].is_string());
    let resumes = json(get(&lever, &key, "/opportunities/opp-ada/resumes").await).await;
    assert!(resumes["data"][0]["file"]["size"].is_number());
    assert!(
        resumes["data"][1].get("file").is_none(),
        "second resume has no file"
    );
    let cv = get(
        &lever,
        &key,
        "/opportunities/opp-ada/resumes/resume-ada/download",
    )
    .await;
    let disposition = cv.headers()["content-disposition"]
        .to_str()
        .unwrap_or_default()
        .to_string();
    assert!(
        disposition.contains("filename=\"ada-lovelace-cv.pdf\""),
        "{disposition}"
    );

    let broken = LeverFile {
        id: "f-bad".into(),
        name: "scan.pdf".into(),
        unprocessable: true,
        ..Default::default()
    };
    lever.add_resume(
        "opp-ada",
        Resume {
            id: "r-bad".into(),
            file: Some(broken),
        },
    );
    let r = get(
        &lever,
        &key,
        "/opportunities/opp-ada/resumes/r-bad/download",
    )
    .await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(json(r).await["code"], "UnprocessableEntity");
}

#[tokio::test]
async fn notes_are_created_with_201_and_listed_newest_first() {
    let (lever, key) = demo().await;
    let post = |text: &'static str, perform_as: &'static str| {
        let url = format!(
            "{}/opportunities/opp-ada/notes?perform_as={perform_as}",
            lever.url()
        );
        let body = serde_json::json!({"value": text, "secret": false, "notifyFollowers": false});
        Client::new()
            .post(url)
            .basic_auth(&key, Some(""))
            .json(&body)
            .send()
    };
    let first = post("Invite sent", "user-recruiter").await.expect("post");
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(json(first).await["data"]["noteId"].is_string());
    assert_eq!(
        post("Report ready", "").await.expect("post").status(),
        StatusCode::CREATED
    );
    assert_eq!(
        post("Who?", "user-nobody").await.expect("post").status(),
        StatusCode::BAD_REQUEST
    );
    let bad = Client::new()
        .post(format!("{}/opportunities/opp-ada/notes", lever.url()))
        .basic_auth(&key, Some(""))
        .body("{not json")
        .send()
        .await
        .expect("post");
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(json(bad).await["code"], "BadRequest");

    let listed = json(get(&lever, &key, "/opportunities/opp-ada/notes").await).await;
    assert_eq!(listed["data"][0]["fields"][0]["value"], "Report ready");
    assert_eq!(listed["data"][1]["fields"][0]["value"], "Invite sent");
    assert_eq!(
        listed["data"][1]["text"], "Note",
        "the form's title, not the note"
    );
    assert_eq!(listed["data"][1]["user"], "user-recruiter");
    assert!(listed["data"][0]["user"].is_null());
    let notes = lever.notes("opp-ada");
    assert_eq!(notes.len(), 2);
    assert_eq!(notes[0].perform_as.as_deref(), Some("user-recruiter"));
    assert_eq!(notes[1].perform_as, None);
}
