//! `deboil apply`: write the files of a plan with its accepted removals,
//! into a mirror tree (`--out`) or over the inputs (`--in-place`).
//!
//! Output is re-derived from each file's current bytes, which must still
//! hash to the plan's value, plus the chosen removals, rendered through
//! `Cleaned` exactly as `clean` renders. A changed file is refused and left
//! untouched; the others are still written.

use super::args::ApplyArgs;
use super::interrupt::{self, Interrupt};
use super::{EXIT_ERROR, EXIT_OK};
use anyhow::Context;
use deboil::batch::read::decode;
use deboil::batch::write_atomic;
use deboil::plan::{BOM, Decision, Plan, PlanFile, content_hash};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// What happened to one file.
enum Outcome {
    /// Written, with this many removals applied.
    Written(usize),
    /// In place, and the output equals the input: not rewritten.
    Unchanged,
}

pub fn run(args: ApplyArgs) -> anyhow::Result<u8> {
    let plan = Plan::load(&args.plan)?;
    let rules = plan.recorded_rules()?;
    let tally = plan.tally();
    let (mut written, mut unchanged, mut applied, mut refused, mut errors) = (0, 0, 0, 0, 0);
    let interrupt = Interrupt::install();
    let mut not_done = 0;
    for file in &plan.files {
        if interrupt.is_set() {
            not_done += 1;
            continue;
        }
        let src = plan.resolve(file);
        match apply_one(&plan, &rules, file, &src, &args) {
            Ok(Outcome::Written(n)) => {
                written += 1;
                applied += n;
            }
            Ok(Outcome::Unchanged) => unchanged += 1,
            Err(Failure::Refused(why)) => {
                refused += 1;
                eprintln!("deboil: {}: {why}", src.display());
            }
            Err(Failure::Error(why)) => {
                errors += 1;
                eprintln!("deboil: {}: {why}", src.display());
            }
        }
    }
    let mut msg = format!(
        "deboil: applied {applied} removals: {written} files written, {unchanged} unchanged, \
         {refused} refused (changed since the plan), {errors} errors"
    );
    if tally.undecided > 0 {
        if args.accept_undecided {
            msg.push_str("; undecided removals applied too (--accept-undecided)");
        } else {
            msg.push_str(&format!(
                "; {} undecided removals not applied (review them, or --accept-undecided)",
                tally.undecided
            ));
        }
    }
    eprintln!("{msg}");
    if not_done > 0 {
        eprintln!("{}", interrupt::message(not_done));
        return Ok(interrupt::EXIT_INTERRUPTED);
    }
    Ok(if refused + errors > 0 {
        EXIT_ERROR
    } else {
        EXIT_OK
    })
}

enum Failure {
    Refused(String),
    Error(String),
}

fn apply_one(
    plan: &Plan,
    rules: &deboil::RuleSet,
    file: &PlanFile,
    src: &Path,
    args: &ApplyArgs,
) -> Result<Outcome, Failure> {
    let bytes = std::fs::read(src).map_err(|e| Failure::Error(format!("cannot read: {e}")))?;
    if content_hash(&bytes) != file.blake3 {
        return Err(Failure::Refused(
            "changed since the plan was made (its content hash differs): not applied, left \
             untouched; make a new plan to clean it"
                .into(),
        ));
    }
    let input = decode(bytes.clone()).map_err(|e| Failure::Error(e.to_string()))?;
    let take = |d: Decision| {
        d == Decision::Accepted || (args.accept_undecided && d == Decision::Undecided)
    };
    let cleaned = plan
        .cleaned(file, &input.text, rules, |r| take(r.decision))
        .map_err(|e| Failure::Error(format!("the plan does not fit the file: {e}")))?;
    let n = cleaned.removals().len();
    let output = cleaned.output();
    let bom: &[u8] = if input.bom && !output.is_empty() {
        BOM
    } else {
        b""
    };
    let parts = [bom, output.as_bytes()];
    if let Some(out) = &args.out {
        let dest = out.join(safe_relative(&file.relative).map_err(Failure::Error)?);
        if same_file(&dest, src) {
            return Err(Failure::Error(format!(
                "--out would overwrite the input itself ({}); use --in-place to rewrite inputs",
                dest.display()
            )));
        }
        write_atomic(&dest, &parts)
            .map_err(|e| Failure::Error(format!("cannot write {}: {e}", dest.display())))?;
        return Ok(Outcome::Written(n));
    }
    if bom.len() + output.len() == bytes.len() && bytes.ends_with(output.as_bytes()) {
        return Ok(Outcome::Unchanged);
    }
    if let Some(suffix) = &args.backup {
        let mut backup = src.as_os_str().to_owned();
        backup.push(suffix);
        let backup = PathBuf::from(backup);
        write_atomic(&backup, &[&bytes]).map_err(|e| {
            Failure::Error(format!(
                "cannot write the backup {}: {e}; not rewritten",
                backup.display()
            ))
        })?;
    }
    replace(src, &parts).map_err(|e| Failure::Error(format!("cannot rewrite: {e:#}")))?;
    Ok(Outcome::Written(n))
}

/// Rewrites `path` atomically: a temporary file in the same directory, with
/// the original's permissions, renamed over it. A symlink's target is
/// rewritten, not the link.
fn replace(path: &Path, parts: &[&[u8]]) -> anyhow::Result<()> {
    let target = path.canonicalize()?;
    let dir = target.parent().context("the file has no directory")?;
    let perms = std::fs::metadata(&target)?.permissions();
    let mut tmp = tempfile::Builder::new()
        .prefix(".deboil-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    for p in parts {
        tmp.write_all(p)?;
    }
    tmp.flush()?;
    tmp.as_file().set_permissions(perms)?;
    tmp.as_file().sync_all()?;
    tmp.persist(&target).map_err(|e| e.error)?;
    Ok(())
}

/// The plan's relative path, refused if it could escape `--out` (a plan is
/// a file anyone could have edited).
fn safe_relative(relative: &str) -> Result<&Path, String> {
    let p = Path::new(relative);
    if relative.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!(
            "the plan's relative path {relative:?} would leave the --out directory"
        ));
    }
    Ok(p)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths_cannot_escape() {
        assert!(safe_relative("a/b.txt").is_ok());
        assert!(safe_relative("../b.txt").is_err());
        assert!(safe_relative("/etc/passwd").is_err());
        assert!(safe_relative("a/../../b").is_err());
        assert!(safe_relative("").is_err());
    }
}
