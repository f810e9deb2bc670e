//! The engine on arbitrary bytes: decoding (binary sniffing, BOMs, encoding
//! detection), then cleaning with the built-in rules, checking the
//! invariants every result must hold.
#![no_main]

use deboil::{Engine, Segment};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| Engine::builtin().expect("built-in rules load"))
}

fuzz_target!(|data: &[u8]| {
    // The text as the CLI would see it, or (when refused) as lossy UTF-8 so
    // that every input still reaches the engine.
    let text = match deboil_cli::batch::read::decode_as(
        data.to_vec(),
        deboil_cli::batch::EncodingChoice::Detect,
    ) {
        Ok(input) => input.text,
        Err(_) => String::from_utf8_lossy(data).into_owned(),
    };
    check(&text);
});

fn check(text: &str) {
    let cleaned = engine().clean(text);
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
        let span = seg.span();
        assert_eq!(span.start, pos);
        assert!(span.start < span.end);
        if let Segment::Kept(k) = seg {
            kept.push_str(&text[k.range()]);
        }
        pos = span.end;
    }
    assert_eq!(pos, text.len());
    let output = cleaned.output();
    let nl = cleaned.document().newline();
    assert!(output == kept || output == format!("{kept}{nl}"));
    // Deterministic.
    assert_eq!(engine().clean(text).removals(), cleaned.removals());
}
