//! The content model's weights, their file format, and scoring.
//!
//! A model file (`data/model/*.bin`, little-endian) is:
//!
//! ```text
//! magic   b"DEBOILCM"
//! u32     format version (1)
//! u32     bits: the first pass has 2^bits weights, indexed by hash
//! u32     structural features; per feature: u32 edge count, f32 edges
//! u32     first-pass weights that are not zero; then their indices (u32,
//!         ascending), then their values (f32)
//! u32     second-pass weights; then their values (f32)
//! [u8;32] BLAKE3 hash of everything before it
//! ```
//!
//! The checksum catches a damaged or hand-edited file before it scores
//! anything; the version lets the format change without misreading old
//! files. Weights are expanded into a dense table once per process.

use super::context::{self, PageStats};
use super::lexical::{Lexed, Source};
use crate::heuristics::features::{self, Table};

const MAGIC: &[u8; 8] = b"DEBOILCM";
const VERSION: u32 = 1;
/// Largest first-pass table accepted (2^24 weights, 64 MiB).
const MAX_BITS: u32 = 24;

/// A loaded content model.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The first pass has `2^bits` weights.
    pub bits: u32,
    /// First-pass weights, indexed by the top `bits` bits of a feature hash.
    pub stage1: Vec<f32>,
    /// Bin edges of each structural feature (empty: the feature is unused).
    pub edges: Vec<Vec<f32>>,
    /// Second-pass weights, one per [`context::DIM`] feature.
    pub stage2: Vec<f32>,
}

/// Index of a feature hash in a table of `2^bits` weights.
#[inline]
pub fn index(hash: u64, bits: u32) -> usize {
    (hash >> (64 - bits)) as usize
}

/// Reads little-endian values off a byte slice.
struct Reader<'a> {
    bytes: &'a [u8],
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], String> {
        if self.bytes.len() < n {
            return Err("the file is truncated".into());
        }
        let (a, b) = self.bytes.split_at(n);
        self.bytes = b;
        Ok(a)
    }

    fn u32(&mut self) -> Result<u32, String> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }

    fn f32(&mut self) -> Result<f32, String> {
        let v = f32::from_bits(self.u32()?);
        if v.is_finite() {
            Ok(v)
        } else {
            Err("a weight is not a finite number".into())
        }
    }

    /// A count of items of `size` bytes each, checked against what is left.
    fn count(&mut self, size: usize) -> Result<usize, String> {
        let n = self.u32()? as usize;
        if n.saturating_mul(size) > self.bytes.len() {
            return Err("the file is truncated".into());
        }
        Ok(n)
    }
}

impl Model {
    /// Parses a model file, checking its magic, version and checksum.
    pub fn parse(bytes: &[u8]) -> Result<Model, String> {
        if bytes.len() < MAGIC.len() + 32 || &bytes[..MAGIC.len()] != MAGIC {
            return Err("not a deboil content model (bad magic)".into());
        }
        let (body, sum) = bytes.split_at(bytes.len() - 32);
        if blake3::hash(body).as_bytes() != sum {
            return Err("checksum mismatch: the model file is damaged".into());
        }
        let mut r = Reader {
            bytes: &body[MAGIC.len()..],
        };
        let version = r.u32()?;
        if version != VERSION {
            return Err(format!(
                "model format version {version}; this deboil reads version {VERSION}"
            ));
        }
        let bits = r.u32()?;
        if !(8..=MAX_BITS).contains(&bits) {
            return Err(format!("bad table size 2^{bits}"));
        }
        let n_struct = r.count(4)?;
        if n_struct != features::COUNT {
            return Err(format!(
                "{n_struct} structural features; this deboil computes {}",
                features::COUNT
            ));
        }
        let mut edges = Vec::with_capacity(n_struct);
        for _ in 0..n_struct {
            let n = r.count(4)?;
            let e = (0..n).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?;
            if !e.is_sorted() {
                return Err("bin edges must be sorted".into());
            }
            edges.push(e);
        }
        let nnz = r.count(8)?;
        let idx = (0..nnz).map(|_| r.u32()).collect::<Result<Vec<_>, _>>()?;
        let mut stage1 = vec![0f32; 1 << bits];
        let mut last = None;
        for &i in &idx {
            if last.is_some_and(|l| l >= i) || i as usize >= stage1.len() {
                return Err("first-pass indices must ascend within the table".into());
            }
            last = Some(i);
        }
        for &i in &idx {
            stage1[i as usize] = r.f32()?;
        }
        let n2 = r.count(4)?;
        if n2 != context::DIM {
            return Err(format!(
                "{n2} second-pass weights; this deboil computes {}",
                context::DIM
            ));
        }
        let stage2 = (0..n2).map(|_| r.f32()).collect::<Result<Vec<_>, _>>()?;
        if !r.bytes.is_empty() {
            return Err("trailing bytes after the weights".into());
        }
        Ok(Model {
            bits,
            stage1,
            edges,
            stage2,
        })
    }

    /// The file form of the model ([`Model::parse`] reads it back).
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = MAGIC.to_vec();
        let u32 = |out: &mut Vec<u8>, v: usize| {
            out.extend_from_slice(&(v as u32).to_le_bytes());
        };
        u32(&mut out, VERSION as usize);
        u32(&mut out, self.bits as usize);
        u32(&mut out, self.edges.len());
        for e in &self.edges {
            u32(&mut out, e.len());
            for v in e {
                out.extend_from_slice(&v.to_le_bytes());
            }
        }
        let nz: Vec<usize> = (0..self.stage1.len())
            .filter(|&i| self.stage1[i] != 0.0)
            .collect();
        u32(&mut out, nz.len());
        for &i in &nz {
            u32(&mut out, i);
        }
        for &i in &nz {
            out.extend_from_slice(&self.stage1[i].to_le_bytes());
        }
        u32(&mut out, self.stage2.len());
        for v in &self.stage2 {
            out.extend_from_slice(&v.to_le_bytes());
        }
        let sum = blake3::hash(&out);
        out.extend_from_slice(sum.as_bytes());
        out
    }

    /// Non-zero first-pass weights.
    pub fn nonzero(&self) -> usize {
        self.stage1.iter().filter(|w| **w != 0.0).count()
    }

    /// First-pass logit of row `k`.
    #[inline]
    pub fn first_pass(&self, lx: &Lexed, table: &Table, k: usize) -> f32 {
        let mut z = 0f32;
        lx.row(k, &table.row(k), &self.edges, |h, v, _| {
            z += v * self.stage1[index(h, self.bits)];
        });
        z
    }

    /// Second-pass logit of row `k`.
    #[inline]
    pub fn second_pass(&self, lx: &Lexed, z: &[f32], stats: &PageStats, k: usize) -> f32 {
        let mut s = 0f32;
        context::row(lx, z, stats, k, |i, v| s += v * self.stage2[i]);
        s
    }

    /// The first-pass features of row `k` that weigh most against it being
    /// content, most negative first: `(source, contribution)`.
    pub fn evidence_against(
        &self,
        lx: &Lexed,
        table: &Table,
        k: usize,
        n: usize,
    ) -> Vec<(Source, f32)> {
        let mut all: Vec<(Source, f32)> = Vec::new();
        lx.row(k, &table.row(k), &self.edges, |h, v, s| {
            let c = v * self.stage1[index(h, self.bits)];
            if s.ns == super::lexical::Ns::Bias || c >= 0.0 {
                return;
            }
            // The same word in a line counts once, with its summed weight.
            match all.iter_mut().find(|(t, _)| *t == s) {
                Some(e) => e.1 += c,
                None => all.push((s, c)),
            }
        });
        all.sort_by(|a, b| a.1.total_cmp(&b.1));
        all.truncate(n);
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> Model {
        let mut stage1 = vec![0f32; 1 << 8];
        stage1[3] = 0.5;
        stage1[200] = -1.25;
        let mut edges = vec![Vec::new(); features::COUNT];
        edges[0] = vec![1.0, 2.0];
        Model {
            bits: 8,
            stage1,
            edges,
            stage2: (0..context::DIM).map(|i| i as f32 / 100.0).collect(),
        }
    }

    #[test]
    fn a_model_reads_back_what_was_written() {
        let m = tiny();
        let bytes = m.to_bytes();
        assert_eq!(Model::parse(&bytes).unwrap(), m);
    }

    #[test]
    fn damage_is_caught() {
        let bytes = tiny().to_bytes();
        let mut flipped = bytes.clone();
        flipped[20] ^= 1;
        assert!(Model::parse(&flipped).unwrap_err().contains("checksum"));
        assert!(Model::parse(&bytes[..bytes.len() - 1]).is_err());
        assert!(Model::parse(b"not a model at all, not at all, no....").is_err());
        // A well-formed file of another version.
        let mut body = bytes[..bytes.len() - 32].to_vec();
        body[8] = 9;
        let sum = blake3::hash(&body);
        body.extend_from_slice(sum.as_bytes());
        assert!(Model::parse(&body).unwrap_err().contains("version 9"));
    }
}
