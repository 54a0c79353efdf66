//! Nothing lost: byte fidelity, odd files, symlinks, read-only files, interrupted writes.

mod common;

use common::*;
use std::os::unix::fs::{symlink, PermissionsExt};
use std::time::{Duration, Instant};

const RENAME: (&str, &str) = ("'oie.session.expired'", "'idx.session.expired'");

fn widget(body: &str) -> String {
    format!(
        "new OktaSignIn({{ i18n: {{ en: {{ {}: '{body}' }} }} }});",
        RENAME.0
    )
}

#[test]
fn line_endings_tabs_and_missing_final_newline_survive() {
    let tmp = tempfile::tempdir().unwrap();
    let src = format!(
        "// mixed\r\n\tvar a = 1;\n{}\r\n\t\t// tabbed\n  // no final newline",
        widget("x")
    );
    write_file(tmp.path(), "m.js", src.as_bytes());
    let out = run_in(tmp.path(), &["--write", "--from", "5.0.0", "m.js"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read_to_string(tmp.path().join("m.js")).unwrap();
    assert_eq!(after, src.replace(RENAME.0, RENAME.1));
}

#[test]
fn huge_binary_and_empty_files_are_skipped_or_untouched() {
    let tmp = tempfile::tempdir().unwrap();
    // Over the size bound, though every line is short.
    let mut huge = Vec::new();
    while huge.len() <= 16 * 1024 * 1024 {
        huge.extend_from_slice(widget("x").as_bytes());
        huge.push(b'\n');
    }
    write_file(tmp.path(), "huge.js", &huge);
    // A minified build: under the bound, but one 5 MB line.
    let mut min = widget("x").replace('\n', " ").into_bytes();
    min.extend(std::iter::repeat_n(b' ', 5 * 1024 * 1024));
    write_file(tmp.path(), "app.min.js", &min);
    // Five megabytes of ordinary code is processed like any other file.
    let mut big = widget("x").into_bytes();
    while big.len() < 5 * 1024 * 1024 {
        big.extend_from_slice(b"function f(a, b) {\n  return a + b;\n}\n");
    }
    write_file(tmp.path(), "big.js", &big);
    // A one-line JSON bundle is data, not a minified build.
    let mut bundle = b"{".to_vec();
    for i in 0..5000 {
        bundle.extend_from_slice(format!("\"custom.key.{i}\": \"text {i}\", ").as_bytes());
    }
    let key = RENAME.0.trim_matches('\'');
    bundle.extend_from_slice(format!("\"{key}\": \"Hi\"}}").as_bytes());
    write_file(tmp.path(), "login_fr.json", &bundle);
    let mut nul = widget("x").into_bytes();
    nul.push(0);
    write_file(tmp.path(), "nul.js", &nul);
    write_file(tmp.path(), "empty.js", b"");
    let doc = json(&run_in(tmp.path(), &["--write", "--format", "json", "."]));
    let status = |p: &str| {
        let f = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .unwrap()
            .clone();
        (
            f["status"].as_str().unwrap().to_string(),
            f["reason"].as_str().unwrap_or("").to_string(),
        )
    };
    let (s, why) = status("huge.js");
    assert_eq!(s, "skipped");
    assert!(why.contains("larger than 16 MiB"), "{why}");
    let (s, why) = status("app.min.js");
    assert_eq!(s, "skipped");
    assert!(
        why.contains("minified") && why.contains("1 line(s)"),
        "{why}"
    );
    assert_eq!(status("big.js").0, "changed");
    assert_eq!(status("login_fr.json").0, "changed");
    let (s, why) = status("nul.js");
    assert_eq!(s, "skipped");
    assert!(why.contains("NUL"), "{why}");
    assert_eq!(status("empty.js").0, "unchanged");
    assert_eq!(std::fs::read(tmp.path().join("huge.js")).unwrap(), huge);
    assert_eq!(std::fs::read(tmp.path().join("app.min.js")).unwrap(), min);
    assert_eq!(std::fs::read(tmp.path().join("nul.js")).unwrap(), nul);
}

#[test]
fn read_only_files_are_an_error_and_stay_as_they_were() {
    let tmp = tempfile::tempdir().unwrap();
    let src = widget("x");
    write_file(tmp.path(), "ro.js", src.as_bytes());
    write_file(tmp.path(), "rw.js", src.as_bytes());
    let ro = tmp.path().join("ro.js");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let out = run_in(tmp.path(), &["--write", "--from", "5.0.0", "."]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ro.js") && stderr.contains("read-only"),
        "{stderr}"
    );
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), src);
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("rw.js")).unwrap(),
        src.replace(RENAME.0, RENAME.1)
    );
}

#[test]
fn symlinks_are_not_followed_when_walking_and_never_written_outside_the_tree() {
    let tree = tempfile::tempdir().unwrap();
    let outside = tempfile::tempdir().unwrap();
    let src = widget("x");
    write_file(outside.path(), "theirs.js", src.as_bytes());
    write_file(tree.path(), "real/inside.js", src.as_bytes());
    symlink(
        outside.path().join("theirs.js"),
        tree.path().join("out-link.js"),
    )
    .unwrap();
    symlink(
        tree.path().join("real/inside.js"),
        tree.path().join("in-link.js"),
    )
    .unwrap();
    // Walking: the links are reported as skipped; the real file is processed once.
    let doc = json(&run_in(
        tree.path(),
        &["--format", "json", "--from", "5.0.0", "."],
    ));
    let files: Vec<(String, String)> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        files,
        [
            ("in-link.js".to_string(), "skipped".to_string()),
            ("out-link.js".to_string(), "skipped".to_string()),
            ("real/inside.js".to_string(), "changed".to_string())
        ]
    );
    // Named: a link inside the tree is written through (the link stays a link) ...
    let out = run_in(tree.path(), &["--write", "--from", "5.0.0", "in-link.js"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::symlink_metadata(tree.path().join("in-link.js"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert!(std::fs::read_to_string(tree.path().join("real/inside.js"))
        .unwrap()
        .contains(RENAME.1));
    // ... a link pointing outside is not.
    let out = run_in(tree.path(), &["--write", "--from", "5.0.0", "out-link.js"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("outside this tree"));
    assert_eq!(
        std::fs::read_to_string(outside.path().join("theirs.js")).unwrap(),
        src
    );
    assert!(std::fs::symlink_metadata(tree.path().join("out-link.js"))
        .unwrap()
        .file_type()
        .is_symlink());
    // A dangling link named on the command line cannot be read: exit 2.
    symlink(
        tree.path().join("nowhere.js"),
        tree.path().join("dangling.js"),
    )
    .unwrap();
    assert_eq!(run_in(tree.path(), &["dangling.js"]).status.code(), Some(2));
}

#[test]
fn an_interrupted_write_leaves_every_file_old_or_new_and_no_temp_files() {
    let tmp = tempfile::tempdir().unwrap();
    let n = 2000;
    let old: Vec<String> = (0..n)
        .map(|i| format!("// file {i}\n{}\n", widget(&"x".repeat(i % 200))))
        .collect();
    for (i, text) in old.iter().enumerate() {
        write_file(tmp.path(), &format!("d{}/f{i}.js", i % 30), text.as_bytes());
    }
    let mut child = bin()
        .current_dir(tmp.path())
        .args(["--write", "--from", "5.0.0", "-j", "2", "."])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it as soon as it has started writing: files are written in sorted path
    // order, so the first one tells.
    let started = Instant::now();
    let first = tmp.path().join("d0/f0.js");
    while started.elapsed() < Duration::from_secs(60) {
        if std::fs::read_to_string(&first).is_ok_and(|t| t.contains(RENAME.1))
            || child.try_wait().unwrap().is_some()
        {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = child.kill();
    let _ = child.wait();
    let mut changed = 0;
    for (i, text) in old.iter().enumerate() {
        let now = std::fs::read_to_string(tmp.path().join(format!("d{}/f{i}.js", i % 30))).unwrap();
        let new = text.replace(RENAME.0, RENAME.1);
        assert!(
            now == *text || now == new,
            "file {i} is neither the old nor the new version"
        );
        changed += usize::from(now == new);
    }
    eprintln!("{changed} of {n} files were written before the kill");
    // The next run finishes the job and leaves no temp file behind.
    let out = run_in(tmp.path(), &["--write", "--from", "5.0.0", "."]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (i, text) in old.iter().enumerate() {
        let now = std::fs::read_to_string(tmp.path().join(format!("d{}/f{i}.js", i % 30))).unwrap();
        assert_eq!(now, text.replace(RENAME.0, RENAME.1));
    }
    let temps: Vec<_> = files(tmp.path())
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".widget-migrate."))
        .collect();
    assert!(temps.is_empty(), "{temps:?}");
}

#[test]
fn a_panic_below_becomes_an_error_for_that_file_only() {
    // `<!--` then a regex-looking line trips a debug assertion in swc's lexer (in debug
    // builds); whatever happens below must stay an error of that one file.
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "odd.js", b"new OktaSignIn({});\n<!--\n/x\n");
    let ok = widget("x");
    write_file(tmp.path(), "ok.js", ok.as_bytes());
    let out = run_in(tmp.path(), &["--write", "--from", "5.0.0", "."]);
    assert!(matches!(out.status.code(), Some(0 | 2)), "{:?}", out.status);
    assert_eq!(
        std::fs::read(tmp.path().join("odd.js")).unwrap(),
        b"new OktaSignIn({});\n<!--\n/x\n"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("ok.js")).unwrap(),
        ok.replace(RENAME.0, RENAME.1)
    );
}

#[test]
fn a_parser_panic_found_by_fuzzing_is_an_error_not_a_crash() {
    // Inputs the fuzzers (`fuzz/`) found on which swc or raffia panic: an `unreachable!`
    // (in release builds too) or a debug assertion (these tests are a debug build; the
    // release build gives a parse error). Each must be an error of its file only, the
    // file untouched, through a plain file, a Vue component and standard input.
    let jsx: &[u8] = b"new OktaSignIn({});\nconst x = <a:b.c />;\n";
    let cases: [(&str, &[u8]); 9] = [
        // `pages`: a JSX namespaced name followed by a member.
        ("odd.jsx", jsx),
        // `js`: `+`, a line break, then a template with a bad `\u` escape.
        ("template.js", b"new OktaSignIn({});\n+\n`\\u`\n"),
        // `js`: an inverted span in TypeScript.
        ("class.ts", b"new OktaSignIn({});\n+class this\n"),
        // `pages`: an arrow after a call in a parenthesised list.
        ("arrow.js", b"new OktaSignIn({});\n(a, b() => 1)\n"),
        // `js`: a type annotation parsed in plain JavaScript.
        ("field.js", b"new OktaSignIn({});\nclass A { a\nc\n: d }\n"),
        // `js`: a TypeScript enum member ending inside `[`.
        ("enum.ts", b"new OktaSignIn({});\nenum m{c/a[x"),
        // `js`: a template after a merge-conflict marker line, in TSX.
        ("conflict.tsx", b"e\n=======\n`OktaSignIn`"),
        // `styles` (raffia): an escape at the end of an SCSS placeholder name.
        (
            "placeholder.scss",
            b"#okta-sign-in .chzn-single { }\n%-\\\\\\ { }\n",
        ),
        (
            "c.vue",
            b"<script>\nnew OktaSignIn({});\nconst x = <a:b.c />;\n</script>\n",
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (name, bytes) in cases {
        write_file(tmp.path(), name, bytes);
    }
    let doc = json(&run_in(tmp.path(), &["--format", "json", "."]));
    let statuses: Vec<_> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["path"].clone(), f["status"].clone()))
        .collect();
    assert_eq!(statuses.len(), cases.len(), "{statuses:?}");
    for (path, status) in &statuses {
        assert_eq!(status, "error", "{path}");
    }
    for (name, bytes) in cases {
        assert_eq!(
            std::fs::read(tmp.path().join(name)).unwrap(),
            bytes,
            "{name}"
        );
    }
    let out = run_with_stdin(bin().args(["--stdin-filename", "odd.jsx"]), jsx);
    assert!(matches!(out.status.code(), Some(0..=2)), "{:?}", out.status);
}

#[test]
fn code_nested_past_the_stack_is_an_error_of_that_file_and_the_run_goes_on() {
    // fuzz/ (target `js`) found that a few thousand nested brackets overflowed the stack,
    // which no guard can catch: the whole run ended with nothing reported. Brackets are
    // bounded (1,000 levels, an error at the bracket); chains that nest without them run
    // on the workers' large stacks.
    let tmp = tempfile::tempdir().unwrap();
    let deep = format!(
        "new OktaSignIn({{}});\nx = {}1{};\n",
        "(\n".repeat(5000),
        ")".repeat(5000)
    );
    write_file(tmp.path(), "deep.js", &deep);
    let sheet = format!(
        "#okta-sign-in .o-form {{ color: red; }}\n{}b: c;\n{}",
        "a {\n".repeat(5000),
        "}\n".repeat(5000)
    );
    write_file(tmp.path(), "deep.scss", &sheet);
    // 4,000 arrows overflow a release build's 8 MiB main stack; 20,000 members, 2 MiB.
    let chains = format!(
        "new OktaSignIn({{}});\nf = {}x;\ny = a{};\n",
        "x =>\n".repeat(4000),
        "\n.b".repeat(20000)
    );
    write_file(tmp.path(), "chains.js", &chains);
    let ok = widget("x");
    write_file(tmp.path(), "ok.js", &ok);

    let out = run_in(tmp.path(), &["--format", "json", "--from", "5.0.0", "."]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let doc = json(&out);
    let status = |name: &str| {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == name)
            .unwrap_or_else(|| panic!("{name}: {doc}"))
            .clone()
    };
    // The 1,001st bracket is on line 1,002 of each.
    for name in ["deep.js", "deep.scss"] {
        let f = status(name);
        assert_eq!(f["status"], "error", "{f}");
        let d = &f["diagnostics"][0];
        assert!(
            d["message"]
                .as_str()
                .unwrap()
                .contains("nest more than 1000 levels"),
            "{f}"
        );
        assert_eq!(d["start_line"], 1002, "{name}: {f}");
    }
    assert_eq!(status("chains.js")["status"], "unchanged");
    assert_eq!(status("ok.js")["status"], "changed");

    // Standard input runs on the main thread, which gets the same large stack.
    let out = run_with_stdin(
        bin().args(["--from", "5.0.0", "--stdin-filename", "chains.js"]),
        chains.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert_eq!(out.stdout, chains.as_bytes());
}
