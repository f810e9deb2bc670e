//! The review screen's state machine, free of any terminal: which file and
//! removal are selected, what each key means, and what each action does to
//! the plan. The screen (`tui`) only draws this state and saves the plan
//! when an action says so.

use deboil_cli::plan::{Decision, Plan};

/// A key press, as far as the review cares.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    Char(char),
    Up,
    Down,
    Left,
    Right,
    Tab,
    BackTab,
    PageUp,
    PageDown,
    Esc,
    CtrlC,
}

/// What the reviewer asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    NextRemoval,
    PrevRemoval,
    NextFile,
    PrevFile,
    /// Leave this file undecided and go to the next one with undecided removals.
    Skip,
    Accept,
    Reject,
    Undecide,
    /// Accept the file's undecided removals.
    AcceptRest,
    /// Reject the file's undecided removals.
    RejectRest,
    /// Reject the selected removal's rule in every file of the plan.
    RejectRule,
    ScrollUp,
    ScrollDown,
    Help,
    Quit,
}

/// The keys; the help screen lists the same table.
pub const KEYS: &[(&str, &str)] = &[
    ("a", "accept the selected removal (the text goes)"),
    ("r", "reject the selected removal (the text stays)"),
    ("u", "make the selected removal undecided again"),
    ("A", "accept the rest of this file (its undecided removals)"),
    ("R", "reject the rest of this file"),
    ("X", "reject the selected removal's rule in every file"),
    ("j / ↓", "next removal"),
    ("k / ↑", "previous removal"),
    ("n / → / Tab", "next file"),
    ("p / ← / Shift-Tab", "previous file (go back)"),
    ("s", "skip: next file with undecided removals"),
    ("PgDn / PgUp / Space", "scroll"),
    ("?", "this help"),
    ("q / Esc", "quit (every decision is already saved)"),
];

/// The action a key asks for.
pub fn action(key: Key) -> Option<Action> {
    Some(match key {
        Key::Char('a') => Action::Accept,
        Key::Char('r') => Action::Reject,
        Key::Char('u') => Action::Undecide,
        Key::Char('A') => Action::AcceptRest,
        Key::Char('R') => Action::RejectRest,
        Key::Char('X') => Action::RejectRule,
        Key::Char('j') | Key::Down => Action::NextRemoval,
        Key::Char('k') | Key::Up => Action::PrevRemoval,
        Key::Char('n') | Key::Right | Key::Tab => Action::NextFile,
        Key::Char('p') | Key::Left | Key::BackTab => Action::PrevFile,
        Key::Char('s') => Action::Skip,
        Key::Char(' ') | Key::PageDown => Action::ScrollDown,
        Key::PageUp => Action::ScrollUp,
        Key::Char('?') | Key::Char('h') => Action::Help,
        Key::Char('q') | Key::Esc | Key::CtrlC => Action::Quit,
        _ => return None,
    })
}

/// What the screen must do after an action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Draw again.
    Redraw,
    /// A decision changed: save the plan, then draw.
    Save,
    /// Leave.
    Quit,
}

/// Where the reviewer is.
#[derive(Debug)]
pub struct Review {
    /// Plan indexes of the files that have removals (the only ones to review).
    files: Vec<usize>,
    /// Position in `files`.
    pos: usize,
    /// The selected removal of the current file.
    sel: usize,
    /// Rows scrolled by hand; `None` follows the selection.
    pub scroll: Option<usize>,
    /// The help screen is shown.
    pub help: bool,
    /// A line for the status bar.
    pub message: String,
}

impl Review {
    /// Starts at the first undecided removal of the plan, so a review that
    /// was quit resumes where it stopped.
    pub fn new(plan: &Plan) -> Review {
        let files: Vec<usize> = (0..plan.files.len())
            .filter(|&i| !plan.files[i].removals.is_empty())
            .collect();
        let mut r = Review {
            files,
            pos: 0,
            sel: 0,
            scroll: None,
            help: false,
            message: String::new(),
        };
        if let Some(p) = r.files.iter().position(|&i| has_undecided(plan, i)) {
            r.pos = p;
            r.sel = first_undecided(plan, r.files[p]).unwrap_or(0);
        }
        r.message = if r.files.is_empty() {
            "Nothing to review: the plan proposes no removal. q quits.".into()
        } else {
            "? shows the keys".into()
        };
        r
    }

    /// The plan index of the current file.
    pub fn file(&self) -> Option<usize> {
        self.files.get(self.pos).copied()
    }

    /// Position of the current file among the files to review, and their number.
    pub fn position(&self) -> (usize, usize) {
        (self.pos, self.files.len())
    }

    /// The selected removal of the current file.
    pub fn selected(&self) -> usize {
        self.sel
    }

    /// Carries out `action` on `plan`.
    pub fn apply(&mut self, plan: &mut Plan, action: Action) -> Effect {
        // Any key closes the help, and does nothing else: a key pressed
        // while reading must not decide anything.
        if self.help && action != Action::Quit {
            self.help = false;
            return Effect::Redraw;
        }
        let Some(file) = self.file() else {
            return if action == Action::Quit {
                Effect::Quit
            } else {
                Effect::Redraw
            };
        };
        let count = plan.files[file].removals.len();
        match action {
            Action::Quit => return Effect::Quit,
            Action::Help => self.help = true,
            Action::NextRemoval => self.select(file, (self.sel + 1).min(count - 1), plan),
            Action::PrevRemoval => self.select(file, self.sel.saturating_sub(1), plan),
            Action::NextFile => self.go(plan, (self.pos + 1).min(self.files.len() - 1)),
            Action::PrevFile => self.go(plan, self.pos.saturating_sub(1)),
            Action::Skip => {
                if !self.next_undecided_file(plan) {
                    self.go(plan, (self.pos + 1).min(self.files.len() - 1));
                }
            }
            Action::ScrollDown => self.scroll = Some(self.scroll.unwrap_or(0) + 10),
            Action::ScrollUp => self.scroll = Some(self.scroll.unwrap_or(0).saturating_sub(10)),
            Action::Accept | Action::Reject | Action::Undecide => {
                let d = match action {
                    Action::Accept => Decision::Accepted,
                    Action::Reject => Decision::Rejected,
                    _ => Decision::Undecided,
                };
                plan.files[file].removals[self.sel].decision = d;
                let rule = &plan.files[file].removals[self.sel].rule;
                self.message = format!("{} removal {} ({rule})", d.as_str(), self.sel + 1);
                if d != Decision::Undecided {
                    self.advance(plan);
                }
                return Effect::Save;
            }
            Action::AcceptRest | Action::RejectRest => {
                let d = if action == Action::AcceptRest {
                    Decision::Accepted
                } else {
                    Decision::Rejected
                };
                let n = plan.decide_rest_of_file(file, d);
                self.message = format!("{} the {n} undecided removals of this file", d.as_str());
                if !self.next_undecided_file(plan) {
                    self.all_done(plan);
                }
                return Effect::Save;
            }
            Action::RejectRule => {
                let rule = plan.files[file].removals[self.sel].rule.clone();
                let n = plan.decide_rule(&rule, Decision::Rejected);
                self.message = format!("rejected rule {rule}: {n} removals in the whole plan");
                self.advance(plan);
                return Effect::Save;
            }
        }
        Effect::Redraw
    }

    fn select(&mut self, file: usize, sel: usize, plan: &Plan) {
        debug_assert!(sel < plan.files[file].removals.len());
        self.sel = sel;
        self.scroll = None;
    }

    fn go(&mut self, plan: &Plan, pos: usize) {
        self.pos = pos;
        self.sel = first_undecided(plan, self.files[pos]).unwrap_or(0);
        self.scroll = None;
    }

    /// After a decision: the next undecided removal of this file, or else
    /// the next file with undecided removals.
    fn advance(&mut self, plan: &Plan) {
        let file = self.files[self.pos];
        let removals = &plan.files[file].removals;
        let n = removals.len();
        let next = (1..=n)
            .map(|k| (self.sel + k) % n)
            .find(|&k| removals[k].decision == Decision::Undecided);
        match next {
            Some(k) => self.select(file, k, plan),
            None => {
                if self.next_undecided_file(plan) {
                    self.message.push_str("; file done, next file");
                } else {
                    self.all_done(plan);
                }
            }
        }
    }

    /// Moves to the next file (after this one, wrapping) with undecided
    /// removals; false when there is none.
    fn next_undecided_file(&mut self, plan: &Plan) -> bool {
        let n = self.files.len();
        let found = (1..=n)
            .map(|k| (self.pos + k) % n)
            .find(|&p| has_undecided(plan, self.files[p]));
        match found {
            Some(p) => {
                self.go(plan, p);
                true
            }
            None => false,
        }
    }

    fn all_done(&mut self, plan: &Plan) {
        let t = plan.tally();
        if t.undecided == 0 {
            self.message = format!(
                "every removal is decided ({} accepted, {} rejected): q to quit, then `deboil apply`",
                t.accepted, t.rejected
            );
        }
    }
}

fn has_undecided(plan: &Plan, file: usize) -> bool {
    first_undecided(plan, file).is_some()
}

fn first_undecided(plan: &Plan, file: usize) -> Option<usize> {
    plan.files[file]
        .removals
        .iter()
        .position(|r| r.decision == Decision::Undecided)
}

#[cfg(test)]
mod tests {
    use super::*;
    use deboil_cli::plan::{PlanFile, PlanSelection};

    /// Three files: two with removals of two rules, one with none.
    fn plan() -> Plan {
        let engine = deboil::Engine::builtin().unwrap();
        let mut plan = Plan::new("/".into(), PlanSelection::default(), engine.rules());
        for (name, text) in [
            (
                "a.txt",
                "Body of the article.\nShare on Facebook\nMore text.\nLeave a reply\n",
            ),
            ("b.txt", "Nothing to remove in this one.\n"),
            ("c.txt", "Other article.\nShare on Facebook\n"),
        ] {
            let cleaned = engine.clean(text);
            plan.files
                .push(PlanFile::new(name.into(), name.into(), false, &cleaned));
        }
        plan
    }

    fn decisions(plan: &Plan) -> Vec<Vec<Decision>> {
        plan.files
            .iter()
            .map(|f| f.removals.iter().map(|r| r.decision).collect())
            .collect()
    }

    use Decision::{Accepted as A, Rejected as R, Undecided as U};

    #[test]
    fn keys_map_to_actions() {
        assert_eq!(action(Key::Char('a')), Some(Action::Accept));
        assert_eq!(action(Key::Char('X')), Some(Action::RejectRule));
        assert_eq!(action(Key::Left), Some(Action::PrevFile));
        assert_eq!(action(Key::CtrlC), Some(Action::Quit));
        assert_eq!(action(Key::Char('z')), None);
    }

    #[test]
    fn deciding_advances_and_saves() {
        let mut plan = plan();
        let mut r = Review::new(&plan);
        assert_eq!((r.file(), r.selected()), (Some(0), 0));
        assert_eq!(r.apply(&mut plan, Action::Reject), Effect::Save);
        assert_eq!(r.selected(), 1);
        assert_eq!(r.apply(&mut plan, Action::Accept), Effect::Save);
        // File a is done: on to c, the next file with removals (b has none).
        assert_eq!(r.file(), Some(2));
        assert_eq!(decisions(&plan), [vec![R, A], vec![], vec![U]]);
    }

    #[test]
    fn rule_everywhere_and_rest_of_file() {
        let mut plan = plan();
        let mut r = Review::new(&plan);
        // The first removal is the share button: reject it in a and c.
        assert_eq!(r.apply(&mut plan, Action::RejectRule), Effect::Save);
        assert_eq!(decisions(&plan), [vec![R, U], vec![], vec![R]]);
        assert_eq!(r.selected(), 1);
        assert_eq!(r.apply(&mut plan, Action::AcceptRest), Effect::Save);
        assert_eq!(decisions(&plan), [vec![R, A], vec![], vec![R]]);
        assert!(
            r.message.contains("every removal is decided"),
            "{}",
            r.message
        );
    }

    #[test]
    fn moving_and_undoing_do_what_they_say() {
        let mut plan = plan();
        let mut r = Review::new(&plan);
        assert_eq!(r.apply(&mut plan, Action::NextFile), Effect::Redraw);
        assert_eq!(r.file(), Some(2));
        assert_eq!(r.apply(&mut plan, Action::NextFile), Effect::Redraw);
        assert_eq!(r.file(), Some(2), "stays on the last file");
        assert_eq!(r.apply(&mut plan, Action::PrevFile), Effect::Redraw);
        assert_eq!(r.file(), Some(0));
        r.apply(&mut plan, Action::NextRemoval);
        r.apply(&mut plan, Action::NextRemoval);
        assert_eq!(r.selected(), 1, "stays on the last removal");
        assert_eq!(r.apply(&mut plan, Action::Accept), Effect::Save);
        // Back to the first (still undecided) removal of the file.
        assert_eq!((r.file(), r.selected()), (Some(0), 0));
        r.apply(&mut plan, Action::NextRemoval);
        assert_eq!(r.apply(&mut plan, Action::Undecide), Effect::Save);
        assert_eq!(decisions(&plan), [vec![U, U], vec![], vec![U]]);
        assert_eq!(r.apply(&mut plan, Action::Skip), Effect::Redraw);
        assert_eq!(r.file(), Some(2));
        assert_eq!(r.apply(&mut plan, Action::Quit), Effect::Quit);
    }

    #[test]
    fn resumes_at_the_first_undecided_removal() {
        let mut plan = plan();
        plan.files[0].removals[0].decision = A;
        plan.files[0].removals[1].decision = R;
        let r = Review::new(&plan);
        assert_eq!((r.file(), r.selected()), (Some(2), 0));
    }

    #[test]
    fn help_is_closed_by_any_key() {
        let mut plan = plan();
        let mut r = Review::new(&plan);
        r.apply(&mut plan, Action::Help);
        assert!(r.help);
        assert_eq!(r.apply(&mut plan, Action::Accept), Effect::Redraw);
        assert!(!r.help);
        assert_eq!(plan.tally().undecided, 3);
    }
}
