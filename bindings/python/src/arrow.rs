//! Arrow buffers as the binding reads and writes them: the offsets and
//! data of a string array, passed as `bytes` (the package is built for the
//! stable ABI of CPython 3.10, which has no buffer protocol: pyarrow copies
//! a buffer into `bytes` once, and wraps `bytes` without a copy).

use pyo3::prelude::*;
use pyo3::types::PyBytes;

/// Arrow offsets (`i32` or, `wide`, `i64`, little-endian, as Arrow keeps
/// them) into `data`: each line's range, made relative to the first offset
/// (the caller passes the data from there). Offsets that go back or past
/// the data are refused, not trusted.
pub(crate) fn slices<'a>(
    data: &'a [u8],
    offsets: &[u8],
    wide: bool,
) -> Result<Vec<&'a [u8]>, String> {
    let width = if wide { 8 } else { 4 };
    if offsets.len() % width != 0 || offsets.is_empty() {
        return Err(format!(
            "{} bytes of offsets: not a whole number of {width}-byte offsets (at least one)",
            offsets.len()
        ));
    }
    let values: Vec<i64> = offsets
        .chunks_exact(width)
        .map(|c| match *c {
            [a, b, c, d] => i64::from(i32::from_le_bytes([a, b, c, d])),
            [a, b, c, d, e, f, g, h] => i64::from_le_bytes([a, b, c, d, e, f, g, h]),
            _ => -1,
        })
        .collect();
    let base = values[0];
    let mut lines = Vec::with_capacity(values.len() - 1);
    let at = |v: i64| v.checked_sub(base).and_then(|v| usize::try_from(v).ok());
    for (i, w) in values.windows(2).enumerate() {
        match (at(w[0]), at(w[1])) {
            (Some(start), Some(end)) if start <= end && end <= data.len() => {
                lines.push(&data[start..end]);
            }
            _ => {
                return Err(format!(
                    "line {i}: offsets {}..{} outside the {} bytes of data",
                    w[0],
                    w[1],
                    data.len()
                ));
            }
        }
    }
    Ok(lines)
}

/// The offsets of a string array being written, in Arrow's layout (`i32`,
/// or `i64` when `wide`, little-endian), from the lengths of its values.
pub(crate) struct Offsets {
    wide: bool,
    at: usize,
    bytes: Vec<u8>,
}

impl Offsets {
    /// Offsets for `n` values, starting at 0.
    pub(crate) fn new(wide: bool, n: usize) -> Offsets {
        let mut bytes = Vec::with_capacity((n + 1) * if wide { 8 } else { 4 });
        bytes.extend_from_slice(if wide { &[0; 8][..] } else { &[0; 4][..] });
        Offsets { wide, at: 0, bytes }
    }

    /// Ends the next value, `len` bytes long.
    pub(crate) fn push(&mut self, len: usize) {
        self.at += len;
        if self.wide {
            self.bytes
                .extend_from_slice(&(self.at as u64).to_le_bytes());
        } else {
            // Checked in `finish`: a narrow array past 2 GiB is refused.
            self.bytes
                .extend_from_slice(&(self.at as u32).to_le_bytes());
        }
    }

    /// The offsets, or `Err` when narrow ones cannot hold the data.
    pub(crate) fn finish(self) -> Result<Vec<u8>, ()> {
        if !self.wide && i32::try_from(self.at).is_err() {
            return Err(());
        }
        Ok(self.bytes)
    }
}

/// `parts` one after the other, written straight into a new `bytes`.
pub(crate) fn concat<'py, 'a>(
    py: Python<'py>,
    parts: impl Iterator<Item = &'a [u8]> + Clone,
) -> PyResult<Bound<'py, PyBytes>> {
    let len = parts.clone().map(<[u8]>::len).sum();
    PyBytes::new_with(py, len, |buf| {
        let mut pos = 0;
        for p in parts {
            buf[pos..pos + p.len()].copy_from_slice(p);
            pos += p.len();
        }
        Ok(())
    })
}

/// Little-endian bytes of `values`, as an Arrow buffer of `i64` or `f64`.
pub(crate) fn le_bytes<const N: usize>(values: impl Iterator<Item = [u8; N]>) -> Vec<u8> {
    values.flatten().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrow_offsets_are_read_and_checked() {
        let data = b"abcdef";
        let narrow: Vec<u8> = [2i32, 3, 3, 8]
            .iter()
            .flat_map(|v| v.to_le_bytes())
            .collect();
        // Relative to the first offset: the caller passes data from there.
        assert_eq!(
            slices(data, &narrow, false),
            Ok(vec![&b"a"[..], b"", b"bcdef"])
        );
        let wide: Vec<u8> = [0i64, 6].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(slices(data, &wide, true), Ok(vec![&b"abcdef"[..]]));
        let past: Vec<u8> = [0i32, 7].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert!(slices(data, &past, false).is_err());
        let back: Vec<u8> = [0i32, 4, 2].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert!(slices(data, &back, false).is_err());
        let below: Vec<u8> = [3i64, 1].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert!(slices(data, &below, true).is_err());
        assert!(slices(data, &[0, 0, 0], false).is_err());
        assert!(slices(data, &[], false).is_err());
    }

    #[test]
    fn offsets_are_written_in_either_width() {
        let mut narrow = Offsets::new(false, 2);
        narrow.push(3);
        narrow.push(0);
        let want: Vec<u8> = [0i32, 3, 3].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(narrow.finish(), Ok(want));
        let mut wide = Offsets::new(true, 1);
        wide.push(5);
        let want: Vec<u8> = [0i64, 5].iter().flat_map(|v| v.to_le_bytes()).collect();
        assert_eq!(wide.finish(), Ok(want));
        let mut big = Offsets::new(false, 1);
        big.push(1 << 31);
        assert!(big.finish().is_err());
    }
}
