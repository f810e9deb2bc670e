//! Scoring cleaned text against gold main content.
//!
//! The metrics are those of the corpora deboil is measured on:
//!
//! - **shingle P/R/F1**, as in the Scrapinghub article-extraction benchmark:
//!   tokens are `\w+` runs (case kept), shingles are token 4-grams counted as
//!   a multiset (a text shorter than four tokens is one shingle); per page,
//!   TP/FP/FN are normalized to sum to 1; precision is averaged over pages
//!   with any predicted shingle, recall over pages with any gold shingle (so
//!   an empty output counts 0 in recall and nothing in precision), and F1 is
//!   the harmonic mean of the two means;
//! - **word F1**, as in WCXB: lowercased token bags, F1 per page, mean;
//! - **snippets**: the share of `with` snippets still present and of
//!   `without` snippets gone, case and whitespace folded.
//!
//! For rule authors it also attributes removed tokens to rules and counts how
//! many of them were gold content (a token of the input is gold when one of
//! the 4-grams around it occurs in the gold text).

use std::collections::HashMap;
use std::hash::{Hash, Hasher};

/// A `\w+` token with its byte offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token<'a> {
    /// The token text.
    pub text: &'a str,
    /// Byte offset in the text it came from.
    pub start: usize,
}

/// Python's `\w` for `str` patterns: alphanumeric or underscore.
#[inline]
fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The `\w+` runs of `text`, in order.
pub fn tokens(text: &str) -> Vec<Token<'_>> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(Token {
                    text: &text[s..i],
                    start: s,
                });
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(Token {
            text: &text[s..],
            start: s,
        });
    }
    out
}

fn shingle_key(tokens: &[Token]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for t in tokens {
        t.text.hash(&mut h);
    }
    h.finish()
}

/// 4-gram shingle counts (a shorter text is a single shingle).
fn shingles(tokens: &[Token]) -> HashMap<u64, u32> {
    let mut out = HashMap::with_capacity(tokens.len());
    if tokens.is_empty() {
        return out;
    }
    if tokens.len() < 4 {
        *out.entry(shingle_key(tokens)).or_insert(0) += 1;
        return out;
    }
    for w in tokens.windows(4) {
        *out.entry(shingle_key(w)).or_insert(0) += 1;
    }
    out
}

/// Normalized true positives, false positives and false negatives of one page.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tpfpfn {
    /// Shared shingles.
    pub tp: f64,
    /// Predicted shingles not in gold.
    pub fp: f64,
    /// Gold shingles not predicted.
    pub fn_: f64,
}

impl Tpfpfn {
    /// Precision as the benchmark defines it (1 when nothing is wrong).
    pub fn precision(self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fp == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fp)
        }
    }

    /// Recall as the benchmark defines it (1 when nothing is wrong).
    pub fn recall(self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fn_ == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fn_)
        }
    }
}

/// Shingle matching of one page.
pub fn shingle_match(gold: &str, pred: &str) -> Tpfpfn {
    let g = shingles(&tokens(gold));
    let p = shingles(&tokens(pred));
    let (mut tp, mut fp, mut fn_) = (0f64, 0f64, 0f64);
    for (k, &gc) in &g {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += gc.min(pc) as f64;
        fn_ += gc.saturating_sub(pc) as f64;
    }
    for (k, &pc) in &p {
        let gc = g.get(k).copied().unwrap_or(0);
        fp += pc.saturating_sub(gc) as f64;
    }
    let s = tp + fp + fn_;
    if s > 0.0 {
        Tpfpfn {
            tp: tp / s,
            fp: fp / s,
            fn_: fn_ / s,
        }
    } else {
        Tpfpfn::default()
    }
}

/// Word-bag F1 of one page (lowercased tokens). Two empty texts agree.
pub fn word_f1(gold: &str, pred: &str) -> f64 {
    let bag = |t: &str| {
        let mut m: HashMap<String, u32> = HashMap::new();
        for tok in tokens(t) {
            *m.entry(tok.text.to_lowercase()).or_insert(0) += 1;
        }
        m
    };
    let (g, p) = (bag(gold), bag(pred));
    let (ng, np): (u32, u32) = (g.values().sum(), p.values().sum());
    if ng == 0 && np == 0 {
        return 1.0;
    }
    if ng == 0 || np == 0 {
        return 0.0;
    }
    let common: u32 = g
        .iter()
        .map(|(k, &c)| c.min(p.get(k).copied().unwrap_or(0)))
        .sum();
    if common == 0 {
        return 0.0;
    }
    let (prec, rec) = (common as f64 / np as f64, common as f64 / ng as f64);
    2.0 * prec * rec / (prec + rec)
}

/// Lowercase with every whitespace run as one space, for snippet matching.
pub fn snippet_form(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.extend(c.to_lowercase());
        }
    }
    out
}

/// Marks each input token that is gold content: one of the 4-grams of the
/// input that contain it occurs in the gold text.
pub fn gold_tokens(input_tokens: &[Token], gold: &str) -> Vec<bool> {
    let gold_shingles = shingles(&tokens(gold));
    let mut marks = vec![false; input_tokens.len()];
    if input_tokens.len() < 4 {
        if !input_tokens.is_empty() && gold_shingles.contains_key(&shingle_key(input_tokens)) {
            marks.iter_mut().for_each(|m| *m = true);
        }
        return marks;
    }
    for (i, w) in input_tokens.windows(4).enumerate() {
        if gold_shingles.contains_key(&shingle_key(w)) {
            marks[i..i + 4].iter_mut().for_each(|m| *m = true);
        }
    }
    marks
}

/// Marks each input token whose removal cost gold content: it sits in a
/// 4-gram of the input that the gold text has more copies of (up to the
/// input's own count) than the output kept. Removing one of two copies of a
/// duplicated gold line costs nothing and is not marked.
pub fn lost_gold_tokens(input_tokens: &[Token], gold: &str, output: &str) -> Vec<bool> {
    let g = shingles(&tokens(gold));
    let o = shingles(&tokens(output));
    let i = shingles(input_tokens);
    let lost = |k: u64| {
        let need = g
            .get(&k)
            .copied()
            .unwrap_or(0)
            .min(i.get(&k).copied().unwrap_or(0));
        o.get(&k).copied().unwrap_or(0) < need
    };
    let mut marks = vec![false; input_tokens.len()];
    if input_tokens.len() < 4 {
        if !input_tokens.is_empty() && lost(shingle_key(input_tokens)) {
            marks.iter_mut().for_each(|m| *m = true);
        }
        return marks;
    }
    for (k, w) in input_tokens.windows(4).enumerate() {
        if lost(shingle_key(w)) {
            marks[k..k + 4].iter_mut().for_each(|m| *m = true);
        }
    }
    marks
}

/// Means of page scores, as the benchmarks aggregate them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Aggregate {
    /// Pages scored.
    pub pages: usize,
    /// Mean shingle precision (pages with output).
    pub precision: f64,
    /// Mean shingle recall (pages with gold or output).
    pub recall: f64,
    /// Harmonic mean of `precision` and `recall`.
    pub f1: f64,
    /// Mean word F1.
    pub word_f1: f64,
}

/// Aggregates page results: `(shingle counts, word F1)` per page.
pub fn aggregate(pages: &[(Tpfpfn, f64)]) -> Aggregate {
    let mean = |v: Vec<f64>| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let precision = mean(
        pages
            .iter()
            .filter(|(t, _)| t.tp + t.fp > 0.0)
            .map(|(t, _)| t.precision())
            .collect(),
    );
    let recall = mean(
        pages
            .iter()
            .filter(|(t, _)| t.tp + t.fn_ > 0.0)
            .map(|(t, _)| t.recall())
            .collect(),
    );
    let f1 = if precision + recall > 0.0 {
        2.0 * precision * recall / (precision + recall)
    } else {
        0.0
    };
    Aggregate {
        pages: pages.len(),
        precision,
        recall,
        f1,
        word_f1: mean(pages.iter().map(|(_, w)| *w).collect()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_word_runs_with_offsets() {
        let t: Vec<(&str, usize)> = tokens("Héllo, wörld_2 — 東京!")
            .iter()
            .map(|t| (t.text, t.start))
            .collect();
        assert_eq!(t, [("Héllo", 0), ("wörld_2", 8), ("東京", 21)]);
    }

    #[test]
    fn identical_texts_score_one() {
        let s = shingle_match("a b c d e f", "a b c d e f");
        assert_eq!((s.precision(), s.recall()), (1.0, 1.0));
        assert_eq!(word_f1("A b", "a B"), 1.0);
    }

    #[test]
    fn extra_prediction_lowers_precision_only() {
        // gold shingles: abcd bcde; pred adds cdex dexy → tp 2, fp 2.
        let s = shingle_match("a b c d e", "a b c d e x y");
        assert_eq!(s.recall(), 1.0);
        assert!((s.precision() - 0.5).abs() < 1e-9);
    }

    #[test]
    fn short_texts_are_one_shingle() {
        let s = shingle_match("a b", "a b");
        assert_eq!(s.precision(), 1.0);
        let s = shingle_match("a b", "a c");
        assert_eq!((s.tp, s.precision(), s.recall()), (0.0, 0.0, 0.0));
    }

    #[test]
    fn empty_pages_are_left_out_as_the_benchmark_does() {
        // Empty output: no precision term, recall 0. Empty gold: precision 0, no recall term.
        let pages = [
            (shingle_match("a b c d", ""), 0.0),
            (shingle_match("", "x y z w"), 0.0),
            (shingle_match("a b c d", "a b c d"), 1.0),
        ];
        let a = aggregate(&pages);
        assert!((a.precision - 0.5).abs() < 1e-9);
        assert!((a.recall - 0.5).abs() < 1e-9);
    }

    #[test]
    fn removing_a_duplicate_copy_loses_no_gold() {
        let input = "the cat sat on the mat\nthe cat sat on the mat";
        let toks = tokens(input);
        let lost = lost_gold_tokens(&toks, "the cat sat on the mat", "the cat sat on the mat\n");
        assert!(lost.iter().all(|l| !l), "{lost:?}");
        let lost = lost_gold_tokens(&toks, "the cat sat on the mat", "nothing");
        assert!(lost[..6].iter().all(|l| *l));
    }

    #[test]
    fn fold_ignores_case_and_whitespace() {
        assert_eq!(snippet_form("  Hello\n\t World "), "hello world");
    }

    #[test]
    fn gold_tokens_follow_shared_shingles() {
        let input = "Home News the cat sat on the mat Share";
        let marks = gold_tokens(&tokens(input), "the cat sat on the mat");
        assert_eq!(
            marks,
            [false, false, true, true, true, true, true, true, false]
        );
    }
}
