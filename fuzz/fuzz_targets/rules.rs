//! The rule loader on arbitrary TOML: it must return rules or diagnostics,
//! never panic; rules it accepts must compile into an engine that cleans.
#![no_main]

use deboil::{Engine, RuleSet};
use libfuzzer_sys::fuzz_target;

const SAMPLE: &str = "Headline of the day\n\nThe council approved the budget.\nShare on Facebook\n\
                      Home\nWorld\nSport\n0:00\r\nPhoto by Ana/AFP\n\u{a9} 2024 Example\n";

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match RuleSet::builder().source("fuzz.toml", text).build() {
        Ok(rules) => {
            let engine = Engine::new(rules).expect("a validated rule set compiles");
            let cleaned = engine.clean(SAMPLE);
            let _ = cleaned.output();
            let _ = deboil::engine::examples::check_all(engine.rules());
        }
        Err(e) => {
            // Every diagnostic renders (file:line:col: ...).
            for d in e.diagnostics() {
                let _ = d.to_string();
            }
            let _ = e.to_string();
        }
    }
});
