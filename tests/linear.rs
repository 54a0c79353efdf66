//! Cost that grows with the input, not with its square (issue 20, item 7). Counted in
//! work done, never in time (timings are in BENCHMARKS.md).

use widget_migrate::instances::Instances;
use widget_migrate::lang::js::{parse, Dialect};
use widget_migrate::locate::WidgetClasses;

#[test]
fn name_lookups_do_work_linear_in_the_number_of_functions() {
    // Each identifier was looked up by a scan of every declaration of its name and every
    // function: ordinary code, `a` and `b` and `this` in every function, was quadratic
    // (2 MB 7.3 s, 4 MB 39 s, 15 MB not done in 120 s).
    let work = |n: usize| {
        let mut text = String::from("const w = new OktaSignIn({});\n");
        for i in 0..n {
            text.push_str(&format!(
                "function f{i}(a, b) {{ const e = a + b; return this.x(e, function (c) {{ return c + a; }}); }}\n"
            ));
        }
        let parsed = parse(&text, Dialect::Js, 0).unwrap();
        Instances::track(&parsed, &WidgetClasses::default()).scope_steps()
    };
    let (small, large) = (work(500), work(4000));
    assert!(small > 0);
    // Eight times the functions: about eight times the work (at most ten), not 64.
    assert!(
        large <= small * 10,
        "500 functions: {small} steps, 4000: {large}"
    );
}
