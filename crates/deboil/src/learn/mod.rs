//! Learning a corpus's boilerplate: lines that repeat, verbatim up to
//! [folding](crate::fold), across many documents of one group (one site),
//! written out as an ordinary rule pack.
//!
//! Two passes over the documents:
//!
//! 1. **Counting.** Every non-blank line of a document is folded and hashed
//!    with its group, and so is every pair of adjacent non-blank lines (the
//!    first line paired with a start-of-document mark, the last with an
//!    end mark); each distinct key is counted once per document (a line
//!    repeated inside one document is no evidence) in a [`CountMin`] sketch
//!    of fixed size. Documents per group are counted exactly (16 bytes per
//!    group).
//! 2. **Confirming.** Each document is read again; a line whose sketch
//!    estimate reaches its group's threshold is a candidate and is counted
//!    exactly, with its text, its documents, its occurrences and how many of
//!    them sit in a repeated run (below). A count-min sketch never
//!    under-counts, so every line that truly reaches the threshold is a
//!    candidate; its over-counts only add candidates that the exact count
//!    then rejects. The document counts of learned lines are therefore
//!    exact; the sketch's error costs pass-2 memory, which is capped
//!    ([`LearnOptions::max_candidates`]), and can only make the run test
//!    below more lenient, by at most its error bound.
//!
//! A line is learned for its group when it occurs in at least
//! `max(min_docs, ceil(min_share × documents))` documents of a group that
//! has at least `min_group_docs` documents, has two or more letters, is at
//! most `max_chars` characters long, and passes the **context guard**: more
//! than `run_share` of its occurrences sit in a *repeated run*, i.e. next to
//! a neighbour line (with two or more letters) or a document edge with
//! which it forms a pair that itself occurs in as many documents as the
//! threshold. Furniture comes with its context: a menu item beside the
//! next item, a cookie banner beside its buttons, a footer at the end of
//! every page. Repetition alone is not enough, because some article text
//! repeats too, with varying neighbours: a quotation, a disclaimer or an
//! author bio inside article bodies; the words of sentences and code that
//! a dump splits at inline tags (`None`, `return`, `and` on lines of their
//! own, each repeated many times per page); a rating or a price repeated
//! in every item of listing pages, beside numbers. Those are kept and
//! listed in the pack as comments. The guard looks at each occurrence, not
//! at each document, so that a line repeated inside a page mostly among
//! unique lines is kept even if one of its occurrences sits in a run.
//!
//! One home per stage:
//!
//! - this module: the public face, [`LearnOptions`], and what names a
//!   group ([`url_host`], [`ALL`]);
//! - `sketch`: pass 1's counting, the [`CountMin`] sketch and the keys of
//!   lines and adjacent pairs ([`DocKeys`]);
//! - `learner`: the [`Learner`], pass 2's exact counts ([`DocScan`]) and the
//!   choice of the lines that repeat with their context;
//! - `pack`: what was learned ([`Learned`]) written as a rule-pack TOML;
//! - `driver`: a whole run ([`learn`]): both passes over a [`Corpus`]
//!   (documents in memory here; files and JSON Lines files in the
//!   command-line crate, which also says what a group of files is), the
//!   `keep` examples checked, the pack rendered; every command that learns
//!   calls it.

mod driver;
mod learner;
mod pack;
mod sketch;

pub use driver::{Corpus, Doc, Pack, Unread, learn};
pub use learner::{DocScan, LearnStats, Learner, is_prose};
pub use pack::{Learned, LearnedGroup, LearnedLine};
pub use sketch::{CountMin, DocKeys};

/// Settings of a learning run.
#[derive(Clone, Debug)]
pub struct LearnOptions {
    /// A line must occur in at least this many documents of its group.
    pub min_docs: usize,
    /// ...and in at least this share of them.
    pub min_share: f64,
    /// Groups with fewer documents learn nothing.
    pub min_group_docs: usize,
    /// Lines longer than this many characters are never learned.
    pub max_chars: usize,
    /// A line is learned only when more than this share of its occurrences
    /// sit in a repeated run (the context guard, see the module docs); a
    /// negative share turns the guard off.
    pub run_share: f64,
    /// Columns of the count-min sketch (rounded up to a power of two).
    pub sketch_width: usize,
    /// Rows of the count-min sketch.
    pub sketch_depth: usize,
    /// Most lines counted exactly in pass 2; further candidates are dropped
    /// (and counted in [`LearnStats::dropped`]).
    pub max_candidates: usize,
    /// A document whose repeated lines hold more than this share of its
    /// text is a near-duplicate of another (the same article under two
    /// URLs) or a page of pure furniture: it is no evidence.
    pub duplicate_share: f64,
}

impl Default for LearnOptions {
    fn default() -> LearnOptions {
        LearnOptions {
            min_docs: 2,
            min_share: 0.5,
            min_group_docs: 2,
            max_chars: 300,
            run_share: 0.5,
            sketch_width: 1 << 23,
            sketch_depth: 4,
            max_candidates: 2_000_000,
            duplicate_share: 0.7,
        }
    }
}

impl LearnOptions {
    /// Documents a line needs in a group of `docs` documents.
    pub fn threshold(&self, docs: u64) -> u64 {
        let share = (self.min_share * docs as f64).ceil() as u64;
        share.max(self.min_docs as u64).max(1)
    }
}

/// The host of a URL (`https://user@Example.com:8080/a` gives
/// `example.com`), or `None` when `s` is not an absolute URL.
pub fn url_host(s: &str) -> Option<String> {
    let (_, rest) = s.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit('@').next().unwrap_or("");
    let host = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or(""),
        None => host.split(':').next().unwrap_or(""),
    };
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// The group name meaning "every document": rules learned under it carry
/// no `group` and apply to all documents.
pub const ALL: &str = "*";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_take_the_larger_of_count_and_share() {
        let o = LearnOptions::default();
        assert_eq!(o.threshold(2), 2);
        assert_eq!(o.threshold(3), 2);
        assert_eq!(o.threshold(12), 6);
        let o = LearnOptions {
            min_docs: 3,
            min_share: 0.1,
            ..LearnOptions::default()
        };
        assert_eq!(o.threshold(4), 3);
        assert_eq!(o.threshold(100), 10);
    }

    #[test]
    fn hosts_of_urls() {
        assert_eq!(
            url_host("https://www.Example.com/a/b?c").as_deref(),
            Some("www.example.com")
        );
        assert_eq!(url_host("http://u:p@host:8080").as_deref(), Some("host"));
        assert_eq!(url_host("http://[::1]:80/").as_deref(), Some("::1"));
        assert_eq!(url_host("example.com/page"), None);
    }
}
