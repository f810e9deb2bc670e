//! The review screen (ratatui over crossterm): draws the state of
//! `state::Review` over each file's annotated diff, turns key presses into
//! actions, and saves the plan after every decision.

use super::state::{self, Effect, KEYS, Key, Review};
use anyhow::Context;
use deboil::RuleSet;
use deboil::render::annotate::{Mark, annotated_hunks};
use deboil::render::diff::{Tag, sanitize};
use deboil_cli::batch::read::decode;
use deboil_cli::plan::{Decision, Plan, content_hash};
use ratatui::Frame;
use ratatui::crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Wrap};
use std::collections::HashMap;
use std::path::Path;

/// Runs the review until the reviewer quits. Every decision is saved into
/// `path` before the next key is read.
pub fn run(plan: &mut Plan, path: &Path, context: usize) -> anyhow::Result<()> {
    let rules = plan.recorded_rules()?;
    let mut review = Review::new(plan);
    let mut views = HashMap::new();
    let mut terminal = ratatui::try_init().context("cannot start the review screen")?;
    let result = (|| -> anyhow::Result<()> {
        loop {
            if let Some(file) = review.file() {
                views
                    .entry(file)
                    .or_insert_with(|| View::build(plan, file, &rules, context));
            }
            terminal.draw(|f| draw(f, &review, plan, &views))?;
            let Event::Key(k) = event::read()? else {
                continue;
            };
            let Some(action) = key(k).and_then(state::action) else {
                continue;
            };
            match review.apply(plan, action) {
                Effect::Redraw => {}
                Effect::Save => plan.save(path).with_context(
                    || "cannot save the decision into the plan (earlier decisions are saved)",
                )?,
                Effect::Quit => return Ok(()),
            }
        }
    })();
    ratatui::restore();
    result
}

fn key(e: KeyEvent) -> Option<Key> {
    if e.kind != KeyEventKind::Press {
        return None;
    }
    Some(match e.code {
        KeyCode::Char('c') if e.modifiers.contains(KeyModifiers::CONTROL) => Key::CtrlC,
        KeyCode::Char(c) => Key::Char(c),
        KeyCode::Up => Key::Up,
        KeyCode::Down => Key::Down,
        KeyCode::Left => Key::Left,
        KeyCode::Right => Key::Right,
        KeyCode::Tab => Key::Tab,
        KeyCode::BackTab => Key::BackTab,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::Esc => Key::Esc,
        _ => return None,
    })
}

/// A file's diff, decisions aside (they are read from the plan when drawing).
struct View {
    rows: Vec<Row>,
}

enum Row {
    Header(String),
    Note(String),
    Line {
        tag: Tag,
        text: String,
        whole: Option<usize>,
        marks: Vec<Mark>,
    },
}

impl View {
    /// The annotated diff of every proposed removal of file `i`, from its
    /// current text; the recorded removals alone when the file changed.
    fn build(plan: &Plan, i: usize, rules: &RuleSet, context: usize) -> View {
        let file = &plan.files[i];
        let src = plan.resolve(file);
        let problem = match std::fs::read(&src) {
            Ok(bytes) if content_hash(&bytes) == file.blake3 => match decode(bytes) {
                Ok(input) => match plan.cleaned(file, &input.text, rules, |_| true) {
                    Ok(cleaned) => {
                        let mut rows = Vec::new();
                        for h in annotated_hunks(&cleaned, context) {
                            rows.push(Row::Header(h.header));
                            rows.extend(h.lines.into_iter().map(|l| Row::Line {
                                tag: l.tag,
                                text: l.text.into_owned(),
                                whole: l.whole,
                                marks: l.marks,
                            }));
                        }
                        return View { rows };
                    }
                    Err(e) => format!("the plan does not fit the file: {e}"),
                },
                Err(e) => e.to_string(),
            },
            Ok(_) => "changed since the plan was made; apply will refuse it".to_owned(),
            Err(e) => format!("cannot read: {e}"),
        };
        let mut rows = vec![Row::Note(format!(
            "{}: {problem}. Showing the removals the plan recorded.",
            src.display()
        ))];
        for (k, r) in file.removals.iter().enumerate() {
            rows.push(Row::Header(format!("bytes {}..{}", r.start, r.end)));
            for line in r.text.lines() {
                rows.push(Row::Line {
                    tag: Tag::Removed,
                    text: line.to_owned(),
                    whole: Some(k),
                    marks: Vec::new(),
                });
            }
        }
        View { rows }
    }
}

fn decision_style(d: Decision) -> Style {
    match d {
        Decision::Accepted => Style::new().fg(Color::Red),
        Decision::Rejected => Style::new()
            .fg(Color::DarkGray)
            .add_modifier(Modifier::CROSSED_OUT),
        Decision::Undecided => Style::new().fg(Color::Yellow),
    }
}

fn decision_sign(d: Decision) -> &'static str {
    match d {
        Decision::Accepted => "-",
        Decision::Rejected => "·",
        Decision::Undecided => "?",
    }
}

/// Draws the whole screen.
fn draw(f: &mut Frame, review: &Review, plan: &Plan, views: &HashMap<usize, View>) {
    let [top, body, status, keys] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(f.area());
    let t = plan.tally();
    let bar = Style::new().bg(Color::Blue).fg(Color::White);
    let Some(file) = review.file() else {
        f.render_widget(Paragraph::new(" deboil review").style(bar), top);
        f.render_widget(Paragraph::new(review.message.as_str()), status);
        return;
    };
    let pf = &plan.files[file];
    let (pos, total) = review.position();
    let ft = pf.tally();
    let title = format!(
        " deboil review · file {}/{total} · {} · file {}✓ {}✗ {}? · plan {}✓ {}✗ {}?",
        pos + 1,
        sanitize(&pf.path),
        ft.accepted,
        ft.rejected,
        ft.undecided,
        t.accepted,
        t.rejected,
        t.undecided,
    );
    f.render_widget(Paragraph::new(title).style(bar), top);

    if let Some(view) = views.get(&file) {
        let (lines, first_row) = lines(view, plan, file, review.selected(), body.width as usize);
        let height = body.height as usize;
        let scroll = review.scroll.unwrap_or_else(|| {
            first_row
                .get(review.selected())
                .copied()
                .flatten()
                .map_or(0, |row| row.saturating_sub(height / 3))
        });
        let scroll = scroll.min(lines.len().saturating_sub(1));
        let visible: Vec<Line> = lines.into_iter().skip(scroll).take(height).collect();
        f.render_widget(Paragraph::new(visible), body);
    }

    let removal = &pf.removals[review.selected().min(pf.removals.len().saturating_sub(1))];
    let status_line = format!(
        " removal {}/{} · {} · {} │ {}",
        review.selected() + 1,
        pf.removals.len(),
        removal.rule,
        removal.decision.as_str(),
        review.message
    );
    f.render_widget(
        Paragraph::new(status_line).style(Style::new().add_modifier(Modifier::BOLD)),
        status,
    );
    f.render_widget(
        Paragraph::new(
            " a accept  r reject  u undo  A/R rest of file  X reject rule everywhere  \
             j/k removal  n/p file  s skip  ? help  q quit",
        )
        .style(Style::new().fg(Color::DarkGray)),
        keys,
    );
    if review.help {
        help(f, body);
    }
}

fn help(f: &mut Frame, area: Rect) {
    let w = area.width.min(78);
    let h = area.height.min(KEYS.len() as u16 + 6);
    let rect = Rect::new(area.x + (area.width - w) / 2, area.y + 1, w, h);
    let mut lines: Vec<Line> = KEYS
        .iter()
        .map(|(k, what)| {
            Line::from(vec![
                Span::styled(
                    format!(" {k:<20}  "),
                    Style::new().add_modifier(Modifier::BOLD),
                ),
                Span::raw(*what),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::raw(
        " `deboil apply` writes accepted removals only; undecided ones stay in the text \
         unless --accept-undecided.",
    ));
    f.render_widget(Clear, rect);
    f.render_widget(
        Paragraph::new(lines).wrap(Wrap { trim: false }).block(
            Block::new()
                .borders(Borders::ALL)
                .title(" keys (any key closes) "),
        ),
        rect,
    );
}

/// The file's rows as screen lines wrapped to `width`, and per removal the
/// screen line where it first shows.
fn lines(
    view: &View,
    plan: &Plan,
    file: usize,
    selected: usize,
    width: usize,
) -> (Vec<Line<'static>>, Vec<Option<usize>>) {
    let removals = &plan.files[file].removals;
    let mut out: Vec<Line<'static>> = Vec::new();
    let mut first_row = vec![None; removals.len()];
    let mut labelled = vec![false; removals.len()];
    let dim = Style::new().fg(Color::DarkGray);
    for row in &view.rows {
        let (gutter, spans): (Vec<Span<'static>>, Vec<Span<'static>>) = match row {
            Row::Header(h) => (
                vec![],
                vec![Span::styled(h.clone(), Style::new().fg(Color::Cyan))],
            ),
            Row::Note(n) => (
                vec![],
                vec![Span::styled(n.clone(), Style::new().fg(Color::Yellow))],
            ),
            Row::Line {
                tag,
                text,
                whole,
                marks,
            } => {
                let raw: &str = text;
                let text = sanitize(raw).into_owned();
                let mut spans = Vec::new();
                let mut mine: Vec<usize> = Vec::new();
                let sign;
                match (tag, whole) {
                    (Tag::Context, _) => {
                        sign = Span::raw(" ");
                        spans.push(Span::raw(text));
                    }
                    (Tag::Added, _) => {
                        sign = Span::styled("+", Style::new().fg(Color::Green));
                        spans.push(Span::styled(text, Style::new().fg(Color::Green)));
                    }
                    (Tag::Removed, Some(k)) => {
                        let d = removals[*k].decision;
                        let mut style = decision_style(d);
                        if *k == selected {
                            style = style.add_modifier(Modifier::REVERSED);
                        }
                        sign = Span::styled(decision_sign(d), decision_style(d));
                        spans.push(Span::styled(text, style));
                        mine.push(*k);
                    }
                    (Tag::Removed, None) if marks.is_empty() => {
                        sign = Span::styled(" ", dim);
                        spans.push(Span::styled(format!("{text}(blank line dropped)"), dim));
                    }
                    (Tag::Removed, None) => {
                        sign = Span::styled("~", Style::new().fg(Color::Magenta));
                        // Marks are byte offsets into the unsanitized text:
                        // sanitize each piece on its own.
                        let mut at = 0;
                        for m in marks {
                            spans.push(Span::raw(sanitize(&raw[at..m.start]).into_owned()));
                            let d = removals[m.removal].decision;
                            let mut style = decision_style(d).add_modifier(Modifier::BOLD);
                            if m.removal == selected {
                                style = style.add_modifier(Modifier::REVERSED);
                            }
                            spans.push(Span::styled(
                                sanitize(&raw[m.start..m.end]).into_owned(),
                                style,
                            ));
                            mine.push(m.removal);
                            at = m.end;
                        }
                        spans.push(Span::raw(sanitize(&raw[at..]).into_owned()));
                    }
                }
                for &k in &mine {
                    if !labelled[k] {
                        labelled[k] = true;
                        let r = &removals[k];
                        spans.push(Span::styled(
                            format!("  ◂ {} [{}]", r.rule, r.decision.as_str()),
                            Style::new().fg(Color::Cyan).add_modifier(Modifier::ITALIC),
                        ));
                    }
                }
                let marker = if mine.contains(&selected) { "▶" } else { " " };
                let gutter = vec![
                    Span::styled(marker, Style::new().fg(Color::Cyan)),
                    sign,
                    Span::raw(" "),
                ];
                for &k in &mine {
                    if first_row[k].is_none() {
                        first_row[k] = Some(out.len());
                    }
                }
                (gutter, spans)
            }
        };
        out.extend(wrap(gutter, spans, width));
    }
    (out, first_row)
}

/// Wraps one logical line to `width` columns (counting chars, breaking
/// after spaces where it can), the gutter on the first screen line and
/// blank space of its width on the others.
fn wrap(gutter: Vec<Span<'static>>, spans: Vec<Span<'static>>, width: usize) -> Vec<Line<'static>> {
    let indent: usize = gutter.iter().map(|s| s.content.chars().count()).sum();
    let room = width.saturating_sub(indent).max(10);
    let mut lines = Vec::new();
    let mut current: Vec<Span<'static>> = gutter;
    let mut used = 0;
    for span in spans {
        let mut rest: &str = &span.content;
        loop {
            let free = room - used;
            let mut take = rest.char_indices().nth(free).map_or(rest.len(), |(i, _)| i);
            // Break after a space when the piece has one: words stay whole.
            if take < rest.len() {
                if let Some(space) = rest[..take].rfind(' ') {
                    take = space + 1;
                }
            }
            if take > 0 {
                current.push(Span::styled(rest[..take].to_owned(), span.style));
                used += rest[..take].chars().count();
            }
            rest = &rest[take..];
            if rest.is_empty() {
                break;
            }
            lines.push(Line::from(std::mem::take(&mut current)));
            current.push(Span::raw(" ".repeat(indent)));
            used = 0;
        }
    }
    lines.push(Line::from(current));
    lines
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_keeps_every_char_and_indents() {
        let lines = wrap(
            vec![Span::raw("> ")],
            vec![Span::raw("abcdefghijkl"), Span::raw("mnop")],
            12,
        );
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(text, ["> abcdefghij", "  klmnop"]);
        let lines = wrap(
            vec![Span::raw("> ")],
            vec![Span::raw("one two three four")],
            12,
        );
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect();
        assert_eq!(text, ["> one two ", "  three four"]);
    }
}
