//! One integration-test binary: every suite runs the real binaries on loopback.

mod assessment;
mod engine_robustness;
mod fidelity;
mod hire;
mod relay_admin;
mod relay_durability;
mod relay_intake;
mod relay_limits;
mod relay_recovery;
mod relay_revocation;
mod relay_stream;
mod window;
