//! Harness for Hirewire's end-to-end tests and load tools: starts the real `hirewire-relay`
//! and `hirewire` binaries as child processes on loopback, the fake vendors in-process, talks
//! to them over real HTTP and WebSockets, drives the real app window over WebDriver, and
//! waits on conditions with deadlines (never fixed sleeps).

pub mod app;
pub mod bins;
pub mod deadline;
pub mod fixtures;
pub mod holdback;
pub mod nats;
pub mod net;
pub mod notifications;
pub mod proc;
pub mod relay;
pub mod scan;
pub mod seats;
pub mod smallfs;
pub mod stream;
pub mod team;
pub mod team_load;
pub mod wait;
pub mod window;
pub mod world;
