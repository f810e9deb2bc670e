//! Reading rule files: sources, `[[rule]]` sections, duplicate ids, and
//! the locations every diagnostic carries.
//!
//! Every problem is collected (not just the first), located by file, line
//! and column, and attached to the rule it belongs to. Each rule is then
//! validated on its own ([`super::validate`]), in parallel; its regex is
//! compiled there, once, and the compiled form travels with the rule into
//! the engine.

use super::schema::{RawFile, RawRule};
use super::validate::validate;
use super::{Origin, Rule, RuleSet};
use crate::error::{Diagnostic, Error, Result};
use rayon::prelude::*;
use std::collections::HashMap;
use std::fs;
use std::ops::Range;
use std::path::Path;
use toml::Spanned;

struct Source {
    name: String,
    text: String,
    /// The shipped rules: tested, so their regexes compile when first
    /// needed rather than here ([`super::SearchRegex`]).
    builtin: bool,
}

/// Collects rule files, then validates them together into a [`RuleSet`].
#[derive(Default)]
pub struct RuleSetBuilder {
    sources: Vec<Source>,
}

impl RuleSetBuilder {
    /// Adds the rule pack shipped with deboil.
    pub fn builtin(mut self) -> RuleSetBuilder {
        for (name, text) in super::builtin::BUILTIN {
            self.sources.push(Source {
                name: (*name).to_owned(),
                text: (*text).to_owned(),
                builtin: true,
            });
        }
        self
    }

    /// Adds rule-file text under `name` (used in error messages).
    pub fn source(mut self, name: impl Into<String>, text: impl Into<String>) -> RuleSetBuilder {
        self.sources.push(Source {
            name: name.into(),
            text: text.into(),
            builtin: false,
        });
        self
    }

    /// Adds a rule file, or every `*.toml` file of a directory (sorted by name).
    pub fn dir(mut self, path: &Path) -> Result<RuleSetBuilder> {
        let meta = fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let files = if meta.is_dir() {
            let mut files = Vec::new();
            for entry in fs::read_dir(path).map_err(|e| Error::io(path, e))? {
                let p = entry.map_err(|e| Error::io(path, e))?.path();
                if p.extension().is_some_and(|e| e == "toml") {
                    files.push(p);
                }
            }
            if files.is_empty() {
                return Err(Error::input(path, "no *.toml rule files in this directory"));
            }
            files.sort();
            files
        } else {
            vec![path.to_path_buf()]
        };
        for f in files {
            let bytes = fs::read(&f).map_err(|e| Error::io(&f, e))?;
            let text = String::from_utf8(bytes).map_err(|e| {
                Error::input(
                    &f,
                    format!(
                        "rule file is not UTF-8 (byte {})",
                        e.utf8_error().valid_up_to()
                    ),
                )
            })?;
            self.sources.push(Source {
                name: f.display().to_string(),
                text,
                builtin: false,
            });
        }
        Ok(self)
    }

    /// Validates every rule of every file; fails with all problems found.
    pub fn build(self) -> Result<RuleSet> {
        // Parsing is sequential (duplicate ids depend on order); validating,
        // which compiles every regex and is most of the start-up time, runs
        // in parallel, and its results are gathered back in source order.
        let mut steps: Vec<Step> = Vec::new();
        let mut ids: HashMap<String, Origin> = HashMap::new();
        for src in &self.sources {
            let loc = Locator::new(&src.name, &src.text);
            // Parse each `[[rule]]` section on its own, so that a typo in one
            // rule does not hide the problems of the others.
            let sections = match rule_sections(&src.text) {
                Ok(Some(sections)) => sections,
                // A file of no rules is most likely the wrong file; an
                // empty pack on purpose (learning found nothing) says so.
                Ok(None) => {
                    steps.push(Step::Report(loc.diag(
                        0..0,
                        None,
                        "no [[rule]] tables in this file (a pack empty on purpose says `rule = []`)",
                    )));
                    continue;
                }
                Err(e) => {
                    steps.push(Step::Report(loc.toml_error(&e, 0)));
                    continue;
                }
            };
            for section in sections {
                let file: RawFile = match toml::from_str(&src.text[section.clone()]) {
                    Ok(f) => f,
                    Err(e) => {
                        let mut d = loc.toml_error(&e, section.start);
                        d.rule = section_id(&src.text[section.clone()]);
                        steps.push(Step::Report(d));
                        continue;
                    }
                };
                for raw in file.rule {
                    let shift = |r: Range<usize>| r.start + section.start..r.end + section.start;
                    let span = shift(raw.span());
                    let raw = raw.into_inner();
                    let id = raw.id.get_ref().clone();
                    let origin = loc.origin(span.start);
                    let duplicate = match ids.get(&id) {
                        Some(first) => {
                            steps.push(Step::Report(loc.diag(
                                shift(raw.id.span()),
                                Some(&id),
                                &format!("duplicate rule id (first defined at {first})"),
                            )));
                            true
                        }
                        None => {
                            ids.insert(id.clone(), origin.clone());
                            false
                        }
                    };
                    // A duplicate is still validated, to report all its problems.
                    steps.push(Step::Validate {
                        raw: Box::new(raw),
                        whole: span.start - section.start..span.end - section.start,
                        origin,
                        at: loc.shifted(section.start),
                        keep: !duplicate,
                        builtin: src.builtin,
                    });
                }
            }
        }
        let outcomes: Vec<std::result::Result<Option<Rule>, Vec<Diagnostic>>> = steps
            .into_par_iter()
            .map(|step| match step {
                Step::Report(d) => Err(vec![d]),
                Step::Validate {
                    raw,
                    whole,
                    origin,
                    at,
                    keep,
                    builtin,
                } => validate(*raw, whole, origin, &at, builtin).map(|rule| keep.then_some(rule)),
            })
            .collect();
        let mut diags = Vec::new();
        let mut rules: Vec<Rule> = Vec::new();
        for outcome in outcomes {
            match outcome {
                Ok(rule) => rules.extend(rule),
                Err(mut d) => diags.append(&mut d),
            }
        }
        if diags.is_empty() {
            Ok(RuleSet::from_rules(rules))
        } else {
            Err(Error::rules(diags))
        }
    }
}

/// One entry of [`RuleSetBuilder::build`]'s work list, in source order.
enum Step<'s> {
    /// A problem found while parsing.
    Report(Diagnostic),
    /// A parsed rule to validate; `keep` is false for a duplicate id.
    Validate {
        raw: Box<RawRule>,
        whole: Range<usize>,
        origin: Origin,
        at: Locator<'s>,
        keep: bool,
        builtin: bool,
    },
}

/// The id of a `[[rule]]` section that failed to deserialize (unknown key,
/// wrong type), when it has a string id, so its diagnostic can name it.
fn section_id(section: &str) -> Option<String> {
    let table: toml::Table = toml::from_str(section).ok()?;
    let rule = table.get("rule")?.as_array()?.first()?;
    Some(rule.get("id")?.as_str()?.to_owned())
}

/// The byte ranges of a file's `[[rule]]` sections (header to next header),
/// or `None` when the file has no `rule` key at all (`rule = []` gives no
/// sections). A file written with inline tables (`rule = [{...}]`) is one
/// section.
fn rule_sections(text: &str) -> Result<Option<Vec<Range<usize>>>, toml::de::Error> {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Loose {
        rule: Option<Vec<Spanned<toml::Table>>>,
    }
    let loose: Loose = toml::from_str(text)?;
    let Some(rules) = loose.rule else {
        return Ok(None);
    };
    let headers: Vec<Range<usize>> = rules.iter().map(Spanned::span).collect();
    if headers.is_empty() {
        // `rule = []`: no rules, on purpose.
        return Ok(Some(vec![]));
    }
    if !headers.iter().all(|h| text[h.clone()].starts_with("[[")) {
        return Ok(Some(std::iter::once(0..text.len()).collect()));
    }
    Ok(Some(
        headers
            .iter()
            .enumerate()
            .map(|(i, h)| h.start..headers.get(i + 1).map_or(text.len(), |n| n.start))
            .collect(),
    ))
}

/// Maps byte offsets of one source to line and column. Offsets given to it
/// are relative to `base` (the start of the section being validated).
pub(super) struct Locator<'s> {
    name: &'s str,
    text: &'s str,
    base: usize,
}

impl<'s> Locator<'s> {
    fn new(name: &'s str, text: &'s str) -> Locator<'s> {
        Locator {
            name,
            text,
            base: 0,
        }
    }

    fn shifted(&self, base: usize) -> Locator<'s> {
        Locator {
            name: self.name,
            text: self.text,
            base,
        }
    }

    /// A TOML error at `base + its span`, on an unshifted locator.
    fn toml_error(&self, e: &toml::de::Error, base: usize) -> Diagnostic {
        let (line, col) = e.span().map_or((0, 0), |s| self.line_col(base + s.start));
        Diagnostic {
            file: self.name.to_owned(),
            line,
            col,
            rule: None,
            message: e.message().trim_end().to_owned(),
        }
    }

    fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = (offset + self.base).min(self.text.len());
        let before = &self.text.as_bytes()[..offset];
        let line = memchr::memchr_iter(b'\n', before).count() + 1;
        let line_start = memchr::memrchr(b'\n', before).map_or(0, |p| p + 1);
        let col = String::from_utf8_lossy(&before[line_start..])
            .chars()
            .count()
            + 1;
        (line, col)
    }

    pub(super) fn origin(&self, offset: usize) -> Origin {
        let (line, col) = self.line_col(offset);
        Origin {
            file: self.name.to_owned(),
            line,
            col,
        }
    }

    pub(super) fn diag(&self, span: Range<usize>, rule: Option<&str>, message: &str) -> Diagnostic {
        let (line, col) = if span.is_empty() && span.start == 0 {
            (0, 0)
        } else {
            self.line_col(span.start)
        };
        Diagnostic {
            file: self.name.to_owned(),
            line,
            col,
            rule: rule.map(str::to_owned),
            message: message.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Profile;

    fn build(text: &str) -> Result<RuleSet> {
        RuleSet::builder().source("t.toml", text).build()
    }

    fn messages(text: &str) -> Vec<String> {
        match build(text) {
            Ok(_) => vec![],
            Err(e) => e.diagnostics().iter().map(|d| d.to_string()).collect(),
        }
    }

    const GOOD: &str = r#"
[[rule]]
id = "share-line"
category = "share"
summary = "Share buttons"
scope = "line"
literals = ["Share on Facebook"]
remove = ["Share on Facebook"]
keep = ["They share on Facebook often."]
"#;

    #[test]
    fn a_valid_rule_loads() {
        let set = build(GOOD).unwrap();
        assert_eq!(set.len(), 1);
        let (_, rule) = set.find("share-line").unwrap();
        assert_eq!(rule.origin.line, 2);
        assert!(rule.profiles.contains(Profile::Balanced));
        assert!(!rule.profiles.contains(Profile::Safe));
    }

    #[test]
    fn unknown_keys_are_located() {
        let text = GOOD.replace("scope = \"line\"", "scope = \"line\"\nscoep = 1");
        let msgs = messages(&text);
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(
            msgs[0].starts_with("t.toml:7:1: rule \"share-line\": unknown field `scoep`"),
            "{}",
            msgs[0]
        );
    }

    #[test]
    fn bad_toml_is_located() {
        let msgs = messages("[[rule]\nid = 1");
        assert_eq!(msgs.len(), 1);
        assert!(msgs[0].starts_with("t.toml:1:"), "{}", msgs[0]);
    }

    #[test]
    fn every_problem_is_reported() {
        let text = r#"
[[rule]]
id = "Bad_Id"
category = "x"
summary = "s"
scope = "line"
regex = "(unclosed"
remove = ["x"]
keep = []

[[rule]]
id = "no-matcher"
category = "x"
summary = "s"
scope = "sideways"
remove = ["x"]
keep = ["y"]
"#;
        let msgs = messages(text);
        assert!(
            msgs.iter()
                .any(|m| m.contains("t.toml:3:6: rule \"Bad_Id\": id must be kebab-case")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("t.toml:7:9: rule \"Bad_Id\": regex failed to compile")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter()
                .any(|m| m.contains("rule \"Bad_Id\": a rule needs `keep` examples")),
            "{msgs:?}"
        );
        assert!(msgs.iter().any(|m| m.contains("t.toml:15:9: rule \"no-matcher\": unknown scope \"sideways\"")), "{msgs:?}");
    }

    /// `GOOD` with scope `scope` and the extra keys `opts`.
    fn variant(scope: &str, opts: &str) -> String {
        GOOD.replace("scope = \"line\"", &format!("scope = \"{scope}\"\n{opts}"))
    }

    /// Whether loading `text` reports a message containing `needle`.
    fn reports(text: &str, needle: &str) -> bool {
        messages(text).iter().any(|m| m.contains(needle))
    }

    #[test]
    fn tail_thread_is_for_tail_rules_and_picks_the_start_alone() {
        let only_tail = "`tail-thread` only applies to tail rules";
        assert!(reports(&variant("line", "tail-thread = true"), only_tail));
        for other in [
            "tail-last-marker = true",
            "tail-back-to-content = true",
            "tail-max-line-chars = 200",
            "tail-max-prose-after = 0.1",
        ] {
            assert!(
                reports(
                    &variant("tail", &format!("tail-thread = true\n{other}")),
                    "`tail-thread` has its own bounds"
                ),
                "{other}"
            );
        }
        assert!(!reports(
            &variant("tail", "tail-thread = true"),
            "tail-thread"
        ));
    }

    #[test]
    fn a_key_where_it_does_not_apply_is_located_at_the_key() {
        let msgs = messages(&variant("line", "tail-last-marker = true"));
        assert_eq!(
            msgs,
            ["t.toml:7:20: rule \"share-line\": `tail-last-marker` only applies to tail rules"]
        );
        // A flag set to its default says nothing.
        assert!(messages(&variant("line", "tail-last-marker = false")).is_empty());
        let msgs = messages(&variant(
            "tail",
            "tail-thread = true\ntail-max-line-chars = 200",
        ));
        assert_eq!(
            msgs,
            [
                "t.toml:7:15: rule \"share-line\": `tail-thread` has its own bounds: it cannot be combined with `tail-max-line-chars`"
            ]
        );
    }

    #[test]
    fn keys_of_other_kinds_are_errors_not_silently_ignored() {
        assert!(reports(
            &variant("line", "tail-max-line-chars = 200"),
            "`tail-max-line-chars` only applies to tail rules"
        ));
        assert!(reports(
            &variant("span", "content-line-chars = 100"),
            "`content-line-chars` only applies to tail rules"
        ));
        let heuristic = r#"
[[rule]]
id = "dup"
category = "duplicate"
summary = "s"
heuristic = "repeated-line"
case-insensitive = true
tail-thread = true
remove = ["x"]
keep = ["y"]
"#;
        let msgs = messages(heuristic);
        assert_eq!(
            msgs,
            [
                "t.toml:7:20: rule \"dup\": `case-insensitive` has no meaning for a heuristic rule",
                "t.toml:8:15: rule \"dup\": `tail-thread` has no meaning for a heuristic rule",
            ]
        );
    }

    #[test]
    fn tail_max_prose_after_is_a_share_for_tail_rules() {
        let key = "tail-max-prose-after";
        assert!(reports(
            &variant("line", "tail-max-prose-after = 0.1"),
            "`tail-max-prose-after` only applies to tail rules"
        ));
        assert!(reports(
            &variant("tail", "tail-max-prose-after = 1.5"),
            "must be a share of the prose"
        ));
        assert!(!reports(
            &variant("tail", "tail-max-prose-after = 0.1"),
            key
        ));
        assert!(!reports(
            &variant(
                "tail",
                "tail-max-line-chars = 200\ntail-max-prose-after = 0.1"
            ),
            key
        ));
    }

    #[test]
    fn duplicate_ids_across_files_are_errors() {
        let err = RuleSet::builder()
            .source("a.toml", GOOD)
            .source("b.toml", GOOD)
            .build()
            .unwrap_err();
        let d = &err.diagnostics()[0];
        assert_eq!((d.file.as_str(), d.line), ("b.toml", 3));
        assert!(
            d.message
                .contains("duplicate rule id (first defined at a.toml:2:1)"),
            "{}",
            d.message
        );
    }

    #[test]
    fn heuristic_rules_reject_pattern_keys_and_unknown_params() {
        let text = r#"
[[rule]]
id = "dup"
category = "duplicate"
summary = "s"
heuristic = "repeated-line"
literals = ["x"]
params = { min-chars = 3, bogus = 1 }
remove = ["x"]
keep = ["y"]
"#;
        let msgs = messages(text);
        assert!(
            msgs.iter().any(|m| m.contains("`literals` has no meaning")),
            "{msgs:?}"
        );
        assert!(
            msgs.iter().any(|m| m.contains("unknown field `bogus`")),
            "{msgs:?}"
        );
    }
}
