//! The HTTP server: public intake, the app's stream, health and metrics, plus the admin
//! socket and the age sweeper. [`run`] takes a bound listener and a shutdown future, so
//! tests start it on `127.0.0.1:0`.

mod conn;
mod guard;
mod ingest;
mod stream;
mod sweeper;
mod team;
mod window;

use std::future::Future;
use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use tokio::sync::watch;

use crate::live::Registry;
use crate::metrics::Metrics;
use crate::store::nats::{NatsOptions, NatsStore};
use crate::store::team::TeamStore;
use crate::store::{self, redb::RedbStore, AdminCmd, Store};

/// How long in-flight requests may take to finish after SIGTERM.
const DRAIN_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a TLS handshake may take: a client that stalls it holds a socket for nothing.
const TLS_HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What one client may hold: each value is a flag (see `hirewire-relay serve --help`).
#[derive(Debug, Clone)]
pub struct Limits {
    /// A request's headers must arrive within this (also how long an idle keep-alive
    /// connection waits for its next request).
    pub header_timeout: Duration,
    /// A request's body must arrive within this.
    pub body_timeout: Duration,
    /// A connection on which nothing moved either way for this long is closed.
    pub idle_timeout: Duration,
    /// A stream whose app sent nothing for this long is dropped (pinged every third of it).
    pub peer_timeout: Duration,
    /// Most connections open at once.
    pub max_connections: usize,
    /// Most connections open at once from one address (`None`: no per-address cap).
    pub max_connections_per_ip: Option<usize>,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            idle_timeout: Duration::from_secs(90),
            peer_timeout: crate::protocol::PEER_TIMEOUT,
            max_connections: 1024,
            max_connections_per_ip: Some(64),
        }
    }
}

/// Everything `serve` is configured with, validated.
#[derive(Debug, Clone)]
pub struct ServeConfig {
    /// Directory of the redb file and the admin socket.
    pub data: PathBuf,
    /// The NATS store, when `--store nats://…` was given (else redb in `data`).
    pub nats: Option<NatsOptions>,
    /// Public base URL put into connection codes.
    pub public_url: Option<String>,
    /// PEM certificate chain and key, for TLS.
    pub tls: Option<(PathBuf, PathBuf)>,
    /// A certificate from an ACME CA, for TLS (instead of `tls`).
    pub acme: Option<crate::acme::AcmeOptions>,
    /// How long the store may take to finish once the HTTP side has drained.
    pub stop_timeout: Duration,
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
    /// Timeouts and connection caps.
    pub limits: Limits,
    /// Bounds of the seat API (team mode).
    pub team: TeamLimits,
}

/// What seats may write and hold (team mode); each value is a flag.
#[derive(Debug, Clone)]
pub struct TeamLimits {
    /// Largest log record, in bytes.
    pub max_record: usize,
    /// Largest command, in bytes.
    pub max_command: usize,
    /// Commands per minute per seat.
    pub seat_commands_per_minute: u32,
    /// Requests one seat may hold open at once.
    pub seat_connections: usize,
    /// Most devices per channel.
    pub max_seats: usize,
}

impl Default for TeamLimits {
    fn default() -> Self {
        TeamLimits {
            max_record: 256 * 1024,
            max_command: 64 * 1024,
            seat_commands_per_minute: 60,
            seat_connections: 4,
            max_seats: 64,
        }
    }
}

/// Shared by every request handler.
#[derive(Clone)]
pub(crate) struct AppState {
    pub cfg: Arc<ServeConfig>,
    pub store: Arc<dyn Store>,
    pub registry: Arc<Registry>,
    pub metrics: Arc<Metrics>,
    pub limiter: Option<Arc<DefaultKeyedRateLimiter<String>>>,
    /// The seat API's durable state (the same store as `store`).
    pub team: Arc<dyn TeamStore>,
    /// Per-seat bounds kept in memory.
    pub seats: Arc<team::auth::Seats>,
    /// Flips to true on shutdown: streams close with 1001.
    pub shutdown: watch::Receiver<bool>,
}

/// Runs the relay on `listener` until `shutdown` resolves, then drains and returns.
pub async fn run(
    listener: std::net::TcpListener,
    cfg: ServeConfig,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let metrics = Arc::new(Metrics::new());
    let (store, team) = open_store(&cfg, &metrics).await?;
    let local = listener.local_addr()?;
    let public_url = cfg
        .public_url
        .clone()
        .unwrap_or_else(|| default_public_url(local, &cfg));
    store
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
        registry: store.registry(),
        store: store.clone(),
        metrics: metrics.clone(),
        limiter,
        team,
        seats: Arc::new(team::auth::Seats::new(cfg.team.seat_commands_per_minute)),
        shutdown: stop_rx,
    };
    let tasks = Tasks::start(&cfg, &store, &state).await?;
    let app = router(state);

    let handle = axum_server::Handle::new();
    let fatal = stop_on(shutdown, store.clone(), handle.clone(), stop_tx);
    let tls = cfg.tls.is_some() || cfg.acme.is_some();
    tracing::info!(%local, %public_url, tls, "relay listening");
    serve(listener, &cfg, handle, app, metrics).await?;
    tasks.stop().await;
    let _ = std::fs::remove_file(cfg.data.join(store::ADMIN_SOCKET));
    close_store(store.as_ref(), &cfg).await;
    let fatal = fatal.lock().ok().and_then(|mut f| f.take());
    match fatal {
        Some(why) => Err(anyhow::anyhow!(why)),
        None => Ok(()),
    }
}

/// Opens the configured store (redb under `--data`, or NATS), once for both of its faces.
async fn open_store(
    cfg: &ServeConfig,
    metrics: &Arc<Metrics>,
) -> anyhow::Result<(Arc<dyn Store>, Arc<dyn TeamStore>)> {
    Ok(match &cfg.nats {
        None => {
            let redb = Arc::new(RedbStore::open(&cfg.data, metrics.clone())?);
            (redb.clone(), redb)
        }
        Some(opts) => {
            store::open::create_private_dir(&cfg.data)?;
            let nats = Arc::new(NatsStore::open(opts.clone(), metrics.clone()).await?);
            (nats.clone(), nats)
        }
    })
}

/// The relay's background tasks beside the HTTP server.
struct Tasks {
    admin: tokio::task::JoinHandle<()>,
    sweeper: tokio::task::JoinHandle<()>,
    flusher: tokio::task::JoinHandle<()>,
    mailboxes: tokio::task::JoinHandle<()>,
}

impl Tasks {
    /// Starts the admin socket, the sweeper, the ack flusher and the mailbox sweep.
    async fn start(
        cfg: &ServeConfig,
        store: &Arc<dyn Store>,
        state: &AppState,
    ) -> anyhow::Result<Self> {
        let admin = crate::admin::server::start(&cfg.data, store.clone()).await?;
        Ok(Tasks {
            admin,
            sweeper: tokio::spawn(sweeper::run(state.clone())),
            flusher: tokio::spawn(sweeper::flush_acks(state.clone())),
            mailboxes: tokio::spawn(team::sweep(state.clone())),
        })
    }

    /// Stops them all and waits until each has let go.
    async fn stop(self) {
        self.admin.abort();
        self.sweeper.abort();
        self.flusher.abort();
        self.mailboxes.abort();
        let _ = self.flusher.await;
        let _ = self.mailboxes.await;
        let _ = self.admin.await;
        let _ = self.sweeper.await;
    }
}

/// Starts the task that stops the server: on `shutdown`, or when the store is found
/// damaged. A damaged store stops the relay as a signal would, and `run` then fails with
/// the store's message (kept in the returned slot): no half-running relay answering 503
/// for ever.
fn stop_on(
    shutdown: impl Future<Output = ()> + Send + 'static,
    store: Arc<dyn Store>,
    handle: axum_server::Handle<SocketAddr>,
    stop_tx: watch::Sender<bool>,
) -> Arc<std::sync::Mutex<Option<String>>> {
    let fatal: Arc<std::sync::Mutex<Option<String>>> = Default::default();
    let slot = fatal.clone();
    tokio::spawn(async move {
        tokio::select! {
            _ = shutdown => {}
            why = store.damaged() => {
                if let Ok(mut slot) = slot.lock() {
                    *slot = Some(why);
                }
            }
        }
        tracing::info!("shutting down: no new connections, finishing what is in flight");
        let _ = stop_tx.send(true);
        handle.graceful_shutdown(Some(DRAIN_TIMEOUT));
    });
    fatal
}

/// Lets the store finish every queued commit before it lets go, within --stop-timeout: a
/// store that cannot be reached (NATS down) must not keep the relay from stopping.
async fn close_store(store: &dyn Store, cfg: &ServeConfig) {
    match tokio::time::timeout(cfg.stop_timeout, store.close()).await {
        Ok(()) => tracing::info!("relay stopped"),
        Err(_) => {
            let waiting = store.waiting_acks();
            tracing::warn!(
                waiting,
                "relay stopped before its store finished (--stop-timeout {}): acknowledgements of {waiting} channel(s) were not recorded; those events are sent again at the next connection and the app drops them by seq. Every webhook answered 200 was already stored",
                humantime::format_duration(cfg.stop_timeout)
            );
        }
    }
}

/// Serves HTTP(S) with the connection caps and timeouts until the handle shuts down.
async fn serve(
    listener: std::net::TcpListener,
    cfg: &ServeConfig,
    handle: axum_server::Handle<SocketAddr>,
    app: Router,
    metrics: Arc<Metrics>,
) -> anyhow::Result<()> {
    let limits = &cfg.limits;
    let per_ip = limits.max_connections_per_ip.filter(|_| !cfg.trust_proxy);
    let acceptor = conn::Acceptor::new(conn::Limiter::new(
        limits.max_connections,
        per_ip,
        limits.idle_timeout,
        metrics.clone(),
    ));
    let service = app.into_make_service_with_connect_info::<SocketAddr>();
    let on_accept_error = |peer: Option<&SocketAddr>, e: &std::io::Error| {
        // Refusals by the caps are logged by the limiter; this is the rest (EMFILE…).
        if !e.to_string().contains("connection cap") {
            tracing::warn!(peer = ?peer, "cannot accept a connection: {e} (if this is \"too many open files\", lower --max-connections or raise the file limit)");
        }
    };
    let header_timeout = limits.header_timeout;
    let tls = match (&cfg.tls, &cfg.acme) {
        (Some((cert, key)), _) => Some(crate::tls::load(cert, key, &metrics)?),
        (None, Some(acme)) => Some(crate::acme::start(acme, &cfg.data, metrics.clone())?),
        (None, None) => None,
    };
    match tls {
        Some(tls) => {
            let acceptor = axum_server::tls_rustls::RustlsAcceptor::new(tls)
                .handshake_timeout(TLS_HANDSHAKE_TIMEOUT)
                .acceptor(acceptor);
            let mut server = axum_server::from_tcp(listener)?
                .acceptor(acceptor)
                .accept_error_handler(on_accept_error)
                .first_request_timeout(header_timeout);
            server
                .http_builder()
                .http1()
                .header_read_timeout(header_timeout);
            server.handle(handle).serve(service).await?
        }
        None => {
            let mut server = axum_server::from_tcp(listener)?
                .acceptor(acceptor)
                .accept_error_handler(on_accept_error)
                .first_request_timeout(header_timeout);
            server
                .http_builder()
                .http1()
                .header_read_timeout(header_timeout);
            server.handle(handle).serve(service).await?
        }
    }
    Ok(())
}

fn router(state: AppState) -> Router {
    Router::new()
        .route(
            "/hooks/{channel}/{endpoint}",
            post(ingest::hook).patch(ingest::hook),
        )
        .route("/v1/channels/{channel}/stream", get(stream::open))
        .route("/v1/channels/{channel}/status", get(stream::status))
        .merge(team::routes())
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics))
        .layer(axum::middleware::from_fn(conn_span))
        .with_state(state)
}

/// Every request runs in a span naming its connection (the peer's address and port), so
/// that the lines of one client, and of the stream it opens, can be told from another's.
async fn conn_span(
    axum::extract::ConnectInfo(peer): axum::extract::ConnectInfo<SocketAddr>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    use tracing::Instrument;
    let span = tracing::info_span!("conn", %peer, method = %req.method(), path = %req.uri().path());
    next.run(req).instrument(span).await
}

fn default_public_url(local: SocketAddr, cfg: &ServeConfig) -> String {
    if let Some(domain) = cfg.acme.as_ref().and_then(|a| a.domains.first()) {
        return format!("https://{domain}");
    }
    let scheme = if cfg.tls.is_some() { "https" } else { "http" };
    tracing::warn!("no --public-url given: connection codes will point at {scheme}://{local}; Lever needs a public https URL");
    format!("{scheme}://{local}")
}

async fn healthz(State(st): State<AppState>) -> Response {
    match st.store.probe().await {
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
