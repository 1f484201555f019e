//! Starts the fake Lever, bob and assessment partner with demo data (partner grading every
//! invite after 5 s), prints their URLs and the demo credentials (fake values) as one JSON
//! object on stdout, and serves until SIGINT or SIGTERM.

use std::time::Duration;

use hirewire_fakes::bob::FakeBob;
use hirewire_fakes::lever::FakeLever;
use hirewire_fakes::partner::FakePartner;
use serde_json::json;

/// How long the demo partner takes to grade an invite: quick enough to watch.
const AUTO_GRADE_AFTER: Duration = Duration::from_secs(5);

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let lever = FakeLever::start().await?;
    let ids = lever.seed_demo();
    let bob = FakeBob::start().await?;
    let (bob_user, bob_token) = bob.seed_demo();
    let partner = FakePartner::start().await?;
    let partner_key = partner.seed_demo();
    partner.set_auto_grade(Some(AUTO_GRADE_AFTER));
    let info = json!({
        "lever": {
            "url": lever.url(),
            "api_key": ids.api_key,
            "opportunities": {"ada": ids.ada, "grace": ids.grace, "alan": ids.alan},
            "stages": {"assessment": ids.stage_byteboard, "onsite": ids.stage_onsite, "offer": ids.stage_offer},
            "archive_reasons": {
                "not_a_fit": ids.reason_not_a_fit, "withdrew": ids.reason_withdrew, "hired": ids.reason_hired,
                "offer_declined": ids.reason_offer_declined, "unmapped": ids.reason_unmapped,
            },
            "perform_as": ids.user_recruiter,
        },
        "bob": {"url": bob.url(), "service_user": bob_user, "token": bob_token},
        "assessment": {
            "url": partner.url(),
            "list_tests_url": partner.list_tests_url(),
            "send_test_url": partner.send_test_url(),
            "test_status_url": partner.test_status_url(),
            "response_error_url": partner.response_error_url(),
            "outcomes_url": partner.outcomes_url(),
            "api_key": partner_key,
            "auto_grade_seconds": AUTO_GRADE_AFTER.as_secs(),
        },
    });
    println!("{info}");
    shutdown().await?;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
#[cfg(unix)]
async fn shutdown() -> anyhow::Result<()> {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = term.recv() => {}
        r = tokio::signal::ctrl_c() => r?,
    }
    Ok(())
}

/// Resolves on Ctrl-C.
#[cfg(not(unix))]
async fn shutdown() -> anyhow::Result<()> {
    tokio::signal::ctrl_c().await?;
    Ok(())
}
