//! The review plan: every removal cleaning proposes, per file, with the
//! decision a review made on it, saved as versioned JSON.
//!
//! A plan is written by `deboil plan`, decided by `deboil review` and carried
//! out by `deboil apply`. Each file is recorded with its path (as given, plus
//! the base directory it is relative to), the BLAKE3 hash of its bytes and
//! its proposed removals (rule id, byte span, removed text, decision). Apply
//! re-derives the output from the file's current bytes, only when they still
//! hash to the recorded value, and renders it through [`Cleaned`] exactly as
//! `clean` does, with only the chosen removals.
//!
//! Offsets are byte offsets into the text after a UTF-8 byte-order mark is
//! set aside, as in `deboil diff --json`.

use crate::batch::BOM;
use deboil::document::Document;
use deboil::removal::{Cleaned, Removal};
use deboil::rules::{RuleIndex, RuleSet};
use deboil::span::Span;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// The `format` value that marks a JSON file as a deboil plan.
pub const FORMAT: &str = "deboil-plan";

/// The plan schema version this deboil reads and writes.
pub const VERSION: u32 = 1;

/// A review plan.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Always [`FORMAT`].
    pub format: String,
    /// Schema version; plans of other versions are refused.
    pub version: u32,
    /// The deboil version that wrote the plan.
    pub deboil: String,
    /// The directory relative file paths are resolved against (the working
    /// directory of `deboil plan`).
    pub base: String,
    /// How the rules were chosen; the same for every file.
    pub selection: PlanSelection,
    /// The rules that ran, in pipeline order.
    pub rules: Vec<PlanRule>,
    /// The files, in the order they were cleaned.
    pub files: Vec<PlanFile>,
}

/// The rule selection a plan was made with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanSelection {
    /// `safe`, `balanced` or `aggressive`.
    pub profile: String,
    /// `--select` ids or categories.
    pub select: Vec<String>,
    /// `--ignore` ids or categories.
    pub ignore: Vec<String>,
    /// `--rules` packs added to the built-in rules.
    pub rule_packs: Vec<String>,
}

/// A rule as recorded in a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanRule {
    /// Rule id.
    pub id: String,
    /// Rule category.
    pub category: String,
    /// One-line description.
    pub summary: String,
}

/// One file of a plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// The path as given on the command line (or found under a directory
    /// given there); relative paths are relative to [`Plan::base`].
    pub path: String,
    /// The path relative to the directory it was found in (its file name
    /// when named directly): where `apply --out` writes it.
    pub relative: String,
    /// BLAKE3 hash (hex) of the file's bytes when the plan was made.
    pub blake3: String,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// True when the file starts with a UTF-8 byte-order mark (kept, and
    /// not counted in the offsets).
    pub bom: bool,
    /// The proposed removals, in order.
    pub removals: Vec<PlannedRemoval>,
}

/// One proposed removal and the decision on it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlannedRemoval {
    /// The id of the rule that proposed it.
    pub rule: String,
    /// First byte removed.
    pub start: usize,
    /// One past the last byte removed.
    pub end: usize,
    /// The removed text (checked against the file when applying).
    pub text: String,
    /// Why a heuristic removed it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The review's decision.
    pub decision: Decision,
}

/// What a review decided about a removal.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Decision {
    /// Not reviewed yet; `apply` leaves the text in place unless told
    /// `--accept-undecided`.
    #[default]
    Undecided,
    /// The text goes.
    Accepted,
    /// The text stays.
    Rejected,
}

impl Decision {
    /// The name used in plans and messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Undecided => "undecided",
            Decision::Accepted => "accepted",
            Decision::Rejected => "rejected",
        }
    }
}

/// How many removals have each decision.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Accepted removals.
    pub accepted: usize,
    /// Rejected removals.
    pub rejected: usize,
    /// Removals not decided yet.
    pub undecided: usize,
}

impl Tally {
    /// Counts the decisions of `removals`.
    pub fn of<'a>(removals: impl IntoIterator<Item = &'a PlannedRemoval>) -> Tally {
        let mut t = Tally::default();
        for r in removals {
            match r.decision {
                Decision::Accepted => t.accepted += 1,
                Decision::Rejected => t.rejected += 1,
                Decision::Undecided => t.undecided += 1,
            }
        }
        t
    }

    /// All removals counted.
    pub fn total(&self) -> usize {
        self.accepted + self.rejected + self.undecided
    }
}

/// The content hash recorded in plans: BLAKE3, lowercase hex.
pub fn content_hash(bytes: &[u8]) -> String {
    content_hash_of_parts(&[bytes])
}

/// [`content_hash`] of the concatenation of `parts` (a file written as a
/// byte-order mark and a text), without concatenating them.
pub fn content_hash_of_parts(parts: &[&[u8]]) -> String {
    let mut h = blake3::Hasher::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().to_hex().to_string()
}

impl PlanFile {
    /// Records one cleaned file: `cleaned` is the cleaning of its text,
    /// `bom` whether a byte-order mark preceded that text in the file (the
    /// hash covers the file's bytes, mark included).
    pub fn new(path: String, relative: String, bom: bool, cleaned: &Cleaned) -> Self {
        let removals = cleaned
            .removals()
            .iter()
            .map(|r| PlannedRemoval {
                rule: cleaned.rule_id(r).to_owned(),
                start: r.span.start,
                end: r.span.end,
                text: cleaned.removed_text(r).to_owned(),
                note: r.note.clone(),
                decision: Decision::Undecided,
            })
            .collect();
        let text = cleaned.input().as_bytes();
        let mut hasher = blake3::Hasher::new();
        if bom {
            hasher.update(BOM);
        }
        hasher.update(text);
        PlanFile {
            path,
            relative,
            blake3: hasher.finalize().to_hex().to_string(),
            bytes: (text.len() + if bom { BOM.len() } else { 0 }) as u64,
            bom,
            removals,
        }
    }

    /// How many of this file's removals have each decision.
    pub fn tally(&self) -> Tally {
        Tally::of(&self.removals)
    }
}

impl Plan {
    /// An empty plan made with `rules`, chosen by `selection`, with relative
    /// paths resolved against `base`.
    pub fn new(base: String, selection: PlanSelection, rules: &RuleSet) -> Plan {
        Plan {
            format: FORMAT.to_owned(),
            version: VERSION,
            deboil: env!("CARGO_PKG_VERSION").to_owned(),
            base,
            selection,
            rules: rules
                .iter()
                .map(|(_, r)| PlanRule {
                    id: r.id.clone(),
                    category: r.category.clone(),
                    summary: r.summary.clone(),
                })
                .collect(),
            files: Vec::new(),
        }
    }

    /// Parses a plan. `origin` names the file in errors. The version is
    /// checked before the rest, so a plan from another deboil is refused
    /// for what it is rather than for a field this one does not know.
    pub fn from_json(json: &str, origin: &Path) -> deboil::Result<Plan> {
        #[derive(Deserialize)]
        struct Header {
            format: Option<String>,
            version: Option<serde_json::Value>,
        }
        let bad = |reason: String| deboil::Error::input(origin, reason);
        let header: Header = serde_json::from_str(json)
            .map_err(|e| bad(format!("not a deboil plan (invalid JSON: {e})")))?;
        if header.format.as_deref() != Some(FORMAT) {
            return Err(bad(format!(
                "not a deboil plan (no \"format\": {FORMAT:?}); make one with `deboil plan`"
            )));
        }
        match header.version {
            Some(serde_json::Value::Number(n)) if n.as_u64() == Some(u64::from(VERSION)) => {}
            Some(v) => {
                return Err(bad(format!(
                    "plan version {v} is not supported: this deboil reads version {VERSION}; \
                     make the plan again with this deboil"
                )));
            }
            None => return Err(bad("plan has no \"version\"".to_owned())),
        }
        let plan: Plan =
            serde_json::from_str(json).map_err(|e| bad(format!("invalid plan: {e}")))?;
        plan.check().map_err(bad)?;
        Ok(plan)
    }

    /// Reads and parses a plan file.
    pub fn load(path: &Path) -> deboil::Result<Plan> {
        let json = std::fs::read_to_string(path).map_err(|e| deboil::Error::io(path, e))?;
        Plan::from_json(&json, path)
    }

    /// The plan as pretty JSON (one removal per few lines, diffable).
    pub fn to_json(&self) -> String {
        // Plain data with string keys: serializing cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default() + "\n"
    }

    /// Writes the plan atomically (temporary file, then rename), so an
    /// interrupted review never leaves a half-written plan.
    pub fn save(&self, path: &Path) -> deboil::Result<()> {
        crate::batch::write_atomic(path, &[self.to_json().as_bytes()])
            .map_err(|e| deboil::Error::io(path, e))
    }

    /// Consistency a hand-edited plan could break.
    fn check(&self) -> Result<(), String> {
        let known: HashMap<&str, ()> = self.rules.iter().map(|r| (r.id.as_str(), ())).collect();
        for f in &self.files {
            for r in &f.removals {
                if !known.contains_key(r.rule.as_str()) {
                    return Err(format!(
                        "{}: removal at {}..{} names rule {:?}, which is not in the plan's rules",
                        f.path, r.start, r.end, r.rule
                    ));
                }
            }
        }
        Ok(())
    }

    /// Where a file of the plan is on disk: its path, resolved against the
    /// plan's base when relative.
    pub fn resolve(&self, file: &PlanFile) -> PathBuf {
        let p = Path::new(&file.path);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            Path::new(&self.base).join(p)
        }
    }

    /// The plan's rules as a rule set, in the plan's order, for rendering
    /// recorded removals through [`Cleaned`] (ids, categories and summaries
    /// only: these rules never match anything).
    pub fn recorded_rules(&self) -> deboil::Result<RuleSet> {
        // A rule's matcher is irrelevant here; any built-in rule serves as
        // the template, so this stays right when `Rule` gains fields.
        let builtin = RuleSet::builtin()?;
        let Some((_, template)) = builtin.iter().next() else {
            return Ok(RuleSet::default());
        };
        let rules = self
            .rules
            .iter()
            .map(|r| {
                let mut rule = template.clone();
                rule.id.clone_from(&r.id);
                rule.category.clone_from(&r.category);
                rule.summary.clone_from(&r.summary);
                rule.remove.clear();
                rule.keep.clear();
                rule
            })
            .collect();
        Ok(RuleSet::from_rules(rules))
    }

    /// The index of a rule in [`Plan::rules`] (and [`Plan::recorded_rules`]).
    pub fn rule_index(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }

    /// Renders a file's text with the removals `take` chooses. `text` must
    /// be the file's current text (hash checked by the caller), `rules` the
    /// plan's [`recorded_rules`](Plan::recorded_rules). Fails when a chosen
    /// removal does not fit the text: its span is out of place or the text
    /// there is not the text the plan recorded.
    pub fn cleaned<'a>(
        &self,
        file: &PlanFile,
        text: &'a str,
        rules: &'a RuleSet,
        mut take: impl FnMut(&PlannedRemoval) -> bool,
    ) -> Result<Cleaned<'a>, String> {
        let mut removals = Vec::new();
        for r in file.removals.iter().filter(|r| take(r)) {
            let rule = self
                .rule_index(&r.rule)
                .ok_or_else(|| format!("rule {:?} is not in the plan", r.rule))?;
            if text.get(r.start..r.end) != Some(r.text.as_str()) {
                return Err(format!(
                    "the text at {}..{} is not the text the plan recorded for rule {:?}",
                    r.start, r.end, r.rule
                ));
            }
            removals.push(Removal {
                rule: RuleIndex::new(rule),
                span: Span::new(r.start, r.end),
                note: r.note.clone(),
            });
        }
        Cleaned::from_removals(Document::new(text), rules, removals).map_err(|e| e.to_string())
    }

    /// How many removals of the whole plan have each decision.
    pub fn tally(&self) -> Tally {
        Tally::of(self.files.iter().flat_map(|f| &f.removals))
    }

    /// Sets the decision of every removal made by rule `id`, in every file;
    /// returns how many there were.
    pub fn decide_rule(&mut self, id: &str, decision: Decision) -> usize {
        let mut n = 0;
        for r in self.files.iter_mut().flat_map(|f| &mut f.removals) {
            if r.rule == id {
                r.decision = decision;
                n += 1;
            }
        }
        n
    }

    /// Gives every still-undecided removal of file `index` this decision
    /// ("the rest of the file"); returns how many changed.
    pub fn decide_rest_of_file(&mut self, index: usize, decision: Decision) -> usize {
        self.files
            .get_mut(index)
            .map_or(0, |f| decide_undecided(&mut f.removals, decision))
    }

    /// Gives every still-undecided removal of the plan this decision;
    /// returns how many changed.
    pub fn decide_rest(&mut self, decision: Decision) -> usize {
        self.files
            .iter_mut()
            .map(|f| decide_undecided(&mut f.removals, decision))
            .sum()
    }

    /// Sets every decision back to undecided.
    pub fn reset(&mut self) {
        for r in self.files.iter_mut().flat_map(|f| &mut f.removals) {
            r.decision = Decision::Undecided;
        }
    }
}

fn decide_undecided(removals: &mut [PlannedRemoval], decision: Decision) -> usize {
    let mut n = 0;
    for r in removals.iter_mut() {
        if r.decision == Decision::Undecided {
            r.decision = decision;
            n += 1;
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use deboil::Engine;

    const TEXT: &str = "Body of the article.\nShare on Facebook\nMore text here.\nLeave a reply\n";

    fn plan_of(engine: &Engine, text: &str) -> Plan {
        let mut plan = Plan::new("/base".into(), PlanSelection::default(), engine.rules());
        let cleaned = engine.clean(text);
        plan.files.push(PlanFile::new(
            "a.txt".into(),
            "a.txt".into(),
            false,
            &cleaned,
        ));
        assert_eq!(plan.files[0].blake3, content_hash(text.as_bytes()));
        plan
    }

    #[test]
    fn a_hash_of_parts_is_the_hash_of_their_concatenation() {
        let whole = content_hash(b"\xEF\xBB\xBFBody.\n");
        assert_eq!(content_hash_of_parts(&[BOM, b"Body.\n"]), whole);
        assert_eq!(content_hash_of_parts(&[b"", BOM, b"Bo", b"dy.\n"]), whole);
        assert_ne!(content_hash_of_parts(&[b"Body.\n"]), whole);
        // The known BLAKE3 digest of nothing: the format plans record.
        assert_eq!(
            content_hash_of_parts(&[]),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }

    #[test]
    fn round_trips_through_json() {
        let engine = Engine::builtin().unwrap();
        let plan = plan_of(&engine, TEXT);
        assert_eq!(plan.files[0].removals.len(), 2);
        let back = Plan::from_json(&plan.to_json(), Path::new("p.json")).unwrap();
        assert_eq!(back, plan);
    }

    #[test]
    fn other_versions_and_other_json_are_refused_clearly() {
        let engine = Engine::builtin().unwrap();
        let json = plan_of(&engine, TEXT).to_json();
        let v2 = json.replacen("\"version\": 1", "\"version\": 2", 1);
        let err = Plan::from_json(&v2, Path::new("p.json")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "p.json: plan version 2 is not supported: this deboil reads version 1; \
             make the plan again with this deboil"
        );
        let err = Plan::from_json("{\"files\": []}", Path::new("x.json")).unwrap_err();
        assert!(err.to_string().contains("not a deboil plan"), "{err}");
        let err = Plan::from_json("nope", Path::new("x.json")).unwrap_err();
        assert!(err.to_string().contains("invalid JSON"), "{err}");
    }

    #[test]
    fn applying_all_removals_equals_clean_and_rejections_keep_text() {
        let engine = Engine::builtin().unwrap();
        let mut plan = plan_of(&engine, TEXT);
        let rules = plan.recorded_rules().unwrap();
        let all = plan
            .cleaned(&plan.files[0], TEXT, &rules, |_| true)
            .unwrap();
        assert_eq!(all.output(), engine.clean(TEXT).output());
        let rule = plan.files[0].removals[0].rule.clone();
        assert_eq!(plan.decide_rule(&rule, Decision::Rejected), 1);
        assert_eq!(plan.decide_rest(Decision::Accepted), 1);
        let some = plan
            .cleaned(&plan.files[0], TEXT, &rules, |r| {
                r.decision == Decision::Accepted
            })
            .unwrap();
        assert_eq!(
            some.output(),
            "Body of the article.\nShare on Facebook\nMore text here.\n"
        );
        assert_eq!(
            plan.tally(),
            Tally {
                accepted: 1,
                rejected: 1,
                undecided: 0
            }
        );
    }

    #[test]
    fn removals_that_do_not_fit_the_text_are_refused() {
        let engine = Engine::builtin().unwrap();
        let plan = plan_of(&engine, TEXT);
        let rules = plan.recorded_rules().unwrap();
        let other = TEXT.replace("Share on", "Share in");
        let err = plan
            .cleaned(&plan.files[0], &other, &rules, |_| true)
            .unwrap_err();
        assert!(err.contains("not the text the plan recorded"), "{err}");
    }

    #[test]
    fn rest_of_file_keeps_explicit_decisions() {
        let engine = Engine::builtin().unwrap();
        let mut plan = plan_of(&engine, TEXT);
        plan.files[0].removals[0].decision = Decision::Rejected;
        assert_eq!(plan.decide_rest_of_file(0, Decision::Accepted), 1);
        assert_eq!(plan.files[0].removals[0].decision, Decision::Rejected);
        assert_eq!(plan.files[0].removals[1].decision, Decision::Accepted);
        plan.reset();
        assert_eq!(plan.tally().undecided, 2);
    }

    #[test]
    fn hash_is_blake3_hex() {
        assert_eq!(
            content_hash(b""),
            "af1349b9f5f9a1a6a0404dea36dcc9499bcb25c9adc112b7cc9a93cae41f3262"
        );
    }
}
