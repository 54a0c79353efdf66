//! CSS rules (S1–S12): what a stylesheet's widget selectors hit under the target. Only
//! rules whose selectors mention the widget (`anchors` of `transforms/css.json`), and
//! rules nested in them, are looked at. Each class or id of such a selector is checked
//! once, by the first rule it concerns: Chosen (S3), Classic input ids (S6), the
//! `yahoo_japan` class (S7), the security image (S12), Gen3 (S5, S7–S9), then the
//! release's own class list (`css/unknown-selector`). The selector rewrites are in
//! `css_selectors`, declarations and urls in `css_values`.

use super::Findings;
use crate::diagnostic::{Diagnostic, Severity};
use crate::edit::{Edit, Fix};
use crate::lang::css::{Complex, Compound, Name, NameForm, Rule, Sheet};
use crate::rules::{rule, Ctx, RuleMeta};
use aho_corasick::AhoCorasick;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

pub const TABLE_JSON: &str = include_str!("../../transforms/css.json");

#[derive(Debug, Deserialize)]
pub struct Names {
    pub names: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Anchors {
    pub names: Vec<String>,
    pub prefixes: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Fonts {
    pub families: HashMap<String, String>,
    pub files: HashMap<String, String>,
    pub widget_url_marker: String,
}

#[derive(Debug, Deserialize)]
pub struct Chosen {
    pub prefixes: Vec<String>,
    pub names: Vec<String>,
    pub context: String,
    pub direct: HashMap<String, String>,
}

/// How a Classic id is selected under a target: `[context ]element rest`.
#[derive(Debug, Deserialize)]
pub struct Replacement {
    pub context: Option<String>,
    pub element: String,
    pub rest: String,
}

#[derive(Debug, Deserialize)]
pub struct ClassicId {
    pub name: String,
    pub gen2: Replacement,
    pub gen3: Replacement,
}

#[derive(Debug, Deserialize)]
pub struct Rename {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Deserialize)]
pub struct Gen3Row {
    pub name: String,
    pub to: Option<String>,
    pub kb: String,
}

#[derive(Debug, Deserialize)]
pub struct Gen3 {
    pub map: Vec<Gen3Row>,
    pub rendered: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct TokenRow {
    pub names: Vec<String>,
    pub token: Option<String>,
    pub by_context: HashMap<String, String>,
    #[serde(default)]
    pub not_on_container: bool,
}

#[derive(Debug, Deserialize)]
pub struct Tokens {
    pub contexts: HashMap<String, Vec<String>>,
    pub properties: Vec<TokenRow>,
}

#[derive(Debug, Deserialize)]
pub struct SecurityImage {
    pub contains: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct Table {
    pub anchors: Anchors,
    pub prefilter: Vec<String>,
    pub stable_hooks: Names,
    pub fonts: Fonts,
    pub chosen: Chosen,
    pub classic_ids: Vec<ClassicId>,
    pub yahoo: Rename,
    pub theme_files: Vec<String>,
    pub security_image: SecurityImage,
    pub classic_only: Names,
    pub gen3: Gen3,
    pub tokens: Tokens,
    pub rendered: Vec<String>,
}

pub static TABLE: LazyLock<Table> = LazyLock::new(|| {
    serde_json::from_str(TABLE_JSON)
        .unwrap_or_else(|e| panic!("transforms/css.json is invalid: {e}"))
});

static PREFILTER: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::new(&TABLE.prefilter).unwrap_or_else(|e| panic!("css prefilter: {e}"))
});

static RENDERED: LazyLock<HashSet<&'static str>> =
    LazyLock::new(|| TABLE.rendered.iter().map(String::as_str).collect());

/// Entries of `rendered` that end in `-` are prefixes of generated names
/// (`.o-form-input-name-` + the field's name).
static RENDERED_PREFIXES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    TABLE
        .rendered
        .iter()
        .filter(|n| n.ends_with('-'))
        .map(String::as_str)
        .collect()
});

/// Whether a stylesheet's text can hold anything the CSS rules look at.
pub fn mentions_widget(text: &str) -> bool {
    PREFILTER.is_match(text)
}

pub fn is_anchor(name: &str) -> bool {
    let t = &*TABLE;
    t.anchors.names.iter().any(|n| n == name)
        || t.anchors
            .prefixes
            .iter()
            .any(|p| name.starts_with(p.as_str()))
}

pub fn is_chosen(name: &str) -> bool {
    let c = &TABLE.chosen;
    c.names.iter().any(|n| n == name) || c.prefixes.iter().any(|p| name.starts_with(p.as_str()))
}

pub(crate) fn code(s: &str) -> String {
    format!("`{s}`")
}

/// A selector as a message shows it: one line, at most 80 characters.
pub(crate) fn shown(text: &str, range: &std::ops::Range<usize>) -> String {
    let raw = text.get(range.clone()).unwrap_or("");
    let one: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match one.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &one[..i]),
        None => one,
    }
}

/// One class or id of a widget selector, with where it sits.
pub(crate) struct Occurrence<'a> {
    pub name: &'a Name,
    /// The name it selects (`&-suffix` resolved against the parent rule).
    pub resolved: Option<String>,
    /// The selector it is part of (for messages).
    pub selector: String,
    /// The compound and complex selector it is in; `None` for `@extend`.
    pub place: Option<(&'a Complex, usize)>,
}

impl Occurrence<'_> {
    pub(crate) fn compound(&self) -> Option<&Compound> {
        self.place.and_then(|(c, i)| c.compounds.get(i))
    }

    /// Written out as a plain class or id of the selector itself, so it can be replaced.
    pub(crate) fn rewritable(&self) -> bool {
        self.place.is_some()
            && self.name.form == NameForm::Plain
            && self.name.verbatim
            && !self.name.in_pseudo
    }

    pub(crate) fn how_written(&self) -> String {
        match (&self.name.form, &self.resolved, self.place) {
            (_, _, None) => " (named by an `@extend`)".into(),
            (NameForm::NestingSuffix, Some(r), _) => {
                format!(
                    " (written {} under its parent, i.e. {})",
                    code(&format!("&{}", self.name.text)),
                    code(r)
                )
            }
            (_, _, _) if self.name.in_pseudo => " (inside a pseudo-class argument)".into(),
            _ => String::new(),
        }
    }
}

/// The classes and ids the rule's parents end with, for `&-suffix`.
fn parent_names(sheet: &Sheet, rule: &Rule) -> Vec<String> {
    let Some(parent) = rule.parent.and_then(|p| sheet.rules.get(p)) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for c in &parent.selectors {
        let Some(last) = c.compounds.last() else {
            continue;
        };
        match last.names.iter().rfind(|n| !n.in_pseudo) {
            Some(n) if n.form == NameForm::Plain => out.push(n.text.clone()),
            Some(n) if n.form == NameForm::NestingSuffix => {
                for p in parent_names(sheet, parent) {
                    out.push(format!("{p}{}", n.text));
                }
            }
            _ => {}
        }
    }
    out
}

fn resolve(name: &Name, parents: &[String]) -> Option<String> {
    match name.form {
        NameForm::Plain => Some(name.text.clone()),
        NameForm::NestingSuffix => parents.first().map(|p| format!("{p}{}", name.text)),
        NameForm::Interpolated => None,
    }
}

pub fn run(sheet: &Sheet, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    let widget = widget_rules(sheet);
    for (i, r) in sheet.rules.iter().enumerate() {
        if !widget[i] {
            continue;
        }
        let parents = parent_names(sheet, r);
        let inherited = r.parent.is_some_and(|p| widget[p]);
        let chosen_above = ancestors(sheet, r).any(|a| {
            a.selectors
                .iter()
                .flat_map(|c| &c.compounds)
                .flat_map(|c| &c.names)
                .any(|n| is_chosen(&n.text))
        });
        for complex in &r.selectors {
            // Compounds before the first widget name are the page around the widget; a
            // selector of the list with no widget name (`#okta-sign-in .x, .label`) is the
            // page's own and is not checked.
            let first = if inherited {
                0
            } else {
                match complex.compounds.iter().position(|c| {
                    c.names
                        .iter()
                        .any(|n| resolve(n, &parents).is_some_and(|x| is_anchor(&x)))
                }) {
                    Some(i) => i,
                    None => continue,
                }
            };
            let selector = shown(text, &complex.range);
            for (ci, compound) in complex.compounds.iter().enumerate().skip(first) {
                for name in &compound.names {
                    let occ = Occurrence {
                        name,
                        resolved: resolve(name, &parents),
                        selector: selector.clone(),
                        place: Some((complex, ci)),
                    };
                    check(&occ, r, chosen_above, text, ctx, out);
                }
            }
        }
        let selector = r
            .selectors
            .first()
            .map(|c| shown(text, &c.range))
            .unwrap_or_default();
        for name in &r.extends {
            let occ = Occurrence {
                name,
                resolved: resolve(name, &[]),
                selector: selector.clone(),
                place: None,
            };
            check(&occ, r, chosen_above, text, ctx, out);
        }
        super::css_values::declarations(sheet, r, text, ctx, out);
    }
    super::css_values::urls_and_imports(sheet, text, ctx, out);
}

fn ancestors<'s>(sheet: &'s Sheet, r: &Rule) -> impl Iterator<Item = &'s Rule> {
    std::iter::successors(r.parent.and_then(|p| sheet.rules.get(p)), |a| {
        a.parent.and_then(|p| sheet.rules.get(p))
    })
}

/// Which rules mention the widget (themselves or through a parent rule).
fn widget_rules(sheet: &Sheet) -> Vec<bool> {
    let mut widget = Vec::with_capacity(sheet.rules.len());
    for r in &sheet.rules {
        let parents = parent_names(sheet, r);
        let own = r
            .selectors
            .iter()
            .flat_map(|c| &c.compounds)
            .flat_map(|c| &c.names)
            .any(|n| resolve(n, &parents).is_some_and(|x| is_anchor(&x)));
        let inherited = r
            .parent
            .is_some_and(|p| widget.get(p).copied().unwrap_or(false));
        widget.push(own || inherited);
    }
    widget
}

/// Runs the name rules on one occurrence; the first that applies reports it.
fn check(
    occ: &Occurrence<'_>,
    r: &Rule,
    chosen_above: bool,
    text: &str,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) {
    let t = &*TABLE;
    let Some(name) = occ.resolved.as_deref() else {
        interpolated(occ, text, ctx, out);
        return;
    };
    let chosen = rule("css/chosen-select");
    if is_chosen(name) && ctx.enabled(chosen) {
        return super::css_selectors::chosen_select(occ, name, r, chosen_above, ctx, out);
    }
    let ids = rule("css/classic-input-id");
    if let Some(row) = t.classic_ids.iter().find(|x| x.name == name) {
        if ctx.enabled(ids) {
            return super::css_selectors::classic_id(occ, row, ctx, out);
        }
    }
    let yahoo = rule("css/yahoo-japan-class");
    if name.contains(&t.yahoo.from) && ctx.enabled(yahoo) {
        let raw = text.get(occ.name.range.clone()).unwrap_or("");
        let message = format!(
            "{} in {}: the Yahoo Japan button's class became {} in 5.13.0 (S7), so the old class matches nothing",
            code(name),
            code(&occ.selector),
            code(&name.replace(&t.yahoo.from, &t.yahoo.to))
        );
        if occ.place.is_some() && occ.name.verbatim && raw.contains(&t.yahoo.from) {
            out.fixes.push(Fix {
                follow_up: None,
                rule: yahoo.id.as_str(),
                kb: "S7".into(),
                safety: yahoo.safety,
                message,
                edits: vec![Edit::replace(
                    occ.name.range.clone(),
                    raw.replace(&t.yahoo.from, &t.yahoo.to),
                )],
            });
        } else {
            let d = Diagnostic::manual(
                yahoo,
                "S7",
                format!("{message}{}", occ.how_written()),
                occ.name.range.clone(),
            );
            out.diagnostics.push(d);
        }
        return;
    }
    let security = rule("css/security-image");
    if t.security_image
        .contains
        .iter()
        .any(|s| name.contains(s.as_str()))
        && ctx.enabled(security)
    {
        let message = format!(
            "{} in {} styles the security image, which Identity Engine does not have (S12): the rule matches nothing",
            code(name),
            code(&occ.selector)
        );
        out.diagnostics.push(Diagnostic::manual(
            security,
            "S12",
            message,
            occ.name.range.clone(),
        ));
        return;
    }
    let gen3 = rule("css/gen3-selector");
    if ctx.enabled(gen3) && name.starts_with('.') && !gen3_renders(name, ctx) {
        return super::css_selectors::gen3_selector(occ, name, text, out);
    }
    super::css_values::unknown_selector(occ, name, ctx, out);
}

fn interpolated(occ: &Occurrence<'_>, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    let meta = rule("css/unknown-selector");
    if !ctx.enabled(meta) {
        return;
    }
    let mut d = Diagnostic::manual(
        meta,
        "S4",
        format!(
            "{} in {} is built with interpolation, so widget-migrate cannot check it against the target's classes or rewrite it; check by hand what it expands to",
            code(&shown(text, &occ.name.range)),
            code(&occ.selector)
        ),
        occ.name.range.clone(),
    );
    d.severity = Severity::Info;
    out.diagnostics.push(d);
}

/// Whether the Gen3 widget of the target renders `name`.
fn gen3_renders(name: &str, ctx: &Ctx<'_>) -> bool {
    use crate::releases::{release_for, CSS_NAMES_NEXT};
    TABLE.gen3.rendered.iter().any(|n| n == name)
        || release_for(ctx.target.to).is_some_and(|rel| CSS_NAMES_NEXT.ships(name, rel))
}

pub(crate) fn rendered_by_gen2(name: &str) -> bool {
    RENDERED.contains(name) || RENDERED_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// `RuleMeta` of a rule that is on for this target.
pub(crate) fn enabled(id: &str, ctx: &Ctx<'_>) -> Option<&'static RuleMeta> {
    let meta = rule(id);
    ctx.enabled(meta).then_some(meta)
}
