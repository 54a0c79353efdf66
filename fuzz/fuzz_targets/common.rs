//! The checks every target makes on one input: no panic, every edit inside the input,
//! the output parses, JSON edits rebuild the output, and a second run changes nothing.

use std::path::PathBuf;
use std::sync::OnceLock;
use widget_migrate::edit::{try_apply_edits, Edit};
use widget_migrate::engine::{Engine, Status};
use widget_migrate::rules::Target;
use widget_migrate::version::Version;

fn engine() -> &'static Engine {
    static ENGINE: OnceLock<Engine> = OnceLock::new();
    ENGINE.get_or_init(|| {
        Engine::new(Target {
            from: Some(Version::new(3, 0, 0)),
            allow_unsafe: true,
            ..Target::default()
        })
    })
}

pub fn check(name: &str, data: &[u8]) {
    let report = engine().process_bytes(PathBuf::from(name), data.to_vec());
    let Some(source) = &report.source else { return };
    if report.status != Status::Changed {
        return;
    }
    let output = report.output.as_ref().expect("a changed file has an output");
    let applied: Vec<&Edit> = report.fixes.iter().filter(|f| f.applied).flat_map(|f| &f.fix.edits).collect();
    for e in &applied {
        assert!(e.start <= e.end && e.end <= source.text.len(), "edit outside the input: {e:?}");
    }
    let rebuilt = try_apply_edits(&source.text, applied.iter().copied());
    assert_eq!(rebuilt.as_deref(), Some(output.as_str()), "the fixes' edits do not rebuild the output");
    let again = engine().process_bytes(PathBuf::from(name), source.encode(output));
    assert_ne!(again.status, Status::Error, "the output does not parse: {:?}", again.reason);
    assert_ne!(again.status, Status::Changed, "a second run changed the output again");
}
