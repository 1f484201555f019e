//! Lever's records as the flows read them. Parsing is lenient: every field has a default,
//! numbers may come as strings, and objects may come as bare ids (`expand` not applied).

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `GET /opportunities/{id}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase", from = "RawOpportunity")]
pub struct Opportunity {
    /// Opportunity id.
    pub id: String,
    /// Candidate name.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub name: String,
    /// Contact id.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub contact: String,
    /// Email addresses.
    pub emails: Vec<String>,
    /// Phones.
    pub phones: Vec<Phone>,
    /// Where the candidate lives (Lever: the contact's current location). Never a bob site.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub location: String,
    /// The posting location of this opportunity, if Lever has one ("unspecified" counts
    /// as none).
    pub opportunity_location: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Current stage id.
    #[serde(deserialize_with = "crate::lenient::id_or_object")]
    pub stage: Option<String>,
    /// Archive state.
    pub archived: Option<Archived>,
    /// Applications (ids, or objects with `posting` when expanded).
    pub applications: Vec<Value>,
    /// Links.
    pub urls: Urls,
    /// Lever removed the candidate's personal data.
    pub is_anonymized: bool,
    /// `confidential` or `non-confidential`.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub confidentiality: String,
}

/// The opportunity as Lever may send it: the archive state either as an `archived`
/// object (Lever's field list) or as top-level `archivedAt`/`archiveReason` (Lever's own
/// examples); the posting location as `opportunityLocation` (or `oppoLocation`, as one
/// client library names it).
#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RawOpportunity {
    id: String,
    #[serde(deserialize_with = "crate::lenient::text")]
    name: String,
    #[serde(deserialize_with = "crate::lenient::text")]
    contact: String,
    #[serde(deserialize_with = "crate::lenient::texts")]
    emails: Vec<String>,
    phones: Vec<Phone>,
    #[serde(deserialize_with = "crate::lenient::text")]
    location: String,
    #[serde(deserialize_with = "crate::lenient::opt_text")]
    opportunity_location: Option<String>,
    #[serde(deserialize_with = "crate::lenient::opt_text")]
    oppo_location: Option<String>,
    #[serde(deserialize_with = "crate::lenient::texts")]
    tags: Vec<String>,
    #[serde(deserialize_with = "crate::lenient::id_or_object")]
    stage: Option<String>,
    archived: Option<Archived>,
    #[serde(deserialize_with = "crate::lenient::number")]
    archived_at: Option<u64>,
    #[serde(deserialize_with = "crate::lenient::id_or_object")]
    archive_reason: Option<String>,
    applications: Vec<Value>,
    urls: Urls,
    is_anonymized: bool,
    #[serde(deserialize_with = "crate::lenient::text")]
    confidentiality: String,
}

impl From<RawOpportunity> for Opportunity {
    fn from(r: RawOpportunity) -> Self {
        let archived = r.archived.or_else(|| {
            (r.archived_at.is_some() || r.archive_reason.is_some()).then(|| Archived {
                archived_at: r.archived_at,
                reason: r.archive_reason.clone(),
            })
        });
        let opportunity_location = r
            .opportunity_location
            .or(r.oppo_location)
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty() && !l.eq_ignore_ascii_case("unspecified"));
        Opportunity {
            id: r.id,
            name: r.name,
            contact: r.contact,
            emails: r.emails,
            phones: r.phones,
            location: r.location,
            opportunity_location,
            tags: r.tags,
            stage: r.stage,
            archived,
            applications: r.applications,
            urls: r.urls,
            is_anonymized: r.is_anonymized,
            confidentiality: r.confidentiality,
        }
    }
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
    #[serde(rename = "type", deserialize_with = "crate::lenient::text")]
    pub kind: String,
    /// The number.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub value: String,
}

/// `archived`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Archived {
    /// When (ms).
    #[serde(deserialize_with = "crate::lenient::number")]
    pub archived_at: Option<u64>,
    /// Archive reason id.
    #[serde(deserialize_with = "crate::lenient::id_or_object")]
    pub reason: Option<String>,
}

/// `urls`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Urls {
    /// The candidate's page in Lever.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub show: String,
}

/// `GET /postings/{id}`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Posting {
    /// Posting id.
    pub id: String,
    /// Job title.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub text: String,
    /// Team, department, location, commitment.
    pub categories: Categories,
}

/// Posting categories.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Categories {
    /// Team.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub team: String,
    /// Department.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub department: String,
    /// Location.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub location: String,
    /// Commitment (full-time, …).
    #[serde(deserialize_with = "crate::lenient::text")]
    pub commitment: String,
}

/// `GET /opportunities/{id}/offers` item.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct Offer {
    /// Offer id.
    pub id: String,
    /// draft, approval-sent, approved, sent, sent-manually, opened, denied, signed.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub status: String,
    /// Created (ms).
    #[serde(deserialize_with = "crate::lenient::number")]
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
    #[serde(deserialize_with = "crate::lenient::text")]
    pub text: String,
    /// Identifier (`custom_equity`, `anticipated_start_date`).
    #[serde(deserialize_with = "crate::lenient::text")]
    pub identifier: String,
    /// Value: text, number (dates in ms), or user id.
    pub value: Value,
}

/// `sentDocument` / `signedDocument`.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default, rename_all = "camelCase")]
pub struct OfferDocument {
    /// File name.
    #[serde(deserialize_with = "crate::lenient::text")]
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
    #[serde(deserialize_with = "crate::lenient::text")]
    pub name: String,
    /// Extension.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub ext: String,
    /// Size in bytes.
    #[serde(deserialize_with = "crate::lenient::number")]
    pub size: Option<u64>,
}

/// `GET /opportunities/{id}/files` item (numbers may be strings).
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct LeverFile {
    /// File id.
    pub id: String,
    /// Name.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub name: String,
    /// Extension.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub ext: String,
    /// Size in bytes.
    #[serde(deserialize_with = "crate::lenient::number")]
    pub size: Option<u64>,
}

/// `{id, text}` of stages; `{id, text, type}` of archive reasons.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ts_rs::TS)]
#[serde(default)]
pub struct Named {
    /// Id.
    pub id: String,
    /// Display text.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub text: String,
    /// Archive reasons: hired | non-hired.
    #[serde(rename = "type", deserialize_with = "crate::lenient::text")]
    pub kind: String,
}

/// `GET /tags` item.
#[derive(Debug, Clone, Default, Deserialize, Serialize, ts_rs::TS)]
#[serde(default)]
pub struct Tag {
    /// The tag.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub text: String,
    /// How many candidates carry it.
    #[serde(deserialize_with = "crate::lenient::number")]
    pub count: Option<u64>,
}

/// `GET /opportunities/{id}/notes` item. The note's words are in `fields[].value`; the
/// top-level `text` is the note form's title ("Note"), not the note.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct Note {
    /// Note id.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub id: String,
    /// The note form's title.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub text: String,
    /// Its fields (one per comment of a thread).
    pub fields: Vec<NoteField>,
    /// When a recruiter deleted it (ms); Lever still lists it.
    #[serde(rename = "deletedAt", deserialize_with = "crate::lenient::number")]
    pub deleted_at: Option<u64>,
}

/// One field of a note.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct NoteField {
    /// `note`.
    #[serde(rename = "type", deserialize_with = "crate::lenient::text")]
    pub kind: String,
    /// The field's label ("Comment").
    #[serde(deserialize_with = "crate::lenient::text")]
    pub text: String,
    /// The note's words.
    #[serde(deserialize_with = "crate::lenient::text")]
    pub value: String,
}

impl Note {
    /// Whether this note is still there and says exactly `words` (in any of its fields): a
    /// note a recruiter deleted says nothing any more.
    pub fn says(&self, words: &str) -> bool {
        self.deleted_at.is_none() && self.fields.iter().any(|f| f.value == words)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_are_matched_on_their_fields_value_not_the_form_title() {
        let n: Note = serde_json::from_str(
            r#"{"id":"n1","text":"Note","fields":[{"type":"note","text":"Comment","value":"invite sent"}]}"#,
        )
        .unwrap_or_default();
        assert!(n.says("invite sent"));
        assert!(!n.says("Note"));
        let gone: Note = serde_json::from_str(
            r#"{"id":"n1","text":"Note","deletedAt":1700000000000,"fields":[{"type":"note","text":"Comment","value":"invite sent"}]}"#,
        )
        .unwrap_or_default();
        assert!(!gone.says("invite sent"), "a deleted note is not the note");
    }

    #[test]
    fn both_archive_shapes_and_the_posting_location_parse() {
        let nested: Opportunity = serde_json::from_str(
            r#"{"id":"o","archived":{"archivedAt":1700000000000,"reason":"r1"},"location":"Brighton","opportunityLocation":"London"}"#,
        )
        .unwrap_or_default();
        let top: Opportunity = serde_json::from_str(
            r#"{"id":"o","archivedAt":1700000000000,"archiveReason":"r1","oppoLocation":"unspecified"}"#,
        )
        .unwrap_or_default();
        for o in [&nested, &top] {
            let a = o.archived.clone().unwrap_or_default();
            assert_eq!(
                (a.archived_at, a.reason.as_deref()),
                (Some(1_700_000_000_000), Some("r1"))
            );
        }
        assert_eq!(nested.opportunity_location.as_deref(), Some("London"));
        assert_eq!(nested.location, "Brighton");
        assert_eq!(top.opportunity_location, None, "unspecified is no location");
    }

    mod props {
        use super::super::*;
        use proptest::prelude::*;

        fn json() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
                    .map(Value::Number)
                    .unwrap_or(Value::Null)),
                any::<i64>().prop_map(|n| Value::Number(n.into())),
                ".{0,12}".prop_map(Value::String),
            ];
            leaf.prop_recursive(3, 24, 6, |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    proptest::collection::btree_map("(id|name|emails|archived|archivedAt|archiveReason|reason|fields|value|size|offers|status|createdAt|phones|tags|applications|posting|text)", inner, 0..6)
                        .prop_map(|m| Value::Object(m.into_iter().collect())),
                ]
            })
        }

        proptest! {
            #[test]
            fn any_json_is_read_leniently_or_refused_never_a_panic(v in json()) {
                let text = v.to_string();
                let _ = serde_json::from_str::<Opportunity>(&text);
                let _ = serde_json::from_str::<Offer>(&text);
                let _ = serde_json::from_str::<Note>(&text);
                let _ = serde_json::from_str::<LeverFile>(&text);
                let _ = serde_json::from_str::<Resume>(&text);
                let _ = serde_json::from_str::<Posting>(&text);
                let _ = serde_json::from_str::<Named>(&text);
                if let Ok(o) = serde_json::from_str::<Opportunity>(&text) {
                    let _ = (o.email(), o.split_name(), o.posting_id());
                }
            }
        }
    }

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
