//! Which front end handles a file, decided by its name (and, for a `.properties` file
//! with another name, by the bundles beside it or by being named on the command line).

use crate::lang::css::StyleSyntax;
use crate::lang::html::Sfc;
use crate::lang::js::Dialect;
pub use crate::lang::template::Flavor;
use std::path::Path;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    Js(Dialect),
    /// A label bundle: one language's strings (`login_fr.properties`, `country_de.json`).
    Bundle {
        format: BundleFormat,
        lang: String,
        /// `country*` bundles hold country names keyed by code.
        country: bool,
    },
    /// A JSON file that may hold a widget configuration (`config.json`).
    JsonConfig,
    /// A package.json (the widget's version range).
    PackageJson,
    /// A stylesheet: `.css .scss .sass .less`.
    Css(StyleSyntax),
    /// An HTML page or server template (`.html`, `.hbs`, `.ejs`, `.php`, `.jsp`, …): its
    /// `<script>`/`<style>` bodies and widget `<script src>`/`<link href>` tags, with
    /// template placeholders masked.
    Html(Flavor),
    /// A Vue or Svelte single-file component: its `<script>` and `<style>` blocks.
    Sfc(Sfc),
}

/// Extensions of pages and server templates (lower case).
const HTML_EXTENSIONS: [&str; 20] = [
    "html",
    "htm",
    "xhtml",
    "shtml",
    "hbs",
    "handlebars",
    "mustache",
    "ejs",
    "erb",
    "php",
    "phtml",
    "jsp",
    "jspx",
    "jspf",
    "twig",
    "njk",
    "liquid",
    "tpl",
    "tmpl",
    "template",
];

/// Names (without extension) under which Okta's hosted-page templates are kept.
const OKTA_TEMPLATE_NAMES: [&str; 6] = [
    "sign-in",
    "signin",
    "sign-in-page",
    "custom-sign-in",
    "error",
    "error-page",
];

/// Extensions that are never taken as a page, even when the file is named on the
/// command line: styles (the CSS front end), documentation and other text.
const NEVER_HTML: [&str; 10] = [
    "css", "scss", "sass", "less", "styl", "md", "markdown", "txt", "map", "lock",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleFormat {
    Properties,
    Json,
}

/// JSON files that are never bundles or configurations.
const NOT_CONFIG_JSON: [&str; 8] = [
    "package.json",
    "package-lock.json",
    "npm-shrinkwrap.json",
    "composer.json",
    "composer.lock",
    "bower.json",
    "lerna.json",
    "yarn.lock",
];

fn is_bundle_name(stem: &str) -> Option<bool> {
    let lower = stem.to_ascii_lowercase();
    if lower == "login" || lower.starts_with("login_") || lower.starts_with("login-") {
        Some(false)
    } else if lower == "country" || lower.starts_with("country_") || lower.starts_with("country-") {
        Some(true)
    } else {
        None
    }
}

/// The language of a bundle from its name: `login_zh_CN` → `zh_CN`, `login` → `en`.
pub fn bundle_lang(stem: &str) -> String {
    match stem.split_once(['_', '-']) {
        Some((_, lang)) if !lang.is_empty() => lang.to_string(),
        _ => "en".to_string(),
    }
}

impl FileKind {
    /// The kind of `path`; `named` when the user named the file itself on the command line.
    pub fn for_path(path: &Path, named: bool) -> Option<FileKind> {
        let name = path.file_name()?.to_str()?;
        let Some(ext) = path.extension().and_then(|e| e.to_str()) else {
            let okta = OKTA_TEMPLATE_NAMES.contains(&name.to_ascii_lowercase().as_str());
            return (okta || named).then_some(FileKind::Html(Flavor::Generic));
        };
        let stem = &name[..name.len() - ext.len() - 1];
        match ext {
            "properties" => {
                let country = match is_bundle_name(stem) {
                    Some(c) => c,
                    None if named || beside_bundles(path) => false,
                    None => return None,
                };
                Some(FileKind::Bundle {
                    format: BundleFormat::Properties,
                    lang: bundle_lang(stem),
                    country,
                })
            }
            "json" => {
                if name == "package.json" {
                    return Some(FileKind::PackageJson);
                }
                if NOT_CONFIG_JSON.contains(&name)
                    || name.starts_with("tsconfig")
                    || name.ends_with(".lock.json")
                {
                    return None;
                }
                match is_bundle_name(stem) {
                    Some(country) => Some(FileKind::Bundle {
                        format: BundleFormat::Json,
                        lang: bundle_lang(stem),
                        country,
                    }),
                    None => Some(FileKind::JsonConfig),
                }
            }
            _ => Dialect::for_path(path)
                .map(FileKind::Js)
                .or_else(|| StyleSyntax::for_path(path).map(FileKind::Css))
                .or_else(|| page_kind(name, ext, named)),
        }
    }
}

/// The kind of a page, component or template, by extension; any other file the user
/// named is read as a page too (unless it is a declaration file, a style or a text).
fn page_kind(name: &str, ext: &str, named: bool) -> Option<FileKind> {
    let ext = ext.to_ascii_lowercase();
    match ext.as_str() {
        "vue" => return Some(FileKind::Sfc(Sfc::Vue)),
        "svelte" => return Some(FileKind::Sfc(Sfc::Svelte)),
        "php" | "phtml" => return Some(FileKind::Html(Flavor::Php)),
        "jsp" | "jspx" | "jspf" => return Some(FileKind::Html(Flavor::Jsp)),
        e if HTML_EXTENSIONS.contains(&e) => return Some(FileKind::Html(Flavor::Generic)),
        _ => {}
    }
    let declaration = [".d.ts", ".d.mts", ".d.cts"]
        .iter()
        .any(|d| name.ends_with(d));
    (named && !declaration && !NEVER_HTML.contains(&ext.as_str()))
        .then_some(FileKind::Html(Flavor::Generic))
}

/// A `.properties` file in a folder that holds `login*`/`country*` bundles is one too.
fn beside_bundles(path: &Path) -> bool {
    let Some(dir) = path.parent() else {
        return false;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|e| {
            let p = e.path();
            p.extension().is_some_and(|x| x == "properties")
                && p.file_stem()
                    .and_then(|s| s.to_str())
                    .and_then(is_bundle_name)
                    .is_some()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_by_name() {
        let k = |p: &str| FileKind::for_path(Path::new(p), false);
        assert_eq!(
            k("a/login_zh_CN.properties"),
            Some(FileKind::Bundle {
                format: BundleFormat::Properties,
                lang: "zh_CN".into(),
                country: false
            })
        );
        assert_eq!(
            k("country_de.json"),
            Some(FileKind::Bundle {
                format: BundleFormat::Json,
                lang: "de".into(),
                country: true
            })
        );
        assert_eq!(
            k("login.json"),
            Some(FileKind::Bundle {
                format: BundleFormat::Json,
                lang: "en".into(),
                country: false
            })
        );
        assert_eq!(k("src/config.json"), Some(FileKind::JsonConfig));
        assert_eq!(k("package.json"), Some(FileKind::PackageJson));
        assert_eq!(k("package-lock.json"), None);
        assert_eq!(k("tsconfig.app.json"), None);
        assert_eq!(k("/nonexistent/messages_fr.properties"), None);
        assert_eq!(
            FileKind::for_path(Path::new("/nonexistent/messages_fr.properties"), true),
            Some(FileKind::Bundle {
                format: BundleFormat::Properties,
                lang: "fr".into(),
                country: false
            })
        );
        assert_eq!(k("x.tsx"), Some(FileKind::Js(Dialect::Tsx)));
        assert_eq!(k("x.css"), Some(FileKind::Css(StyleSyntax::Css)));
        assert_eq!(k("a/b.scss"), Some(FileKind::Css(StyleSyntax::Scss)));
        assert_eq!(k("b.sass"), Some(FileKind::Css(StyleSyntax::Sass)));
        assert_eq!(k("b.less"), Some(FileKind::Css(StyleSyntax::Less)));
        assert_eq!(k("x.styl"), None);
    }

    #[test]
    fn pages_components_and_templates() {
        let k = |p: &str| FileKind::for_path(Path::new(p), false);
        let named = |p: &str| FileKind::for_path(Path::new(p), true);
        assert_eq!(k("a/login.html"), Some(FileKind::Html(Flavor::Generic)));
        assert_eq!(k("views/login.HBS"), Some(FileKind::Html(Flavor::Generic)));
        assert_eq!(k("login.ejs"), Some(FileKind::Html(Flavor::Generic)));
        assert_eq!(k("login.php"), Some(FileKind::Html(Flavor::Php)));
        assert_eq!(k("WEB-INF/login.jsp"), Some(FileKind::Html(Flavor::Jsp)));
        assert_eq!(k("Login.vue"), Some(FileKind::Sfc(Sfc::Vue)));
        assert_eq!(k("Login.svelte"), Some(FileKind::Sfc(Sfc::Svelte)));
        assert_eq!(
            k("okta/sign-in-page"),
            Some(FileKind::Html(Flavor::Generic))
        );
        assert_eq!(k("Makefile"), None);
        assert_eq!(k("page.aspx"), None);
        assert_eq!(named("page.aspx"), Some(FileKind::Html(Flavor::Generic)));
        assert_eq!(named("Makefile"), Some(FileKind::Html(Flavor::Generic)));
        assert_eq!(named("types.d.ts"), None);
        assert_eq!(named("README.md"), None);
        assert_eq!(named("site.css"), Some(FileKind::Css(StyleSyntax::Css)));
        assert_eq!(named("package.json"), Some(FileKind::PackageJson));
        assert_eq!(named("x.js"), Some(FileKind::Js(Dialect::Js)));
    }
}
