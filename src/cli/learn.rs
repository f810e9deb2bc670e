//! `deboil learn`, and the learning step of `clean --learn` and `eval --learn`:
//! reading the documents twice (files in parallel chunks, or JSON Lines
//! streamed in chunks), feeding the two passes of [`deboil::learn`], and
//! writing the rule pack.

use super::args::{CommonArgs, LearnArgs};
use super::inputs::{self, Grouping, Item};
use super::log;
use super::{EXIT_ERROR, EXIT_OK, with_threads};
use anyhow::{Context, bail};
use deboil::Engine;
use deboil::batch::jsonl::{self, LineError, RawLine};
use deboil::batch::{ReadOptions, WalkOptions};
use deboil::learn::{LearnOptions, Learned, Learner};
use rayon::prelude::*;
use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;
use std::time::Instant;

/// One document to learn from.
pub(super) struct Doc {
    pub group: String,
    pub name: String,
    pub text: String,
}

/// Input bytes per chunk handed to the workers.
const CHUNK_BYTES: usize = 8 << 20;

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
        Grouping::of_files(args.group_by.as_deref(), args.group, args.urls.as_deref())?
    };
    let start = Instant::now();
    let mut errors = 0usize;
    let mut learned = with_threads(args.common.threads, || -> anyhow::Result<Learned> {
        if args.jsonl {
            for p in &args.paths {
                if p.is_dir() {
                    bail!("{}: is a directory; --jsonl reads files", p.display());
                }
            }
            let field = args.field.as_str();
            let group_by = args.group_by.as_deref();
            two_passes(opts, |first, sink| {
                read_jsonl(
                    &args.paths,
                    field,
                    group_by,
                    args.common.max_size,
                    first,
                    sink,
                )
            })
            .map(|(l, e)| {
                errors += e;
                l
            })
        } else {
            let walk = WalkOptions {
                globs: args.common.glob.clone(),
                exclude: None,
            };
            let items = inputs::gather(&args.paths, &walk, &mut errors);
            learn_files(&items, &grouping, &args.common, opts).map(|(l, e)| {
                errors += e;
                l
            })
        }
    })??;
    let pack = finish_pack(&mut learned, &args.common)?;
    if args.output.as_os_str() == "-" {
        let mut out = std::io::stdout().lock();
        out.write_all(pack.as_bytes())?;
        out.flush()?;
    } else {
        deboil::batch::write_atomic(&args.output, &[pack.as_bytes()])
            .with_context(|| format!("cannot write {}", args.output.display()))?;
    }
    report_learned(&learned, start);
    if !args.jsonl {
        hint(&learned, &grouping);
    }
    Ok(if errors > 0 { EXIT_ERROR } else { EXIT_OK })
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
pub(super) fn hint(l: &Learned, grouping: &Grouping) {
    if l.nothing_learned().is_some() && matches!(grouping, Grouping::Dir) {
        log::note(format_args!(
            "hint: files are grouped by the directory holding them; pages of many \
             sites in one directory are grouped by site with --group-by host (each page's \
             URL from a first line `URL: ...`, or --urls FILE)"
        ));
    }
}

/// Runs both passes; `read(first_pass, sink)` hands every document to
/// `sink` in chunks and returns how many inputs failed (first pass only).
pub(super) fn two_passes(
    opts: LearnOptions,
    mut read: impl FnMut(bool, &mut dyn FnMut(Vec<Doc>)) -> anyhow::Result<usize>,
) -> anyhow::Result<(Learned, usize)> {
    let mut learner = Learner::new(opts);
    let errors = read(true, &mut |docs| {
        let l = &learner;
        let keys: Vec<_> = docs.par_iter().map(|d| l.keys(&d.group, &d.text)).collect();
        for k in keys {
            learner.count(k);
        }
    })?;
    read(false, &mut |docs| {
        let l = &learner;
        let scans: Vec<_> = docs
            .par_iter()
            .map(|d| l.scan(&d.group, &d.name, &d.text))
            .collect();
        for s in scans {
            learner.confirm(s);
        }
    })?;
    Ok((learner.finish(), errors))
}

/// Learns from files (read twice, in parallel chunks), each in the group
/// `grouping` gives it.
pub(super) fn learn_files(
    items: &[Item],
    grouping: &Grouping,
    common: &CommonArgs,
    opts: LearnOptions,
) -> anyhow::Result<(Learned, usize)> {
    let read_opts: ReadOptions = super::read_options(common);
    two_passes(opts, |first, sink| {
        let mut errors = 0;
        let chunk = (rayon::current_num_threads() * 64).max(64);
        for items in items.chunks(chunk) {
            let docs: Vec<Result<Doc, String>> = items
                .par_iter()
                .map(|item| match item {
                    Item::Stdin => Err("standard input cannot be read twice".to_owned()),
                    Item::File(s) => inputs::read(item, read_opts)
                        .map(|i| {
                            let group = grouping.learn_group(item, &i.text);
                            let mut text = i.text;
                            text.drain(..grouping.header_len(&text));
                            Doc {
                                group,
                                name: s.relative.display().to_string(),
                                text,
                            }
                        })
                        .map_err(|e| e.to_string()),
                })
                .collect();
            let mut ok = Vec::with_capacity(docs.len());
            for (item, d) in items.iter().zip(docs) {
                match d {
                    Ok(d) => ok.push(d),
                    Err(e) if first => {
                        errors += 1;
                        log::error(format_args!("{}: {e}", item.display()));
                    }
                    Err(_) => {}
                }
            }
            sink(ok);
        }
        Ok(errors)
    })
}

/// Reads JSON Lines files in chunks, each line a document, through the
/// same line reader and object reading as `clean --jsonl`
/// ([`jsonl::read_chunk`], [`jsonl::document`]), so that a group learned
/// here is the group cleaning finds.
fn read_jsonl(
    paths: &[PathBuf],
    field: &str,
    group_by: Option<&str>,
    max_line: u64,
    first: bool,
    sink: &mut dyn FnMut(Vec<Doc>),
) -> anyhow::Result<usize> {
    let mut errors = 0;
    for path in paths {
        let name = path.display().to_string();
        let mut input = super::jsonl::open_input(path, Arc::new(AtomicU64::new(0)))
            .with_context(|| format!("cannot read {name}"))?;
        let mut line_no = 0u64;
        loop {
            let (lines, _) = jsonl::read_chunk(&mut input, max_line, CHUNK_BYTES)
                .with_context(|| format!("cannot read {name}"))?;
            if lines.is_empty() {
                break;
            }
            let base = line_no + 1;
            line_no += lines.len() as u64;
            let docs: Vec<Result<Doc, (u64, LineError)>> = lines
                .into_par_iter()
                .enumerate()
                .map(|(i, line)| {
                    let n = base + i as u64;
                    let line = match line {
                        RawLine::Line(l) => l,
                        RawLine::TooLong(len) => {
                            return Err((
                                n,
                                LineError::TooLong {
                                    len,
                                    limit: max_line,
                                },
                            ));
                        }
                    };
                    jsonl::document(&line, field, group_by)
                        .map(|d| Doc {
                            group: d.group.unwrap_or_else(|| deboil::learn::ALL.to_owned()),
                            name: format!("{name}:{n}"),
                            text: d.text.into_owned(),
                        })
                        .map_err(|e| (n, e))
                })
                .collect();
            let mut ok = Vec::with_capacity(docs.len());
            for d in docs {
                match d {
                    Ok(d) => ok.push(d),
                    Err((n, e)) if first => {
                        errors += 1;
                        log::error(format_args!("{name}:{n}: {e}"));
                    }
                    Err(_) => {}
                }
            }
            sink(ok);
        }
    }
    Ok(errors)
}

/// Keeps the `keep` examples every rule leaves alone (as `deboil rules
/// test` will check them), then renders the pack.
pub(super) fn finish_pack(learned: &mut Learned, common: &CommonArgs) -> anyhow::Result<String> {
    // Every rule of every profile, unguarded: the examples are checked
    // the same way by `rules test`. The user's packs' own examples are
    // checked when the pack is used.
    let all = Engine::builder()
        .rules_paths(&common.rules)
        .every_rule()
        .guard(None)
        .check_examples(false)
        .build()?;
    learned.retain_keep(|group, k| all.clean_in(k, group).removals().is_empty());
    Ok(learned.to_toml())
}

/// The name under which a learned pack is loaded when it was not saved.
pub(super) const LEARNED_SOURCE: &str = "<learned>";
