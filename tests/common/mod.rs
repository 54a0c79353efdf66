//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The binary under test: `WIDGET_MIGRATE_BIN` when set (a private copy, for machines
/// where several worktrees build into one shared target folder), else the one cargo built.
pub fn bin() -> Command {
    let path = std::env::var_os("WIDGET_MIGRATE_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_widget-migrate").into());
    let mut c = Command::new(path);
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    c
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A private copy of the sample app bundled in the repo.
pub fn sample_copy() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("testdata/sample-app"), tmp.path());
    tmp
}

/// Writes `bytes` to `root/rel`, creating the folders on the way.
pub fn write_file(root: &Path, rel: &str, bytes: impl AsRef<[u8]>) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

/// Runs `cmd` with `input` on its standard input (standard output and error captured).
pub fn run_with_stdin(cmd: &mut Command, input: impl AsRef<[u8]>) -> Output {
    use std::io::Write;
    use std::process::Stdio;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_ref())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// Whether `git apply` (run in `dir`, patch on standard input) takes `patch` as it is.
pub fn git_apply(dir: &Path, patch: &str) -> bool {
    use std::io::Write;
    let mut git = Command::new("git")
        .current_dir(dir)
        .args(["apply", "-"])
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    git.stdin
        .take()
        .unwrap()
        .write_all(patch.as_bytes())
        .unwrap();
    git.wait().unwrap().success()
}

/// Copies a folder tree (files and folders only).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// Every file under `root`, as paths relative to it, sorted.
pub fn files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    fn go(root: &Path, dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                go(root, &entry.path(), out);
            } else {
                out.push(entry.path().strip_prefix(root).unwrap().to_path_buf());
            }
        }
    }
    go(root, root, &mut out);
    out.sort();
    out
}

pub fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().current_dir(dir).args(args).output().unwrap()
}

pub fn json(out: &Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Applies the edits of every applied fix of a JSON file entry to `original`.
pub fn apply_json_edits(original: &[u8], file: &serde_json::Value) -> Vec<u8> {
    let mut edits: Vec<(usize, usize, String)> = file["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["applied"] == true)
        .flat_map(|f| f["edits"].as_array().unwrap().clone())
        .map(|e| {
            (
                e["start"].as_u64().unwrap() as usize,
                e["end"].as_u64().unwrap() as usize,
                e["replacement"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = original.to_vec();
    for (s, e, r) in edits {
        out.splice(s..e, r.into_bytes());
    }
    out
}

/// Whether `bytes` parse as the file kind of `path` (pages: every script once its
/// placeholders are masked); text that is not UTF-8 is not checked.
pub fn check_parses(path: &Path, bytes: &[u8]) -> Result<(), String> {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(());
    };
    let body = text.strip_prefix('\u{feff}').unwrap_or(text);
    let kind = widget_migrate::kind::FileKind::for_path(path, false);
    let result = match (
        &kind,
        widget_migrate::lang::js::Dialect::for_path(path),
        path.extension().and_then(|e| e.to_str()),
    ) {
        // Pages: every script body still parses once its placeholders are masked.
        (
            Some(
                kind @ (widget_migrate::kind::FileKind::Html(_)
                | widget_migrate::kind::FileKind::Sfc(_)),
            ),
            _,
            _,
        ) => widget_migrate::page::check_scripts(text, kind).map(|_| ()),
        (_, Some(dialect), _) => widget_migrate::lang::js::parse(body, dialect, 0).map(|_| ()),
        (_, None, Some("json")) => widget_migrate::lang::js::parse_json(body, 0).map(|_| ()),
        _ => match widget_migrate::lang::css::StyleSyntax::for_path(path) {
            Some(syntax) => widget_migrate::lang::css::parse(body, syntax, 0).map(|_| ()),
            None => Ok(()),
        },
    };
    result.map_err(|e| format!("{}: {}", path.display(), e.message))
}

/// The defaults every fixture case runs with; its `args` file lays flags over them.
pub const DEFAULT_ARGS: [&str; 6] = ["--from", "3.0.0", "--to", "7.49.0", "--engine", "oie"];

/// The arguments of a fixture case: the defaults, then its `args` file (one per line).
pub fn case_args(case: &Path) -> Vec<String> {
    let mut args: Vec<String> = DEFAULT_ARGS.iter().map(|s| s.to_string()).collect();
    if let Ok(extra) = std::fs::read_to_string(case.join("args")) {
        args.extend(
            extra
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(String::from),
        );
    }
    args
}
