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

/// Whether `e` is the widget's auth client (`W.authClient`, W an instance).
fn is_auth_client(cx: &Cx<'_>, e: &Expr) -> bool {
    matches!(unwrap_expr(e), Expr::Member(a)
        if a.prop.is_ident_with("authClient") && cx.inst.instance_of(&a.obj).is_some())
}

/// M7 and M9 on the calls that read a sign-in redirect: `W.authClient.token.parseFromUrl()`,
/// `W.token.parseTokensFromUrl(…)` (1.x/2.x), `W.authClient.isLoginRedirect()`,
/// `W.authClient.handleLoginRedirect()`.
pub fn redirect_call(cx: &mut Cx<'_>, n: &CallExpr, name: &str, m: &MemberExpr) {
    let via_token = match unwrap_expr(&m.obj) {
        Expr::Member(t) if t.prop.is_ident_with("token") => {
            is_auth_client(cx, &t.obj) || cx.inst.instance_of(&t.obj).is_some()
        }
        _ => false,
    };
    let on_client = is_auth_client(cx, &m.obj);
    let reads_redirect = match name {
        "parseFromUrl" | "parseTokensFromUrl" | "hasTokensInUrl" => via_token,
        "isLoginRedirect" => on_client,
        // With tokens (`handleLoginRedirect(res.tokens)` after showSignIn) it reads no URL.
        "handleLoginRedirect" => on_client && n.args.is_empty(),
        _ => false,
    };
    if !reads_redirect {
        return;
    }
    let r = cx.range(n);
    let m9 = rule("methods/parse-from-url-result");
    if name == "parseTokensFromUrl" && cx.ctx.enabled(m9) {
        let array = n
            .args
            .first()
            .and_then(|a| array_use(cx, &a.expr))
            .map(|u| format!(" (its callback reads `{u}`)"))
            .unwrap_or_default();
        cx.manual(
            m9,
            "M9",
            format!("`token.parseTokensFromUrl(success, error)` of widget 1.x/2.x is gone since 3.0{array}: use `authClient.token.parseFromUrl()`, which returns a promise of `{{ tokens, state }}` (`res.tokens.idToken`, `res.tokens.accessToken`), not an array — or let `authClient.handleLoginRedirect()` store the tokens"),
            r.clone(),
        );
    }
    interaction_required(cx, name, r);
}

/// M7: code that reads the sign-in redirect in a file that never checks for
/// `interaction_required`.
pub fn interaction_required(cx: &mut Cx<'_>, name: &str, r: std::ops::Range<usize>) {
    let m7 = rule("methods/interaction-required");
    let checked =
        cx.text.contains("isInteractionRequired") || cx.text.contains("interaction_required");
    if !checked && cx.ctx.enabled(m7) {
        cx.manual(
            m7,
            "M7",
            format!("this code reads the sign-in redirect (`{name}`) but never checks for `interaction_required`: on Identity Engine a social or IdP sign-in can return with it, and the tokens are not there yet — when `signIn.authClient.isInteractionRequired()` is true, render the widget again (`showSignIn`) so the user continues there"),
            r,
        );
    }
}

/// M9 on `X.token.parseFromUrl().then(cb)`: `cb` using its argument as an array.
pub fn parse_from_url_then(cx: &mut Cx<'_>, n: &CallExpr, m: &MemberExpr) {
    let meta = rule("methods/parse-from-url-result");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let Expr::Call(inner) = unwrap_expr(&m.obj) else {
        return;
    };
    let Callee::Expr(callee) = &inner.callee else {
        return;
    };
    let Expr::Member(pm) = unwrap_expr(callee) else {
        return;
    };
    let from_token =
        matches!(unwrap_expr(&pm.obj), Expr::Member(t) if t.prop.is_ident_with("token"));
    if !pm.prop.is_ident_with("parseFromUrl") || !from_token {
        return;
    }
    let Some(found) = n.args.first().and_then(|a| array_use(cx, &a.expr)) else {
        return;
    };
    cx.manual(
        meta,
        "M9",
        format!("the callback reads the result of `token.parseFromUrl()` as an array (`{found}`); since auth-js 3.0 (widget 4.0) it resolves to `{{ tokens, state }}`, so this throws or reads nothing: use `res.tokens.idToken` / `res.tokens.accessToken`"),
        cx.range(n),
    );
}

/// The first use of the callback's first parameter as an array: `p[0]`, `p.forEach(…)`,
/// `p.length`, `for (… of p)`.
fn array_use(cx: &Cx<'_>, cb: &Expr) -> Option<String> {
    use crate::instances::FnNode;
    use swc_ecma_visit::{Visit, VisitWith};
    let f = FnNode::of(cb)?;
    let Some(Pat::Ident(p)) = f.param(0) else {
        return None;
    };
    struct Find<'s> {
        name: &'s str,
        text: &'s str,
        parsed: &'s crate::lang::js::Parsed,
        found: Option<String>,
    }
    impl Visit for Find<'_> {
        fn visit_member_expr(&mut self, m: &MemberExpr) {
            let is_param = matches!(unwrap_expr(&m.obj), Expr::Ident(i) if &*i.sym == self.name);
            let arrayish = match &m.prop {
                MemberProp::Computed(c) => matches!(unwrap_expr(&c.expr), Expr::Lit(Lit::Num(_))),
                MemberProp::Ident(i) => matches!(
                    &*i.sym,
                    "forEach" | "length" | "map" | "filter" | "find" | "some" | "every" | "reduce"
                ),
                _ => false,
            };
            if is_param && arrayish && self.found.is_none() {
                let r = self.parsed.range(m.span);
                self.found = self.text.get(r).map(str::to_string);
            }
            m.visit_children_with(self);
        }
        fn visit_for_of_stmt(&mut self, s: &ForOfStmt) {
            if matches!(unwrap_expr(&s.right), Expr::Ident(i) if &*i.sym == self.name)
                && self.found.is_none()
            {
                self.found = Some(format!("for … of {}", self.name));
            }
            s.visit_children_with(self);
        }
    }
    let mut v = Find {
        name: &p.id.sym,
        text: cx.text,
        parsed: cx.parsed,
        found: None,
    };
    f.visit_body(&mut v);
    v.found
}
