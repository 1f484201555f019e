//! Finding a Lever candidate to try a dry run on. An email is asked of Lever directly; a
//! name cannot be (Lever's opportunity list has no name filter), so the opportunities
//! updated in the last year are read — at most [`NAME_SEARCH_MAX`] of them — and matched
//! here, together with every candidate Hirewire's history has seen. Reads only.

use serde::Serialize;

use super::clients::lever::Opportunity;
use super::clients::lever_lists::Reach;
use super::flows::FlowError;
use super::history::{self, Filter};
use super::time::now_ms;
use super::Engine;

/// How far back a name search reads Lever: candidates touched in the last year.
pub const NAME_SEARCH_DAYS: u64 = 365;
/// How many recently updated opportunities a name search reads at most (ten pages).
pub const NAME_SEARCH_MAX: usize = 1_000;
/// How many candidates a search returns at most.
const SHOWN: usize = 50;

/// A candidate to pick for a dry run.
#[derive(Debug, Clone, Serialize, PartialEq, ts_rs::TS)]
pub struct Candidate {
    /// Lever opportunity id.
    pub opportunity_id: String,
    /// Name.
    pub name: String,
    /// Email, if known.
    pub email: Option<String>,
}

impl From<Opportunity> for Candidate {
    fn from(o: Opportunity) -> Self {
        Candidate {
            email: o.email(),
            opportunity_id: o.id,
            name: o.name,
        }
    }
}

/// Candidates whose email is `query` (when it has an `@`), else whose name holds every
/// word of `query`, in any case.
pub async fn search(engine: &Engine, query: &str) -> Result<Vec<Candidate>, FlowError> {
    let q = query.trim();
    if q.is_empty() {
        return Ok(vec![]);
    }
    let settings = engine.store.read_async(|rx| rx.settings()).await?;
    let lever = engine.lever(&settings).await?;
    // Confidential candidates are listed only when asked for, and only to a key that may
    // see them (asking with a key that may not is refused).
    let reach = if lever.sees_confidential().await? {
        Reach::All
    } else {
        Reach::Open
    };
    if q.contains('@') {
        let found = lever.opportunities_by_email(q, reach).await?;
        return Ok(found.into_iter().map(Candidate::from).take(SHOWN).collect());
    }

    let since = now_ms().saturating_sub(NAME_SEARCH_DAYS * 86_400_000);
    let (recent, more) = lever
        .opportunities_updated_since(since, NAME_SEARCH_MAX, reach)
        .await?;
    if more {
        tracing::info!(
            read = NAME_SEARCH_MAX,
            "name search read the most recent opportunities only; older ones are found by email"
        );
    }
    let mut out: Vec<Candidate> = recent
        .into_iter()
        .filter(|o| name_matches(&o.name, q))
        .map(Candidate::from)
        .collect();

    seen_here(engine, q, &mut out).await?;
    out.truncate(SHOWN);
    Ok(out)
}

/// Adds the candidates Hirewire has seen whose name matches, even if Lever has not touched
/// them for a year. The history's search takes one text: ask for the first word, match
/// all words here.
async fn seen_here(engine: &Engine, q: &str, out: &mut Vec<Candidate>) -> Result<(), FlowError> {
    let first_word = q.split_whitespace().next().unwrap_or(q).to_string();
    let filter = Filter {
        search: first_word,
        limit: 500,
        ..Default::default()
    };
    let page = engine
        .store
        .read_async(move |rx| history::list(rx, &filter))
        .await?;
    for e in page.entries {
        let (Some(opp), Some(name)) = (e.opportunity_id, e.candidate) else {
            continue;
        };
        if name_matches(&name, q) && !out.iter().any(|c| c.opportunity_id == opp) {
            out.push(Candidate {
                opportunity_id: opp,
                name,
                email: None,
            });
        }
    }
    Ok(())
}

/// Every word of the query appears in the name, ignoring case ("ada love" finds
/// "Ada King Lovelace"; "lovelace ada" too).
pub fn name_matches(name: &str, query: &str) -> bool {
    let name = name.to_lowercase();
    let mut words = query.split_whitespace().peekable();
    words.peek().is_some() && words.all(|w| name.contains(&w.to_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::name_matches;

    #[test]
    fn every_word_must_appear_in_any_order_and_case() {
        assert!(name_matches("Ada King Lovelace", "ada"));
        assert!(name_matches("Ada King Lovelace", "LOVELACE ada"));
        assert!(name_matches("Ada King Lovelace", "  love  "));
        assert!(name_matches("Zoë Ölund", "zoË"));
        assert!(!name_matches("Ada King Lovelace", "ada hopper"));
        assert!(!name_matches("Grace Hopper", "ada"));
        assert!(!name_matches("Grace Hopper", "   "));
    }
}
