//! The question bank: sample questions per topic, each with the guide item it serves.
//!
//! Owns: the project's own sample questions (written for coffeechat, not copied
//! from the guides). Used by `coffeechat questions`, `/questions`, hints and the
//! scorecard's "try next time" list.

use crate::topic::Topic;
use serde::Serialize;

/// One sample question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Sample {
    pub topic: Topic,
    pub text: &'static str,
    /// The guide item (ADVICE.md id) the question serves.
    pub item: &'static str,
}

const fn q(topic: Topic, text: &'static str, item: &'static str) -> Sample {
    Sample { topic, text, item }
}

/// Used when a topic has no sample (never for the good topics).
pub const FALLBACK: Sample = q(
    Topic::CareerPath,
    "How did you end up doing the work you do now?",
    "talk.their_story",
);

/// Every sample, grouped by topic in the order of [`Topic::ALL`].
pub static BANK: &[Sample] = &[
    q(
        Topic::CareerPath,
        "Could you walk me through how your career has unfolded so far?",
        "talk.their_story",
    ),
    q(
        Topic::CareerPath,
        "Which moves along the way mattered most in getting you to this role?",
        "talk.their_story",
    ),
    q(
        Topic::CareerPath,
        "Looking back, what were the turning points in your working life?",
        "talk.their_story",
    ),
    q(
        Topic::Entry,
        "How did you first find your way into this line of work?",
        "talk.topics",
    ),
    q(
        Topic::Entry,
        "What was your very first job in the field, and how did you get it?",
        "talk.topics",
    ),
    q(
        Topic::Entry,
        "What drew you to this field in the beginning?",
        "talk.topics",
    ),
    q(
        Topic::Challenges,
        "What is the toughest part of the job that outsiders rarely see?",
        "talk.topics",
    ),
    q(
        Topic::Challenges,
        "What tends to frustrate you most in this work?",
        "talk.topics",
    ),
    q(
        Topic::Challenges,
        "Which parts of the role would you change if you could?",
        "talk.topics",
    ),
    q(
        Topic::Rewards,
        "What part of your work gives you the most satisfaction?",
        "talk.topics",
    ),
    q(
        Topic::Rewards,
        "Are you glad you chose this career? What keeps you in it?",
        "talk.topics",
    ),
    q(
        Topic::Rewards,
        "What was a recent day at work that made it all feel worthwhile?",
        "talk.topics",
    ),
    q(
        Topic::Preparation,
        "What best prepared you for the role you have now?",
        "talk.topics",
    ),
    q(
        Topic::Preparation,
        "Which skills or courses would you put first for someone starting out?",
        "talk.topics",
    ),
    q(
        Topic::Preparation,
        "Is a further qualification worth it in this field, or does experience count more?",
        "talk.topics",
    ),
    q(
        Topic::DayToDay,
        "What does an ordinary working day look like for you?",
        "talk.topics",
    ),
    q(
        Topic::DayToDay,
        "How is your week split between the different parts of the job?",
        "talk.topics",
    ),
    q(
        Topic::Organization,
        "What is it like to work at your organisation day to day?",
        "talk.topics",
    ),
    q(
        Topic::Organization,
        "How would you describe the culture of your team?",
        "talk.topics",
    ),
    q(
        Topic::Outlook,
        "Where do you think this field is heading over the next few years?",
        "talk.topics",
    ),
    q(
        Topic::Outlook,
        "Are opportunities in this area growing, shrinking or changing shape?",
        "talk.topics",
    ),
    q(
        Topic::Advice,
        "What would you advise someone in my position to do next?",
        "talk.their_story",
    ),
    q(
        Topic::Advice,
        "If you were starting again today, what would you do differently?",
        "talk.their_story",
    ),
    q(
        Topic::Advice,
        "What do you wish someone had told you when you were starting out?",
        "talk.their_story",
    ),
    q(
        Topic::Alternatives,
        "Were there other careers you seriously considered before this one?",
        "talk.topics",
    ),
    q(
        Topic::Alternatives,
        "Did you ever come close to taking a different path?",
        "talk.topics",
    ),
    q(
        Topic::Referral,
        "Is there anyone else you think I should speak with to learn more?",
        "talk.referral",
    ),
    q(
        Topic::Referral,
        "Who else would you suggest I talk to about this field?",
        "talk.referral",
    ),
    q(
        Topic::KeepInTouch,
        "Would you mind if I kept in touch and let you know how things go?",
        "talk.keep_in_touch",
    ),
    q(
        Topic::KeepInTouch,
        "What's the best way to reach you if I have a follow-up question?",
        "talk.keep_in_touch",
    ),
    q(
        Topic::ShareGoals,
        "I'm hoping to move into this field because … — does that sound realistic to you?",
        "talk.share_goals",
    ),
    q(
        Topic::ShareGoals,
        "I'm exploring this path because … and I'm trying to work out my next step.",
        "talk.share_goals",
    ),
    q(
        Topic::Courtesy,
        "Thank you for your time today; this has been really useful.",
        "talk.thanks",
    ),
];

/// The samples of one topic (empty for the bad topics and off-topic).
pub fn for_topic(topic: Topic) -> Vec<Sample> {
    BANK.iter().copied().filter(|s| s.topic == topic).collect()
}

/// Topics that have samples, in order.
pub fn topics() -> Vec<Topic> {
    let mut out: Vec<Topic> = Vec::new();
    for s in BANK {
        if !out.contains(&s.topic) {
            out.push(s.topic);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_good_topic_has_samples_and_items_exist() {
        for t in Topic::GOOD {
            assert!(!for_topic(t).is_empty(), "no sample for {t}");
        }
        for s in BANK {
            assert!(
                crate::advice::get(s.item).is_some(),
                "{} names unknown item",
                s.text
            );
            assert!(
                s.text.chars().count() <= 100,
                "too long for a Discord choice: {}",
                s.text
            );
        }
    }
}
