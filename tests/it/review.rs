//! Issue 4: plan → review → apply. The real binary on copies of the seeds:
//! rejecting a rule gives exactly the output rendered from every removal
//! but that rule's, a file edited after planning is refused and left
//! untouched, undecided removals are applied only when asked, an in-place
//! apply run again skips what it wrote, and plans of other versions are
//! refused.

use crate::{engine, fixture};
use assert_cmd::Command;
use deboil_cli::plan::{Decision, Plan};
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

pub fn deboil_in(dir: &Path) -> Command {
    let mut cmd = Command::cargo_bin("deboil").unwrap();
    cmd.current_dir(dir)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

/// A temporary directory holding a copy of the seeds under `in/`.
pub fn seeds_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("in")).unwrap();
    for e in fs::read_dir(fixture("seeds/input")).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, dir.path().join("in").join(p.file_name().unwrap())).unwrap();
    }
    dir
}

fn files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    v.sort();
    v
}

fn plan(dir: &Path) {
    deboil_in(dir)
        .args(["plan", "in", "-o", "plan.json"])
        .assert()
        .success()
        .stdout("");
}

/// A copy of the seeds planned into `plan.json`, every removal accepted.
fn accepted_plan() -> tempfile::TempDir {
    let dir = seeds_copy();
    plan(dir.path());
    deboil_in(dir.path())
        .args(["review", "plan.json", "--accept-all"])
        .assert()
        .success();
    dir
}

/// Snapshot-stable stderr: the temporary directory's path removed.
fn stderr_in(dir: &Path, out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).replace(&format!("{}/", dir.display()), "")
}

#[test]
fn plan_writes_only_the_plan_and_records_every_removal() {
    let dir = seeds_copy();
    let before: Vec<Vec<u8>> = files(&dir.path().join("in"))
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    plan(dir.path());
    let after: Vec<Vec<u8>> = files(&dir.path().join("in"))
        .iter()
        .map(|p| fs::read(p).unwrap())
        .collect();
    assert_eq!(before, after);
    let names: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");

    let plan = Plan::load(&dir.path().join("plan.json")).unwrap();
    assert_eq!(plan.version, 1);
    assert_eq!(Path::new(&plan.base), dir.path().canonicalize().unwrap());
    assert_eq!(plan.files.len(), 5);
    let engine = engine();
    for (f, input) in plan.files.iter().zip(files(&dir.path().join("in"))) {
        assert_eq!(
            Path::new(&f.path),
            Path::new("in").join(input.file_name().unwrap())
        );
        let text = fs::read_to_string(&input).unwrap();
        let cleaned = engine.clean(&text);
        let want: Vec<(&str, usize, usize, &str)> = cleaned
            .removals()
            .iter()
            .map(|r| {
                (
                    cleaned.rule_id(r),
                    r.span.start,
                    r.span.end,
                    cleaned.removed_text(r),
                )
            })
            .collect();
        let got: Vec<(&str, usize, usize, &str)> = f
            .removals
            .iter()
            .map(|r| (r.rule.as_str(), r.start, r.end, r.text.as_str()))
            .collect();
        assert_eq!(got, want);
        assert!(f.removals.iter().all(|r| r.decision == Decision::Undecided));
    }
}

#[test]
fn plan_json_is_stable() {
    let dir = tempfile::tempdir().unwrap();
    fs::copy(
        fixture("cases/share.input.txt"),
        dir.path().join("share.txt"),
    )
    .unwrap();
    deboil_in(dir.path())
        .args(["plan", "share.txt", "-o", "plan.json", "--select", "share"])
        .assert()
        .success();
    let json = fs::read_to_string(dir.path().join("plan.json")).unwrap();
    let mut value: serde_json::Value = serde_json::from_str(&json).unwrap();
    value["base"] = "[base]".into();
    value["deboil"] = "[version]".into();
    insta::assert_json_snapshot!(value);
}

#[test]
fn accepting_everything_applies_exactly_what_clean_writes() {
    let dir = accepted_plan();
    deboil_in(dir.path())
        .args(["apply", "plan.json", "--out", "out"])
        .assert()
        .success();
    for expected in files(&fixture("seeds/expected")) {
        let got = fs::read_to_string(dir.path().join("out").join(expected.file_name().unwrap()));
        assert_eq!(
            got.unwrap(),
            fs::read_to_string(&expected).unwrap(),
            "{expected:?}"
        );
    }
}

/// The "done when": for every rule with removals in the seeds,
/// reject it, accept the rest, apply, and compare each file with the output
/// rendered from all removals but that rule's. `clean --ignore RULE` can
/// differ (its removals may hide other rules' claims on the same lines);
/// that is counted, not asserted.
#[test]
fn rejecting_a_rule_applies_every_removal_but_that_rules() {
    let dir = seeds_copy();
    plan(dir.path());
    let engine = engine();
    let plan_json = fs::read(dir.path().join("plan.json")).unwrap();
    let plan = Plan::load(&dir.path().join("plan.json")).unwrap();
    let mut rules: Vec<&str> = plan
        .files
        .iter()
        .flat_map(|f| f.removals.iter().map(|r| r.rule.as_str()))
        .collect();
    rules.sort_unstable();
    rules.dedup();
    assert!(rules.len() >= 5, "{rules:?}");
    let mut ignore_differs = 0;
    for rule in &rules {
        fs::write(dir.path().join("plan.json"), &plan_json).unwrap();
        deboil_in(dir.path())
            .args(["review", "plan.json", "--reject-rule", rule, "--accept-all"])
            .assert()
            .success();
        let out = format!("out-{rule}");
        deboil_in(dir.path())
            .args(["apply", "plan.json", "--out", &out])
            .assert()
            .success();
        let (index, _) = engine.rules().find(rule).unwrap();
        let ignoring = deboil::Engine::new(
            engine
                .rules()
                .select(&deboil::Selection {
                    ignore: vec![(*rule).to_owned()],
                    ..Default::default()
                })
                .unwrap(),
        )
        .unwrap();
        for input in files(&dir.path().join("in")) {
            let text = fs::read_to_string(&input).unwrap();
            let mut cleaned = engine.clean(&text);
            cleaned.retain(|r| r.rule != index);
            let got =
                fs::read_to_string(dir.path().join(&out).join(input.file_name().unwrap())).unwrap();
            assert_eq!(got, cleaned.output(), "{rule}: {input:?}");
            if ignoring.clean(&text).output() != got {
                ignore_differs += 1;
            }
        }
    }
    eprintln!(
        "{} rules rejected one at a time; `clean --ignore RULE` differed on {ignore_differs} of {} file outputs",
        rules.len(),
        rules.len() * 5
    );
}

#[test]
fn a_file_changed_after_planning_is_refused_and_left_untouched() {
    let dir = seeds_copy();
    plan(dir.path());
    let inputs = files(&dir.path().join("in"));
    let edited = &inputs[1];
    fs::write(
        edited,
        "Edited by hand after planning.\nShare on Facebook\n",
    )
    .unwrap();
    let originals: Vec<Vec<u8>> = inputs.iter().map(|p| fs::read(p).unwrap()).collect();
    deboil_in(dir.path())
        .args(["review", "plan.json", "--accept-all"])
        .assert()
        .success();
    let out = deboil_in(dir.path())
        .args(["apply", "plan.json", "--in-place", "--backup", ".orig"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!(stderr_in(dir.path(), &out));
    assert_eq!(
        fs::read_to_string(edited).unwrap(),
        "Edited by hand after planning.\nShare on Facebook\n"
    );
    assert!(!Path::new(&format!("{}.orig", edited.display())).exists());
    let expected = files(&fixture("seeds/expected"));
    for (i, input) in inputs.iter().enumerate() {
        if input == edited {
            continue;
        }
        assert_eq!(
            fs::read_to_string(input).unwrap(),
            fs::read_to_string(&expected[i]).unwrap()
        );
        let backup = fs::read(format!("{}.orig", input.display())).unwrap();
        assert_eq!(backup, originals[i]);
    }
    // No temporary file is left beside the inputs.
    let leftovers: Vec<_> = files(&dir.path().join("in"))
        .into_iter()
        .filter(|p| p.to_string_lossy().contains(".deboil-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Running the same in-place apply again (after an interruption, say): the
/// files it rewrote are recognized from the journal beside the plan and
/// left alone, backups included; a file edited since is still refused.
#[test]
fn applying_a_plan_again_in_place_skips_the_files_it_rewrote() {
    let dir = accepted_plan();
    let inputs = files(&dir.path().join("in"));
    let originals: Vec<Vec<u8>> = inputs.iter().map(|p| fs::read(p).unwrap()).collect();
    let apply = || {
        deboil_in(dir.path())
            .args(["apply", "plan.json", "--in-place", "--backup", ".orig"])
            .output()
            .unwrap()
    };
    assert!(apply().status.success());
    assert!(dir.path().join("plan.json.applied").exists());

    let again = apply();
    let err = stderr_in(dir.path(), &again);
    assert_eq!(again.status.code(), Some(0), "{err}");
    assert!(err.contains("0 files written"), "{err}");
    assert!(
        err.contains("5 files already applied by an earlier run of this plan"),
        "{err}"
    );
    let expected = files(&fixture("seeds/expected"));
    for (i, input) in inputs.iter().enumerate() {
        assert_eq!(fs::read(input).unwrap(), fs::read(&expected[i]).unwrap());
        // The backup still holds the original, not the cleaned text.
        let backup = fs::read(format!("{}.orig", input.display())).unwrap();
        assert_eq!(backup, originals[i]);
    }

    fs::write(&inputs[0], "Edited after the apply.\n").unwrap();
    let third = apply();
    let err = stderr_in(dir.path(), &third);
    assert_eq!(third.status.code(), Some(2), "{err}");
    assert!(err.contains("changed since the plan was made"), "{err}");
    assert!(err.contains("4 files already applied"), "{err}");
    assert_eq!(
        fs::read_to_string(&inputs[0]).unwrap(),
        "Edited after the apply.\n"
    );
    // A new plan over the same path starts without the old journal.
    plan(dir.path());
    assert!(!dir.path().join("plan.json.applied").exists());
}

#[test]
fn undecided_removals_are_applied_only_when_asked() {
    let dir = seeds_copy();
    plan(dir.path());
    let out = deboil_in(dir.path())
        .args(["apply", "plan.json", "--out", "kept"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("12 undecided removals not applied"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Nothing accepted: only the layout normalization, as `clean --select` of nothing would.
    let engine = engine();
    for input in files(&dir.path().join("in")) {
        let text = fs::read_to_string(&input).unwrap();
        let mut cleaned = engine.clean(&text);
        cleaned.retain(|_| false);
        let got = fs::read_to_string(dir.path().join("kept").join(input.file_name().unwrap()));
        assert_eq!(got.unwrap(), cleaned.output());
    }
    deboil_in(dir.path())
        .args(["apply", "plan.json", "--out", "all", "--accept-undecided"])
        .assert()
        .success();
    for expected in files(&fixture("seeds/expected")) {
        let got = fs::read_to_string(dir.path().join("all").join(expected.file_name().unwrap()));
        assert_eq!(got.unwrap(), fs::read_to_string(&expected).unwrap());
    }
}

#[test]
fn review_flags_decide_in_their_documented_order() {
    let dir = seeds_copy();
    plan(dir.path());
    let p = dir.path().join("plan.json");
    let first = Plan::load(&p).unwrap().files[0].path.clone();
    deboil_in(dir.path())
        .args(["review", "plan.json", "--reject-file", &first])
        .args(["--accept-rule", "comment-form-prompt", "--reject-all"])
        .assert()
        .success();
    let plan = Plan::load(&p).unwrap();
    for (i, f) in plan.files.iter().enumerate() {
        for r in &f.removals {
            // The rule decision comes first and wins over the file's "rest".
            let want = if r.rule == "comment-form-prompt" {
                Decision::Accepted
            } else {
                Decision::Rejected
            };
            assert_eq!(r.decision, want, "file {i} {}", r.rule);
        }
    }
    let out = deboil_in(dir.path())
        .args(["review", "plan.json", "--reset", "--accept-file", &first])
        .output()
        .unwrap();
    assert!(out.status.success());
    let t = Plan::load(&p).unwrap().tally();
    assert_eq!((t.accepted, t.rejected), (plan.files[0].removals.len(), 0));
}

#[test]
fn review_errors_are_clear() {
    let dir = seeds_copy();
    plan(dir.path());
    // No terminal: say so and name the flags.
    let out = deboil_in(dir.path())
        .args(["review", "plan.json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    insta::assert_snapshot!("review_without_a_terminal", stderr_in(dir.path(), &out));
    let out = deboil_in(dir.path())
        .args(["review", "plan.json", "--reject-rule", "no-such-rule"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no rule \"no-such-rule\" in this plan"));
    let out = deboil_in(dir.path())
        .args(["review", "plan.json", "--accept-file", "in/nope.txt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("in/nope.txt: not a file of this plan"));
}

#[test]
fn plans_of_other_versions_are_refused() {
    let dir = seeds_copy();
    plan(dir.path());
    let p = dir.path().join("plan.json");
    let json = fs::read_to_string(&p).unwrap();
    fs::write(&p, json.replacen("\"version\": 1", "\"version\": 7", 1)).unwrap();
    for args in [
        &["apply", "plan.json", "--out", "o"][..],
        &["review", "plan.json", "--accept-all"],
        &["report", "plan.json", "--html", "r.html"],
    ] {
        let out = deboil_in(dir.path()).args(args).output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert_eq!(
            String::from_utf8_lossy(&out.stderr),
            "deboil: plan.json: plan version 7 is not supported: this deboil reads version 1; \
             make the plan again with this deboil\n"
        );
    }
    assert!(!dir.path().join("o").exists());
}

#[test]
fn apply_needs_a_destination_and_never_writes_over_inputs_through_out() {
    let dir = seeds_copy();
    deboil_in(dir.path())
        .args(["plan", "in/000_f5d3382707fb2e8e.txt", "-o", "plan.json"])
        .assert()
        .success();
    deboil_in(dir.path())
        .args(["apply", "plan.json"])
        .assert()
        .code(2);
    let before = fs::read(dir.path().join("in/000_f5d3382707fb2e8e.txt")).unwrap();
    let out = deboil_in(dir.path())
        .args(["apply", "plan.json", "--out", "in", "--accept-undecided"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--out would overwrite the input itself")
    );
    assert_eq!(
        fs::read(dir.path().join("in/000_f5d3382707fb2e8e.txt")).unwrap(),
        before
    );
}

#[cfg(unix)]
#[test]
fn in_place_keeps_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = seeds_copy();
    let f = dir.path().join("in/004_8b5a3b941f2d7c87.txt");
    fs::set_permissions(&f, fs::Permissions::from_mode(0o640)).unwrap();
    plan(dir.path());
    deboil_in(dir.path())
        .args(["apply", "plan.json", "--in-place", "--accept-undecided"])
        .assert()
        .success();
    assert_eq!(
        fs::metadata(&f).unwrap().permissions().mode() & 0o777,
        0o640
    );
    assert_eq!(
        fs::read_to_string(&f).unwrap(),
        fs::read_to_string(fixture("seeds/expected/004_8b5a3b941f2d7c87.txt")).unwrap()
    );
}

/// The corpus check, run by `scripts/review-corpus-check.sh` (not
/// by `cargo test`: the corpus is not in the repository). Takes the first
/// `DEBOIL_CORPUS_LIMIT` (1000) files of `DEBOIL_CORPUS`, and for every rule
/// with removals: reject it, accept the rest, apply, compare every file.
#[test]
#[ignore = "needs DEBOIL_CORPUS; run scripts/review-corpus-check.sh"]
fn corpus_reject_each_rule_then_apply() {
    let Some(corpus) = std::env::var_os("DEBOIL_CORPUS") else {
        panic!("set DEBOIL_CORPUS to a directory of .txt pages");
    };
    let limit: usize = std::env::var("DEBOIL_CORPUS_LIMIT")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in");
    fs::create_dir(&input).unwrap();
    let mut pages = files(Path::new(&corpus));
    pages.retain(|p| p.extension().is_some_and(|e| e == "txt"));
    pages.truncate(limit);
    for p in &pages {
        fs::copy(p, input.join(p.file_name().unwrap())).unwrap();
    }
    let t = Instant::now();
    plan(dir.path());
    eprintln!("plan: {} files in {:.2?}", pages.len(), t.elapsed());
    let plan_json = fs::read(dir.path().join("plan.json")).unwrap();
    let plan = Plan::load(&dir.path().join("plan.json")).unwrap();
    let t = Instant::now();
    deboil_in(dir.path())
        .args(["report", "plan.json", "--html", "report.html"])
        .assert()
        .success();
    eprintln!(
        "report: {} bytes in {:.2?}",
        fs::metadata(dir.path().join("report.html")).unwrap().len(),
        t.elapsed()
    );
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for r in plan.files.iter().flat_map(|f| &f.removals) {
        *counts.entry(r.rule.as_str()).or_default() += 1;
    }
    eprintln!(
        "{} removals by {} rules in {} of {} files",
        plan.tally().total(),
        counts.len(),
        plan.files.iter().filter(|f| !f.removals.is_empty()).count(),
        plan.files.len()
    );
    let engine = engine();
    let texts: Vec<(PathBuf, String)> = files(&input)
        .into_iter()
        .map(|p| {
            let t = fs::read_to_string(&p).unwrap();
            (p, t)
        })
        .collect();
    // Cleaning is the slow part: each file once here, in parallel; per rule
    // only the `--ignore` run cleans again.
    let fulls: Vec<deboil::Cleaned> = texts.par_iter().map(|(_, t)| engine.clean(t)).collect();
    let mut mismatches = 0;
    eprintln!("rule                              removals  files changed  --ignore differs");
    for (rule, n) in &counts {
        fs::write(dir.path().join("plan.json"), &plan_json).unwrap();
        deboil_in(dir.path())
            .args(["review", "plan.json", "--reject-rule", rule, "--accept-all"])
            .assert()
            .success();
        let out = dir.path().join("out");
        let _ = fs::remove_dir_all(&out);
        deboil_in(dir.path())
            .args(["apply", "plan.json", "--out", "out"])
            .assert()
            .success();
        let (index, _) = engine.rules().find(rule).unwrap();
        let ignoring = deboil::Engine::new(
            engine
                .rules()
                .select(&deboil::Selection {
                    ignore: vec![(*rule).to_owned()],
                    ..Default::default()
                })
                .unwrap(),
        )
        .unwrap();
        let results: Vec<(bool, bool, bool)> = texts
            .par_iter()
            .zip(&fulls)
            .map(|((path, text), full)| {
                let mut cleaned = full.clone();
                cleaned.retain(|r| r.rule != index);
                let got = fs::read_to_string(out.join(path.file_name().unwrap())).unwrap();
                let ok = got == cleaned.output();
                if !ok {
                    eprintln!("MISMATCH {rule}: {}", path.display());
                }
                (
                    ok,
                    got != full.output(),
                    ignoring.clean(text).output() != got,
                )
            })
            .collect();
        mismatches += results.iter().filter(|r| !r.0).count();
        let changed = results.iter().filter(|r| r.1).count();
        let ignore_differs = results.iter().filter(|r| r.2).count();
        eprintln!("{rule:<34}{n:>8}{changed:>15}{ignore_differs:>18}");
    }
    assert_eq!(mismatches, 0);

    // Edit one file, apply everything in place: it is refused and untouched.
    fs::write(dir.path().join("plan.json"), &plan_json).unwrap();
    let edited = &texts[texts.len() / 2].0;
    fs::write(edited, "edited after planning\n").unwrap();
    let out = deboil_in(dir.path())
        .args(["apply", "plan.json", "--in-place", "--accept-undecided"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(
        fs::read_to_string(edited).unwrap(),
        "edited after planning\n"
    );
    for ((path, _), full) in texts.iter().zip(&fulls) {
        if path != edited {
            assert_eq!(fs::read_to_string(path).unwrap(), full.output());
        }
    }
}
