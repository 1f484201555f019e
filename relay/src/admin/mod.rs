//! Channel administration: the `channel add|list|remove|rotate` commands. They reach a
//! running server through a Unix socket in the data directory (mode 0600, never the
//! network), or open the database themselves when no server runs there.

pub mod client;
pub mod server;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::protocol::ConnectCode;
use crate::store::ops::Issued;
use crate::store::records::ChannelRecord;
use crate::store::StoreError;

/// A request over the admin socket: one JSON line.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "lowercase")]
pub enum Request {
    /// Create a channel.
    Add {
        /// Its name.
        name: String,
        /// Public URL for the connection code, overriding the server's.
        public_url: Option<String>,
    },
    /// List channels.
    List,
    /// Delete a channel.
    Remove {
        /// Channel id.
        id: String,
    },
    /// New secret for a channel.
    Rotate {
        /// Channel id.
        id: String,
        /// Public URL for the connection code, overriding the server's.
        public_url: Option<String>,
    },
}

/// The answer: JSON lines to print, or what went wrong.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Response {
    /// Lines for stdout, each one JSON object.
    #[serde(default)]
    pub lines: Vec<Value>,
    /// What went wrong, in words.
    #[serde(default)]
    pub error: Option<String>,
    /// Whose mistake it was (a running relay of this version always sends it).
    #[serde(default)]
    pub kind: Option<ErrorKind>,
}

/// Whether an admin request failed on the operator's input or on the relay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ErrorKind {
    /// Bad input: an unknown id, a name in use, no public URL (exit status 2).
    Usage,
    /// The relay or its store failed (exit status 1).
    Failure,
}

/// A failed admin request.
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct AdminError {
    /// Whose mistake.
    pub kind: ErrorKind,
    /// What went wrong, in words.
    pub message: String,
}

impl AdminError {
    /// The operator's mistake.
    pub fn usage(message: impl Into<String>) -> Self {
        AdminError {
            kind: ErrorKind::Usage,
            message: message.into(),
        }
    }

    /// The relay's failure.
    pub fn failure(message: impl Into<String>) -> Self {
        AdminError {
            kind: ErrorKind::Failure,
            message: message.into(),
        }
    }
}

impl From<StoreError> for AdminError {
    fn from(e: StoreError) -> Self {
        let kind = if e.is_usage() {
            ErrorKind::Usage
        } else {
            ErrorKind::Failure
        };
        AdminError {
            kind,
            message: e.to_string(),
        }
    }
}

impl Response {
    /// The answer to a request that worked or failed.
    pub fn of(result: Result<Vec<Value>, AdminError>) -> Response {
        match result {
            Ok(lines) => Response {
                lines,
                error: None,
                kind: None,
            },
            Err(e) => Response {
                lines: vec![],
                error: Some(e.message),
                kind: Some(e.kind),
            },
        }
    }
}

/// Said when a connection code cannot be made.
pub const NO_PUBLIC_URL: &str =
    "no public URL is known for connection codes: pass --public-url https://relay.example.com, \
     or start `serve` once with --public-url";

/// The `{"channel", "secret", "connect"}` object printed for add and rotate.
pub fn issued_json(issued: &Issued, public_url: Option<&str>) -> Result<Value, AdminError> {
    let url = public_url.ok_or_else(|| AdminError::usage(NO_PUBLIC_URL))?;
    let code = ConnectCode {
        url: url.to_string(),
        channel: issued.id.clone(),
        secret: issued.secret.clone(),
    };
    Ok(json!({"channel": issued.id, "secret": issued.secret, "connect": code.encode()}))
}

/// One line of `channel list`.
pub fn list_json(id: &str, record: &ChannelRecord, pending: u64) -> Value {
    let time = |ms: u64| crate::store::ops::rfc3339_ms(ms);
    json!({
        "id": id,
        "name": record.name,
        "created": time(record.created_ms),
        "pending": pending,
        "last_delivery": record.last_delivery_ms.map(time),
    })
}
