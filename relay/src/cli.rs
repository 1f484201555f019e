//! Command line: `serve`, `channel add|list|remove|rotate` and `migrate`. Every flag can also come
//! from a `HIREWIRE_RELAY_*` environment variable, so the relay runs unchanged under
//! systemd or in a container.

use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};

use crate::server::{Limits, ServeConfig};
use crate::store::nats::options::{parse_servers, NatsOptions};

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
    Serve(Box<ServeArgs>),
    /// Manage channels (one per app installation).
    #[command(subcommand)]
    Channel(ChannelCmd),
    /// Move a stopped redb relay's channels and queued events to NATS (same ids, secrets
    /// and seqs: connection codes keep working).
    Migrate(MigrateArgs),
}

/// `migrate` flags.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    /// The redb relay's data directory (no `serve` may run on it).
    #[arg(long, env = "HIREWIRE_RELAY_DATA")]
    pub data: PathBuf,
    /// The NATS servers to move to: nats://HOST:PORT[,HOST:PORT…].
    #[arg(long, env = "HIREWIRE_RELAY_STORE")]
    pub store: String,
    /// Copies of each NATS stream (default: 3 on a cluster of three or more nodes, else 1).
    #[arg(long, env = "HIREWIRE_RELAY_REPLICAS", value_parser = clap::value_parser!(u64).range(1..=5))]
    pub replicas: Option<u64>,
}

impl MigrateArgs {
    /// The NATS store to move to.
    pub fn nats(&self) -> Result<NatsOptions, String> {
        let mut opts = NatsOptions::new(parse_servers(&self.store)?);
        opts.replicas = self.replicas.map(|n| n as usize);
        Ok(opts)
    }
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
    /// HTTPS by itself: get and renew a certificate for this name from an ACME CA (Let's
    /// Encrypt by default) on the listening port, which must be the name's port 443.
    /// Repeat for more names. Kept in DATA/acme/.
    #[arg(long, env = "HIREWIRE_RELAY_ACME_DOMAIN", value_delimiter = ',', conflicts_with_all = ["tls_cert", "tls_key"])]
    pub acme_domain: Vec<String>,
    /// Contact for the ACME CA, e.g. mailto:ops@example.com (expiry warnings).
    #[arg(
        long,
        env = "HIREWIRE_RELAY_ACME_CONTACT",
        value_delimiter = ',',
        requires = "acme_domain"
    )]
    pub acme_contact: Vec<String>,
    /// The ACME CA's directory URL.
    #[arg(long, env = "HIREWIRE_RELAY_ACME_DIRECTORY", default_value = crate::acme::LETS_ENCRYPT)]
    pub acme_directory: String,
    /// A PEM file of roots to trust for a private ACME CA's own HTTPS.
    #[arg(long, env = "HIREWIRE_RELAY_ACME_CA_ROOT", requires = "acme_domain")]
    pub acme_ca_root: Option<PathBuf>,
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
    /// Team mode: largest sealed log record (bytes, or with KiB/MiB).
    #[arg(long, env = "HIREWIRE_RELAY_MAX_RECORD", default_value = "256KiB", value_parser = parse_size)]
    pub max_record: usize,
    /// Team mode: largest sealed seat command (bytes, or with KiB/MiB).
    #[arg(long, env = "HIREWIRE_RELAY_MAX_COMMAND", default_value = "64KiB", value_parser = parse_size)]
    pub max_command: usize,
    /// Team mode: commands one seat may send per minute.
    #[arg(long, env = "HIREWIRE_RELAY_SEAT_COMMANDS_PER_MINUTE", default_value_t = 60, value_parser = clap::value_parser!(u32).range(1..))]
    pub seat_commands_per_minute: u32,
    /// Team mode: requests one seat may hold open at once (long-polls).
    #[arg(long, env = "HIREWIRE_RELAY_SEAT_CONNECTIONS", default_value_t = 4, value_parser = clap::value_parser!(u64).range(1..=1024))]
    pub seat_connections: u64,
    /// Team mode: most devices (seats) a channel may register.
    #[arg(long, env = "HIREWIRE_RELAY_MAX_SEATS", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..=100_000))]
    pub max_seats: u64,
    /// Take the client address from X-Forwarded-For (only behind your own reverse proxy).
    #[arg(long, env = "HIREWIRE_RELAY_TRUST_PROXY")]
    pub trust_proxy: bool,
    /// A request's headers must arrive within this; also how long an idle keep-alive
    /// connection may wait for its next request (slowloris defence).
    #[arg(long, env = "HIREWIRE_RELAY_HEADER_TIMEOUT", default_value = "10s", value_parser = humantime::parse_duration)]
    pub header_timeout: Duration,
    /// A request's body must arrive within this (1 MiB at 35 KB/s).
    #[arg(long, env = "HIREWIRE_RELAY_BODY_TIMEOUT", default_value = "30s", value_parser = humantime::parse_duration)]
    pub body_timeout: Duration,
    /// A connection on which nothing moved either way for this long is closed (longer
    /// than the stream's 20 s ping, so live streams are never cut).
    #[arg(long, env = "HIREWIRE_RELAY_IDLE_TIMEOUT", default_value = "90s", value_parser = humantime::parse_duration)]
    pub idle_timeout: Duration,
    /// How long the store may take to finish after the HTTP drain (10 s) when the relay is
    /// told to stop: past it the relay exits anyway, saying what was not recorded (only
    /// acknowledgements can be; webhooks answered 200 are already stored). Keep the sum well
    /// under systemd's TimeoutStopSec (90 s).
    #[arg(long, env = "HIREWIRE_RELAY_STOP_TIMEOUT", default_value = "15s", value_parser = humantime::parse_duration)]
    pub stop_timeout: Duration,
    /// Most connections open at once; kept below the process's file limit.
    #[arg(long, env = "HIREWIRE_RELAY_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=1_000_000))]
    pub max_connections: u64,
    /// Most connections open at once from one address; 0 turns the cap off (it is off
    /// with --trust-proxy, where every connection comes from the proxy).
    #[arg(
        long,
        env = "HIREWIRE_RELAY_MAX_CONNECTIONS_PER_IP",
        default_value_t = 64
    )]
    pub max_connections_per_ip: u64,
    /// A stream whose app has sent nothing (not even a pong) for this long is dropped; the
    /// relay pings it three times in that span.
    #[arg(long, env = "HIREWIRE_RELAY_PEER_TIMEOUT", default_value = "60s", value_parser = humantime::parse_duration)]
    pub peer_timeout: Duration,
    /// Where events and channels live: absent for the redb file in --data, or
    /// nats://HOST:PORT[,HOST:PORT…] for NATS JetStream (replicated; any number of relays
    /// may serve the same channels from it).
    #[arg(long, env = "HIREWIRE_RELAY_STORE")]
    pub store: Option<String>,
    /// Copies of each NATS stream (default: 3 on a cluster of three or more nodes, else 1).
    #[arg(long, env = "HIREWIRE_RELAY_REPLICAS", value_parser = clap::value_parser!(u64).range(1..=5))]
    pub replicas: Option<u64>,
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
        /// The relay's NATS store, used when no relay answers on --data's admin socket.
        #[arg(long, env = "HIREWIRE_RELAY_STORE")]
        store: Option<String>,
        /// Public URL for the connection code (default: the one `serve` announced).
        #[arg(long, env = "HIREWIRE_RELAY_PUBLIC_URL")]
        public_url: Option<String>,
    },
    /// List channels, one JSON object per line.
    List {
        /// The relay's data directory.
        #[arg(long, env = "HIREWIRE_RELAY_DATA")]
        data: PathBuf,
        /// The relay's NATS store, used when no relay answers on --data's admin socket.
        #[arg(long, env = "HIREWIRE_RELAY_STORE")]
        store: Option<String>,
    },
    /// Delete a channel and everything queued for it.
    Remove {
        /// Channel id (an id that starts with `-`, as older ones could, is taken as an id too).
        #[arg(allow_hyphen_values = true)]
        id: String,
        /// The relay's data directory.
        #[arg(long, env = "HIREWIRE_RELAY_DATA")]
        data: PathBuf,
        /// The relay's NATS store, used when no relay answers on --data's admin socket.
        #[arg(long, env = "HIREWIRE_RELAY_STORE")]
        store: Option<String>,
    },
    /// Give a channel a new secret; the old one stops working at once.
    Rotate {
        /// Channel id (an id that starts with `-`, as older ones could, is taken as an id too).
        #[arg(allow_hyphen_values = true)]
        id: String,
        /// The relay's data directory.
        #[arg(long, env = "HIREWIRE_RELAY_DATA")]
        data: PathBuf,
        /// The relay's NATS store, used when no relay answers on --data's admin socket.
        #[arg(long, env = "HIREWIRE_RELAY_STORE")]
        store: Option<String>,
        /// Public URL for the connection code (default: the one `serve` announced).
        #[arg(long, env = "HIREWIRE_RELAY_PUBLIC_URL")]
        public_url: Option<String>,
    },
}

impl ServeArgs {
    /// The ACME options, checked, when `--acme-domain` is given.
    fn acme(&self) -> Result<Option<crate::acme::AcmeOptions>, String> {
        if self.acme_domain.is_empty() {
            return Ok(None);
        }
        for d in &self.acme_domain {
            let ok = !d.is_empty()
                && d.len() <= 253
                && d.split('.').count() >= 2
                && d.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                });
            if !ok {
                return Err(format!(
                    "--acme-domain {d:?} is not a DNS name (like relay.example.com)"
                ));
            }
        }
        if !self.acme_directory.starts_with("https://") {
            return Err("--acme-directory must be an https:// URL".into());
        }
        for c in &self.acme_contact {
            if !c.starts_with("mailto:") {
                return Err(format!("--acme-contact {c:?} must start with mailto:"));
            }
        }
        Ok(Some(crate::acme::AcmeOptions {
            domains: self.acme_domain.clone(),
            contact: self.acme_contact.clone(),
            directory: self.acme_directory.clone(),
            ca_root: self.acme_ca_root.clone(),
        }))
    }

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
        for (flag, d) in [
            ("--header-timeout", self.header_timeout),
            ("--body-timeout", self.body_timeout),
            ("--idle-timeout", self.idle_timeout),
            ("--peer-timeout", self.peer_timeout),
            ("--stop-timeout", self.stop_timeout),
        ] {
            if d.is_zero() || d > MAX_TIMEOUT {
                return Err(format!("{flag} must be between 1 ms and 1 hour"));
            }
        }
        let limits = Limits {
            header_timeout: self.header_timeout,
            body_timeout: self.body_timeout,
            idle_timeout: self.idle_timeout,
            peer_timeout: self.peer_timeout,
            max_connections: connection_cap(self.max_connections),
            max_connections_per_ip: usize::try_from(self.max_connections_per_ip)
                .ok()
                .filter(|n| *n > 0),
        };
        let nats = match &self.store {
            None => None,
            Some(url) => {
                let mut opts = NatsOptions::new(parse_servers(url)?);
                opts.replicas = self.replicas.map(|n| n as usize);
                opts.max_pending = self.max_pending;
                opts.max_age = self.max_age;
                opts.max_body = self.max_body;
                Some(opts)
            }
        };
        Ok(ServeConfig {
            nats,
            data: self.data.clone(),
            public_url: self
                .public_url
                .as_ref()
                .map(|u| u.trim_end_matches('/').to_string()),
            tls: self.tls_cert.clone().zip(self.tls_key.clone()),
            acme: self.acme()?,
            stop_timeout: self.stop_timeout,
            max_body: self.max_body,
            max_pending: self.max_pending,
            max_age: self.max_age,
            window: self.window,
            rate_limit,
            trust_proxy: self.trust_proxy,
            limits,
            team: crate::server::TeamLimits {
                max_record: self.max_record,
                max_command: self.max_command,
                seat_commands_per_minute: self.seat_commands_per_minute,
                seat_connections: self.seat_connections as usize,
                max_seats: self.max_seats as usize,
            },
        })
    }
}

/// Longest accepted timeout: longer ones hold sockets for no benefit.
const MAX_TIMEOUT: Duration = Duration::from_secs(3600);
/// File descriptors kept back from the connection cap: the database, the admin socket,
/// the listener and a margin for the runtime.
const FD_RESERVE: u64 = 64;

/// The connection cap, lowered below the process's open-file limit: past that limit
/// accepts fail for everyone (health checks included), so the cap must bite first.
fn connection_cap(wanted: u64) -> usize {
    let cap = match open_file_limit() {
        Some(limit) if limit.saturating_sub(FD_RESERVE) < wanted => {
            let lowered = limit.saturating_sub(FD_RESERVE).max(1);
            tracing::warn!(
                wanted,
                lowered,
                file_limit = limit,
                "--max-connections lowered to stay below the open-file limit (raise LimitNOFILE to allow more)"
            );
            lowered
        }
        _ => wanted,
    };
    usize::try_from(cap).unwrap_or(usize::MAX)
}

/// The soft limit on open files (Linux: from /proc/self/limits).
fn open_file_limit() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/limits").ok()?;
    let line = text.lines().find(|l| l.starts_with("Max open files"))?;
    line.split_whitespace().nth(3)?.parse().ok()
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
    use super::{Cli, Command};
    use clap::Parser;

    fn serve(extra: &[&str]) -> Result<super::ServeConfig, String> {
        let mut args = vec![
            "hirewire-relay",
            "serve",
            "--listen",
            "127.0.0.1:0",
            "--data",
            "d",
        ];
        args.extend_from_slice(extra);
        match Cli::try_parse_from(args)
            .map_err(|e| e.to_string())?
            .command
        {
            Command::Serve(s) => s.config(),
            _ => Err("not serve".into()),
        }
    }

    #[test]
    fn acme_flags_are_checked_before_anything_starts() {
        let ok = serve(&[
            "--acme-domain",
            "relay.example.com",
            "--acme-contact",
            "mailto:a@example.com",
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let acme = ok.acme.unwrap_or_else(|| panic!("no acme options"));
        assert_eq!(acme.domains, ["relay.example.com"]);
        assert_eq!(acme.directory, crate::acme::LETS_ENCRYPT);
        for bad in [
            vec!["--acme-domain", "not a name"],
            vec!["--acme-domain", "localhost"],
            vec![
                "--acme-domain",
                "relay.example.com",
                "--acme-contact",
                "ops@example.com",
            ],
            vec![
                "--acme-domain",
                "relay.example.com",
                "--acme-directory",
                "http://ca.example/dir",
            ],
            vec![
                "--acme-domain",
                "relay.example.com",
                "--tls-cert",
                "c.pem",
                "--tls-key",
                "k.pem",
            ],
        ] {
            assert!(serve(&bad).is_err(), "accepted {bad:?}");
        }
    }

    #[test]
    fn sizes_parse_with_and_without_units() {
        assert_eq!(parse_size("1MiB"), Ok(1 << 20));
        assert_eq!(parse_size("512KiB"), Ok(512 << 10));
        assert_eq!(parse_size("100"), Ok(100));
        assert!(parse_size("lots").is_err());
        assert!(parse_size("0").is_err());
    }

    mod props {
        use super::super::parse_size;
        use proptest::prelude::*;

        proptest! {
            #[test]
            fn any_size_text_is_a_size_or_a_message(text in ".{0,40}") {
                if let Ok(n) = parse_size(&text) {
                    prop_assert!(n > 0);
                }
            }

            #[test]
            fn huge_sizes_are_refused_not_wrapped(n in any::<u64>()) {
                if let Ok(v) = parse_size(&format!("{n}MiB")) {
                    prop_assert_eq!(v as u128, n as u128 * 1024 * 1024);
                }
            }
        }
    }
}
