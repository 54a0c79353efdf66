//! One file through the pipeline: read, prefilter, parse, locate, run the rules, apply
//! non-overlapping fixes pass by pass, and re-parse what would be written.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{
    apply_edits, select_non_overlapping, try_apply_edits, Edit, Fix, Record, Safety,
};
use crate::kind::BundleFormat;
pub use crate::kind::FileKind;
use crate::lang::css::{self, StyleSyntax};
use crate::lang::js::{self, Dialect, ParseError};
use crate::lang::properties;
use crate::locate::{locate, locate_json, Entry, JsonDoc, KeyKind, Located};
use crate::rules::{Ctx, Target, VERSIONS};
use crate::source::SourceText;
use crate::transforms::{run_config_rules, run_program_rules, Findings};
use crate::version::{Detector, FromSource, Version};
use aho_corasick::AhoCorasick;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;

/// Passes of fixing before a file counts as not converging.
pub const MAX_PASSES: usize = 10;

/// Files larger than this are skipped (generated code, data dumps).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

/// Scripts and stylesheets over this size whose lines average more than
/// [`MINIFIED_LINE_BYTES`] are minified builds (a copy of the widget's own
/// `okta-sign-in.min.js`, say): nothing in them is the user's to migrate.
const MINIFIED_MIN_BYTES: usize = 64 * 1024;
const MINIFIED_LINE_BYTES: usize = 1000;

/// Why a script or stylesheet is minified, if it is.
fn minified(kind: &FileKind, bytes: &[u8]) -> Option<String> {
    if !matches!(kind, FileKind::Js(_) | FileKind::Css(_)) || bytes.len() < MINIFIED_MIN_BYTES {
        return None;
    }
    let lines = memchr::memchr_iter(b'\n', bytes).count() + 1;
    let mean = bytes.len() / lines;
    (mean > MINIFIED_LINE_BYTES).then(|| {
        format!(
            "minified ({} KiB in {lines} line(s), {mean} bytes per line on average)",
            bytes.len() / 1024
        )
    })
}

thread_local! {
    /// Each worker thread reads files into the same buffer: most files are turned away
    /// by the prefilter, and those then cost no allocation (nor its page faults).
    static READ_BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Why a file named on the command line is not processed.
pub fn skip_reason(path: &Path) -> &'static str {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
        "TypeScript declaration file"
    } else if name == "package.json" || name.ends_with("lock.json") || name.starts_with("tsconfig")
    {
        "a package manifest or tool configuration, not a widget configuration"
    } else {
        "not a file kind widget-migrate handles"
    }
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
    /// What a file looked at was migrated to (`to`, engine, gen3): under nested or
    /// several project configs, not every file's is the run's.
    pub aim: Option<(Version, crate::rules::Engine, bool)>,
    pub source: Option<SourceText>,
    /// The new text, when it differs from the original.
    pub output: Option<String>,
    pub fixes: Vec<ReportedFix>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by ignore comments (offsets in the original text).
    pub ignored: Vec<crate::markers::Ignored>,
    /// The file on disk as it was read (none for standard input and the editor's
    /// documents): `--write` replaces it only while it is still that file.
    pub stamp: Option<crate::fsio::Stamp>,
}

impl FileReport {
    /// What this file was migrated to, when it differs from `target` (the run's first
    /// project config): a file under another config.
    pub fn aim_elsewhere(&self, target: &Target) -> Option<(Version, crate::rules::Engine, bool)> {
        self.aim
            .filter(|&a| a != (target.to, target.engine, target.gen3))
    }

    /// A file read and found to hold nothing to look at.
    pub fn unchanged(path: PathBuf) -> Self {
        FileReport {
            status: Status::Unchanged,
            reason: None,
            ..FileReport::skipped(path, "")
        }
    }

    pub fn skipped(path: PathBuf, reason: impl Into<String>) -> Self {
        FileReport {
            path,
            status: Status::Skipped,
            reason: Some(reason.into()),
            from: None,
            aim: None,
            source: None,
            output: None,
            fixes: Vec::new(),
            diagnostics: Vec::new(),
            ignored: Vec::new(),
            stamp: None,
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

/// The same for JSON: a configuration names at least one of these options.
static JSON_PREFILTER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new([
        "\"baseUrl\"",
        "\"clientId\"",
        "\"issuer\"",
        "\"i18n\"",
        "\"labels\"",
    ])
    .unwrap_or_else(|e| panic!("prefilter patterns: {e}"))
});

pub fn mentions_widget(text: &str) -> bool {
    PREFILTER.is_match(text)
}

/// What reading a file gave.
enum Read {
    /// The bytes are in the buffer; the file as it was read.
    Done(crate::fsio::Stamp),
    TooLarge,
    /// Not a regular file (a FIFO, a device, a socket): never read, a FIFO would block.
    NotAFile(&'static str),
}

/// Reads `path` into `buf` in one open, one fstat and the reads, up to
/// [`MAX_FILE_BYTES`]. Only a regular file is read: it is opened without blocking (a
/// FIFO named on the command line waited forever for a writer) and checked first.
fn read_bounded(path: &Path, buf: &mut Vec<u8>) -> std::io::Result<Read> {
    use std::io::Read as _;
    let read_at = std::time::SystemTime::now();
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Ok(Read::NotAFile(file_type_name(&meta)));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Ok(Read::TooLarge);
    }
    buf.reserve(usize::try_from(meta.len()).unwrap_or(0) + 1);
    file.take(MAX_FILE_BYTES + 1).read_to_end(buf)?;
    Ok(if buf.len() as u64 <= MAX_FILE_BYTES {
        Read::Done(crate::fsio::Stamp::new(&meta, read_at))
    } else {
        Read::TooLarge
    })
}

/// What a file that is not a regular file is, for the message.
fn file_type_name(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        } else if t.is_socket() {
            return "a socket";
        } else if t.is_char_device() || t.is_block_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "not a regular file"
    }
}

/// Whether the prefilter turns this file away without a parse: true only for a file the
/// full path would also leave unchanged (valid UTF-8, no NUL bytes, nothing to look at).
fn turned_away(kind: &FileKind, bytes: &[u8]) -> bool {
    if matches!(kind, FileKind::Bundle { .. }) || memchr::memchr(0, bytes).is_some() {
        return false;
    }
    std::str::from_utf8(bytes).is_ok_and(|text| !worth_parsing(kind, text))
}

/// Whether a file of `kind` with this text can hold anything the rules look at.
fn worth_parsing(kind: &FileKind, text: &str) -> bool {
    match kind {
        FileKind::Js(_) => mentions_widget(text),
        FileKind::JsonConfig => JSON_PREFILTER.is_match(text),
        FileKind::PackageJson => text.contains("\"@okta/okta-signin-widget\""),
        FileKind::Bundle { .. } => true,
        FileKind::Css(_) => crate::transforms::css::mentions_widget(text),
        // Pages also matter for their widget stylesheet links and style overrides.
        FileKind::Html(_) | FileKind::Sfc(_) => {
            mentions_widget(text) || text.contains("okta-sign-in") || text.contains("okta-theme")
        }
    }
}

/// `i18n/stock-bundle`: an English login bundle that is a copy of a release's own.
fn stock_bundle(
    kind: &FileKind,
    body: &str,
    bom: usize,
    located: &Located<'_>,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) {
    use crate::transforms::stock;
    let FileKind::Bundle {
        format,
        lang,
        country: false,
    } = kind
    else {
        return;
    };
    // Most bundles are a few overrides: their texts are never decoded a second time.
    if lang != "en" || !stock::could_be_copy(located.entries.len()) {
        return;
    }
    let entries = match format {
        BundleFormat::Properties => stock::properties_entries(body, bom),
        BundleFormat::Json => located
            .entries
            .iter()
            .filter(|e| e.path.len() == 3)
            .filter_map(|e| {
                let raw = e.value_range.as_ref()?;
                let raw = body.get(raw.start.checked_sub(bom)?..raw.end.checked_sub(bom)?)?;
                Some(stock::BundleEntry {
                    key: e.key()?.to_string(),
                    value: serde_json::from_str::<String>(raw).ok()?,
                    line: e.prop_range.clone(),
                })
            })
            .collect(),
    };
    if let Some(found) = stock::recognise(&entries, ctx.from) {
        let deletable = *format == BundleFormat::Properties;
        stock::apply(&entries, &found, deletable, ctx, out);
    }
}

/// The entries of a `.properties` bundle, as one language's `i18n` object.
fn properties_located<'c>(text: &str, bom: usize, lang: &str, country: bool) -> Located<'c> {
    let parsed = properties::parse(&text[bom..]);
    let shift = |r: std::ops::Range<usize>| r.start + bom..r.end + bom;
    let entries = parsed
        .entries
        .into_iter()
        .map(|e| Entry {
            path: vec![
                Some("i18n".into()),
                Some(lang.to_string()),
                Some(if country {
                    format!("country.{}", e.key)
                } else {
                    e.key
                }),
            ],
            key_range: shift(e.key_range),
            key_kind: if country {
                KeyKind::Other
            } else {
                KeyKind::Properties
            },
            prop_range: shift(e.line_range),
            value: None,
            value_range: Some(shift(e.value_range)),
            container: 0,
            assigned_to: None,
        })
        .collect();
    Located {
        entries,
        configs: 1,
        ..Located::default()
    }
}

/// Runs every JavaScript rule on the script `text[range]`: `text` is the whole file (for
/// an HTML page, with template placeholders masked), and every offset is a file offset.
pub fn analyze_script(
    text: &str,
    range: std::ops::Range<usize>,
    dialect: Dialect,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) -> Result<(), ParseError> {
    let parsed = js::parse(&text[range.clone()], dialect, range.start)?;
    let mut keep = None;
    let located = locate(&parsed, text, &mut keep);
    run_config_rules(&located, text, ctx, out);
    run_program_rules(&parsed, &located, text, ctx, out);
    report_unresolved(&located, out);
    Ok(())
}

/// Runs every CSS rule on the stylesheet `text[range]` (a whole `.css/.scss/.sass/.less`
/// file, or the body of an HTML/SFC `<style>` block): `text` is the whole file and every
/// offset is a file offset. A stylesheet without any widget name is not parsed (and so
/// gives neither findings nor a parse error); neither is any when the `css` section is off.
pub fn analyze_stylesheet(
    text: &str,
    range: std::ops::Range<usize>,
    syntax: StyleSyntax,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) -> Result<(), ParseError> {
    let Some(body) = text.get(range.clone()) else {
        return Ok(());
    };
    if !ctx.target.sections.contains(&crate::rules::Section::Css)
        || !crate::transforms::css::mentions_widget(body)
    {
        return Ok(());
    }
    let sheet = css::parse(body, syntax, range.start)?;
    crate::transforms::css::run(&sheet, text, ctx, out);
    Ok(())
}

/// What the locator could not see, as notes.
fn report_unresolved(located: &Located<'_>, out: &mut Findings) {
    for u in &located.unresolved {
        out.diagnostics.push(
            Diagnostic::core(
                "core/config-not-visible",
                Severity::Info,
                format!("{}; rules cannot check what is not in this file", u.what),
                u.range.clone(),
            )
            .with_help("Run widget-migrate on the file that builds this object, or inline the configuration."),
        );
    }
}

/// How a TODO comment is written in a file of this kind, by position (JSON has none).
fn comment_style(kind: &FileKind) -> Option<fn(&str, usize) -> crate::markers::CommentStyle> {
    use crate::markers::{page_style_at, BLOCK_COMMENT, HASH_COMMENT, JS_COMMENT};
    match kind {
        FileKind::Js(_) => Some(|_, _| JS_COMMENT),
        FileKind::Css(_) => Some(|_, _| BLOCK_COMMENT),
        FileKind::Html(_) | FileKind::Sfc(_) => Some(page_style_at),
        FileKind::Bundle {
            format: BundleFormat::Properties,
            ..
        } => Some(|_, _| HASH_COMMENT),
        FileKind::Bundle {
            format: BundleFormat::Json,
            ..
        }
        | FileKind::JsonConfig
        | FileKind::PackageJson => None,
    }
}

/// The stack of every thread that processes files: 256 MiB of address space, of which
/// only what a file's nesting uses is ever touched. With the nesting bound of the front
/// ends ([`crate::lang::MAX_NESTING`]) a release build uses a few MiB at most; the rest
/// is for chains that nest without brackets (`a.b.c…`, `x => x => …`, `a = b = …`).
pub const STACK_SIZE: usize = 256 << 20;

thread_local! {
    static LARGE_STACK: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks the calling thread as started with [`STACK_SIZE`] (the run's worker threads).
pub fn mark_large_stack() {
    LARGE_STACK.with(|c| c.set(true));
}

/// Runs `f` on a thread with a [`STACK_SIZE`] stack: this one when it has it, else a
/// scoped thread (standard input, the language server, a library caller's thread). A
/// stack overflow cannot be caught; it would end the whole run, not just one file.
pub fn on_large_stack<R: Send>(f: impl FnOnce() -> R + Send) -> R {
    if LARGE_STACK.with(std::cell::Cell::get) {
        return f();
    }
    let job = std::sync::Mutex::new(Some(f));
    let take = || job.lock().unwrap_or_else(|e| e.into_inner()).take();
    std::thread::scope(|scope| {
        let worker = std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                mark_large_stack();
                take().map(|f| f())
            });
        match worker {
            Ok(handle) => handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            // No thread to be had (a thread limit, strict overcommit): on this one.
            Err(_) => take().map(|f| f()),
        }
        .expect("the job runs once")
    })
}

/// Shared, read-only state of a run.
pub struct Engine {
    pub target: Target,
    pub detector: Detector,
    /// The project config file's rule overrides and accepted exceptions, when one applies.
    pub project: Option<crate::config::ProjectConfig>,
}

impl Engine {
    pub fn new(target: Target) -> Self {
        Engine {
            target,
            detector: Detector::default(),
            project: None,
        }
    }

    /// The same engine, honouring a project config's `rules` and `ignore` entries.
    pub fn with_project(mut self, project: Option<crate::config::ProjectConfig>) -> Self {
        self.project = project;
        self
    }

    /// Reads and processes one file from disk; `named` when the user named this file.
    pub fn process_path(&self, path: &Path, named: bool) -> FileReport {
        let display = path.to_path_buf();
        let Some(kind) = FileKind::for_path(path, named) else {
            return FileReport::skipped(display, skip_reason(path));
        };
        READ_BUFFER.with_borrow_mut(|buf| {
            buf.clear();
            let stamp = match read_bounded(path, buf) {
                Ok(Read::Done(stamp)) => stamp,
                Ok(Read::TooLarge) => {
                    return FileReport::skipped(
                        display,
                        format!("larger than {} MiB", MAX_FILE_BYTES / (1024 * 1024)),
                    )
                }
                Ok(Read::NotAFile(what)) => {
                    return FileReport::skipped(display, format!("{what}, not a regular file"))
                }
                Err(e) => return FileReport::error(display, format!("cannot read: {e}")),
            };
            if let Some(why) = minified(&kind, buf) {
                return FileReport::skipped(display, why);
            }
            if turned_away(&kind, buf) {
                return FileReport::unchanged(display);
            }
            // Worth a look: the file's bytes go with it. The buffer itself only when it
            // fits them: it is as large as the largest file this thread has read, and
            // its text is kept to the end of the run (at 100,000 files, kept 1 MB
            // buffers came to 200 MB).
            let bytes = if buf.capacity() > buf.len() + buf.len() / 4 + 4096 {
                buf.clone()
            } else {
                std::mem::take(buf)
            };
            let mut report = self.process_kind(display, kind, bytes);
            report.stamp = Some(stamp);
            report
        })
    }

    /// Processes `bytes` as the content of `path` (standard input: the path is named).
    pub fn process_bytes(&self, path: PathBuf, bytes: Vec<u8>) -> FileReport {
        match FileKind::for_path(&path, true) {
            Some(kind) => self.process_kind(path, kind, bytes),
            None => {
                let reason = skip_reason(&path);
                FileReport::skipped(path, reason)
            }
        }
    }

    /// Every entry point (command line, standard input, language server) goes through
    /// here: a panic below (swc has `unreachable!` paths reachable from input) becomes
    /// this file's error, and the file is left untouched.
    /// Parsers and visitors recurse as deep as the code nests, so the work runs on a
    /// thread with a large stack (see [`on_large_stack`]).
    fn process_kind(&self, path: PathBuf, kind: FileKind, bytes: Vec<u8>) -> FileReport {
        let shown = path.clone();
        on_large_stack(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.process_kind_unguarded(path, kind, bytes))))
            .unwrap_or_else(|panic| {
                let what = panic
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                FileReport::error(
                    shown,
                    format!("internal error while processing this file ({what}); it was left untouched — please report it"),
                )
            })
    }

    fn process_kind_unguarded(&self, path: PathBuf, kind: FileKind, bytes: Vec<u8>) -> FileReport {
        if memchr::memchr(0, &bytes).is_some() {
            return FileReport::skipped(path, "binary file (contains NUL bytes)");
        }
        let source = match &kind {
            FileKind::Bundle {
                format: BundleFormat::Properties,
                ..
            } => match properties::detect_encoding(&bytes) {
                crate::source::Encoding::Utf8 => SourceText::from_bytes(bytes),
                crate::source::Encoding::Latin1 => Ok(SourceText::from_latin1(&bytes)),
            },
            _ => SourceText::from_bytes(bytes),
        };
        let source = match source {
            Ok(s) => s,
            // npm reads a manifest as UTF-8 only: this one is broken, not foreign.
            Err(at) if kind == FileKind::PackageJson => {
                return FileReport::error(
                    path,
                    format!("not valid UTF-8 (byte {at}): neither its widget version nor a `widgetMigrate` config could be read"),
                );
            }
            Err(at) => {
                return FileReport::skipped(path, format!("not valid UTF-8 (byte {at})"));
            }
        };
        let mut report = FileReport {
            path,
            status: Status::Unchanged,
            reason: None,
            from: None,
            aim: None,
            source: None,
            output: None,
            fixes: Vec::new(),
            diagnostics: Vec::new(),
            ignored: Vec::new(),
            stamp: None,
        };
        if worth_parsing(&kind, &source.text) {
            if source.body().starts_with(crate::source::BOM) {
                // swc and raffia skip one more BOM themselves, so every offset they give
                // would land 3 bytes early: refused, never spliced.
                let at = source.bom_len();
                let msg = "the file starts with two byte order marks (EF BB BF EF BB BF); remove one, the file was left untouched";
                report.status = Status::Error;
                report.reason = Some(format!("1:1: {msg}"));
                report.diagnostics.push(Diagnostic::core(
                    "core/parse-error",
                    Severity::Error,
                    msg.into(),
                    at..at,
                ));
                report.source = Some(source);
                return report;
            }
            let from = match self.target.from {
                Some(v) => (v, FromSource::Flag),
                None => self
                    .detector
                    .detect(&report.path, &source.text, VERSIONS.oldest),
            };
            self.fix_file(&mut report, &source, &kind, from.0);
            report.from = Some(from);
            report.aim = Some((self.target.to, self.target.engine, self.target.gen3));
            // Kept for positions and diffs; a file not looked at has neither, and
            // dropping its text keeps the run's memory to the files that matter.
            report.source = Some(source);
        }
        report
    }

    /// The rules' findings on one version of the text, less what ignore comments
    /// silence, plus the TODO markers still in it.
    fn analyze(
        &self,
        path: &Path,
        text: &str,
        bom: usize,
        kind: &FileKind,
        from: Version,
    ) -> Analysis {
        match self.run_rules(text, bom, kind, from) {
            Analysis::Parsed(mut findings) => {
                self.apply_project(path, &mut findings);
                findings.ignored = crate::markers::apply_ignores(text, &mut findings);
                crate::markers::remaining_todos(text, &mut findings);
                Analysis::Parsed(findings)
            }
            failed => failed,
        }
    }

    fn run_rules(&self, text: &str, bom: usize, kind: &FileKind, from: Version) -> Analysis {
        let ctx = Ctx {
            target: &self.target,
            from,
        };
        let mut findings = Findings::default();
        let mut keep = None;
        let body = &text[bom..];
        let located: Located<'_> = match kind {
            FileKind::Js(dialect) => {
                return match analyze_script(text, bom..text.len(), *dialect, &ctx, &mut findings) {
                    Ok(()) => Analysis::Parsed(findings),
                    Err(e) => Analysis::Failed(e),
                }
            }
            FileKind::Css(syntax) => {
                return match analyze_stylesheet(text, bom..text.len(), *syntax, &ctx, &mut findings)
                {
                    Ok(()) => Analysis::Parsed(findings),
                    Err(e) => Analysis::Failed(e),
                }
            }
            FileKind::Html(_) | FileKind::Sfc(_) => {
                return match crate::page::analyze(text, bom, kind, &ctx, &mut findings) {
                    Ok(()) => Analysis::Parsed(findings),
                    Err(e) => Analysis::Failed(e),
                }
            }
            FileKind::JsonConfig => match js::parse_json(body, bom) {
                Ok(parsed) => locate_json(&parsed, text, &mut keep, JsonDoc::Config),
                Err(e) => return Analysis::Failed(e),
            },
            FileKind::PackageJson => {
                return match js::parse_json(body, bom) {
                    Ok(parsed) => {
                        crate::transforms::references::package_json(&parsed, &ctx, &mut findings);
                        Analysis::Parsed(findings)
                    }
                    Err(e) => Analysis::Failed(e),
                }
            }
            FileKind::Bundle {
                format: BundleFormat::Json,
                lang,
                country,
            } => match js::parse_json(body, bom) {
                Ok(parsed) => locate_json(
                    &parsed,
                    text,
                    &mut keep,
                    JsonDoc::Bundle {
                        lang,
                        country: *country,
                    },
                ),
                Err(e) => return Analysis::Failed(e),
            },
            FileKind::Bundle {
                format: BundleFormat::Properties,
                lang,
                country,
            } => properties_located(text, bom, lang, *country),
        };
        run_config_rules(&located, text, &ctx, &mut findings);
        report_unresolved(&located, &mut findings);
        stock_bundle(kind, body, bom, &located, &ctx, &mut findings);
        Analysis::Parsed(findings)
    }

    /// The project config's overrides: `off` rules (and ignored ones in this file) drop
    /// their findings; `manual` rules report their fixes as manual items.
    fn apply_project(&self, path: &Path, findings: &mut Findings) {
        use crate::config::RuleAction;
        let Some(project) = &self.project else {
            return;
        };
        for fix in std::mem::take(&mut findings.fixes) {
            match project.action(fix.rule, path) {
                RuleAction::Run => findings.fixes.push(fix),
                RuleAction::Off => {}
                RuleAction::Manual => {
                    let at = fix.edits.iter().map(|e| e.start).min().unwrap_or(0);
                    let end = fix.edits.iter().map(|e| e.end).max().unwrap_or(at);
                    let mut d = Diagnostic::core(
                        fix.rule,
                        Severity::Warning,
                        format!("{} (set to manual in the project config)", fix.message),
                        at..end,
                    )
                    .with_kb(fix.kb.clone());
                    if let Some(meta) = crate::rules::RULES.iter().find(|r| r.id == fix.rule) {
                        d = d.with_help(meta.help.clone());
                        d.url = Some(meta.docs.clone());
                    }
                    findings.diagnostics.push(d);
                }
            }
        }
        findings
            .diagnostics
            .retain(|d| project.action(&d.rule, path) != RuleAction::Off);
    }

    fn allowed(&self, f: &Fix) -> bool {
        match f.safety {
            Safety::Safe => true,
            Safety::Unsafe => self.target.allow_unsafe,
            Safety::Manual => false,
        }
    }

    fn fix_file(
        &self,
        report: &mut FileReport,
        source: &SourceText,
        kind: &FileKind,
        from: Version,
    ) {
        let bom = source.bom_len();
        let parses = |text: &str| match kind {
            FileKind::Js(dialect) => js::parse(&text[bom..], *dialect, bom).is_ok(),
            FileKind::JsonConfig
            | FileKind::PackageJson
            | FileKind::Bundle {
                format: BundleFormat::Json,
                ..
            } => js::parse_json(&text[bom..], bom).is_ok(),
            FileKind::Bundle {
                format: BundleFormat::Properties,
                ..
            } => true,
            FileKind::Css(syntax) => css::parse(&text[bom..], *syntax, bom).is_ok(),
            FileKind::Html(_) | FileKind::Sfc(_) => crate::page::parses(text, bom, kind),
        };
        let todo = self
            .target
            .insert_todos
            .then(|| comment_style(kind))
            .flatten();
        let path = report.path.clone();
        let outcome = fix_loop(
            &source.text,
            |text| self.analyze(&path, text, bom, kind, from),
            parses,
            |f| self.allowed(f),
            todo,
        );
        match outcome {
            Err(LoopError::Unparsable(e)) => {
                let lc = source.line_col(e.offset);
                if let Some(why) = crate::page::skip_reason(&source.text, bom, kind, e.offset) {
                    // A page whose script needs its template placeholders to parse.
                    report.status = Status::Skipped;
                    report.reason =
                        Some(format!("{why} ({}:{}: {})", lc.line, lc.column, e.message));
                    report.diagnostics.push(Diagnostic::core(
                        "core/script-skipped",
                        Severity::Warning,
                        format!(
                            "this script cannot be parsed once its template placeholders are masked ({}), so the page was left untouched",
                            e.message
                        ),
                        e.offset..e.offset,
                    ).with_help("A placeholder that stands for a whole property or statement hides the script's shape. Move it into a value (`var extra = {{{widgetConfig}}};`) or migrate this script by hand."));
                    return;
                }
                report.status = Status::Error;
                report.reason = Some(format!("{}:{}: {}", lc.line, lc.column, e.message));
                report.diagnostics.push(Diagnostic::core(
                    "core/parse-error",
                    Severity::Error,
                    format!("cannot parse: {}; the file was left untouched", e.message),
                    e.offset..e.offset,
                ));
            }
            Err(LoopError::NoConvergence) => {
                let msg = format!(
                    "fixes did not settle after {MAX_PASSES} passes; the file was left untouched"
                );
                report.status = Status::Error;
                report.diagnostics.push(Diagnostic::core(
                    "core/no-convergence",
                    Severity::Error,
                    msg.clone(),
                    0..0,
                ));
                report.reason = Some(msg);
            }
            Err(LoopError::Internal) => {
                report.status = Status::Error;
                report.reason =
                    Some("internal error: recorded edits do not reproduce the output; the file was left untouched".into());
            }
            Ok(done) => {
                report.fixes = done.fixes;
                report.diagnostics = done.diagnostics;
                report.ignored = done.ignored;
                if done.output != source.text {
                    report.status = Status::Changed;
                    report.output = Some(done.output);
                }
            }
        }
    }
}

/// What analysing one version of a file's text gives.
pub enum Analysis {
    Parsed(Findings),
    Failed(ParseError),
}

#[derive(Debug)]
pub enum LoopError {
    /// The original text does not parse.
    Unparsable(ParseError),
    /// Fixes kept coming for `MAX_PASSES` passes.
    NoConvergence,
    /// The recorded edits do not reproduce the output (a defect; nothing is written).
    Internal,
}

#[derive(Debug)]
pub struct LoopOutcome {
    pub output: String,
    /// Applied fixes first (in order of position), then the ones left pending;
    /// all edits in the coordinates of the original text.
    pub fixes: Vec<ReportedFix>,
    pub diagnostics: Vec<Diagnostic>,
    pub ignored: Vec<crate::markers::Ignored>,
}

/// The pass loop: analyse, apply the allowed fixes that do not overlap, re-analyse the
/// result (which re-parses it), and repeat until no allowed fix is left. A pass whose
/// result does not parse is rolled back; the fixes that break the syntax on their own
/// are dropped and reported, the others go on.
pub fn fix_loop(
    original: &str,
    mut analyze: impl FnMut(&str) -> Analysis,
    parses: impl Fn(&str) -> bool,
    allowed: impl Fn(&Fix) -> bool,
    todo: Option<fn(&str, usize) -> crate::markers::CommentStyle>,
) -> Result<LoopOutcome, LoopError> {
    struct Pass {
        text: String,
        record: Record,
        applied: usize,
        findings: Findings,
        chosen: Vec<Fix>,
    }
    let mut current = original.to_string();
    let mut record = Record::default();
    let mut applied: Vec<Fix> = Vec::new();
    let mut broken: Vec<Fix> = Vec::new();
    let mut engine_diags: Vec<Diagnostic> = Vec::new();
    let mut previous: Option<Pass> = None;
    let mut passes = 0;
    let findings = loop {
        passes += 1;
        if passes > MAX_PASSES {
            return Err(LoopError::NoConvergence);
        }
        let findings = match analyze(&current) {
            Analysis::Parsed(f) => f,
            Analysis::Failed(e) => {
                let Some(prev) = previous.take() else {
                    return Err(LoopError::Unparsable(e));
                };
                // The last pass broke the syntax: roll back, and find the fixes that do,
                // each given the ones before it that do not. A fix may break it only
                // together with another (two removals that each parse alone): blaming
                // the whole pass then dropped fixes that were fine, and the next run
                // applied them (found by the fuzzer, target `pages`).
                current = prev.text;
                record = prev.record;
                applied.truncate(prev.applied);
                let mut kept: Vec<&Edit> = Vec::new();
                let mut culprits: Vec<Fix> = Vec::new();
                for f in &prev.chosen {
                    let with = kept.iter().copied().chain(&f.edits);
                    if parses(&apply_edits(&current, with)) {
                        kept.extend(&f.edits);
                    } else {
                        culprits.push(f.clone());
                    }
                }
                if culprits.is_empty() {
                    culprits = prev.chosen;
                }
                for f in &culprits {
                    // In the original's coordinates now: later passes move this text.
                    let at = record.to_original(f.edits.first().map_or(0, |e| e.start));
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
                prev.findings
            }
        };
        let candidates = findings
            .fixes
            .iter()
            .filter(|f| allowed(f) && !broken.contains(f));
        let chosen: Vec<Fix> = select_non_overlapping(candidates)
            .into_iter()
            .cloned()
            .collect();
        if chosen.is_empty() {
            break findings;
        }
        let before = (current.clone(), record.clone(), applied.len());
        // Record the pass's edits one at a time, each against the text the record
        // produces at that moment (so an edit that lands in a region rewritten by an
        // earlier pass merges with it correctly).
        let mut pass_edits: Vec<(&Edit, usize)> = Vec::new();
        for f in &chosen {
            let owner = applied.len();
            pass_edits.extend(f.edits.iter().map(|e| (e, owner)));
            applied.push(f.clone());
        }
        record.apply_pass(&mut current, pass_edits);
        previous = Some(Pass {
            text: before.0,
            record: before.1,
            applied: before.2,
            findings,
            chosen,
        });
    };

    // TODO markers at the manual items, as one last fix (comments change no behaviour,
    // so no new analysis; the result must still parse).
    if let Some(style) = todo {
        // The manual items, and what applied fixes left for a human (at their place).
        let mut items = findings.diagnostics.clone();
        for (i, f) in applied.iter().enumerate() {
            if let (Some(text), Some(e)) = (&f.follow_up, record.edits_of(i).first()) {
                let at = record.to_current(e.start);
                items.push(
                    Diagnostic::core(f.rule, Severity::Warning, text.clone(), at..at)
                        .with_kb(f.kb.clone()),
                );
            }
        }
        if let Some(f) = crate::markers::todo_fix(&current, &items, style) {
            let candidate = apply_edits(&current, &f.edits);
            if parses(&candidate) {
                let owner = applied.len();
                record.apply_pass(&mut current, f.edits.iter().map(|e| (e, owner)));
                applied.push(f);
            }
        }
    }

    // The record must reproduce the result exactly: a defect here must not reach the disk.
    if try_apply_edits(original, record.all_edits()).as_deref() != Some(current.as_str()) {
        return Err(LoopError::Internal);
    }
    let to_orig = |e: &Edit| {
        Edit::replace(
            record.to_original(e.start)..record.to_original(e.end),
            e.replacement.clone(),
        )
    };
    let mut fixes: Vec<ReportedFix> = applied
        .into_iter()
        .enumerate()
        .map(|(i, f)| ReportedFix {
            fix: Fix {
                edits: record.edits_of(i),
                ..f
            },
            applied: true,
        })
        .collect();
    for f in findings
        .fixes
        .iter()
        .filter(|f| !allowed(f) || broken.contains(f))
    {
        let edits = f.edits.iter().map(to_orig).collect();
        fixes.push(ReportedFix {
            fix: Fix { edits, ..f.clone() },
            applied: false,
        });
    }
    fixes.sort_by_key(|f| f.fix.edits.first().map_or(0, |e| e.start));
    let mut diagnostics: Vec<Diagnostic> = findings
        .diagnostics
        .into_iter()
        .map(|mut d| {
            d.start = record.to_original(d.start);
            d.end = record.to_original(d.end).max(d.start);
            d
        })
        .chain(engine_diags)
        .collect();
    for f in &fixes {
        if let Some(follow_up) = &f.fix.follow_up {
            let at = f.fix.edits.first().map_or(0, |e| e.start);
            let meta = crate::rules::RULES.iter().find(|r| r.id == f.fix.rule);
            diagnostics.push(Diagnostic {
                rule: f.fix.rule.to_string(),
                kb: Some(f.fix.kb.clone()),
                severity: Severity::Warning,
                message: follow_up.clone(),
                help: None,
                url: meta.map(|m| m.docs.clone()),
                start: at,
                end: at,
            });
        }
    }
    diagnostics.sort_by_key(|d| (d.start, d.rule.clone()));
    let ignored = findings
        .ignored
        .into_iter()
        .map(|mut i| {
            i.at = record.to_original(i.at);
            i
        })
        .collect();
    Ok(LoopOutcome {
        output: current,
        fixes,
        diagnostics,
        ignored,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn work_runs_once_on_a_large_stack_and_its_panic_comes_back() {
        // A recursion that needs ~64 MiB: more than a test thread's stack.
        fn depth(n: u64) -> u64 {
            let pad = std::hint::black_box([n; 64]);
            if pad[63] == 0 {
                0
            } else {
                1 + depth(pad[0] - 1)
            }
        }
        assert_eq!(on_large_stack(|| depth(100_000)), 100_000);
        // Already on one: inline, no second thread.
        let outer = on_large_stack(|| {
            let id = std::thread::current().id();
            on_large_stack(|| std::thread::current().id() == id)
        });
        assert!(outer);
        let caught = std::panic::catch_unwind(|| on_large_stack(|| panic!("below")));
        let panic = caught.unwrap_err();
        assert_eq!(panic.downcast_ref::<&str>(), Some(&"below"));
    }

    #[test]
    fn a_style_block_is_analysed_in_file_offsets() {
        let target = Target {
            from: Some(Version::parse("6.9.0").unwrap()),
            ..Target::default()
        };
        let ctx = Ctx {
            target: &target,
            from: target.from.unwrap(),
        };
        let html = "<html><style>\n#okta-sign-in { font-family: montserrat }\n</style></html>";
        let body = html.find("<style>").unwrap() + 7..html.find("</style>").unwrap();
        let mut out = Findings::default();
        analyze_stylesheet(html, body.clone(), StyleSyntax::Css, &ctx, &mut out).unwrap();
        let edit = &out.fixes[0].edits[0];
        assert_eq!(&html[edit.start..edit.end], "montserrat");
        assert_eq!(edit.replacement, "montserrat-okta");
        // A broken block is an error at its file offset; a block without widget names is not parsed.
        let broken = "<style>#okta-sign-in {</style>";
        let inner = 7..broken.find("</style>").unwrap();
        let err = analyze_stylesheet(broken, inner, StyleSyntax::Css, &ctx, &mut out).unwrap_err();
        assert!(err.offset >= 7);
        assert!(analyze_stylesheet(
            "<style>a {</style>",
            7..10,
            StyleSyntax::Css,
            &ctx,
            &mut out
        )
        .is_ok());
    }

    fn fix(rule: &'static str, edits: Vec<Edit>) -> Fix {
        Fix {
            rule,
            kb: "I1".into(),
            safety: Safety::Safe,
            message: rule.into(),
            edits,
            follow_up: None,
        }
    }

    /// A toy language: the text parses unless it holds `!`.
    fn parses(t: &str) -> bool {
        !t.contains('!')
    }

    fn toy(rules: impl Fn(&str) -> Vec<Fix>) -> impl FnMut(&str) -> Analysis {
        move |t| {
            if parses(t) {
                Analysis::Parsed(Findings {
                    fixes: rules(t),
                    ..Findings::default()
                })
            } else {
                Analysis::Failed(ParseError {
                    offset: t.find('!').unwrap_or(0),
                    message: "bang".into(),
                })
            }
        }
    }

    #[test]
    fn overlapping_fixes_take_two_passes_and_map_to_the_original() {
        // Rule a: "ab" -> "AB"; rule b: "bc" (any case) -> "BCD". Both match "abc" and overlap.
        let rules = |t: &str| {
            let mut v = Vec::new();
            if let Some(i) = t.find("ab") {
                v.push(fix("t/a", vec![Edit::replace(i..i + 2, "AB")]));
            }
            if let Some(i) = t
                .to_lowercase()
                .find("bc")
                .filter(|&i| &t[i..i + 2] != "BC")
            {
                v.push(fix("t/b", vec![Edit::replace(i..i + 2, "BCD")]));
            }
            v
        };
        let out = fix_loop("xabc", toy(rules), parses, |_| true, None).unwrap();
        assert_eq!(out.output, "xABCD");
        let applied: Vec<&ReportedFix> = out.fixes.iter().filter(|f| f.applied).collect();
        assert_eq!(applied.len(), 2, "b waited for the second pass");
        // The second fix landed inside the first one's rewrite: the edits were merged so
        // that, in original coordinates, they still rebuild the output.
        let rebuilt = apply_edits("xabc", applied.iter().flat_map(|f| &f.fix.edits));
        assert_eq!(rebuilt, out.output);
        // The merged edit is listed under the later fix (as the README says).
        let edits_of = |rule: &str| {
            let f = applied.iter().find(|f| f.fix.rule == rule).unwrap();
            f.fix.edits.len()
        };
        assert_eq!((edits_of("t/a"), edits_of("t/b")), (0, 1));
    }

    /// Found by the fuzzer (target `pages`): two fixes that each parse alone but not
    /// together got the whole pass blamed, so fixes that were fine were dropped and the
    /// next run applied them. Only the one that breaks it given the others goes.
    #[test]
    fn fixes_that_break_the_syntax_only_together_drop_one_and_keep_the_rest() {
        // A language where `XY` does not parse: `a` -> `X` and `b` -> `Y` parse alone.
        let ok = |t: &str| !t.contains("XY");
        let analyze = |t: &str| {
            if !ok(t) {
                return Analysis::Failed(ParseError {
                    offset: t.find("XY").unwrap_or(0),
                    message: "xy".into(),
                });
            }
            let mut fixes = Vec::new();
            for (from, to, rule) in [("a", "X", "t/a"), ("b", "Y", "t/b"), ("c", "C", "t/c")] {
                if let Some(i) = t.find(from) {
                    fixes.push(fix(rule, vec![Edit::replace(i..i + 1, to)]));
                }
            }
            Analysis::Parsed(Findings {
                fixes,
                ..Findings::default()
            })
        };
        let out = fix_loop("zz ab c", analyze, ok, |_| true, None).unwrap();
        assert_eq!(out.output, "zz Xb C");
        let blamed: Vec<&Diagnostic> = out
            .diagnostics
            .iter()
            .filter(|d| d.rule == "core/fix-broke-syntax")
            .collect();
        assert_eq!(blamed.len(), 1, "{blamed:?}");
        assert!(blamed[0].message.contains("t/b"));
        assert_eq!(blamed[0].start, "zz a".len());
        let again = fix_loop(&out.output, analyze, ok, |_| true, None).unwrap();
        assert_eq!(again.output, out.output, "a second run changes nothing");
    }

    #[test]
    fn a_fix_that_breaks_syntax_is_dropped_and_the_others_stay() {
        let rules = |t: &str| {
            let mut v = Vec::new();
            if let Some(i) = t.find("old") {
                v.push(fix("t/good", vec![Edit::replace(i..i + 3, "new")]));
            }
            if let Some(i) = t.find("x") {
                v.push(fix("t/bad", vec![Edit::replace(i..i + 1, "!")]));
            }
            v
        };
        let out = fix_loop("old x", toy(rules), parses, |_| true, None).unwrap();
        assert_eq!(out.output, "new x");
        assert!(out
            .diagnostics
            .iter()
            .any(|d| d.rule == "core/fix-broke-syntax" && d.message.contains("t/bad")));
        assert!(out
            .fixes
            .iter()
            .any(|f| f.fix.rule == "t/bad" && !f.applied));
    }

    #[test]
    fn fixes_that_never_settle_are_an_error() {
        let rules = |t: &str| vec![fix("t/grow", vec![Edit::insert(t.len(), "a")])];
        assert!(matches!(
            fix_loop("", toy(rules), parses, |_| true, None),
            Err(LoopError::NoConvergence)
        ));
    }

    #[test]
    fn unparsable_input_is_an_error_and_disallowed_fixes_stay_pending() {
        assert!(matches!(
            fix_loop("a!", toy(|_| Vec::new()), parses, |_| true, None),
            Err(LoopError::Unparsable(_))
        ));
        let rules = |t: &str| match t.find('u') {
            Some(i) => vec![Fix {
                safety: Safety::Unsafe,
                ..fix("t/u", vec![Edit::replace(i..i + 1, "U")])
            }],
            None => Vec::new(),
        };
        let out = fix_loop("u", toy(rules), parses, |f| f.safety == Safety::Safe, None).unwrap();
        assert_eq!(out.output, "u");
        assert_eq!(out.fixes.len(), 1);
        assert!(!out.fixes[0].applied);
    }
}
