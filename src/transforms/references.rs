//! Where the widget is referenced outside its configuration: import paths (C60), CDN
//! URLs in strings (C62), the hosted page's request context (C56), and the dependency in
//! package.json (C61).

use super::Findings;
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix};
use crate::lang::js::Parsed;
use crate::locate::unwrap_expr;
use crate::releases::{dist_listed, release_for, DIST_FILES, EXPORTS, VERSIONS as RELEASES};
use crate::rules::{rule, Ctx, Engine, RuleMeta};
use crate::version::Version;
use std::collections::HashSet;
use swc_common::{Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

const PACKAGE: &str = "@okta/okta-signin-widget";

fn fix(meta: &'static RuleMeta, kb: &str, message: String, edits: Vec<Edit>) -> Fix {
    Fix {
        rule: meta.id.as_str(),
        kb: kb.to_string(),
        safety: meta.safety,
        message,
        edits,
        follow_up: None,
    }
}

pub fn run_program(parsed: &Parsed, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    let mut names = ContextNames::default();
    parsed.program.visit_with(&mut names);
    let mut v = Refs {
        parsed,
        text,
        ctx,
        out,
        context_names: names.0,
    };
    parsed.program.visit_with(&mut v);
}

/// `var ctx = OktaUtil.getRequestContext();`
#[derive(Default)]
struct ContextNames(HashSet<String>);

fn is_request_context_call(e: &Expr) -> bool {
    let Expr::Call(call) = unwrap_expr(e) else {
        return false;
    };
    let Callee::Expr(callee) = &call.callee else {
        return false;
    };
    matches!(unwrap_expr(callee), Expr::Member(m)
        if matches!(&*m.obj, Expr::Ident(i) if &*i.sym == "OktaUtil") && m.prop.is_ident_with("getRequestContext"))
}

impl Visit for ContextNames {
    fn visit_var_declarator(&mut self, n: &VarDeclarator) {
        if let (Pat::Ident(b), Some(init)) = (&n.name, &n.init) {
            if is_request_context_call(init) {
                self.0.insert(b.id.sym.to_string());
            }
        }
        n.visit_children_with(self);
    }
}

struct Refs<'a, 'o> {
    parsed: &'a Parsed,
    text: &'a str,
    ctx: &'a Ctx<'a>,
    out: &'o mut Findings,
    context_names: HashSet<String>,
}

impl Refs<'_, '_> {
    fn range(&self, span: Span) -> std::ops::Range<usize> {
        self.parsed.range(span)
    }

    /// C60: an import of a package subpath the target's `exports` map does not allow.
    fn import_path(&mut self, s: &Str) {
        let value = s.value.to_atom_lossy().to_string();
        let Some(rest) = value
            .strip_prefix(PACKAGE)
            .and_then(|r| r.strip_prefix('/'))
        else {
            return;
        };
        let meta = rule("config/import-path");
        let Some(rel) = release_for(self.ctx.target.to).filter(|_| self.ctx.enabled(meta)) else {
            return;
        };
        if !EXPORTS.names_in(rel).any(|_| true) {
            return; // the target has no exports map: every file of the package resolves
        }
        let exported = |sub: &str| {
            EXPORTS.ships(sub, rel)
                || EXPORTS.names_in(rel).any(|p| {
                    p.strip_suffix('*')
                        .or_else(|| p.strip_suffix('/').map(|_| p))
                        .is_some_and(|prefix| sub.starts_with(prefix) && p != sub)
                })
        };
        let sub = format!("./{rest}");
        let version = RELEASES[rel];
        let r = self.range(s.span);
        if exported(&sub) {
            // `./css/*` lets any name through; the file must still be in the package.
            if dist_listed(rest) && !EXPORTS.ships(&sub, rel) && !DIST_FILES.ships(rest, rel) {
                self.out.diagnostics.push(Diagnostic::manual(
                    meta,
                    if rest.ends_with("okta-theme.css") { "S1" } else { "C60" },
                    format!(
                        "`{value}` matches the `exports` map of widget {version}, but the package has no such file (dist/{rest}): import {}",
                        if rest.starts_with("css/") {
                            format!("`{PACKAGE}/css/okta-sign-in.min.css`")
                        } else {
                            format!("the package root `{PACKAGE}`")
                        }
                    ),
                    r,
                ));
            }
            return;
        }
        let quote = &self.text[r.start..r.start + 1];
        // A `dist/` path maps to the exports key without it, but only for a file the
        // target still ships (`dist/css/okta-theme.css` is gone since 3.0, S1).
        let candidate = rest.strip_prefix("dist/").map(|x| x.to_string());
        if candidate
            .as_deref()
            .is_some_and(|c| c.ends_with("okta-theme.css"))
        {
            self.out.diagnostics.push(Diagnostic::manual(
                meta,
                "S1",
                format!("`{value}`: widget 3.0 merged `okta-theme.css` into `okta-sign-in.min.css` and no later release ships it (S1): delete this import and import `{PACKAGE}/css/okta-sign-in.min.css` only"),
                r,
            ));
            return;
        }
        let ships = |c: &str| {
            EXPORTS.ships(&format!("./{c}"), rel) || !dist_listed(c) || DIST_FILES.ships(c, rel)
        };
        match candidate.filter(|c| exported(&format!("./{c}")) && ships(c)) {
            Some(c) => self.out.fixes.push(fix(
                meta,
                "C60",
                format!("`{value}` is not exported by widget {version}; the package exports it as `{PACKAGE}/{c}`"),
                vec![Edit::replace(r, format!("{quote}{PACKAGE}/{c}{quote}"))],
            )),
            None => self.out.diagnostics.push(Diagnostic::manual(
                meta,
                "C60",
                format!("`{value}` is not exported by widget {version} (its package.json `exports` map decides what can be imported); import the package root, `/oie`, `/classic` or a `/css/…` file"),
                r,
            )),
        }
    }

    /// C62: a versioned CDN URL of the widget inside a string.
    fn cdn_url(&mut self, raw_range: std::ops::Range<usize>) {
        let meta = rule("config/cdn-url");
        if !self.ctx.enabled(meta) {
            return;
        }
        let to = self.ctx.target.to;
        let raw = &self.text[raw_range.clone()];
        for (at, url) in find_cdn_urls(raw) {
            let start = raw_range.start + at;
            if url.version >= to {
                continue;
            }
            let listed = dist_listed(&url.file);
            let missing = release_for(to).filter(|&rel| {
                listed && !url.file.ends_with("okta-theme.css") && !DIST_FILES.ships(&url.file, rel)
            });
            if let Some(rel) = missing {
                self.out.diagnostics.push(Diagnostic::manual(
                    meta,
                    "C62",
                    format!("`{}` is not served for widget {}: the Okta CDN has only the files the release ships under dist/; point this URL at one of them (e.g. `js/okta-sign-in.min.js`, `css/okta-sign-in.min.css`)", url.file, RELEASES[rel]),
                    start..start + url.len,
                ));
                continue;
            }
            if url.file.ends_with("okta-theme.css") {
                self.out.diagnostics.push(Diagnostic::manual(
                    meta,
                    "C62",
                    "`okta-theme.css` is gone since widget 3.0 (S1): `okta-sign-in.min.css` is the only stylesheet — remove this reference".into(),
                    start..start + url.len,
                ));
                continue;
            }
            let new = format!(
                "https://global.oktacdn.com/okta-signin-widget/{to}/{}",
                url.file
            );
            let mut f = fix(
                meta,
                "C62",
                format!("the widget's CDN URL moves from {} to {to} (keep the JS and CSS URLs on the same version)", url.version),
                vec![Edit::replace(start..start + url.len, new)],
            );
            // On the same line: `{ src: URL, integrity: '…' }`.
            let line_start = self.text[..raw_range.start]
                .rfind('\n')
                .map_or(0, |i| i + 1);
            let around_end = self.text[raw_range.end..]
                .find('\n')
                .map_or(self.text.len(), |i| raw_range.end + i);
            if self.text[line_start..around_end].contains("integrity") {
                f.follow_up = Some("an SRI `integrity` hash sits next to this URL: replace it with the hash of the new file (it cannot be computed offline)".into());
            }
            self.out.fixes.push(f);
        }
    }

    /// C56: `OktaUtil.getRequestContext()` paths that moved under Identity Engine.
    /// Whether a member chain starting at `root` reads the request context.
    fn is_context_root(&self, root: &Expr) -> bool {
        match root {
            Expr::Ident(i) => self.context_names.contains(&*i.sym),
            other => is_request_context_call(other),
        }
    }

    fn request_context(&mut self, m: &MemberExpr) -> bool {
        // Flatten `root.a.b.c` into the root and its property names with their ends.
        let mut props: Vec<(String, usize)> = Vec::new();
        let mut prop = &m.prop;
        let mut cur: &Expr = &m.obj;
        let root_end;
        loop {
            let MemberProp::Ident(p) = prop else {
                return false;
            };
            props.push((p.sym.to_string(), self.range(p.span).end));
            match cur {
                Expr::Member(mm) => {
                    prop = &mm.prop;
                    cur = &mm.obj;
                }
                root => {
                    if !self.is_context_root(root) {
                        return false;
                    }
                    root_end = self.range(root.span()).end;
                    break;
                }
            }
        }
        props.reverse();
        let meta = rule("config/request-context");
        if !self.ctx.enabled(meta) || self.ctx.target.engine != Engine::Oie {
            return true;
        }
        let names: Vec<&str> = props.iter().map(|(n, _)| n.as_str()).collect();
        let table = &super::config::TABLE.request_context;
        let best = table
            .iter()
            .filter(|p| {
                let from: Vec<&str> = p.from.split('.').collect();
                names.len() >= from.len() && names[..from.len()] == from[..]
            })
            .max_by_key(|p| p.from.split('.').count());
        let Some(p) = best else { return true };
        let n = p.from.split('.').count();
        if p.from == "authentication.issuer" && names.get(n) == Some(&"id") {
            self.out.diagnostics.push(Diagnostic::manual(
                meta,
                "C56",
                "`authentication.issuer.id` (the SAML issuer) has no documented Identity Engine path in the request context: check what your page needs it for".into(),
                root_end..props[n].1,
            ));
            return true;
        }
        let end = props[n - 1].1;
        self.out.fixes.push(fix(
            meta,
            "C56",
            format!(
                "the Identity Engine request context has `{}` where Classic had `{}`",
                p.to, p.from
            ),
            vec![Edit::replace(root_end..end, format!(".{}", p.to))],
        ));
        true
    }
}

impl Visit for Refs<'_, '_> {
    fn visit_import_decl(&mut self, n: &ImportDecl) {
        self.import_path(&n.src);
    }

    fn visit_call_expr(&mut self, n: &CallExpr) {
        let is_loader = match &n.callee {
            Callee::Import(_) => true,
            Callee::Expr(e) => matches!(&**e, Expr::Ident(i) if &*i.sym == "require"),
            Callee::Super(_) => false,
        };
        if is_loader {
            if let Some(Expr::Lit(Lit::Str(s))) = n.args.first().map(|a| &*a.expr) {
                self.import_path(s);
            }
        }
        n.visit_children_with(self);
    }

    fn visit_str(&mut self, n: &Str) {
        let r = self.range(n.span);
        if self.text[r.clone()].contains("okta-signin-widget/") {
            self.cdn_url(r);
        }
    }

    fn visit_tpl_element(&mut self, n: &TplElement) {
        let r = self.range(n.span);
        if self.text[r.clone()].contains("okta-signin-widget/") {
            self.cdn_url(r);
        }
    }

    fn visit_member_expr(&mut self, n: &MemberExpr) {
        // The members of one chain `root.a.b…` share its root. When that root is not the
        // request context none of them is: the chain's computed keys and its root are
        // visited once, not each inner member walked down to the root again (a chain of
        // n members would cost n² steps; 20,000 took 13 s).
        let mut root = n;
        while let Expr::Member(inner) = &*root.obj {
            root = inner;
        }
        if !self.is_context_root(&root.obj) {
            // In source order: the root, then each key from the innermost out.
            root.obj.visit_with(self);
            let mut chain = vec![n];
            while let Expr::Member(inner) = &*chain[chain.len() - 1].obj {
                chain.push(inner);
            }
            for m in chain.iter().rev() {
                m.prop.visit_with(self);
            }
        } else if !self.request_context(n) {
            n.visit_children_with(self);
        }
    }
}

/// A widget URL on the Okta CDN.
#[derive(Debug, PartialEq, Eq)]
pub struct CdnUrl {
    pub version: Version,
    /// The path after the version (`js/okta-sign-in.min.js`).
    pub file: String,
    /// Length of the URL text.
    pub len: usize,
}

/// Every versioned widget URL on the Okta CDN in `text`, with its offset.
pub fn find_cdn_urls(text: &str) -> Vec<(usize, CdnUrl)> {
    const PREFIXES: [&str; 2] = [
        "https://global.oktacdn.com/okta-signin-widget/",
        "https://ok1static.oktacdn.com/assets/js/sdk/okta-signin-widget/",
    ];
    let mut found = Vec::new();
    for prefix in PREFIXES {
        let scheme_less = &prefix["https:".len()..];
        for (at, _) in text.match_indices(scheme_less) {
            let start = if text[..at].ends_with("https:") {
                at - 6
            } else if text[..at].ends_with("http:") {
                at - 5
            } else {
                at
            };
            let rest = &text[at + scheme_less.len()..];
            let Some((version, after)) = rest.split_once('/') else {
                continue;
            };
            let Some(version) = Version::parse(version).filter(|_| version.split('.').count() == 3)
            else {
                continue;
            };
            let file_len = after
                .find(|c: char| {
                    c.is_whitespace()
                        || matches!(
                            c,
                            '\'' | '"' | '`' | ')' | '>' | '<' | '?' | '#' | '$' | '{' | '}'
                        )
                })
                .unwrap_or(after.len());
            let file = after[..file_len].to_string();
            let len = (at + scheme_less.len() + version.to_string().len() + 1 + file_len) - start;
            found.push((start, CdnUrl { version, file, len }));
        }
    }
    found.sort_by_key(|(at, _)| *at);
    found
}

/// C61: the widget's version range in a package.json.
pub fn package_json(parsed: &Parsed, ctx: &Ctx<'_>, out: &mut Findings) {
    let meta = rule("config/package-version");
    if !ctx.enabled(meta) {
        return;
    }
    let Program::Script(script) = &parsed.program else {
        return;
    };
    let Some(Stmt::Expr(stmt)) = script.body.first() else {
        return;
    };
    let Expr::Object(top) = &*stmt.expr else {
        return;
    };
    let to = ctx.target.to;
    for field in ["dependencies", "devDependencies", "peerDependencies"] {
        let Some(Expr::Object(deps)) = crate::locate::find_prop(top, field) else {
            continue;
        };
        let Some(Expr::Lit(Lit::Str(v))) = crate::locate::find_prop(deps, PACKAGE) else {
            continue;
        };
        let range_text = v.value.to_atom_lossy().to_string();
        let Some(lowest) = Version::lowest_in_range(&range_text) else {
            continue;
        };
        if lowest >= to {
            continue;
        }
        let r = parsed.range(v.span);
        let op: String = range_text
            .chars()
            .take_while(|c| matches!(c, '^' | '~' | '>' | '=' | 'v' | ' '))
            .collect();
        let simple = Version::parse(range_text[op.len()..].trim()).is_some()
            && !range_text.contains(['|', '<', ' ']);
        if simple {
            out.fixes.push(fix(
                meta,
                "C61",
                format!("`{PACKAGE}` goes from `{range_text}` to `{op}{to}`, the version the rest of this migration targets"),
                vec![Edit::replace(r, format!("\"{op}{to}\""))],
            ));
        } else {
            out.diagnostics.push(Diagnostic::manual(
                meta,
                "C61",
                format!("`{PACKAGE}: {range_text}` does not admit {to}: change the range by hand"),
                r,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cdn_urls() {
        let s = "x('https://global.oktacdn.com/okta-signin-widget/5.16.1/js/okta-sign-in.min.js', '//ok1static.oktacdn.com/assets/js/sdk/okta-signin-widget/2.6.0/css/okta-theme.css')";
        let found = find_cdn_urls(s);
        assert_eq!(found.len(), 2);
        let (at, u) = &found[0];
        assert_eq!(
            &s[*at..*at + u.len],
            "https://global.oktacdn.com/okta-signin-widget/5.16.1/js/okta-sign-in.min.js"
        );
        assert_eq!(u.version, Version::new(5, 16, 1));
        let (at, u) = &found[1];
        assert_eq!(
            &s[*at..*at + u.len],
            "//ok1static.oktacdn.com/assets/js/sdk/okta-signin-widget/2.6.0/css/okta-theme.css"
        );
        assert_eq!(u.file, "css/okta-theme.css");
    }
}
