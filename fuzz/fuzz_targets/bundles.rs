#![no_main]
//! Label bundles and JSON configurations.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    common::check("login_fr.properties", data);
    common::check("login_fr.json", data);
    common::check("config.json", data);
});
