//! CSS rules on what widget rules declare and what a stylesheet loads: the renamed font
//! (S2), design tokens under Gen3 (S10), `okta-theme.css` imports (S1), and the check of
//! a selector's names against the classes the target release ships (`css/unknown-selector`).

use super::css::{code, enabled, rendered_by_gen2, Occurrence, TABLE};
use super::Findings;
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix, Safety};
use crate::lang::css::{PartKind, Rule, Sheet, ValueKind};
use crate::rules::{Ctx, Engine};

/// S2 and S10 on the declarations of one widget rule.
pub fn declarations(sheet: &Sheet, r: &Rule, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    if let Some(meta) = enabled("css/montserrat-font", ctx) {
        // Computed once per declaration that names the font, not per rule.
        let loaded = std::cell::OnceCell::new();
        for d in r
            .decls
            .iter()
            .filter(|d| d.property == "font-family" || d.property == "font")
        {
            let mut edits = Vec::new();
            let mut renamed = Vec::new();
            for v in &d.values {
                let Some(new) = TABLE
                    .fonts
                    .families
                    .iter()
                    .find(|(old, _)| old.eq_ignore_ascii_case(&v.text))
                    .map(|(_, new)| new)
                else {
                    continue;
                };
                let range = match v.kind {
                    ValueKind::Ident => v.range.clone(),
                    // Inside the quotes, which stay as written.
                    ValueKind::Str if v.range.len() >= 2 => v.range.start + 1..v.range.end - 1,
                    _ => continue,
                };
                // The page loads a font of that name itself (Google Fonts, `@font-face`):
                // the name is not the widget's, and renaming it would drop that font.
                if *loaded.get_or_init(|| loads_font(text, "montserrat")) {
                    continue;
                }
                if text
                    .get(range.clone())
                    .is_some_and(|raw| raw.eq_ignore_ascii_case(&v.text))
                {
                    renamed.push(v.text.clone());
                    edits.push(Edit::replace(range, new.clone()));
                }
            }
            if let Some(first) = renamed.first() {
                out.fixes.push(Fix {
                follow_up: None,
                    rule: meta.id.as_str(),
                    kb: "S2".into(),
                    safety: meta.safety,
                    message: format!(
                        "the widget's font {} was renamed `montserrat-okta` in 7.0.0 (S2); under {} {} falls back to the next font of the list unless the page loads a font of that name itself",
                        code(first),
                        ctx.target.to,
                        code(first)
                    ),
                    edits,
                });
            }
        }
    }
    if let Some(meta) = enabled("css/gen3-design-token", ctx) {
        let context = context_of(sheet, r, text);
        let container = r.selectors.iter().all(|c| {
            c.compounds.last().is_some_and(|s| {
                s.names.len() == 1 && s.names[0].text == "#okta-sign-in" && s.parts.len() == 1
            })
        });
        for d in &r.decls {
            let Some(row) = TABLE
                .tokens
                .properties
                .iter()
                .find(|row| row.names.contains(&d.property))
            else {
                continue;
            };
            if row.not_on_container && container {
                continue;
            }
            let token = context
                .and_then(|c| row.by_context.get(c))
                .or(row.token.as_ref());
            let value = text.get(d.value_range.clone()).unwrap_or("").trim();
            let decl = format!("{}: {value}", d.property);
            let message = match token {
                Some(tok) => {
                    let one = tok.chars().all(|c| c.is_ascii_alphanumeric());
                    let simple = one
                        && !value.is_empty()
                        && !value.contains(char::is_whitespace)
                        && !value.contains(['$', '@', '(', '\'', '"']);
                    let how = match (one, simple) {
                        (true, true) => format!(
                            "the design token {}: `theme: {{ tokens: {{ {tok}: '{value}' }} }}`",
                            code(tok)
                        ),
                        (true, false) => format!("the design token {} of `theme.tokens`", code(tok)),
                        (false, _) => format!("{tok} of `theme.tokens`"),
                    };
                    format!(
                        "{} on a widget selector: the third-generation widget takes no CSS overrides (S10); set it with {how}",
                        code(&decl)
                    )
                }
                None => format!(
                    "{} on a widget selector: the third-generation widget takes no CSS overrides and has no design token for this (S10); drop it or restyle with the palette tokens of `theme.tokens`",
                    code(&decl)
                ),
            };
            out.diagnostics
                .push(Diagnostic::manual(meta, "S10", message, d.range.clone()));
        }
    }
}

/// Which kind of element a rule styles, for S10: the subject compound's names and
/// element, else (for `&:hover` and the like) the parent's.
fn context_of(sheet: &Sheet, r: &Rule, text: &str) -> Option<&'static str> {
    const ORDER: [&str; 4] = ["error", "button", "link", "heading"];
    let contexts = &TABLE.tokens.contexts;
    let mut nesting_only = false;
    for complex in &r.selectors {
        let Some(subject) = complex.compounds.last() else {
            continue;
        };
        let mut keys: Vec<&str> = subject.names.iter().map(|n| n.text.as_str()).collect();
        for p in &subject.parts {
            if let PartKind::Type(t) = &p.kind {
                keys.push(t);
            }
        }
        let raw = text.get(subject.range.clone()).unwrap_or("");
        if let Some(c) = ORDER.iter().find(|c| {
            contexts.get(**c).is_some_and(|list| {
                list.iter().any(|x| {
                    keys.iter().any(|k| k == x) || (x.starts_with('[') && raw.contains(x.as_str()))
                })
            })
        }) {
            return Some(c);
        }
        nesting_only |= keys.is_empty()
            && complex.compounds.len() == 1
            && subject.parts.iter().any(|p| p.kind == PartKind::Nesting);
    }
    match r.parent.and_then(|p| sheet.rules.get(p)) {
        Some(parent) if nesting_only => context_of(sheet, parent, text),
        _ => None,
    }
}

/// S2 font files in `url(…)` and S1 `okta-theme.css` imports, anywhere in the sheet.
pub fn urls_and_imports(sheet: &Sheet, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    if let Some(meta) = enabled("css/montserrat-font", ctx) {
        let fonts = &TABLE.fonts;
        for u in &sheet.urls {
            let Some(raw) = text.get(u.range.clone()) else {
                continue;
            };
            let mut new = raw.to_string();
            for (old, renamed) in &fonts.files {
                if !new.contains(renamed.as_str()) {
                    new = new.replace(old.as_str(), renamed);
                }
            }
            if new == raw {
                continue;
            }
            let widget = raw.contains(&fonts.widget_url_marker);
            let message = if widget {
                format!(
                    "the widget's font files were renamed `montserrat-okta-*-webfont` in 7.0.0 (S2); {} no longer exists in {}",
                    code(raw),
                    ctx.target.to
                )
            } else {
                format!(
                    "the widget's font files were renamed `montserrat-okta-*-webfont` in 7.0.0 (S2); if {} points at the widget's assets it no longer exists in {}, but a copy you host yourself keeps its name",
                    code(raw),
                    ctx.target.to
                )
            };
            out.fixes.push(Fix {
                follow_up: None,
                rule: meta.id.as_str(),
                kb: "S2".into(),
                safety: if widget { meta.safety } else { Safety::Unsafe },
                message,
                edits: vec![Edit::replace(u.range.clone(), new)],
            });
        }
    }
    if let Some(meta) = enabled("css/okta-theme-import", ctx) {
        for imp in &sheet.imports {
            let path = imp.href.split(['?', '#']).next().unwrap_or("");
            let file = path.rsplit('/').next().unwrap_or("");
            if TABLE.theme_files.iter().any(|f| f == file) {
                let message = format!(
                    "{} is imported, but widget 3.0 merged `okta-theme.css` into `okta-sign-in.min.css` and stopped shipping it (S1): delete this `@import` and load only `okta-sign-in.min.css` of the same version as the widget's script",
                    code(&imp.href)
                );
                out.diagnostics
                    .push(Diagnostic::manual(meta, "S1", message, imp.range.clone()));
            }
        }
    }
}

/// `css/unknown-selector`: a class or id of a widget selector that the target release
/// neither styles nor (as far as the knowledge base knows) renders.
pub(crate) fn unknown_selector(
    occ: &Occurrence<'_>,
    name: &str,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) {
    use crate::releases::{release_for, suggest, CSS_NAMES, CSS_NAMES_NEXT, VERSIONS};
    let Some(meta) = enabled("css/unknown-selector", ctx) else {
        return;
    };
    let t = &*TABLE;
    let range = occ.name.range.clone();
    // Classic Engine still renders its input ids (S6).
    if ctx.target.engine == Engine::Classic && t.classic_ids.iter().any(|r| r.name == name) {
        return;
    }
    if t.classic_only.names.iter().any(|n| n == name) {
        if ctx.target.engine == Engine::Oie {
            // The Identity Engine element, where the DOM-query table knows it.
            let instead = crate::transforms::methods::TABLE
                .selectors
                .iter()
                .find(|s| s.classic == name)
                .and_then(|s| s.oie.clone().flatten())
                .map(|sel| format!("; Identity Engine renders it as `{sel}`"))
                .unwrap_or_default();
            let message = format!(
                "{} in {} is rendered only by Classic Engine views (S5); Identity Engine views are `.siw-main-view` with the form's own classes, so this selector matches nothing{}{instead}",
                code(name),
                code(&occ.selector),
                occ.how_written()
            );
            out.diagnostics
                .push(Diagnostic::manual(meta, "S5", message, range));
        }
        return;
    }
    let Some(rel) = release_for(ctx.target.to) else {
        return;
    };
    let version = VERSIONS[rel];
    let what = if name.starts_with('#') { "id" } else { "class" };
    let mut message = if ctx.target.gen3 {
        if CSS_NAMES_NEXT.names_in(rel).next().is_none()
            || CSS_NAMES_NEXT.ships(name, rel)
            || t.gen3.rendered.iter().any(|n| n == name)
        {
            return;
        }
        format!(
            "{} in {} is not an {what} the third-generation widget of {version} renders or styles, so this selector matches nothing there",
            code(name),
            code(&occ.selector)
        )
    } else {
        if t.stable_hooks.names.iter().any(|n| n == name)
            || CSS_NAMES.ships(name, rel)
            || rendered_by_gen2(name)
        {
            return;
        }
        format!(
            "{} in {} is not a {what} of widget {version}'s CSS or markup as far as the release data knows, so this selector may match nothing",
            code(name),
            code(&occ.selector)
        )
    };
    if let Some(last) = (0..rel).rev().find(|&i| CSS_NAMES.ships(name, i)) {
        message.push_str(&format!(
            "; the widget's CSS last had it in {}",
            VERSIONS[last]
        ));
    } else if let Some(s) = suggest(name, &CSS_NAMES, rel) {
        message.push_str(&format!("; did you mean {}?", code(s)));
    }
    message.push_str(&occ.how_written());
    out.diagnostics
        .push(Diagnostic::manual(meta, "S4", message, range));
}

/// Whether a stylesheet or page loads a font named `family` (lower case) itself: a Google
/// Fonts (or compatible) URL with `family=<name>` in an `@import` or `<link>`, or an
/// `@font-face` block declaring it. `text` is the whole file, so a page's `<link>` and
/// `<style>` blocks are both seen.
pub fn loads_font(text: &str, family: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let named = |rest: &str| {
        let rest = rest.trim_start_matches(['\'', '"', ' ']);
        rest.starts_with(family)
            && !rest[family.len()..].starts_with(|c: char| c == '-' || c.is_ascii_alphanumeric())
    };
    // `family=Montserrat`, `family=Montserrat:wght@400`, `family=Roboto|Montserrat`,
    // `family=Montserrat+Alternates` is another font (the `+` continues the name).
    let in_url = lower.match_indices("family=").any(|(at, m)| {
        let value = &lower[at + m.len()..];
        let end = value
            .find(['&', '"', '\'', ')', ' ', '>', '\n'])
            .unwrap_or(value.len());
        value[..end]
            .split(['|', '&'])
            .any(|f| f.split(':').next() == Some(family))
    });
    let in_face = lower.match_indices("@font-face").any(|(at, _)| {
        let block = &lower[at..];
        let block = &block[..block.find('}').unwrap_or(block.len())];
        block
            .match_indices("font-family")
            .any(|(i, m)| named(block[i + m.len()..].trim_start_matches([' ', ':', '\t'])))
    });
    in_url || in_face
}

#[cfg(test)]
mod tests {
    use super::loads_font;

    #[test]
    fn fonts_the_page_loads_itself() {
        let google = "@import url('https://fonts.googleapis.com/css?family=Montserrat:400,700&display=swap');";
        assert!(loads_font(google, "montserrat"));
        let css2 = "<link href=\"https://fonts.googleapis.com/css2?family=Roboto&family=Montserrat:wght@300\" rel=stylesheet>";
        assert!(loads_font(css2, "montserrat"));
        let pipe = "@import url(//fonts.googleapis.com/css?family=Open+Sans|Montserrat);";
        assert!(loads_font(pipe, "montserrat"));
        let face = "@font-face {\n  font-family: 'Montserrat';\n  src: url(m.woff2);\n}";
        assert!(loads_font(face, "montserrat"));
    }

    #[test]
    fn other_fonts_do_not_count() {
        assert!(!loads_font(
            "#okta-sign-in { font-family: montserrat }",
            "montserrat"
        ));
        let alt = "@import url('https://fonts.googleapis.com/css?family=Montserrat+Alternates');";
        assert!(!loads_font(alt, "montserrat"));
        let okta = "@font-face { font-family: montserrat-okta; src: url(x.woff) }";
        assert!(!loads_font(okta, "montserrat"));
    }
}
