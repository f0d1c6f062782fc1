//! Listening: relating a student's message to what the professional has just
//! said, so a question that picks up a reply is answered from that reply's
//! follow-ups (scenario `follow_ups`, in the spirit of ChatScript's rejoinders).
//!
//! A message relates to a recent reply when it shares content words with it
//! (or with the follow-up's `about` words), or refers back to it ("you
//! mentioned", "what was that like?").

use super::tuning::LOOKBACK;
use crate::scenario::{FollowUp, Scenario};
use crate::session::{Phase, Session};
use crate::topic::{Topic, Verdict};

/// Words too common to show that a message picks something up.
const COMMON: &[&str] = &[
    "about",
    "after",
    "again",
    "also",
    "always",
    "anyone",
    "anything",
    "because",
    "been",
    "before",
    "being",
    "better",
    "both",
    "could",
    "days",
    "does",
    "doing",
    "done",
    "each",
    "else",
    "even",
    "ever",
    "every",
    "first",
    "from",
    "going",
    "good",
    "great",
    "have",
    "having",
    "here",
    "into",
    "just",
    "kind",
    "know",
    "like",
    "little",
    "look",
    "made",
    "make",
    "many",
    "mean",
    "might",
    "more",
    "most",
    "much",
    "must",
    "need",
    "never",
    "only",
    "other",
    "over",
    "people",
    "pretty",
    "quite",
    "really",
    "said",
    "same",
    "should",
    "since",
    "some",
    "something",
    "sort",
    "still",
    "such",
    "sure",
    "take",
    "tell",
    "than",
    "that",
    "thats",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "thing",
    "things",
    "think",
    "this",
    "those",
    "through",
    "time",
    "today",
    "very",
    "want",
    "well",
    "were",
    "what",
    "whats",
    "when",
    "where",
    "which",
    "while",
    "will",
    "with",
    "would",
    "year",
    "years",
    "your",
    "youre",
    "yours",
    "work",
    "working",
    "works",
    "job",
    "jobs",
    "career",
    "field",
    "role",
    "learn",
    "someone",
    "somebody",
    "person",
    "mention",
    "mentioned",
    "mentioning",
    "talked",
    "talking",
    "said",
    "saying",
    "earlier",
    "before",
    "back",
    "part",
    "interesting",
    "interested",
    "curious",
    "wondering",
    "wonder",
    "question",
    "questions",
    "happen",
    "happened",
    "okay",
    "thanks",
    "thank",
    "please",
    "maybe",
    "actually",
    "honestly",
    "ask",
    "asked",
    "asking",
    "yeah",
    "right",
    "lots",
    "feel",
    "felt",
    "come",
    "came",
    "went",
    "give",
    "gave",
    "keep",
    "kept",
    "hard",
    "best",
    "worst",
    "start",
    "started",
    "hardest",
    "toughest",
    "easiest",
    "challenging",
    "challenge",
    "challenges",
    "rewarding",
    "reward",
    "rewards",
    "typical",
    "normal",
    "average",
    "enjoy",
    "enjoyed",
    "advice",
    "advise",
    "recommend",
    "path",
    "route",
    "prepare",
    "preparation",
    "skills",
    "courses",
    "industry",
    "company",
    "organisation",
    "organization",
    "future",
    "outlook",
    "considered",
    "alternative",
    "alternatives",
    "contact",
    "touch",
    "stay",
    "week",
    "weeks",
    "life",
    "student",
    "students",
    "study",
    "studying",
    "love",
    "loved",
    "favourite",
    "favorite",
    "younger",
    "yourself",
    "position",
    "someone",
    "everyone",
    "anyone",
    "talk",
    "speak",
    "chat",
];

/// Phrases that point back at what was just said.
const BACK_REFERENCES: &[&str] = &[
    "you mentioned",
    "you said",
    "you talked about",
    "you told me",
    "you brought up",
    "mentioned",
    "earlier you",
    "going back to",
    "back to what",
    "about that",
    "what was that like",
    "what was it like",
    "why was that",
    "how so",
    "how come",
    "what happened",
    "tell me more",
    "say more",
    "more about that",
    "expand on",
    "how did that",
    "what did that",
    "was that",
    "that sounds",
    "that part",
    "you just",
];

/// Lower-case content words of a text (letters and digits; hyphens joined).
pub(crate) fn content_words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase().replace(['-', '\'', '’'], "");
    lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 4 && !COMMON.contains(w))
        .map(str::to_string)
        .collect()
}

/// Two words match when equal or when they share a stem of at least five letters.
fn same_word(a: &str, b: &str) -> bool {
    if a == b {
        return true;
    }
    let stem = |w: &str| w.chars().take(5).collect::<String>();
    a.chars().count() >= 5 && b.chars().count() >= 5 && stem(a) == stem(b)
}

/// How many content words of `a` appear (by stem) in `b`.
pub(crate) fn overlap(a: &str, b: &str) -> usize {
    shared(&content_words(a), &content_words(b))
}

fn shared(message: &[String], other: &[String]) -> usize {
    message
        .iter()
        .filter(|w| other.iter().any(|o| same_word(w, o)))
        .count()
}

/// Phrases that quote the professional ("you mentioned X").
const QUOTING: &[&str] = &[
    "you mentioned",
    "you said",
    "you talked about",
    "you told me",
    "you brought up",
    "going back to",
];

/// Words of a student asking something for themselves.
const ASKING_FOR_SELF: &[&str] = &[
    "could i",
    "can i",
    "may i",
    "for me",
    " me ",
    " me?",
    "my cv",
    "my resume",
    "hire",
    "apply",
    "opening",
    "vacanc",
    "position for",
    "take me",
    "put a word",
];

/// A clause that quotes what the professional said ("you mentioned
/// apprenticeships") without asking anything for the student: its words are
/// theirs, so it is never a job ask or a pitch of the student's own.
pub(crate) fn quotes_them(clause: &str) -> bool {
    let l = format!(" {} ", clause.to_lowercase().replace('’', "'"));
    QUOTING.iter().any(|p| l.contains(p)) && !ASKING_FOR_SELF.iter().any(|p| l.contains(p))
}

fn refers_back(text: &str) -> bool {
    let l = text.to_lowercase();
    BACK_REFERENCES.iter().any(|p| l.contains(p))
}

/// What a message picks up: the topic of the reply it follows and the
/// follow-ups that may answer it (best match first).
#[derive(Debug)]
pub(crate) struct Link<'a> {
    pub topic: Topic,
    pub follow_ups: Vec<&'a FollowUp>,
}

/// The follow-ups of `topic` that belong to this reply text.
fn follow_ups_of<'a>(sc: &'a Scenario, topic: Topic, reply: &str) -> Vec<&'a FollowUp> {
    let reply_l = reply.to_lowercase();
    sc.replies
        .get(&topic)
        .map(|lines| {
            lines
                .follow_ups
                .iter()
                .filter(|f| {
                    f.to.as_ref()
                        .is_none_or(|p| reply_l.contains(&p.to_lowercase()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Relates `text` to the professional's latest replies, newest first.
pub(crate) fn relate<'a>(sc: &'a Scenario, s: &Session, text: &str) -> Option<Link<'a>> {
    let words = content_words(text);
    let back = refers_back(text);
    let recent = s
        .turns
        .iter()
        .rev()
        .filter(|t| t.phase == Phase::Conversation && !t.reply.is_empty())
        .take(LOOKBACK);
    for (i, t) in recent.enumerate() {
        if t.topic.verdict() != Verdict::Good || matches!(t.topic, Topic::Referral) {
            continue;
        }
        let fus = follow_ups_of(sc, t.topic, &t.reply);
        if fus.is_empty() {
            continue;
        }
        let reply_words = content_words(&t.reply);
        let mut scored: Vec<(usize, &FollowUp)> = fus
            .into_iter()
            .map(|f| {
                let mut about: Vec<String> =
                    f.about.iter().flat_map(|a| content_words(a)).collect();
                if let Some(to) = &f.to {
                    about.extend(content_words(to));
                }
                (shared(&words, &about), f)
            })
            .collect();
        let with_reply = shared(&words, &reply_words);
        let best_about = scored.iter().map(|(n, _)| *n).max().unwrap_or(0);
        let overlap = with_reply.max(best_about);
        let related = overlap >= 2
            || (overlap >= 1 && (i == 0 || back))
            || (back && i == 0 && words.len() <= 3);
        if !related {
            continue;
        }
        // Best overlap first; on a tie, a follow-up written for this very reply.
        scored.sort_by_key(|(n, f)| (std::cmp::Reverse(*n), f.to.is_none()));
        return Some(Link {
            topic: t.topic,
            follow_ups: scored.into_iter().map(|(_, f)| f).collect(),
        });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_words_skip_the_common_ones() {
        let w = content_words("You mentioned the start-up went bust: what was that like?");
        assert_eq!(w, vec!["startup".to_string(), "bust".to_string()]);
    }

    #[test]
    fn stems_match_inflections() {
        assert!(same_word("databases", "database"));
        assert!(same_word("tracking", "tracked"));
        assert!(!same_word("bus", "bust"));
    }
}
