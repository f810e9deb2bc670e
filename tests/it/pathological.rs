//! Inputs shaped to expose work that grows faster than the input: one huge
//! line, very many tiny lines, a long line repeated, long lines full of the
//! characters that restart matching (lone `\r`, `(`, `:`, "Photo by").
//!
//! Sizes are scaled down for the default test run but still large enough
//! that anything quadratic would take minutes instead of well under a
//! second; nothing is timed. `bench/corpus.sh` runs the full-size versions
//! (a 200 MB line, 10 million lines, a 1 MB line repeated 200 times).

use deboil::Engine;
use std::sync::OnceLock;

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(crate::engine)
}

/// Words that touch many rules without forming debris lines.
const WORDS: &str = "Share the Photo by Ana (AP) at 10:30: all rights of Home \u{a9} 2024 \
                     reserved icon cookies we use newsletter read more | \u{2022} ";

#[test]
fn one_long_line_without_newline() {
    let text = WORDS.repeat(2 << 20 >> 7);
    let cleaned = engine().clean(&text);
    assert!(cleaned.output().len() <= text.len() + 1);
}

#[test]
fn very_many_tiny_lines() {
    let text = "a\nHome\n\n0:00\n".repeat(50_000);
    let cleaned = engine().clean(&text);
    assert_eq!(cleaned.document().lines().len(), 200_000);
    assert!(cleaned.output().starts_with("a\n"));
}

#[test]
fn a_long_line_repeated() {
    let line = WORDS.repeat(64 << 10 >> 7);
    let text = format!("{line}\n").repeat(64);
    // Only the duplicate stage (the classifier rightly takes the junk line
    // itself), and without the safety guard, which would otherwise withhold
    // removing 63/64 of the text.
    let rules = deboil::RuleSet::builtin()
        .unwrap()
        .select(&deboil::Selection {
            select: vec!["repeated-line".into()],
            ..Default::default()
        })
        .unwrap();
    let dedup = Engine::new(rules).unwrap().without_guard();
    let cleaned = dedup.clean(&text);
    // The repeats are duplicates of the first line.
    assert_eq!(cleaned.output(), format!("{line}\n"));
}

#[test]
fn long_lines_full_of_match_restarts() {
    for unit in [
        "\u{a9}\r",
        "(Photo: A)",
        "Photo by Ana/AFP ",
        "x: monitor ",
        "\rHome \u{bb} ",
    ] {
        let text = unit.repeat((1 << 20) / unit.len());
        let cleaned = engine().clean(&text);
        assert!(cleaned.output().len() <= text.len() + 1, "{unit:?}");
    }
}
