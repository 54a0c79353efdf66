//! Property tests of the edit applier and the record that maps later passes back.

use proptest::prelude::*;
use widget_migrate::edit::{
    apply_edits, select_non_overlapping, try_apply_edits, Edit, Fix, Record, Safety,
};

fn fix(edits: Vec<Edit>) -> Fix {
    Fix {
        rule: "t/p",
        kb: "I1".into(),
        safety: Safety::Safe,
        message: String::new(),
        edits,
        follow_up: None,
    }
}

/// Non-overlapping edits over an ASCII text of length `len`.
fn disjoint_edits(len: usize) -> impl Strategy<Value = Vec<Edit>> {
    prop::collection::vec((0..=len, 0usize..4, "[a-z]{0,4}"), 0..8).prop_map(move |raw| {
        let mut cuts: Vec<(usize, usize, String)> = raw
            .into_iter()
            .map(|(s, l, r)| (s, (s + l).min(len), r))
            .collect();
        cuts.sort();
        let mut out = Vec::new();
        let mut end = 0;
        for (s, e, r) in cuts {
            if s > end || (s == end && out.is_empty() && s == 0) {
                out.push(Edit::replace(s..e, r));
                end = e.max(s + 1);
            }
        }
        out
    })
}

proptest! {
    #[test]
    fn order_of_disjoint_edits_does_not_matter(
        (text, edits) in "[a-z ]{0,40}".prop_flat_map(|t| { let n = t.len(); (Just(t), disjoint_edits(n)) }),
        turn in any::<usize>(),
    ) {
        let forward = apply_edits(&text, &edits);
        let mut shuffled = edits.clone();
        if shuffled.len() > 1 {
            let n = shuffled.len();
            shuffled.rotate_left(turn % n);
            shuffled.reverse();
        }
        prop_assert_eq!(apply_edits(&text, &shuffled), forward.clone());
        prop_assert_eq!(try_apply_edits(&text, &edits), Some(forward));
    }

    #[test]
    fn overlapping_fixes_are_never_both_chosen(spans in prop::collection::vec((0usize..30, 0usize..6), 1..10)) {
        let fixes: Vec<Fix> = spans.iter().map(|&(s, l)| fix(vec![Edit::replace(s..s + l, "x")])).collect();
        let chosen = select_non_overlapping(&fixes);
        prop_assert!(!chosen.is_empty());
        for (i, a) in chosen.iter().enumerate() {
            for b in &chosen[i + 1..] {
                let (a, b) = (&a.edits[0], &b.edits[0]);
                prop_assert!(a.end < b.start || b.end < a.start, "{:?} and {:?} overlap or touch", a, b);
            }
        }
        // What was chosen always applies cleanly.
        let text = "a".repeat(40);
        prop_assert!(try_apply_edits(&text, chosen.iter().flat_map(|f| &f.edits)).is_some());
    }

    #[test]
    fn the_record_rebuilds_every_pass_from_the_original(
        text in "[a-z\n]{1,30}",
        passes in prop::collection::vec(prop::collection::vec((0usize..40, 0usize..4, "[A-Z\n]{0,3}"), 1..4), 1..5),
    ) {
        let mut record = Record::default();
        let mut current = text.clone();
        for (owner, pass) in passes.into_iter().enumerate() {
            // Keep this pass's edits disjoint and inside the current text.
            let len = current.len();
            let mut edits: Vec<Edit> = pass.into_iter().map(|(s, l, r)| {
                let s = s.min(len);
                Edit::replace(s..(s + l).min(len), r)
            }).collect();
            edits.sort_by_key(|e| (e.start, e.end));
            let mut kept: Vec<Edit> = Vec::new();
            for e in edits {
                if kept.last().is_none_or(|k: &Edit| k.end < e.start) {
                    kept.push(e);
                }
            }
            // Recorded as fix_loop does.
            let next = apply_edits(&current, &kept);
            record.apply_pass(&mut current, kept.iter().map(|e| (e, owner)));
            prop_assert_eq!(&current, &next);
            let rebuilt = try_apply_edits(&text, record.all_edits());
            prop_assert_eq!(rebuilt.as_deref(), Some(current.as_str()));
        }
    }
}
