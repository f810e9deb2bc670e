//! Throughput of each engine stage, in bytes per second of input:
//! splitting into lines (`Document::new`), matching every pattern rule
//! (`Matcher::find`), the content classifier's feature pass
//! (`features::Table`, every row read once, on documents no rule has
//! claimed), the whole clean (`Engine::clean`, which also runs the claims
//! and heuristics) and rendering the output (`Cleaned::output`).
//!
//! Runs on the fixtures, which are always there; also on a directory of
//! page dumps when one is found: `$DEBOIL_CORPUS`, or
//! `../shared/corpus/wcxb-dev/htmltext` beside the repository.
//!
//! ```sh
//! cargo bench --bench engine
//! DEBOIL_CORPUS=/path/to/htmltext cargo bench --bench engine -- corpus
//! ```

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use deboil::heuristics::classify::Model;
use deboil::heuristics::features;
use deboil::{Claims, Document, Engine, Matcher};
use std::hint::black_box;
use std::path::{Path, PathBuf};

fn texts_in(dir: &Path, suffix: &str) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut paths: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    paths.sort();
    paths
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

fn fixtures() -> Vec<String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut texts = texts_in(&root.join("seeds/input"), ".txt");
    texts.extend(texts_in(&root.join("cases"), ".input.txt"));
    texts
}

fn corpus() -> Option<(String, Vec<String>)> {
    let dir = std::env::var_os("DEBOIL_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/wcxb-dev/htmltext"),
        PathBuf::from,
    );
    let texts = texts_in(&dir, ".txt");
    (!texts.is_empty()).then(|| (dir.display().to_string(), texts))
}

fn stages(c: &mut Criterion, name: &str, texts: &[String], samples: usize) {
    let engine = Engine::builtin().expect("built-in rules");
    let matcher = Matcher::new(engine.rules()).expect("built-in rules");
    let bytes: usize = texts.iter().map(String::len).sum();
    let mut g = c.benchmark_group(name);
    g.throughput(Throughput::Bytes(bytes as u64));
    g.sample_size(samples);
    g.bench_function("document", |b| {
        b.iter(|| {
            for t in texts {
                black_box(Document::new(black_box(t)));
            }
        })
    });
    let mut hits = Vec::new();
    g.bench_function("matching", |b| {
        b.iter(|| {
            for t in texts {
                let doc = Document::new(t);
                hits.clear();
                matcher.find(&doc, &mut hits);
                black_box(&hits);
            }
        })
    });
    let model = Model::builtin("content-v1").expect("shipped model");
    g.bench_function("features", |b| {
        b.iter(|| {
            for t in texts {
                let doc = Document::new(t);
                let claims = Claims::new(doc.lines().len());
                let table = features::Table::new(&doc, &claims, model.lexicon());
                for k in 0..table.len() {
                    black_box(table.row(k));
                }
            }
        })
    });
    g.bench_function("clean", |b| {
        b.iter(|| {
            for t in texts {
                black_box(engine.clean(black_box(t)).removals().len());
            }
        })
    });
    g.bench_function("clean+output", |b| {
        b.iter(|| {
            for t in texts {
                black_box(engine.clean(black_box(t)).output());
            }
        })
    });
    g.finish();
}

fn fixtures_bench(c: &mut Criterion) {
    stages(c, "fixtures", &fixtures(), 50);
}

fn corpus_bench(c: &mut Criterion) {
    if let Some((dir, texts)) = corpus() {
        eprintln!("corpus: {} files in {dir}", texts.len());
        stages(c, "corpus", &texts, 10);
    }
}

criterion_group!(benches, fixtures_bench, corpus_bench);
criterion_main!(benches);
