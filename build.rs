//! Embeds, for each rule id, the first fixture (by folder name) whose expected.txt names
//! it: `widget-migrate explain` replays that file to show a before/after example.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fixtures");
    println!("cargo:rerun-if-changed={}", root.display());
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    cases.sort();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = String::from("pub static EXAMPLES: &[Example] = &[\n");
    for case in cases.iter().filter(|c| c.is_dir()) {
        let Ok(expected) = std::fs::read_to_string(case.join("expected.txt")) else {
            continue;
        };
        println!(
            "cargo:rerun-if-changed={}",
            case.join("expected.txt").display()
        );
        let args = std::fs::read_to_string(case.join("args")).unwrap_or_default();
        let mut file = "";
        for line in expected.lines() {
            if !line.starts_with(' ') {
                if let Some((f, _)) = line.split_once(": ") {
                    file = f;
                }
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let Some(i) = words.iter().position(|w| w.starts_with('[')) else {
                continue;
            };
            let Some(rule) = i.checked_sub(1).and_then(|j| words.get(j)) else {
                continue;
            };
            let at = words.get(1).copied().unwrap_or("1:1");
            let input = case.join("in").join(file);
            if !rule.contains('/') || !input.is_file() || !seen.insert(rule.to_string()) {
                continue;
            }
            let line_no: usize = at
                .split(':')
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(1);
            let _ = writeln!(
                out,
                "    Example {{ rule: {rule:?}, fixture: {:?}, file: {file:?}, line: {line_no}, args: {args:?}, input: include_bytes!({:?}) }},",
                case.file_name().and_then(|n| n.to_str()).unwrap_or_default(),
                input.display().to_string(),
            );
        }
    }
    out.push_str("];\n");
    let dest = Path::new(&std::env::var("OUT_DIR").unwrap_or_default()).join("examples.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        panic!("cannot write {}: {e}", dest.display());
    }
}
