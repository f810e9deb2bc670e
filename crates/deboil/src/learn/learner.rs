//! The [`Learner`]: the state of a run between its two passes, and the
//! choice of the lines that repeat. Pass 1 counts each document's keys
//! (see `sketch`); pass 2 ([`Learner::scan`], [`Learner::confirm`]) counts
//! exactly the lines whose estimate reaches their group's threshold, with
//! how many of their occurrences sit in a repeated run; [`Learner::finish`]
//! keeps the lines that pass the thresholds and the context guard.

use super::LearnOptions;
use super::pack::{Learned, LearnedGroup, LearnedLine};
use super::sketch::{CountMin, DocKeys, END, START, group_hash, line_key, pair_key};
use crate::document::trim_blank;
use crate::fold::fold_into;
use std::collections::HashMap;

/// What pass 2 found in one document.
#[derive(Clone, Debug, Default)]
pub struct DocScan {
    group: u64,
    group_name: String,
    name: String,
    /// Candidate lines: key, text, occurrences, occurrences in a repeated run.
    candidates: Vec<(u64, String, u64, u64)>,
    /// A prose line found in this document only: a keep example.
    keep: Option<String>,
    /// Set when the document was left out as a near-duplicate.
    duplicate: bool,
}

#[derive(Clone, Debug, Default)]
struct Candidate {
    text: String,
    docs: u64,
    occurrences: u64,
    in_run: u64,
    examples: Vec<String>,
}

#[derive(Clone, Debug, Default)]
struct GroupOut {
    name: String,
    keep: Vec<String>,
}

/// Counters of a run.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct LearnStats {
    /// Documents counted in pass 1.
    pub documents: u64,
    /// Groups seen.
    pub groups: u64,
    /// Groups with enough documents to learn from.
    pub eligible_groups: u64,
    /// Documents of those groups.
    pub eligible_documents: u64,
    /// Lines counted exactly in pass 2.
    pub candidates: u64,
    /// Candidate lines not counted because the pass-2 table was full.
    pub dropped: u64,
    /// Documents left out of pass 2 as near-duplicates.
    pub duplicates: u64,
    /// Bytes of the sketch.
    pub sketch_bytes: usize,
    /// The sketch's additive error bound (see [`CountMin`]).
    pub sketch_error: f64,
    /// Documents of the largest group (to say why nothing was learned).
    pub largest_group: u64,
}

/// The state of a learning run: feed pass 1 with [`Learner::count`], then
/// pass 2 with [`Learner::confirm`], then [`Learner::finish`].
#[derive(Clone, Debug)]
pub struct Learner {
    opts: LearnOptions,
    sketch: CountMin,
    groups: HashMap<u64, u64, foldhash::fast::RandomState>,
    documents: u64,
    candidates: HashMap<(u64, u64), Candidate, foldhash::fast::RandomState>,
    out: HashMap<u64, GroupOut, foldhash::fast::RandomState>,
    dropped: u64,
    duplicates: u64,
}

fn countable(trimmed: &str, folded: &str, max_chars: usize) -> bool {
    !trimmed.contains('\r')
        && folded.chars().filter(|c| c.is_alphabetic()).take(2).count() == 2
        && (trimmed.len() <= max_chars || trimmed.chars().count() <= max_chars)
}

/// True when a line reads as a sentence of at least `words` words.
pub fn is_prose(line: &str, words: usize) -> bool {
    let t = trim_blank(line);
    t.split_whitespace().count() >= words
        && t.ends_with(['.', '!', '?', '…', ':', ';', '"', '\'', '”', '’', '»', ')'])
}

impl Learner {
    /// A learner with an empty sketch.
    pub fn new(opts: LearnOptions) -> Learner {
        Learner {
            sketch: CountMin::new(opts.sketch_width, opts.sketch_depth),
            opts,
            groups: HashMap::default(),
            documents: 0,
            candidates: HashMap::default(),
            out: HashMap::default(),
            dropped: 0,
            duplicates: 0,
        }
    }

    /// The settings.
    pub fn options(&self) -> &LearnOptions {
        &self.opts
    }

    /// Pass 1, the part that needs no shared state: the distinct line and
    /// adjacent-pair keys of one document of `group`.
    pub fn keys(&self, group: &str, text: &str) -> DocKeys {
        DocKeys::of(group, text)
    }

    /// Pass 1: counts one document's keys.
    pub fn count(&mut self, doc: DocKeys) {
        self.documents += 1;
        *self.groups.entry(doc.group).or_default() += 1;
        for k in doc.keys {
            self.sketch.add(k);
        }
    }

    /// Pass 2, the part that needs no shared state: the candidate lines of
    /// one document named `name` (for the examples in comments).
    pub fn scan(&self, group: &str, name: &str, text: &str) -> DocScan {
        let g = group_hash(group);
        let docs = self.groups.get(&g).copied().unwrap_or(0);
        if docs < self.opts.min_group_docs as u64 {
            return DocScan::default();
        }
        let threshold = self.opts.threshold(docs);
        let mut folded = String::new();
        // Non-blank lines: (text, key, candidate?, countable?).
        let mut lines: Vec<(&str, u64, bool, bool)> = Vec::new();
        let reaches = |key: u64| u64::from(self.sketch.estimate(key)) >= threshold;
        let mut keep = None;
        let (mut repeated, mut total) = (0, 0);
        for line in text.lines() {
            let t = trim_blank(line);
            if t.is_empty() {
                continue;
            }
            fold_into(t, &mut folded, usize::MAX);
            let key = line_key(g, &folded);
            let est = u64::from(self.sketch.estimate(key));
            let chars = t.chars().count();
            total += chars;
            if est >= threshold {
                repeated += chars;
            }
            let countable = countable(t, &folded, self.opts.max_chars);
            if countable && est <= 1 && keep.is_none() && is_prose(t, 8) {
                keep = Some(t.to_owned());
            }
            lines.push((t, key, countable && est >= threshold, countable));
        }
        if total > 0 && repeated as f64 > self.opts.duplicate_share * total as f64 {
            return DocScan {
                group: g,
                group_name: group.to_owned(),
                name: name.to_owned(),
                duplicate: true,
                ..DocScan::default()
            };
        }
        let mut candidates: Vec<(u64, String, u64, u64)> = Vec::new();
        for (i, &(t, key, cand, _)) in lines.iter().enumerate() {
            if !cand {
                continue;
            }
            let prev = i.checked_sub(1).map(|j| lines[j]);
            let next = lines.get(i + 1).copied();
            // A neighbour without two letters (a count, a price, a bracket
            // of code) folds to the same line on every page, so repeating
            // beside it says nothing of a fixed context: it is no run.
            let ctx = |l: Option<(&str, u64, bool, bool)>, edge: u64| match l {
                None => Some(edge),
                Some(l) if l.3 => Some(l.1),
                Some(_) => None,
            };
            let before = ctx(prev, START).is_some_and(|p| reaches(pair_key(g, p, key)));
            let after = ctx(next, END).is_some_and(|n| reaches(pair_key(g, key, n)));
            let in_run = u64::from(before || after);
            match candidates.iter_mut().find(|c| c.0 == key) {
                Some(c) => {
                    c.2 += 1;
                    c.3 += in_run;
                }
                None => candidates.push((key, t.to_owned(), 1, in_run)),
            }
        }
        DocScan {
            group: g,
            group_name: group.to_owned(),
            name: name.to_owned(),
            candidates,
            keep,
            duplicate: false,
        }
    }

    /// Pass 2: counts one document's candidates exactly.
    pub fn confirm(&mut self, doc: DocScan) {
        if doc.name.is_empty() && doc.candidates.is_empty() {
            return;
        }
        self.duplicates += u64::from(doc.duplicate);
        let out = self.out.entry(doc.group).or_default();
        if out.name.is_empty() {
            out.name = doc.group_name;
        }
        if let Some(k) = doc.keep {
            if out.keep.len() < 8 && !out.keep.contains(&k) {
                out.keep.push(k);
            }
        }
        for (key, text, occurrences, in_run) in doc.candidates {
            let full = self.candidates.len() >= self.opts.max_candidates;
            let c = match self.candidates.get_mut(&(doc.group, key)) {
                Some(c) => c,
                None if full => {
                    self.dropped += 1;
                    continue;
                }
                None => self
                    .candidates
                    .entry((doc.group, key))
                    .or_insert_with(|| Candidate {
                        text,
                        ..Candidate::default()
                    }),
            };
            c.docs += 1;
            c.occurrences += occurrences;
            c.in_run += in_run;
            if c.examples.len() < 2 {
                c.examples.push(doc.name.clone());
            }
        }
    }

    /// Ends the run: the learned lines of every group.
    pub fn finish(self) -> Learned {
        let stats = LearnStats {
            documents: self.documents,
            groups: self.groups.len() as u64,
            eligible_groups: self
                .groups
                .values()
                .filter(|&&n| n >= self.opts.min_group_docs as u64)
                .count() as u64,
            eligible_documents: self
                .groups
                .values()
                .filter(|&&n| n >= self.opts.min_group_docs as u64)
                .sum(),
            candidates: self.candidates.len() as u64,
            dropped: self.dropped,
            duplicates: self.duplicates,
            sketch_bytes: self.sketch.bytes(),
            sketch_error: self.sketch.error_bound(),
            largest_group: self.groups.values().copied().max().unwrap_or(0),
        };
        let mut by_group: HashMap<u64, Vec<Candidate>> = HashMap::new();
        for ((g, _), c) in self.candidates {
            by_group.entry(g).or_default().push(c);
        }
        let mut groups = Vec::new();
        for (g, out) in self.out {
            let docs = self.groups.get(&g).copied().unwrap_or(0);
            let threshold = self.opts.threshold(docs);
            let mut lines = Vec::new();
            let mut guarded = Vec::new();
            for c in by_group.remove(&g).unwrap_or_default() {
                if c.docs < threshold {
                    continue;
                }
                let line = LearnedLine {
                    text: c.text,
                    docs: c.docs,
                    examples: c.examples,
                };
                // The context guard: repeated, but not with its neighbours.
                if (c.in_run as f64) <= self.opts.run_share * c.occurrences as f64 {
                    guarded.push(line);
                } else {
                    lines.push(line);
                }
            }
            let order = |a: &LearnedLine, b: &LearnedLine| {
                b.docs.cmp(&a.docs).then_with(|| a.text.cmp(&b.text))
            };
            lines.sort_by(order);
            guarded.sort_by(order);
            if lines.is_empty() && guarded.is_empty() {
                continue;
            }
            let mut keep = out.keep;
            keep.sort();
            groups.push(LearnedGroup {
                name: out.name,
                docs,
                threshold,
                lines,
                guarded,
                keep,
            });
        }
        groups.sort_by(|a, b| a.name.cmp(&b.name));
        Learned {
            opts: self.opts,
            groups,
            stats,
        }
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(in crate::learn) fn learn(opts: LearnOptions, docs: &[(&str, &str)]) -> Learned {
        let mut l = Learner::new(opts);
        for (g, text) in docs {
            let k = l.keys(g, text);
            l.count(k);
        }
        for (i, (g, text)) in docs.iter().enumerate() {
            let s = l.scan(g, &format!("d{i}"), text);
            l.confirm(s);
        }
        l.finish()
    }

    /// Words that make lines unique (digits would fold together).
    const NAMES: [&str; 4] = ["alpha", "bravo", "charlie", "delta"];

    /// The pages of one group, as [`learn`] takes them.
    fn group<'a>(name: &'a str, pages: &'a [String]) -> Vec<(&'a str, &'a str)> {
        pages.iter().map(|p| (name, p.as_str())).collect()
    }

    fn texts(g: &LearnedGroup) -> Vec<&str> {
        g.lines.iter().map(|l| l.text.as_str()).collect()
    }

    pub(in crate::learn) const A1: &str = "Home | News | Sport\nThe council met on Monday to discuss the new bridge over the river.\n© 2019 Example Corp\n";
    pub(in crate::learn) const A2: &str = "home |  news | sport\nA storm closed the harbour for three days, fishermen said on Friday.\n© 2024 Example Corp\n";
    pub(in crate::learn) const A3: &str = "Home | News | Sport\nLocal bakers won a national prize for their sourdough loaves again.\n© 2024 Example Corp\n";

    #[test]
    fn repeated_lines_are_learned_with_case_space_and_digits_folded() {
        let l = learn(LearnOptions::default(), &[("a", A1), ("a", A2), ("a", A3)]);
        assert_eq!(l.groups.len(), 1);
        let g = &l.groups[0];
        assert_eq!(texts(g), ["Home | News | Sport", "© 2019 Example Corp"]);
        assert_eq!(g.lines[0].docs, 3);
        assert_eq!(g.lines[0].examples, ["d0", "d1"]);
        assert_eq!(g.keep.len(), 3);
    }

    #[test]
    fn repeats_inside_one_document_are_not_evidence() {
        let doc = "Subscribe now\nSubscribe now\nSubscribe now\nA sentence only this page has, about the weather today.\n";
        let other = "Another page entirely, with nothing in common with the first one.\n";
        let l = learn(LearnOptions::default(), &[("a", doc), ("a", other)]);
        assert!(
            l.groups.iter().all(|g| g.lines.is_empty()),
            "{:?}",
            l.groups
        );
    }

    #[test]
    fn small_groups_learn_nothing() {
        let opts = LearnOptions {
            min_group_docs: 4,
            ..LearnOptions::default()
        };
        let l = learn(opts, &[("a", A1), ("a", A2), ("a", A3)]);
        assert!(l.groups.is_empty());
    }

    #[test]
    fn near_duplicates_are_no_evidence() {
        let article = "Menu\nThe same long article, published twice under two addresses, says this.\nAnd it goes on, at some length, about the very same things.\n";
        let other = "Menu\nA different article with its own sentences and nothing else shared.\n";
        let l = learn(
            LearnOptions::default(),
            &[("s", article), ("s", article), ("s", other)],
        );
        assert_eq!(l.stats.duplicates, 2);
        assert!(
            l.groups.iter().all(|g| g.lines.is_empty()),
            "{:?}",
            l.groups
        );
    }

    #[test]
    fn groups_are_counted_apart() {
        let l = learn(LearnOptions::default(), &[("a", A1), ("b", A2), ("c", A3)]);
        assert!(l.groups.is_empty());
    }

    #[test]
    fn repeated_prose_among_unique_lines_is_kept() {
        let quote = "The views expressed in this article are the author's own and do not reflect the editors' views.";
        let docs: Vec<String> = NAMES
            .iter()
            .map(|i| {
                format!(
                    "Menu\nAbout us\nStory number {i} begins with a sentence of its own, unlike the others.\n{quote}\nIt goes on with another sentence that is unique to story {i} and no other one.\n"
                )
            })
            .collect();
        let docs = group("site", &docs);
        let l = learn(LearnOptions::default(), &docs);
        let g = &l.groups[0];
        assert_eq!(texts(g), ["About us", "Menu"]);
        assert_eq!(g.guarded.len(), 1);
        assert_eq!(g.guarded[0].text, quote);
    }

    #[test]
    fn repeated_prose_in_a_repeated_block_is_learned() {
        let banner = "We use cookies to give you the best experience on our website and to analyse our traffic.";
        let docs: Vec<String> = NAMES[..3]
            .iter()
            .map(|i| format!("{banner}\nAccept all cookies\nStory {i} is told here in a sentence of its own, unlike others.\n"))
            .collect();
        let docs = group("site", &docs);
        let l = learn(LearnOptions::default(), &docs);
        assert_eq!(texts(&l.groups[0]), ["Accept all cookies", banner]);
    }

    #[test]
    fn lines_without_two_letters_or_too_long_are_not_learned() {
        let long = "word ".repeat(80);
        let docs: Vec<String> = NAMES[..3]
            .iter()
            .map(|i| format!("OK\n12\n»\n{long}\nUnique sentence number {i} of this little test corpus here.\n"))
            .collect();
        let docs = group("s", &docs);
        // The long line makes these near-duplicates; that guard is not tested here.
        let opts = LearnOptions {
            duplicate_share: 1.0,
            ..LearnOptions::default()
        };
        let l = learn(opts, &docs);
        assert_eq!(texts(&l.groups[0]), ["OK"]);
    }

    // See: issue 8. Product variants of a small shop share real content
    // (a specification line, a rating); only the shared run of furniture,
    // and a footer closing every page, are learned.
    #[test]
    fn in_small_groups_shared_content_among_unique_lines_is_kept() {
        let spec = "Made of recycled aluminium with a stainless steel lid that keeps drinks cold for hours";
        let docs: Vec<String> = NAMES[..2]
            .iter()
            .zip(["(1,204)", "(38,517)"])
            .map(|(i, reviews)| {
                format!(
                    "Home\nShop\nCart\nThe {i} bottle\n{spec}\nThe {i} colour is lovely in the sun.\n4.5 out of 5 stars\n{reviews}\nOther {i} words come here to close the page.\nContact us\n"
                )
            })
            .collect();
        let docs = group("shop", &docs);
        let l = learn(LearnOptions::default(), &docs);
        let g = &l.groups[0];
        assert_eq!(texts(g), ["Cart", "Contact us", "Home", "Shop"]);
        let kept: Vec<&str> = g.guarded.iter().map(|l| l.text.as_str()).collect();
        // The rating's only repeated neighbour is a number, which is no run.
        assert_eq!(kept, ["4.5 out of 5 stars", spec]);
    }

    #[test]
    fn words_of_split_sentences_are_kept_even_in_bigger_groups() {
        // A dump with one line per DOM text node: inline code cuts sentences
        // into words that every page repeats, each time among other words.
        let docs: Vec<String> = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot"]
            .iter()
            .map(|i| {
                format!(
                    "Docs\nSearch\nReturns\nNone\nwhen the {i} key is missing, and\nTrue\nfor {i} keys.\nThe {i} method\nNone\nor a {i} value.\nPrevious topic\nNext topic\n"
                )
            })
            .collect();
        let docs = group("docs", &docs);
        let l = learn(LearnOptions::default(), &docs);
        let g = &l.groups[0];
        assert_eq!(g.threshold, 3);
        // "Returns" follows the repeated "Search" line on every page: a run.
        assert_eq!(
            texts(g),
            ["Docs", "Next topic", "Previous topic", "Returns", "Search"]
        );
        let kept: Vec<&str> = g.guarded.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(kept, ["None", "True"]);
    }

    #[test]
    fn the_guard_counts_occurrences_and_its_share_is_a_setting() {
        // "Subscribe" sits in the menu run and, once more, among article
        // lines: half of its occurrences are in a run, which is not more
        // than half.
        let docs: Vec<String> = NAMES[..2]
            .iter()
            .map(|i| format!("Menu\nSubscribe\nStory {i} starts here, unlike any other.\nSubscribe\nStory {i} goes on.\n"))
            .collect();
        let docs = group("s", &docs);
        let l = learn(LearnOptions::default(), &docs);
        assert_eq!(texts(&l.groups[0]), ["Menu"]);
        assert_eq!(l.groups[0].guarded[0].text, "Subscribe");
        let opts = LearnOptions {
            run_share: 0.4,
            ..LearnOptions::default()
        };
        let l = learn(opts, &docs);
        assert_eq!(texts(&l.groups[0]), ["Menu", "Subscribe"]);
    }

    #[test]
    fn the_candidate_cap_bounds_pass_two() {
        let opts = LearnOptions {
            max_candidates: 1,
            ..LearnOptions::default()
        };
        let l = learn(opts, &[("a", A1), ("a", A2), ("a", A3)]);
        assert_eq!(l.stats.candidates, 1);
        assert!(l.stats.dropped > 0);
        assert_eq!(l.groups[0].lines.len(), 1);
    }
}
