//! The "limit" reference of `bench/corpus.sh`: one Aho-Corasick automaton
//! built from every literal of the built-in rules (balanced profile), run
//! over the same files deboil cleans, with nothing else: no lines, no
//! regexes, no heuristics, no output. Reading the files is timed too, as it
//! is for deboil.
//!
//! ```sh
//! cargo run --release --example ac_scan -- DIR [--leftmost]
//! ```
//!
//! By default every occurrence of every literal is reported (overlapping,
//! ASCII case-insensitive: what a literal matcher over whole documents
//! must do); `--leftmost` reports only non-overlapping leftmost-first
//! matches, the cheapest scan the automaton allows; `--lines` builds no
//! automaton and only counts lines (memchr): the floor of reading the files
//! and passing over them once.

use aho_corasick::{AhoCorasick, MatchKind};
use deboil::rules::{Pattern, RuleKind};
use deboil::{RuleSet, Selection};
use std::path::PathBuf;
use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut dir = None;
    let mut leftmost = false;
    let mut lines = false;
    for a in std::env::args().skip(1) {
        match a.as_str() {
            "--leftmost" => leftmost = true,
            "--lines" => lines = true,
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let dir = dir.ok_or("usage: ac_scan DIR [--leftmost | --lines]")?;
    let rules = RuleSet::builtin()?.select(&Selection::default())?;
    let literals: Vec<&str> = rules
        .iter()
        .filter_map(|(_, r)| match &r.kind {
            RuleKind::Pattern(p) => match &p.pattern {
                Pattern::Literals(l) => Some(l.iter().map(String::as_str)),
                _ => None,
            },
            _ => None,
        })
        .flatten()
        .collect();
    let ac = AhoCorasick::builder()
        .match_kind(if leftmost {
            MatchKind::LeftmostFirst
        } else {
            MatchKind::Standard
        })
        .ascii_case_insensitive(true)
        .build(&literals)?;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();

    let start = Instant::now();
    let (mut bytes, mut matches) = (0usize, 0usize);
    let mut scan = std::time::Duration::ZERO;
    for p in &paths {
        let text = std::fs::read(p)?;
        let t = Instant::now();
        matches += if lines {
            memchr::memchr_iter(b'\n', &text).count()
        } else if leftmost {
            ac.find_iter(&text).count()
        } else {
            ac.find_overlapping_iter(&text).count()
        };
        scan += t.elapsed();
        bytes += text.len();
    }
    let wall = start.elapsed().as_secs_f64();
    println!(
        "ac_scan: {} literals, {} files, {:.1} MB, {matches} matches: {:.3}s wall ({:.1} MB/s), scan alone {:.1} MB/s",
        literals.len(),
        paths.len(),
        bytes as f64 / 1e6,
        wall,
        bytes as f64 / 1e6 / wall,
        bytes as f64 / 1e6 / scan.as_secs_f64().max(1e-9),
    );
    Ok(())
}
