//! Stand-ins for the suites behind the `ui-tests` feature (see
//! `Cargo.toml`), so that a default `cargo test` lists them as ignored,
//! with how to run them, instead of leaving them out silently.

#[test]
#[ignore = "the review screen through a pty: cargo test --features ui-tests"]
fn tui_keys_decide_and_every_decision_is_saved_at_once() {}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --features ui-tests -- --ignored browser::"]
fn browser_report_opens_in_chromium_with_correct_counts_and_working_filters() {}
