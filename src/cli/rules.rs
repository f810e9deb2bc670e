//! `deboil rules list|explain|test`.

use super::args::RulesCommand;
use super::{EXIT_ERROR, EXIT_FOUND, EXIT_OK};
use deboil::RuleSet;
use deboil::engine::examples;
use deboil::rules::{Pattern, RuleKind};
use std::io::Write;

pub fn run(cmd: RulesCommand) -> anyhow::Result<u8> {
    match cmd {
        RulesCommand::List(a) => list(&RuleSet::with_dirs(&a.rules)?, a.json),
        RulesCommand::Explain(a) => explain(&RuleSet::with_dirs(&a.rules)?, &a.id),
        RulesCommand::Test(a) => test(&RuleSet::with_dirs(&a.rules)?),
    }
}

fn profiles(rule: &deboil::Rule) -> String {
    rule.profiles
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

fn list(set: &RuleSet, json: bool) -> anyhow::Result<u8> {
    let mut out = std::io::stdout().lock();
    if json {
        let rows: Vec<serde_json::Value> = set
            .iter()
            .map(|(_, r)| {
                serde_json::json!({
                    "id": r.id,
                    "category": r.category,
                    "scope": r.scope_name(),
                    "profiles": r.profiles.iter().map(|p| p.as_str()).collect::<Vec<_>>(),
                    "summary": r.summary,
                    "origin": r.origin.to_string(),
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut out, &rows)?;
        writeln!(out)?;
        return Ok(EXIT_OK);
    }
    let w = set.iter().map(|(_, r)| r.id.len()).max().unwrap_or(2);
    let c = set.iter().map(|(_, r)| r.category.len()).max().unwrap_or(8);
    writeln!(
        out,
        "{:w$}  {:c$}  {:9}  {:24}  SUMMARY",
        "ID", "CATEGORY", "SCOPE", "PROFILES"
    )?;
    for (_, r) in set.iter() {
        writeln!(
            out,
            "{:w$}  {:c$}  {:9}  {:24}  {}",
            r.id,
            r.category,
            r.scope_name(),
            profiles(r),
            r.summary
        )?;
    }
    Ok(EXIT_OK)
}

fn explain(set: &RuleSet, id: &str) -> anyhow::Result<u8> {
    let Some((_, r)) = set.find(id) else {
        let near: Vec<&str> = set
            .iter()
            .map(|(_, r)| r.id.as_str())
            .filter(|other| other.contains(id) || id.contains(*other))
            .collect();
        let hint = if near.is_empty() {
            String::new()
        } else {
            format!(" (did you mean {}?)", near.join(", "))
        };
        super::log::error(format_args!(
            "no rule {id:?}{hint}; `deboil rules list` shows them all"
        ));
        return Ok(EXIT_ERROR);
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}: {}", r.id, r.summary)?;
    writeln!(out)?;
    writeln!(out, "category:  {}", r.category)?;
    writeln!(out, "scope:     {}", r.scope_name())?;
    writeln!(out, "profiles:  {}", profiles(r))?;
    writeln!(out, "defined:   {}", r.origin)?;
    match &r.kind {
        RuleKind::Pattern(p) => {
            writeln!(
                out,
                "match:     {}{}",
                p.mode.as_str(),
                if p.fold {
                    ", folded (case, whitespace and digit runs)"
                } else if p.case_insensitive {
                    ", case-insensitive"
                } else {
                    ""
                }
            )?;
            if p.min_run > 1 {
                writeln!(out, "min-run:   {}", p.min_run)?;
            }
            if let Some(m) = p.max_line_chars {
                writeln!(out, "max-line-chars: {m}")?;
            }
            if p.skip_first_line {
                writeln!(out, "skip-first-line: true")?;
            }
            if p.scope == deboil::rules::Scope::Tail {
                writeln!(
                    out,
                    "tail-after: {} (the marker must follow this share of the text)",
                    p.tail.after
                )?;
                if p.tail.last_marker() {
                    writeln!(
                        out,
                        "tail-last-marker: true (the tail starts at the last eligible marker)"
                    )?;
                }
                if let Some(max) = p.tail.max_line_chars() {
                    writeln!(
                        out,
                        "tail-max-line-chars: {max} (a longer line after the marker keeps the tail)"
                    )?;
                }
                if let Some(most) = p.tail.max_prose_after() {
                    writeln!(
                        out,
                        "tail-max-prose-after: {most} (more of the page's prose after the marker keeps the tail; with tail-max-line-chars, both must)"
                    )?;
                }
                if p.tail.thread() {
                    writeln!(
                        out,
                        "tail-thread: true (the marker ends each post of a thread: at least two, the tail starts at the first post)"
                    )?;
                }
                if let Some(chars) = p.tail.back_to_content() {
                    writeln!(
                        out,
                        "tail-back-to-content: true (short blocks before the marker go too, back to a line of {}+ chars)",
                        chars
                    )?;
                }
            }
            match &p.pattern {
                Pattern::Literals(l) => {
                    writeln!(out, "literals:")?;
                    for lit in l {
                        writeln!(out, "  {lit:?}")?;
                    }
                }
                Pattern::Regex { source, .. } => writeln!(out, "regex:     {source}")?,
                // A pattern kind newer than this command.
                other => writeln!(out, "pattern:   {other:?}")?,
            }
        }
        RuleKind::Heuristic(h) => {
            writeln!(out, "heuristic: {}", h.name())?;
            writeln!(out, "params:")?;
            for line in h.params_toml().lines() {
                writeln!(out, "  {line}")?;
            }
        }
        // A kind of rule newer than this command.
        other => writeln!(out, "kind:      {other:?}")?,
    }
    writeln!(out, "\nremoves:")?;
    for e in &r.remove {
        match &e.output {
            None => writeln!(out, "  {:?}", e.text)?,
            Some(o) => writeln!(out, "  {:?}\n    -> {:?}", e.text, o)?,
        }
    }
    writeln!(out, "\nkeeps:")?;
    for e in &r.keep {
        writeln!(out, "  {:?}", e.text)?;
    }
    Ok(EXIT_OK)
}

fn test(set: &RuleSet) -> anyhow::Result<u8> {
    let failures = examples::check_all(set)?;
    let count: usize = set.iter().map(|(_, r)| r.remove.len() + r.keep.len()).sum();
    for f in &failures {
        eprintln!("{f}");
    }
    if failures.is_empty() {
        println!("{} rules, {count} examples: all pass", set.len());
        Ok(EXIT_OK)
    } else {
        println!(
            "{} rules, {count} examples: {} failures",
            set.len(),
            failures.len()
        );
        Ok(EXIT_FOUND)
    }
}
