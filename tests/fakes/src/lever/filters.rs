//! The filters of `GET /opportunities`, named and behaving as Lever's "List all
//! opportunities" documents them: a repeated parameter is a union of its values, different
//! parameters combine as AND (implied by the docs, not stated), `*_start`/`*_end` are
//! inclusive epoch-ms bounds, and `confidentiality` defaults to `non-confidential`.
//! Parameters the fake does not know are ignored, as unknown ones would be by a server.

use super::paging::{flag, param, params};
use super::render;
use super::{Data, Opportunity};

/// `confidentiality=`: which opportunities (or postings) a list includes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) enum Confidentiality {
    /// Left out, or `non-confidential`.
    #[default]
    NonConfidential,
    /// `confidential`: confidential ones only.
    Confidential,
    /// `all`: both.
    All,
}

impl Confidentiality {
    /// Reads `confidentiality=` (default `non-confidential`).
    pub(crate) fn parse(q: &[(String, String)]) -> Result<Self, String> {
        match param(q, "confidentiality") {
            None | Some("non-confidential") => Ok(Self::NonConfidential),
            Some("confidential") => Ok(Self::Confidential),
            Some("all") => Ok(Self::All),
            Some(other) => Err(format!(
                "confidentiality must be confidential, non-confidential or all, not {other:?}"
            )),
        }
    }

    /// Whether a record of this confidentiality is included.
    pub(crate) fn includes(self, confidential: bool) -> bool {
        match self {
            Self::NonConfidential => !confidential,
            Self::Confidential => confidential,
            Self::All => true,
        }
    }

    /// Whether the list asks for confidential records (which needs the key's toggle).
    pub(crate) fn asks_confidential(self) -> bool {
        self != Self::NonConfidential
    }
}

/// An inclusive time window from `{name}_start` / `{name}_end`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Window {
    start: Option<u64>,
    end: Option<u64>,
}

impl Window {
    /// Reads `{name}_start` and `{name}_end` (epoch ms).
    pub(crate) fn parse(q: &[(String, String)], name: &str) -> Result<Self, String> {
        let bound = |suffix: &str| {
            let k = format!("{name}_{suffix}");
            param(q, &k)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .map_err(|_| format!("{k} must be a timestamp in milliseconds"))
                })
                .transpose()
        };
        Ok(Window {
            start: bound("start")?,
            end: bound("end")?,
        })
    }

    /// Whether the window is given at all.
    fn is_set(&self) -> bool {
        self.start.is_some() || self.end.is_some()
    }

    /// Whether `at` is inside; a record without the time is outside a given window.
    pub(crate) fn contains(&self, at: Option<u64>) -> bool {
        if !self.is_set() {
            return true;
        }
        at.is_some_and(|t| self.start.is_none_or(|s| t >= s) && self.end.is_none_or(|e| t <= e))
    }
}

/// Every filter of one `GET /opportunities` request.
#[derive(Debug, Clone, Default)]
pub(crate) struct OpportunityFilter {
    pub confidentiality: Confidentiality,
    archived: Option<bool>,
    archived_at: Window,
    updated_at: Window,
    created_at: Window,
    archive_reasons: Vec<String>,
    stages: Vec<String>,
    tags: Vec<String>,
    emails: Vec<String>,
    postings: Vec<String>,
    origins: Vec<String>,
    contacts: Vec<String>,
    locations: Vec<String>,
}

/// Lever's canonical form of an email for matching (case and surrounding space ignored).
pub(crate) fn canonical_email(e: &str) -> String {
    e.trim().to_lowercase()
}

impl OpportunityFilter {
    /// Reads the filters; `Err` is the `400` message.
    pub(crate) fn parse(q: &[(String, String)]) -> Result<Self, String> {
        let all = |k: &str| -> Vec<String> { params(q, k).into_iter().map(String::from).collect() };
        Ok(OpportunityFilter {
            confidentiality: Confidentiality::parse(q)?,
            archived: flag(q, "archived")?,
            archived_at: Window::parse(q, "archived_at")?,
            updated_at: Window::parse(q, "updated_at")?,
            created_at: Window::parse(q, "created_at")?,
            archive_reasons: all("archive_reason_id"),
            stages: all("stage_id"),
            tags: all("tag"),
            emails: params(q, "email")
                .into_iter()
                .map(canonical_email)
                .collect(),
            postings: all("posting_id"),
            origins: all("origin"),
            contacts: all("contact_id"),
            locations: all("location"),
        })
    }

    /// Whether `o` passes every filter (confidentiality included).
    pub(crate) fn matches(&self, d: &Data, o: &Opportunity) -> bool {
        let any = |wanted: &[String], has: &dyn Fn(&str) -> bool| {
            wanted.is_empty() || wanted.iter().any(|w| has(w))
        };
        let archived_at = o.archived.as_ref().map(|(at, _)| *at);
        let reason = o.archived.as_ref().map(|(_, r)| r.as_str());
        let location = render::opportunity_location(d, o);
        self.confidentiality.includes(d.is_confidential(o))
            && self.archived.is_none_or(|a| a == o.archived.is_some())
            && self.archived_at.contains(archived_at)
            && self.updated_at.contains(Some(o.updated_at))
            && self.created_at.contains(Some(o.created_at))
            && any(&self.archive_reasons, &|r| reason == Some(r))
            && any(&self.stages, &|s| o.stage == s)
            && any(&self.tags, &|t| o.tags.iter().any(|x| x == t))
            && any(&self.emails, &|e| {
                o.emails.iter().any(|m| canonical_email(m) == e)
            })
            && any(&self.postings, &|p| o.posting.as_deref() == Some(p))
            && any(&self.origins, &|x| render::origin(o) == x)
            && any(&self.contacts, &|c| render::contact(o) == c)
            && any(&self.locations, &|l| location.as_deref() == Some(l))
    }
}
