//! The HTTP server: public intake, the app's stream, health and metrics, plus the admin
//! socket and the age sweeper. [`run`] takes a bound listener and a shutdown future, so
//! tests start it on `127.0.0.1:0`.

mod ingest;
mod stream;
mod sweeper;

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
// Events are small frames that must leave at once: Nagle's algorithm would hold them.
use axum_server::accept::NoDelayAcceptor;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use redb::Database;
use tokio::sync::watch;

use crate::live::{ChannelLive, Registry};
use crate::metrics::Metrics;
use crate::store::{self, writer::AdminCmd, writer::Writer};

/// How long in-flight requests may take to finish after SIGTERM.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);

/// Everything `serve` is configured with, validated.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Directory of the redb file and the admin socket.
    pub data: PathBuf,
    /// Public base URL put into connection codes.
    pub public_url: Option<String>,
    /// PEM certificate chain and key, for TLS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// Largest accepted body, in bytes.
    pub max_body: usize,
    /// Most events a channel may hold unacknowledged.
    pub max_pending: u64,
    /// Age after which an unacknowledged event is dropped.
    pub max_age: Duration,
    /// Most unacknowledged events in flight on a stream.
    pub window: u64,
    /// Webhooks per second per channel (None: unlimited), and the burst.
    pub rate_limit: Option<(NonZeroU32, NonZeroU32)>,
    /// Take the client address from `X-Forwarded-For` (behind a reverse proxy).
    pub trust_proxy: bool,
}

/// Shared by every request handler.
#[derive(Clone)]
pub(crate) struct AppState {
    pub cfg: Arc<ServeConfig>,
    pub db: Arc<Database>,
    pub writer: Writer,
    pub registry: Arc<Registry>,
    pub metrics: Arc<Metrics>,
    pub limiter: Option<Arc<DefaultKeyedRateLimiter<String>>>,
    /// Flips to true on shutdown: streams close with 1001.
    pub shutdown: watch::Receiver<bool>,
}

/// Runs the relay on `listener` until `shutdown` resolves, then drains and returns.
pub async fn run(
    listener: std::net::TcpListener,
    cfg: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let db = Arc::new(store::open(&cfg.data)?);
    let registry = Arc::new(load_registry(&db)?);
    let metrics = Arc::new(Metrics::new());
    for live in registry.all() {
        metrics
            .pending
            .get_or_create(&Metrics::channel(&live.name))
            .set(live.pending() as i64);
    }
    let (writer, writer_thread) = Writer::start(db.clone(), registry.clone(), metrics.clone());
    let local = listener.local_addr()?;
    let public_url = cfg
        .public_url
        .clone()
        .unwrap_or_else(|| default_public_url(local, cfg.tls.is_some()));
    writer
        .admin(AdminCmd::SetPublicUrl(public_url.clone()))
        .await?;

    let (stop_tx, stop_rx) = watch::channel(false);
    let limiter = cfg.rate_limit.map(|(per_s, burst)| {
        Arc::new(RateLimiter::keyed(
            Quota::per_second(per_s).allow_burst(burst),
        ))
    });
    let state = AppState {
        cfg: Arc::new(cfg.clone()),
        db: db.clone(),
        writer: writer.clone(),
        registry: registry.clone(),
        metrics: metrics.clone(),
        limiter,
        shutdown: stop_rx,
    };
    let admin = crate::admin::server::start(&cfg.data, state.clone()).await?;
    let sweeper = tokio::spawn(sweeper::run(state.clone()));
    let flusher = tokio::spawn(sweeper::flush_acks(state.clone()));
    let app = router(state);

    let handle = axum_server::Handle::new();
    let on_stop = {
        let handle = handle.clone();
        async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections, finishing what is in flight");
            let _ = stop_tx.send(true);
            handle.graceful_shutdown(Some(DRAIN_TIMEOUT));
        }
    };
    tokio::spawn(on_stop);
    tracing::info!(%local, %public_url, tls = cfg.tls.is_some(), "relay listening");
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    match &cfg.tls {
        Some((cert, key)) => {
            let tls = crate::tls::load(cert, key)?;
            let acceptor =
                axum_server::tls_rustls::RustlsAcceptor::new(tls).acceptor(NoDelayAcceptor::new());
            let server = axum_server::from_tcp(listener)?.acceptor(acceptor);
            server.handle(handle).serve(service).await?
        }
        None => {
            let server = axum_server::from_tcp(listener)?.acceptor(NoDelayAcceptor::new());
            server.handle(handle).serve(service).await?
        }
    }
    admin.abort();
    sweeper.abort();
    flusher.abort();
    let _ = flusher.await;
    let _ = admin.await;
    let _ = sweeper.await;
    let _ = std::fs::remove_file(cfg.data.join(store::ADMIN_SOCKET));
    drop(writer);
    // The writer finishes every queued commit before its thread ends.
    tokio::task::spawn_blocking(move || writer_thread.join())
        .await
        .ok();
    tracing::info!("relay stopped");
    Ok(())
}

fn router(state: AppState) -> Router {
    let max_body = state.cfg.max_body;
    Router::new()
        .route(
            "/hooks/{channel}/{endpoint}",
            post(ingest::hook).patch(ingest::hook),
        )
        .route("/v1/channels/{channel}/stream", get(stream::open))
        .route("/v1/channels/{channel}/status", get(stream::status))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(DefaultBodyLimit::max(max_body))
        .with_state(state)
}

fn load_registry(db: &Database) -> Result<Registry, store::StoreError> {
    let registry = Registry::default();
    for (id, record) in store::ops::list_channels(db)? {
        let pending = store::ops::pending_count(db, &id)?;
        registry.insert(ChannelLive::new(&id, &record, pending));
    }
    Ok(registry)
}

fn default_public_url(local: SocketAddr, tls: bool) -> String {
    let scheme = if tls { "https" } else { "http" };
    tracing::warn!("no --public-url given: connection codes will point at {scheme}://{local}; Lever needs a public https URL");
    format!("{scheme}://{local}")
}

async fn healthz(State(st): State<AppState>) -> Response {
    match st.writer.probe().await {
        Ok(()) => (StatusCode::OK, "ok\n").into_response(),
        Err(e) => {
            tracing::error!(error = %e, "health probe failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                format!("store not writable: {e}\n"),
            )
                .into_response()
        }
    }
}

async fn metrics(State(st): State<AppState>) -> Response {
    let body = st.metrics.render();
    (
        [("content-type", "text/plain; version=0.0.4; charset=utf-8")],
        body,
    )
        .into_response()
}
