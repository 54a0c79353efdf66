//! One file through the pipeline: read, prefilter, parse, locate, run the rules, apply
//! non-overlapping fixes pass by pass, and re-parse what would be written.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{apply_edits, select_non_overlapping, Edit, Fix, Record, Safety};
use crate::lang::js::{self, Dialect, ParseError};
use crate::locate::{locate, Located};
use crate::rules::{Ctx, Target, VERSIONS};
use crate::source::SourceText;
use crate::transforms::{run_config_rules, Findings};
use crate::version::{Detector, FromSource, Version};
use aho_corasick::AhoCorasick;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Passes of fixing before a file counts as not converging.
pub const MAX_PASSES: usize = 10;

/// Files larger than this are skipped (minified bundles, generated code).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    Js(Dialect),
}

impl FileKind {
    pub fn for_path(path: &Path) -> Option<FileKind> {
        Dialect::for_path(path).map(FileKind::Js)
    }
}

/// Why a file the walker would otherwise process is not.
pub fn skip_reason(path: &Path) -> Option<&'static str> {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
        return Some("TypeScript declaration file");
    }
    if FileKind::for_path(path).is_none() {
        return Some("not a file kind widget-migrate handles");
    }
    None
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Changed,
    Unchanged,
    Skipped,
    Error,
}

/// A fix as reported: whether this run's output includes it, with its edits in the
/// coordinates of the original file.
#[derive(Debug, Clone)]
pub struct ReportedFix {
    pub fix: Fix,
    pub applied: bool,
}

#[derive(Debug)]
pub struct FileReport {
    pub path: PathBuf,
    pub status: Status,
    pub reason: Option<String>,
    pub from: Option<(Version, FromSource)>,
    pub source: Option<SourceText>,
    /// The new text, when it differs from the original.
    pub output: Option<String>,
    pub fixes: Vec<ReportedFix>,
    pub diagnostics: Vec<Diagnostic>,
}

impl FileReport {
    pub fn skipped(path: PathBuf, reason: impl Into<String>) -> Self {
        FileReport {
            path,
            status: Status::Skipped,
            reason: Some(reason.into()),
            from: None,
            source: None,
            output: None,
            fixes: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    pub fn error(path: PathBuf, reason: impl Into<String>) -> Self {
        FileReport {
            status: Status::Error,
            ..FileReport::skipped(path, reason)
        }
    }

    /// Fixes left undone by this run: all of them when nothing is written, else the unapplied.
    pub fn pending_fixes(&self, written: bool) -> usize {
        self.fixes.iter().filter(|f| !written || !f.applied).count()
    }

    pub fn worst_severity(&self) -> Option<Severity> {
        self.diagnostics.iter().map(|d| d.severity).max()
    }
}

/// Text that can only matter when it holds widget code. Files without any of these
/// bytes are not parsed.
static PREFILTER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "OktaSignIn",
        "OktaUtil",
        "okta-signin-widget",
        "SignInWidget",
    ])
    .unwrap_or_else(|e| panic!("prefilter patterns: {e}"))
});

pub fn mentions_widget(text: &str) -> bool {
    PREFILTER.is_match(text)
}

/// Shared, read-only state of a run.
pub struct Engine {
    pub target: Target,
    pub detector: Detector,
}

enum Analysis {
    Parsed(Findings),
    Failed(ParseError),
}

impl Engine {
    pub fn new(target: Target) -> Self {
        Engine {
            target,
            detector: Detector::default(),
        }
    }

    /// Reads and processes one file from disk.
    pub fn process_path(&self, path: &Path) -> FileReport {
        let display = path.to_path_buf();
        if let Some(reason) = skip_reason(path) {
            return FileReport::skipped(display, reason);
        }
        match std::fs::metadata(path) {
            Ok(m) if m.len() > MAX_FILE_BYTES => {
                return FileReport::skipped(
                    display,
                    format!("larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
                )
            }
            Ok(_) => {}
            Err(e) => return FileReport::error(display, format!("cannot read: {e}")),
        }
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => return FileReport::error(display, format!("cannot read: {e}")),
        };
        self.process_bytes(display, bytes)
    }

    /// Processes `bytes` as the content of `path` (also used for standard input).
    pub fn process_bytes(&self, path: PathBuf, bytes: Vec<u8>) -> FileReport {
        let Some(kind) = FileKind::for_path(&path) else {
            let reason = skip_reason(&path).unwrap_or("not a file kind widget-migrate handles");
            return FileReport::skipped(path, reason);
        };
        if bytes.contains(&0) {
            return FileReport::skipped(path, "binary file (contains NUL bytes)");
        }
        let source = match SourceText::from_bytes(bytes) {
            Ok(s) => s,
            Err(at) => {
                return FileReport::skipped(path, format!("not valid UTF-8 (byte {at})"));
            }
        };
        let mut report = FileReport {
            path,
            status: Status::Unchanged,
            reason: None,
            from: None,
            source: None,
            output: None,
            fixes: Vec::new(),
            diagnostics: Vec::new(),
        };
        if mentions_widget(&source.text) {
            let from = match self.target.from {
                Some(v) => (v, FromSource::Flag),
                None => self
                    .detector
                    .detect(&report.path, &source.text, VERSIONS.oldest),
            };
            self.fix_file(&mut report, &source, kind, from.0);
            report.from = Some(from);
        }
        report.source = Some(source);
        report
    }

    fn analyze(&self, text: &str, bom: usize, kind: FileKind, from: Version) -> Analysis {
        let FileKind::Js(dialect) = kind;
        let parsed = match js::parse(&text[bom..], dialect, bom) {
            Ok(p) => p,
            Err(e) => return Analysis::Failed(e),
        };
        let mut keep = None;
        let located: Located<'_> = locate(&parsed, text, &mut keep);
        let ctx = Ctx {
            target: &self.target,
            from,
        };
        let mut findings = Findings::default();
        run_config_rules(&located, text, &ctx, &mut findings);
        for u in &located.unresolved {
            findings.diagnostics.push(
                Diagnostic::core(
                    "core/config-not-visible",
                    Severity::Info,
                    format!("{}; rules cannot check what is not in this file", u.what),
                    u.range.clone(),
                )
                .with_help("Run widget-migrate on the file that builds this object, or inline the configuration."),
            );
        }
        Analysis::Parsed(findings)
    }

    fn allowed(&self, f: &Fix) -> bool {
        match f.safety {
            Safety::Safe => true,
            Safety::Unsafe => self.target.allow_unsafe,
            Safety::Manual => false,
        }
    }

    /// The pass loop: apply what is allowed, re-parse, repeat until nothing changes.
    fn fix_file(
        &self,
        report: &mut FileReport,
        source: &SourceText,
        kind: FileKind,
        from: Version,
    ) {
        let original = source.text.as_str();
        let bom = source.bom_len();
        let mut current = original.to_string();
        let mut record = Record::default();
        let mut applied: Vec<Fix> = Vec::new();
        let mut broken: Vec<Fix> = Vec::new();
        let mut engine_diags: Vec<Diagnostic> = Vec::new();
        // The state before the last pass, to roll back to if its result does not parse.
        let mut previous: Option<(String, Record, usize, Findings, Vec<Fix>)> = None;
        let mut passes = 0;
        let findings = loop {
            passes += 1;
            let findings = match self.analyze(&current, bom, kind, from) {
                Analysis::Parsed(f) => f,
                Analysis::Failed(e) => match previous.take() {
                    None => {
                        let lc = source.line_col(e.offset);
                        report.status = Status::Error;
                        report.reason = Some(format!("{}:{}: {}", lc.line, lc.column, e.message));
                        report.diagnostics.push(Diagnostic::core(
                            "core/parse-error",
                            Severity::Error,
                            format!("cannot parse: {}; the file was left untouched", e.message),
                            e.offset..e.offset,
                        ));
                        return;
                    }
                    Some((text, rec, n_applied, findings, chosen)) => {
                        // The last pass broke the syntax: find the fixes that do it alone.
                        current = text;
                        record = rec;
                        applied.truncate(n_applied);
                        let mut culprits: Vec<Fix> = chosen
                            .iter()
                            .filter(|f| {
                                let alone = apply_edits(&current, &f.edits);
                                js::parse(
                                    &alone[bom..],
                                    match kind {
                                        FileKind::Js(d) => d,
                                    },
                                    bom,
                                )
                                .is_err()
                            })
                            .cloned()
                            .collect();
                        if culprits.is_empty() {
                            culprits = chosen;
                        }
                        for f in &culprits {
                            let at = f.edits.first().map_or(0, |e| e.start);
                            engine_diags.push(Diagnostic::core(
                                "core/fix-broke-syntax",
                                Severity::Error,
                                format!(
                                    "the fix of {} ({}) would break the syntax of this file, so it was dropped: {}",
                                    f.rule, f.kb, f.message
                                ),
                                at..at,
                            ));
                        }
                        broken.extend(culprits);
                        if passes > MAX_PASSES {
                            break findings;
                        }
                        findings
                    }
                },
            };
            let candidates: Vec<&Fix> = findings
                .fixes
                .iter()
                .filter(|f| self.allowed(f) && !broken.contains(f))
                .collect();
            let chosen: Vec<Fix> = select_non_overlapping(candidates)
                .into_iter()
                .cloned()
                .collect();
            if chosen.is_empty() {
                break findings;
            }
            if passes >= MAX_PASSES {
                report.status = Status::Error;
                report.reason = Some(format!(
                    "fixes did not settle after {MAX_PASSES} passes; the file was left untouched"
                ));
                report.diagnostics.push(Diagnostic::core(
                    "core/no-convergence",
                    Severity::Error,
                    report.reason.clone().unwrap_or_default(),
                    0..0,
                ));
                return;
            }
            let next = apply_edits(&current, chosen.iter().flat_map(|f| &f.edits));
            let before = (current.clone(), record.clone(), applied.len());
            // The edits of one pass are all in the coordinates of `current`. Recorded
            // from the last to the first, each lands before every edit recorded so far
            // in this pass, where those coordinates still hold.
            let mut pass_edits: Vec<(&Edit, usize)> = Vec::new();
            for f in &chosen {
                let owner = applied.len();
                pass_edits.extend(f.edits.iter().map(|e| (e, owner)));
                applied.push(f.clone());
            }
            pass_edits.sort_by_key(|(e, _)| std::cmp::Reverse((e.start, e.end)));
            for (e, owner) in pass_edits {
                record.push(&current, e, owner);
            }
            current = next;
            previous = Some((before.0, before.1, before.2, findings, chosen));
        };

        // The record must reproduce the result exactly: a defect here must not reach the disk.
        if apply_edits(original, record.all_edits()) != current {
            report.status = Status::Error;
            report.reason = Some("internal error: recorded edits do not reproduce the output; the file was left untouched".into());
            return;
        }
        let to_orig = |e: &Edit| {
            Edit::replace(
                record.to_original(e.start)..record.to_original(e.end),
                e.replacement.clone(),
            )
        };
        for (i, f) in applied.into_iter().enumerate() {
            let edits = record.edits_of(i);
            report.fixes.push(ReportedFix {
                fix: Fix { edits, ..f },
                applied: true,
            });
        }
        for f in findings
            .fixes
            .iter()
            .filter(|f| !self.allowed(f) || broken.contains(f))
        {
            let edits = f.edits.iter().map(to_orig).collect();
            report.fixes.push(ReportedFix {
                fix: Fix { edits, ..f.clone() },
                applied: false,
            });
        }
        for mut d in findings.diagnostics.into_iter().chain(engine_diags) {
            d.start = record.to_original(d.start);
            d.end = record.to_original(d.end).max(d.start);
            report.diagnostics.push(d);
        }
        report
            .fixes
            .sort_by_key(|f| f.fix.edits.first().map_or(0, |e| e.start));
        report
            .diagnostics
            .sort_by_key(|d| (d.start, d.rule.clone()));
        if current != original {
            report.status = Status::Changed;
            report.output = Some(current);
        }
    }
}
