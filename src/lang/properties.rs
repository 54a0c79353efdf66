//! Java `.properties` bundles (`login.properties`, `login_fr.properties`, ...).
//!
//! The parser follows `java.util.Properties.load(Reader)` (the JDK 9+ line reader) but keeps
//! positions: every range is a BYTE range into the `&str` given to [`parse`]. A Latin-1 file is
//! decoded byte-for-char (`SourceText::from_latin1`), so the text is lossless and encoding it
//! gives the same bytes back; a key is renamed by splicing [`escape_key`] output over [`Entry::key_range`].

use std::ops::Range;

pub use crate::source::Encoding;

/// UTF-8 when the bytes are valid UTF-8 and contain non-ASCII; Latin-1 otherwise (pure ASCII is
/// the same in both).
pub fn detect_encoding(bytes: &[u8]) -> Encoding {
    if !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok() {
        Encoding::Utf8
    } else {
        Encoding::Latin1
    }
}

/// One `key=value` entry of a bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Decoded key (escapes resolved).
    pub key: String,
    /// Decoded value; continuation lines joined as Java does.
    pub value: String,
    /// Raw key text, escapes included.
    pub key_range: Range<usize>,
    /// Raw value text (may span continuation lines); an empty range at the end of the separator
    /// when there is no value.
    pub value_range: Range<usize>,
    /// The whole logical line, its indentation and terminator included (for deleting an entry).
    pub line_range: Range<usize>,
    /// 1-based line number where the entry starts.
    pub line: usize,
}

/// Result of [`parse`]: entries in file order (duplicates included) and the escapes Java would
/// reject, each with the byte offset of its backslash.
#[derive(Debug, Default)]
pub struct Parsed {
    pub entries: Vec<Entry>,
    pub problems: Vec<(usize, String)>,
}

/// Parses the text of a .properties file. Never panics; malformed escapes (`\u12`, bad hex) stay
/// literally in the decoded text and are reported in [`Parsed::problems`] (Java would throw).
pub fn parse(text: &str) -> Parsed {
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let mut lines = Lines {
        text,
        pos: start,
        bol: start,
        line: 1,
        after_cr: false,
    };
    let mut parsed = Parsed::default();
    while let Some(logical) = lines.next_logical() {
        let entry = split_entry(&logical, &mut parsed.problems);
        parsed.entries.push(entry);
    }
    parsed
}

/// Escapes a key for a bundle in `enc`, like `Properties.store`: `\`, `=`, `:`, space, tab, `\n`,
/// `\r`, form feed everywhere, `#` and `!` at the start; other C0 controls, DEL and (for Latin-1)
/// every char above U+00FF as `\uXXXX` UTF-16 units in the requested hex case.
pub fn escape_key(key: &str, enc: Encoding, hex_upper: bool) -> String {
    let mut out = String::with_capacity(key.len() + 8);
    for (i, c) in key.chars().enumerate() {
        match c {
            '\\' => out.push_str("\\\\"),
            ' ' => out.push_str("\\ "),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\x0c' => out.push_str("\\f"),
            '=' | ':' => {
                out.push('\\');
                out.push(c);
            }
            '#' | '!' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            // A BOM opening the file would be skipped by `parse`.
            '\u{feff}' if i == 0 => push_unicode_escapes(&mut out, c, hex_upper),
            c if c < ' ' || c == '\u{7f}' => push_unicode_escapes(&mut out, c, hex_upper),
            c if enc == Encoding::Latin1 && u32::from(c) > 0xff => {
                push_unicode_escapes(&mut out, c, hex_upper)
            }
            c => out.push(c),
        }
    }
    out
}

fn push_unicode_escapes(out: &mut String, c: char, hex_upper: bool) {
    let mut units = [0u16; 2];
    for unit in c.encode_utf16(&mut units) {
        if hex_upper {
            out.push_str(&format!("\\u{unit:04X}"));
        } else {
            out.push_str(&format!("\\u{unit:04x}"));
        }
    }
}

/// A logical line as Java's line reader hands it to `load0`: the kept chars (continuation
/// backslashes, terminators and skipped whitespace removed), each with its byte offset.
struct Logical {
    chars: Vec<(usize, char)>,
    /// Start of the natural line holding the first kept char (indentation included).
    start: usize,
    /// Offset of the first char read into the line (it may have been dropped later).
    first: usize,
    /// Past the terminator of the last natural line (or the end of the text).
    end: usize,
    line: usize,
}

/// Natural-line cursor over the text.
struct Lines<'a> {
    text: &'a str,
    pos: usize,
    /// Start of the natural line `pos` is in, and its 1-based number.
    bol: usize,
    line: usize,
    after_cr: bool,
}

impl Lines<'_> {
    fn peek(&self) -> Option<char> {
        self.text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
    }

    fn bump(&mut self) -> Option<(usize, char)> {
        let c = self.peek()?;
        let at = self.pos;
        self.pos += c.len_utf8();
        match c {
            '\r' => {
                self.line += 1;
                self.bol = self.pos;
            }
            // The `\n` of `\r\n` belongs to the terminator the `\r` already counted.
            '\n' => {
                if !self.after_cr {
                    self.line += 1;
                }
                self.bol = self.pos;
            }
            _ => {}
        }
        self.after_cr = c == '\r';
        Some((at, c))
    }

    /// Skips the `\n` of a `\r\n` pair.
    fn eat_lf_after(&mut self, c: char) {
        if c == '\r' && self.peek() == Some('\n') {
            self.bump();
        }
    }

    /// Mirrors `Properties.LineReader.readLine`, state for state.
    fn next_logical(&mut self) -> Option<Logical> {
        let mut chars: Vec<(usize, char)> = Vec::new();
        let mut begun: Option<(usize, usize, usize)> = None; // (start, first, line)
        let mut skip_ws = true;
        let mut appended = false;
        let mut backslash = false;
        loop {
            let Some((at, c)) = self.bump() else {
                if chars.is_empty() {
                    return None;
                }
                if backslash {
                    chars.pop();
                }
                return Some(self.finish(chars, begun));
            };
            let eol = c == '\r' || c == '\n';
            if skip_ws {
                if matches!(c, ' ' | '\t' | '\x0c') || (eol && !appended) {
                    continue;
                }
                skip_ws = false;
                appended = false;
            }
            if chars.is_empty() && (c == '#' || c == '!') {
                // A comment runs to the end of its natural line and never continues.
                loop {
                    match self.bump() {
                        None => return None,
                        Some((_, '\r' | '\n')) => break,
                        Some(_) => {}
                    }
                }
                skip_ws = true;
                continue;
            }
            if !eol {
                begun.get_or_insert((self.bol, at, self.line));
                chars.push((at, c));
                backslash = c == '\\' && !backslash;
                continue;
            }
            if chars.is_empty() {
                skip_ws = true;
                continue;
            }
            if backslash && self.peek().is_some() {
                // Continuation: drop the backslash, skip the next line's indentation.
                chars.pop();
                backslash = false;
                skip_ws = true;
                appended = true;
                self.eat_lf_after(c);
                continue;
            }
            if backslash {
                chars.pop();
            }
            self.eat_lf_after(c);
            return Some(self.finish(chars, begun));
        }
    }

    fn finish(&self, chars: Vec<(usize, char)>, begun: Option<(usize, usize, usize)>) -> Logical {
        let (start, first, line) = begun.unwrap_or((self.pos, self.pos, self.line));
        Logical {
            chars,
            start,
            first,
            end: self.pos,
            line,
        }
    }
}

/// Byte range from the first to the last char of `chars`.
fn span(chars: &[(usize, char)]) -> Option<Range<usize>> {
    let &(from, _) = chars.first()?;
    let &(at, c) = chars.last()?;
    Some(from..at + c.len_utf8())
}

/// Mirrors `Properties.load0`: splits a logical line into key and value.
fn split_entry(logical: &Logical, problems: &mut Vec<(usize, String)>) -> Entry {
    let chars = logical.chars.as_slice();
    let mut key_len = chars.len();
    let mut value_start = chars.len();
    let mut has_sep = false;
    let mut backslash = false;
    for (i, &(_, c)) in chars.iter().enumerate() {
        if !backslash && matches!(c, '=' | ':' | ' ' | '\t' | '\x0c') {
            key_len = i;
            value_start = i + 1;
            has_sep = c == '=' || c == ':';
            break;
        }
        backslash = c == '\\' && !backslash;
    }
    while let Some(&(_, c)) = chars.get(value_start) {
        match c {
            ' ' | '\t' | '\x0c' => {}
            '=' | ':' if !has_sep => has_sep = true,
            _ => break,
        }
        value_start += 1;
    }
    let key_chars = chars.get(..key_len).unwrap_or_default();
    let value_chars = chars.get(value_start..).unwrap_or_default();
    let key_range = span(key_chars).unwrap_or_else(|| {
        let at = chars.first().map_or(logical.first, |&(at, _)| at);
        at..at
    });
    let value_range = span(value_chars).unwrap_or_else(|| {
        let at = chars
            .get(..value_start)
            .and_then(<[_]>::last)
            .map_or(key_range.end, |&(at, c)| at + c.len_utf8());
        at..at
    });
    Entry {
        key: unescape(key_chars, problems),
        value: unescape(value_chars, problems),
        key_range,
        value_range,
        line_range: logical.start..logical.end,
        line: logical.line,
    }
}

/// Mirrors `Properties.loadConvert`, keeping what Java rejects and reporting it instead.
fn unescape(chars: &[(usize, char)], problems: &mut Vec<(usize, String)>) -> String {
    let mut out = String::with_capacity(chars.len());
    // A `\uD8xx` escape waiting for its low half: (offset of its backslash, unit).
    let mut high: Option<(usize, u32)> = None;
    let mut i = 0;
    while let Some(&(at, c)) = chars.get(i) {
        i += 1;
        let unit = if c != '\\' {
            None
        } else if let Some(&(_, escaped)) = chars.get(i) {
            i += 1;
            match escaped {
                'u' => match chars.get(i..i + 4).and_then(hex4) {
                    Some(unit) => {
                        i += 4;
                        Some(unit)
                    }
                    None => {
                        flush_high(&mut high, &mut out, problems);
                        problems.push((at, "malformed \\uXXXX escape".to_owned()));
                        out.push_str("\\u");
                        continue;
                    }
                },
                't' => Some(0x09),
                'n' => Some(0x0a),
                'r' => Some(0x0d),
                'f' => Some(0x0c),
                other => Some(u32::from(other)),
            }
        } else {
            // The line reader drops a lone trailing backslash, so this is unreachable in practice.
            Some(u32::from('\\'))
        };
        let Some(unit) = unit else {
            flush_high(&mut high, &mut out, problems);
            out.push(c);
            continue;
        };
        if (0xdc00..0xe000).contains(&unit) {
            if let Some((_, hi)) = high.take() {
                let combined = 0x10000 + ((hi - 0xd800) << 10) + (unit - 0xdc00);
                out.push(char::from_u32(combined).unwrap_or('\u{fffd}'));
            } else {
                problems.push((at, "unpaired low surrogate".to_owned()));
                out.push('\u{fffd}');
            }
            continue;
        }
        flush_high(&mut high, &mut out, problems);
        if (0xd800..0xdc00).contains(&unit) {
            high = Some((at, unit));
        } else {
            out.push(char::from_u32(unit).unwrap_or('\u{fffd}'));
        }
    }
    flush_high(&mut high, &mut out, problems);
    out
}

fn flush_high(
    high: &mut Option<(usize, u32)>,
    out: &mut String,
    problems: &mut Vec<(usize, String)>,
) {
    if let Some((at, _)) = high.take() {
        problems.push((at, "unpaired high surrogate".to_owned()));
        out.push('\u{fffd}');
    }
}

fn hex4(digits: &[(usize, char)]) -> Option<u32> {
    digits
        .iter()
        .try_fold(0u32, |acc, &(_, c)| Some(acc * 16 + c.to_digit(16)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes bytes in `enc` (Latin-1: byte b -> char U+00bb). `Err(offset of first invalid byte)`
    /// for invalid UTF-8.
    fn decode(bytes: &[u8], enc: Encoding) -> Result<String, usize> {
        match enc {
            Encoding::Utf8 => std::str::from_utf8(bytes)
                .map(str::to_owned)
                .map_err(|e| e.valid_up_to()),
            Encoding::Latin1 => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        }
    }

    /// Encodes text back. `Err(byte offset in `text` of the first char not representable in Latin-1)`.
    fn encode(text: &str, enc: Encoding) -> Result<Vec<u8>, usize> {
        match enc {
            Encoding::Utf8 => Ok(text.as_bytes().to_vec()),
            Encoding::Latin1 => text
                .char_indices()
                .map(|(at, c)| u8::try_from(c).map_err(|_| at))
                .collect(),
        }
    }

    fn kv(text: &str) -> Vec<(String, String)> {
        parse(text)
            .entries
            .into_iter()
            .map(|e| (e.key, e.value))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|&(k, v)| (k.to_owned(), v.to_owned()))
            .collect()
    }

    /// (raw key, raw value, raw line, line number) of every entry.
    fn raws(text: &str) -> Vec<(&str, &str, &str, usize)> {
        parse(text)
            .entries
            .iter()
            .map(|e| {
                (
                    &text[e.key_range.clone()],
                    &text[e.value_range.clone()],
                    &text[e.line_range.clone()],
                    e.line,
                )
            })
            .collect()
    }

    const LATIN1: &[u8] =
        b"# Okta\nprimaryauth\\.title=Connexion \\u00e9t\\u00E9\ncaf\xe9 = th\xe9\n";
    const UTF8: &str = "login.title=Войти\nemoji😀=😀 raw\n";
    const CRLF: &str = "a=1\r\nb = 2\r\n\r\nc\r\n";
    const MIXED: &str = "a=1\r\nb=2\rc=3\nd=4\n\re=5";
    const CONT: &str = "msg=Hello \\\n    World\\\r\n\tagain\nnext=1\n";
    const EVEN: &str = "a=b\\\\\nc=d\nodd=b\\\\\\\nc=d\n";
    const COMMENTS: &str = "# c1\n! c2\n  # indented\na=1\n# between\nb=2\n#trail \\\nc=3\n";
    const SEPS: &str = "k1 v1\nk2:v2\nk3 = v3\nk4\tv4\nk5 : = v5\nk6== v6\nk7\x0c:\x0cv7\n";
    const ESC_KEYS: &str = "a\\=b=c\nkey\\ with\\ spaces=v\nx\\:y:z\n\\#nc=1\n\\\\=bs\n";
    const ESCAPES: &str = "e=\\t\\n\\r\\f\\q\\\\\\u0041\\\"\n";
    const SURROGATES: &str = "s=\\ud83d\\ude00\nlone=\\uD83D!\nlow=\\uDE00\n";
    const DUPS: &str = "k=1\nk=2\nk=3\n";
    const KEY_ONLY: &str = "onlykey\nempty=\nspaced = \n";
    const NO_NL: &str = "a=1\nb=2";
    const BS_EOF: &str = "a=b\\";
    const BS_NL_EOF: &str = "a=b\\\n";
    const WEIRD: &[&str] = &[
        "",
        "\n\n  \n\t\n",
        "# only a comment",
        "\\",
        "\\\n",
        "\\\n\n",
        "k=\\u",
        "k=\\u12",
        "k=\\u12G4x",
        "=value",
        "  : v",
        "\u{feff}a=1",
        "\\\n#comment after continuation\nx=1\n",
    ];

    fn all_inputs() -> Vec<String> {
        let mut all: Vec<String> = [
            UTF8,
            CRLF,
            MIXED,
            CONT,
            EVEN,
            COMMENTS,
            SEPS,
            ESC_KEYS,
            ESCAPES,
            SURROGATES,
            DUPS,
            KEY_ONLY,
            NO_NL,
            BS_EOF,
            BS_NL_EOF,
            FUZZ_SEED,
            ORACLE_UTF8,
        ]
        .iter()
        .chain(WEIRD)
        .map(|s| s.to_string())
        .collect();
        for bytes in [LATIN1, ORACLE_LATIN1] {
            all.push(decode(bytes, Encoding::Latin1).unwrap());
        }
        all
    }

    #[test]
    fn encodings() {
        assert_eq!(detect_encoding(LATIN1), Encoding::Latin1);
        assert_eq!(detect_encoding(UTF8.as_bytes()), Encoding::Utf8);
        assert_eq!(detect_encoding(b"plain=ascii"), Encoding::Latin1);
        assert_eq!(decode(b"ok\xff", Encoding::Utf8), Err(2));
        assert_eq!(decode(b"\xe9\xff", Encoding::Latin1).unwrap(), "é\u{ff}");
        assert_eq!(encode("aé", Encoding::Latin1).unwrap(), b"a\xe9");
        assert_eq!(encode("aéЖ", Encoding::Latin1), Err(3));
        assert_eq!(encode("aéЖ", Encoding::Utf8).unwrap(), "aéЖ".as_bytes());
    }

    #[test]
    fn latin1_bundle() {
        let text = decode(LATIN1, Encoding::Latin1).unwrap();
        assert_eq!(encode(&text, Encoding::Latin1).unwrap(), LATIN1);
        assert_eq!(
            kv(&text),
            pairs(&[("primaryauth.title", "Connexion été"), ("café", "thé")])
        );
        assert_eq!(
            raws(&text),
            [
                (
                    "primaryauth\\.title",
                    "Connexion \\u00e9t\\u00E9",
                    "primaryauth\\.title=Connexion \\u00e9t\\u00E9\n",
                    2
                ),
                ("caf\u{e9}", "th\u{e9}", "caf\u{e9} = th\u{e9}\n", 3),
            ]
        );
        let e = &parse(&text).entries[1];
        // Byte offsets into the decoded String (é is two bytes there).
        assert_eq!(e.key_range, 50..55);
        assert!(parse(&text).problems.is_empty());
    }

    #[test]
    fn utf8_bundle() {
        let text = decode(UTF8.as_bytes(), Encoding::Utf8).unwrap();
        assert_eq!(
            kv(&text),
            pairs(&[("login.title", "Войти"), ("emoji😀", "😀 raw")])
        );
        assert_eq!(
            raws(&text),
            [
                ("login.title", "Войти", "login.title=Войти\n", 1),
                ("emoji😀", "😀 raw", "emoji😀=😀 raw\n", 2),
            ]
        );
    }

    #[test]
    fn crlf_and_mixed_endings() {
        assert_eq!(
            raws(CRLF),
            [
                ("a", "1", "a=1\r\n", 1),
                ("b", "2", "b = 2\r\n", 2),
                ("c", "", "c\r\n", 4)
            ]
        );
        assert_eq!(kv(CRLF), pairs(&[("a", "1"), ("b", "2"), ("c", "")]));
        assert_eq!(
            raws(MIXED),
            [
                ("a", "1", "a=1\r\n", 1),
                ("b", "2", "b=2\r", 2),
                ("c", "3", "c=3\n", 3),
                ("d", "4", "d=4\n", 4),
                ("e", "5", "e=5", 6)
            ]
        );
    }

    #[test]
    fn continuation_lines() {
        assert_eq!(
            kv(CONT),
            pairs(&[("msg", "Hello Worldagain"), ("next", "1")])
        );
        assert_eq!(
            raws(CONT),
            [
                (
                    "msg",
                    "Hello \\\n    World\\\r\n\tagain",
                    "msg=Hello \\\n    World\\\r\n\tagain\n",
                    1
                ),
                ("next", "1", "next=1\n", 4),
            ]
        );
        // Even trailing backslashes end the line; odd ones continue it.
        assert_eq!(
            kv(EVEN),
            pairs(&[("a", "b\\"), ("c", "d"), ("odd", "b\\c=d")])
        );
        assert_eq!(raws(EVEN)[0].1, "b\\\\");
        assert_eq!(raws(EVEN)[2].1, "b\\\\\\\nc=d");
        // A continuation followed by a blank line ends the logical line.
        assert_eq!(kv("a=b\\\n\nc=d"), pairs(&[("a", "b"), ("c", "d")]));
        // An escape may straddle a continuation.
        assert_eq!(kv("k\\u00\\\n   e9=v"), pairs(&[("ké", "v")]));
        assert_eq!(raws("k\\u00\\\n   e9=v")[0].0, "k\\u00\\\n   e9");
    }

    #[test]
    fn comments() {
        assert_eq!(
            raws(COMMENTS),
            [
                ("a", "1", "a=1\n", 4),
                ("b", "2", "b=2\n", 6),
                ("c", "3", "c=3\n", 8)
            ]
        );
        assert_eq!(
            kv("a=1 # not a comment"),
            pairs(&[("a", "1 # not a comment")])
        );
    }

    #[test]
    fn separators() {
        assert_eq!(
            kv(SEPS),
            pairs(&[
                ("k1", "v1"),
                ("k2", "v2"),
                ("k3", "v3"),
                ("k4", "v4"),
                ("k5", "= v5"),
                ("k6", "= v6"),
                ("k7", "v7"),
            ])
        );
        let r = raws(SEPS);
        assert_eq!((r[2].0, r[2].1), ("k3", "v3"));
        assert_eq!((r[4].0, r[4].1), ("k5", "= v5"));
        assert_eq!(r[6].2, "k7\x0c:\x0cv7\n");
    }

    #[test]
    fn escaped_separators_in_keys() {
        assert_eq!(
            kv(ESC_KEYS),
            pairs(&[
                ("a=b", "c"),
                ("key with spaces", "v"),
                ("x:y", "z"),
                ("#nc", "1"),
                ("\\", "bs")
            ])
        );
        let r = raws(ESC_KEYS);
        assert_eq!((r[0].0, r[0].1), ("a\\=b", "c"));
        assert_eq!(r[1].0, "key\\ with\\ spaces");
        assert_eq!(r[4].0, "\\\\");
    }

    #[test]
    fn escapes_and_surrogates() {
        assert_eq!(kv(ESCAPES), pairs(&[("e", "\t\n\r\x0cq\\A\"")]));
        let parsed = parse(SURROGATES);
        let got: Vec<_> = parsed
            .entries
            .iter()
            .map(|e| (e.key.as_str(), e.value.as_str()))
            .collect();
        assert_eq!(
            got,
            [("s", "😀"), ("lone", "\u{fffd}!"), ("low", "\u{fffd}")]
        );
        assert_eq!(
            &SURROGATES[parsed.entries[0].value_range.clone()],
            "\\ud83d\\ude00"
        );
        assert_eq!(
            parsed.problems,
            [
                (20, "unpaired high surrogate".to_owned()),
                (32, "unpaired low surrogate".to_owned())
            ]
        );
    }

    #[test]
    fn duplicates_key_only_and_empty_values() {
        assert_eq!(kv(DUPS), pairs(&[("k", "1"), ("k", "2"), ("k", "3")]));
        assert_eq!(
            parse(DUPS)
                .entries
                .iter()
                .map(|e| e.line)
                .collect::<Vec<_>>(),
            [1, 2, 3]
        );
        let parsed = parse(KEY_ONLY);
        let ranges: Vec<_> = parsed
            .entries
            .iter()
            .map(|e| e.value_range.clone())
            .collect();
        // Empty values sit at the end of the separator (or of the key when there is none).
        assert_eq!(ranges, [7..7, 14..14, 24..24]);
        assert_eq!(
            kv(KEY_ONLY),
            pairs(&[("onlykey", ""), ("empty", ""), ("spaced", "")])
        );
    }

    #[test]
    fn end_of_file_cases() {
        assert_eq!(raws(NO_NL), [("a", "1", "a=1\n", 1), ("b", "2", "b=2", 2)]);
        assert_eq!(raws(BS_EOF), [("a", "b", "a=b\\", 1)]);
        assert_eq!(kv(BS_EOF), pairs(&[("a", "b")]));
        assert_eq!(raws(BS_NL_EOF), [("a", "b", "a=b\\\n", 1)]);
    }

    #[test]
    fn weird_input() {
        let expected: [&[(&str, &str)]; 13] = [
            &[],
            &[],
            &[],
            &[("", "")],
            &[("", "")],
            &[],
            &[("k", "\\u")],
            &[("k", "\\u12")],
            &[("k", "\\u12G4x")],
            &[("", "value")],
            &[("", "v")],
            &[("a", "1")],
            &[("x", "1")],
        ];
        for (text, want) in WEIRD.iter().zip(expected) {
            assert_eq!(kv(text), pairs(want), "{text:?}");
        }
        assert_eq!(parse("\\").entries[0].key_range, 0..0);
        assert_eq!(parse("\\").entries[0].line_range, 0..1);
        assert_eq!(
            parse("k=\\u12").problems,
            [(2, "malformed \\uXXXX escape".to_owned())]
        );
        assert_eq!(parse("k=\\u").problems.len(), 1);
        assert_eq!(raws("=value"), [("", "value", "=value", 1)]);
        assert_eq!(parse("=value").entries[0].key_range, 0..0);
        let bom = parse("\u{feff}a=1");
        assert_eq!(bom.entries[0].key_range, 3..4);
        assert_eq!(bom.entries[0].line_range, 3..6);
        // JDK 9+: an empty continued line lets a following `#` line be a comment.
        assert_eq!(
            raws(WEIRD[12]),
            [("x", "1", "\\\n#comment after continuation\nx=1\n", 1)]
        );
    }

    #[test]
    fn escape_key_like_store() {
        let key = "a=b:c d#e!f\\g\th\ni\rj\x0ck";
        assert_eq!(
            escape_key(key, Encoding::Utf8, true),
            "a\\=b\\:c\\ d#e!f\\\\g\\th\\ni\\rj\\fk"
        );
        assert_eq!(escape_key("#x", Encoding::Utf8, true), "\\#x");
        assert_eq!(escape_key("!x", Encoding::Latin1, true), "\\!x");
        assert_eq!(escape_key("a\u{1}", Encoding::Utf8, true), "a\\u0001");
        assert_eq!(
            escape_key("café😀Ж", Encoding::Latin1, true),
            "café\\uD83D\\uDE00\\u0416"
        );
        assert_eq!(
            escape_key("café😀Ж", Encoding::Latin1, false),
            "café\\ud83d\\ude00\\u0416"
        );
        assert_eq!(escape_key("café😀Ж", Encoding::Utf8, false), "café😀Ж");
        assert_eq!(escape_key("", Encoding::Utf8, false), "");
    }

    /// Replaces every key with `escape_key(decoded key)` and checks the re-parse decodes alike.
    fn assert_round_trip(text: &str) {
        let before = parse(text);
        for enc in [Encoding::Utf8, Encoding::Latin1] {
            for upper in [true, false] {
                let mut out = text.to_owned();
                for e in before.entries.iter().rev() {
                    out.replace_range(e.key_range.clone(), &escape_key(&e.key, enc, upper));
                }
                let after = parse(&out);
                let a: Vec<_> = before.entries.iter().map(|e| (&e.key, &e.value)).collect();
                let b: Vec<_> = after.entries.iter().map(|e| (&e.key, &e.value)).collect();
                assert_eq!(a, b, "round trip of {text:?} via {out:?}");
            }
        }
    }

    #[test]
    fn round_trip_keys() {
        for text in all_inputs() {
            assert_round_trip(&text);
        }
        // Renaming a key spliced over key_range.
        let text = "primaryauth.title = Sign In\n";
        let e = &parse(text).entries[0];
        let mut out = text.to_owned();
        out.replace_range(
            e.key_range.clone(),
            &escape_key("login title", Encoding::Latin1, true),
        );
        assert_eq!(out, "login\\ title = Sign In\n");
    }

    /// Ranges land on char boundaries, nest, and every key round-trips.
    fn check_invariants(text: &str) {
        let parsed = parse(text);
        for e in &parsed.entries {
            for r in [&e.key_range, &e.value_range, &e.line_range] {
                assert!(text.get(r.clone()).is_some(), "{r:?} in {text:?}");
            }
            assert!(e.line_range.start <= e.key_range.start, "{text:?}");
            assert!(e.key_range.end <= e.value_range.start, "{text:?}");
            assert!(e.value_range.end <= e.line_range.end, "{text:?}");
            assert!(e.line >= 1);
        }
        for w in parsed.entries.windows(2) {
            assert!(w[0].line_range.end <= w[1].line_range.start, "{text:?}");
        }
        assert!(parsed.problems.iter().all(|&(at, _)| at < text.len()));
        assert_round_trip(text);
    }

    const FUZZ_SEED: &str =
        "# c\\\r\n\\\n!x\n k\\u00e9\\ y\\\r\n\t:\x0c\\ud83d\\ude00\\\n\\u12\\\r\\\\\n\\=a=b\\";

    #[test]
    fn fuzz_prefixes_and_mutations() {
        let bytes = encode(FUZZ_SEED, Encoding::Latin1).unwrap();
        for end in 0..=bytes.len() {
            check_invariants(&decode(&bytes[..end], Encoding::Latin1).unwrap());
        }
        let specials = b"\\\n\r \t\x0c=:#!uUdD0e\xe9";
        for at in 0..bytes.len() {
            for &b in specials {
                let mut mutated = bytes.clone();
                mutated[at] = b;
                check_invariants(&decode(&mutated, Encoding::Latin1).unwrap());
            }
            let mut removed = bytes.clone();
            removed.remove(at);
            check_invariants(&decode(&removed, Encoding::Latin1).unwrap());
        }
        // Multi-byte chars: every prefix at a char boundary.
        let text = format!("{}\n{}", ORACLE_UTF8, "k😀\\\n é=Ж\\");
        for (end, _) in text.char_indices() {
            check_invariants(&text[..end]);
        }
    }

    const ORACLE_LATIN1: &[u8] = b"# Okta login bundle sample\r\n\
! bang comment\n\
\x20  # indented comment \\\n\
primaryauth.title = Sign In\n\
primaryauth\\.username=Benutzername\r\n\
a\\=b=c\n\
key\\ with\\ spaces=v\n\
tabsep\tvalue with\ttabs\n\
colon:v\r\
both : = v\n\
\x20 \x0cff\x0c=\x0cv\n\
onlykey\n\
empty=\n\
=emptykey\n\
cont=line one \\\n      line two \\\\\n\
even=x\\\\\\\\\n\
multi=a\\\r\n  b\\\r  c\\\n\\\n\n\
lat=caf\\u00e9 caf\xe9\n\
sur=\\ud83d\\ude00\n\
esc=\\t\\n\\r\\f\\q\\\\\\\"\n\
split\\u00\\\n    e9key=1\n\
dup=1\n\
dup=2\n\
\\\n#after-continuation=1\n\
dup=3\n\
last=end\\";

    const ORACLE_UTF8: &str =
        "ключ=значение\r\nemoji😀=😀 raw\ncjk\\u4e2d=中\\\n  文\n\\u0041\\u00DF=\\uFFFF\n\\";

    const ORACLE_JAVA: &str = r#"
import java.io.*;
import java.nio.charset.Charset;
import java.util.*;

public class PropsOracle {
    public static void main(String[] args) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i + 1 < args.length; i += 2) {
            final List<String[]> seen = new ArrayList<>();
            Properties p = new Properties() {
                @Override
                public synchronized Object put(Object k, Object v) {
                    seen.add(new String[] {(String) k, (String) v});
                    return super.put(k, v);
                }
            };
            try (Reader r = new InputStreamReader(new FileInputStream(args[i]), Charset.forName(args[i + 1]))) {
                p.load(r);
            }
            for (String[] kv : seen) {
                sb.append(esc(kv[0])).append('\t').append(esc(kv[1])).append('\n');
            }
            sb.append("--\n");
        }
        System.out.print(sb);
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder();
        for (int j = 0; j < s.length(); j++) {
            char c = s.charAt(j);
            if (c == '\\') b.append("\\\\");
            else if (c >= 0x20 && c < 0x7f) b.append(c);
            else b.append(String.format("\\u%04x", (int) c));
        }
        return b.toString();
    }
}
"#;

    fn java_esc(s: &str) -> String {
        let mut out = String::new();
        for unit in s.encode_utf16() {
            match unit {
                0x5c => out.push_str("\\\\"),
                0x20..=0x7e => out.push(char::from(unit as u8)),
                _ => out.push_str(&format!("\\u{unit:04x}")),
            }
        }
        out
    }

    #[test]
    fn java_oracle() {
        use std::process::Command;
        if Command::new("javac").arg("-version").output().is_err()
            || Command::new("java").arg("-version").output().is_err()
        {
            eprintln!("note: java/javac not found, skipping the java.util.Properties oracle");
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("PropsOracle.java"), ORACLE_JAVA).unwrap();
        let latin1 = dir.path().join("login_de.properties");
        let utf8 = dir.path().join("login_ru.properties");
        std::fs::write(&latin1, ORACLE_LATIN1).unwrap();
        std::fs::write(&utf8, ORACLE_UTF8).unwrap();
        let javac = Command::new("javac")
            .arg("-d")
            .arg(dir.path())
            .arg(dir.path().join("PropsOracle.java"))
            .output()
            .unwrap();
        assert!(
            javac.status.success(),
            "{}",
            String::from_utf8_lossy(&javac.stderr)
        );
        let run = Command::new("java")
            .arg("-cp")
            .arg(dir.path())
            .arg("PropsOracle")
            .arg(&latin1)
            .arg("ISO-8859-1")
            .arg(&utf8)
            .arg("UTF-8")
            .output()
            .unwrap();
        assert!(
            run.status.success(),
            "{}",
            String::from_utf8_lossy(&run.stderr)
        );
        let java = String::from_utf8(run.stdout).unwrap();

        let mut ours = String::new();
        for (bytes, enc) in [
            (ORACLE_LATIN1, Encoding::Latin1),
            (ORACLE_UTF8.as_bytes(), Encoding::Utf8),
        ] {
            assert_eq!(detect_encoding(bytes), enc);
            let parsed = parse(&decode(bytes, enc).unwrap());
            assert!(parsed.problems.is_empty(), "{:?}", parsed.problems);
            for e in &parsed.entries {
                ours.push_str(&format!("{}\t{}\n", java_esc(&e.key), java_esc(&e.value)));
            }
            ours.push_str("--\n");
        }
        assert_eq!(ours, java);
        assert!(ours.lines().count() > 25, "{ours}");
    }
}
