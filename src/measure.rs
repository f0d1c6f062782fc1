//! Measuring the reading against labelled data: topic, verdict and penalty
//! figures per kind of message, calibration of the confidence, and the
//! request and note readings against labelled whole texts.
//!
//! Owns: the labelled-data formats of `tests/data/` and the tallies.
//! Must not: train or tune anything (the figures are for reporting; the
//! held-back sets are never trained on).

use crate::classify::{Classification, Classifier};
use crate::engine::request::{note_facts, request_facts, NoteContext};
use crate::scenario::{Medium, ScenarioSet};
use crate::topic::{Topic, Verdict};
use serde_json::Value;
use std::collections::BTreeMap;

/// One labelled message (a line of a `.jsonl` test set).
#[derive(Debug, Clone)]
pub struct LabelledMessage {
    pub text: String,
    pub topic: Topic,
    /// A second topic a careful labeller would also accept.
    pub alt: Option<Topic>,
    pub kind: String,
    pub style: String,
    /// A shipped scenario whose public facts the message may ask about.
    pub scenario: Option<String>,
}

/// Parses JSON lines with `text` and `topic` (and optional `alt`, `kind`,
/// `style`, `scenario`); lines that do not parse are skipped.
pub fn parse_messages(jsonl: &str) -> Vec<LabelledMessage> {
    jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter_map(|v| {
            let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_string);
            Some(LabelledMessage {
                text: s("text")?,
                topic: s("topic")?.parse().ok()?,
                alt: s("alt").and_then(|a| a.parse().ok()),
                kind: s("kind").unwrap_or_else(|| "all".into()),
                style: s("style").unwrap_or_else(|| "plain".into()),
                scenario: s("scenario"),
            })
        })
        .collect()
}

/// Counts for one group of messages.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    pub n: usize,
    pub topic_ok: usize,
    /// Topic right or the second acceptable topic.
    pub lenient_ok: usize,
    pub verdict_ok: usize,
    pub bad_tp: usize,
    pub bad_fp: usize,
    pub bad_fn: usize,
    /// Good messages, and those whose reading would cost points.
    pub good: usize,
    pub good_penalised: usize,
    /// Bad messages, and those whose reading costs points.
    pub bad: usize,
    pub bad_penalised: usize,
    /// Readings with a bad verdict that are too unsure to cost points.
    pub unsure: usize,
}

fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        1.0
    } else {
        a as f64 / b as f64
    }
}

impl Tally {
    pub fn add(&mut self, gold: &LabelledMessage, got: &Classification) {
        self.n += 1;
        let lenient = got.topic == gold.topic || gold.alt == Some(got.topic);
        self.topic_ok += usize::from(got.topic == gold.topic);
        self.lenient_ok += usize::from(lenient);
        let gold_verdict = if lenient {
            got.verdict
        } else {
            gold.topic.verdict()
        };
        self.verdict_ok += usize::from(got.verdict == gold_verdict);
        let gold_bad = gold_verdict == Verdict::Bad;
        let got_bad = got.verdict == Verdict::Bad;
        match (gold_bad, got_bad) {
            (true, true) => self.bad_tp += 1,
            (false, true) => self.bad_fp += 1,
            (true, false) => self.bad_fn += 1,
            _ => {}
        }
        if gold_verdict == Verdict::Good {
            self.good += 1;
            self.good_penalised += usize::from(got.penalised);
        }
        if gold_bad {
            self.bad += 1;
            self.bad_penalised += usize::from(got.penalised);
        }
        self.unsure += usize::from(got.unsure_flag());
    }

    pub fn accuracy(&self) -> f64 {
        ratio(self.topic_ok, self.n)
    }
    pub fn lenient(&self) -> f64 {
        ratio(self.lenient_ok, self.n)
    }
    pub fn verdict(&self) -> f64 {
        ratio(self.verdict_ok, self.n)
    }
    pub fn bad_precision(&self) -> f64 {
        ratio(self.bad_tp, self.bad_tp + self.bad_fp)
    }
    pub fn bad_recall(&self) -> f64 {
        ratio(self.bad_tp, self.bad_tp + self.bad_fn)
    }
    /// Share of good messages whose reading would cost points.
    pub fn good_penalised(&self) -> f64 {
        if self.good == 0 {
            0.0
        } else {
            self.good_penalised as f64 / self.good as f64
        }
    }
    /// Share of bad messages whose reading costs points.
    pub fn bad_penalised(&self) -> f64 {
        ratio(self.bad_penalised, self.bad)
    }
    /// Share of readings that are bad but unsure.
    pub fn unsure_share(&self) -> f64 {
        if self.n == 0 {
            0.0
        } else {
            self.unsure as f64 / self.n as f64
        }
    }

    /// One line of figures.
    pub fn line(&self, name: &str) -> String {
        format!(
            "{name:<22} n={:<4} topic={:.3} lenient={:.3} verdict={:.3} bad P={:.3} R={:.3} penalised: good={:.3} bad={:.3} unsure={:.3}",
            self.n,
            self.accuracy(),
            self.lenient(),
            self.verdict(),
            self.bad_precision(),
            self.bad_recall(),
            self.good_penalised(),
            self.bad_penalised(),
            self.unsure_share()
        )
    }
}

/// Figures for a labelled set: overall, per kind and per style.
#[derive(Debug, Clone, Default)]
pub struct MessageReport {
    pub all: Tally,
    pub by_kind: BTreeMap<String, Tally>,
    pub by_style: BTreeMap<String, Tally>,
    /// (confidence, topic right) for every message, for calibration.
    pub confidences: Vec<(f32, bool)>,
}

/// Reads every message (with its scenario's public facts where it names one)
/// and tallies the readings.
pub fn measure_messages(
    classifier: &Classifier,
    rows: &[LabelledMessage],
    scenarios: Option<&ScenarioSet>,
) -> MessageReport {
    let mut r = MessageReport::default();
    for row in rows {
        let facts = row
            .scenario
            .as_deref()
            .and_then(|id| scenarios?.get(id))
            .map(|sc| &sc.organization);
        let got = classifier.classify(&row.text, facts);
        r.all.add(row, &got);
        r.by_kind
            .entry(row.kind.clone())
            .or_default()
            .add(row, &got);
        r.by_style
            .entry(row.style.clone())
            .or_default()
            .add(row, &got);
        let ok = got.topic == row.topic || row.alt == Some(got.topic);
        r.confidences.push((got.confidence, ok));
    }
    r
}

/// Reliability of the confidence: per bin, the mean confidence and the share
/// right; the expected calibration error weighs the gaps by bin size.
#[derive(Debug, Clone, Default)]
pub struct Calibration {
    /// (lower edge, mean confidence, share right, count)
    pub bins: Vec<(f32, f64, f64, usize)>,
    pub ece: f64,
}

pub fn calibration(points: &[(f32, bool)]) -> Calibration {
    const EDGES: [f32; 7] = [0.0, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
    let mut cal = Calibration::default();
    let total = points.len().max(1) as f64;
    for (i, lo) in EDGES.iter().enumerate() {
        let hi = EDGES.get(i + 1).copied().unwrap_or(1.01);
        let inside: Vec<&(f32, bool)> = points
            .iter()
            .filter(|(c, _)| *c >= *lo && *c < hi)
            .collect();
        if inside.is_empty() {
            continue;
        }
        let n = inside.len();
        let conf = inside.iter().map(|(c, _)| f64::from(*c)).sum::<f64>() / n as f64;
        let acc = inside.iter().filter(|(_, ok)| *ok).count() as f64 / n as f64;
        cal.ece += (conf - acc).abs() * n as f64 / total;
        cal.bins.push((*lo, conf, acc, n));
    }
    cal
}

/// Agreement of one reading flag with its label.
#[derive(Debug, Clone, Default)]
pub struct Agreement {
    pub n: usize,
    pub ok: usize,
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Agreement {
    fn add(&mut self, gold: bool, got: bool) {
        self.n += 1;
        self.ok += usize::from(gold == got);
        match (gold, got) {
            (true, true) => self.tp += 1,
            (false, true) => self.fp += 1,
            (true, false) => self.fn_ += 1,
            _ => {}
        }
    }
    pub fn accuracy(&self) -> f64 {
        ratio(self.ok, self.n)
    }
    pub fn line(&self, name: &str) -> String {
        format!(
            "{name:<16} n={:<4} agree={:.3} (tp {} fp {} fn {})",
            self.n,
            self.accuracy(),
            self.tp,
            self.fp,
            self.fn_
        )
    }
}

fn medium(v: &Value) -> Medium {
    let email_only = v
        .get("email_only_contact")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    match v.get("medium").and_then(Value::as_str).unwrap_or("") {
        _ if email_only => Medium::Email,
        "email" => Medium::Email,
        "phone" => Medium::Phone,
        "video" => Medium::Video,
        _ => Medium::Coffee,
    }
}

fn expect(v: &Value, key: &str) -> Option<bool> {
    v.get("expect")?.get(key)?.as_bool()
}

/// The request readings against labelled requests (`requests.jsonl`), per key.
pub fn measure_requests(classifier: &Classifier, jsonl: &str) -> BTreeMap<String, Agreement> {
    let mut out: BTreeMap<String, Agreement> = BTreeMap::new();
    for v in jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        let Some(text) = v.get("text").and_then(Value::as_str) else {
            continue;
        };
        let f = request_facts(classifier, text, medium(&v));
        let got = [
            ("identify", Some(f.identify)),
            ("connection", Some(f.connection)),
            ("purpose", Some(f.purpose)),
            ("time_bounded", Some(f.time_bounded)),
            ("no_job", Some(f.no_job)),
            ("job_ask", Some(f.job_ask)),
            ("framing", Some(f.framing)),
            ("expertise", Some(f.expertise)),
            ("subject", f.subject),
            ("textspeak", Some(f.textspeak)),
        ];
        for (key, got) in got {
            if let (Some(gold), Some(got)) = (expect(&v, key), got) {
                out.entry(key.to_string()).or_default().add(gold, got);
            }
        }
    }
    out
}

/// The note readings against labelled notes (`notes.jsonl`), per key.
pub fn measure_notes(classifier: &Classifier, jsonl: &str) -> BTreeMap<String, Agreement> {
    let mut out: BTreeMap<String, Agreement> = BTreeMap::new();
    for v in jsonl
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        let Some(text) = v.get("text").and_then(Value::as_str) else {
            continue;
        };
        let ctx = v.get("context");
        let said: Vec<String> = ctx
            .and_then(|c| c.get("advice"))
            .and_then(Value::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let referral = ctx.and_then(|c| c.get("referral")).and_then(Value::as_str);
        let f = note_facts(
            classifier,
            text,
            NoteContext {
                referral,
                said: &said,
            },
        );
        let got = [
            ("thanks", Some(f.thanks)),
            ("specific", Some(f.specific)),
            ("update", Some(f.update)),
            ("referral_done", f.referral_done),
            ("job_ask", Some(f.job_ask)),
            ("textspeak", Some(f.textspeak)),
            ("generic", Some(!f.specific)),
        ];
        for (key, got) in got {
            if let (Some(gold), Some(got)) = (expect(&v, key), got) {
                out.entry(key.to_string()).or_default().add(gold, got);
            }
        }
    }
    out
}
