//! One integration-test binary: every suite runs the real binaries on loopback.

mod assessment;
mod cli_messages;
mod deploy;
mod engine_robustness;
mod fidelity;
mod hire;
mod nats_chaos;
mod nats_migrate;
mod nats_replicas;
mod nats_store;
mod privacy;
mod reconcile;
mod relay_acme;
mod relay_admin;
mod relay_durability;
mod relay_intake;
mod relay_limits;
mod relay_reconnect;
mod relay_recovery;
mod relay_revocation;
mod relay_stream;
mod scripts;
mod server_secrets;
mod stream_watchdog;
mod webhook_setup;
mod window;
