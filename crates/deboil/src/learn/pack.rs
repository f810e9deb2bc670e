//! What a run learned ([`Learned`]: per group, the lines learned and the
//! lines the context guard kept) and its rule pack: one `learned.<group>`
//! rule per group, written as TOML with comments a reader can act on (the
//! counts, example documents, the lines kept and why).

use super::{ALL, LearnOptions, LearnStats};
use std::collections::HashMap;
use std::fmt::Write as _;

/// One learned line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LearnedLine {
    /// Its text as first seen (trimmed).
    pub text: String,
    /// Documents of the group holding it.
    pub docs: u64,
    /// Up to two of them.
    pub examples: Vec<String>,
}

/// What one group learned.
#[derive(Clone, Debug, PartialEq)]
pub struct LearnedGroup {
    /// The group's name (a host, a directory...).
    pub name: String,
    /// Its documents.
    pub docs: u64,
    /// Documents a line needed.
    pub threshold: u64,
    /// Lines learned as boilerplate.
    pub lines: Vec<LearnedLine>,
    /// Repeated lines kept by the context guard: most of their occurrences
    /// sit among unique lines.
    pub guarded: Vec<LearnedLine>,
    /// Candidate `keep` examples: prose lines found in one document only.
    pub keep: Vec<String>,
}

/// The result of a run, ready to be written as a rule pack.
#[derive(Clone, Debug)]
pub struct Learned {
    pub(super) opts: LearnOptions,
    /// Groups that learned something, by name.
    pub groups: Vec<LearnedGroup>,
    /// Counters.
    pub stats: LearnStats,
}

/// A rule id part from a group name: lowercase ASCII letters and digits,
/// other runs become `-`, starting with a letter.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.is_empty() && !s.ends_with('-') {
            s.push('-');
        }
    }
    while s.ends_with('-') {
        s.pop();
    }
    if !s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s.insert_str(0, if s.is_empty() { "group" } else { "g-" });
    }
    s
}

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_owned()).to_string()
}

/// Kept lines listed per group: documentation pages split at inline tags
/// can keep hundreds of words and identifiers.
const GUARDED_SHOWN: usize = 30;

/// Text safe inside a one-line comment.
fn comment(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl Learned {
    /// Keeps only the `keep` examples `ok` accepts (the caller checks them
    /// against the rules they will run with); groups left without one are
    /// written as comments only.
    pub fn retain_keep(&mut self, mut ok: impl FnMut(Option<&str>, &str) -> bool) {
        for g in &mut self.groups {
            let group = (g.name != ALL).then_some(g.name.as_str());
            g.keep.retain(|k| ok(group, k));
        }
    }

    /// Number of rules [`Learned::to_toml`] writes.
    pub fn rules(&self) -> usize {
        self.groups
            .iter()
            .filter(|g| !g.lines.is_empty() && !g.keep.is_empty())
            .count()
    }

    /// Why no rule was learned, in words (`None` when some rule was):
    /// learning nothing is a normal outcome (pages of many sites in one
    /// group, too few pages per site), and the user needs to know which.
    pub fn nothing_learned(&self) -> Option<String> {
        if self.rules() > 0 {
            return None;
        }
        let s = &self.stats;
        let o = &self.opts;
        let docs = |n: u64| {
            if n == 1 {
                "1 document".to_owned()
            } else {
                format!("{n} documents")
            }
        };
        Some(if s.documents == 0 {
            "no documents were read".to_owned()
        } else if s.eligible_groups == 0 {
            let need = o.min_group_docs.max(o.min_docs);
            if s.groups == 1 {
                format!(
                    "one group of {}, fewer than the {need} a group needs",
                    docs(s.documents)
                )
            } else {
                format!(
                    "{} groups of at most {}, none with the {need} a group needs",
                    s.groups,
                    docs(s.largest_group)
                )
            }
        } else if self.groups.iter().any(|g| !g.lines.is_empty()) {
            "no group had a line found in only one document to serve as a `keep` example".to_owned()
        } else if !self.groups.is_empty() {
            "the repeated lines sit among unique lines (like a quotation), not beside each other"
                .to_owned()
        } else if s.duplicates > 0 && s.duplicates >= s.eligible_documents {
            // Lines did repeat, but only inside documents that are no
            // evidence: saying "no line repeats" would send the user after
            // the wrong setting.
            let near = format!(
                "their repeated lines hold more than {:.0}% of their text (the same page \
                 under several names, or pages of furniture alone), and near-duplicates \
                 are no evidence",
                100.0 * o.duplicate_share
            );
            if s.groups == 1 {
                format!(
                    "one group of {}, all near-duplicates of each other: {near}",
                    docs(s.documents)
                )
            } else {
                format!(
                    "{} groups ({} with at least {} documents), every document of those a \
                     near-duplicate of another: {near}",
                    s.groups, s.eligible_groups, o.min_group_docs
                )
            }
        } else {
            let mut why = if s.groups == 1 {
                format!(
                    "one group of {}, no line in {} or more of them",
                    docs(s.documents),
                    o.threshold(s.documents)
                )
            } else {
                format!(
                    "{} groups ({} with at least {} documents), no line in enough of its group's \
                     documents (the largest, of {}, needs {})",
                    s.groups,
                    s.eligible_groups,
                    o.min_group_docs,
                    s.largest_group,
                    o.threshold(s.largest_group)
                )
            };
            if s.duplicates > 0 {
                let n = match s.duplicates {
                    1 => "1 of them is a near-duplicate".to_owned(),
                    n => format!("{n} of them are near-duplicates"),
                };
                let _ = write!(
                    why,
                    "; {n}, left out as no evidence (their repeated lines hold more \
                     than {:.0}% of their text)",
                    100.0 * o.duplicate_share
                );
            }
            why
        })
    }

    /// The rule pack: one `learned.<group>` rule per group, its literals the
    /// learned lines (with counts and example documents as comments), its
    /// `keep` examples prose lines of that group found in one document only.
    pub fn to_toml(&self) -> String {
        let o = &self.opts;
        let s = &self.stats;
        let mut t = String::new();
        let _ = writeln!(
            t,
            "# Learned by `deboil learn`: lines repeated across the documents of a group.\n\
             # {} documents in {} groups ({} with at least {} documents); {} rules.\n\
             # A line is learned when it occurs in at least max({}, {} x documents) documents\n\
             # of its group, mostly next to a line or document edge repeated with it;\n\
             # repeated lines among unique lines are kept (see comments).\n\
             # Matching folds case, whitespace runs and digit runs (`fold = true`).\n\
             # Edit freely (delete a literal to keep that line), check with\n\
             # `deboil rules test --rules THIS_FILE`, use with `deboil clean --rules THIS_FILE`.",
            s.documents,
            s.groups,
            s.eligible_groups,
            o.min_group_docs,
            self.rules(),
            o.min_docs,
            o.min_share,
        );
        let mut ids: HashMap<String, usize> = HashMap::new();
        for g in &self.groups {
            let base = if g.name == ALL {
                "learned.all".to_owned()
            } else {
                format!("learned.{}", slug(&g.name))
            };
            let n = ids.entry(base.clone()).or_default();
            *n += 1;
            let id = if *n == 1 { base } else { format!("{base}-{n}") };
            let name = comment(&g.name);
            t.push('\n');
            let write_guarded = |t: &mut String| {
                if g.guarded.is_empty() {
                    return;
                }
                let _ = writeln!(
                    t,
                    "# Repeated lines kept (they sit among unique lines, like a quotation or words of split sentences):"
                );
                for l in g.guarded.iter().take(GUARDED_SHOWN) {
                    let _ = writeln!(t, "#   {} ({} documents)", comment(&quote(&l.text)), l.docs);
                }
                if g.guarded.len() > GUARDED_SHOWN {
                    let _ = writeln!(t, "#   ... and {} more", g.guarded.len() - GUARDED_SHOWN);
                }
            };
            if g.lines.is_empty() || g.keep.is_empty() {
                let why = if g.lines.is_empty() {
                    "only repeated lines among unique lines"
                } else {
                    "no line found in only one document to serve as a `keep` example"
                };
                let _ = writeln!(
                    t,
                    "# Group {:?} ({} documents): no rule, {why}.",
                    name, g.docs
                );
                write_guarded(&mut t);
                continue;
            }
            let _ = writeln!(
                t,
                "# Group {:?}: {} documents; a line needed {} of them.",
                name, g.docs, g.threshold
            );
            let _ = writeln!(t, "[[rule]]");
            let _ = writeln!(t, "id = {}", quote(&id));
            let _ = writeln!(t, "category = \"learned\"");
            let _ = writeln!(
                t,
                "summary = {}",
                quote(&format!(
                    "Lines repeated across the documents of {name} (learned)"
                ))
            );
            let _ = writeln!(t, "scope = \"line\"");
            let _ = writeln!(t, "match = \"whole-line\"");
            let _ = writeln!(t, "fold = true");
            if g.name != ALL {
                let _ = writeln!(t, "group = {}", quote(&g.name));
            }
            let _ = writeln!(t, "literals = [");
            for l in &g.lines {
                let ex: Vec<String> = l.examples.iter().map(|e| comment(e)).collect();
                let _ = writeln!(
                    t,
                    "    # {} of {} documents, e.g. {}",
                    l.docs,
                    g.docs,
                    ex.join(", ")
                );
                let _ = writeln!(t, "    {},", quote(&l.text));
            }
            let _ = writeln!(t, "]");
            write_guarded(&mut t);
            let _ = writeln!(t, "remove = [{}]", quote(&g.lines[0].text));
            let _ = writeln!(
                t,
                "# `keep`: a line of this group found in one document only (article text)."
            );
            let _ = writeln!(t, "keep = [{}]", quote(&g.keep[0]));
        }
        if let Some(why) = self.nothing_learned() {
            // A pack of no rules is still a pack: written and loadable, so
            // that `learn` then `clean --rules` works whatever was learned.
            // `rule = []` says the emptiness is meant (a file with no rule
            // at all is refused as the wrong file).
            let _ = writeln!(
                t,
                "\n# Nothing learned: {}.\n# An empty pack, on purpose (`rule = []`): `--rules` accepts it.\nrule = []",
                comment(&why)
            );
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::super::learner::tests::{A1, A2, A3, learn};
    use super::*;

    #[test]
    fn the_pack_loads_and_its_examples_pass() {
        let l = learn(
            LearnOptions::default(),
            &[
                ("www.example.com", A1),
                ("www.example.com", A2),
                ("www.example.com", A3),
            ],
        );
        let pack = l.to_toml();
        let set = crate::RuleSet::builder()
            .source("learned.toml", pack.clone())
            .build()
            .unwrap_or_else(|e| panic!("{e}\n{pack}"));
        let (idx, rule) = set.find("learned.www-example-com").unwrap();
        assert_eq!(rule.category, "learned");
        assert!(
            crate::engine::examples::check_rule(&set, idx)
                .unwrap()
                .is_empty()
        );
        assert_eq!(rule.group(), Some("www.example.com"));
        let engine = crate::Engine::new(set).unwrap();
        let page = "HOME | NEWS | SPORT\nA brand new story.\n©   2031 example corp\n";
        let site = Some("www.example.com");
        assert_eq!(engine.clean_in(page, site).output(), "A brand new story.\n");
        // Another site's pages, and documents of no group, are left alone.
        assert_eq!(engine.clean_in(page, Some("other.org")).output(), page);
        assert_eq!(engine.clean(page).output(), page);
    }

    // Issue 18: pages that were all near-duplicates learned nothing, and
    // the note said no line repeated.
    #[test]
    fn nothing_learned_from_near_duplicates_says_so() {
        let article = "Menu\nThe same long article, published twice under two addresses, says this.\nAnd it goes on, at some length, about the very same things.\n";
        let other = "Menu\nA different article with its own sentences and nothing else shared.\n";
        let all = learn(LearnOptions::default(), &[("s", article), ("s", article)]);
        assert_eq!(
            all.nothing_learned().as_deref(),
            Some(
                "one group of 2 documents, all near-duplicates of each other: their repeated \
                 lines hold more than 70% of their text (the same page under several names, \
                 or pages of furniture alone), and near-duplicates are no evidence"
            )
        );
        let some = learn(
            LearnOptions::default(),
            &[("s", article), ("s", article), ("s", other)],
        );
        assert_eq!(
            some.nothing_learned().as_deref(),
            Some(
                "one group of 3 documents, no line in 2 or more of them; 2 of them are \
                 near-duplicates, left out as no evidence (their repeated lines hold more \
                 than 70% of their text)"
            )
        );
    }

    #[test]
    fn slugs_are_valid_id_parts() {
        assert_eq!(slug("www.Example.com"), "www-example-com");
        assert_eq!(slug("127.0.0.1:8080"), "g-127-0-0-1-8080");
        assert_eq!(slug("///"), "group");
    }
}
