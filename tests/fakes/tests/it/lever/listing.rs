//! `GET /opportunities` filters as Lever names them, `limit`/`offset` checks, the deleted
//! list, the users' email lookup and the archive reasons' `type` filter.

use base64::Engine as _;
use hirewire_fakes::lever::{Opportunity, Perm, User};
use reqwest::StatusCode;

use super::{demo, list_ids};
use crate::{json, lever_get as get};

const T1: u64 = 1_700_000_000_000;
const T2: u64 = 1_750_000_000_000;
const T3: u64 = 1_760_000_000_000;

/// Four archived opportunities besides the three active demo ones.
fn add_archived(lever: &hirewire_fakes::lever::FakeLever) {
    let archived = |id: &str, at: u64, reason: &str, stage: &str, posting: &str| Opportunity {
        id: id.into(),
        name: id.into(),
        stage: stage.into(),
        archived: Some((at, reason.into())),
        posting: Some(posting.into()),
        created_at: at - 1_000,
        updated_at: at,
        ..Default::default()
    };
    lever.add_opportunity(archived(
        "x",
        T1,
        "reason-hired",
        "stage-offer",
        "posting-swe",
    ));
    lever.add_opportunity(archived(
        "y",
        T2,
        "reason-hired",
        "stage-offer",
        "posting-swe",
    ));
    lever.add_opportunity(archived(
        "z",
        T3,
        "reason-not-a-fit",
        "stage-phone",
        "posting-swe",
    ));
    lever.add_opportunity(archived(
        "w",
        T3,
        "reason-withdrew",
        "stage-phone",
        "posting-design",
    ));
}

#[tokio::test]
async fn opportunity_filters_are_unions_within_and_intersections_across() {
    let (lever, key) = demo().await;
    lever.set_rate_limit(1000.0, 1000); // many calls in a row: not a rate-limit test
    add_archived(&lever);
    let q = |query: &str| {
        let lever = &lever;
        let key = key.clone();
        let path = format!("/opportunities?{query}");
        async move {
            let mut v = list_ids(lever, &key, &path).await;
            v.sort();
            v
        }
    };
    assert_eq!(q("").await.len(), 7, "archived left out: both kinds");
    assert_eq!(q("archived=true").await, ["w", "x", "y", "z"]);
    assert_eq!(
        q("archived=false").await,
        ["opp-ada", "opp-alan", "opp-grace"]
    );
    assert_eq!(
        q(&format!("archived_at_start={T2}")).await,
        ["w", "y", "z"],
        "inclusive"
    );
    assert_eq!(q(&format!("archived_at_end={T2}")).await, ["x", "y"]);
    assert_eq!(
        q(&format!(
            "archived_at_start={}&archived_at_end={T2}",
            T1 + 1
        ))
        .await,
        ["y"]
    );
    assert_eq!(
        q("archive_reason_id=reason-hired&archive_reason_id=reason-not-a-fit").await,
        ["x", "y", "z"],
        "repeated: a union"
    );
    assert_eq!(
        q(&format!(
            "archive_reason_id=reason-hired&archived_at_start={T2}"
        ))
        .await,
        ["y"],
        "different filters: AND"
    );
    assert_eq!(q("stage_id=stage-offer").await, ["x", "y"]);
    assert_eq!(
        q("stage_id=stage-offer&stage_id=stage-phone").await.len(),
        7
    );
    assert_eq!(q(&format!("created_at_end={}", T1)).await, ["x"]);
    assert_eq!(
        q("tag=Byteboard%20Web&tag=Referral").await,
        ["opp-ada", "opp-grace"]
    );
    assert!(
        q("tag=byteboard%20web").await.is_empty(),
        "tags are case-sensitive"
    );
    assert_eq!(q("posting_id=posting-design").await, ["opp-alan", "w"]);
    assert_eq!(
        q("posting_id=posting-design&archived=false").await,
        ["opp-alan"]
    );
    assert_eq!(
        q("tag=Byteboard%20SWE&posting_id=posting-swe&email=GRACE@example.com").await,
        ["opp-grace"]
    );
    assert_eq!(
        q("location=Berlin").await,
        ["opp-alan", "w"],
        "the posting's location"
    );
    assert!(
        q("location=Brighton").await.is_empty(),
        "not where the candidate lives"
    );
    assert_eq!(q("contact_id=contact-opp-ada").await, ["opp-ada"]);
    for bad in [
        "archived=maybe",
        "archived_at_start=yesterday",
        "created_at_end=soon",
        "limit=0",
        "limit=101",
        "limit=ten",
    ] {
        let r = get(&lever, &key, &format!("/opportunities?{bad}")).await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST, "{bad}");
        assert_eq!(json(r).await["code"], "BadRequest");
    }
}

#[tokio::test]
async fn offset_takes_only_a_token_lever_gave_and_expand_repeats() {
    let (lever, key) = demo().await;
    // A token shaped like the fake's own, for a page it never handed out.
    let forged = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode("fake-lever-page:1");
    let r = get(
        &lever,
        &key,
        &format!("/opportunities?limit=1&offset={forged}"),
    )
    .await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    let first = json(get(&lever, &key, "/opportunities?limit=1").await).await;
    let next = first["next"].as_str().expect("a next token");
    assert_eq!(next, forged, "the same position once handed out");
    let second = list_ids(
        &lever,
        &key,
        &format!("/opportunities?limit=1&offset={next}"),
    )
    .await;
    assert_eq!(second, ["opp-grace"]);

    let path = "/opportunities?email=ada@example.com&expand=applications&expand=stage";
    let v = json(get(&lever, &key, path).await).await;
    let ada = &v["data"][0];
    assert_eq!(ada["applications"][0]["posting"], "posting-swe");
    assert_eq!(ada["stage"]["text"], "Phone screen");
    assert_eq!(ada["owner"], "user-recruiter", "owner was not asked for");

    // Commas inside one value are not documented: by default they expand nothing.
    let comma = json(
        get(
            &lever,
            &key,
            "/opportunities/opp-ada?expand=applications,stage",
        )
        .await,
    )
    .await;
    assert_eq!(comma["data"]["applications"][0], "app-opp-ada");
    assert_eq!(comma["data"]["stage"], "stage-phone");
    lever.set_expand_accepts_commas(true);
    let comma = json(
        get(
            &lever,
            &key,
            "/opportunities/opp-ada?expand=applications,stage",
        )
        .await,
    )
    .await;
    assert_eq!(comma["data"]["applications"][0]["posting"], "posting-swe");
    assert_eq!(comma["data"]["stage"]["id"], "stage-phone");
}

#[tokio::test]
async fn a_deleted_opportunity_is_gone_and_listed_as_deleted() {
    let (lever, key) = demo().await;
    let before = hirewire_fakes::webhook::now_ms();
    lever
        .delete_opportunity("opp-alan", Some("user-recruiter"))
        .expect("alan exists");
    let after = hirewire_fakes::webhook::now_ms();
    assert!(
        lever.delete_opportunity("opp-alan", None).is_err(),
        "already gone"
    );
    for path in ["/opportunities/opp-alan", "/opportunities/opp-alan/notes"] {
        let r = get(&lever, &key, path).await;
        assert_eq!(r.status(), StatusCode::NOT_FOUND, "{path}");
        assert_eq!(json(r).await["code"], "NotFound");
    }
    assert_eq!(
        list_ids(&lever, &key, "/opportunities").await,
        ["opp-ada", "opp-grace"]
    );

    let deleted = json(get(&lever, &key, "/opportunities/deleted").await).await;
    let alan = &deleted["data"][0];
    assert_eq!(alan["id"], "opp-alan");
    assert_eq!(alan["deletedBy"], "user-recruiter");
    let at = alan["deletedAt"].as_u64().expect("deletedAt in ms");
    assert!((before..=after).contains(&at), "{at}");
    assert_eq!(deleted["hasNext"], false);
    let window = |q: String| {
        let (lever, key) = (&lever, key.clone());
        async move { list_ids(lever, &key, &format!("/opportunities/deleted?{q}")).await }
    };
    assert_eq!(window(format!("deleted_at_start={at}")).await, ["opp-alan"]);
    assert_eq!(window(format!("deleted_at_end={at}")).await, ["opp-alan"]);
    assert!(window(format!("deleted_at_start={}", at + 1))
        .await
        .is_empty());
    assert!(window(format!("deleted_at_end={}", at - 1))
        .await
        .is_empty());
    let bad = get(&lever, &key, "/opportunities/deleted?deleted_at_start=x").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
    assert_eq!(lever.deleted_opportunities().len(), 1);
}

#[tokio::test]
async fn users_are_found_by_exact_canonical_email_and_deactivated_ones_hide() {
    let (lever, key) = demo().await;
    lever.add_user(User {
        id: "user-gone".into(),
        name: "Gone Recruiter".into(),
        email: "gone@example.com".into(),
        deactivated_at: Some(1_700_000_000_000),
        ..Default::default()
    });
    let find = |q: &'static str| {
        let (lever, key) = (&lever, key.clone());
        async move { list_ids(lever, &key, &format!("/users?{q}")).await }
    };
    assert_eq!(find("email=rita@example.com").await, ["user-recruiter"]);
    assert_eq!(
        find("email=%20Rita@Example.COM%20").await,
        ["user-recruiter"]
    );
    assert!(
        find("email=rita").await.is_empty(),
        "exact, not a substring"
    );
    assert!(
        find("email=gone@example.com").await.is_empty(),
        "deactivated"
    );
    assert_eq!(
        find("email=gone@example.com&includeDeactivated=true").await,
        ["user-gone"]
    );
    assert_eq!(find("").await.len(), 3);
    assert_eq!(find("includeDeactivated=true").await.len(), 4);
    assert_eq!(find("accessRole=team%20member").await.len(), 3);
    assert!(find("accessRole%5B%5D=super%20admin").await.is_empty());
    let bad = get(&lever, &key, "/users?includeDeactivated=yes").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    let one = json(get(&lever, &key, "/users?email=rita@example.com").await).await;
    assert!(one["data"].is_array(), "a list even for one email");
    assert_eq!(one["data"][0]["username"], "rita");
    assert!(one["data"][0]["deactivatedAt"].is_null());
    let gone = json(get(&lever, &key, "/users/user-gone").await).await;
    assert_eq!(gone["data"]["deactivatedAt"], 1_700_000_000_000u64);
}

#[tokio::test]
async fn archive_reasons_filter_by_type_and_can_answer_one_object() {
    let (lever, key) = demo().await;
    assert_eq!(
        list_ids(&lever, &key, "/archive_reasons?type=hired").await,
        ["reason-hired"]
    );
    let non_hired = list_ids(&lever, &key, "/archive_reasons?type=non-hired").await;
    assert_eq!(non_hired.len(), 11);
    assert!(!non_hired.contains(&"reason-hired".to_string()));
    let bad = get(&lever, &key, "/archive_reasons?type=fired").await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);

    lever.set_typed_reasons_as_object(true);
    let one = json(get(&lever, &key, "/archive_reasons?type=hired").await).await;
    assert_eq!(one["data"]["id"], "reason-hired", "{one}");
    assert_eq!(one["data"]["type"], "hired");
    assert_eq!(one["data"]["status"], "active");
    assert_eq!(
        list_ids(&lever, &key, "/archive_reasons").await.len(),
        12,
        "without type: still a list"
    );
    let single = json(get(&lever, &key, "/archive_reasons/reason-withdrew").await).await;
    assert_eq!(single["data"]["text"], "Withdrew");
    lever.add_key("reasons", &[Perm::FindAllArchiveReasons]);
    let r = get(&lever, "reasons", "/archive_reasons/reason-withdrew").await;
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_deleted_confidential_opportunity_is_listed_only_when_asked_by_a_key_that_may() {
    let (lever, key) = demo().await;
    lever.add_opportunity(Opportunity {
        id: "opp-secret".into(),
        name: "Secret".into(),
        confidential: true,
        ..Default::default()
    });
    lever
        .delete_opportunity("opp-secret", None)
        .expect("exists");
    lever.delete_opportunity("opp-alan", None).expect("exists");
    let ids = |k: &str, q: &str| {
        let (lever, k, q) = (&lever, k.to_string(), q.to_string());
        async move { list_ids(lever, &k, &format!("/opportunities/deleted{q}")).await }
    };
    assert_eq!(ids(&key, "").await, ["opp-alan"], "the default hides it");
    assert_eq!(
        ids(&key, "?confidentiality=all").await,
        ["opp-secret", "opp-alan"]
    );
    assert_eq!(
        ids(&key, "?confidentiality=confidential").await,
        ["opp-secret"]
    );
    lever.add_key_with("no-toggle", &Perm::all(), false);
    assert_eq!(ids("no-toggle", "").await, ["opp-alan"]);
    let refused = get(
        &lever,
        "no-toggle",
        "/opportunities/deleted?confidentiality=all",
    )
    .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
}
