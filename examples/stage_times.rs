//! Times the content model's parts on a directory of page dumps, in
//! process, on one thread: the best of five runs of each part over every
//! document, with no earlier stage's claims (so every line is read).
//!
//! ```sh
//! cargo run --release --example stage_times -- ../shared/corpus/wcxb-dev/htmltext
//! ```
//!
//! Where the whole balanced profile's time goes is for `bench/corpus.sh`
//! and a profiler; this tells the parts apart, reproducibly, when one of
//! them changes.

use deboil::stages::content_model::{self, lexical};
use deboil::stages::words::Words;
use deboil::{Claims, Document, Engine};
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: stage_times <directory of text files>")?;
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        // Files that are not UTF-8 are left out, as `deboil` would report them.
        if let Ok(text) = std::fs::read_to_string(&path) {
            texts.push(text);
        }
    }
    let bytes: usize = texts.iter().map(String::len).sum();
    let docs: Vec<Document> = texts.iter().map(|t| Document::new(t)).collect();
    let claims: Vec<Claims> = docs.iter().map(|d| Claims::new(d.lines().len())).collect();
    let model = content_model::builtin("content-v4")?;
    let engine = Engine::builtin()?;
    let words: Vec<Words> = docs.iter().map(|d| Words::new(d, |_| true)).collect();
    let tables: Vec<_> = docs
        .iter()
        .zip(&claims)
        .zip(&words)
        .map(|((d, c), w)| lexical::structural_with_words(d, c, w))
        .collect();
    let lexed: Vec<lexical::Lexed> = docs
        .iter()
        .zip(&claims)
        .map(|(d, c)| lexical::Lexed::new(d, c))
        .collect();
    let scored: Vec<content_model::Scored> = docs
        .iter()
        .zip(&claims)
        .map(|(d, c)| content_model::Scored::new(model, d, c))
        .collect();
    // A removal's note lists the evidence against its row: timed on the
    // rows the second pass scores below 0 (with no claims, more rows than
    // a run removes).
    fn below(s: &content_model::Scored) -> impl Iterator<Item = usize> + '_ {
        (0..s.second.len()).filter(|&k| s.second[k] < 0.0)
    }
    let parts: [(&str, &dyn Fn() -> usize); 7] = [
        ("words", &|| {
            docs.iter().map(|d| Words::new(d, |_| true).len()).sum()
        }),
        ("structural table", &|| {
            docs.iter()
                .zip(&claims)
                .zip(&words)
                .map(|((d, c), w)| lexical::structural_with_words(d, c, w).len())
                .sum()
        }),
        ("first pass", &|| {
            lexed
                .iter()
                .zip(&tables)
                .map(|(l, t)| model.first_pass(l, t).len())
                .sum()
        }),
        ("content model, all of it", &|| {
            docs.iter()
                .zip(&claims)
                .map(|(d, c)| content_model::Scored::new(model, d, c).second.len())
                .sum()
        }),
        // One buffer for a document's rows, as the content model keeps.
        ("evidence against, rows below 0", &|| {
            scored
                .iter()
                .map(|s| {
                    let mut scratch = content_model::model::Evidence::default();
                    below(s)
                        .map(|k| {
                            model
                                .evidence_against_in(&s.lexed, &s.table, k, 3, &mut scratch)
                                .len()
                        })
                        .sum::<usize>()
                })
                .sum()
        }),
        ("the same, described in words", &|| {
            docs.iter()
                .zip(&scored)
                .map(|(d, s)| {
                    let mut scratch = content_model::model::Evidence::default();
                    let mut words = String::new();
                    let mut n = 0;
                    for k in below(s) {
                        let against =
                            model.evidence_against_in(&s.lexed, &s.table, k, 3, &mut scratch);
                        for &(src, _) in against {
                            words.clear();
                            s.lexed.describe_to(d, src, &mut words);
                            n += words.len();
                        }
                    }
                    n
                })
                .sum()
        }),
        ("balanced profile (Engine::clean)", &|| {
            texts.iter().map(|t| engine.clean(t).removals().len()).sum()
        }),
    ];
    let mb = bytes as f64 / 1e6;
    println!("{} documents, {mb:.1} MB; best of 5 runs", texts.len());
    for (name, part) in parts {
        let mut best = f64::MAX;
        for _ in 0..5 {
            let start = Instant::now();
            std::hint::black_box(part());
            best = best.min(start.elapsed().as_secs_f64());
        }
        println!("{name:34} {best:7.3} s {:8.1} MB/s", mb / best);
    }
    Ok(())
}
