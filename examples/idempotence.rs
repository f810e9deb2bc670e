//! How often cleaning is not idempotent: cleans every `*.txt` file of a
//! directory, cleans the output again, and counts the pages where the second
//! run still removes something, by rule.
//!
//! ```sh
//! cargo run --release --example idempotence -- ../shared/corpus/wcxb-dev/htmltext
//! ```

use std::collections::BTreeMap;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args()
        .nth(1)
        .ok_or("usage: idempotence DIR [--no-guard]")?;
    let no_guard = std::env::args().any(|a| a == "--no-guard");
    let mut engine = deboil::Engine::builtin()?;
    if no_guard {
        engine = engine.without_guard();
    }
    let mut paths: Vec<_> = std::fs::read_dir(&dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    let (mut pages, mut changed, mut bytes) = (0usize, 0usize, 0usize);
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for p in &paths {
        let Ok(text) = std::fs::read_to_string(p) else {
            continue;
        };
        pages += 1;
        let once = engine.clean(&text).output();
        let twice = engine.clean(&once);
        if !twice.removals().is_empty() {
            changed += 1;
            bytes += twice.bytes_removed();
            let mut rules: Vec<&str> = twice.removals().iter().map(|r| twice.rule_id(r)).collect();
            rules.dedup();
            for r in rules {
                *by_rule.entry(r.to_owned()).or_default() += 1;
            }
        }
    }
    println!(
        "{changed} of {pages} pages ({:.1}%) lose more text on a second run ({bytes} bytes in all)",
        100.0 * changed as f64 / pages.max(1) as f64
    );
    let mut rows: Vec<_> = by_rule.into_iter().collect();
    rows.sort_by_key(|r| std::cmp::Reverse(r.1));
    for (rule, n) in rows {
        println!("  {n:5} pages  {rule}");
    }
    Ok(())
}
