//! The fixture harness. Each folder of testdata/fixtures/ is a case:
//!
//! * `in/` — the input tree;
//! * `args` (optional) — extra arguments, one per line, laid over the defaults
//!   `--from 3.0.0 --to 7.49.0 --engine oie` (a later flag wins);
//! * `out/` — the expected bytes of every file the run changes (files absent from out/
//!   must come out unchanged);
//! * `expected.txt` — the expected statuses, fixes and diagnostics.
//!
//! Each case runs the binary with `--write --format json` on a copy of `in/`, compares
//! bytes and findings, checks that the JSON edits reproduce the written bytes, that every
//! output still parses, and that a second run changes nothing.
//! `BLESS=1 cargo test --test fixtures` rewrites out/ and expected.txt (review the diff!).

mod common;

use common::*;
use std::path::Path;
use widget_migrate::kind::FileKind;
use widget_migrate::lang::template;

fn findings_text(doc: &serde_json::Value) -> String {
    let mut out = String::new();
    for f in doc["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        out.push_str(&format!("{path}: {}", f["status"].as_str().unwrap()));
        if let Some(r) = f["reason"].as_str() {
            out.push_str(&format!(" ({r})"));
        }
        out.push('\n');
        for x in f["fixes"].as_array().unwrap() {
            let e = &x["edits"][0];
            out.push_str(&format!(
                "  fix {}:{} {} {} [{}] {}: {}\n",
                e["start_line"],
                e["start_column"],
                x["safety"].as_str().unwrap(),
                x["rule"].as_str().unwrap(),
                x["kb"].as_str().unwrap(),
                if x["applied"] == true {
                    "applied"
                } else {
                    "not applied"
                },
                x["message"].as_str().unwrap()
            ));
        }
        for d in f["diagnostics"].as_array().unwrap() {
            out.push_str(&format!(
                "  {} {}:{} {} [{}]: {}\n",
                d["severity"].as_str().unwrap(),
                d["start_line"],
                d["start_column"],
                d["rule"].as_str().unwrap(),
                d["kb"].as_str().unwrap_or("-"),
                d["message"].as_str().unwrap()
            ));
        }
    }
    out
}

/// A template's placeholders come out byte-identical, in the same order, except for
/// balanced `{{#useSiwGen3}} … {{/useSiwGen3}}` sections a Gen3-only addition is wrapped
/// in (S11).
fn check_placeholders(path: &Path, before: &[u8], after: &[u8]) -> Result<(), String> {
    let Some(FileKind::Html(flavor)) = FileKind::for_path(path, false) else {
        return Ok(());
    };
    let (Ok(before), Ok(after)) = (std::str::from_utf8(before), std::str::from_utf8(after)) else {
        return Ok(());
    };
    let texts = |t: &str| -> Vec<String> {
        template::find(t, flavor)
            .into_iter()
            .map(|p| t[p.range].to_string())
            .collect()
    };
    let (old, new) = (texts(before), texts(after));
    let count = |v: &[String], tag: &str| v.iter().filter(|p| p.as_str() == tag).count();
    let (open, close) = ("{{#useSiwGen3}}", "{{/useSiwGen3}}");
    let added = count(&new, open).checked_sub(count(&old, open));
    let closed = count(&new, close).checked_sub(count(&old, close));
    let others = |v: &[String]| -> Vec<String> {
        v.iter()
            .filter(|p| p.as_str() != open && p.as_str() != close)
            .cloned()
            .collect()
    };
    if old == new || (added.is_some() && added == closed && others(&old) == others(&new)) {
        Ok(())
    } else {
        Err(format!(
            "{}: template placeholders changed:\n  before {old:?}\n  after  {new:?}",
            path.display()
        ))
    }
}

fn run_case(case: &Path, bless: bool) -> Result<(), String> {
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let input = case.join("in");
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path().join("w");
    copy_tree(&input, &work);
    let mut args = case_args(case);
    args.extend(
        [
            "--write",
            "--allow-dirty",
            "--format",
            "json",
            "--color",
            "never",
            ".",
        ]
        .map(String::from),
    );
    let out = bin().current_dir(&work).args(&args).output().unwrap();
    let code = out.status.code().unwrap_or(-1);
    let doc = json(&out);
    let findings = format!("exit code: {code}\n{}", findings_text(&doc));

    let mut problems = Vec::new();
    // Bytes: changed files against out/, the others against in/.
    for rel in files(&input) {
        let before = std::fs::read(input.join(&rel)).unwrap();
        let after = std::fs::read(work.join(&rel)).unwrap();
        let expected_path = case.join("out").join(&rel);
        if bless {
            if after != before {
                std::fs::create_dir_all(expected_path.parent().unwrap()).unwrap();
                std::fs::write(&expected_path, &after).unwrap();
            } else if expected_path.exists() {
                std::fs::remove_file(&expected_path).unwrap();
            }
            continue;
        }
        let expected = std::fs::read(&expected_path).unwrap_or(before.clone());
        if after != expected {
            problems.push(format!(
                "{}: output differs from {}:\n--- expected\n{}\n--- actual\n{}",
                rel.display(),
                if expected_path.exists() {
                    "out/"
                } else {
                    "in/ (expected unchanged)"
                },
                String::from_utf8_lossy(&expected),
                String::from_utf8_lossy(&after)
            ));
        }
        if after != before {
            if let Err(e) = check_parses(&rel, &after) {
                problems.push(format!("output does not parse: {e}"));
            }
            if let Err(e) = check_placeholders(&rel, &before, &after) {
                problems.push(e);
            }
        }
        // The JSON edits of the applied fixes reproduce the written bytes.
        if let Some(f) = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| Path::new(f["path"].as_str().unwrap()) == rel)
        {
            if apply_json_edits(&before, f) != after {
                problems.push(format!(
                    "{}: JSON edits do not reproduce the written bytes",
                    rel.display()
                ));
            }
        }
    }
    let expected_txt = case.join("expected.txt");
    if bless {
        std::fs::write(&expected_txt, &findings).unwrap();
    } else {
        let expected = std::fs::read_to_string(&expected_txt).unwrap_or_default();
        if expected != findings {
            problems.push(format!(
                "findings differ:\n--- expected\n{expected}--- actual\n{findings}"
            ));
        }
    }
    // Idempotence: a second run changes nothing.
    let snapshot: Vec<_> = files(&work)
        .into_iter()
        .map(|r| (r.clone(), std::fs::read(work.join(&r)).unwrap()))
        .collect();
    let again = bin().current_dir(&work).args(&args).output().unwrap();
    let doc2 = json(&again);
    if doc2["summary"]["changed"] != 0 {
        problems.push(format!(
            "second run changed files:\n{}",
            findings_text(&doc2)
        ));
    }
    for (rel, bytes) in snapshot {
        if std::fs::read(work.join(&rel)).unwrap() != bytes {
            problems.push(format!("{}: second run rewrote the file", rel.display()));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!("case {name}:\n{}", problems.join("\n")))
    }
}

#[test]
fn the_placeholder_check_sees_a_changed_placeholder() {
    let page = Path::new("sign-in.html");
    let before = b"<title>{{pageTitle}}</title><script nonce=\"{{nonceValue}}\"></script>";
    let after = b"<title>{{pageTitle}}</title><script nonce=\"{{ nonceValue}}\"></script>";
    assert!(check_placeholders(page, before, before).is_ok());
    assert!(check_placeholders(page, before, after).is_err());
    assert!(check_parses(page, b"<script>var a = {{{x}}};</script>").is_ok());
    assert!(check_parses(page, b"<script>var a = ;</script>").is_err());
}

#[test]
fn fixtures() {
    let bless = std::env::var_os("BLESS").is_some();
    let root = repo().join("testdata/fixtures");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("in").is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= 20,
        "expected the fixture cases under {}",
        root.display()
    );
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| run_case(c, bless).err())
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} fixture cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}
