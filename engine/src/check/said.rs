//! What the check says when things are as they should be, or not set up yet: one home for
//! the sentences the window and the CLI show and the UI's mock repeats (generated into
//! `ui/src/generated/facts.ts`).

/// No relay connection is kept.
pub(crate) const RELAY_NOT_CONNECTED: &str =
    "not connected: paste the connection code (`hirewire connect CODE`)";

/// The relay answered, with `pending` events waiting on it.
pub(crate) fn relay_connected(url: &str, pending: u64) -> String {
    let waiting = match pending {
        0 => "nothing waiting".to_string(),
        1 => "1 event waiting".to_string(),
        n => format!("{n} events waiting"),
    };
    format!("connected to {url} ({waiting})")
}

/// The relay did not answer.
pub(crate) fn relay_unreachable(url: &str, why: &str) -> String {
    format!("cannot reach the relay at {url}: {why}")
}

/// The keychain holds the signing token of the webhook posted to `endpoint`.
pub(crate) fn token_set(endpoint: &str) -> String {
    format!("signing token for {endpoint} is set")
}

/// The keychain lacks the signing token of the webhook posted to `endpoint`.
pub(crate) fn token_missing(endpoint: &str) -> String {
    format!("no signing token for {endpoint}: copy it from Lever's webhook settings into Setup")
}

/// Lever answered every box Hirewire asked about with yes.
pub(crate) const LEVER_ALL_GOOD: &str =
    "the API key has every permission Hirewire needs, confidential candidates included";

/// bob let the service user search people and list `fields` fields.
pub(crate) fn bob_sees(fields: usize) -> String {
    format!("the service user may search people and sees {fields} fields (creating employees and uploading documents can only be proven by the first hire)")
}

/// bob let the service user read and rewrite a Work row.
pub(crate) const BOB_WORK_ALLOWED: &str = "the service user may read and rewrite employees' Work rows (Approve of a changed title, department or site)";

/// bob refused the Work table for want of `perm`.
pub(crate) fn bob_work_missing(perm: &str) -> String {
    format!("bob's service user lacks «{perm}» (People's data, Work): Approve of a changed title, department or site needs it; add it to the service user's permission group in bob, then check again")
}

/// No partner URL is set.
pub(crate) const NO_PARTNER: &str = "no assessment partner configured (optional)";

/// The partner listed `tests` tests.
pub(crate) fn partner_offers(provider: &str, tests: usize) -> String {
    format!("{provider} offers {tests} test(s)")
}
