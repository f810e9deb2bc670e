//! The five seed articles the project was conceived from must come out
//! exactly as `fixtures/seeds/expected` says, byte for byte.

use crate::{engine, fixture};
use std::fs;

fn seed_names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixture("seeds/input"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn there_are_five_seeds() {
    assert_eq!(seed_names().len(), 5);
}

#[test]
fn every_seed_cleans_to_its_expected_output() {
    let engine = engine();
    let mut failed = Vec::new();
    for name in seed_names() {
        let input = fs::read_to_string(fixture(&format!("seeds/input/{name}"))).unwrap();
        let expected = fs::read_to_string(fixture(&format!("seeds/expected/{name}"))).unwrap();
        let got = engine.clean(&input).output();
        if got != expected {
            failed.push(format!(
                "{name}:\n{}",
                similar::TextDiff::from_lines(&expected, &got).unified_diff()
            ));
        }
    }
    assert!(
        failed.is_empty(),
        "seeds differ from expected:\n{}",
        failed.join("\n")
    );
}

#[test]
fn seed_directory_cleans_through_the_cli() {
    let out = tempfile::tempdir().unwrap();
    assert_cmd::Command::cargo_bin("deboil")
        .unwrap()
        .arg("clean")
        .arg(fixture("seeds/input"))
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    for name in seed_names() {
        let got = fs::read(out.path().join(&name)).unwrap();
        let expected = fs::read(fixture(&format!("seeds/expected/{name}"))).unwrap();
        assert!(got == expected, "{name} differs from expected");
    }
}
