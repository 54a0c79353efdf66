//! The project config file: `widget-migrate.json`, or a `"widgetMigrate"` key in
//! package.json, found by walking up from a path (the way Biome finds `biome.json`).
//! The command line, CI and the language server all read it through [`load_for`];
//! flags given on the command line win over it.
//!
//! Globs (`include`, `exclude`, `ignore[].path`) are relative to the folder that holds
//! the file; a pattern without `/` matches at any depth, and a pattern naming a folder
//! matches everything inside it.

use crate::rules::{Engine, Section, RULES};
use crate::version::Version;
use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Deserializer};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Path, PathBuf};

/// The config file's name.
pub const FILE_NAME: &str = "widget-migrate.json";
/// The key that holds the same object inside package.json.
pub const PACKAGE_KEY: &str = "widgetMigrate";
/// Where the committed schema is published (the value `init` writes for `$schema`).
pub const SCHEMA_URL: &str = "./node_modules/widget-migrate/widget-migrate.schema.json";

/// The object in the file, as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// The schema reference editors use; not read.
    #[serde(rename = "$schema", default)]
    pub schema: Option<String>,
    #[serde(default, deserialize_with = "version")]
    pub from: Option<Version>,
    #[serde(default, deserialize_with = "version")]
    pub to: Option<Version>,
    #[serde(default)]
    pub engine: Option<Engine>,
    #[serde(default)]
    pub gen3: Option<bool>,
    #[serde(default)]
    pub only: Option<Vec<Section>>,
    #[serde(default)]
    pub include: Vec<Pattern>,
    #[serde(default)]
    pub exclude: Vec<Pattern>,
    #[serde(default)]
    pub rules: BTreeMap<RuleId, RuleSetting>,
    #[serde(default)]
    pub ignore: Vec<IgnoreEntry>,
}

/// What a rule does under this config.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleSetting {
    /// The rule reports and fixes nothing.
    Off,
    /// The rule's fixes are reported as manual items and never applied.
    Manual,
}

/// An accepted exception: `rule` reports nothing in the files `path` matches (every
/// file when `path` is left out).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IgnoreEntry {
    pub rule: RuleId,
    #[serde(default)]
    pub path: Option<Pattern>,
    /// Why the exception is accepted; for the reader, not used.
    #[serde(default)]
    pub reason: Option<String>,
}

/// A rule id that `widget-migrate rules` lists.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RuleId(pub String);

impl<'de> Deserialize<'de> for RuleId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        if RULES.iter().any(|r| r.id == s) {
            return Ok(RuleId(s));
        }
        let hint = closest_rule(&s)
            .map(|c| format!("did you mean `{c}`? "))
            .unwrap_or_default();
        Err(serde::de::Error::custom(format!(
            "unknown rule `{s}`; {hint}`widget-migrate rules` lists the valid ids"
        )))
    }
}

/// The rule id sharing the longest prefix with `s` (same section first).
fn closest_rule(s: &str) -> Option<&'static str> {
    let common = |a: &str, b: &str| a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    RULES
        .iter()
        .map(|r| (common(&r.id, s), r.id.as_str()))
        .filter(|(n, id)| *n > id.find('/').unwrap_or(0))
        .max_by_key(|(n, _)| *n)
        .map(|(_, id)| id)
}

/// A glob as written, compiled.
#[derive(Debug, Clone)]
pub struct Pattern {
    pub text: String,
    set: GlobSet,
}

impl Pattern {
    pub fn new(text: &str) -> Result<Pattern, String> {
        let trimmed = text.trim_start_matches("./").trim_end_matches('/');
        let anchored = if trimmed.contains('/') {
            trimmed.to_string()
        } else {
            format!("**/{trimmed}")
        };
        let mut set = GlobSetBuilder::new();
        for p in [anchored.clone(), format!("{anchored}/**")] {
            let glob = GlobBuilder::new(&p)
                .literal_separator(true)
                .build()
                .map_err(|e| format!("bad glob `{text}`: {}", e.kind()))?;
            set.add(glob);
        }
        let set = set.build().map_err(|e| format!("bad glob `{text}`: {e}"))?;
        Ok(Pattern {
            text: text.to_string(),
            set,
        })
    }

    /// Whether `rel` (relative to the config's folder) matches.
    pub fn matches(&self, rel: &Path) -> bool {
        self.set.is_match(rel)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Pattern::new(&s).map_err(serde::de::Error::custom)
    }
}

fn version<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Version>, D::Error> {
    let s = String::deserialize(d)?;
    Version::parse(&s).map(Some).ok_or_else(|| {
        serde::de::Error::custom(format!("`{s}` is not a widget version like \"5.16.1\""))
    })
}

/// A config file found for a path.
#[derive(Debug, Clone)]
pub struct ProjectConfig {
    /// The file it was read from (widget-migrate.json or package.json).
    pub path: PathBuf,
    /// The folder globs are relative to (absolute).
    pub root: PathBuf,
    pub file: ConfigFile,
}

/// What the config makes of one rule in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleAction {
    Run,
    Off,
    Manual,
}

impl ProjectConfig {
    /// `file` relative to the config's folder (None when it lies outside).
    fn relative(&self, file: &Path) -> Option<PathBuf> {
        let abs = std::path::absolute(file).ok()?;
        abs.strip_prefix(&self.root).ok().map(Path::to_path_buf)
    }

    /// Whether the walk takes `file`: it matches `include` (when given) and no `exclude`.
    pub fn includes(&self, file: &Path) -> bool {
        let Some(rel) = self.relative(file) else {
            return true;
        };
        (self.file.include.is_empty() || self.file.include.iter().any(|p| p.matches(&rel)))
            && !self.file.exclude.iter().any(|p| p.matches(&rel))
    }

    /// What `rule` does in `file`: an `ignore` entry turns it off there, then `rules`.
    pub fn action(&self, rule: &str, file: &Path) -> RuleAction {
        let rel = self.relative(file);
        let ignored = self.file.ignore.iter().any(|e| {
            e.rule.0 == rule
                && match (&e.path, &rel) {
                    (None, _) => true,
                    (Some(p), Some(rel)) => p.matches(rel),
                    (Some(_), None) => false,
                }
        });
        if ignored {
            return RuleAction::Off;
        }
        match self.file.rules.get(&RuleId(rule.to_string())) {
            Some(RuleSetting::Off) => RuleAction::Off,
            Some(RuleSetting::Manual) => RuleAction::Manual,
            None => RuleAction::Run,
        }
    }
}

/// A config file that cannot be read or holds a bad value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based; 0 when the error has no place in the file.
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = crate::output::display_path(&self.path);
        if self.line == 0 {
            write!(f, "{path}: {}", self.message)
        } else {
            write!(f, "{path}:{}:{}: {}", self.line, self.column, self.message)
        }
    }
}

impl std::error::Error for ConfigError {}

impl ConfigError {
    fn json(path: &Path, source: &str, e: &serde_json::Error) -> ConfigError {
        // serde_json appends " at line L column C"; the place goes in front instead.
        let text = e.to_string();
        let message = text
            .rsplit_once(" at line ")
            .map_or(text.as_str(), |(m, _)| m)
            .to_string();
        let (line, column) = value_place(source, e, &message).unwrap_or((e.line(), e.column()));
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            message: explain_choices(message),
        }
    }
}

/// serde_json places an error in a value after the value (often on the next line);
/// the value quoted in the message, found last before that place, is where it is.
fn value_place(source: &str, e: &serde_json::Error, message: &str) -> Option<(usize, usize)> {
    let quoted = message.split('`').nth(1)?;
    let end: usize = source
        .split_inclusive('\n')
        .take(e.line().saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + e.column();
    let upto = source.get(..end.min(source.len()))?;
    let at = upto.rfind(&format!("\"{quoted}\""))?;
    let before = upto.get(..at)?;
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Some((line, column))
}

/// serde's messages for unknown keys and values list the choices; name the context too.
fn explain_choices(message: String) -> String {
    if message.starts_with("unknown field") {
        format!("{message} (see widget-migrate.schema.json)")
    } else {
        message
    }
}

/// The config that applies to `path`: the nearest `widget-migrate.json`, or package.json
/// with a `"widgetMigrate"` key, in the path's folder or above. `Ok(None)` when there
/// is none.
pub fn load_for(path: &Path) -> Result<Option<ProjectConfig>, ConfigError> {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let start = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    for dir in start.into_iter().flat_map(Path::ancestors) {
        if let Some(config) = load_in(dir, path)? {
            return Ok(Some(config));
        }
    }
    Ok(None)
}

/// The config in folder `dir` itself (absolute), shown relative like `given`.
fn load_in(dir: &Path, given: &Path) -> Result<Option<ProjectConfig>, ConfigError> {
    let own = dir.join(FILE_NAME);
    if own.is_file() {
        let text = read(&own)?;
        let file = parse(&text).map_err(|e| ConfigError::json(&own, &text, &e))?;
        return Ok(Some(ProjectConfig {
            path: shown(given, &own),
            root: dir.to_path_buf(),
            file,
        }));
    }
    let pkg = dir.join("package.json");
    if pkg.is_file() {
        // A package.json that cannot be read as text is that file's error (the run
        // reports it where it processes the file), not the run's: it is no config.
        let Ok(text) = std::fs::read_to_string(&pkg) else {
            return Ok(None);
        };
        // A package.json that is not JSON, or has no key, is not a config.
        let has_key = serde_json::from_str::<serde_json::Value>(&text)
            .is_ok_and(|v| v.get(PACKAGE_KEY).is_some());
        if has_key {
            #[derive(Deserialize)]
            struct Package {
                #[serde(rename = "widgetMigrate")]
                config: ConfigFile,
            }
            let file = serde_json::from_str::<Package>(&text)
                .map_err(|e| ConfigError::json(&pkg, &text, &e))?
                .config;
            return Ok(Some(ProjectConfig {
                path: shown(given, &pkg),
                root: dir.to_path_buf(),
                file,
            }));
        }
    }
    Ok(None)
}

/// Configs in folders below the walked `roots`: each of `files` (found by walking the
/// roots) takes the nearest config above it, as a path given does. Returns the configs
/// found and, per file, the index of its own among them (`None`: the roots' config, or
/// a file named as a root). Only `candidates` are read (the folders where the walk met a
/// widget-migrate.json or package.json: no file system calls for the others), each once.
pub fn nested(
    roots: &[PathBuf],
    files: &[PathBuf],
    candidates: &[PathBuf],
) -> Result<(Vec<ProjectConfig>, Vec<Option<usize>>), ConfigError> {
    let candidates: std::collections::HashSet<&Path> =
        candidates.iter().map(PathBuf::as_path).collect();
    let mut found: Vec<ProjectConfig> = Vec::new();
    let mut by_dir: HashMap<&Path, Option<usize>> =
        roots.iter().map(|r| (r.as_path(), None)).collect();
    let mut owners = Vec::with_capacity(files.len());
    for file in files {
        let owner = match file.parent() {
            Some(dir) if !roots.contains(file) => {
                nearest(dir, &candidates, &mut by_dir, &mut found)?
            }
            _ => None,
        };
        owners.push(owner);
    }
    Ok((found, owners))
}

/// The config nearest above `dir` up to a root (memoised in `by_dir`).
fn nearest<'p>(
    dir: &'p Path,
    candidates: &std::collections::HashSet<&Path>,
    by_dir: &mut HashMap<&'p Path, Option<usize>>,
    found: &mut Vec<ProjectConfig>,
) -> Result<Option<usize>, ConfigError> {
    if let Some(&owner) = by_dir.get(dir) {
        return Ok(owner);
    }
    // Above every root (cannot happen for walked files): the roots' config.
    let Some(parent) = dir.parent() else {
        return Ok(None);
    };
    let own = if candidates.contains(dir) {
        let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        load_in(&abs, dir)?
    } else {
        None
    };
    let owner = match own {
        Some(config) => {
            found.push(config);
            Some(found.len() - 1)
        }
        None => nearest(parent, candidates, by_dir, found)?,
    };
    by_dir.insert(dir, owner);
    Ok(owner)
}

/// Parses the text of a widget-migrate.json.
pub fn parse(text: &str) -> Result<ConfigFile, serde_json::Error> {
    serde_json::from_str(text.strip_prefix('\u{feff}').unwrap_or(text))
}

fn read(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|e| ConfigError {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        message: format!("cannot read: {e}"),
    })
}

/// The config's path as the user would write it: relative to the current folder when
/// the path given was relative.
fn shown(given: &Path, found: &Path) -> PathBuf {
    if given.is_absolute() {
        return found.to_path_buf();
    }
    std::env::current_dir()
        .ok()
        .and_then(|cwd| found.strip_prefix(cwd).ok().map(Path::to_path_buf))
        .unwrap_or_else(|| found.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_relative_paths() {
        let p = Pattern::new("legacy").unwrap();
        assert!(p.matches(Path::new("legacy/a.js")));
        assert!(p.matches(Path::new("src/legacy/a.js")));
        let p = Pattern::new("src/*.css").unwrap();
        assert!(p.matches(Path::new("src/a.css")));
        assert!(!p.matches(Path::new("src/x/a.css")));
        let p = Pattern::new("**/*.test.js").unwrap();
        assert!(p.matches(Path::new("a/b/c.test.js")));
    }

    #[test]
    fn bad_values_name_the_line_and_the_choices() {
        let e = parse("{\n  \"engine\": \"oei\"\n}").unwrap_err();
        assert_eq!(e.line(), 2);
        assert!(e.to_string().contains("`oie`"), "{e}");
        let e = parse("{\"rules\": {\"css/nope\": \"off\"}}").unwrap_err();
        assert!(e.to_string().contains("unknown rule"), "{e}");
        let e = parse("{\"froom\": \"5.0.0\"}").unwrap_err();
        assert!(e.to_string().contains("expected one of"), "{e}");
    }
}
