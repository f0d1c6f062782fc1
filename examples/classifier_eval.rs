//! Measures the message classifier on data it was not trained on.
//!
//! `cargo run --release --example classifier_eval` prints two reports:
//! - leave-one-author-out: for each file in `data/classifier/authors/`, a model
//!   trained on every other training file is tested on that author's lines
//!   (how well the model carries over to another writer's phrasings);
//! - held-back sets: the model trained on all the data, tested on each file in
//!   `tests/data/` and on the shared dev set.
//!
//! `--epochs N`, `--nb-share X`, `--nb-temperature X`, `--dense X` and
//! `--learning-rate X` train with other settings than the shipped ones.
//! `--misses` also lists the errors of the first report and on the lead's own sets (never on the
//! independent `heldout*` files); `--no-loo` skips the first report.
//! A third report reads the realistic set (`tests/data/realistic/`): messages per
//! kind and style (topic, second acceptable topic, verdict, penalties, unsure
//! share), then whole requests and notes against their labels. Its misses are
//! never printed. Calibration of the confidence is reported on the
//! leave-one-author-out readings.
//! Figures go to docs/BENCHMARKS.md. Never tune on `tests/data/heldout*.jsonl`
//! or `tests/data/realistic/`.

use coffeechat::classify::{Classifier, TrainOptions, TRAINING_SOURCES};
use coffeechat::measure;
use coffeechat::topic::{Topic, Verdict};
use std::collections::BTreeMap;

#[derive(Default)]
struct Score {
    n: usize,
    ok: usize,
    tp: usize,
    fp: usize,
    fnn: usize,
    per_topic: BTreeMap<String, (usize, usize)>,
    misses: Vec<String>,
}

impl Score {
    fn add(&mut self, gold: Topic, got: Topic, text: &str) {
        self.n += 1;
        let e = self.per_topic.entry(gold.to_string()).or_default();
        e.1 += 1;
        if gold == got {
            self.ok += 1;
            e.0 += 1;
        } else {
            self.misses.push(format!("{gold} -> {got}: {text}"));
        }
        match (
            gold.verdict() == Verdict::Bad,
            got.verdict() == Verdict::Bad,
        ) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fnn += 1,
            _ => {}
        }
    }
    fn line(&self, name: &str) -> String {
        let p = self.tp as f64 / (self.tp + self.fp).max(1) as f64;
        let r = self.tp as f64 / (self.tp + self.fnn).max(1) as f64;
        format!(
            "{name:<28} n={:<5} accuracy={:.3}  bad precision={:.3} recall={:.3}",
            self.n,
            self.ok as f64 / self.n.max(1) as f64,
            p,
            r
        )
    }
}

fn tsv(text: &str) -> Vec<(Topic, String)> {
    text.lines()
        .filter_map(|l| l.split_once('\t'))
        .filter_map(|(t, x)| Some((t.trim().parse().ok()?, x.trim().to_string())))
        .filter(|(_, x): &(Topic, String)| !x.contains('{'))
        .collect()
}

fn jsonl(text: &str) -> Vec<(Topic, String)> {
    text.lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .filter_map(|v| {
            Some((
                v["topic"].as_str()?.parse().ok()?,
                v["text"].as_str()?.to_string(),
            ))
        })
        .collect()
}

fn score(c: &Classifier, rows: &[(Topic, String)]) -> Score {
    let mut s = Score::default();
    for (gold, text) in rows {
        s.add(*gold, c.classify(text, None).topic, text);
    }
    s
}

/// The value after `--name` on the command line.
fn arg<T: std::str::FromStr>(name: &str) -> Option<T> {
    let args: Vec<String> = std::env::args().collect();
    let i = args.iter().position(|a| a == name)?;
    args.get(i + 1)?.parse().ok()
}

fn main() -> anyhow::Result<()> {
    let misses = std::env::args().any(|a| a == "--misses");
    let skip_loo = std::env::args().any(|a| a == "--no-loo");
    let d = TrainOptions::default();
    let options = TrainOptions {
        epochs: arg("--epochs").unwrap_or(d.epochs),
        nb_share: arg("--nb-share").unwrap_or(d.nb_share),
        nb_temperature: arg("--nb-temperature").unwrap_or(d.nb_temperature),
        dense: arg("--dense").unwrap_or(d.dense),
        learning_rate: arg("--learning-rate").unwrap_or(d.learning_rate),
    };
    println!("{options:?}");
    let root = env!("CARGO_MANIFEST_DIR");
    if !skip_loo {
        println!("== leave one author out");
        let mut total = Score::default();
        let mut confidences: Vec<(f32, bool)> = Vec::new();
        // (gold verdict is bad, reading is bad, confidence) for choosing the penalty threshold.
        let mut flags: Vec<(bool, bool, f32)> = Vec::new();
        for (name, text) in TRAINING_SOURCES.iter().filter(|(n, _)| *n != "train") {
            let rest: String = TRAINING_SOURCES
                .iter()
                .filter(|(n, _)| n != name)
                .flat_map(|(_, t)| [*t, "\n"])
                .collect();
            let c = Classifier::with_options(&rest, options.clone());
            let s = score(&c, &tsv(text));
            println!("{}", s.line(name));
            for (gold, text) in tsv(text) {
                let got = c.classify(&text, None);
                confidences.push((got.confidence, got.topic == gold));
                flags.push((
                    gold.verdict() == Verdict::Bad,
                    got.verdict == Verdict::Bad,
                    got.confidence,
                ));
                total.add(gold, got.topic, &text);
            }
        }
        println!("{}", total.line("all authors"));
        for (t, (ok, n)) in &total.per_topic {
            println!("  {t:<14} {:.3} ({ok}/{n})", *ok as f64 / *n as f64);
        }
        let cal = measure::calibration(&confidences);
        println!("calibration (leave one author out): ECE {:.3}", cal.ece);
        for (lo, conf, acc, n) in &cal.bins {
            println!("  confidence >= {lo:.1}: mean {conf:.3}, right {acc:.3} (n={n})");
        }
        println!("penalty threshold (leave one author out): good messages penalised / bad messages penalised");
        let good = flags.iter().filter(|f| !f.0).count().max(1) as f64;
        let bad = flags.iter().filter(|f| f.0).count().max(1) as f64;
        for t in [0.5f32, 0.6, 0.7, 0.8, 0.9, 0.95, 0.97, 0.99] {
            let gp = flags.iter().filter(|f| !f.0 && f.1 && f.2 >= t).count() as f64 / good;
            let bp = flags.iter().filter(|f| f.0 && f.1 && f.2 >= t).count() as f64 / bad;
            println!("  >= {t:.2}: {gp:.4} / {bp:.4}");
        }
        if misses {
            for m in &total.misses {
                println!("  MISS {m}");
            }
        }
    }
    println!("== held-back sets (model trained on all the data)");
    let c = if options == d {
        Classifier::new()
    } else {
        Classifier::with_options(&coffeechat::classify::training_text(), options.clone())
    };
    let mut sets: Vec<(String, Vec<(Topic, String)>)> = Vec::new();
    let dev = format!("{root}/../shared/eval/dev-questions.jsonl");
    if let Ok(t) = std::fs::read_to_string(&dev) {
        sets.push(("shared dev".into(), jsonl(&t)));
    }
    let mut files: Vec<_> = std::fs::read_dir(format!("{root}/tests/data"))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    files.sort();
    for p in files.into_iter().filter(|p| p.is_file()) {
        let t = std::fs::read_to_string(&p)?;
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        match p.extension().and_then(|e| e.to_str()) {
            Some("jsonl") => sets.push((name, jsonl(&t))),
            Some("tsv") => sets.push((name, tsv(&t))),
            _ => {}
        }
    }
    for (name, rows) in &sets {
        let s = score(&c, rows);
        println!("{}", s.line(name));
        // The independent sets are for measuring only: their misses stay unread.
        if misses && !name.starts_with("heldout") {
            for (t, (ok, n)) in &s.per_topic {
                println!("  {t:<14} {ok}/{n}");
            }
            for m in &s.misses {
                println!("  MISS {m}");
            }
        }
    }
    println!(
        "trained topic model: {:.1} MB as an artefact",
        c.artefact_bytes() as f64 / 1e6
    );
    realistic(&c, root)?;
    Ok(())
}

/// The realistic set: written by authors who wrote no training data and never
/// saw the model's misses. Only figures are printed.
fn realistic(c: &Classifier, root: &str) -> anyhow::Result<()> {
    let dir = format!("{root}/tests/data/realistic");
    println!("== realistic set ({dir})");
    let scenarios = coffeechat::scenario::load::load_embedded().ok();
    if let Ok(t) = std::fs::read_to_string(format!("{dir}/messages.jsonl")) {
        let rows = measure::parse_messages(&t);
        let r = measure::measure_messages(c, &rows, scenarios.as_ref());
        println!("{}", r.all.line("messages"));
        println!("by kind:");
        for (k, t) in &r.by_kind {
            println!("  {}", t.line(k));
        }
        println!("by style:");
        for (k, t) in &r.by_style {
            println!("  {}", t.line(k));
        }
        let cal = measure::calibration(&r.confidences);
        println!("calibration (realistic messages): ECE {:.3}", cal.ece);
        for (lo, conf, acc, n) in &cal.bins {
            println!("  confidence >= {lo:.1}: mean {conf:.3}, right {acc:.3} (n={n})");
        }
    }
    if let Ok(t) = std::fs::read_to_string(format!("{dir}/requests.jsonl")) {
        println!("requests (whole texts), per reading:");
        for (k, a) in measure::measure_requests(c, &t) {
            println!("  {}", a.line(&k));
        }
    }
    if let Ok(t) = std::fs::read_to_string(format!("{dir}/notes.jsonl")) {
        println!("notes (whole texts), per reading:");
        for (k, a) in measure::measure_notes(c, &t) {
            println!("  {}", a.line(&k));
        }
    }
    Ok(())
}
