//! The conversation engine: one practice session as a state machine.
//!
//! Owns: every phase rule (request and its retries, conversation, ending, the
//! note, abandoning), the professional's stance (ally / neutral / assessor,
//! guide items persona.*), the simulated clock and the seeded randomness.
//! Front ends parse what the student typed once into an [`Input`], call
//! [`Engine::step`] and render the [`Outcome`] (events, whether the session
//! finished, its scorecard). The engine does no I/O, never sees Discord types
//! and never panics on any input text.
//!
//! Submodules: `request` (ask.* / after.* checks on text), `listen` (relating
//! a message to recent replies), `lines` (choosing what the professional says,
//! never the same sentence twice), `tuning` (every number), `script` (replays),
//! `selftest` (the scenario files' own tests).

mod converse;
mod lines;
mod listen;
pub mod request;
pub mod script;
pub mod selftest;
pub mod tuning;

use crate::classify::{Classification, Classifier};
use crate::scenario::{defaults, Medium, Scenario, ScenarioSet, Stance, Temperament};
use crate::score::{self, Scorecard};
use crate::topic::{Topic, Verdict};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub use crate::session::{Attempt, EndedBy, Phase, RequestOutcome, Session, Turn};

/// The longest message the engine reads; longer text is cut (never rejected).
pub const MAX_MESSAGE_CHARS: usize = 4000;

/// What the student did, parsed once from what they typed (or a button).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A message to the professional: the request, a conversation message or the note.
    Say(String),
    /// `/end`: close the conversation; after a refused request, finish with the
    /// request-only card; in the follow-up phase, finish without a note, except
    /// right after a conversation that closed without `/end` (a sign-off, the
    /// professional, the clock): then it reminds the student of the note once.
    End,
    /// `/skip`: in the follow-up phase, finish without a note at once; elsewhere as `/end`.
    Skip,
    /// `/hint`: a suggestion for this moment (in the request phase, about the request).
    Hint,
    /// `/status`: where the session stands.
    Status,
    /// `/quit`: leave; nothing is scored.
    Quit,
    /// Finish now from any phase and score what there is (the scorecard button).
    Finish,
    /// A command the engine does not know (`/help`, typos): help, never a message.
    Unknown(String),
}

impl Input {
    /// Parses what a student typed. A message that starts with `/` and a word is
    /// a command; anything else is a message to the professional.
    pub fn parse(text: &str) -> Input {
        let t = text.trim();
        let Some(rest) = t.strip_prefix('/') else {
            return Input::Say(text.to_string());
        };
        let word: String = rest.split_whitespace().next().unwrap_or("").to_lowercase();
        if word.is_empty() || !word.chars().next().is_some_and(char::is_alphabetic) {
            return Input::Say(text.to_string());
        }
        match word.as_str() {
            "end" | "done" | "bye" => Input::End,
            "skip" => Input::Skip,
            "hint" => Input::Hint,
            "status" => Input::Status,
            "quit" | "exit" | "abandon" => Input::Quit,
            "finish" | "score" | "scorecard" => Input::Finish,
            _ => Input::Unknown(format!("/{word}")),
        }
    }
}

/// One command a student may type now, for help texts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct CommandHelp {
    pub command: &'static str,
    pub what: &'static str,
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
    /// The request was declined or unanswered; the student may revise it and send again.
    RequestRetry { tries_left: u32 },
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
    /// A few minutes (by email: exchanges) are left.
    ClockWarning { minutes_left: u32 },
    /// The conversation phase is over.
    ConversationEnded { by: EndedBy, text: String },
    /// The front end should ask for the thank-you note.
    FollowUpPrompt,
    /// `/end` after the conversation had already closed: the note is still to write.
    NoteReminder,
    /// The professional acknowledges the note.
    NoteAcknowledged { text: String },
    /// A suggestion (`/hint`): a sample question, or advice for the request.
    Hint {
        text: String,
        item: String,
        topic: Option<Topic>,
    },
    /// Where the session stands (`/status`).
    Status(Status),
    /// A command that does not exist here: the commands that do.
    Help {
        unknown: String,
        commands: Vec<CommandHelp>,
    },
    /// The student left; nothing is scored.
    Abandoned,
    /// The session is finished.
    Finished,
}

/// The result of one [`Engine::step`]: render the events; when `finished`, the
/// session is over and `scorecard` holds its final card (none when abandoned).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Outcome {
    pub events: Vec<Event>,
    pub finished: bool,
    pub abandoned: bool,
    pub scorecard: Option<Scorecard>,
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

/// A snapshot for status displays.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Status {
    pub phase: Phase,
    pub stance: Stance,
    pub minutes_used: u32,
    pub minutes_granted: u32,
    /// The clock counts email exchanges rather than minutes.
    pub by_exchange: bool,
    pub topics_covered: Vec<Topic>,
    pub referral_offered: bool,
    /// Tries at the request so far, and how many are allowed.
    pub tries: u32,
    pub max_tries: u32,
    /// A nudge about the stance, in plain words.
    pub stance_hint: &'static str,
}

/// The engine: immutable scenarios and classifier, shared by every session.
#[derive(Debug, Clone)]
pub struct Engine {
    scenarios: ScenarioSet,
    classifier: Classifier,
}

pub(crate) fn clean(text: &str) -> String {
    let t: String = text
        .chars()
        .filter(|c| !c.is_control() || *c == '\n' || *c == '\t')
        .take(MAX_MESSAGE_CHARS)
        .collect();
    t.trim().to_string()
}

pub(crate) fn fill(line: &str, vars: &[(&str, &str)]) -> String {
    let mut s = line.to_string();
    for (k, v) in vars {
        s = s.replace(&format!("{{{k}}}"), v);
    }
    s
}

fn commands_for(phase: Phase) -> Vec<CommandHelp> {
    let c = |command, what| CommandHelp { command, what };
    let mut out = vec![c("/hint", "a suggestion for this moment")];
    match phase {
        Phase::Request => out.push(c(
            "/end",
            "stop here (after a refusal: see the request's scorecard)",
        )),
        Phase::Conversation => out.push(c("/end", "close the conversation and write your note")),
        Phase::FollowUp => out.push(c("/skip", "finish without a note")),
        Phase::Done => {}
    }
    out.push(c("/status", "where you stand"));
    out.push(c("/quit", "leave without a score"));
    out
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
        let b = tuning::START_WARMTH_BOUND;
        let warmth = sc.professional.warmth.clamp(-b, b);
        let by_exchange = sc.meeting.medium == Medium::Email;
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
            minutes_granted: granted(sc),
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
            attempts: Vec::new(),
            said: BTreeSet::new(),
            referrals_named: 0,
            referral_names: Vec::new(),
            abandoned: false,
            by_exchange,
            note_reminder_due: false,
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
        let opening = self.say(sc, &mut s, &sc.meeting.opening);
        let ev = vec![Event::Say {
            text: opening,
            stance: s.stance,
        }];
        Ok((s, ev))
    }

    /// One step of a session: the only way a front end moves it on.
    pub fn step(&self, s: &mut Session, input: Input) -> Result<Outcome, EngineError> {
        let sc = self.scenario(&s.scenario_id)?;
        if s.phase == Phase::Done {
            return match input {
                Input::Status => Ok(self.outcome(sc, s, vec![Event::Status(self.status(s))])),
                _ => Err(EngineError::Finished),
            };
        }
        let events = match input {
            Input::Say(text) => {
                let text = clean(&text);
                if text.is_empty() {
                    Vec::new()
                } else {
                    match s.phase {
                        Phase::Request => self.request(sc, s, &text),
                        Phase::Conversation => self.converse(sc, s, &text),
                        Phase::FollowUp => {
                            let mut ev = self.note(sc, s, &text);
                            ev.extend(self.done(s));
                            ev
                        }
                        Phase::Done => Vec::new(),
                    }
                }
            }
            Input::End => self.end(sc, s),
            Input::Skip if s.phase == Phase::FollowUp => self.done(s),
            Input::Skip => self.end(sc, s),
            Input::Finish => self.finish_now(sc, s),
            Input::Quit => {
                s.abandoned = true;
                s.phase = Phase::Done;
                vec![Event::Abandoned]
            }
            Input::Hint => vec![self.hint_event(s)],
            Input::Status => vec![Event::Status(self.status(s))],
            Input::Unknown(unknown) => vec![Event::Help {
                unknown,
                commands: commands_for(s.phase),
            }],
        };
        Ok(self.outcome(sc, s, events))
    }

    fn outcome(&self, sc: &Scenario, s: &Session, events: Vec<Event>) -> Outcome {
        let finished = s.phase == Phase::Done;
        let scorecard = (finished && !s.abandoned).then(|| score::build(sc, s));
        Outcome {
            events,
            finished,
            abandoned: s.abandoned,
            scorecard,
        }
    }

    /// `/end` in each phase.
    fn end(&self, sc: &Scenario, s: &mut Session) -> Vec<Event> {
        match s.phase {
            Phase::Request if s.attempts.is_empty() && s.request_text.is_none() => {
                // Nothing was sent: leaving is not a scored session.
                s.abandoned = true;
                s.phase = Phase::Done;
                vec![Event::Abandoned]
            }
            Phase::FollowUp if s.note_reminder_due => {
                // The conversation closed by itself (a sign-off, the
                // professional, the clock) and the student typed `/end` as if
                // it were still open: the note is worth points, so say so once.
                s.note_reminder_due = false;
                vec![Event::NoteReminder]
            }
            Phase::Request | Phase::FollowUp => self.done(s),
            Phase::Conversation => {
                let line = self.say(sc, s, &sc.meeting.farewell);
                let ev = self.close(s, EndedBy::Student, line);
                s.note_reminder_due = false;
                ev
            }
            Phase::Done => Vec::new(),
        }
    }

    /// Finishes from any phase and scores what there is.
    fn finish_now(&self, sc: &Scenario, s: &mut Session) -> Vec<Event> {
        let mut ev = Vec::new();
        if s.phase == Phase::Conversation {
            ev.extend(self.end(sc, s));
            ev.retain(|e| !matches!(e, Event::FollowUpPrompt));
        }
        ev.extend(self.done(s));
        ev
    }

    fn done(&self, s: &mut Session) -> Vec<Event> {
        s.phase = Phase::Done;
        vec![Event::Finished]
    }

    /// Reads one student message in whatever phase the session is in
    /// (a command typed as text is parsed first). Prefer [`Engine::step`].
    pub fn send(&self, s: &mut Session, text: &str) -> Result<Vec<Event>, EngineError> {
        Ok(self.step(s, Input::parse(text))?.events)
    }

    /// The student closes the conversation (`/end`). Prefer [`Engine::step`].
    pub fn end_conversation(&self, s: &mut Session) -> Result<Vec<Event>, EngineError> {
        if s.phase != Phase::Conversation {
            return Err(EngineError::WrongPhase {
                expected: "conversation",
                actual: s.phase.as_str(),
            });
        }
        Ok(self.step(s, Input::End)?.events)
    }

    /// Finishes the session from any phase. Prefer [`Engine::step`].
    pub fn finish(&self, s: &mut Session) -> Result<Vec<Event>, EngineError> {
        Ok(self.step(s, Input::Finish)?.events)
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
            by_exchange: s.by_exchange,
            topics_covered: covered,
            referral_offered: s.referral_offered,
            tries: s.attempts.len() as u32 + u32::from(s.accepted()),
            max_tries: tuning::REQUEST_TRIES as u32,
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

    /// The request: its quality and the professional's temperament decide the answer.
    fn request(&self, sc: &Scenario, s: &mut Session, text: &str) -> Vec<Event> {
        let report = request::evaluate_request(
            &self.classifier,
            text,
            sc.meeting.medium,
            Some(&sc.organization),
        );
        let q = report.quality;
        let p_accept = accept_odds(sc, q, report.job_ask);
        let accepted = s.rng.gen_bool(p_accept);
        // persona.busy: of the requests they do not take up, busier people leave more unanswered.
        let silent = !accepted
            && s.rng
                .gen_bool(sc.professional.busyness.clamp(0.0, 1.0) * 0.6);
        // Each try starts from how they feel before reading it.
        let b = tuning::START_WARMTH_BOUND;
        s.warmth = sc.professional.warmth.clamp(-b, b);
        s.job_asks = 0;
        s.ally_lost = false;
        if report.job_ask {
            // A job ask in the request starts the meeting cold (persona.assessor),
            // and rules out an ally for that meeting, as in the conversation.
            s.warmth = s.warmth.min(tuning::JOB_ASK_REQUEST_WARMTH);
            s.job_asks = 1;
            s.ally_lost = true;
        } else if q >= tuning::WARM_REQUEST {
            s.warmth += 1;
        } else if q < tuning::COLD_REQUEST {
            s.warmth -= 1;
        }
        s.goal_stated = report.states_goal;
        s.stance = stance_for(s.warmth, sc.professional.temperament, s.ally_lost);
        let outcome = if accepted {
            RequestOutcome::Accepted
        } else if silent {
            RequestOutcome::NoAnswer
        } else {
            RequestOutcome::Declined
        };
        let reply = match outcome {
            RequestOutcome::Accepted => {
                // Greeting the mutual contact only when the student named one.
                let named = !sc.request.accept_named.is_empty()
                    && report.names_contact
                    && sc
                        .request
                        .contact
                        .as_deref()
                        .is_none_or(|c| request::mentions_name(text, c));
                let lines = if named {
                    &sc.request.accept_named
                } else {
                    &sc.request.accept
                };
                self.say(sc, s, lines)
            }
            RequestOutcome::Declined => self.say(sc, s, &sc.request.decline),
            RequestOutcome::NoAnswer => self.say(sc, s, &sc.request.ignore),
        };
        self.record_request(s, text, &report, outcome, &reply);
        s.request = Some(report);
        let mut events = Vec::new();
        if !accepted {
            events.push(Event::RequestAnswered {
                outcome,
                text: reply,
                starts_now: false,
            });
            let tries_left = tuning::REQUEST_TRIES.saturating_sub(s.attempts.len());
            if tries_left > 0 {
                events.push(Event::RequestRetry {
                    tries_left: tries_left as u32,
                });
            } else {
                events.extend(self.done(s));
            }
            return events;
        }
        self.begin_meeting(sc, s, reply, events)
    }

    fn record_request(
        &self,
        s: &mut Session,
        text: &str,
        report: &request::RequestReport,
        outcome: RequestOutcome,
        reply: &str,
    ) {
        if outcome != RequestOutcome::Accepted {
            s.attempts.push(Attempt {
                text: text.to_string(),
                outcome,
                quality: report.quality,
                points: report
                    .checks
                    .iter()
                    .map(|c| (c.item.clone(), c.points))
                    .collect(),
            });
        }
        s.request_text = Some(text.to_string());
        s.outcome = Some(outcome);
        let (topic, verdict) = if report.job_ask {
            (Topic::JobAsk, Verdict::Bad)
        } else {
            (Topic::Courtesy, Verdict::Good)
        };
        s.turns.push(Turn {
            phase: Phase::Request,
            message: text.to_string(),
            topic,
            verdict,
            confidence: 1.0,
            items: report.checks.iter().map(|c| c.item.clone()).collect(),
            reply: reply.to_string(),
            stance: s.stance,
            minutes_used: 0,
            insight: None,
            referral: false,
            penalised: true,
            also: Vec::new(),
            follow_up: false,
        });
    }

    /// The request was accepted: the meeting starts (at once, on the phone, with ask.ready_now).
    fn begin_meeting(
        &self,
        sc: &Scenario,
        s: &mut Session,
        reply: String,
        mut events: Vec<Event>,
    ) -> Vec<Event> {
        let starts_now = sc.meeting.medium == Medium::Phone
            && !sc.request.ready_now.is_empty()
            && s.rng.gen_bool(tuning::READY_NOW_ODDS);
        s.phase = Phase::Conversation;
        if starts_now {
            s.started_now = true;
            let now = self.say(sc, s, &sc.request.ready_now);
            events.push(Event::RequestAnswered {
                outcome: RequestOutcome::Accepted,
                text: format!("{reply} {now}").trim().to_string(),
                starts_now: true,
            });
        } else {
            events.push(Event::RequestAnswered {
                outcome: RequestOutcome::Accepted,
                text: reply,
                starts_now: false,
            });
            let opening = self.say(sc, s, &sc.meeting.opening);
            events.push(Event::Say {
                text: opening,
                stance: s.stance,
            });
        }
        events
    }

    fn close(&self, s: &mut Session, by: EndedBy, line: String) -> Vec<Event> {
        s.ended_by = Some(by);
        s.phase = Phase::FollowUp;
        s.note_reminder_due = true;
        vec![
            Event::ConversationEnded { by, text: line },
            Event::FollowUpPrompt,
        ]
    }

    /// The thank-you note: scored, then acknowledged in the professional's words.
    fn note(&self, sc: &Scenario, s: &mut Session, text: &str) -> Vec<Event> {
        s.notes.push(text.to_string());
        let referral = s
            .referral_names
            .first()
            .map(String::as_str)
            .or(s.referral_offered.then_some(sc.referral.name.as_str()));
        let mut report = request::evaluate_note(&self.classifier, &s.notes, referral);
        converse::credit_reported_referral(sc, s, &mut report);
        let c = self.classifier.classify(text, Some(&sc.organization));
        let d = defaults::get();
        let name = sc.professional.name.as_str();
        let ack = if report.job_ask {
            let l = self.say(sc, s, defaults::or(&sc.after.job_ask, &d.after.job_ask));
            fill(&l, &[("name", name)])
        } else {
            let lines = if s.stance == Stance::Ally {
                defaults::or(&sc.after.warm, &d.after.warm)
            } else {
                defaults::or(&sc.after.polite, &d.after.polite)
            };
            let l = self.say(sc, s, lines);
            format!("{name} writes back: \"{l}\"")
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
            penalised: c.penalised,
            also: Vec::new(),
            follow_up: false,
        });
        vec![Event::NoteAcknowledged { text: ack }]
    }

    fn hint_event(&self, s: &Session) -> Event {
        let (text, item, topic) = self.suggestion_with_topic(s);
        Event::Hint { text, item, topic }
    }

    /// What `/hint` suggests now, as (text, advice item): in the request phase
    /// advice for the request, later a sample question suited to the moment.
    pub fn suggestion(&self, s: &Session) -> (String, String) {
        let (text, item, _) = self.suggestion_with_topic(s);
        (text, item)
    }

    fn suggestion_with_topic(&self, s: &Session) -> (String, String, Option<Topic>) {
        if s.phase == Phase::Request {
            let (item, text) = self.request_hint(s);
            return (text, item, None);
        }
        if s.phase == Phase::FollowUp {
            // The note: thank them, report back on a name they gave, say what you will do next.
            let item = if s.referral_offered {
                "after.referral_done"
            } else {
                "after.update"
            };
            let text = ["after.thanks", item]
                .iter()
                .filter_map(|i| crate::advice::get(i))
                .map(|a| format!("{}: {}", a.title, a.text))
                .collect::<Vec<_>>()
                .join(" ");
            return (text, item.to_string(), None);
        }
        let h = self.hint(s);
        (h.text.to_string(), h.item.to_string(), Some(h.topic))
    }

    /// Advice for the request: the item the last try lost most on (or, before
    /// any try, the first thing a request needs).
    pub fn request_hint(&self, s: &Session) -> (String, String) {
        let order = [
            "ask.identify",
            "ask.time",
            "ask.no_job",
            "ask.expertise",
            "ask.framing",
            "ask.brief",
            "ask.subject",
        ];
        let weakest = s.request.as_ref().and_then(|r| {
            r.checks
                .iter()
                .filter(|c| c.points < c.max)
                .max_by_key(|c| c.max - c.points)
                .map(|c| c.item.clone())
        });
        let item = weakest.unwrap_or_else(|| {
            let medium_email = self
                .scenarios
                .get(&s.scenario_id)
                .is_some_and(|sc| sc.meeting.medium == Medium::Email);
            if medium_email {
                "ask.subject".to_string()
            } else {
                order[0].to_string()
            }
        });
        let text = crate::advice::get(&item)
            .map(|a| format!("{}: {}", a.title, a.text))
            .unwrap_or_default();
        (item, text)
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

/// The meeting's length: minutes, or by email the number of exchanges.
fn granted(sc: &Scenario) -> u32 {
    if sc.meeting.medium == Medium::Email {
        sc.tuning.exchanges.unwrap_or(tuning::EMAIL_EXCHANGES)
    } else {
        sc.meeting.minutes
    }
}

/// The odds of a yes: rising with the request's quality between the
/// temperament's floor and sure marks (persona.busy, persona.likes_advice).
pub fn accept_odds(sc: &Scenario, quality: f64, job_ask: bool) -> f64 {
    if job_ask {
        return tuning::JOB_ASK_ACCEPT;
    }
    let (floor, sure) = accept_band(sc);
    let x = if sure > floor {
        ((quality - floor) / (sure - floor)).clamp(0.0, 1.0)
    } else if quality >= sure {
        1.0
    } else {
        0.0
    };
    tuning::ACCEPT_MIN + (tuning::ACCEPT_MAX - tuning::ACCEPT_MIN) * x
}

use tuning::accept_band;

/// ally at warmth >= 3 (4 for a sceptic), assessor at <= -2.
pub(crate) fn stance_for(warmth: i32, t: Temperament, ally_lost: bool) -> Stance {
    let ally_at = if t == Temperament::Sceptical {
        tuning::ALLY_AT_SCEPTIC
    } else {
        tuning::ALLY_AT
    };
    if warmth <= tuning::ASSESSOR_AT {
        Stance::Assessor
    } else if warmth >= ally_at && !ally_lost {
        Stance::Ally
    } else {
        Stance::Neutral
    }
}

#[cfg(test)]
mod tests;
