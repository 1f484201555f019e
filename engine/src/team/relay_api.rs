//! The relay's team endpoints (`docs/relay.md`, "Seats"), as the engine and a seat call
//! them. Bodies are opaque: everything is sealed before it gets here.

use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine as _;
use hirewire_relay::team as wire;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::secrets::Secret;

/// Why a call to the relay's team endpoints failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// Not reachable, or the answer was cut.
    #[error("the relay at {0} cannot be reached ({1}); the team waits until it can")]
    Unreachable(String, String),
    /// The credential was refused: a seat removed from the team, or a rotated secret.
    #[error("the relay refused this device ({0}): it may have been removed from the team")]
    Refused(String),
    /// The log's next position is not the one expected.
    #[error("the team log moved on to position {next} meanwhile")]
    Conflict {
        /// The relay's next position.
        next: u64,
    },
    /// Over a bound (size, rate).
    #[error("the relay refused: {0}")]
    Bounded(String),
    /// Unknown or closed (a mailbox, a device).
    #[error("not found on the relay: {0}")]
    NotFound(String),
    /// Anything else the relay said.
    #[error("the relay answered {0}: {1}")]
    Other(u16, String),
}

/// Who calls.
#[derive(Clone)]
pub enum Caller {
    /// The engine, with the channel secret.
    Engine(Secret),
    /// A seat, with its device id and signing key.
    Seat {
        /// Device id.
        device: String,
        /// Its key (boxed: it is large beside the other callers).
        key: Box<ed25519_dalek::SigningKey>,
    },
    /// Nobody (mailboxes only).
    Anyone,
}

/// One relay channel's team endpoints.
#[derive(Clone)]
pub struct RelayApi {
    http: reqwest::Client,
    base: String,
    channel: String,
    caller: Caller,
}

/// Binary → the wire's text.
pub fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

/// The wire's text → binary.
pub fn unb64(s: &str) -> Result<Vec<u8>, ApiError> {
    B64.decode(s)
        .map_err(|e| ApiError::Other(200, format!("not base64url: {e}")))
}

impl RelayApi {
    /// The endpoints of `channel` on the relay at `base`.
    pub fn new(http: reqwest::Client, base: &str, channel: &str, caller: Caller) -> Self {
        RelayApi {
            http,
            base: base.trim_end_matches('/').to_string(),
            channel: channel.to_string(),
            caller,
        }
    }

    /// The channel id.
    pub fn channel(&self) -> &str {
        &self.channel
    }

    fn path(&self, rest: &str) -> String {
        format!("/v1/channels/{}/team/{rest}", self.channel)
    }

    async fn call<T: DeserializeOwned>(
        &self,
        method: reqwest::Method,
        rest: &str,
        query: &[(&str, String)],
        body: Option<&(impl Serialize + ?Sized)>,
        timeout: Duration,
    ) -> Result<T, ApiError> {
        let path = self.path(rest);
        let mut req = self
            .http
            .request(method.clone(), format!("{}{path}", self.base))
            .timeout(timeout);
        if !query.is_empty() {
            req = req.query(query);
        }
        req = match &self.caller {
            Caller::Engine(secret) => req.bearer_auth(secret.expose()),
            Caller::Seat { device, key } => req.header(
                reqwest::header::AUTHORIZATION,
                wire::seat_auth_header(
                    &self.channel,
                    device,
                    key,
                    method.as_str(),
                    &path,
                    crate::time::now_ms(),
                ),
            ),
            Caller::Anyone => req,
        };
        if let Some(body) = body {
            req = req.json(body);
        }
        let resp = req
            .send()
            .await
            .map_err(|e| ApiError::Unreachable(self.base.clone(), e.to_string()))?;
        let status = resp.status().as_u16();
        let text = resp
            .text()
            .await
            .map_err(|e| ApiError::Unreachable(self.base.clone(), e.to_string()))?;
        match status {
            200..=299 => serde_json::from_str(&text)
                .map_err(|e| ApiError::Other(status, format!("an answer that does not read: {e}"))),
            401 | 403 => Err(ApiError::Refused(short(&text))),
            404 => Err(ApiError::NotFound(short(&text))),
            409 => match serde_json::from_str::<wire::LogConflict>(&text) {
                Ok(c) => Err(ApiError::Conflict { next: c.next }),
                Err(_) => Err(ApiError::Other(409, short(&text))),
            },
            413 | 429 => Err(ApiError::Bounded(short(&text))),
            _ => Err(ApiError::Other(status, short(&text))),
        }
    }

    /// Registers a device (engine).
    pub async fn put_device(
        &self,
        device: &str,
        key: &[u8; 32],
        role: wire::SeatRole,
    ) -> Result<(), ApiError> {
        let body = wire::DevicePut {
            key: b64(key),
            role,
        };
        let _: serde_json::Value = self
            .call(
                reqwest::Method::PUT,
                &format!("devices/{device}"),
                &[],
                Some(&body),
                SHORT,
            )
            .await?;
        Ok(())
    }

    /// Revokes a device (engine): its open requests end at once.
    pub async fn delete_device(&self, device: &str) -> Result<(), ApiError> {
        let _: serde_json::Value = self
            .call(
                reqwest::Method::DELETE,
                &format!("devices/{device}"),
                &[],
                None::<&()>,
                SHORT,
            )
            .await?;
        Ok(())
    }

    /// The devices the relay knows (engine), with when each was last seen.
    pub async fn devices(&self) -> Result<Vec<wire::DeviceInfo>, ApiError> {
        let list: wire::DeviceList = self
            .call(reqwest::Method::GET, "devices", &[], None::<&()>, SHORT)
            .await?;
        Ok(list.devices)
    }

    /// Appends sealed records at `expect` (engine).
    pub async fn append(
        &self,
        expect: u64,
        records: &[Vec<u8>],
    ) -> Result<wire::LogAppended, ApiError> {
        let body = wire::LogAppend {
            expect,
            records: records.iter().map(|r| b64(r)).collect(),
        };
        self.call(reqwest::Method::POST, "log", &[], Some(&body), LONG)
            .await
    }

    /// The records after `after`, waiting up to `wait` for one.
    pub async fn read_log(
        &self,
        after: u64,
        limit: u32,
        wait: Duration,
    ) -> Result<wire::LogPage, ApiError> {
        let query = [
            ("after", after.to_string()),
            ("limit", limit.to_string()),
            ("wait", wait.as_millis().to_string()),
        ];
        self.call(
            reqwest::Method::GET,
            "log",
            &query,
            None::<&()>,
            wait + LONG,
        )
        .await
    }

    /// Queues a sealed command (seat).
    pub async fn send_command(&self, body: &[u8]) -> Result<u64, ApiError> {
        let posted: wire::CommandQueued = self
            .call(
                reqwest::Method::POST,
                "commands",
                &[],
                Some(&wire::CommandPost { body: b64(body) }),
                SHORT,
            )
            .await?;
        Ok(posted.seq)
    }

    /// The commands after `after` (engine), waiting up to `wait` for one.
    pub async fn commands(
        &self,
        after: u64,
        wait: Duration,
    ) -> Result<Vec<wire::QueuedCommand>, ApiError> {
        let query = [
            ("after", after.to_string()),
            ("wait", wait.as_millis().to_string()),
        ];
        let page: wire::CommandPage = self
            .call(
                reqwest::Method::GET,
                "commands",
                &query,
                None::<&()>,
                wait + LONG,
            )
            .await?;
        Ok(page.commands)
    }

    /// Acknowledges every command up to `seq` (engine).
    pub async fn ack_commands(&self, seq: u64) -> Result<(), ApiError> {
        let _: serde_json::Value = self
            .call(
                reqwest::Method::POST,
                "commands/ack",
                &[],
                Some(&wire::CommandAck { seq }),
                SHORT,
            )
            .await?;
        Ok(())
    }

    /// Opens a pairing mailbox for `ttl` (engine).
    pub async fn open_mailbox(&self, mailbox: &str, ttl: Duration) -> Result<(), ApiError> {
        let body = wire::MailboxOpen {
            ttl_secs: ttl.as_secs(),
        };
        let _: serde_json::Value = self
            .call(
                reqwest::Method::PUT,
                &format!("mailboxes/{mailbox}"),
                &[],
                Some(&body),
                SHORT,
            )
            .await?;
        Ok(())
    }

    /// Closes a pairing mailbox (engine).
    pub async fn close_mailbox(&self, mailbox: &str) -> Result<(), ApiError> {
        let _: serde_json::Value = self
            .call(
                reqwest::Method::DELETE,
                &format!("mailboxes/{mailbox}"),
                &[],
                None::<&()>,
                SHORT,
            )
            .await?;
        Ok(())
    }

    /// Posts a message on `side` of a mailbox.
    pub async fn mailbox_post(
        &self,
        mailbox: &str,
        side: wire::MailboxSide,
        body: &[u8],
    ) -> Result<(), ApiError> {
        let _: serde_json::Value = self
            .call(
                reqwest::Method::POST,
                &format!("mailboxes/{mailbox}/{}", side.as_str()),
                &[],
                Some(&wire::MailboxPost { body: b64(body) }),
                SHORT,
            )
            .await?;
        Ok(())
    }

    /// The messages `side` posted after `after`, waiting up to `wait` for one.
    pub async fn mailbox_read(
        &self,
        mailbox: &str,
        side: wire::MailboxSide,
        after: u64,
        wait: Duration,
    ) -> Result<Vec<wire::MailboxMessage>, ApiError> {
        let query = [
            ("after", after.to_string()),
            ("wait", wait.as_millis().to_string()),
        ];
        let page: wire::MailboxPage = self
            .call(
                reqwest::Method::GET,
                &format!("mailboxes/{mailbox}/{}", side.as_str()),
                &query,
                None::<&()>,
                wait + LONG,
            )
            .await?;
        Ok(page.messages)
    }
}

/// Time allowed for a quick call.
const SHORT: Duration = Duration::from_secs(15);
/// Time allowed beyond a long poll's own wait, or for a large append.
const LONG: Duration = Duration::from_secs(30);

fn short(text: &str) -> String {
    let t = text.trim();
    match serde_json::from_str::<serde_json::Value>(t) {
        Ok(v) => v
            .get("error")
            .and_then(|e| e.as_str())
            .map(str::to_string)
            .unwrap_or_else(|| t.chars().take(200).collect()),
        Err(_) => t.chars().take(200).collect(),
    }
}
