//! JavaScript / TypeScript / JSX / TSX parsing with swc.

use std::path::Path;
use swc_common::comments::SingleThreadedComments;
use swc_common::sync::Lrc;
use swc_common::{FileName, SourceMap, Span, Spanned};
use swc_ecma_ast::{EsVersion, ExprStmt, Program, Script, Stmt};
use swc_ecma_parser::{
    parse_file_as_commonjs, parse_file_as_expr, parse_file_as_program, EsSyntax, Syntax, TsSyntax,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    /// `.js .mjs .jsx`: ECMAScript with JSX.
    Js,
    /// `.cjs`: CommonJS (top-level `return` allowed).
    Cjs,
    /// `.ts .mts .cts`
    Ts,
    /// `.tsx`
    Tsx,
}

impl Dialect {
    pub fn for_path(path: &Path) -> Option<Dialect> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
            return None;
        }
        match path.extension()?.to_str()? {
            "js" | "mjs" | "jsx" => Some(Dialect::Js),
            "cjs" => Some(Dialect::Cjs),
            "ts" | "mts" | "cts" => Some(Dialect::Ts),
            "tsx" => Some(Dialect::Tsx),
            _ => None,
        }
    }

    fn syntax(self) -> Syntax {
        match self {
            Dialect::Js | Dialect::Cjs => Syntax::Es(EsSyntax {
                jsx: true,
                decorators: true,
                ..Default::default()
            }),
            Dialect::Ts => Syntax::Typescript(TsSyntax {
                tsx: false,
                decorators: true,
                ..Default::default()
            }),
            Dialect::Tsx => Syntax::Typescript(TsSyntax {
                tsx: true,
                decorators: true,
                ..Default::default()
            }),
        }
    }
}

/// A parse error at a byte offset of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

/// A parsed program. Ranges it gives are byte offsets of the whole file: swc positions
/// minus the source map's base, plus the offset of the parsed text in the file (the BOM).
pub struct Parsed {
    pub program: Program,
    pub comments: SingleThreadedComments,
    base: u32,
    offset: usize,
}

impl Parsed {
    /// Byte range of `span` in the parsed text.
    pub fn range(&self, span: Span) -> std::ops::Range<usize> {
        let at = |p: u32| (p.saturating_sub(self.base)) as usize + self.offset;
        at(span.lo.0)..at(span.hi.0)
    }

    pub fn range_of(&self, node: &impl Spanned) -> std::ops::Range<usize> {
        self.range(node.span())
    }
}

/// Parses `text` (without a BOM). Any error, even one the parser recovered from,
/// is returned as an error: a recovered tree may be wrong, and edits on it are not safe.
pub fn parse(text: &str, dialect: Dialect, offset: usize) -> Result<Parsed, ParseError> {
    let typescript = matches!(dialect, Dialect::Ts | Dialect::Tsx);
    if let Some((at, message)) = too_deep(text, typescript) {
        return Err(ParseError {
            offset: offset + at,
            message,
        });
    }
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), text.to_string());
    let base = fm.start_pos.0;
    let comments = SingleThreadedComments::default();
    let mut recovered = Vec::new();
    let result = match dialect {
        Dialect::Cjs => parse_file_as_commonjs(
            &fm,
            dialect.syntax(),
            EsVersion::latest(),
            Some(&comments),
            &mut recovered,
        )
        .map(Program::Script),
        _ => parse_file_as_program(
            &fm,
            dialect.syntax(),
            EsVersion::latest(),
            Some(&comments),
            &mut recovered,
        ),
    };
    let to_error = |e: swc_ecma_parser::error::Error| ParseError {
        offset: (e.span().lo.0.saturating_sub(base)) as usize + offset,
        message: e.kind().msg().into_owned(),
    };
    match result {
        Err(e) => Err(to_error(e)),
        Ok(_) if !recovered.is_empty() => Err(to_error(recovered.swap_remove(0))),
        Ok(program) => Ok(Parsed {
            program,
            comments,
            base,
            offset,
        }),
    }
}

/// The offset of the first bracket of `text` that opens a level deeper than
/// [`super::MAX_NESTING`]. Strings, comments and escaped characters are skipped as far as
/// a scan without a lexer can (a regular expression is read as code; its brackets
/// balance or are escaped): the bound only needs to hold for code that nests for real.
fn too_deep(text: &str, typescript: bool) -> Option<(usize, String)> {
    let b = text.as_bytes();
    let mut depth = 0usize;
    // TypeScript only: how many `<` that may open type arguments are pending at the
    // current level (until a `;`, `,` or `>` there), and for each open bracket how many
    // were when it opened (what it holds is parsed once more for each: as type arguments
    // from that `<` on, then again as an expression up to the next one): the count it
    // added to `speculative`, and its level's count to go back to when it closes.
    let mut pending = 0usize;
    let mut levels: Vec<usize> = Vec::new();
    let mut speculative = 0usize;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\\' => i += 1,
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(b.len(), |e| i + e);
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                i = memchr::memmem::find(&b[i + 2..], b"*/").map_or(b.len(), |e| i + 2 + e + 1);
            }
            q @ (b'"' | b'\'') => {
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > super::MAX_NESTING {
                    return Some((i, super::too_deep_message()));
                }
                if typescript {
                    levels.push(pending);
                    speculative += pending;
                    if speculative > MAX_TS_SPECULATION {
                        return Some((i, speculation_message()));
                    }
                    pending = 0;
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if let Some(was) = levels.pop() {
                    speculative -= was;
                    pending = was;
                }
            }
            b'<' if typescript => pending += usize::from(may_open_type_arguments(&text[..i])),
            b';' | b',' | b'>' => pending = 0,
            // No type goes on past `&&`, `||` or `??`: the `<` before it are read as
            // type arguments up to there only (a condition of many comparisons is fine).
            c @ (b'&' | b'|' | b'?') if b.get(i + 1) == Some(&c) => {
                pending = 0;
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Whether a `<` after `before` may open type arguments (`f<`, `a.b <`, `x[0]<`), not
/// a comparison after an operator or JSX after a keyword (`return <div>`).
fn may_open_type_arguments(before: &str) -> bool {
    let before = before.trim_end_matches([' ', '\t', '\n', '\r']);
    // By bytes: the last byte of a character other than these is followed by a boundary.
    let word_start = before
        .bytes()
        .rposition(|c| !(c.is_ascii_alphanumeric() || c == b'_' || c == b'$'))
        .map_or(0, |k| k + 1);
    let word = &before[word_start..];
    if word.is_empty() {
        return before.ends_with([')', ']']);
    }
    !matches!(
        word,
        "return"
            | "yield"
            | "await"
            | "case"
            | "typeof"
            | "void"
            | "delete"
            | "throw"
            | "in"
            | "of"
            | "else"
            | "do"
            | "default"
            | "instanceof"
    )
}

/// How deep brackets opened after a possible `<` of type arguments may nest in
/// TypeScript. swc 47 tries each such level as a type and then as an expression, again
/// for every level inside: `a < (b = …` grows about fourfold per level (10 levels 7–13
/// s), `n<[[{[[` sixfold (8 levels 2 s, under the fuzzer's build a timeout; both found
/// by the fuzzer, target `js`); what sits inside the deepest level is parsed up to 6^n
/// times. Each `<` pending at a bracket's level counts one (`a < b < [`: two), as each
/// starts one more reading of what follows (a chain of three before each of four levels
/// took 0.75 s in 1,167 bytes). `&&`, `||` and `??` end the count: no type reads past
/// them (on that input, 1 s without, 5 ms with one before each level). 1,143 real
/// TypeScript files (rxjs, zod, TanStack Query, okta-react, TypeScript's own `.d.ts`)
/// reach three at most.
const MAX_TS_SPECULATION: usize = 4;

fn speculation_message() -> String {
    format!(
        "brackets after a `<` nest more than {MAX_TS_SPECULATION} levels deep here (each `<` before a bracket at its level counts one); the TypeScript parser reads each level as type arguments and again as an expression, in time exponential in that depth, so the file is not parsed"
    )
}

/// Parses a JSON text (without a BOM) into a program holding one expression statement,
/// so the JSON value gets swc spans. The text must be strict JSON (checked with
/// serde_json first: swc alone accepts JavaScript, such as comments or single quotes).
pub fn parse_json(text: &str, offset: usize) -> Result<Parsed, ParseError> {
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        let line_start: usize = text
            .split_inclusive('\n')
            .take(e.line().saturating_sub(1))
            .map(str::len)
            .sum();
        let col = text[line_start..]
            .char_indices()
            .nth(e.column().saturating_sub(1))
            .map_or(text.len() - line_start, |(i, _)| i);
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_string();
        return Err(ParseError {
            offset: offset + line_start + col,
            message,
        });
    }
    let cm: Lrc<SourceMap> = Default::default();
    let fm = cm.new_source_file(Lrc::new(FileName::Anon), text.to_string());
    let base = fm.start_pos.0;
    let mut recovered = Vec::new();
    let syntax = Syntax::Es(EsSyntax::default());
    let to_error = |e: swc_ecma_parser::error::Error| ParseError {
        offset: (e.span().lo.0.saturating_sub(base)) as usize + offset,
        message: e.kind().msg().into_owned(),
    };
    let expr = parse_file_as_expr(&fm, syntax, EsVersion::latest(), None, &mut recovered)
        .map_err(to_error)?;
    if let Some(e) = recovered.into_iter().next() {
        return Err(to_error(e));
    }
    let span = expr.span();
    Ok(Parsed {
        program: Program::Script(Script {
            span,
            body: vec![Stmt::Expr(ExprStmt { span, expr })],
            shebang: None,
        }),
        comments: SingleThreadedComments::default(),
        base,
        offset,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by fuzz/ (target `js`): `a < (b = a < (b = …))`, `n<[[{[[n<[[{[[…` and chains
    /// of `<` before a bracket take swc's TypeScript parser time exponential in their depth. Past the bound they are
    /// refused at the bracket; JavaScript, TypeScript within the bound and real code parse.
    #[test]
    fn typescript_speculation_is_bounded() {
        let parens = |n: usize| format!("x = {}c{};", "a < (b = ".repeat(n), ")".repeat(n));
        let arrays = |n: usize| {
            format!("x = {}c{};", "n<[[{[[", "]]}]]".repeat(n)).replacen(
                "n<[[{[[",
                &"n<[[{[[".repeat(n),
                1,
            )
        };
        // Several `<` at one level count one each (`truen<n|rrrtruen<n|rrrtr[[[…` took
        // 0.75 s in 1,167 bytes within 4 levels counted as one per bracket).
        let chain = |n: usize| format!("x = {}[[c]];", "a < n | ".repeat(n));
        for (nest, brackets) in [
            (&parens as &dyn Fn(usize) -> String, "("),
            (&arrays, "["),
            (&chain, "["),
        ] {
            let deep = nest(MAX_TS_SPECULATION + 1);
            for dialect in [Dialect::Ts, Dialect::Tsx] {
                let err = parse(&deep, dialect, 3).err().expect("refused");
                assert!(err.message.contains("exponential"), "{}", err.message);
                let at = err.offset - 3;
                assert_eq!(&deep[at..at + 1], brackets, "{deep}");
                let ok = nest(MAX_TS_SPECULATION);
                assert!(too_deep(&ok, true).is_none(), "{ok}");
            }
            assert!(
                too_deep(&deep, false).is_none(),
                "JavaScript is not bounded"
            );
        }
        assert!(parse(&parens(MAX_TS_SPECULATION + 1), Dialect::Js, 0).is_ok());
        // Real code: generics, comparisons, JSX after `return`, strings and comments.
        let conditions = format!(
            "if ({}check(a, [b])) {{}}",
            "a.length < 3 || b < 1 && ".repeat(8)
        );
        assert!(too_deep(&conditions, true).is_none(), "{conditions}");
        assert!(too_deep(&conditions.replace("||", "|").replace("&&", "&"), true).is_some());
        let real = r#"
function List<T extends { id: string }>(props: { items: Array<Record<string, [number, { a: T }]>> }) {
  const [open, setOpen] = useState<(string | null)[]>([]);
  for (let i = 0; i < props.items.length; i++) { if (i < 2) { setOpen([...open, null]); } }
  const pick = (a: number, b: number) => (a < b ? [a] : { b: [b] });
  return <ul>{props.items.map((x) => { return <li key={String(x)}>{x < 1 ? <b>{[x]}</b> : null}</li>; })}</ul>;
}
const s = 'a<(a<(a<(a<(a<(a<(a<('; // a<(a<(a<(a<(a<(a<(a<(
"#;
        let real = real.repeat(3);
        // Before the `<`, a character of several bytes (found by the fuzzer: a BOM).
        for text in ["x = \u{feff}<(b)", "x = é<(b)", "x = aé <(b)"] {
            assert!(too_deep(text, true).is_none(), "{text}");
        }
        assert!(too_deep(&real, true).is_none());
        assert!(
            parse(&real, Dialect::Tsx, 0).is_ok(),
            "{:?}",
            parse(&real, Dialect::Tsx, 0).err()
        );
    }

    /// Found by fuzz/ (target `js`): a few thousand nested brackets overflowed the stack
    /// and ended the whole run. Each kind is refused at the first bracket too deep; the
    /// same depth inside strings and comments is not nesting.
    #[test]
    fn nesting_past_the_bound_is_an_error_at_the_bracket() {
        let n = crate::lang::MAX_NESTING;
        for (open, close) in [
            ("(", ")"),
            ("[", "]"),
            ("{a:", "}"),
            ("f(", ")"),
            ("`${", "}`"),
        ] {
            let src = format!("x = {}1{};", open.repeat(n + 1), close.repeat(n + 1));
            let err = parse(&src, Dialect::Js, 7)
                .err()
                .unwrap_or_else(|| panic!("{open}"));
            let at = err.offset - 7;
            assert_eq!(src[..at].matches(['(', '[', '{']).count(), n, "{open}");
            assert!(
                err.message.contains("nest more than 1000 levels"),
                "{}",
                err.message
            );
            // A test thread's stack is small: the deepest allowed needs the run's.
            let ok = format!("x = {}1{};", open.repeat(n), close.repeat(n));
            let parsed = crate::engine::on_large_stack(|| parse(&ok, Dialect::Js, 0).is_ok());
            assert!(parsed, "{open}");
        }
        let quoted = format!(
            "a = '{}';\nb = \"{}\";\n// {}\n/* {} */\nc = /\\({}/;",
            "(".repeat(n + 1),
            "[".repeat(n + 1),
            "{".repeat(n + 1),
            "(".repeat(n + 1),
            "\\(".repeat(n + 1)
        );
        assert!(parse(&quoted, Dialect::Js, 0).is_ok());
    }

    #[test]
    fn recovered_errors_are_errors() {
        let e = parse("let a: number = 1;", Dialect::Js, 0).err().unwrap();
        assert!(!e.message.is_empty());
        assert!(parse("let a: number = 1;", Dialect::Ts, 0).is_ok());
        assert!(parse("return 1;", Dialect::Cjs, 0).is_ok());
        assert!(parse("const a = <div/>;", Dialect::Js, 0).is_ok());
        assert!(parse("const a = <any>window;", Dialect::Ts, 0).is_ok());
    }

    #[test]
    fn ranges_are_byte_offsets() {
        let src = "// ü🎉\nconst k = 'x';";
        let p = parse(src, Dialect::Js, 0).unwrap();
        let Program::Script(s) = &p.program else {
            panic!("script expected")
        };
        let r = p.range_of(&s.body[0]);
        assert_eq!(&src[r], "const k = 'x';");
    }

    #[test]
    fn json_is_strict_and_keeps_spans() {
        let src = "{\n  \"i18n\": {\"en\": {\"a.b\": \"x\"}}\n}\n";
        let p = parse_json(src, 3).unwrap();
        let Program::Script(s) = &p.program else {
            panic!("script expected")
        };
        let r = p.range_of(&s.body[0]);
        assert_eq!(r.start, 3);
        let e = parse_json("{\n  'a': 1\n}", 0).err().unwrap();
        assert_eq!(e.offset, 4, "{e:?}");
        assert!(parse_json("{\"a\": 1} // c", 0).is_err());
    }

    #[test]
    fn dialect_by_extension() {
        assert_eq!(Dialect::for_path(Path::new("a/b.tsx")), Some(Dialect::Tsx));
        assert_eq!(Dialect::for_path(Path::new("types.d.ts")), None);
        assert_eq!(Dialect::for_path(Path::new("x.cjs")), Some(Dialect::Cjs));
        assert_eq!(Dialect::for_path(Path::new("x.css")), None);
    }
}
