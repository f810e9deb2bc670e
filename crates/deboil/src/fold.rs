//! Line folding: the normal form under which `learn` counts lines and
//! `fold = true` rules match them.
//!
//! A line is folded by trimming it, lowercasing it (Unicode), collapsing
//! every run of whitespace to one space and every run of digits to one `0`.
//! So "© 2019  Example Corp" and "© 2024 example corp" fold to the same
//! key, "© 0 example corp", and a rule learned from one matches the other.

use crate::document::is_blank_char;

/// Folds `line` into `out` (cleared first). Returns `false`, leaving `out`
/// partial, as soon as the folded form would exceed `limit` bytes: a caller
/// looking lines up in a table of folded literals stops there.
pub fn fold_into(line: &str, out: &mut String, limit: usize) -> bool {
    out.clear();
    let mut space = false;
    let mut digit = false;
    for c in line.trim_matches(is_blank_char).chars() {
        if is_blank_char(c) {
            space = true;
            digit = false;
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        if c.is_numeric() {
            if !digit {
                out.push('0');
                digit = true;
            }
        } else {
            digit = false;
            if c.is_ascii() {
                out.push(c.to_ascii_lowercase());
            } else {
                out.extend(c.to_lowercase());
            }
        }
        if out.len() > limit {
            return false;
        }
    }
    true
}

/// The folded form of `line`.
pub fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    fold_into(line, &mut out, usize::MAX);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_whitespace_and_digits_fold() {
        assert_eq!(fold("  © 2019\t Example   CORP "), "© 0 example corp");
        assert_eq!(fold("© 2024 example corp"), fold("© 2019  Example Corp"));
        assert_eq!(fold("Page 3 of 12"), "page 0 of 0");
        assert_eq!(fold("ÉTÉ 2x4"), "été 0x0");
        assert_eq!(fold("\u{200B}Menu\u{00A0}Home"), "menu home");
        assert_eq!(fold(""), "");
    }

    #[test]
    fn digit_runs_split_by_punctuation_stay_apart() {
        assert_eq!(fold("12.05.2024"), "0.0.0");
        assert_ne!(fold("1-2"), fold("12"));
    }

    #[test]
    fn the_limit_stops_early() {
        let mut out = String::new();
        assert!(!fold_into("a long line of text", &mut out, 5));
        assert!(fold_into("short", &mut out, 5));
        assert_eq!(out, "short");
    }
}
