//! What the callbacks of a render do that the target no longer supports: a Classic
//! session result in the success callback (M2 on Identity Engine, M3 `setCookieAndRedirect(url)`
//! on Classic since 5.0) and OAUTH_ERROR / REGISTRATION_FAILED handling in the error
//! callback (M10, `afterError` since 3.0), for `renderEl(…, success, error)` and for
//! `showSignIn(…).then(success).catch(error)` alike.

use super::events::with_handler;
use super::uses::{param_uses, Param, Use, UseKind};
use super::Cx;
use crate::edit::{Edit, Safety};
use crate::locate::{unwrap_expr, unwrap_literal, ConfigView};
use crate::rules::rule;
use std::ops::Range;
use swc_ecma_ast::*;

/// A callback's first parameter and its uses, when the callback is visible.
pub(super) struct Facts {
    pub param: Param,
    pub uses: Vec<Use>,
}

pub(super) fn facts(cx: &Cx<'_>, e: &Expr, index: usize) -> Option<Facts> {
    with_handler(cx, e, |f| param_uses(cx.parsed, cx.text, f, index))
        .map(|(param, uses)| Facts { param, uses })
}

pub(super) fn param_name(f: &Facts) -> &str {
    match &f.param {
        Param::Ident { name, .. } => name,
        _ => "res",
    }
}

/// `null`, `undefined`: no callback.
pub(super) fn is_nothing(e: &Expr) -> bool {
    matches!(unwrap_expr(e), Expr::Lit(Lit::Null(_)))
        || matches!(unwrap_expr(e), Expr::Ident(i) if &*i.sym == "undefined")
}

/// `OktaUtil.completeLogin`: the Okta-hosted page template, which keeps `renderEl`.
pub(super) fn is_complete_login(e: &Expr) -> bool {
    matches!(unwrap_expr(e), Expr::Member(m)
        if m.prop.is_ident_with("completeLogin")
            && matches!(unwrap_expr(&m.obj), Expr::Ident(i) if &*i.sym == "OktaUtil"))
}

pub(super) fn arg(n: &CallExpr, i: usize) -> Option<&Expr> {
    n.args
        .get(i)
        .filter(|a| a.spread.is_none())
        .map(|a| &*a.expr)
        .filter(|e| !is_nothing(e))
}

/// What a success callback does with a Classic session result (M2, M3).
pub(super) fn check_success(
    cx: &mut Cx<'_>,
    facts: &Facts,
    view: Option<&ConfigView<'_>>,
    recv: &str,
) {
    let m2 = rule("methods/set-cookie-and-redirect");
    let m3 = rule("methods/set-cookie-and-redirect-url");
    let p = param_name(facts).to_string();
    for u in &facts.uses {
        let UseKind::Called { call, args } = &u.kind else {
            continue;
        };
        if u.fields.len() != 2
            || u.field(0) != Some("session")
            || u.field(1) != Some("setCookieAndRedirect")
        {
            continue;
        }
        let target = args.first().map(|a| cx.src(a).to_string());
        if cx.ctx.enabled(m2) {
            let finish = match &target {
                Some(t) if !t.contains('\n') && t.chars().count() <= 60 => {
                    format!("{recv}.authClient.handleLoginRedirect(res.tokens, {t})")
                }
                Some(_) => format!(
                    "{recv}.authClient.handleLoginRedirect(res.tokens, <the URL passed here>)"
                ),
                None => format!("{recv}.authClient.handleLoginRedirect(res.tokens)"),
            };
            let message = format!(
                "`{p}.session.setCookieAndRedirect()` ends a Classic Engine session flow; Identity Engine returns no session results, so this callback never gets `{p}.session` (M2). With an OIDC app integration (`clientId`, `redirectUri`), render with `{recv}.showSignIn({{ el }})` and finish in `.then(res => {finish})`"
            );
            cx.manual(m2, "M2", message, call.clone());
        } else if cx.ctx.enabled(m3) {
            let Some(t) = target else { continue };
            let configured = view.and_then(|v| v.get(&["redirectUri"]));
            match (
                configured.and_then(|e| e.value_range.clone()),
                args.first(),
                args.last(),
            ) {
                (Some(value), Some(first), Some(last)) => {
                    let same = args.len() == 1
                        && (cx.src(&value) == t
                            || configured
                                .and_then(|e| e.value)
                                .and_then(unwrap_literal)
                                .is_some_and(|v| {
                                    args.first()
                                        .and_then(|a| string_at(cx, a))
                                        .is_some_and(|u| u == v)
                                }));
                    let (safety, effect) = if same {
                        (Safety::Safe, "the configured `redirectUri` is the same URL, so the user lands where they did".to_string())
                    } else {
                        (
                            m3.safety,
                            format!(
                                "after this change the user lands on {} instead of {}",
                                short(cx.src(&value)),
                                short(&t)
                            ),
                        )
                    };
                    let message = format!(
                        "since widget 5.0 `setCookieAndRedirect()` is meant to be called with no argument and redirects to the configured `redirectUri` (M3): {effect}"
                    );
                    cx.fix(
                        m3,
                        "M3",
                        safety,
                        message,
                        vec![Edit::replace(first.start..last.end, "")],
                    );
                }
                _ => {
                    let message = format!(
                        "since widget 5.0 `setCookieAndRedirect()` is meant to be called with no argument and redirects to the configured `redirectUri` (M3): set `redirectUri` to {} in the configuration and drop the argument",
                        short(&t)
                    );
                    cx.manual(m3, "M3", message, call.clone());
                }
            }
        }
    }
}

/// The value of the string literal at `r`, if it is one.
fn string_at(cx: &Cx<'_>, r: &Range<usize>) -> Option<String> {
    let t = cx.src(r);
    let q = t.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = t.strip_prefix(q)?.strip_suffix(q)?;
    (!inner.contains('\\')).then(|| inner.to_string())
}

/// M10: the error callback handles errors that go to `afterError` since widget 3.0.
pub(super) fn check_error(cx: &mut Cx<'_>, error: &Expr, recv: &str) {
    let meta = rule("methods/render-error-callback");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let Some(facts) = facts(cx, error, 0) else {
        return;
    };
    let p = param_name(&facts).to_string();
    for u in &facts.uses {
        if u.fields.len() != 1 || u.field(0) != Some("name") {
            continue;
        }
        let hits: Vec<(String, Range<usize>)> = match &u.kind {
            UseKind::Compared { literal, bin } => vec![(literal.value.clone(), bin.clone())],
            UseKind::Switched { cases } => cases
                .iter()
                .map(|c| (c.value.clone(), c.range.clone()))
                .collect(),
            _ => Vec::new(),
        };
        for (value, range) in hits {
            if value == "OAUTH_ERROR" || value == "REGISTRATION_FAILED" {
                let message = format!(
                    "since widget 3.0 `{value}` errors are reported to `afterError` handlers, not to this error callback, so this branch never runs (M10): move it to `{recv}.on('afterError', (context, {p}) => …)`"
                );
                cx.manual(meta, "M10", message, range);
            }
        }
    }
}

/// Shortens code quoted in a message.
pub(super) fn short(s: &str) -> String {
    let first = s.lines().next().unwrap_or("");
    if first.chars().count() > 60 || first.len() < s.len() {
        format!("`{}…`", first.chars().take(57).collect::<String>())
    } else {
        format!("`{first}`")
    }
}

/// The render call a `.then`/`.catch` link is chained on (directly, or after one `.then`).
/// Only those two depths count: a long `.then` chain is not walked at each of its links.
fn render_base<'e>(cx: &Cx<'_>, e: &'e Expr) -> Option<(&'e CallExpr, bool)> {
    if let Some(c) = render_call(cx, e) {
        return Some((c, true));
    }
    let Expr::Call(c) = unwrap_expr(e) else {
        return None;
    };
    match super::method_call(c)? {
        ("then", m) => render_call(cx, &m.obj).map(|b| (b, false)),
        _ => None,
    }
}

/// `e` as a `renderEl`/`showSignIn`/`showSignInToGetTokens` call on a widget instance.
fn render_call<'e>(cx: &Cx<'_>, e: &'e Expr) -> Option<&'e CallExpr> {
    let Expr::Call(c) = unwrap_expr(e) else {
        return None;
    };
    let (name, m) = super::method_call(c)?;
    let render = matches!(name, "renderEl" | "showSignIn" | "showSignInToGetTokens");
    (render && cx.inst.instance_of(&m.obj).is_some()).then_some(c)
}

/// `.then(success, error)` / `.catch(error)` on a render: the same checks as its callbacks.
pub fn chain_link(cx: &mut Cx<'_>, n: &CallExpr, name: &str, m: &MemberExpr) {
    let Some((base, direct)) = render_base(cx, &m.obj) else {
        return;
    };
    let recv = match super::method_call(base) {
        Some((_, bm)) => cx.src(&cx.range(&*bm.obj)).to_string(),
        None => return,
    };
    let (success, error) = match name {
        "then" if direct => (arg(n, 0), arg(n, 1)),
        "catch" => (None, arg(n, 0)),
        _ => (None, None),
    };
    if let Some(s) = success {
        if let Some(f) = facts(cx, s, 0) {
            check_success(cx, &f, None, &recv);
        }
    }
    if let Some(e) = error {
        check_error(cx, e, &recv);
    }
}
