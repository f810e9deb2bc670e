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
        tail::claim(&doc, &mut claims, rules, tails);
        let any_heuristic = stages::claim_heuristics(&doc, &mut claims, rules);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(toml: &str) -> Engine {
        Engine::new(RuleSet::builder().source("t.toml", toml).build().unwrap()).unwrap()
    }

    fn rule(body: &str) -> String {
        format!(
            "[[rule]]\nid = \"r\"\ncategory = \"c\"\nsummary = \"s\"\nremove = [\"x\"]\nkeep = [\"y\"]\n{body}\n"
        )
    }

    #[test]
    fn whole_line_literal_needs_the_whole_line() {
        let e = engine(&rule(
            "scope = \"line\"\nliterals = [\"Share\"]\ncase-insensitive = true",
        ));
        assert_eq!(
            e.clean("Intro\n  SHARE \nShare this\n").output(),
            "Intro\nShare this\n"
        );
    }

    #[test]
    fn case_sensitive_literal_checks_exact_bytes() {
        let e = engine(&rule("scope = \"line\"\nliterals = [\"Tweet\"]"));
        assert_eq!(e.clean("tweet\nTweet\n").output(), "tweet\n");
    }

    #[test]
    fn prefix_and_contains_modes() {
        let e = engine(&rule(
            "scope = \"line\"\nmatch = \"prefix\"\nliterals = [\"More news:\"]",
        ));
        assert_eq!(
            e.clean("a\nMore news: x\nno More news: y\n").output(),
            "a\nno More news: y\n"
        );
        let e = engine(&rule(
            "scope = \"line\"\nmatch = \"contains\"\nliterals = [\"cookie\"]\nmax-line-chars = 20",
        ));
        assert_eq!(
            e.clean("We use cookie jars.\nThis sentence mentions a cookie but is long.\n")
                .output(),
            "This sentence mentions a cookie but is long.\n"
        );
    }

    #[test]
    fn min_run_counts_consecutive_lines_across_blanks() {
        let e = engine(&rule(
            "scope = \"line\"\nregex = '\\d{1,2}:\\d{1,2}'\nmin-run = 2",
        ));
        assert_eq!(
            e.clean("At\n10:30\nwe met.\n0:00\n\n27:33\n").output(),
            "At\n10:30\nwe met.\n"
        );
    }

    #[test]
    fn span_rule_removes_only_the_match() {
        let e = engine(&rule(
            "scope = \"span\"\nmatch = \"contains\"\nregex = ' ?Photo by [^.]+$'",
        ));
        assert_eq!(
            e.clean("A caption. Photo by A/B\nPhoto by C/D\n").output(),
            "A caption.\n"
        );
    }

    #[test]
    fn regex_matching_across_lines_is_retried_per_line() {
        let e = engine(&rule(
            "scope = \"line\"\nmatch = \"contains\"\nregex = 'ad\\s+here'",
        ));
        assert_eq!(
            e.clean("x ad\nhere y\nad  here\n").output(),
            "x ad\nhere y\n"
        );
    }

    #[test]
    fn tail_respects_its_position_bound() {
        let e = engine(&rule(
            "scope = \"tail\"\nliterals = [\"Comments\"]\ntail-after = 0.5",
        ));
        let early = "Comments\nA long article body follows the marker here.\n";
        assert_eq!(e.clean(early).output(), early);
        let late = "A long article body comes before the marker.\nComments\nnice post\n";
        assert_eq!(
            e.clean(late).output(),
            "A long article body comes before the marker.\n"
        );
    }

    #[test]
    fn tail_last_marker_starts_at_the_last_eligible_marker() {
        let body = "scope = \"tail\"\nliterals = [\"Add a comment\"]\ntail-after = 0.2";
        let text = "Question title\n\nThe first answer explains the whole thing.\nAdd a comment\nThe second answer adds a detail.\nAdd a comment\nYour answer\n";
        assert_eq!(
            engine(&rule(body)).clean(text).output(),
            "Question title\n\nThe first answer explains the whole thing.\n"
        );
        let last = engine(&rule(&format!("{body}\ntail-last-marker = true")));
        assert_eq!(
            last.clean(text).output(),
            "Question title\n\nThe first answer explains the whole thing.\nAdd a comment\nThe second answer adds a detail.\n"
        );
    }

    #[test]
    fn tail_thread_starts_at_the_first_post_and_needs_two_markers() {
        let e = engine(&rule(
            "scope = \"tail\"\nliterals = [\"Reply\"]\ntail-after = 0.3\ntail-thread = true",
        ));
        let article = "Title of the story\n\nThe first paragraph of the article tells the story in full.\n\nThe second paragraph ends it with a quote from the mayor.\n\n";
        let thread = "Ann says\nWhat a story, thanks.\nReply\nBo says\nI read it twice.\nReply\nCy says\nIt happened to me too.\nReply\n";
        assert_eq!(
            e.clean(&format!("{article}{thread}")).output(),
            article.trim_end().to_string() + "\n"
        );
        // One marker is a button, not a thread.
        let one = format!("{article}Ann says\nWhat a story, thanks.\nReply\n");
        assert_eq!(e.clean(&one).output(), one);
        // A longer first post loses its head only: the article stays whole.
        let long = format!(
            "{article}Ann says\nWhat a story.\nIt reminds me of home.\nReply\nBo says\nAgreed.\nReply\n"
        );
        assert_eq!(e.clean(&long).output(), format!("{article}Ann says\n"));
        // Markers early in the page are posts of the page itself (a forum).
        let forum = format!(
            "First post\nReply\nSecond post\nReply\n{}\n",
            article.trim_end()
        );
        assert_eq!(e.clean(&forum).output(), forum);
        // So are posts after a long menu, when the replies outweigh the
        // opening post in prose.
        let menu = "Home\nForums\nMembers\nSearch the forums\nLog in or sign up\nWhat's new\n";
        let forum = format!(
            "{menu}My seedlings grow tall and thin, what am I doing wrong?\nReply\nThey need more light and less heat, so move them closer to the window.\nReply\nA fan helps too: seedlings that move in the air grow sturdier stems.\nReply\n"
        );
        assert_eq!(e.clean(&forum).output(), forum);
    }

    #[test]
    fn tail_thread_walks_back_no_further_than_a_heading_of_its_category() {
        let heading = "[[rule]]\nid = \"h\"\ncategory = \"c\"\nsummary = \"s\"\nremove = [\"x\"]\nkeep = [\"y\"]\nscope = \"line\"\nliterals = [\"2 Comments\"]\n";
        let thread =
            rule("scope = \"tail\"\nliterals = [\"Reply\"]\ntail-after = 0.3\ntail-thread = true")
                .replace("id = \"r\"", "id = \"t\"");
        let e = engine(&format!("{heading}\n{thread}"));
        // The second post is long, the first short: counting back the second
        // post's lines alone would take the article's last line.
        let text = "The first paragraph of the article tells the story in full.\n\nThe second paragraph ends it with a quote from the mayor.\n2 Comments\nAnn\nGood.\nReply\nBo\nI read it twice.\nThen a third time.\nAnd again.\nReply\n";
        assert_eq!(
            e.clean(text).output(),
            "The first paragraph of the article tells the story in full.\n\nThe second paragraph ends it with a quote from the mayor.\n"
        );
    }

    #[test]
    fn tail_back_to_content_stops_at_the_last_long_line() {
        let e = engine(&rule(
            "scope = \"tail\"\nliterals = [\"Forum List\"]\ntail-after = 0.3\ntail-back-to-content = true\ncontent-line-chars = 40",
        ));
        let text = "Title\n\nThis is a long paragraph of the article itself.\n\nRelated headline\nGreat post!!\n\nAgreed.\n\nForum List\n";
        assert_eq!(
            e.clean(text).output(),
            "Title\n\nThis is a long paragraph of the article itself.\n"
        );
    }

    #[test]
    fn skip_first_line_spares_the_title() {
        let e = engine(&rule(
            "scope = \"line\"\nregex = '.*: monitor'\nskip-first-line = true",
        ));
        assert_eq!(
            e.clean("\nX: monitor\n\nY: monitor\n").output(),
            "X: monitor\n"
        );
    }
}
