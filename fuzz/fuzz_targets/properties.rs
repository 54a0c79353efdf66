#![no_main]
//! The .properties parser alone: ranges on char boundaries, nested and in order.

use widget_migrate::lang::properties::parse;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let text: String = data.iter().map(|&b| char::from(b)).collect();
    let parsed = parse(&text);
    let mut last = 0;
    for e in &parsed.entries {
        for r in [&e.key_range, &e.value_range, &e.line_range] {
            assert!(r.start <= r.end && r.end <= text.len());
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        assert!(e.line_range.start >= last, "entries out of order");
        assert!(e.line_range.start <= e.key_range.start && e.value_range.end <= e.line_range.end);
        last = e.line_range.start;
    }
});
