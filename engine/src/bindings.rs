//! The UI's TypeScript types, generated from the Rust types the window's commands take
//! and answer (`ui/src/generated/`), so that a renamed or retyped field fails the UI's
//! type check instead of passing every Rust test. The test below compares what the Rust
//! types generate with the committed files; `HIREWIRE_WRITE_BINDINGS=1 cargo test -p
//! hirewire-engine bindings` writes them. The engine's facts the UI's mock repeats (secret
//! names, permissions, webhooks, event names, sentences) are written beside them as
//! `facts.ts` ([`facts`]) and compared the same way.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use ts_rs::{Config, TS};

mod facts;

/// Generates every type the UI uses (and what they contain) into `dir`.
fn generate(dir: &Path) -> Result<(), ts_rs::ExportError> {
    // Times and counts are milliseconds and small numbers: JavaScript numbers hold them.
    let cfg = Config::new().with_large_int("number").with_out_dir(dir);
    crate::model::Entry::export_all(&cfg)?;
    crate::history::Filter::export_all(&cfg)?;
    crate::history::Page::export_all(&cfg)?;
    crate::history::DayCount::export_all(&cfg)?;
    crate::history::actions::EntryView::export_all(&cfg)?;
    crate::settings::Settings::export_all(&cfg)?;
    crate::mappings::Suggestion::export_all(&cfg)?;
    crate::setup::accounts::BobInfo::export_all(&cfg)?;
    crate::setup::relay::WebhookInfo::export_all(&cfg)?;
    crate::setup::lever_webhooks::WebhooksMade::export_all(&cfg)?;
    crate::setup::keychain::SecretState::export_all(&cfg)?;
    crate::preview::FieldRow::export_all(&cfg)?;
    crate::preview::DryRun::export_all(&cfg)?;
    crate::candidates::Candidate::export_all(&cfg)?;
    crate::check::Item::export_all(&cfg)?;
    crate::check::ItemKind::export_all(&cfg)?;
    crate::status::EngineStatus::export_all(&cfg)?;
    crate::EngineEvent::export_all(&cfg)?;
    crate::team::status::TeamView::export_all(&cfg)?;
    crate::team::manage::MemberLine::export_all(&cfg)?;
    crate::team::manage::Invited::export_all(&cfg)?;
    crate::reconcile::Report::export_all(&cfg)?;
    facts::write(dir)?;
    Ok(())
}

/// The committed bindings' folder.
fn committed() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/generated")
}

/// Every `.ts` file of a folder (recursively), by relative path.
fn files(dir: &Path) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        let Ok(read) = std::fs::read_dir(&d) else {
            continue;
        };
        for e in read.flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
            } else if p.extension().is_some_and(|x| x == "ts") {
                let rel = p.strip_prefix(dir).unwrap_or(&p).display().to_string();
                out.insert(rel, std::fs::read_to_string(&p).unwrap_or_default());
            }
        }
    }
    out
}

#[test]
fn the_ui_types_are_generated_from_the_rust_types() {
    if std::env::var_os("HIREWIRE_WRITE_BINDINGS").is_some() {
        let _ = std::fs::remove_dir_all(committed());
        generate(&committed()).unwrap_or_else(|e| panic!("cannot write the bindings: {e}"));
        return;
    }
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    generate(tmp.path()).unwrap_or_else(|e| panic!("cannot generate the bindings: {e}"));
    let (now, saved) = (files(tmp.path()), files(&committed()));
    let changed: BTreeSet<&String> = now
        .keys()
        .chain(saved.keys())
        .filter(|k| now.get(*k) != saved.get(*k))
        .collect();
    assert!(
        changed.is_empty(),
        "the UI's types or facts in ui/src/generated differ from the engine's ({changed:?}): run `HIREWIRE_WRITE_BINDINGS=1 cargo test -p hirewire-engine bindings`, then fix what svelte-check and the UI tests report"
    );
}
