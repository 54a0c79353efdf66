//! The report, SARIF and GitHub formats, TODO markers and ignore comments, through the binary.

mod common;

use common::*;

const WIDGET: &str = "new OktaSignIn({\n  baseUrl: 'https://acme.okta.com',\n  processCreds: function (creds, cb) { cb(); },\n  features: { rememberMe: false },\n  i18n: { en: { 'oie.session.expired': 'x', needhelp: 'Help?' } },\n});\n";

#[test]
fn sarif_validates_against_the_sarif_2_1_0_schema() {
    let tmp = sample_copy();
    std::fs::write(tmp.path().join("src/extra.js"), WIDGET).unwrap();
    let out = run_in(tmp.path(), &["--format", "sarif", "--from", "3.0.0", "."]);
    assert_eq!(out.status.code(), Some(1));
    let log: serde_json::Value = json(&out);
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("testdata/sarif/sarif-2.1.0-rtm.5.json")).unwrap(),
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("sarif.json", schema).unwrap();
    let index = compiler.compile("sarif.json", &mut schemas).unwrap();
    if let Err(e) = schemas.validate(&log, index) {
        panic!("SARIF output is not valid: {e:#}");
    }
    let results = log["runs"][0]["results"].as_array().unwrap();
    assert!(results.iter().any(|r| r["ruleId"] == "i18n/rename-key"
        && r["fixes"][0]["artifactChanges"][0]["replacements"].is_array()));
    assert!(results
        .iter()
        .any(|r| r["ruleId"] == "config/option-changed" && r["level"] == "warning"));
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules
        .iter()
        .any(|r| r["id"] == "config/idps-yahoo-japan" && r["helpUri"].is_string()));
}

#[test]
fn github_annotations_follow_the_workflow_command_syntax() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("w,1.js"), WIDGET).unwrap();
    let out = run_in(tmp.path(), &["--format", "github", "--from", "3.0.0", "."]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8(out.stdout).unwrap();
    let line_re = |l: &str| {
        let (cmd, msg) = l.split_once("::").unwrap();
        assert!(cmd.is_empty(), "{l}");
        let (head, message) = msg.split_once("::").unwrap();
        let (kind, props) = head.split_once(' ').unwrap();
        assert!(["error", "warning", "notice"].contains(&kind), "{l}");
        for p in props.split(',') {
            let (k, v) = p.split_once('=').unwrap();
            assert!(
                ["file", "line", "col", "endLine", "endColumn", "title"].contains(&k),
                "{l}"
            );
            assert!(
                !v.contains(',') && !v.contains(':'),
                "unescaped property in {l}"
            );
        }
        assert!(!message.contains('\n'));
    };
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() >= 4, "{text}");
    lines.iter().for_each(|l| line_re(l));
    assert!(text.contains("file=w%2C1.js,line=5,col=17"), "{text}");
}

#[test]
fn todo_markers_are_inserted_once_and_keep_check_failing() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("w.js"), WIDGET).unwrap();
    let out = run_in(
        tmp.path(),
        &["--write", "--insert-todos", "--from", "3.0.0", "w.js"],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let once = std::fs::read_to_string(tmp.path().join("w.js")).unwrap();
    assert!(once.contains("// widget-migrate: C29 "), "{once}");
    assert!(once.contains("// widget-migrate: C17 "), "{once}");
    assert!(
        once.contains("  // widget-migrate: I33 "),
        "indented like the line: {once}"
    );
    let again = run_in(
        tmp.path(),
        &["--write", "--insert-todos", "--from", "3.0.0", "w.js"],
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("w.js")).unwrap(),
        once,
        "never inserted twice"
    );
    assert_eq!(again.status.code(), Some(1));
    let check = run_in(tmp.path(), &["--check", "--color", "never", "w.js"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("core/todo-marker"));
}

#[test]
fn ignore_comments_silence_a_rule_and_the_report_lists_them() {
    let tmp = tempfile::tempdir().unwrap();
    let src = WIDGET.replace(
        "  processCreds:",
        "  // widget-migrate-ignore C29 (the hook is gone with the Classic login)\n  processCreds:",
    );
    std::fs::write(tmp.path().join("w.js"), &src).unwrap();
    let doc = json(&run_in(
        tmp.path(),
        &["--format", "json", "--from", "3.0.0", "w.js"],
    ));
    let f = &doc["files"][0];
    assert!(f["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["kb"] != "C29"));
    assert!(f["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .all(|x| x["kb"] != "C29"));
    let report = tmp.path().join("r.md");
    run_in(
        tmp.path(),
        &[
            "--from",
            "3.0.0",
            "--report",
            report.to_str().unwrap(),
            "w.js",
        ],
    );
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(
        md.contains("## Ignored by comments") && md.contains("widget-migrate-ignore C29"),
        "{md}"
    );
}

#[test]
fn the_report_reads_as_a_plan() {
    let tmp = sample_copy();
    std::fs::write(tmp.path().join("src/extra.js"), WIDGET).unwrap();
    let report = tmp.path().join("UPGRADE.md");
    let out = run_in(
        tmp.path(),
        &["--write", "--report", report.to_str().unwrap(), "."],
    );
    assert_eq!(out.status.code(), Some(1));
    let md = std::fs::read_to_string(&report).unwrap();
    for heading in [
        "# Sign-In Widget upgrade report",
        "From widget **3.7.0** to **7.49.0** on **Identity Engine**",
        "## Summary by section",
        "| i18n |",
        "## What is left, by user flow",
        "### Authentication (sign-in, MFA, sign-out)",
        "### Social and IdP sign-in",
        "Test after the change:",
        "## Org settings the tool cannot reach",
        "IdP routing rules",
        "## What was changed",
    ] {
        assert!(md.contains(heading), "missing `{heading}` in:\n{md}");
    }
    assert!(md.contains("`src/extra.js:3` — **C29**"), "{md}");
    assert!(md.contains("- [ ] Sign in with each social or enterprise IdP button"));
}

#[test]
fn sections_run_one_by_one_give_the_same_result_as_one_run() {
    let all = sample_copy();
    let split = sample_copy();
    run_in(all.path(), &["--write", "--unsafe", "."]);
    for s in ["i18n", "css", "config", "methods", "html"] {
        run_in(split.path(), &["--write", "--unsafe", "--only", s, "."]);
    }
    let bytes = |d: &std::path::Path| {
        files(d)
            .into_iter()
            .map(|r| (r.clone(), std::fs::read(d.join(r)).unwrap()))
            .collect::<Vec<_>>()
    };
    assert_eq!(bytes(all.path()), bytes(split.path()));
}
