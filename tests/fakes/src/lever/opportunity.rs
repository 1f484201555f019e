//! Fake Lever's opportunity reads: one opportunity ("Find an opportunity"), the filtered
//! list ("Find all opportunities", see `filters`), and the deleted ones.

use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use super::filters::{Confidentiality, OpportunityFilter, Window};
use super::paging::{expands, page};
use super::render::{self, data, error};
use super::routes::{confidential_denied, gate, gate_id, Q};
use super::{Perm, Shared};

/// The 404 message for an opportunity that does not exist (or was deleted).
pub(crate) const NOT_FOUND: &str = "Opportunity not found";

/// `GET /opportunities` with Lever's filters, `expand` and paging.
pub(crate) async fn list(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let mut d = match gate(&s, &h, Perm::FindAllOpportunities) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let filter = match OpportunityFilter::parse(&q) {
        Ok(f) => f,
        Err(m) => return error(400, &m),
    };
    if filter.confidentiality.asks_confidential() && !d.confidential {
        return confidential_denied();
    }
    let expanded = expands(&d, &q);
    let items = d
        .opportunities
        .iter()
        .filter(|o| filter.matches(&d, o))
        .map(|o| render::opportunity(&d, o, &expanded))
        .collect();
    page(&mut d, items, &q)
}

/// `GET /opportunities/{id}?expand=applications&expand=stage&expand=owner`.
pub(crate) async fn one(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    let d = match gate_id(
        &s,
        &h,
        Perm::FindOpportunity,
        |d| d.opp(&id).is_some(),
        NOT_FOUND,
    ) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Some(o) = d.opp(&id) else {
        return error(404, NOT_FOUND);
    };
    if let Err(r) = d.may_read(o) {
        return r;
    }
    data(render::opportunity(&d, o, &expands(&d, &q)))
}

/// `GET /opportunities/deleted?deleted_at_start=&deleted_at_end=&confidentiality=`: each
/// deleted opportunity as it was, with `deletedAt` and `deletedBy`. As Lever's other lists,
/// it leaves confidential ones out unless `confidentiality` asks for them, which needs the
/// key's confidential access.
pub(crate) async fn deleted(State(s): State<Shared>, h: HeaderMap, q: Q) -> Response {
    let mut d = match gate(&s, &h, Perm::FindAllDeletedOpportunities) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let window = match Window::parse(&q, "deleted_at") {
        Ok(w) => w,
        Err(m) => return error(400, &m),
    };
    let shown = match Confidentiality::parse(&q) {
        Ok(c) => c,
        Err(m) => return error(400, &m),
    };
    if shown.asks_confidential() && !d.confidential {
        return confidential_denied();
    }
    let expanded = expands(&d, &q);
    let items = d
        .deleted
        .iter()
        .filter(|x| window.contains(Some(x.deleted_at)))
        .filter(|x| shown.includes(d.is_confidential(&x.opportunity)))
        .map(|x| {
            let mut v = render::opportunity(&d, &x.opportunity, &expanded);
            v["deletedAt"] = json!(x.deleted_at);
            v["deletedBy"] = json!(x.deleted_by);
            v
        })
        .collect();
    let items = [d.odd.deleted_rows.clone(), items].concat();
    page(&mut d, items, &q)
}
