//! Event handlers on widget instances: `pageRendered` → `afterRender` (M11),
//! `context.controller` checks → `context.formName` (M12), Classic `afterError` fields
//! (M13), and DOM edits the third generation reverts (M14, also in `before`/`after` hooks).

use super::uses::{param_uses, Literal, Param, UseKind};
use super::{dom, ControllerRow, Cx};
use crate::edit::{Edit, Safety};
use crate::instances::{with_function, FnNode, Instance};
use crate::lang::print::{print_node, string};
use crate::locate::{unwrap_expr, unwrap_literal};
use crate::rules::rule;
use crate::version::Version;
use swc_ecma_ast::*;

/// The first release with `afterTransform`.
const AFTER_TRANSFORM: Version = Version::new(7, 23, 0);

/// Runs `f` on the handler: an inline function or one the file declares by that name.
pub fn with_handler<T>(cx: &Cx<'_>, handler: &Expr, f: impl FnOnce(FnNode<'_>) -> T) -> Option<T> {
    match FnNode::of(handler) {
        Some(node) => Some(f(node)),
        None => cx
            .inst
            .function_of(handler)
            .and_then(|r| with_function(cx.parsed, &r, f)),
    }
}

fn arg(n: &CallExpr, i: usize) -> Option<&Expr> {
    n.args
        .get(i)
        .filter(|a| a.spread.is_none())
        .map(|a| &*a.expr)
}

/// `W.on(event, handler)`, `W.once(…)`, `W.off(…)`.
pub fn event(cx: &mut Cx<'_>, n: &CallExpr, method: &str, _inst: &Instance) {
    let Some(name_expr) = arg(n, 0) else { return };
    let Some(name) = unwrap_literal(name_expr) else {
        return;
    };
    let handler = arg(n, 1);
    if let Some(row) = cx.table.events.iter().find(|e| e.from == name) {
        renamed_event(cx, name_expr, handler.filter(|_| method != "off"), row);
    }
    let Some(handler) = handler else { return };
    if method == "off" {
        return;
    }
    match name.as_str() {
        "afterRender" | "ready" => controller_checks(cx, handler),
        "afterError" => after_error(cx, handler),
        _ => {}
    }
    if matches!(name.as_str(), "afterRender" | "pageRendered") {
        dom_edits(cx, n, handler, &format!("{name} handler"));
    }
}

/// `W.before(form, fn)` / `W.after(form, fn)`: DOM edits in hooks (M14).
pub fn hook(cx: &mut Cx<'_>, n: &CallExpr, method: &str) {
    if let Some(handler) = arg(n, 1) {
        dom_edits(cx, n, handler, &format!("`{method}` hook"));
    }
}

/// M11: the event name, and the renamed fields the handler reads from its argument.
fn renamed_event(
    cx: &mut Cx<'_>,
    name_expr: &Expr,
    handler: Option<&Expr>,
    row: &super::EventRename,
) {
    let meta = rule("methods/page-rendered");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let lit = cx.range(unwrap_expr(name_expr));
    let quote = cx.src(&lit).chars().next().unwrap_or('\'');
    let new = if quote == '`' {
        format!("`{}`", row.to)
    } else {
        match print_node(&string(&row.to, quote)) {
            Some(s) => s,
            None => return,
        }
    };
    let mut edits = vec![Edit::replace(lit, new)];
    let mut fits = true;
    if let Some(handler) = handler {
        let found = with_handler(cx, handler, |f| param_uses(cx.parsed, cx.text, f, 0));
        match found {
            None => fits = false,
            Some((Param::Missing, _)) => {}
            Some((Param::Ident { .. }, uses)) => {
                for u in uses {
                    match u
                        .fields
                        .first()
                        .and_then(|(f, r)| row.fields.get(f).map(|to| (to, r)))
                    {
                        Some((to, r)) if !cx.src(r).starts_with(['\'', '"', '`']) => {
                            edits.push(Edit::replace(r.clone(), to.clone()))
                        }
                        _ => fits = false,
                    }
                }
            }
            Some((Param::Object(keys), _)) => {
                for k in keys {
                    match row.fields.get(&k.key) {
                        Some(to) if k.shorthand => {
                            edits.push(Edit::replace(k.key_range, format!("{to}: {}", k.key)))
                        }
                        Some(to) => edits.push(Edit::replace(k.key_range, to.clone())),
                        None => fits = false,
                    }
                }
            }
            Some((Param::Other, _)) => fits = false,
        }
    }
    let fields: Vec<String> = row
        .fields
        .iter()
        .map(|(a, b)| format!("`{b}` where `{}` gave `{a}`", row.from))
        .collect();
    let mut message = format!(
        "`{}` is fired by Classic Engine views only ({}): `{}` fires on both engines, and its context has {}",
        row.from,
        row.kb,
        row.to,
        fields.join(", ")
    );
    let safety = if fits {
        meta.safety
    } else {
        message.push_str(&format!(
            "; the handler uses its argument in other ways too: check them against the `{}` context `{{ controller, formName, authenticatorKey, methodType }}`",
            row.to
        ));
        Safety::Unsafe
    };
    cx.fix(meta, &row.kb, safety, message, edits);
}

/// What Identity Engine reports as `controller` for the forms that map to `name`.
fn rows_for<'t>(cx: &Cx<'t>, name: &str) -> Vec<&'t ControllerRow> {
    cx.table
        .controllers
        .iter()
        .filter(|r| r.controller == name)
        .collect()
}

/// The condition that tells the forms of `row` apart, as text.
fn condition(param: &str, row: &ControllerRow) -> String {
    let mut s = format!("{param}.formName === '{}'", row.form);
    let keys: Vec<String> = row
        .keys
        .iter()
        .filter(|k| **k != row.form)
        .map(|k| match k.as_str() {
            "sms" | "voice" => format!("{param}.methodType === '{k}'"),
            _ => format!("{param}.authenticatorKey === '{k}'"),
        })
        .collect();
    match keys.len() {
        0 => {}
        1 => s.push_str(&format!(" && {}", keys[0])),
        _ => s.push_str(&format!(" && ({})", keys.join(" || "))),
    }
    if row.recovery {
        s.push_str(" (in the password-recovery flow)");
    }
    s
}

/// M12: `ctx.controller === '<legacy>'` → `ctx.formName === '<form>'` where the map is 1:1.
fn controller_checks(cx: &mut Cx<'_>, handler: &Expr) {
    let meta = rule("methods/controller-check");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let Some((Param::Ident { name: param, .. }, uses)) =
        with_handler(cx, handler, |f| param_uses(cx.parsed, cx.text, f, 0))
    else {
        return;
    };
    for u in uses {
        if u.fields.len() != 1 || u.field(0) != Some("controller") {
            continue;
        }
        match &u.kind {
            UseKind::Compared { literal, bin } => {
                let prop = u.fields[0].1.clone();
                compare(cx, &param, literal, bin.clone(), Some(prop));
            }
            UseKind::Switched { cases } => {
                for c in cases {
                    compare(cx, &param, c, c.range.clone(), None);
                }
            }
            _ => {}
        }
    }
}

fn compare(
    cx: &mut Cx<'_>,
    param: &str,
    lit: &Literal,
    at: std::ops::Range<usize>,
    prop: Option<std::ops::Range<usize>>,
) {
    let meta = rule("methods/controller-check");
    let rows = rows_for(cx, &lit.value);
    let head = format!(
        "on Identity Engine `{param}.controller` is the Classic name `{}` only for forms that map to it, else null (M12)",
        lit.value
    );
    let one = match rows.as_slice() {
        [row] if row.keys.contains(&row.form) && !row.recovery => Some(*row),
        _ => None,
    };
    if let (Some(row), Some(prop)) = (one, prop) {
        let others: Vec<&ControllerRow> = cx
            .table
            .controllers
            .iter()
            .filter(|r| r.form == row.form && r.controller != row.controller)
            .collect();
        let mut message = format!(
            "{head}: compare `formName` with `'{}'`, the one form that reports it",
            row.form
        );
        for o in others {
            if o.recovery {
                message.push_str(&format!(
                    "; in the password-recovery flow `{}` reports `{}` instead, and the new check matches there too",
                    row.form, o.controller
                ));
            } else {
                message.push_str(&format!(
                    "; `{}` also reports `{}` when `{}`",
                    row.form,
                    o.controller,
                    condition(param, o)
                ));
            }
        }
        let quote = if lit.quote == '"' { '"' } else { '\'' };
        let new_lit = if lit.quote == '`' {
            format!("`{}`", row.form)
        } else {
            match print_node(&string(&row.form, quote)) {
                Some(s) => s,
                None => return,
            }
        };
        let edits = vec![
            Edit::replace(prop, "formName"),
            Edit::replace(lit.range.clone(), new_lit),
        ];
        cx.fix(meta, "M12", meta.safety, message, edits);
        return;
    }
    let message = if rows.is_empty() {
        format!("{head}: no Identity Engine form maps to it, so the comparison is never true there; find the form by `formName`")
    } else {
        let conds: Vec<String> = rows
            .iter()
            .map(|r| format!("`{}`", condition(param, r)))
            .collect();
        format!(
            "{head}; it is reported for {}: compare `formName` (and `authenticatorKey` / `methodType`) instead",
            conds.join(", ")
        )
    };
    cx.manual(meta, "M12", message, at);
}

/// M13: `error.message` → `error.errorSummary`, `error.statusCode` → `error.xhr.status`.
fn after_error(cx: &mut Cx<'_>, handler: &Expr) {
    let meta = rule("methods/after-error-fields");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let Some((param, uses)) = with_handler(cx, handler, |f| param_uses(cx.parsed, cx.text, f, 1))
    else {
        return;
    };
    let mut edits = Vec::new();
    let mut renamed: Vec<(String, String)> = Vec::new();
    let mut manual: Vec<(String, std::ops::Range<usize>)> = Vec::new();
    let mut note = |from: &str, to: &str| {
        if !renamed.iter().any(|(f, _)| f == from) {
            renamed.push((from.to_string(), to.to_string()));
        }
    };
    match &param {
        Param::Ident { name, .. } => {
            for u in &uses {
                let Some((field, r)) = u.fields.first() else {
                    continue;
                };
                match cx.table.error_fields.get(field) {
                    Some(Some(to)) if !cx.src(r).starts_with(['\'', '"', '`']) => {
                        edits.push(Edit::replace(r.clone(), to.clone()));
                        note(&format!("{name}.{field}"), &format!("{name}.{to}"));
                    }
                    Some(_) => manual.push((format!("{name}.{field}"), u.range.clone())),
                    None => {}
                }
            }
        }
        Param::Object(keys) => {
            for k in keys {
                match (cx.table.error_fields.get(&k.key), k.shorthand) {
                    (Some(Some(to)), true) => {
                        let new = match to.split_once('.') {
                            Some((a, b)) => format!("{a}: {{ {b}: {} }}", k.key),
                            None => format!("{to}: {}", k.key),
                        };
                        edits.push(Edit::replace(k.key_range.clone(), new));
                        note(&k.key, to);
                    }
                    (Some(Some(to)), false) if !to.contains('.') => {
                        edits.push(Edit::replace(k.key_range.clone(), to.clone()));
                        note(&k.key, to);
                    }
                    (Some(_), _) => manual.push((k.key.clone(), k.key_range.clone())),
                    (None, _) => {}
                }
            }
        }
        Param::Missing | Param::Other => {}
    }
    if !edits.is_empty() {
        let list: Vec<String> = renamed
            .iter()
            .map(|(a, b)| format!("`{a}` → `{b}`"))
            .collect();
        let message = format!(
            "Identity Engine passes `{{ xhr, errorSummary }}` to afterError handlers, not the Classic `{{ name, message, statusCode }}` (M13): {}; `errorSummary` is the server's summary text (empty for errors without a response)",
            list.join(", ")
        );
        cx.fix(meta, "M13", meta.safety, message, edits);
    }
    for (what, range) in manual {
        cx.manual(
            meta,
            "M13",
            format!("`{what}` is not set by Identity Engine afterError events, which pass `{{ xhr, errorSummary }}` (M13): decide from `xhr.status` or `xhr.responseJSON` instead"),
            range,
        );
    }
}

/// M14: under Gen3, DOM edits in afterRender handlers and hooks are reverted.
fn dom_edits(cx: &mut Cx<'_>, n: &CallExpr, handler: &Expr, what: &str) {
    let meta = rule("methods/after-render-dom");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let Some(Some(at)) = with_handler(cx, handler, |f| dom::first_dom_access(cx, f)) else {
        return;
    };
    let snippet: String = cx
        .src(&at)
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(60)
        .collect();
    let mut message = format!(
        "this {what} changes the DOM (`{snippet}`); the third-generation widget re-renders with Preact and reverts such changes (M14): make them with `afterTransform('<formName>', ({{ formBag }}) => …)` on `formBag.uischema.elements`, or re-apply them from a MutationObserver"
    );
    if cx.ctx.target.to < AFTER_TRANSFORM {
        message.push_str(" (afterTransform needs widget 7.23.0 or later)");
    }
    let range = cx.range(n);
    cx.manual(meta, "M14", message, range);
}
