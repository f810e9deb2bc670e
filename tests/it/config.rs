//! The configuration file (discovery, pyproject, precedence, errors, rule
//! packs, the resume fingerprint), and the global flags around it: `-q`,
//! `-v`, shell completions and the manual page.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

/// `deboil` run in `cwd`. The configuration file search starts there, and
/// goes up through the temporary directory's parents, which hold none.
fn deboil_in(cwd: &Path) -> Command {
    let mut cmd = Command::cargo_bin("deboil").unwrap();
    cmd.current_dir(cwd)
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE");
    cmd
}

const PAGE: &str = "Body of the article.\nShare on Facebook\n";
// The configurations below ignore the classifier as well as the share
// rules: the content model may judge the share line on its own, and these
// tests are about where a setting comes from, not about the model.

/// What `clean -` makes of `PAGE` in `cwd`, with these extra arguments.
fn clean_page(cwd: &Path, extra: &[&str]) -> String {
    let out = deboil_in(cwd)
        .args(["clean", "-"])
        .args(extra)
        .write_stdin(PAGE)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

const REMOVED: &str = "Body of the article.\n";

#[test]
fn the_builtin_default_removes_the_share_line() {
    // The baseline the other tests change through the configuration.
    let dir = tempfile::tempdir().unwrap();
    assert_eq!(clean_page(dir.path(), &[]), REMOVED);
}

#[test]
fn a_config_file_is_found_walking_up_from_the_working_directory() {
    let root = tempfile::tempdir().unwrap();
    let deep = root.path().join("a/b/c");
    fs::create_dir_all(&deep).unwrap();
    fs::write(
        root.path().join("deboil.toml"),
        "ignore = [\"share\", \"classifier\"]\n",
    )
    .unwrap();
    assert_eq!(clean_page(&deep, &[]), PAGE);
    assert_eq!(clean_page(root.path(), &[]), PAGE);
    // The nearest file wins, and only it is read.
    fs::write(
        root.path().join("a/deboil.toml"),
        "profile = \"balanced\"\n",
    )
    .unwrap();
    assert_eq!(clean_page(&deep, &[]), REMOVED);
}

#[test]
fn pyproject_tool_deboil_is_read_and_one_without_it_is_passed_over() {
    let root = tempfile::tempdir().unwrap();
    let sub = root.path().join("project");
    fs::create_dir_all(&sub).unwrap();
    fs::write(
        root.path().join("pyproject.toml"),
        "[project]\nname = \"outer\"\n\n[tool.deboil]\nignore = [\"share\", \"classifier\"]\n",
    )
    .unwrap();
    fs::write(
        sub.join("pyproject.toml"),
        "[project]\nname = \"inner\"\n\n[tool.ruff]\nline-length = 100\n",
    )
    .unwrap();
    assert_eq!(clean_page(&sub, &[]), PAGE);
}

#[test]
fn a_flag_wins_over_the_config_file_which_wins_over_the_default() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("deboil.toml"),
        "ignore = [\"share\", \"classifier\"]\n",
    )
    .unwrap();
    assert_eq!(clean_page(dir.path(), &[]), PAGE);
    // --ignore given: the file's list is replaced, not added to.
    assert_eq!(clean_page(dir.path(), &["--ignore", "menu-run"]), REMOVED);

    // --guard against `guard` in the file, on a page that is one menu:
    // menu-run takes all of it unless the guard withholds that.
    let menu = |extra: &[&str]| {
        let out = deboil_in(dir.path())
            .args(["clean", "-"])
            .args(extra)
            .write_stdin(MENU)
            .output()
            .unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap()
    };
    fs::write(dir.path().join("deboil.toml"), "guard = false\n").unwrap();
    assert_eq!(menu(&[]), "");
    assert_eq!(menu(&["--guard", "0.9"]), MENU);
    fs::write(dir.path().join("deboil.toml"), "guard = 0.9\n").unwrap();
    assert_eq!(menu(&[]), MENU);
    assert_eq!(menu(&["--no-guard"]), "");
}

/// A page that is nothing but a menu.
const MENU: &str = "World\nBusiness\nSport\nCulture\nWeather\nTravel\n";

#[test]
fn isolated_ignores_every_config_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("deboil.toml"),
        "ignore = [\"share\", \"classifier\"]\n",
    )
    .unwrap();
    assert_eq!(clean_page(dir.path(), &[]), PAGE);
    assert_eq!(clean_page(dir.path(), &["--isolated"]), REMOVED);
    // Even a broken one.
    fs::write(dir.path().join("deboil.toml"), "nonsense = [\n").unwrap();
    assert_eq!(clean_page(dir.path(), &["--isolated"]), REMOVED);
}

#[test]
fn config_names_a_file_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let file = elsewhere.path().join("strict.toml");
    fs::write(&file, "ignore = [\"share\", \"classifier\"]\n").unwrap();
    assert_eq!(
        clean_page(dir.path(), &["--config", file.to_str().unwrap()]),
        PAGE
    );
    // A pyproject.toml named without [tool.deboil] is an error, not a no-op.
    let py = elsewhere.path().join("pyproject.toml");
    fs::write(&py, "[project]\nname = \"x\"\n").unwrap();
    deboil_in(dir.path())
        .args(["clean", "-", "--config"])
        .arg(&py)
        .write_stdin(PAGE)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no [tool.deboil] table"));
}

#[test]
fn an_unknown_key_is_an_error_naming_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("deboil.toml"),
        "profile = \"safe\"\n\n[learn]\nmin-docs = 3\nmin-dosc = 4\n",
    )
    .unwrap();
    let path = dir.path().join("deboil.toml");
    deboil_in(dir.path())
        .args(["clean", "-"])
        .write_stdin(PAGE)
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::starts_with(format!(
            "deboil: {}:5:1: unknown field `min-dosc`, expected one of",
            path.display()
        )));
    // A wrong type too.
    fs::write(&path, "guard = \"high\"\n").unwrap();
    deboil_in(dir.path())
        .args(["diff", "-"])
        .write_stdin(PAGE)
        .assert()
        .code(2)
        .stderr(predicate::str::starts_with(format!(
            "deboil: {}:1:9: invalid type: string \"high\", expected a share between 0 and 1",
            path.display()
        )));
}

#[test]
fn rule_pack_paths_are_relative_to_the_config_file() {
    let root = tempfile::tempdir().unwrap();
    let sub = root.path().join("work/here");
    fs::create_dir_all(&sub).unwrap();
    fs::create_dir_all(root.path().join("packs")).unwrap();
    fs::write(
        root.path().join("packs/house.toml"),
        r#"[[rule]]
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
    fs::write(
        root.path().join("deboil.toml"),
        "rules = [\"packs/house.toml\"]\n",
    )
    .unwrap();
    deboil_in(&sub)
        .args(["clean", "-"])
        .write_stdin("Body of the article.\nDownload our app\n")
        .assert()
        .success()
        .stdout("Body of the article.\n");
    // `rules list` sees the pack too.
    deboil_in(&sub)
        .args(["rules", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains("house-promo"));
    // A pack that is not there is named at its place in the file.
    fs::write(
        root.path().join("deboil.toml"),
        "rules = [\"packs/gone.toml\"]\n",
    )
    .unwrap();
    deboil_in(&sub)
        .args(["clean", "-"])
        .write_stdin(PAGE)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("deboil.toml:1:10: rule pack"));
}

#[test]
fn changing_the_config_file_makes_a_resumed_run_clean_everything_again() {
    let root = tempfile::tempdir().unwrap();
    let (src, out) = (root.path().join("src"), root.path().join("out"));
    fs::create_dir_all(&src).unwrap();
    for i in 0..3 {
        fs::write(src.join(format!("{i}.txt")), PAGE).unwrap();
    }
    let run = || {
        let o = deboil_in(root.path())
            .args(["clean", "src", "--out", "out", "--json"])
            .output()
            .unwrap();
        assert!(o.status.success());
        let stdout = String::from_utf8(o.stdout).unwrap();
        let summary: serde_json::Value =
            serde_json::from_str(stdout.lines().last().unwrap()).unwrap();
        (summary["files"].as_u64(), summary["up_to_date"].as_u64())
    };
    assert_eq!(run(), (Some(3), Some(0)));
    assert_eq!(run(), (Some(0), Some(3)));
    fs::write(
        root.path().join("deboil.toml"),
        "ignore = [\"share\", \"classifier\"]\n",
    )
    .unwrap();
    assert_eq!(run(), (Some(3), Some(0)));
    assert_eq!(fs::read_to_string(out.join("0.txt")).unwrap(), PAGE);
    assert_eq!(run(), (Some(0), Some(3)));
    // A forced encoding from the file counts as much as from a flag.
    fs::write(root.path().join("deboil.toml"), "encoding = \"latin1\"\n").unwrap();
    assert_eq!(run(), (Some(3), Some(0)));
}

#[test]
fn learn_options_come_from_the_learn_table() {
    let root = tempfile::tempdir().unwrap();
    let site = root.path().join("pages/site");
    fs::create_dir_all(&site).unwrap();
    // Digits fold away in learning, so the documents differ by words.
    for (i, w) in ["apple", "river", "copper", "violin"].iter().enumerate() {
        fs::write(
            site.join(format!("{i}.txt")),
            format!(
                "Site banner of ours\nThe story of the {w} opens with weather and a walk.\n\
                 It ends with the {w} counted by a volunteer.\n"
            ),
        )
        .unwrap();
    }
    let learn = |extra: &[&str]| {
        let o = deboil_in(root.path())
            .args(["learn", "pages", "-o", "-"])
            .args(extra)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8(o.stdout).unwrap()
    };
    // A small sketch keeps the test quick.
    let config = root.path().join("deboil.toml");
    fs::write(&config, "[learn]\nsketch-width = 65536\n").unwrap();
    assert!(learn(&[]).contains("Site banner of ours"));
    // Four documents cannot meet min-docs = 5...
    fs::write(&config, "[learn]\nsketch-width = 65536\nmin-docs = 5\n").unwrap();
    assert!(!learn(&[]).contains("Site banner of ours"));
    // ...unless the command line says otherwise.
    assert!(learn(&["--min-docs", "2"]).contains("Site banner of ours"));
}

#[test]
fn quiet_silences_warnings_but_not_errors() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("text.txt"), PAGE).unwrap();
    fs::write(
        dir.path().join("img.png"),
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    )
    .unwrap();
    let warning = "img.png: binary file (NUL bytes), skipped";
    deboil_in(dir.path())
        .args(["diff", "."])
        .assert()
        .code(1)
        .stderr(predicate::str::contains(warning));
    deboil_in(dir.path())
        .args(["diff", ".", "-q"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("-Share on Facebook"))
        .stderr("");
    // The summary line of `clean --out` is gone too; an error is not.
    deboil_in(dir.path())
        .args(["clean", ".", "--out"])
        .arg(dir.path().join("out"))
        .arg("--quiet")
        .assert()
        .success()
        .stderr("");
    deboil_in(dir.path())
        .args(["clean", "missing.txt", "-q"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("missing.txt"));
}

#[test]
fn verbose_names_the_config_file_and_what_it_set() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("deboil.toml");
    fs::write(&path, "profile = \"safe\"\nignore = [\"share\"]\n").unwrap();
    deboil_in(dir.path())
        .args(["clean", "-", "-v", "--ignore", "menu-run"])
        .write_stdin(PAGE)
        .assert()
        .success()
        .stderr(predicate::str::contains(format!(
            "deboil: configuration file {}: sets profile\n",
            path.display()
        )));
    deboil_in(dir.path())
        .args(["clean", "-", "-v", "--isolated"])
        .write_stdin(PAGE)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "--isolated: no configuration file read",
        ));
    // Without -v, not a word about it.
    deboil_in(dir.path())
        .args(["clean", "-"])
        .write_stdin(PAGE)
        .assert()
        .success()
        .stderr("");
}

#[test]
fn completions_generate_for_every_shell() {
    let dir = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = deboil_in(dir.path())
            .args(["completions", shell])
            .output()
            .unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(script.contains("clean"), "{shell}: {script}");
        assert!(script.contains("isolated"), "{shell}");
    }
    deboil_in(dir.path())
        .args(["completions", "tcsh"])
        .assert()
        .code(2);
}

#[test]
fn man_prints_a_roff_page() {
    let dir = tempfile::tempdir().unwrap();
    let out = deboil_in(dir.path()).arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie \\n(.g .ds Aq \\(aq") || page.starts_with(".TH"),
        "{page}"
    );
    assert!(page.contains(".TH deboil 1"), "{page}");
    assert!(page.contains("clean"));
    assert!(page.contains("\\-\\-config"));
}

#[test]
fn completions_and_man_ignore_a_broken_config_file() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("deboil.toml"), "nonsense = [\n").unwrap();
    deboil_in(dir.path()).arg("man").assert().success();
    deboil_in(dir.path())
        .args(["completions", "bash"])
        .assert()
        .success();
}
