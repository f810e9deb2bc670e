//! Bad input through the command line: every case ends in a clear message
//! naming the file, and nothing lost (no partial output, no input touched,
//! the other files still cleaned). See GUIDE.md "Bad input" for the list.
//!
//! Two kinds of test depend on the machine:
//! - permissions: root ignores file modes, so when the tests run as root the
//!   binary is run as user `nobody` (uid 65534) instead; set
//!   `DEBOIL_PERMISSION_TESTS=skip` to skip them;
//! - a full disk: a 64 KiB tmpfs is mounted (needs root and `mount`); when
//!   that is impossible the test prints a notice and passes, unless
//!   `DEBOIL_TMPFS_TESTS=require` (then it fails).

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::{Path, PathBuf};

fn deboil() -> Command {
    let mut cmd = Command::cargo_bin("deboil").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

fn stderr(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8_lossy(&a.get_output().stderr).into_owned()
}

fn stdout(a: &assert_cmd::assert::Assert) -> String {
    String::from_utf8(a.get_output().stdout.clone()).unwrap()
}

const ARTICLE: &str = "The council approved the budget after a long debate.\nShare on Facebook\n";
const CLEANED: &str = "The council approved the budget after a long debate.\n";

/// Every file under `dir`, recursively, relative, sorted.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap() {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                out.push(e.path().strip_prefix(dir).unwrap().to_path_buf());
            }
        }
    }
    out.sort();
    out
}

fn temporaries(dir: &Path) -> Vec<PathBuf> {
    files(dir)
        .into_iter()
        .filter(|p| deboil_cli::batch::is_temporary(p.file_name().unwrap()))
        .collect()
}

// --- Encodings -------------------------------------------------------------

#[test]
fn latin1_is_decoded_and_the_guess_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("latin1.txt");
    fs::write(
        &f,
        b"Le caf\xE9 a \xE9t\xE9 d\xE9j\xE0 servi \xE0 l'h\xF4tel, d\xE9clare le ma\xEEtre d'h\xF4tel.\nShare on Facebook\n",
    )
    .unwrap();
    let a = deboil().arg("clean").arg(&f).assert().success();
    assert_eq!(
        stdout(&a),
        "Le café a été déjà servi à l'hôtel, déclare le maître d'hôtel.\n"
    );
    assert!(
        stderr(&a).contains(
            "latin1.txt: decoded from windows-1252 (guessed: not valid UTF-8); output is UTF-8"
        ),
        "{}",
        stderr(&a)
    );
}

#[test]
fn windows_1252_punctuation_is_decoded_into_a_tree_and_counted() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    // Curly quotes, an en dash and the euro sign: bytes 0x80-0x9F, which
    // Latin-1 leaves as control characters.
    fs::write(
        src.path().join("cp1252.txt"),
        b"\x93It costs \x80400 \x96 too much,\x94 the mayor said on Tuesday evening.\nTweet\n",
    )
    .unwrap();
    fs::write(src.path().join("utf8.txt"), ARTICLE).unwrap();
    let a = deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .arg("--json")
        .assert()
        .success();
    assert_eq!(
        fs::read_to_string(out.path().join("cp1252.txt")).unwrap(),
        "\u{201c}It costs \u{20ac}400 \u{2013} too much,\u{201d} the mayor said on Tuesday evening.\n"
    );
    assert_eq!(
        fs::read_to_string(out.path().join("utf8.txt")).unwrap(),
        CLEANED
    );
    let err = stderr(&a);
    assert!(
        err.contains("cp1252.txt: decoded from windows-1252"),
        "{err}"
    );
    assert!(err.contains("1 decoded to UTF-8"), "{err}");
    let out_json = stdout(&a);
    let records: Vec<serde_json::Value> = out_json
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(records[0]["encoding"], "windows-1252");
    assert!(records[1].get("encoding").is_none());
    assert_eq!(records[2]["type"], "summary");
    assert_eq!(records[2]["decoded"], 1);
}

#[test]
fn utf16_with_a_bom_is_decoded_both_ways() {
    let dir = tempfile::tempdir().unwrap();
    for (name, le) in [("le.txt", true), ("be.txt", false)] {
        let mut bytes = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for u in "Ünïcödé text, long enough to be an article line here.\r\nTweet\r\n".encode_utf16()
        {
            bytes.extend(if le { u.to_le_bytes() } else { u.to_be_bytes() });
        }
        let f = dir.path().join(name);
        fs::write(&f, bytes).unwrap();
        let a = deboil().arg("clean").arg(&f).assert().success();
        assert_eq!(
            stdout(&a),
            "Ünïcödé text, long enough to be an article line here.\r\n"
        );
        let enc = if le { "UTF-16LE" } else { "UTF-16BE" };
        assert!(
            stderr(&a).contains(&format!("decoded from {enc} (by its byte-order mark)")),
            "{}",
            stderr(&a)
        );
    }
}

#[test]
fn encoding_can_be_forced_or_required() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("latin1.txt");
    fs::write(&f, b"Caf\xE9 cr\xE8me.\n").unwrap();
    // utf-8 required: refused, clearly, nothing on stdout.
    let a = deboil()
        .args(["clean", "--encoding", "utf-8"])
        .arg(&f)
        .assert()
        .code(2);
    assert!(stderr(&a).contains("latin1.txt: not valid UTF-8 (first bad byte at offset 3)"));
    assert!(a.get_output().stdout.is_empty());
    // Forced: decoded as said, and reported as forced.
    let a = deboil()
        .args(["clean", "--encoding", "iso-8859-15"])
        .arg(&f)
        .assert()
        .success();
    assert_eq!(stdout(&a), "Café crème.\n");
    assert!(stderr(&a).contains("decoded from ISO-8859-15 (as forced by --encoding)"));
    // Malformed in the forced encoding: refused, not replaced.
    let sj = dir.path().join("sjis.txt");
    fs::write(&sj, b"\x82\xA0\x82\n").unwrap();
    deboil()
        .args(["clean", "--encoding", "shift_jis"])
        .arg(&sj)
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "not valid Shift_JIS (--encoding): refused rather than decoded with replacement characters",
        ));
    // An unknown label is an argument error.
    deboil()
        .args(["clean", "--encoding", "klingon"])
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("unknown encoding \"klingon\""));
}

#[test]
fn a_utf8_bom_is_kept_in_the_output_tree() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::write(
        src.path().join("bom.txt"),
        [b"\xEF\xBB\xBF".as_slice(), ARTICLE.as_bytes()].concat(),
    )
    .unwrap();
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .success()
        .stderr(predicate::str::contains("decoded").not());
    assert_eq!(
        fs::read(out.path().join("bom.txt")).unwrap(),
        [b"\xEF\xBB\xBF".as_slice(), CLEANED.as_bytes()].concat()
    );
}

#[test]
fn plans_refuse_other_encodings_than_utf8() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("latin1.txt");
    fs::write(&f, b"Caf\xE9.\n").unwrap();
    deboil()
        .args(["plan", "-o"])
        .arg(dir.path().join("plan.json"))
        .arg(&f)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("not valid UTF-8"));
}

// --- Odd files -------------------------------------------------------------

#[test]
fn binary_empty_and_unterminated_files() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::write(
        src.path().join("image.png"),
        b"\x89PNG\r\n\x1a\n\x00\x00IHDR",
    )
    .unwrap();
    fs::write(src.path().join("empty.txt"), b"").unwrap();
    fs::write(
        src.path().join("no-newline.txt"),
        "The council approved the budget after a long debate.\nTweet",
    )
    .unwrap();
    let a = deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let err = stderr(&a);
    assert!(
        err.contains("image.png: binary file (NUL bytes), skipped"),
        "{err}"
    );
    assert!(err.contains("1 skipped"), "{err}");
    assert!(!out.path().join("image.png").exists());
    assert_eq!(fs::read(out.path().join("empty.txt")).unwrap(), b"");
    assert_eq!(
        fs::read_to_string(out.path().join("no-newline.txt")).unwrap(),
        CLEANED
    );
    // One binary file to standard output: an error, nothing written.
    let a = deboil()
        .arg("clean")
        .arg(src.path().join("image.png"))
        .assert()
        .code(2);
    assert!(stderr(&a).contains("image.png: binary file"));
    assert!(a.get_output().stdout.is_empty());
    // An empty file to standard output: empty output, success.
    deboil()
        .arg("clean")
        .arg(src.path().join("empty.txt"))
        .assert()
        .success()
        .stdout("");
}

#[test]
fn files_over_max_size_are_refused_before_reading() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::write(src.path().join("big.txt"), ARTICLE.repeat(100)).unwrap();
    fs::write(src.path().join("small.txt"), ARTICLE).unwrap();
    let a = deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .args(["--max-size", "1000"])
        .assert()
        .code(2);
    assert!(
        stderr(&a).contains("big.txt: file is 7100 bytes, over the 1000-byte limit (--max-size)"),
        "{}",
        stderr(&a)
    );
    assert!(!out.path().join("big.txt").exists());
    assert_eq!(
        fs::read_to_string(out.path().join("small.txt")).unwrap(),
        CLEANED
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_end_with_a_message_not_a_hang() {
    use std::os::unix::fs::symlink;
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::create_dir(src.path().join("a")).unwrap();
    fs::write(src.path().join("a/page.txt"), ARTICLE).unwrap();
    symlink("..", src.path().join("a/up")).unwrap();
    symlink("self", src.path().join("self")).unwrap();
    symlink("ping", src.path().join("pong")).unwrap();
    symlink("pong", src.path().join("ping")).unwrap();
    // Walking a tree does not follow links: the loop is never entered.
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .success();
    assert_eq!(
        files(out.path()),
        [
            PathBuf::from(deboil_cli::batch::MANIFEST_NAME),
            PathBuf::from("a/page.txt")
        ]
    );
    // A looping link named on the command line is an error naming it.
    let a = deboil()
        .arg("clean")
        .arg(src.path().join("ping"))
        .timeout(std::time::Duration::from_secs(60))
        .assert()
        .code(2);
    assert!(
        stderr(&a).contains("ping: Too many levels of symbolic links"),
        "{}",
        stderr(&a)
    );
}

#[test]
fn an_output_directory_inside_the_input_is_never_read_back() {
    // (`cli::clean_refuses_output_inside_input_only_as_the_same_tree` covers
    // the re-run; here the output is nested deeper and holds old outputs.)
    let src = tempfile::tempdir().unwrap();
    fs::create_dir_all(src.path().join("x/out/x")).unwrap();
    fs::write(src.path().join("x/page.txt"), ARTICLE).unwrap();
    fs::write(src.path().join("x/out/x/stale.txt"), "old output\n").unwrap();
    let out = src.path().join("x/out");
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains("cleaned 1 files"));
    assert_eq!(fs::read_to_string(out.join("x/page.txt")).unwrap(), CLEANED);
}

#[test]
fn files_that_disappear_during_a_run_are_reported_and_the_rest_written() {
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let n = 3000;
    for i in 0..n {
        fs::write(src.path().join(format!("p{i:05}.txt")), ARTICLE).unwrap();
    }
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("deboil"))
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .args(["-j", "1"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Delete every other file from the end backwards while it runs.
    for i in (0..n).rev().step_by(2) {
        let _ = fs::remove_file(src.path().join(format!("p{i:05}.txt")));
    }
    let output = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    let code = output.status.code();
    assert!(code == Some(0) || code == Some(2), "{code:?} {err}");
    for line in err.lines().filter(|l| !l.starts_with("deboil: cleaned")) {
        assert!(
            line.contains("No such file or directory"),
            "unexpected message: {line}"
        );
    }
    for f in files(out.path()) {
        if f.as_os_str() == ".deboil-manifest.json" {
            continue;
        }
        assert_eq!(fs::read_to_string(out.path().join(&f)).unwrap(), CLEANED);
    }
    assert!(temporaries(out.path()).is_empty());
}

// --- Permissions -------------------------------------------------------------

/// Runs the binary as an ordinary user: as root, `nobody`, for whom file
/// modes apply. `None` when permission tests are skipped.
#[cfg(unix)]
fn unprivileged() -> Option<std::process::Command> {
    use std::os::unix::process::CommandExt;
    if std::env::var("DEBOIL_PERMISSION_TESTS").is_ok_and(|v| v == "skip") {
        eprintln!("notice: permission tests skipped (DEBOIL_PERMISSION_TESTS=skip)");
        return None;
    }
    let mut cmd = std::process::Command::new(assert_cmd::cargo::cargo_bin("deboil"));
    if is_root() {
        cmd.uid(65534).gid(65534);
    }
    Some(cmd)
}

#[cfg(unix)]
fn is_root() -> bool {
    use std::os::unix::fs::MetadataExt;
    // The owner of a file this process just created is its effective uid.
    let f = tempfile::NamedTempFile::new().unwrap();
    f.as_file().metadata().unwrap().uid() == 0
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn permission_denied_on_output_or_input_is_reported_per_file() {
    let Some(mut cmd) = unprivileged() else {
        return;
    };
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    chmod(src.path(), 0o755);
    fs::create_dir(src.path().join("locked")).unwrap();
    fs::write(src.path().join("locked/page.txt"), ARTICLE).unwrap();
    fs::write(src.path().join("secret.txt"), ARTICLE).unwrap();
    fs::write(src.path().join("open.txt"), ARTICLE).unwrap();
    chmod(&src.path().join("secret.txt"), 0o000);
    // The output directory exists, but its `locked` part is read-only.
    chmod(out.path(), 0o777);
    fs::create_dir(out.path().join("locked")).unwrap();
    chmod(&out.path().join("locked"), 0o555);
    let output = cmd
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("secret.txt: Permission denied"), "{err}");
    assert!(
        err.contains("locked/page.txt: cannot write") && err.contains("Permission denied"),
        "{err}"
    );
    assert_eq!(
        fs::read_to_string(out.path().join("open.txt")).unwrap(),
        CLEANED
    );
    assert!(!out.path().join("secret.txt").exists());
    assert!(!out.path().join("locked/page.txt").exists());
    assert!(temporaries(out.path()).is_empty());
    // An output directory that cannot be created at all: one clear error.
    let Some(mut cmd) = unprivileged() else {
        return;
    };
    chmod(out.path(), 0o555);
    let output = cmd
        .arg("clean")
        .arg(src.path().join("open.txt"))
        .arg("--out")
        .arg(out.path().join("new"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{err}");
    assert!(err.contains("Permission denied"), "{err}");
    chmod(out.path(), 0o755);
}

#[cfg(unix)]
#[test]
fn outputs_get_ordinary_permissions_and_in_place_keeps_the_original_mode() {
    use std::os::unix::fs::PermissionsExt;
    let src = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    fs::write(src.path().join("page.txt"), ARTICLE).unwrap();
    chmod(&src.path().join("page.txt"), 0o640);
    // umask 022 is the parent's: the test harness's default. Output files
    // are 0666 less the umask, like any file a program creates.
    deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(out.path())
        .assert()
        .success();
    let mode = fs::metadata(out.path().join("page.txt"))
        .unwrap()
        .permissions()
        .mode();
    assert_ne!(
        mode & 0o777,
        0o600,
        "an output must not be private like a temp file"
    );
    assert_eq!(mode & 0o600, 0o600);
    // apply --in-place keeps the original's mode.
    let plan = src.path().join("plan.json");
    deboil()
        .args(["plan", "-o"])
        .arg(&plan)
        .arg(src.path().join("page.txt"))
        .assert()
        .success();
    deboil()
        .args(["review", "--accept-all"])
        .arg(&plan)
        .assert()
        .success();
    deboil()
        .args(["apply", "--in-place"])
        .arg(&plan)
        .assert()
        .success();
    let p = src.path().join("page.txt");
    assert_eq!(fs::read_to_string(&p).unwrap(), CLEANED);
    assert_eq!(
        fs::metadata(&p).unwrap().permissions().mode() & 0o777,
        0o640
    );
}

// --- A full disk ---------------------------------------------------------------

/// A 64 KiB tmpfs, unmounted on drop.
struct SmallFs(tempfile::TempDir);

impl SmallFs {
    fn mount() -> Option<SmallFs> {
        let required = std::env::var("DEBOIL_TMPFS_TESTS").is_ok_and(|v| v == "require");
        let dir = tempfile::tempdir().unwrap();
        let ok = std::process::Command::new("mount")
            .args(["-t", "tmpfs", "-o", "size=64k,mode=0777", "tmpfs"])
            .arg(dir.path())
            .stderr(std::process::Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return Some(SmallFs(dir));
        }
        assert!(
            !required,
            "DEBOIL_TMPFS_TESTS=require, but a tmpfs cannot be mounted here"
        );
        eprintln!(
            "notice: full-disk test skipped: cannot mount a tmpfs (needs root); \
             DEBOIL_TMPFS_TESTS=require makes this a failure"
        );
        None
    }
}

impl Drop for SmallFs {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg(self.0.path())
            .status();
    }
}

#[test]
fn a_full_disk_fails_files_cleanly_and_leaves_no_partial_output() {
    let Some(fs_) = SmallFs::mount() else {
        return;
    };
    let out = fs_.0.path().join("out");
    let src = tempfile::tempdir().unwrap();
    // 40 files of ~6 KB cleaned: more than the 64 KiB the disk holds.
    let body = format!(
        "{}Share on Facebook\n",
        "The council approved the budget after a long debate on Tuesday.\n".repeat(100)
    );
    let expected = "The council approved the budget after a long debate on Tuesday.\n".repeat(100);
    for i in 0..40 {
        fs::write(src.path().join(format!("p{i:02}.txt")), &body).unwrap();
    }
    let a = deboil()
        .arg("clean")
        .arg(src.path())
        .arg("--out")
        .arg(&out)
        .args(["-j", "1"])
        .assert()
        .code(2);
    let err = stderr(&a);
    assert!(err.contains("No space left on device"), "{err}");
    let written: Vec<_> = files(&out)
        .into_iter()
        .filter(|f| f.as_os_str() != ".deboil-manifest.json")
        .collect();
    assert!(!written.is_empty() && written.len() < 40, "{written:?}");
    for f in &written {
        assert_eq!(
            fs::read_to_string(out.join(f)).unwrap(),
            expected,
            "{f:?} is partial"
        );
    }
    assert!(temporaries(&out).is_empty(), "{:?}", temporaries(&out));
    let failed = err.lines().filter(|l| l.contains("No space left")).count();
    assert_eq!(failed + written.len(), 40, "{err}");
}

// Issue 18: `diff` on a lone binary file exited 0 (a warning), where
// `clean` exits 2. A binary file named on the command line is an error
// for both; found inside a directory, it is skipped with a warning.
#[test]
fn a_binary_file_named_on_the_command_line_is_an_error() {
    let src = tempfile::tempdir().unwrap();
    let png = src.path().join("image.png");
    fs::write(&png, b"\x89PNG\r\n\x1a\n\x00\x00IHDR").unwrap();
    let a = deboil().arg("diff").arg(&png).assert().code(2);
    assert!(
        stderr(&a).contains("image.png: binary file"),
        "{}",
        stderr(&a)
    );
    deboil().arg("clean").arg(&png).assert().code(2);
    let out = tempfile::tempdir().unwrap();
    deboil()
        .arg("clean")
        .arg(&png)
        .arg("--out")
        .arg(out.path())
        .assert()
        .code(2);
    // Inside a directory: skipped, not an error.
    deboil().arg("diff").arg(src.path()).assert().code(0);
}

// Issue 18: `--out FILE` for a regular file said `File exists (os error
// 17)`.
#[test]
fn out_naming_a_file_says_so() {
    let src = tempfile::tempdir().unwrap();
    fs::write(src.path().join("a.txt"), ARTICLE).unwrap();
    let file = src.path().join("cleaned.txt");
    fs::write(&file, "keep me").unwrap();
    let a = deboil()
        .arg("clean")
        .arg(src.path().join("a.txt"))
        .arg("--out")
        .arg(&file)
        .assert()
        .code(2);
    let err = stderr(&a);
    assert!(!err.contains("os error"), "{err}");
    assert!(
        err.contains(&format!(
            "--out {}: is a file, not a directory",
            file.display()
        )),
        "{err}"
    );
    assert_eq!(fs::read_to_string(&file).unwrap(), "keep me");
}
