//! Writing files without losing them: temp file in the same folder, permissions copied,
//! then an atomic rename. And the dirty-tree guard for `--write`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Replaces `path` with `bytes` atomically; the file keeps its permissions.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.permissions().readonly() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "file is read-only",
        ));
    }
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = dir.join(format!(".{name}.widget-migrate.{}.tmp", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::set_permissions(&tmp, meta.permissions())?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Files among `paths` that git reports as modified, staged or untracked. Files outside
/// a git work tree (or with no git installed) are never dirty.
pub fn dirty_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut dirty = Vec::new();
    for path in paths {
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let Some(name) = path.file_name() else {
            continue;
        };
        let out = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["status", "--porcelain", "--"])
            .arg(name)
            .output();
        match out {
            Ok(o) if o.status.success() && !o.stdout.is_empty() => dirty.push(path.clone()),
            _ => {}
        }
    }
    dirty
}
