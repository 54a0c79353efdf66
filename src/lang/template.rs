//! Server-side template placeholders in pages: `{{…}}`, `{{{…}}}`, `{{#…}}`/`{{/…}}`
//! sections (Mustache, Handlebars and Okta's hosted-page templates), `{%…%}`/`{#…#}`
//! (Django, Jinja, Liquid, Twig), `<%…%>` (EJS, ERB, JSP, ASP), `<?php …?>`, and, where the
//! page is of that kind, JSP `${…}`/`#{…}` and Thymeleaf `[[…]]`/`[(…)]`.
//!
//! Before a page is parsed, every placeholder is overwritten with neutral text of the same
//! byte length, so every offset of the masked text is an offset of the original and no
//! parser ever sees template syntax. A placeholder that stands for a value becomes an
//! identifier; one that is control flow or a comment becomes whitespace. The masks use
//! characters the original text is unlikely to hold (`ª`, a no-break space), so that a fix
//! that copied masked text into its replacement can be recognised and refused.

use std::ops::Range;

/// What kind of page holds the placeholders (from its file name).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// HTML and the template languages whose delimiters never occur in plain pages.
    Generic,
    /// `.php`: a `<?php` block may run to the end of the file.
    Php,
    /// `.jsp`: EL expressions `${…}` and `#{…}` are placeholders too.
    Jsp,
}

/// What a placeholder stands for once the server renders the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Output: a value, text, or code the server writes (`{{x}}`, `<%= x %>`).
    Value,
    /// Control flow, comments, directives: no output of its own (`{{#if}}`, `<% if %>`).
    Control,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub range: Range<usize>,
    pub role: Role,
}

/// Where masked text is going to be parsed, which decides the neutral text of a
/// control placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// HTML and CSS: ASCII spaces (the only whitespace both know).
    Markup,
    /// JavaScript: no-break spaces, which JavaScript counts as whitespace.
    Script,
}

/// The identifier character of value masks (U+00AA, two bytes, a letter).
pub const VALUE_MARK: char = '\u{aa}';
/// The whitespace of control masks in scripts (U+00A0, two bytes).
pub const CONTROL_MARK: char = '\u{a0}';

/// The longest placeholder taken; an opener without a closer within this many bytes is text.
const MAX_LEN: usize = 64 * 1024;
/// `{{…}}`-style tags are short; longer spans are more likely code.
const MAX_MUSTACHE_LEN: usize = 1024;

/// The placeholders of `text`, in order, never overlapping.
pub fn find(text: &str, flavor: Flavor) -> Vec<Placeholder> {
    let thymeleaf = text.contains("th:");
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let found = match bytes[i] {
            b'{' => mustache(text, i).or_else(|| jinja(text, i)),
            b'<' => angle(text, i, flavor),
            b'$' | b'#' if flavor == Flavor::Jsp => expression_language(text, i),
            b'[' if thymeleaf => inlined(text, i),
            _ => None,
        };
        match found {
            Some(p) => {
                i = p.range.end;
                out.push(p);
            }
            None => i += 1,
        }
    }
    out
}

/// `{{x}}`, `{{{x}}}`, `{{{{raw}}}}`, `{{#s}}`, `{{/s}}`, `{{^s}}`, `{{else}}`, `{{> p}}`,
/// `{{! c}}`, `{{!-- c --}}`, with `~` whitespace control.
fn mustache(text: &str, at: usize) -> Option<Placeholder> {
    let rest = &text[at..];
    let n = rest.bytes().take(4).take_while(|&b| b == b'{').count();
    if n < 2 {
        return None;
    }
    let inner = &rest[n..];
    let closer = "}".repeat(n);
    let comment = inner.starts_with("!--");
    let (content, end) = if comment {
        let close = format!("--{closer}");
        let e = find_within(inner, &close, MAX_LEN)?;
        (&inner[..e], n + e + close.len())
    } else {
        let e = find_within(inner, &closer, MAX_MUSTACHE_LEN)?;
        let content = &inner[..e];
        if content.contains(['{', '}', ';']) {
            return None;
        }
        (content, n + e + n)
    };
    let word = content.trim_matches(|c: char| c == '~' || c.is_whitespace());
    if word.is_empty() {
        return None;
    }
    let control =
        word.starts_with(['#', '/', '^', '!', '>']) || word == "else" || word.starts_with("else ");
    Some(Placeholder {
        range: at..at + end,
        role: if control { Role::Control } else { Role::Value },
    })
}

/// `{% tag %}` and `{# comment #}`.
fn jinja(text: &str, at: usize) -> Option<Placeholder> {
    let rest = &text[at..];
    let close = if rest.starts_with("{%") {
        "%}"
    } else if rest.starts_with("{#") {
        "#}"
    } else {
        return None;
    };
    let e = find_within(&rest[2..], close, MAX_MUSTACHE_LEN)?;
    let content = &rest[2..2 + e];
    if content.trim().is_empty() || content.contains(['{', '}', ';']) {
        return None;
    }
    let end = 2 + e + 2;
    Some(Placeholder {
        range: at..at + end,
        role: Role::Control,
    })
}

/// `<%…%>` (with `<%= <%- <%# <%@ <%! <%_` and JSP `<%-- --%>`) and `<?…?>`.
fn angle(text: &str, at: usize, flavor: Flavor) -> Option<Placeholder> {
    let rest = &text[at..];
    if let Some(inner) = rest.strip_prefix("<%") {
        if inner.starts_with('%') {
            return None; // EJS `<%%`: a literal `<%`
        }
        let (end, role) = if inner.starts_with("--") {
            (2 + find_within(inner, "--%>", MAX_LEN)? + 4, Role::Control)
        } else {
            let role = if inner.starts_with(['=', '-']) {
                Role::Value
            } else {
                Role::Control
            };
            (2 + find_within(inner, "%>", MAX_LEN)? + 2, role)
        };
        return Some(Placeholder {
            range: at..at + end,
            role,
        });
    }
    let inner = rest.strip_prefix("<?")?;
    let end = match find_within(inner, "?>", MAX_LEN) {
        Some(e) => 2 + e + 2,
        None if flavor == Flavor::Php && inner.starts_with("php") => rest.len(),
        None => return None,
    };
    let code = inner
        .strip_prefix("php")
        .unwrap_or(inner)
        .trim_start_matches(|c: char| c.is_whitespace());
    let value = inner.starts_with('=')
        || ["echo ", "echo(", "print ", "print("]
            .iter()
            .any(|p| code.starts_with(p));
    Some(Placeholder {
        range: at..at + end,
        role: if value { Role::Value } else { Role::Control },
    })
}

/// JSP expression language: `${…}` and `#{…}` on one line.
fn expression_language(text: &str, at: usize) -> Option<Placeholder> {
    let rest = &text[at..];
    if !(rest.starts_with("${") || rest.starts_with("#{")) {
        return None;
    }
    let e = rest[2..].find(['}', '\n', '{'])?;
    if rest.as_bytes().get(2 + e) != Some(&b'}') || e == 0 {
        return None;
    }
    Some(Placeholder {
        range: at..at + 2 + e + 1,
        role: Role::Value,
    })
}

/// Thymeleaf inlined expressions `[[…]]` and `[(…)]` on one line.
fn inlined(text: &str, at: usize) -> Option<Placeholder> {
    let rest = &text[at..];
    let close = if rest.starts_with("[[") {
        "]]"
    } else if rest.starts_with("[(") {
        ")]"
    } else {
        return None;
    };
    let e = find_within(&rest[2..], close, MAX_MUSTACHE_LEN)?;
    let content = &rest[2..2 + e];
    if content.trim().is_empty() || content.contains(['\n', '[']) {
        return None;
    }
    Some(Placeholder {
        range: at..at + 2 + e + 2,
        role: Role::Value,
    })
}

/// The byte offset of ASCII `needle` in the first `limit` bytes of `hay`.
fn find_within(hay: &str, needle: &str, limit: usize) -> Option<usize> {
    let window = &hay.as_bytes()[..hay.len().min(limit)];
    window
        .windows(needle.len())
        .position(|w| w == needle.as_bytes())
}

/// A page's text with its placeholders overwritten; same length, same line breaks.
#[derive(Debug, Clone)]
pub struct Masked {
    pub text: String,
}

/// Overwrites every placeholder of `text`: line breaks stay, every other byte of a value
/// becomes part of an identifier (`ª`, an odd byte `_`), of a control placeholder
/// whitespace (ASCII spaces in markup, no-break spaces in scripts).
pub fn mask(text: &str, placeholders: &[Placeholder], context: Context) -> Masked {
    let mut out = String::with_capacity(text.len());
    let mut pos = 0;
    for p in placeholders {
        let Some(before) = text.get(pos..p.range.start) else {
            continue;
        };
        out.push_str(before);
        let Some(original) = text.get(p.range.clone()) else {
            continue;
        };
        for (i, segment) in original.split('\n').enumerate() {
            if i > 0 {
                out.push('\n');
            }
            let (segment, cr) = match segment.strip_suffix('\r') {
                Some(s) => (s, "\r"),
                None => (segment, ""),
            };
            fill(&mut out, segment.len(), p.role, context);
            out.push_str(cr);
        }
        pos = p.range.end;
    }
    out.push_str(text.get(pos..).unwrap_or(""));
    debug_assert_eq!(out.len(), text.len());
    Masked { text: out }
}

fn fill(out: &mut String, len: usize, role: Role, context: Context) {
    let (odd, mark) = match (role, context) {
        (Role::Value, _) => ('_', Some(VALUE_MARK)),
        (Role::Control, Context::Script) => (' ', Some(CONTROL_MARK)),
        (Role::Control, Context::Markup) => (' ', None),
    };
    match mark {
        Some(m) => {
            if len % 2 == 1 {
                out.push(odd);
            }
            out.extend(std::iter::repeat_n(m, len / 2));
        }
        None => out.extend(std::iter::repeat_n(odd, len)),
    }
}

/// Whether masked text (a copy of a masked range) holds a mask character.
pub fn holds_mask(s: &str) -> bool {
    s.contains([VALUE_MARK, CONTROL_MARK])
}

/// The first placeholder an edit of `range` would touch: a replacement overlapping it, or
/// an insertion strictly inside it.
pub fn touched(placeholders: &[Placeholder], range: Range<usize>) -> Option<&Placeholder> {
    let first = placeholders.partition_point(|p| p.range.end <= range.start);
    placeholders[first..]
        .iter()
        .take_while(|p| p.range.start <= range.end)
        .find(|p| {
            if range.start == range.end {
                p.range.start < range.start && range.start < p.range.end
            } else {
                p.range.start < range.end && range.start < p.range.end
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(text: &str, flavor: Flavor) -> Vec<(&str, Role)> {
        find(text, flavor)
            .into_iter()
            .map(|p| (&text[p.range], p.role))
            .collect()
    }

    #[test]
    fn finds_every_kind_of_placeholder() {
        use Role::*;
        let t = "<title>{{pageTitle}}</title>{{{SignInWidgetResources}}}{{#useSiwGen3}}x{{/useSiwGen3}}{{!-- a }} b --}}";
        assert_eq!(
            spans(t, Flavor::Generic),
            [
                ("{{pageTitle}}", Value),
                ("{{{SignInWidgetResources}}}", Value),
                ("{{#useSiwGen3}}", Control),
                ("{{/useSiwGen3}}", Control),
                ("{{!-- a }} b --}}", Control)
            ]
        );
        let t = "<%= user %><% if (a) { %><%- raw %><%# c %><%-- jsp --%><%% literal";
        assert_eq!(
            spans(t, Flavor::Generic),
            [
                ("<%= user %>", Value),
                ("<% if (a) { %>", Control),
                ("<%- raw %>", Value),
                ("<%# c %>", Control),
                ("<%-- jsp --%>", Control)
            ]
        );
        let t = "<?php echo $x; ?> <?= $y ?> <?php if ($z): ?>{% if a %}{# c #}";
        assert_eq!(
            spans(t, Flavor::Generic),
            [
                ("<?php echo $x; ?>", Value),
                ("<?= $y ?>", Value),
                ("<?php if ($z): ?>", Control),
                ("{% if a %}", Control),
                ("{# c #}", Control)
            ]
        );
        assert_eq!(
            spans("a ${b} #{c}", Flavor::Jsp),
            [("${b}", Value), ("#{c}", Value)]
        );
        assert_eq!(spans("a ${b}", Flavor::Generic), []);
        assert_eq!(
            spans("<p th:text=\"x\">[[${a}]] [(${b})]</p>", Flavor::Generic),
            [("[[${a}]]", Value), ("[(${b})]", Value)]
        );
        assert_eq!(spans("x = [[1, 2], [3]];", Flavor::Generic), []);
        assert_eq!(
            spans("<?php\n$a = 1;", Flavor::Php),
            [("<?php\n$a = 1;", Control)]
        );
        assert_eq!(spans("<?php\n$a = 1;", Flavor::Generic), []);
    }

    #[test]
    fn javascript_braces_are_not_placeholders() {
        assert!(find("if (a) {{ b(); }}", Flavor::Generic).is_empty());
        assert!(find("var o = {{}};", Flavor::Generic).is_empty());
        assert!(find("class A {#x = 1; }", Flavor::Generic).is_empty());
        assert!(find("{{ unclosed", Flavor::Generic).is_empty());
    }

    #[test]
    fn masks_keep_length_and_line_breaks() {
        let t = "var a = '{{x}}';\n{{#if y}}\r\nb = <%= z\n %>;";
        let ps = find(t, Flavor::Generic);
        for context in [Context::Markup, Context::Script] {
            let m = mask(t, &ps, context);
            assert_eq!(m.text.len(), t.len());
            assert_eq!(m.text.matches('\n').count(), t.matches('\n').count());
            assert!(m.text.contains("\r\n"));
        }
        let m = mask(t, &ps, Context::Markup);
        assert!(m
            .text
            .starts_with("var a = '_ªª';\n         \r\nb = _ªª\n_ª;"));
        let s = mask(t, &ps, Context::Script);
        assert!(s.text.contains("\n \u{a0}\u{a0}\u{a0}\u{a0}\r\n"));
        assert!(holds_mask(&s.text) && !holds_mask(t));
    }

    #[test]
    fn edits_touching_placeholders() {
        let ps = vec![Placeholder {
            range: 10..20,
            role: Role::Value,
        }];
        assert!(touched(&ps, 5..10).is_none());
        assert!(touched(&ps, 20..25).is_none());
        assert!(touched(&ps, 10..10).is_none());
        assert!(touched(&ps, 15..15).is_some());
        assert!(touched(&ps, 19..21).is_some());
        assert!(touched(&ps, 0..30).is_some());
    }
}
