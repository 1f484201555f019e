//! The embedded demo: a local relay and the fake Lever, bob and assessment partner started
//! in this process, a `demo` profile wired to them, and a short stream of signed sample
//! events, so a newcomer sees every flow work within a minute. Nothing real is touched.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use hirewire_fakes::bob::FakeBob;
use hirewire_fakes::lever::{DemoIds, FakeLever};
use hirewire_fakes::partner::FakePartner;
use hirewire_fakes::webhook::{self, LeverEvent};
use hirewire_relay::admin::{client as relay_admin, Request};
use hirewire_relay::protocol::ConnectCode;
use tokio::sync::oneshot;

use crate::engine::keys::SETUP_DONE;
use crate::engine::secrets::{self, Secrets};
use crate::engine::settings::{Outcome, Settings};
use crate::engine::store::RelayConn;
use crate::engine::webhooks::LeverWebhook;
use crate::engine::{time, Engine};

/// The demo's keychain profile.
pub const PROFILE: &str = "demo";
/// The demo's second seat: another recruiter's app joined to the demo's team.
pub const SEAT_PROFILE: &str = "demo-seat";
/// Pause between sample events, so each can be watched arriving.
const PACE: Duration = Duration::from_millis(1500);

/// A running demo world.
pub struct Demo {
    /// The demo profile's engine (not yet running).
    pub engine: Engine,
    lever: std::sync::Arc<FakeLever>,
    _bob: FakeBob,
    _partner: FakePartner,
    ids: DemoIds,
    hooks: ConnectCode,
    tokens: Vec<(LeverWebhook, String)>,
    relay_stop: Option<oneshot::Sender<()>>,
    /// The sample events' task (it holds the fake Lever): stopped with the demo.
    player: std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
    /// The second seat, once it joined (see [`start_seat`]).
    seat: std::sync::Arc<std::sync::OnceLock<Engine>>,
    /// The seat's task keeping its copy current: stopped with the demo.
    seat_task: std::sync::Arc<std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>>,
    seat_dir: PathBuf,
    _tmp: Option<tempfile::TempDir>,
}

impl Demo {
    /// Starts the fakes and a relay, and configures the `demo` profile in `base` (default:
    /// a temporary directory removed on drop).
    pub async fn start_in(base: Option<PathBuf>) -> anyhow::Result<Demo> {
        let (tmp, base) = base_dir(base)?;
        let lever = FakeLever::start().await?;
        let ids = lever.seed_demo();
        let bob = FakeBob::start().await?;
        let (bob_user, bob_token) = bob.seed_demo();
        let partner = FakePartner::start().await?;
        let partner_key = partner.seed_demo();
        partner.set_auto_grade(Some(Duration::from_secs(5)));
        let (hooks, relay_stop) = start_relay(&base.join("relay")).await?;
        // The demo's fake keys stay in memory: nothing of it reaches the user's keychain.
        let engine = Engine::open_with(
            Some(&base.join("app")),
            PROFILE,
            Secrets::in_memory(PROFILE),
        )?;
        let tokens = signing_tokens();
        keep_secrets(
            &engine,
            &hooks,
            &ids,
            (bob_user, bob_token),
            partner_key,
            &tokens,
        )?;
        let settings = settings(&lever, &bob, &partner, &ids);
        let conn = RelayConn {
            url: hooks.url.clone(),
            channel: hooks.channel.clone(),
        };
        engine
            .store()
            .write_async(move |tx| {
                tx.put_settings(&settings)?;
                tx.put_relay_conn(&conn)?;
                tx.put_meta(SETUP_DONE, time::now_ms())
            })
            .await?;
        Ok(Demo {
            engine,
            lever: std::sync::Arc::new(lever),
            _bob: bob,
            _partner: partner,
            ids,
            hooks,
            tokens,
            relay_stop: Some(relay_stop),
            player: Default::default(),
            seat: Default::default(),
            seat_task: Default::default(),
            seat_dir: base.join("app"),
            _tmp: tmp,
        })
    }

    /// [`Demo::start_in`] a temporary directory.
    pub async fn start() -> anyhow::Result<Demo> {
        Demo::start_in(None).await
    }

    /// Sends the sample events, one every [`PACE`], in the background; the answer comes
    /// when the last was sent and the demo's catch-up ran.
    pub fn play(&self) -> oneshot::Receiver<()> {
        let (over, when_over) = oneshot::channel();
        let script = script(&self.ids);
        let hooks = self.hooks.clone();
        let tokens = self.tokens.clone();
        let (engine, lever, ids) = (self.engine.clone(), self.lever.clone(), self.ids.clone());
        let (seat, seat_dir, seat_task) = (
            self.seat.clone(),
            self.seat_dir.clone(),
            self.seat_task.clone(),
        );
        let task = tokio::spawn(async move {
            // A second recruiter's app joins the team first, and sees every entry below.
            join_seat(&engine, &seat_dir, &seat, &seat_task).await;
            let client = reqwest::Client::new();
            for event in script {
                tokio::time::sleep(PACE).await;
                send(&client, &hooks, &tokens, &lever, &ids, event).await;
            }
            tokio::time::sleep(PACE).await;
            catch_up(&engine, &lever, &ids).await;
            tracing::info!("the demo's sample events are over");
            let _ = over.send(());
        });
        if let Ok(mut p) = self.player.lock() {
            *p = Some(task);
        }
        when_over
    }

    /// The second seat, once it joined the demo's team.
    pub fn seat_slot(&self) -> std::sync::Arc<std::sync::OnceLock<Engine>> {
        self.seat.clone()
    }

    /// The fake Lever, for a look at the notes the demo wrote.
    pub fn lever(&self) -> &FakeLever {
        &self.lever
    }
}

impl Drop for Demo {
    /// Stops the relay; the fakes stop as they are dropped, and the temporary folder goes.
    fn drop(&mut self) {
        if let Some(task) = self.player.lock().ok().and_then(|mut p| p.take()) {
            task.abort();
        }
        if let Some(task) = self.seat_task.lock().ok().and_then(|mut p| p.take()) {
            task.abort();
        }
        if let Some(stop) = self.relay_stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The demo's directory: `base`, else a temporary one (held, so it is removed with the
/// demo).
fn base_dir(base: Option<PathBuf>) -> anyhow::Result<(Option<tempfile::TempDir>, PathBuf)> {
    Ok(match base {
        Some(b) => (None, b),
        None => {
            let t = tempfile::tempdir()?;
            let p = t.path().to_path_buf();
            (Some(t), p)
        }
    })
}

/// A signing token per Lever webhook, new for each demo.
fn signing_tokens() -> Vec<(LeverWebhook, String)> {
    LeverWebhook::ALL
        .iter()
        .map(|w| {
            (
                *w,
                format!("demo-signing-{}-{}", w.endpoint(), time::now_ms()),
            )
        })
        .collect()
}

/// Puts the demo's keys in the profile's secrets: the relay's, the fakes' and the
/// webhook signing tokens.
fn keep_secrets(
    engine: &Engine,
    hooks: &ConnectCode,
    ids: &DemoIds,
    (bob_user, bob_token): (String, String),
    partner_key: String,
    tokens: &[(LeverWebhook, String)],
) -> anyhow::Result<()> {
    let mut values = vec![
        (secrets::RELAY_SECRET.to_string(), hooks.secret.clone()),
        (secrets::LEVER_API_KEY.to_string(), ids.api_key.clone()),
        (secrets::BOB_SERVICE_USER.to_string(), bob_user),
        (secrets::BOB_TOKEN.to_string(), bob_token),
        (secrets::ASSESSMENT_API_KEY.to_string(), partner_key),
    ];
    values.extend(
        tokens
            .iter()
            .map(|(w, t)| (w.token_name().to_string(), t.clone())),
    );
    for (n, v) in &values {
        engine.secrets().set(n, v)?;
    }
    Ok(())
}

/// The sample events, in the order they are sent.
fn script(ids: &DemoIds) -> Vec<LeverEvent> {
    vec![
        LeverEvent::hired(&ids.ada),
        LeverEvent::stage_change(&ids.ada, &ids.stage_phone, &ids.stage_byteboard),
        LeverEvent::stage_change(&ids.grace, &ids.stage_phone, &ids.stage_byteboard),
        LeverEvent::stage_change(&ids.alan, &ids.stage_phone, &ids.stage_byteboard),
        LeverEvent::archive_change(&ids.grace, &ids.reason_not_a_fit),
        LeverEvent::archive_change(&ids.alan, &ids.reason_unmapped),
        // Ada's score (87) passes the demo's score rule, which moves her to Onsite in
        // Lever; this is Lever's webhook for that move, the next step for the partner.
        LeverEvent::stage_change(&ids.ada, &ids.stage_byteboard, &ids.stage_onsite),
    ]
}

/// Joins the second seat to the demo's team and starts its task (kept in `seat_task`, so
/// the demo stops it); a seat that cannot join is logged and the demo goes on without it.
async fn join_seat(
    engine: &Engine,
    seat_dir: &std::path::Path,
    seat: &std::sync::OnceLock<Engine>,
    seat_task: &std::sync::Mutex<Option<tokio::task::JoinHandle<()>>>,
) {
    match start_seat(engine, seat_dir).await {
        Ok(s) => {
            let running = tokio::spawn(crate::engine::team::run(s.clone()));
            if let Ok(mut t) = seat_task.lock() {
                *t = Some(running);
            }
            let _ = seat.set(s);
        }
        Err(e) => tracing::warn!("the demo's second seat did not join: {e:#}"),
    }
}

/// Sends one sample event to the relay, signed with its webhook's token.
async fn send(
    client: &reqwest::Client,
    hooks: &ConnectCode,
    tokens: &[(LeverWebhook, String)],
    lever: &FakeLever,
    ids: &DemoIds,
    event: LeverEvent,
) {
    // A move into the assessment stage happened in Lever before its webhook:
    // the score rule later finds the candidate there.
    if event.data["toStageId"] == ids.stage_byteboard.as_str() {
        if let Some(opp) = event.data["opportunityId"].as_str() {
            lever.set_stage(opp, &ids.stage_byteboard);
        }
    }
    let Some(hook) = LeverWebhook::from_event(&event.event) else {
        tracing::warn!("demo event {} has no webhook", event.event);
        return;
    };
    let token = tokens
        .iter()
        .find(|(w, _)| *w == hook)
        .map(|(_, t)| t.clone())
        .unwrap_or_default();
    if let Err(e) =
        webhook::post(client, &hooks.hook_url(hook.endpoint()), event.body(&token)).await
    {
        tracing::warn!("demo event not sent: {e}");
    }
}

/// The demo's last scene: Katherine was hired in Lever, but her webhook never came (as if
/// it were switched off); a catch-up finds her, her hire goes to bob, and the health banner
/// names the webhook to check.
async fn catch_up(engine: &Engine, lever: &FakeLever, ids: &DemoIds) {
    use hirewire_fakes::lever::{Offer, OfferField, Opportunity};
    let opp = "opp-katherine";
    lever.add_opportunity(Opportunity {
        id: opp.into(),
        name: "Katherine Johnson".into(),
        emails: vec!["katherine@example.com".into()],
        location: "Hampton".into(),
        stage: ids.stage_offer.clone(),
        posting: Some(ids.posting_swe.clone()),
        ..Default::default()
    });
    let start = lever
        .offer_date_field(
            "Anticipated start date",
            "anticipated_start_date",
            "2027-02-01",
        )
        .ok();
    lever.add_offer(
        opp,
        Offer {
            id: "offer-katherine".into(),
            status: "signed".into(),
            fields: start.into_iter().collect::<Vec<OfferField>>(),
            ..Default::default()
        },
    );
    lever.archive(opp, &ids.reason_hired);
    let since = time::now_ms().saturating_sub(24 * 3600 * 1000);
    let opts = crate::engine::reconcile::Options {
        since_ms: Some(since),
        dry_run: false,
        apply_rules: false,
    };
    match crate::engine::reconcile::run(engine, opts).await {
        Ok(r) => tracing::info!("demo catch-up: {}", r.summary()),
        Err(e) => tracing::warn!("demo catch-up failed: {e}"),
    }
}

/// Starts a relay on a free loopback port with one channel; returns its connection code.
async fn start_relay(dir: &std::path::Path) -> anyhow::Result<(ConnectCode, oneshot::Sender<()>)> {
    let listener = std::net::TcpListener::bind("127.0.0.1:0")?;
    listener.set_nonblocking(true)?;
    let url = format!("http://{}", listener.local_addr()?);
    let add = Request::Add {
        name: "demo".into(),
        public_url: Some(url.clone()),
    };
    let printed = relay_admin::run(dir, None, &add).map_err(anyhow::Error::msg)?;
    let code = printed
        .first()
        .and_then(|v| v["connect"].as_str())
        .context("the demo relay printed no connection code")?;
    let code = ConnectCode::decode(code).map_err(anyhow::Error::msg)?;
    let config = hirewire_relay::server::ServeConfig {
        data: dir.to_path_buf(),
        nats: None,
        public_url: Some(url),
        tls: None,
        acme: None,
        stop_timeout: Duration::from_secs(5),
        max_body: 1024 * 1024,
        max_pending: 100_000,
        max_age: Duration::from_secs(30 * 24 * 3600),
        window: 256,
        rate_limit: None,
        trust_proxy: false,
        limits: Default::default(),
        team: Default::default(),
    };
    let (stop, stopped) = oneshot::channel::<()>();
    tokio::spawn(async move {
        if let Err(e) = hirewire_relay::server::run(listener, config, async move {
            let _ = stopped.await;
        })
        .await
        {
            tracing::error!("demo relay stopped: {e:#}");
        }
    });
    Ok((code, stop))
}

/// Invites "dana" into the demo's team and joins her seat (a profile beside the demo's,
/// its keys in memory too).
async fn start_seat(engine: &Engine, dir: &std::path::Path) -> anyhow::Result<Engine> {
    use crate::engine::team::{self, manage, Role};
    let code = manage::invite(
        engine,
        "dana",
        Role::Member,
        Duration::from_secs(3600),
        "you",
    )
    .await?;
    let seat = Engine::open_with(Some(dir), SEAT_PROFILE, Secrets::in_memory(SEAT_PROFILE))?;
    team::join::join(&seat, &code.code, "dana", Duration::from_secs(60)).await?;
    Ok(seat)
}

/// Settings that wire the demo profile to the fakes.
fn settings(lever: &FakeLever, bob: &FakeBob, partner: &FakePartner, ids: &DemoIds) -> Settings {
    let mut s = Settings::default();
    s.lever.base_url = lever.url();
    s.bob.base_url = bob.url();
    s.bob.review_before_create = false;
    s.bob.default_site = "London".into();
    s.assessment.list_tests_url = partner.list_tests_url();
    s.assessment.send_test_url = partner.send_test_url();
    s.assessment.test_status_url = partner.test_status_url();
    s.assessment.outcome_url = partner.outcomes_url();
    s.assessment.response_error_url = partner.response_error_url();
    s.assessment.poll_minutes = 1;
    s.stages.assessment = ids.stage_byteboard.clone();
    s.stages.onsite = ids.stage_onsite.clone();
    s.stages.offer = ids.stage_offer.clone();
    s.archive_reasons
        .insert(ids.reason_not_a_fit.clone(), Outcome::Rejected);
    s.archive_reasons
        .insert(ids.reason_hired.clone(), Outcome::OfferAccepted);
    s.archive_reasons
        .insert(ids.reason_withdrew.clone(), Outcome::Withdrew);
    s.interview_types
        .insert("Byteboard SWE".into(), "12345".into());
    s.interview_types
        .insert("Byteboard Web".into(), "67890".into());
    // One candidate moved by a rule: a pass moves to Onsite and tags.
    s.score_rules.push(crate::engine::settings::ScoreRule {
        test: "12345".into(),
        at_least: Some(70.0),
        move_to: ids.stage_onsite.clone(),
        tag: "Passed assessment".into(),
        ..Default::default()
    });
    // Lever's names for them, as a setup key would have loaded them (the unmapped reason's
    // name arrives with the event that meets it).
    let name = |id: &String, text: &str| (id.clone(), text.to_string());
    s.names.stages = [
        name(&ids.stage_byteboard, "Byteboard"),
        name(&ids.stage_onsite, "Onsite"),
        name(&ids.stage_offer, "Offer"),
    ]
    .into();
    s.names.archive_reasons = [
        name(&ids.reason_not_a_fit, "Not a fit"),
        name(&ids.reason_hired, "Hired"),
        name(&ids.reason_withdrew, "Withdrew"),
    ]
    .into();
    s
}
