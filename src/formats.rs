//! Machine formats for CI: SARIF 2.1.0 (`--format sarif`) and GitHub workflow commands
//! (`--format github`).

use crate::diagnostic::Severity;
use crate::engine::FileReport;
use crate::output::display_path;
use crate::rules::RULES;
use crate::source::SourceText;
use serde_json::{json, Value};

fn region(src: Option<&SourceText>, start: usize, end: usize) -> Value {
    match src {
        Some(s) => {
            let (a, b) = (s.line_col(start), s.line_col(end));
            json!({ "startLine": a.line, "startColumn": a.column, "endLine": b.line, "endColumn": b.column,
                    "charOffset": s.disk_offset(start), "charLength": s.disk_offset(end) - s.disk_offset(start) })
        }
        None => json!({ "startLine": 1 }),
    }
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// One SARIF log: the rules as the tool's metadata, every diagnostic and every fix not
/// in the written output as a result (fixes as `artifactChanges`).
pub fn sarif(reports: &[FileReport], written: bool) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "shortDescription": { "text": r.message },
                "fullDescription": { "text": r.help },
                "helpUri": r.docs,
                "properties": { "kb": r.kb, "safety": r.safety.as_str(), "section": r.section.as_str() }
            })
        })
        .collect();
    let mut results = Vec::new();
    for r in reports {
        let uri = display_path(&r.path);
        let src = r.source.as_ref();
        let location = |start: usize, end: usize| json!([{ "physicalLocation": { "artifactLocation": { "uri": uri }, "region": region(src, start, end) } }]);
        for d in &r.diagnostics {
            let mut msg = d.message.clone();
            if let Some(h) = &d.help {
                msg.push_str(&format!(" — {h}"));
            }
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": msg },
                "locations": location(d.start, d.end),
            });
            if let Some(kb) = &d.kb {
                result["properties"] = json!({ "kb": kb });
            }
            results.push(result);
        }
        for f in r.fixes.iter().filter(|f| !(written && f.applied)) {
            let Some(first) = f.fix.edits.first() else {
                continue;
            };
            let replacements: Vec<Value> = f
                .fix
                .edits
                .iter()
                .map(|e| json!({ "deletedRegion": region(src, e.start, e.end), "insertedContent": { "text": e.replacement } }))
                .collect();
            results.push(json!({
                "ruleId": f.fix.rule,
                "level": "warning",
                "message": { "text": format!("{} ({} fix)", f.fix.message, f.fix.safety.as_str()) },
                "locations": location(first.start, first.end),
                "fixes": [{
                    "description": { "text": f.fix.message },
                    "artifactChanges": [{ "artifactLocation": { "uri": uri }, "replacements": replacements }]
                }],
                "properties": { "kb": f.fix.kb, "safety": f.fix.safety.as_str() }
            }));
        }
        if let (crate::engine::Status::Error, Some(reason)) = (r.status, &r.reason) {
            if r.diagnostics.iter().all(|d| d.severity != Severity::Error) {
                results.push(json!({
                    "ruleId": "core/file-error",
                    "level": "error",
                    "message": { "text": reason },
                    "locations": [{ "physicalLocation": { "artifactLocation": { "uri": uri } } }]
                }));
            }
        }
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "widget-migrate",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/okta/okta-signin-widget",
                "rules": rules
            } },
            "results": results
        }]
    })
}

/// Escapes workflow-command data (`%`, CR, LF) and, for properties, `:` and `,`.
fn escape(s: &str, property: bool) -> String {
    let mut out = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    if property {
        out = out.replace(':', "%3A").replace(',', "%2C");
    }
    out
}

/// GitHub Actions annotations: `::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message`.
pub fn github(reports: &[FileReport], written: bool) -> String {
    let mut out = String::new();
    for r in reports {
        let file = escape(&display_path(&r.path), true);
        let src = r.source.as_ref();
        let pos = |start: usize, end: usize| match src {
            Some(s) => {
                let (a, b) = (s.line_col(start), s.line_col(end));
                format!(
                    ",line={},col={},endLine={},endColumn={}",
                    a.line, a.column, b.line, b.column
                )
            }
            None => String::new(),
        };
        for d in &r.diagnostics {
            let kind = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let title = format!("{} {}", d.rule, d.kb.as_deref().unwrap_or(""));
            let title = escape(title.trim(), true);
            out.push_str(&format!(
                "::{kind} file={file}{},title={title}::{}\n",
                pos(d.start, d.end),
                escape(&d.message, false)
            ));
        }
        for f in r.fixes.iter().filter(|f| !(written && f.applied)) {
            let Some(e) = f.fix.edits.first() else {
                continue;
            };
            let title = escape(
                &format!(
                    "{} {} ({} fix)",
                    f.fix.rule,
                    f.fix.kb,
                    f.fix.safety.as_str()
                ),
                true,
            );
            out.push_str(&format!(
                "::warning file={file}{},title={title}::{}\n",
                pos(e.start, e.end),
                escape(&f.fix.message, false)
            ));
        }
        if let (crate::engine::Status::Error, Some(reason)) = (r.status, &r.reason) {
            out.push_str(&format!("::error file={file}::{}\n", escape(reason, false)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping() {
        assert_eq!(escape("a%b\r\nc", false), "a%25b%0D%0Ac");
        assert_eq!(escape("src/a,b:c.js", true), "src/a%2Cb%3Ac.js");
    }
}
