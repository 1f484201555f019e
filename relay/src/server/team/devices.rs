//! `PUT|DELETE …/team/devices/{device}` and `GET …/team/devices`: the engine registers,
//! revokes and lists the devices of its seats. A revocation ends that device's open
//! requests at once (`401`).

use axum::body::Body;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;

use super::body::read_json;
use super::refusal::Refusal;
use super::{rfc3339, Req};
use crate::store::ops::now_ms;
use crate::store::team::{DeviceRecord, PutDevice};
use crate::team::{parse_device_key, valid_id, DeviceInfo, DeviceList, DevicePut};

/// Largest device registration body.
const DEVICE_BODY: usize = 4096;

fn check_id(device: &str) -> Result<(), Refusal> {
    if valid_id(device) {
        Ok(())
    } else {
        Err(Refusal::new(
            StatusCode::NOT_FOUND,
            "team_bad_id",
            "device ids are 1-64 of A-Z, a-z, 0-9, - and _",
        ))
    }
}

pub(super) async fn put(req: Req, device: String, body: Body) -> Result<Response, Refusal> {
    check_id(&device)?;
    let (live, caller) = req.caller("PUT").await?;
    caller.engine_only()?;
    let put: DevicePut = read_json(&req.st, body, DEVICE_BODY).await?;
    if parse_device_key(&put.key).is_none() {
        return Err(Refusal::bad_body(
            "`key` must be an Ed25519 public key: 32 bytes, base64url without padding",
        ));
    }
    let record = DeviceRecord {
        key: put.key,
        role: put.role,
        added_ms: now_ms(),
        last_seen_ms: None,
    };
    let max = req.st.cfg.team.max_seats;
    match req
        .st
        .team
        .put_device(&live.id, &device, record, max)
        .await
        .map_err(Refusal::store)?
    {
        PutDevice::TooMany => Err(Refusal::new(
            StatusCode::CONFLICT,
            "team_max_seats",
            format!("the team has the most devices allowed ({max}, --max-seats); remove one first"),
        )),
        done => {
            tracing::info!(channel = %live.name, %device, added = (done == PutDevice::Added), "device registered");
            Ok(Json(serde_json::json!({"ok": true})).into_response())
        }
    }
}

pub(super) async fn delete(req: Req, device: String) -> Result<Response, Refusal> {
    check_id(&device)?;
    let (live, caller) = req.caller("DELETE").await?;
    caller.engine_only()?;
    let existed = req
        .st
        .team
        .revoke_device(&live.id, &device)
        .await
        .map_err(Refusal::store)?;
    tracing::info!(channel = %live.name, %device, existed, "device revoked");
    Ok(Json(serde_json::json!({"ok": true, "existed": existed})).into_response())
}

pub(super) async fn list(req: Req) -> Result<Response, Refusal> {
    let (live, caller) = req.caller("GET").await?;
    caller.engine_only()?;
    let devices = req
        .st
        .team
        .devices(&live.id)
        .await
        .map_err(Refusal::store)?;
    let devices = devices
        .into_iter()
        .map(|(device, r)| DeviceInfo {
            device,
            key: r.key,
            role: r.role,
            added_at: rfc3339(r.added_ms),
            last_seen: r.last_seen_ms.map(rfc3339),
        })
        .collect();
    Ok(Json(DeviceList { devices }).into_response())
}
