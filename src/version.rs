//! Widget versions: parsing, ordering, and detecting the version a project uses today.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// A release version `major.minor.patch` (pre-release tags are ignored).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    pub major: u32,
    pub minor: u32,
    pub patch: u32,
}

impl Version {
    pub const fn new(major: u32, minor: u32, patch: u32) -> Self {
        Version {
            major,
            minor,
            patch,
        }
    }

    /// Parses `7`, `7.1`, `7.1.2`, `v7.1.2` and `7.1.2-beta.1` (the tag is dropped).
    /// `x`/`*` parts count as 0, so `5.x` is `5.0.0`.
    pub fn parse(s: &str) -> Option<Version> {
        let s = s.trim().trim_start_matches(['v', 'V', '=']);
        let core = s.split(['-', '+']).next()?;
        if core.is_empty() {
            return None;
        }
        let mut parts = [0u32; 3];
        for (n, part) in core.split('.').enumerate() {
            if n == 3 {
                return None;
            }
            parts[n] = match part {
                "x" | "X" | "*" => 0,
                _ if !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) => {
                    part.parse().ok()?
                }
                _ => return None,
            };
        }
        Some(Version::new(parts[0], parts[1], parts[2]))
    }

    /// The lowest version an npm range admits (`^5.16.1` → 5.16.1, `>=4 <6` → 4.0.0,
    /// `5.x` → 5.0.0, `1.2 - 3` → 1.2.0, `a || b` → the lower of the two).
    /// `*`, `latest`, tags, URLs and upper bounds alone give `None`.
    pub fn lowest_in_range(range: &str) -> Option<Version> {
        range
            .split("||")
            .filter_map(|alt| {
                alt.split_whitespace().find_map(|tok| {
                    let tok = tok.trim_start_matches(['^', '~', '>', '=']);
                    if tok.starts_with('<') || tok == "*" || tok == "-" {
                        return None;
                    }
                    Version::parse(tok)
                })
            })
            .min()
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

impl std::str::FromStr for Version {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s).ok_or_else(|| format!("`{s}` is not a version like 5.16.1"))
    }
}

const PACKAGE: &str = "@okta/okta-signin-widget";

/// Where a detected `--from` version came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FromSource {
    /// Given on the command line.
    Flag,
    /// `dependencies` / `devDependencies` of this package.json (lowest version of the range).
    PackageJson(PathBuf),
    /// The installed version recorded in this package-lock.json.
    PackageLock(PathBuf),
    /// A versioned CDN URL inside the file itself.
    CdnUrl,
    /// Nothing found: the oldest version the tool knows.
    Default,
}

/// Finds the widget version a file is written for; caches package.json look-ups per folder.
#[derive(Default)]
pub struct Detector {
    cache: Mutex<HashMap<PathBuf, Option<(Version, FromSource)>>>,
}

impl Detector {
    /// The version for `file` (with `text` its content), or `fallback` when nothing says.
    pub fn detect(&self, file: &Path, text: &str, fallback: Version) -> (Version, FromSource) {
        if let Some(found) = file.parent().and_then(|dir| self.manifest_version(dir)) {
            return found;
        }
        if let Some(v) = version_in_cdn_url(text) {
            return (v, FromSource::CdnUrl);
        }
        (fallback, FromSource::Default)
    }

    /// Walks up from `dir` to the nearest package.json or package-lock.json that names the widget.
    fn manifest_version(&self, dir: &Path) -> Option<(Version, FromSource)> {
        let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut chain = Vec::new();
        let mut found = None;
        let mut cur = Some(abs.as_path());
        while let Some(d) = cur {
            if let Some(hit) = self.cache.lock().ok().and_then(|c| c.get(d).cloned()) {
                found = hit;
                break;
            }
            chain.push(d.to_path_buf());
            if let Some(hit) = read_manifests(d) {
                found = Some(hit);
                break;
            }
            cur = d.parent();
        }
        if let Ok(mut cache) = self.cache.lock() {
            for d in chain {
                cache.insert(d, found.clone());
            }
        }
        found
    }
}

fn read_manifests(dir: &Path) -> Option<(Version, FromSource)> {
    let pkg = dir.join("package.json");
    if let Ok(text) = std::fs::read_to_string(&pkg) {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
            for field in ["dependencies", "devDependencies", "peerDependencies"] {
                if let Some(range) = json[field][PACKAGE].as_str() {
                    if let Some(v) = Version::lowest_in_range(range) {
                        return Some((v, FromSource::PackageJson(pkg)));
                    }
                }
            }
        }
    }
    let lock = dir.join("package-lock.json");
    if let Ok(text) = std::fs::read_to_string(&lock) {
        if let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) {
            let entry = &json["packages"][format!("node_modules/{PACKAGE}")];
            let old = &json["dependencies"][PACKAGE];
            for v in [&entry["version"], &old["version"]] {
                if let Some(v) = v.as_str().and_then(Version::parse) {
                    return Some((v, FromSource::PackageLock(lock)));
                }
            }
        }
    }
    None
}

/// A version in a CDN URL such as `.../okta-signin-widget/5.16.1/js/okta-sign-in.min.js`
/// or `.../@okta/okta-signin-widget@5.16.1/dist/...`.
pub fn version_in_cdn_url(text: &str) -> Option<Version> {
    const NAME: &str = "okta-signin-widget";
    let mut rest = text;
    while let Some(i) = rest.find(NAME) {
        rest = &rest[i + NAME.len()..];
        if let Some(after) = rest.strip_prefix('/').or_else(|| rest.strip_prefix('@')) {
            let end = after
                .find(|c: char| !(c.is_ascii_digit() || c == '.'))
                .unwrap_or(after.len());
            let candidate = after[..end].trim_end_matches('.');
            if candidate.bytes().filter(|&b| b == b'.').count() == 2 {
                if let Some(v) = Version::parse(candidate) {
                    return Some(v);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_orders() {
        assert_eq!(Version::parse("5.16.1"), Some(Version::new(5, 16, 1)));
        assert_eq!(Version::parse("v7"), Some(Version::new(7, 0, 0)));
        assert_eq!(Version::parse("7.1.0-beta.2"), Some(Version::new(7, 1, 0)));
        assert_eq!(Version::parse("5.x"), Some(Version::new(5, 0, 0)));
        assert_eq!(Version::parse("latest"), None);
        assert_eq!(Version::parse("1.2.3.4"), None);
        assert!(Version::new(5, 9, 0) < Version::new(5, 13, 0));
    }

    #[test]
    fn lowest_in_npm_ranges() {
        let v = |s| Version::lowest_in_range(s).map(|v| v.to_string());
        assert_eq!(v("^5.16.1").as_deref(), Some("5.16.1"));
        assert_eq!(v("~4.2").as_deref(), Some("4.2.0"));
        assert_eq!(v(">=4.0.0 <6").as_deref(), Some("4.0.0"));
        assert_eq!(v("6.x || ^5.2.0").as_deref(), Some("5.2.0"));
        assert_eq!(v("3.1.0 - 4").as_deref(), Some("3.1.0"));
        assert_eq!(v("*"), None);
        assert_eq!(v("<6"), None);
        assert_eq!(v("github:okta/okta-signin-widget"), None);
    }

    #[test]
    fn cdn_urls() {
        let html = r#"<script src="https://global.oktacdn.com/okta-signin-widget/5.16.1/js/okta-sign-in.min.js">"#;
        assert_eq!(version_in_cdn_url(html), Some(Version::new(5, 16, 1)));
        let unpkg = "https://unpkg.com/@okta/okta-signin-widget@4.3.0/dist/js/x.js";
        assert_eq!(version_in_cdn_url(unpkg), Some(Version::new(4, 3, 0)));
        assert_eq!(
            version_in_cdn_url("import x from '@okta/okta-signin-widget';"),
            None
        );
    }
}
