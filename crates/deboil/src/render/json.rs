//! The JSON record of a cleaned document: one object per file, with byte
//! counts and every removal (`rule`, `category`, `start`, `end`, `text`,
//! and `note` when a heuristic gave one). Offsets are byte offsets into the
//! input, as everywhere in deboil.

use crate::removal::Cleaned;
use serde::Serialize;

/// One removal as serialized.
#[derive(Debug, Serialize)]
pub struct RemovalRecord<'a> {
    /// Rule id.
    pub rule: &'a str,
    /// Rule category.
    pub category: &'a str,
    /// First byte removed.
    pub start: usize,
    /// One past the last byte removed.
    pub end: usize,
    /// The removed text.
    pub text: &'a str,
    /// Why a heuristic removed it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
}

/// What the safety guard did to a document.
#[derive(Debug, Serialize)]
pub struct GuardRecord {
    /// Share of the non-blank text all rules together would have removed.
    pub would_remove: f64,
    /// The limit.
    pub limit: f64,
    /// Share removed after withholding the heuristic removals.
    pub removes: f64,
}

/// The record of one document.
#[derive(Debug, Serialize)]
pub struct FileRecord<'a> {
    /// Always `"file"`, so records can be told from summaries in a stream.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The input path (`-` for standard input).
    pub path: &'a str,
    /// Input size.
    pub bytes_in: usize,
    /// Output size.
    pub bytes_out: usize,
    /// Bytes removed by rules (layout normalization aside).
    pub bytes_removed: usize,
    /// The removals, in order.
    pub removals: Vec<RemovalRecord<'a>>,
    /// Set when the safety guard withheld heuristic removals.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub guard: Option<GuardRecord>,
    /// The encoding the input was decoded from, when it was not UTF-8
    /// (offsets are into the decoded UTF-8 text).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    /// The cleaned text, when it is not written elsewhere.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
}

/// What the safety guard did, when it withheld anything.
pub fn guard_record(cleaned: &Cleaned<'_>) -> Option<GuardRecord> {
    cleaned.guard().map(|g| GuardRecord {
        would_remove: g.would_remove,
        limit: g.limit,
        removes: g.removes,
    })
}

/// The removals of a cleaned document, as records.
pub fn removal_records<'a>(cleaned: &'a Cleaned<'a>) -> Vec<RemovalRecord<'a>> {
    cleaned
        .removals()
        .iter()
        .map(|r| {
            let rule = cleaned.rules().get(r.rule);
            RemovalRecord {
                rule: &rule.id,
                category: &rule.category,
                start: r.span.start,
                end: r.span.end,
                text: cleaned.removed_text(r),
                note: r.note.as_deref(),
            }
        })
        .collect()
}

/// The record of one document; `with_output` embeds the cleaned text.
pub fn file_record<'a>(
    cleaned: &'a Cleaned<'a>,
    path: &'a str,
    with_output: bool,
) -> FileRecord<'a> {
    let output = cleaned.output();
    FileRecord {
        kind: "file",
        path,
        bytes_in: cleaned.input().len(),
        bytes_out: output.len(),
        bytes_removed: cleaned.bytes_removed(),
        removals: removal_records(cleaned),
        guard: guard_record(cleaned),
        encoding: None,
        output: with_output.then_some(output),
    }
}
