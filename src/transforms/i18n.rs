//! I18N rules: renamed keys (I1–I28), keys split in several (I18–I20, I28, I29), keys
//! removed with no successor (appendix A), keys Identity Engine reads under another name
//! (I30–I32), keys only Classic views render (I33, I34, appendix B), and the 1.x
//! `labels`/`country` options (C38).

use super::{spell_key, Findings};
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix, Safety};
use crate::locate::{Entry, KeyKind, Located};
use crate::rules::{rule, version_req, Ctx};
use crate::version::Version;
use serde::Deserialize;
use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

pub const TABLE_JSON: &str = include_str!("../../transforms/i18n.json");

#[derive(Debug, Deserialize)]
pub struct Rename {
    pub kb: String,
    #[serde(deserialize_with = "version_req")]
    pub since: Version,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub safety: Option<Safety>,
}

#[derive(Debug, Deserialize)]
pub struct Split {
    pub kb: String,
    #[serde(deserialize_with = "version_req")]
    pub since: Version,
    pub from: String,
    pub candidates: Vec<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Removed {
    #[serde(deserialize_with = "version_req")]
    pub since: Version,
    pub key: String,
}

#[derive(Debug, Deserialize)]
pub struct OieKey {
    pub kb: String,
    pub from: String,
    pub to: String,
    #[serde(default)]
    pub alternatives: Vec<String>,
    /// What else the new key changes or which screen it is on (from the rendered widget).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ClassicOnly {
    pub kb: String,
    pub key: String,
    /// Where the rendered widget contradicts or refines the knowledge base row.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct Table {
    pub renames: Vec<Rename>,
    pub splits: Vec<Split>,
    pub removed: Vec<Removed>,
    pub oie_keys: Vec<OieKey>,
    pub classic_only: Vec<ClassicOnly>,
}

/// The table with look-ups by old key.
pub struct Index {
    pub table: Table,
    renames: HashMap<String, usize>,
    splits: HashMap<String, usize>,
    removed: HashMap<String, usize>,
    oie: HashMap<String, usize>,
    classic: HashMap<String, usize>,
}

fn by_key<T>(rows: &[T], key: impl Fn(&T) -> &str) -> HashMap<String, usize> {
    rows.iter()
        .enumerate()
        .map(|(i, r)| (key(r).to_string(), i))
        .collect()
}

pub static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let table: Table = serde_json::from_str(TABLE_JSON)
        .unwrap_or_else(|e| panic!("transforms/i18n.json is invalid: {e}"));
    Index {
        renames: by_key(&table.renames, |r| &r.from),
        splits: by_key(&table.splits, |r| &r.from),
        removed: by_key(&table.removed, |r| &r.key),
        oie: by_key(&table.oie_keys, |r| &r.from),
        classic: by_key(&table.classic_only, |r| &r.key),
        table,
    }
});

impl Index {
    /// The renames that apply to `key` for this target: the first must fall in the
    /// version window, later steps of the chain need only be reached by the target.
    pub fn rename_chain(&self, key: &str, ctx: &Ctx<'_>) -> Vec<&Rename> {
        let mut steps: Vec<&Rename> = Vec::new();
        let mut cur = key;
        while let Some(&i) = self.renames.get(cur) {
            let r = &self.table.renames[i];
            let applies = if steps.is_empty() {
                ctx.in_window(r.since)
            } else {
                r.since <= ctx.target.to
            };
            if !applies || steps.iter().any(|s| s.from == r.to) {
                break;
            }
            steps.push(r);
            cur = &r.to;
        }
        steps
    }

    /// Where `key` ends up at the target (itself when not renamed).
    fn follow<'a>(&'a self, key: &'a str, ctx: &Ctx<'_>) -> &'a str {
        let mut cur = key;
        for _ in 0..16 {
            match self.renames.get(cur).map(|&i| &self.table.renames[i]) {
                Some(r) if r.since <= ctx.target.to => cur = &r.to,
                _ => break,
            }
        }
        cur
    }
}

fn code(s: &str) -> String {
    format!("`{s}`")
}

/// The quote a new string key should use in this object: the quote of the first
/// string key beside it, else the first quote in the file, else `'`.
fn preferred_quote(siblings: &[&Entry<'_>], text: &str) -> char {
    siblings
        .iter()
        .find_map(|e| match e.key_kind {
            KeyKind::Str(q) => Some(q),
            _ => None,
        })
        .or_else(|| text.chars().find(|&c| c == '\'' || c == '"'))
        .unwrap_or('\'')
}

pub fn run(located: &Located<'_>, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    let idx = &*INDEX;
    let mut by_container: HashMap<usize, Vec<&Entry<'_>>> = HashMap::new();
    for e in &located.entries {
        by_container.entry(e.container).or_default().push(e);
    }
    let rename = rule("i18n/rename-key");
    let split = rule("i18n/split-key");
    let removed = rule("i18n/removed-key");
    let oie = rule("i18n/oie-key");
    let classic = rule("i18n/classic-only-key");
    let unknown = rule("i18n/unknown-key");
    let release = crate::releases::release_for(ctx.target.to).filter(|_| ctx.enabled(unknown));
    // Keys the configuration itself defines (custom buttons' i18nKey) are not the widget's.
    let custom_keys: HashSet<String> = located
        .entries
        .iter()
        .filter(|e| {
            e.key() == Some("i18nKey")
                && e.path
                    .first()
                    .is_some_and(|p| p.as_deref() == Some("customButtons"))
        })
        .filter_map(|e| e.value.and_then(crate::locate::unwrap_literal))
        .collect();
    let to = ctx.target.to;
    let i18n_entries = || {
        located
            .entries
            .iter()
            .filter(|e| e.path.len() == 3 && e.path[0].as_deref() == Some("i18n"))
    };
    // Where each key would be renamed to: two keys of one object that meet on the same
    // new key are both reported instead (which text wins is a human's call).
    let mut meeting: HashMap<(usize, &str), usize> = HashMap::new();
    for e in i18n_entries() {
        let Some(key) = e.key() else { continue };
        let target = match idx.rename_chain(key, ctx).last() {
            Some(r) if ctx.enabled(rename) => Some(r.to.as_str()),
            _ => idx
                .oie
                .get(key)
                .filter(|_| ctx.enabled(oie))
                .map(|&i| idx.table.oie_keys[i].to.as_str()),
        };
        if let Some(t) = target {
            *meeting.entry((e.container, t)).or_default() += 1;
        }
    }

    for e in i18n_entries() {
        let Some(key) = e.key() else { continue };
        let siblings = &by_container[&e.container];
        let exists = |k: &str| siblings.iter().any(|s| s.key() == Some(k));
        let lang = match e.path[1].as_deref() {
            Some(l) => format!("i18n.{l}"),
            None => "i18n[…]".to_string(),
        };
        let others_meet = |t: &str| meeting.get(&(e.container, t)).copied().unwrap_or(0) > 1;

        // Renames (safe, or unsafe where the table says so), then OIE keys (unsafe).
        let chain = if ctx.enabled(rename) {
            idx.rename_chain(key, ctx)
        } else {
            Vec::new()
        };
        let oie_row = idx
            .oie
            .get(key)
            .map(|&i| &idx.table.oie_keys[i])
            .filter(|_| chain.is_empty() && ctx.enabled(oie));
        if let (Some(first), Some(last)) = (chain.first(), chain.last()) {
            let target = last.to.as_str();
            let steps = chain
                .iter()
                .map(|r| format!("{} in {}", code(&r.to), r.since))
                .collect::<Vec<_>>()
                .join(", then ");
            let notes: Vec<&str> = chain.iter().filter_map(|r| r.note.as_deref()).collect();
            let mut message = format!(
                "{} ({lang}) was renamed {steps} ({}); the override is ignored by {to} until it uses the new key",
                code(key),
                first.kb
            );
            for n in &notes {
                message.push_str("; ");
                message.push_str(n);
            }
            let safety = chain
                .iter()
                .filter_map(|r| r.safety)
                .min()
                .unwrap_or(rename.safety);
            rename_or_report(
                RenameCtx {
                    rule: rename,
                    kb: &first.kb,
                    safety,
                    message,
                },
                e,
                target,
                Conflict::of(exists(target), others_meet(target)),
                preferred_quote(siblings, text),
                out,
            );
            continue;
        }
        if let Some(row) = oie_row {
            let mut message = format!(
                "Identity Engine renders {} where Classic rendered {} ({lang}, {})",
                code(&row.to),
                code(key),
                row.kb
            );
            if let Some(n) = &row.note {
                message.push_str("; ");
                message.push_str(n);
            }
            rename_or_report(
                RenameCtx {
                    rule: oie,
                    kb: &row.kb,
                    safety: oie.safety,
                    message,
                },
                e,
                &row.to,
                Conflict::of(exists(&row.to), others_meet(&row.to)),
                preferred_quote(siblings, text),
                out,
            );
            continue;
        }
        if let Some(&i) = idx.splits.get(key) {
            let row = &idx.table.splits[i];
            if ctx.enabled(split) && ctx.in_window(row.since) {
                let cands: Vec<String> = row
                    .candidates
                    .iter()
                    .map(|c| code(idx.follow(c, ctx)))
                    .collect();
                let mut message = format!(
                    "{} ({lang}) was replaced in {} by {} ({}); the override is ignored by {to}",
                    code(key),
                    row.since,
                    cands.join(", "),
                    row.kb
                );
                if let Some(n) = &row.note {
                    message.push_str(&format!(" ({n})"));
                }
                out.diagnostics.push(Diagnostic::manual(
                    split,
                    &row.kb,
                    message,
                    e.key_range.clone(),
                ));
                continue;
            }
        }
        if let Some(&i) = idx.removed.get(key) {
            let row = &idx.table.removed[i];
            if ctx.enabled(removed) && ctx.in_window(row.since) {
                let message = format!(
                    "{} ({lang}) was removed in {} with no successor; the override does nothing under {to}",
                    code(key),
                    row.since
                );
                out.diagnostics.push(Diagnostic::manual(
                    removed,
                    "I18N-A",
                    message,
                    e.key_range.clone(),
                ));
                continue;
            }
        }
        if let Some(&i) = idx.classic.get(key) {
            let row = &idx.table.classic_only[i];
            if ctx.enabled(classic) {
                let message = match &row.note {
                    Some(n) => format!(
                        "{} ({lang}) is rendered only by Classic Engine views ({}): {n}",
                        code(key),
                        row.kb
                    ),
                    None => format!(
                        "{} ({lang}) is rendered only by Classic Engine views ({}); Identity Engine shows its own string there",
                        code(key),
                        row.kb
                    ),
                };
                out.diagnostics.push(Diagnostic::manual(
                    classic,
                    &row.kb,
                    message,
                    e.key_range.clone(),
                ));
            }
        }
        if let Some(rel) = release {
            if !custom_keys.contains(key) {
                if let Some(d) = unknown_key(unknown, e, key, &lang, rel) {
                    out.diagnostics.push(d);
                }
            }
        }
    }
    labels_option(located, &by_container, text, ctx, out);
}

/// `i18n/unknown-key`: the key is not in the target release's bundle (country codes and
/// server error codes are checked against their own lists).
fn unknown_key(
    meta: &'static crate::rules::RuleMeta,
    e: &Entry<'_>,
    key: &str,
    lang: &str,
    rel: usize,
) -> Option<Diagnostic> {
    use crate::releases::{suggest, COUNTRY_CODES, LOGIN_KEYS, VERSIONS};
    let version = VERSIONS[rel];
    let country = key
        .strip_prefix("country.")
        .filter(|_| !LOGIN_KEYS.ships(key, rel));
    let known = match country {
        Some(cc) => COUNTRY_CODES.ships(cc, rel),
        None => LOGIN_KEYS.ships(key, rel),
    };
    if known {
        return None;
    }
    // Only an unknown key pays for a suggestion (a scan of the whole key list).
    let suggestion = match country {
        Some(cc) => suggest(cc, &COUNTRY_CODES, rel).map(|c| format!("country.{c}")),
        None => suggest(key, &LOGIN_KEYS, rel).map(str::to_string),
    };
    let mut d = Diagnostic::manual(
        meta,
        "C48",
        format!(
            "{} ({lang}) is not a key of widget {version}, so this override does nothing",
            code(key)
        ),
        e.key_range.clone(),
    );
    let idx = &*INDEX;
    let history = if let Some(&i) = idx.renames.get(key) {
        let r = &idx.table.renames[i];
        let mut target = r.to.as_str();
        for _ in 0..16 {
            match idx.renames.get(target) {
                Some(&j) if idx.table.renames[j].since <= version => {
                    target = &idx.table.renames[j].to
                }
                _ => break,
            }
        }
        Some(format!(
            "; it was renamed {} in {} ({}), before the version this code is for",
            code(target),
            r.since,
            r.kb
        ))
    } else if let Some(&i) = idx.splits.get(key) {
        let r = &idx.table.splits[i];
        let cands: Vec<String> = r.candidates.iter().map(|c| code(c)).collect();
        Some(format!(
            "; it was replaced by {} in {} ({})",
            cands.join(", "),
            r.since,
            r.kb
        ))
    } else {
        idx.removed.get(key).map(|&i| {
            format!(
                "; it was removed in {} with no successor",
                idx.table.removed[i].since
            )
        })
    };
    match (history, suggestion) {
        (Some(h), _) => d.message.push_str(&h),
        (None, Some(s)) => d.message.push_str(&format!("; did you mean {}?", code(&s))),
        (None, None) => {}
    }
    if key.starts_with("errors.E") {
        d.severity = crate::diagnostic::Severity::Info;
        d.message.push_str(" (unless the server sends this error code: server messages can carry keys the bundle lacks)");
    }
    Some(d)
}

struct RenameCtx<'r> {
    rule: &'static crate::rules::RuleMeta,
    kb: &'r str,
    safety: Safety,
    message: String,
}

/// Why a rename cannot be made by text.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Conflict {
    None,
    /// The new key is already overridden in the same object.
    Exists,
    /// Another key of the same object would be renamed to the same new key.
    Meets,
}

impl Conflict {
    fn of(exists: bool, meets: bool) -> Conflict {
        match (exists, meets) {
            (true, _) => Conflict::Exists,
            (false, true) => Conflict::Meets,
            _ => Conflict::None,
        }
    }
}

fn rename_or_report(
    r: RenameCtx<'_>,
    e: &Entry<'_>,
    target: &str,
    conflict: Conflict,
    quote: char,
    out: &mut Findings,
) {
    let key = e.key().unwrap_or_default();
    if conflict != Conflict::None {
        let why = match conflict {
            Conflict::Exists => "is already overridden in the same object",
            _ => "is also where another override of the same object goes",
        };
        let message = format!(
            "{}; {} {why}, so the rename was not made — keep one of the texts and delete the other",
            r.message,
            code(target)
        );
        let mut d = Diagnostic::manual(r.rule, r.kb, message, e.key_range.clone());
        d.help = Some(format!(
            "Merge the two overrides by hand: {} is ignored by the target release.",
            code(key)
        ));
        out.diagnostics.push(d);
        return;
    }
    match spell_key(e.key_kind, target, quote) {
        Some(new_key) => {
            out.fixes.push(Fix {
                rule: r.rule.id.as_str(),
                kb: r.kb.to_string(),
                safety: r.safety,
                message: r.message,
                edits: vec![Edit::replace(e.key_range.clone(), new_key)],
                follow_up: None,
            });
        }
        None => {
            let message = format!(
                "{}; the key is computed or shorthand, rename it to {} by hand",
                r.message,
                code(target)
            );
            out.diagnostics.push(Diagnostic::manual(
                r.rule,
                r.kb,
                message,
                e.key_range.clone(),
            ));
        }
    }
}

/// C38: `labels: {…}` → `i18n: { en: {…} }` (unsafe: the old shim applied the labels to
/// every language), `country: {AF: …}` → `'country.AF'` keys under `i18n.en`.
fn labels_option(
    located: &Located<'_>,
    by_container: &HashMap<usize, Vec<&Entry<'_>>>,
    text: &str,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) {
    let meta = rule("i18n/labels-option");
    if !ctx.enabled(meta) {
        return;
    }
    let mut done: HashSet<usize> = HashSet::new();
    for e in &located.entries {
        let top = e.path.len() == 1 && matches!(e.key(), Some("labels" | "country"));
        if !top || !done.insert(e.container) {
            continue;
        }
        let siblings = &by_container[&e.container];
        let find = |k: &str| {
            siblings
                .iter()
                .find(|s| s.path.len() == 1 && s.key() == Some(k))
                .copied()
        };
        let (labels, country, i18n) = (find("labels"), find("country"), find("i18n"));
        let language =
            find("language").and_then(|l| match l.value.map(crate::locate::unwrap_literal) {
                Some(Some(s)) => Some(s),
                _ => None,
            });
        let first = labels.or(country).unwrap_or(e);
        let manual = |why: String| Diagnostic::manual(meta, "C38", why, first.key_range.clone());
        if i18n.is_some() {
            out.diagnostics.push(manual(
                "`labels`/`country` are set beside `i18n`: the widget's shim replaces `i18n` with them, so merge them into `i18n` by hand".into(),
            ));
            continue;
        }
        let quote = preferred_quote(siblings, text);
        let langs: Vec<String> = std::iter::once("en".to_string())
            .chain(language.filter(|l| l != "en"))
            .map(|l| {
                let kind = if located.quote_keys {
                    KeyKind::Str(quote)
                } else {
                    KeyKind::Ident
                };
                spell_key(kind, &l, quote).unwrap_or(l)
            })
            .collect();
        let wrap = |range: &std::ops::Range<usize>| -> Vec<Edit> {
            let value = &text[range.clone()];
            // `{ en: VALUE }`, or `{ fr: VALUE, en: VALUE }` when `language` names another one.
            let mut open = String::from("{ ");
            for l in &langs[1..] {
                open.push_str(&format!("{l}: {value}, "));
            }
            open.push_str(&format!("{}: ", langs[0]));
            vec![
                Edit::insert(range.start, open),
                Edit::insert(range.end, " }"),
            ]
        };
        let key_edit = |entry: &Entry<'_>| {
            spell_key(entry.key_kind, "i18n", quote)
                .map(|k| Edit::replace(entry.key_range.clone(), k))
        };
        let lang_list = langs.join(", ");
        match (labels, country) {
            (Some(l), None) => {
                let (Some(k), Some(v)) = (key_edit(l), l.value_range.as_ref()) else {
                    out.diagnostics.push(manual("`labels` is deprecated; move its entries to `i18n.<language>` by hand".into()));
                    continue;
                };
                let mut edits = vec![k];
                edits.extend(wrap(v));
                out.fixes.push(Fix {
                    rule: meta.id.as_str(),
                    kb: "C38".into(),
                    safety: meta.safety,
                    message: format!(
                        "`labels` (widget 1.x) becomes `i18n` for {lang_list}; the old option applied these strings to every language — add the others you serve"
                    ),
                    edits,
                    follow_up: None,
                });
            }
            (None, Some(c)) => {
                let inner: Vec<&Entry<'_>> = located
                    .entries
                    .iter()
                    .filter(|x| x.path.len() == 2 && x.path[0].as_deref() == Some("country"))
                    .filter(|x| c.value_range.as_ref().is_some_and(|v| v.start <= x.key_range.start && x.key_range.end <= v.end))
                    .collect();
                let renamed: Option<Vec<Edit>> = inner
                    .iter()
                    .map(|x| {
                        let code = x.key()?;
                        let kind = if x.key_kind == KeyKind::Ident { KeyKind::Str(quote) } else { x.key_kind };
                        spell_key(kind, &format!("country.{code}"), quote).map(|k| Edit::replace(x.key_range.clone(), k))
                    })
                    .collect();
                let is_object = matches!(c.value.map(crate::locate::unwrap_expr), Some(swc_ecma_ast::Expr::Object(_)));
                match (key_edit(c), c.value_range.as_ref(), renamed, is_object) {
                    (Some(k), Some(v), Some(renamed), true) => {
                        let mut edits = vec![k];
                        edits.extend(renamed);
                        edits.extend(wrap(v));
                        out.fixes.push(Fix {
                            rule: meta.id.as_str(),
                            kb: "C38".into(),
                            safety: meta.safety,
                            message: format!(
                                "`country` (widget 1.x) becomes `country.<code>` keys of `i18n` for {lang_list}; the old option applied them to every language — add the others you serve"
                            ),
                            edits,
                            follow_up: None,
                        });
                    }
                    _ => out.diagnostics.push(manual(
                        "`country` is deprecated; move its entries to `i18n.<language>['country.<code>']` by hand".into(),
                    )),
                }
            }
            _ => out.diagnostics.push(manual(
                "`labels` and `country` are both set: merge them into one `i18n.<language>` object (country codes become `country.<code>` keys) by hand".into(),
            )),
        }
    }
}
