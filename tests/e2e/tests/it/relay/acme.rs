//! HTTPS by itself (issue 26): `serve --acme-domain` gets a certificate from an ACME CA by
//! TLS-ALPN-01 on its own port, keeps account and certificate in its data directory, and
//! serves HTTPS with it. The CA is Debian's `pebble` on loopback, with
//! `pebble-challtestsrv` answering every DNS question with 127.0.0.1; Pebble's own HTTPS
//! certificate is made here and given to the relay with `--acme-ca-root`.

use std::net::{SocketAddr, UdpSocket};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use std::sync::Arc;

use futures_util::StreamExt;
use hirewire_e2e::proc::Proc;
use hirewire_e2e::relay::Relay;
use hirewire_relay::protocol::{EventFrame, ServerFrame};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::pem::PemObject;
use tokio_rustls::rustls::pki_types::{CertificateDer, ServerName};
use tokio_rustls::TlsConnector;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

/// The relay's domain: pebble-challtestsrv resolves every name to 127.0.0.1.
const DOMAIN: &str = "relay.hirewire.test";
/// Issuance against a local CA takes about a second; a loaded machine gets more.
const ISSUE_TIMEOUT: Duration = Duration::from_secs(60);

fn free_tcp() -> u16 {
    hirewire_e2e::nats::free_port()
}

fn free_udp_and_tcp() -> u16 {
    // The DNS server binds both: a port free for UDP is checked for TCP too.
    loop {
        let port = UdpSocket::bind("127.0.0.1:0")
            .and_then(|s| s.local_addr())
            .map(|a| a.port())
            .unwrap_or_else(|e| panic!("no UDP port: {e}"));
        if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
            return port;
        }
    }
}

/// A private ACME CA: Pebble and its DNS.
struct Pebble {
    _ca: Proc,
    _dns: Proc,
    directory: String,
    management: SocketAddr,
    /// The certificate Pebble's own HTTPS listeners present (self-signed).
    https_root: PathBuf,
}

impl Pebble {
    /// Starts Pebble validating TLS-ALPN-01 on `tls_port`, issuing certificates valid for
    /// `validity` (Pebble's default, five years, when `None`).
    async fn start(dir: &Path, tls_port: u16, validity: Option<Duration>) -> Pebble {
        let cert = rcgen::generate_simple_self_signed(vec![
            "localhost".to_string(),
            "127.0.0.1".to_string(),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        let https_root = dir.join("pebble-https.pem");
        let key = dir.join("pebble-https.key");
        std::fs::write(&https_root, cert.cert.pem()).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(&key, cert.signing_key.serialize_pem()).unwrap_or_else(|e| panic!("{e}"));

        let dns_port = free_udp_and_tcp();
        let mut dns = Command::new("pebble-challtestsrv");
        dns.args(["-defaultIPv4", "127.0.0.1", "-defaultIPv6", ""])
            .args(["-dns01", &format!("127.0.0.1:{dns_port}")])
            .args(["-http01", "", "-https01", "", "-tlsalpn01", ""])
            .args(["-management", &format!("127.0.0.1:{}", free_tcp())]);
        let mut dns = Proc::spawn("pebble-challtestsrv", dns);
        dns.wait_line("Starting challenge servers", Duration::from_secs(30))
            .await;

        let (api, management) = (free_tcp(), free_tcp());
        let mut config = serde_json::json!({"pebble": {
            "listenAddress": format!("127.0.0.1:{api}"),
            "managementListenAddress": format!("127.0.0.1:{management}"),
            "certificate": https_root,
            "privateKey": key,
            "httpPort": free_tcp(),
            "tlsPort": tls_port,
            "ocspResponderURL": "",
            "externalAccountBindingRequired": false
        }});
        if let Some(v) = validity {
            config["pebble"]["certificateValidityPeriod"] = v.as_secs().into();
        }
        let config_path = dir.join("pebble.json");
        std::fs::write(&config_path, config.to_string()).unwrap_or_else(|e| panic!("{e}"));
        let mut ca = Command::new("pebble");
        ca.arg("-config")
            .arg(&config_path)
            .args(["-dnsserver", &format!("127.0.0.1:{dns_port}")])
            // No random pause before validation, no nonces refused on purpose: both are
            // Pebble's ways to test clients' patience, not ours.
            .env("PEBBLE_VA_NOSLEEP", "1")
            .env("PEBBLE_WFE_NONCEREJECT", "0");
        let mut ca = Proc::spawn("pebble", ca);
        ca.wait_line("Listening on", Duration::from_secs(30)).await;
        Pebble {
            _ca: ca,
            _dns: dns,
            directory: format!("https://127.0.0.1:{api}/dir"),
            management: SocketAddr::from(([127, 0, 0, 1], management)),
            https_root,
        }
    }

    /// The root that Pebble's issued certificates chain to (made anew at each start).
    async fn issuing_root(&self) -> reqwest::Certificate {
        reqwest::Certificate::from_pem(&self.issuing_root_pem().await)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// [`Pebble::issuing_root`] as PEM.
    async fn issuing_root_pem(&self) -> Vec<u8> {
        let pem = std::fs::read(&self.https_root).unwrap_or_else(|e| panic!("{e}"));
        let client = reqwest::Client::builder()
            .add_root_certificate(
                reqwest::Certificate::from_pem(&pem).unwrap_or_else(|e| panic!("{e}")),
            )
            .build()
            .unwrap_or_else(|e| panic!("{e}"));
        let root = client
            .get(format!("https://{}/roots/0", self.management))
            .send()
            .await
            .unwrap_or_else(|e| panic!("pebble's root: {e}"))
            .bytes()
            .await
            .unwrap_or_else(|e| panic!("pebble's root: {e}"));
        root.to_vec()
    }
}

/// How many times the relay has put a certificate from the CA in service.
fn deployed(relay: &Relay) -> usize {
    relay
        .proc
        .output()
        .iter()
        .filter(|l| l.contains("certificate deployed, new from the ACME CA"))
        .count()
}

/// A TLS connection to the relay that trusts only `root_pem`, as an app would open one.
async fn tls_to(root_pem: &[u8], port: u16) -> TlsStream<TcpStream> {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(root_pem) {
        roots
            .add(cert.unwrap_or_else(|e| panic!("pebble's root: {e}")))
            .unwrap_or_else(|e| panic!("pebble's root: {e}"));
    }
    let config = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap_or_else(|e| panic!("{e}"))
    .with_root_certificates(roots)
    .with_no_client_auth();
    let tcp = TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let name = ServerName::try_from(DOMAIN).unwrap_or_else(|e| panic!("{e}"));
    TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .unwrap_or_else(|e| panic!("TLS to the relay: {e}"))
}

/// The certificate the relay presented on `tls`.
fn served(tls: &TlsStream<TcpStream>) -> Vec<u8> {
    tls.get_ref()
        .1
        .peer_certificates()
        .and_then(|c| c.first())
        .map(|c| c.to_vec())
        .unwrap_or_else(|| panic!("the relay presented no certificate"))
}

/// The next event on a stream opened over TLS, skipping the welcome and pings.
async fn next_event(ws: &mut WebSocketStream<TlsStream<TcpStream>>) -> EventFrame {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        let msg = tokio::time::timeout_at(deadline, ws.next())
            .await
            .unwrap_or_else(|_| panic!("no event within 30 s"))
            .unwrap_or_else(|| panic!("the stream closed"))
            .unwrap_or_else(|e| panic!("the stream failed: {e}"));
        if let Message::Text(t) = msg {
            match serde_json::from_str(&t) {
                Ok(ServerFrame::Event(e)) => return e,
                Ok(_) => continue,
                Err(e) => panic!("a frame outside the protocol: {t} ({e})"),
            }
        }
    }
}

/// A client that trusts only Pebble's issuing root and finds the relay's domain on loopback.
fn client_for(root: reqwest::Certificate, port: u16) -> reqwest::Client {
    reqwest::Client::builder()
        .tls_built_in_root_certs(false)
        .add_root_certificate(root)
        .resolve(DOMAIN, SocketAddr::from(([127, 0, 0, 1], port)))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn acme_flags(pebble: &Pebble) -> Vec<String> {
    vec![
        "--acme-domain".into(),
        DOMAIN.into(),
        "--acme-directory".into(),
        pebble.directory.clone(),
        "--acme-ca-root".into(),
        pebble.https_root.to_string_lossy().into_owned(),
        "--acme-contact".into(),
        "mailto:ops@hirewire.test".into(),
        "--public-url".into(),
        format!("https://{DOMAIN}"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_acme_domain_gets_a_certificate_from_pebble_and_serves_https_with_it() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let port = free_tcp();
    let pebble = Pebble::start(tmp.path(), port, None).await;
    let data = tmp.path().join("relay");
    let flags = acme_flags(&pebble);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let started = Instant::now();
    let mut relay = Relay::start_in(&data, &format!("127.0.0.1:{port}"), &flags).await;
    relay
        .proc
        .wait_line("certificate deployed", ISSUE_TIMEOUT)
        .await;
    let client = client_for(pebble.issuing_root().await, port);
    let url = format!("https://{DOMAIN}:{port}/healthz");
    hirewire_e2e::wait::until("the relay to answer over HTTPS", ISSUE_TIMEOUT, || {
        let (client, url) = (client.clone(), url.clone());
        async move {
            let r = client.get(&url).send().await.ok()?;
            (r.status().as_u16() == 200).then_some(())
        }
    })
    .await;
    let to_https = started.elapsed();

    // The expiry is visible to an operator.
    let metrics = client
        .get(format!("https://{DOMAIN}:{port}/metrics"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    let expiry = metrics
        .lines()
        .find(|l| l.starts_with("hirewire_relay_tls_cert_expiry_timestamp_seconds "))
        .unwrap_or_else(|| panic!("no expiry gauge in /metrics:\n{metrics}"));
    let at: u64 = expiry
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    assert!(
        at > now + 86_400,
        "the certificate expires in over a day: {expiry}"
    );

    // Account and certificate are kept in the data directory: a restart serves the kept
    // certificate without a new order.
    let kept: Vec<String> = std::fs::read_dir(data.join("acme"))
        .unwrap_or_else(|e| panic!("no acme directory in the data dir: {e}"))
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    assert!(
        kept.iter().any(|n| n.starts_with("cached_account")),
        "{kept:?}"
    );
    assert!(
        kept.iter().any(|n| n.starts_with("cached_cert")),
        "{kept:?}"
    );
    relay.kill9_and_restart().await;
    relay
        .proc
        .wait_line(
            "certificate deployed from the data directory",
            ISSUE_TIMEOUT,
        )
        .await;
    let again = client
        .get(&url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("HTTPS after a restart: {e}"));
    assert_eq!(again.status().as_u16(), 200);
    eprintln!(
        "RESULT relay::acme first_https_answer_ms={}",
        to_https.as_millis()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_certificate_near_its_expiry_is_renewed_without_a_restart_or_a_dropped_stream() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let port = free_tcp();
    // Pebble's certificates live 24 s here, so the relay's renewal (a third of the life
    // left) comes about 16 s after the first one instead of in two months.
    let pebble = Pebble::start(tmp.path(), port, Some(Duration::from_secs(24))).await;
    let data = tmp.path().join("relay");
    let flags = acme_flags(&pebble);
    let flags: Vec<&str> = flags.iter().map(String::as_str).collect();
    let mut relay = Relay::start_in(&data, &format!("127.0.0.1:{port}"), &flags).await;
    relay
        .proc
        .wait_line("certificate deployed", ISSUE_TIMEOUT)
        .await;
    let root = pebble.issuing_root_pem().await;
    let ch = relay.add_channel("renewal");
    let https = client_for(pebble.issuing_root().await, port);
    let post = |body: &'static str| {
        let (https, url) = (
            https.clone(),
            format!("https://{DOMAIN}:{port}/hooks/{}/stage-change", ch.channel),
        );
        async move {
            let r = https
                .post(url)
                .body(body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("POST over HTTPS: {e}"));
            assert_eq!(r.status().as_u16(), 200);
        }
    };

    // A stream over TLS, opened on the first certificate.
    let tls = tls_to(&root, port).await;
    let first = served(&tls);
    let mut req = format!("wss://{DOMAIN}:{port}/v1/channels/{}/stream", ch.channel)
        .into_client_request()
        .unwrap_or_else(|e| panic!("{e}"));
    req.headers_mut().insert(
        "authorization",
        format!("Bearer {}", ch.secret)
            .parse()
            .unwrap_or_else(|e| panic!("{e}")),
    );
    let (mut ws, _) = tokio_tungstenite::client_async(req, tls)
        .await
        .unwrap_or_else(|e| panic!("the stream over TLS: {e}"));
    post(r#"{"before":"renewal"}"#).await;
    assert_eq!(next_event(&mut ws).await.body, r#"{"before":"renewal"}"#);

    let seen = deployed(&relay);
    let renewed = Instant::now();
    hirewire_e2e::wait::until_true(
        "the relay to renew its certificate",
        Duration::from_secs(120),
        || {
            let n = deployed(&relay);
            async move { n > seen }
        },
    )
    .await;
    let renewal = renewed.elapsed();

    // New connections get the new certificate from the same process...
    let again = tls_to(&root, port).await;
    assert_ne!(
        served(&again),
        first,
        "a new connection after the renewal is served the new certificate"
    );
    // ...and the stream opened before the renewal still delivers: the same process
    // renewed in place, nothing restarted.
    post(r#"{"after":"renewal"}"#).await;
    assert_eq!(next_event(&mut ws).await.body, r#"{"after":"renewal"}"#);
    eprintln!(
        "RESULT relay::acme renewal_after_ms={}",
        renewal.as_millis()
    );
}
