//! Reading one input file: size limit, binary sniffing, decoding.
//!
//! UTF-8 is read as is. A UTF-8 byte-order mark is split off before cleaning
//! (so it cannot make the first line look different) and written back in
//! front of the output. Other encodings are decoded to UTF-8 (see
//! [`EncodingChoice`]): UTF-16 by its byte-order mark, anything else that is
//! not valid UTF-8 by a guess (chardetng, Firefox's detector). The encoding
//! is reported in [`Input::encoding`] and the output is UTF-8.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// The UTF-8 byte-order mark: set aside when a file is read (offsets
/// count from after it) and written back in front of its output.
pub const BOM: &[u8] = b"\xEF\xBB\xBF";

pub use encoding_rs::Encoding;

/// A readable text input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    /// The text, without a byte-order mark.
    pub text: String,
    /// True when the file started with a UTF-8 byte-order mark.
    pub bom: bool,
    /// When the bytes were not UTF-8: the encoding they were decoded from.
    pub encoding: Option<Decoded>,
}

/// How a non-UTF-8 input was decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decoded {
    /// The encoding's WHATWG name (`windows-1252`, `UTF-16LE`...).
    pub name: &'static str,
    /// How it was chosen.
    pub by: DecodedBy,
}

/// How the encoding of a non-UTF-8 input was chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecodedBy {
    /// A UTF-16 byte-order mark.
    Bom,
    /// A guess from the bytes (the input was not valid UTF-8).
    Guess,
    /// `--encoding`.
    Forced,
}

impl fmt::Display for Decoded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let by = match self.by {
            DecodedBy::Bom => "by its byte-order mark",
            DecodedBy::Guess => "guessed: not valid UTF-8",
            DecodedBy::Forced => "as forced by --encoding",
        };
        write!(f, "decoded from {} ({by}); output is UTF-8", self.name)
    }
}

/// Which encoding inputs are in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum EncodingChoice {
    /// UTF-8 (with or without a byte-order mark), UTF-16 with a byte-order
    /// mark, and otherwise a guess.
    #[default]
    Detect,
    /// Exactly this encoding (a byte-order mark still wins, as in browsers);
    /// bytes malformed in it are refused. `Force(UTF_8)` refuses non-UTF-8.
    Force(&'static Encoding),
}

impl EncodingChoice {
    /// `auto`, or a WHATWG label (`latin1`, `windows-1252`, `utf-16le`,
    /// `shift_jis`...).
    pub fn parse(label: &str) -> Option<EncodingChoice> {
        if label.eq_ignore_ascii_case("auto") {
            return Some(EncodingChoice::Detect);
        }
        Encoding::for_label(label.trim().as_bytes()).map(EncodingChoice::Force)
    }
}

/// Limits and choices applied while reading.
#[derive(Clone, Copy, Debug)]
pub struct ReadOptions {
    /// Files larger than this are refused.
    pub max_bytes: u64,
    /// Which encoding inputs are in.
    pub encoding: EncodingChoice,
}

impl Default for ReadOptions {
    fn default() -> ReadOptions {
        ReadOptions {
            max_bytes: 1 << 30,
            encoding: EncodingChoice::Detect,
        }
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
    /// The bytes are not UTF-8 (and UTF-8 was required).
    NotUtf8 {
        /// Offset of the first invalid byte.
        offset: usize,
    },
    /// The bytes are malformed in the encoding forced by `--encoding`.
    Malformed {
        /// The encoding's name.
        encoding: &'static str,
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
            ReadError::Malformed { encoding } => write!(
                f,
                "not valid {encoding} (--encoding): refused rather than decoded with replacement characters"
            ),
        }
    }
}

impl std::error::Error for ReadError {}

/// How many leading bytes are checked for NUL, as ripgrep and git do.
const SNIFF: usize = 8192;

/// Decodes bytes already in memory, requiring UTF-8 (review plans hash and
/// rewrite files byte for byte, so they only take UTF-8).
pub fn decode(bytes: Vec<u8>) -> Result<Input, ReadError> {
    decode_as(bytes, EncodingChoice::Force(encoding_rs::UTF_8))
}

/// Decodes bytes already in memory as `choice` says.
pub fn decode_as(bytes: Vec<u8>, choice: EncodingChoice) -> Result<Input, ReadError> {
    // A UTF-16 byte-order mark comes first: UTF-16 text is full of NULs.
    if let Some((enc, bom_len)) = Encoding::for_bom(&bytes) {
        if enc != encoding_rs::UTF_8 {
            if choice == EncodingChoice::Force(encoding_rs::UTF_8) {
                return Err(ReadError::NotUtf8 { offset: 0 });
            }
            return transcode(&bytes[bom_len..], enc, DecodedBy::Bom);
        }
    }
    if memchr::memchr(0, &bytes[..bytes.len().min(SNIFF)]).is_some() {
        return Err(ReadError::Binary);
    }
    let bom = bytes.starts_with(BOM);
    let mut bytes = bytes;
    if bom {
        bytes.drain(..BOM.len());
    }
    match choice {
        EncodingChoice::Force(enc) if enc != encoding_rs::UTF_8 && !bom => {
            transcode(&bytes, enc, DecodedBy::Forced)
        }
        _ => match String::from_utf8(bytes) {
            Ok(text) => Ok(Input {
                text,
                bom,
                encoding: None,
            }),
            Err(e) => {
                let offset = e.utf8_error().valid_up_to() + if bom { 3 } else { 0 };
                if bom || choice != EncodingChoice::Detect {
                    // A UTF-8 byte-order mark says UTF-8: broken UTF-8 stays
                    // an error rather than a guess.
                    return Err(ReadError::NotUtf8 { offset });
                }
                let bytes = e.into_bytes();
                let mut detector =
                    chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
                detector.feed(&bytes, true);
                let enc = detector.guess(None, chardetng::Utf8Detection::Deny);
                transcode(&bytes, enc, DecodedBy::Guess)
            }
        },
    }
}

fn transcode(bytes: &[u8], enc: &'static Encoding, by: DecodedBy) -> Result<Input, ReadError> {
    let Some(text) = enc.decode_without_bom_handling_and_without_replacement(bytes) else {
        return Err(ReadError::Malformed {
            encoding: enc.name(),
        });
    };
    let text = text.into_owned();
    if memchr::memchr(0, &text.as_bytes()[..text.len().min(SNIFF)]).is_some() {
        return Err(ReadError::Binary);
    }
    Ok(Input {
        text,
        bom: false,
        encoding: Some(Decoded {
            name: enc.name(),
            by,
        }),
    })
}

/// Reads and decodes one file.
pub fn read_input(path: &Path, opts: ReadOptions) -> Result<Input, ReadError> {
    let mut file = File::open(path).map_err(ReadError::Io)?;
    let meta = file.metadata().map_err(ReadError::Io)?;
    if meta.is_dir() {
        return Err(ReadError::Io(std::io::Error::other("is a directory")));
    }
    let size = meta.len();
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
    decode_as(bytes, opts.encoding)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detect(bytes: &[u8]) -> Result<Input, ReadError> {
        decode_as(bytes.to_vec(), EncodingChoice::Detect)
    }

    #[test]
    fn bom_is_split_off() {
        let input = decode(b"\xEF\xBB\xBFhello".to_vec()).unwrap();
        assert_eq!(
            input,
            Input {
                text: "hello".into(),
                bom: true,
                encoding: None,
            }
        );
    }

    #[test]
    fn nul_means_binary() {
        assert!(matches!(
            decode(b"PK\x03\x04\x00\x00".to_vec()),
            Err(ReadError::Binary)
        ));
        assert!(matches!(
            detect(b"PK\x03\x04\x00\x00"),
            Err(ReadError::Binary)
        ));
    }

    #[test]
    fn invalid_utf8_reports_offset_when_utf8_is_required() {
        assert!(matches!(
            decode(b"caf\xE9 au lait".to_vec()),
            Err(ReadError::NotUtf8 { offset: 3 })
        ));
        assert!(matches!(
            decode(b"\xFF\xFEh\0i\0".to_vec()),
            Err(ReadError::NotUtf8 { offset: 0 })
        ));
    }

    #[test]
    fn latin1_is_guessed_and_decoded() {
        let input = detect(b"Le caf\xE9 est d\xE9j\xE0 pr\xEAt, \xE9videmment.\n").unwrap();
        assert_eq!(input.text, "Le café est déjà prêt, évidemment.\n");
        let d = input.encoding.unwrap();
        assert_eq!((d.name, d.by), ("windows-1252", DecodedBy::Guess));
    }

    #[test]
    fn utf16_is_decoded_by_its_bom() {
        let mut le = vec![0xFF, 0xFE];
        let mut be = vec![0xFE, 0xFF];
        for u in "Caf\u{e9}\r\nTweet\n".encode_utf16() {
            le.extend(u.to_le_bytes());
            be.extend(u.to_be_bytes());
        }
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let input = detect(&bytes).unwrap();
            assert_eq!(input.text, "Caf\u{e9}\r\nTweet\n");
            assert!(!input.bom);
            assert_eq!(input.encoding.unwrap().name, name);
            assert_eq!(input.encoding.unwrap().by, DecodedBy::Bom);
        }
    }

    #[test]
    fn utf8_with_bom_stays_utf8_and_broken_utf8_after_a_bom_is_refused() {
        let input = detect(b"\xEF\xBB\xBFcaf\xC3\xA9").unwrap();
        assert_eq!((input.text.as_str(), input.bom), ("café", true));
        assert!(input.encoding.is_none());
        assert!(matches!(
            detect(b"\xEF\xBB\xBFcaf\xE9"),
            Err(ReadError::NotUtf8 { offset: 6 })
        ));
    }

    #[test]
    fn forced_encodings_decode_or_refuse() {
        let latin1 = EncodingChoice::parse("latin1").unwrap();
        let input = decode_as(b"caf\xE9".to_vec(), latin1).unwrap();
        assert_eq!(input.text, "café");
        assert_eq!(input.encoding.unwrap().by, DecodedBy::Forced);
        // Valid UTF-8 forced as Latin-1 is decoded as Latin-1: forcing means it.
        let input = decode_as("café".as_bytes().to_vec(), latin1).unwrap();
        assert_eq!(input.text, "cafÃ©");
        let sjis = EncodingChoice::parse("shift_jis").unwrap();
        assert!(matches!(
            decode_as(b"\x82\xA0\x82".to_vec(), sjis),
            Err(ReadError::Malformed {
                encoding: "Shift_JIS"
            })
        ));
        assert_eq!(EncodingChoice::parse("auto"), Some(EncodingChoice::Detect));
        assert_eq!(EncodingChoice::parse("no-such-encoding"), None);
    }
}
