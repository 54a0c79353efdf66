//! How a callback uses one of its parameters: the fields it reads (`res.session`), the
//! methods it calls on it (`res.session.setCookieAndRedirect(…)`), and the string
//! literals it compares fields with (`ctx.controller === 'primary-auth'`, `switch`).

use crate::instances::FnNode;
use crate::lang::js::Parsed;
use crate::locate::{unwrap_expr, unwrap_literal};
use std::ops::Range;
use swc_common::Spanned;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// A string literal the code compares with.
#[derive(Debug, Clone)]
pub struct Literal {
    pub value: String,
    pub range: Range<usize>,
    /// The quote it is written with (`` ` `` for a template).
    pub quote: char,
}

#[derive(Debug, Clone)]
pub enum UseKind {
    /// Any other use (read, passed on, assigned).
    Read,
    /// `P.a.b(…)`: the range of the call and of its arguments.
    Called {
        call: Range<usize>,
        args: Vec<Range<usize>>,
    },
    /// `P.a === 'x'` (or `==`, `!==`, `!=`, either side): the whole comparison.
    Compared { literal: Literal, bin: Range<usize> },
    /// `switch (P.a) { case 'x': … }`: the string cases.
    Switched { cases: Vec<Literal> },
}

/// Field names of a chain, each with the range of its name.
pub type Fields = Vec<(String, Range<usize>)>;

/// One use of the parameter.
#[derive(Debug, Clone)]
pub struct Use {
    /// `P.a.b`: each field name with the range of its name.
    pub fields: Fields,
    /// The whole chain `P.a.b` (`P` alone when there is no field).
    pub range: Range<usize>,
    pub kind: UseKind,
}

impl Use {
    pub fn field(&self, i: usize) -> Option<&str> {
        self.fields.get(i).map(|(f, _)| f.as_str())
    }
}

/// How the parameter is declared.
#[derive(Debug, Clone)]
pub enum Param {
    /// No such parameter.
    Missing,
    /// `name` (or `name = default`).
    Ident { name: String, range: Range<usize> },
    /// `{ a, b: c }`: each key with the range of the property and whether it is shorthand.
    Object(Vec<PatKey>),
    /// An array or rest pattern.
    Other,
}

#[derive(Debug, Clone)]
pub struct PatKey {
    pub key: String,
    pub key_range: Range<usize>,
    pub shorthand: bool,
}

/// The parameter at `index` of `f` and its uses in the body.
pub fn param_uses(parsed: &Parsed, text: &str, f: FnNode<'_>, index: usize) -> (Param, Vec<Use>) {
    let param = match f.param(index) {
        None => Param::Missing,
        Some(p) => pat_param(parsed, p),
    };
    let Param::Ident { name, .. } = &param else {
        return (param, Vec::new());
    };
    let mut v = Uses {
        parsed,
        text,
        name: name.clone(),
        out: Vec::new(),
    };
    f.visit_body(&mut v);
    (param, v.out)
}

fn pat_param(parsed: &Parsed, p: &Pat) -> Param {
    match p {
        Pat::Ident(b) => Param::Ident {
            name: b.id.sym.to_string(),
            range: parsed.range(b.id.span),
        },
        Pat::Assign(a) => pat_param(parsed, &a.left),
        Pat::Object(o) => {
            let mut keys = Vec::new();
            for p in &o.props {
                match p {
                    ObjectPatProp::Assign(a) => keys.push(PatKey {
                        key: a.key.sym.to_string(),
                        key_range: parsed.range(a.key.span),
                        shorthand: true,
                    }),
                    ObjectPatProp::KeyValue(kv) => match &kv.key {
                        PropName::Ident(i) => keys.push(PatKey {
                            key: i.sym.to_string(),
                            key_range: parsed.range(i.span),
                            shorthand: false,
                        }),
                        _ => return Param::Other,
                    },
                    ObjectPatProp::Rest(_) => return Param::Other,
                }
            }
            Param::Object(keys)
        }
        _ => Param::Other,
    }
}

/// Whether a pattern binds `name`.
fn binds(p: &Pat, name: &str) -> bool {
    match p {
        Pat::Ident(b) => &*b.id.sym == name,
        Pat::Assign(a) => binds(&a.left, name),
        Pat::Array(a) => a.elems.iter().flatten().any(|p| binds(p, name)),
        Pat::Rest(r) => binds(&r.arg, name),
        Pat::Object(o) => o.props.iter().any(|p| match p {
            ObjectPatProp::KeyValue(kv) => binds(&kv.value, name),
            ObjectPatProp::Assign(a) => &*a.key.sym == name,
            ObjectPatProp::Rest(r) => binds(&r.arg, name),
        }),
        _ => false,
    }
}

struct Uses<'p> {
    parsed: &'p Parsed,
    text: &'p str,
    name: String,
    out: Vec<Use>,
}

impl Uses<'_> {
    /// `P.a.b` → the fields and the range of the chain.
    fn chain(&self, e: &Expr) -> Option<(Fields, Range<usize>)> {
        match unwrap_expr(e) {
            Expr::Ident(i) if *i.sym == *self.name => Some((Vec::new(), self.parsed.range(i.span))),
            Expr::Member(m) => self.member_chain(m),
            _ => None,
        }
    }

    fn member_chain(&self, m: &MemberExpr) -> Option<(Fields, Range<usize>)> {
        let (name, range) = match &m.prop {
            MemberProp::Ident(p) => (p.sym.to_string(), self.parsed.range(p.span)),
            MemberProp::Computed(c) => (unwrap_literal(&c.expr)?, self.parsed.range(c.expr.span())),
            MemberProp::PrivateName(_) => return None,
        };
        let (mut fields, _) = self.chain(&m.obj)?;
        fields.push((name, range));
        Some((fields, self.parsed.range(m.span)))
    }

    fn literal(&self, e: &Expr) -> Option<Literal> {
        let value = unwrap_literal(e)?;
        let range = self.parsed.range(unwrap_expr(e).span());
        let quote = self
            .text
            .get(range.start..)
            .and_then(|t| t.chars().next())
            .unwrap_or('\'');
        Some(Literal {
            value,
            range,
            quote,
        })
    }

    fn push(&mut self, fields: Fields, range: Range<usize>, kind: UseKind) {
        self.out.push(Use {
            fields,
            range,
            kind,
        });
    }
}

impl Visit for Uses<'_> {
    fn visit_bin_expr(&mut self, n: &BinExpr) {
        if matches!(
            n.op,
            BinaryOp::EqEq | BinaryOp::EqEqEq | BinaryOp::NotEq | BinaryOp::NotEqEq
        ) {
            let pair = match (self.chain(&n.left), self.chain(&n.right)) {
                (Some(c), None) => self.literal(&n.right).map(|l| (c, l)),
                (None, Some(c)) => self.literal(&n.left).map(|l| (c, l)),
                _ => None,
            };
            if let Some(((fields, range), literal)) = pair {
                let bin = self.parsed.range(n.span);
                self.push(fields, range, UseKind::Compared { literal, bin });
                return;
            }
        }
        n.visit_children_with(self);
    }

    fn visit_switch_stmt(&mut self, n: &SwitchStmt) {
        if let Some((fields, range)) = self.chain(&n.discriminant) {
            let cases = n
                .cases
                .iter()
                .filter_map(|c| c.test.as_deref().and_then(|t| self.literal(t)))
                .collect();
            self.push(fields, range, UseKind::Switched { cases });
            for c in &n.cases {
                c.cons.visit_with(self);
            }
            return;
        }
        n.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, n: &CallExpr) {
        if let Callee::Expr(callee) = &n.callee {
            if let Some((fields, range)) = self.chain(callee) {
                let call = self.parsed.range(n.span);
                let args = n.args.iter().map(|a| self.parsed.range(a.span())).collect();
                self.push(fields, range, UseKind::Called { call, args });
                n.args.visit_with(self);
                return;
            }
        }
        n.visit_children_with(self);
    }

    fn visit_member_expr(&mut self, n: &MemberExpr) {
        match self.member_chain(n) {
            Some((fields, range)) => self.push(fields, range, UseKind::Read),
            None => n.visit_children_with(self),
        }
    }

    fn visit_ident(&mut self, n: &Ident) {
        if *n.sym == *self.name {
            self.push(Vec::new(), self.parsed.range(n.span), UseKind::Read);
        }
    }

    fn visit_function(&mut self, n: &Function) {
        if !n.params.iter().any(|p| binds(&p.pat, &self.name)) {
            n.visit_children_with(self);
        }
    }

    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        if !n.params.iter().any(|p| binds(p, &self.name)) {
            n.visit_children_with(self);
        }
    }
}
