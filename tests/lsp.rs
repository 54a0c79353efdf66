//! `widget-migrate lsp` as an editor sees it: a child process speaking LSP over stdio.

mod common;

use common::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

/// A widget configuration whose renamed i18n key comes after non-ASCII text on its line
/// (ü and ß: 2 bytes, 1 UTF-16 unit; 🎉: 4 bytes, 1 char, 2 UTF-16 units).
const CONFIG: &str = "import OktaSignIn from '@okta/okta-signin-widget';\n\
const widget = new OktaSignIn({\n\
\x20 baseUrl: 'https://example.okta.com',\n\
\x20 i18n: {\n\
\x20   en: {\n\
\x20     /* Grüße 🎉 */ 'oie.session.expired': 'Abgelaufen – 🎉',\n\
\x20   },\n\
\x20 },\n\
});\n";

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &std::path::Path) -> Client {
        let mut child = bin()
            .arg("lsp")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        let (tx, incoming) = channel();
        std::thread::spawn(move || loop {
            // Content-Length framing: headers, a blank line, the JSON body.
            let mut length = None;
            loop {
                let mut line = String::new();
                if stdout.read_line(&mut line).unwrap_or(0) == 0 {
                    return;
                }
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                if let Some(n) = line.strip_prefix("Content-Length: ") {
                    length = n.parse::<usize>().ok();
                }
            }
            let mut body = vec![0; length.expect("Content-Length header")];
            stdout.read_exact(&mut body).unwrap();
            if tx.send(serde_json::from_slice(&body).unwrap()).is_err() {
                return;
            }
        });
        Client {
            child,
            stdin,
            incoming,
            next_id: 1,
        }
    }

    fn send(&mut self, msg: Value) {
        let body = msg.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns its result (other messages on the way are dropped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let reply = self.wait(|m| m["id"] == json!(id));
        assert!(reply.get("error").is_none(), "{reply}");
        reply["result"].clone()
    }

    fn wait(&mut self, want: impl Fn(&Value) -> bool) -> Value {
        loop {
            let msg = self
                .incoming
                .recv_timeout(Duration::from_secs(60))
                .expect("the server answered in time");
            if want(&msg) {
                return msg;
            }
        }
    }

    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        let msg = self.wait(|m| {
            m["method"] == "textDocument/publishDiagnostics" && m["params"]["uri"] == uri
        });
        msg["params"]["diagnostics"].as_array().unwrap().clone()
    }
}

/// Byte offset of an LSP position (UTF-16 columns), computed independently of the server.
fn offset(text: &str, pos: &Value) -> usize {
    let (line, col) = (
        pos["line"].as_u64().unwrap() as usize,
        pos["character"].as_u64().unwrap() as usize,
    );
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units == col {
            return start + i;
        }
        units += c.len_utf16();
    }
    text.len()
}

/// Applies the text edits of `uri` in a workspace edit, as an editor does.
fn apply(text: &str, edit: &Value, uri: &str) -> String {
    let mut edits: Vec<(usize, usize, String)> = edit["changes"][uri]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"]),
                offset(text, &e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.0));
    let mut out = text.to_string();
    for (s, e, t) in edits {
        out.replace_range(s..e, &t);
    }
    out
}

#[test]
fn lsp_publishes_diagnostics_and_its_fix_all_equals_write() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::write(
        dir.join("package.json"),
        r#"{"dependencies": {"@okta/okta-signin-widget": "5.0.0"}}"#,
    )
    .unwrap();
    let file = dir.join("src/login.js");
    std::fs::write(&file, CONFIG).unwrap();
    let uri = format!("file://{}", file.display());

    let mut client = Client::start(&dir);
    let init = client.request(
        "initialize",
        json!({
            "processId": null,
            "rootUri": format!("file://{}", dir.display()),
            "capabilities": {},
            "initializationOptions": {"to": "7.49.0", "engine": "oie", "gen3": false},
        }),
    );
    assert_eq!(init["capabilities"]["textDocumentSync"], 1, "{init}");
    let kinds = &init["capabilities"]["codeActionProvider"]["codeActionKinds"];
    assert!(
        kinds
            .as_array()
            .unwrap()
            .contains(&json!("source.fixAll.widget-migrate")),
        "{init}"
    );
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": CONFIG}}),
    );
    let diags = client.diagnostics(&uri);

    // The rename: information, rule id as code, docs link, range in UTF-16 units.
    let rename = diags
        .iter()
        .find(|d| d["code"] == "i18n/rename-key")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(rename["severity"], 3, "information");
    assert!(rename["codeDescription"]["href"]
        .as_str()
        .unwrap()
        .starts_with("http"));
    let line = CONFIG.lines().nth(5).unwrap();
    let before = &line[..line.find("'oie").unwrap()];
    assert_ne!(before.len(), before.encode_utf16().count());
    assert_ne!(before.chars().count(), before.encode_utf16().count());
    let start = &rename["range"]["start"];
    assert_eq!(start["line"], 5);
    assert_eq!(
        start["character"].as_u64().unwrap() as usize,
        before.encode_utf16().count(),
        "the edit starts at the quoted key; columns count UTF-16 units"
    );
    let key_at = CONFIG.find("'oie.session.expired'").unwrap();
    assert_eq!(offset(CONFIG, start), key_at);
    assert_eq!(
        offset(CONFIG, &rename["range"]["end"]),
        key_at + "'oie.session.expired'".len()
    );
    // The manual item: a warning.
    let manual = diags
        .iter()
        .find(|d| d["code"] == "config/option-changed")
        .unwrap_or_else(|| panic!("{diags:#?}"));
    assert_eq!(manual["severity"], 2, "warning");

    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri},
            "range": rename["range"],
            "context": {"diagnostics": [rename]},
        }),
    );
    let actions = actions.as_array().unwrap();
    let quick = actions
        .iter()
        .find(|a| a["kind"] == "quickfix" && a["title"].as_str().unwrap().contains("rename-key"))
        .unwrap_or_else(|| panic!("{actions:#?}"));
    assert!(!quick["title"].as_str().unwrap().contains("(unsafe)"));
    let fixed_one = apply(CONFIG, &quick["edit"], &uri);
    assert_eq!(
        fixed_one,
        CONFIG.replace("'oie.session.expired'", "'idx.session.expired'")
    );
    let fix_all = actions
        .iter()
        .find(|a| a["kind"] == "source.fixAll.widget-migrate")
        .unwrap_or_else(|| panic!("{actions:#?}"));
    let fixed = apply(CONFIG, &fix_all["edit"], &uri);

    // The editor's result is --write's.
    let write = run_in(&dir, &["--write", "--allow-dirty", "src/login.js"]);
    assert!(write.status.code().unwrap() < 2, "{write:?}");
    assert_eq!(fixed, std::fs::read_to_string(&file).unwrap());
    assert_ne!(fixed, CONFIG);

    // The fixed text has no rename left; the manual item stays.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let after = client.diagnostics(&uri);
    assert!(
        after.iter().all(|d| d["code"] != "i18n/rename-key"),
        "{after:#?}"
    );
    assert!(after.iter().any(|d| d["code"] == "config/option-changed"));

    // Settings change: with a target before the rename, nothing is renamed.
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": uri, "version": 3}, "contentChanges": [{"text": CONFIG}]}),
    );
    client.diagnostics(&uri);
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"widget-migrate": {"to": "5.1.0"}}}),
    );
    let older = client.diagnostics(&uri);
    assert!(
        older.iter().all(|d| d["code"] != "i18n/rename-key"),
        "{older:#?}"
    );

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().unwrap();
    assert!(status.success());
}

#[test]
fn lsp_pulls_settings_with_workspace_configuration() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let file = dir.join("login.js");
    let uri = format!("file://{}", file.display());
    let mut client = Client::start(&dir);
    client.request(
        "initialize",
        json!({
            "processId": null,
            "capabilities": {"workspace": {"configuration": true}},
            "initializationOptions": {"from": "5.0.0"},
        }),
    );
    client.notify("initialized", json!({}));
    // The server asks for its section; a target before the rename is answered.
    let ask = client.wait(|m| m["method"] == "workspace/configuration");
    assert_eq!(ask["params"]["items"][0]["section"], "widget-migrate");
    client.send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": [{"to": "5.1.0"}]}));
    client.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "javascript", "version": 1, "text": CONFIG}}),
    );
    let diags = client.diagnostics(&uri);
    assert!(
        diags.iter().all(|d| d["code"] != "i18n/rename-key"),
        "{diags:#?}"
    );
    // A change notification without settings makes it ask again.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": null}),
    );
    let ask = client.wait(|m| m["method"] == "workspace/configuration");
    client.send(json!({"jsonrpc": "2.0", "id": ask["id"], "result": [{"to": "7.49.0"}]}));
    let diags = client.diagnostics(&uri);
    assert!(
        diags.iter().any(|d| d["code"] == "i18n/rename-key"),
        "{diags:#?}"
    );
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}

#[test]
fn lsp_takes_the_project_config_of_each_document() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().canonicalize().unwrap();
    let uri = |rel: &str| format!("file://{}", dir.join(rel).display());
    // app/: the rename rule is off; vendor/ is excluded; bad/: a config with a typo.
    write_file(
        &dir,
        "app/widget-migrate.json",
        r#"{"rules": {"i18n/rename-key": "off"}, "exclude": ["vendor/**"]}"#,
    );
    write_file(&dir, "bad/widget-migrate.json", r#"{"tto": "7.0.0"}"#);
    let mut client = Client::start(&dir);
    client.request(
        "initialize",
        json!({"processId": null, "capabilities": {}, "initializationOptions": {"from": "5.0.0"}}),
    );
    client.notify("initialized", json!({}));
    let open = |client: &mut Client, rel: &str| {
        client.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri(rel), "languageId": "javascript", "version": 1, "text": CONFIG}}),
        );
    };
    let codes = |diags: &[Value]| -> Vec<String> {
        diags
            .iter()
            .map(|d| d["code"].as_str().unwrap_or_default().to_string())
            .collect()
    };

    // Outside any config: the rename is offered.
    open(&mut client, "login.js");
    let plain = codes(&client.diagnostics(&uri("login.js")));
    assert!(plain.contains(&"i18n/rename-key".to_string()), "{plain:?}");

    // Under app/: the same text, without the rule the config turns off.
    open(&mut client, "app/src/login.js");
    let app = codes(&client.diagnostics(&uri("app/src/login.js")));
    assert!(!app.contains(&"i18n/rename-key".to_string()), "{app:?}");
    assert_eq!(
        app.len() + 1,
        plain.len(),
        "only that rule is gone: {app:?} {plain:?}"
    );
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": {"uri": uri("app/src/login.js")},
            "range": {"start": {"line": 0, "character": 0}, "end": {"line": 9, "character": 0}},
            "context": {"diagnostics": []},
        }),
    );
    assert!(
        !actions.to_string().contains("idx.session.expired"),
        "{actions}"
    );

    // An excluded file: nothing.
    open(&mut client, "app/vendor/login.js");
    assert_eq!(
        client.diagnostics(&uri("app/vendor/login.js")),
        Vec::<Value>::new()
    );

    // A bad config is shown, with its place, and the document is analysed without it.
    open(&mut client, "bad/login.js");
    let shown = client.wait(|m| m["method"] == "window/showMessage");
    let message = shown["params"]["message"].as_str().unwrap();
    assert!(
        message.contains("widget-migrate.json:1:2") && message.contains("tto"),
        "{message}"
    );
    let bad = codes(&client.diagnostics(&uri("bad/login.js")));
    assert_eq!(bad, plain);

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().unwrap().success());
}
