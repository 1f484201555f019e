//! The engine of one profile: its shared parts ([`Inner`]), how it is opened, run and
//! locked, and the secret lookups every part uses. The crate root re-exports it; every
//! module names it as `crate::Engine`, the handle each layer is given.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::{broadcast, Notify};

use crate::clients::{self, http::Bucket};
use crate::notify::{self, Notifier};
use crate::secrets::{self, Secrets};
use crate::store::{self, Store};
use crate::{flows, intake, jobs, model, privacy, reconcile, supervise, team};

/// Something the UI (or a test) may want to know as it happens.
#[derive(Debug, Clone, PartialEq, serde::Serialize, ts_rs::TS)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum EngineEvent {
    /// An entry was created or changed.
    Entry {
        /// Its id.
        id: u64,
    },
    /// The relay connection changed.
    Relay {
        /// Where the connection stands.
        state: model::RelayLink,
        /// Details (the last error), if any.
        detail: Option<String>,
    },
    /// A notification was shown.
    Notice(notify::Notice),
}

/// An event the window's shell sends to its web view, by name: the shell emits and the UI
/// listens by these names (generated into `ui/src/generated/facts.ts`), so that neither
/// side spells one by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WindowEvent {
    /// Carries each [`EngineEvent`] as it happens.
    Engine,
    /// Asks the window to show one history entry (a notification was clicked); carries its id.
    OpenEntry,
}

impl WindowEvent {
    /// Every event, in the order the UI's list shows them.
    pub const ALL: [WindowEvent; 2] = [WindowEvent::Engine, WindowEvent::OpenEntry];

    /// The name the shell emits and the web view listens for.
    pub const fn name(self) -> &'static str {
        match self {
            WindowEvent::Engine => "engine",
            WindowEvent::OpenEntry => "open-entry",
        }
    }
}

/// Why the engine of a profile cannot start.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another engine runs this profile.
    #[error("another Hirewire engine is already running for the profile {0:?} (the window or `hirewire run`); stop it first")]
    Taken(String),
    /// The lock file cannot be opened.
    #[error("cannot open the run lock: {0}")]
    Io(String),
}

/// The engine of one profile. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    inner: Arc<Inner>,
}

/// The engine's shared parts: the crate's layers reach them directly; the shells (the CLI,
/// the window, the tests' tools) through [`Engine`]'s methods.
pub struct Inner {
    /// The profile name.
    pub(crate) profile: String,
    /// The profile's data directory.
    pub(crate) dir: PathBuf,
    /// The database.
    pub(crate) store: Store,
    /// The keychain.
    pub(crate) secrets: Secrets,
    /// One HTTP client for every vendor.
    pub(crate) http: reqwest::Client,
    /// Lever's token bucket, shared by every job.
    pub(crate) lever_bucket: Bucket,
    /// Employee lookups in bob, batched under its search limit.
    pub(crate) bob_lookups: clients::bob_lookup::Lookups,
    /// Desktop notifications.
    pub(crate) notifier: Notifier,
    /// Wakes the intake when the inbox has something.
    pub(crate) inbox_ready: Notify,
    /// Wakes the job runner when a job is added or changes.
    pub(crate) jobs_ready: Notify,
    /// Live events for the UI.
    pub(crate) events: broadcast::Sender<EngineEvent>,
    /// The relay connection as last seen.
    pub(crate) relay_state: std::sync::Mutex<RelayState>,
}

/// The relay connection as the status bar shows it.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct RelayState {
    /// Where the connection stands (none before the first attempt).
    pub state: Option<model::RelayLink>,
    /// The last error.
    pub detail: Option<String>,
    /// Since when (ms).
    pub since: Option<u64>,
    /// Whether the long-offline notification was sent for this outage.
    #[serde(skip)]
    pub offline_notified: bool,
    /// Streams found stalled (open, events waiting, none delivered) since the engine
    /// started; each was reconnected.
    pub stalls: u64,
}

impl std::ops::Deref for Engine {
    type Target = Inner;
    fn deref(&self) -> &Inner {
        &self.inner
    }
}

/// Where a profile's data lives: `--data DIR` / `HIREWIRE_DATA`, else the platform's
/// app-data folder; each profile in its own subdirectory.
pub fn profile_dir(data: Option<&Path>, profile: &str) -> PathBuf {
    let base = data.map(Path::to_path_buf).unwrap_or_else(|| {
        dirs::data_dir()
            .unwrap_or_else(|| PathBuf::from("."))
            .join("hirewire")
    });
    base.join(profile)
}

impl Engine {
    /// Opens the profile's database (creating it) without starting anything. Secrets are
    /// in the keychain, or in the profile's encrypted file when a secrets key is found in
    /// the environment (see [`secrets::key`]).
    pub fn open(data: Option<&Path>, profile: &str) -> Result<Engine, store::StoreError> {
        Engine::open_keyed(data, profile, None)
    }

    /// [`Engine::open`] with the secrets key file given on the command line, if any.
    pub fn open_keyed(
        data: Option<&Path>,
        profile: &str,
        key_file: Option<&Path>,
    ) -> Result<Engine, store::StoreError> {
        let dir = profile_dir(data, profile);
        Engine::open_with(data, profile, Secrets::for_profile(profile, &dir, key_file))
    }

    /// [`Engine::open`] with these secrets (the demo's are in memory).
    pub fn open_with(
        data: Option<&Path>,
        profile: &str,
        secrets: Secrets,
    ) -> Result<Engine, store::StoreError> {
        let dir = profile_dir(data, profile);
        let store = Store::open(&dir)?;
        let (events, _) = broadcast::channel(1024);
        Ok(Engine {
            inner: Arc::new(Inner {
                profile: profile.to_string(),
                dir,
                store,
                secrets,
                http: clients::http::client(),
                lever_bucket: Bucket::new(
                    clients::lever::RATE_PER_SECOND,
                    clients::lever::RATE_BURST,
                ),
                bob_lookups: Default::default(),
                notifier: Notifier::new(events.clone()),
                inbox_ready: Notify::new(),
                jobs_ready: Notify::new(),
                events,
                relay_state: Default::default(),
            }),
        })
    }

    /// Runs the relay connection, the intake, the job runner and the assessment
    /// scheduler until `shutdown` resolves; a part that stops is started again. Stops
    /// everything, with the error, when the profile's file turns out to be damaged: no
    /// part runs on against a file that cannot be trusted.
    pub async fn run(
        &self,
        shutdown: impl std::future::Future<Output = ()>,
    ) -> Result<(), store::StoreError> {
        // A seat holds no vendor key and takes no webhook: it keeps its copy of the team
        // log current, and its copy's retention.
        if team::is_seat(self) {
            let parts = [
                supervise::start(self.clone(), "team", |e| Box::pin(team::run(e))),
                supervise::start(self.clone(), "retention", |e| {
                    Box::pin(privacy::retention::run(e))
                }),
            ];
            let outcome = tokio::select! {
                _ = shutdown => Ok(()),
                why = self.store.damaged() => Err(store::StoreError::Damaged(why)),
            };
            for part in parts {
                part.stop().await;
            }
            return outcome;
        }
        let parts = [
            supervise::start(self.clone(), "team", |e| Box::pin(team::run(e))),
            supervise::start(self.clone(), "relay connection", |e| {
                Box::pin(intake::connection::run(e))
            }),
            supervise::start(self.clone(), "intake", |e| Box::pin(intake::inbox::run(e))),
            supervise::start(self.clone(), "job runner", |e| Box::pin(jobs::run(e))),
            supervise::start(self.clone(), "assessment scheduler", |e| {
                Box::pin(flows::assessment::scheduler::poll_loop(e))
            }),
            supervise::start(self.clone(), "catch-up schedule", |e| {
                Box::pin(reconcile::schedule::run(e))
            }),
            supervise::start(self.clone(), "retention", |e| {
                Box::pin(privacy::retention::run(e))
            }),
        ];
        let outcome = tokio::select! {
            _ = shutdown => Ok(()),
            why = self.store.damaged() => Err(store::StoreError::Damaged(why)),
        };
        tracing::info!("stopping");
        for part in parts {
            part.stop().await;
        }
        outcome
    }

    /// Takes the profile's run lock: one engine per profile, or two would fight over the
    /// relay stream and could run the same job twice.
    pub fn lock_run(&self) -> Result<std::fs::File, LockError> {
        store::lock::try_lock(&self.dir.join("engine.lock"))
            .map_err(LockError::Io)?
            .ok_or_else(|| LockError::Taken(self.profile.clone()))
    }

    /// Tells listeners that an entry changed.
    pub fn entry_changed(&self, id: u64) {
        let _ = self.events.send(EngineEvent::Entry { id });
    }

    /// Wakes the job runner: a job was added or changed.
    pub fn wake_jobs(&self) {
        self.jobs_ready.notify_one();
    }

    /// Wakes the intake: the inbox has something.
    pub fn wake_inbox(&self) {
        self.inbox_ready.notify_one();
    }

    /// The engine's live events (entries changed, the relay's state, notices shown).
    pub fn subscribe(&self) -> broadcast::Receiver<EngineEvent> {
        self.events.subscribe()
    }

    /// The profile's name.
    pub fn profile(&self) -> &str {
        &self.profile
    }

    /// The profile's data directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The profile's database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The profile's secrets (keychain, or a server's encrypted file).
    pub fn secrets(&self) -> &Secrets {
        &self.secrets
    }

    /// Desktop notifications (the window sets what a click does).
    pub fn notifier(&self) -> &Notifier {
        &self.notifier
    }

    /// Secret lookup off the async runtime (the keychain is reached over D-Bus).
    pub async fn secret(&self, name: &str) -> Result<secrets::Secret, secrets::MissingSecret> {
        let secrets = self.secrets.clone();
        let name = name.to_string();
        tokio::task::spawn_blocking(move || secrets.require(&name))
            .await
            .map_err(|e| secrets::MissingSecret::Keychain(e.to_string()))?
    }

    /// Like [`Engine::secret`] but `None` when unset.
    pub async fn secret_opt(
        &self,
        name: &str,
    ) -> Result<Option<secrets::Secret>, secrets::MissingSecret> {
        match self.secret(name).await {
            Ok(s) => Ok(Some(s)),
            Err(secrets::MissingSecret::NotSet(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}
