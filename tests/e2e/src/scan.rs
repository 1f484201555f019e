//! Searching files for bytes that must not be there (a name, an email, a secret).

use std::path::Path;

/// Files under `dir` that hold any of `needles` (ASCII case aside), with the needle.
pub fn holding(dir: &Path, needles: &[&str]) -> Vec<String> {
    let raw: Vec<&[u8]> = needles.iter().map(|n| n.as_bytes()).collect();
    holding_bytes(dir, &raw)
}

/// Files under `dir` that hold any of `needles` (ASCII case aside; a key or password is
/// raw bytes), with the needle.
pub fn holding_bytes(dir: &Path, needles: &[&[u8]]) -> Vec<String> {
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
                if holds_bytes(&bytes, n) {
                    out.push(format!(
                        "{} holds {:?}",
                        p.display(),
                        String::from_utf8_lossy(n)
                    ));
                }
            }
        }
    }
    out
}

/// Whether `haystack` holds `needle` (ASCII case aside).
pub fn holds(haystack: &[u8], needle: &str) -> bool {
    holds_bytes(haystack, needle.as_bytes())
}

/// [`holds`] for raw bytes.
pub fn holds_bytes(haystack: &[u8], n: &[u8]) -> bool {
    !n.is_empty() && haystack.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}
