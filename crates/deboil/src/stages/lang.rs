//! Function-word (stopword) lists per language, shipped as data
//! (`data/stopwords/*.txt`), and the per-document choice of language.
//!
//! Prose is dense in function words ("the", "of", "und", "les"); menus,
//! buttons and link lists are not. The language is the one whose list hits
//! most tokens of the document, so mixed pages use their main language.

use foldhash::{HashMap, HashSet};
use std::sync::OnceLock;

/// (language code, list) for every shipped language.
const LISTS: &[(&str, &str)] = &[
    ("en", include_str!("../../data/stopwords/en.txt")),
    ("de", include_str!("../../data/stopwords/de.txt")),
    ("fr", include_str!("../../data/stopwords/fr.txt")),
    ("es", include_str!("../../data/stopwords/es.txt")),
    ("it", include_str!("../../data/stopwords/it.txt")),
    ("pt", include_str!("../../data/stopwords/pt.txt")),
    ("nl", include_str!("../../data/stopwords/nl.txt")),
];

/// The stopword list of one language.
#[derive(Debug)]
pub struct Stopwords {
    /// ISO 639-1 code.
    pub lang: &'static str,
    words: HashSet<&'static str>,
}

/// Every shipped list, parsed once per process.
pub fn all() -> &'static [Stopwords] {
    static ALL: OnceLock<Vec<Stopwords>> = OnceLock::new();
    ALL.get_or_init(|| {
        LISTS
            .iter()
            .map(|(lang, text)| Stopwords {
                lang,
                words: text
                    .lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty() && !l.starts_with('#'))
                    .collect(),
            })
            .collect()
    })
}

/// Every shipped function word, with the set of languages (bit `i` for
/// `all()[i]`) whose list holds it.
pub fn index() -> &'static HashMap<&'static str, u8> {
    static INDEX: OnceLock<HashMap<&'static str, u8>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = HashMap::default();
        for (i, list) in all().iter().enumerate() {
            for w in &list.words {
                *m.entry(*w).or_insert(0u8) |= 1 << i;
            }
        }
        m
    })
}

/// The position in [`all`] of the list that hits most tokens, given each
/// token's language mask from [`index`] (English on a tie or no hit).
pub fn detect_masks(masks: impl Iterator<Item = u8>) -> usize {
    // Tokens counted per mask first, then each mask's count added to its
    // lists: one step a token instead of one a token and list.
    let mut per_mask = [0usize; 256];
    for mask in masks {
        per_mask[usize::from(mask)] += 1;
    }
    let mut hits = [0usize; LISTS.len()];
    for (mask, &n) in per_mask.iter().enumerate().skip(1) {
        for (i, h) in hits.iter_mut().enumerate() {
            *h += n * (mask >> i & 1);
        }
    }
    let mut best = 0;
    for (i, &h) in hits.iter().enumerate() {
        if h > hits[best] {
            best = i;
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The list that hits most of `lowercase_tokens` (English on a tie or no hit).
    pub fn detect<'a>(lowercase_tokens: impl Iterator<Item = &'a str>) -> &'static Stopwords {
        let index = index();
        let best = detect_masks(lowercase_tokens.map(|t| index.get(t).copied().unwrap_or(0)));
        &all()[best]
    }

    proptest::proptest! {
        /// Counting tokens per mask first picks the list that a count per
        /// token and list picks.
        #[test]
        fn detection_counts_each_lists_hits(masks in proptest::collection::vec(proptest::num::u8::ANY, 0..300)) {
            let mut hits = [0usize; LISTS.len()];
            for &m in &masks {
                for (i, h) in hits.iter_mut().enumerate() {
                    *h += usize::from(m >> i & 1);
                }
            }
            let best = (0..hits.len()).fold(0, |b, i| if hits[i] > hits[b] { i } else { b });
            proptest::prop_assert_eq!(detect_masks(masks.into_iter()), best);
        }
    }

    #[test]
    fn every_list_is_loaded_and_lowercase() {
        for l in all() {
            assert!(l.words.len() > 80, "{} has {}", l.lang, l.words.len());
            assert!(l.words.iter().all(|w| w.to_lowercase() == *w), "{}", l.lang);
        }
    }

    #[test]
    fn detects_the_main_language() {
        let de = "der hund und die katze sind in dem haus";
        assert_eq!(detect(de.split(' ')).lang, "de");
        let fr = "le chat est dans la maison avec les enfants";
        assert_eq!(detect(fr.split(' ')).lang, "fr");
        let en = "the cat is in the house with the children";
        assert_eq!(detect(en.split(' ')).lang, "en");
    }
}
