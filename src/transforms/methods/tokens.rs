//! Token helpers that moved: `hasTokensInUrl()` (M6, removed in 5.0) and the widget's
//! own `tokenManager` of widget 1.x/2.x (M8: `signIn.authClient.tokenManager` since 3.0,
//! with `refresh` renamed `renew` and `get` returning a promise).

use super::{key, Cx};
use crate::edit::Edit;
use crate::lang::print::{call, member, Holes};
use crate::locate::unwrap_expr;
use crate::rules::rule;
use swc_ecma_ast::*;

/// `W.hasTokensInUrl()` (3.x/4.x) or `W.token.hasTokensInUrl()` (1.x/2.x), `recv` being W.
fn rewrite_has_tokens(cx: &mut Cx<'_>, n: &CallExpr, recv: &Expr) {
    let meta = rule("methods/has-tokens-in-url");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let mut holes = Holes::new(cx.text);
    let w = holes.hole(cx.src(&cx.range(recv)));
    let new = call(
        member(member(w, "authClient"), "isLoginRedirect"),
        Vec::new(),
    );
    let Some(text) = holes.print(&new) else {
        return;
    };
    let message = "`hasTokensInUrl()` was removed in widget 5.0 (M6); `authClient.isLoginRedirect()` is also true for an authorization-code or interaction-code callback and for an error in the URL, so check the branch it guards: handle the redirect with `authClient.handleLoginRedirect()`, or `authClient.token.parseFromUrl()`, which resolves to `{ tokens }` (M9)".to_string();
    let range = cx.range(n);
    cx.fix(
        meta,
        "M6",
        meta.safety,
        message,
        vec![Edit::replace(range, text)],
    );
}

pub fn has_tokens_in_url(cx: &mut Cx<'_>, n: &CallExpr, m: &MemberExpr) {
    rewrite_has_tokens(cx, n, &m.obj);
}

/// Calls on `W.tokenManager`, `W.authClient.tokenManager` and `W.token` (W an instance).
pub fn token_call(cx: &mut Cx<'_>, n: &CallExpr, name: &str, m: &MemberExpr) {
    let Expr::Member(inner) = unwrap_expr(&m.obj) else {
        return;
    };
    if inner.prop.is_ident_with("token") && name == "hasTokensInUrl" {
        if cx.inst.instance_of(&inner.obj).is_some() {
            rewrite_has_tokens(cx, n, &inner.obj);
        }
        return;
    }
    if !inner.prop.is_ident_with("tokenManager") {
        return;
    }
    // W.tokenManager (the widget's own, 1.x/2.x) or W.authClient.tokenManager.
    let own = cx.inst.instance_of(&inner.obj).is_some();
    let via_client = matches!(unwrap_expr(&inner.obj), Expr::Member(a)
        if a.prop.is_ident_with("authClient") && cx.inst.instance_of(&a.obj).is_some());
    if !own && !via_client {
        return;
    }
    let meta = rule("methods/token-manager");
    if cx.ctx.enabled(meta) && (own || name == "refresh") {
        let mut edits = Vec::new();
        let mut what = Vec::new();
        if own {
            let mut holes = Holes::new(cx.text);
            let w = holes.hole(cx.src(&cx.range(&*inner.obj)));
            if let Some(text) = holes.print(&member(member(w, "authClient"), "tokenManager")) {
                edits.push(Edit::replace(cx.range(inner), text));
                what.push("the widget has no `tokenManager` of its own since 3.0: it is `authClient.tokenManager`");
            }
        }
        if name == "refresh" {
            if let MemberProp::Ident(p) = &m.prop {
                edits.push(Edit::replace(cx.range(p), "renew"));
                what.push("`tokenManager.refresh` was renamed `renew` in 3.0");
            }
        }
        if !edits.is_empty() {
            let message = format!("{} (M8)", what.join("; "));
            cx.fix(meta, "M8", meta.safety, message, edits);
        }
    }
    let get = rule("methods/token-manager-get");
    let r = cx.range(n);
    if name == "get" && cx.ctx.enabled(get) && !cx.awaited.contains(&key(&r)) {
        cx.manual(
            get,
            "M8",
            "`tokenManager.get()` returns a promise since widget 3.0 (M8): this code uses its result as the token; await it or chain `.then(token => …)`".into(),
            r,
        );
    }
}
