//! Every number that tunes a conversation, named in one place. A scenario's
//! `[tuning]` table overrides the ones marked so; the rest are the engine's.

use crate::scenario::{Scenario, Temperament};

/// A request may be sent this many times in all (the guide's ask.persist:
/// after a refusal or silence, revise and try again, twice more).
pub const REQUEST_TRIES: usize = 3;

/// Warmth bounds and the stance thresholds (persona.ally / persona.assessor).
pub const WARMTH_CAP: i32 = 6;
pub const START_WARMTH_BOUND: i32 = 3;
pub const ALLY_AT: i32 = 3;
pub const ALLY_AT_SCEPTIC: i32 = 4;
pub const ASSESSOR_AT: i32 = -2;
/// A job ask drops warmth to at most this.
pub const JOB_ASK_WARMTH: i32 = -3;
/// A job ask in the request starts the meeting at most this warm.
pub const JOB_ASK_REQUEST_WARMTH: i32 = -2;
/// Request quality from which the meeting starts a little warmer, and below which colder.
pub const WARM_REQUEST: f64 = 0.8;
pub const COLD_REQUEST: f64 = 0.4;

/// Warmth gained: a first story question, a first other question, a repeat.
pub const STORY_FIRST_GAIN: i32 = 2;
pub const OTHER_FIRST_GAIN: i32 = 1;
/// A question that picks up what they just said (listening).
pub const FOLLOW_UP_FIRST_GAIN: i32 = 2;
pub const FOLLOW_UP_GAIN: i32 = 1;
/// Warmth lost: a self-pitch, a researchable question, repeated small talk, no goal.
pub const PITCH_LOSS: i32 = 2;
pub const RESEARCHABLE_LOSS: i32 = 1;
pub const OFF_TOPIC_LOSS: i32 = 1;
pub const NO_GOAL_LOSS: i32 = 1;

/// Odds that an assessor asks an evaluative question back.
pub const PROBE_ODDS: f64 = 0.6;
/// Odds that a phone professional who accepts says "now is a good time".
pub const READY_NOW_ODDS: f64 = 0.6;
/// Questions asked without a stated aim before they ask what the student wants.
pub const NO_GOAL_AFTER: u32 = 4;
/// Researchable questions in a row that end the meeting.
pub const RESEARCHABLE_RUN_ENDS: u32 = 3;
/// Job asks that end the meeting.
pub const JOB_ASKS_END: u32 = 2;

/// How many of the professional's latest replies a message may refer back to.
pub const LOOKBACK: usize = 3;

/// Email: exchanges in a conversation unless the scenario says otherwise.
pub const EMAIL_EXCHANGES: u32 = 8;
/// Email: the warning comes with this many exchanges left (room to close politely).
pub const EMAIL_WARN_AT: i64 = 3;

/// Acceptance odds never go below or above these.
pub const ACCEPT_MIN: f64 = 0.01;
pub const ACCEPT_MAX: f64 = 0.99;
/// Odds of a yes to a request that asks for a job.
pub const JOB_ASK_ACCEPT: f64 = 0.15;

/// Request quality below which they (almost) never accept, and from which they
/// (almost) always do, by temperament; a scenario's `[tuning]` may override.
pub fn accept_band(sc: &Scenario) -> (f64, f64) {
    let (floor, sure) = match sc.professional.temperament {
        Temperament::Generous => (0.35, 0.7),
        Temperament::Busy => (0.4, 0.75),
        Temperament::Sceptical => (0.5, 0.85),
    };
    let floor = sc.tuning.accept_floor.unwrap_or(floor).clamp(0.0, 1.0);
    let sure = sc.tuning.accept_sure.unwrap_or(sure).clamp(floor, 1.0);
    (floor, sure)
}

/// Minutes past the agreed time before they leave (by temperament).
pub fn grace(sc: &Scenario) -> i64 {
    let by_temperament = match sc.professional.temperament {
        Temperament::Generous => 4,
        Temperament::Sceptical => 1,
        Temperament::Busy => 0,
    };
    i64::from(sc.tuning.grace_minutes.unwrap_or(by_temperament))
}

/// When the clock warning comes: this much (minutes or exchanges) left.
pub fn warn_at(granted: u32, by_exchange: bool) -> i64 {
    if by_exchange {
        EMAIL_WARN_AT
    } else {
        i64::from((granted / 4 + 1).max(5))
    }
}
