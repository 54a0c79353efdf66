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

/// A git work tree in `dir` with everything in it committed.
fn commit_all(dir: &std::path::Path) {
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .current_dir(dir)
            .args(args)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {out:?}");
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&[
        "-c",
        "user.name=t",
        "-c",
        "user.email=t@example.com",
        "commit",
        "-qm",
        "x",
    ]);
}

/// A `git` first on PATH that runs the real one and then `script` (in the work tree):
/// the dirty-tree check of `--write` runs `git status` after every file was read and
/// analysed and before any is written, so `script` stands for another process
/// changing files in between.
fn git_then(dir: &std::path::Path, script: &str) -> std::ffi::OsString {
    use std::os::unix::fs::PermissionsExt;
    let real = std::process::Command::new("sh")
        .args(["-c", "command -v git"])
        .output()
        .unwrap();
    let real = String::from_utf8(real.stdout).unwrap().trim().to_string();
    let bin_dir = dir.join("fake-bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    let fake = bin_dir.join("git");
    std::fs::write(
        &fake,
        format!(
            "#!/bin/sh\n\"{real}\" \"$@\" > \"$0.out\"; rc=$?\n\
             case \"$*\" in *status*) (cd \"{}\" && {script}) ;; esac\n\
             cat \"$0.out\"; exit $rc\n",
            dir.join("tree").display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut path = std::ffi::OsString::from(&bin_dir);
    path.push(":");
    path.push(std::env::var_os("PATH").unwrap_or_default());
    path
}

#[test]
fn a_file_changed_during_the_run_is_left_to_its_new_content() {
    // Every file is read and analysed before any is written. Meanwhile another process
    // replaces a.js by a link to b.js, appends to c.js and rewrites e.js in place (same
    // size): the migrated text of a.js went over b.js, the appended lines vanished.
    let top = tempfile::tempdir().unwrap();
    let tree = top.path().join("tree");
    let other = CONFIG.replace("acme", "acmx");
    for name in ["a.js", "c.js", "d.js", "e.js"] {
        write_file(&tree, name, CONFIG);
    }
    write_file(&tree, "b.txt", &other);
    let changed = CONFIG.replace("acme", "acmy");
    write_file(&tree, "e.new", &changed);
    commit_all(&tree);
    let script = "rm a.js && ln -s b.txt a.js && echo '// more' >> c.js && cat e.new > e.js";
    let path = git_then(top.path(), script);
    let out = bin()
        .current_dir(&tree)
        .env("PATH", path)
        .args(["--write", "--from", "6.0.0", "."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    for name in ["a.js", "c.js", "e.js"] {
        assert!(
            stderr.contains(&format!("{name}: changed during the run")),
            "{name}: {stderr}"
        );
    }
    let read = |name: &str| std::fs::read_to_string(tree.join(name)).unwrap();
    assert_eq!(read("b.txt"), other, "the link's target was overwritten");
    assert!(std::fs::symlink_metadata(tree.join("a.js"))
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(read("c.js"), format!("{CONFIG}// more\n"));
    assert_eq!(read("e.js"), changed);
    assert_eq!(read("d.js"), RENAMED);
}

#[test]
fn a_package_json_that_is_not_utf8_is_its_own_error_and_the_run_goes_on() {
    // It stopped the whole run: exit 2, nothing processed, an empty JSON document.
    let tmp = tempfile::tempdir().unwrap();
    let manifest =
        b"{\"name\": \"caf\xe9\", \"dependencies\": {\"@okta/okta-signin-widget\": \"^5.0.0\"}}\n";
    write_file(tmp.path(), "sub/package.json", manifest);
    write_file(tmp.path(), "sub/a.js", CONFIG);
    write_file(tmp.path(), "b.js", CONFIG);
    for args in [
        &["--format", "json", "--from", "6.0.0", "."][..],
        &["--format", "json", "--from", "6.0.0", "sub/a.js", "b.js"][..],
    ] {
        let out = run_in(tmp.path(), args);
        let doc = json(&out);
        assert_eq!(status_of(&doc, "sub/a.js")["status"], "changed", "{doc:#}");
        assert_eq!(status_of(&doc, "b.js")["status"], "changed", "{doc:#}");
        if args.contains(&".") {
            assert_eq!(out.status.code(), Some(2), "{doc:#}");
            let f = status_of(&doc, "sub/package.json");
            assert_eq!(f["status"], "error", "{f:#}");
            assert!(f["reason"].as_str().unwrap().contains("UTF-8"), "{f:#}");
        }
    }
    assert_eq!(
        std::fs::read(tmp.path().join("sub/package.json")).unwrap(),
        manifest
    );
}

#[test]
fn a_fifo_named_on_the_command_line_is_skipped_not_waited_for() {
    // `open()` of a FIFO waits for a writer: the run never ended.
    let tmp = tempfile::tempdir().unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(tmp.path().join("pipe.js"))
        .status()
        .unwrap();
    assert!(made.success());
    write_file(tmp.path(), "a.js", CONFIG);
    let mut child = bin()
        .current_dir(tmp.path())
        .args(["--format", "json", "--from", "6.0.0", "pipe.js", "a.js"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Not a measure of speed: a run that is still going after a minute is hanging.
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(60) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the run blocked on the FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    let doc = json(&out);
    let f = status_of(&doc, "pipe.js");
    assert_eq!(f["status"], "skipped", "{f:#}");
    assert!(f["reason"].as_str().unwrap().contains("FIFO"), "{f:#}");
    assert_eq!(status_of(&doc, "a.js")["status"], "changed");
}

/// A tree whose diff is hard to print as `git apply` reads it: a Latin-1 bundle, C0
/// control characters and a lone CR beside the changes, a tab, a newline and a
/// non-UTF-8 byte in folder names.
fn awkward_tree(root: &std::path::Path) -> Vec<std::path::PathBuf> {
    use std::os::unix::ffi::OsStrExt;
    let bundle = b"# caf\xe9\noie.session.expired=Session expir\xe9e\nx=\xe0 bient\xf4t\n";
    write_file(root, "login_fr.properties", bundle);
    let js = format!("/* a\rlone CR */\n// ctl \x01\x07\x1b[0m\n{CONFIG}var s = '\x0b\x0c';\n");
    write_file(root, "ctl.js", &js);
    write_file(root, "we\tird/a\nb.js", CONFIG);
    let latin = std::ffi::OsStr::from_bytes(b"caf\xe9");
    let file = root.join(latin).join("x.js");
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    std::fs::write(&file, CONFIG).unwrap();
    vec![
        root.join("login_fr.properties"),
        root.join("ctl.js"),
        root.join("we\tird/a\nb.js"),
        file,
    ]
}

#[test]
fn the_printed_diff_is_what_git_apply_takes() {
    // A non-UTF-8 line ended in a stray `ESC[0m` with colour off, control characters were
    // removed, a lone CR split a line, and paths were neither quoted nor kept as bytes.
    let written = tempfile::tempdir().unwrap();
    let files = awkward_tree(written.path());
    let out = run_in(written.path(), &["--write", "--from", "6.0.0", "."]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let after: Vec<Vec<u8>> = files.iter().map(|f| std::fs::read(f).unwrap()).collect();
    for (env, color) in [(None, "auto"), (Some("1"), "auto"), (None, "never")] {
        let tree = tempfile::tempdir().unwrap();
        let files = awkward_tree(tree.path());
        let mut cmd = bin();
        cmd.current_dir(tree.path())
            .args(["--from", "6.0.0", "--color", color, "."]);
        if let Some(v) = env {
            cmd.env("NO_COLOR", v);
        }
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let mut git = std::process::Command::new("git")
            .current_dir(tree.path())
            .args(["apply", "-"])
            .stdin(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        git.stdin.take().unwrap().write_all(&out.stdout).unwrap();
        let applied = git.wait_with_output().unwrap();
        assert!(
            applied.status.success(),
            "NO_COLOR={env:?} --color {color}: {}\n{}",
            String::from_utf8_lossy(&applied.stderr),
            String::from_utf8_lossy(&out.stdout)
        );
        for (f, want) in files.iter().zip(&after) {
            assert_eq!(&std::fs::read(f).unwrap(), want, "{f:?}");
        }
    }
}

#[test]
fn a_write_keeps_owner_and_extended_attributes_and_never_splits_hard_links() {
    // The new file was the writer's, without the extended attributes, and a file with
    // two names became two files.
    use std::os::unix::fs::MetadataExt;
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "owned.js", CONFIG);
    write_file(tmp.path(), "linked.js", CONFIG);
    std::fs::hard_link(
        tmp.path().join("linked.js"),
        tmp.path().join("other-name.js"),
    )
    .unwrap();
    let owned = tmp.path().join("owned.js");
    rustix::fs::setxattr(
        &owned,
        "user.reviewed",
        b"by ops",
        rustix::fs::XattrFlags::empty(),
    )
    .unwrap();
    // As root (CI's containers), another owner; otherwise only what a user may set.
    let me = std::fs::metadata(&owned).unwrap();
    let owner = if me.uid() == 0 {
        (4321, 8765)
    } else {
        (me.uid(), me.gid())
    };
    std::os::unix::fs::chown(&owned, Some(owner.0), Some(owner.1)).unwrap();
    let out = run_in(tmp.path(), &["--write", "--from", "6.0.0", "."]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(
        std::fs::read_to_string(&owned).unwrap(),
        RENAMED,
        "{stderr}"
    );
    let after = std::fs::metadata(&owned).unwrap();
    assert_eq!((after.uid(), after.gid()), owner);
    let mut value = [0u8; 16];
    let n = rustix::fs::getxattr(&owned, "user.reviewed", &mut value[..]).unwrap();
    assert_eq!(&value[..n], b"by ops");
    // Both names of the linked file: refused, still one file with the old text.
    for name in ["linked.js", "other-name.js"] {
        assert!(
            stderr.contains(&format!("{name}: has 2 hard links")),
            "{stderr}"
        );
        assert_eq!(
            std::fs::read_to_string(tmp.path().join(name)).unwrap(),
            CONFIG
        );
    }
    let (a, b) = (
        std::fs::metadata(tmp.path().join("linked.js")).unwrap(),
        std::fs::metadata(tmp.path().join("other-name.js")).unwrap(),
    );
    assert_eq!((a.ino(), a.nlink()), (b.ino(), 2));
}
