//! The relay binary on its own: intake, the stream, its limits, durability and recovery,
//! channel administration, HTTPS by ACME. The NATS pass of `scripts/test` runs this whole
//! module again on the JetStream store, so a new relay suite added here cannot escape it.

mod acme;
mod admin;
mod durability;
mod intake;
mod limits;
mod reconnect;
mod recovery;
mod revocation;
mod stream;
mod team;
