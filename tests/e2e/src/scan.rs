//! Searching files for bytes that must not be there (a name, an email, a secret).

use std::path::Path;

/// Files under `dir` that hold any of `needles` (ASCII case aside), with the needle.
pub fn holding(dir: &Path, needles: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                todo.push(p);
                continue;
            }
            let bytes = std::fs::read(&p).unwrap_or_default();
            for n in needles {
                if holds(&bytes, n) {
                    out.push(format!("{} holds {n:?}", p.display()));
                }
            }
        }
    }
    out
}

/// Whether `haystack` holds `needle` (ASCII case aside).
pub fn holds(haystack: &[u8], needle: &str) -> bool {
    let n = needle.as_bytes();
    !n.is_empty() && haystack.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}
