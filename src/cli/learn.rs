//! `deboil learn`, and the `--learn` step of `clean`, `diff`, `plan` and
//! `report`: what the binary adds to the library's run
//! ([`deboil::learn::learn`]): the inputs named on the command line, the
//! messages, writing the pack, and the engine built with it.

use super::args::{CommonArgs, LearnArgs, LearningArgs};
use super::inputs::{self, Item};
use super::log;
use super::{EXIT_ERROR, EXIT_OK, build_engine_with, with_threads};
use anyhow::{Context, bail};
use deboil::Engine;
use deboil::learn::{Learned, Pack};
use deboil_cli::batch::{Source, WalkOptions};
use deboil_cli::group::Grouping;
use deboil_cli::learn::{Files, JsonLines};
use std::io::{BufRead, Write};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

pub fn run(args: LearnArgs) -> anyhow::Result<u8> {
    let opts = args.learn.options()?;
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("learning reads its inputs twice: name files, not standard input");
    }
    // For files, --group-by says how they are grouped; with --jsonl it
    // names a field.
    let grouping = if args.jsonl {
        anyhow::ensure!(
            args.urls.is_none(),
            "--urls maps files to URLs; with --jsonl, name the URL field with --group-by"
        );
        Grouping::Dir
    } else {
        inputs::grouping(args.group_by.as_deref(), args.group, args.urls.as_deref())?
    };
    let start = Instant::now();
    let mut errors = 0usize;
    let mut on_unread = |u: deboil::learn::Unread| log::error(u);
    let pack = with_threads(args.common.threads, || -> anyhow::Result<Pack> {
        if args.jsonl {
            for p in &args.paths {
                if p.is_dir() {
                    bail!("{}: is a directory; --jsonl reads files", p.display());
                }
            }
            let corpus = JsonLines {
                paths: &args.paths,
                open: &open_jsonl,
                field: &args.field,
                group_by: args.group_by.as_deref(),
                max_line: args.common.max_size,
            };
            Ok(deboil::learn::learn(
                &corpus,
                opts,
                &args.common.rules,
                &mut on_unread,
            )?)
        } else {
            let walk = WalkOptions {
                globs: args.common.glob.clone(),
                exclude: None,
            };
            let items = inputs::gather(&args.paths, &walk, &mut errors);
            let sources = files(&items)?;
            let corpus = Files {
                sources: &sources,
                grouping: &grouping,
                read: super::read_options(&args.common),
            };
            Ok(deboil::learn::learn(
                &corpus,
                opts,
                &args.common.rules,
                &mut on_unread,
            )?)
        }
    })??;
    errors += pack.unread;
    if args.output.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(pack.toml.as_bytes())?;
        out.flush()?;
    } else {
        deboil_cli::batch::write_atomic(&args.output, &[pack.toml.as_bytes()])
            .with_context(|| format!("cannot write {}", args.output.display()))?;
    }
    report_learned(&pack.learned, start);
    if !args.jsonl {
        hint(&pack.learned, &grouping);
    }
    Ok(if errors > 0 { EXIT_ERROR } else { EXIT_OK })
}

/// The files among `items`; learning reads its inputs twice, so standard
/// input is refused.
fn files(items: &[Item]) -> anyhow::Result<Vec<Source>> {
    items
        .iter()
        .map(|i| match i {
            Item::File(s) => Ok(s.clone()),
            Item::Stdin => {
                bail!("--learn reads its inputs twice: name files, not standard input")
            }
        })
        .collect()
}

/// Opens a JSON Lines file for a pass, decompressed as `clean --jsonl`
/// does it.
fn open_jsonl(path: &Path) -> std::io::Result<Box<dyn BufRead>> {
    super::jsonl::open_input(path, Arc::new(AtomicU64::new(0)))
        .map(|r| Box::new(r) as Box<dyn BufRead>)
}

/// The `--learn` step of the commands that clean: learns from the files
/// `items` (grouped by `grouping`), says what was learned, writes the pack
/// with `--learn-save`, and builds the engine with the learned rules.
/// Returns the engine and the name the pack was loaded under (for a plan's
/// rule packs). Files that cannot be read are left for the command's own
/// pass to report, so each is reported once.
pub(super) fn learned_engine(
    common: &CommonArgs,
    learning: &LearningArgs,
    items: &[Item],
    grouping: &Grouping,
) -> anyhow::Result<(Engine, String)> {
    let sources = files(items)?;
    let corpus = Files {
        sources: &sources,
        grouping,
        read: super::read_options(common),
    };
    learned_engine_of(common, learning, &corpus, Some(grouping))
}

/// [`learned_engine`] for `clean --jsonl --learn`: JSON Lines files, read
/// twice, their lines read as cleaning reads them.
pub(super) fn learned_engine_jsonl(
    common: &CommonArgs,
    learning: &LearningArgs,
    paths: &[std::path::PathBuf],
    field: &str,
) -> anyhow::Result<Engine> {
    let corpus = JsonLines {
        paths,
        open: &open_jsonl,
        field,
        group_by: learning.group_by.as_deref(),
        max_line: common.max_size,
    };
    Ok(learned_engine_of(common, learning, &corpus, None)?.0)
}

/// Learns from `corpus` on the current pool, says what was learned (with
/// the hint about `grouping` of files), saves the pack and builds the
/// engine; returns it and the pack's name.
fn learned_engine_of(
    common: &CommonArgs,
    learning: &LearningArgs,
    corpus: &dyn deboil::learn::Corpus,
    grouping: Option<&Grouping>,
) -> anyhow::Result<(Engine, String)> {
    let opts = learning.opts.options()?;
    let start = Instant::now();
    let pack = deboil::learn::learn(corpus, opts, &common.rules, &mut |_| {})?;
    report_learned(&pack.learned, start);
    if let Some(g) = grouping {
        hint(&pack.learned, g);
    }
    let name = save(learning.learn_save.as_deref(), &pack.toml)?;
    let engine = build_engine_with(common, Some((&name, &pack.toml)))?;
    Ok((engine, name))
}

/// Writes the pack to `path` (atomically) when asked; returns the name the
/// pack is loaded under: the file's, else [`LEARNED_SOURCE`].
pub(super) fn save(path: Option<&Path>, pack: &str) -> anyhow::Result<String> {
    match path {
        Some(path) => {
            deboil_cli::batch::write_atomic(path, &[pack.as_bytes()])
                .with_context(|| format!("cannot write {}", path.display()))?;
            Ok(path.display().to_string())
        }
        None => Ok(LEARNED_SOURCE.to_owned()),
    }
}

/// The closing note on standard error, and a warning when the pass-2
/// table overflowed.
pub(super) fn report_learned(l: &Learned, start: Instant) {
    let s = &l.stats;
    log::note(format_args!(
        "learned {} rules ({} lines) from {} documents in {} groups ({} eligible); \
         {} lines counted exactly, {} near-duplicate documents left out; sketch {} MB (error bound {:.1} documents) in {:.2}s",
        l.rules(),
        l.groups
            .iter()
            .filter(|g| !g.keep.is_empty())
            .map(|g| g.lines.len())
            .sum::<usize>(),
        s.documents,
        s.groups,
        s.eligible_groups,
        s.candidates,
        s.duplicates,
        s.sketch_bytes >> 20,
        s.sketch_error,
        start.elapsed().as_secs_f64()
    ));
    if let Some(why) = l.nothing_learned() {
        log::note(format_args!("nothing learned: {why}"));
    }
    if s.dropped > 0 {
        log::warn(format_args!(
            "the pass-2 table was full: {} candidate lines not counted (raise --max-candidates or --sketch-width)",
            s.dropped
        ));
    }
}

/// Says how to group a directory of many sites when grouping by directory
/// learned nothing.
fn hint(l: &Learned, grouping: &Grouping) {
    if let Some(h) = deboil_cli::learn::hint(l, grouping) {
        log::note(h);
    }
}

/// The name under which a learned pack is loaded when it was not saved.
pub(super) const LEARNED_SOURCE: &str = "<learned>";
