//! Text surgery around spans: removing a property or statement with its separator and
//! its own comments, inserting a property in the style of its neighbours. Everything
//! works on the original text; nothing is reprinted.

use crate::edit::Edit;
use std::ops::Range;

fn line_start(text: &str, pos: usize) -> usize {
    text[..pos].rfind('\n').map_or(0, |i| i + 1)
}

/// The end of the line holding `pos`, after its line break.
fn line_end(text: &str, pos: usize) -> usize {
    text[pos..].find('\n').map_or(text.len(), |i| pos + i + 1)
}

/// The whitespace that starts the line holding `pos`.
pub fn indent_at(text: &str, pos: usize) -> &str {
    let start = line_start(text, pos);
    let rest = &text[start..];
    &rest[..rest.len() - rest.trim_start_matches([' ', '\t']).len()]
}

/// `"\r\n"` when the line holding `pos` ends with CRLF, else `"\n"`.
pub fn eol_at(text: &str, pos: usize) -> &'static str {
    let end = line_end(text, pos);
    if end >= 2 && &text[end - 2..end] == "\r\n" {
        "\r\n"
    } else {
        "\n"
    }
}

/// Offset of `sep` after `pos`, skipping only whitespace.
fn sep_after(text: &str, pos: usize, sep: char) -> Option<usize> {
    let rest = &text[pos..];
    let skipped = rest.len() - rest.trim_start().len();
    rest[skipped..].starts_with(sep).then_some(pos + skipped)
}

/// Offset of `sep` before `pos`, skipping only whitespace.
fn sep_before(text: &str, pos: usize, sep: char) -> Option<usize> {
    let before = text[..pos].trim_end();
    before.ends_with(sep).then(|| before.len() - sep.len_utf8())
}

/// What is left of a line after `pos` is blank or a comment that ends on it.
fn rest_of_line_is_trivia(text: &str, pos: usize) -> Option<usize> {
    let end = line_end(text, pos);
    let rest = text[pos..end].trim();
    let ok = rest.is_empty()
        || rest.starts_with("//")
        || (rest.starts_with("/*") && rest.ends_with("*/") && rest.matches("*/").count() == 1);
    ok.then_some(end)
}

/// Whether a line (without its break) is only a `//` or one-line `/* */` comment.
fn is_comment_line(line: &str) -> bool {
    let t = line.trim();
    t.starts_with("//") || (t.starts_with("/*") && t.ends_with("*/"))
}

/// The edit that removes the item at `range` — an object property (`sep` = `,`) or a
/// statement (`sep` = `;`) — with its separator, a comment after it on the same line and
/// comment lines right above it. An item alone on its lines takes those lines with it
/// (no empty line is left behind); an inline item takes the separator and the space after
/// it. `strict` (JSON) also removes the comma before a last item. `None` when the
/// surroundings are not what a property or statement looks like.
pub fn remove_item(text: &str, range: Range<usize>, sep: char, strict: bool) -> Option<Vec<Edit>> {
    let after = sep_after(text, range.end, sep);
    let end = after.map_or(range.end, |c| c + 1);
    let mut edits = Vec::new();
    let own_line = text[line_start(text, range.start)..range.start]
        .trim()
        .is_empty();
    if own_line {
        if let Some(line_end) = rest_of_line_is_trivia(text, end) {
            let mut start = line_start(text, range.start);
            // Comment lines right above belong to the item when nothing follows it in
            // the same block (otherwise they may describe what comes next as well).
            let next = text[line_end..].lines().next().map_or("", str::trim);
            let last_in_block = next.is_empty() || next.starts_with(['}', ']', ')']);
            while start > 0 && last_in_block {
                let prev = line_start(text, start - 1);
                if is_comment_line(&text[prev..start]) {
                    start = prev;
                } else {
                    break;
                }
            }
            if after.is_none() && strict {
                if let Some(c) = sep_before(text, start, sep) {
                    edits.push(Edit::replace(c..c + 1, ""));
                }
            }
            edits.push(Edit::replace(start..line_end, ""));
            return Some(edits);
        }
    }
    match after {
        Some(_) => {
            let rest = &text[end..];
            let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
            edits.push(Edit::replace(range.start..end + spaces, ""));
        }
        None => match sep_before(text, range.start, sep) {
            Some(c) if sep == ',' => edits.push(Edit::replace(c..range.end, "")),
            _ => {
                let rest = &text[range.end..];
                let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
                edits.push(Edit::replace(range.start..range.end + spaces.min(1), ""));
            }
        },
    }
    Some(edits)
}

/// The edit that inserts property text `new_prop` (e.g. `useInteractionCodeFlow: true`)
/// right after the property at `anchor`, on its own line when the anchor is on its own
/// line (same indentation, the anchor's comma style), else inline.
pub fn insert_after(text: &str, anchor: Range<usize>, new_prop: &str) -> Edit {
    let comma = sep_after(text, anchor.end, ',');
    let own_line = text[line_start(text, anchor.start)..anchor.start]
        .trim()
        .is_empty();
    if own_line {
        let indent = indent_at(text, anchor.start);
        let eol = eol_at(text, anchor.start);
        match comma {
            Some(c) => Edit::insert(c + 1, format!("{eol}{indent}{new_prop},")),
            None => Edit::insert(anchor.end, format!(",{eol}{indent}{new_prop}")),
        }
    } else {
        Edit::insert(anchor.end, format!(", {new_prop}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::edit::apply_edits;

    fn remove(text: &str, item: &str, sep: char, strict: bool) -> String {
        let start = text.find(item).unwrap();
        let edits = remove_item(text, start..start + item.len(), sep, strict).unwrap();
        apply_edits(text, &edits)
    }

    #[test]
    fn removes_a_property_on_its_own_line_with_its_comments() {
        let src = "x = {\n  a: 1,\n  // about b\n  b: 2, // trailing\n  c: 3\n};\n";
        assert_eq!(
            remove(src, "b: 2", ',', false),
            "x = {\n  a: 1,\n  // about b\n  c: 3\n};\n"
        );
        let last = "x = {\n  a: 1,\n  // about b\n  b: 2\n};\n";
        assert_eq!(remove(last, "b: 2", ',', false), "x = {\n  a: 1,\n};\n");
        assert_eq!(
            remove(src, "c: 3", ',', false),
            "x = {\n  a: 1,\n  // about b\n  b: 2, // trailing\n};\n"
        );
        let crlf = "{\r\n  \"a\": 1,\r\n  \"b\": 2\r\n}\r\n";
        assert_eq!(
            remove(crlf, "\"b\": 2", ',', true),
            "{\r\n  \"a\": 1\r\n}\r\n"
        );
    }

    #[test]
    fn removes_inline_properties_and_statements() {
        assert_eq!(
            remove("f({ a: 1, b: 2, c: 3 })", "b: 2", ',', false),
            "f({ a: 1, c: 3 })"
        );
        assert_eq!(
            remove("f({ a: 1, b: 2 })", "b: 2", ',', false),
            "f({ a: 1 })"
        );
        assert_eq!(remove("f({ a: 1 })", "a: 1", ',', false), "f({ })");
        let stmts = "var c = x();\n    c.features.registration = true;\n    c.go();\n";
        assert_eq!(
            remove(stmts, "c.features.registration = true", ';', false),
            "var c = x();\n    c.go();\n"
        );
    }

    #[test]
    fn inserts_in_the_style_of_the_neighbours() {
        let src = "x = {\r\n    clientId: 'a',\r\n    b: 1\r\n};";
        let at = src.find("clientId: 'a'").unwrap();
        let e = insert_after(src, at..at + 13, "useInteractionCodeFlow: true");
        assert_eq!(
            apply_edits(src, [&e]),
            "x = {\r\n    clientId: 'a',\r\n    useInteractionCodeFlow: true,\r\n    b: 1\r\n};"
        );
        let src = "x = {\n  clientId: 'a'\n};";
        let at = src.find("clientId").unwrap();
        let e = insert_after(src, at..at + 13, "k: 1");
        assert_eq!(
            apply_edits(src, [&e]),
            "x = {\n  clientId: 'a',\n  k: 1\n};"
        );
        let src = "f({ clientId: 'a', b: 1 })";
        let at = src.find("clientId").unwrap();
        let e = insert_after(src, at..at + 13, "k: 1");
        assert_eq!(apply_edits(src, [&e]), "f({ clientId: 'a', k: 1, b: 1 })");
    }
}
