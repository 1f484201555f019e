//! How records from outside (Lever, bob, the partner, a webhook body) are read: leniently.
//! A field may come as a number or a string, null or missing, an id or an expanded
//! object; each reader here takes what it can and defaults the rest, so that one odd field
//! never refuses a whole record. Used in `#[serde(deserialize_with = "…")]` by the
//! vendors' record types and by intake's envelope.

use serde::{Deserialize, Deserializer};
use serde_json::Value;

/// Reads a number given as a number or a string ("1234"); anything else is `None`.
pub fn number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as u64),
        _ => None,
    })
}

/// Reads a string that may be null or a number.
pub fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    })
}

/// Reads an optional text that may come as a number; anything else is `None`.
pub fn opt_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => Some(s),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// Reads an id given either as a string or as an expanded object with an `id`.
pub fn id_or_object<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) if !s.is_empty() => Some(s),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(str::to_string),
        _ => None,
    })
}

/// Reads a list of texts leniently: numbers become text, anything else is skipped.
pub fn texts<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|v| match v {
                Value::String(s) => Some(s),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            })
            .collect(),
        _ => vec![],
    })
}
