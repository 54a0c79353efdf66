//! Writing files without losing them: temp file in the same folder, permissions copied,
//! then an atomic rename. And the dirty-tree guard for `--write`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a file was when it was read, to tell before replacing it whether it is still
/// that file with those bytes (git's racy-index logic: a stat that matches is trusted
/// only when the file's times are clearly older than the read).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stamp {
    dev: u64,
    ino: u64,
    size: u64,
    mtime: (i64, i64),
    ctime: (i64, i64),
    /// When the read began.
    read_at: (i64, i64),
}

/// File times can lag the clock by a tick and some file systems keep whole or even
/// two seconds: a change within this much of the read may not show in the times.
const RACY_SECONDS: i64 = 2;

impl Stamp {
    /// The stamp of an open file's metadata, read from `read_at` (taken before opening).
    pub fn new(meta: &std::fs::Metadata, read_at: std::time::SystemTime) -> Stamp {
        let (dev, ino, mtime, ctime) = ids_and_times(meta);
        Stamp {
            dev,
            ino,
            size: meta.len(),
            mtime,
            ctime,
            read_at: seconds_and_nanos(read_at),
        }
    }

    /// Whether the file's times are too close to the read to show a change after it.
    fn racy(&self) -> bool {
        let line = (self.read_at.0 - RACY_SECONDS, self.read_at.1);
        self.mtime >= line || self.ctime >= line
    }
}

/// A write not done on purpose (the file is not as it was read, say): the message says
/// why, with no "cannot write" in front.
#[derive(Debug)]
pub struct Refused(pub String);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refused {}

fn refused(why: String) -> std::io::Error {
    std::io::Error::other(Refused(why))
}

/// How a failed write is reported: a refusal as it is, any other error as a failure.
pub fn write_error(e: &std::io::Error) -> String {
    match e
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<Refused>())
    {
        Some(why) => why.0.clone(),
        None => format!("cannot write: {e}"),
    }
}

fn seconds_and_nanos(t: std::time::SystemTime) -> (i64, i64) {
    t.duration_since(std::time::UNIX_EPOCH).map_or((0, 0), |d| {
        (
            i64::try_from(d.as_secs()).unwrap_or(i64::MAX),
            i64::from(d.subsec_nanos()),
        )
    })
}

/// Device, inode, modification and change time.
#[cfg(unix)]
fn ids_and_times(meta: &std::fs::Metadata) -> (u64, u64, (i64, i64), (i64, i64)) {
    use std::os::unix::fs::MetadataExt;
    (
        meta.dev(),
        meta.ino(),
        (meta.mtime(), meta.mtime_nsec()),
        (meta.ctime(), meta.ctime_nsec()),
    )
}

/// Elsewhere only the modification time (the size is compared too, and the bytes).
#[cfg(not(unix))]
fn ids_and_times(meta: &std::fs::Metadata) -> (u64, u64, (i64, i64), (i64, i64)) {
    let mtime = meta.modified().map_or((0, 0), seconds_and_nanos);
    (0, 0, mtime, (0, 0))
}

/// What the file to be replaced must still be: its stamp at the read and the bytes read.
pub struct Expected<'a> {
    pub stamp: Stamp,
    pub bytes: &'a [u8],
}

/// Why `path` is not replaced: it is not the file that was read, or not with those bytes.
fn changed_since(path: &Path, expected: &Expected<'_>) -> std::io::Result<Option<&'static str>> {
    let meta = std::fs::symlink_metadata(path)?;
    let now = Stamp::new(&meta, std::time::UNIX_EPOCH);
    let want = expected.stamp;
    if (now.dev, now.ino) != (want.dev, want.ino) {
        return Ok(Some("it is another file now"));
    }
    if (now.size, now.mtime, now.ctime) != (want.size, want.mtime, want.ctime) {
        return Ok(Some("it was modified"));
    }
    if want.racy() && std::fs::read(path)? != expected.bytes {
        return Ok(Some("it was modified"));
    }
    Ok(None)
}

/// Replaces `path` with `bytes` atomically; the file keeps its permissions. With
/// `expected`, only while `path` is still the file that was read, with the same bytes
/// (checked just before the rename); otherwise it is left as it is now.
pub fn write_atomic(
    path: &Path,
    bytes: &[u8],
    expected: Option<&Expected<'_>>,
) -> std::io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.permissions().readonly() {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            "file is read-only",
        ));
    }
    refuse_hard_links(&meta)?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    let tmp = folder_of(path).join(temp_name(name));
    let result = (|| {
        // No fsync: the rename is what makes the write atomic for a crash of this
        // process, and fsync per file made large runs several times slower.
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        // Owner first: a change of owner clears the set-id bits the mode puts back.
        keep_owner(&f, &meta)?;
        std::fs::set_permissions(&tmp, meta.permissions())?;
        keep_xattrs(path, &f)?;
        drop(f);
        if let Some(expected) = expected {
            if let Some(why) = changed_since(path, expected)? {
                return Err(refused(format!(
                    "changed during the run ({why}); left as it is now, run again"
                )));
            }
        }
        std::fs::rename(&tmp, path)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// A file with several names (hard links) is not replaced: a new file under one name
/// would leave the others on the old text, the link split. Editing it in place would
/// not be atomic; it is left for a human.
fn refuse_hard_links(meta: &std::fs::Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        if meta.nlink() > 1 {
            return Err(refused(format!(
                "has {} hard links; replacing it would split them (the other names would keep the old text), so it was left untouched: migrate it on a copy and link again",
                meta.nlink()
            )));
        }
    }
    let _ = meta;
    Ok(())
}

/// Gives the temp file the original's owner and group (a run as root made every
/// changed file root's). Where that is not allowed the file is not replaced.
fn keep_owner(tmp: &std::fs::File, meta: &std::fs::Metadata) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = tmp.metadata()?;
        if (now.uid(), now.gid()) != (meta.uid(), meta.gid()) {
            std::os::unix::fs::fchown(tmp, Some(meta.uid()), Some(meta.gid())).map_err(|e| {
                refused(format!(
                    "cannot keep its owner and group ({}:{}): {e}; left untouched",
                    meta.uid(),
                    meta.gid()
                ))
            })?;
        }
    }
    let _ = (tmp, meta);
    Ok(())
}

/// Copies the extended attributes of `path` onto the temp file (ACLs, labels, user
/// attributes). One that cannot be copied leaves the file as it was; where the file
/// system has none, there is nothing to copy.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn keep_xattrs(path: &Path, tmp: &std::fs::File) -> std::io::Result<()> {
    use rustix::fs::{fgetxattr, fsetxattr, getxattr, listxattr, XattrFlags};
    use rustix::io::Errno;
    let names = match read_sized(|buf| listxattr(path, buf)) {
        Ok(names) => names,
        Err(e) if e == Errno::NOTSUP => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for name in names.split(|&b| b == 0).filter(|n| !n.is_empty()) {
        let value = read_sized(|buf| getxattr(path, name, buf))?;
        // Already there with that value (a security label the new file got): left be.
        if read_sized(|buf| fgetxattr(tmp, name, buf)).is_ok_and(|v| v == value) {
            continue;
        }
        fsetxattr(tmp, name, &value, XattrFlags::empty()).map_err(|e| {
            refused(format!(
                "cannot keep its extended attribute {}: {e}; left untouched",
                String::from_utf8_lossy(name)
            ))
        })?;
    }
    Ok(())
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn keep_xattrs(_path: &Path, _tmp: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

/// The bytes a list or get call of the xattr family gives, growing the buffer while
/// they do not fit (the kernel says ERANGE).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn read_sized(
    mut call: impl FnMut(&mut [u8]) -> rustix::io::Result<usize>,
) -> rustix::io::Result<Vec<u8>> {
    let mut buf = vec![0u8; 256];
    loop {
        match call(&mut buf) {
            Ok(n) => {
                buf.truncate(n);
                return Ok(buf);
            }
            Err(rustix::io::Errno::RANGE) if buf.len() < 1 << 24 => {
                buf.resize(buf.len() * 4, 0);
            }
            Err(e) => return Err(e),
        }
    }
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

/// Removes the temp files an interrupted run left in `folder`. The name holds the
/// writer's process id: a temp file of this process, or of a run still going (two runs on
/// one tree), is left to its writer.
pub fn remove_stale_temps(folder: &Path) {
    if let Ok(entries) = std::fs::read_dir(folder) {
        for e in entries.flatten() {
            let name = e.file_name();
            let Some(pid) = temp_pid(&name.to_string_lossy()) else {
                continue;
            };
            if !writer_running(pid, &e) {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// The process id in a name [`temp_name`] made (`Some(None)`: such a name, no number).
fn temp_pid(name: &str) -> Option<Option<u32>> {
    let rest = name.strip_prefix('.')?.strip_suffix(".tmp")?;
    let (_, pid) = rest.rsplit_once(".widget-migrate.")?;
    Some(pid.parse().ok())
}

/// Whether the process that named a temp file may still be writing it: this process, or
/// one that is running (where `/proc` shows processes; elsewhere, a file younger than a
/// minute counts as being written).
fn writer_running(pid: Option<u32>, entry: &std::fs::DirEntry) -> bool {
    let Some(pid) = pid else {
        return false;
    };
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    if proc.join("self").exists() {
        return proc.join(pid.to_string()).exists();
    }
    entry
        .metadata()
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_some_and(|age| age < std::time::Duration::from_secs(60))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stat_that_matches_is_trusted_only_when_older_than_the_read() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a.js");
        std::fs::write(&path, b"new").unwrap();
        let meta = std::fs::metadata(&path).unwrap();
        // Modified just as it was read, to other bytes of the same size, and the times
        // not telling: the bytes are compared.
        let stamp = Stamp::new(&meta, std::time::SystemTime::now());
        let expected = Expected {
            stamp,
            bytes: b"old",
        };
        let e = write_atomic(&path, b"out", Some(&expected)).unwrap_err();
        assert!(write_error(&e).starts_with("changed during the run"), "{e}");
        assert_eq!(std::fs::read(&path).unwrap(), b"new");
        let expected = Expected {
            stamp,
            bytes: b"new",
        };
        write_atomic(&path, b"out", Some(&expected)).unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"out");
    }

    #[test]
    fn the_sweep_leaves_the_temps_of_running_writers() {
        let dir = tempfile::tempdir().unwrap();
        let touch = |name: &str| std::fs::write(dir.path().join(name), b"x").unwrap();
        let gone = {
            let mut c = Command::new("true").spawn().unwrap();
            let pid = c.id();
            c.wait().unwrap();
            pid
        };
        let mut running = Command::new("sleep").arg("30").spawn().unwrap();
        touch(&temp_name("a.js"));
        touch(&format!(".b.js.widget-migrate.{gone}.tmp"));
        touch(&format!(".c.js.widget-migrate.{}.tmp", running.id()));
        touch(".d.js.widget-migrate.x.tmp");
        touch(".e.js.tmp");
        touch("f.js");
        remove_stale_temps(dir.path());
        running.kill().unwrap();
        running.wait().unwrap();
        let mut left: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        let own = temp_name("a.js");
        let live = format!(".c.js.widget-migrate.{}.tmp", running.id());
        let mut want = vec![own.as_str(), live.as_str(), ".e.js.tmp", "f.js"];
        want.sort();
        assert_eq!(left, want);
    }
}
