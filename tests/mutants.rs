//! Seeded mutation and metamorphic test over the fixtures (issue 20): the outside test
//! that found the double-BOM shift, the undecodable diffs and the rest, made part of the
//! project.
//!
//! For each fixture case, one tree holds the case as it is (`orig/`) and a few copies
//! (`m0/`, `m1/`, …) in each of which one file is mutated, chosen by a seeded generator:
//!
//! * metamorphic mutations, which must give the same migration: a BOM in front, CRLF line
//!   ends, a comment before the code, one more line end at the end. The mutant's output
//!   must be the original's output with the same mutation;
//! * byte mutations (a byte inserted, deleted or replaced, a line doubled), for which only
//!   the invariants below hold.
//!
//! On every tree: no crash (exit code 0, 1 or 2, never a panic's 101 or a signal);
//! every written file that parsed before parses after; the JSON edits of the applied
//! fixes rebuild the written bytes; the printed `--dry-run` diff passes `git apply
//! --check` and, applied, gives exactly the bytes `--write` wrote; a second run changes
//! nothing.
//!
//! CI runs 3 mutants per case (about 260). The long mode:
//! `WIDGET_MIGRATE_MUTANTS=50 WIDGET_MIGRATE_SEED=7 cargo test --release --test mutants`.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use widget_migrate::kind::FileKind;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// splitmix64: a seeded generator, so a failure names the seed that repeats it.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[derive(Debug, Clone, Copy)]
enum Mutation {
    Bom,
    Crlf,
    Comment,
    TrailingNewline,
    InsertByte(usize, u8),
    DeleteByte(usize),
    ReplaceByte(usize, u8),
    DoubleLine(usize),
}

/// The line comment a file of this name takes before its code, if any.
fn comment_for(path: &Path) -> Option<&'static str> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    match ext {
        "js" | "jsx" | "ts" | "tsx" | "mjs" | "cjs" | "mts" | "cts" | "sass" => Some("// mutant"),
        "css" | "scss" | "less" => Some("/* mutant */"),
        "properties" => Some("# mutant"),
        "json" => None,
        _ => Some("<!-- mutant -->"),
    }
}

fn line_end(bytes: &[u8]) -> &'static [u8] {
    match bytes.iter().position(|&b| b == b'\n') {
        Some(i) if i > 0 && bytes[i - 1] == b'\r' => b"\r\n",
        _ => b"\n",
    }
}

impl Mutation {
    /// The mutations that can apply to `bytes` of `path`, one picked by `rng`.
    fn pick(rng: &mut Rng, path: &Path, bytes: &[u8]) -> Mutation {
        let mut can = Vec::new();
        if !bytes.starts_with(BOM) && std::str::from_utf8(bytes).is_ok() {
            can.push(Mutation::Bom);
        }
        if !bytes.contains(&b'\r') && bytes.contains(&b'\n') {
            can.push(Mutation::Crlf);
        }
        if comment_for(path).is_some() {
            can.push(Mutation::Comment);
        }
        can.push(Mutation::TrailingNewline);
        let at = rng.below(bytes.len() + 1);
        let byte = b"\0\n\r\t \"'`{}()[]<>;,:=\\/#.*-$@\x7f\xc3\xa9\xef\xbb\xbf"[rng.below(30)];
        can.extend([
            Mutation::InsertByte(at, byte),
            Mutation::DeleteByte(at),
            Mutation::ReplaceByte(at, byte),
            Mutation::DoubleLine(at),
        ]);
        can[rng.below(can.len())]
    }

    fn metamorphic(self) -> bool {
        matches!(
            self,
            Mutation::Bom | Mutation::Crlf | Mutation::Comment | Mutation::TrailingNewline
        )
    }

    /// The mutation applied to `bytes` (the input, or for a metamorphic one the output).
    fn apply(self, path: &Path, bytes: &[u8]) -> Vec<u8> {
        let mut out = bytes.to_vec();
        let at = |i: usize| i.min(bytes.len());
        match self {
            Mutation::Bom => out.splice(0..0, BOM.iter().copied()).for_each(drop),
            Mutation::Crlf => {
                out = bytes
                    .iter()
                    .flat_map(|&b| {
                        if b == b'\n' {
                            vec![b'\r', b'\n']
                        } else {
                            vec![b]
                        }
                    })
                    .collect();
            }
            Mutation::Comment => {
                let start = if bytes.starts_with(BOM) { 3 } else { 0 };
                let mut line = comment_for(path).unwrap_or("").as_bytes().to_vec();
                line.extend_from_slice(line_end(bytes));
                out.splice(start..start, line).for_each(drop);
            }
            Mutation::TrailingNewline => out.extend_from_slice(line_end(bytes)),
            Mutation::InsertByte(i, b) => out.insert(at(i), b),
            Mutation::DeleteByte(i) => {
                if at(i) < out.len() {
                    out.remove(at(i));
                }
            }
            Mutation::ReplaceByte(i, b) => {
                if at(i) < out.len() {
                    out[at(i)] = b;
                }
            }
            Mutation::DoubleLine(i) => {
                let start = bytes[..at(i)]
                    .iter()
                    .rposition(|&b| b == b'\n')
                    .map_or(0, |p| p + 1);
                let end = bytes[at(i)..]
                    .iter()
                    .position(|&b| b == b'\n')
                    .map_or(bytes.len(), |p| at(i) + p + 1);
                out.splice(start..start, bytes[start..end].to_vec())
                    .for_each(drop);
            }
        }
        out
    }
}

/// One mutant: the file of the case it changes, how, and the folder of its copy.
struct Mutant {
    dir: String,
    file: PathBuf,
    mutation: Mutation,
}

/// The case's tree with its mutants, laid out in `root`.
fn lay_out(case: &Path, root: &Path, rng: &mut Rng, count: usize) -> Vec<Mutant> {
    let input = case.join("in");
    copy_tree(&input, &root.join("orig"));
    let candidates: Vec<PathBuf> = files(&input)
        .into_iter()
        .filter(|f| FileKind::for_path(f, false).is_some())
        .filter(|f| f.file_name().is_some_and(|n| n != "widget-migrate.json"))
        .collect();
    let mut mutants = Vec::new();
    for k in 0..count {
        if candidates.is_empty() {
            break;
        }
        let file = candidates[rng.below(candidates.len())].clone();
        let bytes = std::fs::read(input.join(&file)).unwrap();
        let mutation = Mutation::pick(rng, &file, &bytes);
        let dir = format!("m{k}");
        copy_tree(&input, &root.join(&dir));
        std::fs::write(root.join(&dir).join(&file), mutation.apply(&file, &bytes)).unwrap();
        mutants.push(Mutant {
            dir,
            file,
            mutation,
        });
    }
    mutants
}

fn snapshot(root: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    files(root)
        .into_iter()
        .map(|r| {
            let bytes = std::fs::read(root.join(&r)).unwrap();
            (r, bytes)
        })
        .collect()
}

fn run(dir: &Path, args: &[String], extra: &[&str]) -> std::process::Output {
    let out = bin()
        .current_dir(dir)
        .args(args)
        .args(extra)
        .arg(".")
        .output()
        .unwrap();
    out
}

/// Checks one case with `count` mutants; the problems found.
fn check_case(case: &Path, seed: u64, count: usize) -> Vec<String> {
    let name = case.file_name().unwrap().to_string_lossy().to_string();
    let mut rng = Rng(seed
        ^ name
            .bytes()
            .fold(0u64, |h, b| h.wrapping_mul(31) ^ u64::from(b)));
    let args = case_args(case);
    let tmp = tempfile::tempdir().unwrap();
    let (written, printed) = (tmp.path().join("w"), tmp.path().join("d"));
    let mutants = lay_out(case, &written, &mut rng, count);
    if std::env::var_os("WIDGET_MIGRATE_MUTANTS_LIST").is_some() {
        for m in &mutants {
            eprintln!("{name}/{}/{}: {:?}", m.dir, m.file.display(), m.mutation);
        }
    }
    copy_tree(&written, &printed);
    let before = snapshot(&written);
    let mut problems = Vec::new();
    let mut fail = |what: String| problems.push(format!("{name} (seed {seed}): {what}"));

    let out = run(
        &written,
        &args,
        &["--write", "--allow-dirty", "--format", "json"],
    );
    if !matches!(out.status.code(), Some(0..=2)) {
        fail(format!(
            "--write crashed: {:?}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        ));
        return problems;
    }
    let doc = json(&out);
    // The parsers run in this process here: a panic of theirs is "does not parse".
    let parses = |rel: &Path, bytes: &[u8]| {
        std::panic::catch_unwind(|| check_parses(rel, bytes))
            .unwrap_or_else(|_| Err("the parser panicked".into()))
    };
    for (rel, old) in &before {
        let new = std::fs::read(written.join(rel)).unwrap();
        if &new != old && parses(rel, old).is_ok() {
            if let Err(e) = parses(rel, &new) {
                fail(format!("{}: parsed before, not after: {e}", rel.display()));
            }
        }
        let entry = doc["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| Path::new(f["path"].as_str().unwrap()) == rel);
        if let Some(f) = entry {
            if apply_json_edits(old, f) != new {
                fail(format!(
                    "{}: the JSON edits do not rebuild the written bytes",
                    rel.display()
                ));
            }
        }
    }
    // Metamorphic: the mutant's output is the original's output, mutated alike.
    for m in mutants.iter().filter(|m| m.mutation.metamorphic()) {
        let orig = std::fs::read(written.join("orig").join(&m.file)).unwrap();
        let got = std::fs::read(written.join(&m.dir).join(&m.file)).unwrap();
        if got != m.mutation.apply(&m.file, &orig) {
            fail(format!(
                "{}/{} under {:?}: not the original's migration:\n--- original's output\n{}\n--- mutant's output\n{}",
                m.dir,
                m.file.display(),
                m.mutation,
                String::from_utf8_lossy(&orig),
                String::from_utf8_lossy(&got)
            ));
        }
    }
    // The printed diff, applied by git, gives what --write wrote.
    let out = run(&printed, &args, &["--dry-run", "--color", "auto"]);
    if !matches!(out.status.code(), Some(0..=2)) {
        fail(format!("--dry-run crashed: {:?}", out.status));
        return problems;
    }
    let patch = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.stdout.is_empty() {
        let check = git_apply_bytes(&printed, &out.stdout, true);
        if let Err(e) = check {
            fail(format!(
                "git apply --check refuses the printed diff: {e}\n{patch}"
            ));
        } else if let Err(e) = git_apply_bytes(&printed, &out.stdout, false) {
            fail(format!("git apply failed: {e}"));
        }
    }
    if snapshot(&printed) != snapshot(&written) {
        fail("the printed diff, applied, is not what --write wrote".into());
    }
    // A second run changes nothing.
    let after = snapshot(&written);
    let again = run(
        &written,
        &args,
        &["--write", "--allow-dirty", "--format", "json"],
    );
    if json(&again)["summary"]["changed"] != 0 || snapshot(&written) != after {
        fail("a second run changed files".into());
    }
    problems
}

fn git_apply_bytes(dir: &Path, patch: &[u8], check: bool) -> Result<(), String> {
    use std::io::Write;
    let mut git = std::process::Command::new("git");
    git.current_dir(dir).arg("apply");
    if check {
        git.arg("--check");
    }
    let mut child = git
        .arg("-")
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(patch).unwrap();
    let out = child.wait_with_output().unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

#[test]
fn mutants_of_every_fixture_keep_every_promise() {
    let count = std::env::var("WIDGET_MIGRATE_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(3);
    let seed = std::env::var("WIDGET_MIGRATE_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20);
    let root = repo().join("testdata/fixtures");
    let mut cases: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("in").is_dir())
        .collect();
    cases.sort();
    let problems: Vec<String> = cases
        .iter()
        .flat_map(|c| check_case(c, seed, count))
        .collect();
    eprintln!("{} cases, {count} mutants each, seed {seed}", cases.len());
    assert!(
        problems.is_empty(),
        "{} problems:\n\n{}",
        problems.len(),
        problems.join("\n\n")
    );
}
