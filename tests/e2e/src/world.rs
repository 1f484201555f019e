//! A whole world for an end-to-end test: a real relay with a channel, the fake Lever, bob
//! and partner seeded with the demo company, and a `hirewire` installation connected to
//! all of them (secrets in the real keychain, settings imported), ready to start; or, for
//! tests that set the app up through its own window, an installation left untouched.

use std::collections::HashMap;
use std::time::Duration;

use hirewire_fakes::bob::FakeBob;
use hirewire_fakes::lever::{DemoIds, FakeLever};
use hirewire_fakes::partner::FakePartner;
use hirewire_fakes::webhook::{self, LeverEvent};

use crate::app::App;
use crate::relay::{Channel, Relay};

/// The three Lever endpoints and their events.
pub const LEVER_ENDPOINTS: [&str; 4] = [
    "candidate-hired",
    "stage-change",
    "archive-change",
    "candidate-deleted",
];

/// Knobs of a world.
#[derive(Debug, Clone)]
pub struct Options {
    /// `bob.review_before_create`.
    pub review: bool,
    /// Extra TOML appended to the settings.
    pub extra_toml: String,
    /// Partner poll interval in minutes.
    pub poll_minutes: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            review: false,
            extra_toml: String::new(),
            poll_minutes: 60,
        }
    }
}

/// Everything a test talks to.
pub struct World {
    /// The relay process.
    pub relay: Relay,
    /// Its channel.
    pub channel: Channel,
    /// Fake Lever.
    pub lever: FakeLever,
    /// Fake bob.
    pub bob: FakeBob,
    /// Fake partner.
    pub partner: FakePartner,
    /// The demo company's ids.
    pub ids: DemoIds,
    /// The app installation.
    pub app: App,
    /// Signing token per Lever endpoint.
    pub tokens: HashMap<&'static str, String>,
    /// bob service user and token, and the partner key (fake values).
    pub creds: (String, String, String),
    http: reqwest::Client,
}

impl World {
    /// Builds and configures a world (the engine is not started).
    pub async fn new(opts: Options) -> World {
        let world = World::unconfigured().await;
        world.configure(&opts);
        world
    }

    /// Builds a world whose app installation is untouched: no relay connection, no secrets,
    /// no settings (for tests that set the app up through its own window).
    pub async fn unconfigured() -> World {
        let relay = Relay::start(&["--rate-limit", "0"]).await;
        let channel = relay.add_channel("e2e");
        let lever = FakeLever::start()
            .await
            .unwrap_or_else(|e| panic!("fake Lever: {e}"));
        let ids = lever.seed_demo();
        let bob = FakeBob::start()
            .await
            .unwrap_or_else(|e| panic!("fake bob: {e}"));
        let (bob_user, bob_token) = bob.seed_demo();
        let partner = FakePartner::start()
            .await
            .unwrap_or_else(|e| panic!("fake partner: {e}"));
        let partner_key = partner.seed_demo();
        let app = App::new();
        let mut tokens = HashMap::new();
        for ep in LEVER_ENDPOINTS {
            tokens.insert(ep, format!("sig-{ep}-{}", std::process::id()));
        }
        World {
            relay,
            channel,
            lever,
            bob,
            partner,
            ids,
            app,
            tokens,
            creds: (bob_user, bob_token, partner_key),
            http: reqwest::Client::new(),
        }
    }

    /// Configures everything: the relay connection, every secret and the settings.
    pub fn configure(&self, opts: &Options) {
        for (ep, t) in &self.tokens {
            self.app.set_secret(&format!("lever-signing-token/{ep}"), t);
        }
        self.configure_but_webhooks(opts);
    }

    /// Configures everything but the webhooks' signing tokens (for tests that make the
    /// webhooks through Lever's API).
    pub fn configure_but_webhooks(&self, opts: &Options) {
        let app = &self.app;
        app.ok(&["connect", &self.channel.connect], "");
        app.set_secret("lever-api-key", &self.ids.api_key);
        app.set_secret("bob-service-user", &self.creds.0);
        app.set_secret("bob-token", &self.creds.1);
        app.set_secret("assessment-api-key", &self.creds.2);
        app.import(&self.settings_toml(opts));
    }

    /// The settings the world runs with.
    pub fn settings_toml(&self, opts: &Options) -> String {
        let ids = &self.ids;
        format!(
            r#"
[lever]
base_url = "{lever}"
[bob]
base_url = "{bob}"
review_before_create = {review}
default_site = "London"
[assessment]
provider = "Byteboard"
list_tests_url = "{list}"
send_test_url = "{send}"
test_status_url = "{status}"
outcome_url = "{outcome}"
response_error_url = "{response_error}"
sent_by = "recruiter@example.com"
poll_minutes = {poll}
[stages]
assessment = "{st_bb}"
onsite = "{st_on}"
offer = "{st_of}"
[archive_reasons]
"{r_fit}" = "rejected"
"{r_hired}" = "offer-accepted"
"{r_withdrew}" = "withdrew"
[interview_types]
"Byteboard SWE" = "12345"
"Byteboard Web" = "67890"
{extra}
"#,
            lever = self.lever.url(),
            bob = self.bob.url(),
            review = opts.review,
            list = self.partner.list_tests_url(),
            send = self.partner.send_test_url(),
            status = self.partner.test_status_url(),
            outcome = self.partner.outcomes_url(),
            response_error = self.partner.response_error_url(),
            poll = opts.poll_minutes,
            st_bb = ids.stage_byteboard,
            st_on = ids.stage_onsite,
            st_of = ids.stage_offer,
            r_fit = ids.reason_not_a_fit,
            r_hired = ids.reason_hired,
            r_withdrew = ids.reason_withdrew,
            extra = opts.extra_toml,
        )
    }

    /// A world with default options whose engine is already running.
    pub async fn started() -> World {
        let mut w = World::new(Options::default()).await;
        w.start().await;
        w
    }

    /// Starts the engine.
    pub async fn start(&mut self) {
        self.app.start().await;
    }

    /// The endpoint an event belongs to.
    pub fn endpoint_of(event: &LeverEvent) -> &'static str {
        match event.event.as_str() {
            "candidateHired" => "candidate-hired",
            "candidateStageChange" => "stage-change",
            "candidateDeleted" => "candidate-deleted",
            _ => "archive-change",
        }
    }

    /// Signs an event with its endpoint's token and posts it to the relay; returns the status.
    pub async fn send(&self, event: &LeverEvent) -> u16 {
        let ep = Self::endpoint_of(event);
        self.send_raw(ep, event.body(&self.tokens[ep])).await
    }

    /// Sends Lever's stage change of `opp` from the phone screen into the assessment stage,
    /// and checks the relay took it.
    pub async fn move_to_assessment(&self, opp: &str) {
        let ids = &self.ids;
        let move_ = LeverEvent::stage_change(opp, &ids.stage_phone, &ids.stage_byteboard);
        assert_eq!(self.send(&move_).await, 200, "the relay took the move");
    }

    /// Sends a bodiless `PATCH` to an endpoint of the relay, as an assessment partner does.
    pub async fn send_patch(&self, endpoint: &str) -> u16 {
        let url = self.relay.hook_url(&self.channel.channel, endpoint);
        self.http
            .patch(url)
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or_else(|e| panic!("patch to the relay: {e}"))
    }

    /// Posts any body to an endpoint of the relay.
    pub async fn send_raw(&self, endpoint: &str, body: String) -> u16 {
        let url = self.relay.hook_url(&self.channel.channel, endpoint);
        webhook::post(&self.http, &url, body)
            .await
            .unwrap_or_else(|e| panic!("post to the relay: {e}"))
    }

    /// Waits for the entry of `event` (by opportunity and event name) to reach a final status.
    pub async fn wait_final(
        &self,
        opportunity: &str,
        event: &str,
        timeout: Duration,
    ) -> serde_json::Value {
        let (opp, ev) = (opportunity.to_string(), event.to_string());
        self.app
            .wait_entry(&format!("{ev} of {opp} to finish"), timeout, move |e| {
                e["opportunity_id"] == opp.as_str()
                    && e["event"] == ev.as_str()
                    && matches!(
                        e["status"].as_str(),
                        Some("done" | "skipped" | "failed" | "rejected" | "waiting")
                    )
            })
            .await
    }

    /// Every value the keychain holds for this world (to scan stores and logs for).
    pub fn secret_values(&self) -> Vec<String> {
        let mut v: Vec<String> = self.tokens.values().cloned().collect();
        v.extend([
            self.ids.api_key.clone(),
            self.creds.0.clone(),
            self.creds.1.clone(),
            self.creds.2.clone(),
            self.channel.secret.clone(),
        ]);
        v
    }
}

impl Drop for World {
    /// Every request the engine sent bob must pass the request schema written from bob's
    /// published OpenAPI: one that did not fails the test that sent it.
    fn drop(&mut self) {
        if std::thread::panicking() {
            return;
        }
        let refused = self.bob.schema_violations();
        assert!(
            refused.is_empty(),
            "the engine sent bob requests its published schema refuses: {refused:#?}"
        );
    }
}

/// A candidate a test adds to the fake Lever, ready to be hired.
#[derive(Debug, Clone, Default)]
pub struct Hireable<'a> {
    /// Opportunity id.
    pub id: &'a str,
    /// Full name.
    pub name: &'a str,
    /// Email.
    pub email: &'a str,
    /// The offer's job title.
    pub title: &'a str,
    /// The start date, `YYYY-MM-DD` (stored as Lever does: midnight in the account's zone).
    pub start: &'a str,
    /// A confidential candidate.
    pub confidential: bool,
}

impl World {
    /// Adds a candidate on the Software Engineer posting (London) with a signed offer and
    /// no files; returns the opportunity id.
    pub fn add_hireable(&self, h: &Hireable<'_>) -> String {
        use hirewire_fakes::lever::{Offer, OfferField, Opportunity};
        self.lever.add_opportunity(Opportunity {
            id: h.id.into(),
            name: h.name.into(),
            emails: vec![h.email.into()],
            location: "Leeds".into(),
            stage: self.ids.stage_offer.clone(),
            posting: Some(self.ids.posting_swe.clone()),
            confidential: h.confidential,
            ..Default::default()
        });
        let start = self
            .lever
            .offer_date_field("Anticipated start date", "anticipated_start_date", h.start)
            .unwrap_or_else(|e| panic!("start date {}: {e}", h.start));
        self.lever.add_offer(
            h.id,
            Offer {
                id: format!("offer-{}", h.id),
                status: "signed".into(),
                fields: vec![
                    start,
                    OfferField {
                        text: "Job title".into(),
                        identifier: "job_title".into(),
                        value: serde_json::json!(h.title),
                    },
                ],
                ..Default::default()
            },
        );
        h.id.to_string()
    }

    /// Adds candidate `i` (opportunity `{id}-{i:04}`, "{Person} {i:04}",
    /// `{person}{i:04}@example.com`) with a signed offer starting on `start` and a resume,
    /// archived as hired now, with no webhook sent: what a catch-up finds.
    pub fn add_hired_without_webhook(
        &self,
        id: &str,
        person: &str,
        i: usize,
        start: &str,
    ) -> String {
        use hirewire_fakes::lever::{pdf, LeverFile, Resume};
        let mut display = person.to_string();
        if let Some(first) = display.get_mut(..1) {
            first.make_ascii_uppercase();
        }
        let (id, name, email) = (
            format!("{id}-{i:04}"),
            format!("{display} {i:04}"),
            format!("{person}{i:04}@example.com"),
        );
        self.add_hireable(&Hireable {
            id: &id,
            name: &name,
            email: &email,
            title: "Software Engineer",
            start,
            ..Default::default()
        });
        let cv = format!("cv-{id}");
        let file = LeverFile {
            id: cv.clone(),
            name: format!("{cv}.pdf"),
            ext: "pdf".into(),
            content: pdf("cv"),
            ..Default::default()
        };
        self.lever.add_resume(
            &id,
            Resume {
                id: cv,
                file: Some(file),
            },
        );
        self.lever.archive(&id, &self.ids.reason_hired);
        id
    }

    /// The fake bob's employees with this email.
    pub fn employees_with(&self, email: &str) -> Vec<serde_json::Value> {
        self.bob
            .employees()
            .into_iter()
            .filter(|e| e["email"] == email)
            .collect()
    }
}
