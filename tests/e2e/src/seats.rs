//! Team mode's apps from outside: the owner's `team invite`, a device's `team join`, and a seat
//! held in this process (the engine's own library on an in-memory keychain) for the tests
//! that must send what no honest seat would: forged, replayed, old-epoch commands.

use std::time::Duration;

use hirewire_engine::store::StoreError;
use hirewire_engine::team::records::CommandResult;
use hirewire_engine::team::relay_api::{Caller, RelayApi};
use hirewire_engine::team::{self, Config};
use hirewire_engine::{keys, secrets, Engine};
use hirewire_team::{DeviceKeys, Epochs};

use crate::app::App;

/// `team invite` on the owner's profile: the code (the last line of its output).
pub fn invite(owner: &App, name: &str, role: &str, expires: &str) -> String {
    let out = owner.ok(
        &[
            "team",
            "invite",
            "--name",
            name,
            "--role",
            role,
            "--expires",
            expires,
            "--owner",
            "ana",
        ],
        "",
    );
    out.lines()
        .last()
        .map(str::trim)
        .unwrap_or_default()
        .to_string()
}

/// A seat inside the test process.
pub struct InProcessSeat {
    /// Its engine (seat side).
    pub engine: Engine,
    /// Its keys.
    pub device: DeviceKeys,
    /// Its team keys.
    pub epochs: Epochs,
    /// Its config.
    pub config: team::config::SeatConfig,
    _dir: tempfile::TempDir,
}

impl InProcessSeat {
    /// Joins with `code` as `name`.
    pub async fn join(code: &str, name: &str) -> InProcessSeat {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let profile = format!("inproc-{}", std::process::id());
        let engine = Engine::open_with(
            Some(dir.path()),
            &profile,
            secrets::Secrets::in_memory(&profile),
        )
        .unwrap_or_else(|e| panic!("open: {e}"));
        team::join::join(&engine, code, name, Duration::from_secs(60))
            .await
            .unwrap_or_else(|e| panic!("join: {e}"));
        let mut seat = InProcessSeat {
            device: DeviceKeys::generate(),
            epochs: Epochs::default(),
            config: match team::config(&engine) {
                Ok(Some(Config::Seat(c))) => c,
                other => panic!("not a seat: {other:?}"),
            },
            engine,
            _dir: dir,
        };
        seat.reload_keys().await;
        seat
    }

    /// Reads its keys again (after the log brought a new epoch).
    pub async fn reload_keys(&mut self) {
        let get = |name: &str| {
            self.engine
                .secrets()
                .get(name)
                .ok()
                .flatten()
                .unwrap_or_else(|| panic!("{name} is not set"))
        };
        self.device = DeviceKeys::from_secret(get(secrets::TEAM_DEVICE).expose())
            .unwrap_or_else(|e| panic!("{e}"));
        self.epochs = Epochs::from_secret(get(secrets::TEAM_EPOCHS).expose())
            .unwrap_or_else(|e| panic!("{e}"));
    }

    /// The relay's team endpoints as this seat.
    pub fn api(&self) -> RelayApi {
        RelayApi::new(
            reqwest::Client::new(),
            &self.config.relay_url,
            &self.config.channel,
            Caller::Seat {
                device: self.config.device.clone(),
                key: Box::new(self.device.signing_key().clone()),
            },
        )
    }

    /// Reads the log once (waiting up to `wait` when there is nothing new).
    pub async fn sync(&self, wait: Duration) {
        team::seat::sync_once(&self.engine, wait)
            .await
            .unwrap_or_else(|e| panic!("sync: {e}"));
    }

    /// The engine's answer to the command queued at `seq`, once it is in the log.
    pub async fn answer(&self, seq: u64, timeout: Duration) -> CommandResult {
        crate::wait::until(
            &format!("the engine's answer to command {seq}"),
            timeout,
            || async {
                self.sync(Duration::from_millis(500)).await;
                self.engine
                    .store()
                    .read(|rx| -> Result<Option<CommandResult>, StoreError> {
                        rx.team_get(&keys::team_result(&format!("seq:{seq}")))
                    })
                    .ok()
                    .flatten()
            },
        )
        .await
    }
}
