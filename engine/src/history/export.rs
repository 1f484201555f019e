//! The history as CSV: one row per entry, steps summarised, newest first; spreadsheet
//! formulas that a webhook could smuggle in through a candidate's name are defused.

use super::{list, Filter};
use crate::store::{Rx, StoreError};
use crate::time;

/// The filtered history as CSV (one row per entry, steps summarised), newest first.
pub fn csv(rx: &Rx, filter: &Filter) -> Result<String, StoreError> {
    let all = Filter {
        offset: 0,
        limit: usize::MAX,
        ..filter.clone()
    };
    let page = list(rx, &all)?;
    let mut out =
        String::from("id,received_at,event,opportunity_id,candidate,flow,status,reason,steps\n");
    for e in page.entries {
        let steps = rx
            .detail(e.id)?
            .map(|d| {
                d.steps
                    .iter()
                    .map(|s| format!("{} [{:?}]", s.action, s.status).to_lowercase())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default();
        let row = [
            e.id.to_string(),
            time::rfc3339(e.received_at),
            e.event,
            e.opportunity_id.unwrap_or_default(),
            e.candidate.unwrap_or_default(),
            e.flow.as_str().to_string(),
            e.status.as_str().to_string(),
            e.reason.unwrap_or_default(),
            steps,
        ];
        out.push_str(
            &row.iter()
                .map(|f| csv_field(f))
                .collect::<Vec<_>>()
                .join(","),
        );
        out.push('\n');
    }
    Ok(out)
}

/// Quotes a CSV field when needed, and defuses spreadsheet formulas (`=`, `+`, `-`, `@`)
/// that a webhook could smuggle in through a candidate's name.
fn csv_field(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}
