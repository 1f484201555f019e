//! Lever's list conventions: query parameters (repeated keys kept), `limit` (1–100) and
//! `offset` (only a `next` token Lever handed out), pages shaped `{"data": […], "hasNext",
//! "next"?}`, and `expand` given by repeating the parameter.

use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine as _;
use serde_json::{json, Value};

use super::render::error;
use super::Data;

/// Upper bound of `limit`, and the default.
pub(crate) const MAX_LIMIT: usize = 100;
/// Prefix inside the opaque page token, so a foreign token is recognised as bad.
const TOKEN_PREFIX: &str = "fake-lever-page:";

/// The value of query parameter `k` (the first, when repeated).
pub(crate) fn param<'a>(q: &'a [(String, String)], k: &str) -> Option<&'a str> {
    q.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str())
}

/// Every value of a repeatable parameter, in order; empty values are skipped.
pub(crate) fn params<'a>(q: &'a [(String, String)], k: &str) -> Vec<&'a str> {
    q.iter()
        .filter(|(n, v)| n == k && !v.is_empty())
        .map(|(_, v)| v.as_str())
        .collect()
}

/// The `expand` values: the parameter repeated (`expand=a&expand=b`), as Lever documents
/// it; a comma inside one value splits it only when the fake's switch says so.
pub(crate) fn expands(d: &Data, q: &[(String, String)]) -> Vec<String> {
    params(q, "expand")
        .into_iter()
        .flat_map(|v| {
            if d.switches.expand_commas {
                v.split(',').map(|s| s.trim().to_string()).collect()
            } else {
                vec![v.trim().to_string()]
            }
        })
        .collect()
}

/// A boolean parameter (`true`/`false`); `Err` names the parameter.
pub(crate) fn flag(q: &[(String, String)], k: &str) -> Result<Option<bool>, String> {
    match param(q, k) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(format!("{k} must be true or false, not {other:?}")),
    }
}

/// One page of `items` per `limit` (1–100, default 100) and `offset` (the `next` token of
/// a previous page): `{"data": […], "hasNext", "next"?}`. The fake's own page cap may give
/// fewer than `limit`, as a server may, so clients must follow `next`.
pub(crate) fn page(d: &mut Data, items: Vec<Value>, q: &[(String, String)]) -> Response {
    let limit = match param(q, "limit").map(|l| l.trim().parse::<usize>()) {
        None => MAX_LIMIT,
        Some(Ok(l)) if (1..=MAX_LIMIT).contains(&l) => l,
        _ => return error(400, "limit must be an integer from 1 to 100"),
    };
    let start = match param(q, "offset") {
        None | Some("") => 0,
        Some(token) => match decode_token(token).filter(|n| d.issued_pages.contains(n)) {
            Some(n) => n,
            None => return error(400, "offset must be the `next` value of the previous page"),
        },
    };
    let size = limit.min(d.page_cap.max(1));
    let start = d.odd.page_start(start.min(items.len()), size);
    let end = (start + size).min(items.len());
    let has_next = end < items.len();
    let mut body = json!({"data": items[start..end], "hasNext": has_next});
    if has_next {
        d.issued_pages.insert(end);
        body["next"] = json!(encode_token(end));
    }
    Json(body).into_response()
}

fn encode_token(n: usize) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(format!("{TOKEN_PREFIX}{n}"))
}

fn decode_token(token: &str) -> Option<usize> {
    let raw = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(token.trim())
        .ok()?;
    String::from_utf8(raw)
        .ok()?
        .strip_prefix(TOKEN_PREFIX)?
        .parse()
        .ok()
}
