//! The configuration file: where it is, what it may hold, and how it fills
//! in the flags the command line left unset.
//!
//! A `deboil.toml`, or the `[tool.deboil]` table of a `pyproject.toml`, is
//! looked for in the working directory and then in each parent, as ruff
//! does: in each directory `deboil.toml` first, then a `pyproject.toml`
//! that has a `[tool.deboil]` table (one without it is passed over); the
//! first found is the only one read. `--config FILE` names the file
//! instead, `--isolated` reads none.
//!
//! Precedence: a flag given on the command line, then the file, then the
//! built-in default. The one exception is `rules`: rule packs add up, so
//! the file's packs load first and `--rules` adds to them.
//!
//! Every key is checked: an unknown key, a wrong type or an out-of-range
//! value is an error naming `file:line:col`. Rule pack paths are relative to
//! the file. The file is the binary's business alone: the library takes
//! explicit settings, so it stays free of search paths and working
//! directories.

use super::args::{
    Command, CommonArgs, GroupArg, LearnOpts, LearningArgs, ProfileArg, RulesCommand,
};
use anyhow::{Context, bail};
use clap::ArgMatches;
use clap::parser::ValueSource;
use deboil_cli::batch::EncodingChoice;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The configuration file's own name.
pub const FILE_NAME: &str = "deboil.toml";
/// Python projects' file, read when it has a `[tool.deboil]` table.
pub const PYPROJECT: &str = "pyproject.toml";

/// The settings a configuration file may hold (the keys are documented in
/// GUIDE.md, "Configuration file"; keep the two in step).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Settings {
    /// `--profile`.
    pub profile: Option<ProfileArg>,
    /// `--select`.
    pub select: Option<Vec<String>>,
    /// `--ignore`.
    pub ignore: Option<Vec<String>>,
    /// `--rules`: rule packs, relative to the file.
    pub rules: Option<Vec<Spanned<PathBuf>>>,
    /// `--guard SHARE`, or `false` for `--no-guard`.
    #[serde(default, deserialize_with = "guard")]
    pub guard: Option<Guard>,
    /// `--encoding`.
    #[serde(default, deserialize_with = "encoding")]
    pub encoding: Option<EncodingChoice>,
    /// The `[learn]` table.
    pub learn: Option<LearnSettings>,
}

/// The `[learn]` table: the learning flags of `learn`, of `clean`, `diff`,
/// `plan` and `report` (with or without `--learn`: `group-by` also says
/// which documents the rules learned per group apply to) and of `eval
/// --learn` (which takes the thresholds, not the grouping).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct LearnSettings {
    /// `--min-docs` (at least 2).
    #[serde(default, deserialize_with = "min_docs")]
    pub min_docs: Option<usize>,
    /// `--min-share` (0..1).
    #[serde(default, deserialize_with = "share")]
    pub min_share: Option<f64>,
    /// `--min-group-docs`.
    pub min_group_docs: Option<usize>,
    /// `--sketch-width`.
    pub sketch_width: Option<usize>,
    /// `--max-candidates`.
    pub max_candidates: Option<usize>,
    /// `--group` (`dir` or `all`; the older spelling of `group-by`).
    pub group: Option<GroupArg>,
    /// `--group-by`: `dir`, `host` or `all` for files, a field name for
    /// JSON Lines.
    pub group_by: Option<Spanned<String>>,
}

/// The safety guard as the file sets it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Guard {
    /// `guard = false`: `--no-guard`.
    Off,
    /// `guard = 0.6`: `--guard 0.6` (`true`: the default share).
    Share(f64),
}

fn guard<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Guard>, D::Error> {
    struct V;
    impl Visitor<'_> for V {
        type Value = Guard;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a share between 0 and 1, or false to turn the guard off")
        }
        fn visit_bool<E: de::Error>(self, on: bool) -> Result<Guard, E> {
            Ok(if on {
                Guard::Share(deboil::engine::DEFAULT_GUARD)
            } else {
                Guard::Off
            })
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Guard, E> {
            check_share(v).map(Guard::Share)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Guard, E> {
            self.visit_f64(v as f64)
        }
    }
    d.deserialize_any(V).map(Some)
}

fn check_share<E: de::Error>(v: f64) -> Result<f64, E> {
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(E::custom(format!("{v} is not a share between 0 and 1")))
    }
}

fn share<'de, D: Deserializer<'de>>(d: D) -> Result<Option<f64>, D::Error> {
    check_share(f64::deserialize(d)?).map(Some)
}

fn min_docs<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    let n = usize::deserialize(d)?;
    if n < 2 {
        return Err(de::Error::custom(format!(
            "min-docs must be at least 2, got {n}"
        )));
    }
    Ok(Some(n))
}

fn encoding<'de, D: Deserializer<'de>>(d: D) -> Result<Option<EncodingChoice>, D::Error> {
    let label = String::deserialize(d)?;
    super::args::parse_encoding(&label)
        .map(Some)
        .map_err(de::Error::custom)
}

/// `pyproject.toml`: only `[tool.deboil]` is read; every other key is left
/// to its own tool.
#[derive(Deserialize)]
struct Pyproject {
    tool: Option<Tool>,
}

#[derive(Deserialize)]
struct Tool {
    deboil: Option<Settings>,
}

/// A configuration file, read and checked.
#[derive(Debug)]
pub struct Config {
    /// The file (absolute).
    pub path: PathBuf,
    /// What it sets.
    pub settings: Settings,
    /// Its rule packs, resolved against its directory.
    pub packs: Vec<PathBuf>,
}

/// Where a configuration came from, for `-v`.
#[derive(Debug)]
pub enum Origin {
    /// `--isolated`.
    Isolated,
    /// Nothing found from this directory up.
    NotFound(PathBuf),
    /// This file.
    File(Box<Config>),
}

/// Finds and reads the configuration: `--config FILE`, or the first file
/// found from `cwd` up, or none with `--isolated`.
pub fn resolve(named: Option<&Path>, isolated: bool, cwd: &Path) -> anyhow::Result<Origin> {
    if isolated {
        return Ok(Origin::Isolated);
    }
    if let Some(path) = named {
        let path = std::path::absolute(path)
            .with_context(|| format!("cannot resolve --config {}", path.display()))?;
        return match read(&path)? {
            Some(c) => Ok(Origin::File(Box::new(c))),
            None => bail!(
                "{}: no [tool.deboil] table in this file (--config)",
                path.display()
            ),
        };
    }
    for dir in cwd.ancestors() {
        for name in [FILE_NAME, PYPROJECT] {
            let path = dir.join(name);
            if path.is_file() {
                if let Some(c) = read(&path)? {
                    return Ok(Origin::File(Box::new(c)));
                }
            }
        }
    }
    Ok(Origin::NotFound(cwd.to_path_buf()))
}

/// Reads one file: a `pyproject.toml` by its `[tool.deboil]` table (`None`
/// without one), any other file as a `deboil.toml`.
pub fn read(path: &Path) -> anyhow::Result<Option<Config>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read the configuration file {}", path.display()))?;
    let settings = if path.file_name().is_some_and(|n| n == PYPROJECT) {
        let p: Pyproject = toml::from_str(&text).map_err(|e| located(path, &text, &e))?;
        match p.tool.and_then(|t| t.deboil) {
            Some(s) => s,
            None => return Ok(None),
        }
    } else {
        toml::from_str(&text).map_err(|e| located(path, &text, &e))?
    };
    if let Some(l) = &settings.learn {
        if let (Some(_), Some(by)) = (&l.group, &l.group_by) {
            bail!(
                "{}: set one of `group` and `group-by` (`group` is the older spelling)",
                position(path, &text, by.span())
            );
        }
        if let Some(by) = l.group_by.as_ref().filter(|b| b.get_ref().is_empty()) {
            bail!(
                "{}: group-by names `dir`, `host`, `all` or a JSON Lines field, not nothing",
                position(path, &text, by.span())
            );
        }
    }
    let dir = path.parent().unwrap_or(Path::new(""));
    let mut packs = Vec::new();
    for p in settings.rules.iter().flatten() {
        let resolved = dir.join(p.get_ref());
        if !resolved.exists() {
            bail!(
                "{}: rule pack {} not found (paths are relative to the configuration file)",
                position(path, &text, p.span()),
                resolved.display()
            );
        }
        packs.push(resolved);
    }
    Ok(Some(Config {
        path: path.to_path_buf(),
        settings,
        packs,
    }))
}

/// A TOML or schema error as `file:line:col: reason`.
fn located(path: &Path, text: &str, e: &toml::de::Error) -> anyhow::Error {
    let at = match e.span() {
        Some(span) => position(path, text, span),
        None => path.display().to_string(),
    };
    anyhow::anyhow!("{at}: {}", e.message().trim_end())
}

/// `file:line:col` of a byte span's start (line and column from 1; the
/// column counts characters).
fn position(path: &Path, text: &str, span: Range<usize>) -> String {
    let start = span.start.min(text.len());
    let before = text.get(..start).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before[line_start..].chars().count() + 1;
    format!("{}:{line}:{col}", path.display())
}

/// True when the argument `id` of these matches was given on the command
/// line (not defaulted). Asking clap about an id a command does not have
/// would panic in debug builds, hence the `ids` check first.
fn given(m: &ArgMatches, id: &str) -> bool {
    m.ids().any(|i| i.as_str() == id) && m.value_source(id) == Some(ValueSource::CommandLine)
}

impl Config {
    /// Fills in the settings of `command` that its command line (`matches`,
    /// the whole command line's) left unset. Returns the keys that took
    /// effect, for `-v`.
    pub fn apply(&self, command: &mut Command, matches: &ArgMatches) -> Vec<&'static str> {
        let mut applied = Vec::new();
        let Some((_, m)) = matches.subcommand() else {
            return applied;
        };
        match command {
            Command::Clean(a) => {
                self.common(&mut a.common, m, &mut applied);
                self.learning(&mut a.learning, m, &mut applied);
            }
            Command::Learn(a) => {
                self.common(&mut a.common, m, &mut applied);
                self.learn(&mut a.learn, m, &mut applied);
                self.group(&mut a.group, &mut a.group_by, m, &mut applied);
            }
            Command::Eval(a) => {
                self.common(&mut a.common, m, &mut applied);
                self.learn(&mut a.learn_opts, m, &mut applied);
            }
            Command::Diff(a) => {
                self.common(&mut a.common, m, &mut applied);
                self.learning(&mut a.learning, m, &mut applied);
            }
            Command::Plan(a) => {
                self.common(&mut a.common, m, &mut applied);
                self.learning(&mut a.learning, m, &mut applied);
            }
            Command::Report(a) => {
                self.common(&mut a.common, m, &mut applied);
                self.learning(&mut a.learning, m, &mut applied);
            }
            Command::Rules(r) => {
                let rules = match r {
                    RulesCommand::List(a) => &mut a.rules,
                    RulesCommand::Explain(a) => &mut a.rules,
                    RulesCommand::Test(a) => &mut a.rules,
                };
                self.packs(rules, &mut applied);
            }
            Command::Review(_) | Command::Apply(_) | Command::Completions(_) | Command::Man => {}
        }
        applied
    }

    fn packs(&self, rules: &mut Vec<PathBuf>, applied: &mut Vec<&'static str>) {
        if !self.packs.is_empty() {
            // The file's packs first, then --rules: packs add up.
            rules.splice(0..0, self.packs.iter().cloned());
            applied.push("rules");
        }
    }

    fn common(&self, c: &mut CommonArgs, m: &ArgMatches, applied: &mut Vec<&'static str>) {
        let s = &self.settings;
        self.packs(&mut c.rules, applied);
        if let Some(p) = s.profile.filter(|_| !given(m, "profile")) {
            c.profile = p;
            applied.push("profile");
        }
        if let Some(v) = s.select.as_ref().filter(|_| !given(m, "select")) {
            c.select = v.clone();
            applied.push("select");
        }
        if let Some(v) = s.ignore.as_ref().filter(|_| !given(m, "ignore")) {
            c.ignore = v.clone();
            applied.push("ignore");
        }
        // --guard and --no-guard are one setting: either flag overrides the key.
        if let Some(g) = s
            .guard
            .filter(|_| !given(m, "guard") && !given(m, "no_guard"))
        {
            match g {
                Guard::Off => c.no_guard = true,
                Guard::Share(share) => c.guard = share,
            }
            applied.push("guard");
        }
        if let Some(e) = s.encoding.filter(|_| !given(m, "encoding")) {
            c.encoding = e;
            applied.push("encoding");
        }
    }

    fn learn(&self, l: &mut LearnOpts, m: &ArgMatches, applied: &mut Vec<&'static str>) {
        let Some(s) = &self.settings.learn else {
            return;
        };
        let mut set = |v: Option<usize>, id: &str, key: &'static str, field: &mut usize| {
            if let Some(v) = v.filter(|_| !given(m, id)) {
                *field = v;
                applied.push(key);
            }
        };
        set(s.min_docs, "min_docs", "learn.min-docs", &mut l.min_docs);
        set(
            s.min_group_docs,
            "min_group_docs",
            "learn.min-group-docs",
            &mut l.min_group_docs,
        );
        set(
            s.sketch_width,
            "sketch_width",
            "learn.sketch-width",
            &mut l.sketch_width,
        );
        set(
            s.max_candidates,
            "max_candidates",
            "learn.max-candidates",
            &mut l.max_candidates,
        );
        if let Some(v) = s.min_share.filter(|_| !given(m, "min_share")) {
            l.min_share = v;
            applied.push("learn.min-share");
        }
    }

    /// The learning flags of `clean`, `diff`, `plan` and `report`.
    fn learning(&self, l: &mut LearningArgs, m: &ArgMatches, applied: &mut Vec<&'static str>) {
        self.learn(&mut l.opts, m, applied);
        self.group(&mut l.group, &mut l.group_by, m, applied);
    }

    /// `group-by` and its older spelling `group`: one setting, so either
    /// flag overrides either key (`read` refuses a file with both).
    fn group(
        &self,
        g: &mut GroupArg,
        group_by: &mut Option<String>,
        m: &ArgMatches,
        applied: &mut Vec<&'static str>,
    ) {
        let Some(l) = &self.settings.learn else {
            return;
        };
        if given(m, "group") || given(m, "group_by") {
            return;
        }
        if let Some(v) = l.group {
            *g = v;
            applied.push("learn.group");
        }
        if let Some(v) = &l.group_by {
            *group_by = Some(v.get_ref().clone());
            applied.push("learn.group-by");
        }
    }
}

impl Command {
    /// Whether the command reads the configuration file (those that clean
    /// or load rules; `review` and `apply` work from a plan, completions
    /// and the manual from the definition alone).
    pub fn uses_config(&self) -> bool {
        !matches!(
            self,
            Command::Review(_) | Command::Apply(_) | Command::Completions(_) | Command::Man
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        fs::write(&path, text).unwrap();
        path
    }

    fn error_of(dir: &Path, name: &str, text: &str) -> String {
        let path = write(dir, name, text);
        format!("{:#}", read(&path).unwrap_err())
    }

    #[test]
    fn every_key_reads() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("pack.toml"), "").unwrap();
        let path = write(
            dir.path(),
            FILE_NAME,
            "profile = \"aggressive\"\nselect = [\"share-button\"]\nignore = [\"credits\"]\n\
             rules = [\"pack.toml\"]\nguard = 0.7\nencoding = \"latin1\"\n\
             [learn]\nmin-docs = 3\nmin-share = 0.25\nmin-group-docs = 4\n\
             sketch-width = 1024\nmax-candidates = 99\ngroup = \"all\"\n",
        );
        let c = read(&path).unwrap().unwrap();
        let s = &c.settings;
        assert_eq!(s.profile, Some(ProfileArg::Aggressive));
        assert_eq!(s.select.as_deref(), Some(&["share-button".to_owned()][..]));
        assert_eq!(s.ignore.as_deref(), Some(&["credits".to_owned()][..]));
        assert_eq!(s.guard, Some(Guard::Share(0.7)));
        assert!(matches!(s.encoding, Some(EncodingChoice::Force(e)) if e.name() == "windows-1252"));
        let l = s.learn.as_ref().unwrap();
        assert_eq!(
            (
                l.min_docs,
                l.min_share,
                l.min_group_docs,
                l.sketch_width,
                l.max_candidates
            ),
            (Some(3), Some(0.25), Some(4), Some(1024), Some(99))
        );
        assert_eq!(l.group, Some(GroupArg::All));
        assert_eq!(c.packs, [dir.path().join("pack.toml")]);
    }

    #[test]
    fn errors_name_file_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME).display().to_string();
        let e = error_of(dir.path(), FILE_NAME, "profile = \"safe\"\n\ncolour = 1\n");
        assert!(
            e.starts_with(&format!("{p}:3:1: unknown field `colour`")),
            "{e}"
        );
        let e = error_of(dir.path(), FILE_NAME, "profile = \"fast\"\n");
        assert!(
            e.starts_with(&format!("{p}:1:11: unknown variant `fast`")),
            "{e}"
        );
        let e = error_of(dir.path(), FILE_NAME, "select = \"share-button\"\n");
        assert!(
            e.starts_with(&format!("{p}:1:10: invalid type: string")),
            "{e}"
        );
        let e = error_of(dir.path(), FILE_NAME, "\n  guard = 1.5\n");
        assert!(
            e.starts_with(&format!("{p}:2:11: 1.5 is not a share")),
            "{e}"
        );
        let e = error_of(dir.path(), FILE_NAME, "[learn]\nmin-docs = 1\n");
        assert!(
            e.starts_with(&format!("{p}:2:12: min-docs must be at least 2")),
            "{e}"
        );
        let e = error_of(dir.path(), FILE_NAME, "encoding = \"klingon\"\n");
        assert!(e.starts_with(&format!("{p}:1:12: unknown encoding")), "{e}");
        let e = error_of(dir.path(), FILE_NAME, "rules = [\"nowhere.toml\"]\n");
        assert!(e.starts_with(&format!("{p}:1:10: rule pack ")), "{e}");
        let e = error_of(dir.path(), FILE_NAME, "profile = \n");
        assert!(e.starts_with(&format!("{p}:1:")), "{e}");
    }

    /// A file setting every key (`guard` as given), and `clean` parsed from `argv`, with the
    /// file applied: what the command ends up with, and the keys applied.
    fn clean_with_every_key(
        guard: &str,
        argv: &[&str],
    ) -> (super::super::args::CleanArgs, Vec<&'static str>) {
        use clap::{CommandFactory, FromArgMatches};
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("pack.toml"), "").unwrap();
        let path = write(
            dir.path(),
            FILE_NAME,
            &format!(
                "profile = \"aggressive\"\nselect = [\"s\"]\nignore = [\"i\"]\n\
             rules = [\"pack.toml\"]\nguard = {guard}\nencoding = \"latin1\"\n\
             [learn]\nmin-docs = 3\nmin-share = 0.25\nmin-group-docs = 4\n\
             sketch-width = 1024\nmax-candidates = 99\ngroup = \"all\"\n"
            ),
        );
        let config = read(&path).unwrap().unwrap();
        let matches = super::super::args::Cli::command()
            .try_get_matches_from(argv)
            .unwrap();
        let mut cli = super::super::args::Cli::from_arg_matches(&matches).unwrap();
        let applied = config.apply(&mut cli.command, &matches);
        match cli.command {
            Command::Clean(a) => (a, applied),
            other => panic!("not clean: {other:?}"),
        }
    }

    #[test]
    fn the_file_fills_in_every_flag_left_unset() {
        let (a, applied) = clean_with_every_key("false", &["deboil", "clean", "x", "--out", "o"]);
        assert_eq!(
            applied,
            [
                "rules",
                "profile",
                "select",
                "ignore",
                "guard",
                "encoding",
                "learn.min-docs",
                "learn.min-group-docs",
                "learn.sketch-width",
                "learn.max-candidates",
                "learn.min-share",
                "learn.group"
            ]
        );
        assert_eq!(a.common.profile, ProfileArg::Aggressive);
        assert_eq!(
            (a.common.select, a.common.ignore),
            (vec!["s".to_owned()], vec!["i".to_owned()])
        );
        assert!(a.common.no_guard);
        assert_ne!(a.common.encoding, EncodingChoice::Detect);
        let l = &a.learning.opts;
        assert_eq!(
            (
                l.min_docs,
                l.min_share,
                l.min_group_docs,
                l.sketch_width,
                l.max_candidates
            ),
            (3, 0.25, 4, 1024, 99)
        );
        assert_eq!(a.learning.group, GroupArg::All);
    }

    #[test]
    fn every_flag_given_wins_over_the_file() {
        // Each flag's argument id must be the one `apply` asks clap about,
        // or the file would silently override the command line.
        let (a, applied) = clean_with_every_key(
            "false",
            &[
                "deboil",
                "clean",
                "x",
                "--out",
                "o",
                "--learn",
                "--rules",
                "mine.toml",
                "--profile",
                "safe",
                "--select",
                "a",
                "--ignore",
                "b",
                "--guard",
                "0.3",
                "--encoding",
                "auto",
                "--min-docs",
                "7",
                "--min-share",
                "0.1",
                "--min-group-docs",
                "9",
                "--sketch-width",
                "11",
                "--max-candidates",
                "13",
                "--group",
                "dir",
            ],
        );
        // Packs add up: the file's first.
        assert_eq!(applied, ["rules"]);
        assert_eq!(a.common.rules.len(), 2);
        assert!(a.common.rules[0].ends_with("pack.toml"));
        assert_eq!(a.common.rules[1], Path::new("mine.toml"));
        assert_eq!(a.common.profile, ProfileArg::Safe);
        assert_eq!(
            (a.common.select, a.common.ignore),
            (vec!["a".to_owned()], vec!["b".to_owned()])
        );
        assert!(!a.common.no_guard);
        assert_eq!(a.common.guard, 0.3);
        assert_eq!(a.common.encoding, EncodingChoice::Detect);
        let l = &a.learning.opts;
        assert_eq!(
            (
                l.min_docs,
                l.min_share,
                l.min_group_docs,
                l.sketch_width,
                l.max_candidates
            ),
            (7, 0.1, 9, 11, 13)
        );
        assert_eq!(a.learning.group, GroupArg::Dir);
        // --no-guard overrides a share in the file.
        let (a, _) = clean_with_every_key("0.7", &["deboil", "clean", "x", "--no-guard"]);
        assert!(a.common.no_guard);
        let (a, _) = clean_with_every_key("0.7", &["deboil", "clean", "x"]);
        assert!(!a.common.no_guard);
        assert_eq!(a.common.guard, 0.7);
    }

    /// `command` (diff, plan, report or clean on `x`) parsed from `argv`
    /// after it, with a file of `learn` (the `[learn]` table's body)
    /// applied: its `--group-by` and `--group`, and the keys applied.
    fn grouping_with(
        learn: &str,
        command: &str,
        argv: &[&str],
    ) -> (Option<String>, GroupArg, Vec<&'static str>) {
        use clap::{CommandFactory, FromArgMatches};
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), FILE_NAME, &format!("[learn]\n{learn}"));
        let config = read(&path).unwrap().unwrap();
        let mut full = vec!["deboil", command, "x"];
        if command == "plan" {
            full.extend(["-o", "p.json"]);
        }
        if command == "report" {
            full.extend(["--html", "r.html"]);
        }
        full.extend(argv);
        let matches = super::super::args::Cli::command()
            .try_get_matches_from(full)
            .unwrap();
        let mut cli = super::super::args::Cli::from_arg_matches(&matches).unwrap();
        let applied = config.apply(&mut cli.command, &matches);
        let l = match cli.command {
            Command::Clean(a) => a.learning,
            Command::Diff(a) => a.learning,
            Command::Plan(a) => a.learning,
            Command::Report(a) => a.learning,
            other => panic!("no learning flags: {other:?}"),
        };
        (l.group_by, l.group, applied)
    }

    // Issue 18: `[learn]` had no `group-by`, so grouping by host could not
    // be set in the file.
    #[test]
    fn group_by_comes_from_the_file_and_either_flag_beats_it() {
        for command in ["clean", "diff", "plan", "report"] {
            let (by, _, applied) = grouping_with("group-by = \"host\"\n", command, &[]);
            assert_eq!(by.as_deref(), Some("host"), "{command}");
            assert_eq!(applied, ["learn.group-by"], "{command}");
            let (by, _, applied) =
                grouping_with("group-by = \"host\"\n", command, &["--group-by", "all"]);
            assert_eq!(by.as_deref(), Some("all"), "{command}");
            assert!(applied.is_empty(), "{command}");
        }
        // --group (the older flag) is the same setting: it beats the key too.
        let (by, group, _) = grouping_with(
            "group-by = \"host\"\n",
            "clean",
            &["--learn", "--group", "all"],
        );
        assert_eq!((by, group), (None, GroupArg::All));
        // `deboil learn` reads it as well.
        let dir = tempfile::tempdir().unwrap();
        let path = write(dir.path(), FILE_NAME, "[learn]\ngroup-by = \"url\"\n");
        let config = read(&path).unwrap().unwrap();
        use clap::{CommandFactory, FromArgMatches};
        let matches = super::super::args::Cli::command()
            .try_get_matches_from(["deboil", "learn", "--jsonl", "d.jsonl", "-o", "p.toml"])
            .unwrap();
        let mut cli = super::super::args::Cli::from_arg_matches(&matches).unwrap();
        config.apply(&mut cli.command, &matches);
        let Command::Learn(a) = cli.command else {
            panic!("not learn")
        };
        assert_eq!(a.group_by.as_deref(), Some("url"));
    }

    #[test]
    fn group_and_group_by_together_are_an_error_at_their_place() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(FILE_NAME).display().to_string();
        let e = error_of(
            dir.path(),
            FILE_NAME,
            "[learn]\ngroup = \"all\"\ngroup-by = \"host\"\n",
        );
        assert!(
            e.starts_with(&format!("{p}:3:12: set one of `group` and `group-by`")),
            "{e}"
        );
        let e = error_of(dir.path(), FILE_NAME, "[learn]\ngroup-by = \"\"\n");
        assert!(e.starts_with(&format!("{p}:2:12: group-by names")), "{e}");
        let e = error_of(dir.path(), FILE_NAME, "[learn]\ngroup-bye = \"host\"\n");
        assert!(
            e.starts_with(&format!("{p}:2:1: unknown field `group-bye`")),
            "{e}"
        );
    }

    #[test]
    fn guard_takes_a_share_or_false() {
        let dir = tempfile::tempdir().unwrap();
        let guard = |text: &str| {
            let path = write(dir.path(), FILE_NAME, text);
            read(&path).unwrap().unwrap().settings.guard
        };
        assert_eq!(guard("guard = false"), Some(Guard::Off));
        assert_eq!(guard("guard = 1"), Some(Guard::Share(1.0)));
        assert_eq!(guard("guard = 0.5"), Some(Guard::Share(0.5)));
        assert_eq!(guard(""), None);
    }

    #[test]
    fn pyproject_is_read_only_with_a_tool_deboil_table() {
        let dir = tempfile::tempdir().unwrap();
        let path = write(
            dir.path(),
            PYPROJECT,
            "[project]\nname = \"x\"\n[tool.ruff]\nline-length = 99\n",
        );
        assert!(read(&path).unwrap().is_none());
        fs::write(
            &path,
            "[tool.deboil]\nprofile = \"safe\"\n[tool.other]\nx = 1\n",
        )
        .unwrap();
        let c = read(&path).unwrap().unwrap();
        assert_eq!(c.settings.profile, Some(ProfileArg::Safe));
        // Positions are the pyproject's own.
        fs::write(
            &path,
            "[project]\nname = \"x\"\n\n[tool.deboil]\nprofle = \"safe\"\n",
        )
        .unwrap();
        let e = format!("{:#}", read(&path).unwrap_err());
        assert!(
            e.contains(&format!("{PYPROJECT}:5:1: unknown field `profle`")),
            "{e}"
        );
    }

    #[test]
    fn discovery_walks_up_and_the_first_file_wins() {
        let root = tempfile::tempdir().unwrap();
        let deep = root.path().join("a/b/c");
        fs::create_dir_all(&deep).unwrap();
        let found = |cwd: &Path| match resolve(None, false, cwd).unwrap() {
            Origin::File(c) => Some(c.path),
            _ => None,
        };
        assert_eq!(found(&deep), None);
        write(root.path(), FILE_NAME, "profile = \"safe\"\n");
        assert_eq!(found(&deep), Some(root.path().join(FILE_NAME)));
        // A pyproject.toml without [tool.deboil] is passed over...
        write(
            &root.path().join("a"),
            PYPROJECT,
            "[project]\nname = \"x\"\n",
        );
        assert_eq!(found(&deep), Some(root.path().join(FILE_NAME)));
        // ...one with it is nearer, so it wins.
        write(&root.path().join("a/b"), PYPROJECT, "[tool.deboil]\n");
        assert_eq!(found(&deep), Some(root.path().join("a/b").join(PYPROJECT)));
        // In one directory, deboil.toml comes before pyproject.toml.
        write(&root.path().join("a/b"), FILE_NAME, "");
        assert_eq!(found(&deep), Some(root.path().join("a/b").join(FILE_NAME)));
        assert!(matches!(
            resolve(None, true, &deep).unwrap(),
            Origin::Isolated
        ));
    }
}
