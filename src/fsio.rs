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
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = folder_of(path).join(temp_name(name));
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

/// The folder holding `path` (`.` for a bare file name).
pub fn folder_of(path: &Path) -> &Path {
    path.parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
}

/// The name of the temp file [`write_atomic`] writes `name` through.
fn temp_name(name: &str) -> String {
    format!(".{name}.widget-migrate.{}.tmp", std::process::id())
}

/// Removes the temp files an interrupted run left in `folder` (any run's: the name
/// holds the writer's process id).
pub fn remove_stale_temps(folder: &Path) {
    if let Ok(entries) = std::fs::read_dir(folder) {
        for e in entries.flatten() {
            let n = e.file_name();
            let n = n.to_string_lossy();
            if n.starts_with('.') && n.contains(".widget-migrate.") && n.ends_with(".tmp") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Files among `paths` that git reports as modified, staged or untracked. Files outside
/// a git work tree (or with no git installed) are never dirty. One `git status` per work
/// tree (a few hundred paths at a time), not one per file: each call refreshes the whole
/// index, which on a large repository costs a tenth of a second.
pub fn dirty_files(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut by_root: std::collections::BTreeMap<PathBuf, Vec<(PathBuf, &PathBuf)>> =
        Default::default();
    for path in paths {
        let Ok(abs) = std::path::absolute(path) else {
            continue;
        };
        let Some(root) = abs.ancestors().skip(1).find(|d| d.join(".git").exists()) else {
            continue;
        };
        let Ok(rel) = abs.strip_prefix(root) else {
            continue;
        };
        by_root
            .entry(root.to_path_buf())
            .or_default()
            .push((rel.to_path_buf(), path));
    }
    let mut dirty = Vec::new();
    for (root, files) in &by_root {
        for chunk in files.chunks(256) {
            let out = Command::new("git")
                .arg("--literal-pathspecs")
                .arg("-C")
                .arg(root)
                .args(["status", "--porcelain", "-z", "--untracked-files=all", "--"])
                .args(chunk.iter().map(|(rel, _)| rel))
                .output();
            let Ok(o) = out else { continue };
            if !o.status.success() {
                continue;
            }
            // `XY path\0`; a rename or copy (X or Y is R/C) adds its source path `\0`.
            let mut listed = std::collections::HashSet::new();
            let mut entries = o.stdout.split(|&b| b == 0);
            while let Some(e) = entries.next() {
                let (Some(xy), Some(name)) = (e.get(..2), e.get(3..)) else {
                    continue;
                };
                listed.insert(String::from_utf8_lossy(name).into_owned());
                if xy.iter().any(|c| matches!(c, b'R' | b'C')) {
                    if let Some(source) = entries.next() {
                        listed.insert(String::from_utf8_lossy(source).into_owned());
                    }
                }
            }
            for (rel, path) in chunk {
                let key = rel.to_string_lossy().replace('\\', "/");
                if listed.contains(&key) {
                    dirty.push((*path).clone());
                }
            }
        }
    }
    dirty.sort();
    dirty
}
