//! Running rules' own examples: every `remove` example must come out as
//! stated when the rule runs alone, and every `keep` example must come out
//! untouched, both by its own rule and by the whole set.

use super::Engine;
use crate::rules::{Example, RuleIndex, RuleSet};
use std::fmt;

/// One example that did not behave as its rule says.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Failure {
    /// The rule the example belongs to.
    pub rule: String,
    /// Where the example is written (`file:line:col`).
    pub origin: String,
    /// What went wrong.
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: rule {:?}: {}", self.origin, self.rule, self.message)
    }
}

/// The output the engine gives for an expected text: non-empty outputs end
/// with exactly one newline.
fn normalized(expected: &str) -> String {
    if expected.is_empty() || expected.ends_with('\n') {
        expected.to_owned()
    } else {
        format!("{expected}\n")
    }
}

fn check_remove(
    engine: &Engine,
    rule: &str,
    group: Option<&str>,
    ex: &Example,
    out: &mut Vec<Failure>,
) {
    let cleaned = engine.clean_in(&ex.text, group);
    let got = cleaned.output();
    let want = normalized(ex.output.as_deref().unwrap_or(""));
    if got != want {
        out.push(Failure {
            rule: rule.to_owned(),
            origin: ex.origin.to_string(),
            message: format!(
                "remove example {:?}: expected output {:?}, got {:?}",
                ex.text, want, got
            ),
        });
    }
}

/// Examples of a rule restricted to a group run as documents of that group.
fn check_keep(
    engine: &Engine,
    rule: &str,
    group: Option<&str>,
    ex: &Example,
    out: &mut Vec<Failure>,
    alone: bool,
) {
    let cleaned = engine.clean_in(&ex.text, group);
    if let Some(r) = cleaned.removals().first() {
        let by = cleaned.rule_id(r);
        let message = if alone {
            format!(
                "keep example {:?}: rule removed {:?}",
                ex.text,
                cleaned.removed_text(r)
            )
        } else {
            format!(
                "keep example {:?}: rule {by:?} removed {:?}",
                ex.text,
                cleaned.removed_text(r)
            )
        };
        out.push(Failure {
            rule: rule.to_owned(),
            origin: ex.origin.to_string(),
            message,
        });
    }
}

/// Runs the examples of the rule at `index`, alone.
pub fn check_rule(rules: &RuleSet, index: RuleIndex) -> crate::Result<Vec<Failure>> {
    let rule = rules.get(index);
    // Examples test the rule itself: the safety guard, an engine setting that
    // withholds heuristic removals from mostly-debris texts, is off.
    let engine = Engine::new(rules.only(index))?.without_guard();
    let mut out = Vec::new();
    for ex in &rule.remove {
        check_remove(&engine, &rule.id, rule.group(), ex, &mut out);
    }
    for ex in &rule.keep {
        check_keep(&engine, &rule.id, rule.group(), ex, &mut out, true);
    }
    Ok(out)
}

/// Runs every rule's examples alone, then every one-line `keep` example
/// through the whole set: an article sentence one rule keeps must survive
/// all of them. (Multi-line keep examples test a rule's own structure, such
/// as a tail's position bound, and may well contain other rules' debris.)
pub fn check_all(rules: &RuleSet) -> crate::Result<Vec<Failure>> {
    let mut out = Vec::new();
    for (idx, _) in rules.iter() {
        out.extend(check_rule(rules, idx)?);
    }
    let all = Engine::new(rules.clone())?.without_guard();
    for (_, rule) in rules.iter() {
        for ex in rule
            .keep
            .iter()
            .filter(|e| !e.text.trim_end().contains('\n'))
        {
            check_keep(&all, &rule.id, rule.group(), ex, &mut out, false);
        }
    }
    Ok(out)
}

/// Runs the examples of every rule that does not ship with deboil (the
/// user's `--rules` packs), each rule alone: a rule whose own examples fail
/// is an error like a bad regex, reported as `file:line:col: rule "ID":
/// reason` before any file is read. (The built-in rules are checked by the
/// test suite; `deboil rules test` also checks examples against the whole set.)
pub fn check_added(rules: &RuleSet) -> crate::Result<()> {
    let mut diags = Vec::new();
    for (idx, rule) in rules.iter() {
        if crate::rules::builtin::BUILTIN
            .iter()
            .any(|(name, _)| *name == rule.origin.file)
        {
            continue;
        }
        for f in check_rule(rules, idx)? {
            // `origin` is `file:line:col`; the file name may hold colons.
            let mut parts = f.origin.rsplitn(3, ':');
            let col = parts.next().and_then(|c| c.parse().ok()).unwrap_or(0);
            let line = parts.next().and_then(|l| l.parse().ok()).unwrap_or(0);
            let file = parts.next().unwrap_or(&f.origin).to_owned();
            diags.push(crate::Diagnostic {
                file,
                line,
                col,
                rule: Some(f.rule),
                message: format!("example fails: {}", f.message),
            });
        }
    }
    if diags.is_empty() {
        Ok(())
    } else {
        Err(crate::Error::rules(diags))
    }
}
