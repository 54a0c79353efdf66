//! Selector rewrites of the CSS rules: Chosen selectors to the native select (S3),
//! Classic input ids to the attributes Identity Engine renders (S6), and Gen2 classes
//! to the `data-se` forms of the third generation (S5, S7–S9). Each rewrites a plain
//! class or id of the selector itself, else reports it.

use super::css::is_chosen;
use super::css::{code, ClassicId, Gen3Row, Occurrence, TABLE};
use super::Findings;
use crate::diagnostic::Diagnostic;
use crate::edit::{Edit, Fix};
use crate::lang::css::{Combinator, Complex, Compound, Name, PartKind, Rule};
use crate::rules::{rule, Ctx};

/// The parts of `compound` before `name`: `None` unless they are at most one element
/// name; `Some(element)` otherwise, with the range the replacement starts at.
fn head(compound: &Compound, name: &Name) -> Option<(Option<String>, usize)> {
    let at = compound.parts.iter().position(|p| p.range == name.range)?;
    match (at, compound.parts.first()) {
        (0, _) => Some((None, name.range.start)),
        (1, Some(p)) => match &p.kind {
            PartKind::Type(t) if t != "*" && !t.is_empty() => {
                Some((Some(t.clone()), p.range.start))
            }
            _ => None,
        },
        _ => None,
    }
}

/// Whether a context class must be written before a replacement in this compound: not
/// when an earlier compound already names it, nor after a child or sibling combinator.
fn needs_context(complex: &Complex, ci: usize, context: &str) -> bool {
    let compound = &complex.compounds[ci];
    if compound.combinator == Some(Combinator::Other) {
        return false;
    }
    !complex.compounds[..ci]
        .iter()
        .any(|c| c.names.iter().any(|n| n.text == context))
}

pub(crate) fn chosen_select(
    occ: &Occurrence<'_>,
    name: &str,
    r: &Rule,
    chosen_above: bool,
    ctx: &Ctx<'_>,
    out: &mut Findings,
) {
    let meta = rule("css/chosen-select");
    let t = &TABLE.chosen;
    let to = ctx.target.to;
    let direct = t.direct.get(name);
    let fix = occ
        .place
        .filter(|_| occ.rewritable())
        .and_then(|(complex, ci)| {
            let compound = occ.compound()?;
            let chosen_in_selector = complex
                .compounds
                .iter()
                .flat_map(|c| &c.names)
                .filter(|n| is_chosen(&n.text))
                .count();
            let subject = ci + 1 == complex.compounds.len();
            // Gen3 selects are not `.o-form-input select`: only Gen2 gets a rewrite.
            if ctx.target.gen3
                || !subject
                || chosen_in_selector != 1
                || chosen_above
                || r.has_children
            {
                return None;
            }
            let direct = direct?;
            let (element, start) = head(compound, occ.name)?;
            if element.is_some_and(|e| e != "a" && e != "div") {
                return None;
            }
            let mut text = String::new();
            if needs_context(complex, ci, &t.context) {
                text.push_str(&t.context);
                text.push(' ');
            }
            text.push_str(direct);
            Some(Edit::replace(start..occ.name.range.end, text))
        });
    match fix {
        Some(edit) => out.fixes.push(Fix {
                follow_up: None,
            rule: meta.id.as_str(),
            kb: "S3".into(),
            safety: meta.safety,
            message: format!(
                "{} in {} is a class of the Chosen dropdown, removed in 7.37.0 (S3): under {to} selects are native {} elements, selected here as {}; check that the declarations still make sense on a native select",
                code(name),
                code(&occ.selector),
                code("<select>"),
                code(&edit.replacement)
            ),
            edits: vec![edit],
        }),
        None => {
            let why = match direct {
                Some(d) if !ctx.target.gen3 => format!(
                    "; restyle the native select instead ({}){}",
                    code(&format!("{} {d}", t.context)),
                    occ.how_written()
                ),
                Some(_) => format!(
                    "; the third-generation widget styles its selects through design tokens only{}",
                    occ.how_written()
                ),
                None => format!(
                    "; the native select's open list cannot be styled with CSS, so drop this rule{}",
                    occ.how_written()
                ),
            };
            let message = format!(
                "{} in {} is a class of the Chosen dropdown, removed in 7.37.0 (S3): under {to} selects are native {} elements and this selector matches nothing{why}",
                code(name),
                code(&occ.selector),
                code("<select>")
            );
            out.diagnostics.push(Diagnostic::manual(meta, "S3", message, occ.name.range.clone()));
        }
    }
}

pub(crate) fn classic_id(occ: &Occurrence<'_>, row: &ClassicId, ctx: &Ctx<'_>, out: &mut Findings) {
    let meta = rule("css/classic-input-id");
    let (m, gen) = if ctx.target.gen3 {
        (&row.gen3, "the third-generation widget")
    } else {
        (&row.gen2, "Identity Engine")
    };
    let fix = occ
        .place
        .filter(|_| occ.rewritable())
        .and_then(|(complex, ci)| {
            let compound = occ.compound()?;
            let (element, start) = head(compound, occ.name)?;
            let mut text = String::new();
            if let Some(c) = &m.context {
                if needs_context(complex, ci, c) {
                    text.push_str(c);
                    text.push(' ');
                }
            }
            if element.is_some_and(|e| e != m.element) {
                return None;
            }
            text.push_str(&m.element);
            text.push_str(&m.rest);
            Some(Edit::replace(start..occ.name.range.end, text))
        });
    let wanted = format!(
        "{}{}{}",
        m.context
            .as_deref()
            .map(|c| format!("{c} "))
            .unwrap_or_default(),
        m.element,
        m.rest
    );
    let message = format!(
        "{} in {} is an id only Classic Engine views render (S6): {gen} generates its input ids, so this selector matches nothing; the same element is {}",
        code(&row.name),
        code(&occ.selector),
        code(&wanted)
    );
    match fix {
        Some(edit) => out.fixes.push(Fix {
            follow_up: None,
            rule: meta.id.as_str(),
            kb: "S6".into(),
            safety: meta.safety,
            message,
            edits: vec![edit],
        }),
        None => out.diagnostics.push(Diagnostic::manual(
            meta,
            "S6",
            format!("{message}{}", occ.how_written()),
            occ.name.range.clone(),
        )),
    }
}

fn gen3_row(name: &str) -> Option<(&'static Gen3Row, Option<String>)> {
    TABLE
        .gen3
        .map
        .iter()
        .find_map(|row| match row.name.split_once('*') {
            None if row.name == name => Some((row, row.to.clone())),
            Some((pre, post)) => {
                let mid = name.strip_prefix(pre)?.strip_suffix(post)?;
                (!mid.is_empty()).then(|| (row, row.to.as_ref().map(|t| t.replace('*', mid))))
            }
            None => None,
        })
}

pub(crate) fn gen3_selector(occ: &Occurrence<'_>, name: &str, text: &str, out: &mut Findings) {
    let meta = rule("css/gen3-selector");
    let (kb, to) = match gen3_row(name) {
        Some((row, to)) => (row.kb.as_str(), to),
        None => ("S9", None),
    };
    let head = format!(
        "{} in {}: the third-generation widget does not render this class ({kb})",
        code(name),
        code(&occ.selector)
    );
    match (to, occ.rewritable()) {
        (Some(to), true) => {
            // Another class of the same compound may already select this element the same way.
            let compound = occ.compound();
            let before = compound.map(|c| {
                text.get(c.range.start..occ.name.range.start).unwrap_or("").contains(&to)
                    || c.names
                        .iter()
                        .take_while(|n| n.range != occ.name.range)
                        .any(|n| gen3_row(&n.text).and_then(|(_, t)| t).as_deref() == Some(&to))
            });
            let after = compound
                .map(|c| text.get(occ.name.range.end..c.range.end).unwrap_or("").contains(&to));
            let replacement = if before == Some(true) || after == Some(true) {
                String::new()
            } else {
                to.clone()
            };
            out.fixes.push(Fix {
                follow_up: None,
                rule: meta.id.as_str(),
                kb: kb.into(),
                safety: meta.safety,
                message: format!(
                    "{head}; it marks the element with {} instead (best effort: Gen3 does not promise stable selectors)",
                    code(&to)
                ),
                edits: vec![Edit::replace(occ.name.range.clone(), replacement)],
            });
        }
        (Some(to), false) => out.diagnostics.push(Diagnostic::manual(
            meta,
            kb,
            format!("{head}; select the element with {} instead{}", code(&to), occ.how_written()),
            occ.name.range.clone(),
        )),
        (None, _) => out.diagnostics.push(Diagnostic::manual(
            meta,
            kb,
            format!("{head} and has no counterpart there, so this selector matches nothing; style Gen3 with design tokens (`theme.tokens`) instead{}", occ.how_written()),
            occ.name.range.clone(),
        )),
    }
}
