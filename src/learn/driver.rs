//! A whole learning run, as every command runs it: reading the documents
//! twice (files in parallel chunks, JSON Lines streamed in chunks, or
//! documents held in memory), feeding the two passes of the [`Learner`],
//! checking the `keep` examples against every rule and rendering the pack.
//! `deboil learn`, the `--learn` of `clean`, `diff`, `plan` and `report`,
//! and `eval --learn` all call [`learn`], so a pack learned one way is the
//! pack learned any other.

use super::{ALL, Grouping, LearnOptions, Learned, Learner};
use crate::Engine;
use crate::batch::jsonl::{self, LineError, RawLine};
use crate::batch::{ReadOptions, Source, read_input};
use crate::error::{Error, Result};
use rayon::prelude::*;
use std::fmt;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// One document to learn from.
#[derive(Clone, Debug)]
pub struct Doc {
    /// Its group (see [`Grouping`]; [`ALL`] for one group).
    pub group: String,
    /// How the pack's comments name it (`page.txt`, `dump.jsonl:12`).
    pub name: String,
    /// Its text.
    pub text: String,
}

/// Opens a JSON Lines file for reading (the caller decides about
/// decompression). Called once per file and pass.
pub type OpenFn<'a> = &'a (dyn Fn(&Path) -> std::io::Result<Box<dyn BufRead>> + Sync);

/// The documents of a run. Every kind is read twice, once per pass, so
/// standard input cannot be one.
pub enum Corpus<'a> {
    /// Files, read with `read` and grouped by `grouping`.
    Files {
        /// The files, in order.
        sources: &'a [Source],
        /// How they are grouped.
        grouping: &'a Grouping,
        /// Size limit and encoding.
        read: ReadOptions,
    },
    /// JSON Lines files, one document per line, read as `clean --jsonl`
    /// reads them ([`jsonl::read_chunk`], [`jsonl::document`]) so that a
    /// group learned here is the group cleaning finds.
    JsonLines {
        /// The files, in order.
        paths: &'a [PathBuf],
        /// Opens one of them.
        open: OpenFn<'a>,
        /// The field holding the text.
        field: &'a str,
        /// The field naming the group (a URL groups by its host); without
        /// it, one group.
        group_by: Option<&'a str>,
        /// Longest line read, in bytes.
        max_line: u64,
    },
    /// Documents already in memory.
    Docs(&'a [Doc]),
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
pub struct Pack {
    /// What was learned (the `keep` examples already checked).
    pub learned: Learned,
    /// The rule pack, as [`Learned::to_toml`] writes it.
    pub toml: String,
    /// Documents that could not be read (each passed to `on_unread`).
    pub unread: usize,
}

/// Input bytes of JSON Lines per chunk handed to the workers.
const CHUNK_BYTES: usize = 8 << 20;

/// Learns `corpus`'s boilerplate with `opts` and renders the pack. The
/// `keep` examples are checked against every built-in rule and the packs
/// `rules` (each profile, unguarded: `deboil rules test` checks them the
/// same way), and those some rule removes are dropped. `on_unread` hears of
/// each document that cannot be read, once. Runs on the current rayon
/// pool.
pub fn learn(
    corpus: &Corpus<'_>,
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
    let unread = read(corpus, true, on_unread, &mut |docs| {
        let l = &learner;
        let keys: Vec<_> = docs.par_iter().map(|d| l.keys(&d.group, &d.text)).collect();
        for k in keys {
            learner.count(k);
        }
    })?;
    // Documents unread in pass 1 were never counted: pass 2 skips them
    // quietly (and one that became unreadable since is simply missing).
    read(corpus, false, &mut |_| {}, &mut |docs| {
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

/// One pass: hands every document of `corpus` to `sink`, in chunks;
/// returns how many could not be read.
fn read(
    corpus: &Corpus<'_>,
    first: bool,
    on_unread: &mut dyn FnMut(Unread),
    sink: &mut dyn FnMut(Vec<Doc>),
) -> Result<usize> {
    match corpus {
        Corpus::Files {
            sources,
            grouping,
            read,
        } => Ok(read_files(sources, grouping, *read, on_unread, sink)),
        Corpus::JsonLines {
            paths,
            open,
            field,
            group_by,
            max_line,
        } => read_jsonl(
            paths, *open, field, *group_by, *max_line, first, on_unread, sink,
        ),
        Corpus::Docs(docs) => {
            // Copied chunk by chunk: the passes take documents by value.
            for chunk in docs.chunks(512) {
                sink(chunk.to_vec());
            }
            Ok(0)
        }
    }
}

/// Reads files in parallel chunks, each in the group `grouping` gives it
/// (a `URL:` header line is not learned from).
fn read_files(
    sources: &[Source],
    grouping: &Grouping,
    opts: ReadOptions,
    on_unread: &mut dyn FnMut(Unread),
    sink: &mut dyn FnMut(Vec<Doc>),
) -> usize {
    let mut unread = 0;
    let chunk = (rayon::current_num_threads() * 64).max(64);
    for sources in sources.chunks(chunk) {
        let docs: Vec<std::result::Result<Doc, String>> = sources
            .par_iter()
            .map(|src| {
                read_input(&src.path, opts)
                    .map(|i| {
                        let group = grouping.learn_group(Some(src), &i.text);
                        let mut text = i.text;
                        text.drain(..grouping.header_len(&text));
                        Doc {
                            group,
                            name: src.relative.display().to_string(),
                            text,
                        }
                    })
                    .map_err(|e| e.to_string())
            })
            .collect();
        let mut ok = Vec::with_capacity(docs.len());
        for (src, d) in sources.iter().zip(docs) {
            match d {
                Ok(d) => ok.push(d),
                Err(reason) => {
                    unread += 1;
                    on_unread(Unread {
                        name: src.path.display().to_string(),
                        reason,
                    });
                }
            }
        }
        sink(ok);
    }
    unread
}

/// Reads JSON Lines files in chunks, each line a document. Lines that are
/// not documents are reported in the first pass only.
#[allow(clippy::too_many_arguments)]
fn read_jsonl(
    paths: &[PathBuf],
    open: OpenFn<'_>,
    field: &str,
    group_by: Option<&str>,
    max_line: u64,
    first: bool,
    on_unread: &mut dyn FnMut(Unread),
    sink: &mut dyn FnMut(Vec<Doc>),
) -> Result<usize> {
    let mut unread = 0;
    for path in paths {
        let name = path.display().to_string();
        let mut input = open(path).map_err(|e| Error::io(path, e))?;
        let mut line_no = 0u64;
        loop {
            let (lines, _) = jsonl::read_chunk(&mut input, max_line, CHUNK_BYTES)
                .map_err(|e| Error::io(path, e))?;
            if lines.is_empty() {
                break;
            }
            let base = line_no + 1;
            line_no += lines.len() as u64;
            let docs: Vec<std::result::Result<Doc, (u64, LineError)>> = lines
                .into_par_iter()
                .enumerate()
                .map(|(i, line)| {
                    let n = base + i as u64;
                    let line = match line {
                        RawLine::Line(l) => l,
                        RawLine::TooLong(len) => {
                            return Err((
                                n,
                                LineError::TooLong {
                                    len,
                                    limit: max_line,
                                },
                            ));
                        }
                    };
                    jsonl::document(&line, field, group_by)
                        .map(|d| Doc {
                            group: d.group.unwrap_or_else(|| ALL.to_owned()),
                            name: format!("{name}:{n}"),
                            text: d.text.into_owned(),
                        })
                        .map_err(|e| (n, e))
                })
                .collect();
            let mut ok = Vec::with_capacity(docs.len());
            for d in docs {
                match d {
                    Ok(d) => ok.push(d),
                    Err((n, e)) => {
                        if first {
                            unread += 1;
                            on_unread(Unread {
                                name: format!("{name}:{n}"),
                                reason: e.to_string(),
                            });
                        }
                    }
                }
            }
            sink(ok);
        }
    }
    Ok(unread)
}

/// Says how to group when grouping by directory learned nothing, for a
/// directory of pages of many sites (`None` when there is nothing to say).
pub fn hint(learned: &Learned, grouping: &Grouping) -> Option<&'static str> {
    (learned.nothing_learned().is_some() && matches!(grouping, Grouping::Dir)).then_some(
        "hint: files are grouped by the directory holding them; pages of many \
         sites in one directory are grouped by site with --group-by host (each page's \
         URL from a first line `URL: ...`, or --urls FILE)",
    )
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
    fn files_and_documents_in_memory_learn_the_same_pack() {
        let dir = tempfile::tempdir().unwrap();
        let site = dir.path().join("site");
        std::fs::create_dir_all(&site).unwrap();
        let pages = [
            "Home | News | Sport\nThe council met on Monday to discuss the new bridge over the river.\nContact us\n",
            "Home | News | Sport\nA storm closed the harbour for three days, fishermen said on Friday.\nContact us\n",
            "Home | News | Sport\nLocal bakers won a national prize for their sourdough loaves again.\nContact us\n",
        ];
        for (i, p) in pages.iter().enumerate() {
            std::fs::write(site.join(format!("d{i}")), p).unwrap();
        }
        let (sources, errors) =
            crate::batch::collect_sources(std::slice::from_ref(&site), &Default::default());
        assert!(errors.is_empty());
        let grouping = Grouping::Dir;
        let files = Corpus::Files {
            sources: &sources,
            grouping: &grouping,
            read: ReadOptions::default(),
        };
        let mut unread = Vec::new();
        let a = learn(&files, LearnOptions::default(), &[], &mut |u| {
            unread.push(u)
        })
        .unwrap();
        assert!(unread.is_empty());
        let in_memory = docs("site", &pages);
        let b = learn(
            &Corpus::Docs(&in_memory),
            LearnOptions::default(),
            &[],
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(a.toml, b.toml);
        assert_eq!(a.learned.rules(), 1);
        assert!(a.toml.contains("\"Home | News | Sport\""), "{}", a.toml);
    }

    #[test]
    fn an_unreadable_document_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.txt"), "x".repeat(100)).unwrap();
        std::fs::write(dir.path().join("ok.txt"), "Hello there\n").unwrap();
        let (sources, _) =
            crate::batch::collect_sources(&[dir.path().to_path_buf()], &Default::default());
        let grouping = Grouping::All;
        let corpus = Corpus::Files {
            sources: &sources,
            grouping: &grouping,
            read: ReadOptions {
                max_bytes: 50,
                ..ReadOptions::default()
            },
        };
        let mut unread = Vec::new();
        let pack = learn(&corpus, LearnOptions::default(), &[], &mut |u| {
            unread.push(u)
        })
        .unwrap();
        assert_eq!(pack.unread, 1);
        assert_eq!(unread.len(), 1);
        assert!(unread[0].name.ends_with("big.txt"), "{unread:?}");
    }
}
