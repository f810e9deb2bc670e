//! JSON Lines: cleaning the text field of one document per line, streaming.
//!
//! Each output line is the input object with its text field cleaned and a
//! `deboil` object added (or replaced): `bytes_in`, `bytes_out`,
//! `bytes_removed` and the `removals`, with byte offsets into the original
//! text. Every other field is copied as raw JSON, byte for byte and in its
//! place; only the text field's value is re-encoded.
//!
//! [`clean_stream`] reads lines in chunks of bounded size, cleans a chunk in
//! parallel (rayon) and writes it in input order before reading far ahead,
//! so memory depends on the chunk size, never on the corpus. A line that is
//! not a JSON object with a string text field is a [`LineError`], handled
//! per [`OnError`]; the line number always goes with it.

use crate::Engine;
use crate::render::json::{GuardRecord, RemovalRecord, guard_record, removal_records};
use rayon::prelude::*;
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::io::{self, BufRead, Write};

/// The key of the record added to every cleaned object.
pub const RECORD_KEY: &str = "deboil";

/// What to do with a line that cannot be cleaned.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnError {
    /// Copy the line to the output unchanged (the default: the output keeps
    /// one line per input line, so it still lines up with the input).
    #[default]
    Pass,
    /// Leave the line out of the output.
    Skip,
    /// Stop at the line.
    Fail,
}

/// Why a line was not cleaned.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LineError {
    /// Not JSON, or not an object.
    Malformed(String),
    /// The object has no text field.
    MissingField(String),
    /// The text field is not a string.
    NotAString {
        /// The field name.
        field: String,
        /// What it holds instead (`null`, `number`...).
        found: &'static str,
    },
    /// The text field occurs more than once: which one to clean is ambiguous.
    DuplicateField(String),
    /// The line is longer than the limit; it was not read into memory.
    TooLong {
        /// Its length.
        len: u64,
        /// The limit.
        limit: u64,
    },
}

impl fmt::Display for LineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LineError::Malformed(e) => write!(f, "not a JSON object: {e}"),
            LineError::MissingField(name) => write!(f, "no {name:?} field"),
            LineError::NotAString { field, found } => {
                write!(f, "field {field:?} is not a string (found {found})")
            }
            LineError::DuplicateField(name) => write!(f, "field {name:?} occurs more than once"),
            LineError::TooLong { len, limit } => write!(
                f,
                "line is {len} bytes, over the {limit}-byte limit (--max-size); not copied"
            ),
        }
    }
}

impl std::error::Error for LineError {}

/// What cleaning one line gave.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct LineStats {
    /// Bytes of the text field before cleaning.
    pub text_in: usize,
    /// Bytes of the text field after cleaning.
    pub text_out: usize,
    /// Bytes removed by rules.
    pub bytes_removed: usize,
    /// Number of removals.
    pub removals: usize,
}

/// The record added to each object.
#[derive(Serialize)]
struct Record<'a> {
    bytes_in: usize,
    bytes_out: usize,
    bytes_removed: usize,
    removals: Vec<RemovalRecord<'a>>,
    /// Set when the safety guard withheld heuristic removals.
    #[serde(skip_serializing_if = "Option::is_none")]
    guard: Option<GuardRecord>,
}

impl Record<'_> {
    /// Appends the record as JSON: the bytes serde_json writes for it (a
    /// test holds it to them), with its strings (the removed texts and
    /// their notes, most of a record) written by [`write_json_str`].
    fn write(&self, out: &mut Vec<u8>) {
        // Room for the record at once (before escaping, which only adds):
        // grown as it was written, the line's buffer, text and all, was
        // copied each time it doubled.
        let fields = |r: &RemovalRecord| {
            r.rule.len() + r.category.len() + r.text.len() + r.note.map_or(0, str::len) + 80
        };
        out.reserve(self.removals.iter().map(fields).sum::<usize>() + 128);
        // Writing to a `Vec` cannot fail.
        let _ = write!(
            out,
            "{{\"bytes_in\":{},\"bytes_out\":{},\"bytes_removed\":{},\"removals\":[",
            self.bytes_in, self.bytes_out, self.bytes_removed
        );
        for (i, r) in self.removals.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(b"{\"rule\":");
            write_json_str(out, r.rule);
            out.extend_from_slice(b",\"category\":");
            write_json_str(out, r.category);
            let _ = write!(out, ",\"start\":{},\"end\":{},\"text\":", r.start, r.end);
            write_json_str(out, r.text);
            if let Some(note) = r.note {
                out.extend_from_slice(b",\"note\":");
                write_json_str(out, note);
            }
            out.push(b'}');
        }
        out.push(b']');
        if let Some(guard) = &self.guard {
            out.extend_from_slice(b",\"guard\":");
            write_json(out, guard);
        }
        out.push(b'}');
    }
}

/// One JSON object's document: the text of its text field, and its group
/// (see [`document`]).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LineDoc<'a> {
    /// The text field's value.
    pub text: Cow<'a, str>,
    /// The group field's value: a URL's host, any other string as it is,
    /// another value as its JSON; `None` when there is no group field (or
    /// it holds `null`), or no group field was asked for.
    pub group: Option<String>,
}

/// The document of one JSON object (a line without its terminator): its
/// text field `field` and, with `group_by`, its group. This is the one
/// reading of a JSON line, shared by cleaning ([`clean_line`]) and learning,
/// so that rules learned for a group apply to the same documents.
pub fn document<'a>(
    line: &'a [u8],
    field: &str,
    group_by: Option<&str>,
) -> Result<LineDoc<'a>, LineError> {
    parse(line, field, group_by).map(|(_, doc)| doc)
}

fn parse<'a>(
    line: &'a [u8],
    field: &str,
    group_by: Option<&str>,
) -> Result<(Fields<'a>, LineDoc<'a>), LineError> {
    // As `serde_json::from_slice` reads: the object, then nothing but
    // white space after it.
    let mut de = serde_json::Deserializer::from_slice(line);
    let mut fields = FieldsOf { text: field }
        .deserialize(&mut de)
        .and_then(|fields| de.end().map(|()| fields))
        .map_err(|e| LineError::Malformed(short_error(&e)))?;
    if fields.texts > 1 {
        return Err(LineError::DuplicateField(field.to_owned()));
    }
    // Taken, not copied: the fields keep the others' raw values only.
    let text = match fields.text.take() {
        None => return Err(LineError::MissingField(field.to_owned())),
        Some(Err(found)) => {
            return Err(LineError::NotAString {
                field: field.to_owned(),
                found,
            });
        }
        Some(Ok(text)) => text,
    };
    let group = match group_by {
        Some(g) if g == field => {
            Some(crate::learn::url_host(&text).unwrap_or_else(|| text.to_string()))
        }
        Some(g) => fields.only(g)?.and_then(|raw| group_of(raw.get())),
        None => None,
    };
    Ok((fields, LineDoc { text, group }))
}

/// The group a group field's raw JSON value names.
fn group_of(raw: &str) -> Option<String> {
    if raw == "null" {
        return None;
    }
    let v = serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.to_owned());
    Some(crate::learn::url_host(&v).unwrap_or(v))
}

/// Cleans the text field `field` of one JSON object (a line without its
/// terminator) and appends the output line, with its `\n`, to `out`. With
/// `group_by`, the object's group (see [`document`]) selects the rules
/// restricted to a group (learned rules), as [`Engine::clean_in`] does.
pub fn clean_line(
    engine: &Engine,
    line: &[u8],
    field: &str,
    group_by: Option<&str>,
    out: &mut Vec<u8>,
) -> Result<LineStats, LineError> {
    let (fields, LineDoc { text, group }) = parse(line, field, group_by)?;
    let cleaned = engine.clean_in(&text, group.as_deref());
    out.reserve(line.len() + 64);
    out.push(b'{');
    // The text field (the one without a raw value) is there exactly once
    // (`parse` checked it).
    let mut bytes_out = 0;
    for (key, value) in fields.all.iter().filter(|(k, _)| k != RECORD_KEY) {
        if out.last() != Some(&b'{') {
            out.push(b',');
        }
        write_json(out, key);
        out.push(b':');
        if let Some(value) = value {
            out.extend_from_slice(value.get().as_bytes());
        } else {
            out.push(b'"');
            let mut w = JsonText {
                out: &mut *out,
                len: 0,
            };
            // Writing into a `Vec` cannot fail.
            let _ = cleaned.write_to(&mut w);
            bytes_out = w.len;
            out.push(b'"');
        }
    }
    let record = Record {
        bytes_in: text.len(),
        bytes_out,
        bytes_removed: cleaned.bytes_removed(),
        removals: removal_records(&cleaned),
        guard: guard_record(&cleaned),
    };
    let stats = LineStats {
        text_in: text.len(),
        text_out: bytes_out,
        bytes_removed: record.bytes_removed,
        removals: record.removals.len(),
    };
    if out.last() != Some(&b'{') {
        out.push(b',');
    }
    write_json(out, RECORD_KEY);
    out.push(b':');
    record.write(out);
    out.extend_from_slice(b"}\n");
    Ok(stats)
}

/// Serializing plain data into a `Vec` cannot fail.
fn write_json<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    let _ = serde_json::to_writer(&mut *out, value);
}

/// `s` as a JSON string, the same bytes as serde_json writes, eight bytes
/// at a time: a cleaned text is most of an output line, and serde_json
/// looks each of its bytes up in a table (2.5% of a balanced run).
fn write_json_str(out: &mut Vec<u8>, s: &str) {
    out.reserve(s.len() + 2);
    out.push(b'"');
    escape_json(out, s.as_bytes());
    out.push(b'"');
}

/// The inside of [`write_json_str`]: `bytes` escaped, without quotes. Each
/// byte's escape depends on the byte alone, so a string may be written in
/// pieces.
fn escape_json(out: &mut Vec<u8>, bytes: &[u8]) {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of a word that is below 0x20, a '"' or a
    // '\\', and perhaps of bytes above such a byte: the classic zero-byte
    // tests borrow only out of a real hit, so they never flag a byte below
    // the first one. The lowest flag is therefore a byte to escape, and
    // the scan goes on right after it (byte by byte to the end of the word
    // cost a text's every line break eight steps).
    let hits = |w: u64| {
        let zero = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
        (w.wrapping_sub(ONES * 0x20) & !w & HIGH)
            | zero(w ^ (ONES * u64::from(b'"')))
            | zero(w ^ (ONES * u64::from(b'\\')))
    };
    let escape = |out: &mut Vec<u8>, b: u8| {
        let e: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            _ => &[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(b >> 4)],
                HEX[usize::from(b & 15)],
            ],
        };
        out.extend_from_slice(e);
    };
    // Bytes before `clean` are written; `i` is where the scan is.
    let (mut clean, mut i) = (0, 0);
    while let Some(word) = bytes.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let h = hits(u64::from_le_bytes(w));
        if h == 0 {
            i += 8;
            continue;
        }
        let j = i + (h.trailing_zeros() / 8) as usize;
        out.extend_from_slice(&bytes[clean..j]);
        escape(out, bytes[j]);
        clean = j + 1;
        i = j + 1;
    }
    // The last bytes, fewer than a word.
    for (j, &b) in bytes.iter().enumerate().skip(i) {
        if b < 0x20 || b == b'"' || b == b'\\' {
            out.extend_from_slice(&bytes[clean..j]);
            escape(out, b);
            clean = j + 1;
        }
    }
    out.extend_from_slice(&bytes[clean..]);
}

/// Writes a cleaned text into a JSON string as [`Cleaned::write_to`] hands
/// it over, piece by piece, counting its bytes: the text goes from the
/// input into the output line, not through a `String` of its own first.
struct JsonText<'a> {
    out: &'a mut Vec<u8>,
    len: usize,
}

impl Write for JsonText<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        escape_json(self.out, buf);
        self.len += buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// serde_json's hex digits for `\u00XX` escapes: lower case.
const HEX: [u8; 16] = *b"0123456789abcdef";

/// serde_json's message without its trailing "at line 1 column N", which
/// would be misleading next to our own line number; the column is kept.
fn short_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    match msg.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &msg[..i], e.column()),
        None => msg,
    }
}

/// An object's fields in order, values left as raw JSON but the text
/// field's, which is decoded as it is read: read as raw JSON first, its
/// bytes were scanned twice.
struct Fields<'a> {
    /// Every field, its value as raw JSON (`None` for the text field).
    all: Vec<(Cow<'a, str>, Option<&'a RawValue>)>,
    /// The text field's string (the first, if it is given more than once),
    /// or what it holds instead; `parse` takes it out.
    text: Option<Result<Cow<'a, str>, &'static str>>,
    /// How many times the text field is given.
    texts: usize,
}

impl<'a> Fields<'a> {
    /// The raw value of `name` (not the text field); a field given twice is
    /// ambiguous.
    fn only(&self, name: &str) -> Result<Option<&'a RawValue>, LineError> {
        let mut found = None;
        for (key, value) in &self.all {
            if key == name {
                if found.is_some() {
                    return Err(LineError::DuplicateField(name.to_owned()));
                }
                found = *value;
            }
        }
        Ok(found)
    }
}

/// Reads an object's [`Fields`], given the name of its text field.
struct FieldsOf<'f> {
    text: &'f str,
}

impl<'de> DeserializeSeed<'de> for FieldsOf<'_> {
    type Value = Fields<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Fields<'de>, D::Error> {
        struct V<'f>(&'f str);
        impl<'de> Visitor<'de> for V<'_> {
            type Value = Fields<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
                let mut fields = Fields {
                    all: Vec::new(),
                    text: None,
                    texts: 0,
                };
                while let Some(Key(k)) = map.next_key()? {
                    if k == self.0 {
                        let TextValue(text) = map.next_value()?;
                        fields.text.get_or_insert(text);
                        fields.texts += 1;
                        fields.all.push((k, None));
                    } else {
                        fields.all.push((k, Some(map.next_value()?)));
                    }
                }
                Ok(fields)
            }
        }
        d.deserialize_map(V(self.text))
    }
}

/// The text field's value: its string (borrowed from the line unless it
/// holds escapes), or the kind of value it is instead.
struct TextValue<'a>(Result<Cow<'a, str>, &'static str>);

impl<'de> Deserialize<'de> for TextValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TextValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<TextValue<'de>, E> {
                Ok(TextValue(Ok(Cow::Borrowed(v))))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TextValue<'de>, E> {
                Ok(TextValue(Ok(Cow::Owned(v.to_owned()))))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<TextValue<'de>, E> {
                Ok(TextValue(Ok(Cow::Owned(v))))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TextValue<'de>, E> {
                Ok(TextValue(Err("null")))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<TextValue<'de>, E> {
                Ok(TextValue(Err("a boolean")))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<TextValue<'de>, E> {
                Ok(TextValue(Err("a number")))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<TextValue<'de>, E> {
                Ok(TextValue(Err("a number")))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<TextValue<'de>, E> {
                Ok(TextValue(Err("a number")))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextValue<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TextValue(Err("an object")))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TextValue<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TextValue(Err("an array")))
            }
        }
        d.deserialize_any(V)
    }
}

/// A key, borrowed from the line unless it holds escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// Settings of a stream.
#[derive(Clone, Debug)]
pub struct StreamOptions {
    /// The text field.
    pub field: String,
    /// The field naming each document's group (see [`document`]).
    pub group_by: Option<String>,
    /// What to do with lines that cannot be cleaned.
    pub on_error: OnError,
    /// Lines longer than this are not read into memory.
    pub max_line: u64,
    /// Input bytes per chunk cleaned in parallel; memory is a few chunks.
    pub chunk_bytes: usize,
}

impl Default for StreamOptions {
    fn default() -> StreamOptions {
        StreamOptions {
            field: "text".to_owned(),
            group_by: None,
            on_error: OnError::Pass,
            max_line: 1 << 30,
            // 1 MiB: at 2 MiB, `-j2` peaked 4 MB higher (a chunk being
            // cleaned, the next being read, the outputs) and ran no faster.
            chunk_bytes: 1 << 20,
        }
    }
}

/// Totals of one stream or several.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamStats {
    /// Lines read (the last line counts even without a terminator).
    pub lines: u64,
    /// Input bytes, terminators included.
    pub bytes_in: u64,
    /// Output bytes written.
    pub bytes_out: u64,
    /// Documents cleaned.
    pub documents: u64,
    /// Text bytes before cleaning, over all documents.
    pub text_in: u64,
    /// Text bytes after cleaning.
    pub text_out: u64,
    /// Bytes removed by rules.
    pub bytes_removed: u64,
    /// Lines that could not be cleaned.
    pub errors: u64,
}

/// Why a stream stopped.
#[derive(Debug)]
#[non_exhaustive]
pub enum StreamError {
    /// Reading or writing failed.
    Io(io::Error),
    /// A line could not be cleaned and the policy is [`OnError::Fail`].
    Line {
        /// 1-based line number.
        line: u64,
        /// Why.
        error: LineError,
    },
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Io(e) => write!(f, "{e}"),
            StreamError::Line { line, error } => write!(f, "line {line}: {error}"),
        }
    }
}

impl std::error::Error for StreamError {}

impl From<io::Error> for StreamError {
    fn from(e: io::Error) -> StreamError {
        StreamError::Io(e)
    }
}

/// One line as read: its bytes (terminator stripped) or, when it was
/// over the limit (and so not kept), how long it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RawLine {
    /// The line, without `\n` or `\r\n`.
    Line(Vec<u8>),
    /// A line over the limit: its length in bytes, terminator included.
    TooLong(u64),
}

/// Reads the next line into `buf` (without `\n` or `\r\n`), keeping at most
/// `limit` bytes. Returns `None` at the end of input, otherwise the line
/// and the number of bytes consumed.
fn read_line(r: &mut impl BufRead, limit: u64) -> io::Result<Option<(RawLine, u64)>> {
    let mut buf = Vec::new();
    let mut len: u64 = 0;
    let mut too_long = false;
    loop {
        let available = match r.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            if len == 0 {
                return Ok(None);
            }
            break;
        }
        let (take, done) = match memchr::memchr(b'\n', available) {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        len += take as u64;
        if !too_long {
            if len > limit.saturating_add(2) {
                too_long = true;
                buf = Vec::new();
            } else {
                buf.extend_from_slice(&available[..take]);
            }
        }
        r.consume(take);
        if done {
            break;
        }
    }
    if too_long {
        return Ok(Some((RawLine::TooLong(len), len)));
    }
    if buf.last() == Some(&b'\n') {
        buf.pop();
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
    }
    if buf.len() as u64 > limit {
        return Ok(Some((RawLine::TooLong(len), len)));
    }
    Ok(Some((RawLine::Line(buf), len)))
}

/// What cleaning one line of a chunk gave.
type Outcome = Result<(Vec<u8>, LineStats), (LineError, Option<Vec<u8>>)>;

/// Cleans a JSON Lines stream from `input` to `output`, adding its totals
/// to `stats` (which hold what was done even when the stream stops early).
///
/// `report(line, error)` is called, in order, for every line that cannot be
/// cleaned (1-based line numbers); `progress(bytes)` after each chunk with
/// the input bytes it held. Runs on the current rayon pool. Each line is
/// written with its own `write_all`: give it a buffered `output`.
pub fn clean_stream(
    engine: &Engine,
    input: &mut (impl BufRead + Send),
    output: &mut impl Write,
    opts: &StreamOptions,
    stats: &mut StreamStats,
    mut report: impl FnMut(u64, &LineError),
    mut progress: impl FnMut(u64),
) -> Result<(), StreamError> {
    let mut line_no = 0u64;
    let mut chunk = read_chunk(input, opts.max_line, opts.chunk_bytes)?;
    while !chunk.0.is_empty() {
        let (lines, chunk_bytes) = chunk;
        // The next chunk is read while this one is cleaned: reading would
        // otherwise leave the other workers idle.
        let (next, results) = rayon::join(
            || read_chunk(input, opts.max_line, opts.chunk_bytes),
            || clean_chunk(engine, lines, opts),
        );
        // Each line goes straight to `output` (buffered there): collecting
        // the chunk first would hold a third copy of it.
        for r in results {
            stats.lines += 1;
            line_no += 1;
            match r {
                Ok((buf, s)) => {
                    stats.documents += 1;
                    stats.text_in += s.text_in as u64;
                    stats.text_out += s.text_out as u64;
                    stats.bytes_removed += s.bytes_removed as u64;
                    output.write_all(&buf)?;
                    stats.bytes_out += buf.len() as u64;
                }
                Err((error, line)) => {
                    stats.errors += 1;
                    report(line_no, &error);
                    match (opts.on_error, line) {
                        (OnError::Fail, _) => {
                            output.flush()?;
                            return Err(StreamError::Line {
                                line: line_no,
                                error,
                            });
                        }
                        (OnError::Pass, Some(line)) => {
                            output.write_all(&line)?;
                            output.write_all(b"\n")?;
                            stats.bytes_out += line.len() as u64 + 1;
                        }
                        (OnError::Pass | OnError::Skip, _) => {}
                    }
                }
            }
        }
        stats.bytes_in += chunk_bytes;
        progress(chunk_bytes);
        chunk = next?;
    }
    output.flush()?;
    Ok(())
}

/// Cleans the lines of a chunk in parallel; the outcomes come in line
/// order. The longest lines start first: a chunk ends when its last line
/// is done, and a long line started last would leave the other workers
/// waiting for it.
fn clean_chunk(engine: &Engine, lines: Vec<RawLine>, opts: &StreamOptions) -> Vec<Outcome> {
    let len = |r: &RawLine| match r {
        RawLine::Line(l) => l.len(),
        RawLine::TooLong(_) => 0,
    };
    let mut order: Vec<(usize, RawLine)> = lines.into_iter().enumerate().collect();
    // Stable, so the work comes in the same order on every run.
    order.sort_by_key(|(_, r)| std::cmp::Reverse(len(r)));
    let mut done: Vec<(usize, Outcome)> = order
        .into_par_iter()
        .map(|(i, r)| (i, clean_read(engine, r, opts)))
        .collect();
    done.sort_unstable_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, o)| o).collect()
}

/// Reads lines until the chunk holds about `chunk_bytes` bytes (at least
/// one line, unless the input is at its end); returns them and the bytes
/// they took. A line over `max_line` bytes is not kept in memory. The one
/// line reader of JSON Lines, for cleaning and for learning.
pub fn read_chunk(
    input: &mut impl BufRead,
    max_line: u64,
    chunk_bytes: usize,
) -> io::Result<(Vec<RawLine>, u64)> {
    let mut lines = Vec::new();
    let mut bytes = 0u64;
    while lines.is_empty() || bytes < chunk_bytes as u64 {
        let Some((line, len)) = read_line(input, max_line)? else {
            break;
        };
        bytes += len;
        lines.push(line);
    }
    Ok((lines, bytes))
}

fn clean_read(engine: &Engine, read: RawLine, opts: &StreamOptions) -> Outcome {
    match read {
        RawLine::TooLong(len) => Err((
            LineError::TooLong {
                len,
                limit: opts.max_line,
            },
            None,
        )),
        RawLine::Line(line) => {
            let mut buf = Vec::new();
            match clean_line(
                engine,
                &line,
                &opts.field,
                opts.group_by.as_deref(),
                &mut buf,
            ) {
                Ok(s) => Ok((buf, s)),
                Err(e) => Err((e, Some(line))),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> Engine {
        Engine::builtin().unwrap()
    }

    fn clean(line: &str) -> Result<String, LineError> {
        let mut out = Vec::new();
        clean_line(&engine(), line.as_bytes(), "text", None, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    /// What `write_json_str` writes for `s`.
    fn json_str(s: &str) -> String {
        let mut out = Vec::new();
        write_json_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_written_as_serde_json_writes_them() {
        let every_control: String = (0u8..0x20).map(char::from).collect();
        for s in [
            "",
            "plain text, long enough to span several words of eight bytes",
            "\"quoted\" and back\\slashed",
            "line\nbreaks\r\nand\ttabs",
            every_control.as_str(),
            "\u{7f}\u{80} caf\u{e9} \u{2028}\u{2029} 日本 \u{1f600}",
            // A hit at every position of an eight-byte word, and a ' '
            // (0x20) above a control byte, where the word test may flag a
            // byte that needs nothing.
            "\u{1f} !\"#$%&'\\x",
            "abcdefg\"",
            "abcdefgh\n",
        ] {
            assert_eq!(json_str(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    proptest::proptest! {
        /// A text handed over in pieces, cut anywhere (inside a character
        /// too), is written as serde_json writes it whole, and counted.
        #[test]
        fn a_text_written_in_pieces_is_the_string_serde_json_writes(
            s in "\\PC{0,40}|[ a\"\\\\\\x00-\\x1f\u{e9}]{0,24}",
            cuts in proptest::collection::vec(0usize..200, 0..6),
        ) {
            let bytes = s.as_bytes();
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c % (bytes.len() + 1)).collect();
            cuts.sort_unstable();
            let mut out = vec![b'"'];
            let mut w = JsonText { out: &mut out, len: 0 };
            let mut at = 0;
            for c in cuts.into_iter().chain([bytes.len()]) {
                w.write_all(&bytes[at..c]).unwrap();
                at = c;
            }
            proptest::prop_assert_eq!(w.len, bytes.len());
            out.push(b'"');
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }

        /// A record is written as serde_json writes it: removals with and
        /// without notes, strings to escape, with and without a guard.
        #[test]
        fn records_are_written_as_serde_json_writes_them(
            numbers in proptest::collection::vec(0usize..100_000, 3),
            removals in proptest::collection::vec(
                ("[a-z-]{1,12}", "[a-z]{1,8}", 0usize..5000, 0usize..5000, "\\PC{0,20}|[ \"\\\\\\x00-\\x1f]{0,8}", proptest::option::of("\\PC{0,30}")),
                0..5,
            ),
            guard in proptest::option::of((0f64..1.0, 0f64..1.0, 0f64..1.0)),
        ) {
            let record = Record {
                bytes_in: numbers[0],
                bytes_out: numbers[1],
                bytes_removed: numbers[2],
                removals: removals
                    .iter()
                    .map(|(rule, category, start, end, text, note)| RemovalRecord {
                        rule,
                        category,
                        start: *start,
                        end: *end,
                        text,
                        note: note.as_deref(),
                    })
                    .collect(),
                guard: guard.map(|(would_remove, limit, removes)| GuardRecord { would_remove, limit, removes }),
            };
            let mut out = Vec::new();
            record.write(&mut out);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&record).unwrap());
        }

        #[test]
        fn any_string_is_written_as_serde_json_writes_it(s in "[\\x00-\\x7f]{0,40}|\\PC{0,40}|[a \\x00-\\x1f\"\\\\é]{0,40}") {
            proptest::prop_assert_eq!(json_str(&s), serde_json::to_string(&s).unwrap());
        }
    }

    #[test]
    fn a_chunk_comes_out_in_line_order_whatever_its_lengths() {
        // Longest first in the work, but each outcome in its line's place:
        // lengths that rise, fall and tie, an error among them.
        let texts = [
            "a",
            "bb bb",
            "Share on Facebook",
            "c",
            "dd dd dd dd dd",
            "bb bb",
        ];
        let mut lines: Vec<RawLine> = texts
            .iter()
            .map(|t| RawLine::Line(format!(r#"{{"text":"{t}"}}"#).into_bytes()))
            .collect();
        lines.insert(2, RawLine::TooLong(99));
        let (engine, opts) = (engine(), StreamOptions::default());
        let expected: Vec<Outcome> = lines
            .iter()
            .map(|r| clean_read(&engine, r.clone(), &opts))
            .collect();
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .unwrap();
        let got = pool.install(|| clean_chunk(&engine, lines, &opts));
        assert_eq!(format!("{got:?}"), format!("{expected:?}"));
    }

    #[test]
    fn other_fields_are_kept_raw_and_in_place() {
        let got = clean(
            r#"{"id":1.50e2, "text":"Body.\nShare on Facebook\n", "meta":{"b":[1, 2],"a":"\u00e9"}}"#,
        )
        .unwrap();
        assert!(
            got.starts_with(
                r#"{"id":1.50e2,"text":"Body.\n","meta":{"b":[1, 2],"a":"\u00e9"},"deboil":{"bytes_in":24,"bytes_out":6,"bytes_removed":18,"removals":[{"rule":"#
            ),
            "{got}"
        );
        assert!(got.ends_with("}]}}\n"), "{got}");
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["deboil"]["removals"][0]["text"], "Share on Facebook\n");
    }

    #[test]
    fn an_existing_record_is_replaced() {
        let got = clean(r#"{"deboil":{"old":true},"text":"Body."}"#).unwrap();
        assert_eq!(
            got,
            "{\"text\":\"Body.\\n\",\"deboil\":{\"bytes_in\":5,\"bytes_out\":6,\"bytes_removed\":0,\"removals\":[]}}\n"
        );
    }

    #[test]
    fn bad_lines_say_why() {
        assert!(matches!(clean("{"), Err(LineError::Malformed(_))));
        assert!(matches!(clean("[1]"), Err(LineError::Malformed(_))));
        assert_eq!(
            clean(r#"{"body":"x"}"#),
            Err(LineError::MissingField("text".into()))
        );
        assert_eq!(
            clean(r#"{"text":null}"#),
            Err(LineError::NotAString {
                field: "text".into(),
                found: "null"
            })
        );
        assert_eq!(
            clean(r#"{"text":"a","text":"b"}"#),
            Err(LineError::DuplicateField("text".into()))
        );
        // Each kind of value the text field may hold instead, named as
        // its first byte says (nested values read through).
        for (value, found) in [
            ("true", "a boolean"),
            ("false", "a boolean"),
            ("-1.5e3", "a number"),
            ("18446744073709551615", "a number"),
            (r#"{"a":[1,{"b":"c"}]}"#, "an object"),
            (r#"[[],{"x":null}]"#, "an array"),
        ] {
            assert_eq!(
                clean(&format!(r#"{{"text":{value},"id":1}}"#)),
                Err(LineError::NotAString {
                    field: "text".into(),
                    found
                }),
                "{value}"
            );
        }
        // The whole line is read first: malformed JSON after the text field
        // is malformed, whatever the field holds; so is anything after the
        // object.
        for line in [
            r#"{"text":"a","text":"b","id":}"#,
            r#"{"text":5,"id":"#,
            r#"{"text":"a"} x"#,
        ] {
            assert!(
                matches!(clean(line), Err(LineError::Malformed(_))),
                "{line}"
            );
        }
    }

    #[test]
    fn the_group_may_be_the_text_field_itself() {
        let line = r#"{"text":"https:\/\/news.example.com\/a","url":"https://b.example.org/"}"#;
        let group = |g| document(line.as_bytes(), "text", Some(g)).map(|d| d.group);
        assert_eq!(group("text"), Ok(Some("news.example.com".into())));
        assert_eq!(group("url"), Ok(Some("b.example.org".into())));
        let doc = document(
            br#"{"text":"Plain words","text2":"x"}"#,
            "text",
            Some("text"),
        );
        assert_eq!(doc.map(|d| d.group), Ok(Some("Plain words".into())));
    }

    fn stream(input: &str, on_error: OnError, chunk_bytes: usize) -> (String, Vec<u64>, bool) {
        let opts = StreamOptions {
            on_error,
            chunk_bytes,
            max_line: 64,
            ..StreamOptions::default()
        };
        let mut out = Vec::new();
        let mut bad = Vec::new();
        let r = clean_stream(
            &engine(),
            &mut input.as_bytes(),
            &mut out,
            &opts,
            &mut StreamStats::default(),
            |n, _| bad.push(n),
            |_| {},
        );
        (String::from_utf8(out).unwrap(), bad, r.is_ok())
    }

    #[test]
    fn stream_keeps_order_and_reports_bad_lines_by_number() {
        let long = format!("{{\"text\":\"{}\"}}", "x".repeat(100));
        let input = format!(
            "{{\"text\":\"a\"}}\nnot json\r\n{long}\n{{\"text\":\"Tweet\"}}\n{{\"text\":\"b\"}}"
        );
        for chunk in [1, 7, 1 << 20] {
            let (out, bad, ok) = stream(&input, OnError::Pass, chunk);
            assert!(ok);
            assert_eq!(bad, [2, 3]);
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), 4, "{out}");
            assert!(lines[0].starts_with(r#"{"text":"a\n""#));
            assert_eq!(lines[1], "not json");
            assert!(lines[2].starts_with(r#"{"text":"""#));
            assert!(lines[3].starts_with(r#"{"text":"b\n""#));

            let (out, bad, ok) = stream(&input, OnError::Skip, chunk);
            assert!(ok);
            assert_eq!(bad, [2, 3]);
            assert_eq!(out.lines().count(), 3);

            let (out, bad, ok) = stream(&input, OnError::Fail, chunk);
            assert!(!ok);
            assert_eq!(bad, [2]);
            assert_eq!(out.lines().count(), 1);
        }
    }

    /// Input that breaks after some lines: every line read before is
    /// cleaned and written, then the error is returned.
    #[test]
    fn a_read_error_keeps_what_was_read_before() {
        struct Broken;
        impl std::io::Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk gone"))
            }
        }
        let lines = "{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\":\"c\"}\n";
        for chunk in [1, 7, 1 << 20] {
            let opts = StreamOptions {
                chunk_bytes: chunk,
                ..StreamOptions::default()
            };
            let mut input = std::io::BufReader::new(std::io::Read::chain(lines.as_bytes(), Broken));
            let mut out = Vec::new();
            let mut stats = StreamStats::default();
            let r = clean_stream(
                &engine(),
                &mut input,
                &mut out,
                &opts,
                &mut stats,
                |_, _| {},
                |_| {},
            );
            assert!(matches!(r, Err(StreamError::Io(_))), "chunk {chunk}: {r:?}");
            let out = String::from_utf8(out).unwrap();
            // A chunk that reaches the error is lost whole; with a line a
            // chunk (the small sizes), the three were read before it.
            let written = if chunk < 1 << 20 { 3 } else { 0 };
            assert_eq!(out.lines().count(), written, "chunk {chunk}: {out}");
            assert_eq!(stats.lines, written as u64);
        }
    }
}
