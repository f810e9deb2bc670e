//! `deboil learn`, and the learning step of `clean --learn` and `eval --learn`:
//! reading the documents twice (files in parallel chunks, or JSON Lines
//! streamed in chunks), feeding the two passes of [`deboil::learn`], and
//! writing the rule pack.

use super::args::{CommonArgs, GroupArg, LearnArgs};
use super::inputs::{self, Item};
use super::log;
use super::{EXIT_ERROR, EXIT_OK, with_threads};
use anyhow::{Context, bail};
use deboil::batch::{ReadOptions, WalkOptions};
use deboil::learn::{LearnOptions, Learned, Learner, url_host};
use deboil::{Engine, RuleSet};
use rayon::prelude::*;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::{BufRead, Write};
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
            learn_files(&items, &args.paths, args.group, &args.common, opts).map(|(l, e)| {
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
    if s.dropped > 0 {
        log::warn(format_args!(
            "the pass-2 table was full: {} candidate lines not counted (raise --max-candidates or --sketch-width)",
            s.dropped
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

/// Learns from files (read twice, in parallel chunks).
pub(super) fn learn_files(
    items: &[Item],
    _paths: &[PathBuf],
    how: GroupArg,
    common: &CommonArgs,
    opts: LearnOptions,
) -> anyhow::Result<(Learned, usize)> {
    let read_opts: ReadOptions = super::read_options(common);
    let groups: Vec<String> = items
        .iter()
        .map(|i| match i {
            Item::File(s) if how == GroupArg::Dir => inputs::file_group(s),
            Item::File(_) => deboil::learn::ALL.to_owned(),
            Item::Stdin => deboil::learn::ALL.to_owned(),
        })
        .collect();
    two_passes(opts, |first, sink| {
        let mut errors = 0;
        let chunk = (rayon::current_num_threads() * 64).max(64);
        for (items, groups) in items.chunks(chunk).zip(groups.chunks(chunk)) {
            let docs: Vec<Result<Doc, String>> = items
                .par_iter()
                .zip(groups)
                .map(|(item, group)| match item {
                    Item::Stdin => Err("standard input cannot be read twice".to_owned()),
                    Item::File(s) => inputs::read(item, read_opts)
                        .map(|i| Doc {
                            group: group.clone(),
                            name: s.relative.display().to_string(),
                            text: i.text,
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

/// Reads JSON Lines files in chunks, each line a document.
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
            let mut lines: Vec<(u64, Vec<u8>)> = Vec::new();
            let mut bytes = 0;
            while bytes < CHUNK_BYTES {
                let mut buf = Vec::new();
                let n = input
                    .read_until(b'\n', &mut buf)
                    .with_context(|| format!("cannot read {name}"))?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                bytes += n;
                if buf.len() as u64 > max_line + 2 {
                    if first {
                        errors += 1;
                        log::error(format_args!(
                            "{name}:{line_no}: line is longer than --max-size"
                        ));
                    }
                    continue;
                }
                lines.push((line_no, buf));
            }
            if lines.is_empty() {
                break;
            }
            let docs: Vec<Result<Doc, (u64, String)>> = lines
                .par_iter()
                .map(|(n, l)| {
                    parse_line(l, field, group_by)
                        .map(|(text, group)| Doc {
                            group,
                            name: format!("{name}:{n}"),
                            text,
                        })
                        .map_err(|e| (*n, e))
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

/// The text and the group of one JSON line. A group field holding a URL
/// groups by its host; a missing one puts the document in group "all".
fn parse_line(
    line: &[u8],
    field: &str,
    group_by: Option<&str>,
) -> Result<(String, String), String> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    if line.iter().all(u8::is_ascii_whitespace) {
        return Err("empty line".to_owned());
    }
    let obj: HashMap<Cow<'_, str>, &RawValue> =
        serde_json::from_slice(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let raw = obj
        .get(field)
        .ok_or_else(|| format!("no {field:?} field"))?;
    let text: String =
        serde_json::from_str(raw.get()).map_err(|_| format!("field {field:?} is not a string"))?;
    let group = match group_by.and_then(|g| obj.get(g)) {
        None => deboil::learn::ALL.to_owned(),
        Some(raw) => {
            let v =
                serde_json::from_str::<String>(raw.get()).unwrap_or_else(|_| raw.get().to_owned());
            url_host(&v).unwrap_or(v)
        }
    };
    Ok((text, group))
}

/// Keeps the `keep` examples every rule leaves alone (as `deboil rules
/// test` will check them), then renders the pack.
pub(super) fn finish_pack(learned: &mut Learned, common: &CommonArgs) -> anyhow::Result<String> {
    let all = Engine::new(RuleSet::with_dirs(&common.rules)?)?.with_guard(None);
    learned.retain_keep(|group, k| all.clean_in(k, group).removals().is_empty());
    Ok(learned.to_toml())
}

/// The name under which a learned pack is loaded when it was not saved.
pub(super) const LEARNED_SOURCE: &str = "<learned>";
