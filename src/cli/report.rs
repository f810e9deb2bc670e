//! `deboil report`: one self-contained HTML page of what cleaning removes,
//! from inputs cleaned in memory or from a plan (with its decisions).

use super::args::ReportArgs;
use super::inputs::{self, Item};
use super::log;
use super::{EXIT_ERROR, EXIT_OK, build_engine, with_threads};
use anyhow::{Context, bail};
use deboil_cli::batch::read::decode;
use deboil_cli::batch::{ReadError, WalkOptions, write_atomic};
use deboil_cli::plan::{self, Decision, Plan};
use deboil_cli::report::Report;
use std::path::Path;

pub fn run(args: ReportArgs) -> anyhow::Result<u8> {
    let (report, errors) = match plan_argument(&args.paths) {
        Some(path) if args.learning.learn => bail!(
            "{} is a plan: its report shows the removals the plan recorded, so --learn \
             has nothing to learn from; to see what learning removes, report the files \
             (`deboil report PATH... --learn --html FILE`), or make the plan with \
             `deboil plan PATH... --learn`",
            path.display()
        ),
        Some(path) => from_plan(path, &args)?,
        None => from_inputs(&args)?,
    };
    let mut page = Vec::new();
    report.write(&mut page)?;
    write_atomic(&args.html, &[&page])
        .with_context(|| format!("cannot write {}", args.html.display()))?;
    log::note(format_args!(
        "report of {} files written to {}",
        report.len(),
        args.html.display()
    ));
    Ok(if errors > 0 { EXIT_ERROR } else { EXIT_OK })
}

/// The plan file, when the only argument is one (a JSON file whose
/// `format` says so); anything else is cleaned as text.
fn plan_argument(paths: &[std::path::PathBuf]) -> Option<&Path> {
    let [path] = paths else { return None };
    if !path.is_file() {
        return None;
    }
    let mut head = [0u8; 4096];
    let n = std::io::Read::read(&mut std::fs::File::open(path).ok()?, &mut head).ok()?;
    let head = String::from_utf8_lossy(&head[..n]);
    (head.trim_start().starts_with('{') && head.contains(&format!("\"{}\"", plan::FORMAT)))
        .then_some(path.as_path())
}

fn from_plan(path: &Path, args: &ReportArgs) -> anyhow::Result<(Report, usize)> {
    let plan = Plan::load(path)?;
    let rules = plan.recorded_rules()?;
    let title = format!("deboil report: {}", path.display());
    let mut report = Report::new(&title, &path.display().to_string(), true, args.context);
    let mut errors = 0;
    for file in &plan.files {
        let src = plan.resolve(file);
        let bytes = match std::fs::read(&src) {
            Ok(b) if plan::content_hash(&b) == file.blake3 => b,
            Ok(_) => {
                let why = "changed since the plan was made: showing the removals the plan recorded";
                log::warn(format_args!("{}: {why}", src.display()));
                report.add_recorded(&file.path, why, &plan.rules, &file.removals);
                continue;
            }
            Err(e) => {
                let why = format!("cannot read ({e}): showing the removals the plan recorded");
                log::warn(format_args!("{}: {why}", src.display()));
                report.add_recorded(&file.path, &why, &plan.rules, &file.removals);
                continue;
            }
        };
        let input = match decode(bytes) {
            Ok(i) => i,
            Err(e) => {
                errors += 1;
                log::error(format_args!("{}: {e}", src.display()));
                continue;
            }
        };
        match plan.cleaned(file, &input.text, &rules, |_| true) {
            Ok(cleaned) => {
                let decisions: Vec<Decision> = file.removals.iter().map(|r| r.decision).collect();
                report.add_file(&file.path, &cleaned, Some(&decisions));
            }
            Err(e) => {
                errors += 1;
                log::error(format_args!(
                    "{}: the plan does not fit the file: {e}",
                    src.display()
                ));
            }
        }
    }
    Ok((report, errors))
}

fn from_inputs(args: &ReportArgs) -> anyhow::Result<(Report, usize)> {
    let grouping = args.learning.grouping()?;
    // With --learn, the engine is built from the inputs, once gathered.
    let engine = if args.learning.learn {
        None
    } else {
        Some(build_engine(&args.common)?)
    };
    let opts = super::read_options(&args.common);
    let walk = WalkOptions {
        globs: args.common.glob.clone(),
        exclude: Some(args.html.clone()),
    };
    let source = args
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    let mut report = Report::new(
        &format!("deboil report: {source}"),
        &source,
        false,
        args.context,
    );
    let mut errors = 0;
    with_threads(args.common.threads, || {
        let items = inputs::gather(&args.paths, &walk, &mut errors);
        let engine = match engine {
            Some(e) => e,
            None => {
                super::learn::learned_engine(&args.common, &args.learning, &items, &grouping)?.0
            }
        };
        // Each worker renders its file's part of the report; the parts are
        // added in input order.
        inputs::for_each_ordered(
            &items,
            |item: &Item| match inputs::read(item, opts) {
                Ok(input) => {
                    let group = grouping.clean_group(item.source(), &input.text);
                    let cleaned = engine.clean_in(&input.text, group.as_deref());
                    let mut part = Report::new("", "", false, args.context);
                    part.add_file(&item.display(), &cleaned, None);
                    Ok(part)
                }
                Err(e) => Err(e),
            },
            |item, outcome| {
                match outcome {
                    Ok(part) => report.append(part),
                    Err(ReadError::Binary) => {
                        log::warn(format_args!("{}: {}", item.display(), ReadError::Binary))
                    }
                    Err(e) => {
                        errors += 1;
                        log::error(format_args!("{}: {e}", item.display()));
                    }
                }
                Ok(())
            },
        )
    })??;
    Ok((report, errors))
}
