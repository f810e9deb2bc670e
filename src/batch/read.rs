//! Reading one input file: size limit, binary sniffing, UTF-8 check.
//!
//! A UTF-8 byte-order mark is split off before cleaning (so it cannot make
//! the first line look different) and written back in front of the output.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// A readable text input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The text, without a byte-order mark.
    pub text: String,
    /// True when the file started with a UTF-8 byte-order mark.
    pub bom: bool,
}

/// Limits applied while reading.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Files larger than this are refused.
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions { max_bytes: 1 << 30 }
    }
}

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// The file could not be opened or read.
    Io(std::io::Error),
    /// The file holds NUL bytes near its start: not text.
    Binary,
    /// The file is larger than the limit.
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The bytes are not UTF-8.
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::Binary => write!(f, "binary file (NUL bytes), skipped"),
            ReadError::TooLarge { size, limit } => {
                write!(
                    f,
                    "file is {size} bytes, over the {limit}-byte limit (--max-size)"
                )
            }
            ReadError::NotUtf8 { offset } => {
                write!(f, "not valid UTF-8 (first bad byte at offset {offset})")
            }
        }
    }
}

impl std::error::Error for ReadError {}

/// How many leading bytes are checked for NUL, as ripgrep and git do.
const SNIFF: usize = 8192;

/// Decodes bytes already in memory.
pub fn decode(bytes: Vec<u8>) -> Result<Input, ReadError> {
    if memchr::memchr(0, &bytes[..bytes.len().min(SNIFF)]).is_some() {
        return Err(ReadError::Binary);
    }
    let bom = bytes.starts_with(b"\xEF\xBB\xBF");
    let mut bytes = bytes;
    if bom {
        bytes.drain(..3);
    }
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Input { text, bom }),
        Err(e) => Err(ReadError::NotUtf8 {
            offset: e.utf8_error().valid_up_to() + if bom { 3 } else { 0 },
        }),
    }
}

/// Reads and decodes one file.
pub fn read_input(path: &Path, opts: ReadOptions) -> Result<Input, ReadError> {
    let mut file = File::open(path).map_err(ReadError::Io)?;
    let size = file.metadata().map_err(ReadError::Io)?.len();
    if size > opts.max_bytes {
        return Err(ReadError::TooLarge {
            size,
            limit: opts.max_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(size as usize);
    // Read at most one byte past the limit: the file may grow while read.
    file.by_ref()
        .take(opts.max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(ReadError::Io)?;
    if bytes.len() as u64 > opts.max_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit: opts.max_bytes,
        });
    }
    decode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_is_split_off() {
        let input = decode(b"\xEF\xBB\xBFhello".to_vec()).unwrap();
        assert_eq!(
            input,
            Input {
                text: "hello".into(),
                bom: true
            }
        );
    }

    #[test]
    fn nul_means_binary() {
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00".to_vec()),
            Err(ReadError::Binary)
        ));
    }

    #[test]
    fn invalid_utf8_reports_offset() {
        assert!(matches!(
            decode(b"caf\xE9 au lait".to_vec()),
            Err(ReadError::NotUtf8 { offset: 3 })
        ));
    }
}
