//! Each subcommand as a thin adapter over an engine call.

use std::io::{IsTerminal, Read};
use std::path::PathBuf;

use hirewire_relay::protocol::{endpoints, ConnectCode};

use super::{Command, ConfigCmd, Failure, MappingsCmd, SecretCmd};
use crate::engine::history::{self, Filter};
use crate::engine::model::{history_json, Status};
use crate::engine::secrets::Secret;
use crate::engine::secrets::{SecretError, RELAY_SECRET};
use crate::engine::settings::Settings;
use crate::engine::store::{RelayConn, StoreError};
use crate::engine::{check, mappings, time, Engine};

fn usage(e: StoreError) -> Failure {
    match e {
        StoreError::NotFound(m) | StoreError::Refused(m) => Failure::Usage(m),
        other => Failure::Other(other.to_string()),
    }
}

fn secret_failure(e: SecretError) -> Failure {
    match e {
        SecretError::UnknownName(_) | SecretError::Empty(_) => Failure::Usage(e.to_string()),
        other => Failure::Other(other.to_string()),
    }
}

/// Runs one subcommand.
pub async fn run(data: Option<PathBuf>, profile: String, command: Command) -> Result<(), Failure> {
    #[cfg(feature = "demo")]
    if let Command::Demo = command {
        return demo(data).await;
    }
    let engine = Engine::open(data.as_deref(), &profile)?;
    match command {
        Command::Run => run_engine(engine).await,
        Command::Connect { code } => connect(&engine, &code).await,
        Command::Secret(cmd) => secret(&engine, cmd).await,
        Command::Config(ConfigCmd::Import { file }) => import(&engine, file).await,
        Command::Config(ConfigCmd::Export) => {
            let s = engine.store.read_async(|rx| rx.settings()).await?;
            print!("{}", s.to_toml());
            Ok(())
        }
        Command::History {
            json,
            status,
            limit,
            search,
        } => show_history(&engine, json, status, limit, search).await,
        Command::Retry { id } => {
            history::retry(&engine, id).await.map_err(usage)?;
            eprintln!("entry {id} will run again (the running engine picks it up)");
            Ok(())
        }
        Command::Approve { id, employee } => approve(&engine, id, employee).await,
        Command::Mappings(MappingsCmd::Suggest { apply }) => mappings_suggest(&engine, apply).await,
        #[cfg(feature = "demo")]
        Command::Demo => Ok(()),
        Command::Check => {
            let items = check::run(&engine).await;
            for i in &items {
                println!(
                    "{} {:<10} {}",
                    if i.ok { "ok  " } else { "MISS" },
                    i.area,
                    i.message
                );
            }
            if items.iter().all(|i| i.ok) {
                Ok(())
            } else {
                Err(Failure::Other(format!(
                    "{} check(s) failed",
                    items.iter().filter(|i| !i.ok).count()
                )))
            }
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
    let _lock = engine.lock_run().map_err(Failure::Usage)?;
    tracing::info!(profile = %engine.profile, dir = %engine.dir.display(), "engine starting");
    engine.run(shutdown_signal()).await;
    Ok(())
}

/// Resolves on SIGINT or SIGTERM.
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

async fn connect(engine: &Engine, code: &str) -> Result<(), Failure> {
    let code = ConnectCode::decode(code).map_err(|e| Failure::Usage(e.to_string()))?;
    let secrets = engine.secrets.clone();
    let secret = code.secret.clone();
    tokio::task::spawn_blocking(move || secrets.set(RELAY_SECRET, &secret))
        .await?
        .map_err(secret_failure)?;
    let conn = RelayConn {
        url: code.url.trim_end_matches('/').to_string(),
        channel: code.channel.clone(),
    };
    engine
        .store
        .write_async(move |tx| tx.put_relay_conn(&conn))
        .await?;
    let relay = check::run_relay(engine).await;
    println!("{}", relay.message);
    println!("Paste these webhook URLs into Lever (Settings → Integrations and API → Webhooks):");
    for (event, ep) in [
        ("Candidate Hired", endpoints::CANDIDATE_HIRED),
        ("Candidate Stage Change", endpoints::STAGE_CHANGE),
        ("Candidate Archive State Change", endpoints::ARCHIVE_CHANGE),
    ] {
        println!("  {event:<32} {}", code.hook_url(ep));
    }
    Ok(())
}

async fn secret(engine: &Engine, cmd: SecretCmd) -> Result<(), Failure> {
    let secrets = engine.secrets.clone();
    match cmd {
        SecretCmd::Set { name } => {
            let value = if std::io::stdin().is_terminal() {
                rpassword::prompt_password(format!("{name}: "))
                    .map_err(|e| Failure::Other(e.to_string()))?
            } else {
                let mut v = String::new();
                std::io::stdin().read_to_string(&mut v).map_err(|e| {
                    Failure::Usage(format!("cannot read the value from stdin: {e}"))
                })?;
                v
            };
            let n = name.clone();
            tokio::task::spawn_blocking(move || secrets.set(&n, &value))
                .await?
                .map_err(secret_failure)?;
            eprintln!("{name} is set");
            Ok(())
        }
        SecretCmd::Delete { name } => tokio::task::spawn_blocking(move || secrets.delete(&name))
            .await?
            .map_err(secret_failure),
        SecretCmd::List => {
            let list = tokio::task::spawn_blocking(move || secrets.list())
                .await?
                .map_err(secret_failure)?;
            for (name, set) in list {
                println!("{name:<40} {}", if set { "set" } else { "not set" });
            }
            Ok(())
        }
    }
}

async fn import(engine: &Engine, file: PathBuf) -> Result<(), Failure> {
    let text = if file.as_os_str() == "-" {
        let mut t = String::new();
        std::io::stdin()
            .read_to_string(&mut t)
            .map_err(|e| Failure::Usage(e.to_string()))?;
        t
    } else {
        std::fs::read_to_string(&file)
            .map_err(|e| Failure::Usage(format!("cannot read {}: {e}", file.display())))?
    };
    let settings = Settings::from_toml(&text).map_err(|e| Failure::Usage(e.0))?;
    engine
        .store
        .write_async(move |tx| tx.put_settings(&settings))
        .await?;
    eprintln!("settings imported");
    Ok(())
}

async fn show_history(
    engine: &Engine,
    json: bool,
    status: Option<String>,
    limit: usize,
    search: Option<String>,
) -> Result<(), Failure> {
    let mut filter = Filter {
        limit,
        search: search.unwrap_or_default(),
        ..Default::default()
    };
    if let Some(s) = status {
        let st = Status::parse(&s).ok_or_else(|| Failure::Usage(format!("unknown status {s:?}: use done, skipped, failed, waiting, retrying, rejected or running")))?;
        filter.statuses = vec![st];
    }
    let rows = engine
        .store
        .read_async(move |rx| {
            let page = history::list(rx, &filter)?;
            page.entries
                .into_iter()
                .map(|e| Ok((rx.detail(e.id)?.unwrap_or_default(), e)))
                .collect::<Result<Vec<_>, StoreError>>()
        })
        .await?;
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
fn history_line(e: &crate::engine::model::Entry) -> String {
    format!(
        "{:>6}  {}  {:<8}  {:<10}  {:<22}  {:<24}  {}",
        e.id,
        &time::rfc3339(e.received_at)[..19],
        e.status.as_str(),
        format!("{:?}", e.flow).to_lowercase(),
        e.event,
        e.candidate.as_deref().unwrap_or("-"),
        e.reason.as_deref().unwrap_or("")
    )
}

async fn approve(engine: &Engine, id: u64, employee: Option<PathBuf>) -> Result<(), Failure> {
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
    history::approve(engine, id, edited).await.map_err(usage)?;
    eprintln!("entry {id} approved: the employee will be created");
    Ok(())
}

#[cfg(feature = "demo")]
async fn demo(data: Option<PathBuf>) -> Result<(), Failure> {
    init_logs();
    let demo = crate::demo::Demo::start_in(data)
        .await
        .map_err(|e| Failure::Other(format!("{e:#}")))?;
    let _lock = demo.engine.lock_run().map_err(Failure::Usage)?;
    tracing::info!(dir = %demo.engine.dir.display(), "demo starting: sample events follow");
    println!("Hirewire demo: fake Lever, bob and Byteboard on this machine; Ctrl-C ends it.");
    println!("Each history entry is printed as it changes (the window shows the same):");
    tokio::spawn(print_changes(demo.engine.clone()));
    demo.play();
    demo.engine.run(shutdown_signal()).await;
    Ok(())
}

/// Prints each entry whenever its status changes, like `hirewire history` lines.
#[cfg(feature = "demo")]
async fn print_changes(engine: Engine) {
    let mut events = engine.events.subscribe();
    let mut shown: std::collections::HashMap<u64, crate::engine::model::Status> =
        Default::default();
    loop {
        let id = match events.recv().await {
            Ok(crate::engine::EngineEvent::Entry { id }) => id,
            Ok(_) | Err(tokio::sync::broadcast::error::RecvError::Lagged(_)) => continue,
            Err(_) => return,
        };
        let Ok(Some(entry)) = engine.store.read_async(move |rx| rx.entry(id)).await else {
            continue;
        };
        if shown.insert(id, entry.status) != Some(entry.status) {
            println!("{}", history_line(&entry));
        }
    }
}

/// `hirewire mappings suggest [--apply]`: the key comes from stdin and stays in memory.
pub(super) async fn mappings_suggest(engine: &Engine, apply: bool) -> Result<(), Failure> {
    use std::io::{IsTerminal, Read};
    let key = if std::io::stdin().is_terminal() {
        rpassword::prompt_password("Lever setup key: ")
            .map_err(|e| Failure::Other(e.to_string()))?
    } else {
        let mut k = String::new();
        std::io::stdin()
            .read_to_string(&mut k)
            .map_err(|e| Failure::Usage(format!("cannot read the setup key from stdin: {e}")))?;
        k
    };
    let key = key.trim().to_string();
    if key.is_empty() {
        return Err(Failure::Usage("give the Lever setup key on stdin".into()));
    }
    let s = mappings::suggest(engine, Secret::new(key))
        .await
        .map_err(|e| Failure::Other(e.to_string()))?;
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
        s.proposed
            .validate()
            .map_err(|e| Failure::Usage(format!("cannot apply: {}", e.0)))?;
        let proposed = s.proposed.clone();
        engine
            .store
            .write_async(move |tx| tx.put_settings(&proposed))
            .await
            .map_err(|e| Failure::Other(e.to_string()))?;
        eprintln!("mappings saved");
    }
    eprintln!(
        "The setup key was used in memory only and was not stored: you can now delete it in Lever."
    );
    Ok(())
}
