//! An opportunity's notes as Lever's "Notes" section documents them: listed as forms
//! titled "Note" whose text is in `fields[].value`, created with `{value, secret, score,
//! notifyFollowers, createdAt}` and an optional `perform_as`.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Map, Value};

use super::paging::param;
use super::papers::{of, opened, per_opportunity};
use super::render::{self, error};
use super::routes::Q;
use super::{Note, Perm, Shared};

/// `GET /opportunities/{id}/notes`, newest first.
pub(crate) async fn list(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
) -> Response {
    per_opportunity(&s, &h, Perm::FindAllNotes, &id, &q, |d, _| {
        of(&d.notes, &id).iter().rev().map(render::note).collect()
    })
}

/// `POST /opportunities/{id}/notes?perform_as=` with `{"value" (required), "secret",
/// "score" (1–4), "notifyFollowers", "createdAt" (not in the future)}` → `201 {"data":
/// {"noteId"}}`. The checkbox is checked before the body, so a probe with an empty body
/// learns only whether the key may write notes.
pub(crate) async fn create(
    State(s): State<Shared>,
    h: HeaderMap,
    Path(id): Path<String>,
    q: Q,
    body: Bytes,
) -> Response {
    let mut d = match opened(&s, &h, Perm::CreateNote, &id) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let Ok(Value::Object(v)) = serde_json::from_slice::<Value>(&body) else {
        return error(400, "Request body must be a JSON object");
    };
    let now = crate::clock::now_ms();
    let fields = match NoteFields::read(&v, now) {
        Ok(f) => f,
        Err(m) => return error(400, &m),
    };
    if param(&q, "note_id").is_some() {
        return error(
            400,
            "note_id (a comment on an existing note) is not supported by this fake",
        );
    }
    let perform_as = param(&q, "perform_as")
        .filter(|p| !p.is_empty())
        .map(str::to_string);
    if let Some(p) = &perform_as {
        if !d.users.iter().any(|u| u.id == *p) {
            return error(400, &format!("perform_as: no user with id {p}"));
        }
    }
    let stage = d
        .opp(&id)
        .map(|o| o.stage.clone())
        .filter(|s| !s.is_empty());
    let note = Note {
        id: d.id("note"),
        value: fields.value,
        perform_as,
        created_at: fields.created_at.unwrap_or(now),
        secret: fields.secret,
        notify_followers: fields.notify_followers,
        score: fields.score,
        stage,
        deleted_at: None,
    };
    let note_id = note.id.clone();
    d.notes.entry(id).or_default().push(note);
    (
        StatusCode::CREATED,
        Json(json!({"data": {"noteId": note_id}})),
    )
        .into_response()
}

/// The body of a note create, checked.
struct NoteFields {
    value: String,
    secret: bool,
    notify_followers: bool,
    score: Option<u8>,
    created_at: Option<u64>,
}

impl NoteFields {
    /// Reads and checks the body; `Err` is the `400` message.
    fn read(v: &Map<String, Value>, now: u64) -> Result<Self, String> {
        let value = v
            .get("value")
            .and_then(Value::as_str)
            .filter(|t| !t.trim().is_empty())
            .ok_or("Missing required field: value")?
            .to_string();
        let present = |k: &str| v.get(k).filter(|x| !x.is_null());
        let flag = |k: &str| match present(k) {
            None => Ok(false),
            Some(x) => x.as_bool().ok_or(format!("{k} must be a boolean")),
        };
        let score = match present("score") {
            None => None,
            Some(x) => Some(
                x.as_u64()
                    .filter(|s| (1..=4).contains(s))
                    .and_then(|s| u8::try_from(s).ok())
                    .ok_or("score must be an integer from 1 to 4")?,
            ),
        };
        let created_at = match present("createdAt") {
            None => None,
            Some(x) => {
                let at = x
                    .as_u64()
                    .ok_or("createdAt must be a timestamp in milliseconds")?;
                if at > now {
                    return Err("createdAt cannot be in the future".into());
                }
                Some(at)
            }
        };
        Ok(NoteFields {
            value,
            secret: flag("secret")?,
            notify_followers: flag("notifyFollowers")?,
            score,
            created_at,
        })
    }
}
