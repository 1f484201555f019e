//! The layering holds by test, not by care: no module of the engine, the relay or the app
//! shell imports one that imports it back (directly or round a longer loop), no module of
//! the engine imports one of a layer above its own (the order `docs/architecture.md`
//! draws, which this file holds it to), and the engine names neither Tauri, clap nor the CLI. Edges are the `crate::…`, `super::…` and
//! `self::…` paths in code (comments and test modules aside), resolved to the deepest
//! module that exists.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

type Module = Vec<String>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let p = e.path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

fn module_of(root: &Path, file: &Path) -> Module {
    let rel = file.strip_prefix(root).unwrap_or(file).with_extension("");
    let mut parts: Module = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    if matches!(
        parts.last().map(String::as_str),
        Some("mod" | "lib" | "main")
    ) {
        parts.pop();
    }
    parts
}

/// The code of a file without comments and without its `#[cfg(test)] mod tests`.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]\nmod tests").next().unwrap_or(text);
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every `crate::a::b`, `super::a` and `self::a` path in the code, as segments; a group
/// (`use super::{a, relay::hook_url}`) gives one path per item.
fn paths(code: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for kw in ["crate::", "super::", "self::"] {
        for (i, _) in code.match_indices(kw) {
            let before = code[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let kind = kw.trim_end_matches("::").to_string();
            for segs in expand(&code[i + kw.len()..]) {
                out.push((kind.clone(), segs));
            }
        }
    }
    out
}

/// The paths a `use` tail names: `a::b` is one, `a::{b, c::d, self}` three (nested groups
/// too).
fn expand(tail: &str) -> Vec<Vec<String>> {
    let head: String = tail
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
        .collect();
    let base: Vec<String> = head
        .split("::")
        .filter(|s| !s.is_empty() && *s != "self")
        .map(str::to_string)
        .collect();
    let rest = &tail[head.len()..];
    if !(head.is_empty() || head.ends_with("::")) || !rest.starts_with('{') {
        return vec![base];
    }
    // The group's items, split at its own commas only.
    let (mut depth, mut start, mut items) = (0usize, 1usize, Vec::new());
    for (k, c) in rest.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    items.push(&rest[start..k]);
                    break;
                }
            }
            ',' if depth == 1 => {
                items.push(&rest[start..k]);
                start = k + 1;
            }
            _ => {}
        }
    }
    let mut out = Vec::new();
    for item in items {
        for segs in expand(item.trim()) {
            let mut p = base.clone();
            p.extend(segs);
            out.push(p);
        }
    }
    if out.is_empty() {
        out.push(base);
    }
    out
}

/// Whether a file holds only tests (`tests.rs`, `*_tests.rs`, declared under
/// `#[cfg(test)]`): a test may put any parts together, so it is not held to the layers.
fn is_test_file(f: &Path) -> bool {
    f.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s == "tests" || s.ends_with("_tests"))
}

fn graph(root: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
    files.retain(|f| !is_test_file(f));
    let mods: BTreeMap<Module, String> = files
        .iter()
        .map(|f| {
            (
                module_of(root, f),
                code(&std::fs::read_to_string(f).unwrap_or_default()),
            )
        })
        .collect();
    let known: BTreeSet<&Module> = mods.keys().collect();
    let mut g = BTreeMap::new();
    for (m, text) in &mods {
        let mut deps = BTreeSet::new();
        for (kind, segs) in paths(text) {
            let mut target: Module = match kind.as_str() {
                "crate" => vec![],
                "super" => m[..m.len().saturating_sub(1)].to_vec(),
                _ => m.clone(),
            };
            target.extend(segs);
            let Some(dep) = (1..=target.len())
                .rev()
                .map(|n| target[..n].to_vec())
                .find(|t| known.contains(t))
            else {
                continue;
            };
            let nested = dep.starts_with(m) || m.starts_with(&dep);
            if !nested {
                deps.insert(dep);
            }
        }
        g.insert(m.clone(), deps);
    }
    g
}

/// A loop in the graph, if there is one.
fn cycle(g: &BTreeMap<Module, BTreeSet<Module>>) -> Option<Vec<Module>> {
    fn visit(
        m: &Module,
        g: &BTreeMap<Module, BTreeSet<Module>>,
        path: &mut Vec<Module>,
        done: &mut BTreeSet<Module>,
    ) -> Option<Vec<Module>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            return Some(path[i..].to_vec());
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.clone());
        for d in g.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, g, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.clone());
        None
    }
    let mut done = BTreeSet::new();
    g.keys()
        .find_map(|m| visit(m, g, &mut Vec::new(), &mut done))
}

/// The engine's layers, bottom first, with their top-level modules: the table in
/// `docs/architecture.md`, which the tests below hold to this list. A module may import its
/// own layer and those below it. The crate root (`lib.rs`, the map) is not a layer, and
/// `crate::Engine` (re-exported there from `engine.rs`) is the handle every layer is given.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "Records",
        &[
            "model",
            "work",
            "settings",
            "score_rules",
            "keys",
            "lenient",
            "webhooks",
            "time",
            "notify",
        ],
    ),
    ("Store", &["store"]),
    ("Privacy", &["privacy"]),
    ("Vendors", &["clients", "vendors", "secrets"]),
    ("Intake", &["intake"]),
    ("Jobs", &["jobs", "flows"]),
    ("Catching up", &["reconcile"]),
    (
        "Use-cases",
        &[
            "setup",
            "history",
            "check",
            "probes",
            "mappings",
            "preview",
            "candidates",
            "status",
            "backup",
        ],
    ),
    ("Team", &["team"]),
    ("Running", &["engine", "supervise", "bindings"]),
];

/// The layer (its place, bottom 0) of a top-level module.
fn layer_of(top: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, mods)| mods.contains(&top))
}

/// Every import of `g` from a module to one of a higher layer, as "from → to" with the
/// layers named. Modules outside every layer are left to
/// [`every_engine_module_has_a_documented_layer`].
fn upward(g: &BTreeMap<Module, BTreeSet<Module>>) -> Vec<String> {
    let mut out = Vec::new();
    for (from, deps) in g {
        let Some(a) = from.first().and_then(|t| layer_of(t)) else {
            continue;
        };
        for to in deps {
            let Some(b) = to.first().and_then(|t| layer_of(t)) else {
                continue;
            };
            if b > a {
                out.push(format!(
                    "{} ({}) → {} ({})",
                    from.join("::"),
                    LAYERS[a].0,
                    to.join("::"),
                    LAYERS[b].0
                ));
            }
        }
    }
    out
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

#[test]
fn no_module_imports_one_that_imports_it_back() {
    for crate_src in ["engine/src", "relay/src", "src-tauri/src"] {
        let g = graph(&workspace().join(crate_src));
        assert!(g.len() > 3, "{crate_src}: no modules found");
        if let Some(c) = cycle(&g) {
            let names: Vec<String> = c.iter().map(|m| m.join("::")).collect();
            panic!("{crate_src}: an import loop: {}", names.join(" → "));
        }
    }
}

#[test]
fn no_engine_module_imports_one_of_a_layer_above_its_own() {
    let up = upward(&graph(&workspace().join("engine/src")));
    assert!(
        up.is_empty(),
        "imports that run up the layers of docs/architecture.md (move the code to the lower \
         layer, or pass what it needs down):\n{}",
        up.join("\n")
    );
}

#[test]
fn every_engine_module_has_a_documented_layer() {
    let g = graph(&workspace().join("engine/src"));
    let doc = std::fs::read_to_string(workspace().join("docs/architecture.md"))
        .unwrap_or_else(|e| panic!("docs/architecture.md: {e}"));
    let tops: BTreeSet<&str> = g
        .keys()
        .filter_map(|m| m.first().map(String::as_str))
        .collect();
    for top in &tops {
        let Some(i) = layer_of(top) else {
            panic!(
                "engine/src/{top} is in no layer: add it to LAYERS in this file and to the \
                 layer table of docs/architecture.md"
            );
        };
        let (name, _) = LAYERS[i];
        let row = doc
            .lines()
            .find(|l| l.starts_with(&format!("| **{name}** |")))
            .unwrap_or_else(|| panic!("docs/architecture.md has no row for the {name} layer"));
        assert!(
            row.contains(&format!("`{top}`")) || row.contains(&format!("`{top}/`")),
            "docs/architecture.md's {name} row does not name `{top}`"
        );
    }
    for (name, mods) in LAYERS {
        for m in *mods {
            assert!(
                tops.contains(m),
                "LAYERS names {m} in {name}, but engine/src has no such module"
            );
        }
    }
}

#[test]
fn a_group_import_names_each_of_its_items() {
    let p = paths(
        "use super::{blocking, relay::hook_url, SetupError};\nuse crate::check::{self, Item};",
    );
    let segs: Vec<String> = p
        .iter()
        .map(|(k, s)| format!("{k}:{}", s.join("::")))
        .collect();
    for want in [
        "super:blocking",
        "super:relay::hook_url",
        "super:SetupError",
        "crate:check",
        "crate:check::Item",
    ] {
        assert!(segs.iter().any(|s| s == want), "{want} not in {segs:?}");
    }
}

#[test]
fn an_import_up_the_layers_is_found() {
    let m = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Module>();
    let g = BTreeMap::from([
        (
            m(&["store", "watch"]),
            BTreeSet::from([m(&["reconcile", "health"])]),
        ),
        (m(&["reconcile"]), BTreeSet::from([m(&["store"])])),
        (m(&["check"]), BTreeSet::from([m(&["setup", "relay"])])),
    ]);
    let up = upward(&g);
    assert_eq!(up.len(), 1, "{up:?}");
    assert!(up[0].starts_with("store::watch (Store) → reconcile::health (Catching up)"));
}

#[test]
fn vendor_clients_are_built_only_in_vendors_rs() {
    // Built anywhere else, a client would miss Lever's shared rate budget or bob's batched
    // lookups, or read its key its own way.
    let root = workspace().join("engine/src");
    let mut files = Vec::new();
    rust_files(&root, &mut files);
    let mut elsewhere = Vec::new();
    for f in files {
        let rel = f.strip_prefix(&root).unwrap_or(&f).to_path_buf();
        if rel.starts_with("clients") || rel == Path::new("vendors.rs") {
            continue;
        }
        let text = code(&std::fs::read_to_string(&f).unwrap_or_default());
        for ctor in ["Lever::new(", "Bob::new(", "Partner::new("] {
            if text.contains(ctor) {
                elsewhere.push(format!("{} builds {ctor}…)", rel.display()));
            }
        }
    }
    assert!(
        elsewhere.is_empty(),
        "vendor clients built outside engine/src/vendors.rs (use Engine::lever, lever_in, \
         lever_setup, bob or partner):\n{}",
        elsewhere.join("\n")
    );
}

#[test]
fn the_engine_names_neither_tauri_nor_clap_nor_the_cli() {
    let mut files = Vec::new();
    rust_files(&workspace().join("engine/src"), &mut files);
    for f in files {
        let text = code(&std::fs::read_to_string(&f).unwrap_or_default());
        for word in ["tauri::", "clap::", "crate::cli", "crate::desktop"] {
            let used = text.match_indices(word).any(|(i, _)| {
                let next = text[i + word.len()..].chars().next();
                word.ends_with("::") || !next.is_some_and(|c| c.is_alphanumeric() || c == '_')
            });
            assert!(!used, "{} uses {word}", f.display());
        }
    }
}

#[test]
fn a_loop_is_found_when_there_is_one() {
    let m = |s: &str| vec![s.to_string()];
    let g = BTreeMap::from([
        (m("a"), BTreeSet::from([m("b")])),
        (m("b"), BTreeSet::from([m("c")])),
        (m("c"), BTreeSet::from([m("a")])),
    ]);
    assert_eq!(cycle(&g).map(|c| c.len()), Some(3));
    let g = BTreeMap::from([
        (m("a"), BTreeSet::from([m("b")])),
        (m("b"), BTreeSet::new()),
    ]);
    assert_eq!(cycle(&g), None);
}
