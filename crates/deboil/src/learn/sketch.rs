//! Pass 1's counting: the keys of a document (its folded lines and its
//! pairs of adjacent lines, each hashed with the document's group) and the
//! fixed-size [`CountMin`] sketch they are counted in. Memory here does not
//! grow with the corpus; pass 2 ([`super::Learner::scan`]) asks the sketch
//! which lines may reach their group's threshold.

use crate::document::trim_blank;
use crate::fold::fold_into;
use std::hash::BuildHasher;

/// A count-min sketch with conservative update: `depth` rows of `width`
/// 32-bit counters. An estimate is never below the true count and exceeds
/// it by more than `e / width × N` (N: all increments) with probability at
/// most `exp(-depth)`; conservative update (only the smallest counters are
/// raised) makes the excess much smaller in practice.
#[derive(Clone, Debug)]
pub struct CountMin {
    width_mask: u64,
    depth: usize,
    counts: Vec<u32>,
    total: u64,
}

impl CountMin {
    /// A sketch of `depth` rows of `width` counters (rounded up to a power of two).
    pub fn new(width: usize, depth: usize) -> CountMin {
        let width = width.max(64).next_power_of_two();
        let depth = depth.max(1);
        CountMin {
            width_mask: width as u64 - 1,
            depth,
            counts: vec![0; width * depth],
            total: 0,
        }
    }

    fn slot(&self, row: usize, key: u64) -> usize {
        // A different odd multiplier per row, then splitmix64's finalizer.
        let mut x = key ^ (row as u64 + 1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        x ^= x >> 31;
        row * (self.width_mask as usize + 1) + (x & self.width_mask) as usize
    }

    /// Counts `key` once.
    pub fn add(&mut self, key: u64) {
        self.total += 1;
        let est = self.estimate(key);
        for row in 0..self.depth {
            let s = self.slot(row, key);
            if self.counts[s] == est {
                self.counts[s] = est.saturating_add(1);
            }
        }
    }

    /// An upper bound of how often `key` was counted.
    pub fn estimate(&self, key: u64) -> u32 {
        (0..self.depth)
            .map(|row| self.counts[self.slot(row, key)])
            .min()
            .unwrap_or(0)
    }

    /// Memory held by the counters.
    pub fn bytes(&self) -> usize {
        self.counts.len() * 4
    }

    /// The additive error bound `e / width × N` for the increments so far.
    pub fn error_bound(&self) -> f64 {
        std::f64::consts::E / (self.width_mask + 1) as f64 * self.total as f64
    }
}

const HASH: foldhash::quality::FixedState =
    foldhash::quality::FixedState::with_seed(0x6465_626f_696c);

pub(super) fn group_hash(group: &str) -> u64 {
    HASH.hash_one(group)
}

pub(super) fn line_key(group: u64, folded: &str) -> u64 {
    HASH.hash_one((group, folded))
}

/// Stand-ins for the line before a document's first line and after its
/// last, so that sitting at the top or the bottom of documents is a context
/// like any neighbour (a footer's last line, a site name opening each page).
pub(super) const START: u64 = 0x0073_7461_7274; // "start"
pub(super) const END: u64 = 0x0065_6e64; // "end"

/// The key of two adjacent non-blank lines, in this order.
pub(super) fn pair_key(group: u64, first: u64, second: u64) -> u64 {
    HASH.hash_one((group, first, second))
}

/// The keys of one document for pass 1 (computed in parallel, then counted).
#[derive(Clone, Debug, Default)]
pub struct DocKeys {
    pub(super) group: u64,
    pub(super) keys: Vec<u64>,
}

impl DocKeys {
    /// The distinct line and adjacent-pair keys of one document of `group`.
    pub(super) fn of(group: &str, text: &str) -> DocKeys {
        let group = group_hash(group);
        let mut keys = Vec::new();
        let mut folded = String::new();
        let mut prev = START;
        for line in text.lines() {
            let t = trim_blank(line);
            if t.is_empty() {
                continue;
            }
            // Every line is counted (near-duplicates are told by all their
            // text); only countable lines can be learned.
            fold_into(t, &mut folded, usize::MAX);
            let key = line_key(group, &folded);
            keys.push(key);
            keys.push(pair_key(group, prev, key));
            prev = key;
        }
        if prev != START {
            keys.push(pair_key(group, prev, END));
        }
        keys.sort_unstable();
        keys.dedup();
        DocKeys { group, keys }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn count_min_never_undercounts_and_is_exact_when_sparse() {
        let mut cm = CountMin::new(1 << 10, 4);
        for k in 0..200u64 {
            for _ in 0..(k % 5) {
                cm.add(k);
            }
        }
        for k in 0..200u64 {
            assert!(u64::from(cm.estimate(k)) >= k % 5);
        }
        assert_eq!(cm.estimate(7), 2);
        assert!(cm.error_bound() > 0.0);
    }
}
