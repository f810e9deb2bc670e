//! Finding the files to clean.
//!
//! Paths named on the command line are always used; directories are walked
//! recursively (hidden files and directories skipped, `.gitignore` not
//! consulted: a scraped directory is data, not a repository), filtered by
//! `--glob`, and sorted so that every run sees the same order.

use ignore::WalkBuilder;
use ignore::overrides::OverrideBuilder;
use std::path::{Path, PathBuf};

/// One input file and where its output goes relative to an output root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Source {
    /// The file to read.
    pub path: PathBuf,
    /// Its path relative to the directory it was found in (its file name
    /// when named directly), used to mirror the tree under `--out`.
    pub relative: PathBuf,
}

/// How to walk directories.
#[derive(Clone, Debug, Default)]
pub struct WalkOptions {
    /// Glob patterns (gitignore syntax, `!` to exclude) files must match.
    pub globs: Vec<String>,
    /// A directory never to descend into (the output directory, when it
    /// lies inside an input directory).
    pub exclude: Option<PathBuf>,
}

/// Expands `paths` into sorted input files. Errors (unreadable directories,
/// bad globs, symlink loops) are returned beside the files found, so one bad
/// entry does not stop the run.
pub fn collect_sources(paths: &[PathBuf], opts: &WalkOptions) -> (Vec<Source>, Vec<String>) {
    let mut sources = Vec::new();
    let mut errors = Vec::new();
    let exclude = opts.exclude.as_ref().and_then(|p| p.canonicalize().ok());
    for root in paths {
        if !root.is_dir() {
            let relative = root.file_name().map_or_else(|| root.clone(), PathBuf::from);
            sources.push(Source {
                path: root.clone(),
                relative,
            });
            continue;
        }
        let mut builder = WalkBuilder::new(root);
        builder
            .standard_filters(false)
            .hidden(true)
            .follow_links(false)
            .sort_by_file_path(|a, b| a.cmp(b));
        if !opts.globs.is_empty() {
            let mut ob = OverrideBuilder::new(root);
            for g in &opts.globs {
                if let Err(e) = ob.add(g) {
                    errors.push(format!("--glob {g:?}: {e}"));
                }
            }
            match ob.build() {
                Ok(o) => {
                    builder.overrides(o);
                }
                Err(e) => errors.push(format!("--glob: {e}")),
            }
        }
        if let Some(ex) = exclude.clone() {
            builder.filter_entry(move |e| e.path().canonicalize().map_or(true, |p| p != ex));
        }
        for entry in builder.build() {
            match entry {
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    let path = e.into_path();
                    let relative = path
                        .strip_prefix(root)
                        .map_or_else(|_| path.clone(), Path::to_path_buf);
                    sources.push(Source { path, relative });
                }
                Ok(_) => {}
                Err(e) => errors.push(e.to_string()),
            }
        }
    }
    (sources, errors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    #[test]
    fn walks_sorted_skips_hidden_and_excludes_output() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        fs::create_dir_all(root.join("b/sub")).unwrap();
        fs::create_dir_all(root.join("out")).unwrap();
        fs::create_dir_all(root.join(".git")).unwrap();
        for f in [
            "b/sub/z.txt",
            "a.txt",
            "b/y.txt",
            "out/x.txt",
            ".hidden.txt",
            ".git/config",
        ] {
            fs::write(root.join(f), "x").unwrap();
        }
        let opts = WalkOptions {
            globs: vec![],
            exclude: Some(root.join("out")),
        };
        let (sources, errors) = collect_sources(&[root.to_path_buf()], &opts);
        assert!(errors.is_empty(), "{errors:?}");
        let rel: Vec<_> = sources
            .iter()
            .map(|s| s.relative.to_string_lossy().into_owned())
            .collect();
        assert_eq!(rel, ["a.txt", "b/sub/z.txt", "b/y.txt"]);
    }

    #[test]
    fn globs_filter_files() {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("a.txt"), "x").unwrap();
        fs::write(dir.path().join("b.md"), "x").unwrap();
        let opts = WalkOptions {
            globs: vec!["*.txt".into()],
            exclude: None,
        };
        let (sources, _) = collect_sources(&[dir.path().to_path_buf()], &opts);
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].relative, PathBuf::from("a.txt"));
    }
}
