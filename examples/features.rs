//! Dumps the content classifier's features for a corpus, with gold labels,
//! as JSON Lines: the training data of `scripts/fit_classifier.py`.
//!
//! ```text
//! cargo run --release --example features -- INPUT_DIR GOLD_DIR META.jsonl > features.jsonl
//! ```
//!
//! Every line is cleaned by the built-in rules first (all but the classifier
//! itself), so the `claimed` features are what the classifier sees at run
//! time. A line's label is the share of its tokens that are gold content.

use deboil::eval::{gold_tokens, tokens};
use deboil::heuristics::classify::Model;
use deboil::heuristics::{Heuristic, features};
use deboil::rules::RuleKind;
use deboil::{Claims, Engine, RuleSet, Selection};
use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [input, gold, meta] = args.as_slice() else {
        return Err("usage: features INPUT_DIR GOLD_DIR META.jsonl".into());
    };
    let mut types: HashMap<String, String> = HashMap::new();
    for line in std::fs::read_to_string(meta)?
        .lines()
        .filter(|l| !l.trim().is_empty())
    {
        let v: serde_json::Value = serde_json::from_str(line)?;
        let id = v["id"].as_str().unwrap_or_default().to_owned();
        types.insert(id, v["page_type"].as_str().unwrap_or("unknown").to_owned());
    }
    let all = RuleSet::builtin()?;
    let classifiers: Vec<String> = all
        .iter()
        .filter(|(_, r)| matches!(r.kind, RuleKind::Heuristic(Heuristic::ContentClassifier(_))))
        .map(|(_, r)| r.id.clone())
        .collect();
    let rules = all.select(&Selection {
        ignore: classifiers,
        ..Selection::default()
    })?;
    let engine = Engine::new(rules)?;
    let model = Model::builtin("content-v1")?;
    let mut ids: Vec<String> = types.keys().cloned().collect();
    ids.sort();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for id in ids {
        let text = std::fs::read_to_string(input.join(format!("{id}.txt")))?;
        let gold_text = std::fs::read_to_string(gold.join(format!("{id}.txt")))?;
        let cleaned = engine.clean(&text);
        let doc = cleaned.document();
        // Lines wholly inside a removal are what the classifier sees as claimed.
        let mut claims = Claims::new(doc.lines().len());
        for r in cleaned.removals() {
            for (i, l) in doc.lines().iter().enumerate() {
                if r.span.contains(l.span()) {
                    claims.claim_line(i, r.rule);
                }
            }
        }
        let toks = tokens(&text);
        let marks = gold_tokens(&toks, &gold_text);
        let feats = features::compute(doc, &claims, model.lexicon());
        let mut ti = 0;
        for f in feats {
            let line = doc.lines()[f.line];
            while ti < toks.len() && toks[ti].start < line.start {
                ti += 1;
            }
            let (mut n, mut g) = (0, 0);
            while ti < toks.len() && toks[ti].start < line.content_end {
                n += 1;
                g += usize::from(marks[ti]);
                ti += 1;
            }
            let row = serde_json::json!({
                "page": id,
                "type": types[&id],
                "line": f.line,
                "tokens": n,
                "gold": g,
                "text": doc.line_trimmed(f.line),
                "x": f.values.to_vec(),
            });
            serde_json::to_writer(&mut out, &row)?;
            writeln!(out)?;
        }
    }
    Ok(())
}
