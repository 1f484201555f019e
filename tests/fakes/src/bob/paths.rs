//! bob's field paths: `root.email`, `work.site`, `/work/startDate` and
//! `payroll.custom.field_…` all name a place in an employee's JSON; `root` is the top.

use serde_json::{Map, Value};

use super::BobField;

/// The segments of a field reference; a known field id resolves to its `jsonPath`.
pub(crate) fn resolve(fields: &[BobField], reference: &str) -> Vec<String> {
    let raw = fields
        .iter()
        .find(|f| f.id == reference)
        .map(|f| f.json_path.as_str())
        .filter(|p| !p.is_empty())
        .unwrap_or(reference);
    segments(raw)
}

/// Splits on `.` and `/`, dropping empty parts and a leading `root`.
pub(crate) fn segments(path: &str) -> Vec<String> {
    let mut segs: Vec<String> = path
        .split(['.', '/'])
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect();
    if segs.first().is_some_and(|s| s == "root") {
        segs.remove(0);
    }
    segs
}

/// The value at `segs` (`None` when absent; the empty path is the whole value).
pub(crate) fn get<'v>(v: &'v Value, segs: &[String]) -> Option<&'v Value> {
    segs.iter().try_fold(v, |node, seg| node.get(seg.as_str()))
}

/// Writes `value` at `segs`, creating objects on the way (a non-object in the way is
/// replaced, as a nested write over a plain value replaces it).
pub(crate) fn set(v: &mut Value, segs: &[String], value: Value) {
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut node = v;
    for seg in parents {
        if !node.is_object() {
            *node = Value::Object(Map::new());
        }
        let Value::Object(m) = node else {
            return;
        };
        node = m
            .entry(seg.clone())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    if let Value::Object(m) = node {
        m.insert(last.clone(), value);
    }
}

/// Removes the value at `segs`, if there.
pub(crate) fn remove(v: &mut Value, segs: &[String]) {
    let Some((last, parents)) = segs.split_last() else {
        return;
    };
    let mut node = v;
    for seg in parents {
        match node.get_mut(seg.as_str()) {
            Some(next) => node = next,
            None => return,
        }
    }
    if let Value::Object(m) = node {
        m.remove(last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn root_is_the_top_and_both_separators_work() {
        assert_eq!(segments("root.email"), vec!["email"]);
        assert_eq!(segments("/work/startDate"), vec!["work", "startDate"]);
        let mut v = json!({"id": "1"});
        set(&mut v, &segments("payroll.custom.field_1"), json!("0.1%"));
        assert_eq!(
            v,
            json!({"id": "1", "payroll": {"custom": {"field_1": "0.1%"}}})
        );
        assert_eq!(
            get(&v, &segments("/payroll/custom/field_1")),
            Some(&json!("0.1%"))
        );
        remove(&mut v, &segments("payroll.custom.field_1"));
        assert_eq!(v, json!({"id": "1", "payroll": {"custom": {}}}));
    }
}
