//! Request schemas of the bob endpoints the engine calls, written from bob's published
//! OpenAPI document (the copy in RuBAN-GT/hibob-sdk, `utils/hibob-public-api.generated.yml`
//! at commit c5d6eee, cited below as "YAML" with line numbers) and from apidocs.hibob.com
//! where the YAML says nothing. Paraphrased, not copied. The file has no `operationId`s, so
//! each schema names its path and method instead.
//!
//! Every request on these routes is checked against its schema before anything else; the
//! violations become bob's `400 {"key", "error"}` and are recorded for
//! `FakeBob::schema_violations`.

use serde_json::Value;

use super::jsonschema::{Format, Schema, Type};

/// The most field ids one search may ask for (apidocs.hibob.com/docs/people-read-api-contract:
/// "up to 400 fields"; the YAML gives no `maxItems`).
pub const MAX_SEARCH_FIELDS: usize = 400;

/// `POST /people/search`, body `ReadEmployeesRequestReference` (YAML 7704–7773).
///
/// - `fields`: array of field-id strings (7711–7727); at most 400 (people-read-api-contract).
/// - `filters`: array of `EmployeeFilter` (7728–7755). "Only a single filter" (7731–7732):
///   `maxItems: 1`. An empty array is refused (people-read-api-contract: do not send
///   `filters: []`, leave the property out): `minItems: 1`.
///   - `fieldPath`: only `root.id` or `root.email`, anything else is a 400 (7737–7742).
///   - `operator`: only `equals`, anything else is a 400 (7743–7746).
///   - `values`: array of strings; an empty list is a 400 (7747–7754).
///
///   The YAML marks none of the three required, but a filter without them cannot be
///   anything but a 400 by the same descriptions, so the fake requires them.
/// - `showInactive`: boolean, default false (7756–7761).
/// - `humanReadable`: string, default empty; `APPEND` or `REPLACE`. "An invalid value is
///   ignored and considered empty" (7762–7772): so the fake checks only that it is a string
///   and treats any other value as machine format, rather than refusing it.
pub(crate) fn search() -> Schema {
    let filter = Schema::object(vec![
        (
            "fieldPath",
            Schema::string().one_of(&["root.id", "root.email"]),
        ),
        ("operator", Schema::string().one_of(&["equals"])),
        ("values", Schema::array(Schema::string()).min_items(1)),
    ])
    .required(&["fieldPath", "operator", "values"]);
    Schema::object(vec![
        (
            "fields",
            Schema::array(Schema::string()).max_items(MAX_SEARCH_FIELDS),
        ),
        ("filters", Schema::array(filter).min_items(1).max_items(1)),
        ("showInactive", Schema::of(Type::Boolean)),
        ("humanReadable", Schema::string()),
    ])
}

/// `POST /people`, body `CreateEmployeeRequest` (YAML 8589–8623).
///
/// - required `email`, `firstName`, `surname` (8593–8596), all strings (8598–8608); `email`
///   has `format: email` (8608). Empty names are refused too: bob cannot store them.
/// - `work` (8609–8621): required `site` and `startDate` (8610–8612); `site` a string
///   (8615–8617), `startDate` a string with `format: date` (8618–8621). The YAML does not
///   list `work` itself as required, but `site` and `startDate` are two of the guide's "5
///   required fields" (apidocs.hibob.com/docs/create-employee), so `work` is required.
/// - Other properties are allowed: any field of the fields metadata, nested along its
///   `jsonPath` (8587: "You can include only the fields listed in the Fields Metadata API").
///   The fake checks those against the metadata (`validate.rs`), not here.
pub(crate) fn create() -> Schema {
    let work = Schema::object(vec![
        ("site", Schema::string().not_empty()),
        ("startDate", Schema::date()),
    ])
    .required(&["site", "startDate"]);
    Schema::object(vec![
        ("firstName", Schema::string().not_empty()),
        ("surname", Schema::string().not_empty()),
        ("email", Schema::string().format(Format::Email)),
        ("work", work),
    ])
    .required(&["email", "firstName", "surname", "work"])
}

/// `PUT /people/{identifier}` (YAML 7615–7680): the body is `type: object` with the field
/// values to change, nested as in the search answer (7638–7667); PATCH-like (7620–7622).
/// Answers `200` (7670–7672) or `304` when nothing changed (7673–7677).
pub(crate) fn update() -> Schema {
    Schema::of(Type::Object)
}

/// `POST /people/{id}/work`, body `WorkEntry` = `WorkTableEntry` + columns (YAML 5455–5528).
///
/// - `WorkTableEntry` (5462–5475): required `effectiveDate` (`format: date`, 5471–5474);
///   `id` integer (5465), `reason` string (5468).
/// - `title` (5478–5482) and `department` (5483–5487): strings holding the **id** of the
///   list item (job title list, department list).
/// - `site` string (5488–5492) or `siteId` integer (5493–5497): "you must pass either".
/// - `reportsTo` (5498–5518): object, required `id` (string: the manager's id or email).
/// - `customColumns` object (5523–5525).
///
/// Answers `200` with no body (5529–5532). "Must not conflict with another entry on the
/// same effective date and site" (5456).
pub(crate) fn work_entry() -> Schema {
    let reports_to = Schema::object(vec![
        ("id", Schema::string()),
        ("firstName", Schema::string()),
        ("surname", Schema::string()),
        ("email", Schema::string()),
        ("displayName", Schema::string()),
    ])
    .required(&["id"]);
    Schema::object(vec![
        ("id", Schema::of(Type::Integer)),
        ("reason", Schema::string()),
        ("effectiveDate", Schema::date()),
        ("title", Schema::string()),
        ("department", Schema::string()),
        ("site", Schema::string()),
        ("siteId", Schema::of(Type::Integer)),
        ("reportsTo", reports_to),
        ("customColumns", Schema::of(Type::Object)),
    ])
    .required(&["effectiveDate"])
    .any_of_required(&["site", "siteId"])
}

/// `PUT /people/{id}/work/{entry_id}` (YAML 2214–2327): the same `WorkEntry` body
/// (2245–2317); `entry_id` an integer path parameter (2237–2244). Without the
/// `patchUpdate=true` flag (2222–2227) the whole entry is overwritten and columns left out
/// are cleared (2220–2221); with it, only the given columns change, so only `effectiveDate`
/// is required (bob's changelog "effective date enforced in work table update": required
/// for all update requests). Answers `200`, or `404` when the entry is not found (2318–2324).
pub(crate) fn work_update(patch: bool) -> Schema {
    if patch {
        work_entry().partial().required(&["effectiveDate"])
    } else {
        work_entry()
    }
}

/// The pay periods of a salary entry (YAML 4948–4952).
pub(crate) const PAY_PERIODS: [&str; 5] = ["Annual", "Hourly", "Daily", "Weekly", "Monthly"];
/// The pay frequencies of a salary entry (YAML 4903–4907).
pub(crate) const PAY_FREQUENCIES: [&str; 4] = ["Monthly", "Semi Monthly", "Weekly", "Bi-Weekly"];

/// `POST /people/{id}/salaries`, body `SalaryEntry` (YAML 4877–4961).
///
/// - required `base` and `payPeriod` (4957–4959).
/// - `base` `CurrencyValue` (4935–4947): required `value` (number, double) and `currency`
///   ("three-letter currency code").
/// - `payPeriod`: one of Annual, Hourly, Daily, Weekly, Monthly (4948–4952, in prose).
/// - `payFrequency`: one of Monthly, Semi Monthly, Weekly, Bi-Weekly (4903–4907, in prose).
/// - `effectiveDate`: `format: date`, "a mandatory field" in its description (4953–4956)
///   though not in `required`: the fake requires it (a client that always sends it works
///   either way).
///
/// Answers `200` with no body (4962–4965). "Must not conflict with another entry on the
/// same effective date" (4878).
pub(crate) fn salary() -> Schema {
    let base = Schema::object(vec![
        ("value", Schema::of(Type::Number)),
        ("currency", Schema::string().format(Format::Currency)),
    ])
    .required(&["value", "currency"]);
    Schema::object(vec![
        ("base", base),
        ("payPeriod", Schema::string().one_of(&PAY_PERIODS)),
        ("payFrequency", Schema::string().one_of(&PAY_FREQUENCIES)),
        ("effectiveDate", Schema::date()),
        ("customColumns", Schema::of(Type::Object)),
    ])
    .required(&["base", "payPeriod", "effectiveDate"])
}

/// A query parameter bob declares as `type: boolean`: absent, `true` or `false`.
/// `includeArchived` of `GET /company/named-lists/{listName}` (YAML 5864–5869).
pub(crate) fn boolean_param(name: &str, value: Option<&str>) -> Result<bool, String> {
    match value {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") || v.is_empty() => Ok(false),
        Some(v) => Err(format!("{name}: '{v}' is not a boolean (true or false)")),
    }
}

/// A path parameter bob declares as `type: integer` (`entry_id`, YAML 2237–2244).
pub(crate) fn integer_param(name: &str, value: &str) -> Result<u64, String> {
    value
        .parse()
        .map_err(|_| format!("{name}: '{value}' is not an integer"))
}

/// The body of a JSON request as a value, or the violation of not being JSON.
pub(crate) fn json_body(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("body: not valid JSON ({e})"))
}

// `POST /docs/people/{id}/confidential/upload` (YAML 690–739): `multipart/form-data` with a
// required part `file`, `format: binary` (708–719); answers `200` "Uploaded document ID."
// with no content schema (720–723). 5 MB per file: apidocs.hibob.com/changelog/
// document-upload-file-size-is-now-5mb. Checked in `docs.rs`.
//
// `GET /docs/people/{id}` (YAML 640–689), `GET /company/people/fields` (YAML 6065–6128) and
// `GET /people/{id}/work` (YAML 5317–5443) take no body and only the `id` path parameter, a
// string; `GET /company/named-lists/{listName}` (YAML 5852–5934) takes `listName` and the
// boolean `includeArchived` (checked with `boolean_param`).

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn search_refuses_two_filters_an_empty_list_and_unsupported_paths() {
        let two = json!({"filters": [
            {"fieldPath": "root.email", "operator": "equals", "values": ["a@example.com"]},
            {"fieldPath": "root.id", "operator": "equals", "values": ["1"]},
        ]});
        assert_eq!(
            search().check(&two),
            vec!["filters: allows at most 1 item(s), got 2"]
        );
        assert_eq!(
            search().check(&json!({"filters": []})),
            vec!["filters: needs at least 1 item(s), got 0"]
        );
        let odd =
            json!({"filters": [{"fieldPath": "root.surname", "operator": "like", "values": []}]});
        assert_eq!(search().check(&odd).len(), 3);
        let many: Vec<String> = (0..=MAX_SEARCH_FIELDS).map(|i| format!("f{i}")).collect();
        assert_eq!(search().check(&json!({"fields": many})).len(), 1);
        assert!(search()
            .check(&json!({"humanReadable": "SOMETIMES", "showInactive": true}))
            .is_empty());
    }

    #[test]
    fn work_entries_need_a_date_and_a_site_unless_patched() {
        assert_eq!(
            work_entry().check(&json!({"title": "1"})),
            vec![
                "effectiveDate: is required",
                "body: one of site or siteId is required"
            ]
        );
        assert!(work_entry()
            .check(&json!({"effectiveDate": "2027-02-01", "siteId": 101}))
            .is_empty());
        assert!(work_update(true)
            .check(&json!({"title": "1", "effectiveDate": "2027-01-04"}))
            .is_empty());
        assert_eq!(
            work_update(true).check(&json!({"title": "1"})),
            vec!["effectiveDate: is required"]
        );
        assert_eq!(
            salary().check(&json!({"base": {"value": "1", "currency": "gbp"}, "payPeriod": "Yearly", "effectiveDate": "2027-01-04"})),
            vec![
                "base.value: must be a number, got a string",
                "base.currency: 'gbp' is not a three-letter currency code (ISO 4217, like GBP)",
                "payPeriod: 'Yearly' is not one of Annual, Hourly, Daily, Weekly, Monthly",
            ]
        );
    }
}
