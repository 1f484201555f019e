//! The `channel …` commands' side: ask the running server over its socket, or, when no
//! server runs on the directory, do the same change in the database directly.

use std::io::{BufRead, BufReader, Write};
use std::os::unix::net::UnixStream;
use std::path::Path;

use super::{issued_json, list_json, Request, Response};
use crate::store::{self, ops, tables::META_PUBLIC_URL, StoreError, ADMIN_SOCKET};

/// Runs `req` against the relay data in `dir`.
pub fn run(dir: &Path, req: &Request) -> Result<Vec<serde_json::Value>, String> {
    let socket = dir.join(ADMIN_SOCKET);
    if let Ok(conn) = UnixStream::connect(&socket) {
        return over_socket(conn, req);
    }
    offline(dir, req)
}

fn over_socket(mut conn: UnixStream, req: &Request) -> Result<Vec<serde_json::Value>, String> {
    let mut line = serde_json::to_vec(req).map_err(|e| e.to_string())?;
    line.push(b'\n');
    conn.write_all(&line)
        .map_err(|e| format!("cannot talk to the running relay: {e}"))?;
    let mut answer = String::new();
    BufReader::new(conn)
        .read_line(&mut answer)
        .map_err(|e| format!("the running relay did not answer: {e}"))?;
    let response: Response = serde_json::from_str(&answer)
        .map_err(|e| format!("the running relay gave an unreadable answer: {e}"))?;
    match response.error {
        Some(e) => Err(e),
        None => Ok(response.lines),
    }
}

fn offline(dir: &Path, req: &Request) -> Result<Vec<serde_json::Value>, String> {
    let db = store::open(dir).map_err(|e| match e {
        StoreError::Locked(_) => format!(
            "a relay is running on {} but its admin socket does not answer; check that {} exists and that you run this as the relay's user",
            dir.display(),
            dir.join(ADMIN_SOCKET).display()
        ),
        other => other.to_string(),
    })?;
    let err = |e: StoreError| e.to_string();
    let public_url = |given: &Option<String>| {
        given
            .clone()
            .or_else(|| ops::get_meta(&db, META_PUBLIC_URL).ok().flatten())
    };
    match req {
        Request::List => {
            let all = ops::list_channels(&db).map_err(err)?;
            all.iter()
                .map(|(id, rec)| {
                    Ok(list_json(
                        id,
                        rec,
                        ops::pending_count(&db, id).map_err(err)?,
                    ))
                })
                .collect()
        }
        Request::Add {
            name,
            public_url: url,
        } => {
            let url = require_url(public_url(url))?;
            let txn = db.begin_write().map_err(|e| e.to_string())?;
            let issued = ops::add_channel(&txn, name).map_err(err)?;
            txn.commit().map_err(|e| e.to_string())?;
            Ok(vec![issued_json(&issued, Some(&url))?])
        }
        Request::Rotate {
            id,
            public_url: url,
        } => {
            let url = require_url(public_url(url))?;
            let txn = db.begin_write().map_err(|e| e.to_string())?;
            let issued = ops::rotate_channel(&txn, id).map_err(err)?;
            txn.commit().map_err(|e| e.to_string())?;
            Ok(vec![issued_json(&issued, Some(&url))?])
        }
        Request::Remove { id } => {
            let txn = db.begin_write().map_err(|e| e.to_string())?;
            ops::remove_channel(&txn, id).map_err(err)?;
            txn.commit().map_err(|e| e.to_string())?;
            Ok(vec![])
        }
    }
}

/// A channel is only created or rotated when its connection code can be printed.
fn require_url(url: Option<String>) -> Result<String, String> {
    url.ok_or_else(|| super::NO_PUBLIC_URL.to_string())
}
