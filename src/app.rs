//! A whole run: arguments → files → reports → output → exit code.

use crate::cli::{Cli, ColorChoice, Command, Format, Mode, RulesFormat, RunArgs};
use crate::config::{ConfigFile, ProjectConfig};
use crate::diagnostic::Severity;
use crate::engine::{Engine, FileReport, Status};
use crate::fsio::{dirty_files, remove_stale_temps, write_atomic, write_target};
use crate::output::{display_path, json_document, text_findings, unified_diff, Summary};
use crate::rules::{Section, Target, RULES, VERSIONS};
use crate::walk::{walk, Walked};
use rayon::prelude::*;
use std::io::{Read, Write};
use std::process::ExitCode;

pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_PENDING: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

/// Writes to a stream, ignoring a closed pipe (`widget-migrate | head` is fine).
fn emit(stream: &mut dyn Write, text: &str) {
    let _ = stream.write_all(text.as_bytes());
}

/// A file's diff in the file's own encoding, so that `git apply` matches its bytes.
fn diff_bytes(r: &FileReport, color: bool) -> Option<Vec<u8>> {
    let (src, out) = (r.source.as_ref()?, r.output.as_ref()?);
    Some(src.encode(&unified_diff(&r.path, &src.text, out, color)))
}

fn usage_error(msg: &str) -> ExitCode {
    eprintln!("widget-migrate: error: {msg}");
    ExitCode::from(EXIT_ERROR)
}

pub fn main_with(cli: Cli) -> ExitCode {
    match cli.command {
        Some(Command::Rules { format }) => list_rules(format),
        Some(Command::Lsp) => crate::lsp::serve(),
        Some(Command::Explain { rule }) => match crate::commands::explain(&rule) {
            Some(text) => {
                emit(&mut anstream::stdout(), &text);
                ExitCode::from(EXIT_CLEAN)
            }
            None => usage_error(&format!(
                "unknown rule `{rule}`; `widget-migrate rules` lists the valid ids"
            )),
        },
        Some(Command::Completions { shell }) => crate::commands::completions(shell),
        Some(Command::Init { folder, force }) => crate::commands::init(&folder, force),
        None => run(cli.run),
    }
}

fn list_rules(format: RulesFormat) -> ExitCode {
    let mut out = anstream::stdout();
    match format {
        RulesFormat::Json => {
            let table = &crate::transforms::i18n::INDEX.table;
            let rules: Vec<serde_json::Value> = RULES
                .iter()
                .map(|r| {
                    let mut v = serde_json::to_value(r).unwrap_or_default();
                    let entries = match r.id.as_str() {
                        "i18n/rename-key" => serde_json::json!(table.renames.iter().map(|x| serde_json::json!({"kb": x.kb, "since": x.since.to_string(), "from": x.from, "to": x.to})).collect::<Vec<_>>()),
                        "i18n/split-key" => serde_json::json!(table.splits.iter().map(|x| serde_json::json!({"kb": x.kb, "since": x.since.to_string(), "from": x.from, "candidates": x.candidates})).collect::<Vec<_>>()),
                        "i18n/removed-key" => serde_json::json!(table.removed.iter().map(|x| serde_json::json!({"kb": "I18N-A", "since": x.since.to_string(), "key": x.key})).collect::<Vec<_>>()),
                        "i18n/oie-key" => serde_json::json!(table.oie_keys.iter().map(|x| serde_json::json!({"kb": x.kb, "from": x.from, "to": x.to, "alternatives": x.alternatives})).collect::<Vec<_>>()),
                        "i18n/classic-only-key" => serde_json::json!(table.classic_only.iter().map(|x| serde_json::json!({"kb": x.kb, "key": x.key})).collect::<Vec<_>>()),
                        _ => serde_json::Value::Null,
                    };
                    if !entries.is_null() {
                        v["entries"] = entries;
                    }
                    v
                })
                .collect();
            let doc = serde_json::json!({ "version": 1, "newest": VERSIONS.newest.to_string(), "rules": rules });
            emit(
                &mut out,
                &format!(
                    "{}\n",
                    serde_json::to_string_pretty(&doc).unwrap_or_default()
                ),
            );
        }
        RulesFormat::Text => {
            let mut s = String::new();
            for r in RULES.iter() {
                let versions = match (r.since, r.until) {
                    (Some(a), Some(b)) => format!("{a}..{b}"),
                    (Some(a), None) => format!(">={a}"),
                    (None, Some(b)) => format!("<{b}"),
                    (None, None) => "per entry".into(),
                };
                s.push_str(&format!(
                    "{:<24} {:<7} {:<7} engine={:<7} gen={:<4} versions={:<10} kb={}\n    {}\n    {}\n",
                    r.id,
                    r.section.as_str(),
                    r.safety.as_str(),
                    format!("{:?}", r.engine).to_lowercase(),
                    format!("{:?}", r.gen).to_lowercase(),
                    versions,
                    r.kb.join(","),
                    r.message,
                    r.docs
                ));
            }
            emit(&mut out, &s);
        }
    }
    ExitCode::from(EXIT_CLEAN)
}

/// The target of a run: flags given on the command line, else the project config's
/// values, else the defaults.
pub fn target_of(args: &RunArgs, config: Option<&ConfigFile>) -> Target {
    let file = config.cloned().unwrap_or_default();
    Target {
        from: args.from.or(file.from),
        to: args.to.or(file.to).unwrap_or(VERSIONS.newest),
        engine: args
            .engine
            .or(file.engine)
            .unwrap_or(crate::rules::Engine::Oie),
        gen3: args.gen3 || file.gen3.unwrap_or(false),
        sections: if !args.only.is_empty() {
            args.only.clone()
        } else {
            file.only
                .filter(|o| !o.is_empty())
                .unwrap_or_else(|| Section::ALL.to_vec())
        },
        allow_unsafe: args.allow_unsafe,
        insert_todos: args.insert_todos,
    }
}

/// The engine for files under `config` (or none): the target from the flags and the
/// config, refused when `--from` is newer than `--to`.
fn engine_for(args: &RunArgs, config: Option<ProjectConfig>) -> Result<Engine, String> {
    let target = target_of(args, config.as_ref().map(|c| &c.file));
    if let Some(from) = target.from.filter(|&f| f > target.to) {
        let whence = config
            .as_ref()
            .map(|c| format!(" (from {})", display_path(&c.path)))
            .unwrap_or_default();
        return Err(format!(
            "--from {from} is newer than --to {}{whence}",
            target.to
        ));
    }
    Ok(Engine::new(target).with_project(config))
}

fn run(args: RunArgs) -> ExitCode {
    let mut answers = None;
    if args.interactive {
        if args.mode() != Mode::Write || args.stdin_filename.is_some() {
            return usage_error(
                "--interactive works with --write (on files, not --stdin-filename)",
            );
        }
        match crate::interactive::Answers::open() {
            Ok(a) => answers = Some(a),
            Err(why) => return usage_error(&why),
        }
    }
    // Each path's project config (the nearest widget-migrate.json above it); paths that
    // share one form one group with one target.
    let mut groups: Vec<(Option<ProjectConfig>, Vec<std::path::PathBuf>)> = Vec::new();
    let named: Vec<std::path::PathBuf> = match &args.stdin_filename {
        Some(p) => vec![p.clone()],
        None => args.paths.clone(),
    };
    for path in named {
        let config = match crate::config::load_for(&path) {
            Ok(c) => c,
            Err(e) => return usage_error(&e.to_string()),
        };
        let key = config.as_ref().map(|c| c.path.clone());
        match groups
            .iter_mut()
            .find(|(c, _)| c.as_ref().map(|c| c.path.clone()) == key)
        {
            Some((_, paths)) => paths.push(path),
            None => groups.push((config, vec![path])),
        }
    }
    let mut engines = Vec::new();
    for (config, paths) in groups {
        match engine_for(&args, config) {
            Ok(engine) => engines.push((engine, paths)),
            Err(why) => return usage_error(&why),
        }
    }
    let threads = args.threads.unwrap_or(0);
    // Fails only when a pool exists already (tests calling twice): keep that one.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .stack_size(crate::engine::STACK_SIZE)
        .start_handler(|_| crate::engine::mark_large_stack())
        .build_global();
    let color = match args.color {
        ColorChoice::Always => anstream::ColorChoice::Always,
        ColorChoice::Never => anstream::ColorChoice::Never,
        ColorChoice::Auto => anstream::ColorChoice::Auto,
    };
    color.write_global();
    if let (Some(path), Some((engine, _))) = (&args.stdin_filename, engines.first()) {
        return run_stdin(engine, &args, path.clone());
    }

    // Walk every group first, so one bar counts every file of the run.
    let walk_threads = threads.max(if threads == 0 { num_threads() } else { threads });
    let walks: Vec<_> = engines
        .iter()
        .map(|(engine, paths)| (engine, paths, walk(paths, args.no_ignore, walk_threads)))
        .collect();
    // Configs in folders below the paths given: their files take the nearest one.
    let mut nested = Vec::with_capacity(walks.len());
    for (_, paths, walked) in &walks {
        let (configs, owners) =
            match crate::config::nested(paths, &walked.files, &walked.config_dirs) {
                Ok(found) => found,
                Err(e) => return usage_error(&e.to_string()),
            };
        let engines: Result<Vec<_>, _> = configs
            .into_iter()
            .map(|config| engine_for(&args, Some(config)))
            .collect();
        let engines = match engines {
            Ok(engines) => engines,
            Err(why) => return usage_error(&why),
        };
        nested.push((engines, owners));
    }
    let progress =
        crate::progress::Progress::new(walks.iter().map(|(_, _, w)| w.files.len()).sum());
    let mut reports: Vec<FileReport> = Vec::new();
    for ((engine, paths, walked), (inner, owners)) in walks.into_iter().zip(&nested) {
        let engine_of = |i: usize| owners[i].map_or(engine, |o| &inner[o]);
        reports.extend(process_group(engine, engine_of, paths, walked, &progress));
    }
    progress.finish();
    reports.sort_by(|a, b| crate::walk::path_order(&a.path, &b.path));
    // A file under two paths of different groups is processed once.
    reports.dedup_by(|a, b| a.path == b.path);
    let Some((engine, _)) = engines.first() else {
        return usage_error("no paths given");
    };
    hold_back_version_bump(&mut reports);

    let mode = args.mode();
    if mode == Mode::Write {
        let changed: Vec<_> = reports
            .iter()
            .filter(|r| r.status == Status::Changed)
            .map(|r| r.path.clone())
            .collect();
        if !args.allow_dirty {
            let dirty = dirty_files(&changed);
            if !dirty.is_empty() {
                for d in &dirty {
                    eprintln!("{}: has uncommitted changes", display_path(d));
                }
                return usage_error(
                    "--write refuses to touch files with uncommitted changes; commit or stash them, or pass --allow-dirty",
                );
            }
        }
        if let Some(answers) = &mut answers {
            let mut prompt = anstream::stderr();
            crate::interactive::review(engine, &mut reports, answers, &mut prompt, true);
            hold_back_version_bump(&mut reports);
        }
        // Where each changed file is written (its symlink resolved), worked out once.
        let targets: Vec<Option<Result<std::path::PathBuf, String>>> = reports
            .par_iter()
            .map(|r| {
                (r.status == Status::Changed && r.output.is_some()).then(|| write_target(&r.path))
            })
            .collect();
        // Temp files an interrupted run left: one listing per folder written to.
        let folders: std::collections::BTreeSet<&std::path::Path> = targets
            .iter()
            .flatten()
            .filter_map(|t| t.as_deref().ok())
            .map(crate::fsio::folder_of)
            .collect();
        folders.par_iter().for_each(|f| remove_stale_temps(f));
        // Each file is its own atomic write: they go in parallel.
        reports
            .par_iter_mut()
            .zip(&targets)
            .for_each(|(r, target)| {
                let (Some(target), Some(out)) = (target, &r.output) else {
                    return;
                };
                let bytes = r
                    .source
                    .as_ref()
                    .map_or_else(|| out.as_bytes().to_vec(), |s| s.encode(out));
                // The bytes read, to tell whether the file still holds them.
                let read = r.source.as_ref().map(|s| s.encode(&s.text));
                let expected = r
                    .stamp
                    .zip(read.as_deref())
                    .map(|(stamp, bytes)| crate::fsio::Expected { stamp, bytes });
                let written = target.clone().and_then(|target| {
                    write_atomic(&target, &bytes, expected.as_ref())
                        .map_err(|e| crate::fsio::write_error(&e))
                });
                if let Err(e) = written {
                    r.status = Status::Error;
                    r.reason = Some(e);
                    for f in &mut r.fixes {
                        f.applied = false;
                    }
                }
            });
    }
    finish(engine, &args, &reports, mode)
}

/// Processes the files walked from the paths that share one project config, each with
/// the engine of its own config (`engine_of(index)`: the group's, or a nested one's);
/// walked files outside its `include` / inside its `exclude` are left out (files named
/// are always taken). Files the walk skipped are judged by the group's config.
fn process_group<'e>(
    group: &Engine,
    engine_of: impl Fn(usize) -> &'e Engine + Sync,
    paths: &[std::path::PathBuf],
    walked: Walked,
    progress: &crate::progress::Progress,
) -> Vec<FileReport> {
    let taken = |p: &std::path::PathBuf, engine: &Engine| {
        paths.contains(p) || engine.project.as_ref().is_none_or(|c| c.includes(p))
    };
    let mut reports: Vec<FileReport> = walked
        .files
        .par_iter()
        .enumerate()
        .filter_map(|(i, p)| {
            let engine = engine_of(i);
            let report = taken(p, engine).then(|| engine.process_path(p, paths.contains(p)));
            progress.inc();
            report
        })
        .collect();
    for (path, why) in walked.errors {
        reports.push(FileReport::error(path, why));
    }
    for (path, why) in walked.skipped.into_iter().filter(|(p, _)| taken(p, group)) {
        reports.push(FileReport::skipped(path, why));
    }
    reports
}

/// The package.json range moves to the target last: once it names the target, later
/// runs take the code as written for it, and fixes still pending elsewhere (unsafe
/// ones, say) would no longer be found. So it waits while any other fix is pending.
fn hold_back_version_bump(reports: &mut [FileReport]) {
    let is_manifest = |r: &FileReport| r.path.file_name().is_some_and(|n| n == "package.json");
    let pending_elsewhere = reports
        .iter()
        .filter(|r| !is_manifest(r))
        .any(|r| r.fixes.iter().any(|f| !f.applied));
    if !pending_elsewhere {
        return;
    }
    for r in reports
        .iter_mut()
        .filter(|r| is_manifest(r) && r.status == Status::Changed)
    {
        r.status = Status::Unchanged;
        r.output = None;
        for f in &mut r.fixes {
            f.applied = false;
        }
        let at = r
            .fixes
            .first()
            .and_then(|f| f.fix.edits.first())
            .map_or(0, |e| e.start);
        r.diagnostics.push(crate::diagnostic::Diagnostic::core(
            "config/package-version",
            Severity::Info,
            "the version bump waits until no other fix is pending (run again with --unsafe, or finish the manual fixes first), so that later runs still see the old version".into(),
            at..at,
        ));
    }
}

fn num_threads() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn run_stdin(engine: &Engine, args: &RunArgs, path: std::path::PathBuf) -> ExitCode {
    let mut bytes = Vec::new();
    if let Err(e) = std::io::stdin().read_to_end(&mut bytes) {
        return usage_error(&format!("cannot read standard input: {e}"));
    }
    let report = engine.process_bytes(path, bytes.clone());
    let reports = [report];
    let code = exit_code(&reports, Mode::Write);
    let r = &reports[0];
    if let Some(file) = &args.patch_file {
        // The patch of standard input names PATH, as for a file on disk.
        if let Err(e) = std::fs::write(file, diff_bytes(r, false).unwrap_or_default()) {
            eprintln!("{}: cannot write patch: {e}", display_path(file));
            return ExitCode::from(EXIT_ERROR);
        }
    }
    if args.format == Format::Json {
        let summary = Summary::of(&reports);
        let doc = json_document(
            &reports,
            &engine.target,
            &from_label(engine, &reports),
            &summary,
        );
        emit(&mut std::io::stdout(), &format!("{doc:#}\n"));
    } else {
        let text = match (&r.source, &r.output) {
            (Some(src), Some(out)) => src.encode(out),
            _ => bytes,
        };
        let _ = std::io::stdout().write_all(&text);
        emit(
            &mut anstream::stderr(),
            &text_findings(r, false, &engine.target, false),
        );
    }
    ExitCode::from(code)
}

fn from_label(engine: &Engine, reports: &[FileReport]) -> String {
    engine
        .target
        .from
        .or_else(|| {
            reports
                .iter()
                .filter_map(|r| r.from.as_ref().map(|f| f.0))
                .min()
        })
        .unwrap_or(VERSIONS.oldest)
        .to_string()
}

/// 2 for any error, else 1 for anything left (pending fixes, manual items), else 0.
pub fn exit_code(reports: &[FileReport], mode: Mode) -> u8 {
    let written = mode == Mode::Write;
    let error = reports
        .iter()
        .any(|r| r.status == Status::Error || r.worst_severity() == Some(Severity::Error));
    let pending = reports
        .iter()
        .any(|r| r.pending_fixes(written) > 0 || r.worst_severity() >= Some(Severity::Warning));
    if error {
        EXIT_ERROR
    } else if pending {
        EXIT_PENDING
    } else {
        EXIT_CLEAN
    }
}

fn finish(engine: &Engine, args: &RunArgs, reports: &[FileReport], mode: Mode) -> ExitCode {
    let summary = Summary::of(reports);
    let written = mode == Mode::Write;
    let code = exit_code(reports, mode);
    let patch: Vec<u8> = reports
        .iter()
        .filter_map(|r| diff_bytes(r, false))
        .flatten()
        .collect();
    if let Some(file) = &args.report {
        let md = crate::report::markdown(
            reports,
            &engine.target,
            &from_label(engine, reports),
            written,
        );
        if let Err(e) = std::fs::write(file, md) {
            eprintln!("{}: cannot write report: {e}", display_path(file));
            return ExitCode::from(EXIT_ERROR);
        }
    }
    if let Some(file) = &args.patch_file {
        if let Err(e) = std::fs::write(file, &patch) {
            eprintln!("{}: cannot write patch: {e}", display_path(file));
            return ExitCode::from(EXIT_ERROR);
        }
    }
    let mut stdout = anstream::stdout();
    let mut stderr = anstream::stderr();
    match args.format {
        Format::Sarif => {
            let doc = crate::formats::sarif(reports, written);
            emit(&mut std::io::stdout(), &format!("{doc:#}\n"));
        }
        Format::Github => {
            emit(
                &mut std::io::stdout(),
                &crate::formats::github(reports, written),
            );
            emit(
                &mut anstream::stderr(),
                &format!("{}\n", summary.line(written)),
            );
        }
        Format::Json => {
            let doc = json_document(
                reports,
                &engine.target,
                &from_label(engine, reports),
                &summary,
            );
            emit(&mut std::io::stdout(), &format!("{doc:#}\n"));
        }
        _ => {
            let color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => true, // anstream strips it where colour is off
            };
            // The diff goes out as its bytes: anstream's stripping took control
            // characters out of it and left escapes after bytes that are not UTF-8, so
            // without colour it is printed plain, for `git apply`.
            let diff_color = match args.color {
                ColorChoice::Always => true,
                ColorChoice::Never => false,
                ColorChoice::Auto => {
                    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
                }
            };
            for r in reports {
                if mode == Mode::DryRun {
                    if let Some(diff) = diff_bytes(r, diff_color) {
                        let _ = if diff_color {
                            stdout.write_all(&diff)
                        } else {
                            stdout
                                .flush()
                                .and_then(|()| std::io::stdout().write_all(&diff))
                        };
                    }
                }
                let findings = text_findings(r, mode == Mode::Check, &engine.target, color);
                if mode == Mode::Check {
                    emit(&mut stdout, &findings);
                } else {
                    emit(&mut stderr, &findings);
                }
            }
            let mut line = summary.line(written);
            if mode == Mode::DryRun && summary.changed > 0 {
                line.push_str(" (dry run: nothing written; use --write to apply)");
            }
            emit(&mut stderr, &format!("{line}\n"));
        }
    }
    ExitCode::from(code)
}
