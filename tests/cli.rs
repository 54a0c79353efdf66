//! The binary as users and scripts call it (../shared/CONTRACT.md).

mod common;

use common::*;
use std::path::Path;
use std::process::Command;

fn tree_bytes(root: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    files(root)
        .into_iter()
        .map(|r| {
            let b = std::fs::read(root.join(&r)).unwrap();
            (r, b)
        })
        .collect()
}

const WIDGET_JS: &str = "import OktaSignIn from '@okta/okta-signin-widget';\n\
new OktaSignIn({\n  i18n: {\n    en: {\n      // kept\n      'oie.session.expired': 'Expired',\n    },\n  },\n});\n";

#[test]
fn sample_app_dry_run_patch_applies_and_equals_write_then_nothing_left() {
    let dry = sample_copy();
    let out = run_in(dry.path(), &["--dry-run", "--color", "never", "."]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "fixes pending: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let patch = String::from_utf8(out.stdout).unwrap();
    assert!(
        patch.contains("--- a/src/login.js\n+++ b/src/login.js\n"),
        "{patch}"
    );
    assert!(
        patch
            .lines()
            .filter(|l| l.starts_with("--- a/"))
            .all(|l| !l.contains("dist/") && !l.contains("node_modules/")),
        "ignored folders stay out"
    );
    assert!(
        !patch.contains("utils/strings.js"),
        "objects that never reach the widget are untouched"
    );
    // Dry run writes nothing.
    assert_eq!(tree_bytes(dry.path()), tree_bytes(sample_copy().path()));

    // git apply takes the patch as it is.
    let applied = sample_copy();
    assert!(
        git_apply(applied.path(), &patch),
        "git apply rejected the dry-run patch"
    );

    // --write gives the same bytes. What it leaves are the unsafe rewrites (the Chosen
    // selector, the event handlers) and the items a human must take: exit 1.
    let written = sample_copy();
    let out = run_in(written.path(), &["--write", "--format", "json", "."]);
    assert_eq!(
        out.status.code(),
        Some(1), // written, with manual items left (see below)
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let doc = json(&out);
    for f in doc["files"].as_array().unwrap() {
        let left = f["fixes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|x| x["applied"] != true)
            .chain(
                f["diagnostics"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|d| d["severity"] != "info"),
            )
            .map(|x| x["rule"].as_str().unwrap())
            .filter(|r| {
                !["css/", "config/", "methods/"]
                    .iter()
                    .any(|p| r.starts_with(p))
            })
            .collect::<Vec<_>>();
        assert!(
            left.is_empty(),
            "{}: {left:?} left after --write",
            f["path"]
        );
    }
    assert_eq!(tree_bytes(applied.path()), tree_bytes(written.path()));

    // Those items are reported, each with its line: renderEl and setCookieAndRedirect
    // (manual: the sample's configurations have no clientId), and the pending unsafe
    // rewrites of the event handlers.
    let check = run_in(written.path(), &["--check", "--color", "never", "."]);
    assert_eq!(check.status.code(), Some(1));
    let report = String::from_utf8(check.stdout).unwrap();
    for item in [
        "src/login.js:62:1: warning methods/render-el [M1]",
        "src/login.js:67:7: warning methods/set-cookie-and-redirect [M2]",
        "src/login.js:80:12: fix methods/controller-check [M12]",
        "src/login.js:87:13: fix methods/after-error-fields [M13]",
        "src/legacy/old-login.js:30:7: warning methods/set-cookie-and-redirect [M2]",
        "src/legacy/old-login.js:39:5: warning methods/render-el [M1]",
        "src/crlf-login.js:16:1: warning methods/render-el [M1]",
    ] {
        assert!(report.contains(item), "missing `{item}` in:\n{report}");
    }
    assert!(
        !report
            .lines()
            .any(|l| l.starts_with("hosted/custom-sign-in.js:") && l.contains("methods/")),
        "the Okta-hosted template keeps renderEl with OktaUtil.completeLogin: {report}"
    );
    assert!(
        report.contains("signIn.showSignIn({ el: '#okta-login-container' })"),
        "manual items name the replacement: {report}"
    );

    // A second run of the i18n section, which --write completes, has nothing to do.
    let again = run_in(written.path(), &["--check", "--only", "i18n", "."]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
    let json_again = json(&run_in(
        written.path(),
        &["--only", "i18n", "--format", "json", "."],
    ));
    assert_eq!(json_again["summary"]["changed"], 0);
    assert_eq!(json_again["summary"]["fixes"], 0);
    // Without --only nothing changes any more either; what waits is unsafe, or the
    // package.json version bump, which waits for the rest.
    let json_all = json(&run_in(written.path(), &["--format", "json", "."]));
    assert_eq!(json_all["summary"]["changed"], 0);
    let pending: Vec<(String, String)> = json_all["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["fixes"].as_array().unwrap().iter())
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["safety"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        pending
            .iter()
            .all(|(r, s)| s == "unsafe" || r == "config/package-version"),
        "{pending:?}"
    );
    for rule in [
        "config/package-version",
        "css/chosen-select",
        "methods/controller-check",
    ] {
        assert!(
            pending.iter().any(|(r, _)| r == rule),
            "{rule} not pending: {pending:?}"
        );
    }
    let manual: Vec<String> = json_all["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| {
            f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["severity"] == "warning")
                .map(move |d| {
                    format!(
                        "{}:{} {}",
                        f["path"].as_str().unwrap(),
                        d["start_line"],
                        d["rule"].as_str().unwrap()
                    )
                })
        })
        .collect();
    assert!(
        manual.iter().any(|m| m.ends_with("config/idps-routing")),
        "{manual:?}"
    );
    assert!(
        manual
            .iter()
            .any(|m| m.starts_with("src/login.js:") && m.ends_with("config/option-changed")),
        "{manual:?}"
    );
}

#[test]
fn json_matches_the_contract_and_its_edits_reproduce_the_written_bytes() {
    let tmp = sample_copy();
    let before = tree_bytes(tmp.path());
    let out = run_in(tmp.path(), &["--write", "--format", "json", "."]);
    let doc = json(&out);
    for key in [
        "version", "from", "to", "engine", "gen3", "files", "summary",
    ] {
        assert!(doc.get(key).is_some(), "missing {key}");
    }
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["to"], "7.49.0");
    assert_eq!(doc["engine"], "oie");
    assert_eq!(doc["from"], "3.7.0", "detected from package.json ^3.7.0");
    for key in [
        "files",
        "changed",
        "unchanged",
        "skipped",
        "errors",
        "fixes",
        "unsafe_fixes",
        "diagnostics",
    ] {
        assert!(doc["summary"][key].is_u64(), "summary.{key}");
    }
    let files = doc["files"].as_array().unwrap();
    let paths: Vec<&str> = files.iter().map(|f| f["path"].as_str().unwrap()).collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted, "files in sorted path order");
    let login = files.iter().find(|f| f["path"] == "src/login.js").unwrap();
    assert_eq!(login["status"], "changed");
    let fix = &login["fixes"][0];
    for key in ["rule", "kb", "safety", "applied", "message", "edits"] {
        assert!(fix.get(key).is_some(), "fix.{key}");
    }
    for key in [
        "start",
        "end",
        "replacement",
        "start_line",
        "start_column",
        "end_line",
        "end_column",
    ] {
        assert!(fix["edits"][0].get(key).is_some(), "edit.{key}");
    }
    for (rel, old) in before {
        let p = rel.to_string_lossy().to_string();
        let now = std::fs::read(tmp.path().join(&rel)).unwrap();
        match files.iter().find(|f| f["path"] == p.as_str()) {
            Some(f) => assert_eq!(apply_json_edits(&old, f), now, "{p}"),
            None => assert_eq!(old, now, "{p} was not reported but changed"),
        }
    }
}

#[test]
fn exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(
        tmp.path(),
        "clean.js",
        "new OktaSignIn({ i18n: { en: { 'primaryauth.title': 'Hi' } } });\n",
    );
    write_file(tmp.path(), "pending.js", WIDGET_JS);
    write_file(
        tmp.path(),
        "broken.js",
        "new OktaSignIn({ i18n: { en: { 'oie.session.expired': 'x' } } );\n",
    );
    let code = |args: &[&str]| run_in(tmp.path(), args).status.code();
    assert_eq!(code(&["clean.js"]), Some(0));
    assert_eq!(code(&["pending.js"]), Some(1));
    assert_eq!(code(&["--check", "pending.js"]), Some(1));
    assert_eq!(code(&["broken.js"]), Some(2));
    assert_eq!(code(&["missing.js"]), Some(2));
    assert_eq!(code(&["--only", "nope", "clean.js"]), Some(2));
    assert_eq!(code(&["--from", "not-a-version", "clean.js"]), Some(2));
    assert_eq!(
        code(&["--from", "7.0.0", "--to", "6.0.0", "clean.js"]),
        Some(2)
    );
    // --write applies the safe fix, so nothing is left: 0.
    assert_eq!(code(&["--write", "pending.js"]), Some(0));
    assert_eq!(code(&["--help"]), Some(0));
}

#[test]
fn a_syntax_error_leaves_that_file_untouched_and_the_others_are_fixed() {
    let tmp = tempfile::tempdir().unwrap();
    let broken = "new OktaSignIn({ i18n: { en: { 'oie.session.expired': 'x' } } );\n";
    write_file(tmp.path(), "a/broken.js", broken);
    write_file(tmp.path(), "b/ok.js", WIDGET_JS);
    let out = run_in(tmp.path(), &["--write", "."]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("a/broken.js:1:"),
        "path:line:col on stderr: {stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("a/broken.js")).unwrap(),
        broken
    );
    assert!(std::fs::read_to_string(tmp.path().join("b/ok.js"))
        .unwrap()
        .contains("'idx.session.expired'"));
}

#[test]
fn crlf_and_bom_round_trip_outside_the_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let original = format!("\u{feff}{}", WIDGET_JS.replace('\n', "\r\n"));
    write_file(tmp.path(), "x.js", &original);
    let out = run_in(tmp.path(), &["--write", "x.js"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = std::fs::read(tmp.path().join("x.js")).unwrap();
    let expected = original.replace("'oie.session.expired'", "'idx.session.expired'");
    assert_eq!(after, expected.as_bytes());
}

#[test]
fn stdin_filename_prints_the_rewritten_source() {
    let out = run_with_stdin(
        bin().args(["--stdin-filename", "src/login.js", "--from", "5.0.0"]),
        WIDGET_JS.as_bytes(),
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        WIDGET_JS.replace("'oie.session.expired'", "'idx.session.expired'")
    );
}

#[test]
fn output_is_sorted_and_stable_whatever_the_threads() {
    let tmp = tempfile::tempdir().unwrap();
    for name in ["z.js", "a.js", "m/n.js", "b/c/d.js", "e.ts"] {
        write_file(tmp.path(), name, WIDGET_JS);
    }
    let first = run_in(tmp.path(), &["-j", "2", "--color", "never", "."]);
    let patch = String::from_utf8(first.stdout.clone()).unwrap();
    let heads: Vec<&str> = patch.lines().filter(|l| l.starts_with("--- a/")).collect();
    assert_eq!(
        heads,
        [
            "--- a/a.js",
            "--- a/b/c/d.js",
            "--- a/e.ts",
            "--- a/m/n.js",
            "--- a/z.js"
        ]
    );
    for _ in 0..3 {
        assert_eq!(
            run_in(tmp.path(), &["-j", "2", "--color", "never", "."]).stdout,
            first.stdout
        );
    }
    let one = run_in(tmp.path(), &["-j", "1", "--color", "never", "."]);
    assert_eq!(one.stdout, first.stdout);
}

#[test]
fn walker_honours_ignore_files_and_skips_vendor_folders_unless_named() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), ".gitignore", "generated/\n");
    write_file(tmp.path(), "generated/w.js", WIDGET_JS);
    write_file(tmp.path(), "node_modules/pkg/w.js", WIDGET_JS);
    write_file(tmp.path(), "dist/w.js", WIDGET_JS);
    write_file(tmp.path(), "src/w.js", WIDGET_JS);
    write_file(
        tmp.path(),
        "src/types.d.ts",
        "declare const OktaSignIn: any;\n",
    );
    write_file(tmp.path(), "README.md", "OktaSignIn\n");
    let scanned = |args: &[&str]| -> Vec<String> {
        let doc = json(&run_in(tmp.path(), args));
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(scanned(&["--format", "json", "."]), ["src/w.js"]);
    assert_eq!(
        scanned(&["--format", "json", "--no-ignore", "."]),
        ["generated/w.js", "src/w.js"]
    );
    assert_eq!(scanned(&["--format", "json", "dist"]), ["dist/w.js"]);
    assert_eq!(
        scanned(&["--format", "json", "node_modules/pkg/w.js"]),
        ["node_modules/pkg/w.js"]
    );
    let named = json(&run_in(
        tmp.path(),
        &["--format", "json", "README.md", "src/types.d.ts"],
    ));
    for f in named["files"].as_array().unwrap() {
        assert_eq!(f["status"], "skipped", "{f}");
        assert!(f["reason"].as_str().is_some());
    }
}

#[test]
fn non_utf8_files_are_skipped_with_a_reason_and_never_written() {
    let tmp = tempfile::tempdir().unwrap();
    let mut bytes = WIDGET_JS.as_bytes().to_vec();
    bytes.extend_from_slice(b"// caf\xe9\n");
    std::fs::write(tmp.path().join("latin1.js"), &bytes).unwrap();
    // The prefilter turns away files that do not name the widget unparsed; it must not
    // turn these skips into "unchanged".
    std::fs::write(tmp.path().join("plain.js"), b"var x = 'caf\xe9';\n").unwrap();
    std::fs::write(tmp.path().join("nul.js"), b"var x = 1;\0\n").unwrap();
    let doc = json(&run_in(tmp.path(), &["--write", "--format", "json", "."]));
    let files = doc["files"].as_array().unwrap();
    let reason = |name: &str| {
        let f = files.iter().find(|f| f["path"] == name).unwrap();
        assert_eq!(f["status"], "skipped", "{f}");
        f["reason"].as_str().unwrap().to_string()
    };
    assert!(reason("latin1.js").contains("UTF-8"));
    assert!(reason("plain.js").contains("UTF-8"));
    assert!(reason("nul.js").contains("NUL"));
    assert_eq!(std::fs::read(tmp.path().join("latin1.js")).unwrap(), bytes);
}

#[test]
fn check_writes_nothing_and_lists_findings_on_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "w.js", WIDGET_JS);
    let out = run_in(tmp.path(), &["--check", "--color", "never", "."]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("w.js:6:7: fix i18n/rename-key [I11]"),
        "{stdout}"
    );
    assert!(!stdout.contains("+++"), "no diff in --check");
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("w.js")).unwrap(),
        WIDGET_JS
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("1 files scanned"),
        "summary on stderr: {stderr}"
    );
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let src = "new OktaSignIn({ i18n: { en: { remember: 'Keep me' } } });\n";
    write_file(tmp.path(), "w.js", src);
    let out = run_in(tmp.path(), &["--write", "w.js"]);
    assert_eq!(out.status.code(), Some(1), "unsafe fix left pending");
    assert!(String::from_utf8_lossy(&out.stderr).contains("would need --unsafe"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("w.js")).unwrap(),
        src
    );
    let out = run_in(tmp.path(), &["--write", "--unsafe", "w.js"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::read_to_string(tmp.path().join("w.js"))
        .unwrap()
        .contains("'oie.remember': 'Keep me'"));
    let classic = run_in(tmp.path(), &["--engine", "classic", "w.js"]);
    assert_eq!(classic.status.code(), Some(0));
}

#[test]
fn write_refuses_dirty_git_files_unless_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let git = |args: &[&str]| {
        let ok = Command::new("git")
            .current_dir(tmp.path())
            .args([
                "-c",
                "user.name=t",
                "-c",
                "user.email=t@t",
                "-c",
                "commit.gpgsign=false",
            ])
            .args(args)
            .output()
            .unwrap();
        assert!(
            ok.status.success(),
            "{}",
            String::from_utf8_lossy(&ok.stderr)
        );
    };
    git(&["init", "-q"]);
    write_file(tmp.path(), "w.js", WIDGET_JS);
    git(&["add", "."]);
    git(&["commit", "-qm", "init"]);
    let edited = format!("{WIDGET_JS}// local edit\n");
    write_file(tmp.path(), "w.js", &edited);
    let out = run_in(tmp.path(), &["--write", "."]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("uncommitted changes"));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("w.js")).unwrap(),
        edited
    );
    let out = run_in(tmp.path(), &["--write", "--allow-dirty", "."]);
    assert_eq!(out.status.code(), Some(0));
    // A clean committed file is written without the flag.
    git(&["commit", "-qam", "fixed"]);
    write_file(tmp.path(), "v.js", WIDGET_JS);
    git(&["add", "v.js"]);
    git(&["commit", "-qm", "v"]);
    assert_eq!(
        run_in(tmp.path(), &["--write", "v.js"]).status.code(),
        Some(0)
    );
}

#[test]
fn write_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "w.js", WIDGET_JS);
    let p = tmp.path().join("w.js");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(
        run_in(tmp.path(), &["--write", "w.js"]).status.code(),
        Some(0)
    );
    assert_eq!(
        std::fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let leftovers: Vec<_> = files(tmp.path())
        .into_iter()
        .filter(|f| f.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn patch_file_holds_the_whole_run() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "a.js", WIDGET_JS);
    write_file(tmp.path(), "b.js", WIDGET_JS);
    let patch = tmp.path().join("run.patch");
    let out = run_in(
        tmp.path(),
        &[
            "--color",
            "never",
            "--patch-file",
            patch.to_str().unwrap(),
            "a.js",
            "b.js",
        ],
    );
    assert_eq!(std::fs::read(&patch).unwrap(), out.stdout);
}

#[test]
fn colour_follows_the_flag_and_no_color() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "w.js", WIDGET_JS);
    let always = run_in(tmp.path(), &["--color", "always", "w.js"]);
    assert!(
        always.stdout.contains(&0x1b),
        "--color always colours the diff"
    );
    let piped = run_in(tmp.path(), &["w.js"]);
    assert!(!piped.stdout.contains(&0x1b), "no colour when piped");
    let no_color = bin()
        .current_dir(tmp.path())
        .env("NO_COLOR", "1")
        .args(["--color", "auto", "w.js"])
        .output()
        .unwrap();
    assert!(!no_color.stdout.contains(&0x1b));
}

#[test]
fn rules_lists_every_rule_with_its_kb_rows() {
    let out = bin().args(["rules", "--format", "json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let doc = json(&out);
    let rules = doc["rules"].as_array().unwrap();
    let rename = rules.iter().find(|r| r["id"] == "i18n/rename-key").unwrap();
    assert!(rename["kb"].as_array().unwrap().iter().any(|k| k == "I9"));
    assert_eq!(rename["safety"], "safe");
    assert!(rename["entries"]
        .as_array()
        .unwrap()
        .iter()
        .any(|e| e["from"] == "socialauth.yahoo_japan.label"
            && e["to"] == "socialauth.yahoojp.label"
            && e["since"] == "5.13.0"));
    for r in rules {
        for key in [
            "id", "section", "kb", "safety", "engine", "gen", "since", "until", "message", "docs",
        ] {
            assert!(r.get(key).is_some(), "{key} in {r}");
        }
    }
    let text = bin().arg("rules").output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("i18n/labels-option") && text.contains("C38"));
}

#[test]
fn version_is_detected_from_the_nearest_manifest_or_cdn_url() {
    let tmp = tempfile::tempdir().unwrap();
    // 5.13.0 renamed the yahoo key; code written for 5.16 is not touched by that rename.
    let src = "new OktaSignIn({ i18n: { en: { 'socialauth.yahoo_japan.label': 'Y' } } });\n";
    write_file(
        tmp.path(),
        "new/package.json",
        r#"{"dependencies":{"@okta/okta-signin-widget":"~5.16.0"}}"#,
    );
    write_file(tmp.path(), "new/src/w.js", src);
    write_file(
        tmp.path(),
        "old/package-lock.json",
        r#"{"packages":{"node_modules/@okta/okta-signin-widget":{"version":"5.2.1"}}}"#,
    );
    write_file(tmp.path(), "old/src/w.js", src);
    let cdn = format!(
        "// https://global.oktacdn.com/okta-signin-widget/4.5.0/js/okta-sign-in.min.js\n{src}"
    );
    write_file(tmp.path(), "cdn/w.js", &cdn);
    let doc = json(&run_in(tmp.path(), &["--format", "json", "."]));
    let file = |p: &str| {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == p)
            .unwrap()
            .clone()
    };
    assert_eq!(file("new/src/w.js")["from"], "5.16.0");
    assert_eq!(file("new/src/w.js")["status"], "unchanged");
    assert_eq!(file("old/src/w.js")["from"], "5.2.1");
    assert_eq!(file("old/src/w.js")["status"], "changed");
    assert_eq!(file("cdn/w.js")["from"], "4.5.0");
}

#[test]
fn bundles_named_on_the_command_line_and_on_stdin() {
    let tmp = tempfile::tempdir().unwrap();
    // Not a bundle by name and no bundles beside it: only processed when named.
    let latin1 = b"# Acme\r\noie.session.expired=Expir\xe9e\r\n".to_vec();
    std::fs::write(tmp.path().join("messages_fr.properties"), &latin1).unwrap();
    let walked = json(&run_in(tmp.path(), &["--format", "json", "."]));
    assert_eq!(walked["files"].as_array().unwrap().len(), 0);
    let out = run_in(
        tmp.path(),
        &["--write", "--from", "5.0.0", "messages_fr.properties"],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        std::fs::read(tmp.path().join("messages_fr.properties")).unwrap(),
        b"# Acme\r\nidx.session.expired=Expir\xe9e\r\n".to_vec(),
        "renamed, Latin-1 byte kept"
    );
    let out = run_with_stdin(
        bin().args(["--stdin-filename", "login_de.properties", "--from", "5.0.0"]),
        &latin1,
    );
    assert_eq!(
        out.stdout,
        b"# Acme\r\nidx.session.expired=Expir\xe9e\r\n".to_vec()
    );
}

#[test]
fn unknown_keys_name_the_target_and_a_suggestion_in_text_and_json() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(
        tmp.path(),
        "login_fr.json",
        "{\n  \"primaryauth.titel\": \"Connexion\"\n}\n",
    );
    let out = run_in(tmp.path(), &["--color", "never", "."]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("login_fr.json:2:3: warning i18n/unknown-key [C48] `primaryauth.titel` (i18n.fr) is not a key of widget 7.49.0")
            && stderr.contains("did you mean `primaryauth.title`?"),
        "{stderr}"
    );
    let doc = json(&run_in(
        tmp.path(),
        &["--format", "json", "--to", "6.9.0", "."],
    ));
    let d = &doc["files"][0]["diagnostics"][0];
    assert_eq!(d["rule"], "i18n/unknown-key");
    assert!(d["message"].as_str().unwrap().contains("widget 6.9.0"));
}

#[test]
fn stylesheets_dry_run_shows_safe_edits_and_unsafe_ones_with_the_flag() {
    let tmp = tempfile::tempdir().unwrap();
    let css = "#okta-sign-in { font-family: montserrat; }\n#okta-sign-in #okta-signin-submit { color: red; }\n#okta-sign-in .chzn-drop { color: red; }\n";
    write_file(tmp.path(), "w.css", css);
    let args = ["--from", "6.9.0", "--to", "7.49.0", "--color", "never"];
    let out = run_in(tmp.path(), &[&args[..], &["--dry-run", "w.css"]].concat());
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains("+#okta-sign-in { font-family: montserrat-okta; }"),
        "{diff}"
    );
    assert!(
        !diff.contains("data-type"),
        "unsafe edits wait for --unsafe: {diff}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("w.css:3:15: warning css/chosen-select"),
        "{stderr}"
    );
    let out = run_in(
        tmp.path(),
        &[&args[..], &["--dry-run", "--unsafe", "w.css"]].concat(),
    );
    let diff = String::from_utf8(out.stdout).unwrap();
    assert!(
        diff.contains(
            "+#okta-sign-in .o-form-button-bar input[data-type=\"save\"] { color: red; }"
        ),
        "{diff}"
    );
    // --only leaves stylesheets alone; standard input takes a stylesheet by its name.
    let out = run_in(
        tmp.path(),
        &[&args[..], &["--only", "i18n", "w.css"]].concat(),
    );
    assert_eq!(out.status.code(), Some(0));
    let out = run_with_stdin(
        bin()
            .current_dir(tmp.path())
            .args(["--from", "6.9.0", "--stdin-filename", "x.scss"]),
        b"#okta-sign-in { .o-form { font-family: montserrat; } }\n",
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "#okta-sign-in { .o-form { font-family: montserrat-okta; } }\n"
    );
}

const HOSTED_PAGE: &str = "<html><head><title>{{pageTitle}}</title>{{{SignInWidgetResources}}}</head>\n<body>\n{{{OktaUtil}}}\n<script nonce=\"{{nonceValue}}\">\nvar config = OktaUtil.getSignInWidgetConfig();\nconfig.i18n.en['oie.session.expired'] = '{{orgName}}: expired';\nnew OktaSignIn(config);\n</script>\n</body></html>\n";

#[test]
fn a_folder_of_pages_components_and_scripts_gives_one_diff_per_file_in_order() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "z/login.js", WIDGET_JS);
    write_file(tmp.path(), "a/sign-in.html", HOSTED_PAGE);
    write_file(
        tmp.path(),
        "m/Login.vue",
        format!("<template><div id=\"w\">{{{{ msg }}}}</div></template>\n<script>\n{WIDGET_JS}</script>\n"),
    );
    write_file(
        tmp.path(),
        "m/Login.svelte",
        format!(
            "<script lang=\"ts\">\nimport {{ onMount }} from 'svelte';\n{}\nonMount(() => {{\n{}}});\n</script>\n<div id=\"w\"></div>\n",
            WIDGET_JS.lines().next().unwrap(),
            WIDGET_JS.split_once('\n').unwrap().1
        ),
    );
    write_file(
        tmp.path(),
        "views/login.ejs",
        "<link href=\"https://global.oktacdn.com/okta-signin-widget/5.16.1/css/okta-sign-in.min.css\" rel=\"stylesheet\"/>\n<script src=\"https://global.oktacdn.com/okta-signin-widget/5.16.1/js/okta-sign-in.min.js\"></script>\n<script>var w = new OktaSignIn(<%- JSON.stringify(config) %>);</script>\n",
    );
    write_file(tmp.path(), "views/plain.html", "<p>no widget</p>\n");
    let out = run_in(tmp.path(), &["--color", "never", "."]);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let headers: Vec<&str> = stdout.lines().filter(|l| l.starts_with("--- a/")).collect();
    assert_eq!(
        headers,
        [
            "--- a/a/sign-in.html",
            "--- a/m/Login.svelte",
            "--- a/m/Login.vue",
            "--- a/views/login.ejs",
            "--- a/z/login.js",
        ],
        "{stdout}"
    );
    // Template placeholders are never part of a change.
    for line in stdout
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
    {
        assert!(!line.contains("ª") && !line.contains('\u{a0}'), "{line}");
    }
    assert!(stdout.contains("+config.i18n.en['idx.session.expired'] = '{{orgName}}: expired';"));
    assert!(stdout.contains("okta-signin-widget/7.49.0/js/okta-sign-in.min.js"));
    // The same through git apply.
    assert!(git_apply(tmp.path(), &stdout));
    let again = run_in(tmp.path(), &["--check", "."]);
    assert_eq!(
        again.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&again.stdout)
    );
}

#[test]
fn pages_named_on_the_command_line_and_the_html_section() {
    let tmp = tempfile::tempdir().unwrap();
    // An extension no front end claims: read as a page because it is named.
    write_file(tmp.path(), "Login.aspx", HOSTED_PAGE);
    let doc = json(&run_in(tmp.path(), &["--format", "json", "."]));
    assert_eq!(doc["files"].as_array().unwrap().len(), 0, "not walked");
    let doc = json(&run_in(tmp.path(), &["--format", "json", "Login.aspx"]));
    assert_eq!(doc["files"][0]["status"], "changed", "{doc}");
    // `--only` knows the html section; without it the CDN tags stay.
    let cdn = "<script src=\"https://global.oktacdn.com/okta-signin-widget/6.9.0/js/okta-sign-in.min.js\"></script>\n";
    write_file(tmp.path(), "cdn.html", cdn);
    let only = |s: &str| {
        json(&run_in(
            tmp.path(),
            &["--format", "json", "--only", s, "cdn.html"],
        ))
    };
    assert_eq!(only("i18n")["files"][0]["status"], "unchanged");
    assert_eq!(only("html")["files"][0]["status"], "changed");
}

#[test]
fn sample_app_unsafe_rewrites_event_handlers_as_a_reviewer_would() {
    let tmp = sample_copy();
    let out = run_in(
        tmp.path(),
        &[
            "--unsafe",
            "--only",
            "methods",
            "--color",
            "never",
            "src/login.js",
        ],
    );
    let diff = String::from_utf8(out.stdout).unwrap();
    for line in [
        "-signIn.on('pageRendered', function (data) {",
        "+signIn.on('afterRender', function (data) {",
        "+  if (data.formName === 'identify') {",
        "+  if (error.xhr.status !== 401) {",
        "+    window.acmeAnalytics.track('login:error', { reason: error.errorSummary });",
    ] {
        assert!(
            diff.lines().any(|l| l == line),
            "missing `{line}` in:\n{diff}"
        );
    }
    // Only those lines change: renderEl is reported, not rewritten (no clientId).
    assert_eq!(
        diff.lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .count(),
        4
    );
    assert!(!diff.contains("showSignIn"), "{diff}");
}

#[test]
fn only_methods_leaves_other_sections_alone() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(
        tmp.path(),
        "a.js",
        "var s = new OktaSignIn({ i18n: { en: { 'oie.session.expired': 'x' } } });\n\
         s.on('pageRendered', function (d) { log(d.page); });\n",
    );
    let out = run_in(tmp.path(), &["--only", "methods", "--write", "a.js"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("a.js")).unwrap(),
        "var s = new OktaSignIn({ i18n: { en: { 'oie.session.expired': 'x' } } });\n\
         s.on('afterRender', function (d) { log(d.controller); });\n"
    );
}

#[test]
fn a_piped_run_prints_no_progress_bar() {
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..50 {
        write_file(tmp.path(), &format!("src/m{i}.js"), WIDGET_JS);
    }
    // No delay: a terminal would show the bar at once; a pipe never does.
    let out = bin()
        .current_dir(tmp.path())
        .env("WIDGET_MIGRATE_PROGRESS_DELAY_MS", "0")
        .args(["--dry-run", "--color", "never", "."])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "fixes pending: {out:?}");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        !stderr.contains('\r') && !stderr.contains('\u{1b}'),
        "{stderr:?}"
    );
    assert!(!stderr.contains("files ["), "{stderr:?}");
    assert!(
        stderr.lines().all(|l| !l.trim().is_empty()),
        "no blank line left by a cleared bar: {stderr:?}"
    );
}

/// On a terminal (a pseudo-terminal from util-linux `script`, part of every Debian base
/// system) the bar is drawn on stderr and erased before the findings are printed.
#[test]
fn a_terminal_run_draws_the_progress_bar_and_clears_it() {
    assert!(
        Path::new("/usr/bin/script").exists(),
        "this test needs util-linux `script` for a pseudo-terminal"
    );
    let tmp = tempfile::tempdir().unwrap();
    for i in 0..50 {
        write_file(tmp.path(), &format!("src/m{i}.js"), WIDGET_JS);
    }
    let command = format!(
        "'{}' --dry-run --color never . >/dev/null",
        env!("CARGO_BIN_EXE_widget-migrate")
    );
    let out = std::process::Command::new("/usr/bin/script")
        .current_dir(tmp.path())
        .env("WIDGET_MIGRATE_PROGRESS_DELAY_MS", "0")
        .args(["-qec", &command, "/dev/null"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "fixes pending: {out:?}");
    let tty = String::from_utf8_lossy(&out.stdout);
    let bar = tty.find("/50 files [").expect("a bar over the 50 files");
    let cleared = tty.rfind("\u{1b}[2K").expect("the bar is erased");
    let summary = tty
        .find("widget-migrate: 50 files scanned")
        .expect("the summary");
    assert!(bar < cleared && cleared < summary, "{tty:?}");
}
