//! One integration-test binary: every suite runs the real binaries on loopback.

mod assessment;
mod backup;
mod cli_messages;
mod damaged_profile;
mod deploy;
mod engine_robustness;
mod fidelity;
mod hire;
mod nats;
mod privacy;
mod reconcile;
mod relay;
mod score_rules;
mod scripts;
mod server_secrets;
mod stream_watchdog;
mod team;
mod upgrade;
mod webhook_setup;
mod window;
