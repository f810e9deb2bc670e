//! The command-line interface: commands on top of the library.

mod apply;
pub mod args;
mod clean;
pub mod config;
mod diff;
mod eval;
mod inputs;
mod interrupt;
mod jsonl;
mod learn;
pub mod log;
mod plan;
mod progress;
mod report;
mod review;
mod rules;
mod summary;

use anyhow::Context;
use args::{Cli, ColorChoice, Command, CommonArgs};
use clap::{ArgMatches, CommandFactory};
use deboil::{Engine, Selection};
use std::io::{IsTerminal, Write};

/// Success.
pub const EXIT_OK: u8 = 0;
/// `diff` found something to remove; `rules test` found a failing example.
pub const EXIT_FOUND: u8 = 1;
/// An error (bad arguments, bad rules, unreadable files).
pub const EXIT_ERROR: u8 = 2;

/// Runs a parsed command line (`matches` tells which flags were given, so
/// the configuration file fills in only the others); returns the exit code.
pub fn run(cli: Cli, matches: &ArgMatches) -> anyhow::Result<u8> {
    log::set_level(if cli.quiet {
        log::Level::Quiet
    } else if cli.verbose {
        log::Level::Verbose
    } else {
        log::Level::Normal
    });
    let mut command = cli.command;
    if command.uses_config() {
        let cwd = std::env::current_dir().context("cannot tell the working directory")?;
        match config::resolve(cli.config.as_deref(), cli.isolated, &cwd)? {
            config::Origin::Isolated => log::detail("--isolated: no configuration file read"),
            config::Origin::NotFound(dir) => log::detail(format_args!(
                "no configuration file ({} or a {} with [tool.deboil]) in {} or above",
                config::FILE_NAME,
                config::PYPROJECT,
                dir.display()
            )),
            config::Origin::File(c) => {
                let applied = c.apply(&mut command, matches);
                log::detail(format_args!(
                    "configuration file {}: {}",
                    c.path.display(),
                    if applied.is_empty() {
                        "sets nothing this command uses, or the command line overrides it all"
                            .to_owned()
                    } else {
                        format!("sets {}", applied.join(", "))
                    }
                ));
            }
        }
    }
    match command {
        Command::Clean(a) => clean::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Rules(c) => rules::run(c),
        Command::Eval(a) => eval::run(a),
        Command::Plan(a) => plan::run(a),
        Command::Review(a) => review::run(a),
        Command::Apply(a) => apply::run(a),
        Command::Report(a) => report::run(a),
        Command::Learn(a) => learn::run(a),
        Command::Completions(a) => {
            let mut out = std::io::stdout().lock();
            clap_complete::generate(a.shell, &mut Cli::command(), "deboil", &mut out);
            out.flush()?;
            Ok(EXIT_OK)
        }
        Command::Man => {
            let mut out = std::io::stdout().lock();
            clap_mangen::Man::new(Cli::command()).render(&mut out)?;
            out.flush()?;
            Ok(EXIT_OK)
        }
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
    let engine = b.build()?;
    // The compiled rules live until the process exits: a clone kept
    // forever spares freeing them one allocation at a time on the way out
    // (about 3% of a one-file run's instructions).
    std::mem::forget(engine.clone());
    Ok(engine)
}

/// How the cleaning commands read files: `--max-size` and `--encoding`.
fn read_options(common: &CommonArgs) -> deboil_cli::batch::ReadOptions {
    deboil_cli::batch::ReadOptions {
        max_bytes: common.max_size,
        encoding: common.encoding,
    }
}

/// The warning for an input decoded from another encoding than UTF-8.
fn decoded_warning(path: &str, d: deboil_cli::batch::Decoded) -> String {
    format!("{path}: {d}")
}

/// Warns on stderr when the safety guard withheld removals from a document.
fn warn_guard(path: &str, cleaned: &deboil::Cleaned) {
    if let Some(g) = cleaned.guard() {
        log::warn(guard_warning(path, g));
    }
}

/// The warning for a document the safety guard protected.
fn guard_warning(path: &str, g: deboil::Guard) -> String {
    format!(
        "{path}: cleaning would remove {:.0}% of the text (guard: {:.0}%); heuristic removals withheld, {:.0}% removed",
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
