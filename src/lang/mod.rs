//! Front ends: each turns a file's text into spans the rules can use.

pub mod js;
pub mod print;
pub mod properties;
