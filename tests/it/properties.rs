//! Invariants of cleaning, on random documents built from article lines,
//! debris lines, blank lines and awkward characters:
//!
//! - the input is exactly the kept, removed and collapsed segments in order,
//!   and the output is the kept segments plus at most one final newline;
//! - removals are sorted, disjoint, non-empty, inside the text, on char
//!   boundaries, and never split a `\r\n`;
//! - the output's layout is normalized and cleaning is deterministic.

use deboil::{Engine, Segment};
use proptest::prelude::*;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(crate::engine)
}

/// Lines that real pages mix: article sentences, debris of every family,
/// short menu items, blanks made of odd whitespace.
fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => Just("The council approved the budget after a long debate on Tuesday night.".to_owned()),
        2 => Just("Locals want troops out after coalition air strike".to_owned()),
        1 => Just("Rescue teams search the rubble. Photo by Maria Popescu/AFP".to_owned()),
        1 => Just("Heavy rain flooded villages. (Photo Credit : ANI) Roads closed.".to_owned()),
        1 => Just("LEAVE A REPLY".to_owned()),
        1 => Just("Share on Facebook".to_owned()),
        1 => Just("0:00".to_owned()),
        1 => Just("27:33".to_owned()),
        1 => Just("Nov 14, 2012".to_owned()),
        1 => Just("More news: Patrol plane sights ferry survivors".to_owned()),
        1 => Just("Forum List".to_owned()),
        1 => Just("Related articles".to_owned()),
        1 => Just("© 2024 Example Media. All rights reserved.".to_owned()),
        2 => prop::sample::select(vec!["Home", "World", "Business", "Sport", "Culture", "Weather"]).prop_map(str::to_owned),
        2 => Just(String::new()),
        1 => prop::sample::select(vec![" ", "\t", "\u{a0}", "\u{200b}", "\u{feff}"]).prop_map(str::to_owned),
        2 => "[a-zA-Z0-9 .,!?:/()\u{a0}\u{e9}\u{4e2d}\u{1F600}\r-]{0,60}",
    ]
}

fn document() -> impl Strategy<Value = String> {
    (
        prop::collection::vec((line(), prop::bool::weighted(0.2)), 0..40),
        any::<bool>(),
    )
        .prop_map(|(lines, final_newline)| {
            let mut text = String::new();
            for (i, (l, crlf)) in lines.iter().enumerate() {
                text.push_str(l);
                if i + 1 < lines.len() || final_newline {
                    text.push_str(if *crlf { "\r\n" } else { "\n" });
                }
            }
            text
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn segments_rebuild_the_input_and_the_output(text in document()) {
        let cleaned = engine().clean(&text);
        let segments = cleaned.segments();
        let mut pos = 0;
        let mut kept = String::new();
        for s in &segments {
            let span = s.span();
            prop_assert_eq!(span.start, pos);
            prop_assert!(span.start < span.end);
            if let Segment::Kept(k) = s {
                kept.push_str(&text[k.range()]);
            }
            pos = span.end;
        }
        prop_assert_eq!(pos, text.len());
        let output = cleaned.output();
        let newline = cleaned.document().newline();
        prop_assert!(output == kept || output == format!("{kept}{newline}"), "{:?} vs {:?}", output, kept);
    }

    #[test]
    fn removals_are_sorted_disjoint_and_well_cut(text in document()) {
        let cleaned = engine().clean(&text);
        let mut prev_end = 0;
        for r in cleaned.removals() {
            prop_assert!(r.span.start >= prev_end, "overlap or disorder at {:?}", r.span);
            prop_assert!(r.span.start < r.span.end && r.span.end <= text.len());
            prop_assert!(text.is_char_boundary(r.span.start) && text.is_char_boundary(r.span.end));
            let b = text.as_bytes();
            prop_assert!(!(r.span.start > 0 && b[r.span.start - 1] == b'\r' && b[r.span.start] == b'\n'), "splits CRLF");
            prop_assert!(!(r.span.end < b.len() && b[r.span.end - 1] == b'\r' && b[r.span.end] == b'\n'), "splits CRLF");
            prev_end = r.span.end;
        }
    }

    #[test]
    fn output_layout_is_normalized(text in document()) {
        let output = engine().clean(&text).output();
        if output.is_empty() {
            return Ok(());
        }
        prop_assert!(output.ends_with('\n'));
        prop_assert!(!output.ends_with("\n\n") && !output.ends_with("\n\r\n"));
        let blank = |l: &str| l.trim_end_matches(['\r', '\n']).chars().all(deboil::document::is_blank_char);
        let lines: Vec<&str> = output.split_inclusive('\n').collect();
        prop_assert!(!blank(lines[0]));
        prop_assert!(!blank(lines[lines.len() - 1]));
        for w in lines.windows(2) {
            prop_assert!(!(blank(w[0]) && blank(w[1])), "two blank lines in a row: {:?}", output);
        }
    }

    #[test]
    fn cleaning_is_deterministic(text in document()) {
        let other = engine().clone();
        let a = engine().clean(&text);
        let b = other.clean(&text);
        prop_assert_eq!(a.removals(), b.removals());
    }

    #[test]
    fn arbitrary_text_never_panics(text in "(?s).{0,400}") {
        let cleaned = engine().clean(&text);
        let _ = cleaned.output();
    }
}
