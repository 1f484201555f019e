//! The HTTP clients of the outside vendors, each with typed requests and answers.

pub mod bob;
pub mod bob_lookup;
pub mod bob_probe;
pub mod bob_updates;
pub mod bucket;
pub mod http;
pub mod lever;
pub mod lever_lists;
mod lever_moves;
pub mod lever_perm;
pub mod lever_rows;
mod lever_types;
pub mod lever_webhooks;
pub mod partner;
