//! Validating one parsed rule: its id, texts, profiles and examples, and
//! either its heuristic and parameters or its pattern, whose regex is
//! compiled here, once. Which keys apply to which kind of rule is the
//! table of [`super::keys`].

use super::keys::{self, Shape};
use super::load::Locator;
use super::schema::{RawExample, RawRule};
use super::{
    Example, Heuristic, Marker, MatchMode, Origin, Pattern, PatternRule, Profile, Profiles, Rule,
    RuleKind, Scope, SearchRegex, TailBounds, TailStart,
};
use crate::error::Diagnostic;
use std::ops::Range;
use toml::Spanned;

/// Horizontal whitespace as the engine counts it (no line terminators).
pub(crate) const HSPACE: &str = r"[[\s\x{200B}\x{200C}\x{200D}\x{2060}\x{FEFF}]&&[^\r\n]]";

/// Largest compiled size allowed for one rule's regex.
pub(crate) const REGEX_SIZE_LIMIT: usize = 1 << 22;

fn is_kebab_case(s: &str) -> bool {
    !s.is_empty()
        && s.split('-').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
        && s.as_bytes()[0].is_ascii_lowercase()
}

/// Ids of user rules may carry a namespace (`learned.example-com`), so dots
/// separate kebab-case parts.
fn is_valid_id(s: &str) -> bool {
    s.split('.').all(is_kebab_case)
}

/// The line-anchored, multi-line regex the engine searches documents with.
pub(crate) fn search_regex(source: &str, mode: MatchMode, case_insensitive: bool) -> String {
    let flags = if case_insensitive { "(?mRi)" } else { "(?mR)" };
    match mode {
        MatchMode::WholeLine => format!("{flags}^{HSPACE}*(?:{source}){HSPACE}*$"),
        MatchMode::Prefix => format!("{flags}^{HSPACE}*(?:{source})"),
        MatchMode::Contains => format!("{flags}(?:{source})"),
    }
}

/// The lazy DFA cache of each rule regex, per thread. The regex crate's
/// default (2 MiB) adds up: sixty regexes grew about 17 MB of caches per
/// thread on the dev corpus. Rules run on one line at a time, which a
/// small cache mostly serves: a 23 MB line without a newline and a 1 MB
/// line repeated ran as fast at 256 KiB as at the default (at 128 KiB the
/// first took twice as long). But a regex of several wide Unicode classes
/// (the photo credits' `[\p{Lu}][\p{L}\p{M}…]*` runs) overflowed 256 KiB
/// on every credit line: its states were rebuilt each time, about 0.8 ms a
/// line, 2% of a run's instructions. At 512 KiB they stay. The copyright
/// and rights lines' `[^\n]{0,280}` count (a set of counts, as `©` may
/// come again) needed more: at 512 KiB and at 1 MiB their caches filled
/// on every candidate line and the search went to the slow engines, about
/// 10 µs a line (5.1 ms for the dev dump's 1,092 copyright candidates); at
/// 1.5 MiB they stay too (0.24 ms). `-j2` peaks about 6 MB higher than at
/// 512 KiB (two threads' caches), and a run takes 0.8% fewer instructions.
pub(crate) const REGEX_CACHE_LIMIT: usize = 3 << 19;

/// Compiles a search regex ([`search_regex`]'s output) within the size
/// limit.
pub(crate) fn build_search_regex(full: &str) -> std::result::Result<regex::Regex, regex::Error> {
    regex::RegexBuilder::new(full)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_CACHE_LIMIT)
        .build()
}

/// Checks one rule and builds it. `builtin` rules (shipped, tested) keep
/// their regex uncompiled until a document needs it ([`SearchRegex`]).
pub(super) fn validate(
    raw: RawRule,
    whole: Range<usize>,
    origin: Origin,
    loc: &Locator,
    builtin: bool,
) -> std::result::Result<Rule, Vec<Diagnostic>> {
    let id = raw.id.get_ref().clone();
    let mut diags = Vec::new();
    let mut err = |span: Range<usize>, msg: &str| diags.push(loc.diag(span, Some(&id), msg));

    if !is_valid_id(&id) {
        err(
            raw.id.span(),
            "id must be kebab-case (lowercase letters, digits and '-')",
        );
    }
    if raw.category.get_ref().trim().is_empty() {
        err(raw.category.span(), "category must not be empty");
    }
    if raw.summary.get_ref().trim().is_empty() || raw.summary.get_ref().contains('\n') {
        err(raw.summary.span(), "summary must be one non-empty line");
    }

    let profiles = match &raw.profiles {
        None => Profiles::DEFAULT,
        Some(list) => {
            let mut parsed = Vec::new();
            for name in list.get_ref() {
                match Profile::parse(name) {
                    Some(p) => parsed.push(p),
                    None => err(
                        list.span(),
                        &format!(
                            "unknown profile {name:?} (expected safe, balanced or aggressive)"
                        ),
                    ),
                }
            }
            if list.get_ref().is_empty() {
                err(list.span(), "profiles must not be empty");
            }
            Profiles::from_list(&parsed)
        }
    };

    let kind = match &raw.heuristic {
        Some(h) => {
            keys::check(&raw, Shape::Heuristic, &mut err);
            match Heuristic::parse(h.get_ref(), raw.params.as_ref().map(Spanned::get_ref)) {
                Ok(h) => Some(RuleKind::Heuristic(h)),
                Err(msg) => {
                    let span = match &raw.params {
                        Some(p) if msg.starts_with("params") => p.span(),
                        _ => h.span(),
                    };
                    err(span, &msg);
                    None
                }
            }
        }
        None => pattern_rule(&raw, builtin, &mut err).map(RuleKind::Pattern),
    };

    let remove: Vec<Example> = raw
        .remove
        .iter()
        .map(|e| {
            let RawExample { text, output } = e.get_ref().clone();
            Example {
                text,
                output,
                origin: loc.origin(e.span().start),
            }
        })
        .collect();
    let keep: Vec<Example> = raw
        .keep
        .iter()
        .map(|e| Example {
            text: e.get_ref().clone(),
            output: None,
            origin: loc.origin(e.span().start),
        })
        .collect();
    if keep.is_empty() {
        err(
            whole.clone(),
            "a rule needs `keep` examples: real article text it must leave alone",
        );
    }
    if remove.is_empty() {
        err(
            whole,
            "a rule needs `remove` examples: debris it must remove",
        );
    }
    for e in raw.keep.iter().filter(|e| e.get_ref().trim().is_empty()) {
        err(e.span(), "an example must not be blank");
    }
    for e in raw
        .remove
        .iter()
        .filter(|e| e.get_ref().text.trim().is_empty())
    {
        err(e.span(), "an example must not be blank");
    }

    match kind {
        Some(kind) if diags.is_empty() => Ok(Rule {
            id,
            category: raw.category.into_inner(),
            summary: raw.summary.into_inner(),
            kind,
            profiles,
            remove,
            keep,
            origin,
        }),
        _ => Err(diags),
    }
}

/// The regex crate explains syntax errors over several lines (pattern,
/// caret, message); diagnostics are one line each, so keep the message and
/// the caret's column.
fn one_line_regex_error(msg: &str) -> String {
    let lines: Vec<&str> = msg.lines().collect();
    let Some(last) = lines.iter().rev().find_map(|l| l.strip_prefix("error: ")) else {
        return msg.replace('\n', " ");
    };
    match lines.iter().find(|l| l.trim_start().starts_with('^')) {
        // The pattern and caret lines are indented by four spaces.
        Some(caret) => format!(
            "{last} (pattern column {})",
            caret.find('^').unwrap_or(4).saturating_sub(3)
        ),
        None => last.to_owned(),
    }
}

fn positive(
    v: &Option<Spanned<i64>>,
    key: &str,
    err: &mut impl FnMut(Range<usize>, &str),
) -> Option<usize> {
    let v = v.as_ref()?;
    match usize::try_from(*v.get_ref()) {
        Ok(n) if n >= 1 => Some(n),
        _ => {
            err(v.span(), &format!("`{key}` must be a positive integer"));
            None
        }
    }
}

fn pattern_rule(
    raw: &RawRule,
    builtin: bool,
    err: &mut impl FnMut(Range<usize>, &str),
) -> Option<PatternRule> {
    let id_span = raw.id.span();
    let scope = match raw.scope.as_ref().map(|s| (s.get_ref().as_str(), s.span())) {
        Some(("line", _)) => Scope::Line,
        Some(("span", _)) => Scope::Span,
        Some(("tail", _)) => Scope::Tail,
        Some((other, span)) => {
            err(
                span,
                &format!("unknown scope {other:?} (expected line, span or tail)"),
            );
            return None;
        }
        None => {
            err(
                id_span,
                "a pattern rule needs `scope` (line, span or tail), or `heuristic` for a heuristic rule",
            );
            return None;
        }
    };
    let mode = match raw
        .match_mode
        .as_ref()
        .map(|s| (s.get_ref().as_str(), s.span()))
    {
        None | Some(("whole-line", _)) => MatchMode::WholeLine,
        Some(("prefix", _)) => MatchMode::Prefix,
        Some(("contains", _)) => MatchMode::Contains,
        Some((other, span)) => {
            err(
                span,
                &format!("unknown match {other:?} (expected whole-line, prefix or contains)"),
            );
            return None;
        }
    };
    // Regex-only rules aside, whether the literals are matched whole-line.
    let regex_only = raw.regex.is_some() && raw.literals.is_none();
    keys::check(
        raw,
        Shape::pattern(scope, mode == MatchMode::WholeLine && !regex_only),
        err,
    );
    let case_insensitive = RawRule::flag(&raw.case_insensitive);
    let fold = RawRule::flag(&raw.fold);
    let pattern = match (&raw.literals, &raw.regex) {
        (Some(_), Some(r)) => {
            err(
                r.span(),
                "a rule has either `literals` or `regex`, not both",
            );
            return None;
        }
        (None, None) => {
            err(id_span, "a pattern rule needs `literals` or `regex`");
            return None;
        }
        (Some(lits), None) => {
            let mut ok = true;
            if lits.get_ref().is_empty() {
                err(lits.span(), "`literals` must not be empty");
                ok = false;
            }
            for l in lits.get_ref() {
                if l.is_empty() {
                    err(lits.span(), "a literal must not be empty");
                    ok = false;
                } else if l.contains(['\n', '\r']) {
                    err(
                        lits.span(),
                        &format!("literal {l:?} spans lines; rules match within one line"),
                    );
                    ok = false;
                } else if mode != MatchMode::Contains && l.trim() != l {
                    err(
                        lits.span(),
                        &format!(
                            "literal {l:?} has surrounding whitespace, which a {} match ignores",
                            mode.as_str()
                        ),
                    );
                    ok = false;
                }
            }
            if !ok {
                return None;
            }
            Pattern::Literals(lits.get_ref().clone())
        }
        (None, Some(re)) => {
            let source = re.get_ref().clone();
            let full = search_regex(&source, mode, case_insensitive);
            if builtin {
                Pattern::Regex {
                    source,
                    compiled: SearchRegex::deferred(full),
                }
            } else {
                match build_search_regex(&full) {
                    Ok(compiled) => {
                        if compiled.is_match("")
                            && scope != Scope::Tail
                            && mode == MatchMode::Contains
                        {
                            err(
                                re.span(),
                                "regex matches the empty string, so it would match every line",
                            );
                            return None;
                        }
                        Pattern::Regex {
                            source,
                            compiled: SearchRegex::compiled(compiled),
                        }
                    }
                    Err(e) => {
                        // Re-compile the bare pattern so the message points into
                        // what the user wrote, not into our wrapper.
                        let msg = match regex::Regex::new(&source) {
                            Err(inner) => one_line_regex_error(&inner.to_string()),
                            Ok(_) => one_line_regex_error(&e.to_string()),
                        };
                        err(re.span(), &format!("regex failed to compile: {msg}"));
                        return None;
                    }
                }
            }
        }
    };
    let min_run = positive(&raw.min_run, "min-run", err).unwrap_or(1);
    let max_line_chars = positive(&raw.max_line_chars, "max-line-chars", err);
    let content_line_chars =
        positive(&raw.content_line_chars, "content-line-chars", err).unwrap_or(150);
    let tail_max_line_chars = positive(&raw.tail_max_line_chars, "tail-max-line-chars", err);
    let after = match &raw.tail_after {
        Some(a) if !(0.0..1.0).contains(a.get_ref()) => {
            err(
                a.span(),
                "`tail-after` must be a share of the document in 0.0..1.0",
            );
            return None;
        }
        Some(a) => *a.get_ref(),
        None => 0.5,
    };
    let max_prose_after = match &raw.tail_max_prose_after {
        Some(m) if !(0.0..1.0).contains(m.get_ref()) => {
            err(
                m.span(),
                "`tail-max-prose-after` must be a share of the prose in 0.0..1.0",
            );
            None
        }
        Some(m) => Some(*m.get_ref()),
        None => None,
    };
    Some(PatternRule {
        scope,
        mode,
        pattern,
        case_insensitive: case_insensitive || fold,
        fold,
        group: raw.group.as_ref().map(|g| g.get_ref().clone()),
        min_run,
        max_line_chars,
        skip_first_line: RawRule::flag(&raw.skip_first_line),
        tail: TailBounds {
            after,
            // The keys table has rejected a thread with marker bounds.
            start: if RawRule::flag(&raw.tail_thread) {
                TailStart::Thread
            } else {
                TailStart::Marker {
                    which: if RawRule::flag(&raw.tail_last_marker) {
                        Marker::Last
                    } else {
                        Marker::First
                    },
                    back_to_content: RawRule::flag(&raw.tail_back_to_content)
                        .then_some(content_line_chars),
                    max_line_chars: tail_max_line_chars,
                    max_prose_after,
                }
            },
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_kebab_case_with_optional_namespace() {
        assert!(is_valid_id("share-buttons"));
        assert!(is_valid_id("learned.example-com"));
        assert!(!is_valid_id("Share"));
        assert!(!is_valid_id("a--b"));
        assert!(!is_valid_id("-a"));
        assert!(!is_valid_id("1abc"));
    }
}
