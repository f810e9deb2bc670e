//! Heuristic stages: general debris detectors that are rules like any other.
//!
//! A heuristic rule names one of these stages (`heuristic = "repeated-line"`)
//! and sets its parameters in the rule file (`[rule.params]`); it has an id,
//! a category, profiles and examples like a pattern rule, and every line it
//! removes is credited to that id, with a note saying why.

mod dedup;
mod runs;

use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
use serde::de::DeserializeOwned;

pub use dedup::RepeatedLine;
pub use runs::MenuRun;

/// A configured heuristic stage.
#[derive(Clone, Debug)]
pub enum Heuristic {
    /// A non-trivial line identical to an earlier kept line.
    RepeatedLine(RepeatedLine),
    /// A run of short, title-cased lines without sentence punctuation.
    MenuRun(MenuRun),
}

/// Names of the available heuristics, for error messages and docs.
pub const NAMES: &[&str] = &["repeated-line", "menu-run"];

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
            "menu-run" => Ok(Heuristic::MenuRun(params(table)?)),
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
            Heuristic::MenuRun(_) => "menu-run",
        }
    }

    /// The effective parameters, as TOML (for `deboil rules explain`).
    pub fn params_toml(&self) -> String {
        let s = match self {
            Heuristic::RepeatedLine(p) => toml::to_string(p),
            Heuristic::MenuRun(p) => toml::to_string(p),
        };
        s.unwrap_or_default()
    }

    /// Runs the stage, claiming debris lines for `rule`.
    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        match self {
            Heuristic::RepeatedLine(h) => h.apply(doc, claims, rule),
            Heuristic::MenuRun(h) => h.apply(doc, claims, rule),
        }
    }
}

/// Number of whitespace-separated words.
pub(crate) fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}
