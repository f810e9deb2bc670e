//! Learning through the command line: `learn`, `clean --learn` and the
//! learned packs they write, on corpora where learning finds nothing as
//! well as on ones where it finds something.

use assert_cmd::Command;
use predicates::prelude::*;
use std::fs;
use std::path::Path;

fn deboil() -> Command {
    let mut cmd = Command::cargo_bin("deboil").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// Six pages of six different sites, with no line in common: what a user
/// who saved pages from their browser into one directory has.
fn many_sites(dir: &Path) {
    let sites = [
        (
            "harbour",
            "Harbour news daily",
            "The ferry timetable changes next week for the winter season.",
        ),
        (
            "garden",
            "Green fingers blog",
            "Tomatoes ripen faster when the lower leaves are cut away in August.",
        ),
        (
            "chess",
            "Opening theory club",
            "The Sicilian defence remains the most popular answer to the king's pawn.",
        ),
        (
            "bikes",
            "Wheels and spokes",
            "A chain wears out long before the cassette if it is never cleaned.",
        ),
        (
            "bread",
            "Crumb and crust",
            "A wet dough rises higher when it rests overnight in a cold kitchen.",
        ),
        (
            "stars",
            "Night sky notes",
            "Jupiter stands low in the south-east an hour after the sun has set.",
        ),
    ];
    fs::create_dir_all(dir).unwrap();
    for (name, title, body) in sites {
        // Debris the built-in rules know, on one page.
        let share = if name == "garden" {
            "Share on Facebook\n"
        } else {
            ""
        };
        fs::write(
            dir.join(format!("{name}.txt")),
            format!("{title}\n{body}\n{share}"),
        )
        .unwrap();
    }
}

// Issue 18: `clean --learn` on pages of many sites learned nothing, then
// refused its own empty pack (`<learned>: no [[rule]] tables in this
// file`), exited 2 and wrote nothing.
#[test]
fn clean_learn_that_learns_nothing_still_cleans_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let (pages, out) = (dir.path().join("pages"), dir.path().join("out"));
    many_sites(&pages);
    deboil()
        .arg("clean")
        .arg(&pages)
        .arg("--out")
        .arg(&out)
        .arg("--learn")
        .assert()
        .success()
        .stderr(
            predicate::str::contains("learned 0 rules")
                .and(predicate::str::contains(
                    "nothing learned: one group of 6 documents, no line in 3 or more of them",
                ))
                .and(predicate::str::contains("no [[rule]]").not()),
        );
    // Cleaned by the other rules all the same.
    assert_eq!(
        fs::read_to_string(out.join("garden.txt")).unwrap(),
        "Green fingers blog\nTomatoes ripen faster when the lower leaves are cut away in August.\n"
    );
    assert_eq!(
        fs::read_dir(&out)
            .unwrap()
            .filter(|e| e
                .as_ref()
                .unwrap()
                .path()
                .extension()
                .is_some_and(|x| x == "txt"))
            .count(),
        6
    );
}

// Issue 18: `learn` wrote a pack that `rules test --rules` and `clean
// --rules` then refused.
#[test]
fn an_empty_learned_pack_is_written_and_accepted() {
    let dir = tempfile::tempdir().unwrap();
    let (pages, pack) = (dir.path().join("pages"), dir.path().join("learned.toml"));
    many_sites(&pages);
    deboil()
        .arg("learn")
        .arg(&pages)
        .arg("-o")
        .arg(&pack)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "nothing learned: one group of 6 documents",
        ));
    let text = fs::read_to_string(&pack).unwrap();
    assert!(
        text.contains("# Nothing learned: one group of 6 documents"),
        "{text}"
    );
    deboil()
        .args(["rules", "test", "--rules"])
        .arg(&pack)
        .assert()
        .success();
    deboil()
        .args(["clean", "--rules"])
        .arg(&pack)
        .arg(pages.join("bread.txt"))
        .assert()
        .success()
        .stdout("Crumb and crust\nA wet dough rises higher when it rests overnight in a cold kitchen.\n");
    // A file with no rules that does not say so is still refused: it is
    // most likely the wrong file.
    let wrong = dir.path().join("notes.toml");
    fs::write(&wrong, "# my notes\n").unwrap();
    deboil()
        .args(["rules", "test", "--rules"])
        .arg(&wrong)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no [[rule]] tables in this file"));
}

/// `pages` pages of each of the first `sites` of three sites, as JSON
/// Lines with a `url` field: each site's menu and footer on every page, an
/// article in between.
fn sites_jsonl(sites: usize, pages: usize) -> String {
    let mut out = String::new();
    let all = [
        (
            "https://news.example/a/",
            "Home | World | Sport | Weather",
            "© 2025 News Example Ltd.",
        ),
        (
            "https://shop.example/p/",
            "Shop | Basket | Account | Help",
            "Shop Example, prices include VAT.",
        ),
        (
            "https://club.example/t/",
            "Forum | Members | Events | Join",
            "Club Example is run by volunteers.",
        ),
    ];
    let articles = [
        (
            "Harbour closed by the storm",
            "Fishermen said the harbour stayed shut for three days while the waves kept rising.",
        ),
        (
            "Bakery wins again",
            "A small bakery in the old town won the national prize for its sourdough loaves again.",
        ),
        (
            "Bridge opens to cyclists",
            "The new bridge over the river opened to cyclists a month before the cars were let on.",
        ),
    ];
    for (s, (url, menu, footer)) in all.iter().take(sites).enumerate() {
        for (i, (title, body)) in articles.iter().cycle().skip(s).take(pages).enumerate() {
            let text = format!("{menu}\n{title}\n{body}\n{footer}\n");
            out.push_str(
                &serde_json::json!({"url": format!("{url}{i}"), "text": text}).to_string(),
            );
            out.push('\n');
        }
    }
    out
}

// Issue 18: `learn --jsonl --group-by url` wrote rules for each host that
// `clean --jsonl` could not apply: it had no `--group-by` and a JSON
// reader of its own.
#[test]
fn clean_jsonl_applies_the_group_rules_learn_jsonl_wrote() {
    let dir = tempfile::tempdir().unwrap();
    let (input, pack) = (
        dir.path().join("pages.jsonl"),
        dir.path().join("learned.toml"),
    );
    fs::write(&input, sites_jsonl(2, 3)).unwrap();
    deboil()
        .args(["learn", "--jsonl", "--group-by", "url", "-o"])
        .arg(&pack)
        .arg(&input)
        .assert()
        .success()
        .stderr(predicate::str::contains("learned 2 rules"));
    let text = fs::read_to_string(&pack).unwrap();
    assert!(text.contains("group = \"news.example\""), "{text}");
    let clean = |group_by: bool| {
        let mut cmd = deboil();
        cmd.args(["clean", "--jsonl", "--select", "learned", "--rules"])
            .arg(&pack)
            .arg(&input);
        if group_by {
            cmd.args(["--group-by", "url"]);
        }
        let out = cmd.assert().success().get_output().stdout.clone();
        String::from_utf8(out)
            .unwrap()
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                v["text"].as_str().unwrap().to_owned()
            })
            .collect::<Vec<_>>()
    };
    let texts = clean(true);
    assert_eq!(texts.len(), 6);
    assert_eq!(
        texts[0],
        "Harbour closed by the storm\nFishermen said the harbour stayed shut for three days while the waves kept rising.\n"
    );
    assert!(
        texts
            .iter()
            .all(|t| !t.contains("Basket") && !t.contains("Weather")),
        "{texts:?}"
    );
    // Without the groups, rules learned for a group apply to no document.
    assert!(
        clean(false)
            .iter()
            .all(|t| t.contains("Weather") || t.contains("Basket"))
    );
}

// Issue 18: `eval --learn-save` wrote the pack in place (a reader could
// see half of it; a crash left half of it). Replaced atomically, the old
// file's other names keep the old content.
#[test]
fn eval_learn_save_replaces_the_pack_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let (input, gold) = (dir.path().join("input"), dir.path().join("gold"));
    many_sites(&input);
    fs::create_dir_all(&gold).unwrap();
    for e in fs::read_dir(&input).unwrap() {
        let p = e.unwrap().path();
        let text = fs::read_to_string(&p)
            .unwrap()
            .replace("Share on Facebook\n", "");
        fs::write(gold.join(p.file_name().unwrap()), text).unwrap();
    }
    let saved = dir.path().join("saved.toml");
    let other = dir.path().join("other-name.toml");
    fs::write(&saved, "old").unwrap();
    fs::hard_link(&saved, &other).unwrap();
    deboil()
        .arg("eval")
        .arg(&input)
        .arg("--gold")
        .arg(&gold)
        .args(["--learn", "--learn-save"])
        .arg(&saved)
        .assert()
        .success();
    assert!(fs::read_to_string(&saved).unwrap().contains("rule = []"));
    assert_eq!(fs::read_to_string(&other).unwrap(), "old");
}

/// Two pages of each of three sites in one flat directory, named by site
/// and page; with `header`, each page starts with its `URL: ...` line.
/// Returns the `--urls` map.
fn three_sites_flat(dir: &Path, header: bool) -> String {
    fs::create_dir_all(dir).unwrap();
    let mut urls = String::new();
    for line in sites_jsonl(3, 2).lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let url = v["url"].as_str().unwrap();
        let name = url.trim_start_matches("https://").replace(['/', '.'], "-") + ".txt";
        let text = v["text"].as_str().unwrap();
        let text = if header {
            format!("URL: {url}\n{text}")
        } else {
            text.to_owned()
        };
        fs::write(dir.join(&name), text).unwrap();
        urls.push_str(&format!("{name}\t{url}\n"));
    }
    urls
}

// Issue 18: a flat directory of many sites could only be one group, so
// learning found nothing; grouped by each page's host it learns each
// site's furniture.
#[test]
fn a_flat_directory_of_many_sites_groups_by_host() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    three_sites_flat(&pages, true);
    // By directory: one group of 6, each site's lines in 2 of them, fewer
    // than the 3 a line needs: nothing, and a hint.
    deboil()
        .arg("learn")
        .arg(&pages)
        .args(["-o", "-"])
        .assert()
        .success()
        .stderr(predicate::str::contains("--group-by host"));
    let out = dir.path().join("out");
    deboil()
        .arg("clean")
        .arg(&pages)
        .arg("--out")
        .arg(&out)
        .args(["--learn", "--group-by", "host", "--select", "learned"])
        .assert()
        .success()
        .stderr(predicate::str::contains("learned 3 rules"));
    let page = fs::read_to_string(out.join("news-example-a-0.txt")).unwrap();
    assert_eq!(
        page,
        "URL: https://news.example/a/0\nHarbour closed by the storm\nFishermen said the harbour stayed shut for three days while the waves kept rising.\n"
    );

    // The same without headers, from a --urls map.
    let bare = dir.path().join("bare");
    let urls = three_sites_flat(&bare, false);
    let map = dir.path().join("urls.tsv");
    fs::write(&map, urls).unwrap();
    let pack = dir.path().join("learned.toml");
    deboil()
        .arg("learn")
        .arg(&bare)
        .args(["--group-by", "host", "--urls"])
        .arg(&map)
        .arg("-o")
        .arg(&pack)
        .assert()
        .success()
        .stderr(predicate::str::contains("learned 3 rules"));
    assert!(
        fs::read_to_string(&pack)
            .unwrap()
            .contains("group = \"shop.example\"")
    );
    // Cleaning with the pack needs the same grouping.
    deboil()
        .arg("clean")
        .arg(bare.join("shop-example-p-1.txt"))
        .args(["--select", "learned", "--group-by", "host", "--urls"])
        .arg(&map)
        .arg("--rules")
        .arg(&pack)
        .assert()
        .success()
        .stdout("Bridge opens to cyclists\nThe new bridge over the river opened to cyclists a month before the cars were let on.\n");
    // A map line without a tab names its place.
    fs::write(&map, "a.txt https://x.example/\n").unwrap();
    deboil()
        .arg("learn")
        .arg(&bare)
        .args(["--group-by", "host", "--urls"])
        .arg(&map)
        .args(["-o", "-"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "urls.tsv:1: expected PATH<TAB>URL",
        ));
}

/// The JSON records of a `--json` run (`clean --out --json`, `diff
/// --json`), by file, without `clean`'s closing summary record.
fn records(stdout: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
        .filter(|v| v.get("path").is_some())
        .collect()
}

/// How many times `needle` occurs in a command's standard error.
fn count_in(stderr: &[u8], needle: &str) -> usize {
    String::from_utf8_lossy(stderr).matches(needle).count()
}

// Issue 18: only `clean` took --learn, so what it would remove could not
// be seen first. `diff`, `plan` and `report` take the same flags and show
// exactly the removals `clean --learn` makes; a plan made with --learn
// needs no pack at apply time.
#[test]
fn diff_plan_and_report_learn_and_group_as_clean_does() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    three_sites_flat(&pages, true);
    let learning = ["--learn", "--group-by", "host", "--select", "learned"];
    let clean = deboil()
        .arg("clean")
        .arg(&pages)
        .arg("--out")
        .arg(dir.path().join("cleaned"))
        .arg("--json")
        .args(learning)
        .assert()
        .success()
        .get_output()
        .clone();
    let cleaned = records(&clean.stdout);
    assert_eq!(cleaned.len(), 6);
    assert!(
        cleaned
            .iter()
            .all(|r| r["removals"].as_array().unwrap().len() == 2),
        "{cleaned:?}"
    );

    let diff = deboil()
        .arg("diff")
        .arg(&pages)
        .arg("--json")
        .args(learning)
        .assert()
        .code(1)
        .get_output()
        .clone();
    assert_eq!(records(&diff.stdout), cleaned);
    assert_eq!(count_in(&diff.stderr, "learned 3 rules"), 1);
    // The unified diff names the learned rules.
    deboil()
        .arg("diff")
        .arg(&pages)
        .args(learning)
        .args(["--color", "never"])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("learned.news-example"));

    let plan = dir.path().join("plan.json");
    let saved = dir.path().join("learned.toml");
    deboil()
        .arg("plan")
        .arg(&pages)
        .arg("-o")
        .arg(&plan)
        .args(learning)
        .arg("--learn-save")
        .arg(&saved)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "planned 12 removals in 6 of 6 files",
        ));
    let p: serde_json::Value = serde_json::from_str(&fs::read_to_string(&plan).unwrap()).unwrap();
    assert_eq!(
        p["selection"]["rule_packs"],
        serde_json::json!([saved.display().to_string()])
    );
    for (file, record) in p["files"].as_array().unwrap().iter().zip(&cleaned) {
        let spans = |rs: &serde_json::Value| -> Vec<(String, u64, u64)> {
            rs.as_array()
                .unwrap()
                .iter()
                .map(|r| {
                    (
                        r["rule"].as_str().unwrap().to_owned(),
                        r["start"].as_u64().unwrap(),
                        r["end"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(spans(&file["removals"]), spans(&record["removals"]));
    }
    // `apply` replays the recorded removals: the pack may be gone.
    fs::remove_file(&saved).unwrap();
    let applied = dir.path().join("applied");
    deboil()
        .arg("apply")
        .arg(&plan)
        .arg("--out")
        .arg(&applied)
        .arg("--accept-undecided")
        .assert()
        .success();
    for e in fs::read_dir(dir.path().join("cleaned")).unwrap() {
        let e = e.unwrap();
        if e.path().extension().is_some_and(|x| x == "txt") {
            assert_eq!(
                fs::read_to_string(applied.join(e.file_name())).unwrap(),
                fs::read_to_string(e.path()).unwrap(),
                "{:?}",
                e.file_name()
            );
        }
    }

    let html = dir.path().join("report.html");
    deboil()
        .arg("report")
        .arg(&pages)
        .arg("--html")
        .arg(&html)
        .args(learning)
        .assert()
        .success()
        .stderr(predicate::str::contains("learned 3 rules"));
    let page = fs::read_to_string(&html).unwrap();
    assert!(page.contains("learned.shop-example"));
}

// Issue 18: learning flags where they cannot do what they say stop the
// run with a sentence saying what to do, instead of being ignored.
#[test]
fn learning_flags_are_refused_where_they_cannot_apply() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    three_sites_flat(&pages, true);
    let plan = dir.path().join("plan.json");
    deboil()
        .arg("plan")
        .arg(&pages)
        .arg("-o")
        .arg(&plan)
        .assert()
        .success();
    // A report from a plan shows what the plan recorded.
    deboil()
        .arg("report")
        .arg(&plan)
        .args(["--learn", "--html"])
        .arg(dir.path().join("r.html"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "is a plan: its report shows the removals the plan recorded, so --learn has nothing to learn from",
        ));
    assert!(!dir.path().join("r.html").exists());
    // Standard input cannot be read twice.
    deboil()
        .args(["clean", "--jsonl", "--learn"])
        .write_stdin(sites_jsonl(1, 3))
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains(
            "then clean with `deboil clean --jsonl --rules pack.toml`",
        ));
    deboil()
        .args(["diff", "-", "--learn"])
        .write_stdin("Some text\n")
        .assert()
        .code(2)
        .stderr(predicate::str::contains(
            "--learn reads its inputs twice: name files, not standard input",
        ));
    // `clean --learn` cleans a tree.
    deboil()
        .arg("clean")
        .arg(pages.join("news-example-a-0.txt"))
        .arg("--learn")
        .assert()
        .code(2)
        .stdout("")
        .stderr(predicate::str::contains("give --out DIR"));
    // --learn-save needs --learn, wherever it is given.
    for cmd in ["diff", "report"] {
        deboil()
            .arg(cmd)
            .arg(&pages)
            .args(["--learn-save", "x.toml"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--learn"));
    }
}

// Issue 18: `clean --jsonl --learn` ignored --learn and exited 0. Named
// files are read twice, as `learn --jsonl` reads them, and cleaned with
// what was learned.
#[test]
fn clean_jsonl_learn_learns_from_the_files_it_cleans() {
    let dir = tempfile::tempdir().unwrap();
    let (input, pack) = (
        dir.path().join("pages.jsonl"),
        dir.path().join("learned.toml"),
    );
    fs::write(&input, sites_jsonl(2, 3)).unwrap();
    let at_once = deboil()
        .args(["clean", "--jsonl", "--select", "learned"])
        .args(["--learn", "--group-by", "url", "--learn-save"])
        .arg(&pack)
        .arg(&input)
        .assert()
        .success()
        .stderr(predicate::str::contains("learned 2 rules"))
        .get_output()
        .stdout
        .clone();
    assert!(
        fs::read_to_string(&pack)
            .unwrap()
            .contains("group = \"shop.example\"")
    );
    let texts: Vec<String> = String::from_utf8_lossy(&at_once)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(texts.len(), 6);
    assert!(
        texts
            .iter()
            .all(|t| !t.contains("Basket") && !t.contains("Weather") && !t.contains("VAT")),
        "{texts:?}"
    );
    // The same as learning first, then cleaning with the pack.
    let two_steps = deboil()
        .args(["clean", "--jsonl", "--select", "learned"])
        .args(["--group-by", "url", "--rules"])
        .arg(&pack)
        .arg(&input)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert_eq!(at_once, two_steps);
}

// Issue 18: with --learn, a file that could not be read was reported by
// the learning pass and again by the cleaning pass.
#[test]
fn an_unreadable_file_is_reported_once_with_learn() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    three_sites_flat(&pages, true);
    let missing = dir.path().join("missing.txt");
    let clean = deboil()
        .arg("clean")
        .arg(&missing)
        .arg(&pages)
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--learn", "--group-by", "host"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert_eq!(count_in(&clean.stderr, "missing.txt"), 1);
    for cmd in ["diff", "learn"] {
        let out = deboil()
            .arg(cmd)
            .arg(&missing)
            .arg(&pages)
            .args(["--group-by", "host"])
            .args(if cmd == "learn" {
                &["-o", "-"][..]
            } else {
                &["--learn"][..]
            })
            .assert()
            .code(2)
            .get_output()
            .clone();
        assert_eq!(count_in(&out.stderr, "missing.txt"), 1, "{cmd}");
    }
}

// Issue 18: `[learn] group-by` sets the grouping in the configuration
// file; a flag still wins.
#[test]
fn group_by_from_the_configuration_file_and_the_flag_beats_it() {
    let dir = tempfile::tempdir().unwrap();
    three_sites_flat(&dir.path().join("pages"), true);
    fs::write(
        dir.path().join("deboil.toml"),
        "[learn]\ngroup-by = \"host\"\n",
    )
    .unwrap();
    let diff = |extra: &[&str]| {
        let mut cmd = deboil();
        cmd.current_dir(dir.path())
            .args(["diff", "pages", "--json", "--learn"])
            .args(extra);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(1));
        out
    };
    let by_host = diff(&[]);
    assert_eq!(count_in(&by_host.stderr, "learned 3 rules"), 1);
    assert!(count_in(&by_host.stdout, "\"learned.shop-example\"") > 0);
    let by_dir = diff(&["--group-by", "dir"]);
    assert_eq!(count_in(&by_dir.stderr, "nothing learned"), 1);
    assert_eq!(count_in(&by_dir.stdout, "\"learned."), 0);
}

// Issue 18: pages that were all near-duplicates learned nothing, and the
// note said that no line repeated.
#[test]
fn nothing_learned_from_near_duplicates_says_what_happened() {
    let dir = tempfile::tempdir().unwrap();
    let pages = dir.path().join("pages");
    fs::create_dir_all(&pages).unwrap();
    for name in ["a.txt", "b.txt", "c.txt"] {
        fs::write(
            pages.join(name),
            "Home | News\nThe same article, saved three times under three names.\n",
        )
        .unwrap();
    }
    deboil()
        .arg("learn")
        .arg(&pages)
        .args(["-o", "-"])
        .assert()
        .success()
        .stderr(
            predicate::str::contains(
                "nothing learned: one group of 3 documents, all near-duplicates of each other",
            )
            .and(predicate::str::contains("no line in").not()),
        );
}
