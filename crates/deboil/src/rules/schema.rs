//! The on-disk rule format: serde structs for one `rules/*.toml` file.
//!
//! These types mirror the TOML exactly (kebab-case keys, unknown keys are an
//! error) and keep source spans so that [`super::load`] can point at the line
//! and column of every problem. Validation happens in `load`, not here.

use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use std::fmt;
use toml::Spanned;

/// A rule file: a list of `[[rule]]` tables.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawFile {
    #[serde(default)]
    pub rule: Vec<Spanned<RawRule>>,
}

/// One `[[rule]]` table as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(crate) struct RawRule {
    pub id: Spanned<String>,
    pub category: Spanned<String>,
    pub summary: Spanned<String>,
    pub scope: Option<Spanned<String>>,
    #[serde(rename = "match")]
    pub match_mode: Option<Spanned<String>>,
    pub literals: Option<Spanned<Vec<String>>>,
    pub regex: Option<Spanned<String>>,
    pub heuristic: Option<Spanned<String>>,
    pub params: Option<Spanned<toml::Table>>,
    pub case_insensitive: Option<Spanned<bool>>,
    pub fold: Option<Spanned<bool>>,
    pub group: Option<Spanned<String>>,
    pub min_run: Option<Spanned<i64>>,
    pub max_line_chars: Option<Spanned<i64>>,
    pub skip_first_line: Option<Spanned<bool>>,
    pub tail_after: Option<Spanned<f64>>,
    pub tail_back_to_content: Option<Spanned<bool>>,
    pub content_line_chars: Option<Spanned<i64>>,
    pub tail_max_line_chars: Option<Spanned<i64>>,
    pub tail_max_prose_after: Option<Spanned<f64>>,
    pub tail_last_marker: Option<Spanned<bool>>,
    pub tail_thread: Option<Spanned<bool>>,
    pub profiles: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    pub remove: Vec<Spanned<RawExample>>,
    #[serde(default)]
    pub keep: Vec<Spanned<String>>,
}

impl RawRule {
    /// Whether a flag is set (flags default to `false`).
    pub fn flag(v: &Option<Spanned<bool>>) -> bool {
        v.as_ref().is_some_and(|b| *b.get_ref())
    }
}

/// A `remove` example: either a text the rule must remove entirely, or a
/// `{ text, output }` table giving the exact cleaned output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct RawExample {
    pub text: String,
    pub output: Option<String>,
}

impl<'de> Deserialize<'de> for RawExample {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<RawExample, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = RawExample;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, or a table { text = \"...\", output = \"...\" }")
            }

            fn visit_str<E: de::Error>(self, s: &str) -> Result<RawExample, E> {
                Ok(RawExample {
                    text: s.to_owned(),
                    output: None,
                })
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawExample, A::Error> {
                let (mut text, mut output) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "text" => text = Some(map.next_value::<String>()?),
                        "output" => output = Some(map.next_value::<String>()?),
                        other => return Err(de::Error::unknown_field(other, &["text", "output"])),
                    }
                }
                let text = text.ok_or_else(|| de::Error::missing_field("text"))?;
                let output = output.ok_or_else(|| de::Error::missing_field("output"))?;
                Ok(RawExample {
                    text,
                    output: Some(output),
                })
            }
        }
        d.deserialize_any(V)
    }
}
