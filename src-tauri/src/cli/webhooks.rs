//! `hirewire webhooks [--create]`: the Lever webhooks to set up, and making them with a
//! setup key so that no URL or token is copied by hand.

use super::{input, Failure};
use crate::engine::setup::lever_webhooks::{self, Made};
use crate::engine::setup::relay;
use crate::engine::Engine;

/// Lists the webhooks (URL, token kept, first signed event); with `create`, makes the
/// missing ones in Lever first.
pub async fn run(engine: &Engine, create: bool) -> Result<(), Failure> {
    if create {
        let made = lever_webhooks::create(engine, input::setup_key()?).await?;
        for h in &made.hooks {
            let mark = match h.made {
                Made::Created | Made::AlreadyThere => "ok  ",
                Made::NeedsToken | Made::Failed => "todo",
            };
            println!("{mark} {:<32} {}", h.event, h.message);
        }
        if let Some(why) = &made.refused {
            println!("{why}");
        }
        println!("In Lever (Settings → Integrations and API → Webhooks), switch on each of these events' webhooks: Lever delivers nothing until they are on.");
    }
    let hooks = relay::webhooks(engine).await?;
    if let Some(why) = hooks.iter().find_map(|h| h.warning.as_ref()) {
        println!("warning: {why}");
    }
    for hook in hooks {
        let token = if hook.token_set {
            "token kept"
        } else {
            "no token: `hirewire secret set` it"
        };
        println!("  {:<32} {}  ({token})", hook.event, hook.url);
    }
    Ok(())
}
