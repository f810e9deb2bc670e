//! Heuristic stages: general debris detectors that are rules like any other.
//!
//! A heuristic rule names one of these stages (`heuristic = "repeated-line"`)
//! and sets its parameters in the rule file (`[rule.params]`); it has an id,
//! a category, profiles and examples like a pattern rule, and every line it
//! removes is credited to that id, with a note saying why.

pub mod classify;
pub mod content_model;
mod dedup;
pub mod features;
pub mod lang;
pub(crate) mod prose;
mod runs;

use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
use serde::de::DeserializeOwned;

pub use classify::ContentClassifier;
pub use content_model::ContentModel;
pub use dedup::{RepeatedBlock, RepeatedLine};
pub use runs::MenuRun;

/// A configured heuristic stage.
#[derive(Clone, Debug)]
pub enum Heuristic {
    /// A non-trivial line identical to a kept line just before it.
    RepeatedLine(RepeatedLine),
    /// A block of several lines identical to an earlier kept block.
    RepeatedBlock(RepeatedBlock),
    /// A run of short, title-cased lines without sentence punctuation.
    MenuRun(MenuRun),
    /// Lines whose text features and neighbours say they are not content.
    ContentClassifier(ContentClassifier),
    /// Lines whose words, and their neighbours' words, say they are not
    /// content.
    ContentModel(ContentModel),
}

/// Names of the available heuristics, for error messages and docs.
pub const NAMES: &[&str] = &[
    "repeated-line",
    "repeated-block",
    "menu-run",
    "content-classifier",
    "content-model",
];

fn params<T: DeserializeOwned + Default>(table: Option<&toml::Table>) -> Result<T, String> {
    match table {
        None => Ok(T::default()),
        Some(t) => toml::Value::Table(t.clone())
            .try_into()
            .map_err(|e: toml::de::Error| format!("params: {}", e.message())),
    }
}

impl Heuristic {
    /// Builds the heuristic `name` with its parameter table.
    pub fn parse(name: &str, table: Option<&toml::Table>) -> Result<Heuristic, String> {
        match name {
            "repeated-line" => Ok(Heuristic::RepeatedLine(params(table)?)),
            "repeated-block" => Ok(Heuristic::RepeatedBlock(params(table)?)),
            "menu-run" => Ok(Heuristic::MenuRun(params(table)?)),
            "content-classifier" => {
                let c: ContentClassifier = params(table)?;
                c.validate()?;
                Ok(Heuristic::ContentClassifier(c))
            }
            "content-model" => {
                let c: ContentModel = params(table)?;
                c.validate()?;
                Ok(Heuristic::ContentModel(c))
            }
            other => Err(format!(
                "unknown heuristic {other:?}; known heuristics: {}",
                NAMES.join(", ")
            )),
        }
    }

    /// The heuristic's name as written in rule files.
    pub fn name(&self) -> &'static str {
        match self {
            Heuristic::RepeatedLine(_) => "repeated-line",
            Heuristic::RepeatedBlock(_) => "repeated-block",
            Heuristic::MenuRun(_) => "menu-run",
            Heuristic::ContentClassifier(_) => "content-classifier",
            Heuristic::ContentModel(_) => "content-model",
        }
    }

    /// The effective parameters, as TOML (for `deboil rules explain`).
    pub fn params_toml(&self) -> String {
        let s = match self {
            Heuristic::RepeatedLine(p) => toml::to_string(p),
            Heuristic::RepeatedBlock(p) => toml::to_string(p),
            Heuristic::MenuRun(p) => toml::to_string(p),
            Heuristic::ContentClassifier(p) => toml::to_string(p),
            Heuristic::ContentModel(p) => toml::to_string(p),
        };
        s.unwrap_or_default()
    }

    /// Runs the stage, claiming debris lines for `rule`.
    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        match self {
            Heuristic::RepeatedLine(h) => h.apply(doc, claims, rule),
            Heuristic::RepeatedBlock(h) => h.apply(doc, claims, rule),
            Heuristic::MenuRun(h) => h.apply(doc, claims, rule),
            Heuristic::ContentClassifier(h) => h.apply(doc, claims, rule),
            Heuristic::ContentModel(h) => h.apply(doc, claims, rule),
        }
    }
}

/// The ASCII bytes `char::is_whitespace` accepts (`u8::is_ascii_whitespace`
/// leaves out vertical tab, which `split_whitespace` splits on).
pub(crate) const fn is_ascii_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Number of whitespace-separated words, counting no further than `limit`:
/// callers compare against a bound, and a prose line can hold hundreds.
pub(crate) fn word_count_upto(s: &str, limit: usize) -> usize {
    if !s.is_ascii() {
        return s.split_whitespace().take(limit).count();
    }
    // The same split as `split_whitespace`, byte by byte.
    let (mut n, mut in_word) = (0, false);
    if limit == 0 {
        return 0;
    }
    for &b in s.as_bytes() {
        let space = is_ascii_space(b);
        if !space && !in_word {
            n += 1;
            if n >= limit {
                break;
            }
        }
        in_word = !space;
    }
    n
}

#[cfg(test)]
mod tests {
    use super::word_count_upto;

    #[test]
    fn word_counts_agree_with_split_whitespace() {
        for s in [
            "",
            "   ",
            "one",
            " two  words ",
            "a\tb\x0bc\x0cd\re",
            "caf\u{e9} au\u{a0}lait ok",
            "x y z w v u",
        ] {
            for limit in 0..8 {
                let expected = s.split_whitespace().take(limit).count();
                assert_eq!(word_count_upto(s, limit), expected, "{s:?} {limit}");
            }
        }
    }
}
