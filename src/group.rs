//! What a group is. Lines are learned per group (a site), and a rule
//! learned for a group applies only to documents of that group, so
//! learning and cleaning must put each document in the same group: both
//! ask [`Grouping`] (files) or the JSON Lines group field
//! ([`deboil::jsonl::document`]).

use crate::batch::Source;
use deboil::learn::{ALL, url_host};
use deboil::{Error, Result};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// How files are grouped, for learning and for the rules learned per
/// group: `--group-by dir|host|all`.
#[derive(Clone, Debug, Default)]
pub enum Grouping {
    /// By the directory holding the file (the default).
    #[default]
    Dir,
    /// By the host of each file's URL: from the `--urls` map (paths as
    /// found, or relative to the directory given), else from a first line
    /// `URL: ...`; a file with neither goes by its directory.
    Host(HashMap<PathBuf, String>),
    /// One group: learned rules apply to every document.
    All,
}

impl Grouping {
    /// The grouping `group_by` names (`dir`, `host` or `all`; `None` is
    /// `dir`), with `urls`, the text of a `--urls` map read from
    /// `urls_path` (only with `host`).
    pub fn of_files(group_by: Option<&str>, urls: Option<(&Path, &str)>) -> Result<Grouping> {
        let g = match group_by {
            None | Some("dir") => Grouping::Dir,
            Some("all") => Grouping::All,
            Some("host") => Grouping::Host(match urls {
                Some((path, text)) => parse_urls(path, text)?,
                None => HashMap::new(),
            }),
            Some(other) => {
                return Err(Error::setting(format!(
                    "--group-by {other:?}: files are grouped by `dir`, `host` or `all` \
                     (a field name groups JSON Lines, with --jsonl)"
                )));
            }
        };
        if urls.is_some() && !matches!(g, Grouping::Host(_)) {
            return Err(Error::setting(
                "--urls gives the URLs that --group-by host groups by: add it",
            ));
        }
        Ok(g)
    }

    /// The group a document is learned in: `file` is `None` for standard
    /// input, `text` is its content.
    pub fn learn_group(&self, file: Option<&Source>, text: &str) -> String {
        match self {
            Grouping::All => ALL.to_owned(),
            _ => self
                .clean_group(file, text)
                .unwrap_or_else(|| ALL.to_owned()),
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

    /// The group a document is cleaned in (`file`: `None` for standard
    /// input): the rules learned for that group apply to it.
    pub fn clean_group(&self, file: Option<&Source>, text: &str) -> Option<String> {
        match self {
            Grouping::Host(urls) => {
                let mapped = file.and_then(|s| urls.get(&s.path).or_else(|| urls.get(&s.relative)));
                mapped
                    .map(String::as_str)
                    .or_else(|| url_header(text))
                    .and_then(url_host)
                    .or_else(|| file.map(file_group))
            }
            // Rules learned in one group carry no group and apply anyway;
            // rules from other packs keep applying by directory.
            Grouping::Dir | Grouping::All => file.map(file_group),
        }
    }
}

/// The group of a file by directory: the directory holding it, relative to
/// the path it was found under (that path's own name for files directly
/// inside it).
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
                .unwrap_or_else(|| ALL.to_owned())
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

/// Parses a `--urls` map (`text`, read from `path`): one `PATH<TAB>URL` per
/// line (blank lines and `#` comments skipped). A path is matched as the
/// file is found (`pages/a.txt`) or relative to the directory given
/// (`a.txt`).
fn parse_urls(path: &Path, text: &str) -> Result<HashMap<PathBuf, String>> {
    let mut map = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let Some((file, url)) = line.split_once('\t') else {
            return Err(Error::at_line(
                path,
                i + 1,
                "expected PATH<TAB>URL, found no tab",
            ));
        };
        if url_host(url.trim()).is_none() {
            return Err(Error::at_line(
                path,
                i + 1,
                format!(
                    "{:?} is not an absolute URL (scheme://host/...)",
                    url.trim()
                ),
            ));
        }
        map.insert(PathBuf::from(file), url.trim().to_owned());
    }
    Ok(map)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(path: &str, relative: &str) -> Source {
        Source {
            path: PathBuf::from(path),
            relative: PathBuf::from(relative),
        }
    }

    #[test]
    fn hosts_come_from_the_map_then_the_header_then_the_directory() {
        let map = "pages/a.txt\thttps://A.example/x\n# a comment\n\nb.txt\thttp://b.example\n";
        let g = Grouping::of_files(Some("host"), Some((Path::new("urls.tsv"), map))).unwrap();
        let (a, b) = (
            source("pages/a.txt", "a.txt"),
            source("pages/b.txt", "b.txt"),
        );
        assert_eq!(g.clean_group(Some(&a), "").as_deref(), Some("a.example"));
        assert_eq!(g.clean_group(Some(&b), "").as_deref(), Some("b.example"));
        let c = source("pages/sub/c.txt", "sub/c.txt");
        let page = "URL: https://c.example/1\nText\n";
        assert_eq!(g.clean_group(Some(&c), page).as_deref(), Some("c.example"));
        assert_eq!(g.header_len(page), "URL: https://c.example/1\n".len());
        assert_eq!(g.clean_group(Some(&c), "Text\n").as_deref(), Some("sub"));
        assert_eq!(g.clean_group(None, "Text\n"), None);
        assert_eq!(g.learn_group(None, "Text\n"), ALL);
    }

    #[test]
    fn bad_groupings_and_maps_say_what_is_wrong() {
        let e = |g: Option<&str>, urls: Option<&str>| {
            Grouping::of_files(g, urls.map(|t| (Path::new("urls.tsv"), t)))
                .unwrap_err()
                .to_string()
        };
        assert!(e(Some("url"), None).contains("`dir`, `host` or `all`"));
        assert!(e(Some("dir"), Some("")).contains("add it"));
        assert_eq!(
            e(Some("host"), Some("a.txt https://x.example/\n")),
            "urls.tsv:1: expected PATH<TAB>URL, found no tab"
        );
        assert!(e(Some("host"), Some("\na.txt\tx.example\n")).starts_with("urls.tsv:2: "));
    }
}
