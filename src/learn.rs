//! The documents `deboil` learns from: files (read as `clean` reads them,
//! grouped by [`Grouping`]) and JSON Lines files (read as `clean --jsonl`
//! reads them, grouped by a field), as [`Corpus`]es of the library's
//! learner ([`deboil::learn::learn`]).

use crate::batch::{ReadOptions, Source, read_input};
use crate::group::Grouping;
use deboil::jsonl::{self, LineError, RawLine};
use deboil::learn::{ALL, Corpus, Doc, Learned, Unread};
use rayon::prelude::*;
use std::io::BufRead;
use std::path::{Path, PathBuf};

/// Opens a JSON Lines file for reading (the caller decides about
/// decompression). Called once per file and pass.
pub type OpenFn<'a> = &'a (dyn Fn(&Path) -> std::io::Result<Box<dyn BufRead>> + Sync);

/// Files, read with `read` and grouped by `grouping`.
pub struct Files<'a> {
    /// The files, in order.
    pub sources: &'a [Source],
    /// How they are grouped.
    pub grouping: &'a Grouping,
    /// Size limit and encoding.
    pub read: ReadOptions,
}

impl Corpus for Files<'_> {
    fn pass(
        &self,
        _first: bool,
        on_unread: &mut dyn FnMut(Unread),
        sink: &mut dyn FnMut(Vec<Doc>),
    ) -> deboil::Result<usize> {
        Ok(read_files(
            self.sources,
            self.grouping,
            self.read,
            on_unread,
            sink,
        ))
    }
}

/// JSON Lines files, one document per line, read as `clean --jsonl` reads
/// them ([`jsonl::read_chunk`], [`jsonl::document`]) so that a group
/// learned here is the group cleaning finds.
pub struct JsonLines<'a> {
    /// The files, in order.
    pub paths: &'a [PathBuf],
    /// Opens one of them.
    pub open: OpenFn<'a>,
    /// The field holding the text.
    pub field: &'a str,
    /// The field naming the group (a URL groups by its host); without it,
    /// one group.
    pub group_by: Option<&'a str>,
    /// Longest line read, in bytes.
    pub max_line: u64,
}

impl Corpus for JsonLines<'_> {
    fn pass(
        &self,
        first: bool,
        on_unread: &mut dyn FnMut(Unread),
        sink: &mut dyn FnMut(Vec<Doc>),
    ) -> deboil::Result<usize> {
        read_jsonl(self, first, on_unread, sink)
    }
}

/// Input bytes of JSON Lines per chunk handed to the workers.
const CHUNK_BYTES: usize = 8 << 20;

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
fn read_jsonl(
    corpus: &JsonLines<'_>,
    first: bool,
    on_unread: &mut dyn FnMut(Unread),
    sink: &mut dyn FnMut(Vec<Doc>),
) -> deboil::Result<usize> {
    let JsonLines {
        paths,
        open,
        field,
        group_by,
        max_line,
    } = *corpus;
    let mut unread = 0;
    for path in paths {
        let name = path.display().to_string();
        let mut input = open(path).map_err(|e| deboil::Error::io(path, e))?;
        let mut line_no = 0u64;
        loop {
            let (lines, _) = jsonl::read_chunk(&mut input, max_line, CHUNK_BYTES)
                .map_err(|e| deboil::Error::io(path, e))?;
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
    use deboil::learn::{LearnOptions, learn};

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
        let files = Files {
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
        let b = learn(&in_memory[..], LearnOptions::default(), &[], &mut |_| {}).unwrap();
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
        let corpus = Files {
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
