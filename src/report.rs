//! `--report FILE.md`: one document that says what the run changed, what is left and
//! where, grouped by the user flow it touches, with what to test and the org settings
//! the tool cannot reach.

use crate::diagnostic::Severity;
use crate::edit::Safety;
use crate::engine::{FileReport, Status};
use crate::output::{display_path, Summary};
use crate::rules::{Engine, Section, Target, RULES};
use crate::version::Version;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::LazyLock;

#[derive(Deserialize)]
struct Flow {
    id: String,
    title: String,
    kb: Vec<String>,
    keywords: Vec<String>,
    test: Vec<String>,
}

#[derive(Deserialize)]
struct OrgSetting {
    kb: Vec<String>,
    text: String,
}

#[derive(Deserialize)]
struct Table {
    flows: Vec<Flow>,
    org_settings: Vec<OrgSetting>,
}

static TABLE: LazyLock<Table> = LazyLock::new(|| {
    serde_json::from_str(include_str!("../transforms/report.json"))
        .unwrap_or_else(|e| panic!("transforms/report.json is invalid: {e}"))
});

fn section_of(rule: &str) -> &str {
    RULES
        .iter()
        .find(|r| r.id == rule)
        .map_or("core", |r| r.section.as_str())
}

fn flow_of<'t>(kb: Option<&str>, message: &str) -> &'t Flow {
    let flows = &TABLE.flows;
    kb.and_then(|k| flows.iter().find(|f| f.kb.iter().any(|x| x == k)))
        .or_else(|| {
            flows
                .iter()
                .find(|f| f.keywords.iter().any(|w| message.contains(w.as_str())))
        })
        .unwrap_or_else(|| {
            flows
                .last()
                .unwrap_or_else(|| panic!("report.json has no flows"))
        })
}

struct Item<'r> {
    path: String,
    line: usize,
    kb: String,
    rule: &'r str,
    message: &'r str,
    help: Option<&'r str>,
    url: Option<&'r str>,
}

/// The Markdown report of a run.
pub fn markdown(reports: &[FileReport], target: &Target, from: &str, written: bool) -> String {
    let summary = Summary::of(reports);
    let mut md = String::new();
    let aim = |to: Version, engine: Engine, gen3: bool| {
        let engine = match engine {
            Engine::Oie => "Identity Engine",
            Engine::Classic => "Classic Engine",
        };
        let gen = if gen3 {
            ", third-generation widget"
        } else {
            ""
        };
        format!("**{to}** on **{engine}**{gen}")
    };
    let _ = writeln!(md, "# Sign-In Widget upgrade report\n");
    let _ = writeln!(
        md,
        "- From widget **{from}** to {}",
        aim(target.to, target.engine, target.gen3)
    );
    // Files under another project config (nested, or another path's) than the first.
    let mut elsewhere: BTreeMap<(Version, Engine, bool), usize> = BTreeMap::new();
    for r in reports {
        if let Some(a) = r.aim_elsewhere(target) {
            *elsewhere.entry(a).or_default() += 1;
        }
    }
    for ((to, engine, gen3), n) in elsewhere {
        let _ = writeln!(
            md,
            "- {n} {} under another project config: to {}",
            if n == 1 { "file" } else { "files" },
            aim(to, engine, gen3)
        );
    }
    let _ = writeln!(
        md,
        "- {} files scanned: {} changed, {} unchanged, {} skipped, {} errors",
        summary.files, summary.changed, summary.unchanged, summary.skipped, summary.errors
    );
    let _ = writeln!(
        md,
        "- Fixes were {}\n",
        if written {
            "written"
        } else {
            "not written (dry run): apply them with `--write`"
        }
    );

    // Per section: fixes applied / pending / unsafe / manual items.
    let mut per: BTreeMap<&str, [usize; 4]> = BTreeMap::new();
    for r in reports {
        for f in &r.fixes {
            let row = per.entry(section_of(f.fix.rule)).or_default();
            if f.applied && written {
                row[0] += 1;
            } else {
                row[1] += 1;
            }
            if f.fix.safety == Safety::Unsafe {
                row[2] += 1;
            }
        }
        for d in r
            .diagnostics
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
        {
            per.entry(section_of(&d.rule)).or_default()[3] += 1;
        }
    }
    let _ = writeln!(md, "## Summary by section\n\n| section | fixes applied | fixes pending | of them unsafe | manual items |\n|---|---|---|---|---|");
    for s in Section::ALL {
        let row = per.get(s.as_str()).copied().unwrap_or_default();
        let run = if target.sections.contains(&s) {
            ""
        } else {
            " (not run: `--only`)"
        };
        let _ = writeln!(
            md,
            "| {}{run} | {} | {} | {} | {} |",
            s.as_str(),
            row[0],
            row[1],
            row[2],
            row[3]
        );
    }
    if let Some(row) = per.get("core") {
        let _ = writeln!(
            md,
            "| engine | {} | {} | {} | {} |",
            row[0], row[1], row[2], row[3]
        );
    }
    let skipped: Vec<&Section> = Section::ALL
        .iter()
        .filter(|s| !target.sections.contains(s))
        .collect();
    if !skipped.is_empty() {
        let names: Vec<&str> = skipped.iter().map(|s| s.as_str()).collect();
        let _ = writeln!(md, "\nSections still to run: {}.", names.join(", "));
    }

    // What is left, by flow.
    let mut by_flow: BTreeMap<&str, Vec<Item<'_>>> = BTreeMap::new();
    for r in reports {
        let path = display_path(&r.path);
        for d in r
            .diagnostics
            .iter()
            .filter(|d| d.severity >= Severity::Warning)
        {
            let line = r.source.as_ref().map_or(1, |s| s.line_col(d.start).line);
            let flow = flow_of(d.kb.as_deref(), &d.message);
            by_flow.entry(flow.id.as_str()).or_default().push(Item {
                path: path.clone(),
                line,
                kb: d.kb.clone().unwrap_or_else(|| "-".into()),
                rule: &d.rule,
                message: &d.message,
                help: d.help.as_deref(),
                url: d.url.as_deref(),
            });
        }
        for f in r.fixes.iter().filter(|f| !(f.applied && written)) {
            if f.fix.safety == Safety::Unsafe && !target.allow_unsafe {
                let at = f.fix.edits.first().map_or(0, |e| e.start);
                let line = r.source.as_ref().map_or(1, |s| s.line_col(at).line);
                let flow = flow_of(Some(&f.fix.kb), &f.fix.message);
                by_flow.entry(flow.id.as_str()).or_default().push(Item {
                    path: path.clone(),
                    line,
                    kb: f.fix.kb.clone(),
                    rule: f.fix.rule,
                    message: &f.fix.message,
                    help: Some("An unsafe fix is ready: review it and run with `--unsafe`, or do it by hand."),
                    url: None,
                });
            }
        }
    }
    let _ = writeln!(md, "\n## What is left, by user flow\n");
    if by_flow.is_empty() {
        let _ = writeln!(
            md,
            "Nothing: no manual items and no pending unsafe fixes.\n"
        );
    }
    for flow in &TABLE.flows {
        let Some(items) = by_flow.get(flow.id.as_str()) else {
            continue;
        };
        let _ = writeln!(md, "### {}\n", flow.title);
        for i in items {
            let _ = write!(
                md,
                "- [ ] `{}:{}` — **{}** `{}`: {}",
                i.path,
                i.line,
                i.kb,
                i.rule,
                i.message.replace('\n', " ")
            );
            if let Some(h) = i.help {
                let _ = write!(md, "  \n  What to do: {h}");
            }
            if let Some(u) = i.url {
                let _ = write!(md, " ([docs]({u}))");
            }
            md.push('\n');
        }
        let _ = writeln!(md, "\nTest after the change:\n");
        for t in &flow.test {
            let _ = writeln!(md, "- [ ] {t}");
        }
        md.push('\n');
    }

    // Org settings the code shows to matter.
    let seen: Vec<&str> = reports
        .iter()
        .flat_map(|r| {
            r.diagnostics
                .iter()
                .filter_map(|d| d.kb.as_deref())
                .chain(r.fixes.iter().map(|f| f.fix.kb.as_str()))
        })
        .collect();
    let settings: Vec<&OrgSetting> = TABLE
        .org_settings
        .iter()
        .filter(|s| s.kb.iter().any(|k| seen.contains(&k.as_str())))
        .collect();
    if !settings.is_empty() {
        let _ = writeln!(md, "## Org settings the tool cannot reach\n");
        for s in settings {
            let _ = writeln!(md, "- [ ] {} ({})", s.text, s.kb.join(", "));
        }
        md.push('\n');
    }

    // What was changed, per file.
    let changed: Vec<&FileReport> = reports
        .iter()
        .filter(|r| r.status == Status::Changed)
        .collect();
    if !changed.is_empty() {
        let _ = writeln!(
            md,
            "## What {} changed\n",
            if written { "was" } else { "would be" }
        );
        for r in changed {
            let mut rules: BTreeMap<String, usize> = BTreeMap::new();
            for f in r.fixes.iter().filter(|f| f.applied) {
                *rules
                    .entry(format!("{} ({})", f.fix.rule, f.fix.kb))
                    .or_default() += 1;
            }
            let list: Vec<String> = rules
                .iter()
                .map(|(k, n)| {
                    if *n > 1 {
                        format!("{k} ×{n}")
                    } else {
                        k.clone()
                    }
                })
                .collect();
            let _ = writeln!(md, "- `{}`: {}", display_path(&r.path), list.join(", "));
        }
        md.push('\n');
    }

    // Ignores and files that could not be processed.
    let ignored: Vec<String> = reports
        .iter()
        .flat_map(|r| {
            r.ignored.iter().map(move |i| {
                let line = r.source.as_ref().map_or(1, |s| s.line_col(i.at).line);
                format!(
                    "- `{}:{line}` — `{}` silenced by `widget-migrate-ignore {}`",
                    display_path(&r.path),
                    i.rule,
                    i.what
                )
            })
        })
        .collect();
    if !ignored.is_empty() {
        let _ = writeln!(md, "## Ignored by comments\n\n{}\n", ignored.join("\n"));
    }
    let problems: Vec<String> = reports
        .iter()
        .filter(|r| matches!(r.status, Status::Error | Status::Skipped))
        .map(|r| {
            format!(
                "- `{}` ({}): {}",
                display_path(&r.path),
                if r.status == Status::Error {
                    "error"
                } else {
                    "skipped"
                },
                r.reason.as_deref().unwrap_or("")
            )
        })
        .collect();
    if !problems.is_empty() {
        let _ = writeln!(md, "## Files not migrated\n\n{}\n", problems.join("\n"));
    }
    md
}
