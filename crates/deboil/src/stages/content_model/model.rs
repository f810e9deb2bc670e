//! The content model's weights, their file format, and scoring.
//!
//! A model file (`data/model/*.bin`, little-endian) is:
//!
//! ```text
//! magic   b"DEBOILCM"
//! u32     format version (2: features hashed by `lexical::feature_hash`;
//!         version 1 files, content-v2's hashing, are refused)
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
//! files. Scoring reads the file straight into a packed table
//! ([`Compiled::parse`]); the fitter works on the dense one ([`Model`]).

use super::context::{self, PageStats};
use super::lexical::{self, Lexed, Ns, Source};
use crate::stages::features::{self, Table};

const MAGIC: &[u8; 8] = b"DEBOILCM";
const VERSION: u32 = 2;
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

/// First-pass weights packed for scoring: a bit per table slot saying
/// whether its weight is not zero, the rank of each 64-slot block, and the
/// non-zero weights in slot order. Most of a large hashed table is zero;
/// packed, a 2^20-slot table takes 2.5 MB instead of 4. That was not
/// enough: its lookups still missed L2, and the shipped model now has 2^16
/// slots, scored dense ([`Weights`]). Packing stays for larger tables.
#[derive(Clone, Debug, PartialEq)]
pub struct Packed {
    blocks: Vec<Block>,
    /// The non-zero weights, then one `0.0` that every empty slot reads.
    values: Vec<f32>,
}

/// 64 slots of a [`Packed`] table: which hold a weight, and how many
/// weights the blocks before hold. One cache line holds four blocks.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[repr(C, align(16))]
struct Block {
    bits: u64,
    rank: u32,
}

impl Packed {
    /// Packs a table of `len` slots given by its weights `(slot, weight)`
    /// in ascending slot order (the other slots empty): the same table as
    /// [`Packed::new`] of the dense form, without making the dense form.
    fn from_sparse(len: usize, weights: impl Iterator<Item = (usize, f32)>) -> Packed {
        let mut blocks = vec![Block::default(); len.div_ceil(64)];
        let mut values = Vec::with_capacity(weights.size_hint().0 + 1);
        for (i, w) in weights {
            // -0.0 too: a slot is empty only when adding its weight
            // changes nothing.
            if w.to_bits() != 0 {
                blocks[i >> 6].bits |= 1 << (i & 63);
                values.push(w);
            }
        }
        let mut rank = 0u32;
        for b in &mut blocks {
            b.rank = rank;
            rank += b.bits.count_ones();
        }
        values.push(0.0);
        // A dense table's hint is its length, not its weights.
        values.shrink_to_fit();
        Packed { blocks, values }
    }

    /// Packs a dense table.
    pub fn new(dense: &[f32]) -> Packed {
        Packed::from_sparse(dense.len(), dense.iter().copied().enumerate())
    }

    /// The weight of slot `i` (`0.0` for an empty slot or one past the
    /// table).
    #[inline]
    pub fn get(&self, i: usize) -> f32 {
        let empty = self.values.len() - 1;
        let Some(b) = self.blocks.get(i >> 6) else {
            return 0.0;
        };
        let bit = i & 63;
        let below = b.bits & ((1u64 << bit) - 1);
        let at = b.rank as usize + below.count_ones() as usize;
        // A select rather than a branch: whether a slot is empty is as
        // unpredictable as the hash that chose it.
        let at = if b.bits >> bit & 1 != 0 { at } else { empty };
        self.values.get(at).copied().unwrap_or(0.0)
    }
}

/// Largest first-pass table kept dense (2^16 weights, 256 KB): it stays
/// in a core's L2 cache, and a lookup is one load, where [`Packed`] makes
/// two dependent ones and a popcount.
const DENSE_BITS: u32 = 16;

/// First-pass weights as scoring reads them: dense when the table is small
/// (at most 2^16 weights), else packed. Both read the same weight for every slot,
/// to the bit.
#[derive(Clone, Debug, PartialEq)]
pub enum Weights {
    /// Every slot's weight, `2^bits` of them.
    Dense(Vec<f32>),
    /// The non-zero weights and where they sit.
    Packed(Packed),
}

impl Weights {
    /// The table of `2^bits` slots with the given `(slot, weight)` pairs,
    /// ascending, in its scoring form.
    fn from_sparse(bits: u32, weights: impl Iterator<Item = (usize, f32)>) -> Weights {
        let len = 1usize << bits;
        if bits <= DENSE_BITS {
            let mut dense = vec![0f32; len];
            for (i, w) in weights {
                if let Some(slot) = dense.get_mut(i) {
                    *slot = w;
                }
            }
            Weights::Dense(dense)
        } else {
            Weights::Packed(Packed::from_sparse(len, weights))
        }
    }

    /// The weight of slot `i` (`0.0` for an empty slot or one past the
    /// table).
    #[inline]
    pub fn get(&self, i: usize) -> f32 {
        match self {
            Weights::Dense(d) => d.get(i).copied().unwrap_or(0.0),
            Weights::Packed(p) => p.get(i),
        }
    }
}

/// Buffers for [`Compiled::evidence_against_in`], kept from row to row.
#[derive(Debug)]
pub struct Evidence {
    /// A row's contributions, in feature order.
    all: Vec<(Source, f32)>,
    /// The ranks of the most negative so far, ascending.
    top: Vec<u64>,
    /// What is returned.
    out: Vec<(Source, f32)>,
}

impl Default for Evidence {
    fn default() -> Evidence {
        // Room for a long row's contributions: grown from nothing, the
        // buffer was reallocated a handful of times a row.
        Evidence {
            all: Vec::with_capacity(256),
            top: Vec::new(),
            out: Vec::new(),
        }
    }
}

/// A model ready to score: its first pass as [`Weights`], its bin edges and
/// second pass as read. Built once per model per process.
#[derive(Clone, Debug)]
pub struct Compiled {
    bits: u32,
    edges: Vec<Vec<f32>>,
    stage1: Weights,
    /// The first-pass weight of each structural feature's bins, looked up
    /// once: the forty-odd structural features of every row then cost a
    /// load each instead of a hash and a packed-table lookup.
    struct_weights: Vec<Vec<f32>>,
    stage2: Vec<f32>,
}

impl Compiled {
    /// `model` in its scoring form.
    pub fn new(model: &Model) -> Compiled {
        let weights = model.stage1.iter().copied().enumerate();
        Compiled::from_parts(
            model.bits,
            model.edges.clone(),
            Weights::from_sparse(model.bits, weights),
            model.stage2.clone(),
        )
    }

    fn from_parts(bits: u32, edges: Vec<Vec<f32>>, stage1: Weights, stage2: Vec<f32>) -> Compiled {
        let struct_weights = edges
            .iter()
            .enumerate()
            .map(|(i, e)| {
                (0..=e.len())
                    .map(|bin| {
                        let h = lexical::feature_hash(Ns::Struct, lexical::struct_key(i, bin));
                        stage1.get(index(h, bits))
                    })
                    .collect()
            })
            .collect();
        Compiled {
            bits,
            edges,
            stage1,
            struct_weights,
            stage2,
        }
    }

    /// Reads a model file (checked as [`Model::parse`] checks it) straight
    /// into its packed form: loading the shipped model is part of every
    /// run's start-up, and the dense table (4 MB, mostly zeros) cost more
    /// to make and fill than the rest of it.
    pub fn parse(bytes: &[u8]) -> Result<Compiled, String> {
        Ok(Compiled::from_file(File::parse(bytes)?))
    }

    /// [`Compiled::parse`] of a model built into deboil, whose checksum
    /// the tests check (`shipped_models_are_whole`): hashing its 2 MB
    /// again was 2% of a run's start-up. Every other check still runs.
    pub(super) fn parse_shipped(bytes: &[u8]) -> Result<Compiled, String> {
        Ok(Compiled::from_file(File::parse_unsummed(bytes)?))
    }

    fn from_file(f: File) -> Compiled {
        let stage1 = Weights::from_sparse(f.bits, f.stage1());
        Compiled::from_parts(f.bits, f.edges, stage1, f.stage2)
    }

    /// First-pass logits of every row (`0.0` for claimed rows, which are
    /// never decided): each row's weights summed in feature order, the
    /// same sum as over the dense table (an empty slot adds `+0.0`, which
    /// leaves a sum that is never `-0.0` unchanged).
    pub fn first_pass(&self, lx: &Lexed, table: &Table) -> Vec<f32> {
        // The table's form chosen once, not at each of the row's features.
        match &self.stage1 {
            Weights::Dense(d) => {
                self.first_pass_with(lx, table, |i| d.get(i).copied().unwrap_or(0.0))
            }
            Weights::Packed(p) => self.first_pass_with(lx, table, |i| p.get(i)),
        }
    }

    /// [`Compiled::first_pass`] with the first-pass weight of slot `i` as
    /// `weight(i)` ([`Weights::get`]).
    #[inline]
    fn first_pass_with(
        &self,
        lx: &Lexed,
        table: &Table,
        weight: impl Fn(usize) -> f32,
    ) -> Vec<f32> {
        let bits = self.bits;
        (0..lx.len())
            .map(|k| {
                let mut z = 0f32;
                if !lx.claimed(k) {
                    // As `lx.row` emits them, in the same order: the
                    // structural features last, weighing 1 each (`1.0 * w`
                    // is `w`, so the sum is the same to the bit).
                    lx.row_lexical(k, |h, v, _| {
                        z += v * weight(index(h, bits));
                    });
                    for (i, bin) in lexical::bins(&table.row(k), &self.edges) {
                        z += self.struct_weights[i][bin];
                    }
                }
                z
            })
            .collect()
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
        self.evidence_against_in(lx, table, k, n, &mut Evidence::default())
            .to_vec()
    }

    /// [`Compiled::evidence_against`], worked out in `scratch`'s buffers
    /// and returned as a slice of them: one set of buffers for all the rows
    /// a document removes, where each row's were allocations of its own.
    pub fn evidence_against_in<'s>(
        &self,
        lx: &Lexed,
        table: &Table,
        k: usize,
        n: usize,
        scratch: &'s mut Evidence,
    ) -> &'s [(Source, f32)] {
        // Every contribution first, in feature order: the features' loop
        // then calls a sink small enough to inline (an `offer` there was a
        // call per feature, and ran at half the first pass's speed).
        let bits = self.bits;
        let Evidence { all, top, out } = scratch;
        all.clear();
        top.clear();
        out.clear();
        // The table's form chosen once, as in the first pass.
        match &self.stage1 {
            Weights::Dense(d) => lx.row_lexical(k, |h, v, s| {
                all.push((s, v * d.get(index(h, bits)).copied().unwrap_or(0.0)));
            }),
            Weights::Packed(p) => lx.row_lexical(k, |h, v, s| {
                all.push((s, v * p.get(index(h, bits))));
            }),
        }
        for (i, bin) in lexical::bins(&table.row(k), &self.edges) {
            let s = Source {
                ns: Ns::Struct,
                row: k as u32,
                item: i as u32,
            };
            all.push((s, self.struct_weights[i][bin]));
        }
        // The `n` most negative: the same list as a stable sort of every
        // contribution cut to `n`. Each is ranked by one integer: whether it
        // is evidence against at all (the top bit, clear when it is), its
        // value's total order, then its ordinal (ties keep feature order).
        // The test that turns most of them away is then one comparison the
        // branch predictor learns. Testing the value's sign first missed on
        // every other feature, and so did a rank of `u64::MAX` for the
        // others: the compiler turned the comparison back into that test.
        if n == 0 {
            return out;
        }
        const AGAINST: u64 = 1 << 63;
        // Below 2^31 features on a row (a row's tokens are counted in u32).
        const ORDINAL: u64 = (1 << 31) - 1;
        // The n-th smallest rank so far, or the bound of evidence against.
        let mut worst = AGAINST;
        for (i, &(s, c)) in all.iter().enumerate() {
            // `&` and `|`, not `&&` and `||`: no branch on any test. (NaN
            // as the sort would place it; weights are checked finite.)
            let against = (s.ns != Ns::Bias) & ((c < 0.0) | c.is_nan());
            let rank =
                u64::from(!against) << 63 | u64::from(total_order(c)) << 31 | (i as u64 & ORDINAL);
            if rank < worst {
                let at = top.partition_point(|&t| t < rank);
                top.insert(at, rank);
                top.truncate(n);
                if top.len() == n {
                    worst = top[n - 1];
                }
            }
        }
        out.extend(top.iter().map(|&rank| all[(rank & ORDINAL) as usize]));
        out
    }

    /// Second-pass logits of every row (`0.0` for claimed rows, which are
    /// never decided), given the first pass's `z` and the page's `stats`.
    pub fn second_pass(&self, lx: &Lexed, z: &[f32], stats: &PageStats) -> Vec<f32> {
        let mut second = Vec::with_capacity(lx.len());
        for k0 in (0..lx.len()).step_by(context::LANES) {
            let means = context::window_means(lx, z, k0);
            for (k, means) in (k0..lx.len()).zip(means) {
                let mut s = 0f32;
                if !lx.claimed(k) {
                    context::row_with_means(lx, z, stats, k, means, |i, v| {
                        s += v * self.stage2[i];
                    });
                }
                second.push(s);
            }
        }
        second
    }
}

/// `x`'s place in [`f32::total_cmp`]'s order, as an unsigned integer:
/// `total_order(a) < total_order(b)` exactly when `a.total_cmp(&b)` is
/// `Less`.
fn total_order(x: f32) -> u32 {
    // total_cmp's own transform (flip the magnitude of negatives), then
    // the sign bit flipped so that unsigned order is signed order.
    let bits = x.to_bits() as i32;
    let key = bits ^ (((bits >> 31) as u32) >> 1) as i32;
    (key as u32) ^ 0x8000_0000
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

    /// `n` little-endian `u32`s at once: a model holds some 570,000 of
    /// them, and reading them one checked call at a time cost 6% of a
    /// one-file run's instructions.
    fn u32s(&mut self, n: usize) -> Result<Vec<u32>, String> {
        let b = self.take(n.checked_mul(4).ok_or("the file is truncated")?)?;
        Ok(b.chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }

    /// `n` weights at once ([`Reader::u32s`]), each a finite number.
    fn f32s(&mut self, n: usize) -> Result<Vec<f32>, String> {
        let v: Vec<f32> = self.u32s(n)?.into_iter().map(f32::from_bits).collect();
        if v.iter().all(|w| w.is_finite()) {
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

/// A model file's contents, checked, with the first pass as read (its
/// non-zero slots), for [`Model::parse`] and [`Compiled::parse`].
struct File {
    bits: u32,
    edges: Vec<Vec<f32>>,
    /// Slots of the first pass's weights, ascending, within the table.
    slots: Vec<u32>,
    /// Their weights.
    weights: Vec<f32>,
    stage2: Vec<f32>,
}

impl File {
    /// Parses a model file, checking its magic, version and checksum.
    fn parse(bytes: &[u8]) -> Result<File, String> {
        let body = File::body(bytes)?;
        if blake3::hash(body).as_bytes() != &bytes[body.len()..] {
            return Err("checksum mismatch: the model file is damaged".into());
        }
        File::parse_unsummed(bytes)
    }

    /// A file's bytes before its checksum, once its magic is checked.
    fn body(bytes: &[u8]) -> Result<&[u8], String> {
        if bytes.len() < MAGIC.len() + 32 || &bytes[..MAGIC.len()] != MAGIC {
            return Err("not a deboil content model (bad magic)".into());
        }
        Ok(&bytes[..bytes.len() - 32])
    }

    /// [`File::parse`] without comparing the checksum.
    fn parse_unsummed(bytes: &[u8]) -> Result<File, String> {
        let body = File::body(bytes)?;
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
        let slots = r.u32s(nnz)?;
        let ascending = slots.windows(2).all(|w| w[0] < w[1]);
        if !ascending || slots.last().is_some_and(|&i| i >> bits != 0) {
            return Err("first-pass indices must ascend within the table".into());
        }
        let weights = r.f32s(nnz)?;
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
        Ok(File {
            bits,
            edges,
            slots,
            weights,
            stage2,
        })
    }

    /// The first pass's `(slot, weight)` pairs, ascending.
    fn stage1(&self) -> impl Iterator<Item = (usize, f32)> + '_ {
        self.slots
            .iter()
            .map(|&i| i as usize)
            .zip(self.weights.iter().copied())
    }
}

impl Model {
    /// Parses a model file, checking its magic, version and checksum.
    pub fn parse(bytes: &[u8]) -> Result<Model, String> {
        let f = File::parse(bytes)?;
        let mut stage1 = vec![0f32; 1 << f.bits];
        for (i, w) in f.stage1() {
            stage1[i] = w;
        }
        Ok(Model {
            bits: f.bits,
            stage1,
            edges: f.edges,
            stage2: f.stage2,
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::Document;

    fn tiny() -> Model {
        let mut stage1 = vec![0f32; 1 << 8];
        stage1[3] = 0.5;
        stage1[200] = -1.25;
        let mut edges = vec![Vec::new(); features::COUNT];
        edges[features::Feature::Len as usize] = vec![1.0, 2.0];
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

    #[test]
    fn shipped_models_are_whole() {
        // They load without their checksum compared (start-up): compared
        // here, with every other check, and read the same either way.
        for (name, bytes) in super::super::MODELS {
            let checked = Compiled::parse(bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
            let shipped = Compiled::parse_shipped(bytes).unwrap();
            assert_eq!(shipped.stage1, checked.stage1, "{name}");
            assert_eq!(shipped.edges, checked.edges, "{name}");
            assert_eq!(shipped.stage2, checked.stage2, "{name}");
        }
    }

    /// A body re-summed, so the checks past the checksum are reached.
    fn resummed(mut body: Vec<u8>) -> Vec<u8> {
        let sum = blake3::hash(&body);
        body.extend_from_slice(sum.as_bytes());
        body
    }

    #[test]
    fn bad_weights_and_counts_are_named() {
        let bytes = tiny().to_bytes();
        let body = &bytes[..bytes.len() - 32];
        // The first pass's weights follow its slots; `tiny` has two.
        let nnz_at = body.len() - 4 - 4 * context::DIM - 2 * 8 - 4;
        assert_eq!(body[nnz_at..nnz_at + 4], 2u32.to_le_bytes());
        let mut nan = body.to_vec();
        let w0 = nnz_at + 4 + 2 * 4;
        nan[w0..w0 + 4].copy_from_slice(&f32::NAN.to_le_bytes());
        let nan = resummed(nan);
        assert!(
            Model::parse(&nan)
                .unwrap_err()
                .contains("not a finite number")
        );
        assert!(
            Compiled::parse(&nan)
                .unwrap_err()
                .contains("not a finite number")
        );
        // More weights than the file holds.
        let mut long = body.to_vec();
        long[nnz_at..nnz_at + 4].copy_from_slice(&1000u32.to_le_bytes());
        assert!(
            Model::parse(&resummed(long))
                .unwrap_err()
                .contains("truncated")
        );
        // The same bytes re-summed still read back: the offsets are right.
        assert_eq!(Model::parse(&resummed(body.to_vec())).unwrap(), tiny());
    }

    #[test]
    fn packed_weights_read_as_the_dense_table() {
        // Every kind of slot: empty, -0.0, the first and last of a block,
        // a block of 64, a partial last block.
        let mut dense: Vec<f32> = (0..200)
            .map(|i| if i % 3 == 0 { 0.0 } else { i as f32 - 100.5 })
            .collect();
        dense[0] = 7.0;
        dense[63] = -2.0;
        dense[64..128].fill(1.5);
        dense[5] = -0.0;
        let p = Packed::new(&dense);
        for (i, &w) in dense.iter().enumerate() {
            assert_eq!(p.get(i).to_bits(), w.to_bits(), "slot {i}");
        }
        assert_eq!(p.get(dense.len() + 64).to_bits(), 0f32.to_bits());
    }

    #[test]
    fn a_file_packs_as_its_dense_table() {
        // Weights in the first, a middle and the last block, blocks with
        // none between.
        let mut m = tiny();
        m.stage1[0] = 2.0;
        m.stage1[70] = 1.0;
        m.stage1[255] = -3.5;
        let read = Compiled::parse(&m.to_bytes()).unwrap();
        let dense = Compiled::new(&Model::parse(&m.to_bytes()).unwrap());
        assert_eq!(read.stage1, dense.stage1);
        // A table this small is read dense; the packed form of the same
        // weights reads the same at every slot.
        assert!(matches!(read.stage1, Weights::Dense(_)));
        let packed = Packed::new(&Model::parse(&m.to_bytes()).unwrap().stage1);
        for i in 0..m.stage1.len() + 70 {
            assert_eq!(
                read.stage1.get(i).to_bits(),
                packed.get(i).to_bits(),
                "slot {i}"
            );
        }
        assert_eq!(read.stage1.get(255), -3.5);
        assert_eq!(read.edges, m.edges);
        assert_eq!(read.stage2, m.stage2);
        // A big table is packed.
        let big = Weights::from_sparse(DENSE_BITS + 1, [(3, 0.5), (1 << 16, -1.0)].into_iter());
        assert!(matches!(big, Weights::Packed(_)));
        assert_eq!(big.get(1 << 16), -1.0);
        assert_eq!(big.get(4), 0.0);
        // A file may hold a -0.0 weight (to_bytes leaves it out, as it
        // equals 0.0); packed, it is a slot that holds a weight, as in the
        // dense table.
        let sparse = Packed::from_sparse(256, [(3, 0.5), (64, -0.0), (200, -1.25)].into_iter());
        let mut with_neg_zero = vec![0f32; 256];
        with_neg_zero[3] = 0.5;
        with_neg_zero[64] = -0.0;
        with_neg_zero[200] = -1.25;
        assert_eq!(sparse, Packed::new(&with_neg_zero));
        assert_eq!(sparse.get(64).to_bits(), (-0.0f32).to_bits());
    }

    /// A comment thread's rows and structural table.
    fn read_thread() -> (Lexed, Table) {
        let text = "Jane Doe on September 12, 2018 at 4:47 pm said:\n\nGreat piece, thanks.\nReply\nShare\n";
        let doc = Document::new(text);
        let claims = crate::Claims::new(doc.lines().len());
        let lx = Lexed::new(&doc, &claims);
        let table = super::super::lexical::structural(&doc, &claims);
        (lx, table)
    }

    #[test]
    fn evidence_is_the_most_negative_contributions_in_feature_order() {
        // Most slots weigh -1 or -2, so contributions tie often and the
        // order among equals (feature order, as a stable sort keeps it)
        // decides what is listed; the others weigh for (1), or nothing
        // (-0.0), and are never listed.
        let mut m = tiny();
        m.bits = 12;
        m.stage1 = (0..1u32 << 12)
            .map(|i| match i % 6 {
                0 | 1 => -2.0,
                2 => 1.0,
                3 => -0.0,
                _ => -1.0,
            })
            .collect();
        let (lx, table) = read_thread();
        let c = Compiled::new(&m);
        // The same table packed (as a table of more than 2^16 slots is).
        let packed = packed_form(&m);
        // One set of buffers for every row and count, as a document's
        // removals share one: nothing of a row may stay for the next.
        let mut shared = Evidence::default();
        for k in 0..lx.len() {
            let mut all = Vec::new();
            lx.row(k, &table.row(k), &m.edges, |h, v, s| {
                let w = v * m.stage1[index(h, m.bits)];
                if s.ns != super::super::lexical::Ns::Bias && w < 0.0 {
                    all.push((s, w));
                }
            });
            all.sort_by(|a, b| a.1.total_cmp(&b.1));
            for n in [0, 1, 3, 5, 500] {
                let want: Vec<_> = all.iter().copied().take(n).collect();
                assert_eq!(
                    c.evidence_against(&lx, &table, k, n),
                    want,
                    "row {k}, n {n}"
                );
                assert_eq!(
                    c.evidence_against_in(&lx, &table, k, n, &mut shared),
                    want,
                    "row {k}, n {n}, shared buffers"
                );
                assert_eq!(
                    packed.evidence_against_in(&lx, &table, k, n, &mut shared),
                    want,
                    "row {k}, n {n}, packed"
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn total_order_ranks_as_total_cmp(a: u32, b: u32) {
            // Any bits: NaNs, infinities, both zeros, subnormals.
            let (x, y) = (f32::from_bits(a), f32::from_bits(b));
            proptest::prop_assert_eq!(total_order(x).cmp(&total_order(y)), x.total_cmp(&y));
        }
    }

    #[test]
    fn the_packed_first_pass_sums_as_the_dense_one() {
        // A table where most slots hold a weight, so every row's sum mixes
        // empty and full slots; the sums must agree to the bit.
        let mut m = tiny();
        m.bits = 12;
        m.stage1 = (0..1u32 << 12)
            .map(|i| {
                if i % 5 == 0 {
                    0.0
                } else {
                    (i % 97) as f32 / 7.0 - 6.0
                }
            })
            .collect();
        let (lx, table) = read_thread();
        let c = Compiled::new(&m);
        assert!(matches!(c.stage1, Weights::Dense(_)));
        let dense = c.first_pass(&lx, &table);
        let packed = packed_form(&m).first_pass(&lx, &table);
        for k in 0..lx.len() {
            let mut want = 0f32;
            lx.row(k, &table.row(k), &m.edges, |h, v, _| {
                want += v * m.stage1[index(h, m.bits)];
            });
            assert_eq!(dense[k].to_bits(), want.to_bits(), "row {k}");
            assert_eq!(packed[k].to_bits(), want.to_bits(), "row {k}, packed");
        }
    }

    /// `m` in its scoring form with the first pass packed, as a table too
    /// large to keep dense is.
    fn packed_form(m: &Model) -> Compiled {
        let stage1 = Weights::Packed(Packed::new(&m.stage1));
        Compiled::from_parts(m.bits, m.edges.clone(), stage1, m.stage2.clone())
    }
}
