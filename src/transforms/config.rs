//! CONFIG rules (C1–C63): widget options that are gone, renamed or changed in meaning,
//! `config.idps`, and the Okta-hosted page's `config.*` assignments. One-option rows are
//! data (transforms/config.json); the structural ones are code below.

use super::text::{eol_at, indent_at, insert_after, remove_item};
use super::{spell_key, Findings};
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix, Safety};
use crate::locate::{unwrap_expr, unwrap_literal, Entry, KeyKind, Located};
use crate::rules::{rule, version_opt, Ctx, Engine, EngineFilter, GenFilter, RuleMeta};
use crate::version::Version;
use serde::Deserialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use swc_ecma_ast::{Expr, Lit};

#[derive(Debug, Deserialize, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Action {
    Remove,
    Rename,
    Warn,
}

/// One option of the knowledge base and what to do with it.
#[derive(Debug, Deserialize)]
pub struct OptionRow {
    pub kb: String,
    /// Dotted path from the configuration root; `[]` marks array elements (`idps[].text`).
    pub path: String,
    /// Only when the option has this literal value.
    #[serde(default)]
    pub value: Option<serde_json::Value>,
    pub action: Action,
    #[serde(default)]
    pub safety: Option<Safety>,
    pub engine: EngineFilter,
    pub gen: GenFilter,
    #[serde(deserialize_with = "version_opt")]
    pub since: Option<Version>,
    #[serde(default)]
    pub to: Option<String>,
    pub why: String,
    /// Not when the configuration also sets one of these options.
    #[serde(default)]
    pub unless: Vec<String>,
    /// The fix is unsafe while the configuration sets one of these options to anything
    /// but a literal `false` (C6: Classic Engine still honours `pkce: false`, so the
    /// removal goes with C3's removal of `useClassicEngine`, an unsafe fix).
    #[serde(default)]
    pub unsafe_while: Vec<String>,
}

#[derive(Debug, Deserialize)]
pub struct ContextPath {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Deserialize)]
pub struct Table {
    pub options: Vec<OptionRow>,
    pub request_context: Vec<ContextPath>,
}

pub const TABLE_JSON: &str = include_str!("../../transforms/config.json");

pub static TABLE: LazyLock<Table> = LazyLock::new(|| {
    serde_json::from_str(TABLE_JSON)
        .unwrap_or_else(|e| panic!("transforms/config.json is invalid: {e}"))
});

/// `idps[].text` style: segments joined with dots, `[]` glued to the array's name.
pub fn path_key(path: &[Option<String>]) -> Option<String> {
    let mut out = String::new();
    for seg in path {
        let seg = seg.as_deref()?;
        if seg == "[]" {
            out.push_str("[]");
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(seg);
        }
    }
    Some(out)
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

fn literal_bool(e: &Entry<'_>) -> Option<bool> {
    match e.value.map(unwrap_expr) {
        Some(Expr::Lit(Lit::Bool(b))) => Some(b.value),
        _ => None,
    }
}

fn row_applies(row: &OptionRow, ctx: &Ctx<'_>) -> bool {
    ctx.targets(row.engine, row.gen) && row.since.is_none_or(|s| ctx.in_window(s))
}

/// Everything the rules need to know about one file's configuration.
struct View<'a, 'c> {
    located: &'a Located<'c>,
    text: &'a str,
    /// Entries by container, and by (container, key).
    by_container: HashMap<usize, Vec<&'a Entry<'c>>>,
}

impl<'a, 'c> View<'a, 'c> {
    fn new(located: &'a Located<'c>, text: &'a str) -> Self {
        let mut by_container: HashMap<usize, Vec<&'a Entry<'c>>> = HashMap::new();
        for e in &located.entries {
            by_container.entry(e.container).or_default().push(e);
        }
        View {
            located,
            text,
            by_container,
        }
    }

    fn sibling(&self, e: &Entry<'_>, key: &str) -> Option<&'a Entry<'c>> {
        self.by_container
            .get(&e.container)?
            .iter()
            .find(|s| s.key() == Some(key) && s.path.len() == e.path.len())
            .copied()
    }

    /// A top-level option of the configuration `e` belongs to (for assignments: any
    /// top-level assignment or property of the file's configuration).
    /// The entries one level below `e`, inside its object value.
    fn children(&self, e: &Entry<'_>) -> Vec<&'a Entry<'c>> {
        let Some(v) = e.value_range.as_ref() else {
            return Vec::new();
        };
        self.located
            .entries
            .iter()
            .filter(|x| {
                x.path.len() == e.path.len() + 1
                    && v.start <= x.key_range.start
                    && x.key_range.end <= v.end
            })
            .collect()
    }

    fn root_option(&self, e: &Entry<'_>, key: &str) -> Option<&'a Entry<'c>> {
        self.located.entries.iter().find(|x| {
            x.path.len() == 1
                && x.key() == Some(key)
                && (x.assigned_to.is_some() == e.assigned_to.is_some() || e.path.len() == 1)
                && (e.assigned_to.is_some() || x.container == self.root_container(e))
        })
    }

    /// The container of the top-level object `e` is nested in.
    fn root_container(&self, e: &Entry<'_>) -> usize {
        // Walk up: the entry whose value range holds this key, until the top.
        let mut cur = e;
        loop {
            if cur.path.len() <= 1 {
                return cur.container;
            }
            let parent = self.located.entries.iter().find(|p| {
                p.path.len() == cur.path.len() - 1
                    && p.value_range.as_ref().is_some_and(|v| {
                        v.start <= cur.key_range.start && cur.key_range.end <= v.end
                    })
            });
            match parent {
                Some(p) => cur = p,
                None => return cur.container,
            }
        }
    }

    fn removal(&self, e: &Entry<'_>) -> Option<Vec<Edit>> {
        let sep = if e.assigned_to.is_some() { ';' } else { ',' };
        remove_item(
            self.text,
            e.prop_range.clone(),
            sep,
            self.located.quote_keys,
        )
    }

    fn quote(&self) -> char {
        if self.located.quote_keys {
            return '"';
        }
        self.located
            .entries
            .iter()
            .find_map(|e| match e.key_kind {
                KeyKind::Str(q) => Some(q),
                _ => None,
            })
            .or_else(|| self.text.chars().find(|&c| c == '\'' || c == '"'))
            .unwrap_or('\'')
    }
}

fn fix(
    meta: &'static RuleMeta,
    kb: &str,
    safety: Safety,
    message: String,
    edits: Vec<Edit>,
) -> Fix {
    Fix {
        rule: meta.id.as_str(),
        kb: kb.to_string(),
        safety,
        message,
        edits,
        follow_up: None,
    }
}

pub fn run(located: &Located<'_>, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    let view = View::new(located, text);
    gen3_embedded(&view, ctx, out);
    option_rows(&view, ctx, out);
    idps(&view, ctx, out);
    structural(&view, ctx, out);
    unknown_options(&view, ctx, out);
}

/// `--gen3` on a widget this file embeds: the third generation runs only on Okta-hosted
/// pages (the facts table's "Gen3 availability" row), so say so once, at the first
/// constructor, rather than let the Gen3 findings read as a migration plan for it.
fn gen3_embedded(view: &View<'_, '_>, ctx: &Ctx<'_>, out: &mut Findings) {
    let meta = rule("config/gen3-embedded");
    if !ctx.target.gen3 || !ctx.enabled(meta) {
        return;
    }
    // `OktaUtil` is the hosted page's own helper; a hosted page's script never embeds.
    let hosted = !view.located.hosted_roots.is_empty() || view.text.contains("OktaUtil");
    let Some(first) = view.located.roots.iter().find(|r| !r.hosted) else {
        return;
    };
    if hosted {
        return;
    }
    out.diagnostics.push(Diagnostic::manual(
        meta,
        "GEN3-HOSTED",
        "`--gen3` targets the third-generation widget, which runs only on Okta-hosted sign-in pages and cannot be embedded: this `new OktaSignIn(…)` stays on Gen2 under 7.x. To use Gen3, redirect to the Okta-hosted page (`showSignInAndRedirect`, or auth-js `signInWithRedirect`) and customise that page; the Gen3 findings here only tell what such a page would need".into(),
        first.new_range.clone(),
    ));
}

/// The one-option rows of transforms/config.json.
fn option_rows(view: &View<'_, '_>, ctx: &Ctx<'_>, out: &mut Findings) {
    let remove = rule("config/remove-option");
    let rename = rule("config/rename-option");
    let warn = rule("config/option-changed");
    let rows: HashMap<&str, Vec<&OptionRow>> =
        TABLE.options.iter().fold(HashMap::new(), |mut m, r| {
            m.entry(r.path.as_str()).or_default().push(r);
            m
        });
    for e in &view.located.entries {
        let Some(key) = path_key(&e.path) else {
            continue;
        };
        let Some(candidates) = rows.get(key.as_str()) else {
            continue;
        };
        for row in candidates {
            if !row_applies(row, ctx) {
                continue;
            }
            if let Some(want) = row.value.as_ref().and_then(serde_json::Value::as_bool) {
                if literal_bool(e) != Some(want) {
                    continue;
                }
            }
            if row.unless.iter().any(|u| view.root_option(e, u).is_some()) {
                continue;
            }
            let shown = match &row.value {
                Some(v) => format!("{} ({key}: {v})", code(&key)),
                None => code(&key),
            };
            match row.action {
                Action::Remove if ctx.enabled(remove) => match view.removal(e) {
                    Some(edits) => {
                        let blocker = row.unsafe_while.iter().find(|u| {
                            view.root_option(e, u).is_some_and(|x| literal_bool(x) != Some(false))
                        });
                        let (safety, note) = match blocker {
                            Some(b) => (
                                Safety::Unsafe,
                                format!("; unsafe while `{b}` is still set: that mode honours the option, so remove both together"),
                            ),
                            None => (row.safety.unwrap_or(Safety::Safe), String::new()),
                        };
                        let mut f = fix(
                            remove,
                            &row.kb,
                            safety,
                            format!("{shown} is removed: {}{note}", row.why),
                            edits,
                        );
                        if row.kb == "C29" {
                            let body = e.value_range.as_ref().map(|r| text_of(view, r)).unwrap_or("");
                            let first = body.lines().next().unwrap_or("").trim();
                            f.follow_up = Some(format!(
                                "`processCreds` ({first}…) has no Identity Engine equivalent: re-create what it did on the server or in a `before('identify')` hook"
                            ));
                        }
                        out.fixes.push(f);
                    }
                    None => out.diagnostics.push(Diagnostic::manual(
                        remove,
                        &row.kb,
                        format!("{shown} should be deleted ({}); it is written in a way the tool does not remove by itself", row.why),
                        e.key_range.clone(),
                    )),
                },
                Action::Rename if ctx.enabled(rename) => {
                    let Some(to) = row.to.as_deref() else { continue };
                    if view.sibling(e, to).is_some() {
                        out.diagnostics.push(Diagnostic::manual(
                            rename,
                            &row.kb,
                            format!("{shown} and {} are both set; keep {}", code(to), code(to)),
                            e.key_range.clone(),
                        ));
                        continue;
                    }
                    match spell_key(e.key_kind, to, view.quote()) {
                        Some(k) => out.fixes.push(fix(
                            rename,
                            &row.kb,
                            row.safety.unwrap_or(Safety::Safe),
                            format!("{shown} becomes {}: {}", code(to), row.why),
                            vec![Edit::replace(e.key_range.clone(), k)],
                        )),
                        None => out.diagnostics.push(Diagnostic::manual(
                            rename,
                            &row.kb,
                            format!("rename {shown} to {} by hand: {}", code(to), row.why),
                            e.key_range.clone(),
                        )),
                    }
                }
                Action::Warn if ctx.enabled(warn) => out.diagnostics.push(Diagnostic::manual(
                    warn,
                    &row.kb,
                    format!("{shown}: {}", row.why),
                    e.key_range.clone(),
                )),
                _ => {}
            }
        }
    }
}

fn text_of<'t>(view: &View<'t, '_>, r: &std::ops::Range<usize>) -> &'t str {
    view.text.get(r.clone()).unwrap_or("")
}

/// C12–C16: `idps` and `idpDisplay`.
fn idps(view: &View<'_, '_>, ctx: &Ctx<'_>, out: &mut Findings) {
    let yahoo = rule("config/idps-yahoo-japan");
    let label = rule("config/idps-text");
    let class = rule("config/idps-class-name");
    let routing = rule("config/idps-routing");
    let display = rule("config/idp-display");
    for e in &view.located.entries {
        let Some(key) = path_key(&e.path) else {
            continue;
        };
        let literal = e.value.and_then(unwrap_literal);
        match key.as_str() {
            "idps" if ctx.enabled(routing) => out.diagnostics.push(Diagnostic::manual(
                routing,
                "C12",
                "`idps`: on Identity Engine the buttons come from IdP routing rules; IdPs listed here that the server does not return are still appended (linking to /sso/idps/{id}), so deleting the list can drop buttons — check each IdP has a routing rule, then delete the ones it covers".into(),
                e.key_range.clone(),
            )),
            "idps[].type" if ctx.enabled(yahoo) && ctx.in_window(Version::new(5, 13, 0)) => {
                let (Some(v), Some(r)) = (literal, e.value_range.clone()) else { continue };
                if v.eq_ignore_ascii_case("YAHOO_JAPAN") && r.len() >= 2 {
                    out.fixes.push(fix(
                        yahoo,
                        "C15",
                        Safety::Safe,
                        format!("IdP type `{v}` is `YAHOOJP` since widget 5.13.0"),
                        vec![Edit::replace(r.start + 1..r.end - 1, "YAHOOJP")],
                    ));
                }
            }
            "idps[].text" if ctx.enabled(label) => {
                let Some(r) = e.value_range.clone() else { continue };
                match view.sibling(e, "type").and_then(|t| t.value.and_then(unwrap_literal)) {
                    Some(t) => out.diagnostics.push(Diagnostic::manual(
                        label,
                        "C13",
                        format!(
                            "`idps[].text` is ignored for the typed IdP `{t}` on Identity Engine: the label comes from `socialauth.{}.label`; move the text to an i18n override of that key",
                            t.to_ascii_lowercase()
                        ),
                        e.key_range.clone(),
                    )),
                    None => {
                        let raw = text_of(view, &r);
                        const PREFIX: &str = "Sign in with ";
                        if raw.len() > PREFIX.len() + 1 && raw[1..].starts_with(PREFIX) && matches!(raw.as_bytes()[0], b'\'' | b'"' | b'`') {
                            out.fixes.push(fix(
                                label,
                                "C13",
                                Safety::Unsafe,
                                "on Identity Engine `idps[].text` of an untyped IdP fills the {0} of \"Sign in with {0}\"; the leading \"Sign in with \" is dropped so the button does not say it twice".into(),
                                vec![Edit::replace(r.start + 1..r.start + 1 + PREFIX.len(), "")],
                            ));
                        }
                    }
                }
            }
            "idps[].className" if ctx.enabled(class) => out.diagnostics.push(Diagnostic::manual(
                class,
                "C14",
                "`idps[].className` is dropped by the third generation: style the button with `[data-se~=\"social-auth-<type>-button\"]` (or `[data-se=\"custom-button\"]`)".into(),
                e.key_range.clone(),
            )),
            "idpDisplay" if ctx.enabled(display) => {
                let Some(v) = literal else { continue };
                if v != "PRIMARY" && v != "SECONDARY" {
                    // A manual item, so a warning: exit 2 is for files the tool could not
                    // read, parse or write (CONTRACT.md).
                    out.diagnostics.push(Diagnostic::manual(
                        display,
                        "C16",
                        format!("`idpDisplay: '{v}'` is not a valid value: use 'PRIMARY' or 'SECONDARY' (the default)"),
                        e.value_range.clone().unwrap_or(e.key_range.clone()),
                    ));
                }
            }
            _ => {}
        }
    }
}

/// C2, C4, C34, C39, C41, C43, C55.
fn structural(view: &View<'_, '_>, ctx: &Ctx<'_>, out: &mut Findings) {
    let to = ctx.target.to;
    let text = view.text;
    let quote = view.quote();
    // Whether the file loads the `oie` bundle: a scan of the whole text, done once (per
    // `clientId` it made a 5 MB file with hundreds of configurations quadratic).
    let loads_oie_bundle = std::cell::OnceCell::new();
    for e in &view.located.entries {
        let Some(key) = path_key(&e.path) else {
            continue;
        };
        match key.as_str() {
            // C2: embedded OIDC configs targeting OIE before 7.0 must opt in.
            "clientId" if e.assigned_to.is_none() => {
                let meta = rule("config/interaction-code-flow");
                let wants = ctx.enabled(meta)
                    && ctx.target.engine == Engine::Oie
                    && to >= Version::new(5, 2, 0)
                    && to < Version::new(7, 0, 0);
                if wants && view.sibling(e, "useInteractionCodeFlow").is_none() {
                    let prop = if view.located.quote_keys {
                        "\"useInteractionCodeFlow\": true"
                    } else {
                        "useInteractionCodeFlow: true"
                    };
                    out.fixes.push(fix(
                        meta,
                        "C2",
                        Safety::Safe,
                        format!("widget {to} needs `useInteractionCodeFlow: true` to run this OIDC configuration on Identity Engine"),
                        vec![insert_after(text, e.prop_range.clone(), prop)],
                    ));
                }
                // C4: the `oie` bundle throws unless `useClassicEngine === false`.
                let oie = rule("config/oie-bundle");
                let oie_bundle = *loads_oie_bundle.get_or_init(|| {
                    text.contains("okta-signin-widget/oie") || text.contains("okta-sign-in.oie.")
                });
                if ctx.enabled(oie)
                    && oie_bundle
                    && to >= Version::new(7, 0, 0)
                    && view.sibling(e, "useClassicEngine").is_none()
                {
                    let prop = if view.located.quote_keys {
                        "\"useClassicEngine\": false".to_string()
                    } else {
                        "useClassicEngine: false".to_string()
                    };
                    out.fixes.push(fix(
                        oie,
                        "C4",
                        Safety::Safe,
                        "this file loads the `oie` bundle, whose constructor throws unless `useClassicEngine: false` is set explicitly".into(),
                        vec![insert_after(text, e.prop_range.clone(), &prop)],
                    ));
                }
            }
            // C34 on a hosted page (`config.colors = { brand }`, `config.colors.brand = …`):
            // Gen2 still renders this page when the org rolls back, so `colors` stays and
            // `brandColors` is added (S11: the page front end puts it in a
            // `{{#useSiwGen3}}` section of an Okta template).
            "colors" | "colors.brand" if ctx.target.gen3 && e.assigned_to.is_some() => {
                let meta = rule("config/brand-colors");
                if ctx.enabled(meta) {
                    hosted_brand_colors(view, e, &key, meta, out);
                }
            }
            // C34: Gen3 never reads `colors`.
            "colors" if ctx.target.gen3 => {
                let meta = rule("config/brand-colors");
                if !ctx.enabled(meta) {
                    continue;
                }
                match (view.children(e).as_slice(), spell_key(e.key_kind, "brandColors", quote)) {
                    ([brand], Some(outer)) if brand.key() == Some("brand") => {
                        if let Some(k) = spell_key(brand.key_kind, "primaryColor", quote) {
                            out.fixes.push(fix(
                                meta,
                                "C34",
                                Safety::Safe,
                                "the third generation ignores `colors.brand`; `brandColors.primaryColor` generates its accessible palette (or set `theme.tokens.PalettePrimaryMain`)".into(),
                                vec![Edit::replace(e.key_range.clone(), outer), Edit::replace(brand.key_range.clone(), k)],
                            ));
                        }
                    }
                    _ => out.diagnostics.push(Diagnostic::manual(
                        meta,
                        "C34",
                        "the third generation ignores `colors`: move the brand colour to `brandColors.primaryColor` and other colours to `theme.tokens` (PalettePrimaryMain, …)".into(),
                        e.key_range.clone(),
                    )),
                }
            }
            // C39: `authParams.scope` (a string) became `scopes` (an array) in 5.0.
            "authParams.scope" => {
                let meta = rule("config/scope-to-scopes");
                if !ctx.enabled(meta) || !ctx.in_window(Version::new(5, 0, 0)) {
                    continue;
                }
                let literal = e.value.and_then(unwrap_literal);
                match (literal, view.sibling(e, "scopes"), spell_key(e.key_kind, "scopes", quote)) {
                    (Some(scope), None, Some(k)) => {
                        let q = text_of(view, e.value_range.as_ref().unwrap_or(&(0..0))).chars().next().filter(|c| *c == '\'' || *c == '"').unwrap_or(quote);
                        let items: Vec<String> = scope.split_whitespace().map(|s| format!("{q}{s}{q}")).collect();
                        let value = format!("[{}]", items.join(", "));
                        let (Some(vr), true) = (e.value_range.clone(), !items.is_empty()) else { continue };
                        out.fixes.push(fix(
                            meta,
                            "C39",
                            Safety::Safe,
                            "`authParams.scope` was removed in widget 5.0: `scopes` takes an array".into(),
                            vec![Edit::replace(e.key_range.clone(), k), Edit::replace(vr, value)],
                        ));
                    }
                    _ => out.diagnostics.push(Diagnostic::manual(
                        meta,
                        "C39",
                        "`authParams.scope` was removed in widget 5.0: move its scopes into the `scopes` array".into(),
                        e.key_range.clone(),
                    )),
                }
            }
            // C41: the authorization server id became a full issuer URI in 4.0.
            "authParams.authorizationServerId" | "authorizationServerId" => {
                let meta = rule("config/authorization-server-id");
                if !ctx.enabled(meta) || !ctx.in_window(Version::new(4, 0, 0)) {
                    continue;
                }
                let base = view
                    .root_option(e, "baseUrl")
                    .and_then(|b| b.value.and_then(unwrap_literal));
                let id = e.value.and_then(unwrap_literal);
                let has_issuer = view.sibling(e, "issuer").is_some();
                match (base, id, has_issuer, spell_key(e.key_kind, "issuer", quote)) {
                    (Some(base), Some(id), false, Some(k)) => {
                        let Some(vr) = e.value_range.clone() else { continue };
                        let q = text_of(view, &vr).chars().next().filter(|c| *c == '\'' || *c == '"').unwrap_or(quote);
                        out.fixes.push(fix(
                            meta,
                            "C41",
                            Safety::Safe,
                            "since widget 4.0 the authorization server is given as the full `issuer` URI".into(),
                            vec![
                                Edit::replace(e.key_range.clone(), k),
                                Edit::replace(vr, format!("{q}{}/oauth2/{id}{q}", base.trim_end_matches('/'))),
                            ],
                        ));
                    }
                    _ => out.diagnostics.push(Diagnostic::manual(
                        meta,
                        "C41",
                        "since widget 4.0 the authorization server is given as the full `issuer` URI (`https://{yourOktaDomain}/oauth2/{id}`): replace `authorizationServerId` by hand".into(),
                        e.key_range.clone(),
                    )),
                }
            }
            // C43: 4.0 enforces HTTPS.
            "baseUrl" | "redirectUri" | "issuer" => {
                let meta = rule("config/https-required");
                if !ctx.enabled(meta) || !ctx.in_window(Version::new(4, 0, 0)) {
                    continue;
                }
                if let Some(url) = e.value.and_then(unwrap_literal) {
                    let host = url
                        .strip_prefix("http://")
                        .map(|r| r.split(['/', ':']).next().unwrap_or(""));
                    if host.is_some_and(|h| h != "localhost" && h != "127.0.0.1") {
                        out.diagnostics.push(Diagnostic::manual(
                            meta,
                            "C43",
                            format!("`{key}: '{url}'`: widget 4.0 and later require HTTPS outside localhost (the opt-out needs `authParams.pkce: false`, which Identity Engine forbids)"),
                            e.value_range.clone().unwrap_or(e.key_range.clone()),
                        ));
                    }
                }
            }
            // C55: replacing `config.features` on a hosted page drops Okta's defaults.
            "features" if e.assigned_to.is_some() => {
                let meta = rule("config/hosted-features-object");
                if !ctx.enabled(meta) {
                    continue;
                }
                let root = e.assigned_to.as_deref().unwrap_or("config");
                // Only the object Okta's hosted page hands over carries runtime feature
                // defaults; an embedded `config.features = {…}` replaces nothing, and
                // splitting it would assign into an undefined `config.features` (a TypeError).
                if !view.located.hosted_roots.contains(root) {
                    continue;
                }
                // `Object.assign({}, config.features, {…})`, `{ ...config.features, … }`
                // keep Okta's flags.
                let value = e
                    .value_range
                    .as_ref()
                    .map(|r| text_of(view, r))
                    .unwrap_or("");
                if value.contains(&format!("{root}.features")) {
                    continue;
                }
                match hosted_features(view, e, meta) {
                    Some(f) => out.fixes.push(f),
                    None => out.diagnostics.push(Diagnostic::manual(
                        meta,
                        "C55",
                        format!("`{root}.features = …` replaces the feature flags Okta sets on the hosted page (breaking e.g. the password-reset email link), and this value is not a plain object the tool can split: set each flag on its own (`{root}.features.x = v;`)"),
                        e.key_range.clone(),
                    )),
                }
            }
            _ => {}
        }
    }
}

/// C34 on a hosted page: `config.brandColors = { primaryColor: V };` after the statement
/// that sets `colors.brand` to V, which stays for Gen2.
fn hosted_brand_colors(
    view: &View<'_, '_>,
    e: &Entry<'_>,
    key: &str,
    meta: &'static RuleMeta,
    out: &mut Findings,
) {
    let Some(root) = e.assigned_to.as_deref() else {
        return;
    };
    let set = view.located.entries.iter().any(|x| {
        x.assigned_to.as_deref() == Some(root)
            && x.path
                .first()
                .is_some_and(|p| p.as_deref() == Some("brandColors"))
    });
    if set {
        return; // already added (or written by hand)
    }
    let value = if key == "colors.brand" {
        e.value_range.clone()
    } else {
        match view.children(e).as_slice() {
            [brand] if brand.key() == Some("brand") => brand.value_range.clone(),
            _ => None,
        }
    };
    let Some(value) = value.map(|r| text_of(view, &r)).filter(|v| !v.is_empty()) else {
        out.diagnostics.push(Diagnostic::manual(
            meta,
            "C34",
            format!("the third generation ignores `colors`: add `{root}.brandColors = {{ primaryColor: … }};` (or `theme.tokens`) for Gen3, inside `{{{{#useSiwGen3}}}}` on an Okta template, and keep `colors` for Gen2"),
            e.key_range.clone(),
        ));
        return;
    };
    let end = statement_end(view.text, e);
    let indent = indent_at(view.text, e.prop_range.start);
    let eol = eol_at(view.text, e.prop_range.start);
    out.fixes.push(fix(
        meta,
        "C34",
        Safety::Safe,
        "the third generation ignores `colors.brand`; `brandColors.primaryColor` is added for it (generating its accessible palette), and `colors` stays for Gen2 and a rollback (S11)".into(),
        vec![Edit::insert(
            end,
            format!("{eol}{indent}{root}.brandColors = {{ primaryColor: {value} }};"),
        )],
    ));
}

/// `config.features = { a: true, b: false };` → `config.features.a = true;` per flag.
fn hosted_features(view: &View<'_, '_>, e: &Entry<'_>, meta: &'static RuleMeta) -> Option<Fix> {
    let root = e.assigned_to.as_deref()?;
    let Expr::Object(obj) = e.value.map(unwrap_expr)? else {
        return None;
    };
    let value_range = e.value_range.clone()?;
    let flags = view.children(e);
    let object_text = text_of(view, &value_range);
    if flags.len() != obj.props.len() || object_text.contains("//") || object_text.contains("/*") {
        return None; // spreads, methods or comments: the caller reports it
    }
    let indent = indent_at(view.text, e.prop_range.start);
    let eol = eol_at(view.text, e.prop_range.start);
    let mut lines = Vec::new();
    for f in &flags {
        let k = f.key()?;
        let value = text_of(view, f.value_range.as_ref()?);
        let target = if crate::locate::is_ident_name(k) {
            format!("{root}.features.{k}")
        } else {
            format!("{root}.features['{k}']")
        };
        lines.push(format!("{target} = {value};"));
    }
    let end = statement_end(view.text, e);
    let replacement = lines.join(&format!("{eol}{indent}"));
    Some(fix(
        meta,
        "C55",
        Safety::Safe,
        format!("`{root}.features = {{…}}` replaces the feature flags Okta sets on the hosted page (breaking e.g. the password-reset email link); set each flag on its own"),
        vec![Edit::replace(e.prop_range.start..end, replacement)],
    ))
}

/// The end of the `root.path = value` statement of `e`, its `;` included.
fn statement_end(text: &str, e: &Entry<'_>) -> usize {
    let rest = &text[e.prop_range.end..];
    let skipped = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if rest[skipped..].starts_with(';') {
        e.prop_range.end + skipped + 1
    } else {
        e.prop_range.end
    }
}

/// Options the target release does not know.
fn unknown_options(view: &View<'_, '_>, ctx: &Ctx<'_>, out: &mut Findings) {
    use crate::releases::{release_for, suggest, OPTIONS};
    let meta = rule("config/unknown-option");
    let Some(rel) = release_for(ctx.target.to).filter(|_| ctx.enabled(meta)) else {
        return;
    };
    let version = crate::releases::VERSIONS[rel];
    // Handled by their own rules.
    const ELSEWHERE: [&str; 3] = ["labels", "country", "authorizationServerId"];
    for e in view.located.entries.iter().filter(|e| e.path.len() == 1) {
        let Some(key) = e.key() else { continue };
        // Options only the third generation reads (C34, C58); the release types are Gen2's.
        // Gen3 runs only on Okta-hosted pages, whose `config.x = …` assignments may hold
        // Gen3-only options inside a `{{#useSiwGen3}}` section.
        let gen3_only =
            (ctx.target.gen3 || e.assigned_to.is_some()) && matches!(key, "brandColors" | "theme");
        if OPTIONS.ships(key, rel) || ELSEWHERE.contains(&key) || gen3_only {
            continue;
        }
        let hint = suggest(key, &OPTIONS, rel)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        out.diagnostics.push(Diagnostic::manual(
            meta,
            "REL",
            format!("`{key}` is not an option of widget {version}, so the widget ignores it{hint}"),
            e.key_range.clone(),
        ));
    }
}
