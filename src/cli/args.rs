//! Command-line arguments (clap derive). Plain data: `cli::config` fills
//! in what the command line left unset from the configuration file, and the
//! commands validate the result before any file is touched.

use clap::{Args, Parser, Subcommand, ValueEnum};
use deboil_cli::batch::EncodingChoice;
use std::path::PathBuf;

pub(super) fn parse_encoding(label: &str) -> Result<EncodingChoice, String> {
    EncodingChoice::parse(label).ok_or_else(|| {
        format!(
            "unknown encoding {label:?}: use auto, or a WHATWG label such as utf-8, \
             windows-1252, latin1, utf-16le, utf-16be, shift_jis, gbk"
        )
    })
}

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
deboil clean --jsonl < pages.jsonl > clean.jsonl\n  deboil rules explain share-button\n\n\
Settings: flags win over the configuration file (deboil.toml, or [tool.deboil] in \
pyproject.toml, the first found from the working directory up; see --config and --isolated), \
and the file over the built-in defaults."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// Read settings from this file (a deboil.toml, or a pyproject.toml's
    /// [tool.deboil]) instead of searching for one from the working
    /// directory up.
    #[arg(
        long,
        global = true,
        value_name = "FILE",
        conflicts_with = "isolated",
        help_heading = "Configuration"
    )]
    pub config: Option<PathBuf>,

    /// Read no configuration file: only flags and built-in defaults.
    #[arg(long, global = true, help_heading = "Configuration")]
    pub isolated: bool,

    /// Print errors only: no warnings, summaries or progress bar.
    #[arg(
        short,
        long,
        global = true,
        conflicts_with = "verbose",
        help_heading = "Messages"
    )]
    pub quiet: bool,

    /// Print more: which configuration file was read and what it set, a
    /// note on each file `clean --out` writes or finds up to date.
    #[arg(short, long, global = true, help_heading = "Messages")]
    pub verbose: bool,
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
    /// Propose removals for review: write a plan file and nothing else.
    ///
    /// The plan (JSON) records, per file, its path, a BLAKE3 hash of its
    /// bytes and every proposed removal (rule, byte span, text), all
    /// undecided. Decide with `deboil review`, write with `deboil apply`.
    Plan(PlanArgs),
    /// Decide which removals of a plan to accept: interactively, or by flags.
    ///
    /// On a terminal, opens the review screen (press ? there for the keys);
    /// every decision is saved into the plan as it is made. The flags decide
    /// without a terminal, in this order: --reset; --reject-rule and
    /// --accept-rule (every removal of the rule); --accept-file and
    /// --reject-file (the file's undecided removals); --accept-all and
    /// --reject-all (every undecided removal). `apply` writes only accepted
    /// removals.
    Review(ReviewArgs),
    /// Write the files of a plan with its accepted removals.
    ///
    /// Each file is re-read and must still hash to the plan's value; a file
    /// changed since the plan is refused, left untouched, and makes the exit
    /// status 2 (the other files are still written). Undecided removals are
    /// not applied unless --accept-undecided.
    Apply(ApplyArgs),
    /// Learn a corpus's boilerplate: write the lines that repeat across
    /// documents of a group (a site) as a rule pack.
    ///
    /// Pass 1 counts folded lines (case, whitespace and digit runs folded)
    /// and pairs of adjacent lines per group in a fixed-size count-min
    /// sketch, once per document; pass 2 counts the lines that may qualify
    /// exactly. A line is learned only where it mostly sits beside a line
    /// (or a document edge) repeated with it. The pack holds one rule
    /// `learned.<group>` per group: read it, edit it, and pass it back with
    /// `--rules`. Files are grouped by their directory, by the host of
    /// their URL (--group-by host: a first line `URL: ...`, or --urls) or
    /// all in one (--group-by all); JSON Lines by a field (--group-by
    /// FIELD; a URL groups by its host).
    Learn(LearnArgs),
    /// Write one self-contained HTML page showing what cleaning removes.
    ///
    /// From files and directories (cleaned in memory), or from one plan file
    /// (its removals and decisions). The page needs no network: summary,
    /// per-category and per-rule counts, every file's removals highlighted
    /// in context, filters and search.
    Report(ReportArgs),
    /// Print a shell completion script on standard output.
    ///
    /// For example: `deboil completions bash > ~/.local/share/bash-completion/completions/deboil`,
    /// `deboil completions zsh > ~/.zfunc/_deboil`, `deboil completions fish >
    /// ~/.config/fish/completions/deboil.fish`.
    Completions(CompletionsArgs),
    /// Print the manual page (roff) on standard output.
    ///
    /// For example: `deboil man > ~/.local/share/man/man1/deboil.1`, or
    /// `deboil man | man -l -`.
    Man,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub struct LearnArgs {
    /// Files or directories (or JSON Lines files with --jsonl; .gz and .zst
    /// are decompressed). Read twice, so standard input is not accepted.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// The rule pack to write (`-`: standard output).
    #[arg(short, long, value_name = "FILE", help_heading = "Output")]
    pub output: PathBuf,

    /// Read JSON Lines: one document per line, its text in --field.
    #[arg(long, help_heading = "JSON Lines")]
    pub jsonl: bool,

    /// The field holding the text.
    #[arg(
        long,
        default_value = "text",
        value_name = "NAME",
        requires = "jsonl",
        help_heading = "JSON Lines"
    )]
    pub field: String,

    /// How documents are grouped. Files: `dir` (the directory holding the
    /// file; the default), `host` (the host of the file's URL: its first
    /// line `URL: ...`, or --urls), `all` (one group). JSON Lines: the field
    /// naming each document's group (a URL groups by its host); without
    /// it, one group.
    #[arg(long, value_name = "dir|host|all|FIELD", help_heading = "Input")]
    pub group_by: Option<String>,

    /// With --group-by host: a file of `PATH<TAB>URL` lines giving each
    /// file's URL (else read from a first line `URL: ...`).
    #[arg(long, value_name = "FILE", help_heading = "Input")]
    pub urls: Option<PathBuf>,

    /// How files are grouped (older spelling of --group-by dir|all).
    #[arg(long, value_enum, default_value_t = GroupArg::Dir, value_name = "HOW", hide = true, conflicts_with = "group_by")]
    pub group: GroupArg,

    #[command(flatten)]
    pub learn: LearnOpts,

    #[command(flatten)]
    pub common: CommonArgs,
}

/// How files are grouped when learning.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum GroupArg {
    /// By the directory holding the file (relative to the path given).
    Dir,
    /// All files are one group.
    All,
}

/// Settings of learning, shared by `learn`, `clean --learn` and `eval --learn`.
#[derive(Debug, Args)]
pub struct LearnOpts {
    /// A line must occur in at least this many documents of its group.
    #[arg(long, default_value_t = 2, value_name = "K", help_heading = "Learning")]
    pub min_docs: usize,

    /// ...and in at least this share of the group's documents.
    #[arg(
        long,
        default_value_t = 0.5,
        value_name = "SHARE",
        help_heading = "Learning"
    )]
    pub min_share: f64,

    /// Groups with fewer documents learn nothing.
    #[arg(long, default_value_t = 2, value_name = "N", help_heading = "Learning")]
    pub min_group_docs: usize,

    /// Columns of the count-min sketch (4 rows of 4-byte counters).
    #[arg(long, default_value_t = 1 << 23, value_name = "N", help_heading = "Learning")]
    pub sketch_width: usize,

    /// Most lines counted exactly in pass 2 (bounds its memory).
    #[arg(
        long,
        default_value_t = 2_000_000,
        value_name = "N",
        help_heading = "Learning"
    )]
    pub max_candidates: usize,
}

impl LearnOpts {
    /// The library's options.
    pub fn options(&self) -> anyhow::Result<deboil::learn::LearnOptions> {
        anyhow::ensure!(
            (0.0..=1.0).contains(&self.min_share),
            "--min-share must be a share between 0 and 1, got {}",
            self.min_share
        );
        anyhow::ensure!(self.min_docs >= 2, "--min-docs must be at least 2");
        Ok(deboil::learn::LearnOptions {
            min_docs: self.min_docs,
            min_share: self.min_share,
            min_group_docs: self.min_group_docs.max(self.min_docs),
            sketch_width: self.sketch_width,
            max_candidates: self.max_candidates,
            ..deboil::learn::LearnOptions::default()
        })
    }
}

/// The learning flags of the commands that clean (`clean`, `diff`, `plan`,
/// `report`): one definition, so that each learns and groups as `clean
/// --learn` does and shows exactly what it would remove.
#[derive(Debug, Args)]
pub struct LearningArgs {
    /// Learn the inputs' boilerplate first (see `deboil learn`; the inputs
    /// are read twice) and clean with the learned rules (`learned.*`) too.
    #[arg(long, help_heading = "Learning")]
    pub learn: bool,

    /// With --learn, also write the learned rule pack here.
    #[arg(
        long,
        value_name = "FILE",
        requires = "learn",
        help_heading = "Learning"
    )]
    pub learn_save: Option<PathBuf>,

    /// Each document's group, for learning and for the rules learned per
    /// group (`deboil learn --group-by`). Files: `dir` (the directory
    /// holding the file; the default), `host` (the host of the file's URL:
    /// its first line `URL: ...`, or --urls), `all`. JSON Lines: the field
    /// naming the group (a URL groups by its host).
    #[arg(long, value_name = "dir|host|all|FIELD", help_heading = "Learning")]
    pub group_by: Option<String>,

    /// With --group-by host: a file of `PATH<TAB>URL` lines giving each
    /// file's URL (else read from a first line `URL: ...`).
    #[arg(long, value_name = "FILE", help_heading = "Learning")]
    pub urls: Option<PathBuf>,

    /// With --learn, how files are grouped (older spelling of --group-by dir|all).
    #[arg(long, value_enum, default_value_t = GroupArg::Dir, value_name = "HOW", requires = "learn", hide = true, conflicts_with = "group_by")]
    pub group: GroupArg,

    #[command(flatten)]
    pub opts: LearnOpts,
}

impl LearningArgs {
    /// How files are grouped (`--group-by`, `--group`, `--urls`).
    pub fn grouping(&self) -> anyhow::Result<deboil_cli::group::Grouping> {
        super::inputs::grouping(self.group_by.as_deref(), self.group, self.urls.as_deref())
    }
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Files or directories to plan for.
    #[arg(value_name = "PATH", required = true)]
    pub paths: Vec<PathBuf>,

    /// The plan file to write.
    #[arg(short, long, value_name = "PLAN", help_heading = "Output")]
    pub output: PathBuf,

    #[command(flatten)]
    pub learning: LearningArgs,

    #[command(flatten)]
    pub common: CommonArgs,
}

#[derive(Debug, Args)]
pub struct ReviewArgs {
    /// The plan file (decisions are saved back into it).
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,

    /// Accept every undecided removal.
    #[arg(
        long,
        conflicts_with = "reject_all",
        help_heading = "Without a terminal"
    )]
    pub accept_all: bool,

    /// Reject every undecided removal.
    #[arg(long, help_heading = "Without a terminal")]
    pub reject_all: bool,

    /// Reject every removal of this rule, in every file (comma-separated, repeatable).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID",
        help_heading = "Without a terminal"
    )]
    pub reject_rule: Vec<String>,

    /// Accept every removal of this rule, in every file (comma-separated, repeatable).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "ID",
        help_heading = "Without a terminal"
    )]
    pub accept_rule: Vec<String>,

    /// Accept the undecided removals of this file (its path as in the plan; repeatable).
    #[arg(long, value_name = "PATH", help_heading = "Without a terminal")]
    pub accept_file: Vec<PathBuf>,

    /// Reject the undecided removals of this file (its path as in the plan; repeatable).
    #[arg(long, value_name = "PATH", help_heading = "Without a terminal")]
    pub reject_file: Vec<PathBuf>,

    /// Make every removal undecided again first.
    #[arg(long, help_heading = "Without a terminal")]
    pub reset: bool,

    /// Lines of context around each change on the review screen.
    #[arg(short = 'U', long, default_value_t = 3, value_name = "N")]
    pub context: usize,
}

impl ReviewArgs {
    /// True when any flag decides without the review screen.
    pub fn decides(&self) -> bool {
        self.accept_all
            || self.reject_all
            || self.reset
            || !self.reject_rule.is_empty()
            || !self.accept_rule.is_empty()
            || !self.accept_file.is_empty()
            || !self.reject_file.is_empty()
    }
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("target").required(true).args(["out", "in_place"]))]
pub struct ApplyArgs {
    /// The plan file.
    #[arg(value_name = "PLAN")]
    pub plan: PathBuf,

    /// Write the cleaned files under this directory, mirroring the planned tree.
    #[arg(short, long, value_name = "DIR", help_heading = "Output")]
    pub out: Option<PathBuf>,

    /// Rewrite the input files themselves (each atomically: temporary file, then rename).
    #[arg(long, help_heading = "Output")]
    pub in_place: bool,

    /// With --in-place, keep each original beside it as PATH + SUFFIX.
    #[arg(
        long,
        value_name = "SUFFIX",
        requires = "in_place",
        help_heading = "Output"
    )]
    pub backup: Option<String>,

    /// Also apply the removals the review left undecided.
    #[arg(long)]
    pub accept_undecided: bool,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Files or directories to clean in memory, or one plan file.
    #[arg(value_name = "PATH|PLAN", required = true)]
    pub paths: Vec<PathBuf>,

    /// The HTML file to write.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub html: PathBuf,

    /// Lines of context around each change.
    #[arg(
        short = 'U',
        long,
        default_value_t = 3,
        value_name = "N",
        help_heading = "Output"
    )]
    pub context: usize,

    #[command(flatten)]
    pub learning: LearningArgs,

    #[command(flatten)]
    pub common: CommonArgs,
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

    /// Clean each page with the content model fitted without it: DIR holds
    /// `fold-N.bin` models and `folds.tsv` (`<id>\t<N>` lines), as
    /// `examples/fit_model.rs --cv-dir DIR` writes them. Pages not listed
    /// are an error. Gives cross-validated scores through the real pipeline.
    #[arg(long, value_name = "DIR")]
    pub cv_models: Option<PathBuf>,

    /// Learn the corpus's boilerplate first (grouped by URL host with
    /// --meta, else one group) and clean with the learned rules too.
    #[arg(long, help_heading = "Learning")]
    pub learn: bool,

    /// With --learn, write the learned rule pack here.
    #[arg(
        long,
        value_name = "FILE",
        requires = "learn",
        help_heading = "Learning"
    )]
    pub learn_save: Option<PathBuf>,

    #[command(flatten)]
    pub learn_opts: LearnOpts,

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

    #[command(flatten)]
    pub learning: LearningArgs,

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

impl From<OnErrorArg> for deboil::jsonl::OnError {
    fn from(a: OnErrorArg) -> deboil::jsonl::OnError {
        use deboil::jsonl::OnError;
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
    pub learning: LearningArgs,

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

    /// Withhold heuristic removals from a document when all rules together
    /// would remove more than this share (0..1) of its text.
    #[arg(long, value_name = "SHARE", default_value_t = deboil::engine::DEFAULT_GUARD, help_heading = "Rules")]
    pub guard: f64,

    /// Turn the safety guard off.
    #[arg(long, help_heading = "Rules")]
    pub no_guard: bool,

    /// Only files matching this glob (gitignore syntax, `!` excludes; repeatable).
    #[arg(long, value_name = "GLOB", help_heading = "Input")]
    pub glob: Vec<String>,

    /// Refuse files (and JSON lines) larger than this many bytes.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 30, help_heading = "Input")]
    pub max_size: u64,

    /// Encoding of the input files: `auto` (UTF-8; UTF-16 by its byte-order
    /// mark; anything else guessed, with a warning naming the guess), or a
    /// WHATWG label to force: `utf-8` (refuse anything else),
    /// `windows-1252`, `latin1`, `utf-16le`, `shift_jis`... Output is UTF-8.
    #[arg(long, value_name = "LABEL", default_value = "auto", value_parser = parse_encoding, help_heading = "Input")]
    pub encoding: EncodingChoice,

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
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
