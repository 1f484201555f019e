//! bob's named lists: items with an id (a number for some lists, text for others: "the
//! item ID may be textual or numeric depending on the list type", YAML 5872), a value, a
//! name, an archived flag and nested children (YAML 5870–5932). Served by
//! `GET /company/named-lists/{listName}`, archived items only with `?includeArchived=true`;
//! used to check what create and the work-entry endpoints write into list fields.

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Uri};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};

use super::openapi::boolean_param;
use super::routes::{error, gate, refuse, LISTS};
use super::Shared;

/// A list item's id: bob answers a number for some lists and a string for others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemId {
    /// A numeric id (`"id": 101`).
    Num(u64),
    /// A textual id (`"id": "302"`).
    Text(String),
}

impl ItemId {
    /// The id as JSON, number or string as the list has it.
    pub fn to_json(&self) -> Value {
        match self {
            ItemId::Num(n) => json!(n),
            ItemId::Text(s) => json!(s),
        }
    }
}

impl std::fmt::Display for ItemId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ItemId::Num(n) => write!(f, "{n}"),
            ItemId::Text(s) => f.write_str(s),
        }
    }
}

impl From<u64> for ItemId {
    fn from(n: u64) -> Self {
        ItemId::Num(n)
    }
}

impl From<&str> for ItemId {
    fn from(s: &str) -> Self {
        ItemId::Text(s.to_string())
    }
}

impl From<String> for ItemId {
    fn from(s: String) -> Self {
        ItemId::Text(s)
    }
}

/// An item of a named list (`ListItem`/`NestedListItem`, YAML 5884–5928).
#[derive(Debug, Clone, PartialEq)]
pub struct BobListItem {
    /// Internal id.
    pub id: ItemId,
    /// Value (the fake keeps it equal to the name).
    pub value: String,
    /// Display name.
    pub name: String,
    /// Archived: "not available for selection", hidden unless `includeArchived=true`.
    pub archived: bool,
    /// Nested items (department trees).
    pub children: Vec<BobListItem>,
}

impl BobListItem {
    /// An active item without children; `value` is the name.
    pub fn new(id: impl Into<ItemId>, name: &str) -> Self {
        BobListItem {
            id: id.into(),
            value: name.to_string(),
            name: name.to_string(),
            archived: false,
            children: vec![],
        }
    }

    /// The same item with these children.
    pub fn with_children(mut self, children: Vec<BobListItem>) -> Self {
        self.children = children;
        self
    }

    /// The same item, archived.
    pub fn archived(mut self) -> Self {
        self.archived = true;
        self
    }

    fn render(&self, include_archived: bool) -> Value {
        json!({
            "id": self.id.to_json(), "value": self.value, "name": self.name,
            "archived": self.archived, "children": render(&self.children, include_archived),
        })
    }
}

/// Under which key `GET /company/named-lists/{list}` puts the items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListKey {
    /// `items`, as bob's published schema has it (YAML 5881). The default.
    #[default]
    Items,
    /// `values`, as some clients were seen reading.
    Values,
}

/// Which form of a list item a write accepts for a list-valued field: unverified for
/// `POST /people` (bob's create guide writes display values; the work-entry schema says ids).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListValues {
    /// The item's display name (or value), as the create guide's example writes it.
    #[default]
    Name,
    /// The item's id.
    Id,
    /// Either.
    Either,
}

/// Named lists by name.
pub(crate) type Lists = BTreeMap<String, Vec<BobListItem>>;

/// Every item of a tree, parents before their children.
pub(crate) fn flatten(items: &[BobListItem]) -> Vec<&BobListItem> {
    let mut out = vec![];
    for i in items {
        out.push(i);
        out.extend(flatten(&i.children));
    }
    out
}

/// The item with this id anywhere in the tree.
pub(crate) fn find_mut<'a>(items: &'a mut [BobListItem], id: &str) -> Option<&'a mut BobListItem> {
    for i in items {
        if i.id.to_string() == id {
            return Some(i);
        }
        if let Some(found) = find_mut(&mut i.children, id) {
            return Some(found);
        }
    }
    None
}

/// A list value as text (a number given for an id is accepted as its digits).
pub(crate) fn as_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The item of `list` with this id, else this name, archived or not (for showing a
/// stored value in another form).
pub(crate) fn resolve<'a>(lists: &'a Lists, list: &str, given: &str) -> Option<&'a BobListItem> {
    let items = flatten(lists.get(list).map(Vec::as_slice).unwrap_or_default());
    let by_id = items.iter().find(|i| i.id.to_string() == given);
    by_id
        .or_else(|| items.iter().find(|i| i.name == given || i.value == given))
        .copied()
}

/// The active item of `list` that `given` names in the form `by`; else why not, in words.
pub(crate) fn lookup<'a>(
    lists: &'a Lists,
    list: &str,
    given: &str,
    by: ListValues,
) -> Result<&'a BobListItem, String> {
    let items = flatten(lists.get(list).map(Vec::as_slice).unwrap_or_default());
    let by_id = |i: &&BobListItem| i.id.to_string() == given;
    let by_name = |i: &&BobListItem| i.name == given || i.value == given;
    let found = match by {
        ListValues::Id => items.iter().copied().find(by_id),
        ListValues::Name => items.iter().copied().find(by_name),
        ListValues::Either => items
            .iter()
            .copied()
            .find(by_id)
            .or_else(|| items.iter().copied().find(by_name)),
    };
    match found {
        Some(i) if i.archived => Err(format!(
            "'{given}' is archived in the list '{list}' and cannot be selected"
        )),
        Some(i) => Ok(i),
        None => {
            let hint = match by {
                ListValues::Id => items
                    .iter()
                    .find(|i| i.name.eq_ignore_ascii_case(given))
                    .map(|i| format!(" ('{}' has id {})", i.name, i.id)),
                ListValues::Name => items
                    .iter()
                    .copied()
                    .find(by_id)
                    .map(|i| format!(" ({given} is the id of '{}': write its name)", i.name))
                    .or_else(|| {
                        items
                            .iter()
                            .find(|i| i.name.eq_ignore_ascii_case(given))
                            .map(|i| format!(" (did you mean '{}'?)", i.name))
                    }),
                ListValues::Either => None,
            };
            let what = if by == ListValues::Id {
                "an item id"
            } else {
                "an item"
            };
            Err(format!(
                "'{given}' is not {what} of the list '{list}'{}",
                hint.unwrap_or_default()
            ))
        }
    }
}

/// A tree as bob answers it, archived items left out unless asked for.
pub(crate) fn render(items: &[BobListItem], include_archived: bool) -> Vec<Value> {
    items
        .iter()
        .filter(|i| include_archived || !i.archived)
        .map(|i| i.render(include_archived))
        .collect()
}

/// `GET /company/named-lists/{listName}[?includeArchived=true]` →
/// `{"name", "items": [{id, value, name, archived, children}]}` (`values` when switched).
pub(crate) async fn named_list(
    State(s): State<Shared>,
    h: HeaderMap,
    uri: Uri,
    Path(list): Path<String>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let mut d = match gate(&s, &h, LISTS) {
        Ok(d) => d,
        Err(r) => return r,
    };
    let include = match boolean_param(
        "includeArchived",
        q.get("includeArchived").map(String::as_str),
    ) {
        Ok(b) => b,
        Err(v) => return refuse(&mut d, "GET", &uri, vec![v]),
    };
    let key = match d.switches.list_key {
        ListKey::Items => "items",
        ListKey::Values => "values",
    };
    match d.lists.get(&list) {
        Some(items) => Json(json!({"name": list, key: render(items, include)})).into_response(),
        None => error(404, &format!("List {list} not found")),
    }
}

/// The lists a fresh fake bob has. `site`, `title` and `department` have numeric ids (bob's
/// `siteId` is an integer); `department` is nested and `title` and `department` have an
/// archived item; `tshirt` has textual ids.
pub(crate) fn demo_lists() -> Lists {
    let item = BobListItem::new;
    BTreeMap::from([
        (
            "site".to_string(),
            vec![
                item(101u64, "London"),
                item(102u64, "Berlin"),
                item(103u64, "New York"),
            ],
        ),
        (
            "title".to_string(),
            vec![
                item(401u64, "Software Engineer"),
                item(402u64, "Product Designer"),
                item(403u64, "Engineering Manager"),
                item(404u64, "Account Executive"),
                item(409u64, "Programmer").archived(),
            ],
        ),
        (
            "department".to_string(),
            vec![
                item(201u64, "Engineering").with_children(vec![
                    item(211u64, "Backend"),
                    item(212u64, "Frontend"),
                    item(219u64, "Mainframe").archived(),
                ]),
                item(202u64, "Design"),
                item(203u64, "Sales"),
                item(209u64, "Operations").archived(),
            ],
        ),
        (
            "tshirt".to_string(),
            vec![
                BobListItem::new("301", "S"),
                BobListItem::new("302", "M"),
                BobListItem::new("303", "L"),
            ],
        ),
    ])
}
