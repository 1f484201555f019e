//! The `hirewire` command line. Every subcommand runs the same engine as the window, so the
//! app can be scripted, tested from outside, and run where there is no display.
//! Exit status: 0 success, 2 bad usage or bad input (one-line reason), 1 other failure.

mod backup;
mod commands;
#[cfg(feature = "demo")]
mod demo;
mod input;
mod privacy;
mod reconcile;
mod signal;
mod team;
mod webhooks;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::engine::flows::FlowError;
use crate::engine::history::actions::ActionError;
use crate::engine::privacy::erase::EraseError;
use crate::engine::reconcile::ReconcileError;
use crate::engine::setup::SetupError;
use crate::engine::store::StoreError;
use crate::engine::LockError;

/// Hirewire: Lever → bob and assessments, from your own machine.
#[derive(Debug, Parser)]
#[command(name = "hirewire", version, about)]
pub struct Cli {
    /// Data directory (default: the platform's app-data folder).
    #[arg(long, global = true, env = "HIREWIRE_DATA")]
    pub data: Option<PathBuf>,
    /// Profile: two profiles never share secrets or data.
    #[arg(
        long,
        global = true,
        env = "HIREWIRE_PROFILE",
        default_value = "default"
    )]
    pub profile: String,
    /// Keep this profile's secrets in an encrypted file in its data directory, under a key
    /// derived from this file (at least 32 random bytes), instead of the OS keychain: for a
    /// server without a desktop session. Also systemd's credential hirewire-secrets-key.
    #[arg(long, global = true, env = "HIREWIRE_SECRETS_KEY_FILE")]
    pub secrets_key_file: Option<PathBuf>,
    /// What to do (nothing: open the window).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the engine without a window until SIGINT/SIGTERM; logs to stderr.
    Run,
    /// Store the relay connection from the code `hirewire-relay channel add` printed.
    Connect {
        /// The connection code (hwr1:…).
        code: String,
    },
    /// The Lever webhooks to set up; with --create, make them in Lever with a setup key
    /// (read from stdin, never stored) and keep their signing tokens.
    Webhooks {
        /// Create the missing ones through Lever's API.
        #[arg(long)]
        create: bool,
    },
    /// Keychain secrets: set (value from stdin) or list (names only).
    #[command(subcommand)]
    Secret(SecretCmd),
    /// Settings and mappings as TOML (never secrets).
    #[command(subcommand)]
    Config(ConfigCmd),
    /// The sync history.
    History {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
        /// Only this status (done, skipped, failed, waiting, retrying, rejected, running).
        #[arg(long)]
        status: Option<String>,
        /// Most entries, newest first.
        #[arg(long, default_value_t = 50)]
        limit: usize,
        /// Only entries whose candidate, opportunity or event contains this.
        #[arg(long)]
        search: Option<String>,
        /// Only entries found this way (webhook, reconcile, retry).
        #[arg(long)]
        source: Option<String>,
    },
    /// Catch up with Lever: find hires, invites and outcomes the webhooks never brought,
    /// and offers changed after the hire; queue what is missing (the running engine does it).
    Reconcile {
        /// Compare from this date (YYYY-MM-DD, UTC) instead of where the last catch-up ended.
        #[arg(long)]
        since: Option<String>,
        /// Only say what would be done; write nothing anywhere.
        #[arg(long)]
        dry_run: bool,
        /// Also apply score rules to results graded before their rule existed (preview
        /// with --dry-run).
        #[arg(long)]
        apply_rules: bool,
        /// The report as one JSON object.
        #[arg(long)]
        json: bool,
        /// On a team's seat (which asks the engine to catch up): how long to wait for the
        /// engine's answer (e.g. 2m).
        #[arg(long, default_value = "2m", value_parser = humantime::parse_duration)]
        wait: std::time::Duration,
    },
    /// Run a failed history entry's job again.
    Retry {
        /// The entry id (the number `hirewire history` shows first).
        #[arg(value_parser = entry_id)]
        id: u64,
        /// On a team's seat: how long to wait for the engine's answer (e.g. 30s, 5m).
        #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
        wait: std::time::Duration,
    },
    /// Let a hire that waits for review go on.
    Approve {
        /// The entry id (the number `hirewire history` shows first).
        #[arg(value_parser = entry_id)]
        id: u64,
        /// A JSON file with the edited employee to create instead of the proposal.
        #[arg(long)]
        employee: Option<PathBuf>,
        /// On a team's seat: how long to wait for the engine's answer (e.g. 30s, 5m).
        #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
        wait: std::time::Duration,
    },
    /// Answer "no" to what a waiting entry asks (e.g. "the files are in bob already").
    Dismiss {
        /// The entry id (the number `hirewire history` shows first).
        #[arg(value_parser = entry_id)]
        id: u64,
        /// On a team's seat: how long to wait for the engine's answer (e.g. 30s, 5m).
        #[arg(long, default_value = "30s", value_parser = humantime::parse_duration)]
        wait: std::time::Duration,
    },
    /// The team: invite a device, join one, list or remove members (see docs/team.md).
    #[command(subcommand)]
    Team(TeamCmd),
    /// What Hirewire holds about one candidate (by email): printed, as JSON, or erased.
    Person {
        /// The candidate's email.
        email: String,
        /// Everything, as one JSON document.
        #[arg(long)]
        json: bool,
        /// Remove it all from Hirewire (bob and the partner are not touched).
        #[arg(long)]
        erase: bool,
        /// Do not ask before erasing.
        #[arg(long)]
        yes: bool,
    },
    /// Remove personal data from history older than DAYS, and compact the database.
    Purge {
        /// Entries received more than this many days ago lose their personal fields.
        #[arg(long, value_name = "DAYS")]
        older_than: Option<u64>,
        /// Compact the database file (after purges, with the app closed if it is busy).
        #[arg(long)]
        compact: bool,
    },
    /// Mapping suggestions from a Lever setup key read from stdin (held in memory only).
    #[command(subcommand)]
    Mappings(MappingsCmd),
    /// Try every configured connection and Lever permission; print what is missing.
    Check,
    /// Write one encrypted archive of this profile (settings, history, jobs, links, the
    /// inbox, relay cursors and secrets) under a passphrase read from stdin, or to keys.
    Backup {
        /// The archive to write (replaced atomically if it exists).
        file: PathBuf,
        /// Seal it to this age public key (age1…) instead of a passphrase; repeatable.
        #[arg(long, value_name = "AGE_PUBLIC_KEY")]
        recipient: Vec<String>,
        /// Read the passphrase from this file's first line instead of stdin.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Bring an archive of `hirewire backup` into this profile, which must be empty; its
    /// secrets go to the keychain, or to the secrets file when a secrets key is given.
    Restore {
        /// The archive.
        file: PathBuf,
        /// The age identity file (AGE-SECRET-KEY-1…) of an archive sealed to a key.
        #[arg(long, value_name = "FILE")]
        identity: Option<PathBuf>,
        /// Read the passphrase from this file's first line instead of stdin.
        #[arg(long, value_name = "FILE")]
        passphrase_file: Option<PathBuf>,
    },
    /// Run the embedded demo without a window: a local relay, fake Lever, bob and partner,
    /// and sample events (data under --data, else a temporary folder).
    #[cfg(feature = "demo")]
    Demo,
}

/// `secret …`
#[derive(Debug, Subcommand)]
pub enum SecretCmd {
    /// Read a value from stdin (no echo on a terminal) into the keychain.
    Set {
        /// The secret's name (see `secret list`).
        name: String,
    },
    /// Names and whether each is set; never values.
    List,
    /// Remove a secret from the keychain.
    Delete {
        /// The secret's name.
        name: String,
    },
}

/// `team …`
#[derive(Debug, Subcommand)]
pub enum TeamCmd {
    /// On the owner's profile: print a one-time code for a new device (the running engine
    /// completes the pairing when the device joins).
    Invite {
        /// The device's name in the team (e.g. the recruiter's first name).
        #[arg(long)]
        name: String,
        /// member (see, Approve, Dismiss, Retry, Catch up) or viewer (see only).
        #[arg(long, default_value = "member")]
        role: String,
        /// How long the code works (e.g. 24h, 30m; at most 7 days).
        #[arg(long, default_value = "24h", value_parser = humantime::parse_duration)]
        expires: std::time::Duration,
        /// The owner's name, shown on seats ("the engine on Ana's device"); asked once,
        /// when the team starts.
        #[arg(long, env = "HIREWIRE_TEAM_OWNER")]
        owner: Option<String>,
    },
    /// On a new device: join the team of CODE; exits 0 once this device is a member.
    Join {
        /// The code `team invite` printed (hwt1-…).
        code: String,
        /// This device's name in the team (default: the name the owner invited it with).
        #[arg(long)]
        name: Option<String>,
        /// How long to wait for the owner's engine.
        #[arg(long, default_value = "2m", value_parser = humantime::parse_duration)]
        wait: std::time::Duration,
    },
    /// Each device, its role and when it was last seen.
    List {
        /// One JSON object per line.
        #[arg(long)]
        json: bool,
    },
    /// On the owner's profile: remove a device; it can read nothing written after.
    Remove {
        /// Its name, as `team list` shows it.
        name: String,
    },
}

/// `config …`
#[derive(Debug, Subcommand)]
pub enum ConfigCmd {
    /// Replace settings and mappings with a TOML file (`-` for stdin). A file that leaves
    /// out a section set now is refused, naming it, unless --replace.
    Import {
        /// The file.
        file: PathBuf,
        /// Sections the file leaves out go back to their defaults.
        #[arg(long)]
        replace: bool,
    },
    /// Print settings and mappings as TOML.
    Export,
}

/// `mappings …`
#[derive(Debug, Subcommand)]
pub enum MappingsCmd {
    /// Load stages, archive reasons, tags and the partner's tests and propose mappings.
    Suggest {
        /// Save the proposal.
        #[arg(long)]
        apply: bool,
    },
}

/// An entry number, or a sentence that says what it should be.
fn entry_id(text: &str) -> Result<u64, String> {
    text.trim().parse::<u64>().map_err(|_| {
        format!("{text:?} is not an entry number: use the number in the first column of `hirewire history`")
    })
}

/// A command's failure: bad input (exit 2) or anything else (exit 1).
#[derive(Debug)]
pub enum Failure {
    /// Bad usage or input.
    Usage(String),
    /// Anything else.
    Other(String),
}

impl Failure {
    /// A failure that is the user's input when `usage`, else Hirewire's or a vendor's.
    fn of(usage: bool, e: &dyn std::fmt::Display) -> Failure {
        if usage {
            Failure::Usage(e.to_string())
        } else {
            Failure::Other(e.to_string())
        }
    }
}

impl From<SetupError> for Failure {
    fn from(e: SetupError) -> Self {
        Failure::of(e.is_usage(), &e)
    }
}

impl From<ActionError> for Failure {
    fn from(e: ActionError) -> Self {
        Failure::of(e.is_usage(), &e)
    }
}

impl From<EraseError> for Failure {
    fn from(e: EraseError) -> Self {
        Failure::of(e.is_usage(), &e)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure::Other(e.to_string())
    }
}

impl From<FlowError> for Failure {
    fn from(e: FlowError) -> Self {
        Failure::Other(e.to_string())
    }
}

impl From<ReconcileError> for Failure {
    fn from(e: ReconcileError) -> Self {
        let usage = matches!(
            e,
            ReconcileError::NotSetUp
                | ReconcileError::FirstRun(_)
                | ReconcileError::BadSince(_)
                | ReconcileError::Busy
                | ReconcileError::Secret(_)
        );
        Failure::of(usage, &e)
    }
}

impl From<crate::engine::team::TeamError> for Failure {
    fn from(e: crate::engine::team::TeamError) -> Self {
        Failure::of(e.is_usage(), &e)
    }
}

impl From<LockError> for Failure {
    fn from(e: LockError) -> Self {
        Failure::Usage(e.to_string())
    }
}

/// Why the window cannot open here, if it cannot: on Linux the window needs a graphical
/// session, and GTK would otherwise abort with a backtrace.
#[cfg(feature = "desktop")]
fn no_display() -> Option<&'static str> {
    let linux = cfg!(target_os = "linux");
    let display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|x| !x.is_empty()));
    (linux && !display).then_some(
        "no display to open the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): on a server run the engine with `hirewire run`, or see the demo in the terminal with `hirewire demo`",
    )
}

/// Parses arguments and runs; returns the process exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let Some(command) = cli.command else {
        #[cfg(feature = "desktop")]
        {
            if let Some(why) = no_display() {
                eprintln!("hirewire: {why}");
                return ExitCode::from(2);
            }
            crate::desktop::before_webkit();
            commands::init_logs();
            return crate::desktop::run(cli.data, cli.profile);
        }
        #[cfg(not(feature = "desktop"))]
        {
            eprintln!("hirewire: this build has no window; use a subcommand such as `hirewire run` (see --help)");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("hirewire: cannot start: {e}");
            return ExitCode::from(1);
        }
    };
    let key_file = cli.secrets_key_file;
    match runtime.block_on(commands::run(cli.data, cli.profile, key_file, command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Usage(msg)) => {
            eprintln!("hirewire: {msg}");
            ExitCode::from(2)
        }
        Err(Failure::Other(msg)) => {
            eprintln!("hirewire: {msg}");
            ExitCode::from(1)
        }
    }
}
