//! The scenario file format, as Rust types read with serde from TOML.
//!
//! Owns: the shape of a scenario (who the professional is, how they behave, what
//! they say). Every struct refuses unknown keys so a typo is an error, not a
//! silently ignored setting. `scenarios/README.md` documents the format for
//! authors; `coffeechat scenarios schema` prints its JSON Schema.

use crate::topic::Topic;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One practice scenario: a professional, how they meet the student, and what they say.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Stable id: lower case letters, digits and dashes (e.g. `nursing-icu`).
    pub id: String,
    /// A short title shown in lists (up to 80 characters).
    pub title: String,
    /// The field of work, e.g. "Nursing".
    pub field: String,
    /// One sentence shown in lists and autocomplete (up to 200 characters).
    pub summary: String,
    /// The brief the student reads before writing the request: who, how they found them, the medium.
    pub brief: String,
    pub professional: Professional,
    pub meeting: Meeting,
    pub request: RequestReplies,
    /// Public facts about the organisation: what a web search answers.
    pub organization: OrganizationFacts,
    /// Replies for every good topic, keyed by topic name, in three tones.
    pub replies: BTreeMap<Topic, ToneLines>,
    pub reactions: Reactions,
    pub referral: Referral,
    /// Things the professional tells only when warm enough.
    #[serde(default)]
    pub insights: Vec<Insight>,
    /// The author's own checks, run by `coffeechat scenarios test`.
    #[serde(default)]
    pub tests: Vec<ScenarioTest>,
    /// How they answer the thank-you note (defaults in `scenarios/defaults/lines.toml`).
    #[serde(default)]
    pub after: AfterReplies,
    /// Numbers that tune this professional (each has a default).
    #[serde(default)]
    pub tuning: Tuning,
}

/// How the professional answers the follow-up note. Empty lists use the defaults.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AfterReplies {
    /// To a note after a warm meeting.
    #[serde(default)]
    pub warm: Vec<String>,
    /// To a note after a polite or cool meeting.
    #[serde(default)]
    pub polite: Vec<String>,
    /// Narration when the note asks for a job; `{name}` is the professional.
    #[serde(default)]
    pub job_ask: Vec<String>,
}

/// Per-scenario tuning; anything left out uses the engine's default
/// (`engine::tuning`).
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Tuning {
    /// Minutes past the agreed time before they leave (default by temperament:
    /// generous 4, sceptical 1, busy 0).
    #[serde(default)]
    pub grace_minutes: Option<u32>,
    /// Email only: how many exchanges the conversation lasts (default 8).
    #[serde(default)]
    pub exchanges: Option<u32>,
    /// Request quality (0-1) below which they never accept (default by temperament).
    #[serde(default)]
    pub accept_floor: Option<f64>,
    /// Request quality (0-1) from which they almost always accept (default by temperament).
    #[serde(default)]
    pub accept_sure: Option<f64>,
}

/// Who the student is talking to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Professional {
    pub name: String,
    pub role: String,
    pub organization: String,
    #[serde(default)]
    pub pronouns: Option<String>,
    /// An image URL used as the professional's picture on Discord.
    #[serde(default)]
    pub avatar_url: Option<String>,
    /// The general attitude: generous, busy or sceptical.
    pub temperament: Temperament,
    /// 0.0 (all the time in the world) to 1.0 (swamped): raises the odds of an
    /// ignored or declined request and shortens patience with poor questions.
    pub busyness: f64,
    /// How many poor moves (self-pitch, researchable or off-topic questions) they
    /// tolerate before ending the meeting early. A second job ask always ends it.
    pub patience: u32,
    /// Starting warmth from -3 (cold) to 3 (already friendly); 0 is neutral.
    #[serde(default)]
    pub warmth: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Temperament {
    Generous,
    Busy,
    Sceptical,
}

impl Temperament {
    pub fn as_str(self) -> &'static str {
        match self {
            Temperament::Generous => "generous",
            Temperament::Busy => "busy",
            Temperament::Sceptical => "sceptical",
        }
    }
}

/// How and for how long they meet.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Meeting {
    pub medium: Medium,
    /// Minutes granted for the conversation (5-60).
    pub minutes: u32,
    /// Where or how, e.g. "the café by the hospital" or "a video call".
    #[serde(default)]
    pub place: Option<String>,
    /// What they say when the conversation starts.
    pub opening: Vec<String>,
    /// Said once when a few minutes are left; `{minutes}` is replaced by the
    /// minutes (or, by email, the exchanges) left, so their words and the clock agree.
    pub time_warning: Vec<String>,
    /// Said when the agreed time is up and they must go.
    pub wrap_up: Vec<String>,
    /// Said when the student closes the conversation in time.
    pub farewell: Vec<String>,
    /// Said when they end the meeting early because of the student's behaviour.
    pub dismiss: Vec<String>,
}

/// The channel of the meeting; it changes which request items apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Medium {
    /// Meeting in person over coffee.
    Coffee,
    /// A scheduled video call.
    Video,
    /// A phone call: an accepted request may start the conversation at once ("now is a good time").
    Phone,
    /// Email only: the request needs a subject line; the conversation is an exchange of mails.
    Email,
}

impl Medium {
    pub fn as_str(self) -> &'static str {
        match self {
            Medium::Coffee => "coffee",
            Medium::Video => "video",
            Medium::Phone => "phone",
            Medium::Email => "email",
        }
    }
}

/// How the professional answers the request.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestReplies {
    /// Yes to a meeting (lines that do not assume who sent the student).
    pub accept: Vec<String>,
    /// Yes to a request that names the person who suggested the contact: lines
    /// that may greet that connection ("Any friend of Priya's"). Optional; when
    /// empty, or when the request names nobody, `accept` is used.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub accept_named: Vec<String>,
    /// Who suggested the contact, as the brief names them ("Priya Raman",
    /// "Ms Byrne"). With it, `accept_named` is said only when the request names
    /// this person (any part of the name but a title); without it, any named
    /// contact will do.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<String>,
    /// A polite no.
    pub decline: Vec<String>,
    /// Narration shown when the request gets no answer at all.
    pub ignore: Vec<String>,
    /// Phone only: "now is a good time" lines that start the conversation at once.
    #[serde(default)]
    pub ready_now: Vec<String>,
}

/// Public facts about the organisation, used to answer and to recognise
/// questions that basic research would answer.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganizationFacts {
    pub name: String,
    /// Other names people use for it.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// What it does, in one or two sentences.
    pub description: String,
    #[serde(default)]
    pub founded: Option<String>,
    #[serde(default)]
    pub headquarters: Option<String>,
    #[serde(default)]
    pub size: Option<String>,
    #[serde(default)]
    pub leader: Option<String>,
    #[serde(default)]
    pub products: Option<String>,
    #[serde(default)]
    pub website: Option<String>,
    /// Words that point at the organisation's public facts (product names, places).
    #[serde(default)]
    pub keywords: Vec<String>,
}

/// Lines in each tone; one is picked at random (seeded) each time.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ToneLines {
    /// Warm, candid answers: the good, the bad and the ugly.
    pub ally: Vec<String>,
    /// Polite, informative answers.
    pub neutral: Vec<String>,
    /// Guarded generalities, often with an evaluative question back.
    pub assessor: Vec<String>,
    /// Deeper lines for a question that picks up one of these replies
    /// (like ChatScript's rejoinders): see scenarios/README.md.
    #[serde(default)]
    pub follow_ups: Vec<FollowUp>,
}

/// A deeper answer for a student who picks up what the professional just said.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUp {
    /// A phrase of the reply this follows (case does not matter); leave it out
    /// to follow every reply of the topic.
    #[serde(default)]
    pub to: Option<String>,
    /// Other words a student might use to refer back to it (e.g. "bankrupt" for "went bust").
    #[serde(default)]
    pub about: Vec<String>,
    /// What they say; one is picked, never the same one twice.
    pub lines: Vec<String>,
}

/// How they react to the moves the guide warns against, and to small talk.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Reactions {
    /// The first job ask: they turn assessor.
    pub job_ask: Vec<String>,
    /// A second job ask: they end the meeting.
    pub job_ask_again: Vec<String>,
    pub self_pitch: Vec<String>,
    /// A question basic research answers; `{fact}` is replaced by the public fact when known.
    pub researchable: Vec<String>,
    pub off_topic: Vec<String>,
    pub courtesy: Vec<String>,
    /// When the student has asked several questions and still not said what they want.
    pub no_goal: Vec<String>,
    /// Evaluative questions an assessor asks back.
    pub probe: Vec<String>,
    /// When a message might be a misstep but the reading is unsure: they ask
    /// what the student means, at no cost (defaults apply when empty).
    #[serde(default)]
    pub clarify: Vec<String>,
    /// When every answer to a question has been given: a brief acknowledgement
    /// of the repeat (defaults apply when empty).
    #[serde(default)]
    pub repeat: Vec<String>,
    /// Added when a message asks several things at once: they answer the main
    /// question and acknowledge the rest (defaults apply when empty).
    #[serde(default)]
    pub compound: Vec<String>,
    /// When the student ends the meeting with a sign-off of their own (defaults apply when empty).
    #[serde(default)]
    pub sign_off: Vec<String>,
}

/// The colleague they can point the student to.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Referral {
    pub name: String,
    pub role: String,
    /// The id of another scenario where this person is the professional, if any.
    #[serde(default)]
    pub scenario: Option<String>,
    /// Said when an ally offers the name; `{name}` and `{role}` are filled in.
    pub offer: Vec<String>,
    /// Said when they are not warm enough to share a contact.
    pub hold_back: Vec<String>,
    /// Further colleagues, named one at a time when the student asks again.
    #[serde(default)]
    pub also: Vec<Colleague>,
    /// Said when asked again once every colleague has been named; `{name}` is
    /// the last one named (defaults apply when empty).
    #[serde(default)]
    pub only_one: Vec<String>,
}

/// Another colleague they can name when asked again.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Colleague {
    pub name: String,
    pub role: String,
    #[serde(default)]
    pub scenario: Option<String>,
    /// Said when they name this colleague; `{name}` and `{role}` are filled in.
    pub offer: Vec<String>,
}

/// Something the professional shares only when warm enough.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Insight {
    /// Stable id within the scenario.
    pub id: String,
    /// The topic whose question can unlock it.
    pub topic: Topic,
    /// The least warm stance that unlocks it.
    pub needs: Stance,
    /// What they say when they share it.
    pub text: String,
    /// A short summary for the scorecard ("what you missed").
    pub summary: String,
    /// A question that would have unlocked it.
    pub hint: String,
}

/// The professional's stance toward the student (guide items persona.ally / persona.assessor).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Stance {
    Assessor,
    Neutral,
    Ally,
}

impl Stance {
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Assessor => "assessor",
            Stance::Neutral => "neutral",
            Stance::Ally => "ally",
        }
    }
}

impl std::fmt::Display for Stance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An author's check: say these lines (after an accepted request) and expect this.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScenarioTest {
    pub name: String,
    /// Student lines said in the conversation, in order.
    pub say: Vec<String>,
    /// The topic the last line must be classified as.
    #[serde(default)]
    pub expect_topic: Option<Topic>,
    /// The stance after the last line.
    #[serde(default)]
    pub expect_stance: Option<Stance>,
    /// An insight id that must have been revealed by the end.
    #[serde(default)]
    pub expect_insight: Option<String>,
    /// Whether a referral must (true) or must not (false) have been offered.
    #[serde(default)]
    pub expect_referral: Option<bool>,
    /// Whether the professional must have ended the meeting early.
    #[serde(default)]
    pub expect_ended: Option<bool>,
    /// The seed for the run (default 1).
    #[serde(default)]
    pub seed: Option<u64>,
}
