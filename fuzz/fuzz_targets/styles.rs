#![no_main]
//! Stylesheets: CSS, SCSS and Less through the styling rules.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // Make every input a widget stylesheet, so the prefilter lets it through.
    let mut src = b"#okta-sign-in .chzn-single { font-family: montserrat; }\n".to_vec();
    src.extend_from_slice(data);
    common::check("fuzz.css", &src);
    common::check("fuzz.scss", &src);
    common::check("fuzz.less", &src);
});
