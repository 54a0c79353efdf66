//! In-source markers: `widget-migrate-ignore RULE` comments that silence a rule on their
//! line and the next (`widget-migrate-ignore-file RULE` for the whole file), and the
//! `widget-migrate:` TODO comments `--insert-todos` leaves at each manual item.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix, Safety};
use crate::transforms::Findings;

pub const TODO_TAG: &str = "widget-migrate:";
const IGNORE: &str = "widget-migrate-ignore";

/// How a file kind writes a line comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommentStyle {
    pub open: &'static str,
    pub close: &'static str,
}

pub const JS_COMMENT: CommentStyle = CommentStyle {
    open: "// ",
    close: "",
};
pub const HASH_COMMENT: CommentStyle = CommentStyle {
    open: "# ",
    close: "",
};
pub const BLOCK_COMMENT: CommentStyle = CommentStyle {
    open: "/* ",
    close: " */",
};
pub const HTML_COMMENT: CommentStyle = CommentStyle {
    open: "<!-- ",
    close: " -->",
};

/// The comment syntax at `pos` of an HTML page or component: JavaScript inside a
/// `<script>`, CSS inside a `<style>`, HTML elsewhere.
pub fn page_style_at(text: &str, pos: usize) -> CommentStyle {
    let before = text[..pos.min(text.len())].to_ascii_lowercase();
    let open = |tag: &str| before.rfind(&format!("<{tag}"));
    let close = |tag: &str| before.rfind(&format!("</{tag}"));
    let inside = |tag: &str| open(tag).is_some_and(|o| close(tag).is_none_or(|c| c < o));
    if inside("script") {
        JS_COMMENT
    } else if inside("style") {
        BLOCK_COMMENT
    } else {
        HTML_COMMENT
    }
}

/// A finding silenced by an ignore comment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ignored {
    /// The rule id or kb row the comment names.
    pub what: String,
    pub rule: String,
    pub kb: Option<String>,
    /// Offset of the silenced finding.
    pub at: usize,
}

struct IgnoreComment {
    names: Vec<String>,
    /// 0-based line of the comment; `None` for a whole-file comment.
    line: Option<usize>,
}

fn ignore_comments(text: &str) -> Vec<IgnoreComment> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some(at) = line.find(IGNORE) else {
            continue;
        };
        let rest = &line[at + IGNORE.len()..];
        let (file_wide, rest) = match rest.strip_prefix("-file") {
            Some(r) => (true, r),
            None => (false, rest),
        };
        let names: Vec<String> = rest
            .split(|c: char| c.is_whitespace() || c == ',')
            .map(|w| w.trim_end_matches("*/").trim_end_matches("-->"))
            .filter(|w| {
                !w.is_empty()
                    && (w.contains('/') || w.chars().next().is_some_and(|c| c.is_ascii_uppercase()))
            })
            .map(str::to_string)
            .collect();
        if !names.is_empty() {
            out.push(IgnoreComment {
                names,
                line: (!file_wide).then_some(i),
            });
        }
    }
    out
}

fn line_of(line_starts: &[usize], offset: usize) -> usize {
    line_starts
        .partition_point(|&s| s <= offset)
        .saturating_sub(1)
}

/// Drops the findings an ignore comment silences, and returns them.
pub fn apply_ignores(text: &str, findings: &mut Findings) -> Vec<Ignored> {
    if !text.contains(IGNORE) {
        return Vec::new();
    }
    let comments = ignore_comments(text);
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    let silenced_by = |rule: &str, kb: Option<&str>, at: usize| -> Option<String> {
        let line = line_of(&starts, at);
        comments.iter().find_map(|c| {
            let here = c.line.is_none_or(|l| l == line || l + 1 == line);
            let name = c
                .names
                .iter()
                .find(|n| n.as_str() == rule || Some(n.as_str()) == kb)?;
            here.then(|| name.clone())
        })
    };
    let mut ignored = Vec::new();
    findings.fixes.retain(|f| {
        let at = f.edits.first().map_or(0, |e| e.start);
        match silenced_by(f.rule, Some(&f.kb), at) {
            Some(what) => {
                ignored.push(Ignored {
                    what,
                    rule: f.rule.to_string(),
                    kb: Some(f.kb.clone()),
                    at,
                });
                false
            }
            None => true,
        }
    });
    findings.diagnostics.retain(|d| {
        if d.severity == Severity::Error {
            return true;
        }
        match silenced_by(&d.rule, d.kb.as_deref(), d.start) {
            Some(what) => {
                ignored.push(Ignored {
                    what,
                    rule: d.rule.clone(),
                    kb: d.kb.clone(),
                    at: d.start,
                });
                false
            }
            None => true,
        }
    });
    ignored
}

/// A manual item for every TODO marker left in the file.
pub fn remaining_todos(text: &str, out: &mut Findings) {
    for (at, _) in text.match_indices(TODO_TAG) {
        out.diagnostics.push(
            Diagnostic::core(
                "core/todo-marker",
                Severity::Warning,
                "a `widget-migrate:` TODO marker is still in the file".into(),
                at..at + TODO_TAG.len(),
            )
            .with_help("Do what the marker says, then delete the comment."),
        );
    }
}

/// One fix that inserts a TODO comment above the line of each manual item that has none
/// yet (the line above already holding `widget-migrate: <kb>` counts as one).
pub fn todo_fix(
    text: &str,
    diagnostics: &[Diagnostic],
    style_at: impl Fn(&str, usize) -> CommentStyle,
) -> Option<Fix> {
    let mut edits: Vec<Edit> = Vec::new();
    let mut lines_done = Vec::new();
    for d in diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning && d.rule != "core/todo-marker")
    {
        let line_start = text[..d.start.min(text.len())]
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let kb = d.kb.as_deref().unwrap_or(&d.rule);
        let tag = format!("{TODO_TAG} {kb} ");
        // The markers already stacked right above this line.
        let mut above_start = line_start;
        while above_start > 0 {
            let prev = text[..above_start - 1].rfind('\n').map_or(0, |i| i + 1);
            if !text[prev..above_start].contains(TODO_TAG) {
                break;
            }
            above_start = prev;
        }
        let above = &text[above_start..line_start];
        if above.contains(&tag) || lines_done.contains(&(line_start, kb.to_string())) {
            continue;
        }
        lines_done.push((line_start, kb.to_string()));
        let indent: String = text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let eol = if text[line_start..].contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let style = style_at(text, line_start);
        let first_sentence = d
            .message
            .lines()
            .next()
            .unwrap_or("")
            .replace("*/", "* /")
            .replace("-->", "- ->");
        let url = d
            .url
            .as_deref()
            .map(|u| format!(" — {u}"))
            .unwrap_or_default();
        edits.push(Edit::insert(
            line_start,
            format!(
                "{indent}{}{tag}{first_sentence}{url}{}{eol}",
                style.open, style.close
            ),
        ));
    }
    if edits.is_empty() {
        return None;
    }
    // Several markers above one line become one insertion, in the order found.
    edits.sort_by_key(|e| e.start);
    let mut merged: Vec<Edit> = Vec::new();
    for e in edits {
        match merged.last_mut() {
            Some(last) if last.start == e.start => last.replacement.push_str(&e.replacement),
            _ => merged.push(e),
        }
    }
    let edits = merged;
    Some(Fix {
        rule: "core/todo-marker",
        kb: "TODO".into(),
        safety: Safety::Safe,
        message: format!(
            "{} TODO marker(s) inserted at the manual items",
            edits.len()
        ),
        edits,
        follow_up: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply_edits;

    fn diag(rule: &str, kb: &str, at: usize) -> Diagnostic {
        Diagnostic::core(rule, Severity::Warning, format!("{kb} found"), at..at).with_kb(kb)
    }

    #[test]
    fn ignore_comments_silence_the_next_line_or_the_file() {
        let text = "a\n// widget-migrate-ignore C29\nb\nc\n";
        let mut f = Findings::default();
        f.diagnostics
            .push(diag("config/x", "C29", text.find('b').unwrap()));
        f.diagnostics
            .push(diag("config/x", "C29", text.find('c').unwrap()));
        f.diagnostics
            .push(diag("config/y", "C8", text.find('b').unwrap()));
        let ignored = apply_ignores(text, &mut f);
        assert_eq!(ignored.len(), 1);
        assert_eq!(f.diagnostics.len(), 2);
        let text = "/* widget-migrate-ignore-file config/y */\nb\n";
        let mut f = Findings::default();
        f.diagnostics
            .push(diag("config/y", "C8", text.find('b').unwrap()));
        assert_eq!(apply_ignores(text, &mut f).len(), 1);
        assert!(f.diagnostics.is_empty());
    }

    #[test]
    fn todos_are_inserted_once() {
        let text = "x = {\n  processCreds: f,\n};\n";
        let at = text.find("processCreds").unwrap();
        let d = vec![diag("config/remove-option", "C29", at)];
        let fix = todo_fix(text, &d, |_, _| JS_COMMENT).unwrap();
        let out = apply_edits(text, &fix.edits);
        assert_eq!(
            out,
            "x = {\n  // widget-migrate: C29 C29 found\n  processCreds: f,\n};\n"
        );
        let at = out.find("processCreds").unwrap();
        assert!(
            todo_fix(&out, &[diag("config/remove-option", "C29", at)], |_, _| {
                JS_COMMENT
            })
            .is_none()
        );
        let page = "<p>x</p>\n<script>\n  var a = 1;\n</script>\n<style>\n  .a {}\n</style>\n";
        assert_eq!(page_style_at(page, page.find("var").unwrap()), JS_COMMENT);
        assert_eq!(page_style_at(page, page.find(".a").unwrap()), BLOCK_COMMENT);
        assert_eq!(page_style_at(page, 0), HTML_COMMENT);
        let mut f = Findings::default();
        remaining_todos(&out, &mut f);
        assert_eq!(f.diagnostics.len(), 1);
    }
}
