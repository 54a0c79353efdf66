//! Nothing lost, issue 20: odd bytes, files that change during a run, odd files,
//! what a write keeps (owner, extended attributes, hard links), diffs `git apply` takes.

mod common;

use common::*;

const CONFIG: &str = "new OktaSignIn({ baseUrl: 'https://acme.okta.com', signOutLink: 'https://acme.example.com' });\n";
const RENAMED: &str = "new OktaSignIn({ baseUrl: 'https://acme.okta.com', backToSignInLink: 'https://acme.example.com' });\n";
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn status_of(doc: &serde_json::Value, path: &str) -> serde_json::Value {
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == path)
        .unwrap_or_else(|| panic!("{path}: {doc:#}"))
        .clone()
}

#[test]
fn a_second_bom_never_shifts_an_edit() {
    // Two BOMs (`EF BB BF EF BB BF`): the parsers skip the second as one more BOM, so
    // every offset came back 3 bytes early and `signOutLink` became
    // `abbackToSignInLinkink`. Such a file is refused, untouched; one BOM migrates.
    let tmp = tempfile::tempdir().unwrap();
    let two = [BOM, BOM, CONFIG.as_bytes()].concat();
    let one = [BOM, CONFIG.as_bytes()].concat();
    let css = b"#okta-sign-in .social-auth-yahoo_japan-button { color: red; }\n";
    write_file(tmp.path(), "two.js", &two);
    write_file(tmp.path(), "two.ts", &two);
    write_file(tmp.path(), "two.css", [BOM, BOM, css].concat());
    write_file(tmp.path(), "one.js", &one);
    let args = ["--write", "--from", "6.0.0", "--format", "json", "."];
    let out = run_in(tmp.path(), &args);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let doc = json(&out);
    for name in ["two.js", "two.ts", "two.css"] {
        let f = status_of(&doc, name);
        assert_eq!(f["status"], "error", "{f:#}");
        assert!(
            f["diagnostics"][0]["message"]
                .as_str()
                .unwrap()
                .contains("two byte order marks"),
            "{f:#}"
        );
    }
    assert_eq!(std::fs::read(tmp.path().join("two.js")).unwrap(), two);
    assert_eq!(std::fs::read(tmp.path().join("two.ts")).unwrap(), two);
    assert_eq!(
        std::fs::read(tmp.path().join("two.css")).unwrap(),
        [BOM, BOM, css].concat()
    );
    assert_eq!(
        std::fs::read(tmp.path().join("one.js")).unwrap(),
        [BOM, RENAMED.as_bytes()].concat()
    );
    // On the text output the refusal is `path:line:col: message`.
    let out = run_in(tmp.path(), &["--from", "6.0.0", "two.js"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("two.js:1:1: error"), "{stderr}");
}
