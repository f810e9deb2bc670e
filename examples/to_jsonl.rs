//! Turns a directory of text files into JSON Lines, one object per file,
//! `{"id": "<file name>", "text": "<contents>"}`, in file-name order, for
//! `bench/corpus.sh` (which needs no other tool to build its inputs).
//!
//! ```sh
//! cargo run --release --example to_jsonl -- DIR > corpus.jsonl
//! ```

use std::io::Write;
use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args().nth(1).ok_or("usage: to_jsonl DIR")?;
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    paths.sort();
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for p in paths {
        let text = std::fs::read_to_string(&p)?;
        let id = p.file_name().map(|n| n.to_string_lossy().into_owned());
        let line = serde_json::json!({ "id": id, "text": text });
        serde_json::to_writer(&mut out, &line)?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    Ok(())
}
