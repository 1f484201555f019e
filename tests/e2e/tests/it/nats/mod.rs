//! The relay on NATS JetStream in particular: a private `nats-server` (or a cluster) per
//! test, its outages, replicas and the migration from redb. These run in the main pass.

mod chaos;
mod migrate;
mod replicas;
mod store;
mod team;
