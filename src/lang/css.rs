//! Stylesheets (CSS, SCSS, indented Sass, Less) through raffia, reduced to an owned
//! outline the rules can read: every style rule with its selectors (each class and id
//! with its byte range), the `@extend`s and declarations of its block, and the `@import`s
//! and `url(…)`s of the sheet. raffia has no visitor, so the walk below covers the
//! statements that can hold rules: nested rules, at-rule blocks (`@media`, `@supports`,
//! `@include … { }`, `@mixin`), `@if/@else`, Less guards, mixins and detached rulesets.

use crate::lang::js::ParseError;
use raffia::ast::*;
use raffia::{ParserBuilder, Syntax};
use std::ops::Range;
use std::path::Path;

/// The dialect of a stylesheet, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StyleSyntax {
    Css,
    Scss,
    /// The indented syntax (`.sass`).
    Sass,
    Less,
}

impl StyleSyntax {
    pub fn for_path(path: &Path) -> Option<StyleSyntax> {
        match path.extension()?.to_str()? {
            "css" => Some(StyleSyntax::Css),
            "scss" => Some(StyleSyntax::Scss),
            "sass" => Some(StyleSyntax::Sass),
            "less" => Some(StyleSyntax::Less),
            _ => None,
        }
    }

    fn raffia(self) -> Syntax {
        match self {
            StyleSyntax::Css => Syntax::Css,
            StyleSyntax::Scss => Syntax::Scss,
            StyleSyntax::Sass => Syntax::Sass,
            StyleSyntax::Less => Syntax::Less,
        }
    }
}

/// The outline of one stylesheet. Every range is a byte range of the whole file.
#[derive(Debug, Default)]
pub struct Sheet {
    /// Style rules in source order; nested rules point at their parent.
    pub rules: Vec<Rule>,
    /// `@import` targets.
    pub imports: Vec<Import>,
    /// Every `url(…)` of a declaration value, anywhere in the sheet (`@font-face` too).
    pub urls: Vec<Value>,
}

#[derive(Debug)]
pub struct Rule {
    pub parent: Option<usize>,
    pub selectors: Vec<Complex>,
    /// Classes and ids named by `@extend` (SCSS) or `:extend` (Less) in the block.
    pub extends: Vec<Name>,
    /// Declarations of the block, including those inside nested at-rules (`@media`).
    pub decls: Vec<Decl>,
    /// Whether the block holds nested style rules.
    pub has_children: bool,
}

/// A complex selector: compounds joined by combinators.
#[derive(Debug)]
pub struct Complex {
    pub range: Range<usize>,
    pub compounds: Vec<Compound>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Combinator {
    Descendant,
    Other,
}

#[derive(Debug)]
pub struct Compound {
    pub range: Range<usize>,
    /// The combinator before this compound (`None` for the first).
    pub combinator: Option<Combinator>,
    pub parts: Vec<Part>,
    /// Classes and ids of this compound, those inside pseudo-class arguments included.
    pub names: Vec<Name>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartKind {
    /// An element name (lowercased) or `*`.
    Type(String),
    Class,
    Id,
    Attribute,
    Pseudo,
    /// `&`, possibly with a suffix (`&-inner`).
    Nesting,
    Placeholder,
}

#[derive(Debug, Clone)]
pub struct Part {
    pub kind: PartKind,
    pub range: Range<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameForm {
    /// `.name` / `#name` written out.
    Plain,
    /// `&-suffix`: the text is the suffix; the rule resolves it against the parent.
    NestingSuffix,
    /// Built with interpolation (`.#{$p}-bar`, `.@{p}-bar`): the text is its static parts.
    Interpolated,
}

/// One class or id in a selector.
#[derive(Debug, Clone)]
pub struct Name {
    /// `.` or `#` and the name, unescaped (for `&-suffix`, the suffix).
    pub text: String,
    /// The selector's bytes, `.`/`#` included.
    pub range: Range<usize>,
    pub form: NameForm,
    /// Whether the written text is exactly `text` (no escapes), so it can be replaced.
    pub verbatim: bool,
    /// Inside a pseudo-class argument (`:not(.x)`).
    pub in_pseudo: bool,
}

#[derive(Debug, Clone)]
pub struct Decl {
    /// Lowercased; empty when interpolated.
    pub property: String,
    pub range: Range<usize>,
    pub value_range: Range<usize>,
    pub values: Vec<Value>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    Ident,
    /// A quoted string; the range includes the quotes.
    Str,
    /// The address inside `url(…)`; the range covers it without quotes.
    Url,
}

/// An identifier, string or URL of a declaration value.
#[derive(Debug, Clone)]
pub struct Value {
    pub kind: ValueKind,
    pub text: String,
    pub range: Range<usize>,
}

#[derive(Debug, Clone)]
pub struct Import {
    pub href: String,
    pub range: Range<usize>,
}

/// Parses `text` (without a BOM) starting at byte `offset` of the file. Errors the
/// parser recovered from count as errors: edits on a recovered tree are not safe.
pub fn parse(text: &str, syntax: StyleSyntax, offset: usize) -> Result<Sheet, ParseError> {
    if let Some((at, message)) = unbalanced(text, syntax) {
        return Err(ParseError {
            offset: offset + at,
            message,
        });
    }
    let source = with_sentinel(text, syntax);
    let mut parser = ParserBuilder::new(&source).syntax(syntax.raffia()).build();
    let to_error = |e: &raffia::error::Error| ParseError {
        offset: offset + e.span.start.min(text.len()),
        message: match e.kind {
            // raffia's backtracking marker; it should never escape, but it does on some
            // broken Less (the fuzzer found it), and its Display is `unreachable!()`.
            raffia::error::ErrorKind::TryParseError => "unexpected input".to_string(),
            ref kind => kind.to_string(),
        },
    };
    let sheet = parser.parse::<Stylesheet>().map_err(|e| to_error(&e))?;
    if let Some(e) = parser.recoverable_errors().first() {
        return Err(to_error(e));
    }
    let mut w = Walker {
        text,
        offset,
        out: Sheet::default(),
    };
    w.statements(&sheet.statements, None);
    Ok(w.out)
}

/// `text` with a `;` after it. raffia 0.13 has loops that only a token ends and that
/// never advance at the end of the input: a file that ends inside a value (`a { b: c[`,
/// `min(1`) or cuts a statement off (`$g: [a *]` in SCSS; found by the fuzzer) spins
/// forever, allocating. The `;` ends every such loop; after a whole stylesheet it is an
/// empty statement that CSS, SCSS and Less accept (the indented syntax gets none). Spans
/// stay those of `text` (ranges and errors are clamped to it).
fn with_sentinel(text: &str, syntax: StyleSyntax) -> std::borrow::Cow<'_, str> {
    match syntax {
        StyleSyntax::Sass => std::borrow::Cow::Borrowed(text),
        _ => std::borrow::Cow::Owned(format!("{text}\n;")),
    }
}

struct Walker<'t> {
    text: &'t str,
    offset: usize,
    out: Sheet,
}

impl Walker<'_> {
    fn range(&self, span: &raffia::Span) -> Range<usize> {
        let end = span.end.min(self.text.len());
        self.offset + span.start.min(end)..self.offset + end
    }

    fn statements(&mut self, stmts: &[Statement<'_>], parent: Option<usize>) {
        for s in stmts {
            self.statement(s, parent);
        }
    }

    fn block(&mut self, block: &SimpleBlock<'_>, parent: Option<usize>) {
        self.statements(&block.statements, parent);
    }

    fn style_rule(
        &mut self,
        list: &SelectorList<'_>,
        block: &SimpleBlock<'_>,
        parent: Option<usize>,
    ) {
        let selectors = list.selectors.iter().map(|c| self.complex(c)).collect();
        let idx = self.out.rules.len();
        self.out.rules.push(Rule {
            parent,
            selectors,
            extends: Vec::new(),
            decls: Vec::new(),
            has_children: false,
        });
        if let Some(p) = parent.and_then(|p| self.out.rules.get_mut(p)) {
            p.has_children = true;
        }
        self.block(block, Some(idx));
    }

    fn statement(&mut self, s: &Statement<'_>, parent: Option<usize>) {
        match s {
            Statement::QualifiedRule(r) => self.style_rule(&r.selector, &r.block, parent),
            Statement::LessConditionalQualifiedRule(r) => {
                self.style_rule(&r.selector, &r.block, parent)
            }
            Statement::LessMixinDefinition(m) => self.block(&m.block, parent),
            Statement::SassIfAtRule(r) => {
                self.block(&r.if_clause.block, parent);
                for c in &r.else_if_clauses {
                    self.block(&c.block, parent);
                }
                if let Some(b) = &r.else_clause {
                    self.block(b, parent);
                }
            }
            Statement::UnknownSassAtRule(r) => {
                if let Some(b) = &r.block {
                    self.block(b, parent);
                }
            }
            Statement::AtRule(r) => self.at_rule(r, parent),
            Statement::Declaration(d) => self.declaration(d, parent),
            Statement::LessExtendRule(e) => {
                let names: Vec<Name> = e
                    .extend
                    .elements
                    .iter()
                    .flat_map(|x| self.complex(&x.selector).compounds)
                    .flat_map(|c| c.names)
                    .collect();
                self.add_extends(parent, names);
            }
            Statement::KeyframeBlock(_)
            | Statement::LessFunctionCall(_)
            | Statement::LessMixinCall(_)
            | Statement::LessVariableCall(_)
            | Statement::LessVariableDeclaration(_)
            | Statement::SassVariableDeclaration(_) => {}
        }
    }

    fn add_extends(&mut self, parent: Option<usize>, names: Vec<Name>) {
        if let Some(r) = parent.and_then(|p| self.out.rules.get_mut(p)) {
            r.extends.extend(names);
        }
    }

    fn at_rule(&mut self, r: &AtRule<'_>, parent: Option<usize>) {
        match &r.prelude {
            Some(AtRulePrelude::SassExtend(e)) => {
                let names: Vec<Name> = e
                    .selectors
                    .selectors
                    .iter()
                    .flat_map(|c| self.compound(c, None, false).names)
                    .collect();
                self.add_extends(parent, names);
            }
            Some(AtRulePrelude::Nest(list))
            | Some(AtRulePrelude::SassAtRoot(SassAtRoot {
                kind: SassAtRootKind::Selector(list),
                ..
            })) => {
                if let Some(b) = &r.block {
                    // `@at-root .x { }` / `@nest … { }`: a rule of its own.
                    self.style_rule(list, b, parent);
                    return;
                }
            }
            Some(AtRulePrelude::Import(p)) => self.import(&p.href, &r.span),
            Some(AtRulePrelude::LessImport(p)) => self.import(&p.href, &r.span),
            Some(AtRulePrelude::SassImport(p)) => {
                for s in &p.paths {
                    let range = self.range(&r.span);
                    self.out.imports.push(Import {
                        href: s.value.to_string(),
                        range,
                    });
                }
            }
            _ => {}
        }
        if let Some(b) = &r.block {
            // `@font-face` and other declaration blocks are not rules, but their urls count.
            self.block(b, parent);
        }
    }

    fn import(&mut self, href: &ImportPreludeHref<'_>, span: &raffia::Span) {
        let text = match href {
            ImportPreludeHref::Str(InterpolableStr::Literal(s)) => s.value.to_string(),
            ImportPreludeHref::Url(u) => match &u.value {
                Some(UrlValue::Raw(r)) => r.value.to_string(),
                Some(UrlValue::Str(InterpolableStr::Literal(s))) => s.value.to_string(),
                _ => return,
            },
            _ => return,
        };
        let range = self.range(span);
        self.out.imports.push(Import { href: text, range });
    }

    fn declaration(&mut self, d: &Declaration<'_>, parent: Option<usize>) {
        let property = match &d.name {
            InterpolableIdent::Literal(i) => i.name.to_ascii_lowercase(),
            _ => String::new(),
        };
        let mut values = Vec::new();
        for v in &d.value {
            self.values(v, &mut values);
        }
        for v in values.iter().filter(|v| v.kind == ValueKind::Url) {
            self.out.urls.push(v.clone());
        }
        let value_range = match (d.value.first(), d.value.last()) {
            (Some(a), Some(b)) => {
                let (a, b) = (self.range(component_span(a)), self.range(component_span(b)));
                a.start..b.end.max(a.start)
            }
            _ => {
                let r = self.range(&d.span);
                r.end..r.end
            }
        };
        let decl = Decl {
            property,
            range: self.range(&d.span),
            value_range,
            values,
        };
        if let Some(r) = parent.and_then(|p| self.out.rules.get_mut(p)) {
            r.decls.push(decl);
        }
    }

    /// Identifiers, strings and urls of a value, through functions and lists.
    fn values(&self, v: &ComponentValue<'_>, out: &mut Vec<Value>) {
        match v {
            ComponentValue::InterpolableIdent(InterpolableIdent::Literal(i)) => out.push(Value {
                kind: ValueKind::Ident,
                text: i.name.to_string(),
                range: self.range(&i.span),
            }),
            ComponentValue::InterpolableStr(InterpolableStr::Literal(s)) => out.push(Value {
                kind: ValueKind::Str,
                text: s.value.to_string(),
                range: self.range(&s.span),
            }),
            ComponentValue::Url(u) => match &u.value {
                Some(UrlValue::Raw(r)) => out.push(Value {
                    kind: ValueKind::Url,
                    text: r.value.to_string(),
                    range: self.range(&r.span),
                }),
                Some(UrlValue::Str(InterpolableStr::Literal(s))) => {
                    let r = self.range(&s.span);
                    out.push(Value {
                        kind: ValueKind::Url,
                        text: s.value.to_string(),
                        // Inside the quotes.
                        range: (r.start + 1).min(r.end)..r.end.saturating_sub(1).max(r.start),
                    })
                }
                _ => {}
            },
            ComponentValue::Function(f) => {
                for a in &f.args {
                    self.values(a, out);
                }
            }
            ComponentValue::SassList(l) => l.elements.iter().for_each(|e| self.values(e, out)),
            ComponentValue::LessList(l) => l.elements.iter().for_each(|e| self.values(e, out)),
            ComponentValue::SassParenthesizedExpression(p) => self.values(&p.expr, out),
            _ => {}
        }
    }

    fn complex(&self, c: &ComplexSelector<'_>) -> Complex {
        let mut compounds = Vec::new();
        let mut comb = None;
        for child in &c.children {
            match child {
                ComplexSelectorChild::Combinator(k) => {
                    comb = Some(match k.kind {
                        CombinatorKind::Descendant => Combinator::Descendant,
                        _ => Combinator::Other,
                    })
                }
                ComplexSelectorChild::CompoundSelector(s) => {
                    let first = compounds.is_empty();
                    compounds.push(self.compound(s, if first { None } else { comb }, false));
                    comb = None;
                }
            }
        }
        Complex {
            range: self.range(&c.span),
            compounds,
        }
    }

    fn compound(
        &self,
        c: &CompoundSelector<'_>,
        combinator: Option<Combinator>,
        in_pseudo: bool,
    ) -> Compound {
        let mut parts = Vec::new();
        let mut names = Vec::new();
        for s in &c.children {
            let (kind, span) = match s {
                SimpleSelector::Class(x) => {
                    names.push(self.name('.', &x.name, &x.span, in_pseudo));
                    (PartKind::Class, &x.span)
                }
                SimpleSelector::Id(x) => {
                    names.push(self.name('#', &x.name, &x.span, in_pseudo));
                    (PartKind::Id, &x.span)
                }
                SimpleSelector::Type(TypeSelector::TagName(t)) => {
                    let n = match &t.name.name {
                        InterpolableIdent::Literal(i) => i.name.to_ascii_lowercase(),
                        _ => String::new(),
                    };
                    (PartKind::Type(n), &t.span)
                }
                SimpleSelector::Type(TypeSelector::Universal(u)) => {
                    (PartKind::Type("*".into()), &u.span)
                }
                SimpleSelector::Attribute(a) => (PartKind::Attribute, &a.span),
                SimpleSelector::PseudoClass(p) => {
                    if let Some(arg) = &p.arg {
                        self.pseudo_names(&arg.kind, &mut names);
                    }
                    (PartKind::Pseudo, &p.span)
                }
                SimpleSelector::PseudoElement(p) => {
                    if let Some(PseudoElementSelectorArg {
                        kind: PseudoElementSelectorArgKind::CompoundSelector(c),
                        ..
                    }) = &p.arg
                    {
                        names.extend(self.compound(c, None, true).names);
                    }
                    (PartKind::Pseudo, &p.span)
                }
                SimpleSelector::Nesting(n) => {
                    if let Some(suffix) = &n.suffix {
                        let mut name = self.name('&', suffix, &n.span, in_pseudo);
                        if name.form == NameForm::Plain {
                            name.form = NameForm::NestingSuffix;
                        }
                        name.text.remove(0);
                        names.push(name);
                    }
                    (PartKind::Nesting, &n.span)
                }
                SimpleSelector::SassPlaceholder(p) => (PartKind::Placeholder, &p.span),
            };
            parts.push(Part {
                kind,
                range: self.range(span),
            });
        }
        Compound {
            range: self.range(&c.span),
            combinator,
            parts,
            names,
        }
    }

    fn pseudo_names(&self, arg: &PseudoClassSelectorArgKind<'_>, names: &mut Vec<Name>) {
        let mut add = |c: Complex| {
            names.extend(c.compounds.into_iter().flat_map(|c| c.names).map(|mut n| {
                n.in_pseudo = true;
                n
            }))
        };
        match arg {
            PseudoClassSelectorArgKind::CompoundSelector(c) => {
                names.extend(self.compound(c, None, true).names)
            }
            PseudoClassSelectorArgKind::CompoundSelectorList(l) => {
                for c in &l.selectors {
                    names.extend(self.compound(c, None, true).names);
                }
            }
            PseudoClassSelectorArgKind::SelectorList(l) => {
                l.selectors.iter().for_each(|c| add(self.complex(c)))
            }
            PseudoClassSelectorArgKind::RelativeSelectorList(l) => l
                .selectors
                .iter()
                .for_each(|r| add(self.complex(&r.complex_selector))),
            PseudoClassSelectorArgKind::LessExtendList(l) => l
                .elements
                .iter()
                .for_each(|e| add(self.complex(&e.selector))),
            _ => {}
        }
    }

    fn name(
        &self,
        sigil: char,
        ident: &InterpolableIdent<'_>,
        span: &raffia::Span,
        in_pseudo: bool,
    ) -> Name {
        let (text, form, verbatim) = match ident {
            InterpolableIdent::Literal(i) => (i.name.to_string(), NameForm::Plain, i.raw == i.name),
            InterpolableIdent::SassInterpolated(s) => {
                let parts: String = s
                    .elements
                    .iter()
                    .filter_map(|e| match e {
                        SassInterpolatedIdentElement::Static(p) => Some(p.value.as_ref()),
                        SassInterpolatedIdentElement::Expression(_) => None,
                    })
                    .collect();
                let all_static = s
                    .elements
                    .iter()
                    .all(|e| matches!(e, SassInterpolatedIdentElement::Static(_)));
                let form = if all_static {
                    NameForm::Plain
                } else {
                    NameForm::Interpolated
                };
                (parts, form, false)
            }
            InterpolableIdent::LessInterpolated(l) => {
                let parts: String = l
                    .elements
                    .iter()
                    .filter_map(|e| match e {
                        LessInterpolatedIdentElement::Static(p) => Some(p.value.as_ref()),
                        _ => None,
                    })
                    .collect();
                let all_static = l
                    .elements
                    .iter()
                    .all(|e| matches!(e, LessInterpolatedIdentElement::Static(_)));
                let form = if all_static {
                    NameForm::Plain
                } else {
                    NameForm::Interpolated
                };
                (parts, form, false)
            }
        };
        Name {
            text: format!("{sigil}{text}"),
            range: self.range(span),
            form,
            verbatim,
            in_pseudo,
        }
    }
}

fn component_span<'a>(v: &'a ComponentValue<'_>) -> &'a raffia::Span {
    use raffia::Spanned;
    v.span()
}

/// The first bracket of `text` that is never closed or closed by the wrong one, outside
/// comments, strings, escapes and unquoted `url(…)`, with what is wrong with it.
///
/// raffia 0.13 must not see such a file (found by the fuzzer, target `styles`): its SCSS
/// and Less parsers backtrack exponentially over unclosed calls (`a { b: f(f(f(… }`: 16
/// of them take four seconds, 20 over a minute), and it loops forever, allocating, when
/// a file ends inside a `[…]` value or a math function (`a { b: c[`; [`with_sentinel`]
/// now ends those loops too, this check was the first guard). Brackets balance in any stylesheet that
/// parses, so no valid file is refused; the others get a clearer message than the
/// parser's. The scan must read the text as raffia's tokenizer does (every place it did
/// not was a way past it, found by the fuzzer or by reading raffia): where it cannot
/// tell, it counts a bracket rather than skip it, since counting one raffia skips can
/// only report an error.
fn unbalanced(text: &str, syntax: StyleSyntax) -> Option<(usize, String)> {
    let line_comments = !matches!(syntax, StyleSyntax::Css);
    let b = text.as_bytes();
    // Each open bracket, for the `{` of an interpolation the quote to go back to, and
    // whether raffia may parse what it holds again when something inside fails (see
    // [`MAX_RETRY_NESTING`]); and how many of those are open.
    let mut open: Vec<(usize, u8, Option<u8>, bool)> = Vec::new();
    let mut retry_depth = 0usize;
    // A `:` since the last `{`, `}` or `;`: the block after it (`a:hover {`) may be a
    // declaration's nested properties or a rule.
    let mut colon = false;
    let mut word = Word::Gap;
    let mut prelude = Prelude::new();
    let mut i = 0;
    while i < b.len() {
        prelude.see(b, i, open.len(), line_comments);
        match b[i] {
            // An escape: the next character is part of a name, whatever it is.
            b'\\' => {
                i = escape_end(b, i);
                word = Word::Name;
                continue;
            }
            // raffia takes the character after the `-` that starts a name (an ident,
            // unit, `@name`, `$name`) as it is, so in `-\"x"` the `\` escapes nothing:
            // the name is `-\` and a string follows. Inside a name it escapes as usual.
            b'-' if word != Word::Name && b.get(i + 1).is_some_and(|&c| starts_name(c)) => {
                i += 2;
                word = Word::Name;
                continue;
            }
            _ => {}
        }
        word = word.next(b, i);
        match b[i] {
            // In Less, raffia reads a comment right after `name.` as code (`a.//f(` spent
            // seconds backtracking over the calls in it): so does the check.
            b'/' if matches!(syntax, StyleSyntax::Less)
                && i >= 2
                && b[i - 1] == b'.'
                && in_name(b[i - 2]) =>
            {
                i += 1
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = text[i + 2..].find("*/").map_or(b.len(), |e| i + 2 + e + 1);
            }
            b'/' if line_comments && b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |e| i + e);
            }
            // Less inline JavaScript: raffia reads `` `...` `` (any bytes, lines and
            // backslashes included) as one token, so its brackets are text.
            b'`' if matches!(syntax, StyleSyntax::Less) => {
                i = memchr::memchr(b'`', &b[i + 1..]).map_or(b.len(), |e| i + 1 + e);
            }
            q @ (b'"' | b'\'') => {
                prelude.href(open.len());
                let (end, interpolated) = string_end(b, i + 1, q, syntax);
                if interpolated {
                    open.push((end, b'{', Some(q), false));
                }
                i = end;
            }
            b'(' if i >= 3
                && b[i - 3..i].eq_ignore_ascii_case(b"url")
                && prelude.url_is_raw(open.len()) =>
            {
                match raw_url_end(b, i, syntax) {
                    Ok(end) => i = end,
                    Err(None) => {
                        return Some((i, "this `url(` is never closed".to_string()));
                    }
                    // Quoted, or no URL token: its brackets count as any others.
                    Err(Some(())) => {
                        open.push((i, b'(', None, true));
                        retry_depth += 1;
                    }
                }
                if let Some(e) = nesting_error(i, open.len(), retry_depth) {
                    return Some(e);
                }
            }
            c @ (b'(' | b'[' | b'{') => {
                // Not an interpolation's `#{` or `@{`.
                let retry = c != b'{' || (colon && !(i > 0 && matches!(b[i - 1], b'#' | b'@')));
                open.push((i, c, None, retry));
                retry_depth += usize::from(retry);
                if let Some(e) = nesting_error(i, open.len(), retry_depth) {
                    return Some(e);
                }
                if c == b'{' {
                    colon = false;
                }
            }
            b':' => colon = true,
            b';' => colon = false,
            c @ (b')' | b']' | b'}') => {
                let opener = match c {
                    b')' => b'(',
                    b']' => b'[',
                    _ => b'{',
                };
                if c == b'}' {
                    colon = false;
                }
                let closed = open.pop();
                retry_depth -= usize::from(closed.is_some_and(|(.., retry)| retry));
                match closed {
                    Some((_, o, None, _)) if o == opener => {}
                    // The end of an interpolation: back into its string.
                    Some((_, o, Some(q), _)) if o == opener => {
                        let (end, interpolated) = string_end(b, i + 1, q, syntax);
                        if interpolated {
                            open.push((end, b'{', Some(q), false));
                        }
                        i = end;
                    }
                    Some((at, o, ..)) => {
                        let (o, c) = (char::from(o), char::from(c));
                        return Some((at, format!("this `{o}` is closed by a `{c}`")));
                    }
                    None => {
                        let c = char::from(c);
                        return Some((i, format!("this `{c}` closes nothing")));
                    }
                }
            }
            _ => {}
        }
        i += 1;
    }
    // The innermost: in a truncated file the outer rule is never closed either.
    open.last()
        .map(|&(at, o, ..)| (at, format!("this `{}` is never closed", char::from(o))))
}

/// The error at a bracket just opened at `at`, if it nests past either bound.
fn nesting_error(at: usize, depth: usize, retry_depth: usize) -> Option<(usize, String)> {
    if depth > super::MAX_NESTING {
        Some((at, super::too_deep_message()))
    } else if retry_depth > MAX_RETRY_NESTING {
        Some((at, retry_message()))
    } else {
        None
    }
}

/// How many brackets that raffia 0.13 may parse again may nest: every `(` and `[`, and
/// a `{` after a `:` (`a:hover {`, nested properties in SCSS). When something fails deep
/// inside them, raffia tries each level again, in time exponential in the depth even when
/// the brackets balance: `t((t((…1))-))-` (a dangling operator) took 2.5 s at ten pairs in
/// SCSS, 11.5 s at eleven; `a:b{a:b{…` 4.8 s at twenty; a fuzz input 15 calls deep 2.4
/// s (target `styles`). 639 real stylesheets (bootstrap 3/5, bulma, foundation, the
/// widget's own …) reach 7 at most.
const MAX_RETRY_NESTING: usize = 10;

fn retry_message() -> String {
    format!(
        "brackets nest more than {MAX_RETRY_NESTING} levels deep here (each `(`, `[`, and `{{` after a `:`); the stylesheet parser reads each level again when something inside fails, in time exponential in that depth, so the file is not parsed"
    )
}

/// Whether the check is in the prelude of an at-rule, where raffia reads a `url(` outside
/// parentheses as a call whose text it tokenizes (a media query function, a mixin's name,
/// a `@supports` function): `url(//x)` opens a comment, `` url(`) `` a Less script, so its
/// brackets count as any others. Exceptions, where it is a URL: the URL of `@import`
/// (queries follow it), `@namespace` and `@document`, and the preludes that are values
/// (`@return`, `@if`, `@debug` …; a Less `@variable:` is no at-rule at all).
struct Prelude {
    /// Only whitespace or comments since the start of the text, a `{`, `}` or `;`.
    statement_start: bool,
    /// The bracket depth of the prelude, and whether it is an `@import` whose URL or
    /// string is still to come.
    inside: Option<(usize, bool)>,
}

impl Prelude {
    fn new() -> Prelude {
        Prelude {
            statement_start: true,
            inside: None,
        }
    }

    /// Follows the byte at `i`, at bracket depth `depth` (before it opens or closes one).
    fn see(&mut self, b: &[u8], i: usize, depth: usize, line_comments: bool) {
        let comment = b[i] == b'/'
            && (b.get(i + 1) == Some(&b'*') || (line_comments && b.get(i + 1) == Some(&b'/')));
        match b[i] {
            c if c.is_ascii_whitespace() || comment => {}
            // An interpolation (`#{…}`, `@{…}`, `${…}`) is part of the prelude.
            b'{' if i > 0 && matches!(b[i - 1], b'#' | b'@' | b'$') => {}
            b'{' | b';' | b'}' => {
                self.statement_start = true;
                if self.inside.is_some_and(|(d, _)| d >= depth) {
                    self.inside = None;
                }
            }
            b'@' if self.statement_start => {
                self.statement_start = false;
                let name_end = b[i + 1..]
                    .iter()
                    .position(|c| !(c.is_ascii_alphanumeric() || *c == b'-'))
                    .map_or(b.len(), |e| i + 1 + e);
                let name = &b[i + 1..name_end];
                let is = |n: &str| name.eq_ignore_ascii_case(n.as_bytes());
                let variable = b[name_end..]
                    .iter()
                    .find(|c| !c.is_ascii_whitespace())
                    .is_some_and(|&c| c == b':');
                let values = [
                    "namespace",
                    "document",
                    "-moz-document",
                    "return",
                    "if",
                    "else",
                    "each",
                    "while",
                    "debug",
                    "warn",
                    "error",
                    "plugin",
                    "charset",
                    "use",
                    "forward",
                ];
                if !name.is_empty() && !variable && !values.iter().any(|n| is(n)) {
                    self.inside = Some((depth, is("import")));
                }
            }
            _ => self.statement_start = false,
        }
    }

    /// A URL or string at `depth`: the `@import` has its URL, queries follow.
    fn href(&mut self, depth: usize) {
        if let Some((d, import)) = &mut self.inside {
            if *d == depth {
                *import = false;
            }
        }
    }

    /// Whether a `url(` at `depth` is one URL token to raffia (else a call).
    fn url_is_raw(&mut self, depth: usize) -> bool {
        match self.inside {
            Some((d, true)) if d == depth => {
                self.href(depth);
                true
            }
            Some((d, false)) => d != depth,
            _ => true,
        }
    }
}

/// The end of the escape whose `\\` is at `i`, as raffia reads one: one character, or up
/// to six hex digits and one whitespace after them, a line break included (so `"\\41`
/// and a line break do not end the string there).
fn escape_end(b: &[u8], i: usize) -> usize {
    if !b.get(i + 1).is_some_and(u8::is_ascii_hexdigit) {
        return i + 2;
    }
    let mut j = i + 2;
    while j < b.len() && j < i + 7 && b[j].is_ascii_hexdigit() {
        j += 1;
    }
    if b.get(j).is_some_and(u8::is_ascii_whitespace) {
        j += 1;
    }
    j
}

/// Where the bracket check is, as far as raffia's reading of a `\\` depends on it: in a
/// name (ident, unit, hash, at-keyword), in a number, or between tokens.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Word {
    Gap,
    Name,
    Number,
}

impl Word {
    /// The state after the byte at `i` (not a `\\`, nor a `-` that starts a name).
    fn next(self, b: &[u8], i: usize) -> Word {
        let at = |k: usize| b.get(k).copied().unwrap_or(0);
        match b[i] {
            b'0'..=b'9' if self == Word::Gap => Word::Number,
            b'0'..=b'9' => self,
            // An exponent continues a number; any other letter after one starts its unit.
            b'e' | b'E'
                if self == Word::Number
                    && (at(i + 1).is_ascii_digit()
                        || (matches!(at(i + 1), b'+' | b'-') && at(i + 2).is_ascii_digit())) =>
            {
                Word::Number
            }
            c if c.is_ascii_alphabetic() || c == b'_' || c >= 0x80 => Word::Name,
            b'-' if self == Word::Name => Word::Name,
            b'.' if at(i + 1).is_ascii_digit() => Word::Number,
            b'#' if at(i + 1) == b'\\' || in_name(at(i + 1)) => Word::Name,
            _ => Word::Gap,
        }
    }
}

/// A character that continues a name.
fn in_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_') || c >= 0x80
}

/// A character after a `-` that makes it the start of a name (raffia's `is_start_of_ident`).
fn starts_name(c: u8) -> bool {
    c.is_ascii_alphabetic() || matches!(c, b'-' | b'_' | b'\\') || c >= 0x80
}

/// Where the string whose text starts at `i` (after its quote `q`) ends: at its closing
/// quote, a line break (an unclosed string) or the end of the text; or, `true`, at the
/// `{` of an interpolation that starts inside it, as raffia reads one: `#{` in SCSS,
/// `@{` or `${` before the start of a name in Less, none in CSS.
fn string_end(b: &[u8], mut i: usize, q: u8, syntax: StyleSyntax) -> (usize, bool) {
    while i < b.len() && b[i] != q && b[i] != b'\n' {
        if b[i] == b'\\' {
            i = escape_end(b, i);
            continue;
        }
        if b.get(i + 1) == Some(&b'{') {
            let starts = match syntax {
                StyleSyntax::Scss | StyleSyntax::Sass => b[i] == b'#',
                StyleSyntax::Less => {
                    matches!(b[i], b'@' | b'$')
                        && b.get(i + 2).is_some_and(|&c| {
                            c.is_ascii_alphabetic() || matches!(c, b'-' | b'_' | b'\\') || c >= 0x80
                        })
                }
                StyleSyntax::Css => false,
            };
            if starts {
                return (i + 1, true);
            }
        }
        i += 1;
    }
    (i.min(b.len()), false)
}

/// The `)` of an unquoted `url(` at `open` that raffia reads as one URL token, whose
/// brackets are then text (`url(x[1].png)`), scanned as raffia scans it: escapes
/// (`url(a\\).png)`), whitespace only before the `)`. `Err(Some(()))` when it is no
/// such token, and its brackets count: `url` is part of a longer name (`my-url(`,
/// `.url(`, `@url(`), or the text holds a quote, a `(`, an inner space or an SCSS
/// interpolation. `Err(None)` when the text ends first. Counting brackets raffia skips
/// can only report an error; skipping brackets it reads would hide one from the check.
fn raw_url_end(b: &[u8], open: usize, syntax: StyleSyntax) -> Result<usize, Option<()>> {
    let space = |c: u8| c.is_ascii_whitespace();
    let name_start = open - 3;
    if name_start > 0
        && !matches!(b[name_start - 1], b':' | b',' | b'(' | b'{' | b';')
        && !space(b[name_start - 1])
    {
        return Err(Some(()));
    }
    let mut i = open + 1;
    while i < b.len() && space(b[i]) {
        i += 1;
    }
    loop {
        match b.get(i) {
            None => return Err(None),
            Some(b'\\') if i + 1 >= b.len() => return Err(None),
            Some(b'\\') => i = escape_end(b, i),
            Some(b')') => return Ok(i),
            Some(&c) if space(c) => {
                while i < b.len() && space(b[i]) {
                    i += 1;
                }
                return match b.get(i) {
                    Some(b')') => Ok(i),
                    Some(_) => Err(Some(())),
                    None => Err(None),
                };
            }
            Some(b'(' | b'"' | b'\'') => return Err(Some(())),
            Some(b'#')
                if b.get(i + 1) == Some(&b'{')
                    && !matches!(syntax, StyleSyntax::Css | StyleSyntax::Less) =>
            {
                return Err(Some(()));
            }
            Some(_) => i += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Balanced to the check, and parsed by raffia: the check refuses no valid sheet.
    fn accepted(text: &str, syntax: StyleSyntax) {
        assert_eq!(unbalanced(text, syntax), None, "{syntax:?} {text}");
        assert!(parse(text, syntax, 0).is_ok(), "{syntax:?} {text}");
    }

    fn names(sheet: &Sheet) -> Vec<String> {
        sheet
            .rules
            .iter()
            .flat_map(|r| &r.selectors)
            .flat_map(|c| &c.compounds)
            .flat_map(|c| &c.names)
            .map(|n| format!("{}{:?}", n.text, n.form))
            .collect()
    }

    #[test]
    fn css_rules_and_ranges() {
        let src = "/* c */\n#okta-sign-in .chzn-single:not(.x), a { color: red }\n@media (x) { .o-form { font-family: montserrat, 'Arial' } }";
        let sheet = parse(src, StyleSyntax::Css, 3).unwrap();
        assert_eq!(sheet.rules.len(), 2);
        let n = &sheet.rules[0].selectors[0].compounds[1].names[0];
        assert_eq!(&src[n.range.start - 3..n.range.end - 3], ".chzn-single");
        assert!(sheet.rules[0].selectors[0].compounds[1].names[1].in_pseudo);
        let d = &sheet.rules[1].decls[0];
        assert_eq!(d.property, "font-family");
        assert_eq!(d.values.len(), 2);
        assert_eq!(d.values[1].kind, ValueKind::Str);
    }

    #[test]
    fn scss_nesting_suffix_interpolation_and_extend() {
        let src = ".o-form {\n  &-button-bar { @extend .chzn-single; }\n  .#{$p}-x { a: b }\n  @media (x) { color: red; }\n}\n";
        let sheet = parse(src, StyleSyntax::Scss, 0).unwrap();
        assert_eq!(
            names(&sheet),
            vec![
                ".o-formPlain",
                "-button-barNestingSuffix",
                ".-xInterpolated"
            ]
        );
        assert_eq!(sheet.rules[1].parent, Some(0));
        assert_eq!(sheet.rules[1].extends[0].text, ".chzn-single");
        assert_eq!(sheet.rules[0].decls.len(), 1, "@media inside a rule");
        assert!(sheet.rules[0].has_children);
    }

    #[test]
    fn less_and_errors() {
        let sheet = parse(
            "@c: red; .m() { x: y } #okta-sign-in { .m(); .a when (@c = red) { b: c } }",
            StyleSyntax::Less,
            0,
        )
        .unwrap();
        assert_eq!(sheet.rules.len(), 2);
        let e = parse("a { color: red", StyleSyntax::Css, 5).unwrap_err();
        assert!(e.offset >= 5);
        assert!(parse("$x: 1;", StyleSyntax::Css, 0).is_err());
    }

    /// raffia never returns on these, or takes exponential time (found by fuzz/, target
    /// `styles`): each must be an error at the bracket, at once, in every syntax.
    #[test]
    fn unbalanced_brackets_are_an_error_not_a_hang() {
        let deep = format!("a {{ b: {} }}", "f(".repeat(MAX_RETRY_NESTING));
        let url = "a { src: url(/x { c;\n}\nb {\n ((( d { e: f }\n(((( g.ttf) }\n";
        let cases = [
            ("a { b: c[", "a { b: c".len(), "`[` is never closed"),
            ("a { b: [d", "a { b: ".len(), "`[` is never closed"),
            ("a { b: [{}", "a { b: ".len(), "`[` is never closed"),
            ("a { b: [x] [", "a { b: [x] ".len(), "`[` is never closed"),
            (
                "a { b: c[ } d { }",
                "a { b: c".len(),
                "`[` is closed by a `}`",
            ),
            (
                deep.as_str(),
                deep.rfind('(').unwrap(),
                "`(` is closed by a `}`",
            ),
            ("a { b: c) }", 2, "`{` is closed by a `)`"),
            // An unquoted `url(` that is no URL token (a space inside): its `(` counts,
            // or the calls after it reach raffia's backtracking (found by the fuzzer).
            (
                url,
                url.find("(((( g").unwrap() + 2,
                "`(` is closed by a `}`",
            ),
            ("a { } )", "a { } ".len(), "`)` closes nothing"),
            ("a { b: url(x", "a { b: url".len(), "`url(` is never closed"),
            ("a { b: c", 2, "`{` is never closed"),
        ];
        for syntax in [StyleSyntax::Css, StyleSyntax::Scss, StyleSyntax::Less] {
            for (text, at, what) in &cases {
                let e = parse(text, syntax, 2).unwrap_err();
                assert_eq!(e.offset, 2 + at, "{syntax:?} {text:?}: {}", e.message);
                assert!(
                    e.message.contains(what),
                    "{syntax:?} {text:?}: {}",
                    e.message
                );
            }
        }
    }

    /// Nested blocks past the bound overflowed raffia's stack (and ended the run); calls
    /// meet the bound of what raffia may read again first.
    #[test]
    fn nesting_past_the_bound_is_an_error_at_the_bracket() {
        let n = crate::lang::MAX_NESTING;
        let blocks = format!("{}b: c;{}", "a {\n".repeat(n + 1), "}\n".repeat(n + 1));
        let calls = format!("a {{ b: {}1px{}; }}", "calc(".repeat(n), ")".repeat(n));
        for syntax in [StyleSyntax::Css, StyleSyntax::Scss, StyleSyntax::Less] {
            let (at, message) = unbalanced(&blocks, syntax).unwrap();
            assert_eq!(at, blocks.match_indices('{').nth(n).unwrap().0);
            assert!(message.contains("nest more than 1000"), "{message}");
            let e = parse(&calls, syntax, 0).err().unwrap();
            let at = calls.match_indices('(').nth(MAX_RETRY_NESTING).unwrap().0;
            assert_eq!(e.offset, at, "{}", e.message);
        }
        // A test thread's stack is small: the deepest allowed needs the run's.
        let ok = format!("{}b: c;{}", "a {\n".repeat(n), "}\n".repeat(n));
        let parsed = crate::engine::on_large_stack(|| parse(&ok, StyleSyntax::Scss, 0).is_ok());
        assert!(parsed);
    }

    /// Balanced brackets, and still exponential: when a value deep inside fails, raffia
    /// reads each enclosing level again (found by the fuzzer, target `styles`: 15 calls
    /// deep, 2.4 s). Past the bound they are refused at the bracket; real nesting parses.
    #[test]
    fn brackets_raffia_reads_again_are_bounded() {
        let n = MAX_RETRY_NESTING;
        let pairs = |k: usize| format!("a {{ y: {}1{} }}", "t((".repeat(k), "))-".repeat(k));
        let rules = |k: usize| format!("{}y: 1 -{}", "a:b {".repeat(k), "}".repeat(k));
        let lists = |k: usize| format!("$m: {}1-{};", "[".repeat(k), "]".repeat(k));
        for (text, bracket) in [
            (pairs(n / 2 + 1), '('),
            (rules(n + 1), '{'),
            (lists(n + 1), '['),
        ] {
            for syntax in [StyleSyntax::Css, StyleSyntax::Scss, StyleSyntax::Less] {
                let e = parse(&text, syntax, 1).unwrap_err();
                assert!(e.message.contains("exponential"), "{text}: {}", e.message);
                assert_eq!(text[e.offset - 1..].chars().next(), Some(bracket), "{text}");
                let at = text.match_indices(bracket).nth(n).unwrap().0;
                assert_eq!(e.offset - 1, at, "{text}");
            }
        }
        for text in [pairs(n / 2), rules(n), lists(n)] {
            assert!(unbalanced(&text, StyleSyntax::Scss).is_none(), "{text}");
        }
        // Blocks without a `:` before them, interpolation and real SCSS nest freely.
        let real = format!(
            "{}.#{{$p}}-#{{$d}} {{ @if ($p == margin) {{ margin: map-get($m, (a: (b: c))) * f(g(h(1))); }} }}{}",
            "@each $p in (margin, padding) {\n".repeat(8),
            "}\n".repeat(8)
        );
        assert!(unbalanced(&real, StyleSyntax::Scss).is_none(), "{real}");
    }

    /// Interpolation inside a string is code: a `[` left open in it reached raffia, which
    /// looped until out of memory (found by the fuzzer, target `styles`).
    #[test]
    fn interpolation_in_strings_is_code() {
        for (syntax, sigil) in [(StyleSyntax::Scss, '#'), (StyleSyntax::Less, '@')] {
            let bad = format!("a {{ b: 'x {sigil}{{c[d");
            let (at, message) = unbalanced(&bad, syntax).unwrap();
            assert_eq!(at, bad.find('[').unwrap(), "{syntax:?}");
            assert!(message.contains("`[` is never closed"), "{message}");
            // Back in the string after it: a bracket there is text.
            let good = format!("a {{ b: \"x {sigil}{{f(1)}} [ \"; }}");
            assert_eq!(unbalanced(&good, syntax), None, "{syntax:?}");
        }
        // Less also reads `${name}`, and neither `@{` nor `${` before what starts no name.
        let bad = "a { b: 'x ${c[d";
        assert_eq!(
            unbalanced(bad, StyleSyntax::Less).unwrap().0,
            bad.find('[').unwrap()
        );
        let text = "a { b: 'x @{[' }";
        assert_eq!(unbalanced(text, StyleSyntax::Less), None);
        assert!(parse(text, StyleSyntax::Less, 0).is_ok());
        // Plain CSS has no interpolation: all of it is string.
        assert_eq!(unbalanced("a { b: 'x #{c[d' }", StyleSyntax::Css), None);
    }

    /// A `)` inside Less inline JavaScript is text to raffia; counted, it closed a math
    /// function raffia saw open to the end, where it looped until out of memory (found by
    /// the fuzzer, target `styles`).
    #[test]
    fn less_inline_javascript_is_one_token() {
        let bad = "a { b: c; }\nmin(in(`)`)\n";
        let (at, message) = unbalanced(bad, StyleSyntax::Less).unwrap();
        assert_eq!(at, bad.find("min(").unwrap() + 3);
        assert!(message.contains("`(` is never closed"), "{message}");
        assert!(parse(bad, StyleSyntax::Less, 0).is_err());
        let good = "@x: `\"(\".toUpperCase() + '[\\\\'`;\na { b: ~`1 + (2`; c: d }\n";
        assert_eq!(unbalanced(good, StyleSyntax::Less), None);
        assert!(parse(good, StyleSyntax::Less, 0).is_ok());
        // Only Less has it: elsewhere a backtick is a delimiter and brackets count.
        assert!(unbalanced("a { b: `)` }", StyleSyntax::Scss).is_some());
    }

    /// The check must read a `url(` as raffia does. Taking an escaped `)` for the end
    /// of the URL hid a math function raffia saw open to the end of the file, where it
    /// ran out of memory; so did, in principle, any name ending in `url`.
    #[test]
    fn url_tokens_are_read_as_raffia_reads_them() {
        for syntax in [StyleSyntax::Css, StyleSyntax::Scss, StyleSyntax::Less] {
            let escaped = "a { b: c; }\nmin(url(a\\))";
            let (at, message) = unbalanced(escaped, syntax).unwrap();
            assert_eq!(at, escaped.find("min(").unwrap() + 3, "{syntax:?}");
            assert!(message.contains("`(` is never closed"), "{message}");
            for good in [
                "a { b: url(a\\).png) }",
                "a { b: url(  x[1].png  ), url(y{.png) }",
                "a{b:url(x[.png)}",
            ] {
                accepted(good, syntax);
            }
            // A longer name is a call: its brackets count.
            for call in ["a { b: my-url([)) }", "a { b: x.url([)) }"] {
                assert!(unbalanced(call, syntax).is_some(), "{syntax:?} {call}");
            }
            let open = "a { b: url(x\\";
            let (_, message) = unbalanced(open, syntax).unwrap();
            assert!(message.contains("`url(` is never closed"), "{message}");
        }
    }

    /// raffia reads `-\\"` at the start of a name as the name `-\\` and a quote; read as
    /// an escaped quote, the string after it hid a `[` that raffia saw open to the end of
    /// the file, where it ran out of memory (found by the fuzzer, target `styles`).
    #[test]
    fn a_backslash_after_a_leading_dash_escapes_nothing() {
        for syntax in [StyleSyntax::Css, StyleSyntax::Scss, StyleSyntax::Less] {
            // At the start of a name (after a gap, a number, `@`): the quote is code.
            for bad in ["h:-\\\"\"[", "a { b: 1-\\\"\"[ }", "a { b: @-\\\"\"[ }"] {
                let (at, message) = unbalanced(bad, syntax).expect(bad);
                assert_eq!(at, bad.find('[').unwrap(), "{syntax:?} {bad}");
                assert!(message.starts_with("this `[` is"), "{message}");
            }
            // Inside a name (or a hash, or after `--`) it escapes: the quote is text.
            for good in [
                "a { b: x-\\\"; }",
                "a { b: --\\\"; }",
                "a { b: #a-\\\"; }",
                "a { b: 1px-\\\"; }",
                ".w-\\[1px\\] { b: c }",
            ] {
                accepted(good, syntax);
            }
        }
    }

    /// A hex escape takes one whitespace after it: a line break there does not end a
    /// string, and a name goes on after a space there.
    #[test]
    fn hex_escapes_take_the_whitespace_after_them() {
        for syntax in [StyleSyntax::Css, StyleSyntax::Scss, StyleSyntax::Less] {
            // raffia: one string over two lines, then an open `[`.
            let string = "a { b: \"x\\41\n\" [ }";
            assert_eq!(
                unbalanced(string, syntax).unwrap().0,
                string.find('[').unwrap()
            );
            // raffia: the name `\41 -\"`, so the quote is escaped and the `[` is code.
            let name = "a { b: \\41 -\\\"[ }";
            assert_eq!(unbalanced(name, syntax).unwrap().0, name.find('[').unwrap());
            let good = "a { b: \"\\41 [\"; c: \\31 0px }";
            assert_eq!(unbalanced(good, syntax), None, "{syntax:?}");
            assert!(parse(good, syntax, 0).is_ok(), "{syntax:?}");
        }
    }

    /// In a media query list a `url(` is a call raffia tokenizes: skipping its text as a
    /// URL hid a comment or a Less script that raffia read, and a `[` after them it saw
    /// open at the end of the file, where it ran out of memory (fuzzer, `styles`).
    #[test]
    fn url_in_an_at_rule_prelude_is_a_call() {
        for syntax in [StyleSyntax::Scss, StyleSyntax::Less] {
            for bad in [
                "@media url([//)\nx",
                "@media x, url([//)\nx",
                "@import \"a\" t, url([//)\nx",
                "a { } @media screen { } @media url([/*)\nx",
                "@media #{$q} and url([//)\nx",
                "@supports url([//)\nx",
                "@include url([//)\nx",
            ] {
                assert!(unbalanced(bad, syntax).is_some(), "{syntax:?} {bad}");
            }
            // The URL of an `@import`, a URL inside a media feature, and after the prelude.
            for good in [
                "@import url(//fonts.example.com/css?a[]=1);\na { b: c }",
                "@media (min-width: 1px) { a { b: url(//x/[.png) } }",
                "@media screen { a { b: url(//x/[.png) } }",
                "@namespace svg url(http://www.w3.org/2000/svg);\na { b: c }",
            ] {
                accepted(good, syntax);
            }
        }
        let less = "@import (css) url(//x/[.css) screen;\n@x: url(//y/[.png);\na { b: @x }";
        assert_eq!(unbalanced(less, StyleSyntax::Less), None);
        assert!(parse(less, StyleSyntax::Less, 0).is_ok());
        let less = "@media url(`)`[";
        assert!(unbalanced(less, StyleSyntax::Less).is_some());
    }

    /// raffia reads a comment right after `name.` in Less as code; unclosed calls in it
    /// sent it backtracking for seconds (fuzzer, `styles`, as a timeout).
    #[test]
    fn a_less_comment_after_a_dot_is_code() {
        let calls = "f(".repeat(16);
        for bad in [format!("@i: ts.//{calls}\n"), format!("@i: ts./*{calls}*/")] {
            assert!(unbalanced(&bad, StyleSyntax::Less).is_some(), "{bad}");
            assert_eq!(unbalanced(&bad, StyleSyntax::Scss), None, "{bad}");
        }
        let fine = "@i: ts; // f(\n.a { b: c } /* ( */\n";
        assert_eq!(unbalanced(fine, StyleSyntax::Less), None);
    }

    /// raffia looped forever on a statement cut off by the end of the file (`$g:[a*]`,
    /// SCSS, found by the fuzzer as a timeout); the `;` after the text ends it. Valid
    /// stylesheets parse as before, with the same outline.
    #[test]
    fn a_statement_cut_off_by_the_end_is_an_error_not_a_hang() {
        for (text, syntax) in [
            ("$g:[a*]", StyleSyntax::Scss),
            ("g:[a*]b", StyleSyntax::Scss),
            ("g: [a and ]", StyleSyntax::Scss),
        ] {
            let e = crate::engine::on_large_stack(|| parse(text, syntax, 0).err());
            let e = e.expect(text);
            assert!(e.offset <= text.len(), "{text}: {e:?}");
        }
        // Alone, without the bracket check: every end-of-input loop found so far ends.
        for (text, syntax) in [
            ("a { b: c[", StyleSyntax::Css),
            ("a { b: min(1", StyleSyntax::Scss),
            ("min(in(`)`)", StyleSyntax::Less),
            ("h:-\\\"\"[", StyleSyntax::Css),
            ("@media url([//)\nx", StyleSyntax::Scss),
        ] {
            let source = with_sentinel(text, syntax);
            let mut parser = ParserBuilder::new(&source).syntax(syntax.raffia()).build();
            assert!(parser.parse::<Stylesheet>().is_err(), "{text}");
        }
        let sheet = "#okta-sign-in .o-form { b: c } // x\n@media screen { .a { d: e } }";
        for syntax in [StyleSyntax::Css, StyleSyntax::Scss, StyleSyntax::Less] {
            let sheet = if syntax == StyleSyntax::Css {
                &sheet.replace(" // x", "")
            } else {
                sheet
            };
            let out = parse(sheet, syntax, 0).unwrap_or_else(|e| panic!("{syntax:?}: {e:?}"));
            assert!(!out.rules.is_empty());
            let ends = out.rules.iter().flat_map(|r| {
                let sels = r.selectors.iter().map(|c| c.range.end);
                sels.chain(r.decls.iter().map(|d| d.range.end))
            });
            assert!(ends.clone().count() >= 3, "{syntax:?}");
            assert!(ends.max() <= Some(sheet.len()), "{syntax:?}");
        }
    }

    #[test]
    fn brackets_in_comments_strings_urls_and_escapes_do_not_count() {
        let css = "a[href] { b: \"[(\"; c: '[' } /* [ */ .w-\\[1px\\] { d: url(x[.png) }";
        assert_eq!(unbalanced(css, StyleSyntax::Css), None);
        assert!(parse(css, StyleSyntax::Css, 0).is_ok());
        let scss = "// [ not code\n$m: (a: [1, 2]); a { b: url( \"[\" ); c: map-get($m, a) }";
        assert_eq!(unbalanced(scss, StyleSyntax::Scss), None);
        assert!(parse(scss, StyleSyntax::Scss, 0).is_ok());
        let less = ".m(@a) when (iscolor(@a)) { b: ~\"calc(1px\"; } #okta-sign-in { .m(red); }";
        assert_eq!(unbalanced(less, StyleSyntax::Less), None);
        // In CSS `//` is no comment.
        assert!(unbalanced("a { b: 1 } // [", StyleSyntax::Css).is_some());
        assert_eq!(unbalanced("a { b: 1 } // [", StyleSyntax::Scss), None);
        // An unterminated comment or string ends the scan or the line.
        assert_eq!(unbalanced("a { b: \"[ }\n}", StyleSyntax::Css), None);
        assert_eq!(unbalanced("/* [", StyleSyntax::Css), None);
    }
}
