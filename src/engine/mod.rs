//! The conversation engine: one practice session as a state machine.
//!
//! Owns: phases (request, conversation, follow-up), the professional's stance
//! (ally / neutral / assessor, guide items persona.*), the simulated clock and the
//! seeded randomness. It returns [`Event`]s that front ends render; it does no
//! I/O, never sees Discord types and never panics on any input text.
//!
//! Invariant: the whole [`Session`] (including the RNG state) is serialisable, so
//! a stored session resumes exactly where it was and a seed replays it exactly.

pub mod request;
pub mod script;
pub mod selftest;

use crate::classify::{Classification, Classifier};
use crate::scenario::{Medium, Scenario, ScenarioSet, Stance, Temperament, ToneLines};
use crate::score::{self, Scorecard};
use crate::topic::{Topic, Verdict};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use request::{NoteReport, RequestReport};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The longest message the engine reads; longer text is cut (never rejected).
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// Where a session is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Waiting for the student's first-contact request.
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
    /// Minutes used on the meeting clock after this turn.
    pub minutes_used: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insight: Option<String>,
    #[serde(default)]
    pub referral: bool,
}

/// What happened, for a front end to render. The engine never formats for a medium.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Event {
    /// The professional answered the request.
    RequestAnswered {
        outcome: RequestOutcome,
        text: String,
        /// Phone: the conversation starts right now ("now is a good time").
        starts_now: bool,
    },
    /// The professional speaks (opening line or reply).
    Say { text: String, stance: Stance },
    /// The classifier's reading of the student's message.
    Understood {
        topic: Topic,
        verdict: Verdict,
        items: Vec<&'static str>,
    },
    /// The stance changed (guide items persona.ally / persona.assessor).
    StanceChanged { from: Stance, to: Stance },
    /// A warm-only insight was shared.
    InsightShared { id: String, summary: String },
    /// An ally named a colleague to talk to.
    ReferralOffered {
        name: String,
        role: String,
        scenario: Option<String>,
    },
    /// A few minutes are left.
    ClockWarning { minutes_left: u32 },
    /// The conversation phase is over.
    ConversationEnded { by: EndedBy, text: String },
    /// The front end should ask for the thank-you note.
    FollowUpPrompt,
    /// The professional acknowledges the note.
    NoteAcknowledged { text: String },
    /// The session is finished.
    Finished,
}

/// Errors a caller can cause; the message says what to do next.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EngineError {
    #[error("no scenario with id `{0}`; run `coffeechat scenarios list` to see the ids")]
    UnknownScenario(String),
    #[error("this session has finished; start a new one to practise again")]
    Finished,
    #[error(
        "that can only be done during the {expected} phase (the session is in the {actual} phase)"
    )]
    WrongPhase {
        expected: &'static str,
        actual: &'static str,
    },
}

/// One practice session's whole state. Serialisable, RNG included.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Session {
    pub scenario_id: String,
    pub seed: u64,
    rng: ChaCha8Rng,
    pub phase: Phase,
    pub outcome: Option<RequestOutcome>,
    pub request_text: Option<String>,
    pub request: Option<RequestReport>,
    pub stance: Stance,
    warmth: i32,
    /// A job ask caps the stance at neutral for the rest of the meeting.
    ally_lost: bool,
    pub minutes_used: u32,
    pub minutes_granted: u32,
    pub turns: Vec<Turn>,
    pub ended_by: Option<EndedBy>,
    pub referral_offered: bool,
    pub revealed: Vec<String>,
    pub notes: Vec<String>,
    pub note_report: Option<NoteReport>,
    job_asks: u32,
    poor_moves: u32,
    researchable_run: u32,
    off_topic_count: u32,
    goal_stated: bool,
    no_goal_warned: bool,
    warned: bool,
    /// Phone: the conversation started straight after the request.
    pub started_now: bool,
    asked: BTreeMap<Topic, u32>,
    last_line: BTreeMap<String, usize>,
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
}

/// A snapshot for status displays.
#[derive(Debug, Clone, Serialize)]
pub struct Status {
    pub phase: Phase,
    pub stance: Stance,
    pub minutes_used: u32,
    pub minutes_granted: u32,
    pub topics_covered: Vec<Topic>,
    pub referral_offered: bool,
    /// A nudge about the stance, in plain words.
    pub stance_hint: &'static str,
}

/// The engine: immutable scenarios and classifier, shared by every session.
#[derive(Debug, Clone)]
pub struct Engine {
    scenarios: ScenarioSet,
    classifier: Classifier,
}

fn clean(text: &str) -> String {
    let t: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .take(MAX_MESSAGE_CHARS)
        .collect();
    t.trim().to_string()
}

fn fill(line: &str, vars: &[(&str, &str)]) -> String {
    let mut s = line.to_string();
    for (k, v) in vars {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

impl Engine {
    pub fn new(scenarios: ScenarioSet, classifier: Classifier) -> Self {
        Engine {
            scenarios,
            classifier,
        }
    }

    pub fn scenarios(&self) -> &ScenarioSet {
        &self.scenarios
    }

    pub fn classifier(&self) -> &Classifier {
        &self.classifier
    }

    pub fn scenario(&self, id: &str) -> Result<&Scenario, EngineError> {
        self.scenarios
            .get(id)
            .ok_or_else(|| EngineError::UnknownScenario(id.to_string()))
    }

    /// Starts a session in the request phase.
    pub fn start(&self, scenario_id: &str, seed: u64) -> Result<Session, EngineError> {
        let sc = self.scenario(scenario_id)?;
        let warmth = sc.professional.warmth.clamp(-3, 3);
        Ok(Session {
            scenario_id: sc.id.clone(),
            seed,
            rng: ChaCha8Rng::seed_from_u64(seed),
            phase: Phase::Request,
            outcome: None,
            request_text: None,
            request: None,
            stance: stance_for(warmth, sc.professional.temperament, false),
            warmth,
            ally_lost: false,
            minutes_used: 0,
            minutes_granted: sc.meeting.minutes,
            turns: Vec::new(),
            ended_by: None,
            referral_offered: false,
            revealed: Vec::new(),
            notes: Vec::new(),
            note_report: None,
            job_asks: 0,
            poor_moves: 0,
            researchable_run: 0,
            off_topic_count: 0,
            goal_stated: false,
            no_goal_warned: false,
            warned: false,
            started_now: false,
            asked: BTreeMap::new(),
            last_line: BTreeMap::new(),
        })
    }

    /// Starts a session whose request was already accepted: the conversation
    /// phase, with the opening line. Used by scenario tests and drills.
    pub fn start_accepted(
        &self,
        scenario_id: &str,
        seed: u64,
    ) -> Result<(Session, Vec<Event>), EngineError> {
        let sc = self.scenario(scenario_id)?;
        let mut s = self.start(scenario_id, seed)?;
        s.outcome = Some(RequestOutcome::Accepted);
        s.phase = Phase::Conversation;
        let opening = self.pick(&mut s, "opening", &sc.meeting.opening);
        let ev = vec![Event::Say {
            text: opening,
            stance: s.stance,
        }];
        Ok((s, ev))
    }

    /// Reads one student message in whatever phase the session is in.
    pub fn send(&self, s: &mut Session, text: &str) -> Result<Vec<Event>, EngineError> {
        let sc = self.scenario(&s.scenario_id)?;
        let text = clean(text);
        match s.phase {
            Phase::Request => Ok(self.request(sc, s, &text)),
            Phase::Conversation => Ok(self.converse(sc, s, &text)),
            Phase::FollowUp => Ok(self.follow_up(sc, s, &text)),
            Phase::Done => Err(EngineError::Finished),
        }
    }

    /// The student closes the conversation (`/end`).
    pub fn end_conversation(&self, s: &mut Session) -> Result<Vec<Event>, EngineError> {
        let sc = self.scenario(&s.scenario_id)?;
        if s.phase != Phase::Conversation {
            return Err(EngineError::WrongPhase {
                expected: "conversation",
                actual: s.phase.as_str(),
            });
        }
        let line = self.pick(s, "farewell", &sc.meeting.farewell);
        Ok(self.close(s, EndedBy::Student, line))
    }

    /// Finishes the session (after the follow-up note, or skipping it).
    pub fn finish(&self, s: &mut Session) -> Result<Vec<Event>, EngineError> {
        self.scenario(&s.scenario_id)?;
        match s.phase {
            Phase::Done => Err(EngineError::Finished),
            Phase::Conversation => {
                let mut ev = self.end_conversation(s)?;
                s.phase = Phase::Done;
                ev.retain(|e| !matches!(e, Event::FollowUpPrompt));
                ev.push(Event::Finished);
                Ok(ev)
            }
            _ => {
                s.phase = Phase::Done;
                Ok(vec![Event::Finished])
            }
        }
    }

    /// The scorecard for the session as it stands (final once the phase is Done).
    pub fn scorecard(&self, s: &Session) -> Result<Scorecard, EngineError> {
        let sc = self.scenario(&s.scenario_id)?;
        Ok(score::build(sc, s))
    }

    pub fn status(&self, s: &Session) -> Status {
        let mut covered: Vec<Topic> = s
            .asked
            .keys()
            .copied()
            .filter(|t| t.verdict() == Verdict::Good)
            .collect();
        covered.sort();
        Status {
            phase: s.phase,
            stance: s.stance,
            minutes_used: s.minutes_used,
            minutes_granted: s.minutes_granted,
            topics_covered: covered,
            referral_offered: s.referral_offered,
            stance_hint: match s.stance {
                Stance::Ally => {
                    "They are warming to you: a good moment to ask who else you should talk to."
                }
                Stance::Neutral => {
                    "Polite but reserved: ask about their own story to win them over."
                }
                Stance::Assessor => {
                    "They are sizing you up: drop any job talk and ask about their experience."
                }
            },
        }
    }

    /// Classifies one message with the scenario's public facts (for `/check` and tests).
    pub fn classify(&self, s: Option<&Session>, text: &str) -> Classification {
        let facts = s
            .and_then(|s| self.scenarios.get(&s.scenario_id))
            .map(|sc| &sc.organization);
        self.classifier.classify(&clean(text), facts)
    }

    fn pick(&self, s: &mut Session, key: &str, lines: &[String]) -> String {
        if lines.is_empty() {
            return String::new();
        }
        let last = s.last_line.get(key).copied();
        let mut i = s.rng.gen_range(0..lines.len());
        if lines.len() > 1 && Some(i) == last {
            i = (i + 1 + s.rng.gen_range(0..lines.len() - 1)) % lines.len();
        }
        s.last_line.insert(key.to_string(), i);
        lines[i].clone()
    }

    fn tone(&self, s: &mut Session, key: &str, lines: &ToneLines) -> String {
        let set = match s.stance {
            Stance::Ally => &lines.ally,
            Stance::Neutral => &lines.neutral,
            Stance::Assessor => &lines.assessor,
        };
        let set = if set.is_empty() { &lines.neutral } else { set };
        self.pick(s, &format!("{key}.{}", s.stance.as_str()), set)
    }

    fn request(&self, sc: &Scenario, s: &mut Session, text: &str) -> Vec<Event> {
        let report = request::evaluate_request(
            &self.classifier,
            text,
            sc.meeting.medium,
            Some(&sc.organization),
        );
        let q = report.quality;
        let b = sc.professional.busyness.clamp(0.0, 1.0);
        s.goal_stated = report.states_goal;
        // persona.busy: poorer requests to busier people go unanswered or are refused.
        let p_reply = (0.55 + 0.45 * q - 0.4 * b * (1.0 - q)).clamp(0.05, 1.0);
        let p_accept = if report.job_ask {
            (0.25 - 0.2 * b).clamp(0.02, 1.0)
        } else {
            (0.25 + 0.9 * q - 0.25 * b).clamp(0.05, 0.98)
        };
        let replied = s.rng.gen_bool(p_reply);
        let accepted = replied && s.rng.gen_bool(p_accept);
        // A job ask in the request starts the meeting cold (persona.assessor).
        if report.job_ask {
            s.warmth = s.warmth.min(-2);
            s.job_asks += 1;
            // Same rule as a job ask in the conversation: no ally for this meeting.
            s.ally_lost = true;
        } else {
            s.warmth += if q >= 0.8 {
                1
            } else if q < 0.4 {
                -1
            } else {
                0
            };
        }
        s.stance = stance_for(s.warmth, sc.professional.temperament, s.ally_lost);
        let verdict = if report.job_ask {
            Verdict::Bad
        } else {
            Verdict::Good
        };
        let outcome = if accepted {
            RequestOutcome::Accepted
        } else if replied {
            RequestOutcome::Declined
        } else {
            RequestOutcome::NoAnswer
        };
        let reply = match outcome {
            RequestOutcome::Accepted => self.pick(s, "accept", &sc.request.accept),
            RequestOutcome::Declined => self.pick(s, "decline", &sc.request.decline),
            RequestOutcome::NoAnswer => self.pick(s, "ignore", &sc.request.ignore),
        };
        s.request_text = Some(text.to_string());
        s.outcome = Some(outcome);
        let topic = if report.job_ask {
            Topic::JobAsk
        } else {
            Topic::Courtesy
        };
        let items: Vec<String> = report.checks.iter().map(|c| c.item.clone()).collect();
        s.request = Some(report);
        s.turns.push(Turn {
            phase: Phase::Request,
            message: text.to_string(),
            topic,
            verdict,
            confidence: 1.0,
            items,
            reply: reply.clone(),
            stance: s.stance,
            minutes_used: 0,
            insight: None,
            referral: false,
        });
        let mut events = Vec::new();
        if !accepted {
            s.phase = Phase::Done;
            events.push(Event::RequestAnswered {
                outcome,
                text: reply,
                starts_now: false,
            });
            events.push(Event::Finished);
            return events;
        }
        // ask.ready_now: a phone call may turn into the conversation at once.
        let starts_now = sc.meeting.medium == Medium::Phone
            && !sc.request.ready_now.is_empty()
            && s.rng.gen_bool(0.6);
        s.phase = Phase::Conversation;
        if starts_now {
            s.started_now = true;
            let now = self.pick(s, "ready_now", &sc.request.ready_now);
            events.push(Event::RequestAnswered {
                outcome,
                text: format!("{reply} {now}").trim().to_string(),
                starts_now: true,
            });
        } else {
            events.push(Event::RequestAnswered {
                outcome,
                text: reply,
                starts_now: false,
            });
            let opening = self.pick(s, "opening", &sc.meeting.opening);
            events.push(Event::Say {
                text: opening,
                stance: s.stance,
            });
        }
        events
    }

    fn converse(&self, sc: &Scenario, s: &mut Session, text: &str) -> Vec<Event> {
        let c = self.classifier.classify(text, Some(&sc.organization));
        let mut events = vec![Event::Understood {
            topic: c.topic,
            verdict: c.verdict,
            items: c.items.clone(),
        }];
        let mut before = s.stance;
        let temperament = sc.professional.temperament;
        let first_time = s.asked(c.topic) == 0;
        *s.asked.entry(c.topic).or_insert(0) += 1;
        let mut parts: Vec<String> = Vec::new();
        let mut end: Option<(EndedBy, String)> = None;
        let mut insight_id = None;
        let mut referral = false;

        match c.topic {
            Topic::JobAsk => {
                s.job_asks += 1;
                s.ally_lost = true;
                s.warmth = s.warmth.min(-3);
                s.researchable_run = 0;
                if s.job_asks >= 2 {
                    let l = self.pick(s, "job_ask_again", &sc.reactions.job_ask_again);
                    end = Some((EndedBy::Professional, l));
                } else {
                    parts.push(self.pick(s, "job_ask", &sc.reactions.job_ask));
                }
            }
            Topic::SelfPitch => {
                s.warmth -= 2;
                s.poor_moves += 1;
                parts.push(self.pick(s, "self_pitch", &sc.reactions.self_pitch));
            }
            Topic::Researchable => {
                s.warmth -= 1;
                s.poor_moves += 1;
                s.researchable_run += 1;
                let fact = public_fact(text, &sc.organization);
                let line = self.pick(s, "researchable", &sc.reactions.researchable);
                parts.push(fill(&line, &[("fact", &fact)]));
                if s.researchable_run >= 3 {
                    let l = self.pick(s, "dismiss", &sc.meeting.dismiss);
                    end = Some((EndedBy::Professional, l));
                }
            }
            Topic::OffTopic => {
                s.off_topic_count += 1;
                if s.off_topic_count > 1 {
                    s.poor_moves += 1;
                    s.warmth -= 1;
                }
                parts.push(self.pick(s, "off_topic", &sc.reactions.off_topic));
            }
            Topic::Courtesy => {
                parts.push(self.pick(s, "courtesy", &sc.reactions.courtesy));
            }
            topic => {
                s.researchable_run = 0;
                if topic == Topic::ShareGoals {
                    s.goal_stated = true;
                }
                // persona.likes_advice / persona.ally: story questions warm them most.
                let gain = match (topic.is_story(), first_time) {
                    (true, true) => 2,
                    (true, false) | (false, true) => 1,
                    (false, false) => 0,
                };
                s.warmth = (s.warmth + gain).min(6);
            }
        }
        s.stance = stance_for(s.warmth, temperament, s.ally_lost);
        // The change of mood comes before what they say in that mood.
        if s.stance != before {
            events.push(Event::StanceChanged {
                from: before,
                to: s.stance,
            });
            before = s.stance;
        }

        let good = c.verdict == Verdict::Good;
        if good {
            if c.topic == Topic::Referral {
                if s.stance == Stance::Ally && !s.referral_offered {
                    let r = &sc.referral;
                    let l = self.pick(s, "referral.offer", &r.offer);
                    parts.push(fill(&l, &[("name", &r.name), ("role", &r.role)]));
                    s.referral_offered = true;
                    referral = true;
                    events.push(Event::ReferralOffered {
                        name: r.name.clone(),
                        role: r.role.clone(),
                        scenario: r.scenario.clone(),
                    });
                } else if s.referral_offered {
                    parts.push(format!(
                        "As I said, {} is the person to talk to.",
                        sc.referral.name
                    ));
                } else {
                    parts.push(self.pick(s, "referral.hold_back", &sc.referral.hold_back));
                }
            } else if let Some(lines) = sc.replies.get(&c.topic) {
                parts.push(self.tone(s, c.topic.as_str(), lines));
            }
            // Warm-only insights: the better the relationship, the more they tell.
            if let Some(ins) = sc
                .insights
                .iter()
                .find(|i| i.topic == c.topic && s.stance >= i.needs && !s.revealed.contains(&i.id))
            {
                parts.push(ins.text.clone());
                s.revealed.push(ins.id.clone());
                insight_id = Some(ins.id.clone());
                events.push(Event::InsightShared {
                    id: ins.id.clone(),
                    summary: ins.summary.clone(),
                });
            }
        }
        // An assessor asks evaluative questions back (persona.assessor).
        if s.stance == Stance::Assessor
            && end.is_none()
            && c.topic != Topic::Courtesy
            && s.rng.gen_bool(0.6)
        {
            parts.push(self.pick(s, "probe", &sc.reactions.probe));
        }
        // persona.no_goal: several questions in and still no stated aim.
        let questions: u32 = s
            .asked
            .iter()
            .filter(|(t, _)| t.verdict() != Verdict::Neutral)
            .map(|(_, n)| *n)
            .sum();
        if !s.goal_stated && !s.no_goal_warned && questions >= 4 && end.is_none() {
            s.no_goal_warned = true;
            s.warmth -= 1;
            s.stance = stance_for(s.warmth, temperament, s.ally_lost);
            parts.push(self.pick(s, "no_goal", &sc.reactions.no_goal));
        }
        if end.is_none() && s.poor_moves > sc.professional.patience {
            let l = self.pick(s, "dismiss", &sc.meeting.dismiss);
            end = Some((EndedBy::Professional, l));
        }
        if s.stance != before {
            events.push(Event::StanceChanged {
                from: before,
                to: s.stance,
            });
        }

        // The clock: story answers run longer, and generous people talk longer.
        let mut cost = match c.topic {
            Topic::Courtesy | Topic::OffTopic | Topic::Referral | Topic::KeepInTouch => 1,
            t if t.is_story() => 2 + s.rng.gen_range(0..=1),
            _ => 1 + s.rng.gen_range(0..=1),
        };
        // Generous people tell long stories; busy people answer in a sentence.
        match temperament {
            Temperament::Generous if c.topic.is_story() => cost += 1,
            Temperament::Busy if c.topic.is_story() => cost -= 1,
            _ => {}
        }
        s.minutes_used += cost;
        let reply = parts
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !reply.is_empty() {
            events.push(Event::Say {
                text: reply.clone(),
                stance: s.stance,
            });
        }
        s.turns.push(Turn {
            phase: Phase::Conversation,
            message: text.to_string(),
            topic: c.topic,
            verdict: c.verdict,
            confidence: c.confidence,
            items: c.items.iter().map(|i| i.to_string()).collect(),
            reply,
            stance: s.stance,
            minutes_used: s.minutes_used,
            insight: insight_id,
            referral,
        });

        if let Some((by, line)) = end {
            events.extend(self.close(s, by, line));
            return events;
        }
        // Time: a warning near the end; past it, busy people wrap up, generous ones
        // allow some overrun (which still costs talk.time).
        let left = s.minutes_left();
        let grace = if temperament == Temperament::Generous {
            12
        } else {
            0
        };
        // Closing moves (thanks, who else, keeping in touch) may use the last minute.
        let closing = matches!(
            c.topic,
            Topic::Courtesy | Topic::Referral | Topic::KeepInTouch
        );
        if left < -grace || (left == -grace && !closing) {
            let l = self.pick(s, "wrap_up", &sc.meeting.wrap_up);
            events.extend(self.close(s, EndedBy::Time, l));
        } else if left <= i64::from((s.minutes_granted / 4 + 1).max(5)) && !s.warned {
            s.warned = true;
            let l = self.pick(s, "time_warning", &sc.meeting.time_warning);
            events.push(Event::ClockWarning {
                minutes_left: left.max(0) as u32,
            });
            events.push(Event::Say {
                text: l,
                stance: s.stance,
            });
        }
        events
    }

    fn close(&self, s: &mut Session, by: EndedBy, line: String) -> Vec<Event> {
        s.ended_by = Some(by);
        s.phase = Phase::FollowUp;
        vec![
            Event::ConversationEnded { by, text: line },
            Event::FollowUpPrompt,
        ]
    }

    fn follow_up(&self, sc: &Scenario, s: &mut Session, text: &str) -> Vec<Event> {
        s.notes.push(text.to_string());
        let referral = s.referral_offered.then_some(sc.referral.name.as_str());
        let report = request::evaluate_note(&self.classifier, &s.notes, referral);
        let c = self.classifier.classify(text, Some(&sc.organization));
        let ack = if report.job_ask {
            format!(
                "{} replies briefly and politely, but does not take up the request.",
                sc.professional.name
            )
        } else if s.stance == Stance::Ally {
            format!(
                "{} writes back: \"Glad it helped. Good luck, and do keep me posted.\"",
                sc.professional.name
            )
        } else {
            format!(
                "{} writes back: \"You're welcome. Best of luck.\"",
                sc.professional.name
            )
        };
        s.note_report = Some(report);
        s.turns.push(Turn {
            phase: Phase::FollowUp,
            message: text.to_string(),
            topic: c.topic,
            verdict: c.verdict,
            confidence: c.confidence,
            items: vec!["after.thanks".into(), "after.update".into()],
            reply: ack.clone(),
            stance: s.stance,
            minutes_used: s.minutes_used,
            insight: None,
            referral: false,
        });
        vec![Event::NoteAcknowledged { text: ack }]
    }

    /// A sample question suited to the moment: a topic not yet covered, story first.
    pub fn hint(&self, s: &Session) -> crate::questions::Sample {
        let order: Vec<Topic> = if s.phase == Phase::Conversation && s.minutes_left() <= 6 {
            vec![Topic::Referral, Topic::KeepInTouch, Topic::Courtesy]
        } else if !s.goal_stated {
            vec![Topic::ShareGoals, Topic::CareerPath]
        } else {
            vec![
                Topic::CareerPath,
                Topic::Entry,
                Topic::Challenges,
                Topic::Rewards,
                Topic::Advice,
                Topic::Preparation,
                Topic::DayToDay,
                Topic::Organization,
                Topic::Outlook,
                Topic::Alternatives,
                Topic::Referral,
                Topic::KeepInTouch,
            ]
        };
        let topic = order
            .iter()
            .copied()
            .find(|t| s.asked(*t) == 0)
            .unwrap_or(Topic::Referral);
        let bank = crate::questions::for_topic(topic);
        let idx = s.turns.len() % bank.len().max(1);
        bank.get(idx).copied().unwrap_or(crate::questions::FALLBACK)
    }
}

/// ally at warmth >= 3 (4 for a sceptic), assessor at <= -2.
fn stance_for(warmth: i32, t: Temperament, ally_lost: bool) -> Stance {
    let ally_at = if t == Temperament::Sceptical { 4 } else { 3 };
    if warmth <= -2 {
        Stance::Assessor
    } else if warmth >= ally_at && !ally_lost {
        Stance::Ally
    } else {
        Stance::Neutral
    }
}

/// The public fact a researchable question asks about, for "{fact}" in replies.
fn public_fact(text: &str, org: &crate::scenario::OrganizationFacts) -> String {
    let l = text.to_lowercase();
    let pick = |o: &Option<String>| o.clone();
    let fact =
        if l.contains("found") || l.contains("start") || l.contains("old") || l.contains("since") {
            pick(&org.founded).map(|f| format!("{} was founded in {f}", org.name))
        } else if l.contains("where")
            || l.contains("located")
            || l.contains("based")
            || l.contains("head")
        {
            pick(&org.headquarters).map(|h| format!("{} is based in {h}", org.name))
        } else if l.contains("how many")
            || l.contains("big")
            || l.contains("size")
            || l.contains("employees")
        {
            pick(&org.size).map(|x| format!("{} has {x}", org.name))
        } else if l.contains("ceo")
            || l.contains("runs")
            || l.contains("lead")
            || l.contains("head of")
            || l.contains("boss")
        {
            pick(&org.leader).map(|x| format!("{x} runs {}", org.name))
        } else if l.contains("product")
            || l.contains("sell")
            || l.contains("make")
            || l.contains("offer")
        {
            pick(&org.products).map(|x| format!("{}: {x}", org.name))
        } else {
            None
        };
    fact.unwrap_or_else(|| org.description.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stance_thresholds() {
        assert_eq!(stance_for(3, Temperament::Generous, false), Stance::Ally);
        assert_eq!(
            stance_for(3, Temperament::Sceptical, false),
            Stance::Neutral
        );
        assert_eq!(stance_for(5, Temperament::Busy, true), Stance::Neutral);
        assert_eq!(stance_for(-2, Temperament::Busy, false), Stance::Assessor);
    }

    #[test]
    fn the_stance_change_comes_before_the_reply_it_colours() {
        let set = crate::scenario::load::load_embedded().unwrap();
        let e = Engine::new(set, Classifier::new());
        let (mut s, _) = e.start_accepted("nursing-icu", 5).unwrap();
        e.send(
            &mut s,
            "I'm hoping to work in critical care after I qualify.",
        )
        .unwrap();
        e.send(&mut s, "What is it like working at your hospital?")
            .unwrap();
        let ev = e
            .send(&mut s, "What's the hardest part of the job?")
            .unwrap();
        let pos = |f: &dyn Fn(&Event) -> bool| ev.iter().position(f);
        let change = pos(&|x| {
            matches!(
                x,
                Event::StanceChanged {
                    to: Stance::Ally,
                    ..
                }
            )
        })
        .expect("becomes an ally");
        let insight =
            pos(&|x| matches!(x, Event::InsightShared { .. })).expect("shares an insight");
        let say = pos(&|x| matches!(x, Event::Say { .. })).expect("replies");
        assert!(change < insight && insight < say, "{ev:?}");
    }

    #[test]
    fn a_job_ask_in_the_request_rules_out_an_ally() {
        let set = crate::scenario::load::load_embedded().unwrap();
        let e = Engine::new(set, Classifier::new());
        let req = "Hi, I'm Sam, a student. Are you hiring? I'd love an internship on your team. Could we chat for 15 minutes?";
        let story = [
            "I'm hoping to work in backend engineering.",
            "How did you get into this field?",
            "Could you tell me about your career path?",
            "What advice would you give someone like me?",
            "What other careers did you consider?",
            "What do you enjoy most about your work?",
        ];
        let mut met = 0;
        for seed in 1..200 {
            let mut s = e.start("software-backend", seed).unwrap();
            e.send(&mut s, req).unwrap();
            if s.phase != Phase::Conversation {
                continue;
            }
            met += 1;
            for m in story {
                if s.phase == Phase::Conversation {
                    e.send(&mut s, m).unwrap();
                }
            }
            assert_ne!(s.stance, Stance::Ally, "seed {seed}");
        }
        assert!(met > 0, "no seed accepted the job-asking request");
    }

    #[test]
    fn clean_strips_controls_and_caps_length() {
        let s = clean(&format!("a\u{0}b\u{7}c{}", "x".repeat(10_000)));
        assert!(s.starts_with("abc"));
        assert_eq!(s.chars().count(), MAX_MESSAGE_CHARS);
    }
}
