//! Fitting the content model: logistic regression by FTRL-Proximal
//! (McMahan et al., "Ad Click Prediction: a View from the Trenches", 2013),
//! the usual learner for hashed sparse features: per-coordinate learning
//! rates, and L1 that leaves most of the table at exactly zero, so the
//! shipped file holds only the weights that matter.
//!
//! Everything is deterministic: rows are visited in an order drawn from a
//! seeded generator defined here, and each fit runs on one thread, so the
//! same data and seed give the same weights bit for bit
//! (`examples/fit_model.rs` relies on it to reproduce the shipped model).

/// Sparse rows with soft labels and weights, stored flat.
#[derive(Clone, Debug, Default)]
pub struct Rows {
    /// Row `r`'s features are `idx[start[r]..start[r + 1]]`.
    start: Vec<u64>,
    idx: Vec<u32>,
    val: Vec<f32>,
    /// Per row: the label (share of content, 0..=1) and the sample weight.
    y: Vec<f32>,
    w: Vec<f32>,
}

impl Rows {
    /// No rows.
    pub fn new() -> Rows {
        Rows {
            start: vec![0],
            ..Rows::default()
        }
    }

    /// Adds one feature to the row being built.
    #[inline]
    pub fn feature(&mut self, index: u32, value: f32) {
        self.idx.push(index);
        self.val.push(value);
    }

    /// Ends the row being built with its label and weight; returns its number.
    pub fn finish(&mut self, label: f32, weight: f32) -> u32 {
        self.start.push(self.idx.len() as u64);
        self.y.push(label);
        self.w.push(weight);
        (self.y.len() - 1) as u32
    }

    /// Drops the features of the row being built.
    pub fn discard(&mut self) {
        let s = self.start.last().copied().unwrap_or(0) as usize;
        self.idx.truncate(s);
        self.val.truncate(s);
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.y.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.y.is_empty()
    }

    /// Features of row `r`.
    #[inline]
    pub fn row(&self, r: u32) -> (&[u32], &[f32]) {
        let a = self.start[r as usize] as usize;
        let b = self.start[r as usize + 1] as usize;
        (&self.idx[a..b], &self.val[a..b])
    }

    /// Label of row `r`.
    pub fn label(&self, r: u32) -> f32 {
        self.y[r as usize]
    }

    /// Sample weight of row `r`.
    pub fn weight(&self, r: u32) -> f32 {
        self.w[r as usize]
    }

    /// Stored feature entries (for memory reports).
    pub fn entries(&self) -> usize {
        self.idx.len()
    }
}

/// splitmix64: a small, fixed generator for the row order.
#[derive(Clone, Debug)]
pub struct SplitMix(u64);

impl SplitMix {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> SplitMix {
        SplitMix(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        super::lexical::mix(self.0)
    }

    /// A number in `0..n` (n > 0), by multiply-shift.
    pub fn below(&mut self, n: usize) -> usize {
        ((u128::from(self.next_u64()) * n as u128) >> 64) as usize
    }

    /// Shuffles `v` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
    }
}

/// FTRL-Proximal settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ftrl {
    /// Learning-rate scale.
    pub alpha: f64,
    /// Learning-rate smoothing.
    pub beta: f64,
    /// L1 strength: larger leaves more weights at zero.
    pub l1: f64,
    /// L2 strength.
    pub l2: f64,
    /// Passes over the rows.
    pub epochs: usize,
    /// Seed of the row order.
    pub seed: u64,
}

impl Default for Ftrl {
    fn default() -> Ftrl {
        Ftrl {
            alpha: 0.1,
            beta: 1.0,
            l1: 1.0,
            l2: 1.0,
            epochs: 4,
            seed: 1,
        }
    }
}

#[inline]
fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

impl Ftrl {
    /// Fits weights for a table of `dim` entries on rows `subset` of `rows`.
    pub fn fit(&self, rows: &Rows, subset: &[u32], dim: usize) -> Vec<f32> {
        let mut z = vec![0f64; dim];
        let mut n = vec![0f64; dim];
        let mut order = subset.to_vec();
        let mut rng = SplitMix::new(self.seed);
        let mut w_row: Vec<f64> = Vec::new();
        for _ in 0..self.epochs {
            rng.shuffle(&mut order);
            for &r in &order {
                let (idx, val) = rows.row(r);
                w_row.clear();
                let mut dot = 0f64;
                for (&i, &v) in idx.iter().zip(val) {
                    let w = self.weight(z[i as usize], n[i as usize]);
                    w_row.push(w);
                    dot += w * f64::from(v);
                }
                let p = sigmoid(dot.clamp(-35.0, 35.0));
                let g = (p - f64::from(rows.label(r))) * f64::from(rows.weight(r));
                for ((&i, &v), &w) in idx.iter().zip(val).zip(&w_row) {
                    let i = i as usize;
                    let gi = g * f64::from(v);
                    let sigma = ((n[i] + gi * gi).sqrt() - n[i].sqrt()) / self.alpha;
                    z[i] += gi - sigma * w;
                    n[i] += gi * gi;
                }
            }
        }
        (0..dim).map(|i| self.weight(z[i], n[i]) as f32).collect()
    }

    /// The weight FTRL-Proximal derives from a coordinate's state.
    #[inline]
    fn weight(&self, z: f64, n: f64) -> f64 {
        if z.abs() <= self.l1 {
            0.0
        } else {
            -(z - self.l1 * z.signum()) / ((self.beta + n.sqrt()) / self.alpha + self.l2)
        }
    }
}

/// The logit of row `r` under `weights`.
#[inline]
pub fn logit(weights: &[f32], rows: &Rows, r: u32) -> f32 {
    let (idx, val) = rows.row(r);
    idx.iter()
        .zip(val)
        .map(|(&i, &v)| weights[i as usize] * v)
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two features, one says content, one says debris, plus noise.
    fn toy(seed: u64) -> Rows {
        let mut rng = SplitMix::new(seed);
        let mut rows = Rows::new();
        for _ in 0..2000 {
            let content = rng.below(2) == 1;
            rows.feature(0, 1.0);
            rows.feature(if content { 1 } else { 2 }, 1.0);
            rows.feature(3 + rng.below(5) as u32, 1.0);
            rows.finish(if content { 1.0 } else { 0.0 }, 1.0);
        }
        rows
    }

    #[test]
    fn learns_a_separable_problem_and_zeroes_noise() {
        let rows = toy(7);
        let all: Vec<u32> = (0..rows.len() as u32).collect();
        let ftrl = Ftrl {
            l1: 5.0,
            ..Ftrl::default()
        };
        let w = ftrl.fit(&rows, &all, 8);
        assert!(w[1] > 1.0, "{w:?}");
        assert!(w[2] < -1.0, "{w:?}");
        let right = all
            .iter()
            .filter(|&&r| (logit(&w, &rows, r) > 0.0) == (rows.label(r) > 0.5))
            .count();
        assert_eq!(right, rows.len());
        // L1 cuts the noise features: most to exactly zero, all to almost.
        let noise = &w[3..];
        assert!(
            noise.iter().filter(|&&x| x == 0.0).count() >= noise.len() - 1,
            "{w:?}"
        );
        assert!(noise.iter().all(|&x| x.abs() < 0.01), "noise is cut: {w:?}");
    }

    #[test]
    fn fits_are_reproducible_from_the_seed() {
        let rows = toy(3);
        let all: Vec<u32> = (0..rows.len() as u32).collect();
        let a = Ftrl::default().fit(&rows, &all, 8);
        let b = Ftrl::default().fit(&rows, &all, 8);
        assert_eq!(a, b);
        let other = Ftrl {
            seed: 2,
            ..Ftrl::default()
        }
        .fit(&rows, &all, 8);
        assert_ne!(a, other, "the seed orders the rows");
    }

    #[test]
    fn discard_drops_the_row_being_built() {
        let mut rows = Rows::new();
        rows.feature(1, 1.0);
        rows.finish(1.0, 1.0);
        rows.feature(2, 1.0);
        rows.discard();
        rows.feature(3, 0.5);
        rows.finish(0.0, 2.0);
        assert_eq!(rows.row(1), (&[3u32][..], &[0.5f32][..]));
        assert_eq!(rows.weight(1), 2.0);
    }
}
