//! Batch runs: parallel directories (deterministic whatever `-j`), resuming
//! into `--out`, summaries, and JSON Lines streams (order, bad lines,
//! compression). Generated inputs only: nothing here needs the corpus.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};

fn deboil() -> Command {
    let mut cmd = Command::cargo_bin("deboil").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// A page: article sentences around some debris of several families.
fn page(i: usize) -> String {
    format!(
        "Title of page {i}\n\nHome\nWorld\nBusiness\nSport\nCulture\nWeather\n\n\
         The council approved budget number {i} after a long debate on Tuesday night.\n\
         Share on Facebook\nTweet\n\n\
         Residents said the vote on item {i} was long overdue and welcomed it.\n\
         Rescue teams searched the rubble. Photo by Maria Popescu/AFP\n\n\
         LEAVE A REPLY\n\u{a9} 2024 Example Media. All rights reserved.\n"
    )
}

/// A tree of `n` pages in nested directories (plus a binary file).
fn tree(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..n {
        let p = dir.path().join(format!("d{}/p{i:04}.txt", i % 7));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, page(i)).unwrap();
    }
    fs::write(dir.path().join("logo.png"), b"\x89PNG\r\n\x1a\n\x00\x00").unwrap();
    dir
}

/// Every file under `dir` (the manifest aside) with its contents, sorted.
fn contents(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.file_name().unwrap() != ".deboil-manifest.json" {
                out.push((
                    p.strip_prefix(dir).unwrap().to_path_buf(),
                    fs::read(&p).unwrap(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn clean_into(src: &Path, out: &Path, extra: &[&str]) -> assert_cmd::assert::Assert {
    deboil()
        .arg("clean")
        .arg(src)
        .arg("--out")
        .arg(out)
        .args(extra)
        .assert()
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stderr.clone()).unwrap()
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let src = tree(150);
    let mut trees = Vec::new();
    let mut records = Vec::new();
    for j in ["1", "2", "3"] {
        let out = tempfile::tempdir().unwrap();
        let a = clean_into(src.path(), out.path(), &["-j", j, "--json"]).success();
        let stdout = String::from_utf8(a.get_output().stdout.clone()).unwrap();
        // Per-file records, in input order, then the summary record (whose
        // timings differ from run to run).
        let (files, summary) = stdout.trim_end().rsplit_once('\n').unwrap();
        assert!(summary.starts_with(r#"{"type":"summary","mode":"files","files":150,"#));
        assert_eq!(files.lines().count(), 150);
        records.push(files.replace(&src.path().display().to_string(), "SRC"));
        trees.push(contents(out.path()));
    }
    assert_eq!(trees[0].len(), 150);
    assert!(trees.iter().all(|t| *t == trees[0]));
    assert!(records.iter().all(|r| *r == records[0]));
}

#[test]
fn summary_goes_to_stderr_without_progress_bar_noise() {
    let src = tree(5);
    let out = tempfile::tempdir().unwrap();
    let a = clean_into(src.path(), out.path(), &[]).success().stdout("");
    let err = stderr(&a);
    // Not a terminal: no bar, no escape codes; just the warning and the summary.
    assert!(!err.contains('\x1b'), "{err:?}");
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 2, "{err}");
    assert!(lines[0].ends_with("logo.png: binary file (NUL bytes), skipped"));
    assert!(
        lines[1].starts_with("deboil: cleaned 5 files (")
            && lines[1].contains("1 skipped, 0 up to date, 0 errors in"),
        "{}",
        lines[1]
    );
}

#[test]
fn a_rerun_skips_outputs_that_are_up_to_date() {
    let src = tree(40);
    let full = tempfile::tempdir().unwrap();
    clean_into(src.path(), full.path(), &[]).success();

    let out = tempfile::tempdir().unwrap();
    clean_into(src.path(), out.path(), &[]).success();
    // As if the first run had been killed: some outputs never written.
    for e in fs::read_dir(out.path().join("d3")).unwrap() {
        fs::remove_file(e.unwrap().path()).unwrap();
    }
    let a = clean_into(src.path(), out.path(), &[]).success();
    assert!(stderr(&a).contains("cleaned 6 files"), "{}", stderr(&a));
    assert!(stderr(&a).contains("34 up to date"), "{}", stderr(&a));
    assert_eq!(contents(out.path()), contents(full.path()));

    // --force cleans everything again.
    let a = clean_into(src.path(), out.path(), &["--force"]).success();
    assert!(stderr(&a).contains("cleaned 40 files"), "{}", stderr(&a));
    assert!(stderr(&a).contains("0 up to date"));
}

#[test]
fn a_changed_input_is_cleaned_again() {
    let src = tree(3);
    let out = tempfile::tempdir().unwrap();
    clean_into(src.path(), out.path(), &[]).success();
    let input = src.path().join("d1/p0001.txt");
    fs::write(&input, "New text of the article.\nTweet\n").unwrap();
    // Make sure the change is newer than the output, whatever the clock's grain.
    let later = SystemTime::now() + Duration::from_secs(5);
    fs::File::options()
        .write(true)
        .open(&input)
        .unwrap()
        .set_modified(later)
        .unwrap();
    let a = clean_into(src.path(), out.path(), &[]).success();
    assert!(stderr(&a).contains("cleaned 1 files"), "{}", stderr(&a));
    assert_eq!(
        fs::read_to_string(out.path().join("d1/p0001.txt")).unwrap(),
        "New text of the article.\n"
    );
}

#[test]
fn other_rules_make_every_output_stale_even_after_an_interrupted_run() {
    let src = tree(30);
    let balanced = tempfile::tempdir().unwrap();
    clean_into(src.path(), balanced.path(), &[]).success();

    let out = tempfile::tempdir().unwrap();
    clean_into(src.path(), out.path(), &["--profile", "safe"]).success();
    // A balanced run that stopped part way: only some directories done.
    clean_into(src.path(), out.path(), &["--glob", "d[0-2]/*"]).success();
    // Resuming must redo the outputs the safe run left, not trust them.
    let a = clean_into(src.path(), out.path(), &[]).success();
    assert_eq!(contents(out.path()), contents(balanced.path()));
    assert!(stderr(&a).contains("up to date"));
    assert!(!stderr(&a).contains(" 0 up to date"), "{}", stderr(&a));
}

#[test]
fn a_killed_run_resumes_to_the_same_output() {
    let src = tempfile::tempdir().unwrap();
    for i in 0..3000 {
        let p = src.path().join(format!("d{}/p{i:05}.txt", i % 13));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, page(i)).unwrap();
    }
    let full = tempfile::tempdir().unwrap();
    clean_into(src.path(), full.path(), &["-j", "2"]).success();

    let out = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("deboil"))
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .args(["-j", "1"])
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    // Wherever it got to (even if it finished), the re-run completes the job.
    let _ = child.kill();
    let _ = child.wait();
    clean_into(src.path(), out.path(), &["-j", "2"]).success();
    let mut got = contents(out.path());
    // A kill between creating a temporary file and renaming it leaves that
    // hidden file behind; it is not an output.
    got.retain(|(p, _)| {
        !p.file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with(".deboil-")
    });
    assert_eq!(got, contents(full.path()));
}

fn jsonl_input() -> String {
    let mut s = String::new();
    for i in 0..300 {
        let text = serde_json::to_string(&page(i)).unwrap();
        s.push_str(&format!("{{\"id\":{i},\"text\":{text},\"lang\":\"en\"}}\n"));
    }
    s
}

#[test]
fn jsonl_keeps_order_and_fields_whatever_the_thread_count() {
    let input = jsonl_input();
    let mut outputs = Vec::new();
    for j in ["1", "2"] {
        let a = deboil()
            .args(["clean", "--jsonl", "-j", j])
            .write_stdin(input.clone())
            .assert()
            .success();
        let err = stderr(&a);
        assert!(
            err.starts_with("deboil: cleaned 300 documents (")
                && err.contains("300 lines, 0 errors"),
            "{err}"
        );
        outputs.push(a.get_output().stdout.clone());
    }
    assert_eq!(outputs[0], outputs[1]);
    let out = String::from_utf8(outputs.remove(0)).unwrap();
    for (i, line) in out.lines().enumerate() {
        assert!(
            line.starts_with(&format!(
                r#"{{"id":{i},"text":"Title of page {i}\n\nThe council"#
            )),
            "{line}"
        );
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["lang"], "en");
        let rules: Vec<&str> = v["deboil"]["removals"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["rule"].as_str().unwrap())
            .collect();
        assert!(
            rules.contains(&"share-button") && rules.contains(&"menu-run"),
            "{rules:?}"
        );
    }
}

#[test]
fn jsonl_bad_lines_are_reported_by_number_and_never_dropped_silently() {
    let input = "{\"text\":\"Body.\\nTweet\"}\nnot json\n{\"body\":\"x\"}\n{\"text\":3}\n{\"text\":\"End.\"}\n";
    let a = deboil()
        .args(["clean", "--jsonl"])
        .write_stdin(input)
        .assert()
        .code(2);
    let out = String::from_utf8(a.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(
        &lines[1..4],
        ["not json", r#"{"body":"x"}"#, r#"{"text":3}"#]
    );
    let err = stderr(&a);
    assert!(
        err.contains("deboil: <stdin>:2: not a JSON object: expected ident (column 2)"),
        "{err}"
    );
    assert!(
        err.contains("deboil: <stdin>:3: no \"text\" field"),
        "{err}"
    );
    assert!(
        err.contains("deboil: <stdin>:4: field \"text\" is not a string (found a number)"),
        "{err}"
    );
    assert!(err.contains("cleaned 2 documents"), "{err}");
    assert!(err.contains("5 lines, 3 errors"), "{err}");

    deboil()
        .args(["clean", "--jsonl", "--on-error", "skip", "--field", "body"])
        .write_stdin(input)
        .assert()
        .code(2)
        .stdout(predicate::function(|s: &str| s.lines().count() == 1));

    let a = deboil()
        .args(["clean", "--jsonl", "--on-error", "fail"])
        .write_stdin(input)
        .assert()
        .code(2);
    assert_eq!(
        String::from_utf8_lossy(&a.get_output().stdout)
            .lines()
            .count(),
        1
    );
    assert!(stderr(&a).contains("<stdin>:2: stopped at this line (--on-error fail)"));
}

#[test]
fn jsonl_files_are_decompressed_and_compressed_by_extension() {
    let input = jsonl_input();
    let expected = deboil()
        .args(["clean", "--jsonl"])
        .write_stdin(input.clone())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let dir = tempfile::tempdir().unwrap();
    let gz = dir.path().join("in.jsonl.gz");
    let mut enc =
        flate2::write::GzEncoder::new(fs::File::create(&gz).unwrap(), flate2::Compression::fast());
    enc.write_all(input.as_bytes()).unwrap();
    enc.finish().unwrap();
    let zst = dir.path().join("in.jsonl.zst");
    fs::write(&zst, zstd::encode_all(input.as_bytes(), 1).unwrap()).unwrap();

    for (src, dest) in [
        (&gz, "out.jsonl.zst"),
        (&zst, "out.jsonl.gz"),
        (&gz, "out.jsonl"),
    ] {
        let dest = dir.path().join(dest);
        deboil()
            .args(["clean", "--jsonl", "--json"])
            .arg(src)
            .arg("--output")
            .arg(&dest)
            .assert()
            .success()
            .stdout("")
            .stderr(predicate::str::starts_with(
                r#"{"type":"summary","mode":"jsonl","lines":300,"documents":300,"#,
            ));
        let bytes = fs::read(&dest).unwrap();
        let got = match dest.extension().unwrap().to_str().unwrap() {
            "zst" => zstd::decode_all(&bytes[..]).unwrap(),
            "gz" => {
                let mut v = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut v)
                    .unwrap();
                v
            }
            _ => bytes,
        };
        assert_eq!(got, expected, "{}", dest.display());
    }
}

#[test]
fn jsonl_never_replaces_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    fs::write(&input, "{\"text\":\"Body.\\nTweet\"}\n").unwrap();
    deboil()
        .args(["clean", "--jsonl"])
        .arg(&input)
        .arg("--output")
        .arg(&input)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("inputs are never modified"));
    assert_eq!(
        fs::read_to_string(&input).unwrap(),
        "{\"text\":\"Body.\\nTweet\"}\n"
    );
}

#[test]
fn jsonl_conflicts_are_explained() {
    deboil()
        .args(["clean", "--jsonl", "--out", "x"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("cannot be used with"));
    deboil()
        .args(["clean", "-", "--field", "body"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--jsonl"));
}
