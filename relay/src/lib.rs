//! Hirewire's relay: the one public part of Hirewire. Lever posts webhooks to it; it
//! stores each one durably and streams it to the desktop app over a WebSocket.
//!
//! Without the default `server` feature only [`protocol`] is built: the wire contract
//! the app shares with the relay.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod panic_guard;
pub mod protocol;
pub mod team;

#[cfg(feature = "server")]
pub mod acme;
#[cfg(feature = "server")]
pub mod admin;
#[cfg(feature = "server")]
pub mod cli;
#[cfg(feature = "server")]
mod credentials;
#[cfg(feature = "server")]
pub mod live;
#[cfg(feature = "server")]
pub mod metrics;
#[cfg(feature = "server")]
pub mod server;
#[cfg(feature = "server")]
pub mod store;
#[cfg(feature = "server")]
mod tls;
