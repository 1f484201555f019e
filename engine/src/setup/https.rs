//! Lever delivers webhooks only to HTTPS addresses: a relay whose public URL is plain
//! `http://` would get nothing, so Hirewire refuses to register it with Lever and warns in
//! Setup and `hirewire check`, with the two ways to give the relay HTTPS.
//!
//! A loopback address (`127.0.0.0/8`, `::1`, `localhost`) is let through: Lever cannot reach
//! it at all, so such a relay only ever serves a trial on one machine (and the test suite,
//! whose relay runs on loopback), never a real account; refusing it would protect nobody.

use std::net::IpAddr;

/// Why Lever would refuse to deliver to the relay at `public_url`, if it would.
pub fn not_https(public_url: &str) -> Option<String> {
    let url = reqwest::Url::parse(public_url).ok()?;
    if url.scheme() == "https" || is_loopback(&url) {
        return None;
    }
    Some(format!(
        "Lever delivers webhooks only to HTTPS addresses, and the relay's public URL is {public_url}. Give the relay HTTPS: let it get its own certificate (`hirewire-relay serve --listen 0.0.0.0:443 --acme-domain relay.example.com`), give it one (`--tls-cert … --tls-key …`), or put it behind a reverse proxy that serves HTTPS (start it with `--public-url https://…`); then paste its new connection code in Setup and create the webhooks again"
    ))
}

/// Whether `url` names this machine.
fn is_loopback(url: &reqwest::Url) -> bool {
    let Some(host) = url.host_str() else {
        return false;
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_http_beyond_this_machine_is_refused() {
        assert_eq!(not_https("https://relay.example.com"), None);
        assert_eq!(not_https("http://127.0.0.1:8080"), None);
        assert_eq!(not_https("http://[::1]:8080"), None);
        assert_eq!(not_https("http://localhost:8080"), None);
        let m = not_https("http://relay.example.com").unwrap_or_default();
        assert!(
            m.contains("only to HTTPS")
                && m.contains("--acme-domain")
                && m.contains("--tls-cert")
                && m.contains("reverse proxy"),
            "{m}"
        );
        assert!(not_https("http://10.0.0.5").is_some());
    }
}
