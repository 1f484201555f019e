//! Whole-table passes for privacy work: each record as stored bytes, so a search for a
//! name or an email costs a byte search, and only the records that hold one are decoded
//! and rewritten. Used by purges, retention and a person's export.

use redb::ReadableTable;

use super::tables::{ASSESSMENTS, DETAILS, ENTRIES, LINKS, OUTCOMES, WATCH};
use super::{Rx, StoreError, Tx};

/// A table the passes read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kept {
    /// History summaries.
    Entries,
    /// Steps, raw events, job states.
    Details,
}

macro_rules! scans {
    () => {
        /// Calls `f` with every record of `which` (id and stored JSON bytes).
        pub fn scan(&self, which: Kept, mut f: impl FnMut(u64, &[u8])) -> Result<(), StoreError> {
            let t = match which {
                Kept::Entries => self.txn.open_table(ENTRIES)?,
                Kept::Details => self.txn.open_table(DETAILS)?,
            };
            for item in t.iter()? {
                let (k, v) = item?;
                f(k.value(), v.value());
            }
            Ok(())
        }

        /// Every link `(key, value)` whose key starts with `prefix`.
        pub fn links_with_prefix(&self, prefix: &str) -> Result<Vec<(String, String)>, StoreError> {
            let t = self.txn.open_table(LINKS)?;
            let mut out = Vec::new();
            for item in t.range(prefix..)? {
                let (k, v) = item?;
                if !k.value().starts_with(prefix) {
                    break;
                }
                out.push((k.value().to_string(), v.value().to_string()));
            }
            Ok(out)
        }

        /// Whether the opportunity's data was purged (see `crate::privacy`).
        pub fn is_purged(&self, opp: &str) -> Result<bool, StoreError> {
            Ok(self.link(&crate::keys::purged(opp))?.is_some())
        }

        /// Every link whose value is `value` (a full pass: links are small and few).
        pub fn links_valued(&self, value: &str) -> Result<Vec<String>, StoreError> {
            let t = self.txn.open_table(LINKS)?;
            let mut out = Vec::new();
            for item in t.iter()? {
                let (k, v) = item?;
                if v.value() == value {
                    out.push(k.value().to_string());
                }
            }
            Ok(out)
        }
    };
}

impl Rx<'_> {
    scans!();
}

impl Tx<'_> {
    scans!();

    /// Rewrites the records of `which` for which `f` gives new bytes; returns how many.
    pub fn rewrite(
        &self,
        which: Kept,
        mut f: impl FnMut(u64, &[u8]) -> Option<Vec<u8>>,
    ) -> Result<usize, StoreError> {
        let mut changed = Vec::new();
        self.scan(which, |id, bytes| {
            if let Some(new) = f(id, bytes) {
                changed.push((id, new));
            }
        })?;
        let mut t = match which {
            Kept::Entries => self.txn.open_table(ENTRIES)?,
            Kept::Details => self.txn.open_table(DETAILS)?,
        };
        for (id, bytes) in &changed {
            t.insert(*id, bytes.as_slice())?;
        }
        drop(t);
        for (id, _) in &changed {
            self.mark_for_team(*id)?;
        }
        Ok(changed.len())
    }

    /// Removes one link.
    pub fn remove_link(&self, key: &str) -> Result<(), StoreError> {
        self.txn.open_table(LINKS)?.remove(key)?;
        Ok(())
    }

    /// Removes an opportunity's recorded outcomes.
    pub fn remove_outcomes(&self, opp: &str) -> Result<(), StoreError> {
        self.txn.open_table(OUTCOMES)?.remove(opp)?;
        Ok(())
    }

    /// Removes a sent assessment's record.
    pub fn remove_assessment(&self, interview_id: &str) -> Result<(), StoreError> {
        self.txn.open_table(ASSESSMENTS)?.remove(interview_id)?;
        Ok(())
    }

    /// Every opportunity with recorded outcomes, and the watched ones (their keys).
    pub fn opportunity_keys(&self) -> Result<Vec<String>, StoreError> {
        let mut out = Vec::new();
        for t in [OUTCOMES, WATCH] {
            for item in self.txn.open_table(t)?.iter()? {
                out.push(item?.0.value().to_string());
            }
        }
        Ok(out)
    }
}
