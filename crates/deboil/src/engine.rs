//! The cleaning pipeline: a compiled rule set applied to one document.
//!
//! [`Engine`] is built once per run (every automaton and regex compiled
//! there) and is cheap to clone and share across threads. [`Engine::clean`]
//! runs the stages in a fixed order, each claiming lines the earlier ones
//! left alone:
//!
//! 1. line and span pattern rules, in rule order (the pattern stage);
//! 2. tail rules, in rule order (the tail stage);
//! 3. heuristic rules, in rule order;
//! 4. the safety guard: when everything claimed would remove more than the
//!    engine's limit of the document's text, the heuristic claims are
//!    withdrawn (pattern rules name their debris and stay) and the result
//!    reports it.
//!
//! The claims become the document's removals, rendered by [`Cleaned`].
//! The stages' code is in [`crate::stages`]; this module only runs them.

pub mod examples;

use crate::builder::EngineBuilder;
use crate::claims::Claims;
use crate::document::Document;
use crate::matcher::Matcher;
use crate::removal::{Cleaned, Guard};
use crate::rules::{RuleKind, RuleSet, Selection};
use crate::stages::prose::ProseLines;
use crate::stages::{self, pattern, tail};
use std::sync::Arc;

/// A compiled rule set, ready to clean documents.
#[derive(Clone, Debug)]
pub struct Engine {
    inner: Arc<Inner>,
    guard: Option<f64>,
}

/// The compiled part, shared by every clone.
#[derive(Debug)]
struct Inner {
    rules: RuleSet,
    matcher: Matcher,
}

/// The default safety guard: heuristic removals are withheld from a document
/// when all rules together would remove more than this share of its text.
pub const DEFAULT_GUARD: f64 = 0.9;

impl Engine {
    /// Compiles `rules`, with the default safety guard.
    pub fn new(rules: RuleSet) -> crate::Result<Engine> {
        let matcher = Matcher::new(&rules)?;
        Ok(Engine {
            inner: Arc::new(Inner { rules, matcher }),
            guard: Some(DEFAULT_GUARD),
        })
    }

    /// Starts building an engine from rule packs, learned rules and
    /// settings, as the command line and the Python binding do (see
    /// [`EngineBuilder`]).
    pub fn builder() -> EngineBuilder {
        EngineBuilder::default()
    }

    /// Sets the safety guard: when all rules together would remove more
    /// than `limit` (a share in 0..=1) of a document's non-blank text, the
    /// heuristic rules' removals are withheld and the result says so
    /// ([`Cleaned::guard`]). `None` turns the guard off. A limit outside
    /// 0..=1 (or NaN) is an error.
    pub fn with_guard(mut self, limit: Option<f64>) -> crate::Result<Engine> {
        crate::builder::check_guard(limit)?;
        self.guard = limit;
        Ok(self)
    }

    /// Turns the safety guard off (as `with_guard(None)`, which cannot fail).
    pub fn without_guard(mut self) -> Engine {
        self.guard = None;
        self
    }

    /// The safety guard's limit.
    pub fn guard(&self) -> Option<f64> {
        self.guard
    }

    /// The built-in rules under the default (balanced) profile.
    pub fn builtin() -> crate::Result<Engine> {
        Engine::new(RuleSet::builtin()?.select(&Selection::default())?)
    }

    /// The rules this engine runs.
    pub fn rules(&self) -> &RuleSet {
        &self.inner.rules
    }

    /// Cleans one document. Rules restricted to a group (`group = ...`,
    /// as learned rules are) do not apply: see [`Engine::clean_in`].
    pub fn clean<'a>(&'a self, text: &'a str) -> Cleaned<'a> {
        self.clean_in(text, None)
    }

    /// Cleans one document of `group` (a site, a directory): rules
    /// restricted to another group, or to any group when `group` is
    /// `None`, do not apply.
    pub fn clean_in<'a>(&'a self, text: &'a str, doc_group: Option<&str>) -> Cleaned<'a> {
        let rules = &self.inner.rules;
        let doc = Document::new(text);
        let mut claims = Claims::new(doc.lines().len());
        let mut hits = Vec::new();
        self.inner.matcher.find(&doc, &mut hits);
        let tails = pattern::claim(&doc, rules, &mut hits, doc_group, &mut claims);
        // Claimed; the heuristics that follow never read hits, and on a
        // document of millions of short lines they weigh as much as the
        // line table.
        drop(hits);
        // Where the prose is, read once for every stage that asks.
        let prose = ProseLines::new(&doc);
        tail::claim(&doc, &prose, &mut claims, rules, tails);
        let any_heuristic = stages::claim_heuristics(&doc, &prose, &mut claims, rules);
        let mut guard = None;
        if let (Some(limit), true) = (self.guard, any_heuristic) {
            let would_remove = claims.claimed_share(&doc);
            if would_remove > limit {
                claims.release(|r| matches!(rules.get(r).kind, RuleKind::Heuristic(_)));
                let removes = claims.claimed_share(&doc);
                // Only a withholding is worth reporting: pattern rules alone
                // may remove a page that is all debris.
                if removes < would_remove {
                    guard = Some(Guard {
                        would_remove,
                        limit,
                        removes,
                    });
                }
            }
        }
        let removals = claims.into_removals(&doc);
        Cleaned::new(doc, rules, removals).with_guard(guard)
    }
}
