//! Integration tests: one binary (see `Cargo.toml`), one module per area.

// Test helpers are not #[test] functions, which clippy.toml already allows.
#![allow(clippy::unwrap_used)]

mod badinput;
mod batch;
// The slow suites and their crates are behind the `ui-tests` feature
// (`.ci/run` turns it on); without it, stand-ins show them as ignored.
#[cfg(feature = "ui-tests")]
mod browser;
mod cases;
mod cli;
mod config;
mod fuzz_regressions;
mod interrupt;
mod learn;
mod pathological;
mod properties;
mod residue;
mod review;
mod rules;
mod seeds;
#[cfg(feature = "ui-tests")]
mod tui;
#[cfg(not(feature = "ui-tests"))]
mod ui_skipped;

use std::path::{Path, PathBuf};

/// A path under the repository's `fixtures/` directory.
pub fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// The built-in engine under the default profile.
pub fn engine() -> deboil::Engine {
    deboil::Engine::builtin().expect("built-in rules load")
}
