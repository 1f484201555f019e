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

/// The answer: JSON lines to print, or an error message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Response {
    /// Lines for stdout, each one JSON object.
    #[serde(default)]
    pub lines: Vec<Value>,
    /// What went wrong, in words.
    #[serde(default)]
    pub error: Option<String>,
}

/// Said when a connection code cannot be made.
pub const NO_PUBLIC_URL: &str =
    "no public URL is known for connection codes: pass --public-url https://relay.example.com, \
     or start `serve` once with --public-url";

/// The `{"channel", "secret", "connect"}` object printed for add and rotate.
pub fn issued_json(issued: &Issued, public_url: Option<&str>) -> Result<Value, String> {
    let url = public_url.ok_or(NO_PUBLIC_URL)?;
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
