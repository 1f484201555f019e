//! Where the binaries under test are: beside this test executable's `deps/` folder, in the
//! same target directory and profile (`cargo build --workspace --bins` puts them there),
//! or in `HIREWIRE_E2E_BINS` when set (the fixture maker runs a release's binaries).

use std::path::PathBuf;

/// Path of a workspace binary in the current profile, or a clear panic if it is not built.
pub fn path(name: &str) -> PathBuf {
    let dir = profile_dir();
    let p = dir.join(name);
    assert!(
        p.exists(),
        "{} is not built: run `cargo build --workspace --bins` (or the README's test command) first",
        p.display()
    );
    p
}

/// The target profile directory (`target/debug` or `target/release`), or
/// `HIREWIRE_E2E_BINS`.
pub fn profile_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("HIREWIRE_E2E_BINS") {
        return PathBuf::from(dir);
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let mut dir = exe.parent().map(PathBuf::from).unwrap_or_default();
    if dir.ends_with("deps") {
        dir.pop();
    }
    dir
}
