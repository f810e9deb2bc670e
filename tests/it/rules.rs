//! Every rule's own examples, and the diagnostics of broken rule packs.

use deboil::RuleSet;
use deboil::engine::examples;

#[test]
fn every_builtin_rule_passes_its_examples() {
    let rules = RuleSet::builtin().unwrap();
    let failures = examples::check_all(&rules).unwrap();
    let report: Vec<String> = failures.iter().map(ToString::to_string).collect();
    assert!(report.is_empty(), "{}", report.join("\n"));
}

#[test]
fn every_builtin_rule_has_examples_on_both_sides() {
    for (_, r) in RuleSet::builtin().unwrap().iter() {
        assert!(!r.remove.is_empty() && !r.keep.is_empty(), "{}", r.id);
    }
}

#[test]
fn a_failing_example_is_reported_with_its_location() {
    let pack = r#"
[[rule]]
id = "too-eager"
category = "test"
summary = "Removes any line with 'news'"
scope = "line"
match = "contains"
case-insensitive = true
literals = ["news"]
remove = ["More news"]
keep = ["The news came on Monday.", "Nothing to see."]
"#;
    let rules = RuleSet::builder()
        .source("eager.toml", pack)
        .build()
        .unwrap();
    let failures = examples::check_all(&rules).unwrap();
    assert_eq!(failures.len(), 2, "{failures:?}");
    assert_eq!(failures[0].origin, "eager.toml:11:9");
    assert!(failures[0].message.contains("The news came on Monday."));
}

#[test]
fn builtin_rule_ids_are_unique_and_every_category_is_named() {
    let rules = RuleSet::builtin().unwrap();
    let mut ids: Vec<&str> = rules.iter().map(|(_, r)| r.id.as_str()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n);
}

#[test]
fn safe_profile_is_a_strict_subset_of_balanced() {
    use deboil::{Profile, Selection};
    let rules = RuleSet::builtin().unwrap();
    let pick = |profile| {
        rules
            .select(&Selection {
                profile,
                ..Selection::default()
            })
            .unwrap()
            .iter()
            .map(|(_, r)| r.id.clone())
            .collect::<Vec<_>>()
    };
    let safe = pick(Profile::Safe);
    let balanced = pick(Profile::Balanced);
    assert!(!safe.is_empty());
    assert!(safe.len() < balanced.len());
    for id in &safe {
        assert!(balanced.contains(id), "{id} is safe but not balanced");
    }
}
