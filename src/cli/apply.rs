//! `deboil apply`: write the files of a plan with its accepted removals,
//! into a mirror tree (`--out`) or over the inputs (`--in-place`).
//!
//! Output is re-derived from each file's current bytes, which must still
//! hash to the plan's value, plus the chosen removals, rendered through
//! `Cleaned` exactly as `clean` renders. A changed file is refused and left
//! untouched; the others are still written.
//!
//! `--in-place` keeps a journal beside the plan (`PLAN.applied`, one JSON
//! line per rewritten file: its path, the plan's hash of the old content and
//! the hash of the new), so that running the same apply again, after an
//! interruption say, recognizes the files it already rewrote instead of
//! refusing them as changed.

use super::args::ApplyArgs;
use super::interrupt::{self, Interrupt};
use super::log;
use super::{EXIT_ERROR, EXIT_OK};
use anyhow::Context;
use deboil_cli::batch::read::decode;
use deboil_cli::batch::write_atomic;
use deboil_cli::batch::{BOM, same_file};
use deboil_cli::plan::{Decision, Plan, PlanFile, content_hash, content_hash_of_parts};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};

/// What happened to one file.
enum Outcome {
    /// Written, with this many removals applied.
    Written(usize),
    /// In place, and the output equals the input: not rewritten.
    Unchanged,
    /// In place, and an earlier run of this plan already rewrote it.
    AlreadyApplied,
}

/// The files `apply --in-place` has rewritten for one plan (see the module
/// documentation).
struct Journal {
    path: PathBuf,
    /// File path → (hash before, hash after).
    done: HashMap<String, (String, String)>,
    file: Option<std::fs::File>,
    /// Why recording stopped, if it did (reported once, at the end).
    failed: Option<std::io::Error>,
}

/// Where the journal of the plan at `plan` is kept: `PLAN.applied`.
pub(super) fn journal_path(plan: &Path) -> PathBuf {
    let mut path = plan.as_os_str().to_owned();
    path.push(".applied");
    PathBuf::from(path)
}

#[derive(serde::Serialize, serde::Deserialize)]
struct JournalLine {
    path: String,
    from: String,
    to: String,
}

impl Journal {
    /// Reads `PLAN.applied` if it exists. A line that does not parse (the
    /// torn end of a killed run) is ignored: its file is refused as changed,
    /// the safe answer.
    fn open(plan: &Path) -> Journal {
        let path = journal_path(plan);
        let done = std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .filter_map(|l| serde_json::from_str::<JournalLine>(l).ok())
            .map(|l| (l.path, (l.from, l.to)))
            .collect();
        Journal {
            path,
            done,
            file: None,
            failed: None,
        }
    }

    /// Whether `file` now holds what applying its plan entry wrote.
    fn applied(&self, file: &PlanFile, current: &str) -> bool {
        self.done
            .get(&file.path)
            .is_some_and(|(from, to)| *from == file.blake3 && to == current)
    }

    /// Records that `file` was rewritten to content hashing to `to`. A
    /// journal that cannot be written (a read-only plan directory) does not
    /// stop the apply: recording stops and [`Journal::failed`] says why.
    fn record(&mut self, file: &PlanFile, to: String) {
        if self.failed.is_none() {
            if let Err(e) = self.append(file, to) {
                self.failed = Some(e);
            }
        }
    }

    fn append(&mut self, file: &PlanFile, to: String) -> std::io::Result<()> {
        let line = JournalLine {
            path: file.path.clone(),
            from: file.blake3.clone(),
            to,
        };
        let f = match &mut self.file {
            Some(f) => f,
            None => self.file.insert(
                std::fs::OpenOptions::new()
                    .create(true)
                    .append(true)
                    .open(&self.path)?,
            ),
        };
        // One write per line: a kill cannot interleave two of them.
        let json = serde_json::to_string(&line).map_err(std::io::Error::other)? + "\n";
        f.write_all(json.as_bytes())
    }
}

pub fn run(args: ApplyArgs) -> anyhow::Result<u8> {
    if let Some(out) = &args.out {
        super::inputs::check_out_dir(out)?;
    }
    let plan = Plan::load(&args.plan)?;
    let rules = plan.recorded_rules()?;
    let tally = plan.tally();
    let (mut written, mut unchanged, mut applied, mut refused, mut errors) = (0, 0, 0, 0, 0);
    let interrupt = Interrupt::install();
    let mut not_done = 0;
    let mut already = 0;
    let mut journal = args.in_place.then(|| Journal::open(&args.plan));
    for file in &plan.files {
        if interrupt.is_set() {
            not_done += 1;
            continue;
        }
        let src = plan.resolve(file);
        match apply_one(&plan, &rules, file, &src, &args, journal.as_mut()) {
            Ok(Outcome::Written(n)) => {
                written += 1;
                applied += n;
            }
            Ok(Outcome::Unchanged) => unchanged += 1,
            Ok(Outcome::AlreadyApplied) => already += 1,
            Err(Failure::Refused(why)) => {
                refused += 1;
                log::error(format_args!("{}: {why}", src.display()));
            }
            Err(Failure::Error(why)) => {
                errors += 1;
                log::error(format_args!("{}: {why}", src.display()));
            }
        }
    }
    let mut msg = format!(
        "applied {applied} removals: {written} files written, {unchanged} unchanged, \
         {refused} refused (changed since the plan), {errors} errors"
    );
    if already > 0 {
        msg.push_str(&format!(
            "; {already} files already applied by an earlier run of this plan"
        ));
    }
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
    log::note(msg);
    if let Some((path, e)) = journal
        .as_ref()
        .and_then(|j| j.failed.as_ref().map(|e| (&j.path, e)))
    {
        log::warn(format_args!(
            "cannot record the rewritten files in {}: {e}; running this apply \
             again would refuse them as changed",
            path.display()
        ));
    }
    if not_done > 0 {
        log::error(interrupt::message(not_done));
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
    journal: Option<&mut Journal>,
) -> Result<Outcome, Failure> {
    let bytes = std::fs::read(src).map_err(|e| Failure::Error(format!("cannot read: {e}")))?;
    let hash = content_hash(&bytes);
    if hash != file.blake3 {
        if journal.as_ref().is_some_and(|j| j.applied(file, &hash)) {
            return Ok(Outcome::AlreadyApplied);
        }
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
    if let Some(journal) = journal {
        journal.record(file, content_hash_of_parts(&parts));
    }
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
