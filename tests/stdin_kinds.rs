//! `--stdin-filename` and `--patch-file` for every file kind: standard input gives
//! what `--write` writes, and the patch applies with `git apply`.

mod common;

use common::*;
use std::process::Command;

const KEY: &str = "'oie.session.expired': 'Expired'";

fn cases() -> Vec<(&'static str, Vec<u8>)> {
    let js = format!("import OktaSignIn from '@okta/okta-signin-widget';\nnew OktaSignIn({{ i18n: {{ en: {{ {KEY} }} }} }});\n");
    vec![
        ("src/login.js", js.clone().into_bytes()),
        ("src/login.tsx", js.clone().into_bytes()),
        ("i18n/login.json", b"{\n  \"oie.session.expired\": \"x\"\n}\n".to_vec()),
        // ISO-8859-1 with a non-ASCII byte: the output keeps the encoding.
        ("i18n/login_fr.properties", b"# caf\xe9\noie.session.expired=expir\xe9e\n".to_vec()),
        ("config.json", b"{\"baseUrl\": \"https://x.okta.com\", \"i18n\": {\"en\": {\"oie.session.expired\": \"x\"}}}\n".to_vec()),
        ("web/index.html", format!("<html><body>\n<script>\n{js}</script>\n</body></html>\n").into_bytes()),
        ("web/Login.vue", format!("<template><div/></template>\n<script>\n{js}</script>\n").into_bytes()),
        ("sign-in", format!("<script>\n{js}</script>\n").into_bytes()),
        ("styles/widget.css", b"#okta-sign-in .o-form { font-family: montserrat; }\n".to_vec()),
        ("package.json", b"{\"dependencies\": {\"@okta/okta-signin-widget\": \"5.0.0\"}}\n".to_vec()),
    ]
}

#[test]
fn stdin_gives_what_write_writes_and_the_patch_applies_for_every_kind() {
    for (rel, bytes) in cases() {
        let tmp = tempfile::tempdir().unwrap();
        write_file(tmp.path(), rel, &bytes);
        let patch = tmp.path().join("stdin.patch");
        let stdin_out = run_with_stdin(
            bin()
                .current_dir(tmp.path())
                .args(["--from", "5.0.0", "--stdin-filename", rel, "--patch-file"])
                .arg(&patch),
            &bytes,
        );
        assert!(stdin_out.status.code().unwrap() < 2, "{rel}: {stdin_out:?}");
        assert_ne!(stdin_out.stdout, bytes, "{rel}: a fix was expected");

        // git apply takes the patch, and gives the same bytes.
        let copy = tempfile::tempdir().unwrap();
        write_file(copy.path(), rel, &bytes);
        let target = copy.path().join(rel);
        let git = Command::new("git")
            .current_dir(copy.path())
            .args(["apply", "--unsafe-paths"])
            .arg(&patch)
            .output()
            .unwrap();
        assert!(git.status.success(), "{rel}: {git:?}");
        assert_eq!(std::fs::read(&target).unwrap(), stdin_out.stdout, "{rel}");

        let write = run_in(
            tmp.path(),
            &["--from", "5.0.0", "--write", "--allow-dirty", rel],
        );
        assert!(write.status.code().unwrap() < 2, "{rel}: {write:?}");
        assert_eq!(
            std::fs::read(tmp.path().join(rel)).unwrap(),
            stdin_out.stdout,
            "{rel}"
        );
    }
}
