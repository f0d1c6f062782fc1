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
    /// Said once when about five minutes are left.
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
    /// Yes to a meeting.
    pub accept: Vec<String>,
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
