//! The `deboil` command line: exit codes, streams, errors, and snapshots of
//! what users read (diffs, JSON, rule explanations, help, errors).

use crate::fixture;
use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;

fn deboil() -> Command {
    let mut cmd = Command::cargo_bin("deboil").unwrap();
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    cmd
}

const SEED: &str = "seeds/input/000_f5d3382707fb2e8e.txt";

fn stdout_of(cmd: &mut Command) -> String {
    String::from_utf8(cmd.output().unwrap().stdout).unwrap()
}

/// Snapshots must not depend on where the repository is checked out.
fn relative(s: &str) -> String {
    s.replace(&format!("{}/", env!("CARGO_MANIFEST_DIR")), "")
}

#[test]
fn clean_file_writes_cleaned_text_to_stdout() {
    let expected = fs::read_to_string(fixture("seeds/expected/000_f5d3382707fb2e8e.txt")).unwrap();
    deboil()
        .args(["clean"])
        .arg(fixture(SEED))
        .assert()
        .success()
        .stdout(expected)
        .stderr("");
}

#[test]
fn clean_reads_stdin() {
    deboil()
        .args(["clean", "-"])
        .write_stdin("Body of the article.\nShare on Facebook\n")
        .assert()
        .success()
        .stdout("Body of the article.\n");
}

#[test]
fn clean_preserves_a_utf8_bom() {
    deboil()
        .args(["clean", "-"])
        .write_stdin(&b"\xEF\xBB\xBFShare on Facebook\nBody of the article.\n"[..])
        .assert()
        .success()
        .stdout(&b"\xEF\xBB\xBFBody of the article.\n"[..]);
}

#[test]
fn clean_directory_mirrors_the_tree_and_leaves_inputs_alone() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::create_dir_all(src.path().join("a/b")).unwrap();
    fs::write(src.path().join("a/b/one.txt"), "Text one.\nTweet\n").unwrap();
    fs::write(src.path().join("two.txt"), "Text two.\n").unwrap();
    fs::write(
        src.path().join("img.png"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .unwrap();
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "img.png: binary file (NUL bytes), skipped",
        ))
        .stderr(predicate::str::contains("cleaned 2 files"));
    assert_eq!(
        fs::read_to_string(out.path().join("a/b/one.txt")).unwrap(),
        "Text one.\n"
    );
    assert_eq!(
        fs::read_to_string(out.path().join("two.txt")).unwrap(),
        "Text two.\n"
    );
    assert!(!out.path().join("img.png").exists());
    assert_eq!(
        fs::read_to_string(src.path().join("a/b/one.txt")).unwrap(),
        "Text one.\nTweet\n"
    );
}

#[test]
fn clean_directory_needs_out() {
    deboil()
        .arg("clean")
        .arg(fixture("seeds/input"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("is a directory: give --out DIR"));
}

#[test]
fn clean_refuses_output_inside_input_only_as_the_same_tree() {
    let src = tempfile::tempdir().unwrap();
    fs::write(src.path().join("one.txt"), "Text one.\nTweet\n").unwrap();
    // An output directory inside the input is skipped by the walk...
    let out = src.path().join("cleaned");
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(out.join("one.txt")).unwrap(),
        "Text one.\n"
    );
    // ...and a re-run does not clean its own output.
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    assert!(!out.join("cleaned").exists());
    // The input tree itself as output is refused.
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(src.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "inputs are never modified in place",
        ));
}

#[test]
fn per_file_errors_name_the_file_and_exit_2_after_the_rest() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::write(src.path().join("bad.txt"), b"caf\xE9 au lait\n").unwrap();
    fs::write(src.path().join("good.txt"), "Fine text.\n").unwrap();
    // With --encoding utf-8, a file in another encoding is an error (by
    // default it would be decoded: see the badinput tests).
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .args(["--encoding", "utf-8"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "bad.txt: not valid UTF-8 (first bad byte at offset 3)",
        ));
    assert_eq!(
        fs::read_to_string(out.path().join("good.txt")).unwrap(),
        "Fine text.\n"
    );
    assert!(!out.path().join("bad.txt").exists());
}

#[test]
fn missing_file_is_an_error() {
    deboil()
        .args(["clean", "no/such/file.txt"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no/such/file.txt: No such file or directory",
        ));
}

#[test]
fn diff_exit_codes() {
    deboil().arg("diff").arg(fixture(SEED)).assert().code(1);
    deboil()
        .args(["diff", "-"])
        .write_stdin("Nothing to remove here.\n")
        .assert()
        .code(0)
        .stdout("");
    deboil().args(["diff", "no-such-file.txt"]).assert().code(2);
}

#[test]
fn diff_of_a_seed() {
    let out = stdout_of(
        deboil()
            .args(["diff", "--color", "never"])
            .arg(fixture(SEED)),
    );
    insta::assert_snapshot!(relative(&out));
}

#[test]
fn diff_of_every_case_applies_as_a_patch_shape() {
    // Each hunk header names rules, and removed lines are input lines.
    for name in ["comments", "credits", "edge-crlf", "navigation"] {
        let input = fixture(&format!("cases/{name}.input.txt"));
        let out = stdout_of(deboil().args(["diff", "--color", "never"]).arg(&input));
        let text = fs::read_to_string(&input).unwrap();
        for line in out
            .lines()
            .filter(|l| l.starts_with('-') && !l.starts_with("---"))
        {
            assert!(
                text.contains(line[1..].trim_end_matches('\r')),
                "{name}: {line:?}"
            );
        }
        assert!(
            out.lines()
                .filter(|l| l.starts_with("@@"))
                .all(|h| h.split("@@").nth(2).is_some_and(|a| !a.trim().is_empty()))
        );
    }
}

#[test]
fn diff_with_span_removal_shows_the_edited_line() {
    let out = stdout_of(
        deboil()
            .args(["diff", "--color", "never"])
            .arg(fixture("cases/credits.input.txt")),
    );
    insta::assert_snapshot!(relative(&out));
}

#[test]
fn color_only_when_asked_or_on_a_terminal() {
    let plain = stdout_of(deboil().arg("diff").arg(fixture(SEED)));
    assert!(!plain.contains('\x1b'), "piped output must not be colored");
    let forced = stdout_of(
        deboil()
            .args(["diff", "--color", "always"])
            .arg(fixture(SEED)),
    );
    assert!(forced.contains("\x1b[31m-LEAVE A REPLY"));
    let never = stdout_of(
        deboil()
            .args(["diff", "--color", "never"])
            .arg(fixture(SEED))
            .env("CLICOLOR_FORCE", "1"),
    );
    assert!(!never.contains('\x1b'));
}

#[test]
fn colored_diff_escapes_control_characters() {
    let out = stdout_of(
        deboil()
            .args(["diff", "--color", "always", "-"])
            .write_stdin("Body text.\nShare on Facebook\x1b]0;pwned\x07\nTweet\n"),
    );
    assert!(!out.contains("\x1b]0;"), "{out:?}");
    assert!(out.contains("\\u{1b}"), "{out:?}");
}

#[test]
fn json_records_of_a_seed() {
    let out = stdout_of(deboil().args(["clean", "--json"]).arg(fixture(SEED)));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let expected = fs::read_to_string(fixture("seeds/expected/000_f5d3382707fb2e8e.txt")).unwrap();
    assert_eq!(v["output"].as_str().unwrap(), expected);
    let input = fs::read_to_string(fixture(SEED)).unwrap();
    for r in v["removals"].as_array().unwrap() {
        let (s, e) = (
            r["start"].as_u64().unwrap() as usize,
            r["end"].as_u64().unwrap() as usize,
        );
        assert_eq!(&input[s..e], r["text"].as_str().unwrap());
    }
    let diff = stdout_of(deboil().args(["diff", "--json"]).arg(fixture(SEED)));
    let mut v: serde_json::Value = serde_json::from_str(&diff).unwrap();
    v["path"] = "SEED".into();
    insta::assert_json_snapshot!(v);
}

#[test]
fn select_and_ignore_pick_rules() {
    let text = "Body of the article.\nShare on Facebook\nPrivacy Policy\n";
    deboil()
        .args(["clean", "-", "--select", "share"])
        .write_stdin(text)
        .assert()
        .stdout("Body of the article.\nPrivacy Policy\n");
    deboil()
        // The content model would take both lines too: leave it out.
        .args(["clean", "-", "--ignore", "share-button,legal,classifier"])
        .write_stdin(text)
        .assert()
        .stdout(text);
    deboil()
        .args(["clean", "-", "--select", "shar"])
        .write_stdin(text)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "no rule or category named \"shar\"",
        ));
}

#[test]
fn profiles_change_what_runs() {
    // "Facebook" alone is a share-icon label: balanced removes it, safe does not.
    let text = "Body of the article.\nFacebook\n";
    deboil()
        .args(["clean", "-"])
        .write_stdin(text)
        .assert()
        .stdout("Body of the article.\n");
    deboil()
        .args(["clean", "-", "--profile", "safe"])
        .write_stdin(text)
        .assert()
        .stdout(text);
}

#[test]
fn user_rule_pack_adds_rules() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("mine.toml"),
        r#"
[[rule]]
id = "house-promo"
category = "promo"
summary = "Our site's own promo line"
scope = "line"
literals = ["Download our app"]
remove = ["Download our app"]
keep = ["They decided to download our app data for the audit."]
"#,
    )
    .unwrap();
    deboil()
        .args(["clean", "-", "--rules"])
        .arg(dir.path())
        .write_stdin("Body of the article.\nDownload our app\n")
        .assert()
        .success()
        .stdout("Body of the article.\n");
    deboil()
        .args(["rules", "test", "--rules"])
        .arg(dir.path())
        .assert()
        .success();
}

#[test]
fn bad_rule_pack_is_reported_before_any_file_is_touched() {
    let dir = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.toml"),
        r#"[[rule]]
id = "share-button"
category = "x"
summary = "Duplicate id and a broken regex"
scope = "line"
regex = "(unclosed"
remove = ["x"]
keep = ["y"]

[[rule]]
id = "typo-key"
category = "x"
summary = "s"
scpoe = "line"
"#,
    )
    .unwrap();
    let assert = deboil()
        .args(["clean"])
        .arg(fixture("seeds/input"))
        .arg("--out")
        .arg(out.path())
        .arg("--rules")
        .arg(dir.path())
        .assert()
        .code(2);
    let stderr = String::from_utf8(assert.get_output().stderr.clone()).unwrap();
    let stderr = stderr.replace(&dir.path().display().to_string(), "PACK");
    insta::assert_snapshot!(stderr);
    assert_eq!(
        fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing may be written"
    );
}

#[test]
fn rules_list_and_explain() {
    let list = stdout_of(deboil().args(["rules", "list"]));
    assert!(list.starts_with("ID "));
    assert!(list.contains("comment-form-prompt"));
    assert!(list.lines().count() > 30);
    let explain = stdout_of(deboil().args(["rules", "explain", "player-timestamps"]));
    insta::assert_snapshot!(explain);
    deboil()
        .args(["rules", "explain", "timestamps"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("did you mean player-timestamps"));
}

#[test]
fn rules_test_passes_for_the_builtin_pack() {
    deboil()
        .args(["rules", "test"])
        .assert()
        .success()
        .stdout(predicate::str::contains("all pass"));
}

#[test]
fn rules_test_fails_with_every_failure_listed() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("eager.toml"),
        r#"[[rule]]
id = "eager"
category = "x"
summary = "Too eager"
scope = "line"
match = "contains"
literals = ["the"]
remove = ["the end", "nothing here"]
keep = ["the start"]
"#,
    )
    .unwrap();
    deboil()
        .args(["rules", "test", "--rules"])
        .arg(dir.path())
        .assert()
        .code(1)
        .stderr(predicate::str::contains(
            "eager.toml:8:22: rule \"eager\": remove example \"nothing here\"",
        ))
        .stderr(predicate::str::contains("keep example \"the start\""));
}

#[test]
fn help_is_clear() {
    let help = stdout_of(deboil().arg("--help"));
    insta::assert_snapshot!(help);
    let clean_help = stdout_of(deboil().args(["clean", "--help"]));
    assert!(clean_help.contains("--out <DIR>"));
    assert!(clean_help.contains("--profile <PROFILE>"));
}

#[test]
fn broken_pipe_is_not_an_error() {
    // `deboil diff DIR | head -1`: the reader goes away early.
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("deboil"))
        .args(["diff", "--color", "never"])
        .arg(fixture("seeds/input"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{out:?}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).is_empty(), "{out:?}");
}

// See: issue 8 (learn a corpus's boilerplate). The fixture holds two fake
// sites; `fixtures/learn/expected.toml` was checked by hand: each site's
// menu, sign-in and footer lines (the footer's year varies), nothing of the
// articles.
#[test]
fn learn_then_edit_then_clean_with_the_learned_rules() {
    let dir = tempfile::tempdir().unwrap();
    let pack = dir.path().join("learned.toml");
    deboil()
        .args(["learn"])
        .arg(fixture("learn/input"))
        .arg("-o")
        .arg(&pack)
        .assert()
        .success()
        .stdout("")
        .stderr(predicate::str::contains(
            "learned 2 rules (8 lines) from 5 documents",
        ));
    let text = fs::read_to_string(&pack).unwrap();
    assert_eq!(
        text,
        fs::read_to_string(fixture("learn/expected.toml")).unwrap()
    );
    deboil()
        .args(["rules", "test", "--rules"])
        .arg(&pack)
        .assert()
        .success();

    // Edit: "Sign in" is to stay.
    let edited = text.replace(
        "    # 3 of 3 documents, e.g. news.example/bakers.txt, news.example/bridge.txt\n    \"Sign in\",\n",
        "",
    );
    assert_ne!(edited, text);
    fs::write(&pack, edited).unwrap();
    // Only the learned rules, so that built-in rules claiming the same
    // lines (a menu, a copyright line) cannot hide the edit.
    let out = dir.path().join("out");
    deboil()
        .arg("clean")
        .arg(fixture("learn/input"))
        .arg("--out")
        .arg(&out)
        .args(["--select", "learned", "--rules"])
        .arg(&pack)
        .arg("--json")
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "\"rule\":\"learned.news-example\"",
        ));
    assert_eq!(
        fs::read_to_string(out.join("news.example/storm.txt")).unwrap(),
        "Sign in\nHarbour closed by the storm\nFishermen said the harbour stayed shut for three days while the waves kept rising.\nThe port authority promised to reopen it as soon as the wind dropped below gale force.\n"
    );
    assert_eq!(
        fs::read_to_string(out.join("shop.example/curtains.txt")).unwrap(),
        "Linen curtains\nHeavy linen curtains, washed soft, in six colours that fade gracefully in the sun.\n"
    );
    // A page of another site is not touched by these rules.
    deboil()
        .args(["clean", "-", "--select", "learned", "--rules"])
        .arg(&pack)
        .write_stdin("Shop Example\nSign in\n")
        .assert()
        .success()
        .stdout("Shop Example\nSign in\n");
}

#[test]
fn clean_learn_applies_and_saves_the_learned_rules() {
    let dir = tempfile::tempdir().unwrap();
    let (out, pack) = (dir.path().join("out"), dir.path().join("saved.toml"));
    deboil()
        .arg("clean")
        .arg(fixture("learn/input"))
        .arg("--out")
        .arg(&out)
        .arg("--learn")
        .arg("--learn-save")
        .arg(&pack)
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(&pack).unwrap(),
        fs::read_to_string(fixture("learn/expected.toml")).unwrap()
    );
    let storm = fs::read_to_string(out.join("news.example/storm.txt")).unwrap();
    assert!(
        storm.starts_with("Harbour closed by the storm\n"),
        "{storm}"
    );
    assert!(!storm.contains("All rights reserved"), "{storm}");
}
