//! Findings that are not (or not only) edits: manual items, notes, and errors.

use crate::rules::RuleMeta;
use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Context only; never changes the exit code.
    Info,
    /// Something a human must do; exit code 1.
    Warning,
    /// The file could not be processed; exit code 2.
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: String,
    pub kb: Option<String>,
    pub severity: Severity,
    /// What was found, and why it matters under the target.
    pub message: String,
    /// What to do.
    pub help: Option<String>,
    pub url: Option<String>,
    /// Byte range in the file.
    pub start: usize,
    pub end: usize,
}

impl Diagnostic {
    /// A manual item of `rule`: the message names what was found; help and docs come
    /// from the rule table.
    pub fn manual(
        rule: &RuleMeta,
        kb: &str,
        message: String,
        range: std::ops::Range<usize>,
    ) -> Self {
        Diagnostic {
            rule: rule.id.clone(),
            kb: Some(kb.to_string()),
            severity: Severity::Warning,
            message,
            help: Some(rule.help.clone()),
            url: Some(rule.docs.clone()),
            start: range.start,
            end: range.end,
        }
    }

    /// A finding of the engine itself (not of a migration rule).
    pub fn core(
        rule: &str,
        severity: Severity,
        message: String,
        range: std::ops::Range<usize>,
    ) -> Self {
        Diagnostic {
            rule: rule.to_string(),
            kb: None,
            severity,
            message,
            help: None,
            url: None,
            start: range.start,
            end: range.end,
        }
    }

    pub fn with_kb(mut self, kb: impl Into<String>) -> Self {
        self.kb = Some(kb.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}
