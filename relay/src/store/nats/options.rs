//! What `--store nats://HOST:PORT[,HOST:PORT…]` and its companion flags mean: the servers to
//! reach, how many replicas each stream gets, and the per-channel limits the streams carry.

use std::time::Duration;

/// Most replicas a stream may ask for: JetStream's own ceiling.
pub const MAX_REPLICAS: usize = 5;

/// How the NATS store is reached and laid out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NatsOptions {
    /// Server URLs (`nats://host:port`), any of which may be down.
    pub servers: Vec<String>,
    /// Replicas per stream; `None`: derived from the cluster's size (see [`replicas_for`]).
    pub replicas: Option<usize>,
    /// Most unacknowledged events per channel (`--max-pending`), enforced by JetStream too.
    pub max_pending: u64,
    /// Unacknowledged events older than this are aged out by JetStream (`--max-age`).
    pub max_age: Duration,
    /// Largest webhook body (`--max-body`): NATS's `max_payload` must hold it.
    pub max_body: usize,
}

impl NatsOptions {
    /// Options for `servers` with the relay's default limits (the `channel` and `migrate`
    /// commands; `serve` sets its own limits on every stream when it starts).
    pub fn new(servers: Vec<String>) -> Self {
        NatsOptions {
            servers,
            replicas: None,
            max_pending: 100_000,
            max_age: Duration::from_secs(30 * 24 * 3600),
            max_body: 1024 * 1024,
        }
    }
}

/// Whether `--store` asks for NATS (anything else is an error: redb is the default when
/// `--store` is absent).
pub fn is_nats(store: &str) -> bool {
    store.trim_start().starts_with("nats://")
}

/// Parses `nats://a:4222,b:4222` (or `nats://a:4222,nats://b:4222`) into server URLs.
pub fn parse_servers(text: &str) -> Result<Vec<String>, String> {
    let rest = text.trim().strip_prefix("nats://").ok_or_else(|| {
        format!("--store must look like nats://HOST:PORT[,HOST:PORT…] (got {text:?})")
    })?;
    let mut servers = Vec::new();
    for part in rest.split(',') {
        let part = part.trim();
        let hostport = part.strip_prefix("nats://").unwrap_or(part);
        let valid = hostport
            .rsplit_once(':')
            .is_some_and(|(host, port)| !host.is_empty() && port.parse::<u16>().is_ok());
        if !valid {
            return Err(format!(
                "--store: {part:?} is not HOST:PORT (e.g. nats://127.0.0.1:4222,127.0.0.2:4222)"
            ));
        }
        let url = format!("nats://{hostport}");
        if !servers.contains(&url) {
            servers.push(url);
        }
    }
    Ok(servers)
}

/// Replicas per stream for a cluster of `nodes` servers, unless `--replicas` says otherwise.
/// Three where there are three or more nodes: Raft needs a majority, so three copies survive
/// the loss of any one node, while two would stop at the first (a majority of two is two)
/// and five would double the writes for a second failure few teams plan for. One node can
/// only hold one copy.
pub fn replicas_for(nodes: usize, explicit: Option<usize>) -> usize {
    match explicit {
        Some(n) => n.clamp(1, MAX_REPLICAS),
        None if nodes >= 3 => 3,
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_urls_parse_into_servers() {
        assert_eq!(
            parse_servers("nats://127.0.0.1:4222,127.0.0.1:4223"),
            Ok(vec![
                "nats://127.0.0.1:4222".to_string(),
                "nats://127.0.0.1:4223".to_string()
            ])
        );
        assert_eq!(
            parse_servers("nats://a:1,nats://a:1").map(|s| s.len()),
            Ok(1)
        );
        assert!(parse_servers("redis://a:1").is_err());
        assert!(parse_servers("nats://a").is_err());
        assert!(parse_servers("nats://:80").is_err());
    }

    #[test]
    fn replicas_follow_the_cluster_unless_told() {
        assert_eq!(replicas_for(1, None), 1);
        assert_eq!(replicas_for(2, None), 1);
        assert_eq!(replicas_for(3, None), 3);
        assert_eq!(replicas_for(7, None), 3);
        assert_eq!(replicas_for(1, Some(9)), MAX_REPLICAS);
    }
}
