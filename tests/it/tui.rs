//! The review screen, driven through a pseudo-terminal: the real binary,
//! real key presses, decisions read back from the plan file.

use super::review::{deboil_in, seeds_copy};
use deboil_cli::plan::{Decision, Plan};
use rexpect::session::{PtySession, spawn_command};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// `deboil review plan.json` running in `dir` on a 120x40 pseudo-terminal,
/// with the screen rebuilt from its output (the TUI redraws only the cells
/// that change, so the raw bytes do not hold whole lines).
struct Screen {
    pty: PtySession,
    vt: vt100::Parser,
}

impl Screen {
    fn start(dir: &Path) -> Screen {
        let bin = assert_cmd::cargo::cargo_bin("deboil");
        let mut cmd = Command::new("sh");
        cmd.current_dir(dir)
            .env("TERM", "xterm-256color")
            .env_remove("NO_COLOR")
            .arg("-c")
            // A fresh pty has no size; the screen needs one.
            .arg(format!(
                "stty rows 40 cols 120 && exec '{}' review plan.json",
                bin.display()
            ));
        Screen {
            pty: spawn_command(cmd, Some(20_000)).unwrap(),
            vt: vt100::Parser::new(40, 120, 0),
        }
    }

    fn contents(&self) -> String {
        self.vt.screen().contents()
    }

    /// Waits until `needle` is on the screen.
    fn wait_for(&mut self, needle: &str) {
        self.wait(needle, true);
    }

    /// Waits until `needle` is no longer on the screen.
    fn wait_until_gone(&mut self, needle: &str) {
        self.wait(needle, false);
    }

    fn wait(&mut self, needle: &str, present: bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let mut buf = [0u8; 4];
            while let Some(c) = self.pty.try_read() {
                self.vt.process(c.encode_utf8(&mut buf).as_bytes());
            }
            if self.contents().contains(needle) == present {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{needle:?} never {}; the screen:\n{}",
                if present { "showed" } else { "went" },
                self.contents()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn key(&mut self, k: &str) {
        self.pty.send(k).unwrap();
        self.pty.flush().unwrap();
    }

    fn quit(mut self) {
        self.key("q");
        self.pty.exp_eof().unwrap();
    }
}

fn decisions(dir: &Path) -> Vec<Vec<(String, Decision)>> {
    Plan::load(&dir.join("plan.json"))
        .unwrap()
        .files
        .iter()
        .map(|f| {
            f.removals
                .iter()
                .map(|r| (r.rule.clone(), r.decision))
                .collect()
        })
        .collect()
}

#[test]
fn keys_decide_and_every_decision_is_saved_at_once() {
    let dir = seeds_copy();
    deboil_in(dir.path())
        .args(["plan", "in", "-o", "plan.json"])
        .assert()
        .success();
    let before = decisions(dir.path());
    let first_rule = before[0][0].0.clone();
    let other_rule = before[0][1].0.clone();

    let mut s = Screen::start(dir.path());
    s.wait_for("deboil review");
    s.wait_for("removal 1/2");
    // Reject the selected removal; the screen moves on to the next one.
    s.key("r");
    s.wait_for("removal 2/2");
    // Saved before the next key is read: the plan already says so.
    assert_eq!(decisions(dir.path())[0][0].1, Decision::Rejected);
    // Reject that rule everywhere, then accept the rest of the next file.
    s.key("X");
    s.wait_for(&format!("rejected rule {other_rule}"));
    s.key("A");
    s.wait_for("undecided removals of this file");
    // The help opens, and any key closes it without deciding.
    s.key("?");
    s.wait_for("any key closes");
    s.key("a");
    s.wait_until_gone("any key closes");
    s.quit();

    let after = decisions(dir.path());
    assert_eq!(after[0][0], (first_rule, Decision::Rejected));
    for file in &after {
        for (rule, d) in file {
            if *rule == other_rule {
                assert_eq!(*d, Decision::Rejected, "{rule} everywhere");
            }
        }
    }
    // The next file had only undecided removals, accepted with "A".
    assert!(
        after[1].iter().all(|(_, d)| *d == Decision::Accepted),
        "{after:?}"
    );
    let undecided = |d: &[Vec<(String, Decision)>]| {
        d.iter()
            .flatten()
            .filter(|(_, d)| *d == Decision::Undecided)
            .count()
    };
    assert!(undecided(&after) > 0);

    // Resuming starts at the first undecided removal: accept it and quit.
    let mut s = Screen::start(dir.path());
    s.wait_for("deboil review");
    s.key("a");
    s.wait_for("accepted removal");
    s.quit();
    let resumed = decisions(dir.path());
    assert_eq!(undecided(&resumed), undecided(&after) - 1);
    assert_eq!(resumed[..2], after[..2]);
}
