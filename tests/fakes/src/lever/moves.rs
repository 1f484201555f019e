//! The writes that move an opportunity, as Lever's "Opportunities" section documents them:
//! `PUT …/stage` with `{"stage"}` (required), `POST …/addTags` with `{"tags": [..]}`
//! (required), `PUT …/archived` with `{"reason"}` (required to archive; unarchiving is
//! not modelled), each with an optional `perform_as` that must name a user.
//! Each checks its checkbox first (403), then the opportunity (404), then the body (400),
//! keeps the new state on the opportunity, and logs the write for tests. The answer is the
//! opportunity as it now is.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::Value;

use super::paging::param;
use super::papers::opened;
use super::render::{self, data, error};
use super::routes::{Access, Q};
use super::{Perm, Shared};

/// One write made through the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Move {
    /// The stage became this stage id.
    Stage {
        /// The new stage id.
        stage: String,
        /// `perform_as`, if given.
        perform_as: Option<String>,
    },
    /// These tags were added.
    Tags {
        /// The tags sent.
        tags: Vec<String>,
        /// `perform_as`, if given.
        perform_as: Option<String>,
    },
    /// Archived with this reason id.
    Archived {
        /// The archive reason id.
        reason: String,
        /// `perform_as`, if given.
        perform_as: Option<String>,
    },
}

/// A write that passed the gate: the locked data, its JSON body and `perform_as`.
type Checked<'a> = (Access<'a>, serde_json::Map<String, Value>, Option<String>);

/// The locked data after the gate, the JSON body and `perform_as`, checked; or the answer.
#[allow(clippy::result_large_err)]
fn checked<'a>(
    s: &'a Shared,
    h: &HeaderMap,
    perm: Perm,
    id: &str,
    q: &Q,
    body: &Bytes,
) -> Result<Checked<'a>, Response> {
    let d = opened(s, h, perm, id)?;
    let Ok(Value::Object(v)) = serde_json::from_slice::<Value>(body) else {
        return Err(error(400, "Request body must be a JSON object"));
    };
    let perform_as = param(q, "perform_as")
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    if let Some(p) = &perform_as {
        if !d.users.iter().any(|u| u.id == *p) {
            return Err(error(400, &format!("perform_as: no user with id {p}")));
        }
    }
    Ok((d, v, perform_as))
}

/// `PUT /opportunities/{id}/stage?perform_as=` with `{"stage": STAGE_ID}`.
pub(crate) async fn stage(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
    body: Bytes,
) -> Response {
    let (mut d, v, perform_as) = match checked(&s, &h, Perm::UpdateStage, &id, &q, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(stage) = v
        .get("stage")
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
    else {
        return error(400, "Missing required field: stage");
    };
    if !d.stages.iter().any(|(sid, _)| sid == stage) {
        return error(400, &format!("stage: no stage with id {stage}"));
    }
    let stage = stage.to_string();
    let now = crate::clock::now_ms();
    if let Some(o) = d.opp_mut(&id) {
        o.stage = stage.clone();
        o.updated_at = now;
    }
    d.moves
        .entry(id.clone())
        .or_default()
        .push(Move::Stage { stage, perform_as });
    answer(&d, &id)
}

/// `POST /opportunities/{id}/addTags?perform_as=` with `{"tags": [..]}`.
pub(crate) async fn add_tags(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
    body: Bytes,
) -> Response {
    let (mut d, v, perform_as) = match checked(&s, &h, Perm::AddTags, &id, &q, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(list) = v.get("tags").and_then(Value::as_array) else {
        return error(400, "Missing required field: tags (an array of strings)");
    };
    let Some(tags) = list
        .iter()
        .map(|t| t.as_str().map(str::to_string))
        .collect::<Option<Vec<String>>>()
    else {
        return error(400, "tags must be an array of strings");
    };
    let now = crate::clock::now_ms();
    if let Some(o) = d.opp_mut(&id) {
        for t in &tags {
            if !o.tags.contains(t) {
                o.tags.push(t.clone());
            }
        }
        o.updated_at = now;
    }
    for t in &tags {
        if !d.tags.contains(t) {
            d.tags.push(t.clone());
        }
    }
    d.moves
        .entry(id.clone())
        .or_default()
        .push(Move::Tags { tags, perform_as });
    answer(&d, &id)
}

/// `PUT /opportunities/{id}/archived?perform_as=` with `{"reason": REASON_ID}` (the
/// optional `cleanInterviews` and `requisitionId` are accepted and not modelled).
pub(crate) async fn archived(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
    body: Bytes,
) -> Response {
    let (mut d, v, perform_as) = match checked(&s, &h, Perm::UpdateArchived, &id, &q, &body) {
        Ok(x) => x,
        Err(r) => return r,
    };
    let Some(reason) = v
        .get("reason")
        .and_then(Value::as_str)
        .filter(|x| !x.is_empty())
    else {
        return error(400, "Missing required field: reason");
    };
    if !d.reasons.iter().any(|r| r.id == reason) {
        return error(400, &format!("reason: no archive reason with id {reason}"));
    }
    let reason = reason.to_string();
    let now = crate::clock::now_ms();
    if let Some(o) = d.opp_mut(&id) {
        o.archived = Some((now, reason.clone()));
        o.updated_at = now;
    }
    d.moves
        .entry(id.clone())
        .or_default()
        .push(Move::Archived { reason, perform_as });
    answer(&d, &id)
}

fn answer(d: &Access<'_>, id: &str) -> Response {
    match d.opp(id) {
        Some(o) => data(render::opportunity(d, o, &[])),
        None => error(404, "Opportunity not found"),
    }
}

impl super::FakeLever {
    /// Every write made through the API on `opp` (stage changes, tags, archives), oldest
    /// first.
    pub fn moves(&self, opp: &str) -> Vec<Move> {
        self.with(|d| d.moves.get(opp).cloned().unwrap_or_default())
    }

    /// The stage changes made through the API on `opp`: the new stage ids, oldest first.
    pub fn stage_changes(&self, opp: &str) -> Vec<String> {
        self.moves(opp)
            .into_iter()
            .filter_map(|m| match m {
                Move::Stage { stage, .. } => Some(stage),
                _ => None,
            })
            .collect()
    }

    /// An opportunity's current stage id, tags and archive reason (if archived).
    pub fn opportunity_state(&self, opp: &str) -> Option<(String, Vec<String>, Option<String>)> {
        self.with(|d| {
            d.opp(opp).map(|o| {
                (
                    o.stage.clone(),
                    o.tags.clone(),
                    o.archived.as_ref().map(|(_, r)| r.clone()),
                )
            })
        })
    }
}
