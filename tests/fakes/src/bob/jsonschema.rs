//! The subset of JSON Schema that bob's published OpenAPI document uses for the request
//! bodies the engine sends: `type`, `required`, `properties`, `enum`, `items`,
//! `minItems`/`maxItems`, `format: date` (`YYYY-MM-DD`) and `format: email`, plus the one
//! rule bob writes in prose ("either `site` or `siteId`"). A check returns every
//! violation, each naming the place it was found (`filters[0].operator`).

use serde_json::Value;

use crate::clock::is_ymd;

/// The JSON type a value must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Type {
    Object,
    Array,
    String,
    /// A whole number (`type: integer`).
    Integer,
    /// Any number (`type: number`).
    Number,
    Boolean,
}

impl Type {
    fn name(self) -> &'static str {
        match self {
            Type::Object => "an object",
            Type::Array => "an array",
            Type::String => "a string",
            Type::Integer => "an integer",
            Type::Number => "a number",
            Type::Boolean => "a boolean",
        }
    }

    fn admits(self, v: &Value) -> bool {
        match self {
            Type::Object => v.is_object(),
            Type::Array => v.is_array(),
            Type::String => v.is_string(),
            Type::Integer => v.is_i64() || v.is_u64(),
            Type::Number => v.is_number(),
            Type::Boolean => v.is_boolean(),
        }
    }
}

/// A string format bob's schema names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    /// `format: date`: a calendar date written `YYYY-MM-DD`.
    Date,
    /// `format: email`.
    Email,
    /// "Three-letter currency code" (ISO 4217: three capital letters).
    Currency,
}

/// One schema node. Absent keywords constrain nothing; properties not listed are allowed
/// (bob's schemas declare no `additionalProperties: false`).
#[derive(Debug, Clone, Default)]
pub(crate) struct Schema {
    kind: Option<Type>,
    format: Option<Format>,
    one_of_values: Vec<&'static str>,
    properties: Vec<(&'static str, Schema)>,
    required: Vec<&'static str>,
    /// At least one of these properties must be present.
    any_of_required: Vec<&'static str>,
    items: Option<Box<Schema>>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    not_empty: bool,
}

impl Schema {
    /// A node of this type.
    pub(crate) fn of(kind: Type) -> Schema {
        Schema {
            kind: Some(kind),
            ..Schema::default()
        }
    }

    /// `type: object` with these properties.
    pub(crate) fn object(properties: Vec<(&'static str, Schema)>) -> Schema {
        Schema {
            properties,
            ..Schema::of(Type::Object)
        }
    }

    /// `type: array` of `items`.
    pub(crate) fn array(items: Schema) -> Schema {
        Schema {
            items: Some(Box::new(items)),
            ..Schema::of(Type::Array)
        }
    }

    /// `type: string`.
    pub(crate) fn string() -> Schema {
        Schema::of(Type::String)
    }

    /// `type: string, format: date`.
    pub(crate) fn date() -> Schema {
        Schema::string().format(Format::Date)
    }

    /// Adds a `format`.
    pub(crate) fn format(mut self, f: Format) -> Schema {
        self.format = Some(f);
        self
    }

    /// Adds an `enum`.
    pub(crate) fn one_of(mut self, values: &[&'static str]) -> Schema {
        self.one_of_values = values.to_vec();
        self
    }

    /// Adds `required`.
    pub(crate) fn required(mut self, names: &[&'static str]) -> Schema {
        self.required = names.to_vec();
        self
    }

    /// Requires at least one of `names` (bob's "you must pass either the site or the siteId").
    pub(crate) fn any_of_required(mut self, names: &[&'static str]) -> Schema {
        self.any_of_required = names.to_vec();
        self
    }

    /// Adds `minItems`.
    pub(crate) fn min_items(mut self, n: usize) -> Schema {
        self.min_items = Some(n);
        self
    }

    /// Adds `maxItems`.
    pub(crate) fn max_items(mut self, n: usize) -> Schema {
        self.max_items = Some(n);
        self
    }

    /// A string must not be empty or blank (a required name bob cannot store empty).
    pub(crate) fn not_empty(mut self) -> Schema {
        self.not_empty = true;
        self
    }

    /// The same schema without `required` and the either/or rule, anywhere (a patch).
    pub(crate) fn partial(mut self) -> Schema {
        self.required.clear();
        self.any_of_required.clear();
        self.properties = self
            .properties
            .into_iter()
            .map(|(n, s)| (n, s.partial()))
            .collect();
        self
    }

    /// Every violation of `v`, each prefixed with where it is (`at`; empty is "body").
    pub(crate) fn check(&self, v: &Value) -> Vec<String> {
        let mut out = vec![];
        self.walk(v, "", &mut out);
        out
    }

    fn walk(&self, v: &Value, at: &str, out: &mut Vec<String>) {
        let here = if at.is_empty() { "body" } else { at };
        if let Some(kind) = self.kind {
            if !kind.admits(v) {
                out.push(format!("{here}: must be {}, got {}", kind.name(), shape(v)));
                return;
            }
        }
        if let Value::String(s) = v {
            self.string_rules(s, here, out);
        }
        if let Value::Array(items) = v {
            self.array_rules(items, at, here, out);
        }
        if let Value::Object(m) = v {
            for name in &self.required {
                if m.get(*name).is_none_or(Value::is_null) {
                    out.push(format!("{}: is required", join(at, name)));
                }
            }
            let given = |n: &&str| m.get(*n).is_some_and(|x| !x.is_null());
            if !self.any_of_required.is_empty() && !self.any_of_required.iter().any(given) {
                let names = self.any_of_required.join(" or ");
                out.push(format!("{here}: one of {names} is required"));
            }
            for (name, schema) in &self.properties {
                if let Some(x) = m.get(*name).filter(|x| !x.is_null()) {
                    schema.walk(x, &join(at, name), out);
                }
            }
        }
    }

    fn string_rules(&self, s: &str, here: &str, out: &mut Vec<String>) {
        if self.not_empty && s.trim().is_empty() {
            out.push(format!("{here}: must not be empty"));
        }
        if !self.one_of_values.is_empty() && !self.one_of_values.contains(&s) {
            let allowed = self.one_of_values.join(", ");
            out.push(format!("{here}: '{s}' is not one of {allowed}"));
        }
        let bad = match self.format {
            Some(Format::Date) if !is_ymd(s) => Some("a date written YYYY-MM-DD"),
            Some(Format::Email) if !looks_like_email(s) => Some("an email address"),
            Some(Format::Currency)
                if !(s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())) =>
            {
                Some("a three-letter currency code (ISO 4217, like GBP)")
            }
            _ => None,
        };
        if let Some(want) = bad {
            out.push(format!("{here}: '{s}' is not {want}"));
        }
    }

    fn array_rules(&self, items: &[Value], at: &str, here: &str, out: &mut Vec<String>) {
        if let Some(min) = self.min_items.filter(|m| items.len() < *m) {
            out.push(format!(
                "{here}: needs at least {min} item(s), got {}",
                items.len()
            ));
        }
        if let Some(max) = self.max_items.filter(|m| items.len() > *m) {
            out.push(format!(
                "{here}: allows at most {max} item(s), got {}",
                items.len()
            ));
        }
        if let Some(schema) = &self.items {
            for (i, item) in items.iter().enumerate() {
                schema.walk(
                    item,
                    &format!("{}[{i}]", if at.is_empty() { "body" } else { at }),
                    out,
                );
            }
        }
    }
}

fn join(at: &str, name: &str) -> String {
    if at.is_empty() {
        name.to_string()
    } else {
        format!("{at}.{name}")
    }
}

/// How a value looks, for a message ("a string", "null").
fn shape(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(n) if n.is_f64() => "a decimal number",
        Value::Number(_) => "an integer",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// `local@domain.tld` without spaces: what bob's `format: email` refuses otherwise.
pub(crate) fn looks_like_email(s: &str) -> bool {
    match s.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reports_every_violation_with_its_place() {
        let s = Schema::object(vec![
            (
                "filters",
                Schema::array(
                    Schema::object(vec![("operator", Schema::string().one_of(&["equals"]))])
                        .required(&["operator"]),
                )
                .min_items(1)
                .max_items(1),
            ),
            ("when", Schema::date()),
            ("n", Schema::of(Type::Integer)),
        ])
        .any_of_required(&["a", "b"]);
        let got = s.check(&json!({
            "filters": [{"operator": "like"}, {}], "when": "04/01/2027", "n": 1.5,
        }));
        assert_eq!(
            got,
            vec![
                "body: one of a or b is required",
                "filters: allows at most 1 item(s), got 2",
                "filters[0].operator: 'like' is not one of equals",
                "filters[1].operator: is required",
                "when: '04/01/2027' is not a date written YYYY-MM-DD",
                "n: must be an integer, got a decimal number",
            ]
        );
        assert!(s.clone().partial().check(&json!({})).is_empty());
        assert_eq!(
            Schema::object(vec![]).check(&json!([])),
            vec!["body: must be an object, got an array"]
        );
    }
}
