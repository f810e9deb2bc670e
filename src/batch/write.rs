//! Atomic writes: a temporary file in the destination's directory, renamed
//! over the destination once complete, so a reader (or a re-run after a
//! crash) sees either no file or the whole file, never a partial one.

use std::io::Write;
use std::path::Path;
use tempfile::NamedTempFile;

/// Writes `parts` to `path` atomically, creating parent directories.
pub fn write_atomic(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let mut tmp = temp_beside(path)?;
    for p in parts {
        tmp.write_all(p)?;
    }
    tmp.flush()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// A hidden temporary file in `path`'s directory (created if missing), to
/// be renamed over `path` once complete. It gets the permissions of a
/// normally created file (0666 less the umask), not a temporary file's 0600.
pub fn temp_beside(path: &Path) -> std::io::Result<NamedTempFile> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut b = tempfile::Builder::new();
    b.prefix(".deboil-").suffix(".tmp");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        b.permissions(std::fs::Permissions::from_mode(0o666));
    }
    b.tempfile_in(dir)
}

/// Whether `name` is one of [`temp_beside`]'s temporary files.
pub fn is_temporary(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|n| n.starts_with(".deboil-") && n.ends_with(".tmp"))
}

/// Removes the temporary files a killed run left under `dir` (recursively,
/// never following symbolic links); returns how many. Only for a directory
/// this process owns for the run (an output tree): a run writing into the
/// same tree at the same time would lose its temporaries.
pub fn remove_stale_temporaries(dir: &Path) -> std::io::Result<usize> {
    let mut removed = 0;
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(e),
        };
        for entry in entries {
            let entry = entry?;
            let kind = entry.file_type()?;
            if kind.is_dir() {
                stack.push(entry.path());
            } else if kind.is_file() && is_temporary(&entry.file_name()) {
                match std::fs::remove_file(entry.path()) {
                    Ok(()) => removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => return Err(e),
                }
            }
        }
    }
    Ok(removed)
}

/// True when `a` and `b` name the same existing file (through links and
/// `..`): an output that would overwrite its own input.
pub fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_whole_file_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("a/b/out.txt");
        write_atomic(&dest, &[b"one ", b"two"]).unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "one two");
        write_atomic(&dest, &[b"three"]).unwrap();
        assert_eq!(std::fs::read_to_string(&dest).unwrap(), "three");
        let names: Vec<_> = std::fs::read_dir(dest.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, ["out.txt"]);
    }

    #[test]
    fn stale_temporaries_are_removed_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("a/b")).unwrap();
        for f in [
            "a/b/.deboil-x1.tmp",
            ".deboil-y.tmp",
            "a/out.txt",
            "a/.deboil-manifest.json",
        ] {
            std::fs::write(dir.path().join(f), "x").unwrap();
        }
        assert_eq!(remove_stale_temporaries(dir.path()).unwrap(), 2);
        assert!(dir.path().join("a/out.txt").exists());
        assert!(dir.path().join("a/.deboil-manifest.json").exists());
        assert!(!dir.path().join(".deboil-y.tmp").exists());
        assert_eq!(
            remove_stale_temporaries(&dir.path().join("missing")).unwrap(),
            0
        );
    }

    #[cfg(unix)]
    #[test]
    fn outputs_are_not_private_like_temporary_files() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("out.txt");
        write_atomic(&dest, &[b"x"]).unwrap();
        let mode = std::fs::metadata(&dest).unwrap().permissions().mode();
        // Whatever the umask, the owner can read and write; 0600 is what a
        // temporary file gets, so some other bit shows the difference
        // unless the umask is 077.
        assert_eq!(mode & 0o600, 0o600);
        let umask_hides_all = mode & 0o077 == 0;
        assert!(umask_hides_all || mode & 0o044 != 0);
    }
}
