//! Front ends: each turns a file's text into spans the rules can use.

pub mod css;
pub mod html;
pub mod js;
pub mod print;
pub mod properties;
pub mod template;

/// How deep brackets may nest in a script or stylesheet before it is refused with an
/// error at the bracket that goes deeper. Parsers recurse once per level (swc some ten
/// calls, 3 KiB of stack in a release build): without a bound, a few thousand nested
/// calls or arrays overflow the stack and end the whole run. Code written by hand and
/// generated code both stay far below.
pub const MAX_NESTING: usize = 1000;

/// The message for a file that nests deeper than [`MAX_NESTING`].
pub fn too_deep_message() -> String {
    format!("brackets nest more than {MAX_NESTING} levels deep here; not parsed (the parser would run out of stack)")
}
