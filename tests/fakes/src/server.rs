//! Serving a fake: bind `127.0.0.1:0`, log every request with its status, apply faults in
//! a middleware, and stop when the fake's handle is dropped.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use base64::Engine as _;

use crate::faults::{FaultKind, Faults};

/// One request a fake received.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestLog {
    /// HTTP method (`GET`, `POST`, …).
    pub method: String,
    /// Path with query, as sent.
    pub path: String,
    /// The status answered; 499 when the client went away before the answer.
    pub status: u16,
    /// Basic-auth user name, if any (never the password or token).
    pub auth_user: Option<String>,
}

/// Status logged for a request whose client hung up before it was answered (nginx's code).
const CLIENT_CLOSED: u16 = 499;

/// Builds a vendor-shaped error answer for a status and message.
pub type ErrorShape = fn(u16, &str) -> Response;

/// The request log of one fake, shared by the middleware and the handle.
type Log = Arc<Mutex<Vec<RequestLog>>>;

#[derive(Clone)]
struct Mw {
    faults: Faults,
    log: Log,
    error: ErrorShape,
}

/// A running server: its address, request log and faults. Dropping it stops the server.
pub struct Served {
    /// Where it listens.
    pub addr: SocketAddr,
    /// Its switchable faults.
    pub faults: Faults,
    log: Log,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Served {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Served {
    /// Requests so far, in the order they were answered.
    pub fn requests(&self) -> Vec<RequestLog> {
        self.log.lock().map(|l| l.clone()).unwrap_or_default()
    }

    /// How many logged requests have a path (with query) containing `fragment`.
    pub fn hits(&self, fragment: &str) -> usize {
        self.requests()
            .iter()
            .filter(|r| r.path.contains(fragment))
            .count()
    }
}

/// Binds a free loopback port and serves `router` there in a task.
pub async fn serve(router: Router, error: ErrorShape) -> anyhow::Result<Served> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    serve_on(listener, router, error)
}

/// Serves `router` on an already bound listener (when the state must know the address).
pub fn serve_on(
    listener: tokio::net::TcpListener,
    router: Router,
    error: ErrorShape,
) -> anyhow::Result<Served> {
    let faults = Faults::default();
    let log: Log = Arc::new(Mutex::new(Vec::new()));
    let mw = Mw {
        faults: faults.clone(),
        log: log.clone(),
        error,
    };
    let app = router.layer(middleware::from_fn_with_state(mw, around));
    let addr = listener.local_addr()?;
    let task = tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app).await {
            tracing::warn!("fake server on {addr} stopped: {e}");
        }
    });
    Ok(Served {
        addr,
        faults,
        log,
        task,
    })
}

/// Writes its entry to the log when dropped, so a request whose client hung up mid-way
/// (its future dropped) is logged too.
struct Entry {
    log: Log,
    entry: RequestLog,
}

impl Drop for Entry {
    fn drop(&mut self) {
        if let Ok(mut l) = self.log.lock() {
            l.push(self.entry.clone());
        }
    }
}

async fn around(State(mw): State<Mw>, req: Request<Body>, next: Next) -> Response {
    let error = mw.error;
    let r = faulted(mw, req, next).await;
    vendor_shaped(r, error).await
}

/// Turns axum's own plain-text rejections (bad JSON, bad path, wrong method, …) into the
/// vendor's error shape, so a client sees one shape whatever it sent.
async fn vendor_shaped(r: Response, error: ErrorShape) -> Response {
    let plain = r
        .headers()
        .get("content-type")
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !(r.status().is_client_error() || r.status().is_server_error()) || !plain {
        return r;
    }
    let status = r.status().as_u16();
    let text = axum::body::to_bytes(r.into_body(), 64 * 1024)
        .await
        .unwrap_or_default();
    let text = String::from_utf8_lossy(&text);
    let message = if text.trim().is_empty() {
        StatusCode::from_u16(status)
            .ok()
            .and_then(|s| s.canonical_reason())
            .unwrap_or("Error")
    } else {
        text.trim()
    };
    error(status, message)
}

async fn faulted(mw: Mw, req: Request<Body>, next: Next) -> Response {
    let method = req.method().as_str().to_string();
    let path = req
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_string())
        .unwrap_or_default();
    let auth_user = basic_auth(req.headers().get("authorization")).map(|(u, _)| u);
    let fault = mw.faults.pick(&method, &path);
    let mut entry = Entry {
        log: mw.log,
        entry: RequestLog {
            method,
            path,
            status: CLIENT_CLOSED,
            auth_user,
        },
    };
    match fault {
        Some(FaultKind::Status {
            status,
            retry_after,
        }) => {
            let mut r = (mw.error)(status, "injected fault");
            if let Some(v) = retry_after.and_then(|s| HeaderValue::from_str(&s.to_string()).ok()) {
                r.headers_mut().insert("retry-after", v);
            }
            entry.entry.status = r.status().as_u16();
            r
        }
        Some(FaultKind::StatusWithRawRetryAfter {
            status,
            retry_after,
        }) => {
            let mut r = (mw.error)(status, "injected fault");
            if let Ok(v) = HeaderValue::from_str(&retry_after) {
                r.headers_mut().insert("retry-after", v);
            }
            entry.entry.status = r.status().as_u16();
            r
        }
        Some(FaultKind::DelayBefore(d)) => {
            tokio::time::sleep(d).await;
            let r = next.run(req).await;
            entry.entry.status = r.status().as_u16();
            r
        }
        Some(FaultKind::DelayAfter(d)) => {
            let r = next.run(req).await;
            // Logged with the real status: the server acted even if the client gives up.
            entry.entry.status = r.status().as_u16();
            tokio::time::sleep(d).await;
            r
        }
        Some(FaultKind::Body(body)) => {
            entry.entry.status = 200;
            (StatusCode::OK, [("content-type", "application/json")], body).into_response()
        }
        None => {
            let r = next.run(req).await;
            entry.entry.status = r.status().as_u16();
            r
        }
    }
}

/// The (user, password) of a Basic `Authorization` header; `None` when absent or malformed.
pub fn basic_auth(value: Option<&HeaderValue>) -> Option<(String, String)> {
    let v = value?.to_str().ok()?;
    let (scheme, rest) = v.trim().split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = base64::engine::general_purpose::STANDARD
        .decode(rest.trim())
        .ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, pass) = text.split_once(':')?;
    Some((user.to_string(), pass.to_string()))
}

/// The `Host` the client addressed, for absolute links in answers (`127.0.0.1:PORT`).
pub fn host(headers: &axum::http::HeaderMap, fallback: SocketAddr) -> String {
    headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && h.bytes().all(|c| c.is_ascii_graphic()))
        .map(str::to_string)
        .unwrap_or_else(|| fallback.to_string())
}
