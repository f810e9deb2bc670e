//! Building an [`Engine`] the way every front end does: the command line
//! (`clean`, `diff`, `plan`, `report`, `eval`, `learn`'s checks) and the
//! Python binding alike, so that none of them accepts what another refuses.
//!
//! One [`EngineBuilder`] owns the steps, in order: the settings are checked
//! (a guard outside 0..=1, or NaN, is an error, not a surprise later); the
//! rule sources are loaded (the built-in pack, `--rules` files and
//! directories, rule text held in memory such as a pack just learned) and
//! validated together; the examples of every rule that does not ship with
//! deboil are run, each rule alone, so that a pack whose own examples fail
//! is refused like a broken regex; the selection (profile, `select`,
//! `ignore`) is applied; the rules are compiled.

use crate::engine::{DEFAULT_GUARD, Engine};
use crate::error::{Error, Result};
use crate::rules::{RuleSet, Selection};
use std::path::PathBuf;

/// Collects what an [`Engine`] is built from; see the module docs.
#[derive(Clone, Debug)]
pub struct EngineBuilder {
    builtin: bool,
    paths: Vec<PathBuf>,
    sources: Vec<(String, String)>,
    selection: Option<Selection>,
    guard: Option<f64>,
    check_examples: bool,
}

impl Default for EngineBuilder {
    /// The built-in rules, the default selection (the balanced profile),
    /// the default guard, and added rules' examples checked.
    fn default() -> EngineBuilder {
        EngineBuilder {
            builtin: true,
            paths: Vec::new(),
            sources: Vec::new(),
            selection: Some(Selection::default()),
            guard: Some(DEFAULT_GUARD),
            check_examples: true,
        }
    }
}

impl EngineBuilder {
    /// Leaves the built-in rules out: only the added rules run.
    pub fn without_builtin(mut self) -> EngineBuilder {
        self.builtin = false;
        self
    }

    /// Adds a rule file, or every `*.toml` file of a directory.
    pub fn rules_path(mut self, path: impl Into<PathBuf>) -> EngineBuilder {
        self.paths.push(path.into());
        self
    }

    /// Adds rule files or directories, in order.
    pub fn rules_paths<P: Into<PathBuf>>(
        mut self,
        paths: impl IntoIterator<Item = P>,
    ) -> EngineBuilder {
        self.paths.extend(paths.into_iter().map(Into::into));
        self
    }

    /// Adds rule-file text held in memory (a pack just learned), named
    /// `name` in messages. Loaded after the paths.
    pub fn rules_source(
        mut self,
        name: impl Into<String>,
        text: impl Into<String>,
    ) -> EngineBuilder {
        self.sources.push((name.into(), text.into()));
        self
    }

    /// Which rules run (profile, `select`, `ignore`).
    pub fn selection(mut self, selection: Selection) -> EngineBuilder {
        self.selection = Some(selection);
        self
    }

    /// Every rule loaded runs, whatever its profiles.
    pub fn every_rule(mut self) -> EngineBuilder {
        self.selection = None;
        self
    }

    /// The safety guard (see [`Engine::with_guard`]); `None` turns it off.
    /// Checked by [`EngineBuilder::build`].
    pub fn guard(mut self, limit: Option<f64>) -> EngineBuilder {
        self.guard = limit;
        self
    }

    /// Whether the examples of the added rules are run before compiling
    /// (on by default; `deboil rules test` reports failures itself).
    pub fn check_examples(mut self, check: bool) -> EngineBuilder {
        self.check_examples = check;
        self
    }

    /// Loads, validates, checks, selects and compiles; fails with every
    /// problem found in the rules, or the first invalid setting.
    pub fn build(self) -> Result<Engine> {
        // Settings first: they cost nothing to check, compiling does.
        check_guard(self.guard)?;
        let mut b = RuleSet::builder();
        if self.builtin {
            b = b.builtin();
        }
        for p in &self.paths {
            b = b.dir(p)?;
        }
        for (name, text) in self.sources {
            b = b.source(name, text);
        }
        let set = b.build()?;
        if self.check_examples {
            crate::engine::examples::check_added(&set)?;
        }
        let set = match &self.selection {
            Some(s) => set.select(s)?,
            None => set,
        };
        Engine::new(set)?.with_guard(self.guard)
    }
}

/// A guard must be a share: 0..=1, not NaN.
pub(crate) fn check_guard(limit: Option<f64>) -> Result<()> {
    match limit {
        Some(g) if !(0.0..=1.0).contains(&g) => Err(Error::setting(format!(
            "the guard must be a share between 0 and 1, got {g}"
        ))),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_guard_outside_0_to_1_is_refused() {
        for bad in [f64::NAN, 5.0, -0.1, f64::INFINITY] {
            let e = EngineBuilder::default()
                .guard(Some(bad))
                .build()
                .unwrap_err();
            assert!(e.to_string().contains("the guard must be a share"), "{e}");
            assert!(e.is_setting());
            assert!(Engine::builtin().unwrap().with_guard(Some(bad)).is_err());
        }
        for ok in [None, Some(0.0), Some(0.5), Some(1.0)] {
            let e = Engine::builtin().unwrap().with_guard(ok).unwrap();
            assert_eq!(e.guard(), ok);
        }
    }

    #[test]
    fn an_added_pack_whose_examples_fail_is_refused() {
        let pack = r#"
[[rule]]
id = "mine.share"
category = "share"
summary = "A share line"
scope = "line"
literals = ["Share this"]
remove = ["Share this"]
keep = ["Share this"]
"#;
        let e = EngineBuilder::default()
            .rules_source("mine.toml", pack)
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("example fails"), "{e}");
        assert!(!e.diagnostics().is_empty());
        // Unless asked not to check.
        let engine = EngineBuilder::default()
            .rules_source("mine.toml", pack)
            .check_examples(false)
            .build()
            .unwrap();
        assert!(engine.rules().find("mine.share").is_some());
    }

    #[test]
    fn selection_and_every_rule() {
        let balanced = EngineBuilder::default().build().unwrap();
        let every = EngineBuilder::default().every_rule().build().unwrap();
        assert!(every.rules().len() > balanced.rules().len());
        let only = EngineBuilder::default()
            .selection(Selection {
                select: vec!["share-button".into()],
                ..Selection::default()
            })
            .build();
        assert!(only.is_ok_and(|e| e.rules().len() == 1));
    }
}
