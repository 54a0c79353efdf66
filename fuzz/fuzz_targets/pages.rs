#![no_main]
//! HTML pages with template placeholders, and components: the splicer around
//! `<script>`/`<style>` bodies and placeholders.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let mut src = b"<script>var config = OktaUtil.getSignInWidgetConfig();\n".to_vec();
    src.extend_from_slice(data);
    src.extend_from_slice(b"\nnew OktaSignIn(config);</script>");
    common::check("sign-in.html", &src);
    common::check("widget.vue", data);
});
