//! Inputs of a command: standard input or files found under the paths given,
//! read and processed in parallel, with results handed back in input order.

use super::args::GroupArg;
use deboil::batch::{
    Input, ReadError, ReadOptions, Source, WalkOptions, collect_sources, read_input,
};
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};

/// One thing to clean.
#[derive(Clone, Debug)]
pub enum Item {
    /// Standard input.
    Stdin,
    /// A file.
    File(Source),
}

impl Item {
    /// How the item is named in messages and records.
    pub fn display(&self) -> String {
        match self {
            Item::Stdin => "-".to_owned(),
            Item::File(s) => s.path.display().to_string(),
        }
    }
}

/// Expands the command-line paths; walk errors are reported and counted.
pub fn gather(paths: &[PathBuf], opts: &WalkOptions, errors: &mut usize) -> Vec<Item> {
    let mut items = Vec::new();
    let (stdin, files): (Vec<&PathBuf>, Vec<&PathBuf>) =
        paths.iter().partition(|p| p.as_os_str() == "-");
    if !stdin.is_empty() {
        items.push(Item::Stdin);
    }
    let files: Vec<PathBuf> = files.into_iter().cloned().collect();
    let (sources, errs) = collect_sources(&files, opts);
    for e in errs {
        super::log::error(e);
        *errors += 1;
    }
    items.extend(sources.into_iter().map(Item::File));
    items
}

/// The group of a file: the directory holding it, relative to the path it
/// was found under (that path's own name for files directly inside it).
pub fn file_group(src: &Source) -> String {
    match src.relative.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.display().to_string(),
        _ => {
            let root = src
                .path
                .ancestors()
                .nth(src.relative.components().count())
                .unwrap_or(Path::new(""));
            root.canonicalize()
                .ok()
                .and_then(|r| r.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| deboil::learn::ALL.to_owned())
        }
    }
}

impl Item {
    /// The group a document belongs to for group-restricted (learned)
    /// rules: its directory, as `deboil learn` groups files by default.
    pub fn group(&self) -> Option<String> {
        match self {
            Item::Stdin => None,
            Item::File(s) => Some(file_group(s)),
        }
    }
}

/// How files are grouped, for learning and for the rules learned per
/// group: `--group-by dir|host|all`.
#[derive(Clone, Debug)]
pub enum Grouping {
    /// By the directory holding the file (the default).
    Dir,
    /// By the host of each file's URL: from the `--urls` map, else from a
    /// first line `URL: ...`; a file with neither goes by its directory.
    Host(HashMap<PathBuf, String>),
    /// One group: learned rules apply to every document.
    All,
}

impl Grouping {
    /// The grouping of files that `--group-by` (or the older `--group
    /// dir|all`) and `--urls` ask for.
    pub fn of_files(
        group_by: Option<&str>,
        group: GroupArg,
        urls: Option<&Path>,
    ) -> anyhow::Result<Grouping> {
        let g = match (group_by, group) {
            (Some("dir"), _) | (None, GroupArg::Dir) => Grouping::Dir,
            (Some("all"), _) | (None, GroupArg::All) => Grouping::All,
            (Some("host"), _) => Grouping::Host(match urls {
                Some(p) => read_urls(p)?,
                None => HashMap::new(),
            }),
            (Some(other), _) => anyhow::bail!(
                "--group-by {other:?}: files are grouped by `dir`, `host` or `all` \
                 (a field name groups JSON Lines, with --jsonl)"
            ),
        };
        if urls.is_some() && !matches!(g, Grouping::Host(_)) {
            anyhow::bail!("--urls gives the URLs that --group-by host groups by: add it");
        }
        Ok(g)
    }

    /// The group a document is learned in (`text`: its content).
    pub fn learn_group(&self, item: &Item, text: &str) -> String {
        match self {
            Grouping::All => deboil::learn::ALL.to_owned(),
            _ => self
                .clean_group(item, text)
                .unwrap_or_else(|| deboil::learn::ALL.to_owned()),
        }
    }

    /// Bytes at the start of `text` that learning skips: with `--group-by
    /// host`, a `URL: ...` first line is the page's address, not its
    /// content, and would break the first line's context (a menu that
    /// opens every page).
    pub fn header_len(&self, text: &str) -> usize {
        match self {
            Grouping::Host(_) if url_header(text).is_some() => {
                text.find('\n').map_or(text.len(), |i| i + 1)
            }
            _ => 0,
        }
    }

    /// The group a document is cleaned in: the rules learned for that
    /// group apply to it.
    pub fn clean_group(&self, item: &Item, text: &str) -> Option<String> {
        match self {
            Grouping::Host(urls) => {
                let mapped = match item {
                    Item::File(s) => urls.get(&s.path).or_else(|| urls.get(&s.relative)),
                    Item::Stdin => None,
                };
                mapped
                    .map(String::as_str)
                    .or_else(|| url_header(text))
                    .and_then(deboil::learn::url_host)
                    .or_else(|| item.group())
            }
            // Rules learned in one group carry no group and apply anyway;
            // rules from other packs keep applying by directory.
            Grouping::Dir | Grouping::All => item.group(),
        }
    }
}

/// The URL of a first line `URL: https://...` (the key in any case).
pub fn url_header(text: &str) -> Option<&str> {
    let first = text.lines().next()?;
    let key = first.get(..4)?;
    key.eq_ignore_ascii_case("url:")
        .then(|| first[4..].trim())
        .filter(|u| !u.is_empty())
}

/// Reads a `--urls` map: one `PATH<TAB>URL` per line (blank lines and `#`
/// comments skipped). A path is matched as the file is found (`pages/a.txt`)
/// or relative to the directory given (`a.txt`).
fn read_urls(path: &Path) -> anyhow::Result<HashMap<PathBuf, String>> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| anyhow::anyhow!("--urls {}: {e}", path.display()))?;
    let mut map = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((file, url)) = line.split_once('\t') else {
            anyhow::bail!(
                "{}:{}: expected PATH<TAB>URL, found no tab",
                path.display(),
                i + 1
            );
        };
        if deboil::learn::url_host(url.trim()).is_none() {
            anyhow::bail!(
                "{}:{}: {:?} is not an absolute URL (scheme://host/...)",
                path.display(),
                i + 1,
                url.trim()
            );
        }
        map.insert(PathBuf::from(file), url.trim().to_owned());
    }
    Ok(map)
}

impl Item {
    /// True when the item was named on the command line (standard input,
    /// or a file among `paths`) rather than found inside a directory: such
    /// an item that cannot be cleaned (a binary file) is an error, not a
    /// file to skip.
    pub fn named_in(&self, paths: &[PathBuf]) -> bool {
        match self {
            Item::Stdin => true,
            Item::File(s) => paths.contains(&s.path),
        }
    }
}

/// Refuses an output directory that exists as something else, in a
/// sentence, before anything is written (the system's own error would be
/// `File exists (os error 17)`).
pub fn check_out_dir(out: &Path) -> anyhow::Result<()> {
    if out.exists() && !out.is_dir() {
        anyhow::bail!(
            "--out {}: is a file, not a directory: give a directory for the cleaned \
             files (it is created if missing), or drop --out to clean one file to \
             standard output",
            out.display()
        );
    }
    Ok(())
}

/// Reads one item.
pub fn read(item: &Item, opts: ReadOptions) -> Result<Input, ReadError> {
    match item {
        Item::Stdin => {
            let mut bytes = Vec::new();
            std::io::stdin()
                .lock()
                .take(opts.max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(ReadError::Io)?;
            if bytes.len() as u64 > opts.max_bytes {
                return Err(ReadError::TooLarge {
                    size: bytes.len() as u64,
                    limit: opts.max_bytes,
                });
            }
            deboil::batch::read::decode_as(bytes, opts.encoding)
        }
        Item::File(s) => read_input(&s.path, opts),
    }
}

/// Runs `work` on every item in parallel and passes each result to `sink`
/// in input order. Items go in chunks so memory stays bounded however many
/// files there are, while output order stays deterministic. Workers wait for
/// the slowest file at the end of each chunk, so chunks are large (results
/// are small: outputs are written by `work`).
pub fn for_each_ordered<T: Send>(
    items: &[Item],
    work: impl Fn(&Item) -> T + Sync,
    mut sink: impl FnMut(&Item, T) -> anyhow::Result<()>,
) -> anyhow::Result<()> {
    let chunk = (rayon::current_num_threads() * 256).max(256);
    for batch in items.chunks(chunk) {
        let results: Vec<T> = batch.par_iter().map(&work).collect();
        for (item, r) in batch.iter().zip(results) {
            sink(item, r)?;
        }
    }
    Ok(())
}

/// True when `inner` is `outer` or lies inside it (both resolved).
pub fn is_within(inner: &Path, outer: &Path) -> bool {
    match (inner.canonicalize(), outer.canonicalize()) {
        (Ok(i), Ok(o)) => i.starts_with(o),
        _ => false,
    }
}
