//! Resuming a batch: which outputs under `--out` are already up to date.
//!
//! The output directory holds a small manifest, `.deboil-manifest.json`,
//! naming the *fingerprint* of the cleaning configuration (deboil's version
//! and every selected rule's definition, in order). An output file is up to
//! date when
//!
//! - the manifest exists with the current fingerprint,
//! - the output is newer than the manifest (so it was written under this
//!   configuration, not left by a run with other rules), and
//! - the output is at least as new as its input.
//!
//! No per-file state is kept, so memory does not grow with the number of
//! files and a killed run leaves nothing inconsistent behind: outputs are
//! written atomically, and a file whose output is missing or older is simply
//! cleaned again. The manifest is rewritten (and every output becomes stale)
//! only when the fingerprint changes or a run is forced. Times are compared
//! on the output file system's own clock: the manifest's modification time,
//! not the system time, marks the start of a configuration.

use deboil::Engine;
use serde::{Deserialize, Serialize};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// File name of the manifest inside the output directory.
pub const MANIFEST_NAME: &str = ".deboil-manifest.json";

/// A stable digest of everything that decides what cleaning outputs: the
/// deboil version, the safety guard and each selected rule (id and
/// definition), in order.
///
/// The definitions are hashed through their `Debug` form, which lists every
/// field of a rule's pattern or heuristic parameters; the version is part of
/// the digest because that form is only stable within one version.
pub fn fingerprint(engine: &Engine) -> String {
    let mut h = Fnv::default();
    h.write(env!("CARGO_PKG_VERSION").as_bytes());
    h.write(format!("{:?}", engine.guard()).as_bytes());
    for (_, rule) in engine.rules().iter() {
        h.write(b"\0");
        h.write(rule.id.as_bytes());
        h.write(b"\0");
        h.write(format!("{:?}", rule.kind).as_bytes());
    }
    format!("{:016x}", h.0)
}

/// 64-bit FNV-1a: tiny, and its output is the same on every platform and
/// toolchain (unlike std's hashers), which a file kept across runs needs.
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv {
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Contents {
    /// Always `deboil-manifest`, so the file explains itself.
    format: String,
    version: String,
    fingerprint: String,
}

const FORMAT: &str = "deboil-manifest";

/// The state of an output directory for one configuration.
#[derive(Clone, Debug)]
pub struct Manifest {
    /// Outputs written before this instant are stale; `None` when every
    /// output must be written again (no manifest, other rules, forced).
    since: Option<SystemTime>,
    path: PathBuf,
    fingerprint: String,
}

impl Manifest {
    /// Reads the manifest of `out_dir` for a configuration with
    /// `fingerprint`. A missing, unreadable or different manifest means
    /// nothing is up to date.
    pub fn open(out_dir: &Path, fingerprint: &str) -> Manifest {
        let path = out_dir.join(MANIFEST_NAME);
        let since = fs::read(&path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Contents>(&b).ok())
            .filter(|c| c.format == FORMAT && c.fingerprint == fingerprint)
            .and_then(|_| fs::metadata(&path).and_then(|m| m.modified()).ok());
        Manifest {
            since,
            path,
            fingerprint: fingerprint.to_owned(),
        }
    }

    /// True when the manifest matched: some outputs may be skipped.
    pub fn is_current(&self) -> bool {
        self.since.is_some()
    }

    /// Makes the manifest current before any output is written: when it
    /// did not match (or `force`), writes it anew, which makes every
    /// existing output stale.
    pub fn begin(&mut self, force: bool) -> io::Result<()> {
        if self.since.is_some() && !force {
            return Ok(());
        }
        let contents = Contents {
            format: FORMAT.to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            fingerprint: self.fingerprint.clone(),
        };
        let mut json = serde_json::to_vec_pretty(&contents).map_err(io::Error::other)?;
        json.push(b'\n');
        super::write_atomic(&self.path, &[&json])?;
        // Nothing was up to date; from now on, outputs newer than the
        // manifest were written under this configuration.
        self.since = None;
        Ok(())
    }

    /// True when the output `dest` of input `src` is up to date.
    pub fn is_fresh(&self, src: &Path, dest: &Path) -> bool {
        let Some(since) = self.since else {
            return false;
        };
        let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
        match (modified(dest), modified(src)) {
            (Some(out), Some(input)) => out > since && out >= input,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use deboil::{RuleSet, Selection};
    use std::time::Duration;

    #[test]
    fn fingerprint_follows_the_selected_rules_and_the_guard() {
        let set = RuleSet::builtin().unwrap();
        let balanced = set.select(&Selection::default()).unwrap();
        let safe = set
            .select(&Selection {
                profile: deboil::Profile::Safe,
                ..Selection::default()
            })
            .unwrap();
        let balanced = Engine::new(balanced).unwrap();
        let safe = Engine::new(safe).unwrap();
        assert_eq!(fingerprint(&balanced), fingerprint(&balanced.clone()));
        assert_ne!(fingerprint(&balanced), fingerprint(&safe));
        let unguarded = balanced.clone().without_guard();
        assert_ne!(fingerprint(&balanced), fingerprint(&unguarded));
    }

    fn touch(path: &Path, t: SystemTime) {
        fs::File::options()
            .write(true)
            .open(path)
            .unwrap()
            .set_modified(t)
            .unwrap();
    }

    #[test]
    fn outputs_are_fresh_only_under_the_same_fingerprint_and_newer_than_input() {
        let dir = tempfile::tempdir().unwrap();
        let (src, dest) = (dir.path().join("in.txt"), dir.path().join("out.txt"));
        fs::write(&src, "x").unwrap();
        fs::write(&dest, "x").unwrap();

        let mut m = Manifest::open(dir.path(), "aaaa");
        assert!(!m.is_current() && !m.is_fresh(&src, &dest));
        m.begin(false).unwrap();
        let t0 = fs::metadata(dir.path().join(MANIFEST_NAME))
            .unwrap()
            .modified()
            .unwrap();

        // Written before the manifest: left by another configuration.
        touch(&dest, t0 - Duration::from_secs(5));
        touch(&src, t0 - Duration::from_secs(10));
        let m = Manifest::open(dir.path(), "aaaa");
        assert!(m.is_current());
        assert!(!m.is_fresh(&src, &dest));

        touch(&dest, t0 + Duration::from_secs(5));
        assert!(m.is_fresh(&src, &dest));
        // The input changed after its output was written.
        touch(&src, t0 + Duration::from_secs(6));
        assert!(!m.is_fresh(&src, &dest));
        touch(&src, t0 - Duration::from_secs(10));

        // Other rules: nothing is fresh, and beginning rewrites the manifest.
        let mut other = Manifest::open(dir.path(), "bbbb");
        assert!(!other.is_fresh(&src, &dest));
        other.begin(false).unwrap();
        assert!(!Manifest::open(dir.path(), "aaaa").is_current());
        assert!(Manifest::open(dir.path(), "bbbb").is_current());
    }
}
