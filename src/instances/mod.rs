//! Which expressions of a file hold a widget instance.
//!
//! A light scope analysis (declarations with the range where they are visible, and the
//! object `this` stands for in each function) gives every variable, `this.x` field and
//! `ref.current` an identity, a [`Path`]. A path holds an instance when the file assigns
//! it `new OktaSignIn(…)` (under any local name of the class, see
//! [`crate::locate::WidgetClasses`]), `useRef(new …)`, `useMemo(() => new …)`,
//! `useState(() => new …)`, another instance path, when it is a parameter typed as the
//! class, or a parameter of a function the file calls with an instance. Calls on any other
//! object, whatever its method names, are never taken for widget calls.

mod scopes;

use crate::lang::js::Parsed;
use crate::locate::{type_names, unwrap_expr, WidgetClasses};
use scopes::{key, Scopes};
use std::collections::HashMap;
use std::ops::Range;
use swc_common::Span;
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

/// How far member chains are followed (`this.a.b.c`).
const MAX_FIELDS: usize = 4;

/// Where a path starts.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Root {
    /// A declaration of this file (index into the declarations).
    Decl(usize),
    /// `this` inside the methods of the class or object literal starting at this offset.
    This(usize),
    /// A name the file never declares (a global).
    Global(String),
}

/// A variable or a chain of fields on it: `signIn`, `this.widget`, `widgetRef.current`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Path {
    pub root: Root,
    pub fields: Vec<String>,
}

/// A widget instance an expression stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Instance {
    Path(Path),
    /// `new OktaSignIn(…)` used directly (`new OktaSignIn(c).renderEl(…)`).
    New(Range<usize>),
}

/// The widget instances of one program.
pub struct Instances<'p> {
    parsed: &'p Parsed,
    classes: WidgetClasses,
    scopes: Scopes,
    /// Paths that hold an instance, with the `new` expressions they come from.
    known: HashMap<Path, Vec<Range<usize>>>,
}

impl<'p> Instances<'p> {
    pub fn track(parsed: &'p Parsed, classes: &WidgetClasses) -> Self {
        let mut me = Instances {
            parsed,
            classes: classes.clone(),
            scopes: scopes::collect(parsed),
            known: HashMap::new(),
        };
        // Aliases and parameters can depend on each other: a few rounds settle them.
        for _ in 0..4 {
            let mut c = Marker {
                inst: &me,
                found: Vec::new(),
            };
            parsed.program.visit_with(&mut c);
            let mut changed = false;
            for (path, origins) in c.found {
                changed |= !me.known.contains_key(&path);
                let entry = me.known.entry(path).or_default();
                for o in origins {
                    if !entry.contains(&o) {
                        entry.push(o);
                        changed = true;
                    }
                }
            }
            if !changed {
                break;
            }
        }
        me
    }

    /// How many scope ranges the name and `this` lookups looked at: a count of the work
    /// that grows with the program, never with its square.
    pub fn scope_steps(&self) -> usize {
        self.scopes.steps.get()
    }

    fn range(&self, span: Span) -> Range<usize> {
        self.parsed.range(span)
    }

    /// The variable or field chain `e` names, if any.
    pub fn path_of(&self, e: &Expr) -> Option<Path> {
        match unwrap_expr(e) {
            Expr::Ident(i) => Some(Path {
                root: self.scopes.lookup(&i.sym, self.range(i.span).start),
                fields: Vec::new(),
            }),
            Expr::This(t) => self
                .scopes
                .this_owner(self.range(t.span).start)
                .map(|o| Path {
                    root: Root::This(o),
                    fields: Vec::new(),
                }),
            Expr::Member(m) => self.member_path(m),
            Expr::OptChain(o) => match &*o.base {
                OptChainBase::Member(m) => self.member_path(m),
                OptChainBase::Call(_) => None,
            },
            _ => None,
        }
    }

    fn member_path(&self, m: &MemberExpr) -> Option<Path> {
        let mut p = self.path_of(&m.obj)?;
        let field = match &m.prop {
            MemberProp::Ident(i) => i.sym.to_string(),
            MemberProp::Computed(c) => crate::locate::unwrap_literal(&c.expr)?,
            MemberProp::PrivateName(n) => format!("#{}", n.name),
        };
        if p.fields.len() >= MAX_FIELDS {
            return None;
        }
        p.fields.push(field);
        Some(p)
    }

    /// The instance `e` holds, if it holds one.
    pub fn instance_of(&self, e: &Expr) -> Option<Instance> {
        match unwrap_expr(e) {
            Expr::New(n) if self.classes.is_class(&n.callee) => {
                Some(Instance::New(self.range(n.span)))
            }
            other => self
                .path_of(other)
                .filter(|p| self.known.contains_key(p))
                .map(Instance::Path),
        }
    }

    /// The `new` expressions an instance comes from (empty for a typed parameter).
    pub fn origins(&self, inst: &Instance) -> Vec<Range<usize>> {
        match inst {
            Instance::New(r) => vec![r.clone()],
            Instance::Path(p) => self.known.get(p).cloned().unwrap_or_default(),
        }
    }

    /// The function an identifier names in this file (`function f() {}`,
    /// `const f = (…) => …`), as the range of its node.
    pub fn function_of(&self, e: &Expr) -> Option<Range<usize>> {
        let Expr::Ident(i) = unwrap_expr(e) else {
            return None;
        };
        match self.scopes.lookup(&i.sym, self.range(i.span).start) {
            Root::Decl(d) => self.scopes.decls[d].func.clone(),
            _ => None,
        }
    }

    /// Whether the instance `e` produces is a fresh or known one (for marking).
    fn produced(&self, e: &Expr) -> Option<Vec<Range<usize>>> {
        match unwrap_expr(e) {
            Expr::Await(a) => self.produced(&a.arg),
            Expr::Call(c) if is_hook(c, "useMemo") || is_hook(c, "useState") => {
                match c.args.first().map(|a| unwrap_expr(&a.expr)) {
                    Some(Expr::Arrow(a)) => match &*a.body {
                        ArrowFunctionBody::Expr(b) => self.produced(b),
                        ArrowFunctionBody::FunctionBody(_) => None,
                    },
                    Some(other) if is_hook(c, "useState") => self.produced(other),
                    _ => None,
                }
            }
            other => self.instance_of(other).map(|i| self.origins(&i)),
        }
    }
}

/// `name(…)` or `React.name(…)`.
fn is_hook(c: &CallExpr, name: &str) -> bool {
    let Callee::Expr(callee) = &c.callee else {
        return false;
    };
    match unwrap_expr(callee) {
        Expr::Ident(i) => &*i.sym == name,
        Expr::Member(m) => m.prop.is_ident_with(name),
        _ => false,
    }
}

/// One round of finding the paths that hold instances.
struct Marker<'a, 'p> {
    inst: &'a Instances<'p>,
    found: Vec<(Path, Vec<Range<usize>>)>,
}

impl Marker<'_, '_> {
    fn decl_path(&self, id: &Ident) -> Path {
        Path {
            root: self
                .inst
                .scopes
                .lookup(&id.sym, self.inst.range(id.span).start),
            fields: Vec::new(),
        }
    }

    fn typed_as_class(&self, ann: Option<&TsTypeAnn>) -> bool {
        let Some(ann) = ann else { return false };
        let mut names = Vec::new();
        type_names(&ann.type_ann, &mut names);
        names.iter().any(|n| self.inst.classes.is_class_name(n))
    }

    fn params<'x>(&mut self, span: Span, pats: impl Iterator<Item = &'x Pat>) {
        let r = self.inst.range(span);
        let Some(ids) = self.inst.scopes.params.get(&key(&r)) else {
            return;
        };
        for (p, id) in pats.zip(ids) {
            if let (Pat::Ident(b), Some(id)) = (p, id) {
                if self.typed_as_class(b.type_ann.as_deref()) {
                    self.found.push((
                        Path {
                            root: Root::Decl(*id),
                            fields: Vec::new(),
                        },
                        Vec::new(),
                    ));
                }
            }
        }
    }
}

impl Visit for Marker<'_, '_> {
    fn visit_var_declarator(&mut self, n: &VarDeclarator) {
        match (&n.name, &n.init) {
            (Pat::Ident(b), init) => {
                let path = self.decl_path(&b.id);
                if self.typed_as_class(b.type_ann.as_deref()) {
                    self.found.push((path.clone(), Vec::new()));
                }
                if let Some(init) = init {
                    if let Some(o) = self.inst.produced(init) {
                        self.found.push((path.clone(), o));
                    } else if let Expr::Call(c) = unwrap_expr(init) {
                        // const ref = useRef(new OktaSignIn(…)): the instance is ref.current
                        if is_hook(c, "useRef") {
                            if let Some(o) =
                                c.args.first().and_then(|a| self.inst.produced(&a.expr))
                            {
                                let mut p = path;
                                p.fields.push("current".into());
                                self.found.push((p, o));
                            }
                        }
                    }
                }
            }
            // const [widget] = useState(() => new OktaSignIn(…))
            (Pat::Array(a), Some(init)) => {
                if let (Some(Some(Pat::Ident(b))), Expr::Call(c)) =
                    (a.elems.first(), unwrap_expr(init))
                {
                    if is_hook(c, "useState") {
                        if let Some(o) = self.inst.produced(init) {
                            let p = self.decl_path(&b.id);
                            self.found.push((p, o));
                        }
                    }
                }
            }
            _ => {}
        }
        n.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, n: &AssignExpr) {
        if n.op == AssignOp::Assign {
            let path = match &n.left {
                AssignTarget::Simple(SimpleAssignTarget::Ident(b)) => Some(self.decl_path(&b.id)),
                AssignTarget::Simple(SimpleAssignTarget::Member(m)) => self.inst.member_path(m),
                _ => None,
            };
            if let (Some(path), Some(o)) = (path, self.inst.produced(&n.right)) {
                self.found.push((path, o));
            }
        }
        n.visit_children_with(self);
    }

    fn visit_class(&mut self, n: &Class) {
        let owner = self.inst.range(n.span).start;
        for m in &n.body {
            let ClassMember::ClassProp(p) = m else {
                continue;
            };
            let PropName::Ident(name) = &p.key else {
                continue;
            };
            let path = Path {
                root: Root::This(owner),
                fields: vec![name.sym.to_string()],
            };
            if self.typed_as_class(p.type_ann.as_deref()) {
                self.found.push((path.clone(), Vec::new()));
            }
            if let Some(o) = p.value.as_ref().and_then(|v| self.inst.produced(v)) {
                self.found.push((path, o));
            }
        }
        n.visit_children_with(self);
    }

    fn visit_function(&mut self, n: &Function) {
        self.params(n.span, n.params.iter().map(|p| &p.pat));
        n.visit_children_with(self);
    }

    fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
        self.params(n.span, n.params.iter());
        n.visit_children_with(self);
    }

    fn visit_call_expr(&mut self, n: &CallExpr) {
        // setUp(widget): the parameter of setUp holds the instance.
        if let Callee::Expr(callee) = &n.callee {
            if let Some(f) = self.inst.function_of(callee) {
                if let Some(ids) = self.inst.scopes.params.get(&key(&f)) {
                    for (arg, id) in n.args.iter().zip(ids) {
                        if let (None, Some(id)) = (arg.spread, id) {
                            if let Some(o) = self.inst.produced(&arg.expr) {
                                self.found.push((
                                    Path {
                                        root: Root::Decl(*id),
                                        fields: Vec::new(),
                                    },
                                    o,
                                ));
                            }
                        }
                    }
                }
            }
        }
        n.visit_children_with(self);
    }
}

/// A function or arrow function node.
#[derive(Clone, Copy)]
pub enum FnNode<'a> {
    Function(&'a Function),
    Arrow(&'a ArrowExpr),
}

impl<'a> FnNode<'a> {
    /// The function an expression is, looking through parentheses.
    pub fn of(e: &'a Expr) -> Option<Self> {
        match unwrap_expr(e) {
            Expr::Fn(f) => Some(FnNode::Function(&f.function)),
            Expr::Arrow(a) => Some(FnNode::Arrow(a)),
            _ => None,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            FnNode::Function(f) => f.span,
            FnNode::Arrow(a) => a.span,
        }
    }

    pub fn param(&self, i: usize) -> Option<&'a Pat> {
        match self {
            FnNode::Function(f) => f.params.get(i).map(|p| &p.pat),
            FnNode::Arrow(a) => a.params.get(i),
        }
    }

    /// Visits the body (not the parameters).
    pub fn visit_body(&self, v: &mut impl Visit) {
        match self {
            FnNode::Function(f) => {
                if let Some(b) = &f.body {
                    b.visit_with(v);
                }
            }
            FnNode::Arrow(a) => a.body.visit_with(v),
        }
    }
}

/// Runs `f` on the function node whose range is `range`.
pub fn with_function<T>(
    parsed: &Parsed,
    range: &Range<usize>,
    f: impl FnOnce(FnNode<'_>) -> T,
) -> Option<T> {
    struct Finder<'p, F, T> {
        parsed: &'p Parsed,
        range: Range<usize>,
        f: Option<F>,
        out: Option<T>,
    }
    impl<F: FnOnce(FnNode<'_>) -> T, T> Visit for Finder<'_, F, T> {
        fn visit_function(&mut self, n: &Function) {
            if self.parsed.range(n.span) == self.range {
                if let Some(f) = self.f.take() {
                    self.out = Some(f(FnNode::Function(n)));
                }
            } else if self.f.is_some() {
                n.visit_children_with(self);
            }
        }
        fn visit_arrow_expr(&mut self, n: &ArrowExpr) {
            if self.parsed.range(n.span) == self.range {
                if let Some(f) = self.f.take() {
                    self.out = Some(f(FnNode::Arrow(n)));
                }
            } else if self.f.is_some() {
                n.visit_children_with(self);
            }
        }
    }
    let mut finder = Finder {
        parsed,
        range: range.clone(),
        f: Some(f),
        out: None,
    };
    parsed.program.visit_with(&mut finder);
    finder.out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::js::{parse, Dialect};
    use crate::locate::locate;
    use swc_common::Spanned;

    /// The receivers of `.renderEl(` calls that hold an instance, as source text.
    fn receivers(src: &str) -> Vec<String> {
        let parsed = parse(src, Dialect::Tsx, 0).unwrap();
        let mut keep = None;
        let located = locate(&parsed, src, &mut keep);
        let inst = Instances::track(&parsed, &located.classes);
        struct V<'a, 'p> {
            inst: &'a Instances<'p>,
            src: &'a str,
            out: Vec<String>,
        }
        impl Visit for V<'_, '_> {
            fn visit_call_expr(&mut self, n: &CallExpr) {
                if let Callee::Expr(c) = &n.callee {
                    if let Expr::Member(m) = &**c {
                        if m.prop.is_ident_with("renderEl")
                            && self.inst.instance_of(&m.obj).is_some()
                        {
                            let r = self.inst.parsed.range(m.obj.span());
                            self.out.push(self.src[r].to_string());
                        }
                    }
                }
                n.visit_children_with(self);
            }
        }
        let mut v = V {
            inst: &inst,
            src,
            out: Vec::new(),
        };
        parsed.program.visit_with(&mut v);
        v.out
    }

    #[test]
    fn tracks_variables_fields_refs_and_parameters() {
        let src = r#"
import Widget from '@okta/okta-signin-widget';
const other = { renderEl() {} };
other.renderEl();
const a = new Widget({});
a.renderEl();
function setup(w) { w.renderEl(); }
setup(a);
function typed(x: Widget) { x.renderEl(); }
class Login extends React.Component {
  componentDidMount() { this.widget = new Widget({}); this.widget.renderEl(); }
  later() { const self = this; function inner() { this.widget.renderEl(); } }
}
function Hook() {
  const ref = useRef(null);
  useEffect(() => { ref.current = new Widget({}); ref.current.renderEl(); });
  const m = useMemo(() => new Widget({}), []);
  m.renderEl();
}
function shadow() { const a = other; a.renderEl(); }
"#;
        assert_eq!(
            receivers(src),
            vec!["a", "w", "x", "this.widget", "ref.current", "m"]
        );
    }
}
