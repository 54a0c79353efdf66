//! The rules. Each section module reads its table from `transforms/` and turns the
//! located configuration into fixes and diagnostics.

pub mod config;
pub mod css;
pub mod css_selectors;
pub mod css_values;
pub mod html;
pub mod i18n;
pub mod methods;
pub mod references;
pub mod stock;
pub mod text;

use crate::diagnostic::Diagnostic;
use crate::edit::Fix;
use crate::lang::js::Parsed;
use crate::locate::{KeyKind, Located};
use crate::rules::Ctx;

/// What the rules found in one version of a file's text.
#[derive(Debug, Default)]
pub struct Findings {
    pub fixes: Vec<Fix>,
    pub diagnostics: Vec<Diagnostic>,
    /// Findings silenced by `widget-migrate-ignore` comments.
    pub ignored: Vec<crate::markers::Ignored>,
}

/// Runs every rule that works on widget configurations.
pub fn run_config_rules(located: &Located<'_>, text: &str, ctx: &Ctx<'_>, out: &mut Findings) {
    i18n::run(located, text, ctx, out);
    config::run(located, text, ctx, out);
}

/// Runs the rules that look at the whole program rather than at the configuration
/// (import paths, CDN URLs, the hosted request context, widget method calls and events);
/// `located` is the program's configuration.
pub fn run_program_rules(
    parsed: &Parsed,
    located: &Located<'_>,
    text: &str,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) {
    references::run_program(parsed, text, ctx, out);
    methods::run(parsed, located, text, ctx, out);
}

/// How to write `key` in place of a key written as `kind`, or `None` when it cannot
/// be written there by text. `quote` is the quote to use where the old key had none.
pub fn spell_key(kind: KeyKind, key: &str, quote: char) -> Option<String> {
    let quoted = |q: char| {
        let escaped = key.replace('\\', "\\\\").replace(q, &format!("\\{q}"));
        format!("{q}{escaped}{q}")
    };
    match kind {
        KeyKind::Ident if crate::locate::is_ident_name(key) => Some(key.to_string()),
        KeyKind::Ident => Some(quoted(quote)),
        KeyKind::Str(q) => Some(quoted(q)),
        KeyKind::Template if !key.contains(['`', '$', '\\']) => Some(format!("`{key}`")),
        KeyKind::Member if crate::locate::is_ident_name(key) => Some(format!(".{key}")),
        KeyKind::Member => Some(format!("[{}]", quoted(quote))),
        KeyKind::Properties => Some(crate::lang::properties::escape_key(
            key,
            crate::lang::properties::Encoding::Latin1,
            false,
        )),
        KeyKind::Template | KeyKind::Other => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_keep_their_spelling() {
        assert_eq!(
            spell_key(KeyKind::Str('"'), "a.b", '\'').as_deref(),
            Some("\"a.b\"")
        );
        assert_eq!(
            spell_key(KeyKind::Ident, "a.b", '\'').as_deref(),
            Some("'a.b'")
        );
        assert_eq!(spell_key(KeyKind::Ident, "ab", '\'').as_deref(), Some("ab"));
        assert_eq!(
            spell_key(KeyKind::Template, "a.b", '\'').as_deref(),
            Some("`a.b`")
        );
        assert_eq!(
            spell_key(KeyKind::Member, "a.b", '"').as_deref(),
            Some("[\"a.b\"]")
        );
        assert_eq!(
            spell_key(KeyKind::Member, "i18n", '"').as_deref(),
            Some(".i18n")
        );
        assert_eq!(
            spell_key(KeyKind::Str('\''), "it's", '"').as_deref(),
            Some("'it\\'s'")
        );
        assert_eq!(spell_key(KeyKind::Other, "x", '"'), None);
    }
}
