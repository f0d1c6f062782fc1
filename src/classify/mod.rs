//! Understanding a student's message: one primary topic, a verdict and the guide
//! items it touches.
//!
//! Owns: text normalisation, the classifier and its training data. Must not:
//! keep per-conversation state (the engine does) or know about Discord.

use crate::scenario::OrganizationFacts;
use crate::topic::{Topic, Verdict};
use serde::Serialize;

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

/// Reads messages. Built once and shared; `classify` takes `&self`.
#[derive(Debug, Clone, Default)]
pub struct Classifier {}

impl Classifier {
    pub fn new() -> Self {
        Classifier {}
    }

    /// Classifies one message; `facts` lets it recognise questions about the
    /// organisation's public facts as researchable.
    pub fn classify(&self, text: &str, facts: Option<&OrganizationFacts>) -> Classification {
        let _ = facts;
        let t = text.to_lowercase();
        let has = |ws: &[&str]| ws.iter().any(|w| t.contains(w));
        let topic = if has(&[
            "hiring",
            "opening",
            "internship",
            "resume",
            "get me",
            "job at",
        ]) {
            Topic::JobAsk
        } else if has(&["my skills", "great fit", "ideal candidate"]) {
            Topic::SelfPitch
        } else if has(&[
            "what does your company do",
            "founded",
            "ceo",
            "how many employees",
            "head office",
        ]) {
            Topic::Researchable
        } else if has(&[
            "career path",
            "your story",
            "journey",
            "steps in your career",
        ]) {
            Topic::CareerPath
        } else if has(&["get into", "got started", "break into", "way in"]) {
            Topic::Entry
        } else if has(&["hard", "challeng", "frustrat", "downside"]) {
            Topic::Challenges
        } else if has(&["rewarding", "enjoy", "best part", "happy"]) {
            Topic::Rewards
        } else if has(&[
            "prepared", "courses", "skills", "degree", "certif", "training",
        ]) {
            Topic::Preparation
        } else if has(&["typical day", "day to day", "day-to-day", "week"]) {
            Topic::DayToDay
        } else if has(&["culture", "organization", "organisation", "company", "team"]) {
            Topic::Organization
        } else if has(&["heading", "future", "prospects", "trend", "demand"]) {
            Topic::Outlook
        } else if has(&["advice", "differently", "recommend", "should i"]) {
            Topic::Advice
        } else if has(&[
            "other careers",
            "considered",
            "different industry",
            "other paths",
        ]) {
            Topic::Alternatives
        } else if has(&["anyone else", "who else", "other people", "introduc"]) {
            Topic::Referral
        } else if has(&[
            "keep in touch",
            "stay in contact",
            "follow up",
            "linkedin",
            "reach out again",
        ]) {
            Topic::KeepInTouch
        } else if has(&[
            "my goal",
            "i'm hoping",
            "i want to",
            "i'm exploring",
            "draws me",
        ]) {
            Topic::ShareGoals
        } else if has(&["thank", "hi", "hello", "great", "makes sense"]) {
            Topic::Courtesy
        } else {
            Topic::OffTopic
        };
        Classification {
            topic,
            verdict: topic.verdict(),
            confidence: 0.5,
            items: topic.advice_items().to_vec(),
            secondary: Vec::new(),
        }
    }
}
