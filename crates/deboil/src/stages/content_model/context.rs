//! The content model's second pass: each line read again in the light of
//! the first pass's scores of the lines around it and of the whole page.
//!
//! The first pass scores a line from its own words and its neighbours'
//! words; this pass sees what the first pass concluded about the three
//! lines on each side (or that an earlier rule removed them), the mood of
//! the block and the page, and where the line sits. Its features are few
//! and dense, so they are plain indices, not hashes.

use super::lexical::{Lexed, length_bucket};

/// Lines read on each side.
const REACH: usize = 3;
/// Bins of a first-pass logit: one per unit from -8 to 8.
const BINS: usize = 16;
/// Per offset: raw value, missing, claimed, then the bins.
const PER_OFFSET: usize = 3 + BINS;
const OFFSETS: usize = 2 * REACH + 1;

const BIAS: usize = 0;
const OFFSET_BASE: usize = 1;
const WINDOW_BASE: usize = OFFSET_BASE + OFFSETS * PER_OFFSET;
/// Mean logit within 5 and within 15 rows, and of the block.
const WINDOWS: usize = 3;
const PAGE_BASE: usize = WINDOW_BASE + WINDOWS;
/// Page mean logit, share of tokens scored content, its decile (10).
const PAGE: usize = 2 + 10;
const POSITION_BASE: usize = PAGE_BASE + PAGE;
const LENGTH_BASE: usize = POSITION_BASE + 10;
/// Length bucket (11) crossed with the own logit's sign.
const LENGTH: usize = 22;
const REGION_BASE: usize = LENGTH_BASE + LENGTH;
/// Content mass before and after (raw and 10 bins each), strong lines
/// before and after (5 bins each), rows since the last strong line and
/// until the next (6 bins each).
const REGION: usize = 2 * 11 + 2 * 5 + 2 * 6;

/// Number of second-pass features.
pub const DIM: usize = REGION_BASE + REGION;

/// A first-pass logit this high, on a line of this many words, is a
/// paragraph the page is surely about.
const STRONG: f32 = 2.0;
const STRONG_WORDS: usize = 10;

/// What the second pass knows of the whole page.
#[derive(Clone, Debug)]
pub struct PageStats {
    /// Token-weighted mean first-pass logit of the unclaimed rows.
    mean: f32,
    /// Share of the unclaimed rows' tokens whose first-pass logit is positive.
    content_share: f32,
    /// Per row: index of its block's mean in `block_mean`.
    block: Vec<u32>,
    block_mean: Vec<f32>,
    /// Per row: content mass (probability times words, unclaimed rows) of
    /// the rows before it, and the total.
    mass_before: Vec<f32>,
    mass_total: f32,
    /// Per row: strong lines before it.
    strong_before: Vec<u32>,
    /// The strong lines, in order: their count is the total, and row `k`'s
    /// nearest ones on either side are found by `strong_before[k]`, not by
    /// a walk.
    strong_rows: Vec<u32>,
}

/// Rows further than this from a strong line are as far as can be.
const STRONG_REACH: usize = 21;

impl PageStats {
    /// How many rows back the nearest strong line before row `k` is, and
    /// how many ahead the nearest after it ([`STRONG_REACH`] when there is
    /// none that close); `strong_here` when row `k` is strong itself.
    fn strong_distances(&self, k: usize, strong_here: bool) -> (u32, u32) {
        let before = self.strong_before[k] as usize;
        let since = before
            .checked_sub(1)
            .map_or(STRONG_REACH, |i| k - self.strong_rows[i] as usize);
        let until = self
            .strong_rows
            .get(before + usize::from(strong_here))
            .map_or(STRONG_REACH, |&j| j as usize - k);
        (
            since.min(STRONG_REACH) as u32,
            until.min(STRONG_REACH) as u32,
        )
    }

    /// Gathers the page-level statistics of first-pass logits `z`.
    pub fn new(lx: &Lexed, z: &[f32]) -> PageStats {
        let (mut sum, mut weight, mut content) = (0f64, 0f64, 0f64);
        let mut block = Vec::with_capacity(z.len());
        let mut block_mean = Vec::new();
        let (mut bs, mut bn) = (0f32, 0f32);
        let mut prev_line = usize::MAX;
        for (k, &zk) in z.iter().enumerate() {
            let line = lx.line(k);
            // A new block starts after a blank line (a gap in line numbers).
            if prev_line == usize::MAX || line > prev_line + 1 {
                if prev_line != usize::MAX {
                    block_mean.push(if bn > 0.0 { bs / bn } else { 0.0 });
                }
                bs = 0.0;
                bn = 0.0;
            }
            prev_line = line;
            block.push(block_mean.len() as u32);
            if lx.claimed(k) {
                continue;
            }
            let w = lx.words(k) as f64;
            sum += w * f64::from(zk);
            weight += w;
            if zk > 0.0 {
                content += w;
            }
            bs += zk;
            bn += 1.0;
        }
        if prev_line != usize::MAX {
            block_mean.push(if bn > 0.0 { bs / bn } else { 0.0 });
        }
        let mut mass_before = Vec::with_capacity(z.len());
        let mut strong_before = Vec::with_capacity(z.len());
        let mut strong_rows = Vec::new();
        let mut mass = 0f32;
        for (k, &zk) in z.iter().enumerate() {
            mass_before.push(mass);
            strong_before.push(strong_rows.len() as u32);
            if !lx.claimed(k) {
                mass += lx.words(k) as f32 / (1.0 + (-zk).exp());
                if is_strong(lx, zk, k) {
                    strong_rows.push(k as u32);
                }
            }
        }
        PageStats {
            mass_before,
            mass_total: mass,
            strong_before,
            strong_rows,
            mean: if weight > 0.0 {
                (sum / weight) as f32
            } else {
                0.0
            },
            content_share: if weight > 0.0 {
                (content / weight) as f32
            } else {
                0.0
            },
            block,
            block_mean,
        }
    }
}

fn is_strong(lx: &Lexed, z: f32, k: usize) -> bool {
    z > STRONG && lx.words(k) >= STRONG_WORDS
}

/// Bin of a count: 0, 1, 2, 3–5, 6+ (`bins` = 5) or 0, 1, 2, 3–5, 6–20,
/// 21+ (`bins` = 6).
fn count_bin(n: u32, bins: usize) -> usize {
    let b = match n {
        0..=2 => n as usize,
        3..=5 => 3,
        6..=20 => 4,
        _ => 5,
    };
    b.min(bins - 1)
}

#[inline]
fn bin(z: f32) -> usize {
    (z.floor() + 8.0).clamp(0.0, (BINS - 1) as f32) as usize
}

#[inline]
fn squash(z: f32) -> f32 {
    z.clamp(-10.0, 10.0) / 5.0
}

/// Mean of the unclaimed rows' logits within `w` rows of `k` (itself left
/// out), 0 when there are none.
fn window_mean(lx: &Lexed, z: &[f32], k: usize, w: usize) -> f32 {
    let lo = k.saturating_sub(w);
    let hi = (k + w + 1).min(z.len());
    let (mut s, mut n) = (0f32, 0f32);
    for (j, &zj) in z.iter().enumerate().take(hi).skip(lo) {
        // Without a branch (whether a row is claimed is as unpredictable
        // as the page): a row left out adds +0.0, which changes no sum
        // that started at +0.0 (such a sum is never -0.0).
        let counted = j != k && !lx.claimed(j);
        s += if counted { zj } else { 0.0 };
        n += f32::from(u8::from(counted));
    }
    if n > 0.0 { s / n } else { 0.0 }
}

/// Reaches of the two window means.
const NEAR: usize = 5;
const FAR: usize = 15;

/// Rows whose window means [`window_means`] computes together: two SSE
/// vectors' lanes.
pub const LANES: usize = 8;

/// The window means of rows `k0..k0 + LANES` (the mean first-pass logit
/// of the unclaimed rows within 5 and within 15 rows, the row itself left
/// out; a row past the page's end gets garbage), to the bit those [`row`]
/// computes one row at a time. Each row's sum adds the same terms in the
/// same order, a row outside the page or claimed as `+0.0`, which changes
/// no sum that started at `+0.0`; but the eight rows' sums advance side by
/// side, a vector addition a step, where one row's sum was a chain of
/// dependent additions (3% of a balanced run's instructions).
pub fn window_means(lx: &Lexed, z: &[f32], k0: usize) -> [[f32; 2]; LANES] {
    // Entry `i`: row `k0 + i - FAR`'s logit and 1, when the row is on the
    // page and unclaimed; else `+0.0` and 0.
    let mut zs = [0f32; LANES + 2 * FAR];
    let mut counted = [0f32; LANES + 2 * FAR];
    for (i, (zi, ci)) in zs.iter_mut().zip(&mut counted).enumerate() {
        if let Some(j) = (k0 + i).checked_sub(FAR).filter(|&j| j < z.len()) {
            if !lx.claimed(j) {
                *zi = z[j];
                *ci = 1.0;
            }
        }
    }
    let mut means = [[0f32; 2]; LANES];
    for (slot, w) in [NEAR, FAR].into_iter().enumerate() {
        let (mut s, mut n) = ([0f32; LANES], [0f32; LANES]);
        // Lane `i` adds entry `t + i`, row `k0 + i + (t - FAR)`: from `w`
        // rows before its row to `w` after, its own left out.
        for t in (FAR - w..=FAR + w).filter(|&t| t != FAR) {
            for i in 0..LANES {
                s[i] += zs[t + i];
                n[i] += counted[t + i];
            }
        }
        for i in 0..LANES {
            means[i][slot] = if n[i] > 0.0 { s[i] / n[i] } else { 0.0 };
        }
    }
    means
}

/// Emits row `k`'s second-pass features as `(index, value)`, given the
/// first-pass logits `z` of every row. For every row of a page,
/// [`row_with_means`] with [`window_means`] is faster.
pub fn row(lx: &Lexed, z: &[f32], stats: &PageStats, k: usize, sink: impl FnMut(usize, f32)) {
    let means = [window_mean(lx, z, k, NEAR), window_mean(lx, z, k, FAR)];
    row_with_means(lx, z, stats, k, means, sink);
}

/// [`row`], given the row's window means (from [`window_means`]).
#[inline]
pub fn row_with_means(
    lx: &Lexed,
    z: &[f32],
    stats: &PageStats,
    k: usize,
    means: [f32; 2],
    mut sink: impl FnMut(usize, f32),
) {
    let n = z.len();
    sink(BIAS, 1.0);
    for o in 0..OFFSETS {
        let base = OFFSET_BASE + o * PER_OFFSET;
        let j = (k + o).checked_sub(REACH).filter(|&j| j < n);
        match j {
            None => sink(base + 1, 1.0),
            Some(j) if lx.claimed(j) => sink(base + 2, 1.0),
            Some(j) => {
                sink(base, squash(z[j]));
                sink(base + 3 + bin(z[j]), 1.0);
            }
        }
    }
    sink(WINDOW_BASE, squash(means[0]));
    sink(WINDOW_BASE + 1, squash(means[1]));
    let b = stats.block[k] as usize;
    sink(WINDOW_BASE + 2, squash(stats.block_mean[b]));
    sink(PAGE_BASE, squash(stats.mean));
    sink(PAGE_BASE + 1, stats.content_share);
    let decile = ((stats.content_share * 10.0) as usize).min(9);
    sink(PAGE_BASE + 2 + decile, 1.0);
    let pos = (k * 10 / n.max(1)).min(9);
    sink(POSITION_BASE + pos, 1.0);
    let len = length_bucket(lx.words(k)) as usize;
    sink(LENGTH_BASE + 2 * len + usize::from(z[k] > 0.0), 1.0);

    // Where the row sits relative to the page's content: how much of it
    // lies before and after, how many strong paragraphs.
    let mut at = REGION_BASE;
    let own = if lx.claimed(k) {
        0.0
    } else {
        lx.words(k) as f32 / (1.0 + (-z[k]).exp())
    };
    let before = stats.mass_before[k];
    let after = (stats.mass_total - before - own).max(0.0);
    for share in [before, after] {
        let s = if stats.mass_total > 0.0 {
            share / stats.mass_total
        } else {
            0.0
        };
        sink(at, s);
        sink(at + 1 + ((s * 10.0) as usize).min(9), 1.0);
        at += 11;
    }
    let sb = stats.strong_before[k];
    let strong_here = !lx.claimed(k) && is_strong(lx, z[k], k);
    let sa = stats.strong_rows.len() as u32 - sb - u32::from(strong_here);
    sink(at + count_bin(sb, 5), 1.0);
    sink(at + 5 + count_bin(sa, 5), 1.0);
    at += 10;
    let (since, until) = stats.strong_distances(k, strong_here);
    sink(at + count_bin(since, 6), 1.0);
    sink(at + 6 + count_bin(until, 6), 1.0);
}

/// A name for second-pass feature `i`, for notes.
pub fn describe(i: usize) -> &'static str {
    match i {
        BIAS => "baseline",
        i if i < WINDOW_BASE => {
            let o = (i - OFFSET_BASE) / PER_OFFSET;
            match o.cmp(&REACH) {
                std::cmp::Ordering::Less => "lines before",
                std::cmp::Ordering::Equal => "own score",
                std::cmp::Ordering::Greater => "lines after",
            }
        }
        i if i < WINDOW_BASE + 2 => "nearby lines",
        i if i < PAGE_BASE => "block",
        i if i < POSITION_BASE => "page",
        i if i < LENGTH_BASE => "position",
        i if i < REGION_BASE => "length",
        _ => "place in the page's content",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::claims::Claims;
    use crate::document::Document;

    #[test]
    fn features_stay_in_range_and_see_claimed_neighbours() {
        let doc = Document::new("a b c\nd e\n\nf g h i\nj\n");
        let mut claims = Claims::new(doc.lines().len());
        claims.claim_line(1, crate::rules::RuleIndex(0));
        let lx = Lexed::new(&doc, &claims);
        let z = [1.5, -20.0, 3.0, -0.5];
        let stats = PageStats::new(&lx, &z);
        assert_eq!(stats.block, [0, 0, 1, 1]);
        for k in 0..4 {
            let mut seen = Vec::new();
            row(&lx, &z, &stats, k, |i, v| {
                assert!(i < DIM, "{i}");
                assert!(v.is_finite());
                seen.push(i);
            });
            seen.sort_unstable();
            let before = seen.len();
            seen.dedup();
            assert_eq!(before, seen.len(), "row {k}: no index twice");
        }
        // Row 0 sees row 1 (claimed) one line after it.
        let mut seen = Vec::new();
        row(&lx, &z, &stats, 0, |i, _| seen.push(i));
        let next = OFFSET_BASE + (REACH + 1) * PER_OFFSET;
        assert!(seen.contains(&(next + 2)));
        // ...and nothing before it.
        assert!(seen.contains(&(OFFSET_BASE + 1)));
    }

    /// A page read by the model: a line of `words` words (one at least) per
    /// row, claimed by an earlier rule or not.
    fn page(rows: impl Iterator<Item = (usize, bool)>) -> Lexed {
        let rows: Vec<(usize, bool)> = rows.collect();
        let text: String = rows
            .iter()
            .map(|&(words, _)| format!("{}\n", vec!["w"; words.max(1)].join(" ")))
            .collect();
        let doc = Document::new(&text);
        let mut claims = Claims::new(doc.lines().len());
        for (k, &(_, claimed)) in rows.iter().enumerate() {
            if claimed {
                claims.claim_line(k, crate::rules::RuleIndex(0));
            }
        }
        Lexed::new(&doc, &claims)
    }

    proptest::proptest! {
        /// The nearest strong lines, found from the page's list of them,
        /// are those a walk of up to `STRONG_REACH` rows each way finds.
        #[test]
        fn strong_distances_are_what_a_walk_finds(
            rows in proptest::collection::vec((0usize..14, -4f32..6.0, proptest::bool::weighted(0.2)), 1..60),
        ) {
            // Row k: `words` words, first-pass logit `z`, claimed or not.
            let lx = page(rows.iter().map(|&(words, _, claimed)| (words, claimed)));
            let z: Vec<f32> = rows.iter().map(|r| r.1).collect();
            let stats = PageStats::new(&lx, &z);
            let strong = |j: usize| !lx.claimed(j) && is_strong(&lx, z[j], j);
            for k in 0..z.len() {
                let since = (0..k).rev().take(21).position(strong).map_or(21, |d| d as u32 + 1);
                let until = (k + 1..z.len()).take(21).position(strong).map_or(21, |d| d as u32 + 1);
                proptest::prop_assert_eq!(stats.strong_distances(k, strong(k)), (since, until), "row {}", k);
            }
        }
    }

    proptest::proptest! {
        /// The branch-free window mean is the mean of the rows counted, to
        /// the bit (zeros of either sign and claimed rows among them).
        #[test]
        fn window_means_count_only_unclaimed_neighbours(
            rows in proptest::collection::vec((proptest::sample::select(vec![0.0f32, -0.0, 1.5, -2.25, 7.0, -1e-7]), proptest::bool::weighted(0.3)), 1..40),
            w in 0usize..16,
        ) {
            let lx = page(rows.iter().map(|&(_, claimed)| (1, claimed)));
            let z: Vec<f32> = rows.iter().map(|r| r.0).collect();
            for k in 0..z.len() {
                let (mut s, mut n) = (0f32, 0f32);
                let (lo, hi) = (k.saturating_sub(w), (k + w + 1).min(z.len()));
                for (j, &zj) in z.iter().enumerate().take(hi).skip(lo) {
                    if j != k && !lx.claimed(j) {
                        s += zj;
                        n += 1.0;
                    }
                }
                let want = if n > 0.0 { s / n } else { 0.0 };
                proptest::prop_assert_eq!(window_mean(&lx, &z, k, w).to_bits(), want.to_bits(), "row {}", k);
            }
        }

        /// Eight rows at a time, the window means are each row's own, to
        /// the bit: pages shorter and longer than a window, rows claimed,
        /// zeros of either sign, values whose sums round.
        #[test]
        fn window_means_side_by_side_are_each_rows_own(
            rows in proptest::collection::vec((proptest::sample::select(vec![0.0f32, -0.0, 1.5, -2.25, 7.0, -1e-7, 0.1, 3e7, -3e7]), proptest::bool::weighted(0.3)), 1..70),
        ) {
            let lx = page(rows.iter().map(|&(_, claimed)| (1, claimed)));
            let z: Vec<f32> = rows.iter().map(|r| r.0).collect();
            for k0 in (0..z.len()).step_by(LANES) {
                let means = window_means(&lx, &z, k0);
                for (k, got) in (k0..z.len()).zip(means) {
                    let want = [window_mean(&lx, &z, k, NEAR), window_mean(&lx, &z, k, FAR)];
                    proptest::prop_assert_eq!(got.map(f32::to_bits), want.map(f32::to_bits), "row {}", k);
                }
            }
        }
    }

    #[test]
    fn bins_cover_every_logit() {
        assert_eq!(bin(-100.0), 0);
        assert_eq!(bin(-8.0), 0);
        assert_eq!(bin(0.0), 8);
        assert_eq!(bin(7.5), 15);
        assert_eq!(bin(100.0), 15);
        assert_eq!(bin(f32::NAN), 0);
    }
}
