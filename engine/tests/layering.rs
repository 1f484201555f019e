//! The layering holds by test, not by care: no module of the engine, the relay or the app
//! shell imports one that imports it back (directly or round a longer loop), and the engine
//! names neither Tauri, clap nor the CLI. Edges are the `crate::…`, `super::…` and
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

/// Every `crate::a::b`, `super::a` and `self::a` path in the code, as segments.
fn paths(code: &str) -> Vec<(String, Vec<String>)> {
    let mut out = Vec::new();
    for kw in ["crate::", "super::", "self::"] {
        for (i, _) in code.match_indices(kw) {
            let before = code[..i].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let rest: String = code[i + kw.len()..]
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':')
                .collect();
            let segs = rest
                .split("::")
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            out.push((kw.trim_end_matches("::").to_string(), segs));
        }
    }
    out
}

fn graph(root: &Path) -> BTreeMap<Module, BTreeSet<Module>> {
    let mut files = Vec::new();
    rust_files(root, &mut files);
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
