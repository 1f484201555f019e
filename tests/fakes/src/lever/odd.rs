//! Odd answers a real Lever may give, switched on by a test: a list that moves while it is
//! paged through (a row at the end of one page shows again at the start of the next, as when
//! a record is added to the front of the list between two page reads), and rows of the
//! deleted list that are not records Lever documents (an `"id": null`). Lever documents
//! neither; both are what a client must survive.

use serde_json::Value;

use super::FakeLever;

/// The switches, off by default.
#[derive(Debug, Clone, Default)]
pub(crate) struct Odd {
    /// Each page after the first repeats the last row of the page before.
    pub page_overlap: bool,
    /// Raw rows listed first by `GET /opportunities/deleted`, whatever its filters.
    pub deleted_rows: Vec<Value>,
}

impl Odd {
    /// Where a page that would start at `start` starts: one row earlier when pages overlap
    /// (never so far back that a page brings nothing new, which would page forever).
    pub(crate) fn page_start(&self, start: usize, size: usize) -> usize {
        if self.page_overlap && start > 0 && size > 1 {
            start - 1
        } else {
            start
        }
    }
}

impl FakeLever {
    /// Makes every list's pages overlap by one row (see the module's doc): the last row of a
    /// page is listed again as the first of the next. Needs lists of several pages
    /// ([`FakeLever::set_page_cap`]).
    pub fn set_page_overlap(&self, on: bool) {
        self.with(|d| d.odd.page_overlap = on);
    }

    /// Lists `row` (any JSON, as it is) first in `GET /opportunities/deleted`, for example
    /// `{"id": null, "deletedAt": …}`.
    pub fn add_raw_deleted_row(&self, row: Value) {
        self.with(|d| d.odd.deleted_rows.push(row));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_overlapping_page_still_brings_a_new_row() {
        let odd = Odd {
            page_overlap: true,
            ..Default::default()
        };
        assert_eq!(odd.page_start(0, 2), 0, "the first page is whole");
        assert_eq!(odd.page_start(2, 2), 1, "later pages repeat a row");
        assert_eq!(
            odd.page_start(5, 1),
            5,
            "a page of one cannot repeat and move on"
        );
        assert_eq!(Odd::default().page_start(2, 2), 2);
    }
}
