//! Rule metadata and the migration target. The tables live in `transforms/` as JSON,
//! embedded at build time and parsed once.

use crate::edit::Safety;
use crate::version::Version;
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;
use std::sync::LazyLock;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Section {
    I18n,
    Css,
    Config,
    Methods,
    /// Pages: the widget's `<script src>` / `<link href>` tags.
    Html,
}

impl Section {
    pub const ALL: [Section; 5] = [
        Section::I18n,
        Section::Css,
        Section::Config,
        Section::Methods,
        Section::Html,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Section::I18n => "i18n",
            Section::Css => "css",
            Section::Config => "config",
            Section::Methods => "methods",
            Section::Html => "html",
        }
    }

    pub fn parse(s: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|x| x.as_str() == s.trim())
    }
}

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "lowercase")]
pub enum Engine {
    /// Okta Identity Engine.
    Oie,
    /// Okta Classic Engine.
    Classic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EngineFilter {
    Any,
    Oie,
    Classic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GenFilter {
    Any,
    Gen2,
    Gen3,
}

pub fn version_opt<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Version>, D::Error> {
    let s: Option<String> = Option::deserialize(d)?;
    s.map(|s| {
        Version::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("bad version `{s}`")))
    })
    .transpose()
}

pub fn version_req<'de, D: Deserializer<'de>>(d: D) -> Result<Version, D::Error> {
    let s = String::deserialize(d)?;
    Version::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("bad version `{s}`")))
}

fn ser_version_opt<S: serde::Serializer>(v: &Option<Version>, s: S) -> Result<S::Ok, S::Error> {
    match v {
        Some(v) => s.serialize_str(&v.to_string()),
        None => s.serialize_none(),
    }
}

/// What `widget-migrate rules` lists for each rule.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct RuleMeta {
    pub id: String,
    pub section: Section,
    pub kb: Vec<String>,
    pub safety: Safety,
    pub engine: EngineFilter,
    pub gen: GenFilter,
    #[serde(deserialize_with = "version_opt", serialize_with = "ser_version_opt")]
    pub since: Option<Version>,
    #[serde(deserialize_with = "version_opt", serialize_with = "ser_version_opt")]
    pub until: Option<Version>,
    pub message: String,
    pub help: String,
    pub docs: String,
}

#[derive(Deserialize)]
struct RuleFile {
    rules: Vec<RuleMeta>,
}

#[derive(Deserialize)]
pub struct Versions {
    #[serde(deserialize_with = "version_req")]
    pub oldest: Version,
    #[serde(deserialize_with = "version_req")]
    pub newest: Version,
}

#[derive(Deserialize)]
pub struct KbFile {
    pub rows: BTreeMap<String, String>,
}

pub const RULES_JSON: &str = include_str!("../transforms/rules.json");
pub const VERSIONS_JSON: &str = include_str!("../transforms/versions.json");
pub const KB_JSON: &str = include_str!("../transforms/kb.json");

/// Every rule, sorted by id. The embedded tables are checked by the test suite, so a
/// failure to parse them here is a build defect, reported as such.
pub static RULES: LazyLock<Vec<RuleMeta>> = LazyLock::new(|| {
    serde_json::from_str::<RuleFile>(RULES_JSON)
        .unwrap_or_else(|e| panic!("transforms/rules.json is invalid: {e}"))
        .rules
});

pub static VERSIONS: LazyLock<Versions> = LazyLock::new(|| {
    serde_json::from_str(VERSIONS_JSON)
        .unwrap_or_else(|e| panic!("transforms/versions.json is invalid: {e}"))
});

pub fn rule(id: &str) -> &'static RuleMeta {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap_or_else(|| panic!("rule `{id}` is not in transforms/rules.json"))
}

/// What the user migrates to (the command line, minus the per-file `from`).
#[derive(Debug, Clone)]
pub struct Target {
    /// `--from` when given; otherwise detected per file.
    pub from: Option<Version>,
    pub to: Version,
    pub engine: Engine,
    pub gen3: bool,
    pub sections: Vec<Section>,
    pub allow_unsafe: bool,
    /// Leave a `widget-migrate:` comment at each manual item.
    pub insert_todos: bool,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            from: None,
            to: VERSIONS.newest,
            engine: Engine::Oie,
            gen3: false,
            sections: Section::ALL.to_vec(),
            allow_unsafe: false,
            insert_todos: false,
        }
    }
}

/// The target as seen by the rules of one file.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    pub target: &'a Target,
    pub from: Version,
}

impl Ctx<'_> {
    /// A change first required in `since` matters when `from < since <= to`.
    pub fn in_window(&self, since: Version) -> bool {
        self.from < since && since <= self.target.to
    }

    /// Whether the target's engine and generation pass these filters.
    pub fn targets(&self, engine: EngineFilter, gen: GenFilter) -> bool {
        let engine_ok = match engine {
            EngineFilter::Any => true,
            EngineFilter::Oie => self.target.engine == Engine::Oie,
            EngineFilter::Classic => self.target.engine == Engine::Classic,
        };
        let gen_ok = match gen {
            GenFilter::Any => true,
            GenFilter::Gen2 => !self.target.gen3,
            GenFilter::Gen3 => self.target.gen3,
        };
        engine_ok && gen_ok
    }

    /// Section, engine, generation and version filters of a rule.
    pub fn enabled(&self, rule: &RuleMeta) -> bool {
        let since_ok = rule.since.is_none_or(|s| self.in_window(s));
        let until_ok = rule.until.is_none_or(|u| self.target.to < u);
        self.target.sections.contains(&rule.section)
            && self.targets(rule.engine, rule.gen)
            && since_ok
            && until_ok
    }
}
