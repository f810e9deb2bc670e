//! Heuristic rules as data: which stage a rule names and its parameters.
//!
//! A heuristic rule (`heuristic = "repeated-line"`, parameters in
//! `[rule.params]`) becomes a [`Heuristic`]: the stage's name and its
//! checked parameters (their types are in [`super::params`]). Running it is
//! the engine's business: `Heuristic::apply` and the stages' code live in
//! `crate::stages`, as `impl` blocks on these types.
//!
//! One edge goes the other way, on purpose: a rule that names a model
//! (`content-classifier`, `content-model`) is checked when it loads, so a
//! missing model is an error at the rule's `file:line:col`, and only the
//! stages know how to find and read a model. That check is one function
//! pointer, `CHECK_MODEL`; nothing else in `rules/` reaches outside it.

use super::params::{ContentClassifier, ContentModel, MenuRun, RepeatedBlock, RepeatedLine};
use serde::de::DeserializeOwned;

/// The one hook from `rules/` into the stages' code: whether the model a
/// `content-classifier` or `content-model` rule names exists and loads (a
/// shipped model by name, or a model file by path); `Ok` for the other
/// stages. Called by [`Heuristic::parse`] and
/// [`RuleSet::with_content_model`](super::RuleSet::with_content_model); the
/// error is the message shown for the rule.
pub(crate) const CHECK_MODEL: fn(&Heuristic) -> Result<(), String> = crate::stages::check_model;

/// A configured heuristic stage.
#[derive(Clone, Debug)]
#[non_exhaustive]
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
            "content-classifier" => Ok(Heuristic::ContentClassifier(params(table)?)),
            "content-model" => Ok(Heuristic::ContentModel(params(table)?)),
            other => Err(format!(
                "unknown heuristic {other:?}; known heuristics: {}",
                NAMES.join(", ")
            )),
        }
        .and_then(|h| CHECK_MODEL(&h).map(|()| h))
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
}
