//! All regex rules: a prefilter finds the lines each rule may match (see
//! [`prefilter`](super::prefilter)), then the rule's own regex runs on each
//! such line alone to find the spans (the regex crate's), or, for a line
//! or tail rule, to tell whether the line matches ([`LineTest`]: forward
//! engines only).
//!
//! Rules apply within one line, so a regex is matched against each line's
//! content (no terminator); `^`, `$` and `\b` see the line's edges as they
//! would in the whole document. Only span rules need the matched bounds; for
//! line and tail rules a hit covers the line's content.

use super::Hit;
use super::prefilter::LinePrefilter;
use crate::document::Document;
use crate::rules::SearchRegex;
use crate::rules::{Pattern, PatternRule, REGEX_CACHE_LIMIT, REGEX_SIZE_LIMIT, RuleIndex, Scope};
use crate::span::Span;
use rayon::prelude::*;
use regex_automata::Input;
use regex_automata::hybrid::dfa::{Cache, DFA};
use regex_automata::nfa::thompson::{self, pikevm::PikeVM};
use regex_automata::util::pool::Pool;
use regex_syntax::hir::Hir;
use std::panic::{RefUnwindSafe, UnwindSafe};
use std::sync::OnceLock;

#[derive(Debug)]
struct RegexRule {
    rule: RuleIndex,
    regex: SearchRegex,
    /// Span rules need every match's bounds; line and tail rules only need
    /// to know whether the line matches, which is one forward scan with an
    /// early exit instead of a forward and a reverse one per match. A regex
    /// that can match the empty string also takes the long way, since empty
    /// matches do not count.
    spans: bool,
    /// For a rule that only asks whether a line matches: its regex as that
    /// test runs it ([`LineTest`]).
    test: Option<LineTest>,
}

/// A line rule's regex compiled for "does this line match?" alone: a
/// forward lazy DFA, and the PikeVM on the same NFA for the lines the DFA
/// gives up on (a Unicode word boundary beside a non-ASCII character).
/// The regex crate also compiles the regex in reverse, and more engines,
/// for finding where matches start, which no line rule asks: all 57
/// built-in regexes compiled in 93 to 110 ms that way and in 41 to 45 ms
/// this way (parsing included), on every run that reached them, and a
/// 24 MB page dump's candidate lines were tested in 26 ms instead of 36.
/// Parsed and compiled on first use: the syntax trees the prefilter parsed
/// are not kept for it (those of 55 rules, most of which a document never
/// reaches, were 3 MB).
#[derive(Default)]
struct LineTest {
    built: OnceLock<Option<Forward>>,
}

type ForwardCachesFn = Box<dyn Fn() -> ForwardCaches + Send + Sync + UnwindSafe + RefUnwindSafe>;

struct Forward {
    dfa: DFA,
    pikevm: PikeVM,
    caches: Pool<ForwardCaches, ForwardCachesFn>,
}

/// One search cache per engine, used by one thread at a time.
struct ForwardCaches {
    dfa: Cache,
    pikevm: thompson::pikevm::Cache,
}

impl std::fmt::Debug for LineTest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LineTest")
            .field("built", &self.built.get().map(Option::is_some))
            .finish()
    }
}

impl LineTest {
    /// Whether `regex` matches somewhere in `haystack`; `None` when it
    /// could not be compiled this way (the caller asks the regex crate).
    fn is_match(&self, regex: &SearchRegex, haystack: &str) -> Option<bool> {
        let engines = self
            .built
            .get_or_init(|| {
                let hir = regex_syntax::Parser::new().parse(regex.as_str()).ok()?;
                Forward::build(&hir)
            })
            .as_ref()?;
        let mut caches = engines.caches.get();
        let input = Input::new(haystack).earliest(true);
        Some(match engines.dfa.try_search_fwd(&mut caches.dfa, &input) {
            Ok(m) => m.is_some(),
            Err(_) => engines.pikevm.is_match(&mut caches.pikevm, input),
        })
    }
}

impl Forward {
    /// Within the limits the regex crate compiles a rule's regex in (its
    /// `size_limit` is the NFA's, its `dfa_size_limit` the lazy DFA's cache).
    fn build(hir: &Hir) -> Option<Forward> {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .which_captures(thompson::WhichCaptures::Implicit)
                    .nfa_size_limit(Some(REGEX_SIZE_LIMIT)),
            )
            .build_from_hir(hir)
            .ok()?;
        let dfa = DFA::builder()
            .configure(
                DFA::config()
                    .cache_capacity(REGEX_CACHE_LIMIT)
                    // Decided where it can (ASCII around the boundary); the
                    // DFA quits on the rest, and the PikeVM decides those.
                    .unicode_word_boundary(true),
            )
            .build_from_nfa(nfa.clone())
            .ok()?;
        let pikevm = PikeVM::new_from_nfa(nfa).ok()?;
        let (d, p) = (dfa.clone(), pikevm.clone());
        let create: ForwardCachesFn = Box::new(move || ForwardCaches {
            dfa: d.create_cache(),
            pikevm: p.create_cache(),
        });
        Some(Forward {
            dfa,
            pikevm,
            caches: Pool::new(create),
        })
    }
}

#[derive(Debug)]
pub(crate) struct RegexMatcher {
    rules: Vec<RegexRule>,
    /// `None` when the prefilter could not be built: every line is checked.
    prefilter: Option<LinePrefilter>,
}

impl RegexMatcher {
    pub(crate) fn new(rules: &[(RuleIndex, &PatternRule)]) -> crate::Result<Option<RegexMatcher>> {
        let regexes: Vec<(RuleIndex, Scope, &SearchRegex)> = rules
            .iter()
            .filter_map(|&(rule, p)| match &p.pattern {
                Pattern::Regex { compiled, .. } => Some((rule, p.scope, compiled)),
                Pattern::Literals(_) => None,
            })
            .collect();
        if regexes.is_empty() {
            return Ok(None);
        }
        // Each source is parsed once, for both the prefilter and the empty
        // match test; parsing is a good part of start-up, so in parallel.
        let parsed: Vec<Option<Hir>> = regexes
            .par_iter()
            .map(|(_, _, r)| regex_syntax::Parser::new().parse(r.as_str()).ok())
            .collect();
        let rules = regexes
            .iter()
            .zip(&parsed)
            .map(|(&(rule, scope, regex), hir)| {
                let spans = scope == Scope::Span || hir.as_ref().is_none_or(can_match_empty);
                RegexRule {
                    rule,
                    regex: regex.clone(),
                    spans,
                    test: (!spans).then(LineTest::default),
                }
            })
            .collect();
        // A source the parser refuses (the regex crate compiled it, so it
        // cannot happen): no prefilter, every line is checked.
        let prefilter = parsed
            .into_iter()
            .collect::<Option<Vec<Hir>>>()
            .and_then(|hirs| LinePrefilter::new(&hirs));
        Ok(Some(RegexMatcher { rules, prefilter }))
    }

    pub(crate) fn find(&self, doc: &Document, hits: &mut Vec<Hit>) {
        // Candidate (rule, line, known to match already) triples in one
        // list, by rule then line, a pair reported twice kept once (known
        // to match if either report says so). A list per rule was dozens
        // of allocations a document, most of them for a line or two.
        let mut candidates: Vec<(usize, usize, bool)> = Vec::new();
        match &self.prefilter {
            Some(pre) => pre.candidates(doc, |rule, line, certain| {
                candidates.push((rule, line, certain));
            }),
            None => {
                let lines = doc.lines().len();
                let all =
                    (0..self.rules.len()).flat_map(|r| (0..lines).map(move |l| (r, l, false)));
                candidates.extend(all);
            }
        }
        candidates.sort_unstable_by_key(|&(rule, line, _)| (rule, line));
        candidates.dedup_by(|later, kept| {
            let same = (later.0, later.1) == (kept.0, kept.1);
            kept.2 |= same & later.2;
            same
        });
        let text = doc.text();
        for &(rule, line, certain) in &candidates {
            let r = &self.rules[rule];
            let content = doc.lines()[line].content();
            let haystack = &text[content.range()];
            if !r.spans {
                // A line the prefilter knows to match needs neither the
                // regex's run nor, for a rule that only ever meets such
                // lines, its compiling.
                let is_match = || match r.test.as_ref().and_then(|t| t.is_match(&r.regex, haystack))
                {
                    Some(m) => m,
                    None => r.regex.get().is_match(haystack),
                };
                if certain || is_match() {
                    hits.push(Hit {
                        rule: r.rule,
                        span: content,
                        line,
                    });
                }
                continue;
            }
            for m in r.regex.get().find_iter(haystack) {
                if m.start() < m.end() {
                    hits.push(Hit {
                        rule: r.rule,
                        span: Span::new(content.start + m.start(), content.start + m.end()),
                        line,
                    });
                }
            }
        }
    }
}

/// True when `hir` may match the empty string somewhere.
fn can_match_empty(hir: &Hir) -> bool {
    hir.properties().minimum_len() == Some(0)
}
