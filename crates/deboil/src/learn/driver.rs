//! A whole learning run, as every command runs it: reading the documents
//! twice (through a [`Corpus`]: documents in memory here, files and JSON
//! Lines files in the command-line crate), feeding the two passes of the
//! [`Learner`], checking the `keep` examples against every rule and
//! rendering the pack. `deboil learn`, the `--learn` of `clean`, `diff`,
//! `plan` and `report`, and `eval --learn` all call [`learn`], so a pack
//! learned one way is the pack learned any other.

use super::{LearnOptions, Learned, Learner};
use crate::Engine;
use crate::error::Result;
use rayon::prelude::*;
use std::fmt;
use std::path::PathBuf;

/// One document to learn from.
#[derive(Clone, Debug)]
pub struct Doc {
    /// Its group (a site; [`ALL`](super::ALL) for one group).
    pub group: String,
    /// How the pack's comments name it (`page.txt`, `dump.jsonl:12`).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// The documents of a run, read once per pass (so standard input cannot be
/// one). The library reads documents held in memory (`[Doc]`); the
/// command-line tool reads files and JSON Lines files.
pub trait Corpus: Sync {
    /// One pass: hands every document to `sink`, in chunks (a chunk is
    /// processed in parallel, so a few hundred documents or a few MB make a
    /// good one); reports each document that cannot be read to `on_unread`
    /// when `first` (the second pass skips them quietly) and returns how
    /// many there were.
    fn pass(
        &self,
        first: bool,
        on_unread: &mut dyn FnMut(Unread),
        sink: &mut dyn FnMut(Vec<Doc>),
    ) -> Result<usize>;
}

impl Corpus for [Doc] {
    fn pass(
        &self,
        _first: bool,
        _on_unread: &mut dyn FnMut(Unread),
        sink: &mut dyn FnMut(Vec<Doc>),
    ) -> Result<usize> {
        // Copied chunk by chunk: the passes take documents by value.
        for chunk in self.chunks(512) {
            sink(chunk.to_vec());
        }
        Ok(0)
    }
}

/// A document that could not be read (reported once, from the first pass).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unread {
    /// The file, or `file:line` of a JSON line.
    pub name: String,
    /// Why.
    pub reason: String,
}

impl fmt::Display for Unread {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.name, self.reason)
    }
}

/// What a run gives.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Pack {
    /// What was learned (the `keep` examples already checked).
    pub learned: Learned,
    /// The rule pack, as [`Learned::to_toml`] writes it.
    pub toml: String,
    /// Documents that could not be read (each passed to `on_unread`).
    pub unread: usize,
}

/// Learns `corpus`'s boilerplate with `opts` and renders the pack. The
/// `keep` examples are checked against every built-in rule and the packs
/// `rules` (each profile, unguarded: `deboil rules test` checks them the
/// same way), and those some rule removes are dropped. `on_unread` hears of
/// each document that cannot be read, once. Runs on the current rayon
/// pool.
pub fn learn<C: Corpus + ?Sized>(
    corpus: &C,
    opts: LearnOptions,
    rules: &[PathBuf],
    on_unread: &mut dyn FnMut(Unread),
) -> Result<Pack> {
    // Built first: a broken pack fails before any file is read.
    let check = Engine::builder()
        .rules_paths(rules)
        .every_rule()
        .guard(None)
        .check_examples(false)
        .build()?;
    let mut learner = Learner::new(opts);
    let unread = corpus.pass(true, on_unread, &mut |docs| {
        let l = &learner;
        let keys: Vec<_> = docs.par_iter().map(|d| l.keys(&d.group, &d.text)).collect();
        for k in keys {
            learner.count(k);
        }
    })?;
    // Documents unread in pass 1 were never counted: pass 2 skips them
    // quietly (and one that became unreadable since is simply missing).
    corpus.pass(false, &mut |_| {}, &mut |docs| {
        let l = &learner;
        let scans: Vec<_> = docs
            .par_iter()
            .map(|d| l.scan(&d.group, &d.name, &d.text))
            .collect();
        for s in scans {
            learner.confirm(s);
        }
    })?;
    let mut learned = learner.finish();
    learned.retain_keep(|group, k| check.clean_in(k, group).removals().is_empty());
    let toml = learned.to_toml();
    Ok(Pack {
        learned,
        toml,
        unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(group: &str, texts: &[&str]) -> Vec<Doc> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Doc {
                group: group.to_owned(),
                name: format!("d{i}"),
                text: (*t).to_owned(),
            })
            .collect()
    }

    #[test]
    fn documents_in_memory_learn_their_repeated_lines() {
        let pages = [
            "Home | News | Sport\nThe council met on Monday to discuss the new bridge over the river.\nContact us\n",
            "Home | News | Sport\nA storm closed the harbour for three days, fishermen said on Friday.\nContact us\n",
            "Home | News | Sport\nLocal bakers won a national prize for their sourdough loaves again.\nContact us\n",
        ];
        let in_memory = docs("site", &pages);
        let pack = learn(&in_memory[..], LearnOptions::default(), &[], &mut |_| {}).unwrap();
        assert_eq!(pack.unread, 0);
        assert_eq!(pack.learned.rules(), 1);
        assert!(
            pack.toml.contains("\"Home | News | Sport\""),
            "{}",
            pack.toml
        );
    }
}
