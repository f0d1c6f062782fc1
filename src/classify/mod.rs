//! Understanding a student's message: one primary topic, a verdict and the guide
//! items it touches.
//!
//! Owns: text normalisation ([`text`]), a multinomial naive Bayes model over
//! word, bigram and character features trained at construction from the
//! project's own data (`data/classifier/train.tsv`), a few high-precision rules,
//! and the priority between clauses of a compound message (a red flag outranks
//! a question, which outranks a stated goal, a courtesy or small talk).
//! Must not: keep per-conversation state (the engine does) or know about Discord.

pub mod text;

use crate::scenario::OrganizationFacts;
use crate::topic::{Topic, Verdict};
use serde::Serialize;
use std::collections::HashMap;
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
        "mixed",
        include_str!("../../data/classifier/authors/mixed.tsv"),
    ),
    (
        "varied",
        include_str!("../../data/classifier/authors/varied.tsv"),
    ),
];

/// Fields and organisation words substituted for `{f}` and `{o}` in the data,
/// so the model learns that the field named does not decide the topic.
const FIELDS: &[&str] = &[
    "nursing",
    "software engineering",
    "journalism",
    "ux research",
    "finance",
    "accounting",
    "law",
    "game design",
    "public policy",
    "teaching",
    "marine biology",
    "architecture",
    "data science",
    "marketing",
    "construction",
    "electrical work",
    "logistics",
    "medicine",
    "social work",
    "publishing",
    "consulting",
    "product management",
    "graphic design",
    "film",
    "civil engineering",
    "healthcare",
    "renewable energy",
    "human resources",
    "sales",
    "academic research",
];
const ORGS: &[&str] = &[
    "company",
    "firm",
    "organisation",
    "hospital",
    "agency",
    "studio",
    "department",
    "school",
    "bank",
    "newsroom",
    "charity",
    "startup",
];

const N: usize = Topic::ALL.len();
/// How much the naive Bayes posterior counts in the blend, and how it is tempered.
const NB_SHARE: f32 = 0.5;
const NB_TEMPERATURE: f32 = 3.0;

/// Softmax regression over sparse features, trained with SGD at start-up.
#[derive(Debug)]
struct Model {
    index: HashMap<String, usize>,
    weights: Vec<[f32; N]>,
    bias: [f32; N],
    /// Naive Bayes log-likelihoods per feature, blended with the regression for stability.
    nb: Vec<[f32; N]>,
}

/// Reads messages. Built once and shared (cheap to clone); `classify` takes `&self`.
#[derive(Debug, Clone)]
pub struct Classifier {
    model: Arc<Model>,
}

impl Default for Classifier {
    fn default() -> Self {
        Self::new()
    }
}

fn topic_index(t: Topic) -> usize {
    Topic::ALL.iter().position(|x| *x == t).unwrap_or(0)
}

/// Word families that point at a topic; a shared feature per family lets the
/// model generalise from one synonym to its neighbours.
const CONCEPTS: &[(&str, &[&str])] = &[
    (
        "hard",
        &[
            "hard",
            "difficult",
            "tough",
            "challeng",
            "struggl",
            "frustrat",
            "downside",
            "worst",
            "stress",
            "drain",
            "exhaust",
            "burnout",
            "burn",
            "cons",
            "negativ",
            "annoy",
            "pain",
            "problem",
            "obstacle",
            "pressure",
            "dislike",
            "hate",
            "tiring",
            "ugly",
            "sucks",
            "setback",
            "cope",
            "coping",
            "overwhelm",
            "demanding",
            "drawback",
            "bother",
        ],
    ),
    (
        "good",
        &[
            "reward",
            "enjoy",
            "love",
            "best",
            "satisf",
            "fulfil",
            "happy",
            "glad",
            "proud",
            "worthwhile",
            "perk",
            "fun",
            "joy",
            "motivat",
            "meaning",
            "favourite",
            "exciting",
            "gratif",
            "upside",
            "benefit",
            "highlight",
            "like best",
            "pleasure",
        ],
    ),
    (
        "prep",
        &[
            "qualif",
            "degree",
            "course",
            "certif",
            "cert",
            "train",
            "study",
            "studie",
            "skill",
            "master",
            "phd",
            "diploma",
            "module",
            "class",
            "subject",
            "learn",
            "educat",
            "licen",
            "portfolio",
            "prepar",
            "bootcamp",
            "apprenticeship",
        ],
    ),
    (
        "day",
        &[
            "day", "daily", "week", "routine", "typical", "shift", "schedule", "hour", "task",
            "morning", "ordinary", "normal", "average", "usual", "regular",
        ],
    ),
    (
        "org",
        &[
            "culture",
            "atmosphere",
            "environment",
            "colleague",
            "management",
            "manager",
            "employer",
            "workplace",
            "office",
            "vibe",
            "values",
            "organisation",
            "company",
            "firm",
            "team",
            "studio",
            "agency",
            "hospital",
            "department",
        ],
    ),
    (
        "future",
        &[
            "future", "heading", "trend", "prospect", "demand", "grow", "shrink", "chang",
            "automat", "ai", "decade", "evolv", "emerg", "outlook", "market", "stable", "secure",
            "next", "shift", "going",
        ],
    ),
    (
        "advice",
        &[
            "advice",
            "advise",
            "tip",
            "recommend",
            "suggest",
            "wish",
            "differently",
            "mistake",
            "avoid",
            "younger",
            "shoes",
            "wisdom",
            "should",
        ],
    ),
    (
        "alt",
        &[
            "other",
            "else",
            "consider",
            "instead",
            "different",
            "backup",
            "alternative",
            "tempt",
            "nearly",
            "almost",
        ],
    ),
    (
        "refer",
        &[
            "anyone", "someone", "introduc", "people", "network", "point", "who",
        ],
    ),
    (
        "keep",
        &[
            "touch", "contact", "follow", "linkedin", "email", "reach", "updat", "later", "again",
            "check", "posted", "message",
        ],
    ),
    (
        "goal",
        &[
            "want", "hoping", "hope", "goal", "aim", "plan", "interest", "keen", "dream",
            "ambition", "aspir", "passion", "explor", "consider", "switch", "retrain", "ideally",
            "drawn",
        ],
    ),
    (
        "job",
        &[
            "hire",
            "hiring",
            "opening",
            "vacanc",
            "position",
            "internship",
            "placement",
            "apprentic",
            "cv",
            "employ",
            "recruit",
            "apply",
            "application",
            "referee",
            "reference",
            "graduate scheme",
        ],
    ),
    ("me", &["i", "me", "my", "myself", "am"]),
    ("you", &["you", "your", "yourself"]),
    (
        "pitch",
        &[
            "award",
            "grade",
            "gpa",
            "top",
            "fast",
            "quick",
            "fit",
            "candidate",
            "achiev",
            "qualified",
            "expert",
            "strong",
            "leader",
            "excellent",
            "reliable",
            "motivated",
            "driven",
            "hardworking",
            "asset",
            "perfect",
            "ideal",
            "stand",
            "impressive",
            "proven",
            "brilliant",
        ],
    ),
    (
        "fact",
        &[
            "found",
            "establish",
            "headquarter",
            "hq",
            "ceo",
            "revenue",
            "turnover",
            "listed",
            "traded",
            "stock",
            "employee",
            "branch",
            "located",
            "based",
            "owner",
            "address",
        ],
    ),
    (
        "thanks",
        &[
            "thank",
            "thanks",
            "appreciat",
            "hello",
            "hi",
            "hey",
            "nice",
            "great",
            "sense",
            "helpful",
            "interesting",
            "sorry",
            "cheers",
            "lovely",
            "brilliant",
            "perfect",
            "okay",
            "ok",
            "fair",
            "see",
            "understand",
        ],
    ),
    (
        "story",
        &[
            "career",
            "path",
            "journey",
            "story",
            "route",
            "progress",
            "trajectory",
            "background",
            "history",
            "cv",
            "roles",
            "jobs",
            "moves",
            "steps",
            "stages",
            "along",
        ],
    ),
    (
        "entry",
        &[
            "into",
            "start",
            "first",
            "break",
            "land",
            "foot",
            "door",
            "drew",
            "originally",
            "beginning",
            "begin",
            "choose",
            "chose",
            "pick",
            "decide",
            "inspir",
            "spark",
        ],
    ),
    (
        "leisure",
        &[
            "weekend",
            "holiday",
            "vacation",
            "film",
            "movie",
            "music",
            "band",
            "concert",
            "sport",
            "football",
            "match",
            "pet",
            "dog",
            "cat",
            "puppy",
            "food",
            "restaurant",
            "lunch",
            "pizza",
            "weather",
            "cold",
            "rain",
            "traffic",
            "bus",
            "phone",
            "jacket",
            "shirt",
            "shoes",
            "hobb",
            "gym",
            "wifi",
            "tea",
            "siblings",
            "kids",
            "cook",
            "travel",
            "election",
            "news",
            "race",
            "queue",
        ],
    ),
];

/// The features of one text.
fn features(text: &str) -> Vec<String> {
    let ws = text::words(text);
    let stems: Vec<String> = ws.iter().map(|w| text::stem(w)).collect();
    let mut f = Vec::with_capacity(stems.len() * 6 + 4);
    for s in &stems {
        f.push(format!("w:{s}"));
    }
    for pair in stems.windows(2) {
        f.push(format!("b:{}_{}", pair[0], pair[1]));
    }
    for w in &ws {
        let padded: Vec<char> = format!("<{w}>").chars().collect();
        if padded.len() >= 5 {
            for g in padded.windows(4) {
                f.push(format!("c:{}", g.iter().collect::<String>()));
            }
        }
    }
    for w in &ws {
        for (name, prefixes) in CONCEPTS {
            if prefixes.iter().any(|p| w.starts_with(p)) {
                let k = format!("k:{name}");
                f.push(k.clone());
                f.push(k);
            }
        }
    }
    if let Some(first) = stems.first() {
        f.push(format!("first:{first}"));
    }
    if text.trim_end().ends_with('?') {
        f.push("qmark".to_string());
    }
    f
}

fn expand(line: &str, i: usize) -> Vec<String> {
    if !line.contains("{f}") && !line.contains("{o}") {
        return vec![line.to_string()];
    }
    (0..3)
        .map(|k| {
            let f = FIELDS[(i * 7 + k * 11) % FIELDS.len()];
            let o = ORGS[(i * 5 + k * 3) % ORGS.len()];
            line.replace("{f}", f).replace("{o}", o)
        })
        .collect()
}

impl Model {
    fn train(data: &str) -> Model {
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut examples: Vec<(Vec<usize>, usize)> = Vec::new();
        for (i, line) in data.lines().enumerate() {
            let Some((topic, text)) = line.split_once('\t') else {
                continue;
            };
            let Ok(topic) = topic.trim().parse::<Topic>() else {
                continue;
            };
            let ti = topic_index(topic);
            for t in expand(text.trim(), i) {
                let mut ids: Vec<usize> = features(&t)
                    .into_iter()
                    .map(|f| {
                        let next = index.len();
                        *index.entry(f).or_insert(next)
                    })
                    .collect();
                ids.sort_unstable();
                ids.dedup();
                examples.push((ids, ti));
            }
        }
        let mut w = vec![[0f32; N]; index.len()];
        let mut bias = [0f32; N];
        // Averaged weights make the result stable whatever the example order.
        let mut w_sum = vec![[0f32; N]; index.len()];
        let mut b_sum = [0f32; N];
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let epochs = 12;
        let mut steps = 0f32;
        for epoch in 0..epochs {
            for k in (1..order.len()).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(k, (seed % (k as u64 + 1)) as usize);
            }
            let lr = 0.5 / (1.0 + epoch as f32);
            for &ei in &order {
                let (ids, gold) = &examples[ei];
                let mut z = bias;
                for &f in ids {
                    for c in 0..N {
                        z[c] += w[f][c];
                    }
                }
                let max = z.iter().copied().fold(f32::MIN, f32::max);
                let mut sum = 0.0;
                for v in &mut z {
                    *v = (*v - max).exp();
                    sum += *v;
                }
                let scale = 1.0 / (ids.len() as f32).sqrt();
                for c in 0..N {
                    let g = z[c] / sum - if c == *gold { 1.0 } else { 0.0 };
                    if g.abs() < 1e-4 {
                        continue;
                    }
                    bias[c] -= lr * g * 0.1;
                    b_sum[c] -= steps * lr * g * 0.1;
                    for &f in ids {
                        w[f][c] -= lr * g * scale;
                        w_sum[f][c] -= steps * lr * g * scale;
                    }
                }
                steps += 1.0;
            }
        }
        // Averaging: w_avg = w - w_sum / steps.
        for (wf, sf) in w.iter_mut().zip(&w_sum) {
            for c in 0..N {
                wf[c] -= sf[c] / steps;
            }
        }
        for c in 0..N {
            bias[c] -= b_sum[c] / steps;
        }
        // Multinomial naive Bayes over the same features (add-0.3 smoothing).
        let mut counts = vec![[0f32; N]; index.len()];
        let mut totals = [0f32; N];
        for (ids, gold) in &examples {
            for &f in ids {
                counts[f][*gold] += 1.0;
                totals[*gold] += 1.0;
            }
        }
        let vocab = index.len() as f32;
        let nb = counts
            .into_iter()
            .map(|c| {
                let mut l = [0f32; N];
                for k in 0..N {
                    l[k] = ((c[k] + 0.3) / (totals[k] + 0.3 * vocab)).ln();
                }
                l
            })
            .collect();
        Model {
            index,
            weights: w,
            bias,
            nb,
        }
    }

    /// Topic probabilities: the mean of the regression's and naive Bayes' posteriors.
    fn probabilities(&self, text: &str) -> Option<[f32; N]> {
        let mut ids: Vec<usize> = features(text)
            .iter()
            .filter_map(|f| self.index.get(f).copied())
            .collect();
        if ids.is_empty() {
            return None;
        }
        ids.sort_unstable();
        ids.dedup();
        let mut lr = self.bias;
        let mut nb = [0f32; N];
        for f in ids {
            for k in 0..N {
                lr[k] += self.weights[f][k];
                nb[k] += self.nb[f][k];
            }
        }
        let a = posterior(&lr);
        for v in &mut nb {
            *v /= NB_TEMPERATURE;
        }
        let b = posterior(&nb);
        let mut p = [0f32; N];
        for k in 0..N {
            p[k] = (1.0 - NB_SHARE) * a[k] + NB_SHARE * b[k];
        }
        Some(p)
    }
}

/// Softmax of scores.
fn posterior(s: &[f32; N]) -> [f32; N] {
    let max = s.iter().copied().fold(f32::MIN, f32::max);
    let mut p = [0f32; N];
    let mut sum = 0.0;
    for k in 0..N {
        p[k] = (s[k] - max).exp();
        sum += p[k];
    }
    for v in &mut p {
        *v /= sum;
    }
    p
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
        if has_any(ws, &["hiring", "vacancy", "vacancies", "recruiting"])
            && !has_seq(ws, &["hiring", "process"])
        {
            return Some(Topic::JobAsk);
        }
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

const FACT_CUES: &[&str] = &[
    "found",
    "founded",
    "established",
    "started",
    "old",
    "headquarter",
    "headquarters",
    "hq",
    "based",
    "located",
    "where",
    "how",
    "many",
    "big",
    "size",
    "employee",
    "employees",
    "staff",
    "ceo",
    "chief",
    "executive",
    "boss",
    "run",
    "runs",
    "own",
    "owns",
    "products",
    "product",
    "sell",
    "sells",
    "make",
    "makes",
    "revenue",
    "listed",
    "public",
    "traded",
    "offices",
    "office",
    "year",
    "when",
    "do",
    "does",
    "services",
];
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
    "you",
    "your",
];

/// Whether the clause asks a public fact about the scenario's organisation.
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
    let fact = ws
        .iter()
        .filter(|w| FACT_CUES.contains(&w.as_str()))
        .count();
    let culture = ws
        .iter()
        .filter(|w| CULTURE_CUES.contains(&w.as_str()) && !["you", "your"].contains(&w.as_str()))
        .count();
    let asks_about_them =
        has_any(ws, &["you", "your"]) && has_any(ws, &["like", "enjoy", "feel", "find"]);
    fact >= 1 && culture == 0 && !asks_about_them
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
        static MODEL: OnceLock<Arc<Model>> = OnceLock::new();
        let model = MODEL.get_or_init(|| Arc::new(Model::train(&training_text())));
        Classifier {
            model: Arc::clone(model),
        }
    }

    /// A classifier trained on `data` (lines of `topic<TAB>text`), for
    /// measuring the model on data it was not trained on.
    pub fn from_data(data: &str) -> Self {
        Classifier {
            model: Arc::new(Model::train(data)),
        }
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
        // do if I want to ...") asks something else; take the next best reading.
        let wh = ws.first().is_some_and(|w| {
            ["what", "how", "which", "where", "who", "why", "when"].contains(&w.as_str())
        });
        if topic == Topic::ShareGoals && wh {
            p[topic_index(Topic::ShareGoals)] = 0.0;
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
        let mut readings: Vec<Reading> = cl.iter().filter_map(|c| self.read(c, facts)).collect();
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
        let chosen = pick(&|r| r.topic.is_red_flag() && r.p >= 0.4)
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
        Classification {
            topic: chosen.topic,
            verdict: chosen.topic.verdict(),
            confidence: chosen.p.clamp(0.0, 1.0),
            items,
            secondary,
        }
    }
}
