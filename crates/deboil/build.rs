//! Embeds every `rules/*.toml` file of the workspace (its top-level
//! `rules/` directory) in the library, so the binary works from any
//! directory and a new rule file needs no code change.

use std::env;
use std::fs;
use std::path::PathBuf;

fn main() {
    println!("cargo::rerun-if-changed=../../rules");
    let manifest =
        PathBuf::from(env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let dir = manifest.join("../../rules");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .expect("rules/ directory is readable")
        .map(|e| e.expect("rules/ entry is readable").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    let mut out = String::from("/// Built-in rule files: (name, contents), sorted by name.\n");
    out.push_str("pub(crate) static BUILTIN: &[(&str, &str)] = &[\n");
    for f in &files {
        let name = f.file_name().expect("file has a name").to_string_lossy();
        out.push_str(&format!(
            "    (\"rules/{name}\", include_str!({:?})),\n",
            f.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("builtin_rules.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}
