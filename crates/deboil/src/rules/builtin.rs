//! The rule pack shipped with deboil, embedded at build time by `build.rs`
//! from every `rules/*.toml` file.

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

#[cfg(test)]
mod tests {
    use super::BUILTIN;

    #[test]
    fn every_rule_file_is_embedded() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../rules");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".toml"))
            .map(|n| format!("rules/{n}"))
            .collect();
        on_disk.sort();
        let embedded: Vec<&str> = BUILTIN.iter().map(|(n, _)| *n).collect();
        assert_eq!(embedded, on_disk);
    }

    /// The built-in rules' regexes compile when first needed
    /// ([`crate::rules::SearchRegex`]), so here each is checked as a user
    /// pack's is when it loads: compiled within the size limit, and not
    /// matching everything.
    #[test]
    fn every_builtin_rule_validates_as_a_pack() {
        let mut pack = crate::RuleSet::builder();
        for (name, text) in BUILTIN {
            pack = pack.source(*name, *text);
        }
        let checked = pack.build().expect("the built-in rules validate as a pack");
        let builtin = crate::RuleSet::builtin().expect("the built-in rules load");
        assert_eq!(checked.len(), builtin.len());
        // The same rules, the deferred regexes the same patterns.
        for ((_, a), (_, b)) in checked.iter().zip(builtin.iter()) {
            assert_eq!(format!("{a:?}"), format!("{b:?}"));
        }
    }
}
