//! Classifier accuracy on labelled data it was not trained on, and regressions.
//!
//! Data: the shared dev set (`../shared/eval/dev-questions.jsonl`, skipped when
//! absent) and the project's held-back sets in `tests/data/`. Nobody tunes the
//! classifier on the held-back sets.

use coffeechat::classify::Classifier;
use coffeechat::topic::{Topic, Verdict};
use std::collections::BTreeMap;

struct Report {
    n: usize,
    correct: usize,
    bad_tp: usize,
    bad_fp: usize,
    bad_fn: usize,
    errors: Vec<String>,
    per_topic: BTreeMap<Topic, (usize, usize)>,
}

impl Report {
    fn accuracy(&self) -> f64 {
        self.correct as f64 / self.n.max(1) as f64
    }
    fn bad_precision(&self) -> f64 {
        self.bad_tp as f64 / (self.bad_tp + self.bad_fp).max(1) as f64
    }
    fn bad_recall(&self) -> f64 {
        self.bad_tp as f64 / (self.bad_tp + self.bad_fn).max(1) as f64
    }
    fn summary(&self, name: &str) -> String {
        let mut s = format!(
            "{name}: n={} accuracy={:.3} bad precision={:.3} recall={:.3}\n",
            self.n,
            self.accuracy(),
            self.bad_precision(),
            self.bad_recall()
        );
        for (t, (ok, n)) in &self.per_topic {
            s.push_str(&format!("  {t:<14} {ok}/{n}\n"));
        }
        for e in self.errors.iter().take(60) {
            s.push_str(&format!("  MISS {e}\n"));
        }
        s
    }
}

fn evaluate(c: &Classifier, rows: &[(String, Topic)]) -> Report {
    let mut r = Report {
        n: 0,
        correct: 0,
        bad_tp: 0,
        bad_fp: 0,
        bad_fn: 0,
        errors: vec![],
        per_topic: BTreeMap::new(),
    };
    for (text, gold) in rows {
        let got = c.classify(text, None);
        r.n += 1;
        let e = r.per_topic.entry(*gold).or_insert((0, 0));
        e.1 += 1;
        if got.topic == *gold {
            r.correct += 1;
            e.0 += 1;
        } else {
            r.errors.push(format!("{gold} -> {}: {text}", got.topic));
        }
        let gb = gold.verdict() == Verdict::Bad;
        let pb = got.verdict == Verdict::Bad;
        match (gb, pb) {
            (true, true) => r.bad_tp += 1,
            (false, true) => r.bad_fp += 1,
            (true, false) => r.bad_fn += 1,
            _ => {}
        }
    }
    r
}

fn jsonl(path: &str) -> Option<Vec<(String, Topic)>> {
    let text = std::fs::read_to_string(path).ok()?;
    Some(
        text.lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (
                    v["text"].as_str().unwrap().to_string(),
                    v["topic"].as_str().unwrap().parse().unwrap(),
                )
            })
            .collect(),
    )
}

fn tsv(path: &str) -> Vec<(String, Topic)> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('\t'))
        .map(|(t, x)| (x.to_string(), t.parse().unwrap()))
        .collect()
}

fn check(name: &str, rows: &[(String, Topic)], floor: f64) {
    let c = Classifier::new();
    let r = evaluate(&c, rows);
    println!("{}", r.summary(name));
    assert!(r.accuracy() >= floor, "{}", r.summary(name));
    assert!(
        r.bad_precision() >= floor && r.bad_recall() >= floor,
        "{}",
        r.summary(name)
    );
}

#[test]
fn shared_dev_set() {
    let Some(rows) = jsonl(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../shared/eval/dev-questions.jsonl"
    )) else {
        eprintln!("skipped: ../shared/eval/dev-questions.jsonl not found");
        return;
    };
    check("shared dev", &rows, 0.95);
}

#[test]
fn held_back_set_written_by_the_lead() {
    let rows = tsv(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/holdout-lead.tsv"
    ));
    assert!(rows.len() >= 300);
    // The project's target on unseen phrasings; figures are in docs/BENCHMARKS.md.
    check("holdout-lead", &rows, 0.95);
}

#[test]
fn red_flags_outrank_everything_in_compound_messages() {
    let c = Classifier::new();
    for (text, want) in [
        ("Thanks, that's great - are you hiring?", Topic::JobAsk),
        (
            "this was so useful!! btw could you pass my cv to your manager",
            Topic::JobAsk,
        ),
        ("Thanks! How did you get into nursing?", Topic::Entry),
        (
            "I'm hoping to get into UX. What was your first job in the field?",
            Topic::Entry,
        ),
        ("I'm hoping to get into UX research.", Topic::ShareGoals),
        ("Who else should I talk to?", Topic::Referral),
        (
            "Can you refer me for the opening on your team?",
            Topic::JobAsk,
        ),
        (
            "What's the culture like at your company?",
            Topic::Organization,
        ),
        ("What does your company do?", Topic::Researchable),
        ("What skills matter most in this job?", Topic::Preparation),
        (
            "Let me tell you about my skills: I'm a great fit for your team.",
            Topic::SelfPitch,
        ),
    ] {
        assert_eq!(c.classify(text, None).topic, want, "{text}");
    }
}

#[test]
fn public_facts_make_questions_researchable() {
    let set = coffeechat::scenario::load::load_embedded().unwrap();
    let sc = set.get("software-backend").unwrap();
    let c = Classifier::new();
    let f = Some(&sc.organization);
    assert_eq!(
        c.classify("when did northwind start?", f).topic,
        Topic::Researchable
    );
    assert_eq!(
        c.classify("So what does Northwind Logistics actually do?", f)
            .topic,
        Topic::Researchable
    );
    assert_eq!(
        c.classify("How many people work at Northwind?", f).topic,
        Topic::Researchable
    );
    assert_ne!(
        c.classify("What do you like about working at Northwind?", f)
            .topic,
        Topic::Researchable
    );
}

#[test]
fn secondary_topics_and_items_are_reported() {
    let c = Classifier::new();
    let r = c.classify("Thanks so much! What advice would you give me?", None);
    assert_eq!(r.topic, Topic::Advice);
    assert!(r.secondary.contains(&Topic::Courtesy));
    assert_eq!(r.items[0], "talk.their_story");
    assert!(r.items.contains(&"talk.thanks"));
    assert!(r.confidence > 0.0 && r.confidence <= 1.0);
}

#[test]
fn project_dev_set() {
    let rows = tsv(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/data/classifier/dev.tsv"
    ));
    check("project dev", &rows, 0.95);
}

#[test]
fn classify_command_reads_json_lines_in_order() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_coffeechat"))
        .args(["classify", "--scenario", "software-backend"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let input = "{\"text\": \"Are you hiring?\"}\nnot json\n\n{\"text\": \"How did you get into this field?\"}\n{\"no\": 1}\n{\"text\": \"When was Northwind founded?\"}\n";
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["topic"], "job_ask");
    assert_eq!(lines[0]["verdict"], "bad");
    assert!(lines[1]["error"].as_str().unwrap().contains("line 2"));
    assert_eq!(lines[2]["topic"], "entry");
    assert_eq!(lines[2]["verdict"], "good");
    assert!(lines[3]["error"].is_string());
    assert_eq!(lines[4]["topic"], "researchable");
    let bad = Command::new(env!("CARGO_BIN_EXE_coffeechat"))
        .args(["classify", "--scenario", "nope"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("software-backend"));
}

#[test]
fn second_held_back_set_written_before_the_last_data_round() {
    let rows = tsv(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/holdout-lead-2.tsv"
    ));
    assert!(rows.len() >= 150);
    check("holdout-lead-2", &rows, 0.95);
}

/// The independent held-back sets (see `tests/data/README.md`): each written by a
/// separate author who never saw the classifier, its training data or the other
/// sets. The project's target on unseen phrasings, 0.95 topic accuracy and `bad`
/// precision and recall, is asserted on each; figures are in docs/BENCHMARKS.md.
/// Never tune on these files.
fn independent(file: &str, min_rows: usize) {
    let path = format!("{}/tests/data/{file}", env!("CARGO_MANIFEST_DIR"));
    let rows = jsonl(&path).unwrap();
    assert!(rows.len() >= min_rows, "{file}: {} rows", rows.len());
    check(file, &rows, 0.95);
}

#[test]
fn independent_held_back_set() {
    independent("heldout.jsonl", 1000);
}

#[test]
fn independent_held_back_set_b() {
    independent("heldout-b.jsonl", 900);
}

#[test]
fn independent_held_back_set_c() {
    independent("heldout-c.jsonl", 720);
}

// ---- the realistic set: written apart from the training data ----
//
// `tests/data/realistic/` was written by authors who wrote no training line and
// never saw the reader's mistakes, after reading how real students write
// (career-centre lists, outreach and thank-you examples, forum posts). Only its
// figures are printed here, never its misses.

fn realistic(file: &str) -> String {
    let path = format!("{}/tests/data/realistic/{file}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn realistic_messages_are_read_fairly() {
    use coffeechat::measure::{measure_messages, parse_messages};
    let rows = parse_messages(&realistic("messages.jsonl"));
    assert!(rows.len() >= 790, "{} rows", rows.len());
    let set = coffeechat::scenario::load::load_embedded().expect("shipped scenarios load");
    let r = measure_messages(&Classifier::new(), &rows, Some(&set));
    let a = &r.all;
    println!("{}", a.line("realistic messages"));
    assert!(
        a.lenient() >= 0.90,
        "topic (or second topic) {:.3}",
        a.lenient()
    );
    assert!(a.verdict() >= 0.95, "verdict {:.3}", a.verdict());
    assert!(
        a.bad_precision() >= 0.93,
        "bad precision {:.3}",
        a.bad_precision()
    );
    assert!(a.bad_recall() >= 0.94, "bad recall {:.3}", a.bad_recall());
    assert!(
        a.good_penalised() <= 0.015,
        "good questions penalised {:.3}",
        a.good_penalised()
    );
    for kind in ["implied_job_ask", "pitch", "goals", "good_question"] {
        let t = &r.by_kind[kind];
        assert!(t.verdict() >= 0.95, "{}", t.line(kind));
    }
}

#[test]
fn realistic_requests_and_notes_are_read_by_meaning() {
    use coffeechat::measure::{measure_notes, measure_requests};
    let c = Classifier::new();
    let floors = [
        ("identify", 0.80),
        ("connection", 0.82),
        ("purpose", 0.65),
        ("time_bounded", 0.95),
        ("no_job", 0.90),
        ("job_ask", 0.95),
        ("framing", 0.80),
        ("expertise", 0.70),
        ("subject", 0.95),
        ("textspeak", 0.95),
    ];
    let requests = measure_requests(&c, &realistic("requests.jsonl"));
    for (key, floor) in floors {
        let a = &requests[key];
        println!("request {}", a.line(key));
        assert!(a.n >= 90, "{key}: {} labelled", a.n);
        assert!(a.accuracy() >= floor, "request {}", a.line(key));
    }
    let floors = [
        ("thanks", 0.90),
        ("specific", 0.85),
        ("update", 0.80),
        ("referral_done", 0.95),
        ("job_ask", 0.97),
        ("textspeak", 0.95),
    ];
    let notes = measure_notes(&c, &realistic("notes.jsonl"));
    for (key, floor) in floors {
        let a = &notes[key];
        println!("note {}", a.line(key));
        assert!(a.accuracy() >= floor, "note {}", a.line(key));
    }
}
