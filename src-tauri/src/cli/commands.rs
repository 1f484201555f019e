//! Each subcommand as a thin adapter over an engine call.

use std::io::IsTerminal;
use std::path::PathBuf;

use super::input::{self, read_stdin};
use super::signal::shutdown_signal;
use super::{Command, ConfigCmd, Failure, MappingsCmd, SecretCmd};
use crate::engine::history::{self, Filter};
use crate::engine::model::{history_json, Entry, Source, Status};
use crate::engine::setup::{config, keychain, relay};
use crate::engine::team::{self, Action};
use crate::engine::{check, mappings, time, Engine};

/// Runs one subcommand.
pub async fn run(
    data: Option<PathBuf>,
    profile: String,
    key_file: Option<PathBuf>,
    command: Command,
) -> Result<(), Failure> {
    #[cfg(feature = "demo")]
    if let Command::Demo = command {
        return super::demo::run(data).await;
    }
    if let Command::Restore {
        file,
        identity,
        passphrase_file,
    } = command
    {
        let target = crate::engine::backup::Target {
            data,
            profile,
            key_file,
        };
        return super::backup::restore(target, file, identity, passphrase_file).await;
    }
    let engine = Engine::open_keyed(data.as_deref(), &profile, key_file.as_deref())?;
    with_engine(engine, command).await
}

/// Runs a subcommand that works on an opened profile: every one but `demo` and `restore`,
/// which run before a profile can be opened.
async fn with_engine(engine: Engine, command: Command) -> Result<(), Failure> {
    match command {
        Command::Run => run_engine(engine).await,
        Command::Connect { code } => connect(&engine, &code).await,
        Command::Secret(cmd) => secret(&engine, cmd).await,
        Command::Config(cmd) => config_cmd(&engine, cmd).await,
        Command::History {
            json,
            status,
            limit,
            search,
            source,
        } => show_history(&engine, json, (status, source), limit, search).await,
        Command::Reconcile {
            since,
            dry_run,
            apply_rules,
            json,
            wait,
        } => {
            let how = super::reconcile::How {
                since,
                dry_run,
                apply_rules,
                json,
            };
            super::reconcile::run(&engine, how, wait).await
        }
        Command::Person {
            email,
            json,
            erase,
            yes,
        } => super::privacy::person(&engine, &email, json, erase, yes).await,
        Command::Purge {
            older_than,
            compact,
        } => super::privacy::purge(&engine, older_than, compact).await,
        Command::Retry { id, wait } => {
            super::team::act(&engine, Action::Retry, id, None, wait).await
        }
        Command::Approve { id, employee, wait } => approve(&engine, id, employee, wait).await,
        Command::Dismiss { id, wait } => {
            super::team::act(&engine, Action::Dismiss, id, None, wait).await
        }
        Command::Team(cmd) => super::team::run(&engine, cmd).await,
        Command::Mappings(MappingsCmd::Suggest { apply }) => mappings_suggest(&engine, apply).await,
        Command::Webhooks { create } => super::webhooks::run(&engine, create).await,
        #[cfg(feature = "demo")]
        Command::Demo => Ok(()),
        Command::Check => run_check(&engine).await,
        Command::Backup {
            file,
            recipient,
            passphrase_file,
        } => super::backup::backup(&engine, file, recipient, passphrase_file).await,
        Command::Restore { .. } => Ok(()),
    }
}

/// `config import` / `config export`.
async fn config_cmd(engine: &Engine, cmd: ConfigCmd) -> Result<(), Failure> {
    match cmd {
        ConfigCmd::Import { file, replace } => {
            config::import_toml(engine, &read_input(&file)?, replace).await?;
            eprintln!("settings imported");
            Ok(())
        }
        ConfigCmd::Export => {
            print!("{}", config::export_toml(engine).await?);
            Ok(())
        }
    }
}

/// Logs to stderr, filtered by `HIREWIRE_LOG` (default `info`). Never a secret in them.
pub(crate) fn init_logs() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("HIREWIRE_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}

async fn run_engine(engine: Engine) -> Result<(), Failure> {
    init_logs();
    if team::is_seat(&engine) {
        // A seat needs no relay connection of its own nor vendor keys: the team's code
        // carried the relay, and the engine holds the keys.
        tracing::info!(
            "this profile is a team's seat: keeping its copy of the team's history current"
        );
    } else {
        missing_for_run(&engine).await?;
    }
    let _lock = engine.lock_run()?;
    tracing::info!(profile = %engine.profile(), dir = %engine.dir().display(), "engine starting");
    engine.run(shutdown_signal()).await?;
    Ok(())
}

/// Says what `run` lacks: with no relay connection nothing can arrive (an error); missing
/// keys are warnings (events are taken in and wait for them).
async fn missing_for_run(engine: &Engine) -> Result<(), Failure> {
    let conn = engine.store().read_async(|rx| rx.relay_conn()).await?;
    if conn.is_none() {
        return Err(Failure::Usage("nothing is set up yet: connect to a relay with `hirewire connect CODE` (the code `hirewire-relay channel add` prints), set the keys with `hirewire secret set NAME` and the settings with `hirewire config import settings.toml`; `hirewire check` then says what is still missing".into()));
    }
    // Where the secrets are must be usable before anything starts: an engine that cannot
    // read them would wait for ever, looking unconfigured.
    let list = keychain::list(engine).await?;
    let missing: Vec<&str> = list.iter().filter(|s| !s.set).map(|s| s.name).collect();
    if !missing.is_empty() {
        tracing::warn!(
            "not set yet: {} (`hirewire secret set NAME`): what needs them is refused or fails until they are",
            missing.join(", ")
        );
    }
    if let Ok(place) = engine.secrets().place() {
        tracing::info!("secrets are kept in {place}");
    }
    Ok(())
}

async fn connect(engine: &Engine, code: &str) -> Result<(), Failure> {
    let item = relay::connect(engine, code).await?;
    println!("{}", item.message);
    println!("Paste these webhook URLs into Lever (Settings → Integrations and API → Webhooks):");
    let hooks = relay::webhooks(engine).await?;
    for hook in &hooks {
        println!("  {:<32} {}", hook.event, hook.url);
    }
    if let Some(why) = hooks.iter().find_map(|h| h.warning.as_ref()) {
        println!("warning: {why}");
    }
    Ok(())
}

async fn secret(engine: &Engine, cmd: SecretCmd) -> Result<(), Failure> {
    match cmd {
        SecretCmd::Set { name } => {
            let value = if std::io::stdin().is_terminal() {
                rpassword::prompt_password(format!("{name}: "))
                    .map_err(|e| Failure::Other(e.to_string()))?
            } else {
                read_stdin("the value")?
            };
            keychain::set(engine, &name, &value).await?;
            eprintln!("{name} is set");
            Ok(())
        }
        SecretCmd::Delete { name } => Ok(keychain::delete(engine, &name).await?),
        SecretCmd::List => {
            if let Ok(place) = engine.secrets().place() {
                eprintln!("secrets are kept in {place}");
            }
            for s in keychain::list(engine).await? {
                println!("{:<40} {}", s.name, if s.set { "set" } else { "not set" });
            }
            Ok(())
        }
    }
}

/// A file's text, or stdin's for `-`.
fn read_input(file: &PathBuf) -> Result<String, Failure> {
    if file.as_os_str() == "-" {
        return read_stdin("the settings");
    }
    std::fs::read_to_string(file)
        .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))
}

async fn run_check(engine: &Engine) -> Result<(), Failure> {
    let items = check::run(engine).await;
    for i in &items {
        println!(
            "{} {:<10} {}",
            if i.ok { "ok  " } else { "MISS" },
            i.area,
            i.message
        );
    }
    match items.iter().filter(|i| !i.ok).count() {
        0 => Ok(()),
        n => Err(Failure::Other(format!("{n} check(s) failed"))),
    }
}

async fn show_history(
    engine: &Engine,
    json: bool,
    (status, source): (Option<String>, Option<String>),
    limit: usize,
    search: Option<String>,
) -> Result<(), Failure> {
    let mut filter = Filter {
        limit,
        search: search.unwrap_or_default(),
        ..Default::default()
    };
    let filtered = status.is_some() || source.is_some() || !filter.search.is_empty();
    if let Some(s) = status {
        let st = Status::parse(&s).ok_or_else(|| Failure::Usage(format!("unknown status {s:?}: use done, skipped, failed, waiting, retrying, rejected or running")))?;
        filter.statuses = vec![st];
    }
    if let Some(s) = source {
        let src = Source::parse(&s).ok_or_else(|| {
            Failure::Usage(format!(
                "unknown source {s:?}: use webhook, reconcile or retry"
            ))
        })?;
        filter.sources = vec![src];
    }
    let rows = history::read::with_details(engine, filter).await?;
    if rows.is_empty() && !json {
        println!(
            "{}",
            if filtered {
                "No entry matches."
            } else {
                "The history is empty: no event has reached Hirewire yet."
            }
        );
    }
    for (detail, e) in rows {
        if json {
            println!("{}", history_json(&e, &detail));
        } else {
            println!("{}", history_line(&e));
        }
    }
    Ok(())
}

/// One history entry as a line of `hirewire history`.
fn history_line(e: &Entry) -> String {
    format!(
        "{:>6}  {}  {:<8}  {:<10}  {:<9}  {:<22}  {:<24}  {}",
        e.id,
        time::rfc3339(e.received_at).get(..19).unwrap_or_default(),
        e.status.as_str(),
        e.flow.as_str(),
        e.source.as_str(),
        e.event,
        e.candidate.as_deref().unwrap_or("-"),
        e.reason.as_deref().unwrap_or("")
    )
}

async fn approve(
    engine: &Engine,
    id: u64,
    employee: Option<PathBuf>,
    wait: std::time::Duration,
) -> Result<(), Failure> {
    let edited = match employee {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", path.display())))?;
            Some(
                serde_json::from_str(&text)
                    .map_err(|e| Failure::Usage(format!("{} is not JSON: {e}", path.display())))?,
            )
        }
        None => None,
    };
    super::team::act(engine, Action::Approve, id, edited, wait).await
}

/// `hirewire mappings suggest [--apply]`: the key comes from stdin and stays in memory.
async fn mappings_suggest(engine: &Engine, apply: bool) -> Result<(), Failure> {
    let s = mappings::suggest(engine, input::setup_key()?).await?;
    print!("{}", s.proposed.to_toml());
    println!(
        "\n# Lever stages: {}",
        s.stages
            .iter()
            .map(|st| format!("{} = {:?}", st.id, st.text))
            .collect::<Vec<_>>()
            .join(", ")
    );
    println!(
        "# Lever tags: {}",
        s.tags
            .iter()
            .map(|t| format!("{:?}", t.text))
            .collect::<Vec<_>>()
            .join(", ")
    );
    for r in &s.unmapped_reasons {
        println!("# no suggestion for the archive reason {r:?}: map it by hand");
    }
    if apply {
        config::save(engine, s.proposed.clone()).await?;
        eprintln!("mappings saved");
    }
    eprintln!(
        "The setup key was used in memory only and was not stored: you can now delete it in Lever."
    );
    Ok(())
}
