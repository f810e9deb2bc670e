//! Inputs of a command: standard input or files found under the paths given,
//! read and processed in parallel, with results handed back in input order.

use deboil::batch::{
    Input, ReadError, ReadOptions, Source, WalkOptions, collect_sources, read_input,
};
use rayon::prelude::*;
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
    /// rules: its directory, as `deboil learn` groups files.
    pub fn group(&self) -> Option<String> {
        match self {
            Item::Stdin => None,
            Item::File(s) => Some(file_group(s)),
        }
    }
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
