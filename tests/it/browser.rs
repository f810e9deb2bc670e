//! The HTML report in a real browser: headless Chromium driven over
//! WebDriver (chromedriver), checking the counts, the filters, pagination,
//! and that hostile scraped text stays text.
//!
//! Needs `chromium` and `chromedriver` (Debian packages chromium and
//! chromium-driver; `.ci/run` installs them), so it is `#[ignore]`d: a
//! plain `cargo test` lists it as ignored rather than passing it unrun.
//! Run it with `cargo test --features ui-tests -- --ignored browser::`
//! (`.ci/run` does); run, missing binaries are a failure.
//! `DEBOIL_CHROMIUM` and `DEBOIL_CHROMEDRIVER` override the binaries.

use super::review::{deboil_in, seeds_copy};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::fs;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const HOSTILE: &str = "A page with hostile text\n\nThe body of the page, a sentence long enough to be kept by every rule.\n\n\
Share on Facebook </script><script>document.title='pwned'</script> <!-- & \"quoted\" 'single' <b>bold</b>\n\
Share on Facebook\n";

fn find(env: &str, names: &[&str]) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    names.iter().find_map(|n| {
        std::env::split_paths(&path)
            .map(|d| d.join(n))
            .find(|p| p.is_file())
    })
}

/// A chromedriver process, killed on drop.
struct Driver {
    child: Child,
    url: String,
    session: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = ureq::delete(&format!("{}/session/{}", self.url, self.session)).call();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Driver {
    fn start(driver: &Path, chromium: &Path, profile: &Path) -> Driver {
        let port = TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", driver.display()));
        let url = format!("http://127.0.0.1:{port}");
        let mut d = Driver {
            child,
            url,
            session: String::new(),
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while ureq::get(&format!("{}/status", d.url)).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic",
                         "--no-first-run", "--disable-background-networking",
                         "--disable-component-update", "--disable-sync",
                         "--disable-dev-shm-usage", "--window-size=1280,1000",
                         format!("--user-data-dir={}", profile.display())]
            }
        }}});
        let v = d.post("/session", caps);
        d.session = v["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_owned();
        d
    }

    fn post(&self, path: &str, body: Value) -> Value {
        let url = if path == "/session" {
            format!("{}{path}", self.url)
        } else {
            format!("{}/session/{}{path}", self.url, self.session)
        };
        let mut resp = ureq::post(&url)
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(&body)
            .unwrap();
        let v: Value = resp.body_mut().read_json().unwrap();
        assert!(
            v["value"].get("error").is_none(),
            "WebDriver {path}: {}",
            v["value"]
        );
        v["value"].clone()
    }

    fn js(&self, script: &str) -> Value {
        self.post("/execute/sync", json!({"script": script, "args": []}))
    }

    fn element(&self, css: &str) -> String {
        let v = self.post("/element", json!({"using": "css selector", "value": css}));
        v["element-6066-11e4-a52e-4f735466cecf"]
            .as_str()
            .unwrap_or_else(|| panic!("no element {css}: {v}"))
            .to_owned()
    }

    fn click(&self, css: &str) {
        let id = self.element(css);
        self.post(&format!("/element/{id}/click"), json!({}));
    }

    fn text(&self, css: &str) -> String {
        self.js(&format!(
            "return document.querySelector({}).textContent",
            json!(css)
        ))
        .as_str()
        .unwrap()
        .to_owned()
    }

    /// Waits until `#shown-files` says `n`.
    fn wait_shown(&self, n: usize) {
        let deadline = Instant::now() + Duration::from_secs(10);
        while self.text("#shown-files") != n.to_string() {
            assert!(
                Instant::now() < deadline,
                "#shown-files is {}, not {n}",
                self.text("#shown-files")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

#[test]
#[ignore = "needs chromium and chromedriver: cargo test --features ui-tests -- --ignored browser::"]
fn report_opens_in_chromium_with_correct_counts_and_working_filters() {
    let chromium = find("DEBOIL_CHROMIUM", &["chromium", "chromium-browser"]);
    let driver = find("DEBOIL_CHROMEDRIVER", &["chromedriver"]);
    let (Some(chromium), Some(driver)) = (chromium, driver) else {
        panic!(
            "chromium and chromedriver are needed for the browser test \
             (apt-get install chromium chromium-driver; .ci/run installs them)"
        );
    };

    // The seeds, a hostile page, and 30 small pages to need a second page.
    let dir = seeds_copy();
    let input = dir.path().join("in");
    fs::write(input.join("zz-hostile <&>.txt"), HOSTILE).unwrap();
    for i in 0..30 {
        fs::write(
            input.join(format!("many-{i:02}.txt")),
            format!("Short page number {i} with a body line.\n\nTweet\n"),
        )
        .unwrap();
    }
    deboil_in(dir.path())
        .args(["report", "in", "--html", "report.html"])
        .assert()
        .success();

    // What the page must show, from the library.
    let engine = crate::engine();
    let (mut files, mut changed, mut removals) = (0, 0, 0);
    let mut per_rule: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut per_cat: BTreeMap<String, usize> = BTreeMap::new();
    let mut entries: Vec<PathBuf> = fs::read_dir(&input)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in &entries {
        let text = fs::read_to_string(p).unwrap();
        let cleaned = engine.clean(&text);
        files += 1;
        if !cleaned.removals().is_empty() {
            changed += 1;
        }
        let mut rules_here = Vec::new();
        for r in cleaned.removals() {
            removals += 1;
            let rule = cleaned.rules().get(r.rule);
            if !rules_here.contains(&rule.id) {
                rules_here.push(rule.id.clone());
                per_rule.entry(rule.id.clone()).or_default().1 += 1;
            }
            per_rule.entry(rule.id.clone()).or_default().0 += 1;
            *per_cat.entry(rule.category.clone()).or_default() += 1;
        }
    }

    let profile = tempfile::tempdir().unwrap();
    let d = Driver::start(&driver, &chromium, profile.path());
    let url = format!("file://{}", dir.path().join("report.html").display());
    d.post("/url", json!({ "url": url }));

    // Summary counts.
    assert_eq!(d.text("#n-files"), files.to_string());
    assert_eq!(d.text("#n-changed"), changed.to_string());
    assert_eq!(d.text("#n-removals"), removals.to_string());
    let bars = d.js("return [...document.querySelectorAll('#chart-rule .bar')]\
         .map(b => [b.dataset.rule, b.querySelector('.n').textContent])");
    let shown: BTreeMap<String, usize> = bars
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b[0].as_str().unwrap().to_owned(),
                b[1].as_str().unwrap().parse().unwrap(),
            )
        })
        .collect();
    let want: BTreeMap<String, usize> = per_rule.iter().map(|(k, v)| (k.clone(), v.0)).collect();
    assert_eq!(shown, want);
    let cats = d.js("return [...document.querySelectorAll('#chart-cat .bar')]\
         .map(b => [b.dataset.cat, +b.querySelector('.n').textContent])");
    let cats: BTreeMap<String, usize> = cats
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b[0].as_str().unwrap().to_owned(),
                b[1].as_u64().unwrap() as usize,
            )
        })
        .collect();
    assert_eq!(cats, per_cat);

    // Pagination: 25 files a page.
    assert_eq!(d.text("#shown-files"), changed.to_string());
    assert_eq!(
        d.js("return document.querySelectorAll('.file').length"),
        json!(25)
    );
    assert_eq!(d.text("#page-info"), "page 1 of 2");
    d.click("#next-page");
    assert_eq!(d.text("#page-info"), "page 2 of 2");
    assert_eq!(
        d.js("return document.querySelectorAll('.file').length"),
        json!(changed - 25)
    );

    // Jump between files with the keyboard: n, n, p.
    d.click("#prev-page");
    assert_eq!(d.text("#page-info"), "page 1 of 2");
    let press = |k: &str| {
        d.js(&format!(
            "document.dispatchEvent(new KeyboardEvent('keydown', {{key: '{k}'}}))"
        ));
        d.js("return document.querySelector('.file.current').dataset.path")
    };
    let first = press("n");
    let second = press("n");
    assert_ne!(first, second);
    assert_eq!(press("p"), first);
    let order = d.js("return [...document.querySelectorAll('.file')].map(f => f.dataset.path)");
    assert_eq!(order[0], first);
    assert_eq!(order[1], second);

    // Filter by rule: click its bar.
    let (rule, (_, rule_files)) = per_rule
        .iter()
        .find(|(id, _)| id.as_str() != "share-button")
        .unwrap();
    d.click(&format!("#chart-rule .bar[data-rule='{rule}']"));
    d.wait_shown(*rule_files);
    assert_eq!(d.text("#shown-removals"), per_rule[rule].0.to_string());
    assert_eq!(d.text("#page-info"), "page 1 of 1");
    let labelled = d.js(&format!(
        "return [...document.querySelectorAll('.file')].every(f => \
         f.querySelector('.lbl[data-rule=\"{rule}\"]'))"
    ));
    assert_eq!(labelled, json!(true));
    assert!(
        d.js("return location.hash")
            .as_str()
            .unwrap()
            .contains(rule.as_str())
    );

    // Filter by category with the select element.
    d.click("#f-clear");
    d.wait_shown(changed);
    let share_files = per_rule.get("share-button").map_or(0, |v| v.1);
    d.click("#f-cat option[value='share']");
    d.wait_shown(share_files);
    assert_eq!(share_files, 31, "30 small pages and the hostile one");

    // Search.
    d.click("#f-clear");
    d.wait_shown(changed);
    let q = d.element("#f-q");
    d.post(&format!("/element/{q}/value"), json!({"text": "Fallujah"}));
    d.wait_shown(1);
    assert!(d.text(".file .path").starts_with("in/000_"));

    // Hostile text is shown as text, and ran nothing.
    d.click("#f-clear");
    d.wait_shown(changed);
    d.post(&format!("/element/{q}/value"), json!({"text": "hostile"}));
    d.wait_shown(1);
    assert_eq!(d.js("return document.title"), json!("deboil report: in"));
    assert_eq!(d.js("return document.scripts.length"), json!(2));
    assert_eq!(
        d.js("return document.querySelectorAll('#files b').length"),
        json!(0)
    );
    let line = "Share on Facebook </script><script>document.title='pwned'</script> <!-- & \"quoted\" 'single' <b>bold</b>";
    let texts = d.js("return [...document.querySelectorAll('.ln .t')].map(t => t.textContent)");
    assert!(
        texts
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t.as_str() == Some(line)),
        "{texts}"
    );
    assert_eq!(d.text(".file .path"), "in/zz-hostile <&>.txt");

    // Nothing was fetched: the page is self-contained.
    assert_eq!(
        d.js("return performance.getEntriesByType('resource').length"),
        json!(0)
    );
}
