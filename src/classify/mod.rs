//! Understanding a student's message: one primary topic, a verdict and the guide
//! items it touches.
//!
//! Owns: text normalisation ([`text`]), the statistical model (`model`: a
//! softmax regression over word, bigram, character and word-family features
//! plus the dense word-piece reading of [`embed`], blended with naive Bayes,
//! trained once per process from the project's own data in
//! `data/classifier/`), a few high-precision rules, and the priority between
//! clauses of a compound message (a red flag outranks a question, which
//! outranks a stated goal, a courtesy or small talk).
//! Must not: keep per-conversation state (the engine does) or know about Discord.

pub mod acts;
pub mod embed;
mod model;
pub mod text;

pub use model::TrainOptions;
use model::{topic_index, Model, N};

use crate::scenario::OrganizationFacts;
use crate::topic::{Topic, Verdict};
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// The classifier's reading of one message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Classification {
    pub topic: Topic,
    pub verdict: Verdict,
    /// 0.0-1.0: how sure the classifier is of `topic`.
    pub confidence: f32,
    /// Guide item ids the message touches (primary topic's items first).
    pub items: Vec<&'static str>,
    /// Other topics present in the message (e.g. courtesy before a question).
    pub secondary: Vec<Topic>,
    /// Everything the message does, clause by clause, in order.
    pub acts: Vec<Act>,
    /// Whether this reading may cost the student points: a bad verdict read
    /// with at least [`PENALTY_CONFIDENCE`]. An unsure bad reading costs nothing.
    pub penalised: bool,
}

/// One thing a message does: a clause (or the whole message) and its reading.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Act {
    pub topic: Topic,
    pub verdict: Verdict,
    pub confidence: f32,
    /// The clause, as the student wrote it.
    pub text: String,
}

/// Below this, the sentence-act reader all but rules out a job ask.
const JOB_ACT_FLOOR: f32 = 0.05;

/// How sure a bad reading must be before it may cost points (calibrated on
/// held-out data; see docs/BENCHMARKS.md).
pub const PENALTY_CONFIDENCE: f32 = 0.6;

impl Classification {
    /// A bad reading that is not sure enough to cost points.
    pub fn unsure_flag(&self) -> bool {
        self.verdict == Verdict::Bad && !self.penalised
    }

    /// Whether any act of the message is a sure red flag of this topic.
    pub fn has_act(&self, topic: Topic) -> bool {
        self.topic == topic || self.acts.iter().any(|a| a.topic == topic)
    }
}

/// The project's training data, embedded in the binary: the lead's seed lines
/// and one file per independent author (`data/classifier/authors/`).
pub const TRAINING_SOURCES: &[(&str, &str)] = &[
    ("train", include_str!("../../data/classifier/train.tsv")),
    (
        "boundary",
        include_str!("../../data/classifier/authors/boundary.tsv"),
    ),
    (
        "chat",
        include_str!("../../data/classifier/authors/chat.tsv"),
    ),
    (
        "fields",
        include_str!("../../data/classifier/authors/fields.tsv"),
    ),
    (
        "formal",
        include_str!("../../data/classifier/authors/formal.tsv"),
    ),
    (
        "fragments",
        include_str!("../../data/classifier/authors/fragments.tsv"),
    ),
    (
        "messy",
        include_str!("../../data/classifier/authors/messy.tsv"),
    ),
    (
        "mixed",
        include_str!("../../data/classifier/authors/mixed.tsv"),
    ),
    (
        "pairs",
        include_str!("../../data/classifier/authors/pairs.tsv"),
    ),
    (
        "paraphrase",
        include_str!("../../data/classifier/authors/paraphrase.tsv"),
    ),
    (
        "situations",
        include_str!("../../data/classifier/authors/situations.tsv"),
    ),
    (
        "smalltalk",
        include_str!("../../data/classifier/authors/smalltalk.tsv"),
    ),
    (
        "varied",
        include_str!("../../data/classifier/authors/varied.tsv"),
    ),
    (
        "voices",
        include_str!("../../data/classifier/authors/voices.tsv"),
    ),
    (
        "outreach",
        include_str!("../../data/classifier/authors/outreach.tsv"),
    ),
    (
        "asks",
        include_str!("../../data/classifier/authors/asks.tsv"),
    ),
    (
        "realvoices",
        include_str!("../../data/classifier/authors/realvoices.tsv"),
    ),
    (
        "compound",
        include_str!("../../data/classifier/authors/compound.tsv"),
    ),
];

/// Reads messages. Built once and shared (cheap to clone); `classify` takes `&self`.
#[derive(Debug, Clone)]
pub struct Classifier {
    model: Arc<Model<N>>,
    acts: acts::ActReader,
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new()
    }
}

fn best(p: &[f32; N]) -> (Topic, f32) {
    let mut bi = 0;
    for k in 1..N {
        if p[k] > p[bi] {
            bi = k;
        }
    }
    (Topic::ALL[bi], p[bi])
}

/// How sure the reading of a whole compound message must be to stand.
const WHOLE_MESSAGE_FLOOR: f32 = 0.5;
/// How sure a clause's red-flag reading must be to outrank the other clauses.
const RED_FLAG_FLOOR: f32 = 0.6;
/// How sure a clause's red-flag reading must be to outrank the whole message's reading.
const SURE_RED_FLAG: f32 = 0.95;

/// One clause's reading.
#[derive(Debug, Clone, Copy)]
struct Reading {
    topic: Topic,
    p: f32,
    question: bool,
}

fn has_any(ws: &[String], set: &[&str]) -> bool {
    ws.iter().any(|w| set.contains(&w.as_str()))
}

fn has_seq(ws: &[String], seq: &[&str]) -> bool {
    seq.len() <= ws.len()
        && ws
            .windows(seq.len())
            .any(|win| win.iter().zip(seq).all(|(a, b)| a == b))
}

/// A statement of what draws the student to the field: "what draws me to
/// nursing is ...", "the thing that appeals to me about law is ...". Words
/// about hardship in it ("their hardest days") are the reason, not a question
/// about challenges.
fn draws_me(ws: &[String]) -> bool {
    const PULL: &[&str] = &[
        "draws",
        "drew",
        "attracts",
        "attracted",
        "appeals",
        "pulls",
        "excites",
        "motivates",
        "inspires",
        "interests",
    ];
    let Some(v) = ws.iter().position(|w| PULL.contains(&w.as_str())) else {
        return false;
    };
    let lead = &ws[..v];
    let cleft = lead.first().is_some_and(|w| w == "what")
        || has_seq(lead, &["thing", "that"])
        || has_seq(lead, &["part", "that"])
        || has_seq(lead, &["reason"]);
    let me_after = ws.get(v + 1).is_some_and(|w| w == "me");
    let is_after = ws[v..]
        .iter()
        .any(|w| ["is", "was", "are"].contains(&w.as_str()));
    cleft && me_after && is_after
}

/// The clause asks about the professional's own experience and nothing for
/// the student: "what was that like for you?", "how did you get the
/// internship?", "you mentioned your first placement, how was it?".
fn about_their_experience(ws: &[String]) -> bool {
    let theirs = has_seq(ws, &["how", "did", "you"])
        || has_seq(ws, &["what", "was", "your"])
        || has_seq(ws, &["when", "did", "you"])
        || has_seq(ws, &["was", "that", "like"])
        || has_seq(ws, &["was", "it", "like"])
        || has_seq(ws, &["you", "mentioned"])
        || has_seq(ws, &["you", "said"])
        || has_seq(ws, &["your", "first"])
        || has_seq(ws, &["for", "you"]) && has_any(ws, &["was", "were", "did"]);
    theirs && !has_any(ws, &["i", "me", "my", "myself", "mine"])
}

/// Asking whether one would fit at their organisation is a job ask
/// (shared/eval/README.md): "would I be a good fit here?", "do you think I'd
/// fit in on your team?". Only as a question: "I'm a great fit for your team"
/// is a pitch.
fn asks_own_fit(ws: &[String]) -> bool {
    has_any(ws, &["i", "me", "myself"])
        && has_any(ws, &["fit", "fitting"])
        && has_any(
            ws,
            &["here", "your", "yours", "you", "team", "company", "firm"],
        )
        && !has_any(ws, &["people", "someone", "person", "kind", "sort", "type"])
}

/// High-precision red-flag rules over normalised words.
fn rule(ws: &[String]) -> Option<Topic> {
    let me = has_any(ws, &["me", "i", "my", "myself"]);
    let about_their_past = has_seq(ws, &["how", "did", "you"])
        || has_seq(ws, &["what", "was", "your"])
        || has_seq(ws, &["when", "did", "you"])
        || has_seq(ws, &["your", "first"]);
    if has_seq(ws, &["how", "many"]) && has_any(ws, &["employee", "employees", "staff", "workers"])
        || has_seq(ws, &["how", "many", "people", "work"])
    {
        return Some(Topic::Researchable);
    }
    if !about_their_past {
        if me
            && (has_seq(ws, &["pass", "my", "cv"])
                || has_seq(ws, &["forward", "my", "cv"])
                || has_seq(ws, &["send", "my", "cv"])
                || has_seq(ws, &["send", "you", "my", "cv"])
                || has_seq(ws, &["good", "word"])
                || has_seq(ws, &["refer", "me"])
                || has_seq(ws, &["hire", "me"])
                || has_seq(ws, &["recommend", "me", "for"]))
        {
            return Some(Topic::JobAsk);
        }
        if has_seq(ws, &["give", "me", "a", "job"])
            || has_seq(ws, &["get", "me", "a", "job"])
            || has_seq(ws, &["get", "me", "an", "interview"])
            || has_seq(ws, &["job", "with", "you"])
        {
            return Some(Topic::JobAsk);
        }
    }
    None
}

/// A negation before the job words: "not asking for a job", "no internship needed".
fn negated(ws: &[String]) -> bool {
    let neg = ws
        .iter()
        .position(|w| ["not", "never", "no", "nor"].contains(&w.as_str()));
    let job = ws.iter().rposition(|w| {
        [
            "job",
            "jobs",
            "position",
            "role",
            "work",
            "internship",
            "employment",
            "referral",
            "recommendation",
            "hired",
            "hire",
        ]
        .contains(&w.as_str())
    });
    matches!((neg, job), (Some(n), Some(j)) if n < j)
}

fn is_question(clause: &str, ws: &[String]) -> bool {
    clause.trim_end().ends_with('?')
        || ws.first().is_some_and(|w| {
            [
                "what", "how", "who", "where", "when", "why", "which", "is", "are", "do", "does",
                "did", "can", "could", "would", "will", "should", "may", "have", "has", "was",
                "were", "any",
            ]
            .contains(&w.as_str())
        })
}

/// Words that ask for a public fact about an organisation.
const FACT_CUES: &[&str] = &[
    "found",
    "founded",
    "founder",
    "founders",
    "established",
    "headquarter",
    "headquarters",
    "headquartered",
    "hq",
    "based",
    "located",
    "big",
    "size",
    "employee",
    "employees",
    "staff",
    "ceo",
    "chief",
    "executive",
    "owner",
    "owns",
    "owned",
    "products",
    "product",
    "sell",
    "sells",
    "revenue",
    "turnover",
    "listed",
    "traded",
    "offices",
    "branches",
    "locations",
    "services",
    "clients",
    "customers",
    "old",
];
/// Words that ask about the person or the life inside the organisation.
const CULTURE_CUES: &[&str] = &[
    "like",
    "culture",
    "enjoy",
    "feel",
    "atmosphere",
    "environment",
    "support",
    "treat",
    "value",
    "values",
    "balance",
    "team",
    "colleagues",
    "surprised",
    "surprise",
    "choose",
    "chose",
    "pick",
    "picked",
    "joined",
    "joining",
    "role",
    "stay",
    "motivates",
];

/// Whether the clause asks a public fact about the scenario's organisation:
/// it names the organisation, asks what it is, does, where, how big, since
/// when or who runs it, and does not ask about the person ("you") in it.
fn asks_public_fact(ws: &[String], facts: &OrganizationFacts) -> bool {
    let joined = format!(" {} ", ws.join(" "));
    let mut names: Vec<String> = vec![facts.name.to_lowercase()];
    names.extend(facts.aliases.iter().map(|a| a.to_lowercase()));
    let named = names.iter().any(|n| {
        let n = text::words(n).join(" ");
        !n.is_empty() && joined.contains(&format!(" {n} "))
    });
    if !named {
        return false;
    }
    let about_the_person = has_any(ws, &["you", "you've", "you'd", "you're", "yourself"])
        || ws.iter().any(|w| CULTURE_CUES.contains(&w.as_str()));
    if about_the_person {
        return false;
    }
    let fact = ws.iter().any(|w| FACT_CUES.contains(&w.as_str()));
    // "what does <org> do?", "when did <org> start?", "where is <org>?"
    let what_it_does = has_seq(ws, &["what", "does"]) && ws.last().is_some_and(|w| w == "do")
        || has_seq(ws, &["what", "is"]) && ws.len() <= 4
        || ws.first().is_some_and(|w| w == "where")
        || has_seq(ws, &["when", "did"]) && has_any(ws, &["start", "begin", "open", "launch"]);
    fact || what_it_does
}

/// All embedded training data as one text.
pub fn training_text() -> String {
    TRAINING_SOURCES
        .iter()
        .flat_map(|(_, text)| [*text, "\n"])
        .collect()
}

impl Classifier {
    /// The classifier trained on the embedded data. Training runs once per
    /// process; later calls share the same model.
    pub fn new() -> Self {
        static MODEL: OnceLock<Arc<Model<N>>> = OnceLock::new();
        let model =
            MODEL.get_or_init(|| Arc::new(Model::train(&training_text(), TrainOptions::default())));
        Classifier {
            model: Arc::clone(model),
            acts: acts::ActReader::new(),
        }
    }

    /// A classifier trained on `data` (lines of `topic<TAB>text`), for
    /// measuring the model on data it was not trained on.
    pub fn from_data(data: &str) -> Self {
        Self::with_options(data, TrainOptions::default())
    }

    /// A classifier trained on `data` with other settings than the shipped ones.
    pub fn with_options(data: &str, options: TrainOptions) -> Self {
        Classifier {
            model: Arc::new(Model::train(data, options)),
            acts: acts::ActReader::new(),
        }
    }

    /// A second, independent reading: the sentence-act reader is sure the
    /// message names a connection, schedules, thanks or says who the student is,
    /// and all but rules out a job ask. A job-ask reading it contradicts is too
    /// unsure to cost points.
    fn acts_contradict(&self, text: &str, topic: Topic) -> bool {
        use acts::SentenceAct as A;
        if topic != Topic::JobAsk {
            return false;
        }
        let Some(r) = self.acts.read(text) else {
            return false;
        };
        let (best, p) = r.best();
        r.p(A::JobAsk) < JOB_ACT_FLOOR
            && p >= 0.8
            && matches!(
                best,
                A::Connection
                    | A::Meeting
                    | A::Time
                    | A::Thanks
                    | A::Identify
                    | A::NoJob
                    | A::Other
            )
    }

    /// The size in bytes of the trained topic model, were it shipped as an
    /// artefact instead of trained at start-up (see docs/BENCHMARKS.md).
    pub fn artefact_bytes(&self) -> usize {
        self.model.artefact_bytes()
    }

    /// What one sentence of a request or note does (see [`acts`]).
    pub fn sentence_act(&self, sentence: &str) -> Option<acts::ActReading> {
        self.acts.read(sentence)
    }

    fn read(&self, clause: &str, facts: Option<&OrganizationFacts>) -> Option<Reading> {
        let ws = text::words(clause);
        if ws.is_empty() {
            return None;
        }
        let question = is_question(clause, &ws);
        if let Some(f) = facts {
            if asks_public_fact(&ws, f) {
                return Some(Reading {
                    topic: Topic::Researchable,
                    p: 0.95,
                    question,
                });
            }
        }
        if !clause.trim_end().ends_with('?') && draws_me(&ws) {
            return Some(Reading {
                topic: Topic::ShareGoals,
                p: 0.9,
                question,
            });
        }
        if question && asks_own_fit(&ws) && !negated(&ws) {
            return Some(Reading {
                topic: Topic::JobAsk,
                p: 0.97,
                question,
            });
        }
        if let Some(t) = rule(&ws).filter(|t| !(*t == Topic::JobAsk && negated(&ws))) {
            return Some(Reading {
                topic: t,
                p: 0.97,
                question,
            });
        }
        let mut p = self.model.probabilities(clause)?;
        let (mut topic, mut prob) = best(&p);
        // A goal is a statement: a wh-question that mentions one ("what should I
        // do if I want to ...?") asks something else; take the next best reading.
        // "What draws me to nursing is ..." starts the same way but is a statement.
        let wh = ws.first().is_some_and(|w| {
            ["what", "how", "which", "where", "who", "why", "when"].contains(&w.as_str())
        });
        if topic == Topic::ShareGoals && wh && clause.trim_end().ends_with('?') {
            p[topic_index(Topic::ShareGoals)] = 0.0;
            (topic, prob) = best(&p);
        }
        // A question about the professional's own past ("you mentioned the
        // internship - what was that like for you?") asks for their story,
        // whatever job words it repeats; it asks nothing for the student.
        let quoting = has_seq(&ws, &["you", "mentioned"]) || has_seq(&ws, &["you", "said"]);
        if topic == Topic::JobAsk && (question || quoting) && about_their_experience(&ws) {
            p[topic_index(Topic::JobAsk)] = 0.0;
            (topic, prob) = best(&p);
        }
        // "I'm not asking for a job" rules a job ask out rather than making one.
        if topic == Topic::JobAsk && negated(&ws) {
            p[topic_index(Topic::JobAsk)] = 0.0;
            (topic, prob) = best(&p);
        }
        Some(Reading {
            topic,
            p: prob,
            question,
        })
    }

    /// Classifies one message; `facts` lets it recognise questions about the
    /// organisation's public facts as researchable. Never panics.
    pub fn classify(&self, text: &str, facts: Option<&OrganizationFacts>) -> Classification {
        let cl = text::clauses(text);
        let mut readings: Vec<Reading> = Vec::with_capacity(cl.len());
        let mut acts: Vec<Act> = Vec::with_capacity(cl.len());
        let act = |r: Reading, text: &str| Act {
            topic: r.topic,
            verdict: r.topic.verdict(),
            confidence: r.p.clamp(0.0, 1.0),
            text: text.to_string(),
        };
        for c in &cl {
            let whole = self.read(c, facts);
            if let Some(r) = whole {
                readings.push(r);
            }
            // The acts are read finer than the topic: "I'd like to work in this
            // area, so I'm curious: how did you get in?" shares a goal and asks.
            let parts = text::act_pieces(c);
            if parts.len() == 1 {
                acts.extend(whole.map(|r| act(r, c)));
            } else {
                for part in &parts {
                    acts.extend(self.read(part, facts).map(|r| act(r, part)));
                }
            }
        }
        if readings.is_empty() {
            readings.push(Reading {
                topic: Topic::OffTopic,
                p: 0.5,
                question: false,
            });
        }
        let pick = |pred: &dyn Fn(&Reading) -> bool| -> Option<Reading> {
            readings.iter().copied().filter(|r| pred(r)).max_by(|a, b| {
                (a.question, a.p)
                    .partial_cmp(&(b.question, b.p))
                    .unwrap_or(std::cmp::Ordering::Equal)
            })
        };
        // The whole message, read at once, knows the labelling of compound
        // messages best (the training data is full of them); the clause-by-clause
        // priority below decides only when that reading is unsure.
        let whole = if cl.len() > 1 {
            self.read(text, facts)
                .filter(|w| w.p >= WHOLE_MESSAGE_FLOOR || w.topic.is_red_flag())
        } else {
            None
        };
        let flag = pick(&|r| r.topic.is_red_flag() && r.p >= RED_FLAG_FLOOR);
        // A red flag outranks everything: a clause that is surely one wins even
        // over a confident reading of the whole message.
        let chosen = flag
            .filter(|f| f.p >= SURE_RED_FLAG)
            .or(whole)
            .or(flag)
            .or_else(|| {
                pick(&|r| {
                    r.topic.verdict() == Verdict::Good
                        && r.topic != Topic::ShareGoals
                        && (r.question || readings.len() == 1)
                })
            })
            .or_else(|| pick(&|r| r.topic == Topic::ShareGoals))
            .or_else(|| pick(&|r| r.topic.verdict() == Verdict::Good))
            .or_else(|| pick(&|r| r.topic.is_red_flag()))
            .or_else(|| pick(&|r| r.topic == Topic::Courtesy))
            .or_else(|| pick(&|_| true))
            .unwrap_or(Reading {
                topic: Topic::OffTopic,
                p: 0.5,
                question: false,
            });
        // Naming who suggested the contact, scheduling or thanks can carry job
        // words ("the placements office pointed me your way"): when the
        // sentence-act reader is sure of such an act and the topic reading is
        // not sure of a job ask, the message is courtesy.
        // Read once: the veto both recasts an unsure job ask and keeps a surer
        // one from costing points.
        let vetoed = self.acts_contradict(text, chosen.topic);
        let chosen = if vetoed && chosen.p < SURE_RED_FLAG {
            Reading {
                topic: Topic::Courtesy,
                p: 0.5,
                question: chosen.question,
            }
        } else {
            chosen
        };
        let mut secondary: Vec<Topic> = Vec::new();
        for r in &readings {
            if r.topic != chosen.topic && !secondary.contains(&r.topic) {
                secondary.push(r.topic);
            }
        }
        let mut items: Vec<&'static str> = chosen.topic.advice_items().to_vec();
        for t in &secondary {
            for i in t.advice_items() {
                if !items.contains(i) {
                    items.push(i);
                }
            }
        }
        let confidence = chosen.p.clamp(0.0, 1.0);
        Classification {
            topic: chosen.topic,
            verdict: chosen.topic.verdict(),
            confidence,
            items,
            secondary,
            acts,
            penalised: chosen.topic.verdict() == Verdict::Bad
                && confidence >= PENALTY_CONFIDENCE
                && !vetoed,
        }
    }
}
