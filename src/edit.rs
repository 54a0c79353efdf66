//! Edits are byte ranges of the original text and their replacement; fixes group the
//! edits of one rule finding. Nothing is ever reprinted: text is spliced.

use serde::{Deserialize, Serialize};
use std::ops::Range;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    pub start: usize,
    pub end: usize,
    pub replacement: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, replacement: impl Into<String>) -> Self {
        Edit {
            start: range.start,
            end: range.end,
            replacement: replacement.into(),
        }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Self {
        Edit::replace(at..at, text)
    }
}

/// How far a fix can be trusted (ruff's applicability, ordered weakest first).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Safety {
    /// Only reported: a human decides.
    Manual,
    /// A rewrite that may change behaviour; applied only with `--unsafe`.
    Unsafe,
    /// A rewrite that keeps behaviour under the target.
    Safe,
}

impl Safety {
    pub fn as_str(self) -> &'static str {
        match self {
            Safety::Manual => "manual",
            Safety::Unsafe => "unsafe",
            Safety::Safe => "safe",
        }
    }
}

/// One finding of a rule with the edits that resolve it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub rule: &'static str,
    pub kb: String,
    pub safety: Safety,
    pub message: String,
    pub edits: Vec<Edit>,
    /// What a human must still do once the fix is applied (reported as a manual item
    /// at the fix's place, whether or not the fix was applied).
    pub follow_up: Option<String>,
}

impl Fix {
    fn span(&self) -> Range<usize> {
        let start = self.edits.iter().map(|e| e.start).min().unwrap_or(0);
        let end = self.edits.iter().map(|e| e.end).max().unwrap_or(0);
        start..end
    }
}

fn overlaps(a: &Edit, b: &Edit) -> bool {
    // Touching edits count as overlapping: their order would be ambiguous.
    a.start <= b.end && b.start <= a.end
}

/// Picks the fixes of one pass: in order of position, each fix whose edits overlap
/// neither each other nor an already chosen fix. The rest wait for the next pass.
pub fn select_non_overlapping<'a>(fixes: impl IntoIterator<Item = &'a Fix>) -> Vec<&'a Fix> {
    let mut sorted: Vec<&Fix> = fixes.into_iter().collect();
    sorted.sort_by_key(|f| (f.span().start, f.span().end));
    let mut chosen: Vec<&Fix> = Vec::new();
    for fix in sorted {
        let self_overlap = fix
            .edits
            .iter()
            .enumerate()
            .any(|(i, a)| fix.edits[i + 1..].iter().any(|b| overlaps(a, b)));
        let clash = chosen
            .iter()
            .flat_map(|c| &c.edits)
            .any(|a| fix.edits.iter().any(|b| overlaps(a, b)));
        if !self_overlap && !clash {
            chosen.push(fix);
        }
    }
    chosen
}

/// Splices non-overlapping edits into `text`. Edits that overlap an earlier one or fall
/// outside the text are skipped (callers select non-overlapping edits; this only keeps a
/// defect from turning into a panic).
pub fn apply_edits<'a>(text: &str, edits: impl IntoIterator<Item = &'a Edit>) -> String {
    splice(text, edits, false).unwrap_or_default()
}

/// Like [`apply_edits`], but `None` when any edit overlaps another or is out of range.
pub fn try_apply_edits<'a>(
    text: &str,
    edits: impl IntoIterator<Item = &'a Edit>,
) -> Option<String> {
    splice(text, edits, true)
}

fn splice<'a>(
    text: &str,
    edits: impl IntoIterator<Item = &'a Edit>,
    strict: bool,
) -> Option<String> {
    let mut edits: Vec<&Edit> = edits.into_iter().collect();
    edits.sort_by_key(|e| (e.start, e.end));
    let mut out = String::with_capacity(text.len() + 64);
    let mut pos = 0;
    for e in edits {
        let valid = e.start >= pos
            && e.start <= e.end
            && text.is_char_boundary(e.start)
            && text.is_char_boundary(e.end)
            && e.end <= text.len();
        if !valid {
            if strict {
                return None;
            }
            continue;
        }
        out.push_str(&text[pos..e.start]);
        out.push_str(&e.replacement);
        pos = e.end;
    }
    out.push_str(&text[pos..]);
    Some(out)
}

/// Everything applied to one file so far, in the coordinates of the original text.
/// Fixes of later passes are found in the rewritten text; the record maps their
/// edits back, merging an edit that lands inside an earlier one, so that the edits
/// stay non-overlapping and applying them to the original gives the current text.
#[derive(Debug, Default, Clone)]
pub struct Record {
    /// Sorted by `edit.start`, non-overlapping; `owner` indexes the caller's fix list.
    edits: Vec<(Edit, usize)>,
}

/// A text [`Record::push`] reads parts of.
pub trait TextSlice {
    fn slice(&self, range: Range<usize>) -> std::borrow::Cow<'_, str>;
}

impl TextSlice for str {
    fn slice(&self, range: Range<usize>) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(&self[range])
    }
}

impl TextSlice for String {
    fn slice(&self, range: Range<usize>) -> std::borrow::Cow<'_, str> {
        self.as_str().slice(range)
    }
}

/// `head` followed by `tail`, without joining them.
struct Spliced<'a> {
    head: &'a str,
    tail: &'a str,
}

impl TextSlice for Spliced<'_> {
    fn slice(&self, range: Range<usize>) -> std::borrow::Cow<'_, str> {
        let h = self.head.len();
        if range.end <= h {
            std::borrow::Cow::Borrowed(&self.head[range])
        } else if range.start >= h {
            std::borrow::Cow::Borrowed(&self.tail[range.start - h..range.end - h])
        } else {
            std::borrow::Cow::Owned(format!(
                "{}{}",
                &self.head[range.start..],
                &self.tail[..range.end - h]
            ))
        }
    }
}

impl Record {
    /// Adds `edit`, given in current-text coordinates, for fix number `owner`.
    pub fn push(&mut self, current: &(impl TextSlice + ?Sized), edit: &Edit, owner: usize) {
        // Where each recorded edit sits in the current text.
        let mut delta = 0isize;
        let cur: Vec<(usize, usize)> = self
            .edits
            .iter()
            .map(|(e, _)| {
                let cs = (e.start as isize + delta) as usize;
                delta += e.replacement.len() as isize - (e.end - e.start) as isize;
                (cs, cs + e.replacement.len())
            })
            .collect();
        // A position at the boundary of a recorded region maps to the side the edit
        // keeps: an edit starting there lies after every region that ends there (an
        // emptied region included); an edit ending there lies before a region that
        // starts there.
        let to_orig = |pos: usize, as_start: bool| -> usize {
            let d: isize = self
                .edits
                .iter()
                .zip(&cur)
                .filter(|(_, &(cs, ce))| ce <= pos && (as_start || cs < pos))
                .map(|((e, _), _)| e.replacement.len() as isize - (e.end - e.start) as isize)
                .sum();
            (pos as isize - d) as usize
        };
        let empty = edit.start == edit.end;
        // Recorded regions the new edit reaches into (an insertion only when strictly inside).
        let hits: Vec<usize> = (0..cur.len())
            .filter(|&i| {
                let (cs, ce) = cur[i];
                if edit.start == edit.end {
                    cs < edit.start && edit.start < ce
                } else {
                    cs < edit.end && edit.start < ce
                }
            })
            .collect();
        let (start, end, text, at) = match (hits.first(), hits.last()) {
            (Some(&first), Some(&last)) => {
                let (fcs, lce) = (cur[first].0, cur[last].1);
                let start = if edit.start < fcs {
                    to_orig(edit.start, true)
                } else {
                    self.edits[first].0.start
                };
                let end = if edit.end > lce {
                    to_orig(edit.end, empty)
                } else {
                    self.edits[last].0.end
                };
                let mut text = String::new();
                text.push_str(&current.slice(fcs.min(edit.start)..edit.start));
                text.push_str(&edit.replacement);
                text.push_str(&current.slice(edit.end..lce.max(edit.end)));
                self.edits.drain(first..=last);
                (start, end, text, first)
            }
            _ => (
                to_orig(edit.start, true),
                to_orig(edit.end, empty),
                edit.replacement.clone(),
                // Keep the order of the current text: after every region that ends
                // where this edit starts (insertions at one place stay in order).
                cur.iter().filter(|&&(_, ce)| ce <= edit.start).count(),
            ),
        };
        self.edits
            .insert(at, (Edit::replace(start..end, text), owner));
    }

    /// Applies the non-overlapping `edits` of one pass (in the coordinates of `current`,
    /// each with its owner) to `current`, recording them one at a time, each against the
    /// text the record produces at that moment, so that an edit landing in a region an
    /// earlier pass rewrote merges with it correctly.
    pub fn apply_pass<'e>(
        &mut self,
        current: &mut String,
        edits: impl IntoIterator<Item = (&'e Edit, usize)>,
    ) {
        let mut edits: Vec<(&Edit, usize)> = edits.into_iter().collect();
        edits.sort_by_key(|(e, _)| (e.start, e.end));
        // The text after the edits so far is `out` followed by `current[copied..]`:
        // built once, left to right, not once per edit (a 5 MB file with 2,000 renames
        // spent most of its time copying itself).
        let mut out = String::with_capacity(current.len() + 64);
        let mut copied = 0;
        for (e, owner) in edits {
            out.push_str(&current[copied..e.start]);
            copied = e.start;
            let shifted = Edit::replace(
                out.len()..out.len() + (e.end - e.start),
                e.replacement.clone(),
            );
            let view = Spliced {
                head: &out,
                tail: &current[copied..],
            };
            self.push(&view, &shifted, owner);
            out.push_str(&e.replacement);
            copied = e.end;
        }
        out.push_str(&current[copied..]);
        *current = out;
    }

    /// Maps an offset of the current text back to the original; an offset inside a
    /// rewritten region maps to that region's start.
    pub fn to_original(&self, cur: usize) -> usize {
        let mut delta = 0isize;
        for (e, _) in &self.edits {
            let cs = (e.start as isize + delta) as usize;
            let ce = cs + e.replacement.len();
            if cur < cs {
                break;
            }
            if cur < ce {
                return e.start;
            }
            delta += e.replacement.len() as isize - (e.end - e.start) as isize;
        }
        (cur as isize - delta) as usize
    }

    /// Maps an offset of the original text to the current text; an offset inside a
    /// rewritten region maps to that region's start.
    pub fn to_current(&self, orig: usize) -> usize {
        let mut delta = 0isize;
        for (e, _) in &self.edits {
            if orig < e.end || (orig == e.start && e.start == e.end) {
                if orig >= e.start {
                    return (e.start as isize + delta) as usize;
                }
                break;
            }
            delta += e.replacement.len() as isize - (e.end - e.start) as isize;
        }
        (orig as isize + delta) as usize
    }

    /// The edits of fix `owner`, in original coordinates.
    pub fn edits_of(&self, owner: usize) -> Vec<Edit> {
        self.edits
            .iter()
            .filter(|(_, o)| *o == owner)
            .map(|(e, _)| e.clone())
            .collect()
    }

    pub fn all_edits(&self) -> impl Iterator<Item = &Edit> {
        self.edits.iter().map(|(e, _)| e)
    }

    pub fn is_empty(&self) -> bool {
        self.edits.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spliced_view_reads_like_the_joined_text() {
        let (head, tail) = ("héllo ", "wörld");
        let joined = format!("{head}{tail}");
        let view = Spliced { head, tail };
        for a in (0..=joined.len()).filter(|&a| joined.is_char_boundary(a)) {
            for b in (a..=joined.len()).filter(|&b| joined.is_char_boundary(b)) {
                assert_eq!(view.slice(a..b), &joined[a..b], "{a}..{b}");
            }
        }
    }

    fn fix(edits: Vec<Edit>) -> Fix {
        Fix {
            rule: "test/rule",
            kb: "I1".into(),
            safety: Safety::Safe,
            message: String::new(),
            edits,
            follow_up: None,
        }
    }

    #[test]
    fn overlapping_fixes_wait() {
        let a = fix(vec![Edit::replace(0..3, "x")]);
        let b = fix(vec![Edit::replace(2..5, "y")]);
        let c = fix(vec![Edit::replace(6..7, "z")]);
        let chosen = select_non_overlapping([&b, &c, &a]);
        assert_eq!(chosen, vec![&a, &c]);
        assert_eq!(
            apply_edits("abcdefgh", chosen.iter().flat_map(|f| &f.edits)),
            "xdefzh"
        );
    }

    #[test]
    fn record_maps_later_passes_to_original() {
        let orig = "aa bb cc dd";
        let mut rec = Record::default();
        // pass 1: bb -> BBBB
        let e1 = Edit::replace(3..5, "BBBB");
        rec.push(orig, &e1, 0);
        let cur = apply_edits(orig, [&e1]);
        assert_eq!(cur, "aa BBBB cc dd");
        // pass 2: dd -> D (after the first edit) and aa -> A (before it)
        let e2 = Edit::replace(11..13, "D");
        let e3 = Edit::replace(0..2, "A");
        rec.push(&cur, &e2, 1);
        rec.push(&cur, &e3, 2);
        let cur2 = apply_edits(&cur, [&e2, &e3]);
        assert_eq!(apply_edits(orig, rec.all_edits()), cur2);
        assert_eq!(rec.edits_of(1), vec![Edit::replace(9..11, "D")]);
        // pass 3: an edit inside the first rewritten region merges with it
        let e4 = Edit::replace(2..3, "b");
        rec.push(&cur2, &e4, 3);
        let cur3 = apply_edits(&cur2, [&e4]);
        assert_eq!(cur3, "A bBBB cc D");
        assert_eq!(apply_edits(orig, rec.all_edits()), cur3);
        assert_eq!(rec.edits_of(0), vec![]);
        assert_eq!(rec.edits_of(3), vec![Edit::replace(3..5, "bBBB")]);
        assert_eq!(rec.to_original(cur3.find("cc").unwrap()), 6);
    }

    #[test]
    fn record_keeps_an_edit_next_to_an_emptied_region_after_it() {
        // Two adjacent lines deleted in two passes (touching fixes wait a pass).
        let orig = "a\nb\nc\n";
        let mut rec = Record::default();
        let first = Edit::replace(2..4, "");
        rec.push(orig, &first, 0);
        let cur = apply_edits(orig, [&first]);
        assert_eq!(cur, "a\nc\n");
        let second = Edit::replace(2..4, "");
        rec.push(&cur, &second, 1);
        let cur2 = apply_edits(&cur, [&second]);
        assert_eq!(cur2, "a\n");
        assert_eq!(apply_edits(orig, rec.all_edits()), cur2);
        assert_eq!(rec.edits_of(1), vec![Edit::replace(4..6, "")]);
        // An insertion where a region was emptied goes after it, and an edit ending
        // there stays before it.
        let ins = Edit::insert(2, "x");
        rec.push(&cur2, &ins, 2);
        assert_eq!(apply_edits(orig, rec.all_edits()), "a\nx");
        let before = Edit::replace(0..2, "A\n");
        rec.push(&apply_edits(&cur2, [&ins]), &before, 3);
        assert_eq!(apply_edits(orig, rec.all_edits()), "A\nx");
    }

    #[test]
    fn a_later_deletion_right_after_an_earlier_one_does_not_reach_back() {
        // Pass 1 deletes "<a>", after which "<b>" starts where "<a>" was; pass 2 deletes it.
        let orig = "<a><b>!";
        let mut rec = Record::default();
        let first = Edit::replace(0..3, "");
        rec.push(orig, &first, 0);
        let cur = apply_edits(orig, [&first]);
        let second = Edit::replace(0..3, "");
        rec.push(&cur, &second, 1);
        let cur2 = apply_edits(&cur, [&second]);
        assert_eq!(cur2, "!");
        assert_eq!(rec.edits_of(1), vec![Edit::replace(3..6, "")]);
        assert_eq!(apply_edits(orig, rec.all_edits()), cur2);
        // An insertion at the same place stays before the deleted text.
        let mut rec2 = Record::default();
        rec2.push(orig, &first, 0);
        rec2.push(&cur, &Edit::insert(0, "x"), 1);
        assert_eq!(apply_edits(orig, rec2.all_edits()), "x<b>!");
    }

    #[test]
    fn record_merges_edits_spanning_several_regions() {
        let orig = "0123456789";
        let mut rec = Record::default();
        let a = Edit::replace(1..2, "AA");
        let b = Edit::replace(5..6, "BB");
        rec.push(orig, &a, 0);
        rec.push(orig, &b, 1);
        let cur = apply_edits(orig, [&a, &b]);
        assert_eq!(cur, "0AA234BB6789");
        let c = Edit::replace(2..8, "-");
        rec.push(&cur, &c, 2);
        let cur2 = apply_edits(&cur, [&c]);
        assert_eq!(cur2, "0A-6789");
        assert_eq!(apply_edits(orig, rec.all_edits()), cur2);
    }
}
