//! Instant feedback on a draft, without a session: one question, a request or a
//! thank-you note, judged against the guide (used by `/check`).
//!
//! Pure functions over the classifier and the request/note checks.

use crate::advice;
use crate::classify::Classifier;
use crate::engine::request::{self, Check};
use crate::questions::{self, Sample};
use crate::scenario::Medium;
use crate::topic::{Topic, Verdict};
use serde::Serialize;

/// Feedback on one question.
#[derive(Debug, Clone, Serialize)]
pub struct QuestionFeedback {
    pub topic: Topic,
    pub verdict: Verdict,
    /// One sentence on what the question does.
    pub summary: String,
    /// The advice items it touches, with our wording.
    pub advice: Vec<(&'static str, &'static str)>,
    /// A better question to ask instead (for bad or neutral ones) or a follow-up.
    pub try_instead: Option<Sample>,
}

/// Which kind of draft `/check request` was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftKind {
    Request,
    Note,
}

/// Feedback on a request or a note.
#[derive(Debug, Clone, Serialize)]
pub struct DraftFeedback {
    pub kind: DraftKind,
    pub checks: Vec<Check>,
    /// 0-100.
    pub score: u32,
}

fn summary(topic: Topic) -> &'static str {
    match topic {
        Topic::CareerPath => {
            "Asks for their career story: this is what turns a contact into an ally."
        }
        Topic::Entry => "Asks how they got into the field: good insider ground.",
        Topic::Challenges => {
            "Asks about the hard parts: you will hear what a job advert never says."
        }
        Topic::Rewards => "Asks what they find rewarding: people enjoy answering this.",
        Topic::Preparation => "Asks what prepared them or which skills help: practical and useful.",
        Topic::DayToDay => "Asks what the work is like day to day: good ground.",
        Topic::Organization => "Asks about life at their organisation: only an insider can answer.",
        Topic::Outlook => "Asks where the field is heading: shows you think ahead.",
        Topic::Advice => "Asks for their advice: flattering and useful, it invites their story.",
        Topic::Alternatives => {
            "Asks about roads not taken: a personal question that builds rapport."
        }
        Topic::Referral => "Asks who else to talk to: the way your network grows.",
        Topic::KeepInTouch => "Asks to stay in touch: keeps the door open.",
        Topic::ShareGoals => "Tells them your aim: it lets them tailor their advice.",
        Topic::JobAsk => {
            "Asks for a job, a post or a recommendation: this turns them into an assessor."
        }
        Topic::SelfPitch => "Sells your own merits: they start judging instead of helping.",
        Topic::Researchable => {
            "A quick search answers this: it wastes their time and looks unprepared."
        }
        Topic::Courtesy => "A courtesy: fine, but it asks nothing.",
        Topic::OffTopic => "Small talk: harmless once, but it spends their time.",
    }
}

/// Judges one question.
pub fn question(classifier: &Classifier, text: &str) -> QuestionFeedback {
    let c = classifier.classify(text, None);
    let advice = c
        .items
        .iter()
        .filter_map(|id| advice::get(id))
        .map(|a| (a.id, a.text))
        .collect();
    let instead_topic = match c.topic {
        Topic::JobAsk | Topic::SelfPitch => Some(Topic::CareerPath),
        Topic::Researchable => Some(Topic::Organization),
        Topic::Courtesy | Topic::OffTopic => Some(Topic::Advice),
        Topic::CareerPath | Topic::Entry => Some(Topic::Challenges),
        _ => Some(Topic::Referral),
    };
    QuestionFeedback {
        topic: c.topic,
        verdict: c.verdict,
        summary: summary(c.topic).to_string(),
        advice,
        try_instead: instead_topic.and_then(|t| questions::for_topic(t).into_iter().next()),
    }
}

/// Judges a draft request (with `medium`) or thank-you note.
pub fn draft(
    classifier: &Classifier,
    kind: DraftKind,
    text: &str,
    medium: Medium,
) -> DraftFeedback {
    let checks = match kind {
        DraftKind::Request => request::evaluate_request(classifier, text, medium, None).checks,
        DraftKind::Note => request::evaluate_note(classifier, &[text.to_string()], None).checks,
    };
    let earned: i32 = checks.iter().map(|c| c.points.max(0)).sum();
    let max: i32 = checks.iter().map(|c| c.max).sum();
    let score = if max > 0 {
        (earned * 100 / max) as u32
    } else {
        0
    };
    DraftFeedback {
        kind,
        checks,
        score,
    }
}

/// Guesses whether a draft is a first request or a thank-you note.
pub fn guess_kind(text: &str) -> DraftKind {
    let l = text.to_lowercase();
    let thanks = [
        "thank you for",
        "thanks for",
        "thank you so much for",
        "grateful for",
    ];
    let meeting_past = [
        "today",
        "yesterday",
        "our chat",
        "our conversation",
        "meeting me",
        "speaking with me",
        "your time",
    ];
    if thanks.iter().any(|t| l.contains(t))
        && meeting_past.iter().any(|t| l.contains(t))
        && !l.contains("minutes")
    {
        DraftKind::Note
    } else {
        DraftKind::Request
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_job_ask_gets_a_better_question_to_try() {
        let f = question(&Classifier::new(), "Are you hiring right now?");
        assert_eq!(f.topic, Topic::JobAsk);
        assert_eq!(f.verdict, Verdict::Bad);
        assert!(f.advice.iter().any(|(id, _)| *id == "talk.no_job"));
        assert_eq!(f.try_instead.map(|s| s.topic), Some(Topic::CareerPath));
    }

    #[test]
    fn drafts_are_scored_and_kinds_guessed() {
        let note = "Thank you for your time today. I'll keep you posted on my course choice.";
        assert_eq!(guess_kind(note), DraftKind::Note);
        let generic = draft(&Classifier::new(), DraftKind::Note, note, Medium::Email);
        assert!(generic.score < 100, "{}", generic.score);
        let specific = "Thank you for your time today. Your tip about taking the statistics module early was exactly what I needed. I'll keep you posted on my course choice.";
        let f = draft(&Classifier::new(), DraftKind::Note, specific, Medium::Email);
        assert_eq!(f.score, 100);
        let req = "hi can u give me a job";
        assert_eq!(guess_kind(req), DraftKind::Request);
        let f = draft(&Classifier::new(), DraftKind::Request, req, Medium::Email);
        assert!(f.score < 20, "{}", f.score);
    }
}
