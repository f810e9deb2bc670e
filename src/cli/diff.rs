//! `deboil diff`: what cleaning would remove, as annotated unified diffs.

use super::args::DiffArgs;
use super::inputs::{self, Item};
use super::log;
use super::{EXIT_ERROR, EXIT_FOUND, EXIT_OK, build_engine, use_color, with_threads};
use deboil::render::diff::{DiffStyle, write_diff};
use deboil::render::json::file_record;
use deboil_cli::batch::{ReadError, WalkOptions};
use std::io::Write;

enum Outcome {
    /// The rendered diff or JSON record, whether the file would change, and
    /// what the safety guard did.
    Done(
        Vec<u8>,
        bool,
        Option<deboil::Guard>,
        Option<deboil_cli::batch::Decoded>,
    ),
    Skipped(String),
    Failed(String),
}

pub fn run(args: DiffArgs) -> anyhow::Result<u8> {
    let grouping = args.learning.grouping()?;
    // With --learn, the engine is built from the inputs, once gathered.
    let engine = if args.learning.learn {
        None
    } else {
        Some(build_engine(&args.common)?)
    };
    let opts = super::read_options(&args.common);
    let style = DiffStyle {
        context: args.context,
        color: !args.json && use_color(args.color),
    };
    let walk = WalkOptions {
        globs: args.common.glob.clone(),
        exclude: None,
    };
    with_threads(args.common.threads, || {
        let mut errors = 0;
        let items = inputs::gather(&args.paths, &walk, &mut errors);
        let engine = match engine {
            Some(e) => e,
            None => {
                super::learn::learned_engine(&args.common, &args.learning, &items, &grouping)?.0
            }
        };
        let mut changed = false;
        let mut stdout = std::io::stdout().lock();
        inputs::for_each_ordered(
            &items,
            |item: &Item| {
                let input = match inputs::read(item, opts) {
                    Ok(i) => i,
                    // Named, it was meant to be diffed: an error, as in `clean`.
                    Err(ReadError::Binary) if item.named_in(&args.paths) => {
                        return Outcome::Failed(ReadError::Binary.to_string());
                    }
                    Err(ReadError::Binary) => {
                        return Outcome::Skipped(ReadError::Binary.to_string());
                    }
                    Err(e) => return Outcome::Failed(e.to_string()),
                };
                let group = grouping.clean_group(item.source(), &input.text);
                let cleaned = engine.clean_in(&input.text, group.as_deref());
                let name = item.display();
                let mut buf = Vec::new();
                if args.json {
                    let mut record = file_record(&cleaned, &name, false);
                    record.encoding = input.encoding.map(|d| d.name);
                    let would_change = record.bytes_out != record.bytes_in;
                    if serde_json::to_writer(&mut buf, &record).is_err() {
                        return Outcome::Failed("cannot serialize the JSON record".into());
                    }
                    buf.push(b'\n');
                    Outcome::Done(buf, would_change, cleaned.guard(), input.encoding)
                } else {
                    match write_diff(&mut buf, &cleaned, &name, style) {
                        Ok(any) => Outcome::Done(buf, any, cleaned.guard(), input.encoding),
                        Err(e) => Outcome::Failed(e.to_string()),
                    }
                }
            },
            |item, outcome| {
                match outcome {
                    Outcome::Done(buf, any, guard, decoded) => {
                        if let Some(d) = decoded {
                            log::warn(super::decoded_warning(&item.display(), d));
                        }
                        if let Some(g) = guard {
                            log::warn(super::guard_warning(&item.display(), g));
                        }
                        changed |= any;
                        stdout.write_all(&buf)?;
                    }
                    Outcome::Skipped(why) => log::warn(format_args!("{}: {why}", item.display())),
                    Outcome::Failed(why) => {
                        errors += 1;
                        log::error(format_args!("{}: {why}", item.display()));
                    }
                }
                Ok(())
            },
        )?;
        stdout.flush()?;
        Ok(if errors > 0 {
            EXIT_ERROR
        } else if changed {
            EXIT_FOUND
        } else {
            EXIT_OK
        })
    })?
}
