//! widget-migrate: a format-preserving codemod for Okta Sign-In Widget migrations.
//!
//! Files are parsed into syntax trees only to find spans; fixes are byte-range edits
//! spliced into the original text, so everything outside an edit stays as it was.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod diagnostic;
pub mod edit;
pub mod engine;
pub mod formats;
pub mod fsio;
pub mod instances;
pub mod interactive;
pub mod kind;
pub mod lang;
pub mod locate;
pub mod lsp;
pub mod markers;
pub mod output;
pub mod page;
pub mod progress;
pub mod releases;
pub mod report;
pub mod rules;
pub mod source;
pub mod transforms;
pub mod version;
pub mod walk;
