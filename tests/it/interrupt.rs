//! Interruptions: SIGINT and SIGKILL in the middle of a batch, SIGKILL at
//! many points of an in-place `apply`, SIGINT during a JSONL stream. Whatever the moment, no output
//! file is partial, and a re-run completes the job. Each test prints its
//! figures (files checked, partial files found) with `--nocapture`.

#![cfg(unix)]

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

fn bin() -> PathBuf {
    assert_cmd::cargo::cargo_bin("deboil")
}

/// A page whose cleaned form is known without running deboil.
fn page(i: usize) -> (String, String) {
    let body = format!(
        "Page {i}: the council approved the budget after a long debate on Tuesday night.\n\
         Residents said the vote on item {i} was long overdue and welcomed the decision.\n"
    );
    (format!("{body}Share on Facebook\nTweet\n"), body)
}

/// A tree of `n` pages; returns the expected output of each, by relative path.
fn tree(dir: &Path, n: usize) -> Vec<(PathBuf, String)> {
    let mut expected = Vec::new();
    for i in 0..n {
        let rel = PathBuf::from(format!("d{}/p{i:05}.txt", i % 11));
        let (input, output) = page(i);
        fs::create_dir_all(dir.join(&rel).parent().unwrap()).unwrap();
        fs::write(dir.join(&rel), input).unwrap();
        expected.push((rel, output));
    }
    expected
}

#[derive(Debug, Default)]
struct Scan {
    /// Output files compared with their expected content.
    checked: usize,
    /// Output files whose content differs (partial or wrong).
    partial: Vec<PathBuf>,
    /// Temporary files left behind (hidden, never outputs).
    temporaries: Vec<PathBuf>,
    /// Files that are neither an expected output, a temporary, nor the manifest.
    unexpected: Vec<PathBuf>,
}

fn scan(out: &Path, expected: &[(PathBuf, String)]) -> Scan {
    let want: std::collections::HashMap<&Path, &str> = expected
        .iter()
        .map(|(p, s)| (p.as_path(), s.as_str()))
        .collect();
    let mut s = Scan::default();
    let mut stack = vec![out.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = fs::read_dir(&d) else {
            continue;
        };
        for e in entries {
            let e = e.unwrap();
            let p = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(out).unwrap().to_path_buf();
            let name = e.file_name();
            if deboil_cli::batch::is_temporary(&name) {
                s.temporaries.push(rel);
            } else if name == deboil_cli::batch::MANIFEST_NAME {
            } else if let Some(w) = want.get(rel.as_path()) {
                s.checked += 1;
                if fs::read(&p).unwrap() != w.as_bytes() {
                    s.partial.push(rel);
                }
            } else {
                s.unexpected.push(rel);
            }
        }
    }
    s
}

fn spawn_clean(src: &Path, out: &Path) -> std::process::Child {
    Command::new(bin())
        .arg("clean")
        .arg(src)
        .arg("--out")
        .arg(out)
        .args(["-j", "2"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits until at least `min` files exist under `out` (or the child ends).
fn wait_for_progress(child: &mut std::process::Child, out: &Path, min: usize) {
    for _ in 0..2000 {
        if child.try_wait().unwrap().is_some() {
            return;
        }
        let n = fs::read_dir(out)
            .map(|d| {
                d.filter_map(Result::ok)
                    .filter(|e| e.path().is_dir())
                    .map(|e| fs::read_dir(e.path()).map_or(0, |d| d.count()))
                    .sum::<usize>()
            })
            .unwrap_or(0);
        if n >= min {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn kill(child: &std::process::Child, signal: &str) {
    let ok = Command::new("kill")
        .args([signal, &child.id().to_string()])
        .status()
        .unwrap()
        .success();
    assert!(ok, "kill {signal}");
}

fn rerun(src: &Path, out: &Path) -> String {
    let o = Command::new(bin())
        .arg("clean")
        .arg(src)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr).into_owned();
    assert!(o.status.success(), "re-run failed: {err}");
    err
}

fn interrupted_batch(signal: &str) {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let n = 4000;
    let expected = tree(src.path(), n);
    let mut child = spawn_clean(src.path(), out.path());
    wait_for_progress(&mut child, out.path(), 300);
    kill(&child, signal);
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    let after_kill = scan(out.path(), &expected);
    eprintln!(
        "{signal}: exit {:?}; after the signal: {} output files checked, {} partial, \
         {} temporaries, {} unexpected",
        output.status,
        after_kill.checked,
        after_kill.partial.len(),
        after_kill.temporaries.len(),
        after_kill.unexpected.len()
    );
    assert!(after_kill.partial.is_empty(), "{:?}", after_kill.partial);
    assert!(
        after_kill.unexpected.is_empty(),
        "{:?}",
        after_kill.unexpected
    );
    if signal == "-INT" && after_kill.checked < n {
        // Caught: the files being written were finished, nothing else started.
        assert_eq!(output.status.code(), Some(130), "{err}");
        assert!(err.contains("deboil: interrupted:"), "{err}");
        assert!(
            err.contains("run the same command again to finish"),
            "{err}"
        );
        assert!(
            after_kill.temporaries.is_empty(),
            "{:?}",
            after_kill.temporaries
        );
    }
    let err = rerun(src.path(), out.path());
    let done = scan(out.path(), &expected);
    eprintln!(
        "{signal}: after the re-run: {} output files checked, {} partial, {} temporaries; {}",
        done.checked,
        done.partial.len(),
        done.temporaries.len(),
        err.lines().last().unwrap_or("")
    );
    assert_eq!(done.checked, n);
    assert!(done.partial.is_empty() && done.temporaries.is_empty());
    assert!(done.unexpected.is_empty());
}

#[test]
fn sigint_mid_batch_leaves_no_partial_file_and_a_rerun_completes() {
    interrupted_batch("-INT");
}

#[test]
fn sigkill_mid_batch_leaves_no_partial_file_and_a_rerun_completes() {
    interrupted_batch("-KILL");
}

/// `apply --in-place` killed at many moments: every file holds either its
/// old or its new content, byte for byte.
#[test]
fn in_place_apply_killed_at_any_point_leaves_old_or_new_content() {
    let src = tempfile::tempdir().unwrap();
    let n = 600;
    let expected = tree(src.path(), n);
    let inputs: Vec<String> = (0..n).map(|i| page(i).0).collect();
    let plan = src.path().join("plan.json");
    let ok = Command::new(bin())
        .args(["plan", "-o"])
        .arg(&plan)
        .arg(src.path())
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let ok = Command::new(bin())
        .args(["review", "--accept-all"])
        .arg(&plan)
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let (mut checked, mut torn, mut old, mut new, mut temporaries) = (0, 0, 0, 0, 0);
    // How long a whole run takes here, so the kills land along it.
    let start = std::time::Instant::now();
    let ok = Command::new(bin())
        .args(["apply", "--in-place"])
        .arg(&plan)
        .stderr(Stdio::null())
        .status()
        .unwrap()
        .success();
    assert!(ok);
    let whole = start.elapsed();
    // Kill at 1/10 .. 8/10 of that; each round restores the inputs first.
    for round in 0..8u32 {
        for (i, (rel, _)) in expected.iter().enumerate() {
            fs::write(src.path().join(rel), &inputs[i]).unwrap();
        }
        let mut child = Command::new(bin())
            .args(["apply", "--in-place"])
            .arg(&plan)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(whole * (round + 1) / 10);
        let _ = child.kill();
        let _ = child.wait();
        for (i, (rel, want)) in expected.iter().enumerate() {
            let got = fs::read(src.path().join(rel)).unwrap();
            checked += 1;
            if got == want.as_bytes() {
                new += 1;
            } else if got == inputs[i].as_bytes() {
                old += 1;
            } else {
                torn += 1;
            }
        }
        for d in fs::read_dir(src.path()).unwrap() {
            let d = d.unwrap().path();
            if d.is_dir() {
                for e in fs::read_dir(&d).unwrap() {
                    let e = e.unwrap();
                    if deboil_cli::batch::is_temporary(&e.file_name()) {
                        temporaries += 1;
                        fs::remove_file(e.path()).unwrap();
                    }
                }
            }
        }
    }
    eprintln!(
        "apply --in-place (a whole run: {whole:?}), SIGKILL in 8 rounds: {checked} files checked: {new} new, {old} old, \
         {torn} neither; {temporaries} temporary files left beside inputs"
    );
    assert_eq!(torn, 0);
    assert!(
        new > 0 && old > 0,
        "the kills should land mid-run: {new} new, {old} old"
    );
}

/// `clean --jsonl --output` stopped by SIGINT while its input is still open
/// (a pipe with nothing more to say yet): the run ends with 130 and the
/// output file it would have replaced is left as it was, with no temporary
/// file beside it.
#[test]
fn sigint_mid_jsonl_stream_keeps_the_old_output_and_no_temporary() {
    use std::io::Write;
    let dir = tempfile::tempdir().unwrap();
    let dest = dir.path().join("out.jsonl");
    fs::write(&dest, "old\n").unwrap();
    let mut child = Command::new(bin())
        .args(["clean", "--jsonl", "--output"])
        .arg(&dest)
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    for i in 0..3 {
        let line = serde_json::json!({ "text": page(i).0 });
        writeln!(stdin, "{line}").unwrap();
    }
    stdin.flush().unwrap();
    // The temporary output exists once the signal handler is in place.
    let temporaries = |dir: &Path| {
        fs::read_dir(dir)
            .unwrap()
            .filter(|e| deboil_cli::batch::is_temporary(&e.as_ref().unwrap().file_name()))
            .count()
    };
    for _ in 0..2000 {
        if temporaries(dir.path()) > 0 || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    assert_eq!(temporaries(dir.path()), 1, "the stream should be running");
    kill(&child, "-INT");
    // The input stays open: only the signal can end the run.
    let mut status = None;
    for _ in 0..1000 {
        status = child.try_wait().unwrap();
        if status.is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let Some(status) = status else {
        child.kill().unwrap();
        panic!("deboil did not stop within 10 s of SIGINT");
    };
    drop(stdin);
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(130), "{err}");
    assert!(err.contains("deboil: interrupted:"), "{err}");
    assert_eq!(fs::read_to_string(&dest).unwrap(), "old\n");
    assert_eq!(temporaries(dir.path()), 0);
}
