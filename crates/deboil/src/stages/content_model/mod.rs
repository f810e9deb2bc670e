//! The content model: a line classifier that reads the words of a line and
//! of its neighbours (hashed, see [`lexical`]), its shape and place in the
//! page, and then, in a second pass ([`context`]), what the first pass
//! concluded about the lines around it. Weights are data
//! (`data/model/*.bin`, format in [`model`]), fitted by
//! `examples/fit_model.rs` ([`fit`]).
//!
//! It runs after the pattern rules and the other heuristics, on what they
//! left: their removals are part of what it sees ("the next line was a
//! share button"). Each removal's note names the evidence that weighed
//! most against the line, in words: `p=0.08; against: "said" (line),
//! "reply" (next), prose_before`.

pub mod context;
pub mod fit;
pub mod lexical;
pub mod model;

use super::classify::{rescue_headings, smooth};
use super::prose::{ends_sentence, is_sentence};
use crate::claims::Claims;
use crate::document::Document;
use crate::rules::RuleIndex;
pub use crate::rules::params::ContentModel;
use crate::stages::features::Table;
use lexical::{Lexed, Source};
use model::Compiled;
use std::fmt::Write;
use std::sync::{Mutex, OnceLock};

/// Models shipped with deboil: (name, file).
const MODELS: &[(&str, &[u8])] = &[(
    "content-v4",
    include_bytes!("../../../data/model/content-v4.bin"),
)];

/// A model by name: one shipped with deboil, or else a model file (a path,
/// resolved against the current directory: models fitted by
/// `examples/fit_model.rs`, such as the per-fold models `deboil eval
/// --cv-models` uses). Each is read and checked once per process.
pub fn builtin(name: &str) -> Result<&'static Compiled, String> {
    static LOADED: OnceLock<Vec<(&'static str, Result<Compiled, String>)>> = OnceLock::new();
    static FILES: Mutex<Vec<(String, &'static Compiled)>> = Mutex::new(Vec::new());
    let loaded = LOADED.get_or_init(|| {
        MODELS
            .iter()
            .map(|(n, b)| (*n, Compiled::parse_shipped(b)))
            .collect()
    });
    match loaded.iter().find(|(n, _)| *n == name) {
        Some((_, Ok(m))) => return Ok(m),
        Some((_, Err(e))) => return Err(format!("model {name:?} is broken: {e}")),
        None => {}
    }
    if !name.ends_with(".bin") {
        return Err(format!(
            "unknown model {name:?}; shipped models: {} (or a path to a model file, *.bin)",
            MODELS.iter().map(|m| m.0).collect::<Vec<_>>().join(", ")
        ));
    }
    // A poisoned lock only means another thread panicked mid-push; the
    // list itself is still whole.
    let mut files = FILES.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, m)) = files.iter().find(|(n, _)| n == name) {
        return Ok(m);
    }
    let bytes = std::fs::read(name).map_err(|e| format!("model file {name}: {e}"))?;
    let model = Compiled::parse(&bytes).map_err(|e| format!("model file {name}: {e}"))?;
    // Kept for the life of the process, like the shipped models: a run
    // loads a handful at most.
    let model: &'static Compiled = Box::leak(Box::new(model));
    files.push((name.to_owned(), model));
    Ok(model)
}

/// A document read and scored by a model: both passes' logits per row.
pub struct Scored {
    /// The rows' words and facts.
    pub lexed: Lexed,
    /// The rows' structural features.
    pub table: Table,
    /// First-pass logits.
    pub first: Vec<f32>,
    /// Second-pass logits.
    pub second: Vec<f32>,
}

impl Scored {
    /// Scores every non-blank line of `doc` with `model`, given what earlier
    /// stages claimed.
    pub fn new(model: &Compiled, doc: &Document, claims: &Claims) -> Scored {
        // Both read the same words: tokenized once.
        let words = Lexed::read_words(doc, claims);
        let table = lexical::structural_with_words(doc, claims, &words);
        let lexed = Lexed::with_words(doc, claims, words);
        // Claimed rows are neither decided nor read by the second pass
        // (it sees only that a neighbour was claimed): their scores stay 0,
        // which saves most of the work on pages the rules already cut.
        let first = model.first_pass(&lexed, &table);
        let stats = context::PageStats::new(&lexed, &first);
        let second = model.second_pass(&lexed, &first, &stats);
        Scored {
            lexed,
            table,
            first,
            second,
        }
    }
}

/// Pieces of evidence a removal's note names.
const EVIDENCE: usize = 3;

/// A removal's note: the line's probability of being content, the evidence
/// against it in words (each piece once: two hashed features can read the
/// same, "lines two away"; at most [`EVIDENCE`] pieces), and whether the
/// lines around it weighed too: `p=0.08; against: "said" (line), "reply"
/// (next), the lines around it`.
fn removal_note(
    p: f32,
    evidence: &[(Source, f32)],
    describe: impl Fn(Source, &mut String),
    around: bool,
) -> String {
    // Written in place, each piece described into the note itself, not
    // gathered and joined: allocations for each of the tens of thousands
    // of lines a page dump's content model removes. Room for most notes.
    let mut note = String::with_capacity(128);
    note.push_str("p=");
    push_hundredths(&mut note, p);
    note.push_str("; against: ");
    // Where in `note` each piece said so far is.
    let mut said: [std::ops::Range<usize>; EVIDENCE] = Default::default();
    let mut pieces = 0;
    for &(src, _) in evidence {
        if pieces == EVIDENCE {
            break;
        }
        let mark = note.len();
        if pieces > 0 {
            note.push_str(", ");
        }
        let start = note.len();
        describe(src, &mut note);
        let piece = start..note.len();
        if said[..pieces]
            .iter()
            .any(|r| note[r.clone()] == note[piece.clone()])
        {
            note.truncate(mark);
        } else {
            said[pieces] = piece;
            pieces += 1;
        }
    }
    if around {
        // Writing to a String cannot fail.
        let _ = write!(
            note,
            "{}the lines around it",
            if pieces == 0 { "" } else { ", " }
        );
    }
    note
}

/// Appends `p` as `format!("{p:.2}")` writes it: for a probability, from
/// its hundredths, which `f64` holds exactly (an `f32` times 100 needs 31
/// bits) and rounds as the formatter does, half to even. The general float
/// formatter was a fifth of a note's cost.
fn push_hundredths(out: &mut String, p: f32) {
    // (-0.0 is written with its sign; NaN fails the comparison.)
    if !(p.is_sign_positive() && p <= 1.0) {
        // Writing to a String cannot fail.
        let _ = write!(out, "{p:.2}");
        return;
    }
    // 0 to 100, so the `as` neither truncates nor saturates.
    let h = (f64::from(p) * 100.0).round_ties_even() as u8;
    for c in [b'0' + h / 100, b'.', b'0' + h / 10 % 10, b'0' + h % 10] {
        out.push(char::from(c));
    }
}

#[inline]
fn probability(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

impl ContentModel {
    /// Which rows to keep: the second pass's verdict, shifted by `bias`,
    /// smoothed along the unclaimed rows, with sentences and headings
    /// rescued. Claimed rows come out `false`.
    ///
    /// Four nets keep the model from gutting an article, in this order:
    /// in a mostly-prose document the bias rises by `prose_bias`; a full
    /// sentence goes only on strong evidence (`prose_floor`); a short
    /// document keeps the lines that end a sentence (`short_rows`); and if
    /// nothing with words would be left, the lines that end a sentence
    /// stay ("Body text.\nShare on Facebook" keeps "Body text."), or every
    /// line when none does. The engine's guard is the last net, not the
    /// first.
    pub fn decide(
        &self,
        doc: &Document,
        claims: &Claims,
        lexed: &Lexed,
        second: &[f32],
    ) -> Vec<bool> {
        let n = lexed.len();
        let open: Vec<usize> = (0..n).filter(|&k| !lexed.claimed(k)).collect();
        let sentence: Vec<bool> = open
            .iter()
            .map(|&k| is_sentence(doc.line_trimmed(lexed.line(k))))
            .collect();
        let (mut words, mut prose) = (0usize, 0usize);
        for (&k, &s) in open.iter().zip(&sentence) {
            words += lexed.words(k);
            if s {
                prose += lexed.words(k);
            }
        }
        let mostly_prose = words > 0 && prose as f32 >= self.prose_share * words as f32;
        let bias = self.bias + if mostly_prose { self.prose_bias } else { 0.0 };
        let logits: Vec<f32> = open.iter().map(|&k| second[k] + bias).collect();
        let verdict = if self.switch_penalty > 0.0 {
            let weights: Vec<f32> = open
                .iter()
                .map(|&k| 1.0 + super::ln1p(lexed.words(k) as f32))
                .collect();
            smooth(&logits, &weights, self.switch_penalty)
        } else {
            logits.iter().map(|&z| z > 0.0).collect()
        };
        let mut keep = vec![false; n];
        for (i, &k) in open.iter().enumerate() {
            keep[k] = verdict[i] || sentence[i] && probability(logits[i]) >= self.prose_floor;
        }
        if open.len() <= self.short_rows {
            for &k in &open {
                keep[k] |= ends_sentence(doc.line_trimmed(lexed.line(k)));
            }
        }
        // Never empty a document: keep its sentences, or, with none, the
        // model withdraws (a page that is all furniture to it is more
        // likely a page it does not understand).
        let kept_words = open.iter().any(|&k| keep[k] && lexed.words(k) > 0);
        if !kept_words {
            let ends: Vec<bool> = open
                .iter()
                .map(|&k| ends_sentence(doc.line_trimmed(lexed.line(k))))
                .collect();
            let any = ends.contains(&true);
            for (&k, &e) in open.iter().zip(&ends) {
                keep[k] = e || !any;
            }
        }
        if self.keep_headings {
            rescue_headings(doc, claims, lexed.lines(), &mut keep);
        }
        keep
    }

    pub(crate) fn apply(&self, doc: &Document, claims: &mut Claims, rule: RuleIndex) {
        let Ok(model) = builtin(&self.model) else {
            return;
        };
        let scored = Scored::new(model, doc, claims);
        let keep = self.decide(doc, claims, &scored.lexed, &scored.second);
        let mut scratch = model::Evidence::default();
        for (k, &kept) in keep.iter().enumerate() {
            let line = scored.lexed.line(k);
            if kept || claims.is_claimed(line) {
                continue;
            }
            let p = probability(scored.second[k] + self.bias);
            let against =
                model.evidence_against_in(&scored.lexed, &scored.table, k, EVIDENCE, &mut scratch);
            let describe = |src, out: &mut String| scored.lexed.describe_to(doc, src, out);
            let around = scored.second[k] < scored.first[k] - 1.0;
            let note = removal_note(p, against, describe, around);
            claims.claim_line_because(line, rule, note);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn probabilities_are_written_as_the_formatter_writes_them() {
        let written = |p: f32| {
            let mut s = String::new();
            push_hundredths(&mut s, p);
            s
        };
        // The only values in [0, 1] halfway between two hundredths, the
        // ends, and values outside (left to the formatter).
        for p in [
            0.125,
            0.375,
            0.625,
            0.875,
            0.0,
            1.0,
            0.005,
            0.995,
            -0.0,
            -0.5,
            1.5,
            f32::NAN,
        ] {
            assert_eq!(written(p), format!("{p:.2}"), "{p}");
        }
        // Every 4,099th value from 0 to 1 (a quarter of a million).
        for bits in (0..=1f32.to_bits()).step_by(4099) {
            let p = f32::from_bits(bits);
            assert_eq!(written(p), format!("{p:.2}"), "{p}");
        }
    }

    #[test]
    fn a_note_says_each_piece_of_evidence_once() {
        // Evidence whose item numbers a piece of text (a piece may repeat,
        // as two hashed features can read the same).
        let note = |p: f32, pieces: &[&str], around: bool| {
            let evidence: Vec<(Source, f32)> = (0..pieces.len())
                .map(|i| {
                    let s = Source {
                        ns: lexical::Ns::Word,
                        row: 0,
                        item: i as u32,
                    };
                    (s, -1.0)
                })
                .collect();
            let describe = |s: Source, out: &mut String| out.push_str(pieces[s.item as usize]);
            removal_note(p, &evidence, describe, around)
        };
        assert_eq!(
            note(
                0.084,
                &["\"said\" (line)", "lines two away", "lines two away"],
                false
            ),
            "p=0.08; against: \"said\" (line), lines two away"
        );
        assert_eq!(
            note(0.5, &["a", "b", "a", "ab"], true),
            "p=0.50; against: a, b, ab, the lines around it"
        );
        assert_eq!(
            note(0.01, &[], true),
            "p=0.01; against: the lines around it"
        );
        assert_eq!(note(0.01, &[], false), "p=0.01; against: ");
        // No more than the evidence asked for.
        assert_eq!(
            note(0.2, &["a", "b", "c", "d"], false),
            "p=0.20; against: a, b, c"
        );
    }

    /// What `decide` keeps of `text` when the model scores every line `z`.
    fn kept(params: &ContentModel, text: &str, z: f32) -> Vec<String> {
        let doc = Document::new(text);
        let claims = Claims::new(doc.lines().len());
        let lexed = Lexed::new(&doc, &claims);
        let second = vec![z; lexed.len()];
        let keep = params.decide(&doc, &claims, &lexed, &second);
        (0..lexed.len())
            .filter(|&k| keep[k])
            .map(|k| doc.line_trimmed(lexed.line(k)).to_string())
            .collect()
    }

    #[test]
    fn a_short_document_keeps_its_sentence() {
        let params = ContentModel::default();
        let text = "Body text.\nShare on Facebook\n";
        assert_eq!(kept(&params, text, -6.0), ["Body text."]);
        // The last net alone (the document not counted as short): with
        // something else kept, it does not fire.
        let last_net_only = ContentModel {
            short_rows: 0,
            ..ContentModel::default()
        };
        assert_eq!(kept(&last_net_only, text, -6.0), ["Body text."]);
        let doc = Document::new(text);
        let claims = Claims::new(doc.lines().len());
        let lexed = Lexed::new(&doc, &claims);
        let keep = last_net_only.decide(&doc, &claims, &lexed, &[-6.0, 6.0]);
        assert_eq!(keep, [false, true]);
    }

    #[test]
    fn a_short_document_keeps_every_sentence() {
        // Headings off: "Share on Facebook" would pass for one before the
        // last sentence.
        let params = ContentModel {
            keep_headings: false,
            ..ContentModel::default()
        };
        let text =
            "Title of the page\nBody text here, long enough.\nShare on Facebook\nMore body text.\n";
        let doc = Document::new(text);
        let claims = Claims::new(doc.lines().len());
        let lexed = Lexed::new(&doc, &claims);
        let keep = params.decide(&doc, &claims, &lexed, &[-6.0, 6.0, -6.0, -6.0]);
        assert_eq!(keep, [false, true, false, true]);
        // A longer page does not get the benefit.
        let long = ContentModel {
            short_rows: 3,
            ..params.clone()
        };
        let keep = long.decide(&doc, &claims, &lexed, &[-6.0, 6.0, -6.0, -6.0]);
        assert_eq!(keep, [false, true, false, false]);
    }

    #[test]
    fn a_sentence_goes_only_on_strong_evidence() {
        let params = ContentModel {
            prose_floor: 0.1,
            short_rows: 0,
            keep_headings: false,
            ..ContentModel::default()
        };
        let text =
            "Menu\nThe harbour opened again on Monday after three weeks of repairs to the pier.\n";
        // p = 0.27: a doubt, not evidence; the sentence stays.
        assert_eq!(kept(&params, text, -1.0).len(), 1);
        // p = 0.05: below the floor; nothing with words is left, so the
        // line that ends a sentence stays anyway.
        assert_eq!(
            kept(&params, text, -3.0),
            [text.lines().nth(1).unwrap_or("")]
        );
    }

    #[test]
    fn a_mostly_prose_document_gets_more_benefit_of_the_doubt() {
        let params = ContentModel {
            prose_bias: 3.0,
            keep_headings: false,
            ..ContentModel::default()
        };
        let prose = "O conselho aprovou o orçamento depois de um longo debate na noite de terça-feira.\n\
                     O novo orçamento entra em vigor em janeiro e financia duas bibliotecas novas.\n\
                     Menu\n";
        // Mostly prose: -2 + 3 > 0, every line stays.
        assert_eq!(kept(&params, prose, -2.0).len(), 3);
        // Without the prose bias (and with a floor that rescues nothing)
        // the same scores remove all but the sentence-ending lines: the
        // last net.
        let plain = ContentModel {
            keep_headings: false,
            short_rows: 0,
            prose_floor: 0.5,
            ..ContentModel::default()
        };
        assert_eq!(kept(&plain, prose, -2.0).len(), 2);
        // A page of menu lines is not prose: no bias; and with nothing
        // left that ends a sentence, the model withdraws.
        let menu = "Home\nNews\nSport\nWeather\nAbout us\n";
        assert_eq!(kept(&params, menu, -4.0).len(), 5);
        let with_text = "Home\nNews\nSport\nWeather\nAbout us\nNo rain is expected.\n";
        assert_eq!(kept(&params, with_text, -4.0), ["No rain is expected."]);
    }
}
