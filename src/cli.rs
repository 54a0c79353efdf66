//! Command-line arguments (clap derive). The outside contract is ../shared/CONTRACT.md.

use crate::rules::{Engine, Section};
use crate::version::Version;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "widget-migrate",
    version,
    about = "Migrate Okta Sign-In Widget code, i18n overrides and styles to a newer widget and to Identity Engine",
    args_conflicts_with_subcommands = true,
    args_override_self = true,
    after_help = EXAMPLES
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub run: RunArgs,
}

const EXAMPLES: &str = "\
Examples:
  widget-migrate                         show what would change under . (dry run, writes nothing)
  widget-migrate --write src/            apply the safe fixes in place
  widget-migrate --check --format github CI: list what is left, exit 1 while anything is
  widget-migrate --only i18n --write     one section at a time (i18n, css, config, methods, html)
  widget-migrate --from 5.16.1 --to 7.49.0 --engine classic
  widget-migrate explain i18n/rename-key what a rule does, with an example
  widget-migrate init                    write widget-migrate.json with the detected version

Settings can also live in widget-migrate.json (or a \"widgetMigrate\" key in package.json),
found in the folder of each path or above; flags given here win over it.";

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule: id, section, versions, engine/gen, safety tier, knowledge-base row, docs link.
    Rules {
        #[arg(long, value_enum, default_value_t = RulesFormat::Text)]
        format: RulesFormat,
    },
    /// Language server over stdio.
    Lsp,
    /// Explain one rule: what it does, versions, tier, a before/after example, docs link.
    Explain {
        /// A rule id, as `widget-migrate rules` lists it (e.g. i18n/rename-key).
        rule: String,
    },
    /// Print a shell completion script (e.g. `widget-migrate completions bash > ~/.local/share/bash-completion/completions/widget-migrate`).
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Write a widget-migrate.json in FOLDER (default: .) with the detected `from` version.
    Init {
        #[arg(default_value = ".")]
        folder: PathBuf,
        /// Replace an existing widget-migrate.json.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Github,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    DryRun,
    Write,
    Check,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files or folders to migrate.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Print unified diffs and write nothing (the default).
    #[arg(long, group = "mode")]
    pub dry_run: bool,
    /// Apply the fixes in place (atomically) and print a summary.
    #[arg(long, group = "mode")]
    pub write: bool,
    /// Write nothing; print diagnostics and a summary only (for CI).
    #[arg(long, group = "mode")]
    pub check: bool,

    /// Also apply fixes of the unsafe tier.
    #[arg(long = "unsafe")]
    pub allow_unsafe: bool,

    /// Widget version the code uses today (default: detected from package.json,
    /// package-lock.json or a CDN URL; else the oldest version the tool knows).
    #[arg(long, value_name = "VERSION")]
    pub from: Option<Version>,
    /// Target widget version (default: the newest release the tool knows).
    #[arg(long, value_name = "VERSION")]
    pub to: Option<Version>,
    /// Target engine [default: oie].
    #[arg(long, value_enum)]
    pub engine: Option<Engine>,
    /// Target the third-generation widget (Okta-hosted pages).
    #[arg(long)]
    pub gen3: bool,
    /// Comma list of sections to run: i18n, css, config, methods, html (default: all).
    #[arg(long, value_name = "SECTIONS", value_delimiter = ',', value_parser = parse_section)]
    pub only: Vec<Section>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Colour in text output (NO_COLOR and non-terminals turn it off under auto).
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N")]
    pub threads: Option<usize>,
    /// Do not honour .gitignore / .ignore (node_modules, dist and build stay skipped unless named).
    #[arg(long)]
    pub no_ignore: bool,
    /// Let --write touch files with uncommitted changes.
    #[arg(long)]
    pub allow_dirty: bool,
    /// Also write one unified patch of the whole run to FILE.
    #[arg(long, value_name = "FILE")]
    pub patch_file: Option<PathBuf>,
    /// Also write a Markdown upgrade report.
    #[arg(long, value_name = "FILE.md")]
    pub report: Option<PathBuf>,
    /// With --write: leave a `widget-migrate:` comment at each manual item.
    #[arg(long)]
    pub insert_todos: bool,
    /// With --write: review fix by fix on a terminal.
    #[arg(long)]
    pub interactive: bool,
    /// Read the source from standard input, treat it as PATH, print the rewritten source.
    #[arg(long, value_name = "PATH")]
    pub stdin_filename: Option<PathBuf>,
}

fn parse_section(s: &str) -> Result<Section, String> {
    Section::parse(s).ok_or_else(|| {
        format!("unknown section `{s}` (expected i18n, css, config, methods or html)")
    })
}

impl RunArgs {
    pub fn mode(&self) -> Mode {
        if self.write {
            Mode::Write
        } else if self.check {
            Mode::Check
        } else {
            Mode::DryRun
        }
    }
}
