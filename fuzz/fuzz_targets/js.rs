#![no_main]
//! JavaScript/TypeScript: locate, rules, apply, re-parse, idempotence.

#[path = "common.rs"]
mod common;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    // The prefilter would skip most random inputs: make every input widget code.
    let mut src = b"new OktaSignIn(".to_vec();
    src.extend_from_slice(data);
    src.extend_from_slice(b");");
    common::check("fuzz.js", &src);
    common::check("fuzz.tsx", data);
});
