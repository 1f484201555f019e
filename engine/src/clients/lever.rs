//! Lever's API: Basic auth with the key as user name, `{"data": …}` answers, paginated lists,
//! one token bucket for every job (10 requests/s, bursts to 20), and downloads read with a cap.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;

use super::http::{self, ApiError, Bucket, RetryPolicy, Service};
pub use super::lever_perm::Perm;
use super::lever_perm::{missing_checkbox, missing_confidential, probe_path, PROBE};
pub use super::lever_types::*;
use crate::secrets::Secret;

/// Lever's documented steady rate per key.
pub const RATE_PER_SECOND: u32 = 10;
/// Lever's documented burst.
pub const RATE_BURST: u32 = 20;
/// Page size for lists (Lever's maximum).
pub(super) const PAGE: u32 = 100;
/// Most pages one list may take (100,000 items): far more than any list Hirewire reads,
/// and a stop for a list that never ends.
const MAX_PAGES: usize = 1_000;

/// A downloaded file.
#[derive(Debug, Clone)]
pub struct Download {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The file name Lever gave (Content-Disposition), if any.
    pub file_name: Option<String>,
    /// Content type.
    pub content_type: Option<String>,
}

/// Why a download did not give a file.
#[derive(Debug, Clone, thiserror::Error)]
pub enum DownloadError {
    /// Lever cannot serve this file (404: it is gone; 422: Lever could not process it):
    /// asking again will not help.
    #[error(transparent)]
    Unavailable(ApiError),
    /// Any other failure (network, rate limit, Lever down): it may pass.
    #[error(transparent)]
    Api(#[from] ApiError),
    /// Bigger than the limit of the receiving side.
    #[error("the file is larger than {0} MB, the most bob accepts per document")]
    TooLarge(u64),
}

/// A paper of an opportunity that Lever serves for download, with the permission, path
/// and query of its download: the one place these paths are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paper {
    /// A résumé, by its id.
    Resume(String),
    /// An offer's document, by the offer's id: `signed` or `sent`.
    Offer(String, &'static str),
    /// Another file, by its id.
    File(String),
}

impl Paper {
    /// Its stable key among the opportunity's papers (`resume:<id>`, `offer:<id>:<status>`,
    /// `file:<id>`), the `{file}` of [`crate::keys::document`].
    pub fn key(&self) -> String {
        match self {
            Paper::Resume(id) => format!("resume:{id}"),
            Paper::Offer(id, status) => format!("offer:{id}:{status}"),
            Paper::File(id) => format!("file:{id}"),
        }
    }

    /// The permission its download needs.
    pub fn perm(&self) -> Perm {
        match self {
            Paper::Resume(_) => Perm::DownloadResume,
            Paper::Offer(..) => Perm::DownloadOffer,
            Paper::File(_) => Perm::DownloadFile,
        }
    }

    /// Its download path for opportunity `opp`.
    pub fn path(&self, opp: &str) -> String {
        let (kind, id) = match self {
            Paper::Resume(id) => ("resumes", id),
            Paper::Offer(id, _) => ("offers", id),
            Paper::File(id) => ("files", id),
        };
        format!("/opportunities/{opp}/{kind}/{id}/download")
    }

    /// Its download query.
    pub fn query(&self) -> Vec<(&'static str, String)> {
        match self {
            Paper::Offer(_, status) => vec![("status", status.to_string())],
            _ => vec![],
        }
    }
}

/// A Lever client for one key.
#[derive(Debug, Clone)]
pub struct Lever {
    base: String,
    key: Secret,
    http: reqwest::Client,
    bucket: Bucket,
    policy: RetryPolicy,
    /// Requests sent by this client and its clones (retries included).
    sent: Arc<AtomicU64>,
}

#[derive(Deserialize)]
struct Data<T> {
    data: T,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Page<T> {
    data: Vec<T>,
    #[serde(default)]
    has_next: bool,
    #[serde(default)]
    next: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct NoteCreated {
    note_id: String,
}

/// Lever's error text: `{"code", "message"}`.
fn message(body: &str) -> String {
    serde_json::from_str::<serde_json::Value>(body)
        .ok()
        .and_then(|v| {
            let m = v.get("message").and_then(|m| m.as_str())?.to_string();
            Some(match v.get("code").and_then(|c| c.as_str()) {
                Some(c) if !c.is_empty() => format!("{m} ({c})"),
                _ => m,
            })
        })
        .unwrap_or_else(|| body.chars().take(300).collect())
}

impl Lever {
    /// A client for `base` (e.g. `https://api.lever.co/v1`) using `key`.
    pub fn new(base: &str, key: Secret, http: reqwest::Client, bucket: Bucket) -> Self {
        Lever {
            base: base.trim_end_matches('/').to_string(),
            key,
            http,
            bucket,
            policy: RetryPolicy::default(),
            sent: Arc::default(),
        }
    }

    /// Requests this client (and its clones) sent so far, retries included.
    pub fn requests_sent(&self) -> u64 {
        self.sent.load(Ordering::Relaxed)
    }

    fn count(&self) {
        self.sent.fetch_add(1, Ordering::Relaxed);
    }

    /// Changes how hard calls retry (the permission check does not retry).
    pub fn with_policy(mut self, policy: RetryPolicy) -> Self {
        self.policy = policy;
        self
    }

    async fn call(
        &self,
        perm: Perm,
        method: reqwest::Method,
        path: &str,
        query: &[(&str, String)],
        body: Option<serde_json::Value>,
    ) -> Result<reqwest::Response, ApiError> {
        let url = format!("{}{path}", self.base);
        let policy = if method == reqwest::Method::POST {
            self.policy.once()
        } else {
            self.policy
        };
        let make = || {
            self.count();
            let mut req = self
                .http
                .request(method.clone(), &url)
                .basic_auth(self.key.expose(), Some(""))
                .query(query);
            if let Some(b) = &body {
                req = req.json(b);
            }
            req
        };
        match http::send(Service::Lever, policy, Some(&self.bucket), make, message).await {
            Ok(resp) => Ok(resp),
            Err(e) if e.status == Some(403) => Err(self.why_forbidden(e, perm, path).await),
            Err(e) => Err(hint(e, perm)),
        }
    }

    /// A `403` on one candidate's data is either a missing checkbox or a confidential
    /// candidate the key may not see: the same call for a candidate that does not exist
    /// tells them apart (403 again: the checkbox; 404: the candidate is confidential).
    async fn why_forbidden(&self, e: ApiError, perm: Perm, path: &str) -> ApiError {
        let probe =
            probe_path(path).filter(|_| perm.concerns_an_opportunity() && !path.contains(PROBE));
        let Some(probe) = probe else {
            return e.with_hint(missing_checkbox(perm));
        };
        let url = format!("{}{probe}", self.base);
        let quick = RetryPolicy {
            retries: 0,
            ..self.policy
        };
        let make = || {
            self.count();
            self.http.get(&url).basic_auth(self.key.expose(), Some(""))
        };
        match http::send(Service::Lever, quick, Some(&self.bucket), make, message).await {
            Err(p) if p.status == Some(403) => e.with_hint(missing_checkbox(perm)),
            Err(p) if p.status == Some(404) => e.with_hint(missing_confidential()),
            _ => e.with_hint(format!(
                "{}; or, if this candidate is confidential, the key may lack confidential access",
                missing_checkbox(perm)
            )),
        }
    }

    async fn get<T: DeserializeOwned>(
        &self,
        perm: Perm,
        path: &str,
        query: &[(&str, String)],
    ) -> Result<T, ApiError> {
        let resp = self
            .call(perm, reqwest::Method::GET, path, query, None)
            .await?;
        Ok(http::json::<Data<T>>(Service::Lever, resp).await?.data)
    }

    async fn list<T: DeserializeOwned>(&self, perm: Perm, path: &str) -> Result<Vec<T>, ApiError> {
        Ok(self.list_where(perm, path, &[], usize::MAX).await?.0)
    }

    /// A request with a JSON body (a `POST` is sent once), for the other client modules.
    pub(super) async fn send_json(
        &self,
        perm: Perm,
        method: reqwest::Method,
        path: &str,
        body: serde_json::Value,
    ) -> Result<reqwest::Response, ApiError> {
        self.call(perm, method, path, &[], Some(body)).await
    }

    /// A write on behalf of `perform_as` (left out when empty) with a JSON body; a `POST`
    /// is sent once, a `PUT` (which sets a state, so a repeat changes nothing) may retry.
    pub(super) async fn write_as(
        &self,
        perm: Perm,
        method: reqwest::Method,
        path: &str,
        perform_as: &str,
        body: serde_json::Value,
    ) -> Result<reqwest::Response, ApiError> {
        let query: Vec<(&str, String)> = if perform_as.is_empty() {
            vec![]
        } else {
            vec![("perform_as", perform_as.to_string())]
        };
        self.call(perm, method, path, &query, Some(body)).await
    }

    /// Pages through a list with these filters, stopping after `max` items; the flag says
    /// whether Lever had more.
    pub(super) async fn list_where<T: DeserializeOwned>(
        &self,
        perm: Perm,
        path: &str,
        filters: &[(&str, String)],
        max: usize,
    ) -> Result<(Vec<T>, bool), ApiError> {
        self.paged(perm, path, filters, max, true).await
    }

    /// A list for which Lever documents no `limit` (`GET /webhooks`): asked for without
    /// one, as documented; a page that says `hasNext` is still followed.
    pub(super) async fn list_without_limit<T: DeserializeOwned>(
        &self,
        perm: Perm,
        path: &str,
    ) -> Result<Vec<T>, ApiError> {
        Ok(self.paged(perm, path, &[], usize::MAX, false).await?.0)
    }

    async fn paged<T: DeserializeOwned>(
        &self,
        perm: Perm,
        path: &str,
        filters: &[(&str, String)],
        max: usize,
        limit: bool,
    ) -> Result<(Vec<T>, bool), ApiError> {
        let mut out = Vec::new();
        let mut offset: Option<String> = None;
        let mut cursors = std::collections::HashSet::new();
        for _ in 0..MAX_PAGES {
            let mut query = filters.to_vec();
            if limit {
                query.push(("limit", PAGE.to_string()));
            }
            if let Some(o) = &offset {
                query.push(("offset", o.clone()));
            }
            let resp = self
                .call(perm, reqwest::Method::GET, path, &query, None)
                .await?;
            let page: Page<T> = http::json(Service::Lever, resp).await?;
            out.extend(page.data);
            let next = page.next.filter(|n| page.has_next && !n.is_empty());
            if out.len() >= max {
                let more = next.is_some() || out.len() > max;
                out.truncate(max);
                return Ok((out, more));
            }
            match next {
                // Lever's cursors only move forward: one seen before would loop forever.
                Some(next) if !cursors.insert(next.clone()) => {
                    return Err(ApiError::unreadable(
                        Service::Lever,
                        format!("its list {path} answered the same next page twice (after {} items); stopped so as not to read it forever", out.len()),
                    ))
                }
                Some(next) => offset = Some(next),
                None => return Ok((out, false)),
            }
        }
        Err(ApiError::unreadable(
            Service::Lever,
            format!("its list {path} went on for more than {MAX_PAGES} pages; stopped there"),
        ))
    }

    /// One opportunity, with its applications expanded (for the posting id).
    pub async fn opportunity(&self, id: &str) -> Result<Opportunity, ApiError> {
        self.get(
            Perm::FindOpportunity,
            &format!("/opportunities/{id}"),
            &[("expand", "applications".into())],
        )
        .await
    }

    /// One posting.
    pub async fn posting(&self, id: &str) -> Result<Posting, ApiError> {
        self.get(Perm::FindPosting, &format!("/postings/{id}"), &[])
            .await
    }

    /// An opportunity's offers.
    pub async fn offers(&self, opp: &str) -> Result<Vec<Offer>, ApiError> {
        self.list(Perm::FindOffers, &format!("/opportunities/{opp}/offers"))
            .await
    }

    /// An opportunity's resumes.
    pub async fn resumes(&self, opp: &str) -> Result<Vec<Resume>, ApiError> {
        self.list(Perm::FindResumes, &format!("/opportunities/{opp}/resumes"))
            .await
    }

    /// An opportunity's other files.
    pub async fn files(&self, opp: &str) -> Result<Vec<LeverFile>, ApiError> {
        self.list(Perm::FindFiles, &format!("/opportunities/{opp}/files"))
            .await
    }

    /// An opportunity's notes.
    pub async fn notes(&self, opp: &str) -> Result<Vec<Note>, ApiError> {
        self.list(Perm::FindNotes, &format!("/opportunities/{opp}/notes"))
            .await
    }

    /// Every stage.
    pub async fn stages(&self) -> Result<Vec<Named>, ApiError> {
        self.list(Perm::FindStages, "/stages").await
    }

    /// Every archive reason.
    pub async fn archive_reasons(&self) -> Result<Vec<Named>, ApiError> {
        self.list(Perm::FindArchiveReasons, "/archive_reasons")
            .await
    }

    /// Every tag.
    pub async fn tags(&self) -> Result<Vec<Tag>, ApiError> {
        self.list(Perm::FindTags, "/tags").await
    }

    /// Adds a note to an opportunity; returns the note id.
    pub async fn add_note(
        &self,
        opp: &str,
        text: &str,
        perform_as: &str,
    ) -> Result<String, ApiError> {
        let query: Vec<(&str, String)> = if perform_as.is_empty() {
            vec![]
        } else {
            vec![("perform_as", perform_as.to_string())]
        };
        let body = json!({"value": text, "secret": false, "notifyFollowers": false});
        let path = format!("/opportunities/{opp}/notes");
        let resp = self
            .call(
                Perm::CreateNote,
                reqwest::Method::POST,
                &path,
                &query,
                Some(body),
            )
            .await?;
        Ok(http::json::<Data<NoteCreated>>(Service::Lever, resp)
            .await?
            .data
            .note_id)
    }

    /// Downloads a paper of opportunity `opp`, refusing more than `cap` bytes.
    pub async fn download(
        &self,
        opp: &str,
        paper: &Paper,
        cap: u64,
    ) -> Result<Download, DownloadError> {
        let (path, query) = (paper.path(opp), paper.query());
        let resp = self
            .call(paper.perm(), reqwest::Method::GET, &path, &query, None)
            .await
            .map_err(|e| match e.status {
                Some(404 | 422) => DownloadError::Unavailable(e),
                _ => DownloadError::Api(e),
            })?;
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string)
        };
        let content_type = header("content-type");
        let file_name = header("content-disposition").and_then(|d| disposition_name(&d));
        if resp.content_length().is_some_and(|n| n > cap) {
            return Err(DownloadError::TooLarge(cap / 1_000_000));
        }
        let mut bytes = Vec::new();
        let mut stream = resp.bytes_stream();
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.map_err(|e| ApiError::transport(Service::Lever, &e))?;
            if bytes.len() as u64 + chunk.len() as u64 > cap {
                return Err(DownloadError::TooLarge(cap / 1_000_000));
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(Download {
            bytes,
            file_name,
            content_type,
        })
    }

    /// Whether the key may read confidential candidates (Lever refuses a list that asks
    /// for them with an access error otherwise).
    pub async fn sees_confidential(&self) -> Result<bool, ApiError> {
        let query = [
            ("confidentiality", "all".to_string()),
            ("limit", "1".to_string()),
        ];
        let quick = Lever {
            policy: quick_policy(),
            ..self.clone()
        };
        let make = || {
            quick.count();
            quick
                .http
                .get(format!("{}/opportunities", quick.base))
                .basic_auth(quick.key.expose(), Some(""))
                .query(&query)
        };
        match http::send(
            Service::Lever,
            quick.policy,
            Some(&quick.bucket),
            make,
            message,
        )
        .await
        {
            Ok(_) => Ok(true),
            Err(e) if e.status == Some(403) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Tries one call with few retries and reports only what it says about the key's
    /// permission: [`Probe::Refused`] on 403, [`Probe::NotFound`] on 404 (which proves
    /// nothing when the id was made up: whether Lever checks the key before it looks the id
    /// up is not documented), [`Probe::Allowed`] otherwise (400 or 422 mean Lever read the
    /// request, so the key passed).
    pub async fn probe(
        &self,
        perm: Perm,
        method: reqwest::Method,
        path: &str,
    ) -> Result<Probe, ApiError> {
        let quick = Lever {
            policy: quick_policy(),
            ..self.clone()
        };
        let body = (method == reqwest::Method::POST).then(|| json!({"value": "", "secret": false}));
        match quick
            .call(perm, method, path, &[("limit", "1".into())], body)
            .await
        {
            Ok(_) => Ok(Probe::Allowed),
            Err(e) if e.status == Some(403) => Ok(Probe::Refused),
            Err(e) if e.status == Some(404) => Ok(Probe::NotFound),
            Err(e) if matches!(e.status, Some(400 | 422)) => Ok(Probe::Allowed),
            Err(e) => Err(e),
        }
    }

    /// This client with the permission check's retry policy (a little, never long).
    pub fn quick(&self) -> Lever {
        Lever {
            policy: quick_policy(),
            ..self.clone()
        }
    }
}

/// What a permission probe found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Probe {
    /// The key passed Lever's permission check.
    Allowed,
    /// 403: the key lacks the checkbox.
    Refused,
    /// 404: no such record (says nothing about the key when the id was made up).
    NotFound,
}

/// A permission check retries a little (Lever's bucket may be busy) and never long.
fn quick_policy() -> RetryPolicy {
    RetryPolicy {
        retries: 2,
        min_delay: Duration::from_millis(200),
        max_delay: Duration::from_secs(2),
        idempotent: true,
    }
}

fn hint(e: ApiError, perm: Perm) -> ApiError {
    match e.status {
        Some(401) => e.with_hint("Lever does not accept the API key: paste a valid permanent key in Setup (`hirewire secret set lever-api-key`)"),
        Some(403) => e.with_hint(missing_checkbox(perm)),
        Some(422) => e.with_hint("Lever could not process this file"),
        _ => e,
    }
}

/// The file name of a `Content-Disposition` header.
fn disposition_name(value: &str) -> Option<String> {
    let part = value
        .split(';')
        .map(str::trim)
        .find(|p| p.starts_with("filename="))?;
    let name = part.trim_start_matches("filename=").trim_matches('"');
    (!name.is_empty()).then(|| name.to_string())
}

#[cfg(test)]
mod paper_tests {
    use super::*;

    #[test]
    fn each_paper_has_lever_s_download_path_query_permission_and_its_old_key() {
        let resume = Paper::Resume("r1".into());
        assert_eq!(resume.path("o1"), "/opportunities/o1/resumes/r1/download");
        assert!(resume.query().is_empty());
        assert_eq!(
            (resume.perm(), resume.key()),
            (Perm::DownloadResume, "resume:r1".into())
        );
        let offer = Paper::Offer("f1".into(), "signed");
        assert_eq!(offer.path("o1"), "/opportunities/o1/offers/f1/download");
        assert_eq!(offer.query(), vec![("status", "signed".to_string())]);
        assert_eq!(
            (offer.perm(), offer.key()),
            (Perm::DownloadOffer, "offer:f1:signed".into())
        );
        let file = Paper::File("x1".into());
        assert_eq!(file.path("o1"), "/opportunities/o1/files/x1/download");
        assert_eq!(
            (file.perm(), file.key()),
            (Perm::DownloadFile, "file:x1".into())
        );
    }
}
