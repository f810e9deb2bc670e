//! Text features of lines, for the content classifier.
//!
//! Everything is computed from text alone, the same way for any dump style:
//! a line's own shape (length, function-word share, punctuation, case,
//! digits, separators), how boilerplate-like its words are (a learned
//! lexicon), whether an earlier rule already claimed it, and the same
//! signals averaged over its neighbours and placed in the document (position,
//! block, distance to prose, share of prose before and after). The names
//! and order here are the contract with `scripts/fit_classifier.py`, which
//! fits the model on these exact values (dumped by `examples/features.rs`).

use super::lang::{self, Stopwords};
use crate::claims::Claims;
use crate::document::Document;
use foldhash::HashMap;

/// Feature names, in the order of [`LineFeatures::values`].
pub const NAMES: [&str; 41] = [
    "len",
    "words",
    "stop",
    "stop_count",
    "term",
    "sentences",
    "commas",
    "capitalized",
    "digits",
    "letters",
    "separator",
    "all_caps",
    "bullet",
    "url",
    "claimed",
    "duplicate",
    "title_sim",
    "w1_len",
    "w1_stop",
    "w1_term",
    "w1_claimed",
    "w3_len",
    "w3_stop",
    "w3_term",
    "w3_claimed",
    "w7_len",
    "w7_stop",
    "w7_term",
    "w7_claimed",
    "position",
    "block_lines",
    "block_chars",
    "prose_distance",
    "doc_max_len",
    "prose_before",
    "prose_after",
    "after_title",
    "lex_mean",
    "lex_max",
    "w2_lex",
    "w6_lex",
];

/// Number of features.
pub const COUNT: usize = NAMES.len();

/// The features of one non-blank line.
#[derive(Clone, Debug)]
pub struct LineFeatures {
    /// Index of the line in the document.
    pub line: usize,
    /// Values, in the order of [`NAMES`].
    pub values: [f32; COUNT],
}

/// Word weights: positive for words typical of page furniture ("cookies",
/// "subscribe", "login"), negative for words typical of prose.
///
/// Keyed by a 64-bit hash of the word rather than the word: the table is
/// looked up once per token of every document, and small entries with no
/// pointer to follow keep it in cache. Two words sharing a 64-bit hash are
/// not a practical concern at ten thousand entries.
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    weights: HashMap<u64, f32>,
}

/// The word hash of [`Lexicon`]: fixed, so tables are the same in every run.
fn word_hash(word: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x6465_626f_696c).hash_one(word)
}

impl Lexicon {
    /// Parses `word<TAB>weight` lines (`#` comments allowed).
    pub fn parse(text: &str) -> Result<Lexicon, String> {
        let mut weights = HashMap::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (w, v) = line
                .split_once('\t')
                .ok_or_else(|| format!("lexicon line {}: expected word<TAB>weight", i + 1))?;
            let v: f32 = v
                .trim()
                .parse()
                .map_err(|_| format!("lexicon line {}: bad weight {v:?}", i + 1))?;
            weights.insert(word_hash(w), v);
        }
        Ok(Lexicon { weights })
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.weights.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.weights.is_empty()
    }

    fn get(&self, lowercase: &str) -> Option<f32> {
        self.weights.get(&word_hash(lowercase)).copied()
    }
}

/// Characters that end a sentence or a quote of one.
fn is_terminal(c: char) -> bool {
    matches!(
        c,
        '.' | '!' | '?' | '…' | '"' | '”' | '’' | ')' | '»' | ':' | ';'
    )
}

/// Characters that separate menu items and breadcrumbs.
fn is_separator(c: char) -> bool {
    matches!(c, '|' | '•' | '·' | '›' | '»' | '→' | '►' | '▸')
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Whether `haystack` contains the ASCII `needle`, ignoring ASCII case.
fn contains_ignore_ascii_case(haystack: &str, needle: &str) -> bool {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    h.len() >= n.len() && h.windows(n.len()).any(|w| w.eq_ignore_ascii_case(n))
}

/// Raw per-line counts, before context.
#[derive(Clone, Copy, Default)]
struct Own {
    chars: f32,
    words: f32,
    len: f32,
    stop: f32,
    term: f32,
    lex_mean: f32,
    lex_max: f32,
    claimed: f32,
}

fn ln1p(x: f32) -> f32 {
    x.ln_1p()
}

/// Mean of `values[j]` over neighbours `j` within `w` of `i` (not `i` itself).
fn window_mean(values: &[f32], i: usize, w: usize) -> f32 {
    let lo = i.saturating_sub(w);
    let hi = (i + w + 1).min(values.len());
    let n = hi - lo - 1;
    if n == 0 {
        return 0.0;
    }
    let sum: f32 = values[lo..hi].iter().sum::<f32>() - values[i];
    sum / n as f32
}

/// Computes the features of every non-blank line.
pub fn compute(doc: &Document, claims: &Claims, lexicon: &Lexicon) -> Vec<LineFeatures> {
    let lines = doc.lines();
    let idx: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].blank).collect();
    let n = idx.len();
    if n == 0 {
        return Vec::new();
    }
    // Tokens of every line, lowercased once into one buffer; `spans[k]` is
    // the range of line k's tokens in `tok`.
    let mut arena = String::new();
    let mut tok: Vec<(u32, u32)> = Vec::new();
    let mut spans: Vec<(usize, usize)> = Vec::with_capacity(n);
    let mut capitalized_of: Vec<u32> = Vec::with_capacity(n);
    for &li in &idx {
        let text = doc.line_trimmed(li);
        let first = tok.len();
        let mut capitalized = 0;
        for t in text.split(|c: char| !is_word(c)).filter(|t| !t.is_empty()) {
            if t.chars().next().is_some_and(char::is_uppercase) {
                capitalized += 1;
            }
            let start = arena.len() as u32;
            if t.is_ascii() {
                arena.extend(t.bytes().map(|b| char::from(b.to_ascii_lowercase())));
            } else {
                arena.extend(t.chars().flat_map(char::to_lowercase));
            }
            tok.push((start, arena.len() as u32));
        }
        spans.push((first, tok.len()));
        capitalized_of.push(capitalized);
    }
    let word = |t: &(u32, u32)| &arena[t.0 as usize..t.1 as usize];
    let words_of = |k: usize| tok[spans[k].0..spans[k].1].iter().map(word);
    let stop_list: &Stopwords = lang::detect(tok.iter().take(4096).map(word));

    let mut own: Vec<Own> = Vec::with_capacity(n);
    let mut rows: Vec<[f32; COUNT]> = Vec::with_capacity(n);
    let mut counts: HashMap<&str, u32> = HashMap::with_capacity_and_hasher(n, Default::default());
    for &li in &idx {
        *counts.entry(doc.line_trimmed(li)).or_insert(0) += 1;
    }
    // The first line's distinct words, sorted, and its token count.
    let title_len = (spans[0].1 - spans[0].0) as f32;
    let mut title: Vec<&str> = words_of(0).collect();
    title.sort_unstable();
    title.dedup();
    let mut uniq: Vec<&str> = Vec::new();
    for (k, &li) in idx.iter().enumerate() {
        let text = doc.line_trimmed(li);
        let nw = (spans[k].1 - spans[k].0) as f32;
        let mut chars = 0f32;
        let (mut digits, mut letters, mut commas) = (0f32, 0f32, 0f32);
        let (mut upper, mut lower) = (0u32, 0u32);
        let mut sep = false;
        let mut sentences = 0f32;
        let mut prev: Option<char> = None;
        for c in text.chars() {
            chars += 1.0;
            if c.is_ascii() {
                // The Unicode tables below give the same answers, slower.
                if c.is_ascii_digit() {
                    digits += 1.0;
                } else if c.is_ascii_alphabetic() {
                    letters += 1.0;
                    if c.is_ascii_uppercase() {
                        upper += 1;
                    } else {
                        lower += 1;
                    }
                }
            } else {
                if c.is_numeric() {
                    digits += 1.0;
                }
                if c.is_alphabetic() {
                    letters += 1.0;
                    if c.is_uppercase() {
                        upper += 1;
                    } else if c.is_lowercase() {
                        lower += 1;
                    }
                }
            }
            if c == ',' {
                commas += 1.0;
            }
            sep |= is_separator(c);
            if c.is_whitespace() && matches!(prev, Some('.' | '!' | '?')) {
                sentences += 1.0;
            }
            prev = Some(c);
        }
        if matches!(prev, Some('.' | '!' | '?')) {
            sentences += 1.0;
        }
        let stops = words_of(k).filter(|w| stop_list.contains(w)).count() as f32;
        let capitalized = capitalized_of[k] as f32;
        let term = if prev.is_some_and(is_terminal) {
            1.0
        } else {
            0.0
        };
        let bullet = {
            let mut it = text.chars();
            match it.next() {
                Some('-' | '*' | '•' | '·' | '–') => {
                    it.next().is_some_and(char::is_whitespace)
                }
                Some(c) if c.is_ascii_digit() => {
                    let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
                    rest.starts_with(". ") || rest.starts_with(") ")
                }
                _ => false,
            }
        };
        let url = ["http://", "https://", "www.", ".com"]
            .iter()
            .any(|needle| contains_ignore_ascii_case(text, needle));
        let (mut lex_sum, mut lex_n, mut lex_max) = (0f32, 0f32, 0f32);
        for w in words_of(k).filter(|w| !w.bytes().all(|b| b.is_ascii_digit())) {
            if let Some(v) = lexicon.get(w) {
                lex_sum += v;
                lex_n += 1.0;
                lex_max = lex_max.max(v);
            }
        }
        let title_sim = if k == 0 || title.is_empty() || nw == 0.0 {
            0.0
        } else {
            uniq.clear();
            uniq.extend(words_of(k));
            uniq.sort_unstable();
            uniq.dedup();
            let shared = uniq
                .iter()
                .filter(|w| title.binary_search(w).is_ok())
                .count() as f32;
            shared / nw.min(title_len).max(1.0)
        };
        let len = ln1p(chars);
        let stop = if nw > 0.0 { stops / nw } else { 0.0 };
        let claimed = if claims.is_claimed(li) { 1.0 } else { 0.0 };
        own.push(Own {
            chars,
            words: nw,
            len,
            stop,
            term,
            lex_mean: if lex_n > 0.0 { lex_sum / lex_n } else { 0.0 },
            lex_max,
            claimed,
        });
        let mut r = [0f32; COUNT];
        r[0] = len;
        r[1] = ln1p(nw);
        r[2] = stop;
        r[3] = ln1p(stops);
        r[4] = term;
        r[5] = sentences / nw.max(1.0);
        r[6] = commas / nw.max(1.0);
        r[7] = if nw > 0.0 { capitalized / nw } else { 0.0 };
        r[8] = digits / chars.max(1.0);
        r[9] = letters / chars.max(1.0);
        r[10] = f32::from(u8::from(sep));
        r[11] = f32::from(u8::from(lower == 0 && upper > 3));
        r[12] = f32::from(u8::from(bullet));
        r[13] = f32::from(u8::from(url));
        r[14] = claimed;
        r[15] = f32::from(u8::from(counts.get(text).copied().unwrap_or(0) > 1));
        r[16] = title_sim;
        rows.push(r);
    }

    // Context: windows over neighbours, blocks, prose mass, the title's echo.
    let col = |f: fn(&Own) -> f32| own.iter().map(f).collect::<Vec<f32>>();
    let (lens, stops, terms, claimed, lexes) = (
        col(|o| o.len),
        col(|o| o.stop),
        col(|o| o.term),
        col(|o| o.claimed),
        col(|o| o.lex_mean),
    );
    let mut block_of = vec![0usize; lines.len()];
    for (b, block) in doc.blocks().iter().enumerate() {
        for l in block.lines() {
            block_of[l] = b;
        }
    }
    let mut block_lines = vec![0f32; doc.blocks().len()];
    let mut block_chars = vec![0f32; doc.blocks().len()];
    for (k, &li) in idx.iter().enumerate() {
        block_lines[block_of[li]] += 1.0;
        block_chars[block_of[li]] += own[k].chars;
    }
    let prose: Vec<bool> = own
        .iter()
        .map(|o| o.chars >= 100.0 && o.stop >= 0.15)
        .collect();
    let total_prose: f32 = own
        .iter()
        .zip(&prose)
        .filter(|(_, p)| **p)
        .map(|(o, _)| o.chars)
        .sum();
    let max_len = lens.iter().copied().fold(0f32, f32::max);
    let title_line = (1..n).find(|&k| rows[k][16] >= 0.6 && own[k].words >= 3.0);
    // Distance to the nearest prose line, from both sides in two passes.
    let mut dist = vec![n as f32; n];
    let mut last: Option<usize> = None;
    for k in 0..n {
        if prose[k] {
            last = Some(k);
        }
        if let Some(p) = last {
            dist[k] = (k - p) as f32;
        }
    }
    last = None;
    for k in (0..n).rev() {
        if prose[k] {
            last = Some(k);
        }
        if let Some(p) = last {
            dist[k] = dist[k].min((p - k) as f32);
        }
    }
    let mut prose_before = 0f32;
    let mut out = Vec::with_capacity(n);
    for (k, &li) in idx.iter().enumerate() {
        let r = &mut rows[k];
        let mut c = 17;
        for w in [1, 3, 7] {
            for v in [&lens, &stops, &terms, &claimed] {
                r[c] = window_mean(v, k, w);
                c += 1;
            }
        }
        r[29] = k as f32 / n as f32;
        r[30] = ln1p(block_lines[block_of[li]]);
        r[31] = ln1p(block_chars[block_of[li]]);
        r[32] = ln1p(dist[k]);
        r[33] = max_len;
        let mine = if prose[k] { own[k].chars } else { 0.0 };
        if total_prose > 0.0 {
            r[34] = prose_before / total_prose;
            r[35] = (total_prose - prose_before - mine) / total_prose;
        }
        prose_before += mine;
        r[36] = f32::from(u8::from(title_line.is_some_and(|t| k >= t)));
        r[37] = own[k].lex_mean;
        r[38] = own[k].lex_max;
        r[39] = window_mean(&lexes, k, 2);
        r[40] = window_mean(&lexes, k, 6);
        out.push(LineFeatures {
            line: li,
            values: *r,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feats(text: &str) -> Vec<LineFeatures> {
        let doc = Document::new(text);
        let claims = Claims::new(doc.lines().len());
        compute(&doc, &claims, &Lexicon::default())
    }

    fn get(f: &LineFeatures, name: &str) -> f32 {
        f.values[NAMES.iter().position(|n| *n == name).unwrap()]
    }

    #[test]
    fn prose_and_menu_lines_differ_where_they_should() {
        let f = feats(
            "Home\nNews\n\nThe council approved the budget after a long debate on Tuesday night, and the mayor said it was fair.\n",
        );
        assert_eq!(f.len(), 3);
        assert!(get(&f[2], "stop") > 0.25);
        assert_eq!(get(&f[2], "term"), 1.0);
        assert_eq!(get(&f[0], "stop"), 0.0);
        assert_eq!(get(&f[0], "capitalized"), 1.0);
        assert_eq!(get(&f[0], "prose_after"), 1.0);
        assert_eq!(get(&f[2], "prose_before"), 0.0);
        assert_eq!(get(&f[0], "block_lines"), 2f32.ln_1p());
    }

    #[test]
    fn title_echo_and_duplicates() {
        let f =
            feats("Bees can count to four | Science Daily\nMenu\nBees can count to four\nMenu\n");
        assert_eq!(get(&f[2], "title_sim"), 1.0);
        assert_eq!(get(&f[2], "after_title"), 1.0);
        assert_eq!(get(&f[1], "after_title"), 0.0);
        assert_eq!(get(&f[1], "duplicate"), 1.0);
    }

    #[test]
    fn lexicon_scores_words() {
        let lex = Lexicon::parse("# test\ncookies\t2.0\nthe\t-1.0\n").unwrap();
        let doc = Document::new("We use cookies on the site\n");
        let f = compute(&doc, &Claims::new(1), &lex);
        assert_eq!(get(&f[0], "lex_mean"), 0.5);
        assert_eq!(get(&f[0], "lex_max"), 2.0);
        assert!(Lexicon::parse("no tab here").is_err());
    }

    #[test]
    fn names_match_the_filled_slots() {
        assert_eq!(COUNT, 41);
        assert_eq!(NAMES[40], "w6_lex");
    }
}
