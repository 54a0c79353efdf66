//! New code for fixes. Nodes a rule creates are printed with swc_ecma_codegen; the parts
//! of the user's code they hold are *holes*, spliced back as their original text, so
//! comments and formatting inside them survive (codegen only ever prints new nodes).
//! Also: which line break and indentation a new line needs to fit its file.

use swc_common::{sync::Lrc, SourceMap, DUMMY_SP};
use swc_ecma_ast::{
    BinExpr, BinaryOp, CallExpr, Callee, Expr, ExprOrSpread, Ident, IdentName, MemberExpr,
    MemberProp, Str,
};
use swc_ecma_codegen::{text_writer::JsWriter, Emitter, Node};

/// Original texts standing in a new node as placeholder identifiers.
pub struct Holes {
    prefix: String,
    texts: Vec<String>,
}

impl Holes {
    /// Holes for code going into `text`: the placeholder prefix never occurs in it.
    pub fn new(text: &str) -> Self {
        let mut prefix = String::from("__wm");
        while text.contains(&prefix) {
            prefix.push('_');
        }
        Holes {
            prefix,
            texts: Vec::new(),
        }
    }

    /// An expression that prints as `original`.
    pub fn hole(&mut self, original: impl Into<String>) -> Box<Expr> {
        let name = format!("{}{}_", self.prefix, self.texts.len());
        self.texts.push(original.into());
        ident(&name)
    }

    /// Prints `node` and puts the original texts back in place of the holes.
    pub fn print(&self, node: &impl Node) -> Option<String> {
        let mut out = print_node(node)?;
        for (i, t) in self.texts.iter().enumerate().rev() {
            let name = format!("{}{}_", self.prefix, i);
            if !out.contains(&name) {
                return None;
            }
            out = out.replacen(&name, t, 1);
        }
        Some(out)
    }
}

/// Prints a new node on one line; `None` if the printer fails.
pub fn print_node(node: &impl Node) -> Option<String> {
    let cm: Lrc<SourceMap> = Default::default();
    let mut buf = Vec::new();
    {
        let mut emitter = Emitter {
            cfg: swc_ecma_codegen::Config::default(),
            cm: cm.clone(),
            comments: None,
            wr: JsWriter::new(cm, "\n", &mut buf, None),
        };
        node.emit_with(&mut emitter).ok()?;
    }
    String::from_utf8(buf).ok()
}

pub fn ident(name: &str) -> Box<Expr> {
    Box::new(Expr::Ident(Ident::new_no_ctxt(name.into(), DUMMY_SP)))
}

/// `obj.prop`
pub fn member(obj: Box<Expr>, prop: &str) -> Box<Expr> {
    Box::new(Expr::Member(MemberExpr {
        span: DUMMY_SP,
        obj,
        prop: MemberProp::Ident(IdentName::new(prop.into(), DUMMY_SP)),
    }))
}

/// `callee(args…)`
pub fn call(callee: Box<Expr>, args: Vec<Box<Expr>>) -> Box<Expr> {
    Box::new(Expr::Call(CallExpr {
        span: DUMMY_SP,
        callee: Callee::Expr(callee),
        args: args
            .into_iter()
            .map(|expr| ExprOrSpread { spread: None, expr })
            .collect(),
        ..Default::default()
    }))
}

/// `left op right`
pub fn binary(left: Box<Expr>, op: BinaryOp, right: Box<Expr>) -> Box<Expr> {
    Box::new(Expr::Bin(BinExpr {
        span: DUMMY_SP,
        op,
        left,
        right,
    }))
}

/// A string literal written with `quote` (`'` or `"`).
pub fn string(value: &str, quote: char) -> Box<Expr> {
    let mut raw = String::with_capacity(value.len() + 2);
    raw.push(quote);
    for c in value.chars() {
        match c {
            '\\' => raw.push_str("\\\\"),
            '\n' => raw.push_str("\\n"),
            '\r' => raw.push_str("\\r"),
            c if c == quote => {
                raw.push('\\');
                raw.push(c);
            }
            c => raw.push(c),
        }
    }
    raw.push(quote);
    Box::new(Expr::Lit(swc_ecma_ast::Lit::Str(Str {
        span: DUMMY_SP,
        value: value.into(),
        raw: Some(raw.into()),
    })))
}

/// How new lines are written in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    pub newline: &'static str,
    /// One level of indentation (`"  "`, `"    "` or a tab).
    pub unit: String,
}

impl Layout {
    pub fn of(text: &str) -> Layout {
        Layout {
            newline: if text.contains("\r\n") { "\r\n" } else { "\n" },
            unit: indent_unit(text),
        }
    }
}

/// The indentation step the file uses most: a tab when indented lines start with tabs,
/// else the most frequent increase of indentation between consecutive code lines.
fn indent_unit(text: &str) -> String {
    let mut tabs = 0;
    let mut spaces = 0;
    let mut steps: std::collections::BTreeMap<usize, usize> = Default::default();
    let mut prev = 0;
    for line in text.lines() {
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('*') {
            continue;
        }
        let indent = &line[..line.len() - body.len()];
        if indent.starts_with('\t') {
            tabs += 1;
        } else if !indent.is_empty() {
            spaces += 1;
        }
        let width = indent.len();
        if width > prev && !indent.contains('\t') {
            *steps.entry(width - prev).or_default() += 1;
        }
        prev = width;
    }
    if tabs > spaces {
        return "\t".into();
    }
    let best = steps
        .iter()
        .filter(|(w, _)| **w <= 8)
        .max_by_key(|(w, n)| (**n, std::cmp::Reverse(**w)))
        .map_or(2, |(w, _)| *w);
    " ".repeat(best)
}

/// Offset of the start of the line holding `pos`.
pub fn line_start(text: &str, pos: usize) -> usize {
    let bytes = text.as_bytes();
    let pos = pos.min(bytes.len());
    bytes[..pos]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1)
}

/// The leading whitespace of the line holding `pos`.
pub fn line_indent(text: &str, pos: usize) -> &str {
    let start = line_start(text, pos);
    let width = text.as_bytes()[start..]
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    text.get(start..start + width).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_keep_original_text() {
        let mut h = Holes::new("a.renderEl(/* c */ x)");
        let recv = h.hole("this.widget");
        let arg = h.hole("{ el: '#x' /* keep */ }");
        let e = call(member(recv, "showSignIn"), vec![arg]);
        assert_eq!(
            h.print(&e).as_deref(),
            Some("this.widget.showSignIn({ el: '#x' /* keep */ })")
        );
        let s = binary(
            member(ident("ctx"), "formName"),
            BinaryOp::EqEqEq,
            string("it's", '\''),
        );
        assert_eq!(print_node(&s).as_deref(), Some("ctx.formName === 'it\\'s'"));
    }

    #[test]
    fn layout_is_detected() {
        assert_eq!(Layout::of("a {\n    b\n}\n").unit, "    ");
        assert_eq!(Layout::of("a {\r\n\tb\r\n}\r\n").unit, "\t");
        assert_eq!(Layout::of("a {\r\n\tb\r\n}\r\n").newline, "\r\n");
        assert_eq!(Layout::of("/**\n * x\n */\nf(\n  a,\n  b\n);\n").unit, "  ");
        assert_eq!(line_indent("x\n    y = 1;\n", 8), "    ");
    }
}
