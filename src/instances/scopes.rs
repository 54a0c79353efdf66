//! Declarations with the range of code that sees them, and the object `this` stands for
//! in each function: enough scope analysis to give variables and `this.x` fields an
//! identity, without swc's resolver.

use super::Root;
use crate::lang::js::Parsed;
use crate::locate::unwrap_expr;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use swc_common::{Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

pub(super) struct Decl {
    scope: Range<usize>,
    /// The function node it names (`function f`, `const f = () => …`).
    pub func: Option<Range<usize>>,
}

/// Declarations and `this` owners of one program.
#[derive(Default)]
pub(super) struct Scopes {
    pub decls: Vec<Decl>,
    by_name: HashMap<String, Vec<usize>>,
    /// Every non-arrow function with the class or object its `this` is, when known.
    this_fns: Vec<(Range<usize>, Option<usize>)>,
    /// Parameters of each function (by its range): the declaration of each simple one.
    pub params: HashMap<(usize, usize), Vec<Option<usize>>>,
}

pub(super) fn key(r: &Range<usize>) -> (usize, usize) {
    (r.start, r.end)
}

impl Scopes {
    pub fn lookup(&self, name: &str, pos: usize) -> Root {
        self.by_name
            .get(name)
            .and_then(|ids| {
                ids.iter()
                    .copied()
                    .filter(|&i| self.decls[i].scope.contains(&pos))
                    .min_by_key(|&i| self.decls[i].scope.len())
            })
            .map_or_else(|| Root::Global(name.to_string()), Root::Decl)
    }

    pub fn this_owner(&self, pos: usize) -> Option<usize> {
        self.this_fns
            .iter()
            .filter(|(r, _)| r.contains(&pos))
            .min_by_key(|(r, _)| r.len())
            .and_then(|(_, owner)| *owner)
    }
}

struct ScopeCollector<'p> {
    parsed: &'p Parsed,
    s: Scopes,
    fn_stack: Vec<Range<usize>>,
    block_stack: Vec<Range<usize>>,
    owned: HashSet<(usize, usize)>,
}

impl ScopeCollector<'_> {
    fn range(&self, span: Span) -> Range<usize> {
        self.parsed.range(span)
    }

    fn declare(&mut self, name: &str, scope: Range<usize>, func: Option<Range<usize>>) -> usize {
        let id = self.s.decls.len();
        self.s.decls.push(Decl { scope, func });
        self.s.by_name.entry(name.to_string()).or_default().push(id);
        id
    }

    /// Declares every name a pattern binds; the declaration of a simple `name` (or
    /// `name = default`) pattern is returned.
    fn bind(
        &mut self,
        pat: &Pat,
        scope: &Range<usize>,
        func: Option<Range<usize>>,
    ) -> Option<usize> {
        match pat {
            Pat::Ident(b) => Some(self.declare(&b.id.sym, scope.clone(), func)),
            Pat::Assign(a) => self.bind(&a.left, scope, None),
            Pat::Array(a) => {
                for p in a.elems.iter().flatten() {
                    self.bind(p, scope, None);
                }
                None
            }
            Pat::Object(o) => {
                for p in &o.props {
                    match p {
                        ObjectPatProp::KeyValue(kv) => {
                            self.bind(&kv.value, scope, None);
                        }
                        ObjectPatProp::Assign(a) => {
                            self.declare(&a.key.sym, scope.clone(), None);
                        }
                        ObjectPatProp::Rest(r) => {
                            self.bind(&r.arg, scope, None);
                        }
                    }
                }
                None
            }
            Pat::Rest(r) => self.bind(&r.arg, scope, None),
            Pat::Expr(_) | Pat::Invalid(_) => None,
        }
    }

    fn with_scope(&mut self, r: Range<usize>, function: bool, f: impl FnOnce(&mut Self)) {
        if function {
            self.fn_stack.push(r.clone());
        }
        self.block_stack.push(r);
        f(self);
        self.block_stack.pop();
        if function {
            self.fn_stack.pop();
        }
    }

    fn function_like<'a>(
        &mut self,
        span: Span,
        params: impl Iterator<Item = &'a Pat>,
    ) -> Range<usize> {
        let r = self.range(span);
        let ids = params.map(|p| self.bind(p, &r, None)).collect();
        self.s.params.insert(key(&r), ids);
        r
    }

    fn own(&mut self, r: Range<usize>, owner: usize) {
        if self.owned.insert(key(&r)) {
            self.s.this_fns.push((r, Some(owner)));
        }
    }
}

fn fn_range_of(parsed: &Parsed, e: &Expr) -> Option<Range<usize>> {
    match unwrap_expr(e) {
        Expr::Fn(f) => Some(parsed.range(f.function.span)),
        Expr::Arrow(a) => Some(parsed.range(a.span)),
        _ => None,
    }
}

impl Visit for ScopeCollector<'_> {
    fn visit_fn_decl(&mut self, n: &FnDecl) {
        let scope = self.block_stack.last().cloned().unwrap_or(0..usize::MAX);
        let func = self.range(n.function.span);
        self.declare(&n.ident.sym, scope, Some(func));
        n.function.visit_with(self);
    }

    fn visit_function(&mut self, n: &Function) {
        let r = self.range(n.span);
        if !self.owned.contains(&key(&r)) {
            self.s.this_fns.push((r.clone(), None));
        }
        self.with_scope(r, true, |me| {
            me.function_like(n.span, n.params.iter().map(|p| &p.pat));
            n.visit_children_with(me);
        });
    }

    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        let r = self.range(n.span);
        self.with_scope(r, true, |me| {
            me.function_like(n.span, n.params.iter());
            n.visit_children_with(me);
        });
    }

    fn visit_constructor(&mut self, n: &Constructor) {
        let r = self.range(n.span);
        self.with_scope(r, true, |me| {
            let pats: Vec<&Pat> = n
                .params
                .iter()
                .filter_map(|p| match p {
                    ParamOrTsParamProp::Param(p) => Some(&p.pat),
                    ParamOrTsParamProp::TsParamProp(_) => None,
                })
                .collect();
            me.function_like(n.span, pats.into_iter());
            n.visit_children_with(me);
        });
    }

    fn visit_block_stmt(&mut self, n: &BlockStmt) {
        let r = self.range(n.span);
        self.with_scope(r, false, |me| n.visit_children_with(me));
    }

    fn visit_for_stmt(&mut self, n: &ForStmt) {
        let r = self.range(n.span);
        self.with_scope(r, false, |me| n.visit_children_with(me));
    }

    fn visit_for_in_stmt(&mut self, n: &ForInStmt) {
        let r = self.range(n.span);
        self.with_scope(r, false, |me| n.visit_children_with(me));
    }

    fn visit_for_of_stmt(&mut self, n: &ForOfStmt) {
        let r = self.range(n.span);
        self.with_scope(r, false, |me| n.visit_children_with(me));
    }

    fn visit_catch_clause(&mut self, n: &CatchClause) {
        let r = self.range(n.span);
        self.with_scope(r.clone(), false, |me| {
            if let Some(p) = &n.param {
                me.bind(p, &r, None);
            }
            n.visit_children_with(me);
        });
    }

    fn visit_var_decl(&mut self, n: &VarDecl) {
        let scope = match n.kind {
            VarDeclKind::Var => self.fn_stack.last(),
            _ => self.block_stack.last(),
        }
        .cloned()
        .unwrap_or(0..usize::MAX);
        for d in &n.decls {
            let func = d.init.as_ref().and_then(|i| fn_range_of(self.parsed, i));
            self.bind(&d.name, &scope, func);
        }
        n.visit_children_with(self);
    }

    fn visit_class_decl(&mut self, n: &ClassDecl) {
        let scope = self.block_stack.last().cloned().unwrap_or(0..usize::MAX);
        self.declare(&n.ident.sym, scope, None);
        n.class.visit_with(self);
    }

    fn visit_import_decl(&mut self, n: &ImportDecl) {
        for s in &n.specifiers {
            let local = match s {
                ImportSpecifier::Named(x) => &x.local,
                ImportSpecifier::Default(x) => &x.local,
                ImportSpecifier::Namespace(x) => &x.local,
            };
            self.declare(&local.sym, 0..usize::MAX, None);
        }
    }

    fn visit_class(&mut self, n: &Class) {
        let owner = self.range(n.span).start;
        for m in &n.body {
            let r = match m {
                ClassMember::Method(m) => Some(self.range(m.function.span)),
                ClassMember::PrivateMethod(m) => Some(self.range(m.function.span)),
                ClassMember::Constructor(c) => Some(self.range(c.span)),
                ClassMember::ClassProp(p) => p.value.as_ref().map(|v| self.range(v.span())),
                ClassMember::PrivateProp(p) => p.value.as_ref().map(|v| self.range(v.span())),
                _ => None,
            };
            if let Some(r) = r {
                self.own(r, owner);
            }
        }
        n.visit_children_with(self);
    }

    fn visit_object_lit(&mut self, n: &ObjectLit) {
        let owner = self.range(n.span).start;
        for p in &n.props {
            let PropOrSpread::Prop(p) = p else { continue };
            let r = match &**p {
                Prop::Method(m) => Some(self.range(m.function.span)),
                Prop::Getter(g) => Some(self.range(g.span)),
                Prop::Setter(s) => Some(self.range(s.span)),
                Prop::KeyValue(kv) => match unwrap_expr(&kv.value) {
                    Expr::Fn(f) => Some(self.range(f.function.span)),
                    _ => None,
                },
                _ => None,
            };
            if let Some(r) = r {
                self.own(r, owner);
            }
        }
        n.visit_children_with(self);
    }
}

/// The declarations and `this` owners of a program.
pub(super) fn collect(parsed: &Parsed) -> Scopes {
    let mut sc = ScopeCollector {
        parsed,
        s: Scopes::default(),
        fn_stack: Vec::new(),
        block_stack: Vec::new(),
        owned: HashSet::new(),
    };
    parsed.program.visit_with(&mut sc);
    sc.s
}
