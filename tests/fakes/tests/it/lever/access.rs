//! Key permissions as Lever's key screen splits them (one item vs all items), and the
//! separate "Allow access to confidential data" toggle with its own 403.

use hirewire_fakes::lever::{Offer, Opportunity, Perm, Posting};
use reqwest::StatusCode;
use serde_json::json;

use super::{demo, forbidden, list_ids, post};
use crate::{json, lever_get as get};

fn label(p: Perm) -> String {
    format!(
        "This API key does not have the \"{}\" permission",
        p.label()
    )
}

#[tokio::test]
async fn reading_one_and_listing_are_separate_checkboxes() {
    let (lever, _) = demo().await;
    lever.set_rate_limit(1000.0, 1000); // many calls in a row: not a rate-limit test
    lever.add_key(
        "list-only",
        &[Perm::FindAllOpportunities, Perm::FindAllPostings],
    );
    lever.add_key(
        "one-only",
        &[Perm::FindOpportunity, Perm::FindPosting, Perm::FindStage],
    );

    assert!(!list_ids(&lever, "list-only", "/opportunities")
        .await
        .is_empty());
    let m = forbidden(&lever, "list-only", "/opportunities/opp-ada").await;
    assert_eq!(m, label(Perm::FindOpportunity));
    assert!(m.contains("Find an opportunity"), "{m}");

    let one = get(&lever, "one-only", "/opportunities/opp-ada").await;
    assert_eq!(one.status(), StatusCode::OK);
    let m = forbidden(&lever, "one-only", "/opportunities").await;
    assert!(m.contains("\"Find all opportunities\""), "{m}");

    let posting = get(&lever, "one-only", "/postings/posting-swe").await;
    assert_eq!(posting.status(), StatusCode::OK);
    let m = forbidden(&lever, "one-only", "/postings").await;
    assert!(m.contains("\"Find all postings\""), "{m}");
    assert!(forbidden(&lever, "list-only", "/postings/posting-swe")
        .await
        .contains("\"Find a posting\""));

    let stage = json(get(&lever, "one-only", "/stages/stage-phone").await).await;
    assert_eq!(stage["data"]["text"], "Phone screen");
    assert!(forbidden(&lever, "one-only", "/stages")
        .await
        .contains("\"Find all stages\""));

    // Per-opportunity lists are "Find all …" lists of their own; downloads and note
    // creation are their own checkboxes.
    assert!(
        forbidden(&lever, "one-only", "/opportunities/opp-ada/offers")
            .await
            .contains("\"Find all candidate offers\"")
    );
    assert_eq!(
        forbidden(&lever, "one-only", "/opportunities/opp-ada/notes").await,
        label(Perm::FindAllNotes)
    );
    let note = post(
        &lever,
        "one-only",
        "/opportunities/opp-ada/notes",
        &json!({"value": "x"}),
    )
    .await;
    assert_eq!(note.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        json(note).await["message"],
        "This API key does not have the \"Create an opportunity note\" permission"
    );
    for (path, perm) in [
        ("/archive_reasons", Perm::FindAllArchiveReasons),
        ("/archive_reasons/reason-hired", Perm::FindArchiveReason),
        ("/users", Perm::FindAllUsers),
        ("/users/user-recruiter", Perm::FindUser),
        ("/tags", Perm::FindAllTags),
        ("/opportunities/deleted", Perm::FindAllDeletedOpportunities),
        ("/webhooks", Perm::FindAllWebhooks),
        (
            "/opportunities/opp-ada/offers/offer-ada/download",
            Perm::DownloadOffer,
        ),
        (
            "/opportunities/opp-ada/files/file-ada-portfolio/download",
            Perm::DownloadFile,
        ),
    ] {
        assert_eq!(
            forbidden(&lever, "one-only", path).await,
            label(perm),
            "{path}"
        );
    }
}

/// Adds a confidential posting with one confidential opportunity (and an offer), plus a
/// key with every checkbox but no confidential access.
fn add_secret(lever: &hirewire_fakes::lever::FakeLever) {
    lever.add_posting(Posting {
        id: "posting-secret".into(),
        text: "Chief of Staff".into(),
        location: "Zurich".into(),
        confidential: true,
        ..Default::default()
    });
    lever.add_opportunity(Opportunity {
        id: "opp-secret".into(),
        name: "Quiet Hire".into(),
        emails: vec!["quiet@example.com".into()],
        posting: Some("posting-secret".into()),
        ..Default::default()
    });
    lever.add_offer(
        "opp-secret",
        Offer {
            id: "offer-secret".into(),
            status: "sent".into(),
            ..Default::default()
        },
    );
    lever.add_key("plain", &Perm::all());
}

#[tokio::test]
async fn confidential_data_needs_the_toggle_and_says_so_apart_from_checkboxes() {
    let (lever, key) = demo().await;
    add_secret(&lever);
    let confidential = forbidden(&lever, "plain", "/opportunities/opp-secret").await;
    assert!(confidential.contains("confidential data"), "{confidential}");
    assert!(
        confidential.contains("Allow access to confidential data"),
        "{confidential}"
    );
    assert!(
        !confidential.contains("permission"),
        "not a checkbox: {confidential}"
    );
    for path in [
        "/opportunities/opp-secret/offers",
        "/opportunities/opp-secret/notes",
        "/opportunities/opp-secret/resumes",
        "/opportunities/opp-secret/files",
        "/opportunities/opp-secret/offers/offer-secret/download",
        "/postings/posting-secret",
    ] {
        assert_eq!(
            forbidden(&lever, "plain", path).await,
            confidential,
            "{path}"
        );
    }
    let note = post(
        &lever,
        "plain",
        "/opportunities/opp-secret/notes",
        &json!({"value": "x"}),
    )
    .await;
    assert_eq!(note.status(), StatusCode::FORBIDDEN);
    assert!(lever.notes("opp-secret").is_empty());

    // The checkbox is checked first: a key lacking both hears about the checkbox.
    lever.add_key("list-only", &[Perm::FindAllOpportunities]);
    assert_eq!(
        forbidden(&lever, "list-only", "/opportunities/opp-secret").await,
        label(Perm::FindOpportunity)
    );

    // The demo key has the toggle.
    let one = json(get(&lever, &key, "/opportunities/opp-secret").await).await;
    assert_eq!(one["data"]["confidentiality"], "confidential");
    assert_eq!(one["data"]["opportunityLocation"], "Zurich");
    let ada = json(get(&lever, &key, "/opportunities/opp-ada").await).await;
    assert_eq!(ada["data"]["confidentiality"], "non-confidential");
    let offers = json(get(&lever, &key, "/opportunities/opp-secret/offers").await).await;
    assert_eq!(offers["data"][0]["id"], "offer-secret");
}

#[tokio::test]
async fn lists_default_to_non_confidential_and_all_needs_the_toggle() {
    let (lever, key) = demo().await;
    add_secret(&lever);
    let default = list_ids(&lever, &key, "/opportunities").await;
    assert_eq!(
        default,
        ["opp-ada", "opp-grace", "opp-alan"],
        "even with the toggle"
    );
    let all = list_ids(&lever, &key, "/opportunities?confidentiality=all").await;
    assert_eq!(all, ["opp-ada", "opp-grace", "opp-alan", "opp-secret"]);
    let only = list_ids(&lever, &key, "/opportunities?confidentiality=confidential").await;
    assert_eq!(only, ["opp-secret"]);
    let explicit = list_ids(
        &lever,
        &key,
        "/opportunities?confidentiality=non-confidential",
    )
    .await;
    assert_eq!(explicit, default);
    let bad = get(&lever, &key, "/opportunities?confidentiality=secret").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    assert_eq!(list_ids(&lever, "plain", "/opportunities").await, default);
    for path in [
        "/opportunities?confidentiality=all",
        "/opportunities?confidentiality=confidential",
        "/postings?confidentiality=all",
    ] {
        let m = forbidden(&lever, "plain", path).await;
        assert!(m.contains("confidential data"), "{path}: {m}");
    }

    let postings = list_ids(&lever, "plain", "/postings").await;
    assert_eq!(postings, ["posting-swe", "posting-design"]);
    let postings = list_ids(&lever, &key, "/postings?confidentiality=all").await;
    assert!(
        postings.contains(&"posting-secret".to_string()),
        "{postings:?}"
    );
    let p = json(get(&lever, &key, "/postings/posting-secret").await).await;
    assert_eq!(p["data"]["confidentiality"], "confidential");
}
