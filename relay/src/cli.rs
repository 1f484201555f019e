//! Command line: `serve` and `channel add|list|remove|rotate`. Every flag can also come
//! from a `HIREWIRE_RELAY_*` environment variable, so the relay runs unchanged under
//! systemd or in a container.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::server::ServeConfig;

/// Hirewire relay: takes Lever's webhooks in publicly, stores them durably, and streams
/// them to the Hirewire app.
#[derive(Debug, Parser)]
#[command(name = "hirewire-relay", version, about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The relay's commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server.
    Serve(ServeArgs),
    /// Manage channels (one per app installation).
    #[command(subcommand)]
    Channel(ChannelCmd),
}

/// `serve` flags.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on, e.g. 0.0.0.0:443 or 127.0.0.1:8080 behind a proxy.
    #[arg(long, env = "HIREWIRE_RELAY_LISTEN")]
    pub listen: String,
    /// Directory for the database and the admin socket (created, mode 0700).
    #[arg(long, env = "HIREWIRE_RELAY_DATA")]
    pub data: PathBuf,
    /// The public base URL Lever reaches this relay at, used in connection codes.
    #[arg(long, env = "HIREWIRE_RELAY_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// PEM certificate chain for TLS (with --tls-key).
    #[arg(long, env = "HIREWIRE_RELAY_TLS_CERT", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,
    /// PEM private key for TLS (with --tls-cert).
    #[arg(long, env = "HIREWIRE_RELAY_TLS_KEY", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,
    /// Largest webhook body accepted (bytes, or with KiB/MiB).
    #[arg(long, env = "HIREWIRE_RELAY_MAX_BODY", default_value = "1MiB", value_parser = parse_size)]
    pub max_body: usize,
    /// Most unacknowledged events per channel before posts get 429.
    #[arg(long, env = "HIREWIRE_RELAY_MAX_PENDING", default_value_t = 100_000)]
    pub max_pending: u64,
    /// Unacknowledged events older than this are dropped (and the app is told).
    #[arg(long, env = "HIREWIRE_RELAY_MAX_AGE", default_value = "30days", value_parser = humantime::parse_duration)]
    pub max_age: Duration,
    /// Most events in flight on a stream before the app acknowledges.
    #[arg(long, env = "HIREWIRE_RELAY_WINDOW", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    pub window: u64,
    /// Webhooks per second accepted per channel; 0 turns the limit off.
    #[arg(long, env = "HIREWIRE_RELAY_RATE_LIMIT", default_value_t = 50)]
    pub rate_limit: u32,
    /// Burst allowed above the rate limit.
    #[arg(long, env = "HIREWIRE_RELAY_RATE_BURST", default_value_t = 200)]
    pub rate_burst: u32,
    /// Take the client address from X-Forwarded-For (only behind your own reverse proxy).
    #[arg(long, env = "HIREWIRE_RELAY_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// Log format: text or json.
    #[arg(long, env = "HIREWIRE_RELAY_LOG_FORMAT", default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
}

/// `channel` subcommands.
#[derive(Debug, Subcommand)]
pub enum ChannelCmd {
    /// Create a channel; prints {"channel","secret","connect"} as one JSON line.
    Add {
        /// A name for the channel (e.g. the team or the person).
        name: String,
        /// The relay's data directory.
        #[arg(long, env = "HIREWIRE_RELAY_DATA")]
        data: PathBuf,
        /// Public URL for the connection code (default: the one `serve` announced).
        #[arg(long, env = "HIREWIRE_RELAY_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// List channels, one JSON object per line.
    List {
        /// The relay's data directory.
        #[arg(long, env = "HIREWIRE_RELAY_DATA")]
        data: PathBuf,
    },
    /// Delete a channel and everything queued for it.
    Remove {
        /// Channel id (an id that starts with `-`, as older ones could, is taken as an id too).
        #[arg(allow_hyphen_values = true)]
        id: String,
        /// The relay's data directory.
        #[arg(long, env = "HIREWIRE_RELAY_DATA")]
        data: PathBuf,
    },
    /// Give a channel a new secret; the old one stops working at once.
    Rotate {
        /// Channel id (an id that starts with `-`, as older ones could, is taken as an id too).
        #[arg(allow_hyphen_values = true)]
        id: String,
        /// The relay's data directory.
        #[arg(long, env = "HIREWIRE_RELAY_DATA")]
        data: PathBuf,
        /// Public URL for the connection code (default: the one `serve` announced).
        #[arg(long, env = "HIREWIRE_RELAY_PUBLIC_URL")]
        public_url: Option<String>,
    },
}

impl ServeArgs {
    /// The validated server configuration.
    pub fn config(&self) -> Result<ServeConfig, String> {
        if let Some(url) = &self.public_url {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(format!(
                    "--public-url must start with https:// (got {url:?})"
                ));
            }
        }
        if self.max_age.is_zero() {
            return Err("--max-age must be more than zero".into());
        }
        let rate_limit = match (
            NonZeroU32::new(self.rate_limit),
            NonZeroU32::new(self.rate_burst),
        ) {
            (None, _) => None,
            (Some(rate), burst) => Some((rate, burst.unwrap_or(rate).max(rate))),
        };
        Ok(ServeConfig {
            data: self.data.clone(),
            public_url: self
                .public_url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_string()),
            tls: self.tls_cert.clone().zip(self.tls_key.clone()),
            max_body: self.max_body,
            max_pending: self.max_pending,
            max_age: self.max_age,
            window: self.window,
            rate_limit,
            trust_proxy: self.trust_proxy,
        })
    }
}

/// Parses `1048576`, `512KiB`, `1MiB`, `1M` or `2k` into bytes.
pub fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (digits, unit) = t.split_at(split);
    let n: usize = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 1048576 or 1MiB"))?;
    let mult = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1024,
        "m" | "mb" | "mib" => 1024 * 1024,
        other => return Err(format!("unknown size unit {other:?}: use KiB or MiB")),
    };
    n.checked_mul(mult)
        .filter(|n| *n > 0)
        .ok_or_else(|| format!("{text:?} is not a usable size"))
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse_with_and_without_units() {
        assert_eq!(parse_size("1MiB"), Ok(1 << 20));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
    }
}
