//! `deboil eval`: clean a corpus in memory and score it against gold text.

use super::args::EvalArgs;
use super::{EXIT_ERROR, EXIT_OK, build_engine, with_threads};
use anyhow::{Context, bail};
use deboil::Engine;
use deboil::eval::{self, Aggregate, Tpfpfn};
use deboil::learn::Doc;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::io::Write;
use std::path::Path;

/// One line of `meta.jsonl`.
#[derive(Debug, Deserialize)]
struct Meta {
    id: String,
    #[serde(default)]
    page_type: Option<String>,
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    with: Vec<String>,
    #[serde(default)]
    without: Vec<String>,
}

/// Token counts a rule removed on one page.
#[derive(Clone, Copy, Debug, Default, Serialize)]
struct RuleTally {
    removals: usize,
    tokens: usize,
    gold_tokens: usize,
}

/// Snippet counts of one page, or shares summed over pages.
#[derive(Clone, Copy, Debug, Default, Serialize)]
struct Snippets {
    with_kept: usize,
    with_total: usize,
    without_gone: usize,
    without_total: usize,
}

/// Snippet shares averaged over pages (pages without snippets of a kind are
/// left out of that mean), as WCXB reports them.
#[derive(Clone, Copy, Debug, Default)]
struct SnippetMeans {
    with_sum: f64,
    with_pages: usize,
    without_sum: f64,
    without_pages: usize,
}

impl SnippetMeans {
    fn add(&mut self, s: Snippets) {
        if s.with_total > 0 {
            self.with_sum += ratio(s.with_kept, s.with_total);
            self.with_pages += 1;
        }
        if s.without_total > 0 {
            self.without_sum += ratio(s.without_gone, s.without_total);
            self.without_pages += 1;
        }
    }
    fn with_rate(&self) -> f64 {
        if self.with_pages == 0 {
            0.0
        } else {
            self.with_sum / self.with_pages as f64
        }
    }
    fn without_rate(&self) -> f64 {
        if self.without_pages == 0 {
            0.0
        } else {
            self.without_sum / self.without_pages as f64
        }
    }
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 { 0.0 } else { a as f64 / b as f64 }
}

/// The scores of one page, before and after cleaning.
#[derive(Debug, Serialize)]
struct Page {
    id: String,
    page_type: String,
    #[serde(skip)]
    before: Option<(Tpfpfn, f64)>,
    #[serde(skip)]
    after: (Tpfpfn, f64),
    before_snippets: Option<Snippets>,
    after_snippets: Snippets,
    precision_before: Option<f64>,
    recall_before: Option<f64>,
    precision: f64,
    recall: f64,
    word_f1: f64,
    removed_share: Option<f64>,
    guarded: bool,
    rules: Vec<(String, RuleTally)>,
}

fn snippets(text: &str, meta: Option<&Meta>) -> Snippets {
    let Some(m) = meta else {
        return Snippets::default();
    };
    let folded = eval::snippet_form(text);
    let present = |s: &String| {
        let f = eval::snippet_form(s);
        !f.is_empty() && folded.contains(&f)
    };
    Snippets {
        with_kept: m.with.iter().filter(|s| present(s)).count(),
        with_total: m.with.len(),
        without_gone: m.without.iter().filter(|s| !present(s)).count(),
        without_total: m.without.len(),
    }
}

fn read_text(path: &Path) -> anyhow::Result<String> {
    let bytes = fs::read(path).with_context(|| path.display().to_string())?;
    String::from_utf8(bytes).with_context(|| format!("{}: not UTF-8", path.display()))
}

fn score_page(
    id: &str,
    group: Option<&str>,
    args: &EvalArgs,
    engine: &Engine,
    meta: Option<&Meta>,
) -> anyhow::Result<Page> {
    let gold = read_text(&args.gold.join(format!("{id}.txt")))?;
    let input = match &args.input {
        Some(dir) => Some(read_text(&dir.join(format!("{id}.txt")))?),
        None => None,
    };
    let mut rules: Vec<(String, RuleTally)> = Vec::new();
    let mut removed_share = None;
    let mut guarded = false;
    let output = match (&args.pred, &input) {
        (Some(dir), _) => read_text(&dir.join(format!("{id}.txt")))?,
        (None, Some(text)) => {
            let cleaned = engine.clean_in(text, group);
            removed_share = Some(ratio(cleaned.bytes_removed(), text.len()));
            guarded = cleaned.guard().is_some();
            let output = cleaned.output();
            let toks = eval::tokens(text);
            let gold_marks = eval::lost_gold_tokens(&toks, &gold, &output);
            let mut by_rule: HashMap<&str, RuleTally> = HashMap::new();
            let mut ti = 0;
            for r in cleaned.removals() {
                let tally = by_rule.entry(cleaned.rule_id(r)).or_default();
                tally.removals += 1;
                while ti < toks.len() && toks[ti].start < r.span.start {
                    ti += 1;
                }
                while ti < toks.len() && toks[ti].start < r.span.end {
                    tally.tokens += 1;
                    tally.gold_tokens += usize::from(gold_marks[ti]);
                    ti += 1;
                }
            }
            rules = by_rule
                .into_iter()
                .map(|(k, v)| (k.to_owned(), v))
                .collect();
            cleaned.output()
        }
        (None, None) => bail!("give INPUT_DIR to clean, or --pred DIR"),
    };
    let before = input
        .as_deref()
        .map(|t| (eval::shingle_match(&gold, t), eval::word_f1(&gold, t)));
    let after = (
        eval::shingle_match(&gold, &output),
        eval::word_f1(&gold, &output),
    );
    Ok(Page {
        id: id.to_owned(),
        page_type: meta
            .and_then(|m| m.page_type.clone())
            .unwrap_or_else(|| "all".into()),
        before_snippets: input.as_deref().map(|t| snippets(t, meta)),
        after_snippets: snippets(&output, meta),
        precision_before: before.map(|b| b.0.precision()),
        recall_before: before.map(|b| b.0.recall()),
        precision: after.0.precision(),
        recall: after.0.recall(),
        word_f1: after.1,
        before,
        after,
        removed_share,
        guarded,
        rules,
    })
}

#[derive(Debug, Serialize)]
struct Row {
    pages: usize,
    f1: f64,
    precision: f64,
    recall: f64,
    word_f1: f64,
    with_kept: f64,
    without_removed: f64,
}

fn row(agg: Aggregate, snip: SnippetMeans) -> Row {
    Row {
        pages: agg.pages,
        f1: agg.f1,
        precision: agg.precision,
        recall: agg.recall,
        word_f1: agg.word_f1,
        with_kept: snip.with_rate(),
        without_removed: snip.without_rate(),
    }
}

#[derive(Debug, Serialize)]
struct RuleRow {
    rule: String,
    pages: usize,
    removals: usize,
    tokens: usize,
    gold_tokens: usize,
    false_removal_rate: f64,
}

#[derive(Debug, Serialize)]
struct Report {
    profile: String,
    before: Option<Row>,
    after: Row,
    by_type: BTreeMap<String, (Option<Row>, Row)>,
    recall_drops_over_5_points: Option<usize>,
    guarded_pages: usize,
    rules: Vec<RuleRow>,
    /// With --learn: the learned rules ran too.
    learned: bool,
    /// Pages whose URL host has two or more pages in the corpus.
    shared_hosts: Option<(Option<Row>, Row)>,
}

/// Learns from the input pages (grouped by `group`) and compiles the
/// learned pack with the other rules.
fn learn_engine(
    args: &EvalArgs,
    ids: &[String],
    group: &(dyn Fn(&str) -> String + Sync),
    one_group: bool,
) -> anyhow::Result<Engine> {
    let dir = args
        .input
        .as_ref()
        .context("--learn learns from INPUT_DIR; give it")?;
    let opts = args.learn_opts.options()?;
    let start = std::time::Instant::now();
    let docs: Vec<Doc> = with_threads(args.common.threads, || {
        ids.par_iter()
            .map(|id| {
                Ok(Doc {
                    group: if one_group {
                        deboil::learn::ALL.into()
                    } else {
                        group(id)
                    },
                    name: format!("{id}.txt"),
                    text: read_text(&dir.join(format!("{id}.txt")))?,
                })
            })
            .collect::<anyhow::Result<Vec<_>>>()
    })??;
    // In memory already: both passes see the same documents.
    let pack = with_threads(args.common.threads, || {
        deboil::learn::learn(&docs[..], opts, &args.common.rules, &mut |_| {})
    })??;
    super::learn::report_learned(&pack.learned, start);
    let name = super::learn::save(args.learn_save.as_deref(), &pack.toml)?;
    let pack = pack.toml;
    super::build_engine_with(&args.common, Some((&name, &pack)))
}

fn subset_rows(ps: &[&Page]) -> (Option<Row>, Row) {
    let after = eval::aggregate(&ps.iter().map(|p| p.after).collect::<Vec<_>>());
    let before: Option<Vec<_>> = ps.iter().map(|p| p.before).collect();
    let (mut sb, mut sa) = (SnippetMeans::default(), SnippetMeans::default());
    for p in ps {
        sb.add(p.before_snippets.unwrap_or_default());
        sa.add(p.after_snippets);
    }
    (before.map(|v| row(eval::aggregate(&v), sb)), row(after, sa))
}

/// The engines of `deboil eval --cv-models DIR`: `engine`'s rules with the
/// content model of each fold, and the fold of every page id.
fn cv_engines(
    dir: &Path,
    engine: &Engine,
) -> anyhow::Result<(Vec<Engine>, HashMap<String, usize>)> {
    let list = dir.join("folds.tsv");
    let text = read_text(&list)?;
    let mut fold_of = HashMap::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.is_empty()) {
        let (id, fold) = line
            .split_once('\t')
            .and_then(|(id, f)| Some((id, f.trim().parse::<usize>().ok()?)))
            .with_context(|| format!("{}:{}: want `<id>\\t<fold>`", list.display(), i + 1))?;
        fold_of.insert(id.to_owned(), fold);
    }
    let folds = fold_of.values().max().map_or(0, |m| m + 1);
    let engines = (0..folds)
        .map(|f| {
            let model = dir.join(format!("fold-{f}.bin"));
            let rules = engine
                .rules()
                .clone()
                .with_content_model(&model.to_string_lossy())?;
            Ok(Engine::new(rules)?.with_guard(engine.guard())?)
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok((engines, fold_of))
}

pub fn run(args: EvalArgs) -> anyhow::Result<u8> {
    let list_dir = args
        .pred
        .as_ref()
        .or(args.input.as_ref())
        .context("give INPUT_DIR to clean, or --pred DIR of cleaned files")?;
    let mut ids: Vec<String> = fs::read_dir(list_dir)
        .with_context(|| list_dir.display().to_string())?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".txt"))
                .map(str::to_owned)
        })
        .collect();
    ids.sort();
    let meta: HashMap<String, Meta> = match &args.meta {
        None => HashMap::new(),
        Some(p) => {
            let text = read_text(p)?;
            let mut m = HashMap::new();
            for (i, line) in text
                .lines()
                .enumerate()
                .filter(|(_, l)| !l.trim().is_empty())
            {
                let v: Meta = serde_json::from_str(line)
                    .with_context(|| format!("{}:{}", p.display(), i + 1))?;
                m.insert(v.id.clone(), v);
            }
            m
        }
    };
    // A page's group: the host of its URL (from --meta), else one group.
    let host = |id: &str| {
        meta.get(id)
            .and_then(|m| m.url.as_deref())
            .and_then(deboil::learn::url_host)
            .unwrap_or_else(|| format!("page-{id}"))
    };
    let engine = if args.learn {
        learn_engine(&args, &ids, &host, meta.is_empty())?
    } else {
        build_engine(&args.common)?
    };
    // With --cv-models: one engine per fold, and each page's fold.
    let (fold_engines, fold_of) = match &args.cv_models {
        None => (Vec::new(), HashMap::new()),
        Some(dir) => cv_engines(dir, &engine)?,
    };
    let mut per_host: HashMap<String, usize> = HashMap::new();
    for id in &ids {
        *per_host.entry(host(id)).or_default() += 1;
    }
    let results: Vec<anyhow::Result<Page>> = with_threads(args.common.threads, || {
        ids.par_iter()
            .map(|id| {
                let group = host(id);
                let engine = match fold_of.get(id.as_str()) {
                    Some(&f) => &fold_engines[f],
                    None if args.cv_models.is_some() => {
                        bail!("{id}: not in the --cv-models folds.tsv")
                    }
                    None => &engine,
                };
                score_page(id, Some(&group), &args, engine, meta.get(id))
            })
            .collect()
    })?;
    let mut pages = Vec::new();
    let mut errors = 0;
    for r in results {
        match r {
            Ok(p) => pages.push(p),
            Err(e) => {
                errors += 1;
                super::log::error(format_args!("{e:#}"));
            }
        }
    }
    if pages.is_empty() {
        bail!("no pages scored");
    }
    let mut report = summarize(
        &pages,
        args.common.profile.into(),
        args.input.is_some() && args.pred.is_none(),
    );
    if !meta.is_empty() {
        let shared: Vec<&Page> = pages
            .iter()
            .filter(|p| per_host[&host(&p.id)] >= 2)
            .collect();
        if !shared.is_empty() {
            report.shared_hosts = Some(subset_rows(&shared));
        }
    }
    report.learned = args.learn;
    if let Some(path) = &args.pages {
        let mut f = std::io::BufWriter::new(
            fs::File::create(path).with_context(|| path.display().to_string())?,
        );
        for p in &pages {
            serde_json::to_writer(&mut f, p)?;
            writeln!(f)?;
        }
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, &report)?;
        writeln!(out)?;
    } else {
        print_report(&mut out, &report, args.worst_rules)?;
    }
    Ok(if errors > 0 { EXIT_ERROR } else { EXIT_OK })
}

fn summarize(pages: &[Page], profile: deboil::Profile, cleaned_here: bool) -> Report {
    let agg_after = |ps: &[&Page]| eval::aggregate(&ps.iter().map(|p| p.after).collect::<Vec<_>>());
    let agg_before = |ps: &[&Page]| {
        let v: Option<Vec<_>> = ps.iter().map(|p| p.before).collect();
        v.map(|v| eval::aggregate(&v))
    };
    let snip = |ps: &[&Page], before: bool| {
        let mut s = SnippetMeans::default();
        for p in ps {
            s.add(if before {
                p.before_snippets.unwrap_or_default()
            } else {
                p.after_snippets
            });
        }
        s
    };
    let all: Vec<&Page> = pages.iter().collect();
    let mut by_type: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    for p in pages {
        by_type.entry(p.page_type.clone()).or_default().push(p);
    }
    let by_type = by_type
        .into_iter()
        .map(|(t, ps)| {
            let before = agg_before(&ps).map(|a| row(a, snip(&ps, true)));
            (t, (before, row(agg_after(&ps), snip(&ps, false))))
        })
        .collect();
    let drops = pages
        .iter()
        .map(|p| {
            let b = p.before?;
            // Only pages with gold content have a recall to lose.
            Some(usize::from(
                b.0.tp + b.0.fn_ > 0.0 && p.after.0.recall() < b.0.recall() - 0.05,
            ))
        })
        .sum::<Option<usize>>();
    let mut rules: HashMap<&str, (usize, RuleTally)> = HashMap::new();
    for p in pages {
        for (id, t) in &p.rules {
            let e = rules.entry(id).or_default();
            e.0 += 1;
            e.1.removals += t.removals;
            e.1.tokens += t.tokens;
            e.1.gold_tokens += t.gold_tokens;
        }
    }
    let mut rules: Vec<RuleRow> = rules
        .into_iter()
        .map(|(id, (pages, t))| RuleRow {
            rule: id.to_owned(),
            pages,
            removals: t.removals,
            tokens: t.tokens,
            gold_tokens: t.gold_tokens,
            false_removal_rate: ratio(t.gold_tokens, t.tokens),
        })
        .collect();
    rules.sort_by(|a, b| b.gold_tokens.cmp(&a.gold_tokens).then(a.rule.cmp(&b.rule)));
    Report {
        profile: if cleaned_here {
            profile.to_string()
        } else {
            "(predictions)".into()
        },
        before: agg_before(&all).map(|a| row(a, snip(&all, true))),
        after: row(agg_after(&all), snip(&all, false)),
        by_type,
        recall_drops_over_5_points: drops,
        guarded_pages: pages.iter().filter(|p| p.guarded).count(),
        rules,
        learned: false,
        shared_hosts: None,
    }
}

fn print_report(out: &mut impl Write, r: &Report, worst: usize) -> std::io::Result<()> {
    let header = "                       pages  shingle-F1       P       R  word-F1  with-kept  without-gone";
    let line = |out: &mut dyn Write, name: &str, row: &Row| {
        writeln!(
            out,
            "{name:<22} {:>5}  {:>10.3}  {:>6.3}  {:>6.3}  {:>7.3}  {:>9.3}  {:>12.3}",
            row.pages,
            row.f1,
            row.precision,
            row.recall,
            row.word_f1,
            row.with_kept,
            row.without_removed
        )
    };
    writeln!(
        out,
        "profile: {}{}",
        r.profile,
        if r.learned { " + learned rules" } else { "" }
    )?;
    writeln!(out, "{header}")?;
    if let Some(b) = &r.before {
        line(out, "input (no cleaning)", b)?;
    }
    line(out, "cleaned", &r.after)?;
    if let Some((b, a)) = &r.shared_hosts {
        if let Some(b) = b {
            line(out, "hosts>=2 pages (input)", b)?;
        }
        line(out, "hosts>=2 pages", a)?;
    }
    writeln!(
        out,
        "\nby page type{}",
        if r.before.is_some() {
            " (input / cleaned)"
        } else {
            ""
        }
    )?;
    writeln!(out, "{header}")?;
    for (t, (b, a)) in &r.by_type {
        if let Some(b) = b {
            line(out, &format!("{t} (input)"), b)?;
        }
        line(out, t, a)?;
    }
    if let Some(d) = r.recall_drops_over_5_points {
        writeln!(
            out,
            "\npages whose shingle recall dropped by more than 5 points: {d} of {} ({:.1}%)",
            r.after.pages,
            100.0 * ratio(d, r.after.pages)
        )?;
    }
    if !r.rules.is_empty() {
        writeln!(
            out,
            "\nrules by gold tokens lost (worst {worst}; a removed token is lost gold when a 4-gram around it is in the gold text more often than in the output)"
        )?;
        writeln!(
            out,
            "{:<28} {:>6} {:>9} {:>9} {:>11} {:>13}",
            "RULE", "PAGES", "REMOVALS", "TOKENS", "GOLD-TOKENS", "FALSE-REMOVAL"
        )?;
        for rr in r.rules.iter().take(worst) {
            writeln!(
                out,
                "{:<28} {:>6} {:>9} {:>9} {:>11} {:>12.1}%",
                rr.rule,
                rr.pages,
                rr.removals,
                rr.tokens,
                rr.gold_tokens,
                100.0 * rr.false_removal_rate
            )?;
        }
    }
    Ok(())
}
