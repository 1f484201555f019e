//! The values stored in the relay's tables, and how they are encoded.

use serde::{Deserialize, Serialize};

use super::StoreError;

/// A channel as stored. The secret itself is never stored: only its SHA-256.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ChannelRecord {
    /// The operator's name for the channel (unique).
    pub name: String,
    /// Lowercase hex SHA-256 of the secret.
    pub secret_hash: String,
    /// Creation time, milliseconds since the epoch.
    pub created_ms: u64,
    /// The last sequence number handed out (0: none yet).
    pub last_seq: u64,
    /// Everything up to this sequence number was acknowledged and deleted.
    pub acked_seq: u64,
    /// When the app last acknowledged something.
    #[serde(default)]
    pub last_delivery_ms: Option<u64>,
    /// Events dropped by the age limit that no stream has been told about yet.
    #[serde(default)]
    pub dropped_unnoticed: u64,
}

/// A webhook as received, kept byte-exact until the app acknowledges it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StoredEvent {
    /// The endpoint path segment.
    pub endpoint: String,
    /// `POST` or `PATCH`.
    pub method: String,
    /// The request's `Content-Type`.
    pub content_type: Option<String>,
    /// Who posted it (address or forwarded address).
    pub remote: String,
    /// Receipt time, milliseconds since the epoch.
    pub received_ms: u64,
    /// The exact body (validated UTF-8).
    pub body: String,
}

/// Encodes a record for a table value.
pub fn encode<T: Serialize>(value: &T) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(value).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// Decodes a table value, naming what could not be read.
pub fn decode<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))
}
