//! `widget-migrate lsp`: a language server over stdio (lsp-server + lsp-types).
//!
//! Every open document runs through the same engine as the command line, on the
//! editor's text: manual items become warnings, pending fixes information (safe) or
//! hints (unsafe), each with its rule id as `code` and its docs link. Code actions offer
//! each fix as a quick fix and `source.fixAll.widget-migrate`, which applies exactly the
//! fixes `--write` (without `--unsafe`) would. Positions are UTF-16 code units.
//!
//! A document on disk takes the project config that applies to it (the nearest
//! widget-migrate.json, or package.json `"widgetMigrate"`, read again at each analysis):
//! its `rules` and `ignore` entries, its `exclude`/`include` globs (an excluded document
//! gets no diagnostics) and its target values, under the editor's settings as the command
//! line's flags are over them.

use crate::config::{ConfigFile, ProjectConfig};
use crate::diagnostic::Severity;
use crate::edit::{try_apply_edits, Edit, Safety};
use crate::engine::{Engine, FileReport, ReportedFix};
use crate::rules::{Engine as Platform, Section, Target, RULES, VERSIONS};
use crate::version::Version;
use lsp_server::{Connection, Message, Notification, Request, Response};
use lsp_types as lsp;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::process::ExitCode;

mod position;
pub use position::{uri_path, LineIndex};

/// The kind of the action that applies every safe fix of a document.
pub const FIX_ALL: &str = "source.fixAll.widget-migrate";

/// What the editor may set (initializationOptions, or `workspace/didChangeConfiguration`
/// settings, either directly or under a `widget-migrate` key).
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub from: Option<Version>,
    pub to: Option<Version>,
    pub engine: Option<Platform>,
    pub gen3: Option<bool>,
    pub only: Vec<Section>,
}

impl Settings {
    /// Takes the recognised keys of `value`; an invalid value is an error naming it.
    pub fn update(&mut self, value: &Value) -> Result<(), String> {
        let v = value
            .get("widget-migrate")
            .or_else(|| value.get("widgetMigrate"))
            .unwrap_or(value);
        let version = |key: &str| -> Result<Option<Version>, String> {
            match v.get(key) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if s.is_empty() => Ok(None),
                Some(Value::String(s)) => Version::parse(s)
                    .map(Some)
                    .ok_or_else(|| format!("`{key}`: `{s}` is not a version")),
                Some(other) => Err(format!("`{key}`: expected a version string, got {other}")),
            }
        };
        let (from, to) = (version("from")?, version("to")?);
        let engine = match v.get("engine").and_then(Value::as_str) {
            None => self.engine,
            Some("oie") => Some(Platform::Oie),
            Some("classic") => Some(Platform::Classic),
            Some(other) => return Err(format!("`engine`: `{other}` is not oie or classic")),
        };
        let only = match v.get("only").and_then(Value::as_array) {
            None => self.only.clone(),
            Some(list) => list
                .iter()
                .map(|s| {
                    s.as_str()
                        .and_then(Section::parse)
                        .ok_or_else(|| format!("`only`: unknown section {s}"))
                })
                .collect::<Result<_, _>>()?,
        };
        if v.get("from").is_some() {
            self.from = from;
        }
        if v.get("to").is_some() {
            self.to = to;
        }
        self.engine = engine;
        if let Some(g) = v.get("gen3").and_then(Value::as_bool) {
            self.gen3 = Some(g);
        }
        self.only = only;
        Ok(())
    }

    /// The target: each value from the editor's settings, else from the project config
    /// `file`, else the default.
    pub fn target(&self, file: Option<&ConfigFile>) -> Target {
        Target {
            from: self.from.or(file.and_then(|f| f.from)),
            to: self
                .to
                .or(file.and_then(|f| f.to))
                .unwrap_or(VERSIONS.newest),
            engine: self
                .engine
                .or(file.and_then(|f| f.engine))
                .unwrap_or(Platform::Oie),
            gen3: self.gen3.or(file.and_then(|f| f.gen3)).unwrap_or(false),
            sections: if !self.only.is_empty() {
                self.only.clone()
            } else {
                file.and_then(|f| f.only.clone())
                    .filter(|o| !o.is_empty())
                    .unwrap_or_else(|| Section::ALL.to_vec())
            },
            allow_unsafe: false,
            insert_todos: false,
        }
    }
}

/// Runs the engine on a document's text under `project`'s rules and exceptions; a panic
/// is reported, never the end of the server.
pub fn analyze(
    target: &Target,
    project: Option<ProjectConfig>,
    uri: &str,
    text: &str,
) -> FileReport {
    let path = uri_path(uri);
    if let Some(config) = project.as_ref().filter(|c| !c.includes(&path)) {
        let why = format!("excluded by {}", crate::output::display_path(&config.path));
        return FileReport::skipped(path, why);
    }
    let engine = Engine::new(target.clone()).with_project(project);
    let bytes = text.as_bytes().to_vec();
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine.process_bytes(path.clone(), bytes)
    }))
    .unwrap_or_else(|_| FileReport::error(path, "internal error while analysing this file"))
}

fn docs_of(rule: &str) -> Option<lsp::CodeDescription> {
    let url = RULES.iter().find(|r| r.id == rule)?.docs.parse().ok()?;
    Some(lsp::CodeDescription { href: url })
}

fn span(fix: &ReportedFix) -> (usize, usize) {
    let start = fix.fix.edits.iter().map(|e| e.start).min().unwrap_or(0);
    let end = fix.fix.edits.iter().map(|e| e.end).max().unwrap_or(start);
    (start, end)
}

fn fix_diagnostic(index: &LineIndex<'_>, f: &ReportedFix) -> lsp::Diagnostic {
    let (start, end) = span(f);
    let unsafe_note = if f.fix.safety == Safety::Safe {
        ""
    } else {
        " (unsafe fix: review it before applying)"
    };
    lsp::Diagnostic {
        range: index.range(start, end),
        severity: Some(if f.fix.safety == Safety::Safe {
            lsp::DiagnosticSeverity::INFORMATION
        } else {
            lsp::DiagnosticSeverity::HINT
        }),
        code: Some(lsp::NumberOrString::String(f.fix.rule.to_string())),
        code_description: docs_of(f.fix.rule),
        source: Some("widget-migrate".into()),
        message: format!("{} [{}]{unsafe_note}", f.fix.message, f.fix.kb),
        ..lsp::Diagnostic::default()
    }
}

/// The diagnostics of a document: its findings, then one per fix it would take.
pub fn diagnostics(text: &str, report: &FileReport) -> Vec<lsp::Diagnostic> {
    let index = LineIndex::new(text);
    let mut out: Vec<lsp::Diagnostic> = report
        .diagnostics
        .iter()
        .map(|d| {
            let mut message = d.message.clone();
            if let Some(kb) = &d.kb {
                message.push_str(&format!(" [{kb}]"));
            }
            if let Some(help) = &d.help {
                message.push_str(&format!("\n{help}"));
            }
            lsp::Diagnostic {
                range: index.range(d.start, d.end),
                severity: Some(match d.severity {
                    Severity::Error => lsp::DiagnosticSeverity::ERROR,
                    Severity::Warning => lsp::DiagnosticSeverity::WARNING,
                    Severity::Info => lsp::DiagnosticSeverity::INFORMATION,
                }),
                code: Some(lsp::NumberOrString::String(d.rule.clone())),
                code_description: d
                    .url
                    .as_deref()
                    .and_then(|u| u.parse().ok())
                    .map(|href| lsp::CodeDescription { href })
                    .or_else(|| docs_of(&d.rule)),
                source: Some("widget-migrate".into()),
                message,
                ..lsp::Diagnostic::default()
            }
        })
        .collect();
    out.extend(report.fixes.iter().map(|f| fix_diagnostic(&index, f)));
    out
}

fn text_edits(index: &LineIndex<'_>, edits: &[&Edit]) -> Vec<lsp::TextEdit> {
    edits
        .iter()
        .map(|e| lsp::TextEdit::new(index.range(e.start, e.end), e.replacement.clone()))
        .collect()
}

fn workspace_edit(uri: &lsp::Uri, edits: Vec<lsp::TextEdit>) -> lsp::WorkspaceEdit {
    lsp::WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..lsp::WorkspaceEdit::default()
    }
}

/// Whether an action of kind `kind` passes the client's `only` filter.
fn wanted(only: Option<&[lsp::CodeActionKind]>, kind: &str) -> bool {
    only.is_none_or(|only| {
        only.iter().any(|k| {
            let k = k.as_str();
            kind == k || kind.strip_prefix(k).is_some_and(|r| r.starts_with('.'))
        })
    })
}

/// The code actions for `range` (bytes) of a document: every fix that touches it as a
/// quick fix, and the fix-all action when the document has safe fixes.
pub fn code_actions(
    uri: &lsp::Uri,
    text: &str,
    report: &FileReport,
    range: (usize, usize),
    only: Option<&[lsp::CodeActionKind]>,
) -> Vec<lsp::CodeActionOrCommand> {
    let index = LineIndex::new(text);
    let mut out = Vec::new();
    if wanted(only, lsp::CodeActionKind::QUICKFIX.as_str()) {
        for f in &report.fixes {
            let (start, end) = span(f);
            // Only fixes that apply on their own to this text.
            if start > range.1 || range.0 > end || try_apply_edits(text, &f.fix.edits).is_none() {
                continue;
            }
            let safe = f.fix.safety == Safety::Safe;
            let edits: Vec<&Edit> = f.fix.edits.iter().collect();
            out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                title: format!(
                    "{}: {}{}",
                    f.fix.rule,
                    f.fix.message,
                    if safe { "" } else { " (unsafe)" }
                ),
                kind: Some(lsp::CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![fix_diagnostic(&index, f)]),
                edit: Some(workspace_edit(uri, text_edits(&index, &edits))),
                is_preferred: Some(safe),
                ..lsp::CodeAction::default()
            }));
        }
    }
    // The safe fixes are the ones an engine run without --unsafe applied: their edits
    // are in the text's coordinates and do not overlap, so they make one edit.
    let mut all: Vec<&Edit> = report
        .fixes
        .iter()
        .filter(|f| f.applied)
        .flat_map(|f| &f.fix.edits)
        .collect();
    all.sort_by_key(|e| (e.start, e.end));
    if wanted(only, FIX_ALL) && !all.is_empty() && try_apply_edits(text, all.clone()).is_some() {
        let count = report.fixes.iter().filter(|f| f.applied).count();
        out.push(lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
            title: format!("widget-migrate: apply {count} safe fix(es) in this file"),
            kind: Some(lsp::CodeActionKind::new(FIX_ALL)),
            edit: Some(workspace_edit(uri, text_edits(&index, &all))),
            ..lsp::CodeAction::default()
        }));
    }
    out
}

struct Doc {
    text: String,
    version: i32,
    report: FileReport,
}

struct Server {
    connection: Connection,
    settings: Settings,
    docs: HashMap<lsp::Uri, Doc>,
    /// Whether the client answers `workspace/configuration` requests.
    pulls_config: bool,
    /// The id of the last `workspace/configuration` request sent.
    config_request: Option<lsp_server::RequestId>,
    next_id: i32,
    /// The last project config error shown, so that each is shown once, not per keystroke.
    config_error: Option<String>,
}

fn capabilities() -> lsp::ServerCapabilities {
    lsp::ServerCapabilities {
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::FULL,
        )),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![
                    lsp::CodeActionKind::QUICKFIX,
                    lsp::CodeActionKind::new(FIX_ALL),
                ]),
                ..lsp::CodeActionOptions::default()
            },
        )),
        ..lsp::ServerCapabilities::default()
    }
}

/// Runs the server on stdin/stdout until `shutdown` and `exit`.
pub fn serve() -> ExitCode {
    let (connection, io) = Connection::stdio();
    let result = (|| -> Result<(), String> {
        let (id, params) = connection.initialize_start().map_err(|e| e.to_string())?;
        let mut settings = Settings::default();
        let mut warning = None;
        if let Some(opts) = params.get("initializationOptions").filter(|v| !v.is_null()) {
            warning = settings.update(opts).err();
        }
        let init = json!({
            "capabilities": capabilities(),
            "serverInfo": {"name": "widget-migrate", "version": env!("CARGO_PKG_VERSION")},
        });
        connection
            .initialize_finish(id, init)
            .map_err(|e| e.to_string())?;
        let pulls_config = params
            .pointer("/capabilities/workspace/configuration")
            .and_then(Value::as_bool)
            .unwrap_or(false);
        let mut server = Server {
            connection,
            settings,
            docs: HashMap::new(),
            pulls_config,
            config_request: None,
            next_id: 0,
            config_error: None,
        };
        if let Some(w) = warning {
            server.show_error(&w);
        }
        // `initialize_finish` has read the client's `initialized`: settings can be asked now.
        server.pull_config();
        server.main_loop()
    })();
    let joined = io.join().map_err(|e| e.to_string());
    match result.and(joined) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("widget-migrate lsp: {e}");
            ExitCode::from(crate::app::EXIT_ERROR)
        }
    }
}

impl Server {
    fn main_loop(&mut self) -> Result<(), String> {
        while let Ok(msg) = self.connection.receiver.recv() {
            match msg {
                Message::Request(req) => {
                    if self
                        .connection
                        .handle_shutdown(&req)
                        .map_err(|e| e.to_string())?
                    {
                        return Ok(());
                    }
                    self.request(req);
                }
                Message::Notification(n) => self.notification(n),
                Message::Response(r) => {
                    if self.config_request.as_ref() == Some(&r.id) {
                        self.config_request = None;
                        // One item asked: the `widget-migrate` section.
                        if let Some(v) = r.response_result.as_ref().ok().and_then(|v| v.get(0)) {
                            self.reconfigure(v);
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn send(&self, msg: impl Into<Message>) {
        let _ = self.connection.sender.send(msg.into());
    }

    fn show_error(&self, message: &str) {
        self.send(Notification::new(
            "window/showMessage".into(),
            json!({"type": 1, "message": format!("widget-migrate: invalid settings: {message}")}),
        ));
    }

    fn request(&mut self, req: Request) {
        if req.method != "textDocument/codeAction" {
            self.send(Response::new_err(
                req.id,
                lsp_server::ErrorCode::MethodNotFound as i32,
                format!("unsupported request {}", req.method),
            ));
            return;
        }
        let response = match serde_json::from_value::<lsp::CodeActionParams>(req.params) {
            Ok(p) => {
                let actions = self.docs.get(&p.text_document.uri).map(|doc| {
                    let index = LineIndex::new(&doc.text);
                    let range = (index.offset(p.range.start), index.offset(p.range.end));
                    code_actions(
                        &p.text_document.uri,
                        &doc.text,
                        &doc.report,
                        range,
                        p.context.only.as_deref(),
                    )
                });
                Response::new_ok(req.id, actions.unwrap_or_default())
            }
            Err(e) => Response::new_err(
                req.id,
                lsp_server::ErrorCode::InvalidParams as i32,
                e.to_string(),
            ),
        };
        self.send(response);
    }

    fn notification(&mut self, n: Notification) {
        match n.method.as_str() {
            "textDocument/didOpen" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidOpenTextDocumentParams>(n.params) {
                    let d = p.text_document;
                    self.update(d.uri, d.text, d.version);
                }
            }
            "textDocument/didChange" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidChangeTextDocumentParams>(n.params)
                {
                    // Full sync: the last change holds the whole text.
                    if let Some(change) = p.content_changes.into_iter().last() {
                        let d = p.text_document;
                        self.update(d.uri, change.text, d.version);
                    }
                }
            }
            "textDocument/didClose" => {
                if let Ok(p) = serde_json::from_value::<lsp::DidCloseTextDocumentParams>(n.params) {
                    self.docs.remove(&p.text_document.uri);
                    self.publish(&p.text_document.uri, Vec::new(), None);
                }
            }
            "workspace/didChangeConfiguration" => {
                // Settings pushed with the notification, else pulled from the client.
                match n.params.get("settings").filter(|v| v.is_object()) {
                    Some(settings) => self.reconfigure(&settings.clone()),
                    None => self.pull_config(),
                }
            }
            _ => {}
        }
    }

    /// Asks the client for the `widget-migrate` settings, when it answers such requests.
    fn pull_config(&mut self) {
        if !self.pulls_config {
            return;
        }
        self.next_id += 1;
        let id = lsp_server::RequestId::from(format!("widget-migrate-config-{}", self.next_id));
        self.config_request = Some(id.clone());
        self.send(Request::new(
            id,
            "workspace/configuration".into(),
            json!({"items": [{"section": "widget-migrate"}]}),
        ));
    }

    /// Takes new settings and analyses every open document again.
    fn reconfigure(&mut self, settings: &Value) {
        if !settings.is_object() {
            return;
        }
        if let Err(e) = self.settings.update(settings) {
            self.show_error(&e);
        }
        let open: Vec<(lsp::Uri, String, i32)> = self
            .docs
            .iter()
            .map(|(u, d)| (u.clone(), d.text.clone(), d.version))
            .collect();
        for (uri, text, version) in open {
            self.update(uri, text, version);
        }
    }

    /// The project config of a document on disk (none for other schemes). A config
    /// that cannot be read is shown to the user, and the document analysed without one.
    fn project_of(&mut self, uri: &lsp::Uri) -> Option<ProjectConfig> {
        if !uri.as_str().starts_with("file:") {
            return None;
        }
        match crate::config::load_for(&uri_path(uri.as_str())) {
            Ok(config) => {
                self.config_error = None;
                config
            }
            Err(e) => {
                let message = e.to_string();
                if self.config_error.as_deref() != Some(message.as_str()) {
                    self.send(Notification::new(
                        "window/showMessage".into(),
                        json!({"type": 1, "message": format!("widget-migrate: {message}")}),
                    ));
                    self.config_error = Some(message);
                }
                None
            }
        }
    }

    fn update(&mut self, uri: lsp::Uri, text: String, version: i32) {
        let project = self.project_of(&uri);
        let target = self.settings.target(project.as_ref().map(|c| &c.file));
        let report = analyze(&target, project, uri.as_str(), &text);
        let diags = diagnostics(&text, &report);
        self.publish(&uri, diags, Some(version));
        self.docs.insert(
            uri,
            Doc {
                text,
                version,
                report,
            },
        );
    }

    fn publish(&self, uri: &lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        let params = lsp::PublishDiagnosticsParams::new(uri.clone(), diagnostics, version);
        self.send(Notification::new(
            "textDocument/publishDiagnostics".into(),
            params,
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_take_keys_directly_or_nested_and_reject_bad_values() {
        let mut s = Settings::default();
        s.update(&json!({"to": "7.0.0", "engine": "classic", "gen3": true}))
            .unwrap();
        assert_eq!(s.target(None).to, Version::parse("7.0.0").unwrap());
        assert_eq!(s.target(None).engine, Platform::Classic);
        assert!(s.target(None).gen3);
        s.update(&json!({"widget-migrate": {"engine": "oie"}}))
            .unwrap();
        assert_eq!(s.target(None).engine, Platform::Oie);
        assert!(s.update(&json!({"to": "seven"})).is_err());
        assert!(s.update(&json!({"engine": "x"})).is_err());
        assert_eq!(s.target(None).to, Version::parse("7.0.0").unwrap(), "kept");
    }

    #[test]
    fn editor_settings_win_over_the_project_config_value_by_value() {
        let file = crate::config::parse(
            r#"{"from": "5.0.0", "to": "6.0.0", "engine": "classic", "gen3": true, "only": ["css"]}"#,
        )
        .unwrap();
        let mut s = Settings::default();
        let t = s.target(Some(&file));
        assert_eq!(t.from, Version::parse("5.0.0"));
        assert_eq!(t.to, Version::parse("6.0.0").unwrap());
        assert_eq!(t.engine, Platform::Classic);
        assert!(t.gen3);
        assert_eq!(t.sections, vec![Section::Css]);
        // An editor value, even `false`, is taken over the file's; the rest stays.
        s.update(&json!({"to": "7.0.0", "gen3": false})).unwrap();
        let t = s.target(Some(&file));
        assert_eq!(t.to, Version::parse("7.0.0").unwrap());
        assert!(!t.gen3);
        assert_eq!(t.engine, Platform::Classic);
        assert_eq!(t.from, Version::parse("5.0.0"));
    }

    #[test]
    fn kinds_filter_actions() {
        let quick = [lsp::CodeActionKind::QUICKFIX];
        assert!(wanted(Some(&quick), "quickfix"));
        assert!(!wanted(Some(&quick), FIX_ALL));
        assert!(wanted(
            Some(&[lsp::CodeActionKind::SOURCE_FIX_ALL]),
            FIX_ALL
        ));
        assert!(wanted(None, FIX_ALL));
    }
}
