//! Inputs of a command: standard input or files found under the paths given,
//! read and processed in parallel, with results handed back in input order.

use super::args::GroupArg;
use deboil_cli::batch::{
    Input, ReadError, ReadOptions, Source, WalkOptions, collect_sources, read_input,
};
use deboil_cli::group::Grouping;
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

impl Item {
    /// The file, or `None` for standard input.
    pub fn source(&self) -> Option<&Source> {
        match self {
            Item::Stdin => None,
            Item::File(s) => Some(s),
        }
    }
}

/// How files are grouped, for learning and for the rules learned per
/// group: `--group-by dir|host|all` (or the older `--group dir|all`), with
/// the `--urls` map read here.
pub fn grouping(
    group_by: Option<&str>,
    group: GroupArg,
    urls: Option<&Path>,
) -> anyhow::Result<Grouping> {
    let group_by = group_by.or(match group {
        GroupArg::Dir => None,
        GroupArg::All => Some("all"),
    });
    // Read only where it is used: otherwise the grouping refuses it.
    let text = match urls {
        Some(p) if group_by == Some("host") => std::fs::read_to_string(p)
            .map_err(|e| anyhow::anyhow!("--urls {}: {e}", p.display()))?,
        _ => String::new(),
    };
    Ok(Grouping::of_files(
        group_by,
        urls.map(|p| (p, text.as_str())),
    )?)
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
            deboil_cli::batch::read::decode_as(bytes, opts.encoding)
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
