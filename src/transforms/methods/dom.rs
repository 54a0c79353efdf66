//! The page's DOM in app code: whether a handler edits it (M14), and queries for markup
//! only Classic Engine renders (S5, S6, S9) with what Identity Engine renders instead.

use super::{Cx, Selector};
use crate::instances::FnNode;
use crate::locate::{unwrap_expr, unwrap_literal};
use crate::rules::rule;
use std::ops::Range;
use swc_common::Spanned;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// Methods that read or change elements (DOM and jQuery).
const DOM_METHODS: [&str; 22] = [
    "querySelector",
    "querySelectorAll",
    "getElementById",
    "getElementsByClassName",
    "getElementsByTagName",
    "appendChild",
    "removeChild",
    "insertBefore",
    "replaceChild",
    "insertAdjacentHTML",
    "insertAdjacentElement",
    "insertAdjacentText",
    "setAttribute",
    "removeAttribute",
    "toggleAttribute",
    "replaceWith",
    "addClass",
    "removeClass",
    "toggleClass",
    "prependTo",
    "appendTo",
    "attr",
];

/// Element properties whose use means the code works on elements.
const DOM_PROPS: [&str; 8] = [
    "classList",
    "style",
    "innerHTML",
    "outerHTML",
    "textContent",
    "innerText",
    "parentNode",
    "parentElement",
];

/// The first place the body of `f` touches the DOM, skipping calls on widget instances.
pub fn first_dom_access(cx: &Cx<'_>, f: FnNode<'_>) -> Option<Range<usize>> {
    let mut v = DomFinder { cx, found: None };
    f.visit_body(&mut v);
    v.found
}

struct DomFinder<'a, 'b> {
    cx: &'a Cx<'b>,
    found: Option<Range<usize>>,
}

impl DomFinder<'_, '_> {
    fn hit(&mut self, span: swc_common::Span) {
        if self.found.is_none() {
            self.found = Some(self.cx.parsed.range(span));
        }
    }
}

impl Visit for DomFinder<'_, '_> {
    fn visit_call_expr(&mut self, n: &CallExpr) {
        if self.found.is_some() {
            return;
        }
        if let Callee::Expr(callee) = &n.callee {
            match unwrap_expr(callee) {
                Expr::Ident(i) if matches!(&*i.sym, "$" | "jQuery") => return self.hit(n.span),
                Expr::Member(m)
                    if DOM_METHODS.iter().any(|d| m.prop.is_ident_with(d))
                        && self.cx.inst.instance_of(&m.obj).is_none() =>
                {
                    return self.hit(n.span)
                }
                _ => {}
            }
        }
        n.visit_children_with(self);
    }

    fn visit_member_expr(&mut self, n: &MemberExpr) {
        if self.found.is_some() {
            return;
        }
        let on_document = matches!(unwrap_expr(&n.obj), Expr::Ident(i) if &*i.sym == "document");
        if on_document || DOM_PROPS.iter().any(|p| n.prop.is_ident_with(p)) {
            return self.hit(n.span);
        }
        n.visit_children_with(self);
    }
}

/// What a call queries: a CSS selector, an element id or class names.
enum Query {
    Selector,
    Id,
    Classes,
}

fn query_of(call: &CallExpr) -> Option<(Query, &Expr)> {
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    let arg = call.args.first().filter(|a| a.spread.is_none())?;
    let kind = match unwrap_expr(callee) {
        Expr::Ident(i) if matches!(&*i.sym, "$" | "jQuery") => Query::Selector,
        Expr::Member(m) => {
            let name = match &m.prop {
                MemberProp::Ident(i) => &*i.sym,
                _ => return None,
            };
            match name {
                "querySelector" | "querySelectorAll" | "closest" | "matches" | "find"
                | "children" | "is" | "not" | "has" => Query::Selector,
                "getElementById" => Query::Id,
                "getElementsByClassName" => Query::Classes,
                _ => return None,
            }
        }
        _ => return None,
    };
    Some((kind, &arg.expr))
}

/// The `#id` and `.class` tokens of a selector.
fn tokens(selector: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = selector.chars().collect();
    let mut i = 0;
    let mut depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '[' {
            depth += 1;
            i += 1;
        } else if c == ']' {
            depth = depth.saturating_sub(1);
            i += 1;
        } else if depth == 0 && (c == '#' || c == '.') && i + 1 < chars.len() {
            let start = i;
            i += 1;
            while i < chars.len()
                && (chars[i].is_ascii_alphanumeric() || chars[i] == '-' || chars[i] == '_')
            {
                i += 1;
            }
            if i > start + 1 {
                out.push(chars[start..i].iter().collect());
            }
        } else {
            i += 1;
        }
    }
    out
}

/// `methods/classic-selector`: a DOM query whose literal names Classic markup.
pub fn classic_selector(cx: &mut Cx<'_>, call: &CallExpr) {
    let meta = rule("methods/classic-selector");
    if !cx.ctx.enabled(meta) {
        return;
    }
    let Some((kind, arg)) = query_of(call) else {
        return;
    };
    let Some(value) = unwrap_literal(arg) else {
        return;
    };
    let names = match kind {
        Query::Selector => tokens(&value),
        Query::Id => vec![format!("#{}", value.trim())],
        Query::Classes => value.split_whitespace().map(|c| format!(".{c}")).collect(),
    };
    let gen3 = cx.ctx.target.gen3;
    for name in names {
        let Some(row) = cx.table.selectors.iter().find(|s| s.classic == name) else {
            continue;
        };
        let Some(message) = selector_message(row, gen3) else {
            continue;
        };
        let range = cx.parsed.range(arg.span());
        cx.manual(meta, &row.kb, message, range);
    }
}

fn selector_message(row: &Selector, gen3: bool) -> Option<String> {
    let what = format!("`{}` ({})", row.classic, row.what);
    if gen3 {
        return Some(match &row.gen3 {
            Some(sel) => format!(
                "{what} is not in the third-generation widget's markup; it renders it as `{sel}` ({})",
                row.kb
            ),
            None => format!(
                "{what} is not in the third-generation widget's markup, which has no stable selector for it ({}): change it with afterTransform instead of the DOM",
                row.kb
            ),
        });
    }
    Some(match row.oie.clone()? {
        Some(sel) => format!(
            "{what} is Classic Engine markup; Identity Engine renders it as `{sel}` ({})",
            row.kb
        ),
        None => format!(
            "{what} is Classic Engine markup with no Identity Engine counterpart ({})",
            row.kb
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selector_tokens() {
        assert_eq!(
            tokens("#okta-sign-in .o-form-button-bar > a.registration-link:hover"),
            vec!["#okta-sign-in", ".o-form-button-bar", ".registration-link"]
        );
        assert!(tokens("a[href='x.y']").is_empty());
        assert_eq!(tokens(":not(.a) .b"), vec![".a", ".b"]);
        assert!(tokens("div").is_empty());
    }
}
