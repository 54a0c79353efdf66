//! The config locator: finds the widget configuration wherever a file builds it and
//! hands the rules every property of it with its path and spans.
//!
//! It knows (1) object literals passed to `new OktaSignIn(…)` under any local name of the
//! class, (2) identifiers, members, `Object.assign` and spreads that resolve to object
//! literals bound in the same file, (3) Okta-hosted `OktaUtil.getSignInWidgetConfig()`
//! objects and the assignments made to them, (4) objects typed as the widget's options
//! and JSX props of widget wrapper components. Anything else is reported, never guessed.

use crate::lang::js::Parsed;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use swc_common::{Span, Spanned};
use swc_ecma_ast::*;
use swc_ecma_visit::{Visit, VisitWith};

const PACKAGE: &str = "@okta/okta-signin-widget";
/// Type names the widget exports for its options.
const WIDGET_TYPES: [&str; 3] = ["WidgetOptions", "OktaSignInConfig", "WidgetConfig"];
/// JSX attributes that pass a widget configuration to a wrapper component.
const JSX_CONFIG_ATTRS: [&str; 5] = [
    "config",
    "widgetConfig",
    "options",
    "widgetOptions",
    "signInConfig",
];
/// How deep property paths and identifier chains are followed.
const MAX_DEPTH: usize = 8;

/// How a property key is written, which decides how a rename is spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// `key: …` (an identifier; a renamed key with a dot needs quotes).
    Ident,
    /// `'key': …` / `"key": …` or `['key']`, with its quote character.
    Str(char),
    /// `` [`key`]: … `` with no placeholders.
    Template,
    /// `.key` of a member assignment (`config.i18n.en.key = …`): the range covers the dot.
    Member,
    /// The raw key of a `.properties` line (escapes as the file writes them).
    Properties,
    /// `{ key }` shorthand, numbers, computed expressions: not renamed by text.
    Other,
}

/// One property of a located widget configuration.
#[derive(Debug)]
pub struct Entry<'c> {
    /// Property names from the configuration root to this key; `None` where the code
    /// computes the name (`config.i18n[lang]`).
    pub path: Vec<Option<String>>,
    pub key_range: Range<usize>,
    pub key_kind: KeyKind,
    /// The whole property (`key: value`) or assignment expression.
    pub prop_range: Range<usize>,
    pub value: Option<&'c Expr>,
    pub value_range: Option<Range<usize>>,
    /// Entries with the same container are siblings in one object (or one assigned path).
    pub container: usize,
    /// For `root.a.b = value` (Okta-hosted style): the root identifier; `prop_range` is
    /// then the assignment expression.
    pub assigned_to: Option<String>,
}

impl Entry<'_> {
    pub fn key(&self) -> Option<&str> {
        self.path.last().and_then(|k| k.as_deref())
    }
}

/// Something the locator could not see into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unresolved {
    pub range: Range<usize>,
    pub what: String,
    /// The config path where the invisible part would land (empty = the whole config).
    pub path: Vec<Option<String>>,
}

#[derive(Debug, Default)]
pub struct Located<'c> {
    /// New keys must be quoted (JSON).
    pub quote_keys: bool,
    pub entries: Vec<Entry<'c>>,
    pub unresolved: Vec<Unresolved>,
    /// Number of widget configurations found (constructor calls, hosted configs, typed objects).
    pub configs: usize,
    /// The local names of the widget class in this file.
    pub classes: WidgetClasses,
    /// One per `new OktaSignIn(…)`: which entries configure that instance.
    pub roots: Vec<ConfigRoot>,
    /// Names bound to an Okta-hosted `OktaUtil.getSignInWidgetConfig()` object: only
    /// their `name.x = …` assignments are hosted-page configuration (C55).
    pub hosted_roots: HashSet<String>,
}

/// The configuration of one `new OktaSignIn(…)` call.
#[derive(Debug, Default, Clone)]
pub struct ConfigRoot {
    /// The range of the `new` expression.
    pub new_range: Range<usize>,
    /// The argument is an Okta-hosted `OktaUtil.getSignInWidgetConfig()` object.
    pub hosted: bool,
    /// Part of the configuration could not be seen (a spread, an import, no argument).
    pub partial: bool,
    /// The objects (entry containers) that make up this configuration.
    containers: HashSet<usize>,
}

impl Located<'_> {
    /// The configuration passed to the `new` expression at `new_range`, when located.
    pub fn config_of(&self, new_range: &Range<usize>) -> Option<ConfigView<'_>> {
        let root = self.roots.iter().find(|r| &r.new_range == new_range)?;
        let entries = self
            .entries
            .iter()
            .filter(|e| root.containers.contains(&e.container))
            .collect();
        Some(ConfigView { root, entries })
    }
}

/// The located entries of one widget configuration.
pub struct ConfigView<'l> {
    pub root: &'l ConfigRoot,
    pub entries: Vec<&'l Entry<'l>>,
}

impl ConfigView<'_> {
    /// The entry at `path` (`["authParams", "pkce"]`), the last one when set twice.
    pub fn get(&self, path: &[&str]) -> Option<&Entry<'_>> {
        self.entries.iter().rev().copied().find(|e| {
            e.path.len() == path.len()
                && e.path
                    .iter()
                    .zip(path)
                    .all(|(a, b)| a.as_deref() == Some(*b))
        })
    }

    /// Whether everything that configures the instance is visible in this file.
    pub fn complete(&self) -> bool {
        !self.root.partial && !self.root.hosted
    }
}

/// The names under which this file can refer to the widget class: default, named and
/// `require` imports of the package, namespace imports, and the global `OktaSignIn`.
#[derive(Debug, Default, Clone)]
pub struct WidgetClasses {
    names: HashSet<String>,
    namespaces: HashSet<String>,
}

impl WidgetClasses {
    /// Whether `callee` (of a `new` expression) names the widget class.
    pub fn is_class(&self, callee: &Expr) -> bool {
        match unwrap_expr(callee) {
            Expr::Ident(i) => &*i.sym == "OktaSignIn" || self.names.contains(&*i.sym),
            Expr::Member(m) => {
                let Expr::Ident(obj) = unwrap_expr(&m.obj) else {
                    return false;
                };
                let obj = &*obj.sym;
                (obj == "window" || obj == "globalThis" || self.namespaces.contains(obj))
                    && m.prop.is_ident_with("OktaSignIn")
                    || (self.namespaces.contains(obj)
                        || self.names.contains(obj)
                        || obj == "OktaSignIn")
                        && m.prop.is_ident_with("default")
            }
            _ => false,
        }
    }

    /// Whether a TypeScript type name names the widget class.
    pub fn is_class_name(&self, name: &str) -> bool {
        name == "OktaSignIn" || self.names.contains(name)
    }
}

pub fn is_ident_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_' || c == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

fn str_value(s: &Str) -> String {
    s.value.to_atom_lossy().to_string()
}

/// A segment of a member chain `root.a['b'][c]`.
#[derive(Debug, Clone)]
struct Seg {
    name: Option<String>,
    key_range: Range<usize>,
    kind: KeyKind,
}

/// `new Callee(arg, …)`: the callee, the first argument, the whole expression.
struct NewCall {
    callee: Box<Expr>,
    arg: Option<Box<Expr>>,
    range: Range<usize>,
}

struct Assign {
    root: String,
    segs: Vec<Seg>,
    value: Box<Expr>,
    range: Range<usize>,
}

/// What one walk over the program collects. Nodes the resolver needs are cloned
/// (only object-like initialisers and assigned values), so that entries can borrow them.
#[derive(Default)]
struct Collected {
    classes: WidgetClasses,
    widget_types: HashSet<String>,
    /// name → initialisers (one per declaration; `None` when not object-like).
    bindings: HashMap<String, Vec<Option<Box<Expr>>>>,
    typed_bindings: Vec<String>,
    hosted_roots: HashSet<String>,
    news: Vec<NewCall>,
    jsx: Vec<(String, Box<Expr>, Range<usize>)>,
    typed_exprs: Vec<Expr>,
    assigns: Vec<Assign>,
}

struct Collector<'p> {
    parsed: &'p Parsed,
    text: &'p str,
    out: Collected,
}

/// The text of a string literal (or a template literal without placeholders).
pub fn unwrap_literal(e: &Expr) -> Option<String> {
    match unwrap_expr(e) {
        Expr::Lit(Lit::Str(s)) => Some(str_value(s)),
        Expr::Tpl(t) if t.exprs.is_empty() => t
            .quasis
            .first()
            .and_then(|q| q.cooked.as_ref())
            .map(|c| c.to_atom_lossy().to_string()),
        _ => None,
    }
}

/// Looks through parentheses and TypeScript wrappers (`as`, `satisfies`, `!`, `<T>`).
pub fn unwrap_expr(mut e: &Expr) -> &Expr {
    loop {
        e = match e {
            Expr::Paren(p) => &p.expr,
            Expr::TsAs(x) => &x.expr,
            Expr::TsSatisfies(x) => &x.expr,
            Expr::TsNonNull(x) => &x.expr,
            Expr::TsConstAssertion(x) => &x.expr,
            Expr::TsTypeAssertion(x) => &x.expr,
            _ => return e,
        }
    }
}

fn is_member_call(e: &Expr, obj: &str, prop: &str) -> bool {
    let Expr::Call(call) = unwrap_expr(e) else {
        return false;
    };
    let Callee::Expr(callee) = &call.callee else {
        return false;
    };
    is_member(callee, obj, prop)
}

fn is_member(e: &Expr, obj: &str, prop: &str) -> bool {
    matches!(unwrap_expr(e), Expr::Member(m)
        if matches!(&*m.obj, Expr::Ident(i) if &*i.sym == obj) && m.prop.is_ident_with(prop))
}

fn is_widget_require(e: &Expr) -> bool {
    let e = match unwrap_expr(e) {
        Expr::Member(m) if m.prop.is_ident_with("default") => &*m.obj,
        other => other,
    };
    let Expr::Call(call) = unwrap_expr(e) else {
        return false;
    };
    let Callee::Expr(callee) = &call.callee else {
        return false;
    };
    matches!(&**callee, Expr::Ident(i) if &*i.sym == "require")
        && call.args.first().is_some_and(
            |a| matches!(&*a.expr, Expr::Lit(Lit::Str(s)) if str_value(s).starts_with(PACKAGE)),
        )
}

/// Object-like initialisers worth keeping for resolution.
fn object_like(e: &Expr) -> bool {
    match unwrap_expr(e) {
        Expr::Object(_) | Expr::Ident(_) | Expr::Member(_) => true,
        other => is_member_call(other, "Object", "assign"),
    }
}

pub(crate) fn type_names(t: &TsType, out: &mut Vec<String>) {
    match t {
        TsType::TsTypeRef(r) => {
            let name = match &r.type_name {
                TsEntityName::Ident(i) => i.sym.to_string(),
                TsEntityName::TsQualifiedName(q) => q.right.sym.to_string(),
            };
            out.push(name);
        }
        TsType::TsUnionOrIntersectionType(TsUnionOrIntersectionType::TsIntersectionType(i)) => {
            i.types.iter().for_each(|t| type_names(t, out))
        }
        TsType::TsUnionOrIntersectionType(TsUnionOrIntersectionType::TsUnionType(u)) => {
            u.types.iter().for_each(|t| type_names(t, out))
        }
        _ => {}
    }
}

impl Collector<'_> {
    fn range(&self, span: Span) -> Range<usize> {
        self.parsed.range(span)
    }

    fn key_seg(&self, prop: &MemberProp, obj_hi: usize) -> Seg {
        match prop {
            MemberProp::Ident(i) => Seg {
                name: Some(i.sym.to_string()),
                key_range: obj_hi..self.range(i.span).end,
                kind: KeyKind::Member,
            },
            MemberProp::Computed(c) => {
                let (name, kind) = self.computed_key(&c.expr);
                Seg {
                    name,
                    key_range: self.range(c.expr.span()),
                    kind,
                }
            }
            MemberProp::PrivateName(_) => Seg {
                name: None,
                key_range: obj_hi..obj_hi,
                kind: KeyKind::Other,
            },
        }
    }

    fn computed_key(&self, e: &Expr) -> (Option<String>, KeyKind) {
        match unwrap_expr(e) {
            Expr::Lit(Lit::Str(s)) => (Some(str_value(s)), KeyKind::Str(self.quote_at(s.span))),
            Expr::Tpl(t) if t.exprs.is_empty() => (
                t.quasis
                    .first()
                    .and_then(|q| q.cooked.as_ref())
                    .map(|c| c.to_atom_lossy().to_string()),
                KeyKind::Template,
            ),
            _ => (None, KeyKind::Other),
        }
    }

    fn quote_at(&self, span: Span) -> char {
        let r = self.range(span);
        self.text[r.start..].chars().next().unwrap_or('\'')
    }

    /// `root.a.b['c']` → ("root", segments); `None` for anything not rooted at an identifier.
    fn member_chain(&self, e: &Expr) -> Option<(String, Vec<Seg>)> {
        match unwrap_expr(e) {
            Expr::Ident(i) => Some((i.sym.to_string(), Vec::new())),
            Expr::Member(m) => {
                let (root, mut segs) = self.member_chain(&m.obj)?;
                let obj_hi = self.range(m.obj.span()).end;
                segs.push(self.key_seg(&m.prop, obj_hi));
                Some((root, segs))
            }
            _ => None,
        }
    }
}

impl Visit for Collector<'_> {
    fn visit_import_decl(&mut self, n: &ImportDecl) {
        if !str_value(&n.src).starts_with(PACKAGE) {
            return;
        }
        for s in &n.specifiers {
            match s {
                ImportSpecifier::Default(d) => {
                    self.out.classes.names.insert(d.local.sym.to_string());
                }
                ImportSpecifier::Namespace(ns) => {
                    self.out.classes.namespaces.insert(ns.local.sym.to_string());
                }
                ImportSpecifier::Named(named) => {
                    let imported = match &named.imported {
                        Some(ModuleExportName::Ident(i)) => i.sym.to_string(),
                        Some(ModuleExportName::Str(s)) => str_value(s),
                        None => named.local.sym.to_string(),
                    };
                    let local = named.local.sym.to_string();
                    if imported == "OktaSignIn" || imported == "default" {
                        self.out.classes.names.insert(local);
                    } else if WIDGET_TYPES.contains(&imported.as_str()) {
                        self.out.widget_types.insert(local);
                    }
                }
            }
        }
    }

    fn visit_var_declarator(&mut self, n: &VarDeclarator) {
        match &n.name {
            Pat::Ident(b) => {
                let name = b.id.sym.to_string();
                if let Some(init) = &n.init {
                    if is_widget_require(init) {
                        self.out.classes.names.insert(name.clone());
                    } else if is_member_call(init, "OktaUtil", "getSignInWidgetConfig") {
                        self.out.hosted_roots.insert(name.clone());
                    }
                }
                if let Some(ann) = &b.type_ann {
                    let mut names = Vec::new();
                    type_names(&ann.type_ann, &mut names);
                    if names.iter().any(|t| {
                        WIDGET_TYPES.contains(&t.as_str()) || self.out.widget_types.contains(t)
                    }) {
                        self.out.typed_bindings.push(name.clone());
                    }
                }
                let init = n.init.as_ref().filter(|i| object_like(i)).cloned();
                self.out.bindings.entry(name).or_default().push(init);
            }
            // const { OktaSignIn } = require('@okta/okta-signin-widget')
            Pat::Object(obj) if n.init.as_ref().is_some_and(|i| is_widget_require(i)) => {
                for p in &obj.props {
                    match p {
                        ObjectPatProp::Assign(a) if &*a.key.sym == "OktaSignIn" => {
                            self.out.classes.names.insert(a.key.sym.to_string());
                        }
                        ObjectPatProp::KeyValue(kv) => {
                            if let (PropName::Ident(k), Pat::Ident(v)) = (&kv.key, &*kv.value) {
                                if &*k.sym == "OktaSignIn" || &*k.sym == "default" {
                                    self.out.classes.names.insert(v.id.sym.to_string());
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
        n.visit_children_with(self);
    }

    fn visit_new_expr(&mut self, n: &NewExpr) {
        let arg = n
            .args
            .as_ref()
            .and_then(|a| a.first())
            .filter(|a| a.spread.is_none())
            .map(|a| a.expr.clone());
        // Only callees that can name the class are kept (cheap to clone).
        if matches!(unwrap_expr(&n.callee), Expr::Ident(_) | Expr::Member(_)) {
            self.out.news.push(NewCall {
                callee: n.callee.clone(),
                arg,
                range: self.range(n.span),
            });
        }
        n.visit_children_with(self);
    }

    fn visit_assign_expr(&mut self, n: &AssignExpr) {
        if n.op == AssignOp::Assign {
            if let AssignTarget::Simple(SimpleAssignTarget::Member(m)) = &n.left {
                if let Some((root, mut segs)) = self.member_chain(&m.obj) {
                    let obj_hi = self.range(m.obj.span()).end;
                    segs.push(self.key_seg(&m.prop, obj_hi));
                    self.out.assigns.push(Assign {
                        root,
                        segs,
                        value: n.right.clone(),
                        range: self.range(n.span),
                    });
                }
            }
        }
        n.visit_children_with(self);
    }

    fn visit_jsx_opening_element(&mut self, n: &JSXOpeningElement) {
        let name = match &n.name {
            JSXElementName::Ident(i) => i.sym.to_string(),
            JSXElementName::JSXMemberExpr(m) => m.prop.sym.to_string(),
            JSXElementName::JSXNamespacedName(_) => String::new(),
        };
        if name.contains("SignIn") {
            for attr in &n.attrs {
                if let JSXAttrOrSpread::JSXAttr(a) = attr {
                    let JSXAttrName::Ident(an) = &a.name else {
                        continue;
                    };
                    if !JSX_CONFIG_ATTRS.contains(&&*an.sym) {
                        continue;
                    }
                    if let Some(JSXAttrValue::JSXExprContainer(c)) = &a.value {
                        if let JSXExpr::Expr(e) = &c.expr {
                            self.out
                                .jsx
                                .push((name.clone(), e.clone(), self.range(a.span)));
                        }
                    }
                }
            }
        }
        n.visit_children_with(self);
    }

    fn visit_ts_satisfies_expr(&mut self, n: &TsSatisfiesExpr) {
        self.typed_expr(&n.type_ann, &n.expr);
        n.visit_children_with(self);
    }

    fn visit_ts_as_expr(&mut self, n: &TsAsExpr) {
        self.typed_expr(&n.type_ann, &n.expr);
        n.visit_children_with(self);
    }
}

impl Collector<'_> {
    fn typed_expr(&mut self, ty: &TsType, e: &Expr) {
        let mut names = Vec::new();
        type_names(ty, &mut names);
        if names
            .iter()
            .any(|t| WIDGET_TYPES.contains(&t.as_str()) || self.out.widget_types.contains(t))
            && matches!(unwrap_expr(e), Expr::Object(_))
        {
            self.out.typed_exprs.push(e.clone());
        }
    }
}

/// Objects an expression stands for, and what could not be followed.
#[derive(Default)]
struct Resolved<'c> {
    objects: Vec<&'c ObjectLit>,
    unresolved: Vec<(Range<usize>, String)>,
}

struct Resolver<'c, 'p> {
    c: &'c Collected,
    parsed: &'p Parsed,
    text: &'p str,
}

impl<'c> Resolver<'c, '_> {
    fn range(&self, span: Span) -> Range<usize> {
        self.parsed.range(span)
    }

    fn snippet(&self, span: Span) -> String {
        let r = self.range(span);
        let s = &self.text[r];
        let first = s.lines().next().unwrap_or("");
        if first.chars().count() > 40 || first.len() < s.len() {
            format!("{}…", first.chars().take(40).collect::<String>())
        } else {
            first.to_string()
        }
    }

    fn resolve(&self, e: &'c Expr, depth: usize, out: &mut Resolved<'c>) {
        if depth > MAX_DEPTH {
            out.unresolved
                .push((self.range(e.span()), "nested too deeply to follow".into()));
            return;
        }
        match unwrap_expr(e) {
            Expr::Object(o) => out.objects.push(o),
            Expr::Ident(i) => {
                let name = &*i.sym;
                if self.c.hosted_roots.contains(name) {
                    return;
                }
                match self.c.bindings.get(name).map(Vec::as_slice) {
                    Some([Some(init)]) => self.resolve(init, depth + 1, out),
                    Some([_, _, ..]) => out.unresolved.push((
                        self.range(i.span),
                        format!("`{name}` is declared more than once in this file"),
                    )),
                    _ => out.unresolved.push((
                        self.range(i.span),
                        format!("`{name}` is not bound to an object literal in this file"),
                    )),
                }
            }
            Expr::Member(m) => {
                let prop = match &m.prop {
                    MemberProp::Ident(p) => Some(p.sym.to_string()),
                    MemberProp::Computed(c) => match unwrap_expr(&c.expr) {
                        Expr::Lit(Lit::Str(s)) => Some(str_value(s)),
                        _ => None,
                    },
                    MemberProp::PrivateName(_) => None,
                };
                let mut inner = Resolved::default();
                self.resolve(&m.obj, depth + 1, &mut inner);
                let mut found = false;
                if let Some(prop) = prop {
                    for o in &inner.objects {
                        if let Some(v) = find_prop(o, &prop) {
                            found = true;
                            self.resolve(v, depth + 1, out);
                        }
                    }
                }
                if !found {
                    out.unresolved.push((
                        self.range(m.span),
                        format!("`{}` is not visible in this file", self.snippet(m.span)),
                    ));
                }
            }
            Expr::Call(call) if is_member_call(e, "Object", "assign") => {
                for a in &call.args {
                    if a.spread.is_some() {
                        out.unresolved
                            .push((self.range(a.expr.span()), "a spread argument".into()));
                    } else {
                        self.resolve(&a.expr, depth + 1, out);
                    }
                }
            }
            other => out.unresolved.push((
                self.range(other.span()),
                format!("`{}` is not an object literal", self.snippet(other.span())),
            )),
        }
    }

    fn is_class(&self, callee: &Expr) -> bool {
        self.c.classes.is_class(callee)
    }
}

/// The value of the last `key: value` (or shorthand) property named `key`.
pub fn find_prop<'o>(o: &'o ObjectLit, key: &str) -> Option<&'o Expr> {
    o.props.iter().rev().find_map(|p| match p {
        PropOrSpread::Prop(p) => match &**p {
            Prop::KeyValue(kv) if prop_name(&kv.key).as_deref() == Some(key) => Some(&*kv.value),
            _ => None,
        },
        PropOrSpread::Spread(_) => None,
    })
}

fn prop_name(k: &PropName) -> Option<String> {
    match k {
        PropName::Ident(i) => Some(i.sym.to_string()),
        PropName::Str(s) => Some(str_value(s)),
        PropName::Num(n) => Some(n.value.to_string()),
        PropName::Computed(c) => unwrap_literal(&c.expr),
        PropName::BigInt(_) => None,
    }
}

struct Builder<'c, 'p> {
    r: Resolver<'c, 'p>,
    located: Located<'c>,
    seen_objects: HashSet<usize>,
    assign_containers: HashMap<String, usize>,
    /// The constructor call whose configuration is being expanded (an index of `roots`).
    current: Option<usize>,
    /// Objects being expanded, innermost last, and the objects each one holds.
    stack: Vec<usize>,
    nested: HashMap<usize, Vec<usize>>,
}

impl<'c> Builder<'c, '_> {
    fn quote_at(&self, span: Span) -> char {
        let r = self.r.range(span);
        self.r.text[r.start..].chars().next().unwrap_or('\'')
    }

    fn add_root(&mut self, e: &'c Expr, missing: &str) {
        let mut res = Resolved::default();
        self.r.resolve(e, 0, &mut res);
        if res.objects.is_empty() && res.unresolved.is_empty() {
            return; // a hosted root: its assignments are the config
        }
        if !res.unresolved.is_empty() {
            self.mark_partial();
        }
        for (range, what) in res.unresolved {
            self.located.unresolved.push(Unresolved {
                range,
                what: format!("{missing}: {what}"),
                path: Vec::new(),
            });
        }
        for o in res.objects {
            self.expand(o, &[], 0);
        }
    }

    fn mark_partial(&mut self) {
        if let Some(r) = self.current {
            self.located.roots[r].partial = true;
        }
    }

    /// Records that `container` configures the current root, with every object it holds
    /// when an earlier root expanded it already.
    fn claim(&mut self, container: usize) {
        if let Some(&parent) = self.stack.last() {
            self.nested.entry(parent).or_default().push(container);
        }
        let Some(r) = self.current else { return };
        let mut todo = vec![container];
        while let Some(c) = todo.pop() {
            if self.located.roots[r].containers.insert(c) {
                todo.extend(self.nested.get(&c).into_iter().flatten().copied());
            }
        }
    }

    fn expand(&mut self, o: &'c ObjectLit, path: &[Option<String>], depth: usize) {
        let container = self.r.range(o.span).start;
        self.claim(container);
        if depth > MAX_DEPTH || !self.seen_objects.insert(container) {
            return;
        }
        self.stack.push(container);
        self.expand_props(o, path, depth, container);
        self.stack.pop();
    }

    fn expand_props(
        &mut self,
        o: &'c ObjectLit,
        path: &[Option<String>],
        depth: usize,
        container: usize,
    ) {
        for p in &o.props {
            match p {
                PropOrSpread::Spread(s) => {
                    let mut res = Resolved::default();
                    self.r.resolve(&s.expr, depth + 1, &mut res);
                    if !res.unresolved.is_empty() {
                        self.mark_partial();
                    }
                    for (range, what) in res.unresolved {
                        self.located.unresolved.push(Unresolved {
                            range,
                            what: format!("a spread in the widget configuration: {what}"),
                            path: path.to_vec(),
                        });
                    }
                    for inner in res.objects {
                        self.expand(inner, path, depth + 1);
                    }
                }
                PropOrSpread::Prop(prop) => {
                    let (key, kind, key_span, value): (
                        Option<String>,
                        KeyKind,
                        Span,
                        Option<&'c Expr>,
                    ) = match &**prop {
                        Prop::KeyValue(kv) => {
                            let kind = match &kv.key {
                                PropName::Ident(_) => KeyKind::Ident,
                                PropName::Str(s) => KeyKind::Str(self.quote_at(s.span)),
                                PropName::Computed(c) => match unwrap_expr(&c.expr) {
                                    Expr::Lit(Lit::Str(s)) => KeyKind::Str(self.quote_at(s.span)),
                                    Expr::Tpl(t) if t.exprs.is_empty() => KeyKind::Template,
                                    _ => KeyKind::Other,
                                },
                                _ => KeyKind::Other,
                            };
                            let key_span = match &kv.key {
                                PropName::Computed(c) => c.expr.span(),
                                k => k.span(),
                            };
                            (prop_name(&kv.key), kind, key_span, Some(&*kv.value))
                        }
                        Prop::Shorthand(i) => {
                            (Some(i.sym.to_string()), KeyKind::Other, i.span, None)
                        }
                        Prop::Method(m) => (prop_name(&m.key), KeyKind::Other, m.key.span(), None),
                        Prop::Getter(g) => (prop_name(&g.key), KeyKind::Other, g.key.span(), None),
                        Prop::Setter(s) => (prop_name(&s.key), KeyKind::Other, s.key.span(), None),
                        Prop::Assign(_) => continue,
                    };
                    let mut full = path.to_vec();
                    full.push(key);
                    self.located.entries.push(Entry {
                        path: full.clone(),
                        key_range: self.r.range(key_span),
                        key_kind: kind,
                        prop_range: self.r.range(prop.span()),
                        value,
                        value_range: value.map(|v| self.r.range(v.span())),
                        container,
                        assigned_to: None,
                    });
                    let nested = match &**prop {
                        Prop::Shorthand(i) => self.r.c.bindings.get(&*i.sym).and_then(|b| match b
                            .as_slice()
                        {
                            [Some(init)] => Some(&**init),
                            _ => None,
                        }),
                        _ => value,
                    };
                    // Arrays of objects (`idps`, `customButtons`): each element at `key[]`.
                    if let Some(Expr::Array(arr)) = nested.map(unwrap_expr) {
                        self.expand_array(arr, &full, depth);
                    }
                    if let Some(v) = nested {
                        let mut res = Resolved::default();
                        if matches!(unwrap_expr(v), Expr::Object(_) | Expr::Ident(_)) {
                            self.r.resolve(v, depth + 1, &mut res);
                        }
                        for inner in res.objects {
                            self.expand(inner, &full, depth + 1);
                        }
                    }
                }
            }
        }
    }

    fn add_assign(&mut self, a: &'c Assign) {
        let path: Vec<Option<String>> = a.segs.iter().map(|s| s.name.clone()).collect();
        let Some(last) = a.segs.last() else { return };
        let parent = path[..path.len() - 1]
            .iter()
            .map(|s| s.as_deref().unwrap_or("*"))
            .collect::<Vec<_>>()
            .join("\u{1}");
        let next = usize::MAX - self.assign_containers.len();
        let container = *self.assign_containers.entry(parent).or_insert(next);
        self.claim(container);
        self.located.entries.push(Entry {
            path: path.clone(),
            key_range: last.key_range.clone(),
            key_kind: last.kind,
            prop_range: a.range.clone(),
            value: Some(&a.value),
            value_range: Some(self.r.range(a.value.span())),
            container,
            assigned_to: Some(a.root.clone()),
        });
        match unwrap_expr(&a.value) {
            Expr::Object(_) => {
                let mut res = Resolved::default();
                self.r.resolve(&a.value, 1, &mut res);
                for o in res.objects {
                    self.expand(o, &path, 1);
                }
            }
            Expr::Array(arr) => self.expand_array(arr, &path, 1),
            _ => {}
        }
    }

    /// Each object element of an array at `path[]`.
    fn expand_array(&mut self, arr: &'c ArrayLit, path: &[Option<String>], depth: usize) {
        let mut elem_path = path.to_vec();
        elem_path.push(Some("[]".into()));
        for el in arr.elems.iter().flatten() {
            if el.spread.is_none() {
                if let Expr::Object(o) = unwrap_expr(&el.expr) {
                    self.expand(o, &elem_path, depth + 1);
                }
            }
        }
    }
}

/// Finds every widget configuration of a parsed file. `text` is the whole file; the
/// parsed program's ranges index into it.
pub fn locate<'c>(
    parsed: &Parsed,
    text: &str,
    keep: &'c mut Option<CollectedOwner>,
) -> Located<'c> {
    let mut collector = Collector {
        parsed,
        text,
        out: Collected::default(),
    };
    parsed.program.visit_with(&mut collector);
    build(parsed, text, keep.insert(CollectedOwner(collector.out)))
}

/// Option names that make an object look like a widget configuration.
const CONFIG_HINTS: [&str; 16] = [
    "baseUrl",
    "clientId",
    "redirectUri",
    "issuer",
    "i18n",
    "idps",
    "features",
    "logo",
    "language",
    "authParams",
    "helpLinks",
    "idpDisplay",
    "useInteractionCodeFlow",
    "useClassicEngine",
    "colors",
    "labels",
];

/// An object with at least two widget option names, one of them naming the org, the
/// app or the texts.
pub fn looks_like_config(o: &ObjectLit) -> bool {
    let names: Vec<String> = o
        .props
        .iter()
        .filter_map(|p| match p {
            PropOrSpread::Prop(p) => match &**p {
                Prop::KeyValue(kv) => prop_name(&kv.key),
                _ => None,
            },
            PropOrSpread::Spread(_) => None,
        })
        .collect();
    let hits = names
        .iter()
        .filter(|n| CONFIG_HINTS.contains(&n.as_str()))
        .count();
    let anchor = names.iter().any(|n| {
        matches!(
            n.as_str(),
            "baseUrl" | "clientId" | "issuer" | "i18n" | "labels"
        )
    });
    hits >= 2 && anchor
}

/// A parsed JSON document (see `js::parse_json`).
pub enum JsonDoc<'a> {
    /// `login_fr.json` style: the top-level object is one language's strings.
    Bundle { lang: &'a str, country: bool },
    /// Any other JSON: widget configurations in it (top level or one level down) are located.
    Config,
}

/// Locates the entries of a JSON file.
pub fn locate_json<'c>(
    parsed: &Parsed,
    text: &str,
    keep: &'c mut Option<CollectedOwner>,
    doc: JsonDoc<'_>,
) -> Located<'c> {
    let Program::Script(script) = &parsed.program else {
        return Located::default();
    };
    let Some(Stmt::Expr(stmt)) = script.body.first() else {
        return Located::default();
    };
    let Expr::Object(top) = &*stmt.expr else {
        return Located::default();
    };
    let mut c = Collected::default();
    match doc {
        JsonDoc::Config => {
            if looks_like_config(top) {
                c.typed_exprs.push(Expr::Object(top.clone()));
            } else {
                for p in &top.props {
                    if let PropOrSpread::Prop(p) = p {
                        if let Prop::KeyValue(kv) = &**p {
                            if let Expr::Object(o) = &*kv.value {
                                if looks_like_config(o) {
                                    c.typed_exprs.push(Expr::Object(o.clone()));
                                }
                            }
                        }
                    }
                }
            }
            let mut located = build(parsed, text, keep.insert(CollectedOwner(c)));
            located.quote_keys = true;
            located
        }
        JsonDoc::Bundle { lang, country } => {
            let mut located = Located {
                quote_keys: true,
                configs: 1,
                ..Located::default()
            };
            let container = parsed.range(top.span).start;
            for p in &top.props {
                let PropOrSpread::Prop(p) = p else { continue };
                let Prop::KeyValue(kv) = &**p else { continue };
                let PropName::Str(k) = &kv.key else { continue };
                let key = str_value(k);
                let key = if country {
                    format!("country.{key}")
                } else {
                    key
                };
                located.entries.push(Entry {
                    path: vec![Some("i18n".into()), Some(lang.to_string()), Some(key)],
                    key_range: parsed.range(k.span),
                    key_kind: if country {
                        KeyKind::Other
                    } else {
                        KeyKind::Str('"')
                    },
                    prop_range: parsed.range(kv.span()),
                    value: None,
                    value_range: Some(parsed.range(kv.value.span())),
                    container,
                    assigned_to: None,
                });
            }
            located
        }
    }
}

fn build<'c>(parsed: &Parsed, text: &str, owner: &'c CollectedOwner) -> Located<'c> {
    let c = &owner.0;
    let mut b = Builder {
        r: Resolver { c, parsed, text },
        located: Located::default(),
        seen_objects: HashSet::new(),
        assign_containers: HashMap::new(),
        current: None,
        stack: Vec::new(),
        nested: HashMap::new(),
    };
    b.located.classes = c.classes.clone();
    let mut root_names: HashSet<&str> = c.hosted_roots.iter().map(String::as_str).collect();
    // Configuration objects named by a constructor argument → that constructor's root.
    let mut named_roots: HashMap<&str, usize> = HashMap::new();
    b.located.configs += c.hosted_roots.len();
    b.located.hosted_roots = c.hosted_roots.clone();
    for NewCall { callee, arg, range } in &c.news {
        if !b.r.is_class(callee) {
            continue;
        }
        b.located.configs += 1;
        let index = b.located.roots.len();
        b.located.roots.push(ConfigRoot {
            new_range: range.clone(),
            ..ConfigRoot::default()
        });
        b.current = Some(index);
        match arg {
            Some(arg) => {
                if let Expr::Ident(i) = unwrap_expr(arg) {
                    root_names.insert(&i.sym);
                    named_roots.insert(&i.sym, index);
                    b.located.roots[index].hosted = c.hosted_roots.contains(&*i.sym);
                }
                b.add_root(arg, "the configuration passed to the widget is not visible");
            }
            None => {
                b.mark_partial();
                b.located.unresolved.push(Unresolved {
                    range: range.clone(),
                    what: "the widget is constructed without a visible configuration".into(),
                    path: Vec::new(),
                })
            }
        }
        b.current = None;
    }
    for name in &c.typed_bindings {
        if let Some([Some(init)]) = c.bindings.get(name).map(Vec::as_slice) {
            b.located.configs += 1;
            root_names.insert(name);
            b.add_root(init, "the typed widget configuration is not visible");
        }
    }
    for e in &c.typed_exprs {
        b.located.configs += 1;
        b.add_root(e, "the typed widget configuration is not visible");
    }
    for (_, e, _) in &c.jsx {
        b.located.configs += 1;
        if let Expr::Ident(i) = unwrap_expr(e) {
            root_names.insert(&i.sym);
        }
        b.add_root(
            e,
            "the configuration passed to the widget component is not visible",
        );
    }
    for a in &c.assigns {
        if root_names.contains(a.root.as_str()) {
            b.current = named_roots.get(a.root.as_str()).copied();
            b.add_assign(a);
            b.current = None;
        }
    }
    b.located.entries.sort_by_key(|e| e.key_range.start);
    b.located.unresolved.sort_by_key(|u| u.range.start);
    b.located.unresolved.dedup();
    b.located
}

/// Keeps the cloned nodes alive while the rules borrow them.
pub struct CollectedOwner(Collected);
