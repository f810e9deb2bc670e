//! Fits the content model (`crates/deboil/data/model/content-v4.bin`) on the development
//! corpus, cross-validated by page, and reports what the cleaning scores
//! with it.
//!
//! ```text
//! cargo run --release --example fit_model -- ../shared/corpus/wcxb-dev \
//!     [--out crates/deboil/data/model/content-v4.bin] [--cv-dir DIR] [--seed 1] [--folds 5]
//! ```
//!
//! Both dumps (`htmltext/`, `bs4/`) are read, cleaned by the built-in
//! balanced rules without any content classifier, and every non-blank line
//! the rules left becomes a training row labelled with the share of its
//! tokens that are gold content (as `deboil eval` marks them), weighted so
//! that every page counts the same.
//!
//! Folds are drawn by page id (both dumps of a page in the same fold). For
//! each outer fold, the first pass is fitted on the other folds, and the
//! second pass on first-pass scores that are themselves out of fold (an
//! inner cross-validation), so no score it learns from has seen its own
//! label. The report is the cleaning of every page by the models that did
//! not see it. The shipped model is then fitted on all pages the same way.
//! With `--cv-dir`, each fold's model and the fold of every page are
//! written there, for `deboil eval --cv-models DIR` to check the numbers
//! through the real pipeline.
//!
//! Everything is deterministic: the same corpus and seed give the same file,
//! bit for bit.

use deboil::eval::{self, Tpfpfn};
use deboil::heuristics::Heuristic;
use deboil::heuristics::content_model::ContentModel;
use deboil::heuristics::content_model::context::{self, PageStats};
use deboil::heuristics::content_model::fit::{Ftrl, Rows, logit};
use deboil::heuristics::content_model::lexical::{self, Lexed, StableHash};
use deboil::heuristics::content_model::model::{Model, index};
use deboil::heuristics::features;
use deboil::rules::RuleKind;
use deboil::{Claims, Document, Engine, RuleSet, Selection};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

type Error = Box<dyn std::error::Error + Send + Sync>;

/// Settings, from the command line.
#[derive(Clone, Debug)]
struct Args {
    corpus: PathBuf,
    out: Option<PathBuf>,
    cv_dir: Option<PathBuf>,
    seed: u64,
    folds: usize,
    bits: u32,
    /// Inner folds for the second pass's training scores (0: in-sample,
    /// quicker and optimistic).
    inner: usize,
    stage1: Ftrl,
    stage2: Ftrl,
    /// Decision settings tried on the cross-validated scores.
    biases: Vec<f32>,
    penalty: f32,
    prose_floor: f32,
    prose_share: f32,
    prose_bias: f32,
    /// Skip the final fit (report only).
    cv_only: bool,
    /// Quantile bins per structural feature.
    struct_bins: usize,
    /// How rows are weighted: "page" (each page the same), "token", "line".
    weighting: String,
    /// Extra stage-1 settings to try (`alpha:l1:l2:epochs`), report only.
    grid: Vec<Ftrl>,
    /// Switch penalties tried.
    penalties: Vec<f32>,
    /// Report on first-pass scores, without the second pass.
    stage1_only: bool,
    /// Fit and score on every page (a diagnostic of capacity, not of
    /// generalization).
    in_sample: bool,
    /// Write every row's cross-validated score here (JSON Lines), for
    /// error analysis.
    dump: Option<PathBuf>,
    /// Write a dense matrix (f32, row-major) of every row's structural and
    /// second-pass features on out-of-fold first-pass scores here, for
    /// trying other learners (with `--stage1-only`).
    dump_dense: Option<PathBuf>,
    /// Report on these scores (f32 per row, in dump order) instead of the
    /// model's: for scoring other learners exactly.
    scores: Option<PathBuf>,
    /// Write the cross-validated second-pass scores here (f32 per row, in
    /// dump order), for `--scores` to try decision settings without
    /// refitting.
    save_scores: Option<PathBuf>,
}

fn parse_args() -> Result<Args, Error> {
    let mut a = Args {
        corpus: PathBuf::new(),
        out: None,
        cv_dir: None,
        seed: 1,
        folds: 5,
        bits: 16,
        inner: 5,
        stage1: Ftrl {
            alpha: 0.05,
            beta: 1.0,
            l1: 0.5,
            l2: 1.0,
            epochs: 3,
            seed: 1,
        },
        stage2: Ftrl {
            alpha: 0.05,
            beta: 1.0,
            l1: 0.01,
            l2: 1.0,
            epochs: 3,
            seed: 1,
        },
        biases: vec![-1.0, -0.5, 0.0, 0.5, 1.0, 1.5, 2.0, 2.5, 3.0],
        penalty: 0.0,
        prose_floor: 0.0,
        prose_share: ContentModel::default().prose_share,
        prose_bias: 0.0,
        cv_only: false,
        struct_bins: 12,
        weighting: "page".into(),
        grid: Vec::new(),
        penalties: Vec::new(),
        stage1_only: false,
        in_sample: false,
        dump: None,
        dump_dense: None,
        scores: None,
        save_scores: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--out" => a.out = Some(val()?.into()),
            "--cv-dir" => a.cv_dir = Some(val()?.into()),
            "--seed" => a.seed = val()?.parse()?,
            "--folds" => a.folds = val()?.parse()?,
            "--bits" => a.bits = val()?.parse()?,
            "--inner" => a.inner = val()?.parse()?,
            "--alpha" => a.stage1.alpha = val()?.parse()?,
            "--l1" => a.stage1.l1 = val()?.parse()?,
            "--l2" => a.stage1.l2 = val()?.parse()?,
            "--epochs" => a.stage1.epochs = val()?.parse()?,
            "--alpha2" => a.stage2.alpha = val()?.parse()?,
            "--l1-2" => a.stage2.l1 = val()?.parse()?,
            "--l2-2" => a.stage2.l2 = val()?.parse()?,
            "--epochs2" => a.stage2.epochs = val()?.parse()?,
            "--penalty" => a.penalty = val()?.parse()?,
            "--prose-floor" => a.prose_floor = val()?.parse()?,
            "--prose-share" => a.prose_share = val()?.parse()?,
            "--prose-bias" => a.prose_bias = val()?.parse()?,
            "--struct-bins" => a.struct_bins = val()?.parse()?,
            "--biases" => {
                a.biases = val()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--cv-only" => a.cv_only = true,
            "--stage1-only" => a.stage1_only = true,
            "--in-sample" => a.in_sample = true,
            "--dump" => a.dump = Some(val()?.into()),
            "--dump-dense" => a.dump_dense = Some(val()?.into()),
            "--scores" => a.scores = Some(val()?.into()),
            "--save-scores" => a.save_scores = Some(val()?.into()),
            "--weighting" => a.weighting = val()?,
            "--penalties" => {
                a.penalties = val()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--grid" => {
                for spec in val()?.split(',') {
                    let v: Vec<f64> = spec.split(':').map(str::parse).collect::<Result<_, _>>()?;
                    let [alpha, l1, l2, epochs] = v[..] else {
                        return Err(format!("--grid wants alpha:l1:l2:epochs, got {spec}").into());
                    };
                    a.grid.push(Ftrl {
                        alpha,
                        l1,
                        l2,
                        epochs: epochs as usize,
                        ..Ftrl::default()
                    });
                }
            }
            s if s.starts_with("--") => return Err(format!("unknown option {s}").into()),
            s => a.corpus = s.into(),
        }
    }
    if a.corpus.as_os_str().is_empty() {
        return Err("usage: fit_model CORPUS_DIR [options]".into());
    }
    a.stage1.seed = a.seed;
    a.stage2.seed = a.seed.wrapping_add(1);
    for g in &mut a.grid {
        g.beta = a.stage1.beta;
        g.seed = a.seed;
    }
    if a.penalties.is_empty() {
        a.penalties.push(a.penalty);
    }
    Ok(a)
}

/// One page of one dump, read and cleaned by the rules.
struct Page {
    id: String,
    dump: usize,
    kind: String,
    fold: usize,
    text: String,
    gold: String,
    with: Vec<String>,
    without: Vec<String>,
    /// The rules' removals: (start, end, by a heuristic rule).
    removed: Vec<(usize, usize, bool)>,
    lexed: Lexed,
    /// Rows of this page in the row store, one per non-blank line.
    first_row: u32,
    /// Tokens per row.
    tokens: Vec<u32>,
    /// Share of each row's tokens that are gold.
    labels: Vec<f32>,
}

/// Fold of a page: a hash of its id and the seed.
fn fold_of(id: &str, seed: u64, salt: u64, folds: usize) -> usize {
    let mut h = StableHash::new(seed ^ salt.wrapping_mul(0x9e37_79b9));
    for b in id.bytes() {
        h.byte(b);
    }
    (h.finish() % folds as u64) as usize
}

struct Meta {
    kind: String,
    with: Vec<String>,
    without: Vec<String>,
}

fn read_meta(path: &Path) -> Result<HashMap<String, Meta>, Error> {
    let mut out = HashMap::new();
    for line in std::fs::read_to_string(path)?.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)?;
        let strings = |k: &str| -> Vec<String> {
            v[k].as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|s| s.as_str().map(eval::snippet_form))
                        .collect()
                })
                .unwrap_or_default()
        };
        out.insert(
            v["id"].as_str().unwrap_or_default().to_owned(),
            Meta {
                kind: v["page_type"].as_str().unwrap_or("unknown").to_owned(),
                with: strings("with"),
                without: strings("without"),
            },
        );
    }
    Ok(out)
}

/// The rules the model runs after: the balanced profile without any
/// content classifier, and no guard (the guard judges the whole result).
fn rules_engine() -> Result<Engine, Error> {
    let all = RuleSet::builtin()?;
    let classifiers: Vec<String> = all
        .iter()
        .filter(|(_, r)| {
            matches!(
                r.kind,
                RuleKind::Heuristic(Heuristic::ContentClassifier(_) | Heuristic::ContentModel(_))
            )
        })
        .map(|(_, r)| r.id.clone())
        .collect();
    let rules = all.select(&Selection {
        ignore: classifiers,
        ..Selection::default()
    })?;
    Ok(Engine::new(rules)?.without_guard())
}

/// Reads one dump and cleans it with the rules.
fn load_dump(
    args: &Args,
    engine: &Engine,
    meta: &HashMap<String, Meta>,
    dump: usize,
    name: &str,
) -> Result<Vec<Page>, Error> {
    let mut ids: Vec<&String> = meta.keys().collect();
    ids.sort();
    ids.par_iter()
        .map(|id| {
            let m = &meta[*id];
            let dir = args.corpus.join(name);
            let text = std::fs::read_to_string(dir.join(format!("{id}.txt")))?;
            let gold = std::fs::read_to_string(args.corpus.join("gold").join(format!("{id}.txt")))?;
            let cleaned = engine.clean(&text);
            let doc = cleaned.document();
            let mut claims = Claims::new(doc.lines().len());
            let mut removed = Vec::new();
            for r in cleaned.removals() {
                let heuristic = matches!(cleaned.rules().get(r.rule).kind, RuleKind::Heuristic(_));
                removed.push((r.span.start, r.span.end, heuristic));
                for (i, l) in doc.lines().iter().enumerate() {
                    if r.span.contains(l.span()) {
                        claims.claim_line(i, r.rule);
                    }
                }
            }
            let lexed = Lexed::new(doc, &claims);
            Ok(Page {
                id: (*id).clone(),
                dump,
                kind: m.kind.clone(),
                fold: fold_of(id, args.seed, 0, args.folds),
                gold,
                with: m.with.clone(),
                without: m.without.clone(),
                removed,
                lexed,
                first_row: 0,
                tokens: Vec::new(),
                labels: Vec::new(),
                text: text.clone(),
            })
        })
        .collect()
}

/// Quantile edges of each structural feature over all rows.
fn struct_edges(pages: &[Page], bins: usize) -> Vec<Vec<f32>> {
    let cols: Vec<Vec<f32>> = {
        let per_page: Vec<Vec<[f32; features::COUNT]>> = pages
            .par_iter()
            .map(|p| {
                let doc = Document::new(&p.text);
                let claims = claims_of(p, &doc);
                let t = lexical::structural(&doc, &claims);
                (0..t.len()).map(|k| t.row(k)).collect()
            })
            .collect();
        (0..features::COUNT)
            .map(|f| per_page.iter().flatten().map(|r| r[f]).collect())
            .collect()
    };
    cols.into_iter()
        .enumerate()
        .map(|(f, mut v)| {
            // The lexicon features are constant without a lexicon.
            if features::NAMES[f].starts_with("lex") || features::NAMES[f].ends_with("_lex") {
                return Vec::new();
            }
            v.sort_by(f32::total_cmp);
            let mut e: Vec<f32> = (1..bins)
                .map(|q| v[(q * v.len() / bins).min(v.len() - 1)])
                .collect();
            e.dedup();
            e
        })
        .collect()
}

/// A rule index to claim lines with.
fn any_rule() -> deboil::RuleIndex {
    static RULE: std::sync::OnceLock<deboil::RuleIndex> = std::sync::OnceLock::new();
    *RULE.get_or_init(|| {
        let rules = RuleSet::builtin().expect("the built-in rules load");
        rules.iter().next().expect("there are built-in rules").0
    })
}

/// The rules' claims on a page's lines.
fn claims_of(p: &Page, doc: &Document) -> Claims {
    let mut claims = Claims::new(doc.lines().len());
    for k in 0..p.lexed.len() {
        if p.lexed.claimed(k) {
            // Which rule does not matter to the features, only that one did.
            claims.claim_line(p.lexed.line(k), any_rule());
        }
    }
    claims
}

/// Builds every page's first-pass rows (all non-blank lines; only unclaimed
/// lines with tokens carry weight).
fn build_rows(pages: &mut [Page], edges: &[Vec<f32>], bits: u32, weighting: &str) -> Rows {
    // Rows are built per page in parallel, then appended in page order.
    let parts: Vec<(Rows, Vec<u32>, Vec<f32>)> = pages
        .par_iter()
        .map(|p| {
            let doc = Document::new(&p.text);
            let claims = claims_of(p, &doc);
            let table = lexical::structural(&doc, &claims);
            let toks = eval::tokens(&p.text);
            let marks = eval::gold_tokens(&toks, &p.gold);
            let mut rows = Rows::new();
            let mut counts = Vec::with_capacity(p.lexed.len());
            let mut labels = Vec::with_capacity(p.lexed.len());
            let mut ti = 0;
            for k in 0..p.lexed.len() {
                let line = doc.lines()[p.lexed.line(k)];
                while ti < toks.len() && toks[ti].start < line.start {
                    ti += 1;
                }
                let (mut n, mut g) = (0u32, 0u32);
                while ti < toks.len() && toks[ti].start < line.content_end {
                    n += 1;
                    g += u32::from(marks[ti]);
                    ti += 1;
                }
                counts.push(n);
                labels.push(if n > 0 { g as f32 / n as f32 } else { 0.0 });
            }
            let open_tokens: f32 = (0..p.lexed.len())
                .filter(|&k| !p.lexed.claimed(k))
                .map(|k| counts[k] as f32)
                .sum();
            for k in 0..p.lexed.len() {
                p.lexed.row(k, &table.row(k), edges, |h, v, _| {
                    rows.feature(index(h, bits) as u32, v);
                });
                let w = if p.lexed.claimed(k) || counts[k] == 0 || open_tokens == 0.0 {
                    0.0
                } else if weighting == "token" {
                    (counts[k] as f32).min(100.0) / 10.0
                } else if weighting == "line" {
                    1.0
                } else {
                    // Every page weighs the same: a line by its share of
                    // the page's tokens (times a typical page's row count,
                    // so weights average near one).
                    counts[k] as f32 / open_tokens * 100.0
                };
                rows.finish(labels[k], w);
            }
            (rows, counts, labels)
        })
        .collect();
    let mut all = Rows::new();
    for (p, (rows, counts, labels)) in pages.iter_mut().zip(parts) {
        p.first_row = all.len() as u32;
        p.tokens = counts;
        p.labels = labels;
        for r in 0..rows.len() as u32 {
            let (idx, val) = rows.row(r);
            for (&i, &v) in idx.iter().zip(val) {
                all.feature(i, v);
            }
            all.finish(rows.label(r), rows.weight(r));
        }
    }
    all
}

/// The weighted training rows of `pages`.
fn train_rows(pages: &[&Page], rows: &Rows) -> Vec<u32> {
    pages
        .iter()
        .flat_map(|p| (0..p.lexed.len() as u32).map(move |k| p.first_row + k))
        .filter(|&r| rows.weight(r) > 0.0)
        .collect()
}

/// Second-pass rows of `pages`, given each page's first-pass logits.
fn stage2_rows(pages: &[&Page], z: &[Vec<f32>], rows: &Rows) -> Rows {
    let mut out = Rows::new();
    for (p, z) in pages.iter().zip(z) {
        let stats = PageStats::new(&p.lexed, z);
        for k in 0..p.lexed.len() {
            let r = p.first_row + k as u32;
            context::row(&p.lexed, z, &stats, k, |i, v| out.feature(i as u32, v));
            out.finish(rows.label(r), rows.weight(r));
        }
    }
    out
}

fn first_pass(w: &[f32], p: &Page, rows: &Rows) -> Vec<f32> {
    (0..p.lexed.len() as u32)
        .map(|k| logit(w, rows, p.first_row + k))
        .collect()
}

fn second_pass(w2: &[f32], p: &Page, z: &[f32]) -> Vec<f32> {
    let stats = PageStats::new(&p.lexed, z);
    (0..p.lexed.len())
        .map(|k| {
            let mut s = 0f32;
            context::row(&p.lexed, z, &stats, k, |i, v| s += v * w2[i]);
            s
        })
        .collect()
}

/// A fitted model: both passes' weights.
struct Fitted {
    w1: Vec<f32>,
    w2: Vec<f32>,
}

/// Fits both passes on `train`: the first pass on all of it, the second on
/// out-of-fold first-pass scores (inner folds), or in-sample ones when
/// `args.inner` is 0.
fn fit(args: &Args, train: &[&Page], rows: &Rows, salt: u64) -> Fitted {
    let dim = 1usize << args.bits;
    let w1 = args.stage1.fit(rows, &train_rows(train, rows), dim);
    let z: Vec<Vec<f32>> = if args.inner > 1 {
        let inner: Vec<usize> = train
            .iter()
            .map(|p| fold_of(&p.id, args.seed, salt, args.inner))
            .collect();
        let ws: Vec<Vec<f32>> = (0..args.inner)
            .into_par_iter()
            .map(|g| {
                let part: Vec<&Page> = train
                    .iter()
                    .zip(&inner)
                    .filter(|(_, f)| **f != g)
                    .map(|(p, _)| *p)
                    .collect();
                args.stage1.fit(rows, &train_rows(&part, rows), dim)
            })
            .collect();
        train
            .iter()
            .zip(&inner)
            .map(|(p, &g)| first_pass(&ws[g], p, rows))
            .collect()
    } else {
        train.iter().map(|p| first_pass(&w1, p, rows)).collect()
    };
    let r2 = stage2_rows(train, &z, rows);
    let all2: Vec<u32> = (0..r2.len() as u32)
        .filter(|&r| r2.weight(r) > 0.0)
        .collect();
    let w2 = args.stage2.fit(&r2, &all2, context::DIM);
    Fitted { w1, w2 }
}

/// What a cleaned page scores.
#[derive(Clone, Copy, Default)]
struct Score {
    shingle: Tpfpfn,
    word_f1: f64,
    with: (usize, usize),
    without: (usize, usize),
}

fn score(p: &Page, output: &str) -> Score {
    let folded = eval::snippet_form(output);
    Score {
        shingle: eval::shingle_match(&p.gold, output),
        word_f1: eval::word_f1(&p.gold, output),
        with: (
            p.with
                .iter()
                .filter(|s| folded.contains(s.as_str()))
                .count(),
            p.with.len(),
        ),
        without: (
            p.without
                .iter()
                .filter(|s| !folded.contains(s.as_str()))
                .count(),
            p.without.len(),
        ),
    }
}

/// The page's output when the model keeps rows where `keep` is true, with
/// the engine's safety guard (limit 0.9) applied as the engine does.
fn output(p: &Page, keep: Option<&[bool]>) -> String {
    let doc = Document::new(&p.text);
    let lines = doc.lines();
    let mut drop_line = vec![false; lines.len()];
    let mut spans: Vec<(usize, usize, bool)> = Vec::new();
    for &(s, e, h) in &p.removed {
        let first = doc.line_of(s);
        let last = doc.line_of(e - 1);
        if lines[first].start == s && lines[last].end == e {
            drop_line[first..=last].fill(true);
        } else {
            spans.push((s, e, h));
        }
    }
    let mut by_model = vec![false; lines.len()];
    if let Some(keep) = keep {
        for (k, &kept) in keep.iter().enumerate() {
            let l = p.lexed.line(k);
            if !kept && !drop_line[l] {
                by_model[l] = true;
            }
        }
    }
    // The guard: over 90% of the non-blank text claimed withdraws every
    // heuristic claim.
    let (mut total, mut claimed) = (0usize, 0usize);
    for (i, l) in lines.iter().enumerate() {
        if l.blank {
            continue;
        }
        total += l.content_end - l.start;
        if drop_line[i] || by_model[i] {
            claimed += l.content_end - l.start;
        }
    }
    for &(s, e, _) in &spans {
        let l = doc.line_of(s);
        if !drop_line[l] && !by_model[l] {
            claimed += e - s;
        }
    }
    let guarded = total > 0 && claimed.min(total) as f64 / total as f64 > 0.9 && keep.is_some();
    let heuristic_line: Vec<bool> = if guarded {
        let mut h = vec![false; lines.len()];
        for &(s, e, heur) in &p.removed {
            if heur {
                let first = doc.line_of(s);
                let last = doc.line_of(e - 1);
                if lines[first].start == s && lines[last].end == e {
                    for x in h.iter_mut().take(last + 1).skip(first) {
                        *x = true;
                    }
                }
            }
        }
        h
    } else {
        Vec::new()
    };
    let mut out = String::with_capacity(p.text.len());
    for (i, l) in lines.iter().enumerate() {
        let gone = if guarded {
            drop_line[i] && !heuristic_line[i]
        } else {
            drop_line[i] || by_model[i]
        };
        if gone {
            continue;
        }
        let mut at = l.start;
        for &(s, e, h) in &spans {
            if s >= l.start && e <= l.content_end && !(guarded && h) {
                out.push_str(&p.text[at..s]);
                at = e;
            }
        }
        out.push_str(&p.text[at..l.end]);
    }
    out
}

/// Means over a set of page scores, and how many lost recall.
struct Summary {
    f1: f64,
    p: f64,
    r: f64,
    word_f1: f64,
    with: f64,
    without: f64,
    drops: usize,
    pages: usize,
}

fn summarize(scores: &[(Score, Score)]) -> Summary {
    let agg = eval::aggregate(
        &scores
            .iter()
            .map(|(_, s)| (s.shingle, s.word_f1))
            .collect::<Vec<_>>(),
    );
    let rate = |f: fn(&Score) -> (usize, usize)| {
        let (a, b) = scores
            .iter()
            .map(|(_, s)| f(s))
            .fold((0, 0), |x, y| (x.0 + y.0, x.1 + y.1));
        if b == 0 { 0.0 } else { a as f64 / b as f64 }
    };
    let drops = scores
        .iter()
        .filter(|(base, s)| {
            let b = base.shingle;
            b.tp + b.fn_ > 0.0 && s.shingle.recall() < b.recall() - 0.05
        })
        .count();
    Summary {
        f1: agg.f1,
        p: agg.precision,
        r: agg.recall,
        word_f1: agg.word_f1,
        with: rate(|s| s.with),
        without: rate(|s| s.without),
        drops,
        pages: scores.len(),
    }
}

fn print_summary(label: &str, s: &Summary) {
    println!(
        "{label:<28} {:>5} {:>7.4} {:>7.4} {:>7.4} {:>7.4} {:>7.3} {:>7.3} {:>6}",
        s.pages, s.f1, s.p, s.r, s.word_f1, s.with, s.without, s.drops
    );
}

fn header() {
    println!(
        "{:<28} {:>5} {:>7} {:>7} {:>7} {:>7} {:>7} {:>7} {:>6}",
        "", "pages", "F1", "P", "R", "wordF1", "with", "without", "drops"
    );
}

fn args_rows_label(p: &Page, k: u32) -> f32 {
    p.labels[k as usize]
}

/// Fits every outer fold (in parallel, results in fold order) and scores
/// each page with the models that did not see it.
fn cross_validate(args: &Args, pages: &[Page], rows: &Rows) -> (Vec<Fitted>, Vec<Vec<f32>>) {
    let fitted: Vec<Fitted> = (0..args.folds)
        .into_par_iter()
        .map(|f| {
            let train: Vec<&Page> = pages
                .iter()
                .filter(|p| p.fold != f || args.in_sample)
                .collect();
            fit(args, &train, rows, 1 + f as u64)
        })
        .collect();
    let second = pages
        .par_iter()
        .map(|p| {
            let m = &fitted[p.fold];
            let z = first_pass(&m.w1, p, rows);
            if args.stage1_only {
                return z;
            }
            second_pass(&m.w2, p, &z)
        })
        .collect();
    (fitted, second)
}

/// Prints what cleaning with the cross-validated scores gives, per dump,
/// for each decision setting.
fn report(
    args: &Args,
    pages: &[Page],
    cv_second: &[Vec<f32>],
    input: &[Score],
    base: &[Score],
    verbose: bool,
) {
    header();
    let pick = |v: &[Score], d: usize, kind: Option<&str>| -> Vec<(Score, Score)> {
        pages
            .iter()
            .zip(input)
            .zip(v)
            .filter(|((p, _), _)| p.dump == d && kind.is_none_or(|k| p.kind == k))
            .map(|((_, i), s)| (*i, *s))
            .collect()
    };
    for d in 0..2 {
        let name = ["htmltext", "bs4"][d];
        if verbose {
            print_summary(&format!("{name} input"), &summarize(&pick(input, d, None)));
            print_summary(
                &format!("{name} rules only"),
                &summarize(&pick(base, d, None)),
            );
            let oracle: Vec<Score> = pages
                .par_iter()
                .map(|p| {
                    if p.dump != d {
                        return Score::default();
                    }
                    let keep: Vec<bool> = (0..p.lexed.len() as u32)
                        .map(|k| args_rows_label(p, k) >= 0.5)
                        .collect();
                    score(p, &output(p, Some(&keep)))
                })
                .collect();
            print_summary(
                &format!("{name} oracle"),
                &summarize(&pick(&oracle, d, None)),
            );
        }
        for &penalty in &args.penalties {
            for &bias in &args.biases {
                let params = ContentModel {
                    bias,
                    switch_penalty: penalty,
                    prose_floor: args.prose_floor,
                    prose_share: args.prose_share,
                    prose_bias: args.prose_bias,
                    ..ContentModel::default()
                };
                let got: Vec<Score> = pages
                    .par_iter()
                    .zip(cv_second)
                    .map(|(p, z)| {
                        if p.dump != d {
                            return Score::default();
                        }
                        let doc = Document::new(&p.text);
                        let claims = claims_of(p, &doc);
                        let keep = params.decide(&doc, &claims, &p.lexed, z);
                        score(p, &output(p, Some(&keep)))
                    })
                    .collect();
                let s = summarize(&pick(&got, d, None));
                print_summary(&format!("{name} pen {penalty} bias {bias}"), &s);
                if verbose && d == 0 && bias == args.biases[args.biases.len() / 2] {
                    let mut kinds: Vec<&str> = pages.iter().map(|p| p.kind.as_str()).collect();
                    kinds.sort_unstable();
                    kinds.dedup();
                    for kind in kinds {
                        print_summary(&format!("  {kind}"), &summarize(&pick(&got, d, Some(kind))));
                    }
                }
            }
        }
    }
}

fn main() -> Result<(), Error> {
    let args = parse_args()?;
    let t0 = std::time::Instant::now();
    let meta = read_meta(&args.corpus.join("meta.jsonl"))?;
    let engine = rules_engine()?;
    let mut pages = Vec::new();
    for (d, name) in ["htmltext", "bs4"].iter().enumerate() {
        pages.extend(load_dump(&args, &engine, &meta, d, name)?);
    }
    eprintln!("read {} pages in {:.1?}", pages.len(), t0.elapsed());
    let edges = struct_edges(&pages, args.struct_bins);
    let rows = build_rows(&mut pages, &edges, args.bits, &args.weighting);
    eprintln!(
        "{} rows, {} feature entries ({:.0} MB) in {:.1?}",
        rows.len(),
        rows.entries(),
        rows.entries() as f64 * 8.0 / 1e6,
        t0.elapsed()
    );

    let input: Vec<Score> = pages.par_iter().map(|p| score(p, &p.text)).collect();
    let base: Vec<Score> = pages
        .par_iter()
        .map(|p| score(p, &output(p, None)))
        .collect();
    for (g, stage1) in args.grid.iter().enumerate() {
        let a = Args {
            stage1: *stage1,
            ..args.clone()
        };
        let (_, cv_second) = cross_validate(&a, &pages, &rows);
        println!(
            "grid {g}: alpha {} l1 {} l2 {} epochs {}",
            stage1.alpha, stage1.l1, stage1.l2, stage1.epochs
        );
        report(&a, &pages, &cv_second, &input, &base, false);
        eprintln!("grid {g} done in {:.1?}", t0.elapsed());
    }
    if let Some(path) = &args.scores {
        let bytes = std::fs::read(path)?;
        let all: Vec<f32> = bytes
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        if all.len() != rows.len() {
            return Err(format!("{} scores for {} rows", all.len(), rows.len()).into());
        }
        let given: Vec<Vec<f32>> = pages
            .iter()
            .map(|p| all[p.first_row as usize..p.first_row as usize + p.lexed.len()].to_vec())
            .collect();
        report(&args, &pages, &given, &input, &base, true);
        return Ok(());
    }
    let (fitted, cv_second) = cross_validate(&args, &pages, &rows);
    eprintln!("cross-validation fits done in {:.1?}", t0.elapsed());
    println!(
        "cross-validated ({} folds, seed {}):",
        args.folds, args.seed
    );
    report(&args, &pages, &cv_second, &input, &base, true);
    eprintln!("report done in {:.1?}", t0.elapsed());
    if let Some(path) = &args.save_scores {
        let bytes: Vec<u8> = cv_second
            .iter()
            .flatten()
            .flat_map(|z| z.to_le_bytes())
            .collect();
        std::fs::write(path, bytes)?;
    }
    if let Some(path) = &args.dump_dense {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        let cols = 9 + features::COUNT + context::DIM;
        for (p, z) in pages.iter().zip(&cv_second) {
            let doc = Document::new(&p.text);
            let claims = claims_of(p, &doc);
            let table = lexical::structural(&doc, &claims);
            let stats = PageStats::new(&p.lexed, z);
            let pid: f32 = p.id.parse().unwrap_or(-1.0);
            for k in 0..p.lexed.len() {
                let r = p.first_row + k as u32;
                let mut v = vec![0f32; cols];
                v[0] = pid;
                v[1] = p.dump as f32;
                v[2] = p.fold as f32;
                v[3] = k as f32;
                v[4] = p.tokens[k] as f32;
                v[5] = p.labels[k];
                v[6] = rows.weight(r);
                v[7] = f32::from(u8::from(p.lexed.claimed(k)));
                v[8] = z[k];
                v[9..9 + features::COUNT].copy_from_slice(&table.row(k));
                context::row(&p.lexed, z, &stats, k, |i, x| {
                    v[9 + features::COUNT + i] = x
                });
                for x in v {
                    out.write_all(&x.to_le_bytes())?;
                }
            }
        }
        eprintln!("wrote {cols} columns per row to {}", path.display());
    }
    if let Some(path) = &args.dump {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
        for (p, z) in pages.iter().zip(&cv_second) {
            let doc = Document::new(&p.text);
            for (k, zk) in z.iter().enumerate() {
                let row = serde_json::json!({
                    "page": p.id, "dump": p.dump, "type": p.kind, "row": k,
                    "line": p.lexed.line(k), "claimed": p.lexed.claimed(k),
                    "tokens": p.tokens[k], "label": p.labels[k], "z": zk,
                    "text": doc.line_trimmed(p.lexed.line(k)),
                });
                serde_json::to_writer(&mut out, &row)?;
                writeln!(out)?;
            }
        }
    }

    if let Some(dir) = &args.cv_dir {
        std::fs::create_dir_all(dir)?;
        for (f, m) in fitted.iter().enumerate() {
            let model = Model {
                bits: args.bits,
                stage1: m.w1.clone(),
                edges: edges.clone(),
                stage2: m.w2.clone(),
            };
            std::fs::write(dir.join(format!("fold-{f}.bin")), model.to_bytes())?;
        }
        let mut folds = String::new();
        let mut seen: Vec<(&str, usize)> = pages.iter().map(|p| (p.id.as_str(), p.fold)).collect();
        seen.sort_unstable();
        seen.dedup();
        for (id, f) in seen {
            folds.push_str(&format!("{id}\t{f}\n"));
        }
        std::fs::write(dir.join("folds.tsv"), folds)?;
        eprintln!("wrote {} fold models to {}", args.folds, dir.display());
    }
    if args.cv_only {
        return Ok(());
    }

    // The shipped model: the first pass on every page; the second pass on
    // the outer folds' out-of-fold first-pass scores.
    let all: Vec<&Page> = pages.iter().collect();
    let dim = 1usize << args.bits;
    let w1 = args.stage1.fit(&rows, &train_rows(&all, &rows), dim);
    let z: Vec<Vec<f32>> = pages
        .par_iter()
        .map(|p| first_pass(&fitted[p.fold].w1, p, &rows))
        .collect();
    let r2 = stage2_rows(&all, &z, &rows);
    let all2: Vec<u32> = (0..r2.len() as u32)
        .filter(|&r| r2.weight(r) > 0.0)
        .collect();
    let w2 = args.stage2.fit(&r2, &all2, context::DIM);
    let model = Model {
        bits: args.bits,
        stage1: w1,
        edges,
        stage2: w2,
    };
    let bytes = model.to_bytes();
    eprintln!(
        "final model: {} non-zero first-pass weights, {} bytes, BLAKE3 {}",
        model.nonzero(),
        bytes.len(),
        blake3::hash(&bytes).to_hex()
    );
    if let Some(out) = &args.out {
        std::fs::write(out, &bytes)?;
        eprintln!("wrote {}", out.display());
    }
    Ok(())
}
