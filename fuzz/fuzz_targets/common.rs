//! The checks every target makes on one input: no panic, every edit inside the input,
//! the output parses, JSON edits rebuild the output, and a second run changes nothing.

use std::path::PathBuf;
use std::sync::{mpsc, Mutex, Once, OnceLock};
use widget_migrate::edit::{try_apply_edits, Edit};
use widget_migrate::engine::{Engine, FileReport, Status};
use widget_migrate::rules::Target;
use widget_migrate::version::Version;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::new(Target {
            from: Some(Version::new(3, 0, 0)),
            allow_unsafe: true,
            ..Target::default()
        })
    })
}

/// Panics in parsers we use that are upstream bugs the engine's per-file guard turns
/// into that file's error: the fuzzer goes on past them instead of stopping at the
/// first. Any other panic under the guard is ours, and fails the run. Each entry is a
/// crate and a text of its panic message (file:line pins the release: an upgrade makes
/// the entry stale and the panic fail the run again, to be looked at anew).
const KNOWN_UPSTREAM: &[(&str, &str)] = &[
    // raffia's SCSS placeholder with escapes, `%-\\\ `: an `unreachable!()` on an escape
    // with nothing after it; release builds too.
    ("raffia-0.13.0", "src/util.rs:57:25"),
    // `<a:b.c>`: a namespaced JSX name used as an object; release builds too.
    ("swc_ecma_parser-47.0.0", "JSXNamespacedName -> JSXObject"),
    // `+` then a template with a bad escape on the next line (`+\n`\u``): a bare
    // `unreachable!()` taking the template's token value; release builds too.
    ("swc_ecma_parser-47.0.0", "src/parser/input.rs:175:13"),
    // The rest are debug assertions, compiled out of release builds (fuzz builds keep
    // them): `<!--` then a line starting with `/` in a script ...
    ("swc_ecma_parser-47.0.0", "src/lexer/mod.rs:1800:9"),
    // ... a token stored back at the end of the input (found on a mangled `enum`) ...
    ("swc_ecma_parser-47.0.0", "src/parser/input.rs:328:9"),
    // ... a span that ends before it starts, in TypeScript: `+class this` ...
    ("swc_ecma_parser-47.0.0", "src/parser/mod.rs:1372:9"),
    // ... an arrow after a call in a parenthesised list, `(a, b() => 1)` ...
    ("swc_ecma_parser-47.0.0", "src/parser/expr.rs:2769:17"),
    // ... a type annotation parsed in JavaScript, `class A { a\nc\n: d }` ...
    ("swc_ecma_parser-47.0.0", "src/parser/typescript.rs:1285:9"),
    // ... a TypeScript enum member that ends inside `[`, `enum m { c/a[x` ...
    ("swc_ecma_parser-47.0.0", "src/parser/mod.rs:1381:9"),
    // ... a template after a merge-conflict marker line, `e\n=======\n`x`` (TSX) ...
    ("swc_ecma_parser-47.0.0", "src/lexer/mod.rs:521:9"),
    // ... and raffia: `-` before something that cannot start an identifier.
    ("raffia-0.13.0", "src/tokenizer/mod.rs:372:21"),
];

/// Parser crates whose new panics (not yet in [`KNOWN_UPSTREAM`]) are kept for review in
/// `upstream/` instead of stopping the run: the engine's guard turns them into that
/// file's error in every build, and a long run should not end at each new debug
/// assertion of a parser. A panic anywhere else still stops it.
const UPSTREAM_CRATES: &[&str] = &["/swc_ecma_parser-", "/raffia-"];

/// Writes an input that hit a new upstream panic to `upstream/<file kind>-<hash>`, and
/// the panic next to it.
fn keep_upstream(name: &str, data: &[u8], panic: &str) {
    use std::hash::{Hash, Hasher};
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    data.hash(&mut hasher);
    let kind = name.rsplit('.').next().unwrap_or("input");
    let stem = format!("upstream/{kind}-{:016x}", hasher.finish());
    let _ = std::fs::create_dir_all("upstream");
    let _ = std::fs::write(&stem, data);
    let _ = std::fs::write(format!("{stem}.panic"), panic);
}

/// The last panic's message. Not per thread: the engine processes a file on a thread
/// of its own (with a large stack), and the panic happens there.
static LAST_PANIC: Mutex<String> = Mutex::new(String::new());

/// libfuzzer-sys's panic hook aborts at once, before the engine's guard can catch the
/// panic. This hook records it instead (and prints it); a panic that escapes to
/// libFuzzer still aborts there, so the fuzzer still stops on our own assertions.
fn record_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let text = format!("{info}");
            eprintln!("panic: {text}");
            *LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()) = text;
        }));
    });
}

type Job = (PathBuf, Vec<u8>, mpsc::Sender<FileReport>);

/// Processes a file on one long-lived thread with the engine's large stack. The engine
/// would otherwise start a thread per file from libFuzzer's main thread, and under ASan
/// starting (and unpoisoning) a 256 MiB stack cut the executions per second by four.
fn process(name: &str, bytes: Vec<u8>) -> FileReport {
    static WORKER: OnceLock<Mutex<mpsc::Sender<Job>>> = OnceLock::new();
    let worker = WORKER.get_or_init(|| {
        let (jobs, queue) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .stack_size(widget_migrate::engine::STACK_SIZE)
            .spawn(move || {
                widget_migrate::engine::mark_large_stack();
                for (path, bytes, reply) in queue {
                    let _ = reply.send(engine().process_bytes(path, bytes));
                }
            })
            .expect("the worker thread starts");
        Mutex::new(jobs)
    });
    let (reply, answer) = mpsc::channel();
    worker
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .send((PathBuf::from(name), bytes, reply))
        .expect("the worker is running");
    answer.recv().expect("the worker answers")
}

pub fn check(name: &str, data: &[u8]) {
    record_panics();
    LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).clear();
    let report = process(name, data.to_vec());
    if report.status == Status::Error && report.reason.as_deref().is_some_and(|r| r.starts_with("internal error while processing")) {
        let panic = LAST_PANIC.lock().unwrap_or_else(|e| e.into_inner()).clone();
        let known = KNOWN_UPSTREAM.iter().any(|(krate, what)| panic.contains(krate) && panic.contains(what));
        if !known && UPSTREAM_CRATES.iter().any(|c| panic.contains(c)) {
            keep_upstream(name, data, &panic);
        } else {
            assert!(known, "a panic under the engine's guard that is not a known upstream one: {panic}");
        }
        return;
    }
    let Some(source) = &report.source else { return };
    if report.status != Status::Changed {
        return;
    }
    let output = report.output.as_ref().expect("a changed file has an output");
    let applied: Vec<&Edit> = report.fixes.iter().filter(|f| f.applied).flat_map(|f| &f.fix.edits).collect();
    for e in &applied {
        assert!(e.start <= e.end && e.end <= source.text.len(), "edit outside the input: {e:?}");
    }
    let rebuilt = try_apply_edits(&source.text, applied.iter().copied());
    assert_eq!(rebuilt.as_deref(), Some(output.as_str()), "the fixes' edits do not rebuild the output");
    let again = process(name, source.encode(output));
    assert_ne!(again.status, Status::Error, "the output does not parse: {:?}", again.reason);
    assert_ne!(again.status, Status::Changed, "a second run changed the output again");
}
