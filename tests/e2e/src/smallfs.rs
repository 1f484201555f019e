//! A small file system of its own for the disk-full tests: a tmpfs where the test may
//! mount one (root, or a user allowed to), else an ext4 image on a loop device; unmounted
//! when dropped. `None` with the reason when neither can be had here.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A mounted small file system.
pub struct SmallFs {
    mount: PathBuf,
    _tmp: tempfile::TempDir,
}

impl SmallFs {
    /// Mounts a file system of `mib` MiB, or says why it cannot.
    pub fn mount(mib: u64) -> Result<SmallFs, String> {
        let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
        let mount = tmp.path().join("fs");
        std::fs::create_dir_all(&mount).map_err(|e| e.to_string())?;
        let tmpfs = run(&[
            "mount",
            "-t",
            "tmpfs",
            "-o",
            &format!("size={mib}m"),
            "tmpfs",
            &mount.to_string_lossy(),
        ]);
        if tmpfs.is_ok() {
            return Ok(SmallFs { mount, _tmp: tmp });
        }
        let image = tmp.path().join("fs.img");
        let looped = run(&[
            "truncate",
            "-s",
            &format!("{mib}M"),
            &image.to_string_lossy(),
        ])
        .and_then(|_| run(&["mkfs.ext4", "-q", "-F", &image.to_string_lossy()]))
        .and_then(|_| {
            run(&[
                "mount",
                "-o",
                "loop",
                &image.to_string_lossy(),
                &mount.to_string_lossy(),
            ])
        });
        match looped {
            Ok(()) => Ok(SmallFs { mount, _tmp: tmp }),
            Err(e) => Err(format!(
                "cannot mount a small file system here (tmpfs: {}; loop device: {e})",
                tmpfs.err().unwrap_or_default()
            )),
        }
    }

    /// Where it is mounted.
    pub fn path(&self) -> &Path {
        &self.mount
    }

    /// Free bytes left on it.
    pub fn free_bytes(&self) -> u64 {
        let out = Command::new("df")
            .args(["-B1", "--output=avail"])
            .arg(&self.mount)
            .output();
        out.ok()
            .and_then(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .nth(1)
                    .and_then(|l| l.trim().parse().ok())
            })
            .unwrap_or(0)
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = run(&["umount", "-l", &self.mount.to_string_lossy()]);
    }
}

fn run(args: &[&str]) -> Result<(), String> {
    let (cmd, rest) = args.split_first().ok_or("no command")?;
    let out = Command::new(cmd)
        .args(rest)
        .output()
        .map_err(|e| format!("{cmd}: {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd} failed: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}
