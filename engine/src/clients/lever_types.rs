//! Lever's records as the flows read them. Parsing is lenient: every field has a default,
//! numbers may come as strings, and objects may come as bare ids (`expand` not applied).

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::Value;

/// Reads a number given as a number or a string ("1234"); anything else is `None`.
pub fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| n.as_f64().map(|f| f as u64)),
        Value::String(s) => s.trim().parse::<f64>().ok().map(|f| f as u64),
        _ => None,
    })
}

/// Reads a string that may be null or a number.
pub fn lenient_string<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::String(s) => s,
        Value::Number(n) => n.to_string(),
        _ => String::new(),
    })
}

/// Reads an optional text that may come as a number; anything else is `None`.
pub fn lenient_opt_string<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
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

/// `GET /opportunities/{id}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Opportunity {
    /// Opportunity id.
    pub id: String,
    /// Candidate name.
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    /// Contact id.
    #[serde(deserialize_with = "lenient_string")]
    pub contact: String,
    /// Email addresses.
    pub emails: Vec<String>,
    /// Phones.
    pub phones: Vec<Phone>,
    /// Location text.
    #[serde(deserialize_with = "lenient_string")]
    pub location: String,
    /// Tags.
    pub tags: Vec<String>,
    /// Current stage id.
    #[serde(deserialize_with = "id_or_object")]
    pub stage: Option<String>,
    /// Archive state.
    pub archived: Option<Archived>,
    /// Applications (ids, or objects with `posting` when expanded).
    pub applications: Vec<Value>,
    /// Links.
    pub urls: Urls,
}

impl Opportunity {
    /// The posting of the first application, whichever form it came in.
    pub fn posting_id(&self) -> Option<String> {
        self.applications
            .iter()
            .find_map(|a| match a.get("posting") {
                Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                Some(Value::Object(o)) => o.get("id").and_then(Value::as_str).map(str::to_string),
                _ => None,
            })
    }

    /// The first email, trimmed.
    pub fn email(&self) -> Option<String> {
        self.emails
            .iter()
            .map(|e| e.trim())
            .find(|e| e.contains('@'))
            .map(str::to_string)
    }

    /// First name and surname from the display name ("Ada King Lovelace" → "Ada", "King Lovelace").
    pub fn split_name(&self) -> (String, String) {
        let name = self.name.trim();
        match name.split_once(char::is_whitespace) {
            Some((first, rest)) => (first.to_string(), rest.trim().to_string()),
            None => (name.to_string(), String::new()),
        }
    }
}

/// A phone number.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Phone {
    /// Kind (mobile, work, …).
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub kind: String,
    /// The number.
    #[serde(deserialize_with = "lenient_string")]
    pub value: String,
}

/// `archived`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Archived {
    /// When (ms).
    #[serde(deserialize_with = "lenient_u64")]
    pub archived_at: Option<u64>,
    /// Archive reason id.
    #[serde(deserialize_with = "id_or_object")]
    pub reason: Option<String>,
}

/// `urls`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Urls {
    /// The candidate's page in Lever.
    #[serde(deserialize_with = "lenient_string")]
    pub show: String,
}

/// `GET /postings/{id}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Posting {
    /// Posting id.
    pub id: String,
    /// Job title.
    #[serde(deserialize_with = "lenient_string")]
    pub text: String,
    /// Team, department, location, commitment.
    pub categories: Categories,
}

/// Posting categories.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Categories {
    /// Team.
    #[serde(deserialize_with = "lenient_string")]
    pub team: String,
    /// Department.
    #[serde(deserialize_with = "lenient_string")]
    pub department: String,
    /// Location.
    #[serde(deserialize_with = "lenient_string")]
    pub location: String,
    /// Commitment (full-time, …).
    #[serde(deserialize_with = "lenient_string")]
    pub commitment: String,
}

/// `GET /opportunities/{id}/offers` item.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Offer {
    /// Offer id.
    pub id: String,
    /// draft, approval-sent, approved, sent, sent-manually, opened, denied, signed.
    #[serde(deserialize_with = "lenient_string")]
    pub status: String,
    /// Created (ms).
    #[serde(deserialize_with = "lenient_u64")]
    pub created_at: Option<u64>,
    /// Offer fields, custom ones included.
    pub fields: Vec<OfferField>,
    /// The document as sent.
    pub sent_document: Option<OfferDocument>,
    /// The document as signed.
    pub signed_document: Option<OfferDocument>,
}

impl Offer {
    /// How far along the offer is: the hire uses the most advanced one.
    pub fn rank(&self) -> u8 {
        match self.status.as_str() {
            "signed" => 6,
            "opened" => 5,
            "sent" | "sent-manually" => 4,
            "approved" => 3,
            "approval-sent" => 2,
            "draft" => 1,
            _ => 0,
        }
    }

    /// A field's value by identifier.
    pub fn field(&self, identifier: &str) -> Option<&Value> {
        self.fields
            .iter()
            .find(|f| f.identifier == identifier)
            .map(|f| &f.value)
            .filter(|v| !v.is_null())
    }
}

/// One offer field.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct OfferField {
    /// Display name ("Equity").
    #[serde(deserialize_with = "lenient_string")]
    pub text: String,
    /// Identifier (`custom_equity`, `anticipated_start_date`).
    #[serde(deserialize_with = "lenient_string")]
    pub identifier: String,
    /// Value: text, number (dates in ms), or user id.
    pub value: Value,
}

/// `sentDocument` / `signedDocument`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OfferDocument {
    /// File name.
    #[serde(deserialize_with = "lenient_string")]
    pub file_name: String,
}

/// `GET /opportunities/{id}/resumes` item; `file` can be absent.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Resume {
    /// Resume id.
    pub id: String,
    /// The file, if Lever has one.
    pub file: Option<FileInfo>,
}

/// A resume's file.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct FileInfo {
    /// Name.
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    /// Extension.
    #[serde(deserialize_with = "lenient_string")]
    pub ext: String,
    /// Size in bytes.
    #[serde(deserialize_with = "lenient_u64")]
    pub size: Option<u64>,
}

/// `GET /opportunities/{id}/files` item (numbers may be strings).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LeverFile {
    /// File id.
    pub id: String,
    /// Name.
    #[serde(deserialize_with = "lenient_string")]
    pub name: String,
    /// Extension.
    #[serde(deserialize_with = "lenient_string")]
    pub ext: String,
    /// Size in bytes.
    #[serde(deserialize_with = "lenient_u64")]
    pub size: Option<u64>,
}

/// `{id, text}` of stages; `{id, text, type}` of archive reasons.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Named {
    /// Id.
    pub id: String,
    /// Display text.
    #[serde(deserialize_with = "lenient_string")]
    pub text: String,
    /// Archive reasons: hired | non-hired.
    #[serde(rename = "type", deserialize_with = "lenient_string")]
    pub kind: String,
}

/// `GET /tags` item.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Tag {
    /// The tag.
    #[serde(deserialize_with = "lenient_string")]
    pub text: String,
    /// How many candidates carry it.
    #[serde(deserialize_with = "lenient_u64")]
    pub count: Option<u64>,
}

/// `GET /opportunities/{id}/notes` item.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Note {
    /// Note id.
    pub id: String,
    /// Text (`value`, or `text` in some answers).
    #[serde(deserialize_with = "lenient_string")]
    pub value: String,
    /// Alternative text field.
    #[serde(deserialize_with = "lenient_string")]
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quirky_shapes_parse() {
        let f: LeverFile = serde_json::from_str(
            r#"{"id":"f1","name":"p.pdf","size":"1234","uploadedAt":"1700000000000"}"#,
        )
        .unwrap_or_default();
        assert_eq!(f.size, Some(1234));
        let r: Resume = serde_json::from_str(r#"{"id":"r1"}"#).unwrap_or_default();
        assert!(r.file.is_none());
        let o: Opportunity = serde_json::from_str(
            r#"{"id":"o","name":"Ada King Lovelace","stage":{"id":"s1","text":"x"},"applications":[{"id":"a","posting":"p1"}],"unknown":1}"#,
        )
        .unwrap_or_default();
        assert_eq!(o.stage.as_deref(), Some("s1"));
        assert_eq!(o.posting_id().as_deref(), Some("p1"));
        assert_eq!(
            o.split_name(),
            ("Ada".to_string(), "King Lovelace".to_string())
        );
    }
}
