//! `--write --interactive`: fix-by-fix review, driven by the scripted-answers harness
//! (`WIDGET_MIGRATE_INTERACTIVE_SCRIPT`) and, where `script` exists, a pseudo-terminal.

mod common;

use common::*;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const TWO_KEYS: &str = "import OktaSignIn from '@okta/okta-signin-widget';\n\
new OktaSignIn({\n  i18n: {\n    en: {\n      'oie.session.expired': 'Expired',\n      'socialauth.yahoo_japan.label': 'Yahoo',\n    },\n  },\n});\n";

const FIRST: &str = "'idx.session.expired'";
const SECOND: &str = "'socialauth.yahoojp.label'";

fn project(files: &[&str]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for f in files {
        std::fs::write(tmp.path().join(f), TWO_KEYS).unwrap();
    }
    tmp
}

fn review(dir: &Path, answers: &str, extra: &[&str]) -> Output {
    bin()
        .current_dir(dir)
        .args([
            "--write",
            "--interactive",
            "--allow-dirty",
            "--from",
            "5.0.0",
            "--color",
            "never",
        ])
        .args(extra)
        .env("WIDGET_MIGRATE_INTERACTIVE_SCRIPT", answers)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn read(dir: &Path, f: &str) -> String {
    std::fs::read_to_string(dir.join(f)).unwrap()
}

#[test]
fn refuses_without_a_terminal_or_without_write() {
    let tmp = project(&["a.js"]);
    let out = bin()
        .current_dir(tmp.path())
        .args(["--write", "--interactive", "--from", "5.0.0", "."])
        .env_remove("WIDGET_MIGRATE_INTERACTIVE_SCRIPT")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs a terminal on standard input"), "{err}");
    assert_eq!(read(tmp.path(), "a.js"), TWO_KEYS, "nothing written");
    let out = bin()
        .current_dir(tmp.path())
        .args(["--interactive", "."])
        .env("WIDGET_MIGRATE_INTERACTIVE_SCRIPT", "y")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--write"));
}

#[test]
fn only_the_chosen_fixes_are_written() {
    let tmp = project(&["a.js"]);
    let out = review(tmp.path(), "y n", &["."]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "one fix left pending: {err}");
    // Each fix is shown as its own hunk before the question.
    assert!(
        err.contains("(1/2) a.js:5:7: i18n/rename-key [I11]"),
        "{err}"
    );
    assert!(
        err.contains(
            "-      'oie.session.expired': 'Expired',\n+      'idx.session.expired': 'Expired',"
        ),
        "{err}"
    );
    assert!(err.contains("Apply this fix? [y,n,a,q,d,?]"), "{err}");
    let a = read(tmp.path(), "a.js");
    assert!(a.contains(FIRST) && !a.contains(SECOND), "{a}");
    assert_eq!(a, TWO_KEYS.replace("'oie.session.expired'", FIRST));
    // Reviewing again offers the skipped one; `a` takes the rest of the file.
    let out = review(tmp.path(), "a", &["."]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let a = read(tmp.path(), "a.js");
    assert!(a.contains(FIRST) && a.contains(SECOND), "{a}");
}

#[test]
fn all_in_file_done_with_rule_and_quit() {
    // `a` applies the rest of a.js only; b.js is asked again.
    let tmp = project(&["a.js", "b.js"]);
    let out = review(tmp.path(), "a n y", &["."]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    assert!(read(tmp.path(), "a.js").contains(SECOND));
    assert_eq!(
        read(tmp.path(), "b.js"),
        TWO_KEYS.replace("'socialauth.yahoo_japan.label'", SECOND)
    );
    // `d` skips the rule everywhere: nothing is asked or written afterwards.
    let tmp = project(&["a.js", "b.js"]);
    let out = review(tmp.path(), "d", &["."]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("(2/4)"), "{err}");
    assert_eq!(read(tmp.path(), "a.js"), TWO_KEYS);
    assert_eq!(read(tmp.path(), "b.js"), TWO_KEYS);
    // `q` keeps what was chosen and stops; the end of input quits too.
    let tmp = project(&["a.js", "b.js"]);
    let out = review(tmp.path(), "y q", &["."]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        read(tmp.path(), "a.js"),
        TWO_KEYS.replace("'oie.session.expired'", FIRST)
    );
    assert_eq!(read(tmp.path(), "b.js"), TWO_KEYS);
    let tmp = project(&["a.js"]);
    let out = review(tmp.path(), "x y", &["."]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("d - done with this rule"),
        "unknown answers print the help: {err}"
    );
    assert_eq!(
        read(tmp.path(), "a.js"),
        TWO_KEYS.replace("'oie.session.expired'", FIRST)
    );
}

#[test]
fn a_pseudo_terminal_session() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("note: `script` (util-linux) is not installed; the pseudo-terminal test is skipped (the scripted-answers tests still run)");
        return;
    }
    let tmp = project(&["a.js"]);
    let exe = std::env::var_os("WIDGET_MIGRATE_BIN")
        .unwrap_or_else(|| env!("CARGO_BIN_EXE_widget-migrate").into());
    let cmd = format!(
        "'{}' --write --interactive --allow-dirty --from 5.0.0 --color never a.js",
        exe.to_string_lossy()
    );
    let mut child = Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .current_dir(tmp.path())
        .env_remove("WIDGET_MIGRATE_INTERACTIVE_SCRIPT")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"n\ny\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(shown.contains("Apply this fix?"), "{shown}");
    assert_eq!(
        read(tmp.path(), "a.js"),
        TWO_KEYS.replace("'socialauth.yahoo_japan.label'", SECOND),
        "{shown}"
    );
}
