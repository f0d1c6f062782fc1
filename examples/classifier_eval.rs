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
//! Figures go to docs/BENCHMARKS.md. Never tune on `tests/data/heldout*.jsonl`.

use coffeechat::classify::{Classifier, TrainOptions, TRAINING_SOURCES};
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
                total.add(gold, c.classify(&text, None).topic, &text);
            }
        }
        println!("{}", total.line("all authors"));
        for (t, (ok, n)) in &total.per_topic {
            println!("  {t:<14} {:.3} ({ok}/{n})", *ok as f64 / *n as f64);
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
    for p in files {
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
    Ok(())
}
