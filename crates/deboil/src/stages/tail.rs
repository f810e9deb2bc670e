//! The tail stage: a tail rule's markers (from the pattern stage,
//! [`super::pattern`]) open a tail that runs to the end of the document,
//! within the rule's position bound, unless the text goes on after the
//! marker; a thread rule's markers end the posts of a thread, claimed from
//! its estimated first post on. Tail rules run after every span and line
//! rule, in rule order, so they see those rules' claims.

use super::pattern::Tail;
use super::prose::{ProseIndex, ProseLines};
use crate::claims::Claims;
use crate::document::Document;
use crate::rules::{Marker, RuleIndex, RuleSet, TailStart};

/// Claims the tails the tail rules' markers open, rule by rule; `prose`
/// holds the document's prose lines.
pub(crate) fn claim(
    doc: &Document,
    prose: &ProseLines,
    claims: &mut Claims,
    rules: &RuleSet,
    tails: Vec<Tail<'_>>,
) {
    if !tails.is_empty() {
        let prefix = doc.content_prefix();
        for tail in &tails {
            claim_tail(doc, prose, &prefix, claims, rules, tail);
        }
    }
}

/// Claims the tail that a tail rule's markers open, within the rule's
/// `TailBounds`.
fn claim_tail(
    doc: &Document,
    prose: &ProseLines,
    prefix: &[usize],
    claims: &mut Claims,
    rules: &RuleSet,
    tail: &Tail<'_>,
) {
    let &(rule, p, ref markers) = tail;
    let total = *prefix.last().unwrap_or(&0);
    if total == 0 {
        return;
    }
    let share = |line: usize| prefix[line] as f64 / total as f64;
    let (which, back_to_content, max_line_chars, max_prose_after) = match p.tail.start {
        TailStart::Thread => {
            claim_thread(doc, prose, claims, rules, tail, share);
            return;
        }
        TailStart::Marker {
            which,
            back_to_content,
            max_line_chars,
            max_prose_after,
        } => (which, back_to_content, max_line_chars, max_prose_after),
    };
    let found = match which {
        Marker::Last => markers.iter().rev().find(|&&m| share(m) >= p.tail.after),
        Marker::First => markers.iter().find(|&&m| share(m) >= p.tail.after),
    };
    let Some(&marker) = found else {
        return;
    };
    // Either bound can say the text goes on after the marker; with both,
    // both must (teasers are long lines too: only the bulk of the page's
    // prose after the marker says the article continues).
    let long_line = |max: usize| {
        (marker + 1..doc.lines().len()).any(|i| {
            let t = doc.line_trimmed(i);
            t.len() > max && t.chars().count() > max
        })
    };
    let much_prose = |most: f64| {
        ProseIndex::new(prose, claims)
            .share_before(marker)
            .is_some_and(|before| 1.0 - before > most)
    };
    // The line scan first: it is cheaper, and often settles it.
    let goes_on = match (max_line_chars, max_prose_after) {
        (Some(max), Some(most)) => long_line(max) && much_prose(most),
        (Some(max), None) => long_line(max),
        (None, Some(most)) => much_prose(most),
        (None, None) => false,
    };
    if goes_on {
        return;
    }
    let mut start = marker;
    if let Some(content_line_chars) = back_to_content {
        // Walk back over the short lines and blocks before the marker, up to
        // (not into) the last one holding a content-length line, and never
        // past the rule's position bound.
        let lines = doc.lines();
        let mut i = marker;
        while i > 0 {
            let prev = i - 1;
            if !lines[prev].blank && doc.line_trimmed(prev).chars().count() >= content_line_chars {
                break;
            }
            if share(prev) < p.tail.after {
                break;
            }
            i = prev;
        }
        // Start at a block boundary: a short line glued to the content
        // block above it (a caption, a sign-off) stays with that block.
        while i < marker && !lines[i].blank && i > 0 && !lines[i - 1].blank {
            i += 1;
        }
        start = i;
    }
    // Blank lines stay unclaimed: between two removals of one rule they are
    // absorbed into it, at the end they go with the layout normalization.
    for line in start..doc.lines().len() {
        if !doc.lines()[line].blank {
            claims.claim_line(line, rule);
        }
    }
}

/// Claims a thread whose posts each end with a marker line (the markers of
/// `tail`), from its first post to the end of the document, when the
/// thread starts after the rule's `tail-after` share of the document's text
/// (`share`) and of its prose. A claim by a rule of the thread rule's own
/// category marks the thread's heading.
///
/// Only the markers say where posts end, so the first post's start is
/// estimated from the others: the thread starts as many lines (not counting
/// blank, claimed and marker lines) before the first marker as the shortest
/// later post holds. The shortest, so that a long first comment is cut short
/// rather than the article's last paragraph taken with it.
fn claim_thread(
    doc: &Document,
    prose: &ProseLines,
    claims: &mut Claims,
    rules: &RuleSet,
    tail: &Tail<'_>,
    share: impl Fn(usize) -> f64,
) {
    let &(rule, p, ref markers) = tail;
    let after = p.tail.after;
    let category = &rules.get(rule).category;
    let heading = |r: RuleIndex| rules.get(r).category == *category;
    let in_bounds = |line: usize| share(line) >= after;
    let lines = doc.lines();
    // The whole thread must lie late: posts that start early in the page
    // are the page's own (a forum thread), whatever follows them.
    let (Some(&first), true) = (markers.first(), markers.len() >= 2) else {
        return;
    };
    if !in_bounds(first) {
        return;
    }
    // And the text before it must be the page's main text, not an opening
    // post that the replies outweigh.
    let prose = ProseIndex::new(prose, claims);
    if prose.share_before(first).is_none_or(|s| s < after) {
        return;
    }
    let counts = |a: usize, b: usize| {
        (a..b)
            .filter(|&i| !lines[i].blank && !claims.is_claimed(i))
            .count()
    };
    let post = markers
        .windows(2)
        .map(|w| counts(w[0] + 1, w[1]))
        .min()
        .unwrap_or(0);
    let mut start = first;
    let mut taken = 0;
    while taken < post && start > 0 && in_bounds(start - 1) {
        // The thread's heading ("3 Comments"), when a rule of the thread
        // rule's own category claimed it, is where the first post begins.
        if claims.owner(start - 1).is_some_and(&heading) {
            break;
        }
        start -= 1;
        if !lines[start].blank && !claims.is_claimed(start) {
            taken += 1;
        }
    }
    for (i, line) in lines.iter().enumerate().skip(start) {
        if !line.blank {
            claims.claim_line(i, rule);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::stages::testing::{engine, rule};

    #[test]
    fn tail_respects_its_position_bound() {
        let e = engine(&rule(
            "scope = \"tail\"\nliterals = [\"Comments\"]\ntail-after = 0.5",
        ));
        let early = "Comments\nA long article body follows the marker here.\n";
        assert_eq!(e.clean(early).output(), early);
        let late = "A long article body comes before the marker.\nComments\nnice post\n";
        assert_eq!(
            e.clean(late).output(),
            "A long article body comes before the marker.\n"
        );
    }

    #[test]
    fn tail_last_marker_starts_at_the_last_eligible_marker() {
        let body = "scope = \"tail\"\nliterals = [\"Add a comment\"]\ntail-after = 0.2";
        let text = "Question title\n\nThe first answer explains the whole thing.\nAdd a comment\nThe second answer adds a detail.\nAdd a comment\nYour answer\n";
        assert_eq!(
            engine(&rule(body)).clean(text).output(),
            "Question title\n\nThe first answer explains the whole thing.\n"
        );
        let last = engine(&rule(&format!("{body}\ntail-last-marker = true")));
        assert_eq!(
            last.clean(text).output(),
            "Question title\n\nThe first answer explains the whole thing.\nAdd a comment\nThe second answer adds a detail.\n"
        );
    }

    #[test]
    fn tail_thread_starts_at_the_first_post_and_needs_two_markers() {
        let e = engine(&rule(
            "scope = \"tail\"\nliterals = [\"Reply\"]\ntail-after = 0.3\ntail-thread = true",
        ));
        let article = "Title of the story\n\nThe first paragraph of the article tells the story in full.\n\nThe second paragraph ends it with a quote from the mayor.\n\n";
        let thread = "Ann says\nWhat a story, thanks.\nReply\nBo says\nI read it twice.\nReply\nCy says\nIt happened to me too.\nReply\n";
        assert_eq!(
            e.clean(&format!("{article}{thread}")).output(),
            article.trim_end().to_string() + "\n"
        );
        // One marker is a button, not a thread.
        let one = format!("{article}Ann says\nWhat a story, thanks.\nReply\n");
        assert_eq!(e.clean(&one).output(), one);
        // A longer first post loses its head only: the article stays whole.
        let long = format!(
            "{article}Ann says\nWhat a story.\nIt reminds me of home.\nReply\nBo says\nAgreed.\nReply\n"
        );
        assert_eq!(e.clean(&long).output(), format!("{article}Ann says\n"));
        // Markers early in the page are posts of the page itself (a forum).
        let forum = format!(
            "First post\nReply\nSecond post\nReply\n{}\n",
            article.trim_end()
        );
        assert_eq!(e.clean(&forum).output(), forum);
        // So are posts after a long menu, when the replies outweigh the
        // opening post in prose.
        let menu = "Home\nForums\nMembers\nSearch the forums\nLog in or sign up\nWhat's new\n";
        let forum = format!(
            "{menu}My seedlings grow tall and thin, what am I doing wrong?\nReply\nThey need more light and less heat, so move them closer to the window.\nReply\nA fan helps too: seedlings that move in the air grow sturdier stems.\nReply\n"
        );
        assert_eq!(e.clean(&forum).output(), forum);
    }

    #[test]
    fn tail_thread_walks_back_no_further_than_a_heading_of_its_category() {
        let heading = "[[rule]]\nid = \"h\"\ncategory = \"c\"\nsummary = \"s\"\nremove = [\"x\"]\nkeep = [\"y\"]\nscope = \"line\"\nliterals = [\"2 Comments\"]\n";
        let thread =
            rule("scope = \"tail\"\nliterals = [\"Reply\"]\ntail-after = 0.3\ntail-thread = true")
                .replace("id = \"r\"", "id = \"t\"");
        let e = engine(&format!("{heading}\n{thread}"));
        // The second post is long, the first short: counting back the second
        // post's lines alone would take the article's last line.
        let text = "The first paragraph of the article tells the story in full.\n\nThe second paragraph ends it with a quote from the mayor.\n2 Comments\nAnn\nGood.\nReply\nBo\nI read it twice.\nThen a third time.\nAnd again.\nReply\n";
        assert_eq!(
            e.clean(text).output(),
            "The first paragraph of the article tells the story in full.\n\nThe second paragraph ends it with a quote from the mayor.\n"
        );
    }

    #[test]
    fn tail_back_to_content_stops_at_the_last_long_line() {
        let e = engine(&rule(
            "scope = \"tail\"\nliterals = [\"Forum List\"]\ntail-after = 0.3\ntail-back-to-content = true\ncontent-line-chars = 40",
        ));
        let text = "Title\n\nThis is a long paragraph of the article itself.\n\nRelated headline\nGreat post!!\n\nAgreed.\n\nForum List\n";
        assert_eq!(
            e.clean(text).output(),
            "Title\n\nThis is a long paragraph of the article itself.\n"
        );
    }
}
