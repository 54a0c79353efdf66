//! METHODS rules (M1–M16 of the knowledge base): calls on widget instances and their
//! events. `renderEl` becomes `showSignIn(…).then(…).catch(…)` (M1) or is reported with
//! what to write instead (M2, M10), `setCookieAndRedirect(url)` (M3), `hasTokensInUrl`
//! (M6), `tokenManager.refresh` (M8), `pageRendered` handlers (M11), `context.controller`
//! checks (M12), Classic `afterError` fields (M13), DOM edits the third generation
//! reverts (M14), a second render (M16), and DOM queries for Classic markup (S5, S6, S9).
//!
//! Only calls on expressions that hold a widget instance ([`crate::instances`]) are
//! looked at. New code is printed with swc_ecma_codegen around the original text of the
//! callbacks and arguments ([`crate::lang::print`]).

mod callbacks;
mod dom;
mod events;
mod render;
mod tokens;
mod uses;

use super::Findings;
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix, Safety};
use crate::instances::{Instance, Instances};
use crate::lang::js::Parsed;
use crate::lang::print::Layout;
use crate::locate::{unwrap_expr, ConfigView, Located};
use crate::rules::{Ctx, RuleMeta};
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::sync::LazyLock;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

pub const TABLE_JSON: &str = include_str!("../../../transforms/methods.json");

/// A row of the M-map: the Classic controller name Identity Engine reports for a form.
#[derive(Debug, Deserialize)]
pub struct ControllerRow {
    pub form: String,
    /// Authenticator keys (or phone method types) the mapping needs; the form's own name
    /// when it needs none.
    pub keys: Vec<String>,
    #[serde(default)]
    pub recovery: bool,
    pub controller: String,
}

#[derive(Debug, Deserialize)]
pub struct EventRename {
    pub kb: String,
    pub from: String,
    pub to: String,
    /// Fields of the handler's first argument that were renamed with the event.
    pub fields: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
pub struct Selector {
    pub classic: String,
    pub kb: String,
    pub what: String,
    /// Absent: unchanged on Identity Engine Gen2; `null`: gone.
    #[serde(default, deserialize_with = "present")]
    pub oie: Option<Option<String>>,
    /// The third generation's selector, `null` when it has no stable one.
    pub gen3: Option<String>,
}

fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Option::<String>::deserialize(d).map(Some)
}

#[derive(Debug, Deserialize)]
pub struct Table {
    pub controllers: Vec<ControllerRow>,
    pub events: Vec<EventRename>,
    /// Classic afterError field → its Identity Engine path (`None`: no equivalent).
    pub error_fields: BTreeMap<String, Option<String>>,
    pub session_fields: Vec<String>,
    pub statuses: Vec<String>,
    pub render_options: Vec<String>,
    pub selectors: Vec<Selector>,
}

pub static TABLE: LazyLock<Table> = LazyLock::new(|| {
    serde_json::from_str(TABLE_JSON)
        .unwrap_or_else(|e| panic!("transforms/methods.json is invalid: {e}"))
});

/// Where an expression statement sits: its statement list and index in it.
#[derive(Debug, Clone, Copy)]
struct StmtPos {
    list: usize,
    index: usize,
    /// The statement is the call itself (not a `.then(…)` chain on it).
    whole: bool,
}

/// A call that renders the widget (`renderEl`, `showSignIn*`).
struct RenderSite {
    inst: Instance,
    range: Range<usize>,
    method: String,
    pos: Option<StmtPos>,
}

/// The state of one run over a program.
pub struct Cx<'a> {
    pub parsed: &'a Parsed,
    pub text: &'a str,
    pub ctx: Ctx<'a>,
    pub located: &'a Located<'a>,
    pub inst: Instances<'a>,
    pub layout: Layout,
    pub table: &'static Table,
    out: &'a mut Findings,
    stmt_of: HashMap<(usize, usize), StmtPos>,
    lists: usize,
    /// Calls whose promise is awaited or chained (`await x()`, `x().then(…)`).
    awaited: HashSet<(usize, usize)>,
    renders: Vec<RenderSite>,
    removes: Vec<(Instance, usize)>,
}

pub fn run(parsed: &Parsed, located: &Located<'_>, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    if !ctx
        .target
        .sections
        .contains(&crate::rules::Section::Methods)
    {
        return;
    }
    let mut cx = Cx {
        parsed,
        text,
        ctx: *ctx,
        located,
        inst: Instances::track(parsed, &located.classes),
        layout: Layout::of(text),
        table: &TABLE,
        out,
        stmt_of: HashMap::new(),
        lists: 0,
        awaited: HashSet::new(),
        renders: Vec::new(),
        removes: Vec::new(),
    };
    parsed.program.visit_with(&mut cx);
    render::second_render(&mut cx);
}

fn key(r: &Range<usize>) -> (usize, usize) {
    (r.start, r.end)
}

/// `x.then(…)` / `.catch` / `.finally` chains down to the call they start from.
fn chain_base(e: &Expr) -> Option<&CallExpr> {
    let Expr::Call(call) = unwrap_expr(e) else {
        return None;
    };
    if let Callee::Expr(callee) = &call.callee {
        if let Expr::Member(m) = unwrap_expr(callee) {
            if ["then", "catch", "finally"]
                .iter()
                .any(|p| m.prop.is_ident_with(p))
            {
                if let Some(inner) = chain_base(&m.obj) {
                    return Some(inner);
                }
            }
        }
    }
    Some(call)
}

/// The method name of `obj.name(…)` with the object.
fn method_call(call: &CallExpr) -> Option<(&str, &MemberExpr)> {
    let Callee::Expr(callee) = &call.callee else {
        return None;
    };
    let Expr::Member(m) = unwrap_expr(callee) else {
        return None;
    };
    match &m.prop {
        MemberProp::Ident(i) => Some((&*i.sym, m)),
        _ => None,
    }
}

impl<'a> Cx<'a> {
    pub fn range(&self, node: &impl swc_common::Spanned) -> Range<usize> {
        self.parsed.range_of(node)
    }

    pub fn src(&self, r: &Range<usize>) -> &'a str {
        self.text.get(r.clone()).unwrap_or("")
    }

    pub fn manual(
        &mut self,
        meta: &'static RuleMeta,
        kb: &str,
        message: String,
        range: Range<usize>,
    ) {
        self.out
            .diagnostics
            .push(Diagnostic::manual(meta, kb, message, range));
    }

    pub fn fix(
        &mut self,
        meta: &'static RuleMeta,
        kb: &str,
        safety: Safety,
        message: String,
        edits: Vec<Edit>,
    ) {
        self.out.fixes.push(Fix {
            follow_up: None,
            rule: meta.id.as_str(),
            kb: kb.to_string(),
            safety,
            message,
            edits,
        });
    }

    /// The configuration of the instance, when it comes from one visible constructor call.
    pub fn config(&self, inst: &Instance) -> Option<ConfigView<'a>> {
        match self.inst.origins(inst).as_slice() {
            [one] => self.located.config_of(one),
            _ => None,
        }
    }
}

impl Visit for Cx<'_> {
    fn visit_stmts(&mut self, n: &[Stmt]) {
        let list = self.lists;
        self.lists += 1;
        for (index, s) in n.iter().enumerate() {
            if let Stmt::Expr(e) = s {
                self.note_stmt(&e.expr, list, index);
            }
        }
        n.iter().for_each(|s| s.visit_with(self));
    }

    fn visit_module_items(&mut self, n: &[ModuleItem]) {
        let list = self.lists;
        self.lists += 1;
        for (index, s) in n.iter().enumerate() {
            if let ModuleItem::Stmt(Stmt::Expr(e)) = s {
                self.note_stmt(&e.expr, list, index);
            }
        }
        n.iter().for_each(|s| s.visit_with(self));
    }

    fn visit_await_expr(&mut self, n: &AwaitExpr) {
        if let Expr::Call(c) = unwrap_expr(&n.arg) {
            let r = self.range(c);
            self.awaited.insert(key(&r));
        }
        n.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, n: &CallExpr) {
        dom::classic_selector(self, n);
        if let Some((name, m)) = method_call(n) {
            if matches!(name, "then" | "catch" | "finally") {
                if let Expr::Call(inner) = unwrap_expr(&m.obj) {
                    let r = self.range(inner);
                    self.awaited.insert(key(&r));
                }
                callbacks::chain_link(self, n, name, m);
                if name == "then" {
                    tokens::parse_from_url_then(self, n, m);
                }
            }
            match self.inst.instance_of(&m.obj) {
                Some(inst) => match name {
                    "renderEl" => render::render_el(self, n, m, inst),
                    "showSignIn" | "showSignInToGetTokens" | "showSignInAndRedirect" => {
                        render::note_render(self, n, name, inst)
                    }
                    "remove" => {
                        let at = self.range(n).start;
                        self.removes.push((inst, at));
                    }
                    "on" | "once" | "off" => events::event(self, n, name, &inst),
                    "before" | "after" => events::hook(self, n, name),
                    "hasTokensInUrl" => {
                        tokens::has_tokens_in_url(self, n, m);
                        let r = self.range(n);
                        tokens::interaction_required(self, name, r);
                    }
                    _ => {}
                },
                None => {
                    tokens::redirect_call(self, n, name, m);
                    tokens::token_call(self, n, name, m)
                }
            }
        }
        n.visit_children_with(self);
    }
}

impl Cx<'_> {
    fn note_stmt(&mut self, e: &Expr, list: usize, index: usize) {
        if let Some(base) = chain_base(e) {
            let whole = matches!(unwrap_expr(e), Expr::Call(c) if std::ptr::eq(c, base));
            let r = self.range(base);
            self.stmt_of.insert(key(&r), StmtPos { list, index, whole });
        }
    }
}
