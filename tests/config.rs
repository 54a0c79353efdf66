//! The project config file (widget-migrate.json / package.json "widgetMigrate"), and
//! the helper subcommands `explain`, `init`, `completions`.

mod common;

use common::*;

/// A widget file with a safe i18n rename (`enroll.email.title`) and a manual item.
const WIDGET_JS: &str = "import OktaSignIn from '@okta/okta-signin-widget';\n\
new OktaSignIn({\n  baseUrl: 'https://acme.okta.com',\n  i18n: {\n    en: {\n      'enroll.email.title': 'Email',\n    },\n  },\n});\n";

fn rules_in(doc: &serde_json::Value, file: &str) -> Vec<String> {
    let f = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == file)
        .unwrap_or_else(|| panic!("{file} not in {doc:#}"));
    let mut out: Vec<String> = f["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .chain(f["diagnostics"].as_array().unwrap())
        .map(|x| x["rule"].as_str().unwrap().to_string())
        .collect();
    out.sort();
    out.dedup();
    out
}

fn paths(doc: &serde_json::Value) -> Vec<String> {
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn config_values_apply_and_flags_win() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "src/a.js", WIDGET_JS);
    write_file(
        tmp.path(),
        "widget-migrate.json",
        r#"{ "from": "3.0.0", "to": "7.10.0", "engine": "classic", "only": ["config"] }"#,
    );
    let doc = json(&run_in(tmp.path(), &["--format", "json", "."]));
    assert_eq!(doc["from"], "3.0.0");
    assert_eq!(doc["to"], "7.10.0");
    assert_eq!(doc["engine"], "classic");
    assert!(rules_in(&doc, "src/a.js")
        .iter()
        .all(|r| r.starts_with("config/")));

    let doc = json(&run_in(
        tmp.path(),
        &[
            "--format", "json", "--to", "7.49.0", "--engine", "oie", "--only", "i18n", ".",
        ],
    ));
    assert_eq!(doc["from"], "3.0.0", "the file's from stays");
    assert_eq!(doc["to"], "7.49.0");
    assert_eq!(doc["engine"], "oie");
    let rules = rules_in(&doc, "src/a.js");
    assert!(rules.contains(&"i18n/rename-key".to_string()), "{rules:?}");
    assert!(rules.iter().all(|r| r.starts_with("i18n/")), "{rules:?}");
}

#[test]
fn discovery_walks_up_and_the_nearest_file_wins() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "app/src/a.js", WIDGET_JS);
    write_file(tmp.path(), "app/other/b.js", WIDGET_JS);
    write_file(
        tmp.path(),
        "widget-migrate.json",
        r#"{ "from": "3.0.0", "engine": "classic" }"#,
    );
    // package.json's key counts, and is nearer than the root file.
    write_file(
        tmp.path(),
        "app/package.json",
        r#"{ "name": "x", "widgetMigrate": { "from": "3.0.0", "engine": "oie", "to": "7.20.0" } }"#,
    );
    let doc = json(&run_in(tmp.path(), &["--format", "json", "app/src"]));
    assert_eq!(
        (doc["engine"].as_str(), doc["to"].as_str()),
        (Some("oie"), Some("7.20.0"))
    );
    // A widget-migrate.json in the same folder wins over package.json.
    write_file(
        tmp.path(),
        "app/src/widget-migrate.json",
        r#"{ "to": "7.30.0" }"#,
    );
    let doc = json(&run_in(tmp.path(), &["--format", "json", "app/src/a.js"]));
    assert_eq!(doc["to"], "7.30.0");
    // A package.json without the key is passed by.
    write_file(tmp.path(), "app/package.json", r#"{ "name": "x" }"#);
    let doc = json(&run_in(tmp.path(), &["--format", "json", "app/other"]));
    assert_eq!(doc["engine"], "classic");
}

#[test]
fn configs_below_a_walked_folder_apply_to_their_files() {
    // A monorepo run from its root: each package's own config wins for its files, as
    // when the package is the path given.
    let tmp = tempfile::tempdir().unwrap();
    for pkg in ["a", "b", "c", "c/vendor"] {
        write_file(
            tmp.path(),
            &format!("packages/{pkg}/src/login.js"),
            WIDGET_JS,
        );
    }
    write_file(
        tmp.path(),
        "widget-migrate.json",
        r#"{ "from": "3.0.0", "rules": { "i18n/rename-key": "off" } }"#,
    );
    write_file(
        tmp.path(),
        "packages/b/widget-migrate.json",
        r#"{ "from": "3.0.0", "to": "7.0.0" }"#,
    );
    write_file(
        tmp.path(),
        "packages/c/package.json",
        r#"{ "name": "c", "widgetMigrate": { "from": "3.0.0", "exclude": ["vendor"] } }"#,
    );
    let doc = json(&run_in(tmp.path(), &["--format", "json", "."]));
    let renamed = |file: &str| rules_in(&doc, file).contains(&"i18n/rename-key".to_string());
    assert!(
        !renamed("packages/a/src/login.js"),
        "the root's config: {doc}"
    );
    assert!(renamed("packages/b/src/login.js"), "b's own config");
    // The header is the root config's target; a file aimed elsewhere says so.
    let file = |name: &str| {
        doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["path"] == name)
            .unwrap()
            .clone()
    };
    assert_ne!(doc["to"], "7.0.0", "{doc}");
    assert_eq!(file("packages/b/src/login.js")["to"], "7.0.0");
    assert_eq!(file("packages/b/src/login.js")["engine"], "oie");
    assert!(file("packages/a/src/login.js").get("to").is_none());
    // So does the Markdown report, under the run's target.
    let report = tmp.path().join("report.md");
    run_in(tmp.path(), &["--report", report.to_str().unwrap(), "."]);
    let md = std::fs::read_to_string(&report).unwrap();
    assert!(
        md.contains(
            "\n- 1 file under another project config: to **7.0.0** on **Identity Engine**\n"
        ),
        "{md}"
    );
    assert!(renamed("packages/c/src/login.js"), "c's package.json");
    assert!(
        !paths(&doc).contains(&"packages/c/vendor/src/login.js".to_string()),
        "c's exclude"
    );
    // The same as running on the package alone.
    let alone = json(&run_in(tmp.path(), &["--format", "json", "packages/b"]));
    assert_eq!(
        rules_in(&alone, "packages/b/src/login.js"),
        rules_in(&doc, "packages/b/src/login.js")
    );
    // A bad config below stops the run, with its place.
    write_file(
        tmp.path(),
        "packages/a/widget-migrate.json",
        "{\n  \"form\": \"3.0.0\"\n}\n",
    );
    let out = run_in(tmp.path(), &["--format", "json", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("packages/a/widget-migrate.json:2:3") && err.contains("form"),
        "{err}"
    );
    // So does a target below that runs backwards, named with its config.
    write_file(
        tmp.path(),
        "packages/a/widget-migrate.json",
        r#"{ "from": "7.0.0", "to": "6.0.0" }"#,
    );
    let out = run_in(tmp.path(), &["."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--from 7.0.0 is newer than --to 6.0.0 (from packages/a/widget-migrate.json)"),
        "{err}"
    );
}

#[test]
fn rule_overrides_and_accepted_exceptions() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "src/a.js", WIDGET_JS);
    write_file(tmp.path(), "legacy/b.js", WIDGET_JS);
    write_file(tmp.path(), "widget-migrate.json", r#"{ "from": "3.0.0" }"#);
    let plain = json(&run_in(tmp.path(), &["--format", "json", "."]));
    let all = rules_in(&plain, "src/a.js");
    assert!(
        all.contains(&"i18n/rename-key".into()) && all.contains(&"config/option-changed".into())
    );

    write_file(
        tmp.path(),
        "widget-migrate.json",
        r#"{
  "from": "3.0.0",
  "rules": { "i18n/rename-key": "manual", "i18n/classic-only-key": "off" },
  "ignore": [ { "rule": "config/option-changed", "path": "legacy", "reason": "retired page" } ]
}"#,
    );
    let out = run_in(tmp.path(), &["--write", "--format", "json", "."]);
    let doc = json(&out);
    let a = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "src/a.js")
        .unwrap();
    assert!(a["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["rule"] != "i18n/rename-key"));
    assert!(a["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["rule"] == "i18n/rename-key"
            && d["severity"] == "warning"
            && d["message"].as_str().unwrap().contains("manual")));
    let rules = rules_in(&doc, "src/a.js");
    assert!(
        !rules.contains(&"i18n/classic-only-key".into()),
        "{rules:?}"
    );
    assert!(rules.contains(&"config/option-changed".into()), "{rules:?}");
    assert!(!rules_in(&doc, "legacy/b.js").contains(&"config/option-changed".into()));
    // manual: the key was not renamed on disk.
    let a = std::fs::read_to_string(tmp.path().join("src/a.js")).unwrap();
    assert!(a.contains("'enroll.email.title'"), "{a}");
}

#[test]
fn include_and_exclude_pick_the_walked_files() {
    let tmp = tempfile::tempdir().unwrap();
    for f in ["src/a.js", "src/gen/b.js", "test/c.js"] {
        write_file(tmp.path(), f, WIDGET_JS);
    }
    write_file(
        tmp.path(),
        "widget-migrate.json",
        r#"{ "from": "3.0.0", "include": ["src"], "exclude": ["gen"] }"#,
    );
    let doc = json(&run_in(tmp.path(), &["--format", "json", "."]));
    assert_eq!(paths(&doc), ["src/a.js"]);
    // A file named on the command line is always taken.
    let doc = json(&run_in(tmp.path(), &["--format", "json", "test/c.js"]));
    assert_eq!(paths(&doc), ["test/c.js"]);
}

#[test]
fn bad_config_is_an_error_with_file_line_and_choices() {
    let tmp = tempfile::tempdir().unwrap();
    write_file(tmp.path(), "src/a.js", WIDGET_JS);
    let cases = [
        (
            "{\n  \"from\": \"3.0.0\",\n  \"engin\": \"oie\"\n}",
            "widget-migrate.json:3:",
            "expected one of `$schema`, `from`, `to`, `engine`",
        ),
        (
            "{\n  \"engine\": \"oei\"\n}",
            "widget-migrate.json:2:",
            "expected `oie` or `classic`",
        ),
        (
            "{\n  \"only\": [\"i18n\", \"styles\"]\n}",
            "widget-migrate.json:2:",
            "`i18n`, `css`, `config`, `methods`, `html`",
        ),
        (
            "{\n  \"rules\": {\n    \"i18n/rename-keys\": \"off\"\n  }\n}",
            "widget-migrate.json:3:",
            "did you mean `i18n/rename-key`?",
        ),
        (
            "{\n  \"rules\": { \"i18n/rename-key\": \"disabled\" }\n}",
            "widget-migrate.json:2:",
            "expected `off` or `manual`",
        ),
        (
            "{\n  \"to\": \"seven\"\n}",
            "widget-migrate.json:2:",
            "not a widget version",
        ),
        (
            "{\n  \"from\": \"7.0.0\", \"to\": \"6.0.0\"\n}",
            "",
            "newer than --to 6.0.0 (from widget-migrate.json)",
        ),
        ("{ \"from\": ", "widget-migrate.json:1:", "EOF"),
    ];
    for (text, place, choice) in cases {
        write_file(tmp.path(), "widget-migrate.json", text);
        let out = run_in(tmp.path(), &["src"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {err}");
        assert!(err.contains(place) && err.contains(choice), "{text}: {err}");
    }
    std::fs::remove_file(tmp.path().join("widget-migrate.json")).unwrap();
    write_file(
        tmp.path(),
        "package.json",
        "{\n  \"name\": \"x\",\n  \"widgetMigrate\": {\n    \"gen3\": \"yes\"\n  }\n}",
    );
    let out = run_in(tmp.path(), &["src"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("package.json:4:") && err.contains("expected a boolean"),
        "{err}"
    );
}

fn schema_index() -> (boon::Schemas, boon::SchemaIndex) {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("widget-migrate.schema.json")).unwrap(),
    )
    .unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    compiler.add_resource("config.json", schema).unwrap();
    let index = compiler.compile("config.json", &mut schemas).unwrap();
    (schemas, index)
}

#[test]
fn the_schema_lists_every_rule_and_accepts_what_init_writes() {
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(repo().join("widget-migrate.schema.json")).unwrap(),
    )
    .unwrap();
    let listed = json(&bin().args(["rules", "--format", "json"]).output().unwrap());
    let ids: Vec<&str> = listed["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    let in_schema: Vec<&str> = schema["properties"]["rules"]["propertyNames"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert_eq!(
        ids, in_schema,
        "regenerate the rule list in widget-migrate.schema.json"
    );

    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&repo().join("testdata/sample-app"), tmp.path());
    std::fs::remove_dir_all(tmp.path().join("node_modules")).ok();
    let out = run_in(tmp.path(), &["init"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(tmp.path().join("widget-migrate.json")).unwrap();
    let written: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(written["from"], "3.7.0", "{text}");
    let (schemas, index) = schema_index();
    if let Err(e) = schemas.validate(&written, index) {
        panic!("init's file does not match the schema: {e:#}");
    }
    // A second init refuses to overwrite; the file it wrote is a valid config.
    assert_eq!(run_in(tmp.path(), &["init"]).status.code(), Some(2));
    let out = run_in(tmp.path(), &["--check", "."]);
    assert_ne!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn every_listed_rule_is_explained_with_an_example() {
    let listed = json(&bin().args(["rules", "--format", "json"]).output().unwrap());
    for r in listed["rules"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let out = bin().args(["explain", id]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(0), "{id}");
        assert!(text.starts_with(id), "{id}: {text}");
        assert!(text.contains(r["docs"].as_str().unwrap()), "{id}: {text}");
        assert!(
            text.contains("Example (testdata/fixtures/"),
            "{id} has no example: {text}"
        );
        let example = text.split("Example (").nth(1).unwrap_or_default();
        assert!(
            example.contains("@@") || example.contains("> "),
            "{id}: empty example: {text}"
        );
    }
    let out = bin().args(["explain", "css/nope"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn completions_and_help() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = bin().args(["completions", shell]).output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{shell}");
        assert!(String::from_utf8_lossy(&out.stdout).contains("widget-migrate"));
    }
    let out = bin().arg("--help").output().unwrap();
    let help = String::from_utf8_lossy(&out.stdout);
    for job in [
        "--write",
        "--check",
        "--only",
        "explain",
        "widget-migrate.json",
    ] {
        assert!(help.contains(job), "{job}: {help}");
    }
    let out = bin().arg("--version").output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("widget-migrate "));
}
