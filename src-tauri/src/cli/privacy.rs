//! `hirewire person EMAIL [--json] [--erase]` and `hirewire purge [--older-than DAYS]
//! [--compact]`: a person's record, its erasure, and retention by hand.

use std::io::IsTerminal;

use super::Failure;
use crate::engine::privacy::{self, compaction, person, retention};
use crate::engine::{time, Engine};

/// Prints (or erases) what Hirewire holds about the person with `email`.
pub async fn person(
    engine: &Engine,
    email: &str,
    json: bool,
    erase: bool,
    yes: bool,
) -> Result<(), Failure> {
    let record = privacy::erase::of_email(engine, email).await?;
    if !erase {
        return show(email, &record, json);
    }
    if record.opportunities.is_empty() {
        println!("Hirewire holds nothing about {email}: nothing to erase.");
        return Ok(());
    }
    confirm(email, record.entries.len(), yes)?;
    let opps = record.opportunities.iter().cloned().collect();
    let erased = privacy::erase::erase(engine, email, opps).await?;
    for l in &erased.lines {
        println!("{l}");
    }
    erased.compact(engine).await?;
    println!("The database was compacted: nothing of {email} is left in it.");
    Ok(())
}

/// Prints a person's record: all of it as JSON, or what it counts.
fn show(email: &str, record: &person::Record, json: bool) -> Result<(), Failure> {
    if json {
        let text =
            serde_json::to_string_pretty(record).map_err(|e| Failure::Other(e.to_string()))?;
        println!("{text}");
    } else if record.opportunities.is_empty() {
        println!("Hirewire holds nothing about {email}.");
    } else {
        println!(
            "{email}: {} opportunit{}, {} history entr{}, {} assessment(s), {} link(s). `--json` prints all of it; `--erase` removes it.",
            record.opportunities.len(),
            if record.opportunities.len() == 1 { "y" } else { "ies" },
            record.entries.len(),
            if record.entries.len() == 1 { "y" } else { "ies" },
            record.assessments.len(),
            record.links.len()
        );
    }
    Ok(())
}

/// Asks before erasing: typed `yes` on a terminal, else `--yes`.
fn confirm(email: &str, entries: usize, yes: bool) -> Result<(), Failure> {
    if yes {
        return Ok(());
    }
    if !std::io::stdin().is_terminal() {
        return Err(Failure::Usage(
            "erasing needs a confirmation: run it on a terminal, or add --yes".into(),
        ));
    }
    eprint!(
        "Erase everything Hirewire holds about {email} ({entries} history entries)? Type yes: "
    );
    let mut answer = String::new();
    std::io::stdin()
        .read_line(&mut answer)
        .map_err(|e| Failure::Other(e.to_string()))?;
    if answer.trim() != "yes" {
        return Err(Failure::Usage("not erased".into()));
    }
    Ok(())
}

/// Retention by hand, and compaction.
pub async fn purge(engine: &Engine, older_than: Option<u64>, compact: bool) -> Result<(), Failure> {
    if let Some(days) = older_than {
        let before = time::now_ms().saturating_sub(days.saturating_mul(86_400_000));
        let x = engine
            .store()
            .write_async(move |tx| retention::expire(tx, before))
            .await?;
        println!(
            "{} entr{} older than {days} days lost their personal fields; {} other record(s) removed",
            x.entries,
            if x.entries == 1 { "y" } else { "ies" },
            x.records
        );
    }
    if compact || older_than.is_some() {
        let store = engine.store().clone();
        let c = tokio::task::spawn_blocking(move || compaction::now(&store, &[]))
            .await
            .map_err(|e| Failure::Other(e.to_string()))??;
        println!(
            "compacted in {} ms: {} → {} bytes",
            c.took.as_millis(),
            c.bytes.0,
            c.bytes.1
        );
    }
    if older_than.is_none() && !compact {
        return Err(Failure::Usage(
            "say what to purge: --older-than DAYS, or --compact".into(),
        ));
    }
    Ok(())
}
