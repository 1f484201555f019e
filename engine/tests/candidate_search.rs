//! The dry run's candidate search against the fake Lever: Lever lists confidential
//! candidates only when asked with `confidentiality=all`, and only to a key that may see
//! them, so the search asks for them exactly when the key may.

use hirewire_engine::candidates;
use hirewire_engine::secrets::Secrets;
use hirewire_engine::Engine;
use hirewire_fakes::lever::{FakeLever, Opportunity, Perm};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confidential_candidate_is_found_by_email_and_by_name_only_with_a_key_that_may_see_it() {
    let lever = FakeLever::start()
        .await
        .unwrap_or_else(|e| panic!("fake Lever: {e}"));
    let ids = lever.seed_demo(); // its key has confidential access
    lever.add_opportunity(Opportunity {
        id: "opp-secret".into(),
        name: "Rosalind Franklin".into(),
        emails: vec!["rosalind@example.com".into()],
        confidential: true,
        ..Default::default()
    });
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let engine = Engine::open_with(Some(tmp.path()), "search", Secrets::in_memory("search"))
        .unwrap_or_else(|e| panic!("{e}"));
    engine
        .store()
        .write(|tx| {
            let mut s = tx.settings()?;
            s.lever.base_url = lever.url();
            tx.put_settings(&s)
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let use_key = |key: &str| {
        engine
            .secrets()
            .set("lever-api-key", key)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let found =
        |list: &[candidates::Candidate]| list.iter().any(|c| c.opportunity_id == "opp-secret");

    use_key(&ids.api_key);
    let by_email = candidates::search(&engine, "rosalind@example.com")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(found(&by_email), "{by_email:?}");
    let by_name = candidates::search(&engine, "franklin")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(found(&by_name), "{by_name:?}");

    // A key made without confidential access: the search still works, without her.
    lever.add_key_with("open-only", &Perm::all(), false);
    use_key("open-only");
    let open = candidates::search(&engine, "rosalind@example.com")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!found(&open), "{open:?}");
    let others = candidates::search(&engine, "ada@example.com")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        !others.is_empty(),
        "non-confidential candidates are still found"
    );
}
