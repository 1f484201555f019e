//! TLS with rustls (ring provider: no C toolchain or cmake needed to build the relay).

use std::path::Path;
use std::sync::Arc;

use anyhow::Context as _;
use axum_server::tls_rustls::RustlsConfig;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use crate::metrics::Metrics;

/// Reads a PEM certificate chain and private key into a server configuration.
pub fn load(cert: &Path, key: &Path, metrics: &Metrics) -> anyhow::Result<RustlsConfig> {
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_file_iter(cert)
        .with_context(|| format!("cannot read the certificate file {}", cert.display()))?
        .collect::<Result<_, _>>()
        .with_context(|| format!("{} is not a PEM certificate chain", cert.display()))?;
    anyhow::ensure!(!chain.is_empty(), "{} holds no certificate", cert.display());
    match std::fs::read(cert)
        .map_err(anyhow::Error::from)
        .and_then(|pem| crate::acme::expiry_of_pem(&pem))
    {
        Ok(not_after) => {
            metrics.tls_cert_expiry.set(not_after);
        }
        Err(e) => tracing::warn!("the certificate's expiry could not be read: {e}"),
    }
    let key = PrivateKeyDer::from_pem_file(key)
        .with_context(|| format!("cannot read a PEM private key from {}", key.display()))?;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .context("the certificate and the key do not belong together")?;
    // HTTP/1.1 only: WebSocket upgrades ride on it, and Lever posts with it.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(RustlsConfig::from_config(Arc::new(config)))
}
