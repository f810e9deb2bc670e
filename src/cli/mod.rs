//! The command-line interface: commands on top of the library.

mod apply;
pub mod args;
mod clean;
mod diff;
mod eval;
mod inputs;
mod interrupt;
mod jsonl;
mod learn;
mod plan;
mod progress;
mod report;
mod review;
mod rules;
mod summary;

use args::{Cli, ColorChoice, Command, CommonArgs};
use deboil::{Engine, Selection};
use std::io::IsTerminal;

/// Success.
pub const EXIT_OK: u8 = 0;
/// `diff` found something to remove; `rules test` found a failing example.
pub const EXIT_FOUND: u8 = 1;
/// An error (bad arguments, bad rules, unreadable files).
pub const EXIT_ERROR: u8 = 2;

/// Runs a parsed command line; returns the exit code.
pub fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Clean(a) => clean::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Rules(c) => rules::run(c),
        Command::Eval(a) => eval::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Review(a) => review::run(a),
        Command::Apply(a) => apply::run(a),
        Command::Report(a) => report::run(a),
        Command::Learn(a) => learn::run(a),
    }
}

/// Loads the rules (built-in plus `--rules`) and compiles the selected ones.
/// Any problem in any rule fails here, before a file is read.
fn build_engine(common: &CommonArgs) -> anyhow::Result<Engine> {
    build_engine_with(common, None)
}

/// [`build_engine`] plus a learned rule pack (`(name, text)`), loaded like
/// any `--rules` file. The library's [`deboil::EngineBuilder`] does the
/// work (and the Python binding uses it too): a user's rule whose own
/// examples fail would clean wrongly, and is refused like a broken regex;
/// an invalid `--guard` is refused before any rule is compiled.
fn build_engine_with(common: &CommonArgs, learned: Option<(&str, &str)>) -> anyhow::Result<Engine> {
    let mut b = Engine::builder()
        .rules_paths(&common.rules)
        .selection(Selection {
            profile: common.profile.into(),
            select: common.select.clone(),
            ignore: common.ignore.clone(),
        })
        .guard((!common.no_guard).then_some(common.guard));
    if let Some((name, text)) = learned {
        b = b.rules_source(name, text);
    }
    Ok(b.build()?)
}

/// How the cleaning commands read files: `--max-size` and `--encoding`.
fn read_options(common: &CommonArgs) -> deboil::batch::ReadOptions {
    deboil::batch::ReadOptions {
        max_bytes: common.max_size,
        encoding: common.encoding,
    }
}

/// The warning for an input decoded from another encoding than UTF-8.
fn decoded_warning(path: &str, d: deboil::batch::Decoded) -> String {
    format!("deboil: warning: {path}: {d}")
}

/// Warns on stderr when the safety guard withheld removals from a document.
fn warn_guard(path: &str, cleaned: &deboil::Cleaned) {
    if let Some(g) = cleaned.guard() {
        warn_guard_values(path, g);
    }
}

fn warn_guard_values(path: &str, g: deboil::Guard) {
    eprintln!("{}", guard_warning(path, g));
}

/// The warning for a document the safety guard protected.
fn guard_warning(path: &str, g: deboil::Guard) -> String {
    format!(
        "deboil: warning: {path}: cleaning would remove {:.0}% of the text (guard: {:.0}%); heuristic removals withheld, {:.0}% removed",
        100.0 * g.would_remove,
        100.0 * g.limit,
        100.0 * g.removes
    )
}

/// Whether to write ANSI colors to standard output.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var_os("TERM").is_none_or(|t| t != "dumb")
                && std::io::stdout().is_terminal()
        }
    }
}

/// Runs `f` on a thread pool of `threads` workers (all cores by default).
fn with_threads<T: Send>(
    threads: Option<usize>,
    f: impl FnOnce() -> T + Send,
) -> anyhow::Result<T> {
    let mut b = rayon::ThreadPoolBuilder::new();
    if let Some(n) = threads {
        anyhow::ensure!(n > 0, "--threads must be at least 1");
        b = b.num_threads(n);
    }
    Ok(b.build()?.install(f))
}
