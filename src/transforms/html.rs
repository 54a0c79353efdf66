//! HTML rules: the widget's files on the Okta CDN move to the target version and, from
//! 2.x, to the current host (C61, C62); the 2.x `okta-theme.css` stylesheet is gone (S1).
//! Also the `{{#useSiwGen3}}` section helper for Okta-hosted page templates (S11).
//!
//! A CDN URL names its own version, so these rules take `from` from the URL rather than
//! from the project: `ok1static…/okta-signin-widget/2.6.0/…` is a 2.x page whatever
//! package.json says.

use super::Findings;
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix};
use crate::lang::html::{Element, Tag};
use crate::releases::{release_for, DIST_FILES};
use crate::rules::{rule, Ctx};
use crate::version::Version;
use std::ops::Range;

const CURRENT_HOST: &str = "global.oktacdn.com";
const CURRENT_PATH: &str = "okta-signin-widget/";
/// The 2.x path on the `ok1static.oktacdn.com` host.
const LEGACY_PATH: &str = "assets/js/sdk/okta-signin-widget/";
const THEME_FILE: &str = "okta-theme.css";
/// S1: `okta-theme.css` was merged into `okta-sign-in.min.css`.
const THEME_GONE: Version = Version::new(3, 0, 0);

/// A widget file on the Okta CDN, with ranges in the page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CdnUrl {
    pub version: Version,
    /// From the host to the end of the version (`global.oktacdn.com/…/5.16.1`).
    pub prefix: Range<usize>,
    pub version_range: Range<usize>,
    /// The file under the version folder (`js/okta-sign-in.min.js`), query and fragment cut.
    pub file: String,
    /// On the 2.x host and path (`ok1static.oktacdn.com/assets/js/sdk/…`).
    pub legacy: bool,
}

impl CdnUrl {
    /// Reads `value`, the text of an attribute value found at offset `at` of the page.
    pub fn parse(value: &str, at: usize) -> Option<CdnUrl> {
        let lead = value.len() - value.trim_start().len();
        let v = value.trim();
        let slashes = v.find("//")?;
        if !matches!(
            v[..slashes].to_ascii_lowercase().as_str(),
            "" | "http:" | "https:"
        ) {
            return None;
        }
        let host_start = slashes + 2;
        let (host, path) = v[host_start..].split_once('/')?;
        let host = host.to_ascii_lowercase();
        let legacy = host
            .strip_prefix("ok")
            .and_then(|h| h.strip_suffix("static.oktacdn.com"))
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()));
        let rest = match (host.as_str(), legacy) {
            (CURRENT_HOST, _) => path.strip_prefix(CURRENT_PATH)?,
            (_, true) => path.strip_prefix(LEGACY_PATH)?,
            _ => return None,
        };
        let (version_text, file) = rest.split_once('/')?;
        if version_text.split(['-', '+']).next()?.matches('.').count() != 2 {
            return None;
        }
        let version = Version::parse(version_text)?;
        let file = file.split(['?', '#']).next().unwrap_or("").to_string();
        let base = at + lead;
        let version_start = base + v.len() - rest.len();
        Some(CdnUrl {
            version,
            prefix: base + host_start..version_start + version_text.len(),
            version_range: version_start..version_start + version_text.len(),
            file,
            legacy,
        })
    }

    /// The host, path and version of `to` (what replaces `prefix`).
    pub fn new_prefix(&self, to: Version) -> String {
        format!("{CURRENT_HOST}/{CURRENT_PATH}{to}")
    }
}

/// The URL attribute of a widget tag: `src` of a script, `href` of a link.
fn url_attr(tag: &Tag) -> Option<&'static str> {
    match tag.element {
        Element::Script => Some("src"),
        Element::Link => Some("href"),
        Element::Style => None,
    }
}

/// Runs the tag rules on the page `text` (placeholders masked).
pub fn run(tags: &[Tag], text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    for tag in tags {
        let Some(attr) = url_attr(tag).and_then(|n| tag.attr(n)) else {
            continue;
        };
        let Some(range) = attr.value.clone() else {
            continue;
        };
        let Some(value) = text.get(range.clone()) else {
            continue;
        };
        let cdn = CdnUrl::parse(value, range.start);
        let is_theme = tag.element == Element::Link
            && value.split(['?', '#']).next().is_some_and(|p| {
                p.trim_end().ends_with(&format!("/{THEME_FILE}")) || p.trim() == THEME_FILE
            });
        if is_theme {
            okta_theme(tag, text, ctx, out);
        } else if let Some(cdn) = cdn {
            cdn_version(tag, text, &cdn, ctx, out);
        }
    }
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

/// C61/C62: a widget file on the CDN follows `--to`.
fn cdn_version(tag: &Tag, text: &str, cdn: &CdnUrl, ctx: &Ctx<'_>, out: &mut Findings) {
    let meta = rule("html/cdn-version");
    let to = ctx.target.to;
    let tag_ctx = Ctx {
        target: ctx.target,
        from: cdn.version,
    };
    if cdn.version >= to || !tag_ctx.enabled(meta) {
        return;
    }
    let kb = if cdn.legacy { "C62" } else { "C61" };
    let new_url = format!(
        "https://{}/{}",
        cdn.new_prefix(to),
        cdn.file.trim_start_matches('/')
    );
    let at = tag.start_tag.clone();
    if let Some(release) = release_for(to) {
        if !DIST_FILES.ships(&cdn.file, release) {
            let kind = if cdn.file.ends_with(".css") {
                "css"
            } else {
                "js"
            };
            let options: Vec<String> = DIST_FILES
                .names_in(release)
                .filter(|n| {
                    n.starts_with(&format!("{kind}/"))
                        && n.ends_with(&format!(".min.{kind}"))
                        && !n.contains("debugger")
                })
                .map(code)
                .collect();
            out.diagnostics.push(Diagnostic::manual(
                meta,
                "C61",
                format!(
                    "widget {to} has no {} on the CDN (this page loads it from {}); pick one of the files it ships: {}",
                    code(&cdn.file),
                    cdn.version,
                    options.join(", ")
                ),
                at,
            ));
            return;
        }
    }
    if tag.attr("integrity").is_some() {
        out.diagnostics.push(Diagnostic::manual(
            meta,
            kb,
            format!(
                "this tag loads widget {} with a Subresource Integrity hash, which cannot be computed offline: change the URL to {} and its `integrity` to the hash published for {to}",
                cdn.version,
                code(&new_url)
            ),
            at,
        ));
        return;
    }
    let (range, replacement) = if cdn.legacy {
        (cdn.prefix.clone(), cdn.new_prefix(to))
    } else {
        (cdn.version_range.clone(), to.to_string())
    };
    let old = text.get(cdn.prefix.clone()).unwrap_or_default();
    let mut message = format!(
        "load {} of widget {to} instead of {}",
        code(&cdn.file),
        cdn.version
    );
    if cdn.legacy {
        message.push_str(&format!(
            " from {} (releases are published there, no longer under the 2.x path {})",
            code(&cdn.new_prefix(to)),
            code(old)
        ));
    }
    message.push_str("; the widget's JS and CSS must come from the same version");
    out.fixes.push(Fix {
        follow_up: None,
        rule: meta.id.as_str(),
        kb: kb.into(),
        safety: meta.safety,
        message,
        edits: vec![Edit::replace(range, replacement)],
    });
}

/// S1: the 2.x theme stylesheet is gone; `okta-sign-in.min.css` holds it since 3.0. No
/// release from 3.0 on has the file, so a link to it is stale under any such target,
/// whatever version its URL names.
fn okta_theme(tag: &Tag, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    let meta = rule("html/okta-theme-css");
    if !ctx.enabled(meta) || ctx.target.to < THEME_GONE {
        return;
    }
    out.fixes.push(Fix {
        follow_up: None,
        rule: meta.id.as_str(),
        kb: "S1".into(),
        safety: meta.safety,
        message: format!(
            "{} was merged into `okta-sign-in.min.css` in widget 3.0, so the link is removed",
            code(THEME_FILE)
        ),
        edits: vec![Edit::replace(
            whole_line_or(tag.start_tag.clone(), text),
            "",
        )],
    });
}

/// What to delete to remove the tag at `range`: its whole line (with the line break) when
/// nothing else is on it; else the tag with the spaces that separated it from its
/// neighbour, so that no trailing whitespace is left.
pub fn whole_line_or(range: Range<usize>, text: &str) -> Range<usize> {
    let (Some(before), Some(after)) = (text.get(..range.start), text.get(range.end..)) else {
        return range;
    };
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line_end = after.find('\n').map_or(text.len(), |i| range.end + i + 1);
    let indent = &before[line_start..];
    let trailing = &text[range.end..line_end];
    let blank = |s: &str| s.bytes().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n'));
    let space = |c: char| c == ' ' || c == '\t';
    match (blank(indent), blank(trailing)) {
        (true, true) => line_start..line_end,
        // Last on its line: take the spaces before it.
        (false, true) => before.trim_end_matches(space).len()..range.end,
        // First on its line: take the spaces after it.
        (true, false) => range.start..text.len() - after.trim_start_matches(space).len(),
        (false, false) => range,
    }
}

/// Where an offset of a page stands with respect to `{{#useSiwGen3}}` sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gen3Section {
    Outside,
    /// Inside `{{#useSiwGen3}} … {{/useSiwGen3}}`: only the third generation renders it.
    Gen3,
    /// Inside `{{^useSiwGen3}} … {{/useSiwGen3}}`: only the second generation renders it.
    Gen2,
}

/// Whether `text` is an Okta-hosted page template (the page Okta serves with the widget).
pub fn is_okta_template(text: &str) -> bool {
    text.contains("{{{SignInWidgetResources}}}") || text.contains("OktaUtil")
}

/// The innermost `useSiwGen3` section that holds offset `at`.
pub fn gen3_section_at(text: &str, at: usize) -> Gen3Section {
    let mut stack: Vec<Gen3Section> = Vec::new();
    let mut rest = text.get(..at).unwrap_or(text);
    while let Some(i) = rest.find("{{") {
        rest = &rest[i + 2..];
        let tag: String = rest
            .chars()
            .take_while(|&c| c != '}')
            .filter(|c| !c.is_whitespace() && *c != '~')
            .collect();
        match tag.as_str() {
            "#useSiwGen3" => stack.push(Gen3Section::Gen3),
            "^useSiwGen3" => stack.push(Gen3Section::Gen2),
            "/useSiwGen3" => {
                stack.pop();
            }
            _ => {}
        }
    }
    stack.last().copied().unwrap_or(Gen3Section::Outside)
}

/// What to insert at `at` for `snippet`, code that only the third-generation widget
/// understands (S11): on an Okta template outside a Gen3 section, the snippet wrapped in
/// `{{#useSiwGen3}} … {{/useSiwGen3}}` so that the page still works on Gen2 (and after a
/// rollback); elsewhere the snippet itself. `indent` is the indentation of the line the
/// insertion starts on, `eol` the page's line break. `None` inside a Gen2-only section,
/// where Gen3 code never runs.
pub fn gen3_only(text: &str, at: usize, snippet: &str, indent: &str, eol: &str) -> Option<String> {
    match gen3_section_at(text, at) {
        Gen3Section::Gen2 => None,
        Gen3Section::Gen3 => Some(snippet.to_string()),
        Gen3Section::Outside if !is_okta_template(text) => Some(snippet.to_string()),
        Gen3Section::Outside => Some(format!(
            "{{{{#useSiwGen3}}}}{eol}{indent}{snippet}{eol}{indent}{{{{/useSiwGen3}}}}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdn_urls_of_both_hosts() {
        let v = "https://global.oktacdn.com/okta-signin-widget/5.16.1/js/okta-sign-in.min.js?x=1";
        let u = CdnUrl::parse(v, 100).unwrap();
        assert_eq!(u.version, Version::new(5, 16, 1));
        assert_eq!(u.file, "js/okta-sign-in.min.js");
        assert!(!u.legacy);
        assert_eq!(
            &v[u.version_range.start - 100..u.version_range.end - 100],
            "5.16.1"
        );
        let v =
            " //ok1static.oktacdn.com/assets/js/sdk/okta-signin-widget/2.6.0/css/okta-theme.css";
        let u = CdnUrl::parse(v, 0).unwrap();
        assert!(u.legacy);
        assert_eq!(
            &v[u.prefix.clone()],
            "ok1static.oktacdn.com/assets/js/sdk/okta-signin-widget/2.6.0"
        );
        assert_eq!(
            u.new_prefix(Version::new(7, 49, 0)),
            "global.oktacdn.com/okta-signin-widget/7.49.0"
        );
        for no in [
            "https://cdn.example.com/okta-signin-widget/5.16.1/js/a.js",
            "https://global.oktacdn.com/okta-signin-widget/latest/js/a.js",
            "https://global.oktacdn.com/okta-signin-widget/5.16/js/a.js",
            "javascript://global.oktacdn.com/okta-signin-widget/5.16.1/js/a.js",
            "/okta-signin-widget/5.16.1/js/a.js",
        ] {
            assert_eq!(CdnUrl::parse(no, 0), None, "{no}");
        }
    }

    #[test]
    fn a_tag_alone_on_its_line_takes_the_line() {
        let t = "a\n  <link x>\r\nb <link y> c\n";
        let x = t.find("<link x>").unwrap();
        assert_eq!(&t[whole_line_or(x..x + 8, t)], "  <link x>\r\n");
        let y = t.find("<link y>").unwrap();
        assert_eq!(&t[whole_line_or(y..y + 8, t)], "<link y>");
        let t = "  <a> <link x>\r\n  <link y>  <b>\n";
        let x = t.find("<link x>").unwrap();
        assert_eq!(&t[whole_line_or(x..x + 8, t)], " <link x>");
        let y = t.find("<link y>").unwrap();
        assert_eq!(&t[whole_line_or(y..y + 8, t)], "<link y>  ");
        let z = "<link z>";
        assert_eq!(whole_line_or(0..8, z), 0..8);
    }

    #[test]
    fn gen3_additions_are_wrapped_on_okta_templates_only() {
        let page = "{{{SignInWidgetResources}}}\n<script>\n  var config = OktaUtil.getSignInWidgetConfig();\n  X\n  {{#useSiwGen3}}\n  Y\n  {{/useSiwGen3}}\n  {{^useSiwGen3}} Z {{/useSiwGen3}}\n</script>";
        let at = |m: &str| page.find(m).unwrap();
        assert_eq!(
            gen3_only(page, at("X"), "config.theme = {};", "  ", "\n").as_deref(),
            Some("{{#useSiwGen3}}\n  config.theme = {};\n  {{/useSiwGen3}}")
        );
        assert_eq!(gen3_section_at(page, at("Y")), Gen3Section::Gen3);
        assert_eq!(
            gen3_only(page, at("Y"), "config.theme = {};", "  ", "\n").as_deref(),
            Some("config.theme = {};")
        );
        assert_eq!(gen3_section_at(page, at("Z")), Gen3Section::Gen2);
        assert_eq!(gen3_only(page, at("Z"), "a", "", "\n"), None);
        assert_eq!(gen3_section_at(page, page.len()), Gen3Section::Outside);
        let plain = "<script>new OktaSignIn({})</script>";
        assert_eq!(gen3_only(plain, 8, "a;", "", "\n").as_deref(), Some("a;"));
    }
}
