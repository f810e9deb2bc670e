//! Invariants of cleaning, on random documents built from article lines,
//! debris lines, blank lines and awkward characters:
//!
//! - the input is exactly the kept, removed and collapsed segments in order,
//!   and the output is the kept segments plus at most one final newline;
//! - removals are sorted, disjoint, non-empty, inside the text, on char
//!   boundaries, and never split a `\r\n`;
//! - the output's layout is normalized and cleaning is deterministic;
//! - the input is rebuilt from the output, the removals' texts and the
//!   collapsed blank lines alone (what `--json` and a plan record);
//! - all of the above also under random rule packs: random pattern rules
//!   (line, span and tail scopes, every match mode, literals and regexes,
//!   min-run, max-line-chars, skip-first-line) mixed with a random subset of
//!   the built-in rules and heuristics;
//! - pattern rules alone are idempotent: cleaning the output again removes
//!   nothing. (Heuristics are not: GUIDE.md "Idempotence" measures how often.)

use deboil::{Cleaned, Engine, RuleSet, Segment, Selection};
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

/// Checks every invariant of one result; shared by the built-in and the
/// random-pack properties.
fn check_invariants(text: &str, cleaned: &Cleaned) -> Result<(), TestCaseError> {
    let b = text.as_bytes();
    let mut prev_end = 0;
    for r in cleaned.removals() {
        let s = r.span;
        prop_assert!(s.start >= prev_end, "overlap or disorder at {:?}", s);
        prop_assert!(s.start < s.end && s.end <= text.len());
        prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        prop_assert!(
            !(s.start > 0 && b[s.start - 1] == b'\r' && b[s.start] == b'\n'),
            "splits CRLF"
        );
        prop_assert!(
            !(s.end < b.len() && b[s.end - 1] == b'\r' && b[s.end] == b'\n'),
            "splits CRLF"
        );
        prev_end = s.end;
    }
    // Rebuild the input from what a user has: the output, each removal's
    // text, and the collapsed blank lines (whitespace only).
    let output = cleaned.output();
    let mut rebuilt = String::new();
    let mut out_pos = 0;
    for seg in cleaned.segments() {
        match seg {
            Segment::Kept(k) => {
                let piece = &output[out_pos..out_pos + k.len()];
                prop_assert_eq!(piece, &text[k.range()]);
                rebuilt.push_str(piece);
                out_pos += k.len();
            }
            Segment::Removed(span, i) => {
                let r = &cleaned.removals()[i];
                prop_assert!(r.span.start <= span.start && span.end <= r.span.end);
                rebuilt.push_str(
                    &cleaned.removed_text(r)[span.start - r.span.start..span.end - r.span.start],
                );
            }
            Segment::Collapsed(span) => {
                let blank = &text[span.range()];
                prop_assert!(
                    blank
                        .trim_end_matches(['\r', '\n'])
                        .chars()
                        .all(deboil::document::is_blank_char)
                );
                rebuilt.push_str(blank);
            }
        }
    }
    prop_assert_eq!(&rebuilt, text);
    // Past the kept text, at most the one final line terminator.
    let rest = &output[out_pos..];
    prop_assert!(
        rest.is_empty() || rest == cleaned.document().newline(),
        "{:?}",
        rest
    );
    Ok(())
}

const VOCAB: &[&str] = &[
    "Home",
    "Share",
    "share",
    "Photo",
    "news",
    "the",
    "0:00",
    "Tweet",
    "\u{a9}",
    "caf\u{e9}",
    "\u{4e2d}\u{6587}",
    "LEAVE A REPLY",
    "More",
    ":",
    "(AP)",
    "a\u{a0}b",
    "e\u{301}",
];

fn literal() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(VOCAB), 1..3).prop_map(|w| w.join(" "))
}

fn regex() -> impl Strategy<Value = String> {
    prop::sample::select(vec![
        r"\d+:\d{2}",
        r"(?:Share|Tweet)\b",
        r"Photo(?: by)? \w+",
        r"\(\w+\)",
        r"[A-Z ]{4,}",
        r"\w+\u{a0}\w+",
        r"^.{1,3}$",
        r"\p{Han}+",
        r"caf.",
    ])
    .prop_map(str::to_owned)
}

fn toml_str(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// One random pattern rule, as TOML.
fn pattern_rule(i: usize) -> impl Strategy<Value = String> {
    (
        0..3u8,
        prop::sample::select(vec!["whole-line", "prefix", "contains"]),
        prop::option::of(prop::collection::vec(literal(), 1..4)),
        regex(),
        any::<bool>(),
        prop::option::of(1..4i64),
        prop::option::of(5..80i64),
        any::<bool>(),
        0.1..0.9f64,
    )
        .prop_map(
            move |(scope, mode, literals, regex, ci, min_run, max_chars, skip_first, tail_after)| {
                let mut r = format!(
                    "[[rule]]\nid = \"prop-{i}\"\ncategory = \"prop\"\nsummary = \"random rule {i}\"\n\
                     remove = [\"x\"]\nkeep = [\"y\"]\ncase-insensitive = {ci}\n"
                );
                let pattern = match &literals {
                    Some(l) => format!(
                        "literals = [{}]\n",
                        l.iter().map(|s| toml_str(s)).collect::<Vec<_>>().join(", ")
                    ),
                    None => format!("regex = {}\n", toml_str(&regex)),
                };
                match scope {
                    0 => {
                        r.push_str(&format!("scope = \"line\"\nmatch = \"{mode}\"\n{pattern}"));
                        if let Some(n) = min_run {
                            r.push_str(&format!("min-run = {n}\n"));
                        }
                        if let Some(n) = max_chars {
                            r.push_str(&format!("max-line-chars = {n}\n"));
                        }
                        r.push_str(&format!("skip-first-line = {skip_first}\n"));
                    }
                    1 => r.push_str(&format!("scope = \"span\"\n{pattern}")),
                    _ => {
                        let mode = if mode == "contains" { "prefix" } else { mode };
                        r.push_str(&format!(
                            "scope = \"tail\"\nmatch = \"{mode}\"\n{pattern}tail-after = {tail_after:.2}\n"
                        ));
                    }
                }
                r
            },
        )
}

fn builtin_rules() -> &'static RuleSet {
    static R: OnceLock<RuleSet> = OnceLock::new();
    R.get_or_init(|| RuleSet::builtin().unwrap())
}

/// A random pack: up to 6 random pattern rules plus a random subset of the
/// built-in rules (heuristics included), with or without the safety guard.
fn rule_pack() -> impl Strategy<Value = (String, Vec<String>, bool)> {
    let n = builtin_rules().len();
    (
        (0..6usize).prop_flat_map(|k| (0..k).map(pattern_rule).collect::<Vec<_>>()),
        prop::collection::vec(prop::bool::weighted(0.3), n),
        any::<bool>(),
    )
        .prop_map(|(rules, mask, guard)| {
            let builtin: Vec<String> = builtin_rules()
                .iter()
                .zip(mask)
                .filter(|(_, keep)| *keep)
                .map(|((_, r), _)| r.id.clone())
                .collect();
            (rules.join("\n"), builtin, guard)
        })
}

fn pack_engine(pack: &str, builtin: &[String], guard: bool) -> Option<Engine> {
    let mut builder = RuleSet::builder().builtin();
    if !pack.is_empty() {
        builder = builder.source("prop.toml", pack);
    }
    let set = builder
        .build()
        .unwrap_or_else(|e| panic!("random pack must load: {e}\n{pack}"));
    let mut select = builtin.to_vec();
    if !pack.is_empty() {
        select.push("prop".into());
    }
    if select.is_empty() {
        return None;
    }
    let set = set
        .select(&Selection {
            select,
            ..Default::default()
        })
        .unwrap();
    let engine = Engine::new(set).unwrap();
    Some(if guard {
        engine
    } else {
        engine.without_guard()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn builtin_results_rebuild_the_input(text in document()) {
        check_invariants(&text, &engine().clean(&text))?;
    }
}

// Each case compiles its own engine: fewer cases, same depth.
proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_rule_packs_keep_every_invariant(text in document(), (pack, builtin, guard) in rule_pack()) {
        let Some(engine) = pack_engine(&pack, &builtin, guard) else { return Ok(()); };
        let cleaned = engine.clean(&text);
        check_invariants(&text, &cleaned)?;
        let other = engine.clone();
        let again = other.clean(&text);
        prop_assert_eq!(again.removals(), cleaned.removals());
    }

    #[test]
    fn random_packs_on_arbitrary_text(text in "(?s)[a-zA-Z0-9 :()\u{a9}\u{a0}\u{e9}\u{301}\u{4e2d}\r\n]{0,300}", (pack, builtin, guard) in rule_pack()) {
        let Some(engine) = pack_engine(&pack, &builtin, guard) else { return Ok(()); };
        check_invariants(&text, &engine.clean(&text))?;
    }

    #[test]
    fn whole_line_pattern_rules_are_idempotent(text in document(), (pack, _, _) in rule_pack()) {
        // Only line rules without position or run conditions: removing a
        // line can make a later line first (skip-first-line), join runs
        // (min-run) or move the tail's start (tail-after), so those are
        // not idempotent by design.
        let line_only: String = pack
            .split("[[rule]]")
            .filter(|r| r.contains("scope = \"line\"") && !r.contains("min-run") && r.contains("skip-first-line = false"))
            .map(|r| format!("[[rule]]{r}"))
            .collect();
        let Some(engine) = pack_engine(&line_only, &[], false) else { return Ok(()); };
        let once = engine.clean(&text).output();
        let twice = engine.clean(&once);
        prop_assert!(twice.removals().is_empty(), "second run removed {:?} from {:?}", twice.removals(), once);
    }
}
