//! `hirewire reconcile`: a catch-up with Lever from the command line, as a table (or
//! `--json`), with what the webhooks missed.

use crate::engine::reconcile::{self, Action, Options, Report};
use crate::engine::{team, time, Engine};

use super::Failure;

/// What the person asked of the catch-up.
pub struct How {
    /// `--since`, as typed.
    pub since: Option<String>,
    /// `--dry-run`.
    pub dry_run: bool,
    /// `--apply-rules`.
    pub apply_rules: bool,
    /// `--json`.
    pub json: bool,
}

/// Runs a catch-up and prints its report; on a team's seat, asks the engine for one and
/// waits up to `wait` for its answer.
pub async fn run(engine: &Engine, how: How, wait: std::time::Duration) -> Result<(), Failure> {
    if team::is_seat(engine) {
        return on_seat(engine, &how, wait).await;
    }
    let How {
        since,
        dry_run,
        apply_rules,
        json,
    } = how;
    let since_ms = match since {
        Some(text) => Some(time::parse_day(&text).ok_or_else(|| {
            Failure::Usage(format!(
                "{text:?} is not a date: write it as YYYY-MM-DD, for example {}",
                reconcile::suggested_since()
            ))
        })?),
        None => None,
    };
    let report = reconcile::run(
        engine,
        Options {
            since_ms,
            dry_run,
            apply_rules,
        },
    )
    .await?;
    if json {
        let text = serde_json::to_string(&report).map_err(|e| Failure::Other(e.to_string()))?;
        println!("{text}");
        return Ok(());
    }
    print_report(&report);
    let queued = report.found.iter().any(|f| f.action == Action::Queued);
    if queued && engine.lock_run().is_ok() {
        eprintln!("the engine is not running: start it (`hirewire run`, or open the window) to carry these out");
    }
    Ok(())
}

/// A seat's catch-up: the engine compares with Lever (only it holds the Lever key) and
/// what it found reaches this seat's history through the team log.
async fn on_seat(engine: &Engine, how: &How, wait: std::time::Duration) -> Result<(), Failure> {
    if how.dry_run || how.since.is_some() || how.apply_rules {
        return Err(Failure::Usage(
            "on a seat, `hirewire reconcile` asks the engine to catch up from where it left off; \
             --dry-run, --since and --apply-rules are for the engine's own profile"
                .into(),
        ));
    }
    let said = team::catch_up(engine, wait).await?;
    if how.json {
        println!("{}", serde_json::json!({ "engine": said }));
    } else {
        println!("{said}");
    }
    Ok(())
}

fn print_report(r: &Report) {
    let head = if r.dry_run {
        "Dry run — nothing written. "
    } else {
        ""
    };
    println!(
        "{head}Compared Lever since {}: {} opportunities listed, {} Lever requests.",
        time::day(r.since_ms),
        r.listed,
        r.lever_calls
    );
    if r.found.is_empty() && r.unread.is_empty() {
        println!("Nothing missed: Hirewire is in sync with Lever.");
    } else if r.found.is_empty() {
        println!("Nothing missed in the lists that could be read.");
    }
    for f in &r.found {
        let action = match f.action {
            Action::Queued => "queued",
            Action::WouldQueue => "would queue",
            Action::Listed => "for you",
        };
        let entry = f.entry_id.map(|i| format!("#{i}")).unwrap_or_default();
        println!(
            "  {:<8} {:<12} {:>6}  {:<24} {}",
            format!("{:?}", f.kind).to_lowercase(),
            action,
            entry,
            f.candidate,
            f.what
        );
    }
    for u in &r.unread {
        println!("Not caught up: {}", u.message());
    }
    for n in &r.notes {
        println!("Note: {n}");
    }
    let unread: Vec<String> = r.unread.iter().map(|u| u.message()).collect();
    for h in r.health.iter().filter(|h| !unread.contains(h)) {
        println!("Webhooks: {h}");
    }
}
