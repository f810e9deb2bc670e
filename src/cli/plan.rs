//! `deboil plan`: clean in memory and record every proposed removal in a
//! plan file for `review` and `apply`. Nothing else is written.

use super::args::PlanArgs;
use super::inputs::{self, Item};
use super::log;
use super::{EXIT_ERROR, EXIT_OK, build_engine, with_threads};
use anyhow::{Context, bail};
use deboil_cli::batch::{EncodingChoice, ReadError, ReadOptions, WalkOptions};
use deboil_cli::plan::{Plan, PlanFile, PlanSelection};

enum Outcome {
    Planned(PlanFile),
    Skipped(String),
    Failed(String),
}

pub fn run(args: PlanArgs) -> anyhow::Result<u8> {
    let grouping = args.learning.grouping()?;
    // With --learn, the engine is built from the inputs, once gathered.
    let mut engine = if args.learning.learn {
        None
    } else {
        Some(build_engine(&args.common)?)
    };
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        bail!("standard input cannot be planned: a plan names the files `apply` writes");
    }
    let cwd = std::env::current_dir().context("cannot tell the working directory")?;
    let Some(base) = cwd.to_str() else {
        bail!(
            "{}: the working directory is not UTF-8, so plan paths cannot be recorded",
            cwd.display()
        );
    };
    let mut selection = PlanSelection {
        profile: deboil::Profile::from(args.common.profile)
            .as_str()
            .to_owned(),
        select: args.common.select.clone(),
        ignore: args.common.ignore.clone(),
        rule_packs: args
            .common
            .rules
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
    };
    // A plan hashes each file's bytes and `apply` rewrites them through the
    // same spans, so plans take UTF-8 only (not decoded text).
    let utf8 = EncodingChoice::Force(
        deboil_cli::batch::read::Encoding::for_label(b"utf-8").context("UTF-8")?,
    );
    anyhow::ensure!(
        matches!(args.common.encoding, EncodingChoice::Detect) || args.common.encoding == utf8,
        "plans work on UTF-8 files only (apply rewrites them byte for byte), not --encoding \
         {} (from the command line or the configuration file): convert other encodings \
         first, e.g. with `deboil clean --out`",
        match args.common.encoding {
            EncodingChoice::Force(e) => e.name(),
            EncodingChoice::Detect => "auto",
        }
    );
    let opts = ReadOptions {
        max_bytes: args.common.max_size,
        encoding: utf8,
    };
    let walk = WalkOptions {
        globs: args.common.glob.clone(),
        // A plan written inside an input directory is not an input of the next run.
        exclude: Some(args.output.clone()),
    };
    let mut errors = 0;
    let mut skipped = 0;
    let plan = with_threads(args.common.threads, || -> anyhow::Result<Plan> {
        let items = inputs::gather(&args.paths, &walk, &mut errors);
        let engine = match engine.take() {
            Some(e) => e,
            None => {
                let (engine, pack) =
                    super::learn::learned_engine(&args.common, &args.learning, &items, &grouping)?;
                // The plan records the removals themselves: `apply` needs
                // no pack, the name only says where the rules came from.
                selection.rule_packs.push(pack);
                engine
            }
        };
        let mut plan = Plan::new(base.to_owned(), selection, engine.rules());
        inputs::for_each_ordered(
            &items,
            |item| {
                let Item::File(src) = item else {
                    return Outcome::Failed("standard input cannot be planned".into());
                };
                let (Some(path), Some(relative)) = (src.path.to_str(), src.relative.to_str())
                else {
                    return Outcome::Failed("path is not UTF-8: a plan cannot record it".into());
                };
                let input = match inputs::read(item, opts) {
                    Ok(i) => i,
                    Err(ReadError::Binary) => {
                        return Outcome::Skipped(ReadError::Binary.to_string());
                    }
                    Err(e) => return Outcome::Failed(e.to_string()),
                };
                let group = grouping.clean_group(item.source(), &input.text);
                let cleaned = engine.clean_in(&input.text, group.as_deref());
                Outcome::Planned(PlanFile::new(
                    path.to_owned(),
                    relative.to_owned(),
                    input.bom,
                    &cleaned,
                ))
            },
            |item, outcome| {
                match outcome {
                    Outcome::Planned(f) => plan.files.push(f),
                    Outcome::Skipped(why) => {
                        skipped += 1;
                        log::warn(format_args!("{}: {why}", item.display()));
                    }
                    Outcome::Failed(why) => {
                        errors += 1;
                        log::error(format_args!("{}: {why}", item.display()));
                    }
                }
                Ok(())
            },
        )?;
        Ok(plan)
    })??;
    plan.save(&args.output)?;
    // A new plan starts a new history: the journal of an in-place apply of
    // the plan it replaces goes with it.
    let journal = super::apply::journal_path(&args.output);
    match std::fs::remove_file(&journal) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => log::warn(format_args!(
            "cannot remove {} (the old plan's apply journal): {e}",
            journal.display()
        )),
        _ => {}
    }
    let with = plan.files.iter().filter(|f| !f.removals.is_empty()).count();
    log::note(format_args!(
        "planned {} removals in {with} of {} files ({skipped} skipped, {errors} errors) into {}; \
         review with `deboil review {}`",
        plan.tally().total(),
        plan.files.len(),
        args.output.display(),
        args.output.display(),
    ));
    Ok(if errors > 0 { EXIT_ERROR } else { EXIT_OK })
}
