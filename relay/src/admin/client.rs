//! The `channel …` commands' side: ask the running server over its socket, or, when no
//! server runs on the directory, do the same change in the store directly (the redb file,
//! or NATS with `--store nats://…`).

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

use super::{issued_json, list_json, AdminError, ErrorKind, Request, Response};
use crate::store::{self, ops, tables::META_PUBLIC_URL, StoreError, ADMIN_SOCKET};

/// Runs `req` against the relay data in `dir`, or its NATS `store`.
pub fn run(
    dir: &Path,
    store: Option<&str>,
    req: &Request,
) -> Result<Vec<serde_json::Value>, AdminError> {
    let socket = dir.join(ADMIN_SOCKET);
    if let Ok(conn) = UnixStream::connect(&socket) {
        return over_socket(conn, req);
    }
    match store {
        Some(url) => offline_nats(url, req),
        None => offline(dir, req),
    }
}

/// Runs `req` on NATS directly: every relay serving from it sees the change at once.
fn offline_nats(url: &str, req: &Request) -> Result<Vec<serde_json::Value>, AdminError> {
    use crate::store::nats::{options::parse_servers, NatsOptions, NatsStore};
    let servers = parse_servers(url).map_err(AdminError::usage)?;
    let runtime = tokio::runtime::Runtime::new()
        .map_err(|e| AdminError::failure(format!("cannot start the runtime: {e}")))?;
    runtime.block_on(async {
        let metrics = std::sync::Arc::new(crate::metrics::Metrics::new());
        let store = NatsStore::open(NatsOptions::new(servers), metrics).await?;
        let result = super::server::execute(&store, req.clone()).await;
        crate::store::Store::close(&store).await;
        result
    })
}

fn over_socket(mut conn: UnixStream, req: &Request) -> Result<Vec<serde_json::Value>, AdminError> {
    let mut line = serde_json::to_vec(req).map_err(|e| AdminError::failure(e.to_string()))?;
    line.push(b'\n');
    conn.write_all(&line)
        .map_err(|e| AdminError::failure(format!("cannot talk to the running relay: {e}")))?;
    let mut answer = String::new();
    BufReader::new(conn)
        .read_line(&mut answer)
        .map_err(|e| AdminError::failure(format!("the running relay did not answer: {e}")))?;
    let response: Response = serde_json::from_str(&answer).map_err(|e| {
        AdminError::failure(format!("the running relay gave an unreadable answer: {e}"))
    })?;
    match response.error {
        Some(message) => Err(AdminError {
            kind: response.kind.unwrap_or(ErrorKind::Failure),
            message,
        }),
        None => Ok(response.lines),
    }
}

fn offline(dir: &Path, req: &Request) -> Result<Vec<serde_json::Value>, AdminError> {
    let db = store::open(dir).map_err(|e| match e {
        StoreError::Locked(_) => AdminError::failure(format!(
            "a relay is running on {} but its admin socket does not answer; check that {} exists and that you run this as the relay's user",
            dir.display(),
            dir.join(ADMIN_SOCKET).display()
        )),
        other => AdminError::from(other),
    })?;
    // A page the open's check passed could still make redb panic if the file changes
    // under it: the command then fails with the damage message, never a panic.
    let file = dir.join(store::DB_FILE);
    crate::panic_guard::catch(|| offline_on(&db, req, &file))
        .unwrap_or_else(|why| Err(AdminError::failure(store::damage::in_use(&file, &why))))
}

/// Runs an offline request on the open database.
fn offline_on(
    db: &::redb::Database,
    req: &Request,
    file: &Path,
) -> Result<Vec<serde_json::Value>, AdminError> {
    // Damage redb reports on the way carries its reason alone: say what to do about it.
    let err = |e: StoreError| match e {
        StoreError::Damaged(why) => AdminError::failure(store::damage::in_use(file, &why)),
        other => AdminError::from(other),
    };
    let db_err = |e: ::redb::Error| err(StoreError::from(e));
    let public_url = |given: &Option<String>| {
        given
            .clone()
            .or_else(|| ops::get_meta(db, META_PUBLIC_URL).ok().flatten())
    };
    match req {
        Request::List => {
            let all = ops::list_channels(db).map_err(err)?;
            all.iter()
                .map(|(id, rec)| Ok(list_json(id, rec, ops::pending_count(db, id).map_err(err)?)))
                .collect()
        }
        Request::Add {
            name,
            public_url: url,
        } => {
            let url = require_url(public_url(url))?;
            let txn = db.begin_write().map_err(|e| db_err(e.into()))?;
            let issued = ops::add_channel(&txn, name).map_err(err)?;
            txn.commit().map_err(|e| db_err(e.into()))?;
            Ok(vec![issued_json(&issued, Some(&url))?])
        }
        Request::Rotate {
            id,
            public_url: url,
        } => {
            let url = require_url(public_url(url))?;
            let txn = db.begin_write().map_err(|e| db_err(e.into()))?;
            let issued = ops::rotate_channel(&txn, id).map_err(err)?;
            txn.commit().map_err(|e| db_err(e.into()))?;
            Ok(vec![issued_json(&issued, Some(&url))?])
        }
        Request::Remove { id } => {
            let txn = db.begin_write().map_err(|e| db_err(e.into()))?;
            ops::remove_channel(&txn, id).map_err(err)?;
            txn.commit().map_err(|e| db_err(e.into()))?;
            Ok(vec![])
        }
    }
}

/// A channel is only created or rotated when its connection code can be printed.
fn require_url(url: Option<String>) -> Result<String, AdminError> {
    url.ok_or_else(|| AdminError::usage(super::NO_PUBLIC_URL))
}
