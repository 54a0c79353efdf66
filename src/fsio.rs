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
        // No fsync: the rename is what makes the write atomic for a crash of this
        // process, and fsync per file made large runs several times slower.
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        drop(f);
        std::fs::set_permissions(&tmp, meta.permissions())?;
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Where a write to `path` lands: the file itself, or the target of a symlink when that
/// target is inside the current folder's tree (a link pointing elsewhere is never
/// written through).
pub fn write_target(path: &Path) -> Result<PathBuf, String> {
    let meta = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if !meta.file_type().is_symlink() {
        return Ok(path.to_path_buf());
    }
    let target = std::fs::canonicalize(path).map_err(|e| e.to_string())?;
    let root = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .map_err(|e| e.to_string())?;
    if target.starts_with(&root) {
        Ok(target)
    } else {
        Err(format!(
            "is a symlink to {}, outside this tree; not written through",
            target.display()
        ))
    }
}

/// Removes temp files an interrupted run left beside `path`.
pub fn remove_stale_temps(path: &Path) {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return;
    };
    let prefix = format!(".{name}.widget-migrate.");
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let n = e.file_name();
            let n = n.to_string_lossy();
            if n.starts_with(&prefix) && n.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
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
