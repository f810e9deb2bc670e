//! The content classifier: every line scored from its text features by a
//! binned logistic model (shipped as data, fitted by
//! `scripts/fit_classifier.py`), then smoothed along the document so that
//! short, uncertain lines take the class of the text around them (jusText's
//! idea, done as a two-state Viterbi path with a switching penalty).
//!
//! Each removal's note gives the line's score and the features that weighed
//! most against it, so a removal is never a bare "the model said so".

use super::features::{self, Feature, Lexicon, NAMES, Table};
use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
pub use crate::rules::params::ContentClassifier;
use serde::Deserialize;
use std::fmt::Write;
use std::sync::OnceLock;

/// Models shipped with deboil: (name, model TOML, lexicon TSV).
const MODELS: &[(&str, &str, &str)] = &[(
    "content-v1",
    include_str!("../../data/classifier/content-v1.toml"),
    include_str!("../../data/classifier/lexicon-v1.tsv"),
)];

/// One feature's part of the model: a linear term on the standardized value
/// plus a weight per quantile bin.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FeatureModel {
    name: String,
    mean: f32,
    scale: f32,
    weight: f32,
    edges: Vec<f32>,
    bins: Vec<f32>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModelFile {
    intercept: f32,
    feature: Vec<FeatureModel>,
}

/// Most bin edges a feature may have: edges are kept in fixed-size arrays,
/// so finding a bin is one vector compare rather than a search.
const MAX_EDGES: usize = 15;

/// A feature's part of the model, laid out for scoring.
#[derive(Debug)]
struct Term {
    mean: f32,
    scale: f32,
    weight: f32,
    /// The edges, padded with NaN (which no value is at or above).
    edges: [f32; MAX_EDGES + 1],
    bins: [f32; MAX_EDGES + 1],
}

impl Term {
    fn new(f: &FeatureModel) -> Term {
        let mut edges = [f32::NAN; MAX_EDGES + 1];
        edges[..f.edges.len()].copy_from_slice(&f.edges);
        let mut bins = [0.0; MAX_EDGES + 1];
        bins[..f.bins.len()].copy_from_slice(&f.bins);
        Term {
            mean: f.mean,
            scale: f.scale,
            weight: f.weight,
            edges,
            bins,
        }
    }

    /// The bin of value `x`: edges are sorted, so it is the number of edges
    /// at or below `x`.
    #[inline]
    fn bin(&self, x: f32) -> usize {
        self.edges.iter().filter(|e| **e <= x).count()
    }

    /// The term's contribution to the log-odds at value `x`.
    #[inline]
    fn at(&self, x: f32) -> f32 {
        self.weight * (x - self.mean) / self.scale + self.bins[self.bin(x)]
    }
}

/// A loaded model: features in [`NAMES`] order.
#[derive(Debug)]
pub struct Model {
    intercept: f32,
    terms: Vec<Term>,
    lexicon: Lexicon,
}

impl Model {
    fn parse(model: &str, lexicon: &str) -> Result<Model, String> {
        let file: ModelFile =
            toml::from_str(model).map_err(|e| format!("model: {}", e.message()))?;
        let names: Vec<&str> = file.feature.iter().map(|f| f.name.as_str()).collect();
        if names != NAMES {
            return Err(format!(
                "model features {names:?} do not match the engine's {NAMES:?}"
            ));
        }
        for f in &file.feature {
            if f.edges.len() > MAX_EDGES {
                return Err(format!(
                    "model feature {}: {} bin edges, at most {MAX_EDGES} are supported",
                    f.name,
                    f.edges.len()
                ));
            }
            if !f.edges.is_sorted() || f.edges.iter().any(|e| e.is_nan()) {
                return Err(format!(
                    "model feature {}: edges must be sorted numbers",
                    f.name
                ));
            }
            if f.bins.len() != f.edges.len() + 1 || f.scale <= 0.0 {
                return Err(format!(
                    "model feature {}: {} edges need {} bins and a positive scale",
                    f.name,
                    f.edges.len(),
                    f.edges.len() + 1
                ));
            }
        }
        Ok(Model {
            intercept: file.intercept,
            terms: file.feature.iter().map(Term::new).collect(),
            lexicon: Lexicon::parse(lexicon)?,
        })
    }

    /// The shipped model called `name`, parsed once per process.
    pub fn builtin(name: &str) -> Result<&'static Model, String> {
        static LOADED: OnceLock<Vec<(&'static str, Result<Model, String>)>> = OnceLock::new();
        let loaded = LOADED.get_or_init(|| {
            MODELS
                .iter()
                .map(|(n, m, l)| (*n, Model::parse(m, l)))
                .collect()
        });
        match loaded.iter().find(|(n, _)| *n == name) {
            Some((_, Ok(m))) => Ok(m),
            Some((_, Err(e))) => Err(format!("model {name:?} is broken: {e}")),
            None => Err(format!(
                "unknown model {name:?}; shipped models: {}",
                MODELS.iter().map(|m| m.0).collect::<Vec<_>>().join(", ")
            )),
        }
    }

    /// Per-feature contributions to the log-odds that a line with features
    /// `row` is content.
    fn contributions(&self, row: &[f32; features::COUNT]) -> [f32; features::COUNT] {
        let mut out = [0f32; features::COUNT];
        for ((o, t), &x) in out.iter_mut().zip(&self.terms).zip(row) {
            *o = t.at(x);
        }
        out
    }

    /// Log-odds that a line with features `row` is content.
    pub fn score(&self, row: &[f32; features::COUNT]) -> f32 {
        self.intercept + self.contributions(row).iter().sum::<f32>()
    }

    /// The lexicon the features use.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }
}

/// The two-state path (content or not) that best fits the line scores,
/// paying `penalty` per switch; `weights` make long lines count more.
pub(crate) fn smooth(logits: &[f32], weights: &[f32], penalty: f32) -> Vec<bool> {
    let n = logits.len();
    if n == 0 {
        return Vec::new();
    }
    // s0: best score ending in "debris", s1: ending in "content".
    let (mut s0, mut s1) = (0f32, weights[0] * logits[0]);
    let mut back: Vec<(bool, bool)> = Vec::with_capacity(n);
    for i in 1..n {
        let stay0 = s0 >= s1 - penalty;
        let stay1 = s1 >= s0 - penalty;
        let n0 = if stay0 { s0 } else { s1 - penalty };
        let n1 = if stay1 { s1 } else { s0 - penalty } + weights[i] * logits[i];
        // For each state, whether the previous state was "content".
        back.push((!stay0, stay1));
        s0 = n0;
        s1 = n1;
    }
    let mut state = s1 > s0;
    let mut out = vec![false; n];
    out[n - 1] = state;
    for i in (1..n).rev() {
        let (from0, from1) = back[i - 1];
        state = if state { from1 } else { from0 };
        out[i - 1] = state;
    }
    out
}

/// Marks as content the last unclaimed line before each content run when it
/// looks like a heading. Claimed lines in between (a repeated title, a date
/// line, a cookie banner) are skipped: they leave the output anyway.
pub(crate) fn rescue_headings(
    doc: &Document,
    claims: &Claims,
    lines: &[usize],
    content: &mut [bool],
) {
    for i in 1..content.len() {
        if !content[i] || content[i - 1] && !claims.is_claimed(lines[i - 1]) {
            continue;
        }
        let before = (0..i).rposition(|j| !claims.is_claimed(lines[j]));
        if let Some(j) = before {
            if !content[j] && is_heading(doc.line_trimmed(lines[j])) {
                content[j] = true;
            }
        }
    }
}

/// A short line that reads like a title: starts like a sentence, has a few
/// words, and carries none of the separators of menus and breadcrumbs.
fn is_heading(text: &str) -> bool {
    let words = text.split_whitespace().count();
    if !(3..=25).contains(&words) || text.len() > 250 {
        return false;
    }
    let first = text.chars().next().unwrap_or(' ');
    if !(first.is_uppercase() || first.is_numeric() || "\"“'‘¿¡".contains(first)) {
        return false;
    }
    !text.contains(['|', '»', '›', '•', '·', '>', '<', '@', '©'])
        && !text.contains("http")
        && !text.ends_with([':', ',', ';'])
}

/// A line that reads as a full sentence: enough words, sentence punctuation
/// at the end, and no menu separators. Stricter than the prose that
/// `stages::prose::ProseIndex` counts (eight words, long or punctuated): this
/// one overrides the model, and the looser test here costs 0.003 F1 on the
/// corpus for four fewer pages losing text.
pub(crate) fn is_sentence(text: &str) -> bool {
    // The cheap test first; words are counted only up to the bound.
    let end = text.trim_end_matches(['"', '\'', '”', '’', ')', '»']);
    end.ends_with(['.', '!', '?']) && super::word_count_upto(text, 10) >= 10 && !has_separator(text)
}

/// Whether `text` holds '|', '•' or '›', found by their bytes ('•' and '›'
/// are E2 80 A2 and E2 80 BA in UTF-8, which no other character's bytes
/// contain): `str::contains` with a set of characters decodes every one
/// of a paragraph's, and most lines this is asked of are paragraphs.
fn has_separator(text: &str) -> bool {
    let b = text.as_bytes();
    memchr::memchr2_iter(b'|', 0xe2, b)
        .any(|i| b[i] == b'|' || matches!(b.get(i + 1..i + 3), Some([0x80, 0xa2 | 0xba])))
}

/// The indices of the (up to) three most negative values, most negative
/// first, ties in index order.
fn most_negative(values: &[f32]) -> [Option<usize>; 3] {
    let mut top: [Option<usize>; 3] = [None; 3];
    for (i, v) in values.iter().enumerate() {
        if v.is_nan() || *v >= 0.0 {
            continue;
        }
        // Insert before the first kept value that is larger.
        let at = top
            .iter()
            .position(|t| t.is_none_or(|j| values[j].total_cmp(v).is_gt()));
        if let Some(at) = at {
            top.copy_within(at..2, at + 1);
            top[at] = Some(i);
        }
    }
    top
}

impl ContentClassifier {
    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        let Ok(model) = Model::builtin(&self.model) else {
            return;
        };
        let table = Table::new(doc, claims, model.lexicon());
        let lines: Vec<usize> = doc.nonblank().collect();
        let mut logits = Vec::with_capacity(table.len());
        let mut weights = Vec::with_capacity(table.len());
        for k in 0..table.len() {
            let row = table.row(k);
            logits.push(model.score(&row) + self.bias);
            weights.push(1.0 + row[Feature::Words]); // 1 + ln(1 + words)
        }
        let mut content = smooth(&logits, &weights, self.switch_penalty);
        drop(weights);
        // Sentences the smoothing would drop on weak evidence stay.
        for (k, (keep, &z)) in content.iter_mut().zip(&logits).enumerate() {
            let p = 1.0 / (1.0 + (-z).exp());
            if !*keep && p >= self.prose_floor && is_sentence(doc.line_trimmed(lines[k])) {
                *keep = true;
            }
        }
        if self.keep_headings {
            rescue_headings(doc, claims, &lines, &mut content);
        }
        for (k, (&keep, &z)) in content.iter().zip(&logits).enumerate() {
            let line = lines[k];
            if keep || claims.is_claimed(line) {
                continue;
            }
            let p = 1.0 / (1.0 + (-z).exp());
            // The row again, for the note: rows are derived, not kept.
            let contrib = model.contributions(&table.row(k));
            let mut note = format!("content p={p:.2}; against: ");
            for (n, i) in most_negative(&contrib).into_iter().flatten().enumerate() {
                if n > 0 {
                    note.push_str(", ");
                }
                // Writing to a String cannot fail.
                let _ = write!(note, "{} {:.1}", NAMES[i], contrib[i]);
            }
            claims.claim_line_because(line, rule, note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The byte search finds what `str::contains` finds.
        #[test]
        fn separators_are_found_by_their_bytes(text in "[a |.\u{2022}\u{203a}\u{2019}\u{201c}\u{2014}\u{20ac}é]{0,30}|\\PC{0,30}") {
            proptest::prop_assert_eq!(has_separator(&text), text.contains(['|', '•', '›']));
        }
    }

    #[test]
    fn smoothing_follows_strong_evidence_and_absorbs_weak_flips() {
        let w = [1.0; 5];
        // A weak debris line between strong content lines stays content.
        assert_eq!(smooth(&[3.0, 3.0, -0.5, 3.0, 3.0], &w, 1.0), [true; 5]);
        // Without a penalty every line follows its own sign.
        assert_eq!(
            smooth(&[3.0, 3.0, -0.5, 3.0, 3.0], &w, 0.0),
            [true, true, false, true, true]
        );
        // Strong debris at the edges is cut.
        assert_eq!(
            smooth(&[-3.0, -3.0, 2.0, 2.0, -3.0], &w, 1.0),
            [false, false, true, true, false]
        );
        assert!(smooth(&[], &[], 1.0).is_empty());
    }

    #[test]
    fn headings_are_short_sentence_like_lines_without_menu_separators() {
        assert!(is_heading("Council approves the new budget"));
        assert!(is_heading("“We will not leave,” says the mayor"));
        assert!(!is_heading("Home"), "one word is a menu item");
        assert!(!is_heading("News | Sport | Weather"));
        assert!(!is_heading("Home › World › Europe"));
        assert!(!is_heading("read the full story here"), "starts lowercase");
        assert!(!is_heading("Share this article:"));
    }

    #[test]
    fn a_sentence_is_a_long_line_ending_in_sentence_punctuation() {
        assert!(is_sentence(
            "Readers who subscribe to the newsletter asked about the dye last week."
        ));
        assert!(is_sentence(
            "He said: “we will stay here until the work is finished, whatever happens.”"
        ));
        assert!(!is_sentence("Sign up for our newsletter"));
        assert!(!is_sentence(
            "Home | News | Sport | Weather | Culture | Travel | Food | Money | Jobs."
        ));
    }

    #[test]
    fn a_term_finds_its_bin_like_a_search_over_the_edges() {
        let f = FeatureModel {
            name: "x".into(),
            mean: 0.0,
            scale: 1.0,
            weight: 0.5,
            edges: vec![1.0, 2.0, 2.0, 3.0],
            bins: vec![10.0, 20.0, 30.0, 40.0, 50.0],
        };
        let t = Term::new(&f);
        for x in [
            -5.0,
            0.999,
            1.0,
            1.5,
            2.0,
            2.5,
            3.0,
            99.0,
            f32::INFINITY,
            f32::NAN,
        ] {
            let bin = f.edges.partition_point(|e| *e <= x);
            assert_eq!(t.bin(x), bin, "x = {x}");
        }
        assert_eq!(t.at(2.5), 0.5 * 2.5 + 40.0);
    }

    #[test]
    fn most_negative_picks_the_three_lowest_in_order() {
        assert_eq!(
            most_negative(&[1.0, -0.5, -2.0, -0.5, 3.0, -1.0]),
            [Some(2), Some(5), Some(1)]
        );
        assert_eq!(most_negative(&[0.0, -1.0, 2.0]), [Some(1), None, None]);
        assert_eq!(most_negative(&[]), [None; 3]);
    }

    #[test]
    fn the_shipped_model_loads() {
        let m = Model::builtin("content-v1").unwrap();
        assert!(!m.lexicon().is_empty());
        assert!(Model::builtin("nope").is_err());
    }
}
