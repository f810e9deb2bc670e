//! `deboil review`: decide which removals of a plan to accept, on the review
//! screen or with flags. Decisions are saved into the plan file (atomically)
//! as they are made.

mod state;
mod tui;

use super::args::ReviewArgs;
use super::{EXIT_ERROR, EXIT_OK};
use anyhow::bail;
use deboil_cli::plan::{Decision, Plan, Tally};
use std::io::IsTerminal;
use std::path::Path;

pub fn run(args: ReviewArgs) -> anyhow::Result<u8> {
    let mut plan = Plan::load(&args.plan)?;
    if args.decides() {
        decide_by_flags(&mut plan, &args)?;
        plan.save(&args.plan)?;
        super::log::note(format_args!(
            "{}: {}",
            args.plan.display(),
            summary(plan.tally())
        ));
        return Ok(EXIT_OK);
    }
    if !(std::io::stdin().is_terminal() && std::io::stdout().is_terminal()) {
        super::log::error(format_args!(
            "review needs a terminal, and standard input or output is not one.\n\
             Decide without one, for example:\n  \
             deboil review {p} --accept-all\n  \
             deboil review {p} --reject-rule ID --accept-all\n  \
             deboil review {p} --accept-file PATH\n\
             (see `deboil review --help`)",
            p = args.plan.display()
        ));
        return Ok(EXIT_ERROR);
    }
    tui::run(&mut plan, &args.plan, args.context)?;
    super::log::note(format_args!(
        "{}: {}; write the result with `deboil apply {} --out DIR`",
        args.plan.display(),
        summary(plan.tally()),
        args.plan.display()
    ));
    Ok(EXIT_OK)
}

pub(crate) fn summary(t: Tally) -> String {
    format!(
        "{} accepted, {} rejected, {} undecided",
        t.accepted, t.rejected, t.undecided
    )
}

/// The non-interactive decisions, in the documented order.
fn decide_by_flags(plan: &mut Plan, args: &ReviewArgs) -> anyhow::Result<()> {
    for id in args.reject_rule.iter().chain(&args.accept_rule) {
        if plan.rule_index(id).is_none() {
            let known: Vec<&str> = plan.rules.iter().map(|r| r.id.as_str()).collect();
            bail!(
                "no rule {id:?} in this plan; its rules are: {}",
                known.join(", ")
            );
        }
    }
    let accept_files = find_files(plan, &args.accept_file)?;
    let reject_files = find_files(plan, &args.reject_file)?;
    if args.reset {
        plan.reset();
    }
    for id in &args.reject_rule {
        plan.decide_rule(id, Decision::Rejected);
    }
    for id in &args.accept_rule {
        plan.decide_rule(id, Decision::Accepted);
    }
    for i in accept_files {
        plan.decide_rest_of_file(i, Decision::Accepted);
    }
    for i in reject_files {
        plan.decide_rest_of_file(i, Decision::Rejected);
    }
    if args.accept_all {
        plan.decide_rest(Decision::Accepted);
    }
    if args.reject_all {
        plan.decide_rest(Decision::Rejected);
    }
    Ok(())
}

/// The plan's files named by `paths`: as written in the plan, or the same
/// file on disk.
fn find_files(plan: &Plan, paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<usize>> {
    paths
        .iter()
        .map(|wanted| {
            let canon = wanted.canonicalize().ok();
            plan.files
                .iter()
                .position(|f| {
                    Path::new(&f.path) == wanted
                        || canon.is_some()
                            && plan.resolve(f).canonicalize().ok().as_ref() == canon.as_ref()
                })
                .ok_or_else(|| anyhow::anyhow!("{}: not a file of this plan", wanted.display()))
        })
        .collect()
}
