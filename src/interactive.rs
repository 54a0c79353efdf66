//! `--write --interactive`: review the fixes one by one before anything is written.
//!
//! For each fix the run would apply, the hunk of that fix alone is shown and the user
//! answers y (apply), n (skip), a (apply the rest of this file), q (skip everything
//! left) or d (skip this rule everywhere). The chosen fixes' edits (original
//! coordinates, non-overlapping) are spliced into the original text, and the result
//! must parse again before it can be written.

use crate::edit::try_apply_edits;
use crate::engine::{Engine, FileReport, Status};
use crate::output::{display_path, unified_diff};
use std::collections::HashSet;
use std::io::{BufRead, IsTerminal, Write};

/// Answers for tests: when set, its whitespace-separated words are the answers, read
/// instead of a terminal (so the review can be driven without one).
pub const SCRIPT_VAR: &str = "WIDGET_MIGRATE_INTERACTIVE_SCRIPT";

const HELP: &str = "y - apply this fix\n\
n - skip this fix\n\
a - apply this fix and all later fixes in this file\n\
q - quit: skip this fix and every fix left (what you chose so far is written)\n\
d - done with this rule: skip this fix and every other fix of its rule\n\
? - this help\n";

/// Where the answers come from.
pub enum Answers {
    Terminal(std::io::StdinLock<'static>),
    Script(std::vec::IntoIter<String>),
}

impl Answers {
    /// The script when [`SCRIPT_VAR`] is set, else standard input if it is a terminal;
    /// `Err` with the reason otherwise.
    pub fn open() -> Result<Answers, String> {
        if let Some(script) = std::env::var_os(SCRIPT_VAR) {
            let words: Vec<String> = script
                .to_string_lossy()
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|w| !w.is_empty())
                .map(str::to_string)
                .collect();
            return Ok(Answers::Script(words.into_iter()));
        }
        let stdin = std::io::stdin();
        if !stdin.is_terminal() {
            return Err("--interactive asks before each fix and needs a terminal on standard input; run it in a terminal, or use --dry-run to review the diff and --write to apply it".into());
        }
        Ok(Answers::Terminal(stdin.lock()))
    }

    /// The next answer, lower-cased; `None` at the end of input.
    fn next(&mut self) -> Option<String> {
        match self {
            Answers::Script(words) => words.next().map(|w| w.to_lowercase()),
            Answers::Terminal(lock) => {
                let mut line = String::new();
                match lock.read_line(&mut line) {
                    Ok(0) | Err(_) => None,
                    Ok(_) => Some(line.trim().to_lowercase()),
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Choice {
    Yes,
    No,
    All,
    Quit,
    DoneWithRule,
}

fn ask(answers: &mut Answers, prompt: &mut dyn Write) -> Choice {
    loop {
        let _ = write!(prompt, "Apply this fix? [y,n,a,q,d,?] ");
        let _ = prompt.flush();
        let Some(answer) = answers.next() else {
            let _ = writeln!(prompt, "\n(end of input: quitting)");
            return Choice::Quit;
        };
        if matches!(answers, Answers::Script(_)) {
            let _ = writeln!(prompt, "{answer}");
        }
        match answer.as_str() {
            "y" | "yes" => return Choice::Yes,
            "n" | "no" => return Choice::No,
            "a" | "all" => return Choice::All,
            "q" | "quit" => return Choice::Quit,
            "d" | "done" => return Choice::DoneWithRule,
            _ => {
                let _ = write!(prompt, "{HELP}");
            }
        }
    }
}

/// Reviews the fixes this run would apply, file by file, and keeps only the chosen
/// ones: each report's output, status and `applied` flags are updated. Prompts and hunks
/// go to `prompt`.
pub fn review(
    engine: &Engine,
    reports: &mut [FileReport],
    answers: &mut Answers,
    prompt: &mut dyn Write,
    color: bool,
) {
    let total: usize = reports
        .iter()
        .filter(|r| r.status == Status::Changed)
        .map(|r| r.fixes.iter().filter(|f| f.applied).count())
        .sum();
    let mut asked = 0;
    let mut skipped_rules: HashSet<&'static str> = HashSet::new();
    let mut quit = false;
    for r in reports.iter_mut().filter(|r| r.status == Status::Changed) {
        let Some(source) = r.source.clone() else {
            continue;
        };
        let path = display_path(&r.path);
        let mut all_in_file = false;
        let mut chosen = vec![false; r.fixes.len()];
        for (i, f) in r.fixes.iter().enumerate().filter(|(_, f)| f.applied) {
            asked += 1;
            if quit || skipped_rules.contains(f.fix.rule) {
                continue;
            }
            if all_in_file {
                chosen[i] = true;
                continue;
            }
            let at = f.fix.edits.first().map_or(0, |e| e.start);
            let lc = source.line_col(at);
            let _ = writeln!(
                prompt,
                "\n({asked}/{total}) {path}:{}:{}: {} [{}] {}{}",
                lc.line,
                lc.column,
                f.fix.rule,
                f.fix.kb,
                f.fix.message,
                if f.fix.safety == crate::edit::Safety::Safe {
                    ""
                } else {
                    " (unsafe)"
                }
            );
            if let Some(alone) = try_apply_edits(&source.text, &f.fix.edits) {
                let _ = write!(
                    prompt,
                    "{}",
                    unified_diff(&r.path, &source.text, &alone, color)
                );
            }
            match ask(answers, prompt) {
                Choice::Yes => chosen[i] = true,
                Choice::No => {}
                Choice::All => {
                    chosen[i] = true;
                    all_in_file = true;
                }
                Choice::Quit => quit = true,
                Choice::DoneWithRule => {
                    skipped_rules.insert(f.fix.rule);
                }
            }
        }
        keep_chosen(engine, r, &source, &chosen, prompt);
    }
}

/// Leaves `r` with only the chosen fixes applied (or, when they do not make a text that
/// parses on their own, none of them, said on `prompt`).
fn keep_chosen(
    engine: &Engine,
    r: &mut FileReport,
    source: &crate::source::SourceText,
    chosen: &[bool],
    prompt: &mut dyn Write,
) {
    let all = r.fixes.iter().zip(chosen).all(|(f, &c)| c == f.applied);
    if all {
        return; // every fix the run made: its output as it is
    }
    let edits = r
        .fixes
        .iter()
        .zip(chosen)
        .filter(|&(_, &c)| c)
        .flat_map(|(f, _)| &f.fix.edits);
    let output = try_apply_edits(&source.text, edits).filter(|out| {
        // The result must parse as the original did: run the engine on it.
        let again = engine.process_bytes(r.path.clone(), source.encode(out));
        again.status != Status::Error
    });
    let any = chosen.iter().any(|&c| c);
    match output {
        Some(out) if any && out != source.text => {
            r.output = Some(out);
        }
        _ => {
            if any {
                let _ = writeln!(
                    prompt,
                    "{}: the chosen fixes depend on fixes you skipped (they do not make a valid file alone); the file was left untouched",
                    display_path(&r.path)
                );
            }
            r.output = None;
            r.status = Status::Unchanged;
        }
    }
    let unchanged = r.output.is_none();
    for (f, &c) in r.fixes.iter_mut().zip(chosen) {
        f.applied = c && !unchanged;
    }
}
