//! Text an extractor already cleaned (`fixtures/residue/`): mostly article,
//! a few leftovers. Whatever deboil removes, the article's own lines must
//! all come out, under every profile and without the guard, which is the
//! last net and must not be the one that saves them.

use crate::fixture;
use assert_cmd::Command;
use deboil::{Engine, Profile, RuleSet, Selection};
use std::fs;

fn engine(profile: Profile) -> Engine {
    let rules = RuleSet::builtin().unwrap();
    let selection = Selection {
        profile,
        ..Selection::default()
    };
    Engine::new(rules.select(&selection).unwrap())
        .unwrap()
        .without_guard()
}

fn names() -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(fixture("residue"))
        .unwrap()
        .filter_map(|e| {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            name.strip_suffix(".article.txt").map(str::to_owned)
        })
        .collect();
    names.sort();
    names
}

#[test]
fn there_is_residue_in_several_languages() {
    assert!(names().len() >= 5, "{:?}", names());
}

#[test]
fn every_article_line_survives_every_profile() {
    let mut lost = Vec::new();
    for profile in Profile::ALL {
        let engine = engine(profile);
        for name in names() {
            let input = fs::read_to_string(fixture(&format!("residue/{name}.txt"))).unwrap();
            let article =
                fs::read_to_string(fixture(&format!("residue/{name}.article.txt"))).unwrap();
            let output = engine.clean(&input).output();
            for line in article.lines().filter(|l| !l.trim().is_empty()) {
                if !output.lines().any(|o| o == line) {
                    lost.push(format!("{profile:?} {name}: {line}"));
                }
            }
        }
    }
    assert!(
        lost.is_empty(),
        "article lines removed:\n{}",
        lost.join("\n")
    );
}

#[test]
fn some_leftover_furniture_goes() {
    // Not a quality target, a sign of life: under the balanced profile the
    // share buttons of the residue are found somewhere.
    let engine = engine(Profile::Balanced);
    let removed: usize = names()
        .iter()
        .map(|name| {
            let input = fs::read_to_string(fixture(&format!("residue/{name}.txt"))).unwrap();
            engine.clean(&input).removals().len()
        })
        .sum();
    assert!(removed > 0);
}

#[test]
fn a_short_document_keeps_its_sentence_even_without_the_guard() {
    for profile in ["balanced", "aggressive"] {
        Command::cargo_bin("deboil")
            .unwrap()
            .args(["clean", "--no-guard", "--profile", profile, "-"])
            .write_stdin("Body text.\nShare on Facebook\n")
            .assert()
            .success()
            .stdout("Body text.\n");
    }
}
