//! Hand-written fixtures: one small article per rule family and one file per
//! edge case (CRLF, NBSP, empty, all debris, no final newline, Unicode).
//! Each `NAME.input.txt` must clean to `NAME.expected.txt` exactly; the
//! expected files were written by hand from what the rules promise.

use crate::{engine, fixture};
use std::fs;

fn cases() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixture("cases"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".input.txt").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn every_case_cleans_to_its_expected_output() {
    let engine = engine();
    let names = cases();
    assert!(names.len() >= 20, "fixtures missing: {names:?}");
    let mut failed = Vec::new();
    for name in &names {
        let input = fs::read_to_string(fixture(&format!("cases/{name}.input.txt"))).unwrap();
        let expected = fs::read_to_string(fixture(&format!("cases/{name}.expected.txt"))).unwrap();
        let got = engine.clean(&input).output();
        if got != expected {
            failed.push(format!(
                "{name}: expected {expected:?}\n          got {got:?}"
            ));
        }
    }
    assert!(failed.is_empty(), "{}", failed.join("\n"));
}

#[test]
fn every_rule_family_has_a_case() {
    let rules = deboil::RuleSet::builtin().unwrap();
    let names = cases();
    let mut categories: Vec<&str> = rules.iter().map(|(_, r)| r.category.as_str()).collect();
    categories.sort();
    categories.dedup();
    // Categories are named after the families; "duplicates" and
    // "navigation" heuristics share the duplicates case.
    for c in categories {
        assert!(
            names.iter().any(|n| n == c),
            "no fixture case for category {c:?}"
        );
    }
}

#[test]
fn output_invents_no_byte() {
    // Kept text is cut from the input, never rewritten: the output (less a
    // final newline the input may lack) is a subsequence of the input.
    let engine = engine();
    for name in cases() {
        let input = fs::read_to_string(fixture(&format!("cases/{name}.input.txt"))).unwrap();
        let out = engine.clean(&input).output();
        let body = if input.ends_with('\n') {
            out.as_str()
        } else {
            out.trim_end_matches('\n')
        };
        let mut rest = input.bytes();
        assert!(
            body.bytes().all(|b| rest.any(|c| c == b)),
            "{name}: output is not cut from the input"
        );
    }
}
