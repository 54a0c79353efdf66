//! Front ends: each turns a file's text into spans the rules can use.

pub mod css;
pub mod html;
pub mod js;
pub mod print;
pub mod properties;
pub mod template;
