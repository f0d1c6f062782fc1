//! The closed set of message topics (see `shared/eval/README.md`) and their verdicts.
//!
//! Owns: the names of topics, which verdict each carries and which guide items it
//! touches. Must not: classify text (that is `classify`) or know about Discord.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What one student message does, as a single primary topic.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Topic {
    CareerPath,
    Entry,
    Challenges,
    Rewards,
    Preparation,
    DayToDay,
    Organization,
    Outlook,
    Advice,
    Alternatives,
    Referral,
    KeepInTouch,
    ShareGoals,
    JobAsk,
    SelfPitch,
    Researchable,
    Courtesy,
    OffTopic,
}

/// How a topic is judged by the guide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Good,
    Neutral,
    Bad,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Good => "good",
            Verdict::Neutral => "neutral",
            Verdict::Bad => "bad",
        }
    }
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Topic {
    /// Every topic, in the order of the evaluation README.
    pub const ALL: [Topic; 18] = [
        Topic::CareerPath,
        Topic::Entry,
        Topic::Challenges,
        Topic::Rewards,
        Topic::Preparation,
        Topic::DayToDay,
        Topic::Organization,
        Topic::Outlook,
        Topic::Advice,
        Topic::Alternatives,
        Topic::Referral,
        Topic::KeepInTouch,
        Topic::ShareGoals,
        Topic::JobAsk,
        Topic::SelfPitch,
        Topic::Researchable,
        Topic::Courtesy,
        Topic::OffTopic,
    ];

    /// The topics a scenario must have replies for: every topic with a good verdict.
    pub const GOOD: [Topic; 13] = [
        Topic::CareerPath,
        Topic::Entry,
        Topic::Challenges,
        Topic::Rewards,
        Topic::Preparation,
        Topic::DayToDay,
        Topic::Organization,
        Topic::Outlook,
        Topic::Advice,
        Topic::Alternatives,
        Topic::Referral,
        Topic::KeepInTouch,
        Topic::ShareGoals,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Topic::CareerPath => "career_path",
            Topic::Entry => "entry",
            Topic::Challenges => "challenges",
            Topic::Rewards => "rewards",
            Topic::Preparation => "preparation",
            Topic::DayToDay => "day_to_day",
            Topic::Organization => "organization",
            Topic::Outlook => "outlook",
            Topic::Advice => "advice",
            Topic::Alternatives => "alternatives",
            Topic::Referral => "referral",
            Topic::KeepInTouch => "keep_in_touch",
            Topic::ShareGoals => "share_goals",
            Topic::JobAsk => "job_ask",
            Topic::SelfPitch => "self_pitch",
            Topic::Researchable => "researchable",
            Topic::Courtesy => "courtesy",
            Topic::OffTopic => "off_topic",
        }
    }

    /// A short human label, for menus and scorecards.
    pub fn label(self) -> &'static str {
        match self {
            Topic::CareerPath => "Career path",
            Topic::Entry => "Getting in",
            Topic::Challenges => "Challenges",
            Topic::Rewards => "Rewards",
            Topic::Preparation => "Preparation",
            Topic::DayToDay => "Day to day",
            Topic::Organization => "Their organisation",
            Topic::Outlook => "Outlook",
            Topic::Advice => "Advice",
            Topic::Alternatives => "Alternatives",
            Topic::Referral => "Who else to ask",
            Topic::KeepInTouch => "Keeping in touch",
            Topic::ShareGoals => "Your goals",
            Topic::JobAsk => "Job ask",
            Topic::SelfPitch => "Self-pitch",
            Topic::Researchable => "Researchable",
            Topic::Courtesy => "Courtesy",
            Topic::OffTopic => "Off topic",
        }
    }

    pub fn verdict(self) -> Verdict {
        match self {
            Topic::JobAsk | Topic::SelfPitch | Topic::Researchable => Verdict::Bad,
            Topic::Courtesy | Topic::OffTopic => Verdict::Neutral,
            _ => Verdict::Good,
        }
    }

    /// Red flags outrank every other topic in the same message.
    pub fn is_red_flag(self) -> bool {
        self.verdict() == Verdict::Bad
    }

    /// Questions that invite the professional to tell their own story (persona.ally).
    pub fn is_story(self) -> bool {
        matches!(
            self,
            Topic::CareerPath | Topic::Entry | Topic::Advice | Topic::Alternatives | Topic::Rewards
        )
    }

    /// The guide items (ids in `shared/guide/ADVICE.md`) this topic touches.
    pub fn advice_items(self) -> &'static [&'static str] {
        match self {
            Topic::CareerPath => &["talk.their_story", "talk.topics"],
            Topic::Advice => &["talk.their_story"],
            Topic::Entry
            | Topic::Challenges
            | Topic::Rewards
            | Topic::Preparation
            | Topic::DayToDay
            | Topic::Organization
            | Topic::Outlook
            | Topic::Alternatives => &["talk.topics"],
            Topic::Referral => &["talk.referral"],
            Topic::KeepInTouch => &["talk.keep_in_touch"],
            Topic::ShareGoals => &["talk.share_goals"],
            Topic::JobAsk => &["talk.no_job"],
            Topic::SelfPitch => &["talk.no_pitch"],
            Topic::Researchable => &["prep.research"],
            Topic::Courtesy => &["talk.thanks"],
            Topic::OffTopic => &[],
        }
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The error for a topic name that is not one of [`Topic::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown topic `{0}`; expected one of: career_path, entry, challenges, rewards, preparation, day_to_day, organization, outlook, advice, alternatives, referral, keep_in_touch, share_goals, job_ask, self_pitch, researchable, courtesy, off_topic")]
pub struct UnknownTopic(pub String);

impl FromStr for Topic {
    type Err = UnknownTopic;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Topic::ALL
            .iter()
            .copied()
            .find(|t| t.as_str() == norm)
            .ok_or_else(|| UnknownTopic(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_from_str_and_serde() {
        for t in Topic::ALL {
            assert_eq!(t.as_str().parse::<Topic>(), Ok(t));
            let json = serde_json::to_string(&t).unwrap();
            assert_eq!(json, format!("\"{}\"", t.as_str()));
        }
        assert!("hiring".parse::<Topic>().is_err());
        assert_eq!("Day-To-Day".parse::<Topic>(), Ok(Topic::DayToDay));
    }

    #[test]
    fn verdicts_match_the_eval_readme() {
        let bad: Vec<_> = Topic::ALL
            .iter()
            .filter(|t| t.verdict() == Verdict::Bad)
            .collect();
        assert_eq!(
            bad,
            [&Topic::JobAsk, &Topic::SelfPitch, &Topic::Researchable]
        );
        assert_eq!(Topic::Courtesy.verdict(), Verdict::Neutral);
        assert_eq!(Topic::OffTopic.verdict(), Verdict::Neutral);
        assert!(Topic::GOOD.iter().all(|t| t.verdict() == Verdict::Good));
    }
}
