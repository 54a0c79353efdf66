//! The text of one file: its BOM, line-ending style and a line index for positions.

/// How a file's bytes map to its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    #[default]
    Utf8,
    /// ISO-8859-1: one byte per character (the text holds U+0000..U+00FF only).
    Latin1,
}

/// A source file as it is on disk, decoded. Offsets everywhere are byte offsets into `text`,
/// which still holds the BOM when the file has one (so offset 3 is the first character after it).
#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: String,
    bom: usize,
    /// Built on the first position asked for: most files (those the prefilter turns
    /// away) never need one, and a line index of every file was an eighth of a run.
    line_starts: std::sync::OnceLock<Vec<usize>>,
    encoding: Encoding,
}

/// A 1-based line and a 1-based column counted in Unicode characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

pub const BOM: &str = "\u{feff}";

impl SourceText {
    pub fn new(text: String) -> Self {
        let bom = if text.starts_with(BOM) { BOM.len() } else { 0 };
        SourceText {
            text,
            bom,
            line_starts: std::sync::OnceLock::new(),
            encoding: Encoding::Utf8,
        }
    }

    /// The byte offset where each line starts (the first after the BOM).
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| {
            let mut starts = vec![self.bom];
            starts.extend(memchr::memchr_iter(b'\n', self.text.as_bytes()).map(|i| i + 1));
            starts
        })
    }

    /// Decodes `bytes` as ISO-8859-1 (never fails).
    pub fn from_latin1(bytes: &[u8]) -> Self {
        let mut s = SourceText::new(bytes.iter().map(|&b| char::from(b)).collect());
        s.encoding = Encoding::Latin1;
        s
    }

    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// `text` (this file's text, or a rewrite of it) as bytes in the file's encoding.
    /// A character Latin-1 cannot hold is written as a `\uXXXX` escape, which is what
    /// the only Latin-1 files (.properties bundles) mean by it.
    pub fn encode(&self, text: &str) -> Vec<u8> {
        match self.encoding {
            Encoding::Utf8 => text.as_bytes().to_vec(),
            Encoding::Latin1 => {
                let mut out = Vec::with_capacity(text.len());
                for c in text.chars() {
                    match u8::try_from(u32::from(c)) {
                        Ok(b) => out.push(b),
                        Err(_) => {
                            let mut units = [0u16; 2];
                            for u in c.encode_utf16(&mut units) {
                                out.extend_from_slice(format!("\\u{u:04x}").as_bytes());
                            }
                        }
                    }
                }
                out
            }
        }
    }

    /// The byte offset on disk of text offset `offset`.
    pub fn disk_offset(&self, offset: usize) -> usize {
        match self.encoding {
            Encoding::Utf8 => offset,
            Encoding::Latin1 => self
                .text
                .get(..offset)
                .map_or(offset, |t| t.chars().count()),
        }
    }

    /// Bytes that are not valid UTF-8 give the offset of the first bad byte.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, usize> {
        match String::from_utf8(bytes) {
            Ok(text) => Ok(SourceText::new(text)),
            Err(e) => Err(e.utf8_error().valid_up_to()),
        }
    }

    /// Length of the BOM (0 or 3): parsers get `&text[bom..]` and add this to their offsets.
    pub fn bom_len(&self) -> usize {
        self.bom
    }

    /// The text without its BOM, as parsers want it.
    pub fn body(&self) -> &str {
        &self.text[self.bom..]
    }

    /// `"\r\n"` when the first line break is CRLF, else `"\n"`.
    pub fn line_ending(&self) -> &'static str {
        match self.text.find('\n') {
            Some(i) if i > 0 && self.text.as_bytes()[i - 1] == b'\r' => "\r\n",
            _ => "\n",
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_starts = self.line_starts();
        let line = line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = line_starts[line].min(offset);
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        LineCol {
            line: line + 1,
            column,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_skip_the_bom_and_count_chars() {
        let s = SourceText::new(format!("{BOM}a\r\nü🎉x\n"));
        assert_eq!(s.bom_len(), 3);
        assert_eq!(s.body(), "a\r\nü🎉x\n");
        assert_eq!(s.line_col(3), LineCol { line: 1, column: 1 });
        let x = s.text.find('x').unwrap();
        assert_eq!(s.line_col(x), LineCol { line: 2, column: 3 });
        assert_eq!(s.line_ending(), "\r\n");
        assert_eq!(SourceText::new("a\nb".into()).line_ending(), "\n");
    }

    #[test]
    fn latin1_round_trips_and_maps_offsets() {
        let bytes = b"a=caf\xe9\nb=x\n".to_vec();
        let s = SourceText::from_latin1(&bytes);
        assert_eq!(s.text, "a=café\nb=x\n");
        assert_eq!(s.encode(&s.text), bytes);
        let b = s.text.find("b=").unwrap();
        assert_eq!(s.disk_offset(b), 7);
        assert_eq!(s.encode("k=\u{65e5}"), b"k=\\u65e5".to_vec());
    }

    #[test]
    fn invalid_utf8_names_the_offset() {
        assert_eq!(SourceText::from_bytes(b"ab\xffc".to_vec()).unwrap_err(), 2);
    }
}
