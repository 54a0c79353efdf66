//! What a run prints: unified diffs, diagnostics, the JSON document and the summary.

use crate::diagnostic::Severity;
use crate::edit::Safety;
use crate::engine::{FileReport, Status};
use crate::rules::Target;
use crate::source::SourceText;
use anstyle::{AnsiColor, Style};
use serde_json::{json, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The path as shown to users and in patches: relative to the current folder when it
/// is inside it, with `/` separators.
pub fn display_path(path: &Path) -> String {
    let shown: PathBuf = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let s = shown.to_string_lossy().replace('\\', "/");
    s.strip_prefix("./").map(str::to_string).unwrap_or(s)
}

/// `path` as a patch names it: as [`display_path`] shows it, but its bytes as they are.
fn patch_path(path: &Path) -> Vec<u8> {
    let shown: PathBuf = std::env::current_dir()
        .ok()
        .and_then(|cwd| path.strip_prefix(&cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| path.to_path_buf());
    let mut bytes = shown.into_os_string().into_encoded_bytes();
    if cfg!(windows) {
        bytes
            .iter_mut()
            .filter(|b| **b == b'\\')
            .for_each(|b| *b = b'/');
    }
    match bytes.strip_prefix(b"./") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    }
}

/// `prefix` and `path` as git prints a name in a patch: as it is, or C-quoted (in
/// double quotes, escapes for `"`, `\\`, control characters and every byte past ASCII)
/// when it holds any of those. The result is ASCII, whatever the file's encoding.
pub fn git_quoted(prefix: &str, path: &[u8]) -> String {
    let plain = |b: u8| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\';
    if path.iter().all(|&b| plain(b)) {
        return format!("{prefix}{}", String::from_utf8_lossy(path));
    }
    let mut out = format!("\"{prefix}");
    for &b in path {
        match b {
            b'\x07' => out.push_str("\\a"),
            b'\x08' => out.push_str("\\b"),
            b'\t' => out.push_str("\\t"),
            b'\n' => out.push_str("\\n"),
            b'\x0b' => out.push_str("\\v"),
            b'\x0c' => out.push_str("\\f"),
            b'\r' => out.push_str("\\r"),
            b'"' => out.push_str("\\\""),
            b'\\' => out.push_str("\\\\"),
            b if plain(b) => out.push(char::from(b)),
            b => {
                let _ = write!(out, "\\{b:03o}");
            }
        }
    }
    out.push('"');
    out
}

/// A git-style unified diff of one file (`--- a/PATH` / `+++ b/PATH`). Lines end at
/// `\n` only, as they do for `git apply` (a lone CR is part of its line).
pub fn unified_diff(path: &Path, old: &str, new: &str, color: bool) -> String {
    fn lines(s: &str) -> Vec<&str> {
        s.split_inclusive('\n').collect()
    }
    let (old_lines, new_lines) = (lines(old), lines(new));
    let diff = similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .diff_slices(&old_lines, &new_lines);
    let name = patch_path(path);
    let bold = Style::new().bold();
    let (red, green, cyan) = (
        AnsiColor::Red.on_default(),
        AnsiColor::Green.on_default(),
        AnsiColor::Cyan.on_default(),
    );
    let paint = |s: &str, st: Style| {
        if color {
            format!("{st}{s}{st:#}")
        } else {
            s.to_string()
        }
    };
    let mut out = String::new();
    let header = format!(
        "--- {}\n+++ {}",
        git_quoted("a/", &name),
        git_quoted("b/", &name)
    );
    out.push_str(&paint(&header, bold));
    out.push('\n');
    for hunk in diff.unified_diff().context_radius(3).iter_hunks() {
        out.push_str(&paint(&hunk.header().to_string(), cyan));
        out.push('\n');
        for change in hunk.iter_changes() {
            let (sign, style) = match change.tag() {
                similar::ChangeTag::Delete => ('-', Some(red)),
                similar::ChangeTag::Insert => ('+', Some(green)),
                similar::ChangeTag::Equal => (' ', None),
            };
            let value = change.value();
            let (body, eol) = match value.strip_suffix('\n') {
                Some(b) => (b, "\n"),
                None => (value, ""),
            };
            let line = format!("{sign}{body}");
            match style {
                Some(st) => out.push_str(&paint(&line, st)),
                None => out.push_str(&line),
            }
            out.push('\n');
            if eol.is_empty() {
                out.push_str("\\ No newline at end of file\n");
            }
        }
    }
    out
}

fn pos(src: Option<&SourceText>, offset: usize) -> (usize, usize) {
    src.map_or((1, 1), |s| {
        let lc = s.line_col(offset);
        (lc.line, lc.column)
    })
}

/// Diagnostics and fixes of one file, as `path:line:col: …` lines. Fixes that this
/// run's output already holds (the diff, or the written file) are listed only when
/// `list_applied` is set (`--check`, which shows no diff).
pub fn text_findings(
    report: &FileReport,
    list_applied: bool,
    target: &Target,
    color: bool,
) -> String {
    let path = display_path(&report.path);
    let src = report.source.as_ref();
    let mut out = String::new();
    let paint = |s: &str, st: Style| {
        if color {
            format!("{st}{s}{st:#}")
        } else {
            s.to_string()
        }
    };
    if report.status == Status::Error && report.diagnostics.is_empty() {
        let _ = writeln!(
            out,
            "{path}: {}",
            paint("error", AnsiColor::Red.on_default().bold())
        );
    }
    // Fixes and diagnostics in the order of the file.
    let mut items: Vec<(usize, String)> = Vec::new();
    for f in &report.fixes {
        if f.applied && !list_applied {
            continue;
        }
        let at = f.fix.edits.first().map_or(0, |e| e.start);
        let (l, c) = pos(src, at);
        let note = match f.fix.safety {
            Safety::Unsafe if !target.allow_unsafe => " (unsafe fix: would need --unsafe)",
            Safety::Unsafe => " (unsafe fix)",
            _ if f.applied => "",
            _ => " (fix not applied)",
        };
        let line = format!(
            "{path}:{l}:{c}: {} {} [{}] {}{note}\n",
            paint("fix", AnsiColor::Green.on_default().bold()),
            f.fix.rule,
            f.fix.kb,
            f.fix.message
        );
        items.push((at, line));
    }
    for d in &report.diagnostics {
        let (l, c) = pos(src, d.start);
        let style = match d.severity {
            Severity::Error => AnsiColor::Red.on_default().bold(),
            Severity::Warning => AnsiColor::Yellow.on_default().bold(),
            Severity::Info => AnsiColor::Blue.on_default().bold(),
        };
        let kb =
            d.kb.as_deref()
                .map(|k| format!(" [{k}]"))
                .unwrap_or_default();
        let mut text = format!(
            "{path}:{l}:{c}: {} {}{kb} {}\n",
            paint(d.severity.as_str(), style),
            d.rule,
            d.message
        );
        if let Some(h) = &d.help {
            text.push_str(&format!("  = help: {h}\n"));
        }
        if let Some(u) = &d.url {
            text.push_str(&format!("  = docs: {u}\n"));
        }
        items.push((d.start, text));
    }
    items.sort_by_key(|(at, _)| *at);
    for (_, text) in items {
        out.push_str(&text);
    }
    if let (Status::Error, Some(reason)) = (report.status, &report.reason) {
        if report
            .diagnostics
            .iter()
            .all(|d| d.severity != Severity::Error)
        {
            let _ = writeln!(out, "{path}: {reason}");
        }
    } else if let (Status::Skipped, Some(reason)) = (report.status, &report.reason) {
        let _ = writeln!(out, "{path}: skipped: {reason}");
    }
    out
}

fn range_json(src: Option<&SourceText>, start: usize, end: usize) -> (usize, usize, usize, usize) {
    let (sl, sc) = pos(src, start);
    let (el, ec) = pos(src, end);
    (sl, sc, el, ec)
}

fn engine_name(engine: crate::rules::Engine) -> &'static str {
    match engine {
        crate::rules::Engine::Oie => "oie",
        crate::rules::Engine::Classic => "classic",
    }
}

/// The `--format json` document of the contract.
pub fn json_document(
    reports: &[FileReport],
    target: &Target,
    from: &str,
    summary: &Summary,
) -> Value {
    let files: Vec<Value> = reports
        .iter()
        .map(|r| {
            let src = r.source.as_ref();
            let fixes: Vec<Value> = r
                .fixes
                .iter()
                .map(|f| {
                    let edits: Vec<Value> = f
                        .fix
                        .edits
                        .iter()
                        .map(|e| {
                            let (sl, sc, el, ec) = range_json(src, e.start, e.end);
                            let disk = |o: usize| src.map_or(o, |s| s.disk_offset(o));
                            json!({ "start": disk(e.start), "end": disk(e.end), "replacement": e.replacement,
                                    "start_line": sl, "start_column": sc, "end_line": el, "end_column": ec })
                        })
                        .collect();
                    json!({ "rule": f.fix.rule, "kb": f.fix.kb, "safety": f.fix.safety.as_str(),
                            "applied": f.applied, "message": f.fix.message, "edits": edits })
                })
                .collect();
            let diagnostics: Vec<Value> = r
                .diagnostics
                .iter()
                .map(|d| {
                    let (sl, sc, el, ec) = range_json(src, d.start, d.end);
                    json!({ "rule": d.rule, "kb": d.kb, "severity": d.severity.as_str(),
                            "message": d.message, "help": d.help, "url": d.url,
                            "start_line": sl, "start_column": sc, "end_line": el, "end_column": ec })
                })
                .collect();
            let mut file = json!({
                "path": display_path(&r.path),
                "status": r.status,
                "fixes": fixes,
                "diagnostics": diagnostics,
            });
            if let Some(reason) = &r.reason {
                file["reason"] = json!(reason);
            }
            if let Some((v, _)) = &r.from {
                file["from"] = json!(v.to_string());
            }
            // A file under another project config than the run's first one.
            if let Some((to, engine, gen3)) = r.aim_elsewhere(target) {
                file["to"] = json!(to.to_string());
                file["engine"] = json!(engine_name(engine));
                file["gen3"] = json!(gen3);
            }
            file
        })
        .collect();
    json!({
        "version": 1,
        "from": from,
        "to": target.to.to_string(),
        "engine": engine_name(target.engine),
        "gen3": target.gen3,
        "files": files,
        "summary": {
            "files": summary.files, "changed": summary.changed, "unchanged": summary.unchanged,
            "skipped": summary.skipped, "errors": summary.errors, "fixes": summary.fixes,
            "unsafe_fixes": summary.unsafe_fixes, "diagnostics": summary.diagnostics,
        }
    })
}

#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    pub files: usize,
    pub changed: usize,
    pub unchanged: usize,
    pub skipped: usize,
    pub errors: usize,
    pub fixes: usize,
    pub unsafe_fixes: usize,
    pub diagnostics: usize,
    /// Diagnostics of warning level (things a human must do).
    pub manual: usize,
    /// Fixes not in this run's output (unsafe without --unsafe, dropped).
    pub unapplied: usize,
}

impl Summary {
    pub fn of(reports: &[FileReport]) -> Summary {
        let mut s = Summary {
            files: reports.len(),
            ..Summary::default()
        };
        for r in reports {
            match r.status {
                Status::Changed => s.changed += 1,
                Status::Unchanged => s.unchanged += 1,
                Status::Skipped => s.skipped += 1,
                Status::Error => s.errors += 1,
            }
            s.fixes += r.fixes.len();
            s.unsafe_fixes += r
                .fixes
                .iter()
                .filter(|f| f.fix.safety == Safety::Unsafe)
                .count();
            s.unapplied += r.fixes.iter().filter(|f| !f.applied).count();
            s.diagnostics += r.diagnostics.len();
            s.manual += r
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Warning)
                .count();
        }
        s
    }

    pub fn line(&self, written: bool) -> String {
        let applied = self.fixes - self.unapplied;
        let fixes = if written {
            format!("{applied} fixes applied")
        } else {
            format!("{applied} fixes to apply")
        };
        let unsafe_note = if self.unapplied > 0 {
            format!(" ({} more need --unsafe or a human)", self.unapplied)
        } else {
            String::new()
        };
        format!(
            "widget-migrate: {} files scanned: {} changed, {} unchanged, {} skipped, {} errors; {fixes}{unsafe_note}; {} manual items",
            self.files, self.changed, self.unchanged, self.skipped, self.errors, self.manual
        )
    }
}
