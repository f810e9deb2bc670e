//! deboil strips scraping debris from web text — navigation, share buttons,
//! comment prompts, player timestamps, photo credits, cookie notices,
//! footers — and records every removal with the rule that made it.
//!
//! Rules are data (`rules/*.toml`, embedded at build time; user packs load
//! the same way). An [`Engine`] compiles a rule set once and cleans any
//! number of documents; each result is a [`Cleaned`] holding the one list of
//! [`Removal`]s from which the cleaned text, the diff and the JSON are all
//! rendered. Kept text is byte-identical to the input; the only
//! normalization is the blank-line layout described in [`removal`].
//!
//! This crate is the engine alone: text in, removals out. It reads no
//! documents and writes nothing; the only files it opens are the rule packs
//! and model files a caller names by path ([`EngineBuilder::rules_path`]),
//! so that every front end loads them the same way. Files, directories,
//! review plans and the HTML report are the `deboil-cli` crate's (the
//! `deboil` binary); JSON Lines are cleaned here ([`jsonl`]) from any
//! reader to any writer.
//!
//! ```
//! let engine = deboil::Engine::builtin()?;
//! let text = "A real sentence of the article.\n\nShare on Facebook\nTweet\n";
//! let cleaned = engine.clean(text);
//! assert_eq!(cleaned.output(), "A real sentence of the article.\n");
//! for r in cleaned.removals() {
//!     println!("{} removed {:?}", cleaned.rule_id(r), cleaned.removed_text(r));
//! }
//! # Ok::<(), deboil::Error>(())
//! ```

pub mod builder;
pub mod claims;
pub mod document;
pub mod engine;
mod error;
pub mod eval;
pub mod fold;
pub mod jsonl;
pub mod learn;
mod matcher;
pub mod removal;
pub mod render;
pub mod rules;
pub mod span;
pub mod stages;

/// The stages' old home, kept so that existing paths
/// (`deboil::heuristics::classify::Model`,
/// `deboil::heuristics::content_model`, `deboil::heuristics::Heuristic`, ...)
/// still work: everything public in [`stages`], under its old name. New code
/// should name [`stages`].
pub mod heuristics {
    pub use crate::stages::*;
}

pub use builder::EngineBuilder;
pub use claims::Claims;
pub use document::Document;
pub use engine::Engine;
pub use error::{Diagnostic, Error, Result};
pub use matcher::{Hit, Matcher};
pub use removal::{Cleaned, Guard, InvalidRemoval, Removal, Segment};
pub use rules::{Profile, Rule, RuleIndex, RuleSet, Selection};
pub use span::Span;
