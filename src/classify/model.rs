//! The statistical part of the classifier: features of a text, and a softmax
//! regression (over sparse features and the dense token-vector reading)
//! blended with naive Bayes, trained from labelled lines at start-up.
//!
//! Owns: feature extraction, training and topic probabilities for one text.
//! Must not: split messages into clauses or apply the red-flag rules (the
//! parent module does), or keep any state between texts.

use super::embed::{Embeddings, DIMS};
use super::text;
use crate::topic::Topic;
use std::collections::HashMap;
use std::sync::OnceLock;

pub(super) const N: usize = Topic::ALL.len();

/// Settings of one training run. `Default` is what the bot ships with;
/// `examples/classifier_eval.rs` compares others.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    /// Passes of SGD over the data.
    pub epochs: usize,
    /// Weight of the naive Bayes posterior in the blend (0 = regression only).
    pub nb_share: f32,
    /// Naive Bayes log-likelihoods are divided by this before the softmax.
    pub nb_temperature: f32,
    /// Length of the dense token-vector reading fed to the regression (0 = off).
    pub dense: f32,
    /// Initial learning rate.
    pub learning_rate: f32,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 4,
            nb_share: 0.5,
            nb_temperature: 3.0,
            dense: 1.0,
            learning_rate: 0.8,
        }
    }
}

/// Softmax regression over sparse and dense features, trained with averaged
/// SGD, plus naive Bayes over the sparse ones.
/// `K` is the number of labels: the 18 topics for messages, the acts for the
/// sentences of a request or note.
#[derive(Debug)]
pub(super) struct Model<const K: usize> {
    options: TrainOptions,
    index: HashMap<u64, usize>,
    weights: Vec<[f32; K]>,
    dense_weights: Vec<[f32; K]>,
    bias: [f32; K],
    /// Naive Bayes log-likelihoods per feature.
    nb: Vec<[f32; K]>,
    /// Weight of each word-piece token in the dense reading (rare tokens count more).
    token_weight: Vec<f32>,
}

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

pub(super) fn topic_index(t: Topic) -> usize {
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

/// A 64-bit FNV-1a hash of a feature: its kind, then its parts with a separator.
fn hash(kind: u8, parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |b: u8| {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    eat(kind);
    for p in parts {
        for &b in p.as_bytes() {
            eat(b);
        }
        eat(0xff);
    }
    h
}

/// Word-family prefixes mapped to the families they start, built once.
fn concept_prefixes() -> &'static HashMap<&'static str, Vec<u64>> {
    static MAP: OnceLock<HashMap<&'static str, Vec<u64>>> = OnceLock::new();
    MAP.get_or_init(|| {
        let mut m: HashMap<&'static str, Vec<u64>> = HashMap::new();
        for (name, prefixes) in CONCEPTS {
            let id = hash(b'k', &[name]);
            for p in *prefixes {
                let ids = m.entry(*p).or_default();
                if !ids.contains(&id) {
                    ids.push(id);
                }
            }
        }
        m
    })
}

/// The features of one text, as hashes: stemmed words and word pairs,
/// character 4-grams of each word, word families, the first word and a
/// question mark.
fn features(text: &str) -> Vec<u64> {
    let ws = text::words(text);
    let stems: Vec<String> = ws.iter().map(|w| text::stem(w)).collect();
    let mut f = Vec::with_capacity(stems.len() * 8 + 4);
    for s in &stems {
        f.push(hash(b'w', &[s]));
    }
    for pair in stems.windows(2) {
        f.push(hash(b'b', &[&pair[0], &pair[1]]));
    }
    let prefixes = concept_prefixes();
    let mut padded = String::new();
    for w in &ws {
        padded.clear();
        padded.push('<');
        padded.push_str(w);
        padded.push('>');
        let bounds: Vec<usize> = padded
            .char_indices()
            .map(|(i, _)| i)
            .chain([padded.len()])
            .collect();
        if bounds.len() > 5 {
            for k in 0..bounds.len() - 4 {
                f.push(hash(b'c', &[&padded[bounds[k]..bounds[k + 4]]]));
            }
        }
        for (end, _) in w.char_indices().skip(1).chain([(w.len(), ' ')]) {
            if let Some(ids) = prefixes.get(&w[..end]) {
                f.extend(ids);
            }
        }
    }
    if let Some(first) = stems.first() {
        f.push(hash(b'f', &[first]));
    }
    // The shape of the sentence: a question or a statement, about the
    // student or not ("What draws me to nursing is ..." is a statement).
    let question = text.trim_end().ends_with('?');
    let about_me = ws
        .iter()
        .any(|w| ["i", "me", "my", "myself", "i'm", "im"].contains(&w.as_str()));
    if question {
        f.push(hash(b'q', &[]));
    }
    match (question, about_me) {
        (false, true) => f.push(hash(b's', &["me"])),
        (false, false) => f.push(hash(b's', &[])),
        _ => {}
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

/// Labelled lines (`label<TAB>text`) with `{f}`/`{o}` expanded; `label` maps a
/// label to its index and drops lines whose label it does not know.
pub(super) fn labelled(data: &str, label: impl Fn(&str) -> Option<usize>) -> Vec<(String, usize)> {
    let mut texts = Vec::new();
    for (i, line) in data.lines().enumerate() {
        let Some((l, text)) = line.split_once('\t') else {
            continue;
        };
        let Some(k) = label(l.trim()) else {
            continue;
        };
        for t in expand(text.trim(), i) {
            texts.push((t, k));
        }
    }
    texts
}

impl Model<N> {
    /// The topic model, trained on `topic<TAB>text` lines.
    pub(super) fn train(data: &str, options: TrainOptions) -> Model<N> {
        let texts = labelled(data, |l| l.parse::<Topic>().ok().map(topic_index));
        Model::train_on(&texts, options)
    }
}

impl<const K: usize> Model<K> {
    /// Trains on `(text, label index)` pairs; every index must be below `K`.
    pub(super) fn train_on(texts: &[(String, usize)], options: TrainOptions) -> Model<K> {
        let table = Embeddings::get();
        let mut index: HashMap<u64, usize> = HashMap::new();
        let texts: Vec<&(String, usize)> = texts.iter().filter(|(_, k)| *k < K).collect();
        // Token weights for the dense reading: a / (a + p(token)) (smooth inverse frequency).
        let mut token_weight = vec![1.0f32; table.len()];
        if options.dense > 0.0 {
            let mut counts = vec![0u32; table.len()];
            let mut total = 0u64;
            for (t, _) in texts.iter().copied() {
                for id in table.tokens(t) {
                    counts[id as usize] += 1;
                    total += 1;
                }
            }
            let a = 1e-3f32;
            for (w, c) in token_weight.iter_mut().zip(&counts) {
                *w = a / (a + *c as f32 / total.max(1) as f32);
            }
        }
        let mut examples: Vec<(Vec<usize>, Vec<f32>, usize)> = Vec::with_capacity(texts.len());
        for (t, gold) in texts.iter().copied() {
            let mut ids: Vec<usize> = features(t)
                .into_iter()
                .map(|f| {
                    let next = index.len();
                    *index.entry(f).or_insert(next)
                })
                .collect();
            ids.sort_unstable();
            ids.dedup();
            let dense = dense_reading(table, &token_weight, t, options.dense);
            examples.push((ids, dense, *gold));
        }
        let mut w = vec![[0f32; K]; index.len()];
        let dims = if options.dense > 0.0 { DIMS } else { 0 };
        let mut dw = vec![[0f32; K]; dims];
        let mut bias = [0f32; K];
        // Averaged weights make the result stable whatever the example order.
        let mut w_sum = vec![[0f32; K]; index.len()];
        let mut dw_sum = vec![[0f32; K]; dims];
        let mut b_sum = [0f32; K];
        let mut order: Vec<usize> = (0..examples.len()).collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut steps = 0f32;
        for epoch in 0..options.epochs {
            for k in (1..order.len()).rev() {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                order.swap(k, (seed % (k as u64 + 1)) as usize);
            }
            let lr = options.learning_rate / (1.0 + epoch as f32);
            for &ei in &order {
                let (ids, dense, gold) = &examples[ei];
                let mut z = bias;
                for &f in ids {
                    for c in 0..K {
                        z[c] += w[f][c];
                    }
                }
                for (x, row) in dense.iter().zip(&dw) {
                    for c in 0..K {
                        z[c] += x * row[c];
                    }
                }
                let max = z.iter().copied().fold(f32::MIN, f32::max);
                let mut sum = 0.0;
                for v in &mut z {
                    *v = (*v - max).exp();
                    sum += *v;
                }
                let scale = 1.0 / (ids.len().max(1) as f32).sqrt();
                for c in 0..K {
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
                    for (d, x) in dense.iter().enumerate() {
                        dw[d][c] -= lr * g * x;
                        dw_sum[d][c] -= steps * lr * g * x;
                    }
                }
                steps += 1.0;
            }
        }
        // Averaging: w_avg = w - w_sum / steps.
        let steps = steps.max(1.0);
        for (wf, sf) in w.iter_mut().zip(&w_sum).chain(dw.iter_mut().zip(&dw_sum)) {
            for c in 0..K {
                wf[c] -= sf[c] / steps;
            }
        }
        for c in 0..K {
            bias[c] -= b_sum[c] / steps;
        }
        // Multinomial naive Bayes over the sparse features (add-0.3 smoothing).
        let mut counts = vec![[0f32; K]; index.len()];
        let mut totals = [0f32; K];
        for (ids, _, gold) in &examples {
            for &f in ids {
                counts[f][*gold] += 1.0;
                totals[*gold] += 1.0;
            }
        }
        let vocab = index.len() as f32;
        let nb = counts
            .into_iter()
            .map(|c| {
                let mut l = [0f32; K];
                for k in 0..K {
                    l[k] = ((c[k] + 0.3) / (totals[k] + 0.3 * vocab)).ln();
                }
                l
            })
            .collect();
        Model {
            options,
            index,
            weights: w,
            dense_weights: dw,
            bias,
            nb,
            token_weight,
        }
    }

    /// The bytes a trained artefact would need: the weights and naive Bayes
    /// tables as f32, and the feature index (hash and slot).
    pub(super) fn artefact_bytes(&self) -> usize {
        (self.weights.len() + self.nb.len() + self.dense_weights.len()) * K * 4
            + self.index.len() * 16
            + self.token_weight.len() * 4
    }

    /// Topic probabilities: the regression's and naive Bayes' posteriors blended.
    pub(super) fn probabilities(&self, text: &str) -> Option<[f32; K]> {
        let mut ids: Vec<usize> = features(text)
            .iter()
            .filter_map(|f| self.index.get(f).copied())
            .collect();
        let dense = dense_reading(
            Embeddings::get(),
            &self.token_weight,
            text,
            self.options.dense,
        );
        if ids.is_empty() && dense.iter().all(|x| *x == 0.0) {
            return None;
        }
        ids.sort_unstable();
        ids.dedup();
        let mut lr = self.bias;
        let mut nb = [0f32; K];
        for &f in &ids {
            for k in 0..K {
                lr[k] += self.weights[f][k];
                nb[k] += self.nb[f][k];
            }
        }
        for (x, row) in dense.iter().zip(&self.dense_weights) {
            for k in 0..K {
                lr[k] += x * row[k];
            }
        }
        let a = posterior(&lr);
        if ids.is_empty() {
            return Some(a);
        }
        for v in &mut nb {
            *v /= self.options.nb_temperature;
        }
        let b = posterior(&nb);
        let share = self.options.nb_share;
        let mut p = [0f32; K];
        for k in 0..K {
            p[k] = (1.0 - share) * a[k] + share * b[k];
        }
        Some(p)
    }
}

/// The dense reading of a text: the weighted mean of its token vectors, scaled
/// to length `len` (empty when `len` is 0, zero when no token is known).
fn dense_reading(table: &Embeddings, weights: &[f32], text: &str, len: f32) -> Vec<f32> {
    if len <= 0.0 {
        return Vec::new();
    }
    let mut v = vec![0f32; DIMS];
    for id in table.tokens(text) {
        let w = weights.get(id as usize).copied().unwrap_or(1.0);
        for (a, b) in v.iter_mut().zip(table.vector(id)) {
            *a += w * b;
        }
    }
    let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if norm > 0.0 {
        for x in &mut v {
            *x *= len / norm;
        }
    }
    v
}

/// Softmax of scores.
pub(super) fn posterior<const K: usize>(s: &[f32; K]) -> [f32; K] {
    let max = s.iter().copied().fold(f32::MIN, f32::max);
    let mut p = [0f32; K];
    let mut sum = 0.0;
    for k in 0..K {
        p[k] = (s[k] - max).exp();
        sum += p[k];
    }
    for v in &mut p {
        *v /= sum;
    }
    p
}
