//! Command-line arguments (clap derive). Plain data: `cli::config` turns
//! them into a validated configuration before any file is touched.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// Strip scraping debris from web text, and show exactly what was removed.
#[derive(Debug, Parser)]
#[command(
    name = "deboil",
    version,
    about,
    long_about = "Strip scraping debris from web text: navigation, share buttons, comment prompts, \
player timestamps, photo credits, cookie notices, footers. Every removal is made by a named rule \
and can be reviewed as a diff before anything is written.\n\n\
Exit status: 0 success, 1 `diff` found something to remove or `rules test` failed, 2 error.",
    after_help = "Examples:\n  deboil diff article.txt\n  deboil clean article.txt > clean.txt\n  \
deboil clean scraped/ --out cleaned/ -j 8\n  cat page.txt | deboil clean -\n  \
deboil clean --jsonl < pages.jsonl > clean.jsonl\n  deboil rules explain share-button"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Clean files, directories or standard input.
    ///
    /// One file or `-` (stdin) is cleaned to standard output. Directories are
    /// cleaned recursively into the mirror tree given by --out; inputs are
    /// never modified.
    Clean(CleanArgs),
    /// Show what cleaning would remove, as a unified diff annotated with rule ids.
    ///
    /// Each hunk header names the rules behind its removals. Exit status is 1
    /// when anything would change, 0 when nothing would, 2 on error.
    Diff(DiffArgs),
    /// List, explain and test the rules.
    #[command(subcommand)]
    Rules(RulesCommand),
    /// Score cleaning against gold main text (shingle P/R/F1, word F1, snippets, per rule).
    ///
    /// Cleans every INPUT_DIR/<id>.txt in memory and compares it with
    /// GOLD_DIR/<id>.txt, next to the scores of the uncleaned input. With
    /// --pred, scores already-cleaned files instead.
    Eval(EvalArgs),
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Directory of raw page dumps, `<id>.txt`.
    #[arg(value_name = "INPUT_DIR")]
    pub input: Option<PathBuf>,

    /// Directory of gold main texts, `<id>.txt`.
    #[arg(long, value_name = "DIR")]
    pub gold: PathBuf,

    /// JSON Lines with `id`, `page_type`, `with` and `without` snippets per page.
    #[arg(long, value_name = "FILE")]
    pub meta: Option<PathBuf>,

    /// Score these already-cleaned files instead of cleaning INPUT_DIR.
    #[arg(long, value_name = "DIR")]
    pub pred: Option<PathBuf>,

    /// Print the report as JSON.
    #[arg(long)]
    pub json: bool,

    /// Write per-page scores as JSON Lines to this file.
    #[arg(long, value_name = "FILE")]
    pub pages: Option<PathBuf>,

    /// Rows in the per-rule table.
    #[arg(long, default_value_t = 15, value_name = "N")]
    pub worst_rules: usize,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct CleanArgs {
    /// Files or directories to clean; `-` reads standard input (the default
    /// with --jsonl).
    #[arg(value_name = "PATH", required_unless_present = "jsonl")]
    pub paths: Vec<PathBuf>,

    /// Write cleaned files under this directory, mirroring the input tree.
    /// A re-run skips files whose output is up to date (see --force).
    #[arg(short, long, value_name = "DIR", help_heading = "Output")]
    pub out: Option<PathBuf>,

    /// Print one JSON record per file (removals, byte counts) on standard
    /// output; with --out, end with a summary record.
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    /// With --out: clean every file again, even those whose output is up to date.
    #[arg(long, requires = "out", help_heading = "Output")]
    pub force: bool,

    /// Read JSON Lines (one object per line; .gz and .zst files are
    /// decompressed) and clean each object's text field.
    #[arg(long, conflicts_with = "out", help_heading = "JSON Lines")]
    pub jsonl: bool,

    /// The field holding the text to clean.
    #[arg(
        long,
        default_value = "text",
        value_name = "NAME",
        requires = "jsonl",
        help_heading = "JSON Lines"
    )]
    pub field: String,

    /// What to do with a line that is not an object with a string text field.
    #[arg(long, value_enum, default_value_t = OnErrorArg::Pass, value_name = "WHAT", requires = "jsonl", help_heading = "JSON Lines")]
    pub on_error: OnErrorArg,

    /// Write the JSON Lines here instead of standard output (compressed when
    /// the name ends in .gz or .zst; replaced atomically).
    #[arg(
        long,
        value_name = "FILE",
        requires = "jsonl",
        help_heading = "JSON Lines"
    )]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// What `--jsonl` does with a line it cannot clean. Every such line is
/// reported on standard error with its number, and the exit status is 2.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnErrorArg {
    /// Copy the line unchanged, so the output still lines up with the input.
    Pass,
    /// Leave the line out.
    Skip,
    /// Stop at the line.
    Fail,
}

impl From<OnErrorArg> for deboil::batch::jsonl::OnError {
    fn from(a: OnErrorArg) -> deboil::batch::jsonl::OnError {
        use deboil::batch::jsonl::OnError;
        match a {
            OnErrorArg::Pass => OnError::Pass,
            OnErrorArg::Skip => OnError::Skip,
            OnErrorArg::Fail => OnError::Fail,
        }
    }
}

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// Files or directories to diff; `-` reads standard input.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// Lines of context around each change.
    #[arg(
        short = 'U',
        long,
        default_value_t = 3,
        value_name = "N",
        help_heading = "Output"
    )]
    pub context: usize,

    /// Print one JSON record per file (removals, byte counts) instead of the diff.
    #[arg(long, help_heading = "Output")]
    pub json: bool,

    /// When to color the diff.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN", help_heading = "Output")]
    pub color: ColorChoice,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// Options shared by the commands that clean.
#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Add the rules in this file or directory of *.toml files (repeatable).
    #[arg(long = "rules", value_name = "PATH", help_heading = "Rules")]
    pub rules: Vec<PathBuf>,

    /// How much to risk for precision: which rules run.
    #[arg(long, value_enum, default_value_t = ProfileArg::Balanced, help_heading = "Rules")]
    pub profile: ProfileArg,

    /// Run only these rule ids or categories (comma-separated, repeatable).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID|CATEGORY",
        help_heading = "Rules"
    )]
    pub select: Vec<String>,

    /// Skip these rule ids or categories (comma-separated, repeatable).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID|CATEGORY",
        help_heading = "Rules"
    )]
    pub ignore: Vec<String>,

    /// Only files matching this glob (gitignore syntax, `!` excludes; repeatable).
    #[arg(long, value_name = "GLOB", help_heading = "Input")]
    pub glob: Vec<String>,

    /// Refuse files (and JSON lines) larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 30, help_heading = "Input")]
    pub max_size: u64,

    /// Worker threads (default: all cores).
    #[arg(short = 'j', long, value_name = "N", help_heading = "Input")]
    pub threads: Option<usize>,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// List every rule: id, category, scope, profiles and summary.
    List(RulesListArgs),
    /// Show one rule in full: what it matches, its options and examples.
    Explain(RulesExplainArgs),
    /// Run every rule's own examples; report every failure.
    Test(RulesTestArgs),
}

#[derive(Debug, Args)]
pub struct RulesListArgs {
    /// Add the rules in this file or directory (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct RulesExplainArgs {
    /// The rule id.
    pub id: String,
    /// Add the rules in this file or directory (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct RulesTestArgs {
    /// Add the rules in this file or directory (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rules: Vec<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Color when standard output is a terminal and NO_COLOR is not set.
    Auto,
    /// Always color.
    Always,
    /// Never color.
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProfileArg {
    /// Only literal debris that can hardly occur in article text.
    Safe,
    /// The default trade-off.
    Balanced,
    /// Favour removing debris over keeping borderline text.
    Aggressive,
}

impl From<ProfileArg> for deboil::Profile {
    fn from(p: ProfileArg) -> deboil::Profile {
        match p {
            ProfileArg::Safe => deboil::Profile::Safe,
            ProfileArg::Balanced => deboil::Profile::Balanced,
            ProfileArg::Aggressive => deboil::Profile::Aggressive,
        }
    }
}
