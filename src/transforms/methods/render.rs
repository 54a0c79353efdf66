//! Rendering: `renderEl(options, success, error)` → `showSignIn(options).then(success)
//! .catch(error)` (M1), and a second render of one instance (M16). What the callbacks do
//! is checked in [`super::callbacks`].

use super::callbacks::{
    arg, check_error, check_success, facts, is_complete_login, param_name, Facts,
};
use super::uses::{Param, UseKind};
use super::{key, Cx, RenderSite};
use crate::edit::{Edit, Safety};
use crate::instances::{FnNode, Instance};
use crate::lang::print::{call, line_indent, line_start, member, Holes};
use crate::locate::{unwrap_expr, unwrap_literal, ConfigView};
use crate::rules::rule;
use crate::version::Version;
use std::ops::Range;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// The first release with `showSignIn`.
const SHOW_SIGN_IN: Version = Version::new(5, 5, 0);

/// `W.showSignIn*(…)`: only remembered for M16.
pub fn note_render(cx: &mut Cx<'_>, n: &CallExpr, name: &str, inst: Instance) {
    let range = cx.range(n);
    let pos = cx.stmt_of.get(&key(&range)).copied();
    cx.renders.push(RenderSite {
        inst,
        range,
        method: name.to_string(),
        pos,
    });
}

/// Options of a render call that showSignIn would drop, and whether it sets a key.
fn option_keys(cx: &Cx<'_>, opts: &Expr) -> Result<Vec<String>, ()> {
    let Expr::Object(o) = unwrap_expr(opts) else {
        return Err(());
    };
    let mut keys = Vec::new();
    for p in &o.props {
        let name = match p {
            PropOrSpread::Prop(p) => match &**p {
                Prop::KeyValue(kv) => match &kv.key {
                    PropName::Ident(i) => i.sym.to_string(),
                    PropName::Str(s) => s.value.to_atom_lossy().to_string(),
                    _ => return Err(()),
                },
                Prop::Shorthand(i) => i.sym.to_string(),
                _ => return Err(()),
            },
            PropOrSpread::Spread(_) => return Err(()),
        };
        keys.push(name);
    }
    let _ = cx;
    Ok(keys)
}

/// Whether `authParams.responseType` asks for tokens (the Classic OIDC token flow).
fn token_flow(view: &ConfigView<'_>) -> bool {
    let Some(v) = view
        .get(&["authParams", "responseType"])
        .and_then(|e| e.value)
    else {
        return false;
    };
    let values: Vec<String> = match unwrap_expr(v) {
        Expr::Array(a) => a
            .elems
            .iter()
            .flatten()
            .filter_map(|e| unwrap_literal(&e.expr))
            .collect(),
        other => unwrap_literal(other).into_iter().collect(),
    };
    values.iter().any(|v| v == "token" || v == "id_token")
}

/// M1 and the checks of its callbacks.
pub fn render_el(cx: &mut Cx<'_>, n: &CallExpr, m: &MemberExpr, inst: Instance) {
    note_render(cx, n, "renderEl", inst.clone());
    let call_r = cx.range(n);
    let (opts, success, error) = (arg(n, 0), arg(n, 1), arg(n, 2));
    if success.is_some_and(is_complete_login) {
        return; // the Okta-hosted page template: renderEl stays
    }
    let view = cx.config(&inst);
    let recv = cx.src(&cx.range(&*m.obj)).to_string();
    let s_facts = success.and_then(|s| facts(cx, s, 0));
    if let Some(f) = &s_facts {
        check_success(cx, f, view.as_ref(), &recv);
    }
    if let Some(e) = error {
        check_error(cx, e, &recv);
    }
    let meta = rule("methods/render-el");
    if !cx.ctx.enabled(meta)
        || cx.ctx.target.to < SHOW_SIGN_IN
        || view.as_ref().is_some_and(|v| v.root.hosted)
    {
        return;
    }
    let mut reasons: Vec<String> = Vec::new();
    if n.args.len() > 3 || n.args.iter().any(|a| a.spread.is_some()) {
        reasons
            .push("it is called with a spread or more than the options and two callbacks".into());
    }
    let keys = match opts.map(|o| option_keys(cx, o)) {
        None => Ok(Vec::new()),
        Some(k) => k,
    };
    match &keys {
        Ok(keys) => {
            let dropped: Vec<String> = keys
                .iter()
                .filter(|k| !cx.table.render_options.contains(k))
                .map(|k| format!("`{k}`"))
                .collect();
            if !dropped.is_empty() {
                reasons.push(format!(
                    "showSignIn reads only `el`, `clientId`, `redirectUri` and auth params from its options, so {} would be dropped",
                    dropped.join(", ")
                ));
            }
        }
        Err(()) => reasons.push("its options are not an object literal here, so it cannot be checked that showSignIn reads them all".into()),
    }
    let has = |k: &str| {
        keys.as_ref().is_ok_and(|ks| ks.iter().any(|x| x == k))
            || view.as_ref().is_some_and(|v| v.get(&[k]).is_some())
    };
    let complete = view.as_ref().is_some_and(|v| v.complete());
    if complete {
        let missing: Vec<&str> = ["clientId", "redirectUri"]
            .into_iter()
            .filter(|k| !has(k))
            .collect();
        if !missing.is_empty() {
            reasons.push(format!(
                "the configuration has no {}: on Identity Engine an embedded widget needs an OIDC app integration (C5), and showSignIn throws CONFIG_ERROR without them",
                missing.iter().map(|k| format!("`{k}`")).collect::<Vec<_>>().join(" or ")
            ));
        }
    }
    if let Some(f) = &s_facts {
        let p = param_name(f);
        let mut classic: Vec<String> = Vec::new();
        for u in &f.uses {
            if let Some(field) = u.field(0) {
                if cx.table.session_fields.iter().any(|s| s == field)
                    && !classic.contains(&field.to_string())
                {
                    classic.push(field.to_string());
                }
            }
            let statuses: Vec<&str> = match &u.kind {
                UseKind::Compared { literal, .. }
                    if u.field(0) == Some("status") && u.fields.len() == 1 =>
                {
                    vec![literal.value.as_str()]
                }
                UseKind::Switched { cases }
                    if u.field(0) == Some("status") && u.fields.len() == 1 =>
                {
                    cases.iter().map(|c| c.value.as_str()).collect()
                }
                _ => Vec::new(),
            };
            for s in statuses.into_iter().filter(|s| *s != "SUCCESS") {
                reasons.push(format!(
                    "the success callback handles `{s}` results, and the showSignIn promise resolves for SUCCESS only"
                ));
            }
        }
        if !classic.is_empty() {
            let list: Vec<String> = classic.iter().map(|c| format!("`{p}.{c}`")).collect();
            reasons.push(format!(
                "the success callback reads {}, which only Classic Engine session results carry",
                list.join(", ")
            ));
        }
    }
    let whole = cx.stmt_of.get(&key(&call_r)).is_some_and(|p| p.whole);
    if !whole && (success.is_some() || error.is_some()) {
        reasons.push(
            "the value it returns is used, and the rewrite changes what that promise resolves to"
                .into(),
        );
    }
    if !reasons.is_empty() {
        let clean = keys
            .as_ref()
            .is_ok_and(|ks| ks.iter().all(|k| cx.table.render_options.contains(k)));
        let opts_text = match opts {
            Some(o) if clean => {
                let t = cx.src(&cx.range(o));
                if t.contains('\n') || t.chars().count() > 50 {
                    "{ el: … }".to_string()
                } else {
                    t.to_string()
                }
            }
            _ => "{ el: … }".to_string(),
        };
        // An instance used without a name (`new OktaSignIn(c).renderEl(…)`) needs one.
        let (setup, name) = if recv.trim_start().starts_with("new ") {
            (format!("const signIn = {recv}; "), "signIn")
        } else {
            (String::new(), recv.as_str())
        };
        let message = format!(
            "`renderEl` is deprecated for Identity Engine (M1) and was not rewritten: {}. Write instead: `{setup}{name}.showSignIn({opts_text}).then(res => {name}.authClient.handleLoginRedirect(res.tokens)).catch(err => …)`",
            reasons.join("; ")
        );
        cx.manual(meta, "M1", message, call_r);
        return;
    }

    // C42: `authParams.display: 'page'` made renderEl redirect to Okta and back with the
    // tokens; showSignInToGetTokens never redirects, so the tokens would be dropped.
    let page_display = view
        .as_ref()
        .and_then(|v| v.get(&["authParams", "display"]))
        .and_then(|e| e.value.and_then(unwrap_literal))
        .is_some_and(|d| d == "page");
    if page_display {
        let callbacks = success.is_some() || error.is_some();
        let MemberProp::Ident(p) = &m.prop else {
            return;
        };
        if callbacks {
            cx.manual(
                meta,
                "C42",
                format!("`renderEl` with `authParams.display: 'page'` redirected to sign in and came back with the tokens; `showSignIn`/`showSignInToGetTokens` never redirect, so the tokens this page expects would not arrive. Write `{recv}.showSignInAndRedirect({{ el: … }}).catch(err => …)` and read the tokens on the `redirectUri` page (`authClient.handleLoginRedirect()`); the success callback is not called on this page any more"),
                call_r,
            );
        } else {
            cx.fix(
                meta,
                "C42",
                Safety::Unsafe,
                "`renderEl` with `authParams.display: 'page'` redirected to sign in and came back with the tokens: `showSignInAndRedirect` keeps that (showSignInToGetTokens never redirects, so the tokens would be dropped); handle the tokens on the `redirectUri` page with `authClient.handleLoginRedirect()`".into(),
                vec![Edit::replace(cx.range(p), "showSignInAndRedirect")],
            );
        }
        return;
    }

    // The method: showSignInToGetTokens for a visible OIDC token flow whose success
    // callback takes only `res.tokens` (it then gets the tokens themselves).
    let tokens_cfg = complete && view.as_ref().is_some_and(token_flow);
    let mut method = "showSignIn";
    let mut success_text = success.map(|s| cx.src(&cx.range(s)).to_string());
    let mut kept_show_sign_in = false;
    if tokens_cfg {
        match success {
            None => method = "showSignInToGetTokens",
            Some(s) => match (FnNode::of(s), &s_facts) {
                (Some(_), Some(f)) => match adapt_to_tokens(cx, s, f) {
                    Some(t) => {
                        method = "showSignInToGetTokens";
                        success_text = Some(t);
                    }
                    None => kept_show_sign_in = true,
                },
                _ => kept_show_sign_in = true,
            },
        }
    }

    let callbacks = success.is_some() || error.is_some();
    let mut message = if callbacks {
        format!("`renderEl` is deprecated for Identity Engine (M1): `{method}` renders the widget and returns a promise, which settles differently from the callbacks: ")
    } else {
        format!("`renderEl` is deprecated for Identity Engine (M1): `{method}` renders the widget and returns a promise like renderEl's: ")
    };
    if method == "showSignIn" {
        message.push_str("it resolves once, only for a SUCCESS result (`res.tokens`), or the widget redirects instead when the sign-in policy says so");
    } else {
        message.push_str("this configuration is an OIDC token flow (`authParams.responseType`), so it resolves once with the tokens themselves rather than `res`, and never redirects");
    }
    message.push_str(
        "; it rejects once, on the first error (CONFIG_ERROR, UNSUPPORTED_BROWSER_ERROR)",
    );
    if success.is_some() || error.is_some() {
        message.push_str("; the callbacks now run asynchronously");
    }
    if success.is_some() && error.is_some() {
        message.push_str(
            ", and an exception thrown in the success callback reaches the error callback",
        );
    }
    if kept_show_sign_in {
        message.push_str("; the configuration is a token flow, but the success callback uses more of `res` than `res.tokens`, so showSignIn (which resolves with `res`) was used rather than showSignInToGetTokens");
    }
    if !complete {
        message.push_str("; this file does not show the whole configuration: showSignIn throws CONFIG_ERROR unless it sets `clientId` and `redirectUri`");
    }

    let edits = if success.is_none() && error.is_none() {
        match &m.prop {
            MemberProp::Ident(p) => vec![Edit::replace(cx.range(p), method)],
            _ => return,
        }
    } else {
        let Some(text) = rewrite(cx, n, &recv, method, opts, success.zip(success_text), error)
        else {
            return;
        };
        vec![Edit::replace(call_r, text)]
    };
    cx.fix(meta, "M1", Safety::Unsafe, message, edits);
}

/// The success callback rewritten to take the tokens: `function (res) { … res.tokens … }`
/// → `function (tokens) { … tokens … }`; `None` when it uses `res` otherwise.
fn adapt_to_tokens(cx: &Cx<'_>, s: &Expr, f: &Facts) -> Option<String> {
    let r = cx.range(s);
    let text = cx.src(&r);
    let (name_range, uses) = match &f.param {
        Param::Missing => return Some(text.to_string()),
        Param::Ident { range, .. } => (range.clone(), &f.uses),
        _ => return None,
    };
    // `tokens` must be free in the callback.
    if FnNode::of(s).is_some_and(|f| binds_name(f, "tokens")) {
        return None;
    }
    let mut edits = vec![(name_range, "tokens".to_string())];
    for u in uses {
        match (&u.kind, u.fields.first()) {
            (UseKind::Read, Some((f, fr)))
                if f == "tokens" && !cx.src(fr).starts_with(['\'', '"', '`']) =>
            {
                edits.push((u.range.start..fr.end, "tokens".to_string()));
            }
            _ => return None,
        }
    }
    edits.sort_by_key(|(e, _)| e.start);
    let mut out = String::new();
    let mut at = r.start;
    for (e, t) in edits {
        if e.start < at || e.end > r.end {
            return None;
        }
        out.push_str(cx.text.get(at..e.start)?);
        out.push_str(&t);
        at = e.end;
    }
    out.push_str(cx.text.get(at..r.end)?);
    Some(out)
}

/// Whether an identifier `name` occurs in the function (declared or used).
fn binds_name(f: FnNode<'_>, name: &str) -> bool {
    struct Names<'n> {
        name: &'n str,
        found: bool,
    }
    impl Visit for Names<'_> {
        fn visit_ident(&mut self, i: &Ident) {
            self.found |= &*i.sym == self.name;
        }
    }
    let mut v = Names { name, found: false };
    f.visit_body(&mut v);
    if let Some(p) = f.param(1) {
        p.visit_with(&mut v);
    }
    v.found
}

/// Comments inside the call but outside its arguments (they would be lost otherwise).
fn gap_comments(cx: &Cx<'_>, n: &CallExpr) -> Vec<(usize, String)> {
    let call_r = cx.range(n);
    let callee_end = match &n.callee {
        Callee::Expr(e) => cx.range(&**e).end,
        _ => call_r.start,
    };
    let args: Vec<Range<usize>> = n.args.iter().map(|a| cx.range(a)).collect();
    let (leading, trailing) = cx.parsed.comments.borrow_all();
    let mut out: Vec<(usize, String)> = leading
        .values()
        .chain(trailing.values())
        .flatten()
        .map(|c| cx.parsed.range(c.span))
        .filter(|r| r.start >= callee_end && r.end <= call_r.end)
        .filter(|r| !args.iter().any(|a| a.start <= r.start && r.end <= a.end))
        .map(|r| (r.start, cx.src(&r).to_string()))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// `recv.method(opts).then(success).catch(error)`, laid out to fit the callbacks' own
/// text: the links follow each other where the callbacks followed the options on the
/// same line, else each link starts its own line, one level deeper than the statement
/// (where callbacks written one per line have their bodies already).
fn rewrite(
    cx: &Cx<'_>,
    n: &CallExpr,
    recv: &str,
    method: &str,
    opts: Option<&Expr>,
    success: Option<(&Expr, String)>,
    error: Option<&Expr>,
) -> Option<String> {
    let mut holes = Holes::new(cx.text);
    let w = holes.hole(recv);
    let args = opts
        .map(|o| holes.hole(cx.src(&cx.range(o))))
        .into_iter()
        .collect();
    let head = holes.print(&call(member(w, method), args))?;
    let mut links: Vec<(usize, String)> = Vec::new();
    let mut callbacks: Vec<Range<usize>> = Vec::new();
    let mut link = |name: &str, at: Range<usize>, text: String| -> Option<()> {
        let mut h = Holes::new(cx.text);
        let dot = h.hole("");
        let cb = h.hole(text);
        links.push((at.start, h.print(&call(member(dot, name), vec![cb]))?));
        callbacks.push(at);
        Some(())
    };
    if let Some((s, text)) = success {
        link("then", cx.range(s), text)?;
    }
    if let Some(e) = error {
        link("catch", cx.range(e), cx.src(&cx.range(e)).to_string())?;
    }
    let call_r = cx.range(n);
    let indent = line_indent(cx.text, call_r.start).to_string();
    let comments = gap_comments(cx, n);
    // A callback that starts its own line asks for one line per link.
    let own_line = |r: &Range<usize>| {
        let start = line_start(cx.text, r.start);
        cx.text
            .get(start..r.start)
            .is_some_and(|t| t.trim().is_empty())
    };
    // Block comments of a call written on one line stay on that line.
    let one_line = !cx.src(&call_r).contains('\n');
    let fits_inline = !callbacks.iter().any(own_line)
        && (comments.is_empty() || one_line && comments.iter().all(|(_, c)| c.starts_with("/*")));
    let mut out = head;
    if fits_inline {
        let mut comments = comments.into_iter().peekable();
        let last = links.len().saturating_sub(1);
        for (i, (at, l)) in links.into_iter().enumerate() {
            while let Some((_, c)) = comments.next_if(|(c, _)| *c < at || i == last) {
                out.push(' ');
                out.push_str(&c);
            }
            out.push_str(&l);
        }
        return Some(out);
    }
    let pad = format!("{}{indent}{}", cx.layout.newline, cx.layout.unit);
    let last = links.len().saturating_sub(1);
    let mut comments = comments.into_iter().peekable();
    for (i, (at, l)) in links.into_iter().enumerate() {
        while let Some((c, text)) = comments.peek() {
            if *c < at || i == last {
                out.push_str(&pad);
                out.push_str(text.trim());
                comments.next();
            } else {
                break;
            }
        }
        out.push_str(&pad);
        out.push_str(&l);
    }
    Some(out)
}

/// M16: a render of an instance right after another render of it, in the same block and
/// with no `remove()` between; under Gen3 also any render of an instance whose constructor
/// was given `el` (C54: the constructor renders at once).
pub fn second_render(cx: &mut Cx<'_>) {
    let meta = rule("methods/second-render");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let renders = std::mem::take(&mut cx.renders);
    let mut found: Vec<(Range<usize>, String)> = Vec::new();
    for (i, r) in renders.iter().enumerate() {
        let Some(pos) = r.pos else { continue };
        let earlier = renders[..i].iter().rev().find(|e| {
            e.inst == r.inst
                && e.pos
                    .is_some_and(|p| p.list == pos.list && p.index < pos.index)
        });
        if let Some(e) = earlier {
            let removed = cx
                .removes
                .iter()
                .any(|(inst, at)| *inst == r.inst && e.range.end <= *at && *at < r.range.start);
            if !removed {
                found.push((
                    r.range.clone(),
                    format!(
                        "`{}` renders a widget instance that `{}` above already rendered, with no `remove()` between: the widget throws \"An instance of the widget has already been rendered. Call remove() first.\" (M16); call `remove()` before rendering again",
                        r.method, e.method
                    ),
                ));
                continue;
            }
        }
        if cx.ctx.target.gen3 {
            let gen3_el = cx
                .config(&r.inst)
                .is_some_and(|v| v.get(&["el"]).is_some() && v.get(&["authClient"]).is_none());
            let first = !renders[..i].iter().any(|e| e.inst == r.inst);
            if gen3_el && first {
                found.push((
                    r.range.clone(),
                    format!(
                        "the third-generation widget renders as soon as it is constructed with `el` (C54), so this `{}` is a second render and throws (M16): drop `el` from the configuration or this call",
                        r.method
                    ),
                ));
            }
        }
    }
    for (range, message) in found {
        let kb = if message.contains("(C54)") {
            "C54"
        } else {
            "M16"
        };
        cx.manual(meta, kb, message, range);
    }
}
