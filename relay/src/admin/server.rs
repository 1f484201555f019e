//! The admin socket inside a running server: one JSON request line in, one JSON answer
//! line out, served from the store the server runs on.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::sync::Arc;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinHandle;

use super::{issued_json, list_json, AdminError, Request, Response};
use crate::store::{AdminCmd, AdminOutcome, Store, ADMIN_SOCKET};

/// Largest request line accepted; requests are a few dozen bytes.
const MAX_LINE: u64 = 64 * 1024;

/// Binds `DIR/admin.sock` (mode 0600) and serves it until the task is aborted.
pub async fn start(dir: &Path, store: Arc<dyn Store>) -> std::io::Result<JoinHandle<()>> {
    let path = dir.join(ADMIN_SOCKET);
    // A socket file left by a killed server answers nothing: replace it.
    if path.exists() && UnixStream::connect(&path).await.is_err() {
        std::fs::remove_file(&path)?;
    }
    let listener = UnixListener::bind(&path).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!("cannot open the admin socket {}: {e}", path.display()),
        )
    })?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                if let Err(e) = serve_one(conn, store.as_ref()).await {
                    tracing::warn!("admin request failed: {e}");
                }
            });
        }
    }))
}

async fn serve_one(conn: UnixStream, store: &dyn Store) -> std::io::Result<()> {
    let (read, mut write) = conn.into_split();
    let mut line = String::new();
    BufReader::new(read.take(MAX_LINE))
        .read_line(&mut line)
        .await?;
    let result = match serde_json::from_str::<Request>(&line) {
        Ok(req) => execute(store, req).await,
        Err(e) => Err(AdminError::usage(format!("bad admin request: {e}"))),
    };
    let mut out = serde_json::to_vec(&Response::of(result)).unwrap_or_default();
    out.push(b'\n');
    write.write_all(&out).await
}

/// Runs one request against `store` (the socket's, or the `channel` command's own NATS
/// connection when no relay runs).
pub(crate) async fn execute(
    store: &dyn Store,
    req: Request,
) -> Result<Vec<serde_json::Value>, AdminError> {
    match req {
        Request::Add { name, public_url } => issue(store, AdminCmd::Add(name), public_url).await,
        Request::Rotate { id, public_url } => issue(store, AdminCmd::Rotate(id), public_url).await,
        Request::Remove { id } => {
            if let AdminOutcome::Removed(n) = store.admin(AdminCmd::Remove(id.clone())).await? {
                tracing::info!(channel = %id, deleted = n, "channel removed");
            }
            Ok(vec![])
        }
        Request::List => Ok(store
            .channels()
            .await?
            .iter()
            .map(|(id, rec, pending)| list_json(id, rec, *pending))
            .collect()),
    }
}

async fn issue(
    store: &dyn Store,
    cmd: AdminCmd,
    public_url: Option<String>,
) -> Result<Vec<serde_json::Value>, AdminError> {
    let url = match public_url {
        Some(u) => Some(u),
        None => store.public_url().await?,
    }
    .ok_or_else(|| AdminError::usage(super::NO_PUBLIC_URL))?;
    let AdminOutcome::Issued(issued) = store.admin(cmd).await? else {
        return Ok(vec![]);
    };
    tracing::info!(channel = %issued.id, name = %issued.record.name, "channel credentials issued");
    Ok(vec![issued_json(&issued, Some(&url))?])
}
