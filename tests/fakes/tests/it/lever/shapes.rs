//! Object shapes and lifecycle: the two archive shapes, locations and phones, notes as
//! Lever renders and validates them, anonymizing, and offer dates at midnight in the
//! account's zone.

use hirewire_fakes::lever::{ArchiveShape, FakeLever, Note, Offer, Opportunity};
use hirewire_fakes::webhook::now_ms;
use reqwest::StatusCode;
use serde_json::{json, Value};

use super::{demo, post};
use crate::{json, lever_get as get};

async fn opp(lever: &FakeLever, key: &str, id: &str) -> Value {
    let r = get(lever, key, &format!("/opportunities/{id}")).await;
    assert_eq!(r.status(), StatusCode::OK, "{id}");
    json(r).await["data"].clone()
}

#[tokio::test]
async fn archiving_sets_the_time_and_both_archive_shapes_render() {
    let (lever, key) = demo().await;
    let before = now_ms();
    lever.archive("opp-ada", "reason-hired");
    let after = now_ms();
    let ada = opp(&lever, &key, "opp-ada").await;
    let at = ada["archived"]["archivedAt"].as_u64().expect("archivedAt");
    assert!((before..=after).contains(&at), "{at}");
    assert_eq!(ada["archived"]["reason"], "reason-hired");
    assert_eq!(ada["updatedAt"], at, "archiving updates the opportunity");
    assert!(ada.get("archivedAt").is_none() && ada.get("archiveReason").is_none());

    lever.set_archive_shape(ArchiveShape::TopLevel);
    let ada = opp(&lever, &key, "opp-ada").await;
    assert!(ada.get("archived").is_none(), "{ada}");
    assert_eq!(ada["archivedAt"], at);
    assert_eq!(ada["archiveReason"], "reason-hired");
    let listed = json(get(&lever, &key, "/opportunities?archived=true").await).await;
    assert_eq!(listed["data"][0]["archiveReason"], "reason-hired");

    lever.unarchive("opp-ada");
    let ada = opp(&lever, &key, "opp-ada").await;
    assert!(ada["archivedAt"].is_null() && ada["archiveReason"].is_null());
    assert!(ada["updatedAt"].as_u64() >= Some(at));
    lever.set_archive_shape(ArchiveShape::Nested);
    let ada = opp(&lever, &key, "opp-ada").await;
    assert!(ada["archived"].is_null() && ada.get("archivedAt").is_none());
}

#[tokio::test]
async fn locations_phones_and_optional_fields_follow_lever() {
    let (lever, key) = demo().await;
    let ada = opp(&lever, &key, "opp-ada").await;
    assert_eq!(
        (
            ada["location"].as_str(),
            ada["opportunityLocation"].as_str()
        ),
        (Some("Brighton"), Some("London"))
    );
    assert_eq!(
        ada["phones"][0],
        json!({"type": "mobile", "value": "+44 20 7946 0000"})
    );
    assert_eq!(ada["isAnonymized"], false);
    assert!(ada["dataProtection"].is_null());
    assert_eq!(
        ada["urls"]["show"],
        "https://hire.lever.co/candidates/opp-ada"
    );
    assert_eq!(ada["origin"], "applied");
    let alan = opp(&lever, &key, "opp-alan").await;
    assert_eq!(alan["opportunityLocation"], "Berlin");
    assert_eq!(
        alan["phones"][0],
        json!({"value": "+44 161 496 0000"}),
        "no type"
    );

    let without = |id: &str, location: Option<&str>, posting: Option<&str>| Opportunity {
        id: id.into(),
        posting: posting.map(String::from),
        opportunity_location: location.map(String::from),
        ..Default::default()
    };
    lever.add_opportunity(without("opp-none", None, None));
    lever.add_opportunity(without(
        "opp-multi",
        Some("unspecified"),
        Some("posting-swe"),
    ));
    lever.add_opportunity(without("opp-blank", Some(""), Some("posting-swe")));
    let none = opp(&lever, &key, "opp-none").await;
    assert!(
        none.get("opportunityLocation").is_none(),
        "no posting: absent"
    );
    let multi = opp(&lever, &key, "opp-multi").await;
    assert_eq!(multi["opportunityLocation"], "unspecified");
    assert!(opp(&lever, &key, "opp-blank")
        .await
        .get("opportunityLocation")
        .is_none());
}

#[tokio::test]
async fn notes_render_as_lever_forms_and_creation_is_validated() {
    let (lever, key) = demo().await;
    lever.add_note(
        "opp-grace",
        Note {
            id: "note-seeded".into(),
            value: "Strong signal".into(),
            perform_as: Some("user-manager".into()),
            created_at: 1_700_000_000_000,
            ..Default::default()
        },
    );
    let path = "/opportunities/opp-grace/notes";
    let created = post(
        &lever,
        &key,
        &format!("{path}?perform_as=user-recruiter"),
        &json!({"value": "Invite sent", "secret": true, "score": 3, "notifyFollowers": true, "createdAt": 1_750_000_000_000u64}),
    )
    .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let note_id = json(created).await["data"]["noteId"]
        .as_str()
        .map(String::from);
    let listed = json(get(&lever, &key, path).await).await;
    let newest = &listed["data"][0];
    assert_eq!(newest["id"].as_str().map(String::from), note_id);
    assert_eq!(newest["text"], "Note");
    assert_eq!(newest["secret"], true);
    assert_eq!(newest["user"], "user-recruiter");
    assert_eq!(newest["createdAt"], 1_750_000_000_000u64);
    assert_eq!(newest["completedAt"], 1_750_000_000_000u64);
    let field = &newest["fields"][0];
    assert_eq!(
        (&field["type"], &field["text"], &field["value"]),
        (&json!("note"), &json!("Comment"), &json!("Invite sent"))
    );
    assert_eq!(
        (&field["score"], &field["user"]),
        (&json!(3), &json!("user-recruiter"))
    );
    assert_eq!(field["createdAt"], 1_750_000_000_000u64);
    assert_eq!(field["stage"], "stage-phone");
    assert_eq!(listed["data"][1]["fields"][0]["value"], "Strong signal");
    let mine = lever.notes("opp-grace");
    assert_eq!(
        (mine[1].score, mine[1].secret, mine[1].notify_followers),
        (Some(3), true, true)
    );

    let future = now_ms() + 3_600_000;
    for body in [
        json!({"secret": false}),
        json!({"value": "   "}),
        json!({"value": 42}),
        json!({"value": "x", "score": 5}),
        json!({"value": "x", "score": 0}),
        json!({"value": "x", "score": "3"}),
        json!({"value": "x", "secret": "no"}),
        json!({"value": "x", "createdAt": future}),
        json!({"value": "x", "createdAt": "yesterday"}),
    ] {
        let r = post(&lever, &key, path, &body).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(json(r).await["code"], "BadRequest");
    }
    let r = post(
        &lever,
        &key,
        "/opportunities/nope/notes",
        &json!({"value": "x"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        lever.notes("opp-grace").len(),
        2,
        "nothing refused was stored"
    );
}

#[tokio::test]
async fn only_archived_non_hired_opportunities_can_be_anonymized() {
    let (lever, key) = demo().await;
    let err = lever.anonymize("opp-grace").expect_err("active");
    assert!(err.to_string().contains("archived"), "{err}");
    lever.archive("opp-ada", "reason-hired");
    let err = lever.anonymize("opp-ada").expect_err("hired");
    assert!(err.to_string().contains("hired"), "{err}");
    assert!(lever.anonymize("opp-nobody").is_err());

    lever.add_note(
        "opp-grace",
        Note {
            id: "n1".into(),
            value: "kept".into(),
            ..Default::default()
        },
    );
    lever.archive("opp-grace", "reason-not-a-fit");
    let archived = opp(&lever, &key, "opp-grace").await["updatedAt"].as_u64();
    lever.anonymize("opp-grace").expect("archived, not hired");
    let grace = opp(&lever, &key, "opp-grace").await;
    assert_eq!(grace["isAnonymized"], true);
    assert_eq!(grace["name"], "");
    assert_eq!(grace["emails"], json!([]));
    assert_eq!(grace["phones"], json!([]));
    assert_eq!(grace["location"], "");
    assert_eq!(grace["links"], json!([]));
    assert_eq!(
        grace["tags"],
        json!(["Byteboard SWE", "Byteboard Web"]),
        "tags stay"
    );
    assert_eq!(grace["opportunityLocation"], "London", "the posting stays");
    assert!(grace["updatedAt"].as_u64() >= archived);
    let notes = json(get(&lever, &key, "/opportunities/opp-grace/notes").await).await;
    assert_eq!(notes["data"][0]["fields"][0]["value"], "kept");
    let hits = json(get(&lever, &key, "/opportunities?email=grace@example.com").await).await;
    assert_eq!(hits["data"], json!([]));

    // Ada's papers stay while she is only hired.
    let ada_resumes = json(get(&lever, &key, "/opportunities/opp-ada/resumes").await).await;
    assert_eq!(ada_resumes["data"].as_array().map(Vec::len), Some(2));
}

#[tokio::test]
async fn offer_dates_are_midnight_in_the_accounts_zone() {
    let lever = FakeLever::start().await.expect("fake Lever starts");
    assert_eq!(
        lever.account_utc_offset_hours(),
        -8,
        "US Pacific by default"
    );
    assert_eq!(
        lever.account_midnight_ms("2014-12-16").ok(),
        Some(1_418_716_800_000),
        "Lever's own example"
    );
    let ids = lever.seed_demo();
    assert_eq!(
        lever.account_utc_offset_hours(),
        0,
        "the demo account is in London"
    );
    assert_eq!(
        lever.account_midnight_ms("2027-01-04").ok(),
        Some(hirewire_fakes::lever::START_DATE_MS)
    );

    lever.set_account_utc_offset_hours(1);
    let start = lever
        .offer_date_field(
            "Anticipated start date",
            "anticipated_start_date",
            "2027-01-04",
        )
        .expect("a date");
    let berlin_midnight = 1_799_020_800_000u64 - 3_600_000;
    assert_eq!(start.value, json!(berlin_midnight), "2027-01-03T23:00Z");
    assert!(lever.offer_date_field("x", "y", "2027-02-30").is_err());
    lever.add_offer(
        &ids.alan,
        Offer {
            id: "offer-alan".into(),
            status: "sent".into(),
            fields: vec![start],
            ..Default::default()
        },
    );
    let offers = json(get(&lever, &ids.api_key, "/opportunities/opp-alan/offers").await).await;
    let field = &offers["data"][0]["fields"][0];
    assert_eq!(field["identifier"], "anticipated_start_date");
    assert_eq!(field["value"], berlin_midnight);
    assert_eq!(field["text"], "Anticipated start date");
}
