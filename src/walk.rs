//! Which files a run looks at: the `ignore` crate's parallel walker, dispatching by
//! extension; files named on the command line are always taken.

use crate::engine::FileKind;
use ignore::{WalkBuilder, WalkState};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Folders never entered unless a path given on the command line is (or is inside) one.
pub const SKIPPED_DIRS: [&str; 5] = ["node_modules", "dist", "build", "coverage", ".git"];

#[derive(Debug, Default)]
pub struct Walked {
    /// Files to process, sorted, each once.
    pub files: Vec<PathBuf>,
    /// Paths that could not be walked, with the reason.
    pub errors: Vec<(PathBuf, String)>,
    /// Files of a handled kind that are not processed, with the reason (symlinks met
    /// while walking are not followed).
    pub skipped: Vec<(PathBuf, String)>,
}

pub fn walk(paths: &[PathBuf], no_ignore: bool, threads: usize) -> Walked {
    let found = Mutex::new(Walked::default());
    for root in paths {
        match std::fs::metadata(root) {
            Err(e) => lock(&found).errors.push((root.clone(), e.to_string())),
            Ok(m) if !m.is_dir() => lock(&found).files.push(root.clone()),
            Ok(_) => walk_dir(root, no_ignore, threads, &found),
        }
    }
    let mut walked = found.into_inner().unwrap_or_else(|p| p.into_inner());
    walked.files.sort();
    walked.files.dedup();
    walked.errors.sort();
    walked.skipped.sort();
    walked
}

fn lock(m: &Mutex<Walked>) -> std::sync::MutexGuard<'_, Walked> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn walk_dir(root: &Path, no_ignore: bool, threads: usize, found: &Mutex<Walked>) {
    let mut builder = WalkBuilder::new(root);
    builder
        .threads(threads)
        .require_git(false)
        .git_global(false)
        .add_custom_ignore_filename(".widget-migrate-ignore")
        .filter_entry(|e| {
            e.depth() == 0
                || !(e.file_type().is_some_and(|t| t.is_dir())
                    && e.file_name()
                        .to_str()
                        .is_some_and(|n| SKIPPED_DIRS.contains(&n)))
        });
    if no_ignore {
        builder
            .git_ignore(false)
            .git_exclude(false)
            .ignore(false)
            .parents(false);
    }
    builder.build_parallel().run(|| {
        Box::new(|entry| {
            match entry {
                Ok(e) => {
                    let kind = e.file_type();
                    if FileKind::for_path(e.path(), false).is_some() {
                        if kind.is_some_and(|t| t.is_file()) {
                            lock(found).files.push(e.into_path());
                        } else if kind.is_some_and(|t| t.is_symlink()) {
                            let why = "a symlink (not followed; name it on the command line to process it)";
                            lock(found).skipped.push((e.into_path(), why.into()));
                        }
                    }
                }
                Err(err) => {
                    let path = match &err {
                        ignore::Error::WithPath { path, .. } => path.clone(),
                        _ => root.to_path_buf(),
                    };
                    lock(found).errors.push((path, err.to_string()));
                }
            }
            WalkState::Continue
        })
    });
}
