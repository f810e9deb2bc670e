//! What the binary says on standard error, at the level the user asked for.
//!
//! Every message of a command goes through here, so `-q` and `-v` mean the
//! same everywhere, worker threads included: errors always print (`-q`
//! keeps them), warnings and notes (summaries, "removed N temporaries")
//! print unless `-q`, details (the configuration file used, per-file notes)
//! only with `-v`. Each kind has one prefix, added here. The progress bar
//! prints through [`line`] so a message does not tear it.

use std::fmt::Display;
use std::sync::atomic::{AtomicU8, Ordering};

/// How much the binary says.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// `-q`: errors only.
    Quiet = 0,
    /// Errors, warnings and notes.
    Normal = 1,
    /// `-v`: details too.
    Verbose = 2,
}

/// What a message is, which decides when it prints and its prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Something failed: always printed.
    Error,
    /// Something the user should look at, though the run goes on.
    Warning,
    /// What the run did (summaries).
    Note,
    /// More detail, with `-v` only.
    Detail,
}

// A process-wide level: set once in `cli::run`, before any thread starts,
// and read from every worker that reports on a file.
static LEVEL: AtomicU8 = AtomicU8::new(Level::Normal as u8);

/// Sets the level for the rest of the run.
pub fn set_level(level: Level) {
    LEVEL.store(level as u8, Ordering::Relaxed);
}

/// The current level.
pub fn level() -> Level {
    match LEVEL.load(Ordering::Relaxed) {
        0 => Level::Quiet,
        1 => Level::Normal,
        _ => Level::Verbose,
    }
}

/// The level a kind of message needs.
fn needs(kind: Kind) -> Level {
    match kind {
        Kind::Error => Level::Quiet,
        Kind::Warning | Kind::Note => Level::Normal,
        Kind::Detail => Level::Verbose,
    }
}

/// The line to print for a message, or `None` when the level hides it.
pub fn line(kind: Kind, msg: impl Display) -> Option<String> {
    format_at(level(), kind, msg)
}

fn format_at(level: Level, kind: Kind, msg: impl Display) -> Option<String> {
    if level < needs(kind) {
        return None;
    }
    Some(match kind {
        Kind::Warning => format!("deboil: warning: {msg}"),
        Kind::Error | Kind::Note | Kind::Detail => format!("deboil: {msg}"),
    })
}

fn print(kind: Kind, msg: impl Display) {
    if let Some(l) = line(kind, msg) {
        eprintln!("{l}");
    }
}

/// An error (printed whatever the level).
pub fn error(msg: impl Display) {
    print(Kind::Error, msg);
}

/// A warning (hidden by `-q`).
pub fn warn(msg: impl Display) {
    print(Kind::Warning, msg);
}

/// A note on what the run did (hidden by `-q`).
pub fn note(msg: impl Display) {
    print(Kind::Note, msg);
}

/// A detail (shown with `-v` only).
pub fn detail(msg: impl Display) {
    print(Kind::Detail, msg);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_keeps_errors_only_and_verbose_adds_details() {
        let shown = |level| {
            [Kind::Error, Kind::Warning, Kind::Note, Kind::Detail]
                .into_iter()
                .filter(|&k| format_at(level, k, "x").is_some())
                .collect::<Vec<_>>()
        };
        assert_eq!(shown(Level::Quiet), [Kind::Error]);
        assert_eq!(
            shown(Level::Normal),
            [Kind::Error, Kind::Warning, Kind::Note]
        );
        assert_eq!(
            shown(Level::Verbose),
            [Kind::Error, Kind::Warning, Kind::Note, Kind::Detail]
        );
    }

    #[test]
    fn each_kind_has_its_prefix() {
        let at = |k| format_at(Level::Verbose, k, "a.txt: x").unwrap();
        assert_eq!(at(Kind::Warning), "deboil: warning: a.txt: x");
        assert_eq!(at(Kind::Error), "deboil: a.txt: x");
        assert_eq!(at(Kind::Detail), "deboil: a.txt: x");
    }
}
