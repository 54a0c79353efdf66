//! One HTML page, server template or single-file component through the front ends.
//!
//! The page's template placeholders are masked (same length, see `lang::template`), its
//! `<script>`, `<style>` and `<link>` elements located (`lang::html`), every JavaScript
//! body that mentions the widget run through the JS rules with `analyze_script`, every
//! style body handed to [`analyze_style_region`], and the widget's CDN tags to the HTML
//! rules. All ranges are offsets of the whole file, so the fixes splice into the original
//! text; a fix that would touch a placeholder, or copy masked text into the page, is
//! dropped and reported instead.

use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::Fix;
use crate::engine::{analyze_script, mentions_widget, FileKind};
use crate::lang::html::{self, Sfc, StyleLang, Tag};
use crate::lang::js::ParseError;
use crate::lang::template::{self, Context, Flavor, Placeholder};
use crate::rules::Ctx;
use crate::transforms::{self, Findings};
use std::ops::Range;

/// A page ready for the front ends.
struct Page {
    /// `None` for components, which are not server templates.
    flavor: Option<Flavor>,
    placeholders: Vec<Placeholder>,
    /// Masked for HTML and CSS (control placeholders are ASCII spaces).
    markup: String,
    /// Masked for JavaScript (control placeholders are no-break spaces).
    script: String,
    tags: Vec<Tag>,
    sfc: Option<Sfc>,
}

fn prepare(text: &str, bom: usize, kind: &FileKind) -> Result<Page, ParseError> {
    let (flavor, sfc) = match kind {
        FileKind::Html(flavor) => (Some(*flavor), None),
        FileKind::Sfc(sfc) => (None, Some(*sfc)),
        _ => (None, None),
    };
    // Components are not server templates: `{{ }}` in a Vue template is Vue's own.
    let placeholders = match flavor {
        Some(f) => template::find(text, f),
        None => Vec::new(),
    };
    let markup = template::mask(text, &placeholders, Context::Markup).text;
    let script = template::mask(text, &placeholders, Context::Script).text;
    let tags =
        html::locate(markup.get(bom..).unwrap_or(""), bom).map_err(|message| ParseError {
            offset: bom,
            message,
        })?;
    Ok(Page {
        flavor,
        placeholders,
        markup,
        script,
        tags,
        sfc,
    })
}

impl Page {
    /// The JavaScript bodies the rules look at: those that mention the widget.
    fn widget_scripts(
        &self,
    ) -> impl Iterator<Item = (Range<usize>, crate::lang::js::Dialect)> + '_ {
        self.tags.iter().filter_map(|t| {
            let dialect = html::script_dialect(t, &self.markup, self.sfc)?;
            let body = t.body.clone()?;
            let code = self.script.get(body.clone())?;
            mentions_widget(code).then_some((body, dialect))
        })
    }

    /// The `<style>` bodies, each with its language.
    fn style_regions(&self) -> impl Iterator<Item = (Range<usize>, StyleLang)> + '_ {
        self.tags
            .iter()
            .filter_map(|t| Some((t.body.clone()?, html::style_lang(t, &self.markup)?)))
    }
}

/// Runs every rule on a page; `Err` when a script that mentions the widget does not parse.
pub fn analyze(
    text: &str,
    bom: usize,
    kind: &FileKind,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) -> Result<(), ParseError> {
    let page = prepare(text, bom, kind)?;
    let mut found = Findings::default();
    for (body, dialect) in page.widget_scripts() {
        analyze_script(&page.script, body, dialect, ctx, &mut found)?;
    }
    for (body, lang) in page.style_regions() {
        analyze_style_region(&page.markup, body, lang, ctx, &mut found);
    }
    transforms::html::run(&page.tags, &page.markup, ctx, &mut found);
    if ctx.target.gen3 && transforms::html::is_okta_template(text) {
        gen3_sections(text, &mut found);
    }
    keep_placeholders(found, &page, text, out);
    Ok(())
}

/// S11 on an Okta-hosted template: the findings of third-generation rules against the
/// `{{#useSiwGen3}}` / `{{^useSiwGen3}}` sections of the page (read on the unmasked text).
/// In a Gen2-only section Gen3 never runs, so they are dropped. A Gen3-only addition (an
/// insertion on a line of its own) outside any section is wrapped in `{{#useSiwGen3}}`,
/// so the page still works when Okta serves Gen2 (a rollback); a Gen3 rewrite of existing
/// code outside a section says that it changes the Gen2 page too.
fn gen3_sections(text: &str, found: &mut Findings) {
    use crate::rules::{GenFilter, RULES};
    use transforms::html::{gen3_only, gen3_section_at, Gen3Section};
    let gen3_rule = |id: &str| RULES.iter().any(|r| r.id == id && r.gen == GenFilter::Gen3);
    found
        .diagnostics
        .retain(|d| !gen3_rule(&d.rule) || gen3_section_at(text, d.start) != Gen3Section::Gen2);
    let mut kept = Vec::new();
    for mut f in std::mem::take(&mut found.fixes) {
        let Some(at) = f.edits.iter().map(|e| e.start).min() else {
            continue;
        };
        if !gen3_rule(f.rule) {
            kept.push(f);
            continue;
        }
        match gen3_section_at(text, at) {
            Gen3Section::Gen2 => continue,
            Gen3Section::Gen3 => {}
            Gen3Section::Outside => {
                let own_lines = f
                    .edits
                    .iter()
                    .all(|e| e.start == e.end && e.replacement.starts_with(['\n', '\r']));
                if own_lines {
                    let mut wrapped = true;
                    for e in &mut f.edits {
                        let body = e.replacement.trim_start_matches(['\r', '\n']);
                        let eol = &e.replacement[..e.replacement.len() - body.len()];
                        let snippet = body.trim_start_matches([' ', '\t']);
                        let indent = &body[..body.len() - snippet.len()];
                        match gen3_only(text, e.start, snippet, indent, eol) {
                            Some(w) => e.replacement = format!("{eol}{indent}{w}"),
                            None => wrapped = false,
                        }
                    }
                    if !wrapped {
                        continue;
                    }
                } else {
                    f.message.push_str("; on this Okta-hosted template the rewrite also changes what Gen2 renders (and a rollback to Gen2): to keep both, put the Gen3 version in a `{{#useSiwGen3}}` section and the original in `{{^useSiwGen3}}` (S11)");
                }
            }
        }
        kept.push(f);
    }
    found.fixes = kept;
}

/// Runs the stylesheet rules on `text[range]`, a `<style>` body in `lang` (`text` is the
/// whole page with its placeholders masked; every offset is a file offset). A body the
/// stylesheet parser rejects is reported and its rules skipped; the rest of the page goes on.
pub fn analyze_style_region(
    text: &str,
    range: Range<usize>,
    lang: StyleLang,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) {
    if let Err(e) = crate::engine::analyze_stylesheet(text, range, lang, ctx, out) {
        out.diagnostics.push(Diagnostic::core(
            "core/style-skipped",
            Severity::Warning,
            format!("this <style> block could not be parsed ({}), so its widget overrides were not checked", e.message),
            e.offset..e.offset,
        ));
    }
}

/// Whether every widget script of the page still parses (the check after a pass).
pub fn parses(text: &str, bom: usize, kind: &FileKind) -> bool {
    let Ok(page) = prepare(text, bom, kind) else {
        return false;
    };
    let all = page.widget_scripts().all(|(body, dialect)| {
        page.script
            .get(body.clone())
            .is_some_and(|code| crate::lang::js::parse(code, dialect, body.start).is_ok())
    });
    all
}

/// Parses every JavaScript body of a page, whether it mentions the widget or not (with
/// its placeholders masked): the number of bodies, or the first error. For re-checking
/// what a run writes.
pub fn check_scripts(text: &str, kind: &FileKind) -> Result<usize, ParseError> {
    let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let page = prepare(text, bom, kind)?;
    let mut n = 0;
    for tag in &page.tags {
        let (Some(dialect), Some(body)) = (
            html::script_dialect(tag, &page.markup, page.sfc),
            tag.body.clone(),
        ) else {
            continue;
        };
        let code = page.script.get(body.clone()).unwrap_or("");
        crate::lang::js::parse(code, dialect, body.start)?;
        n += 1;
    }
    Ok(n)
}

/// Why a page whose script failed to parse at `offset` is skipped rather than an error:
/// the script holds template placeholders, so what the browser gets is not known here.
pub fn skip_reason(text: &str, bom: usize, kind: &FileKind, offset: usize) -> Option<String> {
    if !matches!(kind, FileKind::Html(_)) {
        return None;
    }
    let page = prepare(text, bom, kind).ok()?;
    let (body, _) = page
        .widget_scripts()
        .find(|(b, _)| b.start <= offset && offset <= b.end)?;
    let inside = page
        .placeholders
        .iter()
        .filter(|p| body.start <= p.range.start && p.range.end <= body.end)
        .count();
    (inside > 0).then(|| {
        format!(
            "its widget script does not parse once its {inside} template {} masked, so nothing on the page was changed",
            if inside == 1 { "placeholder is" } else { "placeholders are" }
        )
    })
}

fn shown(text: &str, p: &Placeholder) -> String {
    let s = text.get(p.range.clone()).unwrap_or("");
    let s: String = s.chars().take(40).collect();
    let s = s.lines().next().unwrap_or("").to_string();
    if s.len() < p.range.len() {
        format!("`{s}…`")
    } else {
        format!("`{s}`")
    }
}

/// `s` with every run of mask characters shown as `…` (for messages that quote masked text).
fn scrub(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let masked = |c: char| c == template::VALUE_MARK || c == template::CONTROL_MARK;
        let starts_run = masked(c) || (c == '_' && chars.peek().is_some_and(|&n| masked(n)));
        if !starts_run {
            out.push(c);
            continue;
        }
        while chars.peek().is_some_and(|&n| masked(n)) {
            chars.next();
        }
        out.push('…');
    }
    out
}

/// Moves `found` to `out`, except the fixes that would edit a placeholder or write masked
/// text into the page: those are reported. Findings that quote masked text are replaced by
/// a note. `masked` is the text the findings were made on.
fn keep_placeholders(found: Findings, page: &Page, text: &str, out: &mut Findings) {
    let (placeholders, masked) = (&page.placeholders, &page.script);
    let Some(flavor) = page.flavor else {
        out.fixes.extend(found.fixes);
        out.diagnostics.extend(found.diagnostics);
        return;
    };
    // The placeholder a finding is about: one its range covers, else one whose mask it quotes.
    let about = |r: Range<usize>, quoted: &str| {
        template::touched(placeholders, r.clone())
            .or_else(|| {
                placeholders
                    .iter()
                    .find(|p| r.start <= p.range.start && p.range.end <= r.end)
            })
            .or_else(|| {
                placeholders.iter().find(|p| {
                    masked
                        .get(p.range.clone())
                        .is_some_and(|m| !m.trim().is_empty() && quoted.contains(m))
                })
            })
            .map_or_else(
                || "a template placeholder".to_string(),
                |p| format!("the template placeholder {}", shown(text, p)),
            )
    };
    for mut fix in found.fixes {
        let touched = fix
            .edits
            .iter()
            .find_map(|e| template::touched(placeholders, e.start..e.end));
        let copied: Option<&str> = fix
            .edits
            .iter()
            .map(|e| e.replacement.as_str())
            .find(|r| template::holds_mask(r));
        fix.message = scrub(&fix.message);
        let reshapes = fix
            .edits
            .iter()
            .any(|e| changes_placeholders(text, e, flavor));
        match (touched, copied) {
            (None, None) if reshapes => {
                let at = fix.edits.first().map_or(0..0, |e| e.start..e.end);
                let why =
                    "would join the text around it into a new template placeholder".to_string();
                out.diagnostics.push(dropped(&fix, at, why));
            }
            (None, None) => out.fixes.push(fix),
            (Some(p), _) => {
                let why = format!("would edit the template placeholder {}", shown(text, p));
                out.diagnostics.push(dropped(&fix, p.range.clone(), why));
            }
            (None, Some(replacement)) => {
                let at = fix.edits.first().map_or(0..0, |e| e.start..e.end);
                let why = format!(
                    "would have to copy what {} writes, which is only known when the page is served",
                    about(at.clone(), replacement)
                );
                out.diagnostics.push(dropped(&fix, at, why));
            }
        }
    }
    for d in found.diagnostics {
        if !template::holds_mask(&d.message) {
            out.diagnostics.push(d);
            continue;
        }
        let message = format!(
            "{} cannot check what {} writes, which is only known when the page is served",
            d.rule,
            about(d.start..d.end, &d.message)
        );
        out.diagnostics.push(
            Diagnostic::core(
                "core/template-placeholder",
                Severity::Info,
                message,
                d.start..d.end,
            )
            .with_help("Check this part of the page by hand once the template is rendered."),
        );
    }
}

/// Whether applying `edit` to `text` makes or unmakes a placeholder near it (a removed tag
/// that leaves a stray `{{` next to `{x}}`, say): the placeholders of the text around the
/// edit, before and after, differ.
fn changes_placeholders(text: &str, edit: &crate::edit::Edit, flavor: Flavor) -> bool {
    const MARGIN: usize = 1024;
    let floor = |mut i: usize| {
        while !text.is_char_boundary(i) {
            i -= 1;
        }
        i
    };
    let start = floor(edit.start.saturating_sub(MARGIN));
    let end = floor((edit.end + MARGIN).min(text.len()));
    let (Some(before), Some(head), Some(tail)) = (
        text.get(start..end),
        text.get(start..edit.start),
        text.get(edit.end..end),
    ) else {
        return false;
    };
    // The `{{#useSiwGen3}}` section a Gen3-only addition is wrapped in (S11) is the one
    // placeholder a fix may add; the rest of the text must keep its placeholders.
    let replacement = edit
        .replacement
        .replace("{{#useSiwGen3}}", "")
        .replace("{{/useSiwGen3}}", "");
    let after = format!("{head}{replacement}{tail}");
    let shapes = |t: &str| -> Vec<String> {
        template::find(t, flavor)
            .into_iter()
            .filter_map(|p| t.get(p.range).map(str::to_string))
            .collect()
    };
    shapes(before) != shapes(&after)
}

fn dropped(fix: &Fix, range: Range<usize>, why: String) -> Diagnostic {
    Diagnostic::core(
        "core/template-placeholder",
        Severity::Warning,
        format!(
            "the fix of {} ({}) {why}, so it was dropped: {}",
            fix.rule, fix.kb, fix.message
        ),
        range,
    )
    .with_help("Make this change by hand, in the template or in what renders it.")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Target;
    use crate::version::Version;

    fn run(text: &str, kind: FileKind) -> Result<Findings, ParseError> {
        let target = Target::default();
        let ctx = Ctx {
            target: &target,
            from: Version::new(3, 0, 0),
        };
        let mut out = Findings::default();
        analyze(text, 0, &kind, &ctx, &mut out).map(|()| out)
    }

    const HOSTED: &str = "<html><head>{{{SignInWidgetResources}}}</head><body>\n{{{OktaUtil}}}\n\
        <script type=\"text/javascript\" nonce=\"{{nonceValue}}\">\n\
        var config = OktaUtil.getSignInWidgetConfig();\n\
        config.i18n.en['socialauth.yahoo_japan.label'] = '{{orgName}} Yahoo';\n\
        {{#useSiwGen3}}\nconfig.theme = { tokens: {} };\n{{/useSiwGen3}}\n\
        var w = new OktaSignIn(config);\n</script></body></html>";

    #[test]
    fn scripts_of_a_template_are_fixed_around_their_placeholders() {
        let out = run(HOSTED, FileKind::Html(Flavor::Generic)).unwrap();
        assert_eq!(out.fixes.len(), 1, "{:?}", out);
        let e = &out.fixes[0].edits[0];
        assert_eq!(&HOSTED[e.start..e.end], "'socialauth.yahoo_japan.label'");
        assert!(out.diagnostics.is_empty(), "{:?}", out.diagnostics);
        assert!(parses(HOSTED, 0, &FileKind::Html(Flavor::Generic)));
    }

    #[test]
    fn findings_on_placeholders_are_dropped_and_reported() {
        let kind = FileKind::Html(Flavor::Generic);
        // A key written by the template: nothing to check, a note says so.
        let page = "<script>new OktaSignIn({ i18n: { en: { '{{k}}': 'x' } } });</script>";
        let out = run(page, kind.clone()).unwrap();
        assert!(out.fixes.is_empty());
        assert_eq!(out.diagnostics.len(), 1);
        let d = &out.diagnostics[0];
        assert_eq!(
            (d.rule.as_str(), d.severity),
            ("core/template-placeholder", Severity::Info)
        );
        assert!(d.message.contains("`{{k}}`"), "{}", d.message);
        // A rewrite that would copy a placeholder's value (the language) is dropped.
        let page = "<script>new OktaSignIn({ language: '{{lang}}', labels: { a: 'b' } });</script>";
        let out = run(page, kind.clone()).unwrap();
        assert!(out.fixes.is_empty(), "{:?}", out.fixes);
        let d = &out.diagnostics[0];
        assert_eq!(
            (d.rule.as_str(), d.severity),
            ("core/template-placeholder", Severity::Warning)
        );
        assert!(
            d.message.contains("i18n/labels-option") && d.message.contains("`{{lang}}`"),
            "{}",
            d.message
        );
        assert!(
            !template::holds_mask(&d.message) && d.message.contains("for en, '…'"),
            "{}",
            d.message
        );
        // An edit over a placeholder is dropped; one beside it stays.
        let text = "<link href=\"{{cdn}}/okta-theme.css\">";
        let page = prepare(text, 0, &kind).unwrap();
        let fix = |range: Range<usize>| Fix {
            rule: "html/okta-theme-css",
            kb: "S1".into(),
            safety: crate::edit::Safety::Safe,
            message: "m".into(),
            edits: vec![crate::edit::Edit::replace(range, "")],
            follow_up: None,
        };
        let found = Findings {
            fixes: vec![fix(0..text.len()), fix(0..11)],
            ..Findings::default()
        };
        let mut out = Findings::default();
        keep_placeholders(found, &page, text, &mut out);
        assert_eq!(out.fixes, [fix(0..11)]);
        assert_eq!(out.diagnostics.len(), 1);
        assert!(out.diagnostics[0]
            .message
            .contains("would edit the template placeholder `{{cdn}}`"));
        // Removing a tag must not join a stray `{{` and `{x}}` into a placeholder.
        let text = "a {{<link href=\"okta-theme.css\">{x}} b";
        let page = prepare(text, 0, &kind).unwrap();
        let tag = text.find("<link").unwrap()..text.find("{x}").unwrap();
        let found = Findings {
            fixes: vec![fix(tag)],
            ..Findings::default()
        };
        let mut out = Findings::default();
        keep_placeholders(found, &page, text, &mut out);
        assert!(out.fixes.is_empty());
        assert!(out.diagnostics[0]
            .message
            .contains("new template placeholder"));
    }

    #[test]
    fn a_script_that_needs_its_placeholders_is_skipped() {
        let page = "<script>\nvar config = {\n  baseUrl: '{{baseUrl}}',\n  {{{widgetConfig}}}\n  i18n: {}\n};\nnew OktaSignIn(config);\n</script>";
        let kind = FileKind::Html(Flavor::Generic);
        let e = run(page, kind.clone()).err().unwrap();
        let reason = skip_reason(page, 0, &kind, e.offset).unwrap();
        assert!(
            reason.contains("its 2 template placeholders are masked"),
            "{reason}"
        );
        let broken = "<script>new OktaSignIn({ a: });</script>";
        let e = run(broken, kind.clone()).err().unwrap();
        assert_eq!(skip_reason(broken, 0, &kind, e.offset), None);
    }

    #[test]
    fn style_regions_reach_the_css_front_end_with_their_language() {
        let kind = FileKind::Html(Flavor::Generic);
        let page = prepare(HOSTED_STYLE, 0, &kind).unwrap();
        let regions: Vec<(&str, StyleLang)> = page
            .style_regions()
            .map(|(r, l)| (&page.markup[r], l))
            .collect();
        assert_eq!(
            regions,
            [(
                "#okta-signin-submit { background: ªªªªªªªª; }",
                StyleLang::Css
            )]
        );
        let vue = "<template><p>{{ a }}</p></template><style lang=\"scss\" scoped>#okta-sign-in { .x { y: z } }</style>";
        let page = prepare(vue, 0, &FileKind::Sfc(Sfc::Vue)).unwrap();
        let regions: Vec<(&str, StyleLang)> =
            page.style_regions().map(|(r, l)| (&vue[r], l)).collect();
        assert_eq!(
            regions,
            [("#okta-sign-in { .x { y: z } }", StyleLang::Scss)]
        );
    }

    const HOSTED_STYLE: &str =
        "{{{SignInWidgetResources}}}<style nonce=\"{{nonceValue}}\">#okta-signin-submit { background: {{primaryColor}}; }</style>";

    #[test]
    fn components_are_not_templates() {
        let vue = "<template><div>{{ msg }}</div></template>\n<script setup lang=\"ts\">\nconst w: any = new OktaSignIn({ i18n: { en: { 'oie.session.expired': 'x' } } });\n</script>\n<style scoped>#okta-sign-in {}</style>";
        let out = run(vue, FileKind::Sfc(Sfc::Vue)).unwrap();
        assert_eq!(out.fixes.len(), 1);
    }
}
