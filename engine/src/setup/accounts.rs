//! What the accounts being connected offer: bob's fields and sites, the partner's tests.

use serde::Serialize;

use super::SetupError;
use crate::clients::bob::BobField;
use crate::clients::partner::PartnerTest;
use crate::Engine;

/// bob's fields and sites for the setup screens.
#[derive(Debug, Clone, Serialize, ts_rs::TS)]
pub struct BobInfo {
    /// Every field the service user may see.
    pub fields: Vec<BobField>,
    /// The sites a hire's posting location is matched against.
    pub sites: Vec<String>,
}

/// bob's fields and sites.
pub async fn bob_info(engine: &Engine) -> Result<BobInfo, SetupError> {
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let bob = engine.bob(&settings).await?;
    let fields = bob.fields().await?;
    let site_list = fields
        .iter()
        .find(|f| f.id == "work.site")
        .and_then(|f| f.list_id())
        .unwrap_or("site")
        .to_string();
    let sites = bob
        .list(&site_list)
        .await?
        .into_iter()
        .map(|i| if i.name.is_empty() { i.value } else { i.name })
        .collect();
    Ok(BobInfo { fields, sites })
}

/// The partner's tests.
pub async fn partner_tests(engine: &Engine) -> Result<Vec<PartnerTest>, SetupError> {
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let partner = engine.partner().await?;
    Ok(partner
        .list_tests(&settings.assessment.list_tests_url)
        .await?)
}
