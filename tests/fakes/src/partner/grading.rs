//! Grading an interview: mark it complete with a score, then tell the ATS with a bodiless
//! `PATCH` to the invite's own top-level `url` (Greenhouse's
//! `source/includes/assessment/_patch_completed_test.md` @ `1cc89e3a`). A failed `PATCH` is
//! recorded, never retried: the ATS still learns the result by polling `test_status`.

use std::time::Duration;

use super::{Callback, Shared};

/// How long the partner waits for the ATS to answer a `PATCH`.
const CALLBACK_TIMEOUT: Duration = Duration::from_secs(10);
/// The score automatic grading gives.
const AUTO_SCORE: f64 = 87.0;

/// Grades `interview_id` (with no score when `score` is `None`, as a partner whose test
/// is not scored answers `partner_score: null`); false when it is unknown.
pub(crate) async fn grade(
    data: &Shared,
    client: &reqwest::Client,
    interview_id: &str,
    score: Option<f64>,
) -> bool {
    let target = {
        let mut d = data.lock().unwrap_or_else(|p| p.into_inner());
        let off = d.callbacks_off;
        let Some(invite) = d
            .invites
            .iter_mut()
            .find(|i| i.interview_id == interview_id)
        else {
            return false;
        };
        invite.status = "complete".into();
        invite.score = score;
        let url = invite.url.clone();
        (!off && !url.is_empty()).then_some(url)
    };
    if let Some(url) = target {
        let sent = client.patch(&url).timeout(CALLBACK_TIMEOUT).send().await;
        let (status, error) = match sent {
            Ok(r) => (Some(r.status().as_u16()), None),
            Err(e) => (None, Some(e.to_string())),
        };
        let callback = Callback {
            interview_id: interview_id.to_string(),
            url,
            status,
            error,
        };
        data.lock()
            .unwrap_or_else(|p| p.into_inner())
            .callbacks
            .push(callback);
    }
    true
}

/// Grades `interview_id` after `after`, unless the fake was dropped meanwhile.
pub(crate) fn grade_later(data: Shared, interview_id: String, after: Duration) {
    tokio::spawn(async move {
        tokio::time::sleep(after).await;
        if data.lock().map(|d| d.stopped).unwrap_or(true) {
            return;
        }
        grade(
            &data,
            &reqwest::Client::new(),
            &interview_id,
            Some(AUTO_SCORE),
        )
        .await;
    });
}
