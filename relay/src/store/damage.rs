//! What the operator is told about a damaged relay database, at open and while serving.
//!
//! Damage shows as a redb `Corrupted` error or as a panic inside redb (it trusts the pages
//! it reads); [`super::handle::DbHandle::guard`] turns both into [`super::StoreError::Damaged`]
//! with one of these messages, and the relay stops on it.

use std::path::Path;

/// What to do, and what each way out costs.
const ADVICE: &str = "Stop here and restore the file from a backup; or move it away to start a \
     new, empty relay, which loses every channel (their connection codes stop working: \
     connect each app again) and the webhooks it holds that no app has received yet";

/// The refusal of a file that is damaged when opened.
pub fn at_open(path: &Path, why: &str) -> String {
    format!(
        "{} is damaged ({why}); nothing was changed. {ADVICE}",
        path.display()
    )
}

/// The message when damage is found while serving.
pub fn in_use(path: &Path, why: &str) -> String {
    format!(
        "{} turned out to be damaged while the relay was using it ({why}); the relay stops so as not to lose more. {ADVICE}",
        path.display()
    )
}
