//! Rules: the validated, ready-to-compile description of what is debris.
//!
//! A [`RuleSet`] is built from TOML rule files (the built-in pack embedded in
//! the binary, plus user packs) by [`RuleSetBuilder`]. Every rule has a
//! stable id, a category, examples, and either a pattern (literals or a
//! regex, applied per line, inside a line, or as a tail marker) or a
//! heuristic with parameters. Loading checks everything it can, and reports
//! every problem with its file, line and column.

pub(crate) mod builtin;
pub(crate) mod heuristic;
mod keys;
mod load;
pub(crate) mod params;
mod schema;
mod validate;

use regex::Regex;
use std::fmt;
use std::path::Path;
use std::sync::{Arc, OnceLock};

pub use heuristic::Heuristic;
pub use load::RuleSetBuilder;
pub(crate) use validate::{REGEX_CACHE_LIMIT, REGEX_SIZE_LIMIT};

/// Index of a rule inside its [`RuleSet`]; cheap to copy and store per line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RuleIndex(pub(crate) u32);

impl RuleIndex {
    /// The rule at `position` in its set (a rule set holds far fewer than
    /// 2^32 rules).
    pub fn new(position: usize) -> RuleIndex {
        RuleIndex(position as u32)
    }

    /// The position of the rule in its set.
    pub fn get(self) -> usize {
        self.0 as usize
    }
}

/// Where a rule applies its match.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Remove every whole line that matches.
    Line,
    /// Remove only the matched text inside a line (the whole line if nothing else remains).
    Span,
    /// The matching line marks the start of a debris tail: it and everything
    /// after it are removed, within the rule's bounds.
    Tail,
}

impl Scope {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Line => "line",
            Scope::Span => "span",
            Scope::Tail => "tail",
        }
    }
}

/// How a pattern must sit in a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MatchMode {
    /// The pattern must cover the whole line, surrounding whitespace aside.
    WholeLine,
    /// The pattern must start the line, leading whitespace aside.
    Prefix,
    /// The pattern may occur anywhere in the line.
    Contains,
}

impl MatchMode {
    /// The name used in rule files.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchMode::WholeLine => "whole-line",
            MatchMode::Prefix => "prefix",
            MatchMode::Contains => "contains",
        }
    }
}

/// A cleaning profile: how much a run is willing to risk for precision.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Profile {
    /// Only literal debris that can hardly occur in article text.
    Safe,
    /// The default trade-off.
    #[default]
    Balanced,
    /// Favour removing debris over keeping borderline text.
    Aggressive,
}

impl Profile {
    /// All profiles, in order of increasing aggressiveness.
    pub const ALL: [Profile; 3] = [Profile::Safe, Profile::Balanced, Profile::Aggressive];

    /// The name used in rule files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Profile::Safe => "safe",
            Profile::Balanced => "balanced",
            Profile::Aggressive => "aggressive",
        }
    }

    /// Parses a profile name.
    pub fn parse(s: &str) -> Option<Profile> {
        Profile::ALL.into_iter().find(|p| p.as_str() == s)
    }

    fn bit(self) -> u8 {
        1 << self as u8
    }
}

impl fmt::Display for Profile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The set of profiles a rule belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profiles(u8);

impl Profiles {
    /// Balanced and aggressive: the default for rules that do not say.
    pub const DEFAULT: Profiles = Profiles(0b110);

    pub(crate) fn from_list(list: &[Profile]) -> Profiles {
        Profiles(list.iter().fold(0, |acc, p| acc | p.bit()))
    }

    /// True when the rule runs under `profile`.
    pub fn contains(self, profile: Profile) -> bool {
        self.0 & profile.bit() != 0
    }

    /// The profiles, in order.
    pub fn iter(self) -> impl Iterator<Item = Profile> {
        Profile::ALL.into_iter().filter(move |p| self.contains(*p))
    }
}

/// Bounds that keep a tail rule from eating the article.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TailBounds {
    /// The marker only counts when at least this share (0..1) of the
    /// document's non-blank text comes before it.
    pub after: f64,
    /// Where the tail starts: at a marker (within its own bounds), or at the
    /// first post of a thread whose posts each end with a marker.
    pub start: TailStart,
}

/// Where a tail starts. A thread has its own bounds, so it takes none of
/// the marker's (the rule loader rejects them together).
#[derive(Clone, Copy, Debug, PartialEq)]
#[non_exhaustive]
pub enum TailStart {
    /// One eligible marker opens the closing section.
    Marker {
        /// Which eligible marker: the first, or the last.
        which: Marker,
        /// When set, also remove the run of short blocks right before the
        /// marker, back to the last block holding a line of at least this
        /// many characters (for trailers such as "Forum List" that close a
        /// comment thread).
        back_to_content: Option<usize>,
        /// When set, the tail is not removed if any line after the marker
        /// is longer than this many characters: a related-links section
        /// holds headlines and teasers, and a full paragraph means the text
        /// goes on.
        max_line_chars: Option<usize>,
        /// When set, the tail is not removed if more than this share (0..1)
        /// of the page's prose follows the marker. With `max_line_chars` as
        /// well, it is kept only when both say so: long teasers under a
        /// related heading are not the article going on.
        max_prose_after: Option<f64>,
    },
    /// The marker closes every post of a thread (a "Reply" button under
    /// each comment): it counts only when it occurs at least twice and its
    /// first occurrence is past the `after` bound, and the tail starts at
    /// the first post, as many lines before the first marker as the
    /// shortest post between two markers holds.
    Thread,
}

/// Which of a tail rule's eligible markers opens the tail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Marker {
    /// The first.
    First,
    /// The last: a marker that recurs ("Add a comment" under every post of
    /// a Q&A thread) belongs to each post, and only its last occurrence
    /// opens the closing section.
    Last,
}

impl TailBounds {
    /// True when the tail starts at the last eligible marker
    /// (`tail-last-marker`).
    pub fn last_marker(&self) -> bool {
        matches!(
            self.start,
            TailStart::Marker {
                which: Marker::Last,
                ..
            }
        )
    }

    /// True for a thread (`tail-thread`).
    pub fn thread(&self) -> bool {
        self.start == TailStart::Thread
    }

    /// The content line length of `tail-back-to-content`, when set.
    pub fn back_to_content(&self) -> Option<usize> {
        match self.start {
            TailStart::Marker {
                back_to_content, ..
            } => back_to_content,
            TailStart::Thread => None,
        }
    }

    /// `tail-max-line-chars`, when set.
    pub fn max_line_chars(&self) -> Option<usize> {
        match self.start {
            TailStart::Marker { max_line_chars, .. } => max_line_chars,
            TailStart::Thread => None,
        }
    }

    /// `tail-max-prose-after`, when set.
    pub fn max_prose_after(&self) -> Option<f64> {
        match self.start {
            TailStart::Marker {
                max_prose_after, ..
            } => max_prose_after,
            TailStart::Thread => None,
        }
    }
}

/// A pattern rule: what it matches and how the match is applied.
#[derive(Clone, Debug)]
pub struct PatternRule {
    /// Where the match applies.
    pub scope: Scope,
    /// How the match must sit in the line.
    pub mode: MatchMode,
    /// Literals or a regex.
    pub pattern: Pattern,
    /// Match regardless of case (ASCII only for literals).
    pub case_insensitive: bool,
    /// Whole-line literals: a line matches a literal when both are equal
    /// after [`crate::fold`] (case, whitespace runs and digit runs folded),
    /// as `deboil learn` counts them.
    pub fold: bool,
    /// When set, the rule only applies to documents of this group (a site:
    /// see [`crate::Engine::clean_in`]); learned rules carry their group.
    pub group: Option<String>,
    /// Line scope: only runs of at least this many matching lines are removed
    /// (blank lines inside a run are allowed and do not count).
    pub min_run: usize,
    /// Only lines of at most this many characters (trimmed) can match.
    pub max_line_chars: Option<usize>,
    /// Never fire on the first non-blank line, which is usually the title.
    pub skip_first_line: bool,
    /// Tail scope: the bounds.
    pub tail: TailBounds,
}

/// The matcher of a pattern rule.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Pattern {
    /// Any of these exact strings.
    Literals(Vec<String>),
    /// A regular expression, as written and as compiled for whole-document search.
    Regex {
        /// The pattern as written in the rule file.
        source: String,
        /// The line-anchored search regex (multi-line, CRLF-aware).
        compiled: SearchRegex,
    },
}

/// A pattern rule's search regex. A rule pack's regexes are compiled when
/// the pack loads, so that a pattern too large to compile is reported
/// there with its file and line; the built-in rules' are compiled when a
/// document first reaches them (most runs of one file need a few of them,
/// and compiling all of them was most of a one-file run's time). Their
/// tests compile every one of them as a pack's are
/// (`builtin::tests::every_builtin_rule_validates_as_a_pack`).
#[derive(Clone)]
pub struct SearchRegex {
    pattern: Arc<str>,
    compiled: Arc<OnceLock<Regex>>,
}

impl SearchRegex {
    /// A regex already compiled.
    pub(crate) fn compiled(regex: Regex) -> SearchRegex {
        let pattern = regex.as_str().into();
        SearchRegex {
            pattern,
            compiled: Arc::new(OnceLock::from(regex)),
        }
    }

    /// A regex of the built-in rules, compiled on first use.
    pub(crate) fn deferred(pattern: String) -> SearchRegex {
        SearchRegex {
            pattern: pattern.into(),
            compiled: Arc::new(OnceLock::new()),
        }
    }

    /// The compiled regex (compiled now, once, if it was deferred).
    pub fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| {
            validate::build_search_regex(&self.pattern)
                .expect("a built-in rule's regex compiles: its tests compile every one")
        })
    }

    /// The pattern searched for.
    pub fn as_str(&self) -> &str {
        &self.pattern
    }
}

/// As [`Regex`]'s own (the rules' fingerprint in output manifests reads
/// it): the pattern, whether compiled yet or not.
impl fmt::Debug for SearchRegex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Regex").field(&self.as_str()).finish()
    }
}

/// What a rule does: a pattern, or a built-in heuristic with parameters.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum RuleKind {
    /// Literals or regex, applied per line, inside lines, or as a tail marker.
    Pattern(PatternRule),
    /// A built-in heuristic stage.
    Heuristic(Heuristic),
}

/// A `remove` example: the text and the exact output expected after the
/// rule alone has run (empty when the rule must remove everything).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Example {
    /// Input text.
    pub text: String,
    /// Expected cleaned output, or `None` for "everything removed".
    pub output: Option<String>,
    /// Where the example is written, for reporting failures.
    pub origin: Origin,
}

/// A location in a rule file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The rule file.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub col: usize,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file, self.line, self.col)
    }
}

/// A validated rule.
#[derive(Clone, Debug)]
pub struct Rule {
    /// Stable kebab-case id.
    pub id: String,
    /// Debris family (comments, share, credits...).
    pub category: String,
    /// One-line description.
    pub summary: String,
    /// Pattern or heuristic.
    pub kind: RuleKind,
    /// Profiles the rule runs under.
    pub profiles: Profiles,
    /// Texts the rule must remove.
    pub remove: Vec<Example>,
    /// Article texts the rule must leave alone.
    pub keep: Vec<Example>,
    /// Where the rule is defined.
    pub origin: Origin,
}

impl Rule {
    /// The group the rule is restricted to, if any.
    pub fn group(&self) -> Option<&str> {
        match &self.kind {
            RuleKind::Pattern(p) => p.group.as_deref(),
            RuleKind::Heuristic(_) => None,
        }
    }

    /// The scope name: `line`, `span`, `tail` or `heuristic`.
    pub fn scope_name(&self) -> &'static str {
        match &self.kind {
            RuleKind::Pattern(p) => p.scope.as_str(),
            RuleKind::Heuristic(_) => "heuristic",
        }
    }
}

/// An ordered, validated collection of rules with unique ids.
#[derive(Clone, Debug, Default)]
pub struct RuleSet {
    rules: Vec<Rule>,
}

/// Which rules of a set to run.
#[derive(Clone, Debug, Default)]
pub struct Selection {
    /// The profile; rules not in it are left out.
    pub profile: Profile,
    /// When non-empty, only rules whose id or category is listed.
    pub select: Vec<String>,
    /// Rules whose id or category is listed are left out.
    pub ignore: Vec<String>,
}

impl RuleSet {
    /// Starts building a rule set.
    pub fn builder() -> RuleSetBuilder {
        RuleSetBuilder::default()
    }

    /// The rules shipped with deboil.
    pub fn builtin() -> crate::Result<RuleSet> {
        RuleSet::builder().builtin().build()
    }

    /// The built-in rules plus the packs in `dirs`.
    pub fn with_dirs<P: AsRef<Path>>(dirs: &[P]) -> crate::Result<RuleSet> {
        let mut b = RuleSet::builder().builtin();
        for d in dirs {
            b = b.dir(d.as_ref())?;
        }
        b.build()
    }

    /// A set of exactly `rules`, in order, as they are: nothing is checked
    /// or compiled (a review plan rebuilds its recorded rules this way, to
    /// render removals it already holds).
    pub fn from_rules(rules: Vec<Rule>) -> RuleSet {
        RuleSet { rules }
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// True when there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The rule at `index`.
    pub fn get(&self, index: RuleIndex) -> &Rule {
        &self.rules[index.get()]
    }

    /// All rules, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (RuleIndex, &Rule)> {
        self.rules
            .iter()
            .enumerate()
            .map(|(i, r)| (RuleIndex(i as u32), r))
    }

    /// The rule with this id.
    pub fn find(&self, id: &str) -> Option<(RuleIndex, &Rule)> {
        self.iter().find(|(_, r)| r.id == id)
    }

    /// The same rules, with every `content-model` rule scoring with `model`
    /// (a shipped model's name or a model file) instead of its own: how
    /// `deboil eval --cv-models` cleans each page with the model fitted
    /// without it.
    pub fn with_content_model(mut self, model: &str) -> crate::Result<RuleSet> {
        let named = Heuristic::ContentModel(params::ContentModel {
            model: model.to_owned(),
            ..Default::default()
        });
        heuristic::CHECK_MODEL(&named).map_err(|message| {
            crate::Error::rules(vec![crate::Diagnostic {
                file: model.into(),
                line: 0,
                col: 0,
                rule: None,
                message,
            }])
        })?;
        for r in &mut self.rules {
            if let RuleKind::Heuristic(Heuristic::ContentModel(c)) = &mut r.kind {
                c.model = model.to_owned();
            }
        }
        Ok(self)
    }

    /// The rules chosen by `selection`. Naming an id or category that does
    /// not exist is an error, so a typo cannot silently select nothing.
    pub fn select(&self, selection: &Selection) -> crate::Result<RuleSet> {
        let known = |name: &str| {
            self.rules
                .iter()
                .any(|r| r.id == name || r.category == name)
        };
        let unknown: Vec<_> = selection
            .select
            .iter()
            .chain(&selection.ignore)
            .filter(|n| !known(n))
            .map(|n| crate::Diagnostic {
                file: "<selection>".into(),
                line: 0,
                col: 0,
                rule: None,
                message: format!("no rule or category named {n:?}"),
            })
            .collect();
        if !unknown.is_empty() {
            return Err(crate::Error::rules(unknown));
        }
        let named = |list: &[String], r: &Rule| list.iter().any(|n| *n == r.id || *n == r.category);
        // A rule selected by its own id runs whatever the profile: asking for
        // it by name is explicit. Categories and the default stay within it.
        let by_id = |r: &Rule| selection.select.contains(&r.id);
        let rules = self
            .rules
            .iter()
            .filter(|r| r.profiles.contains(selection.profile) || by_id(r))
            .filter(|r| selection.select.is_empty() || named(&selection.select, r))
            .filter(|r| !named(&selection.ignore, r))
            .cloned()
            .collect();
        Ok(RuleSet { rules })
    }

    /// A set holding only the rule at `index` (to run its examples alone).
    pub fn only(&self, index: RuleIndex) -> RuleSet {
        RuleSet {
            rules: vec![self.get(index).clone()],
        }
    }
}
