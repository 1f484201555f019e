//! A client of the relay's seat API (team mode) for the suites and the load tool: the
//! engine (channel secret) or a seat (a device key), speaking the wire types of
//! `hirewire_relay::team` over real HTTP.

use std::time::{SystemTime, UNIX_EPOCH};

use hirewire_relay::team::{self, DeviceKey, MailboxSide};
use serde_json::{json, Value};

/// Who a request is sent as.
#[derive(Clone)]
pub enum As {
    /// The engine, with the channel secret.
    Engine(String),
    /// A seat: its device id and key.
    Seat(String, Box<DeviceKey>),
    /// Nobody (mailbox requests).
    Anyone,
}

impl As {
    /// A seat with this device id and key.
    pub fn seat(device: &str, key: DeviceKey) -> As {
        As::Seat(device.to_string(), Box::new(key))
    }
}

/// A fresh random device key.
pub fn new_key() -> DeviceKey {
    DeviceKey::from_bytes(&rand::random())
}

/// The public half of a key, as `DevicePut::key` carries it.
pub fn public(key: &DeviceKey) -> String {
    team::b64(&key.verifying_key().to_bytes())
}

/// Milliseconds since the epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

/// The seat API of one channel on one relay.
#[derive(Clone)]
pub struct TeamClient {
    http: reqwest::Client,
    base: String,
    /// The channel id.
    pub channel: String,
}

/// A status and a JSON body (`Value::Null` when the body is not JSON).
pub type Answer = (u16, Value);

impl TeamClient {
    /// A client of `channel` on the relay at `base` (`http://…`).
    pub fn new(base: &str, channel: &str) -> TeamClient {
        TeamClient {
            http: reqwest::Client::new(),
            base: base.to_string(),
            channel: channel.to_string(),
        }
    }

    /// Sends `method path?query` as `who`, signed at `at_ms` (seats), with a JSON body.
    pub async fn send_at(
        &self,
        who: &As,
        method: &str,
        path: &str,
        query: &str,
        body: Option<Value>,
        at_ms: u64,
    ) -> Answer {
        let url = format!("{}{path}{query}", self.base);
        let m = reqwest::Method::from_bytes(method.as_bytes()).unwrap_or(reqwest::Method::GET);
        let mut req = self.http.request(m, url);
        match who {
            As::Engine(secret) => req = req.header("authorization", format!("Bearer {secret}")),
            As::Seat(device, key) => {
                let h = team::seat_auth_header(&self.channel, device, key, method, path, at_ms);
                req = req.header("authorization", h);
            }
            As::Anyone => {}
        }
        if let Some(b) = body {
            req = req.json(&b);
        }
        match req.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let v = r.json::<Value>().await.unwrap_or(Value::Null);
                (status, v)
            }
            Err(_) => (0, Value::Null),
        }
    }

    /// [`Self::send_at`] signed now.
    pub async fn send(
        &self,
        who: &As,
        method: &str,
        path: &str,
        query: &str,
        body: Option<Value>,
    ) -> Answer {
        self.send_at(who, method, path, query, body, now_ms()).await
    }

    /// Registers a device.
    pub async fn put_device(
        &self,
        engine: &As,
        device: &str,
        key: &DeviceKey,
        role: &str,
    ) -> Answer {
        let path = team::device_path(&self.channel, device);
        let body = json!({"key": public(key), "role": role});
        self.send(engine, "PUT", &path, "", Some(body)).await
    }

    /// Revokes a device.
    pub async fn revoke(&self, engine: &As, device: &str) -> Answer {
        let path = team::device_path(&self.channel, device);
        self.send(engine, "DELETE", &path, "", None).await
    }

    /// Lists devices.
    pub async fn devices(&self, engine: &As) -> Answer {
        self.send(engine, "GET", &team::devices_path(&self.channel), "", None)
            .await
    }

    /// Appends records at `expect`.
    pub async fn append(&self, engine: &As, expect: u64, records: &[&[u8]]) -> Answer {
        let records: Vec<String> = records.iter().map(|r| team::b64(r)).collect();
        let body = json!({"expect": expect, "records": records});
        self.send(
            engine,
            "POST",
            &team::log_path(&self.channel),
            "",
            Some(body),
        )
        .await
    }

    /// Reads the log after `after`, waiting up to `wait_ms`.
    pub async fn read_log(&self, who: &As, after: u64, wait_ms: u64) -> Answer {
        let q = format!("?after={after}&wait={wait_ms}");
        self.send(who, "GET", &team::log_path(&self.channel), &q, None)
            .await
    }

    /// Posts a command as a seat.
    pub async fn command(&self, seat: &As, body: &[u8]) -> Answer {
        let body = json!({"body": team::b64(body)});
        self.send(
            seat,
            "POST",
            &team::commands_path(&self.channel),
            "",
            Some(body),
        )
        .await
    }

    /// Reads commands after `after` (engine).
    pub async fn commands(&self, engine: &As, after: u64, wait_ms: u64) -> Answer {
        let q = format!("?after={after}&wait={wait_ms}");
        self.send(engine, "GET", &team::commands_path(&self.channel), &q, None)
            .await
    }

    /// Acknowledges commands up to `seq` (engine).
    pub async fn ack(&self, engine: &As, seq: u64) -> Answer {
        let path = team::commands_ack_path(&self.channel);
        self.send(engine, "POST", &path, "", Some(json!({"seq": seq})))
            .await
    }

    /// Opens a mailbox (engine).
    pub async fn open_mailbox(&self, engine: &As, mailbox: &str, ttl_secs: u64) -> Answer {
        let path = team::mailbox_path(&self.channel, mailbox);
        self.send(
            engine,
            "PUT",
            &path,
            "",
            Some(json!({"ttl_secs": ttl_secs})),
        )
        .await
    }

    /// Closes a mailbox (engine).
    pub async fn close_mailbox(&self, engine: &As, mailbox: &str) -> Answer {
        let path = team::mailbox_path(&self.channel, mailbox);
        self.send(engine, "DELETE", &path, "", None).await
    }

    /// Posts to one side of a mailbox.
    pub async fn mail(&self, mailbox: &str, side: MailboxSide, body: &[u8]) -> Answer {
        let path = team::mailbox_side_path(&self.channel, mailbox, side);
        let body = json!({"body": team::b64(body)});
        self.send(&As::Anyone, "POST", &path, "", Some(body)).await
    }

    /// Reads one side of a mailbox after `after`.
    pub async fn read_mail(
        &self,
        mailbox: &str,
        side: MailboxSide,
        after: u64,
        wait_ms: u64,
    ) -> Answer {
        let path = team::mailbox_side_path(&self.channel, mailbox, side);
        let q = format!("?after={after}&wait={wait_ms}");
        self.send(&As::Anyone, "GET", &path, &q, None).await
    }
}

/// The decoded bodies of a log page's records, with their positions.
pub fn records(page: &Value) -> Vec<(u64, Vec<u8>)> {
    page["records"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|r| Some((r["pos"].as_u64()?, team::unb64(r["body"].as_str()?)?)))
                .collect()
        })
        .unwrap_or_default()
}
