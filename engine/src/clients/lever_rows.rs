//! The rows of a Lever list, read one by one: a row Hirewire cannot read (no id, an id
//! that is not text, a field of another type) is set aside and named, instead of making
//! the whole list unreadable; a row listed twice (a list that moved while it was paged
//! through) counts once. A catch-up says which rows it skipped ([`Unreadable`]).

use std::collections::HashMap;
use std::fmt;

use serde::de::DeserializeOwned;
use serde_json::Value;

/// A list's readable rows, each id once, and the rows set aside.
#[derive(Debug, Clone, PartialEq)]
pub struct Rows<T> {
    /// The rows read, in Lever's order (a row listed twice: at its first place, as last
    /// listed).
    pub rows: Vec<T>,
    /// The rows that could not be read.
    pub unreadable: Vec<Unreadable>,
    /// How many rows repeated one listed before.
    pub repeated: usize,
}

impl<T> Default for Rows<T> {
    fn default() -> Self {
        Rows {
            rows: Vec::new(),
            unreadable: Vec::new(),
            repeated: 0,
        }
    }
}

impl<T> Rows<T> {
    /// The same rows, each changed by `f`.
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Rows<U> {
        Rows {
            rows: self.rows.into_iter().map(f).collect(),
            unreadable: self.unreadable,
            repeated: self.repeated,
        }
    }
}

/// A row set aside. Only its place, id and what is wrong are kept: the rest may be a
/// person's data (a deleted candidate's name), which a report must not repeat.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unreadable {
    /// Its place in the list (1 = the first row of the first page).
    pub row: usize,
    /// Its id, when it has a usable one.
    pub id: Option<String>,
    /// What is wrong with it, in plain words.
    pub why: String,
}

impl fmt::Display for Unreadable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.id {
            Some(id) => write!(f, "row {} (id {id}): {}", self.row, self.why),
            None => write!(f, "row {}: {}", self.row, self.why),
        }
    }
}

/// Reads each row as a `T` with a non-empty text `id`.
pub fn read<T: DeserializeOwned>(values: Vec<Value>) -> Rows<T> {
    let mut out = Rows::default();
    let mut at: HashMap<String, usize> = HashMap::new();
    for (i, v) in values.into_iter().enumerate() {
        let row = i + 1;
        let id = match id_of(&v) {
            Ok(id) => id,
            Err(why) => {
                out.unreadable.push(Unreadable { row, id: None, why });
                continue;
            }
        };
        let parsed = match serde_json::from_value::<T>(v) {
            Ok(t) => t,
            Err(e) => {
                out.unreadable.push(Unreadable {
                    row,
                    id: Some(id),
                    why: format!("it does not have the shape Lever documents ({})", quiet(&e)),
                });
                continue;
            }
        };
        match at.get(&id) {
            Some(&first) => {
                out.rows[first] = parsed;
                out.repeated += 1;
            }
            None => {
                at.insert(id, out.rows.len());
                out.rows.push(parsed);
            }
        }
    }
    out
}

/// The row's id, or why there is none.
fn id_of(v: &Value) -> Result<String, String> {
    let Some(obj) = v.as_object() else {
        return Err(format!("it is {}, not a record", kind(v)));
    };
    match obj.get("id") {
        None => Err("it has no id".into()),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
        Some(Value::String(_)) => Err("its id is empty".into()),
        Some(other) => Err(format!("its id is {}, not text", kind(other))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "true or false",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a record",
    }
}

/// A parse error without the values it quotes (they may be a person's name).
fn quiet(e: &serde_json::Error) -> String {
    let mut out = String::new();
    let mut quoted = false;
    for ch in e.to_string().chars() {
        if ch == '"' {
            if !quoted {
                out.push('…');
            }
            quoted = !quoted;
        } else if !quoted {
            out.push(ch);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[derive(Debug, Clone, PartialEq, serde::Deserialize)]
    struct Row {
        id: String,
        #[serde(default)]
        n: u64,
    }

    #[test]
    fn a_row_without_a_usable_id_is_set_aside_and_the_rest_is_read() {
        let rows: Rows<Row> = read(vec![
            json!({"id": "a"}),
            json!({"id": null, "name": "Ada Lovelace"}),
            json!({"id": 7}),
            json!({"id": "b", "n": "Grace Hopper"}),
            json!("c"),
            json!({"id": "c"}),
        ]);
        let ids: Vec<&str> = rows.rows.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["a", "c"]);
        let said: Vec<String> = rows.unreadable.iter().map(|u| u.to_string()).collect();
        assert_eq!(said[0], "row 2: its id is null, not text");
        assert_eq!(said[1], "row 3: its id is a number, not text");
        assert!(said[2].starts_with("row 4 (id b): it does not have the shape"));
        assert!(
            !said[2].contains("Grace"),
            "no value is repeated: {}",
            said[2]
        );
        assert_eq!(said[3], "row 5: it is text, not a record");
    }

    #[test]
    fn a_row_listed_twice_counts_once_as_last_listed() {
        let rows: Rows<Row> = read(vec![
            json!({"id": "a", "n": 1}),
            json!({"id": "b"}),
            json!({"id": "a", "n": 2}),
        ]);
        assert_eq!(
            rows.rows,
            vec![
                Row {
                    id: "a".into(),
                    n: 2
                },
                Row {
                    id: "b".into(),
                    n: 0
                }
            ]
        );
        assert_eq!(rows.repeated, 1);
    }

    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_map(|n| json!(n)),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(
                    (prop_oneof![Just("id".to_string()), "[a-z]{1,3}"], inner),
                    0..4
                )
                .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Whatever the rows, nothing panics, every row is either read or named (a repeat
        /// aside), and no id is read twice.
        #[test]
        fn every_row_is_read_once_or_named(values in prop::collection::vec(any_json(), 0..12)) {
            let n = values.len();
            let rows: Rows<Row> = read(values);
            prop_assert_eq!(rows.rows.len() + rows.unreadable.len() + rows.repeated, n);
            let mut ids: Vec<&str> = rows.rows.iter().map(|r| r.id.as_str()).collect();
            ids.sort_unstable();
            ids.dedup();
            prop_assert_eq!(ids.len(), rows.rows.len());
            for u in &rows.unreadable {
                prop_assert!(u.row >= 1 && u.row <= n);
            }
        }
    }
}
