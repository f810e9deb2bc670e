//! `deboil clean`: one input to standard output, or whole trees to `--out`.

use super::args::CleanArgs;
use super::inputs::{self, Item};
use super::{EXIT_ERROR, EXIT_OK, build_engine, with_threads};
use anyhow::bail;
use deboil::Engine;
use deboil::batch::{ReadError, ReadOptions, WalkOptions, write_atomic};
use deboil::render::json::file_record;
use std::io::Write;
use std::time::Instant;

const BOM: &[u8] = b"\xEF\xBB\xBF";

pub fn run(args: CleanArgs) -> anyhow::Result<u8> {
    let engine = build_engine(&args.common)?;
    let read_opts = ReadOptions {
        max_bytes: args.common.max_size,
    };
    match &args.out {
        None => {
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
            to_stdout(&engine, item, read_opts, args.json)
        }
        Some(out) => with_threads(args.common.threads, || {
            to_dir(&engine, &args, out, read_opts)
        })?,
    }
}

fn to_stdout(engine: &Engine, item: &Item, opts: ReadOptions, json: bool) -> anyhow::Result<u8> {
    let input = match inputs::read(item, opts) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("deboil: {}: {e}", item.display());
            return Ok(EXIT_ERROR);
        }
    };
    let cleaned = engine.clean(&input.text);
    super::warn_guard(&item.display(), &cleaned);
    let mut stdout = std::io::stdout().lock();
    if json {
        let name = item.display();
        let record = file_record(&cleaned, &name, true);
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
        record: Option<String>,
        guard: Option<deboil::Guard>,
    },
    Skipped(String),
    Failed(String),
}

fn to_dir(
    engine: &Engine,
    args: &CleanArgs,
    out: &std::path::Path,
    opts: ReadOptions,
) -> anyhow::Result<u8> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("standard input is cleaned to standard output: drop --out, or name files");
    }
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
    let (mut files, mut skipped, mut bytes_in, mut bytes_out) = (0usize, 0usize, 0usize, 0usize);
    let mut stdout = std::io::stdout().lock();
    inputs::for_each_ordered(
        &items,
        |item| {
            let Item::File(src) = item else {
                return Outcome::Failed("standard input cannot be written to --out".into());
            };
            let input = match inputs::read(item, opts) {
                Ok(i) => i,
                Err(ReadError::Binary) => return Outcome::Skipped(ReadError::Binary.to_string()),
                Err(e) => return Outcome::Failed(e.to_string()),
            };
            let cleaned = engine.clean(&input.text);
            let output = cleaned.output();
            let dest = out.join(&src.relative);
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
                serde_json::to_string(&file_record(&cleaned, &name, false)).unwrap_or_default()
            });
            Outcome::Written {
                bytes_in: input.text.len() + if input.bom { 3 } else { 0 },
                bytes_out: bom.len() + output.len(),
                record,
                guard: cleaned.guard(),
            }
        },
        |item, outcome| {
            match outcome {
                Outcome::Written {
                    bytes_in: i,
                    bytes_out: o,
                    record,
                    guard,
                } => {
                    if let Some(g) = guard {
                        super::warn_guard_values(&item.display(), g);
                    }
                    files += 1;
                    bytes_in += i;
                    bytes_out += o;
                    if let Some(r) = record {
                        writeln!(stdout, "{r}")?;
                    }
                }
                Outcome::Skipped(why) => {
                    skipped += 1;
                    eprintln!("deboil: warning: {}: {why}", item.display());
                }
                Outcome::Failed(why) => {
                    errors += 1;
                    eprintln!("deboil: {}: {why}", item.display());
                }
            }
            Ok(())
        },
    )?;
    stdout.flush()?;
    let secs = start.elapsed().as_secs_f64();
    let mb = |b: usize| b as f64 / 1e6;
    let removed = if bytes_in > 0 {
        100.0 * (bytes_in - bytes_out.min(bytes_in)) as f64 / bytes_in as f64
    } else {
        0.0
    };
    eprintln!(
        "deboil: cleaned {files} files ({:.1} MB -> {:.1} MB, {removed:.1}% removed), {skipped} skipped, {errors} errors in {secs:.2}s ({:.1} MB/s)",
        mb(bytes_in),
        mb(bytes_out),
        mb(bytes_in) / secs.max(1e-9),
    );
    Ok(if errors > 0 { EXIT_ERROR } else { EXIT_OK })
}
