//! Atomic writes: a temporary file in the destination's directory, renamed
//! over the destination once complete, so a reader (or a re-run after a
//! crash) sees either no file or the whole file, never a partial one.

use std::io::Write;
use std::path::Path;

/// Writes `parts` to `path` atomically, creating parent directories.
pub fn write_atomic(path: &Path, parts: &[&[u8]]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".deboil-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    for p in parts {
        tmp.write_all(p)?;
    }
    tmp.flush()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
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
}
