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
    /// The scopes of each name's declarations, and the functions, indexed by nesting.
    name_nests: HashMap<String, Nest>,
    this_nest: Nest,
    /// Ranges looked at by lookups so far: a count of work the tests bound.
    pub steps: std::cell::Cell<usize>,
}

pub(super) fn key(r: &Range<usize>) -> (usize, usize) {
    (r.start, r.end)
}

impl Scopes {
    pub fn lookup(&self, name: &str, pos: usize) -> Root {
        self.name_nests
            .get(name)
            .and_then(|nest| nest.innermost(pos, &self.steps))
            .map_or_else(|| Root::Global(name.to_string()), Root::Decl)
    }

    pub fn this_owner(&self, pos: usize) -> Option<usize> {
        self.this_nest
            .innermost(pos, &self.steps)
            .and_then(|i| self.this_fns[i].1)
    }

    /// Builds the indexes once every declaration is in.
    fn index(&mut self) {
        for (name, ids) in &self.by_name {
            let ranges = ids.iter().map(|&i| (self.decls[i].scope.clone(), i));
            self.name_nests.insert(name.clone(), Nest::new(ranges));
        }
        let fns = self.this_fns.iter().enumerate();
        self.this_nest = Nest::new(fns.map(|(i, (r, _))| (r.clone(), i)));
    }
}

/// Ranges that nest as the code's scopes do (any two nested or apart), indexed to find
/// the innermost one holding a position by a binary search and a walk out through the
/// ranges around it: a scan of every declaration of a name per identifier made the
/// methods pass quadratic in the number of functions (`a`, `b`, `e` in each).
#[derive(Default)]
struct Nest {
    /// The ranges by start, longer first, each with its id (ids given in rising order).
    ranges: Vec<(Range<usize>, usize)>,
    /// For each range, the nearest one holding it.
    parent: Vec<Option<usize>>,
    /// Two ranges overlap without nesting: lookups scan, as they did before.
    tangled: bool,
}

impl Nest {
    fn new(ranges: impl Iterator<Item = (Range<usize>, usize)>) -> Nest {
        let mut ranges: Vec<_> = ranges.collect();
        ranges.sort_by_key(|(r, id)| (r.start, std::cmp::Reverse(r.end), *id));
        let mut parent = Vec::with_capacity(ranges.len());
        let mut open: Vec<usize> = Vec::new();
        let mut tangled = false;
        for (k, (r, _)) in ranges.iter().enumerate() {
            while let Some(&top) = open.last() {
                let t = &ranges[top].0;
                if r.end <= t.end {
                    break;
                }
                tangled |= r.start < t.end;
                open.pop();
            }
            parent.push(open.last().copied());
            open.push(k);
        }
        Nest {
            ranges,
            parent,
            tangled,
        }
    }

    /// The id of the shortest range holding `pos` (the lowest id among equal ones);
    /// `steps` counts the ranges looked at.
    fn innermost(&self, pos: usize, steps: &std::cell::Cell<usize>) -> Option<usize> {
        let step = || steps.set(steps.get() + 1);
        if self.tangled {
            steps.set(steps.get() + self.ranges.len());
            return self
                .ranges
                .iter()
                .filter(|(r, _)| r.contains(&pos))
                .min_by_key(|(r, id)| (r.len(), *id))
                .map(|(_, id)| *id);
        }
        let mut k = self
            .ranges
            .partition_point(|(r, _)| r.start <= pos)
            .checked_sub(1)?;
        step();
        while !self.ranges[k].0.contains(&pos) {
            k = self.parent[k]?;
            step();
        }
        while let Some(p) = self.parent[k].filter(|&p| self.ranges[p].0 == self.ranges[k].0) {
            k = p;
        }
        Some(self.ranges[k].1)
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
    sc.s.index();
    sc.s
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The innermost range by a scan, as lookups were made before the index.
    fn scan(ranges: &[Range<usize>], pos: usize) -> Option<usize> {
        (0..ranges.len())
            .filter(|&i| ranges[i].contains(&pos))
            .min_by_key(|&i| ranges[i].len())
    }

    #[test]
    fn the_nest_finds_what_a_scan_finds() {
        let nested = [
            0..100,
            10..20,
            10..20,
            12..15,
            30..60,
            30..40,
            45..60,
            60..70,
            5..5,
            0..100,
        ];
        let tangled = [0..10, 5..15, 12..20, 5..15];
        for ranges in [&nested[..], &tangled[..]] {
            let nest = Nest::new(ranges.iter().cloned().zip(0..));
            assert_eq!(nest.tangled, ranges.len() == tangled.len());
            let steps = std::cell::Cell::new(0);
            for pos in 0..110 {
                let found = nest.innermost(pos, &steps);
                assert_eq!(found, scan(ranges, pos), "{ranges:?} at {pos}");
            }
        }
    }
}
