//! The admin socket inside a running server.

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{UnixListener, UnixStream};
use tokio::task::JoinHandle;

use super::{issued_json, list_json, Request, Response};
use crate::server::AppState;
use crate::store::{AdminCmd, AdminOutcome, ADMIN_SOCKET};

/// Largest request line accepted; requests are a few dozen bytes.
const MAX_LINE: u64 = 64 * 1024;

/// Binds `DIR/admin.sock` (mode 0600) and serves it until the task is aborted.
pub(crate) async fn start(dir: &Path, st: AppState) -> anyhow::Result<JoinHandle<()>> {
    let path = dir.join(ADMIN_SOCKET);
    // A socket file left by a killed server answers nothing: replace it.
    if path.exists() && UnixStream::connect(&path).await.is_err() {
        std::fs::remove_file(&path)?;
    }
    let listener = UnixListener::bind(&path)
        .map_err(|e| anyhow::anyhow!("cannot open the admin socket {}: {e}", path.display()))?;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    Ok(tokio::spawn(async move {
        while let Ok((conn, _)) = listener.accept().await {
            let st = st.clone();
            tokio::spawn(async move {
                if let Err(e) = serve_one(conn, &st).await {
                    tracing::warn!("admin request failed: {e}");
                }
            });
        }
    }))
}

async fn serve_one(conn: UnixStream, st: &AppState) -> std::io::Result<()> {
    let (read, mut write) = conn.into_split();
    let mut line = String::new();
    BufReader::new(read.take(MAX_LINE))
        .read_line(&mut line)
        .await?;
    let response = match serde_json::from_str::<Request>(&line) {
        Ok(req) => execute(st, req).await,
        Err(e) => Response {
            lines: vec![],
            error: Some(format!("bad admin request: {e}")),
        },
    };
    let mut out = serde_json::to_vec(&response).unwrap_or_default();
    out.push(b'\n');
    write.write_all(&out).await
}

async fn execute(st: &AppState, req: Request) -> Response {
    let result = match req {
        Request::Add { name, public_url } => issue(st, AdminCmd::Add(name), public_url).await,
        Request::Rotate { id, public_url } => issue(st, AdminCmd::Rotate(id), public_url).await,
        Request::Remove { id } => match st.store.admin(AdminCmd::Remove(id.clone())).await {
            Ok(AdminOutcome::Removed(n)) => {
                tracing::info!(channel = %id, deleted = n, "channel removed");
                Ok(vec![])
            }
            Ok(_) => Ok(vec![]),
            Err(e) => Err(e.to_string()),
        },
        Request::List => st
            .store
            .channels()
            .await
            .map_err(|e| e.to_string())
            .map(|all| {
                all.iter()
                    .map(|(id, rec, pending)| list_json(id, rec, *pending))
                    .collect()
            }),
    };
    match result {
        Ok(lines) => Response { lines, error: None },
        Err(e) => Response {
            lines: vec![],
            error: Some(e),
        },
    }
}

async fn issue(
    st: &AppState,
    cmd: AdminCmd,
    public_url: Option<String>,
) -> Result<Vec<serde_json::Value>, String> {
    let url = match public_url {
        Some(u) => Some(u),
        None => st.store.public_url().await.ok().flatten(),
    }
    .ok_or_else(|| super::NO_PUBLIC_URL.to_string())?;
    let outcome = st.store.admin(cmd).await.map_err(|e| e.to_string())?;
    let AdminOutcome::Issued(issued) = outcome else {
        return Ok(vec![]);
    };
    tracing::info!(channel = %issued.id, name = %issued.record.name, "channel credentials issued");
    Ok(vec![issued_json(&issued, Some(&url))?])
}
