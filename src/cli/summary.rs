//! The end-of-run summary of `clean`: one line on standard error (unless `-q`),
//! and with `--json` one `{"type":"summary",...}` record, so that a stream
//! of per-file records (each `"type":"file"`) ends with its totals.

use serde::Serialize;
use std::time::Duration;

/// Totals of a `clean` run over files or JSON Lines.
#[derive(Debug, Default, Serialize)]
pub struct Summary {
    /// Always `"summary"`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// `"files"` or `"jsonl"`.
    pub mode: &'static str,
    /// Files cleaned and written (file mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub files: Option<u64>,
    /// Files whose output was already up to date (file mode, `--out`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub up_to_date: Option<u64>,
    /// Files skipped as binary (file mode).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub skipped: Option<u64>,
    /// Files decoded from another encoding than UTF-8 (file mode; each one
    /// is named in a warning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decoded: Option<u64>,
    /// Lines read (JSON Lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<u64>,
    /// Documents cleaned (JSON Lines).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub documents: Option<u64>,
    /// Input bytes read (files, or whole lines for JSON Lines).
    pub bytes_read: u64,
    /// Text bytes cleaned.
    pub bytes_in: u64,
    /// Text bytes kept.
    pub bytes_out: u64,
    /// Share of the cleaned text removed, in percent.
    pub removed_percent: f64,
    /// Files or lines that could not be cleaned.
    pub errors: u64,
    /// Wall time.
    pub seconds: f64,
    /// Input megabytes (10^6 bytes) per wall second.
    pub mb_per_s: f64,
}

impl Summary {
    /// Fills the derived numbers from the counts and the elapsed time.
    pub fn finish(mut self, elapsed: Duration) -> Summary {
        self.kind = "summary";
        self.seconds = elapsed.as_secs_f64();
        self.removed_percent = if self.bytes_in > 0 {
            100.0 * self.bytes_in.saturating_sub(self.bytes_out) as f64 / self.bytes_in as f64
        } else {
            0.0
        };
        self.mb_per_s = self.bytes_read as f64 / 1e6 / self.seconds.max(1e-9);
        self
    }

    /// The human line.
    pub fn line(&self) -> String {
        let mb = |b: u64| b as f64 / 1e6;
        let what = match (self.files, self.documents) {
            (Some(f), _) => format!("{f} files"),
            (None, Some(d)) => format!("{d} documents"),
            (None, None) => String::new(),
        };
        let mut extra = String::new();
        if let Some(l) = self.lines {
            extra.push_str(&format!(", {l} lines"));
        }
        if let Some(s) = self.skipped {
            extra.push_str(&format!(", {s} skipped"));
        }
        if let Some(u) = self.up_to_date {
            extra.push_str(&format!(", {u} up to date"));
        }
        if let Some(d) = self.decoded {
            extra.push_str(&format!(", {d} decoded to UTF-8"));
        }
        format!(
            "cleaned {what} ({:.1} MB -> {:.1} MB, {:.1}% removed){extra}, {} errors in {:.2}s ({:.1} MB/s)",
            mb(self.bytes_in),
            mb(self.bytes_out),
            self.removed_percent,
            self.errors,
            self.seconds,
            self.mb_per_s,
        )
    }

    /// The JSON record.
    pub fn json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_record() {
        let s = Summary {
            mode: "files",
            files: Some(3),
            skipped: Some(1),
            up_to_date: Some(2),
            bytes_read: 2_000_000,
            bytes_in: 2_000_000,
            bytes_out: 1_500_000,
            errors: 0,
            ..Summary::default()
        }
        .finish(Duration::from_secs(2));
        assert_eq!(
            s.line(),
            "cleaned 3 files (2.0 MB -> 1.5 MB, 25.0% removed), 1 skipped, 2 up to date, 0 errors in 2.00s (1.0 MB/s)"
        );
        assert!(s.json().starts_with(r#"{"type":"summary","mode":"files","files":3,"up_to_date":2,"skipped":1,"bytes_read":2000000"#));
    }
}
