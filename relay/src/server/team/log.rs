//! `POST …/team/log` (append at `expect`), `POST …/team/log/compact`, and
//! `GET …/team/log?after=P&limit=N&wait=MS` (engine and seats), with the engine's status.

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;

use super::body::{decode, json_cap, read_json, too_large};
use super::refusal::Refusal;
use super::wait::Waiter;
use super::{engine_status, Req};
use crate::store::team::Append;
use crate::team::{
    b64, LogAppend, LogAppended, LogCompact, LogConflict, LogPage, LogRecord, LOG_READ_CAP,
    MAX_TEAM_REQUEST,
};

/// Query of a log read.
#[derive(Debug, Deserialize)]
pub(super) struct LogQuery {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
    #[serde(default)]
    wait: u64,
}

pub(super) async fn append(req: Req, body: Body) -> Result<Response, Refusal> {
    let (live, caller) = req.caller("POST").await?;
    caller.engine_only()?;
    let max_record = req.st.cfg.team.max_record;
    let append: LogAppend = read_json(&req.st, body, json_cap(MAX_TEAM_REQUEST)).await?;
    if append.expect == 0 {
        return Err(Refusal::bad_body("`expect` is a position, from 1"));
    }
    let mut records = Vec::with_capacity(append.records.len());
    let mut total = 0usize;
    for r in &append.records {
        let bytes = decode(r, "a record", max_record, "team_record_too_large")?;
        total += bytes.len();
        if total > MAX_TEAM_REQUEST {
            return Err(too_large(
                "team_request_too_large",
                "the records of one request",
                MAX_TEAM_REQUEST,
            ));
        }
        records.push(bytes);
    }
    let n = records.len();
    let out = req
        .st
        .team
        .append(&live.id, append.expect, records)
        .await
        .map_err(Refusal::store)?;
    match out {
        Append::Done { first, next } => {
            req.st.metrics.team_records.inc_by(n as u64);
            Ok(Json(LogAppended { first, next }).into_response())
        }
        Append::Conflict { next } => {
            req.st.metrics.refuse("team_log_conflict");
            tracing::info!(channel = %live.name, expect = append.expect, next, "log append at the wrong position");
            Ok((StatusCode::CONFLICT, Json(LogConflict { next })).into_response())
        }
    }
}

pub(super) async fn compact(req: Req, body: Body) -> Result<Response, Refusal> {
    let (live, caller) = req.caller("POST").await?;
    caller.engine_only()?;
    let c: LogCompact = read_json(&req.st, body, 1024).await?;
    let head = req
        .st
        .team
        .compact(&live.id, c.before)
        .await
        .map_err(Refusal::store)?;
    Ok(Json(serde_json::json!({"first": head.first, "next": head.next})).into_response())
}

pub(super) async fn read(req: Req, q: LogQuery) -> Result<Response, Refusal> {
    let (live, caller) = req.caller("GET").await?;
    let _slot = req.seat_slot(&live, &caller)?;
    let limit = q.limit.unwrap_or(LOG_READ_CAP).clamp(1, LOG_READ_CAP);
    let signals = req.st.team.signals().get(&live.id);
    let mut waiter = Waiter::new(&req.st, &live, signals.log.subscribe(), &caller, q.wait);
    loop {
        let (records, head) = req
            .st
            .team
            .read_log(&live.id, q.after, limit)
            .await
            .map_err(Refusal::store)?;
        if !records.is_empty() || !waiter.wait().await? {
            waiter.check()?;
            let engine = engine_status(&req.st, &live.id).await;
            let page = LogPage {
                records: records
                    .into_iter()
                    .map(|(pos, body)| LogRecord {
                        pos,
                        body: b64(&body),
                    })
                    .collect(),
                first: head.first,
                next: head.next,
                engine,
            };
            return Ok(Json(page).into_response());
        }
    }
}
