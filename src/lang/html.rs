//! HTML pages and single-file components: where the `<script>`, `<style>` and `<link>`
//! elements are, with exact byte ranges.
//!
//! lol_html only locates: it tokenises the page the way a browser does (comments, raw
//! text, `"</scr" + "ipt>"` inside JavaScript, a missing end tag at the end of input), and
//! its rewritten output is thrown away. The attributes of each start tag are read here from
//! the text itself, so that every attribute value has its own range to edit.

use crate::lang::js::Dialect;
use lol_html::{element, EndTagHandler, HtmlRewriter, Settings};
use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Element {
    Script,
    Style,
    Link,
}

/// One attribute of a start tag.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attr {
    /// Lower-cased.
    pub name: String,
    /// The whole attribute (`name="value"`).
    pub range: Range<usize>,
    /// The value without its quotes; `None` for a bare attribute (`<script setup>`).
    pub value: Option<Range<usize>>,
}

/// A `<script>`, `<style>` or `<link>` element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tag {
    pub element: Element,
    /// `<script …>`.
    pub start_tag: Range<usize>,
    pub attrs: Vec<Attr>,
    /// The text between the tags (to the end of input when the end tag is missing);
    /// `None` for `<link>`.
    pub body: Option<Range<usize>>,
}

impl Tag {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.iter().find(|a| a.name == name)
    }

    /// The raw value of attribute `name` (`""` for a bare attribute).
    pub fn value<'t>(&self, text: &'t str, name: &str) -> Option<&'t str> {
        let a = self.attr(name)?;
        match &a.value {
            Some(r) => text.get(r.clone()),
            None => Some(""),
        }
    }
}

/// The single-file component formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sfc {
    Vue,
    Svelte,
}

/// The language of a `<style>` block (`lang="scss"` …): the stylesheet front end's own.
pub use crate::lang::css::StyleSyntax as StyleLang;

/// The dialect a `<script>` body is parsed in, or `None` when it is not JavaScript
/// (`src` scripts, templates such as `text/x-handlebars-template`, JSON, CoffeeScript).
pub fn script_dialect(tag: &Tag, text: &str, sfc: Option<Sfc>) -> Option<Dialect> {
    if tag.element != Element::Script || tag.attr("src").is_some() {
        return None;
    }
    let ty = tag.value(text, "type").map(|t| {
        t.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let js_type = match ty.as_deref() {
        None | Some("") => true,
        Some(t) => matches!(
            t,
            "module"
                | "text/javascript"
                | "application/javascript"
                | "text/ecmascript"
                | "application/ecmascript"
                | "application/x-javascript"
                | "application/x-ecmascript"
                | "text/x-javascript"
                | "text/x-ecmascript"
                | "text/jscript"
                | "text/livescript"
                | "text/javascript1.5"
                | "text/babel"
                | "text/jsx"
        ),
    };
    if !js_type {
        return None;
    }
    let lang = tag
        .value(text, "lang")
        .map(|l| l.trim().to_ascii_lowercase());
    match (sfc, lang.as_deref()) {
        (_, None | Some("" | "js" | "javascript" | "jsx")) => Some(Dialect::Js),
        (Some(_), Some("ts" | "typescript")) => Some(Dialect::Ts),
        (Some(_), Some("tsx")) => Some(Dialect::Tsx),
        _ => None,
    }
}

/// The language of a `<style>` body, or `None` when it is not one the CSS front end reads.
pub fn style_lang(tag: &Tag, text: &str) -> Option<StyleLang> {
    if tag.element != Element::Style {
        return None;
    }
    let ty = tag
        .value(text, "type")
        .map(|t| t.trim().to_ascii_lowercase());
    if !matches!(ty.as_deref(), None | Some("" | "text/css")) {
        return None;
    }
    match tag
        .value(text, "lang")
        .map(|l| l.trim().to_ascii_lowercase())
        .as_deref()
    {
        None | Some("" | "css" | "postcss") => Some(StyleLang::Css),
        Some("scss") => Some(StyleLang::Scss),
        Some("sass") => Some(StyleLang::Sass),
        Some("less") => Some(StyleLang::Less),
        _ => None,
    }
}

/// Every `<script>`, `<style>` and `<link>` of `text`, in document order; ranges are
/// offsets of `text` plus `offset`. Elements inside comments are not elements.
pub fn locate(text: &str, offset: usize) -> Result<Vec<Tag>, String> {
    // (element, start tag, end of body when its end tag came)
    type Found = Vec<(Element, Range<usize>, Option<usize>)>;
    let found: Rc<RefCell<Found>> = Rc::default();
    let sink = found.clone();
    let settings = Settings::new()
        .with_strict(false)
        .append_element_content_handler(element!("script, style, link", move |el| {
            let kind = match el.tag_name().as_str() {
                "script" => Element::Script,
                "style" => Element::Style,
                _ => Element::Link,
            };
            let start = el.source_location().bytes();
            let index = {
                let mut f = sink.borrow_mut();
                f.push((kind, start, None));
                f.len() - 1
            };
            if kind != Element::Link && el.can_have_content() {
                let on_end = sink.clone();
                let handler: EndTagHandler<'static> = Box::new(move |end| {
                    if let Some(entry) = on_end.borrow_mut().get_mut(index) {
                        entry.2 = Some(end.source_location().bytes().start);
                    }
                    Ok(())
                });
                el.on_end_tag(handler)?;
            }
            Ok(())
        }));
    let mut rewriter = HtmlRewriter::new(settings, |_: &[u8]| {});
    rewriter
        .write(text.as_bytes())
        .map_err(|e| format!("cannot tokenise the HTML: {e}"))?;
    rewriter
        .end()
        .map_err(|e| format!("cannot tokenise the HTML: {e}"))?;
    let found = found.borrow();
    let mut tags = Vec::with_capacity(found.len());
    for (element, start_tag, body_end) in found.iter() {
        let Some(tag_text) = text.get(start_tag.clone()) else {
            continue;
        };
        let shift = |r: Range<usize>| r.start + offset..r.end + offset;
        let attrs = attributes(tag_text)
            .into_iter()
            .map(|a| Attr {
                range: shift(a.range.start + start_tag.start..a.range.end + start_tag.start),
                value: a
                    .value
                    .map(|v| shift(v.start + start_tag.start..v.end + start_tag.start)),
                name: a.name,
            })
            .collect();
        let body = match element {
            Element::Link => None,
            _ => Some(start_tag.end + offset..body_end.unwrap_or(text.len()) + offset),
        };
        tags.push(Tag {
            element: *element,
            start_tag: shift(start_tag.clone()),
            attrs,
            body,
        });
    }
    Ok(tags)
}

/// The attributes of one start tag (`<name …>`), with ranges relative to it. Follows the
/// HTML tokeniser: names end at whitespace, `/`, `>` or `=`; values are quoted with `"`
/// or `'`, or run to whitespace or `>`.
fn attributes(tag: &str) -> Vec<Attr> {
    let b = tag.as_bytes();
    let ws = |c: u8| matches!(c, b' ' | b'\t' | b'\n' | b'\r' | b'\x0c');
    let mut i = 1;
    while i < b.len() && !ws(b[i]) && b[i] != b'/' && b[i] != b'>' {
        i += 1;
    }
    let mut out = Vec::new();
    loop {
        while i < b.len() && (ws(b[i]) || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return out;
        }
        let start = i;
        i += 1; // a first `=` belongs to the name
        while i < b.len() && !ws(b[i]) && !matches!(b[i], b'/' | b'>' | b'=') {
            i += 1;
        }
        let name = tag.get(start..i).unwrap_or_default().to_ascii_lowercase();
        let mut j = i;
        while j < b.len() && ws(b[j]) {
            j += 1;
        }
        let mut value = None;
        if j < b.len() && b[j] == b'=' {
            j += 1;
            while j < b.len() && ws(b[j]) {
                j += 1;
            }
            match b.get(j) {
                Some(&q) if q == b'"' || q == b'\'' => {
                    let close = b[j + 1..].iter().position(|&c| c == q);
                    let end = close.map_or(b.len(), |c| j + 1 + c);
                    value = Some(j + 1..end);
                    i = (end + 1).min(b.len());
                }
                _ => {
                    let s = j;
                    while j < b.len() && !ws(b[j]) && b[j] != b'>' {
                        j += 1;
                    }
                    value = Some(s..j);
                    i = j;
                }
            }
        }
        out.push(Attr {
            name,
            range: start..i,
            value,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bodies(text: &str) -> Vec<(Element, &str)> {
        locate(text, 0)
            .unwrap()
            .into_iter()
            .map(|t| {
                (
                    t.element,
                    &text[t.body.clone().unwrap_or(t.start_tag.clone())],
                )
            })
            .collect()
    }

    #[test]
    fn finds_bodies_the_way_a_browser_does() {
        let page = "<!-- <script>no</script> -->\n<SCRIPT type=\"module\">a('</scr' + 'ipt>')</SCRIPT >\
                    <style lang=scss>#x{}</style><link href=\"a.css\" rel=stylesheet/><script src=x></script><script>tail";
        assert_eq!(
            bodies(page),
            [
                (Element::Script, "a('</scr' + 'ipt>')"),
                (Element::Style, "#x{}"),
                (Element::Link, "<link href=\"a.css\" rel=stylesheet/>"),
                (Element::Script, ""),
                (Element::Script, "tail"),
            ]
        );
    }

    #[test]
    fn attributes_have_ranges() {
        let page = "  <script setup lang=\"ts\" data-x='1' nonce=__>x</script>";
        let tags = locate(page, 10).unwrap();
        let t = &tags[0];
        assert_eq!(t.start_tag, 12..56);
        let names: Vec<&str> = t.attrs.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, ["setup", "lang", "data-x", "nonce"]);
        let shifted = format!("{}{page}", " ".repeat(10));
        assert_eq!(t.value(&shifted, "lang"), Some("ts"));
        assert_eq!(t.value(&shifted, "data-x"), Some("1"));
        assert_eq!(t.value(&shifted, "nonce"), Some("__"));
        assert_eq!(t.value(&shifted, "setup"), Some(""));
        assert_eq!(&shifted[t.attrs[1].range.clone()], "lang=\"ts\"");
        assert_eq!(
            script_dialect(t, &shifted, Some(Sfc::Vue)),
            Some(Dialect::Ts)
        );
    }

    #[test]
    fn only_javascript_types_are_scripts() {
        let dialect = |tag: &str, sfc| {
            let t = locate(tag, 0).unwrap();
            script_dialect(&t[0], tag, sfc)
        };
        assert_eq!(dialect("<script>", None), Some(Dialect::Js));
        assert_eq!(
            dialect("<script type='text/javascript; charset=utf-8'>", None),
            Some(Dialect::Js)
        );
        assert_eq!(
            dialect("<script type=text/x-handlebars-template>", None),
            None
        );
        assert_eq!(dialect("<script type=application/json>", None), None);
        assert_eq!(dialect("<script src=a.js>", None), None);
        assert_eq!(dialect("<script lang=ts>", None), None);
        assert_eq!(
            dialect("<script lang=tsx>", Some(Sfc::Svelte)),
            Some(Dialect::Tsx)
        );
        assert_eq!(dialect("<script lang=coffee>", Some(Sfc::Vue)), None);
        let style = |tag: &str| style_lang(&locate(tag, 0).unwrap()[0], tag);
        assert_eq!(style("<style>"), Some(StyleLang::Css));
        assert_eq!(style("<style lang=\"scss\" scoped>"), Some(StyleLang::Scss));
        assert_eq!(style("<style lang=stylus>"), None);
    }

    #[test]
    fn odd_markup_does_not_panic() {
        for page in [
            "<script",
            "<script a='",
            "<link href=",
            "<style>",
            "</script>",
            "<script/>x",
        ] {
            let _ = locate(page, 0);
        }
        assert_eq!(attributes("<a b c=\"d e\" =f>").len(), 3);
    }
}
