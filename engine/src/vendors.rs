//! The vendor clients, built in one place from the keychain and the settings, so that
//! every caller shares Lever's token bucket and bob's batched email lookups.

use crate::clients::bob::Bob;
use crate::clients::bucket::Lane;
use crate::clients::http::Bucket;
use crate::clients::lever::{Lever, RATE_BURST, RATE_PER_SECOND};
use crate::clients::partner::Partner;
use crate::secrets::{self, MissingSecret, Secret};
use crate::settings::Settings;
use crate::Engine;

impl Engine {
    /// A Lever client with the permanent key, sharing the engine's rate budget in the
    /// live lane.
    pub async fn lever(&self, settings: &Settings) -> Result<Lever, MissingSecret> {
        self.lever_in(settings, Lane::Live).await
    }

    /// A Lever client whose calls wait in `lane` of the engine's rate budget: catching up
    /// runs in the background lane, so that live work always goes first.
    pub async fn lever_in(&self, settings: &Settings, lane: Lane) -> Result<Lever, MissingSecret> {
        let key = self.secret(secrets::LEVER_API_KEY).await?;
        Ok(Lever::new(
            &settings.lever.base_url,
            key,
            self.http.clone(),
            self.lever_bucket.in_lane(lane),
        ))
    }

    /// A Lever client for a setup key: a different key, with its own Lever limit.
    pub fn lever_setup(&self, settings: &Settings, setup_key: Secret) -> Lever {
        Lever::new(
            &settings.lever.base_url,
            setup_key,
            self.http.clone(),
            Bucket::new(RATE_PER_SECOND, RATE_BURST),
        )
    }

    /// A bob client with the service user, sharing the engine's batched email lookups.
    pub async fn bob(&self, settings: &Settings) -> Result<Bob, MissingSecret> {
        let user = self.secret(secrets::BOB_SERVICE_USER).await?;
        let token = self.secret(secrets::BOB_TOKEN).await?;
        Ok(
            Bob::new(&settings.bob.base_url, user, token, self.http.clone())
                .with_lookups(self.bob_lookups.clone()),
        )
    }

    /// A client of the assessment partner.
    pub async fn partner(&self) -> Result<Partner, MissingSecret> {
        let key = self.secret(secrets::ASSESSMENT_API_KEY).await?;
        Ok(Partner::new(key, self.http.clone()))
    }
}
