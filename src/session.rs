//! One practice session's data: phases, turns and the state the engine keeps.
//!
//! Owns: the serialisable shape of a session (what the store saves and the
//! scorecard reads). Must not: decide anything (the engine does) or score it
//! (`score` does). It sits below both, so `engine` and `score` never import
//! each other's internals in a cycle: `engine` → `score` → `session`.
//!
//! Invariant: the whole [`Session`] (including the RNG state) is serialisable,
//! so a stored session resumes exactly where it was and a seed replays it
//! exactly. Every field added after the first release has a serde default, so
//! sessions stored by older versions still load and finish.

use crate::engine::request::{NoteReport, RequestReport};
use crate::scenario::Stance;
use crate::topic::{Topic, Verdict};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Waiting for the student's first-contact request (or a revised one).
    Request,
    /// The meeting is under way.
    Conversation,
    /// The meeting is over; waiting for the thank-you note.
    FollowUp,
    /// Finished: the scorecard is final.
    Done,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Request => "request",
            Phase::Conversation => "conversation",
            Phase::FollowUp => "follow_up",
            Phase::Done => "done",
        }
    }
}

/// Who ended the conversation phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndedBy {
    Student,
    Professional,
    Time,
}

impl EndedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            EndedBy::Student => "student",
            EndedBy::Professional => "professional",
            EndedBy::Time => "time",
        }
    }
}

/// How the professional answered the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RequestOutcome {
    Accepted,
    Declined,
    NoAnswer,
}

impl RequestOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            RequestOutcome::Accepted => "accepted",
            RequestOutcome::Declined => "declined",
            RequestOutcome::NoAnswer => "no_answer",
        }
    }
}

fn yes() -> bool {
    true
}

/// One exchange of the conversation (or a request / follow-up message).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Turn {
    pub phase: Phase,
    pub message: String,
    pub topic: Topic,
    pub verdict: Verdict,
    pub confidence: f32,
    pub items: Vec<String>,
    pub reply: String,
    pub stance: Stance,
    /// Minutes (or, by email, exchanges) used on the meeting clock after this turn.
    pub minutes_used: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insight: Option<String>,
    #[serde(default)]
    pub referral: bool,
    /// Whether a bad reading of this message was sure enough to cost points.
    /// Turns stored before unsure readings existed always counted.
    #[serde(default = "yes")]
    pub penalised: bool,
    /// Other things the same message did that count (a goal shared, thanks,
    /// a sure red flag) besides its main topic.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<Topic>,
    /// The message picked up something the professional had just said and was
    /// answered from that reply's follow-up (listening).
    #[serde(default)]
    pub follow_up: bool,
}

impl Turn {
    /// Every topic this turn counts for: its main topic (unless it was an
    /// unsure bad reading, which never counts) and the other acts it carried.
    pub fn counted(&self) -> Vec<Topic> {
        let mut out = Vec::new();
        if self.verdict != Verdict::Bad || self.penalised {
            out.push(self.topic);
        }
        for t in &self.also {
            if !out.contains(t) {
                out.push(*t);
            }
        }
        out
    }

    /// Whether this turn counts for `topic`.
    pub fn counts(&self, topic: Topic) -> bool {
        self.counted().contains(&topic)
    }

    /// A real exchange: a question or a goal shared, not only small talk.
    pub fn substantive(&self) -> bool {
        self.follow_up
            || self
                .counted()
                .iter()
                .any(|t| t.verdict() == Verdict::Good && *t != Topic::Courtesy)
    }
}

/// One try at the request (the guide's ask.persist: revise and send again).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Attempt {
    pub text: String,
    pub outcome: RequestOutcome,
    pub quality: f64,
    /// Points per ask.* item, to show what changed between tries.
    pub points: BTreeMap<String, i32>,
}

/// One practice session's whole state. Serialisable, RNG included.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub scenario_id: String,
    pub seed: u64,
    pub(crate) rng: ChaCha8Rng,
    pub phase: Phase,
    pub outcome: Option<RequestOutcome>,
    pub request_text: Option<String>,
    pub request: Option<RequestReport>,
    pub stance: Stance,
    pub(crate) warmth: i32,
    /// A job ask caps the stance at neutral for the rest of the meeting.
    pub(crate) ally_lost: bool,
    pub minutes_used: u32,
    pub minutes_granted: u32,
    pub turns: Vec<Turn>,
    pub ended_by: Option<EndedBy>,
    pub referral_offered: bool,
    pub revealed: Vec<String>,
    pub notes: Vec<String>,
    pub note_report: Option<NoteReport>,
    pub(crate) job_asks: u32,
    pub(crate) poor_moves: u32,
    pub(crate) researchable_run: u32,
    pub(crate) off_topic_count: u32,
    pub(crate) goal_stated: bool,
    pub(crate) no_goal_warned: bool,
    pub(crate) warned: bool,
    /// Phone: the conversation started straight after the request.
    pub started_now: bool,
    pub(crate) asked: BTreeMap<Topic, u32>,
    /// Kept for sessions stored by older versions; no longer read.
    #[serde(default)]
    pub(crate) last_line: BTreeMap<String, usize>,
    /// Earlier tries at the request that were declined or unanswered.
    #[serde(default)]
    pub attempts: Vec<Attempt>,
    /// Every sentence the professional has said (normalised), so none is said twice.
    #[serde(default)]
    pub(crate) said: BTreeSet<String>,
    /// How many colleagues they have named (the first is `referral`, then `referral.also`).
    #[serde(default)]
    pub referrals_named: u32,
    /// Names of the people they referred the student to.
    #[serde(default)]
    pub referral_names: Vec<String>,
    /// The student left without finishing (`/quit`): nothing is scored.
    #[serde(default)]
    pub abandoned: bool,
    /// The clock counts email exchanges rather than minutes.
    #[serde(default)]
    pub by_exchange: bool,
    /// The conversation closed without the student's `/end`; a first `/end`
    /// in the follow-up phase reminds them of the note instead of finishing.
    #[serde(default)]
    pub(crate) note_reminder_due: bool,
}

impl Session {
    pub fn minutes_left(&self) -> i64 {
        i64::from(self.minutes_granted) - i64::from(self.minutes_used)
    }

    pub fn accepted(&self) -> bool {
        self.outcome == Some(RequestOutcome::Accepted)
    }

    /// Turns of the conversation phase only.
    pub fn conversation_turns(&self) -> impl Iterator<Item = &Turn> {
        self.turns.iter().filter(|t| t.phase == Phase::Conversation)
    }

    pub fn asked(&self, topic: Topic) -> u32 {
        self.asked.get(&topic).copied().unwrap_or(0)
    }

    pub fn goal_stated(&self) -> bool {
        self.goal_stated
    }

    /// How many real exchanges the meeting had (questions, goals, follow-ups).
    pub fn exchanges(&self) -> usize {
        self.conversation_turns()
            .filter(|t| t.substantive())
            .count()
    }
}
