//! The progress bar of long runs: on standard error when it is a terminal,
//! nothing otherwise (logs and pipes get only the final summary line), and
//! nothing with `-q`. Messages printed while the bar is shown go through
//! [`Progress::warn`] and [`Progress::error`] so they do not tear it.

use super::log::{self, Kind};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// A progress bar, or nothing.
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// A bar over `files` files, showing the data rate beside it.
    pub fn files(files: u64) -> Progress {
        Progress::new(
            Some(files),
            "{spinner} [{elapsed_precise}] {wide_bar} {pos}/{len} files {msg} (ETA {eta})",
        )
    }

    /// A bar over `bytes` bytes of input, or a counter when the size is unknown.
    pub fn bytes(bytes: Option<u64>) -> Progress {
        let template = if bytes.is_some() {
            "{spinner} [{elapsed_precise}] {wide_bar} {decimal_bytes}/{decimal_total_bytes} {decimal_bytes_per_sec} (ETA {eta})"
        } else {
            "{spinner} [{elapsed_precise}] {decimal_bytes} {decimal_bytes_per_sec}"
        };
        Progress::new(bytes, template)
    }

    fn new(len: Option<u64>, template: &str) -> Progress {
        if !std::io::stderr().is_terminal() || log::level() == log::Level::Quiet {
            return Progress { bar: None };
        }
        let bar = ProgressBar::with_draw_target(len, ProgressDrawTarget::stderr());
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar: Some(bar) }
    }

    /// Advances by `n` units (files or bytes).
    pub fn inc(&self, n: u64) {
        if let Some(b) = &self.bar {
            b.inc(n);
        }
    }

    /// Sets the position (bytes read so far, for a stream).
    pub fn set_position(&self, pos: u64) {
        if let Some(b) = &self.bar {
            b.set_position(pos);
        }
    }

    /// Shows `msg` beside the bar (data volume and rate of a file batch).
    pub fn message(&self, msg: impl FnOnce() -> String) {
        if let Some(b) = &self.bar {
            b.set_message(msg());
        }
    }

    /// Prints a warning (unless `-q`) without tearing the bar.
    pub fn warn(&self, msg: impl std::fmt::Display) {
        self.say(Kind::Warning, msg);
    }

    /// Prints an error without tearing the bar.
    pub fn error(&self, msg: impl std::fmt::Display) {
        self.say(Kind::Error, msg);
    }

    /// Prints a message of this kind, when the level shows it.
    pub fn say(&self, kind: Kind, msg: impl std::fmt::Display) {
        let Some(line) = log::line(kind, msg) else {
            return;
        };
        match &self.bar {
            Some(b) => b.suspend(|| eprintln!("{line}")),
            None => eprintln!("{line}"),
        }
    }

    /// Removes the bar before the summary is printed.
    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
