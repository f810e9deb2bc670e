//! The fuzzers' minimized corpora (`fuzz/corpus/<target>/`), replayed
//! through the same checks as the fuzz targets on every `cargo test`: CI
//! runs these inputs, not the fuzzer (see DEVELOPERS.md "Property tests and fuzzing").

use deboil::{Engine, RuleSet, Segment};
use std::path::{Path, PathBuf};

fn corpus(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz/corpus")
        .join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

/// What `fuzz/fuzz_targets/engine.rs` checks.
fn check_engine(engine: &Engine, data: &[u8]) {
    let text = match deboil_cli::batch::read::decode_as(
        data.to_vec(),
        deboil_cli::batch::EncodingChoice::Detect,
    ) {
        Ok(input) => input.text,
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    };
    let cleaned = engine.clean(&text);
    let b = text.as_bytes();
    let mut prev_end = 0;
    for r in cleaned.removals() {
        let s = r.span;
        assert!(s.start >= prev_end && s.start < s.end && s.end <= b.len());
        assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        assert!(!(s.start > 0 && b[s.start - 1] == b'\r' && b[s.start] == b'\n'));
        assert!(!(s.end < b.len() && b[s.end - 1] == b'\r' && b[s.end] == b'\n'));
        prev_end = s.end;
    }
    let mut pos = 0;
    let mut kept = String::new();
    for seg in cleaned.segments() {
        assert_eq!(seg.span().start, pos);
        if let Segment::Kept(k) = seg {
            kept.push_str(&text[k.range()]);
        }
        pos = seg.span().end;
    }
    assert_eq!(pos, text.len());
    let output = cleaned.output();
    let nl = cleaned.document().newline();
    assert!(output == kept || output == format!("{kept}{nl}"));
    assert_eq!(engine.clean(&text).removals(), cleaned.removals());
}

#[test]
fn engine_corpus_replays() {
    let engine = crate::engine();
    let files = corpus("engine");
    assert!(!files.is_empty());
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let result = std::panic::catch_unwind(|| check_engine(&engine, &data));
        assert!(result.is_ok(), "{} fails", f.display());
    }
}

#[test]
fn rules_corpus_replays() {
    const SAMPLE: &str = "Headline of the day\n\nThe council approved the budget.\nShare on Facebook\n\
                          Home\nWorld\nSport\n0:00\r\nPhoto by Ana/AFP\n\u{a9} 2024 Example\n";
    let files = corpus("rules");
    assert!(!files.is_empty());
    let (mut loaded, mut refused) = (0, 0);
    for f in &files {
        let data = std::fs::read(f).unwrap();
        let Ok(text) = std::str::from_utf8(&data) else {
            continue;
        };
        match RuleSet::builder().source("fuzz.toml", text).build() {
            Ok(rules) => {
                loaded += 1;
                let engine = Engine::new(rules).unwrap_or_else(|e| {
                    panic!("{}: validated rules must compile: {e}", f.display())
                });
                let _ = engine.clean(SAMPLE).output();
                let _ = deboil::engine::examples::check_all(engine.rules());
            }
            Err(e) => {
                refused += 1;
                for d in e.diagnostics() {
                    assert!(d.to_string().starts_with("fuzz.toml"), "{d}");
                }
            }
        }
    }
    assert!(loaded > 0, "{loaded} loaded, {refused} refused");
}
