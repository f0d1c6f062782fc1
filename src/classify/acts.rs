//! What one sentence of a request or a follow-up note does: says who the
//! writer is, names the connection, bounds the time, rules out a job, thanks,
//! refers to something the professional said, reports back...
//!
//! Owns: the sentence acts and their reader (the same feature model as the
//! topic reader, trained once per process on `data/classifier/acts/`).
//! Must not: score anything (the engine's `request` module turns acts into
//! points) or keep state between sentences.

use super::model::{labelled, Model};
use super::TrainOptions;
use serde::Serialize;
use std::sync::{Arc, OnceLock};

/// What a sentence of a request or note does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum SentenceAct {
    /// Says who the writer is (name, year, course, job).
    Identify,
    /// How they are connected, who suggested the contact, where they found them.
    Connection,
    /// What they want from the meeting (to learn about the field, the path).
    Purpose,
    /// A bounded amount of time, or a promise to keep to it.
    Time,
    /// Asks for a meeting, chat, call or exchange without a bound.
    Meeting,
    /// Makes clear it is not a job ask.
    NoJob,
    /// Asks for a job, an internship, to be kept in mind, a referral to a post.
    JobAsk,
    /// Offers the CV as background only.
    ResumeOffer,
    /// Appeals to their expertise or experience.
    Expertise,
    /// Gratitude, in any words.
    Thanks,
    /// Refers to something specific the professional said or advised.
    Specific,
    /// Reports progress or promises to keep them posted.
    Update,
    /// Reports contacting the person the professional suggested.
    ReferralDone,
    /// Greetings, sign-offs, filler.
    Other,
}

/// What the sentences of a first request can do.
pub const REQUEST_ACTS: &[SentenceAct] = &[
    SentenceAct::Identify,
    SentenceAct::Connection,
    SentenceAct::Purpose,
    SentenceAct::Time,
    SentenceAct::Meeting,
    SentenceAct::NoJob,
    SentenceAct::JobAsk,
    SentenceAct::ResumeOffer,
    SentenceAct::Expertise,
    SentenceAct::Thanks,
    SentenceAct::Other,
];

/// What the sentences of a follow-up note can do.
pub const NOTE_ACTS: &[SentenceAct] = &[
    SentenceAct::Thanks,
    SentenceAct::Specific,
    SentenceAct::Update,
    SentenceAct::ReferralDone,
    SentenceAct::JobAsk,
    SentenceAct::ResumeOffer,
    SentenceAct::NoJob,
    SentenceAct::Other,
];

/// Number of sentence acts.
pub const ACTS: usize = 14;

impl SentenceAct {
    pub const ALL: [SentenceAct; ACTS] = [
        SentenceAct::Identify,
        SentenceAct::Connection,
        SentenceAct::Purpose,
        SentenceAct::Time,
        SentenceAct::Meeting,
        SentenceAct::NoJob,
        SentenceAct::JobAsk,
        SentenceAct::ResumeOffer,
        SentenceAct::Expertise,
        SentenceAct::Thanks,
        SentenceAct::Specific,
        SentenceAct::Update,
        SentenceAct::ReferralDone,
        SentenceAct::Other,
    ];

    /// The label used in the data files.
    pub fn as_str(self) -> &'static str {
        match self {
            SentenceAct::Identify => "identify",
            SentenceAct::Connection => "connection",
            SentenceAct::Purpose => "purpose",
            SentenceAct::Time => "time",
            SentenceAct::Meeting => "meeting",
            SentenceAct::NoJob => "no_job",
            SentenceAct::JobAsk => "job_ask",
            SentenceAct::ResumeOffer => "resume_offer",
            SentenceAct::Expertise => "expertise",
            SentenceAct::Thanks => "thanks",
            SentenceAct::Specific => "specific",
            SentenceAct::Update => "update",
            SentenceAct::ReferralDone => "referral_done",
            SentenceAct::Other => "other",
        }
    }

    /// The act named `label` in the data files.
    pub fn parse(label: &str) -> Option<SentenceAct> {
        SentenceAct::ALL.into_iter().find(|a| a.as_str() == label)
    }

    fn index(self) -> usize {
        SentenceAct::ALL
            .iter()
            .position(|a| *a == self)
            .unwrap_or(ACTS - 1)
    }
}

/// The act data, embedded in the binary: one file per author.
pub const ACT_SOURCES: &[(&str, &str)] = &[
    ("seed", include_str!("../../data/classifier/acts/seed.tsv")),
    (
        "sentences",
        include_str!("../../data/classifier/acts/sentences.tsv"),
    ),
    ("long", include_str!("../../data/classifier/acts/long.tsv")),
];

/// The probabilities of every act for one sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ActReading {
    p: [f32; ACTS],
}

impl ActReading {
    /// How likely the sentence does `act`.
    pub fn p(&self, act: SentenceAct) -> f32 {
        self.p[act.index()]
    }

    /// Per act, the larger of two readings' probabilities: what a sentence
    /// does is what any of its clauses does.
    pub fn either(&self, other: &ActReading) -> ActReading {
        let mut p = self.p;
        for (a, b) in p.iter_mut().zip(other.p) {
            *a = a.max(b);
        }
        ActReading { p }
    }

    /// The reading with the probability of `from` given to `to`.
    pub fn moved(&self, from: SentenceAct, to: SentenceAct) -> ActReading {
        let mut p = self.p;
        p[to.index()] += p[from.index()];
        p[from.index()] = 0.0;
        ActReading { p }
    }

    /// The reading restricted to the acts that can occur where the sentence
    /// stands (a request cannot report back on a referral; a note does not
    /// ask for a first meeting), renormalised.
    pub fn within(&self, allowed: &[SentenceAct]) -> ActReading {
        let mut p = [0f32; ACTS];
        for a in allowed {
            p[a.index()] = self.p[a.index()];
        }
        let sum: f32 = p.iter().sum();
        if sum > 0.0 {
            for v in &mut p {
                *v /= sum;
            }
        }
        ActReading { p }
    }

    /// The most likely act and its probability.
    pub fn best(&self) -> (SentenceAct, f32) {
        let mut bi = 0;
        for k in 1..ACTS {
            if self.p[k] > self.p[bi] {
                bi = k;
            }
        }
        (SentenceAct::ALL[bi], self.p[bi])
    }
}

/// Reads the sentences of requests and notes. Cheap to clone.
#[derive(Debug, Clone)]
pub struct ActReader {
    model: Arc<Model<ACTS>>,
}

impl Default for ActReader {
    fn default() -> Self {
        Self::new()
    }
}

/// All embedded act data as one text.
pub fn act_training_text() -> String {
    ACT_SOURCES
        .iter()
        .flat_map(|(_, text)| [*text, "\n"])
        .collect()
}

impl ActReader {
    /// The reader trained on the embedded data, once per process.
    pub fn new() -> Self {
        static MODEL: OnceLock<Arc<Model<ACTS>>> = OnceLock::new();
        let model = MODEL.get_or_init(|| Arc::new(train(&act_training_text())));
        ActReader {
            model: Arc::clone(model),
        }
    }

    /// A reader trained on `data` (`act<TAB>sentence` lines), for measuring.
    pub fn from_data(data: &str) -> Self {
        ActReader {
            model: Arc::new(train(data)),
        }
    }

    /// The reading of one sentence; `None` when it has no known words.
    pub fn read(&self, sentence: &str) -> Option<ActReading> {
        self.model.probabilities(sentence).map(|p| ActReading { p })
    }
}

fn train(data: &str) -> Model<ACTS> {
    let texts = labelled(data, |l| SentenceAct::parse(l).map(SentenceAct::index));
    Model::train_on(&texts, TrainOptions::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_label_round_trips() {
        for a in SentenceAct::ALL {
            assert_eq!(SentenceAct::parse(a.as_str()), Some(a));
        }
        assert_eq!(SentenceAct::parse("nonsense"), None);
    }

    #[test]
    fn the_embedded_data_uses_only_known_labels() {
        for (name, text) in ACT_SOURCES {
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() || line.starts_with('#') {
                    continue;
                }
                let label = line.split('\t').next().unwrap_or("");
                assert!(
                    SentenceAct::parse(label.trim()).is_some(),
                    "{name}:{}: unknown act `{label}`",
                    n + 1
                );
            }
        }
    }
}
