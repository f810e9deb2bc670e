//! `deboil clean`: one input to standard output, whole trees to `--out`
//! (in parallel, resumable, with progress), or JSON Lines (see `jsonl`).

use super::args::CleanArgs;
use super::inputs::{self, Item};
use super::interrupt::{self, Interrupt};
use super::log::{self, Kind};
use super::progress::Progress;
use super::summary::Summary;
use super::{EXIT_ERROR, EXIT_OK, build_engine, with_threads};
use anyhow::{Context, bail};
use deboil::Engine;
use deboil::render::json::file_record;
use deboil_cli::batch::{
    BOM, Decoded, EncodingChoice, Manifest, ReadError, ReadOptions, WalkOptions, fingerprint,
    remove_stale_temporaries, write_atomic,
};
use deboil_cli::group::Grouping;
use std::io::Write;
use std::time::Instant;

pub fn run(args: CleanArgs) -> anyhow::Result<u8> {
    if args.jsonl {
        anyhow::ensure!(
            args.learning.urls.is_none(),
            "--urls maps files to URLs; with --jsonl, name the URL field with --group-by"
        );
        return super::jsonl::run(args);
    }
    let grouping = args.learning.grouping()?;
    // With --learn, the engine is built once the inputs are known (they
    // are what it learns from).
    let engine = if args.learning.learn {
        None
    } else {
        Some(build_engine(&args.common)?)
    };
    let read_opts = super::read_options(&args.common);
    match &args.out {
        None => {
            let Some(engine) = engine else {
                bail!(
                    "--learn learns from many files and cleans them into a tree: give \
                     --out DIR (to see what it removes first: `deboil diff PATH... --learn`)"
                );
            };
            let single = args.paths.len() == 1;
            if !single {
                bail!("several inputs need --out DIR to write the cleaned files to");
            }
            if args.paths[0].is_dir() {
                bail!(
                    "{} is a directory: give --out DIR for the cleaned tree (inputs are never modified)",
                    args.paths[0].display()
                );
            }
            let mut errors = 0;
            let items = inputs::gather(&args.paths, &WalkOptions::default(), &mut errors);
            let Some(item) = items.first() else {
                return Ok(EXIT_ERROR);
            };
            to_stdout(&engine, item, &grouping, read_opts, args.json)
        }
        Some(out) => with_threads(args.common.threads, || {
            to_dir(engine, &args, &grouping, out, read_opts)
        })?,
    }
}

fn to_stdout(
    engine: &Engine,
    item: &Item,
    grouping: &Grouping,
    opts: ReadOptions,
    json: bool,
) -> anyhow::Result<u8> {
    let input = match inputs::read(item, opts) {
        Ok(i) => i,
        Err(e) => {
            log::error(format_args!("{}: {e}", item.display()));
            return Ok(EXIT_ERROR);
        }
    };
    if let Some(d) = input.encoding {
        log::warn(super::decoded_warning(&item.display(), d));
    }
    let cleaned = engine.clean_in(
        &input.text,
        grouping.clean_group(item.source(), &input.text).as_deref(),
    );
    super::warn_guard(&item.display(), &cleaned);
    let mut stdout = std::io::stdout().lock();
    if json {
        let name = item.display();
        let mut record = file_record(&cleaned, &name, true);
        record.encoding = input.encoding.map(|d| d.name);
        serde_json::to_writer(&mut stdout, &record)?;
        writeln!(stdout)?;
    } else {
        let output = cleaned.output();
        if input.bom && !output.is_empty() {
            stdout.write_all(BOM)?;
        }
        stdout.write_all(output.as_bytes())?;
    }
    stdout.flush()?;
    Ok(EXIT_OK)
}

/// What cleaning one file into the output tree produced.
enum Outcome {
    Written {
        bytes_in: usize,
        bytes_out: usize,
        removals: usize,
        record: Option<String>,
        guard: Option<deboil::Guard>,
        decoded: Option<Decoded>,
    },
    UpToDate,
    Skipped(String),
    Failed(String),
    /// Not started: the run was interrupted.
    Interrupted,
}

/// Cleans into `out`; `engine` is `None` with `--learn`, which learns from
/// the files found first.
fn to_dir(
    engine: Option<Engine>,
    args: &CleanArgs,
    grouping: &Grouping,
    out: &std::path::Path,
    opts: ReadOptions,
) -> anyhow::Result<u8> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("standard input is cleaned to standard output: drop --out, or name files");
    }
    inputs::check_out_dir(out)?;
    for p in &args.paths {
        if p.is_dir() && inputs::is_within(p, out) {
            bail!(
                "output directory {} contains input {}: inputs are never modified in place",
                out.display(),
                p.display()
            );
        }
    }
    let start = Instant::now();
    let mut errors = 0;
    let walk = WalkOptions {
        globs: args.common.glob.clone(),
        exclude: Some(out.to_path_buf()),
    };
    let items = inputs::gather(&args.paths, &walk, &mut errors);
    let engine = match engine {
        Some(e) => e,
        None => super::learn::learned_engine(&args.common, &args.learning, &items, grouping)?.0,
    };
    let engine = &engine;
    // The engine was built from the effective settings (flags over the
    // configuration file), so its fingerprint covers both. A forced
    // encoding changes what is written: outputs made under another choice
    // are stale.
    let mut fp = match args.common.encoding {
        EncodingChoice::Detect => fingerprint(engine),
        EncodingChoice::Force(e) => format!("{}+{}", fingerprint(engine), e.name()),
    };
    // So does another grouping, where rules are learned per group.
    if let Grouping::Host(_) = grouping {
        fp.push_str("+group-by-host");
    }
    let mut manifest = Manifest::open(out, &fp);
    manifest
        .begin(args.force)
        .with_context(|| format!("cannot write the manifest in {}", out.display()))?;
    // Temporaries of a killed earlier run are never outputs.
    match remove_stale_temporaries(out) {
        Ok(0) => {}
        Ok(n) => log::note(format_args!(
            "removed {n} temporary files left in {} by an interrupted run",
            out.display()
        )),
        Err(e) => log::warn(format_args!(
            "cannot look for temporary files left in {}: {e}",
            out.display()
        )),
    }
    let interrupt = Interrupt::install();
    let mut interrupted = 0;
    let progress = Progress::files(items.len() as u64);
    let mut summary = Summary {
        mode: "files",
        files: Some(0),
        skipped: Some(0),
        up_to_date: Some(0),
        ..Summary::default()
    };
    let count = |n: &mut Option<u64>| *n = n.map(|n| n + 1);
    let mut stdout = std::io::stdout().lock();
    inputs::for_each_ordered(
        &items,
        |item| {
            if interrupt.is_set() {
                return Outcome::Interrupted;
            }
            let Item::File(src) = item else {
                return Outcome::Failed("standard input cannot be written to --out".into());
            };
            let dest = out.join(&src.relative);
            if manifest.is_fresh(&src.path, &dest) {
                return Outcome::UpToDate;
            }
            let input = match inputs::read(item, opts) {
                Ok(i) => i,
                Err(ReadError::Binary) if item.named_in(&args.paths) => {
                    return Outcome::Failed(ReadError::Binary.to_string());
                }
                Err(ReadError::Binary) => return Outcome::Skipped(ReadError::Binary.to_string()),
                Err(e) => return Outcome::Failed(e.to_string()),
            };
            let group = grouping.clean_group(item.source(), &input.text);
            let cleaned = engine.clean_in(&input.text, group.as_deref());
            let output = cleaned.output();
            let bom: &[u8] = if input.bom && !output.is_empty() {
                BOM
            } else {
                b""
            };
            if let Err(e) = write_atomic(&dest, &[bom, output.as_bytes()]) {
                return Outcome::Failed(format!("cannot write {}: {e}", dest.display()));
            }
            let record = args.json.then(|| {
                let name = item.display();
                let mut record = file_record(&cleaned, &name, false);
                record.encoding = input.encoding.map(|d| d.name);
                serde_json::to_string(&record).unwrap_or_default()
            });
            Outcome::Written {
                bytes_in: input.text.len() + if input.bom { BOM.len() } else { 0 },
                bytes_out: bom.len() + output.len(),
                removals: cleaned.removals().len(),
                record,
                guard: cleaned.guard(),
                decoded: input.encoding,
            }
        },
        |item, outcome| {
            match outcome {
                Outcome::Written {
                    bytes_in,
                    bytes_out,
                    removals,
                    record,
                    guard,
                    decoded,
                } => {
                    if let Some(d) = decoded {
                        progress.warn(super::decoded_warning(&item.display(), d));
                        summary.decoded = Some(summary.decoded.unwrap_or(0) + 1);
                    }
                    if let Some(g) = guard {
                        progress.warn(super::guard_warning(&item.display(), g));
                    }
                    progress.say(
                        Kind::Detail,
                        format_args!(
                            "{}: {removals} removals, {bytes_in} -> {bytes_out} bytes",
                            item.display()
                        ),
                    );
                    count(&mut summary.files);
                    summary.bytes_read += bytes_in as u64;
                    summary.bytes_in += bytes_in as u64;
                    summary.bytes_out += bytes_out as u64;
                    if let Some(r) = record {
                        writeln!(stdout, "{r}")?;
                    }
                }
                Outcome::UpToDate => {
                    progress.say(
                        Kind::Detail,
                        format_args!("{}: output up to date, not cleaned again", item.display()),
                    );
                    count(&mut summary.up_to_date);
                }
                Outcome::Skipped(why) => {
                    count(&mut summary.skipped);
                    progress.warn(format_args!("{}: {why}", item.display()));
                }
                Outcome::Failed(why) => {
                    errors += 1;
                    progress.error(format_args!("{}: {why}", item.display()));
                }
                Outcome::Interrupted => interrupted += 1,
            }
            progress.inc(1);
            progress.message(|| {
                let secs = start.elapsed().as_secs_f64().max(1e-9);
                let mb = summary.bytes_read as f64 / 1e6;
                format!("{mb:.0} MB, {:.1} MB/s", mb / secs)
            });
            Ok(())
        },
    )?;
    progress.finish();
    summary.errors = errors as u64;
    let summary = summary.finish(start.elapsed());
    if args.json {
        writeln!(stdout, "{}", summary.json())?;
    }
    stdout.flush()?;
    log::note(summary.line());
    if interrupted > 0 {
        log::error(interrupt::message(interrupted));
        return Ok(interrupt::EXIT_INTERRUPTED);
    }
    Ok(if errors > 0 { EXIT_ERROR } else { EXIT_OK })
}
