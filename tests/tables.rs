//! The rule tables in transforms/ are data; these tests keep them honest.

mod common;

use std::collections::{BTreeSet, HashMap, HashSet};
use widget_migrate::rules::{KbFile, RULES, VERSIONS};
use widget_migrate::transforms::i18n::INDEX;
use widget_migrate::version::Version;

fn kb_rows() -> BTreeSet<String> {
    let kb: KbFile = serde_json::from_str(widget_migrate::rules::KB_JSON).unwrap();
    kb.rows.keys().cloned().collect()
}

#[test]
fn rules_have_unique_sorted_namespaced_ids_and_known_kb_rows() {
    let known = kb_rows();
    let ids: Vec<&str> = RULES.iter().map(|r| r.id.as_str()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "rules.json must be sorted by id");
    let unique: HashSet<&str> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "rule ids must be unique");
    for r in RULES.iter() {
        let (section, name) = r.id.split_once('/').expect("ids are namespaced by section");
        assert_eq!(
            section,
            r.section.as_str(),
            "{}: namespace must be its section",
            r.id
        );
        assert!(
            !name.is_empty()
                && name
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: kebab-case",
            r.id
        );
        assert!(!r.kb.is_empty(), "{}: names its knowledge-base rows", r.id);
        for kb in &r.kb {
            assert!(known.contains(kb), "{}: unknown kb row {kb}", r.id);
        }
        assert!(r.docs.starts_with("https://"), "{}: docs link", r.id);
        assert!(
            !r.message.is_empty() && !r.help.is_empty(),
            "{}: message and help",
            r.id
        );
        if let (Some(a), Some(b)) = (r.since, r.until) {
            assert!(a < b, "{}: since < until", r.id);
        }
    }
}

#[test]
fn versions_are_sorted_and_bound_the_known_range() {
    let v: serde_json::Value = serde_json::from_str(widget_migrate::rules::VERSIONS_JSON).unwrap();
    let known: Vec<Version> = v["known"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Version::parse(s.as_str().unwrap()).unwrap())
        .collect();
    let mut sorted = known.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(known, sorted);
    assert_eq!(known.first(), Some(&VERSIONS.oldest));
    assert_eq!(known.last(), Some(&VERSIONS.newest));
}

fn rule_kb(id: &str) -> HashSet<String> {
    RULES
        .iter()
        .find(|r| r.id == id)
        .unwrap()
        .kb
        .iter()
        .cloned()
        .collect()
}

fn is_key(k: &str) -> bool {
    !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-".contains(c))
}

#[test]
fn i18n_table_is_consistent() {
    let t = &INDEX.table;
    let newest = VERSIONS.newest;
    let rename_kb = rule_kb("i18n/rename-key");
    let split_kb = rule_kb("i18n/split-key");
    let oie_kb = rule_kb("i18n/oie-key");
    let classic_kb = rule_kb("i18n/classic-only-key");
    let mut olds = HashSet::new();
    for r in &t.renames {
        assert!(
            rename_kb.contains(&r.kb),
            "rename {} uses {} not listed by i18n/rename-key",
            r.from,
            r.kb
        );
        assert!(
            is_key(&r.from) && is_key(&r.to) && r.from != r.to,
            "rename {} -> {}",
            r.from,
            r.to
        );
        assert!(r.since <= newest);
        assert!(olds.insert(r.from.as_str()), "duplicate old key {}", r.from);
    }
    for s in &t.splits {
        assert!(split_kb.contains(&s.kb), "split {} uses {}", s.from, s.kb);
        assert!(s.candidates.len() >= 2 && s.candidates.iter().all(|c| is_key(c)));
        assert!(olds.insert(s.from.as_str()), "duplicate old key {}", s.from);
    }
    for o in &t.oie_keys {
        assert!(oie_kb.contains(&o.kb));
        assert!(is_key(&o.to));
        assert!(olds.insert(o.from.as_str()), "duplicate old key {}", o.from);
    }
    for r in &t.removed {
        assert!(r.since <= newest && is_key(&r.key));
        assert!(
            olds.insert(r.key.as_str()),
            "removed key {} is also renamed",
            r.key
        );
    }
    let mut classic = HashSet::new();
    for c in &t.classic_only {
        assert!(classic_kb.contains(&c.kb), "{} uses {}", c.key, c.kb);
        assert!(
            classic.insert(c.key.as_str()),
            "duplicate classic-only key {}",
            c.key
        );
    }
    // Sorted by version, so the table reads as a release history.
    assert!(t.renames.windows(2).all(|w| w[0].since <= w[1].since));
    assert!(t.splits.windows(2).all(|w| w[0].since <= w[1].since));
    assert!(t.removed.windows(2).all(|w| w[0].since <= w[1].since));
    // Chains move forward in time and end.
    let by_from: HashMap<&str, &widget_migrate::transforms::i18n::Rename> =
        t.renames.iter().map(|r| (r.from.as_str(), r)).collect();
    for r in &t.renames {
        let mut cur = r;
        for _ in 0..=t.renames.len() {
            match by_from.get(cur.to.as_str()) {
                Some(next) => {
                    assert!(
                        next.since > cur.since,
                        "chain {} -> {} goes back in time",
                        cur.from,
                        next.to
                    );
                    cur = next;
                }
                None => break,
            }
        }
        assert!(
            !by_from.contains_key(cur.to.as_str()),
            "rename chain from {} does not end",
            r.from
        );
    }
    // Every I-row of the knowledge base that is a rename, split or OIE key is covered.
    let used: HashSet<&str> = t
        .renames
        .iter()
        .map(|r| r.kb.as_str())
        .chain(t.splits.iter().map(|s| s.kb.as_str()))
        .chain(t.oie_keys.iter().map(|o| o.kb.as_str()))
        .chain(t.classic_only.iter().map(|c| c.kb.as_str()))
        .collect();
    for n in 1..=34 {
        let row = format!("I{n}");
        assert!(used.contains(row.as_str()), "{row} has no table entry");
    }
}

#[test]
fn every_rule_has_fixtures() {
    let root = common::repo().join("testdata/fixtures");
    let mut seen = String::new();
    for case in std::fs::read_dir(&root).unwrap() {
        if let Ok(t) = std::fs::read_to_string(case.unwrap().path().join("expected.txt")) {
            seen.push_str(&t);
        }
    }
    for r in RULES.iter() {
        assert!(
            seen.contains(&format!(" {} [", r.id)),
            "rule {} appears in no fixture's expected.txt",
            r.id
        );
    }
}

#[test]
fn renames_agree_with_the_shipped_releases() {
    use widget_migrate::releases::{LOGIN_KEYS, VERSIONS as RELEASES};
    let t = &INDEX.table;
    let renamed_at: HashMap<&str, Version> = t
        .renames
        .iter()
        .map(|r| (r.from.as_str(), r.since))
        .collect();
    let newest = RELEASES.len() - 1;
    let mut problems = Vec::new();
    for r in &t.renames {
        // The old key is gone from `since` on; the new key is there from `since` until
        // it is itself renamed.
        let until = renamed_at.get(r.to.as_str()).copied();
        for (i, &v) in RELEASES.iter().enumerate() {
            if v < r.since {
                continue;
            }
            if LOGIN_KEYS.ships(&r.from, i) {
                problems.push(format!("{} ({}) still shipped by {v}", r.from, r.kb));
            }
            if until.is_none_or(|u| v < u) && !LOGIN_KEYS.ships(&r.to, i) {
                problems.push(format!(
                    "{} -> {} ({}): {v} lacks the new key",
                    r.from, r.to, r.kb
                ));
            }
        }
    }
    for s in &t.splits {
        for (i, &v) in RELEASES.iter().enumerate() {
            if v >= s.since && LOGIN_KEYS.ships(&s.from, i) {
                problems.push(format!("split {} still shipped by {v}", s.from));
            }
        }
    }
    for r in &t.removed {
        if LOGIN_KEYS.ships(&r.key, newest) {
            problems.push(format!(
                "removed key {} is shipped by the newest release",
                r.key
            ));
        }
    }
    for o in &t.oie_keys {
        assert!(LOGIN_KEYS.ships(&o.to, newest), "{} -> {}", o.from, o.to);
        for alt in &o.alternatives {
            assert!(LOGIN_KEYS.ships(alt, newest), "{alt}");
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn css_table_agrees_with_the_releases_and_parses() {
    use widget_migrate::lang::css::{parse, StyleSyntax};
    use widget_migrate::releases::{release_for, CSS_NAMES, CSS_NAMES_NEXT, VERSIONS as RELEASES};
    use widget_migrate::transforms::css::{is_chosen, TABLE};
    let t = &*TABLE;
    let newest = release_for(VERSIONS.newest).unwrap();
    let parses = |sel: &str| parse(&format!("{sel} {{ a: b }}"), StyleSyntax::Css, 0).is_ok();
    let sigil = |n: &str| n.starts_with('.') || n.starts_with('#');
    // S3: Chosen names were shipped and are gone from the newest release (7.37.0).
    let chosen_names = t.chosen.names.iter().chain(t.chosen.direct.keys());
    for n in chosen_names {
        assert!(sigil(n) && is_chosen(n), "{n}");
        assert!(CSS_NAMES.known(n), "{n} was never shipped");
        assert!(!CSS_NAMES.ships(n, newest), "{n} still shipped");
    }
    for (name, sel) in &t.chosen.direct {
        assert!(
            parses(&format!("{} {sel}", t.chosen.context)),
            "{name} -> {sel}"
        );
    }
    let at_7_37 = RELEASES
        .iter()
        .position(|v| v.to_string() == "7.27.3")
        .unwrap();
    assert!(CSS_NAMES.ships(".chzn-single", at_7_37) && !CSS_NAMES.ships(".chzn-single", newest));
    // S6: replacements are selectors; the ids are in no release's CSS.
    for row in &t.classic_ids {
        assert!(!CSS_NAMES.known(&row.name), "{}", row.name);
        for r in [&row.gen2, &row.gen3] {
            let ctx = r.context.as_deref().unwrap_or("");
            assert!(
                parses(&format!("{ctx} {}{}", r.element, r.rest)),
                "{}",
                row.name
            );
        }
    }
    // S9 and friends: Gen3 forms are selectors; the Gen2 names are not in Gen3's CSS.
    for row in &t.gen3.map {
        assert!(sigil(&row.name), "{}", row.name);
        assert!(!CSS_NAMES_NEXT.ships(&row.name, newest), "{}", row.name);
        if let Some(to) = &row.to {
            assert!(parses(&to.replace('*', "google")), "{to}");
        }
        assert!(["S5", "S7", "S8", "S9"].contains(&row.kb.as_str()));
    }
    assert!(
        CSS_NAMES_NEXT.names_in(newest).next().is_some(),
        "Gen3 CSS data"
    );
    // S4: the documented hooks exist in the newest release.
    for n in &t.stable_hooks.names {
        assert!(
            CSS_NAMES.ships(n, newest) || t.rendered.contains(n) || n == ".custom-style",
            "{n}"
        );
    }
    for n in t.anchors.names.iter().chain(&t.anchors.prefixes) {
        assert!(sigil(n), "{n}");
    }
    let mut rendered = t.rendered.clone();
    rendered.sort();
    assert_eq!(
        rendered, t.rendered,
        "rendered is sorted (tools/gen_css_rendered.py)"
    );
}

#[test]
fn methods_table_is_consistent() {
    use widget_migrate::transforms::methods::TABLE;
    let known = kb_rows();
    let kebab = |s: &str| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_')
    };
    // The M-map: every row names a form, the keys it needs and a Classic controller.
    for r in &TABLE.controllers {
        assert!(kebab(&r.form) && kebab(&r.controller), "{r:?}");
        assert!(
            !r.keys.is_empty() && r.keys.iter().all(|k| kebab(k)),
            "{r:?}"
        );
    }
    let mut pairs = HashSet::new();
    for r in &TABLE.controllers {
        for k in &r.keys {
            assert!(
                pairs.insert((r.form.as_str(), k.as_str(), r.recovery)),
                "({}, {k}) maps to two controllers",
                r.form
            );
        }
    }
    for e in &TABLE.events {
        assert!(known.contains(&e.kb), "event {} cites {}", e.from, e.kb);
        assert!(rule_kb("methods/page-rendered").contains(&e.kb));
    }
    let selector_kb = rule_kb("methods/classic-selector");
    let mut seen = HashSet::new();
    for s in &TABLE.selectors {
        assert!(s.classic.starts_with(['#', '.']), "{}", s.classic);
        assert!(seen.insert(s.classic.as_str()), "duplicate {}", s.classic);
        assert!(selector_kb.contains(&s.kb), "{} cites {}", s.classic, s.kb);
    }
    for k in ["el", "clientId", "redirectUri"] {
        assert!(TABLE.render_options.iter().any(|o| o == k));
    }
    assert!(
        TABLE.error_fields.contains_key("message") && TABLE.error_fields.contains_key("statusCode")
    );
}
