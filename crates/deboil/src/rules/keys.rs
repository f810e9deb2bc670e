//! Which keys of a `[[rule]]` table apply to which kind of rule.
//!
//! [`KEYS`] has one row per optional key: the kinds of rule it applies to,
//! what else it needs, and the keys it cannot be combined with. [`check`]
//! reports every key set where it does not apply, at the key's own line
//! and column. Adding a key to the rule format is a field in
//! [`RawRule`] and a row here; the keys every rule
//! has (`id`, `category`, `summary`, `profiles`, `remove`, `keep`) and the
//! one that decides the kind (`heuristic`) are not listed.
//!
//! The messages: a key set on a heuristic rule that only pattern rules use
//! "has no meaning for a heuristic rule"; otherwise the key "only applies
//! to" the kinds of its row ("tail rules", "line rules", "heuristic rules"),
//! or to what it needs (`fold`: "`literals` with `match = "whole-line"`").
//! A flag written with its default (`tail-thread = false`) is not an error.

use super::Scope;
use super::schema::RawRule;
use std::ops::Range;
use toml::Spanned;

/// A set of rule kinds: heuristic rules and pattern rules by scope.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Kinds(u8);

impl Kinds {
    const HEURISTIC: Kinds = Kinds(1);
    const LINE: Kinds = Kinds(2);
    const SPAN: Kinds = Kinds(4);
    const TAIL: Kinds = Kinds(8);
    /// Pattern rules of every scope.
    const PATTERN: Kinds = Kinds::LINE.or(Kinds::SPAN).or(Kinds::TAIL);

    const fn or(self, other: Kinds) -> Kinds {
        Kinds(self.0 | other.0)
    }

    fn contains(self, other: Kinds) -> bool {
        self.0 & other.0 == other.0
    }

    /// "tail rules", "line and span rules", "pattern rules", "heuristic
    /// rules": the pattern scopes of the set, or heuristic rules when it
    /// has none.
    fn describe(self) -> String {
        if self.contains(Kinds::PATTERN) {
            return "pattern rules".to_owned();
        }
        let scopes: Vec<&str> = [Scope::Line, Scope::Span, Scope::Tail]
            .into_iter()
            .filter(|&s| self.contains(Kinds::scope(s)))
            .map(Scope::as_str)
            .collect();
        if scopes.is_empty() {
            "heuristic rules".to_owned()
        } else {
            format!("{} rules", scopes.join(" and "))
        }
    }

    fn scope(scope: Scope) -> Kinds {
        match scope {
            Scope::Line => Kinds::LINE,
            Scope::Span => Kinds::SPAN,
            Scope::Tail => Kinds::TAIL,
        }
    }

    fn of(shape: Shape) -> Kinds {
        match shape {
            Shape::Heuristic => Kinds::HEURISTIC,
            Shape::Pattern { scope, .. } => Kinds::scope(scope),
        }
    }
}

/// What a pattern rule must be, beyond its scope, for a key to apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Needs {
    /// Nothing more.
    Nothing,
    /// Literals (not a regex) matched with `match = "whole-line"`.
    WholeLineLiterals,
}

/// What a rule is, as far as its keys are concerned.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Shape {
    /// A heuristic rule.
    Heuristic,
    /// A pattern rule of this scope.
    Pattern {
        /// Where the match applies.
        scope: Scope,
        /// Literals (or no regex) under `match = "whole-line"`.
        whole_line_literals: bool,
    },
}

impl Shape {
    pub(super) fn pattern(scope: Scope, whole_line_literals: bool) -> Shape {
        Shape::Pattern {
            scope,
            whole_line_literals,
        }
    }
}

/// One optional key of a `[[rule]]` table.
pub(super) struct Key {
    /// The key as written.
    name: &'static str,
    /// Where the key's value is written, when it is set (a flag counts as
    /// set only when `true`: `false` is its default).
    at: fn(&RawRule) -> Option<Range<usize>>,
    /// The kinds of rule it applies to.
    kinds: Kinds,
    /// What a pattern rule must also be.
    needs: Needs,
    /// Keys it cannot be combined with.
    excludes: &'static [&'static str],
}

/// The span of a value, when given.
fn given<T>(v: &Option<Spanned<T>>) -> Option<Range<usize>> {
    v.as_ref().map(Spanned::span)
}

/// The span of a flag, when set to `true`.
fn on(v: &Option<Spanned<bool>>) -> Option<Range<usize>> {
    v.as_ref().filter(|b| *b.get_ref()).map(Spanned::span)
}

const fn key(name: &'static str, at: fn(&RawRule) -> Option<Range<usize>>, kinds: Kinds) -> Key {
    Key {
        name,
        at,
        kinds,
        needs: Needs::Nothing,
        excludes: &[],
    }
}

/// Every optional key, in the order of the rule format.
pub(super) const KEYS: &[Key] = &[
    key("scope", |r| given(&r.scope), Kinds::PATTERN),
    key("match", |r| given(&r.match_mode), Kinds::PATTERN),
    key("literals", |r| given(&r.literals), Kinds::PATTERN),
    key("regex", |r| given(&r.regex), Kinds::PATTERN),
    key("params", |r| given(&r.params), Kinds::HEURISTIC),
    key(
        "case-insensitive",
        |r| on(&r.case_insensitive),
        Kinds::PATTERN,
    ),
    Key {
        needs: Needs::WholeLineLiterals,
        ..key("fold", |r| on(&r.fold), Kinds::PATTERN)
    },
    key("group", |r| given(&r.group), Kinds::PATTERN),
    key("min-run", |r| given(&r.min_run), Kinds::LINE),
    key(
        "max-line-chars",
        |r| given(&r.max_line_chars),
        Kinds::PATTERN,
    ),
    key(
        "skip-first-line",
        |r| on(&r.skip_first_line),
        Kinds::PATTERN,
    ),
    key("tail-after", |r| given(&r.tail_after), Kinds::TAIL),
    key(
        "tail-back-to-content",
        |r| on(&r.tail_back_to_content),
        Kinds::TAIL,
    ),
    key(
        "content-line-chars",
        |r| given(&r.content_line_chars),
        Kinds::TAIL,
    ),
    key(
        "tail-max-line-chars",
        |r| given(&r.tail_max_line_chars),
        Kinds::TAIL,
    ),
    key(
        "tail-max-prose-after",
        |r| given(&r.tail_max_prose_after),
        Kinds::TAIL,
    ),
    key("tail-last-marker", |r| on(&r.tail_last_marker), Kinds::TAIL),
    Key {
        // A thread starts at its first post: it has its own bounds.
        excludes: &[
            "tail-last-marker",
            "tail-back-to-content",
            "tail-max-line-chars",
            "tail-max-prose-after",
        ],
        ..key("tail-thread", |r| on(&r.tail_thread), Kinds::TAIL)
    },
];

/// Reports, through `err`, every key of `raw` set where it does not apply
/// to a rule of this `shape`, and every combination of keys that excludes
/// itself.
pub(super) fn check(raw: &RawRule, shape: Shape, err: &mut impl FnMut(Range<usize>, &str)) {
    let kind = Kinds::of(shape);
    for k in KEYS {
        let Some(span) = (k.at)(raw) else {
            continue;
        };
        if !k.kinds.contains(kind) {
            let msg = match shape {
                Shape::Heuristic => format!("`{}` has no meaning for a heuristic rule", k.name),
                Shape::Pattern { .. } => {
                    format!("`{}` only applies to {}", k.name, k.kinds.describe())
                }
            };
            err(span.clone(), &msg);
        } else if let Shape::Pattern {
            whole_line_literals,
            ..
        } = shape
        {
            if k.needs == Needs::WholeLineLiterals && !whole_line_literals {
                err(
                    span.clone(),
                    &format!(
                        "`{}` only applies to `literals` with `match = \"whole-line\"`",
                        k.name
                    ),
                );
            }
        }
        let clashes: Vec<String> = k
            .excludes
            .iter()
            .filter(|other| {
                KEYS.iter()
                    .any(|o| o.name == **other && (o.at)(raw).is_some())
            })
            .map(|other| format!("`{other}`"))
            .collect();
        if !clashes.is_empty() {
            err(
                span,
                &format!(
                    "`{}` has its own bounds: it cannot be combined with {}",
                    k.name,
                    one_of(&clashes)
                ),
            );
        }
    }
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
fn one_of(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_a_field_of_the_rule_format_once() {
        let text = "[[rule]]\nid = \"x\"\ncategory = \"x\"\nsummary = \"x\"\nbogus = 1\n";
        let err = toml::from_str::<super::super::schema::RawFile>(text).unwrap_err();
        let fields = err.message();
        for (i, k) in KEYS.iter().enumerate() {
            assert!(fields.contains(&format!("`{}`", k.name)), "{}", k.name);
            assert!(
                KEYS[..i].iter().all(|o| o.name != k.name),
                "{} twice",
                k.name
            );
            for other in k.excludes {
                assert!(KEYS.iter().any(|o| o.name == *other), "{other}");
            }
        }
    }

    #[test]
    fn kinds_read_as_prose() {
        assert_eq!(Kinds::TAIL.describe(), "tail rules");
        assert_eq!(
            Kinds::LINE.or(Kinds::SPAN).describe(),
            "line and span rules"
        );
        assert_eq!(Kinds::PATTERN.describe(), "pattern rules");
        assert_eq!(Kinds::HEURISTIC.describe(), "heuristic rules");
        assert_eq!(Kinds::TAIL.or(Kinds::HEURISTIC).describe(), "tail rules");
    }
}
