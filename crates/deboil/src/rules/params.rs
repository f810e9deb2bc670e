//! The heuristic stages' parameters, as data: what `[rule.params]` may set
//! for each stage, with its defaults.
//!
//! Only the data is here. The stages' code (`apply`, scoring, `decide`) is
//! in `crate::stages`, as `impl` blocks on these types, and their public
//! paths are there too (`deboil::stages::RepeatedLine`, ...).

use serde::{Deserialize, Serialize};

/// Parameters of the `repeated-line` heuristic.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RepeatedLine {
    /// Lines shorter than this (in characters, trimmed) are never duplicates:
    /// short lines such as "Yes." or "* * *" legitimately repeat.
    pub min_chars: usize,
    /// Lines with fewer words are never duplicates.
    pub min_words: usize,
    /// The earlier copy must be at most this many non-blank lines before.
    pub max_distance: usize,
}

impl Default for RepeatedLine {
    fn default() -> RepeatedLine {
        RepeatedLine {
            min_chars: 25,
            min_words: 4,
            max_distance: 5,
        }
    }
}

/// Parameters of the `repeated-block` heuristic.
///
/// Pages print whole blocks twice — a menu for mobile and for desktop, a
/// footer column, sometimes the article itself. A block of several lines
/// repeated verbatim is never new text, wherever its first copy is.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct RepeatedBlock {
    /// Fewest non-blank lines in the block.
    pub min_lines: usize,
    /// Fewest characters in the block (trimmed lines).
    pub min_chars: usize,
    /// A repeat whose copies both have at least this share of the page's
    /// prose on each side is kept: repeated furniture (a menu, a footer)
    /// has a copy outside the text, while a block printed twice inside it
    /// (the same step in two tabs of a how-to) is content. 0 turns it off.
    pub embedded_share: f64,
}

impl Default for RepeatedBlock {
    fn default() -> RepeatedBlock {
        RepeatedBlock {
            min_lines: 2,
            min_chars: 40,
            embedded_share: 0.0,
        }
    }
}

/// Parameters of the `menu-run` heuristic.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct MenuRun {
    /// Fewest consecutive menu-like lines (blank lines between them allowed)
    /// that make a run. Short lists inside articles are shorter than menus.
    pub min_lines: usize,
    /// Most words in a menu item.
    pub max_words: usize,
    /// Most characters in a menu item (trimmed).
    pub max_chars: usize,
    /// A run with at least this share of the page's prose on each side of
    /// it, and no line another rule claimed, is a list inside the content
    /// (product options, the items a paragraph introduces), not a menu.
    /// Menus sit before or after the prose, or carry known navigation items.
    /// 0 turns the test off.
    pub embedded_share: f64,
}

impl Default for MenuRun {
    fn default() -> MenuRun {
        MenuRun {
            min_lines: 6,
            max_words: 3,
            max_chars: 30,
            embedded_share: 0.0,
        }
    }
}

/// Parameters of the `content-classifier` heuristic.
#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct ContentClassifier {
    /// Which shipped model scores the lines.
    pub model: String,
    /// Added to every line's log-odds of being content: higher keeps more.
    pub bias: f32,
    /// Cost of switching between content and debris along the document, in
    /// log-odds units weighted by line size: higher smooths more.
    pub switch_penalty: f32,
    /// Keep a heading-like line (a few words, no menu separators) that
    /// directly precedes a content run: a title or subheading scores like
    /// a menu item on its own, but its position says otherwise.
    pub keep_headings: bool,
    /// A line that reads as a full sentence (ten words or more, ending in
    /// sentence punctuation) is removed only when its own probability of
    /// being content is below this, whatever the smoothing says: debris
    /// around a sentence is weak evidence against it.
    pub prose_floor: f32,
}

impl Default for ContentClassifier {
    fn default() -> ContentClassifier {
        ContentClassifier {
            model: "content-v1".into(),
            bias: 0.0,
            switch_penalty: 1.0,
            keep_headings: true,
            prose_floor: 0.0,
        }
    }
}

/// Parameters of the `content-model` heuristic.
#[derive(Clone, Debug, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct ContentModel {
    /// Which shipped model scores the lines.
    pub model: String,
    /// Added to every line's log-odds of being content: higher keeps more.
    pub bias: f32,
    /// Cost of switching between content and debris along the document, in
    /// log-odds units weighted by line size (0: no smoothing).
    pub switch_penalty: f32,
    /// Keep a heading-like line right before a content run.
    pub keep_headings: bool,
    /// A full sentence (ten words or more, sentence punctuation at the end)
    /// is removed only when its probability of being content is below this.
    pub prose_floor: f32,
    /// A document is "mostly prose" when at least this share of the words
    /// the earlier stages left sits in full sentences: text an extractor
    /// already cleaned, or an article with little furniture. There the
    /// model has little to find and much to lose.
    pub prose_share: f32,
    /// Added to `bias` in a mostly-prose document.
    pub prose_bias: f32,
    /// A document with at most this many lines left by the earlier stages
    /// is short: every line of it that ends a sentence stays. A few lines
    /// give the model too little page to read them against.
    pub short_rows: usize,
}

impl Default for ContentModel {
    fn default() -> ContentModel {
        ContentModel {
            model: "content-v4".into(),
            bias: 0.0,
            switch_penalty: 0.0,
            keep_headings: true,
            prose_floor: 0.0,
            prose_share: 0.9,
            prose_bias: 0.0,
            short_rows: 8,
        }
    }
}
