//! The text of one file: its BOM, line-ending style and a line index for positions.

/// A UTF-8 source file as it is on disk. Offsets everywhere are byte offsets into `text`,
/// which still holds the BOM when the file has one (so offset 3 is the first character after it).
#[derive(Debug, Clone)]
pub struct SourceText {
    pub text: String,
    bom: usize,
    line_starts: Vec<usize>,
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
        let mut line_starts = vec![bom];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        SourceText {
            text,
            bom,
            line_starts,
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
        let line = self.line_starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.line_starts[line].min(offset);
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
    fn invalid_utf8_names_the_offset() {
        assert_eq!(SourceText::from_bytes(b"ab\xffc".to_vec()).unwrap_err(), 2);
    }
}
