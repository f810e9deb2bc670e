//! The library's error type.
//!
//! [`Error`] is opaque (its kind is private, so variants can change); rule
//! problems carry every [`Diagnostic`] found, each with its file, line,
//! column and rule id, so a user fixes a rule pack in one pass.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

/// A problem found in a rule file, located as precisely as the TOML allows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The rule file (`rules/share.toml`, or `<builtin>/share.toml`).
    pub file: String,
    /// 1-based line, 0 when unknown.
    pub line: usize,
    /// 1-based column, 0 when unknown.
    pub col: usize,
    /// The rule's id when the problem belongs to one rule.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.col)?;
        }
        if let Some(rule) = &self.rule {
            write!(f, ": rule {rule:?}")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// Any error the deboil library reports.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    Rules(Vec<Diagnostic>),
    Io {
        path: PathBuf,
        err: io::Error,
    },
    Input {
        path: PathBuf,
        reason: String,
    },
    /// A problem on one line of a file the user wrote (a `--urls` map).
    Line {
        path: PathBuf,
        line: usize,
        reason: String,
    },
    /// A setting out of its range (the guard).
    Setting(String),
}

impl Error {
    pub(crate) fn rules(diagnostics: Vec<Diagnostic>) -> Error {
        debug_assert!(!diagnostics.is_empty());
        Error {
            kind: ErrorKind::Rules(diagnostics),
        }
    }

    /// Reading or writing `path` failed.
    pub fn io(path: &Path, err: io::Error) -> Error {
        Error {
            kind: ErrorKind::Io {
                path: path.to_path_buf(),
                err,
            },
        }
    }

    /// `path` cannot be used, for `reason`.
    pub fn input(path: &Path, reason: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Input {
                path: path.to_path_buf(),
                reason: reason.into(),
            },
        }
    }

    /// Line `line` (1-based) of `path` is wrong, for `reason`.
    pub fn at_line(path: &Path, line: usize, reason: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Line {
                path: path.to_path_buf(),
                line,
                reason: reason.into(),
            },
        }
    }

    /// A setting is out of its range, for `reason`.
    pub fn setting(reason: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Setting(reason.into()),
        }
    }

    /// True when a setting was out of its range (such as a guard that is
    /// not a share between 0 and 1), rather than a rule or file problem.
    pub fn is_setting(&self) -> bool {
        matches!(self.kind, ErrorKind::Setting(_))
    }

    /// The rule-file problems behind this error (empty for other errors).
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match &self.kind {
            ErrorKind::Rules(d) => d,
            _ => &[],
        }
    }

    /// The I/O error behind this error, if it is one.
    pub fn io_error(&self) -> Option<&io::Error> {
        match &self.kind {
            ErrorKind::Io { err, .. } => Some(err),
            _ => None,
        }
    }

    /// The file this error is about, when it is about one input file.
    pub fn path(&self) -> Option<&Path> {
        match &self.kind {
            ErrorKind::Io { path, .. }
            | ErrorKind::Input { path, .. }
            | ErrorKind::Line { path, .. } => Some(path),
            ErrorKind::Rules(_) | ErrorKind::Setting(_) => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Rules(diags) => {
                for (i, d) in diags.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "{d}")?;
                }
                Ok(())
            }
            ErrorKind::Io { path, err } => write!(f, "{}: {err}", path.display()),
            ErrorKind::Input { path, reason } => write!(f, "{}: {reason}", path.display()),
            ErrorKind::Line { path, line, reason } => {
                write!(f, "{}:{line}: {reason}", path.display())
            }
            ErrorKind::Setting(reason) => f.write_str(reason),
        }
    }
}

// Display already includes the I/O error's text, so `source` stays `None`:
// error reporters that walk the chain would otherwise print it twice.
impl std::error::Error for Error {}

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
