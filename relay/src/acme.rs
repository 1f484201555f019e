//! HTTPS by itself: with `--acme-domain`, the relay gets its certificate from an ACME CA
//! (Let's Encrypt unless `--acme-directory` says otherwise) by TLS-ALPN-01 on its own
//! listening port, keeps the account and the certificate in `DATA/acme/`, and renews
//! the certificate by itself when a third of its life is left, without a restart and
//! without dropping a stream: new handshakes simply get the new certificate.
//!
//! `rustls-acme` does the protocol (on ring, the relay's rustls provider). What is ours: the
//! trust for a private CA's directory (`--acme-ca-root`), the log lines an operator reads,
//! and the certificate's expiry in `/metrics`.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use anyhow::Context as _;
use axum_server::tls_rustls::RustlsConfig;
use futures_util::StreamExt;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::CertificateDer;
use rustls_acme::caches::DirCache;
use rustls_acme::{AcmeConfig, EventOk};

use crate::metrics::Metrics;

/// Let's Encrypt's production directory, the default CA.
pub const LETS_ENCRYPT: &str = rustls_acme::acme::LETS_ENCRYPT_PRODUCTION_DIRECTORY;
/// The folder of the data directory that keeps the ACME account and certificate.
pub const ACME_DIR: &str = "acme";

/// What `serve --acme-*` asked for.
#[derive(Debug, Clone)]
pub struct AcmeOptions {
    /// The names the certificate is for (the first is the relay's public name).
    pub domains: Vec<String>,
    /// Contact addresses for the CA (`mailto:…`).
    pub contact: Vec<String>,
    /// The CA's ACME directory URL.
    pub directory: String,
    /// A PEM file of roots to trust for the directory's own HTTPS (a private CA).
    pub ca_root: Option<PathBuf>,
}

/// The TLS configuration serving the ACME certificate. Spawns the task that obtains and
/// renews it; until it is there, handshakes other than the CA's challenge fail.
pub fn start(
    opts: &AcmeOptions,
    data: &Path,
    metrics: Arc<Metrics>,
) -> anyhow::Result<RustlsConfig> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let client = client_config(opts, provider.clone())?;
    let dir = data.join(ACME_DIR);
    crate::store::open::create_private_dir(&dir)
        .with_context(|| format!("cannot create {}", dir.display()))?;
    let mut state = AcmeConfig::new_with_client_config(&opts.domains, client)
        .contact(&opts.contact)
        .directory(&opts.directory)
        .cache(DirCache::new(dir.clone()))
        .state();
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_cert_resolver(state.resolver());
    // HTTP/1.1 for everyone, and the ACME challenge's own protocol for the CA.
    config.alpn_protocols = vec![
        b"http/1.1".to_vec(),
        rustls_acme::acme::ACME_TLS_ALPN_NAME.to_vec(),
    ];
    let domain = opts.domains.first().cloned().unwrap_or_default();
    tracing::info!(%domain, directory = %opts.directory, "asking the ACME CA for a certificate (TLS-ALPN-01 on this port)");
    tokio::spawn(async move {
        while let Some(event) = state.next().await {
            match event {
                Ok(EventOk::DeployedCachedCert) => {
                    tracing::info!(%domain, "certificate deployed from the data directory");
                    expiry(&dir, &metrics);
                }
                Ok(EventOk::DeployedNewCert) => {
                    tracing::info!(%domain, "certificate deployed, new from the ACME CA");
                }
                Ok(EventOk::CertCacheStore) => {
                    tracing::debug!("certificate kept in the data directory");
                    expiry(&dir, &metrics);
                }
                Ok(EventOk::AccountCacheStore) => {
                    tracing::debug!("ACME account kept in the data directory")
                }
                Err(e) => tracing::warn!(
                    %domain,
                    "no certificate from the ACME CA yet (retried by itself): {e}; check that {domain} resolves to this server and that port 443 reaches it"
                ),
            }
        }
    });
    Ok(RustlsConfig::from_config(Arc::new(config)))
}

/// The roots trusted for the CA's directory: the public web's, plus `--acme-ca-root`.
fn client_config(
    opts: &AcmeOptions,
    provider: Arc<rustls::crypto::CryptoProvider>,
) -> anyhow::Result<Arc<rustls::ClientConfig>> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    if let Some(path) = &opts.ca_root {
        let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(path)
            .with_context(|| format!("cannot read the ACME CA root file {}", path.display()))?
            .collect::<Result<_, _>>()
            .with_context(|| format!("{} is not a PEM certificate file", path.display()))?;
        anyhow::ensure!(!certs.is_empty(), "{} holds no certificate", path.display());
        for cert in certs {
            roots.add(cert).with_context(|| {
                format!(
                    "{} holds a certificate rustls refuses as a root",
                    path.display()
                )
            })?;
        }
    }
    Ok(Arc::new(
        rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_no_client_auth(),
    ))
}

/// Logs the kept certificate's expiry and shows it in `/metrics`.
fn expiry(dir: &Path, metrics: &Metrics) {
    match newest_expiry(dir) {
        Ok(not_after) => {
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs() as i64)
                .unwrap_or(0);
            let left = not_after.saturating_sub(now);
            metrics.tls_cert_expiry.set(not_after);
            tracing::info!(
                expires_in_days = left / 86_400,
                "the certificate expires in {} days; it is renewed by itself when a third of its life is left",
                left / 86_400
            );
        }
        Err(e) => tracing::warn!("the certificate's expiry could not be read: {e}"),
    }
}

/// The expiry (Unix seconds) of the newest certificate kept in `dir`.
fn newest_expiry(dir: &Path) -> anyhow::Result<i64> {
    let newest = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().starts_with("cached_cert_"))
        .max_by_key(|e| e.metadata().and_then(|m| m.modified()).ok())
        .context("no certificate kept yet")?;
    let pem = std::fs::read(newest.path())?;
    expiry_of_pem(&pem)
}

/// The expiry (Unix seconds) of the first certificate in a PEM bundle.
pub fn expiry_of_pem(pem: &[u8]) -> anyhow::Result<i64> {
    let first = CertificateDer::pem_slice_iter(pem)
        .next()
        .context("no certificate in the file")?
        .context("an unreadable PEM certificate")?;
    let (_, cert) = x509_parser::parse_x509_certificate(first.as_ref())
        .map_err(|e| anyhow::anyhow!("not an X.509 certificate: {e}"))?;
    Ok(cert.validity().not_after.timestamp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_expiry_is_read_from_a_pem_bundle_with_its_key_first() {
        let cert = rcgen::generate_simple_self_signed(vec!["relay.test".to_string()])
            .unwrap_or_else(|e| panic!("{e}"));
        let bundle = format!("{}\n{}", cert.signing_key.serialize_pem(), cert.cert.pem());
        let expiry = expiry_of_pem(bundle.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        assert!(
            expiry > now,
            "rcgen's default validity runs into the future"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_bytes_give_an_expiry_or_an_error(bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..512)) {
            let _ = expiry_of_pem(&bytes);
        }
    }
}
