//! LSP positions (lines, UTF-16 columns) and document URIs.

use lsp_types as lsp;
use std::path::PathBuf;

/// Line starts of a text, to turn byte offsets into LSP positions and back.
///
/// LSP counts lines by `\n`, `\r\n` or `\r` and columns in UTF-16 code units; this index
/// breaks lines at `\n` only (a lone `\r` as a line break is not supported).
pub struct LineIndex<'t> {
    text: &'t str,
    starts: Vec<usize>,
}

impl<'t> LineIndex<'t> {
    pub fn new(text: &'t str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The position of byte `offset` (clamped to the text, and back to a char boundary).
    pub fn position(&self, offset: usize) -> lsp::Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset).max(1) - 1;
        let start = self.starts.get(line).copied().unwrap_or(0);
        let units = self
            .text
            .get(start..offset)
            .map_or(0, |s| s.encode_utf16().count());
        lsp::Position::new(to_u32(line), to_u32(units))
    }

    /// The byte offset of `pos`; a column past the end of its line means the line's end
    /// (before its line break), a line past the end means the end of the text.
    pub fn offset(&self, pos: lsp::Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return self.text.len();
        };
        let line = &self.text[start..];
        let line = line.split_once('\n').map_or(line, |(l, _)| l);
        let line = line.strip_suffix('\r').unwrap_or(line);
        let mut units = 0usize;
        for (i, c) in line.char_indices() {
            if units >= pos.character as usize {
                return start + i;
            }
            units += c.len_utf16();
        }
        start + line.len()
    }

    pub fn range(&self, start: usize, end: usize) -> lsp::Range {
        lsp::Range::new(self.position(start), self.position(end))
    }
}

fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The file path a document URI stands for (`file:` URIs, percent-decoded); other
/// schemes (`untitled:`) give their path, which still names the file kind.
pub fn uri_path(uri: &str) -> PathBuf {
    let rest = uri.strip_prefix("file://").unwrap_or_else(|| {
        uri.split_once(':')
            .map_or(uri, |(_, r)| r.trim_start_matches('/'))
    });
    // `file://host/path`: drop the (usually empty) authority.
    let rest = match rest.find('/') {
        Some(i) if !rest.starts_with('/') => &rest[i..],
        _ => rest,
    };
    let bytes = rest.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        let (hi, lo) = (
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        );
        match (bytes.get(i).copied(), hi, lo) {
            (Some(b'%'), Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (Some(b), _, _) => {
                out.push(b);
                i += 1;
            }
            (None, _, _) => break,
        }
    }
    let path = String::from_utf8_lossy(&out).into_owned();
    // `/C:/x` on Windows is `C:/x`.
    let path = match path.as_bytes() {
        [b'/', d, b':', ..] if d.is_ascii_alphabetic() => path[1..].to_string(),
        _ => path,
    };
    PathBuf::from(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_count_utf16_units_and_round_trip() {
        // ü: 2 bytes, 1 unit; 🎉: 4 bytes, 2 units; CRLF line ends.
        let text = "a\r\nü🎉x = 'y';\nlast";
        let index = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(index.position(x), lsp::Position::new(1, 3));
        assert_eq!(index.offset(lsp::Position::new(1, 3)), x);
        assert_eq!(index.position(0), lsp::Position::new(0, 0));
        assert_eq!(index.position(text.len()), lsp::Position::new(2, 4));
        // Past the line's end: the end of its content, before CRLF; past the text: its end.
        assert_eq!(index.offset(lsp::Position::new(0, 99)), 1);
        assert_eq!(index.offset(lsp::Position::new(9, 0)), text.len());
        // Inside a character: back to its start.
        assert_eq!(index.position(text.find('🎉').unwrap() + 1).character, 1);
        for (i, _) in text.char_indices().filter(|&(_, c)| c != '\r' && c != '\n') {
            assert_eq!(index.offset(index.position(i)), i, "offset {i}");
        }
    }

    #[test]
    fn uris_name_paths() {
        assert_eq!(
            uri_path("file:///home/a%20b/login.js"),
            PathBuf::from("/home/a b/login.js")
        );
        assert_eq!(uri_path("file:///C:/x/y.js"), PathBuf::from("C:/x/y.js"));
        assert_eq!(uri_path("untitled:login.js"), PathBuf::from("login.js"));
        assert_eq!(uri_path("file://%"), PathBuf::from("%"));
    }
}
