//! One conversation turn: read the message (every act of it), react in the
//! current stance, move warmth and the clock, and decide whether the meeting
//! ends. Each rule is its own small function.

use super::{fill, listen, stance_for, tuning, EndedBy, Engine, Event, Phase, Session, Turn};
use crate::classify::{Classification, PENALTY_CONFIDENCE};
use crate::engine::request::NoteReport;
use crate::scenario::{defaults, Colleague, Scenario, Stance, Temperament};
use crate::topic::{Topic, Verdict};
use rand::Rng;

/// What a message does, as the engine counts it.
#[derive(Debug, Clone)]
struct Reading {
    /// The topic the professional reacts to.
    main: Topic,
    /// A bad reading sure enough to count (always true for good readings).
    sure: bool,
    /// Other acts of the same message that count (a goal shared, thanks, a sure red flag).
    also: Vec<Topic>,
    /// Distinct questions in the message: several make a compound message.
    questions: usize,
}

fn is_question_topic(t: Topic) -> bool {
    t.verdict() == Verdict::Good && !matches!(t, Topic::ShareGoals | Topic::Courtesy)
}

/// Question words that open a question ("how", "what", "who"...).
const ASKING: &[&str] = &[
    "how", "what", "what's", "whats", "who", "why", "which", "where", "when",
];

/// Several questions in one message, even run together with commas.
fn asks_several(text: &str) -> usize {
    let marks = text.matches('?').count();
    let l = text.to_lowercase();
    let words = l
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .filter(|w| ASKING.contains(w))
        .count();
    if words >= 3 || (marks >= 2 && words >= 2) {
        words.max(marks)
    } else {
        1
    }
}

fn read(c: &Classification, text: &str) -> Reading {
    // A clause that only quotes the professional ("you mentioned the
    // apprenticeship") never counts as the student's own misstep.
    let quoted = |a: &crate::classify::Act| listen::quotes_them(&a.text);
    let flag = c
        .acts
        .iter()
        .filter(|a| a.topic.is_red_flag() && a.confidence >= PENALTY_CONFIDENCE && !quoted(a))
        .max_by(|a, b| a.confidence.total_cmp(&b.confidence))
        .map(|a| a.topic);
    let mut also = Vec::new();
    let flags_quoted = c.verdict == Verdict::Bad
        && c.acts.iter().filter(|a| a.topic == c.topic).all(&quoted)
        && c.acts.iter().any(|a| a.topic == c.topic);
    let (main, sure) = if c.verdict == Verdict::Bad && c.penalised && !flags_quoted {
        (c.topic, true)
    } else if let Some(f) = flag.filter(|f| *f != c.topic) {
        // A sure red flag in any clause is reacted to; the rest still counts.
        if c.topic.verdict() == Verdict::Good {
            also.push(c.topic);
        }
        (f, true)
    } else {
        (c.topic, c.verdict != Verdict::Bad)
    };
    for a in &c.acts {
        let counts = matches!(a.topic, Topic::ShareGoals | Topic::Courtesy)
            || (a.topic.is_red_flag() && a.confidence >= PENALTY_CONFIDENCE && !quoted(a));
        if counts && a.topic != main && !also.contains(&a.topic) {
            also.push(a.topic);
        }
    }
    let mut qs: Vec<Topic> = c
        .acts
        .iter()
        .map(|a| a.topic)
        .filter(|t| is_question_topic(*t))
        .collect();
    if is_question_topic(c.topic) {
        qs.push(c.topic);
    }
    qs.sort();
    qs.dedup();
    Reading {
        main,
        sure,
        also,
        questions: qs.len().max(asks_several(text)),
    }
}

/// Phrases that close a meeting ("I'll let you get back to work").
const SIGN_OFFS: &[&str] = &[
    "goodbye",
    "good bye",
    "bye for now",
    "take care",
    "have a great day",
    "have a good day",
    "have a lovely",
    "have a great rest",
    "have a good rest",
    "let you go",
    "let you get back",
    "let you get on",
    "won't keep you",
    "wont keep you",
    "not keep you any",
    "leave you to it",
    "that's all i had",
    "that's all my questions",
    "that is all my questions",
    "those are all my questions",
    "that's everything i wanted",
    "all the questions i had",
    "i'll leave it there",
    "i will leave it there",
    "talk soon",
    "see you",
];

/// A closing courtesy with no question in it ends the meeting.
fn is_sign_off(text: &str, c: &Classification) -> bool {
    let l = text.to_lowercase().replace('’', "'");
    let asks = text.contains('?') || c.acts.iter().any(|a| is_question_topic(a.topic));
    let polite = matches!(
        c.topic,
        Topic::Courtesy | Topic::OffTopic | Topic::KeepInTouch
    ) || c.acts.iter().any(|a| a.topic == Topic::Courtesy);
    !asks && polite && SIGN_OFFS.iter().any(|p| l.contains(p))
}

/// What this turn has produced so far.
#[derive(Default)]
struct Draft {
    parts: Vec<String>,
    events: Vec<Event>,
    end: Option<(EndedBy, String)>,
    insight: Option<String>,
    referral: bool,
    follow_up: bool,
}

impl Engine {
    pub(super) fn converse(&self, sc: &Scenario, s: &mut Session, text: &str) -> Vec<Event> {
        let c = self.classifier.classify(text, Some(&sc.organization));
        let r = read(&c, text);
        let mut d = Draft::default();
        d.events.push(Event::Understood {
            topic: c.topic,
            verdict: c.verdict,
            items: c.items.clone(),
        });
        if is_sign_off(text, &c) {
            return self.sign_off(sc, s, text, &c, &r, d);
        }
        let before = s.stance;
        // A sure job ask or pitch is reacted to as such; a question about the
        // organisation that picks up what they just said is a follow-up, not research.
        let flagged = r.main.is_red_flag() && r.sure && r.main != Topic::Researchable;
        // Thanks or small talk that echoes their words ("thank you, that was
        // really useful") asks nothing: it is no follow-up.
        let asks = text.contains('?') || is_question_topic(r.main);
        let link = if flagged || !asks {
            None
        } else {
            listen::relate(sc, s, text)
        };
        let mut topic = r.main;
        if let Some(line) = link.as_ref().and_then(|l| self.follow_up_line(s, l, text)) {
            topic = link.as_ref().map_or(topic, |l| l.topic);
            self.react_follow_up(s, topic, line, &mut d);
        } else if !r.sure {
            // An unsure reading of a possible misstep costs nothing: they ask.
            let dl = defaults::get();
            let l = self.say(
                sc,
                s,
                defaults::or(&sc.reactions.clarify, &dl.reactions.clarify),
            );
            d.parts.push(l);
        } else {
            self.react(sc, s, topic, text, &mut d);
        }
        self.count_also(s, &r);
        self.push_stance_change(s, sc.professional.temperament, before, &mut d);
        let before = s.stance;
        if r.sure && !d.follow_up && topic.verdict() == Verdict::Good {
            self.answer(sc, s, topic, &mut d);
            if r.questions >= 2 {
                let dl = defaults::get();
                let l = self.say(
                    sc,
                    s,
                    defaults::or(&sc.reactions.compound, &dl.reactions.compound),
                );
                d.parts.push(l);
            }
        }
        self.probe_and_patience(sc, s, &mut d);
        if s.stance != before {
            d.events.push(Event::StanceChanged {
                from: before,
                to: s.stance,
            });
        }
        let cost = self.cost(sc, s, topic, d.follow_up);
        s.minutes_used += cost;
        let counted_topic = if d.follow_up || r.sure {
            topic
        } else {
            c.topic
        };
        self.record(s, text, &c, counted_topic, &r, &mut d);
        if let Some((by, line)) = d.end.take() {
            d.events.extend(self.close(s, by, line));
            return d.events;
        }
        self.clock(sc, s, topic, &mut d);
        d.events
    }

    /// A follow-up line not said yet, from the best-matching follow-up: the
    /// line that shares most with the question, else a seeded pick.
    fn follow_up_line(
        &self,
        s: &mut Session,
        link: &listen::Link<'_>,
        text: &str,
    ) -> Option<String> {
        for f in &link.follow_ups {
            let best = f
                .lines
                .iter()
                .filter(|l| super::lines::unused(s, l))
                .map(|l| (listen::overlap(text, l), l))
                .filter(|(n, _)| *n > 0)
                .max_by_key(|(n, _)| *n)
                .map(|(_, l)| l.clone());
            if let Some(l) = best {
                super::lines::remember(s, &l);
                return Some(l);
            }
            if let Some(l) = self.fresh(s, &f.lines) {
                return Some(l);
            }
        }
        None
    }

    /// They warm to someone who listens (talk.their_story, talk.notes).
    fn react_follow_up(&self, s: &mut Session, topic: Topic, line: String, d: &mut Draft) {
        let first = !s.turns.iter().any(|t| t.follow_up);
        let gain = if first {
            tuning::FOLLOW_UP_FIRST_GAIN
        } else {
            tuning::FOLLOW_UP_GAIN
        };
        s.warmth = (s.warmth + gain).min(tuning::WARMTH_CAP);
        s.researchable_run = 0;
        *s.asked.entry(topic).or_insert(0) += 1;
        d.parts.push(line);
        d.follow_up = true;
    }

    /// How they react to the move itself (job ask, pitch, research, small talk, a question).
    fn react(&self, sc: &Scenario, s: &mut Session, topic: Topic, text: &str, d: &mut Draft) {
        let first_time = s.asked(topic) == 0;
        *s.asked.entry(topic).or_insert(0) += 1;
        match topic {
            Topic::JobAsk => {
                s.job_asks += 1;
                s.ally_lost = true;
                s.warmth = s.warmth.min(tuning::JOB_ASK_WARMTH);
                s.researchable_run = 0;
                if s.job_asks >= tuning::JOB_ASKS_END {
                    let l = self.say(sc, s, &sc.reactions.job_ask_again);
                    d.end = Some((EndedBy::Professional, l));
                } else {
                    let l = self.say(sc, s, &sc.reactions.job_ask);
                    d.parts.push(l);
                }
            }
            Topic::SelfPitch => {
                s.warmth -= tuning::PITCH_LOSS;
                s.poor_moves += 1;
                let l = self.say(sc, s, &sc.reactions.self_pitch);
                d.parts.push(l);
            }
            Topic::Researchable => {
                s.warmth -= tuning::RESEARCHABLE_LOSS;
                s.poor_moves += 1;
                s.researchable_run += 1;
                let fact = public_fact(text, &sc.organization);
                let line = self.say(sc, s, &sc.reactions.researchable);
                let filled = fill(&line, &[("fact", &fact)]);
                super::lines::remember(s, &filled);
                d.parts.push(filled);
                if s.researchable_run >= tuning::RESEARCHABLE_RUN_ENDS {
                    let l = self.say(sc, s, &sc.meeting.dismiss);
                    d.end = Some((EndedBy::Professional, l));
                }
            }
            Topic::OffTopic => {
                s.off_topic_count += 1;
                if s.off_topic_count > 1 {
                    s.poor_moves += 1;
                    s.warmth -= tuning::OFF_TOPIC_LOSS;
                }
                let l = self.say(sc, s, &sc.reactions.off_topic);
                d.parts.push(l);
            }
            Topic::Courtesy => {
                let l = self.say(sc, s, &sc.reactions.courtesy);
                d.parts.push(l);
            }
            topic => {
                s.researchable_run = 0;
                if topic == Topic::ShareGoals {
                    s.goal_stated = true;
                }
                // persona.likes_advice / persona.ally: story questions warm them most.
                let gain = match (topic.is_story(), first_time) {
                    (true, true) => tuning::STORY_FIRST_GAIN,
                    (true, false) | (false, true) => tuning::OTHER_FIRST_GAIN,
                    (false, false) => 0,
                };
                s.warmth = (s.warmth + gain).min(tuning::WARMTH_CAP);
            }
        }
        s.stance = stance_for(s.warmth, sc.professional.temperament, s.ally_lost);
    }

    /// The other acts of the message count too (a goal shared alongside a question).
    fn count_also(&self, s: &mut Session, r: &Reading) {
        for t in &r.also {
            if *t == Topic::ShareGoals {
                s.goal_stated = true;
            }
            if t.verdict() != Verdict::Good || *t == Topic::ShareGoals {
                *s.asked.entry(*t).or_insert(0) += 1;
            }
        }
    }

    fn push_stance_change(&self, s: &mut Session, t: Temperament, before: Stance, d: &mut Draft) {
        s.stance = stance_for(s.warmth, t, s.ally_lost);
        // The change of mood comes before what they say in that mood.
        if s.stance != before {
            d.events.push(Event::StanceChanged {
                from: before,
                to: s.stance,
            });
        }
    }

    /// The answer to a good question: a reply in tone, a referral, a warm-only insight.
    fn answer(&self, sc: &Scenario, s: &mut Session, topic: Topic, d: &mut Draft) {
        if topic == Topic::Referral {
            self.referral(sc, s, d);
        } else if let Some(lines) = sc.replies.get(&topic) {
            let l = self.tone(sc, s, lines);
            d.parts.push(l);
        }
        // Warm-only insights: the better the relationship, the more they tell.
        if let Some(ins) = sc
            .insights
            .iter()
            .find(|i| i.topic == topic && s.stance >= i.needs && !s.revealed.contains(&i.id))
        {
            super::lines::remember(s, &ins.text);
            d.parts.push(ins.text.clone());
            s.revealed.push(ins.id.clone());
            d.insight = Some(ins.id.clone());
            d.events.push(Event::InsightShared {
                id: ins.id.clone(),
                summary: ins.summary.clone(),
            });
        }
    }

    /// Who else to talk to: an ally names a colleague, then another when asked
    /// again, then says honestly that there is no one else.
    fn referral(&self, sc: &Scenario, s: &mut Session, d: &mut Draft) {
        let r = &sc.referral;
        let first = Colleague {
            name: r.name.clone(),
            role: r.role.clone(),
            scenario: r.scenario.clone(),
            offer: r.offer.clone(),
        };
        let next = match s.referrals_named {
            0 => Some(&first),
            n => r.also.get(n as usize - 1),
        };
        match next {
            Some(c) if s.stance == Stance::Ally => {
                let l = self.say(sc, s, &c.offer);
                let filled = fill(&l, &[("name", &c.name), ("role", &c.role)]);
                super::lines::remember(s, &filled);
                d.parts.push(filled);
                s.referral_offered = true;
                s.referrals_named += 1;
                s.referral_names.push(c.name.clone());
                d.referral = true;
                d.events.push(Event::ReferralOffered {
                    name: c.name.clone(),
                    role: c.role.clone(),
                    scenario: c.scenario.clone(),
                });
            }
            _ if s.referrals_named > 0 => {
                let dl = defaults::get();
                let l = self.say(sc, s, defaults::or(&r.only_one, &dl.referral.only_one));
                let last = s
                    .referral_names
                    .last()
                    .cloned()
                    .unwrap_or_else(|| r.name.clone());
                let filled = fill(&l, &[("name", &last)]);
                super::lines::remember(s, &filled);
                d.parts.push(filled);
            }
            _ => {
                let l = self.say(sc, s, &r.hold_back);
                d.parts.push(l);
            }
        }
    }

    /// An assessor asks evaluative questions back; no aim loses interest;
    /// too many poor moves end the meeting.
    fn probe_and_patience(&self, sc: &Scenario, s: &mut Session, d: &mut Draft) {
        let temperament = sc.professional.temperament;
        if s.stance == Stance::Assessor
            && d.end.is_none()
            && !d.follow_up
            && s.rng.gen_bool(tuning::PROBE_ODDS)
        {
            let l = self.say(sc, s, &sc.reactions.probe);
            d.parts.push(l);
        }
        // persona.no_goal: several questions in and still no stated aim.
        let questions: u32 = s
            .asked
            .iter()
            .filter(|(t, _)| t.verdict() != Verdict::Neutral)
            .map(|(_, n)| *n)
            .sum();
        if !s.goal_stated
            && !s.no_goal_warned
            && questions >= tuning::NO_GOAL_AFTER
            && d.end.is_none()
        {
            s.no_goal_warned = true;
            s.warmth -= tuning::NO_GOAL_LOSS;
            s.stance = stance_for(s.warmth, temperament, s.ally_lost);
            let l = self.say(sc, s, &sc.reactions.no_goal);
            d.parts.push(l);
        }
        if d.end.is_none() && s.poor_moves > sc.professional.patience {
            let l = self.say(sc, s, &sc.meeting.dismiss);
            d.end = Some((EndedBy::Professional, l));
        }
    }

    /// Minutes the exchange takes: story answers run longer, generous people
    /// talk longer, busy ones answer in a sentence. By email, one exchange.
    fn cost(&self, sc: &Scenario, s: &mut Session, topic: Topic, follow_up: bool) -> u32 {
        // By email one exchange each; past the agreed time they keep answers short.
        if s.by_exchange || s.minutes_left() <= 0 {
            return 1;
        }
        let story = topic.is_story() || follow_up;
        let mut cost: i64 = match topic {
            Topic::Courtesy | Topic::OffTopic | Topic::Referral | Topic::KeepInTouch
                if !follow_up =>
            {
                1
            }
            _ if story => 2 + s.rng.gen_range(0..=1),
            _ => 1 + s.rng.gen_range(0..=1),
        };
        match sc.professional.temperament {
            Temperament::Generous if story => cost += 1,
            Temperament::Busy if story => cost -= 1,
            _ => {}
        }
        cost.max(1) as u32
    }

    fn record(
        &self,
        s: &mut Session,
        text: &str,
        c: &Classification,
        topic: Topic,
        r: &Reading,
        d: &mut Draft,
    ) {
        let reply = std::mem::take(&mut d.parts)
            .into_iter()
            .filter(|p| !p.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        if !reply.is_empty() {
            d.events.push(Event::Say {
                text: reply.clone(),
                stance: s.stance,
            });
        }
        let verdict = if d.follow_up {
            Verdict::Good
        } else {
            topic.verdict()
        };
        s.turns.push(Turn {
            phase: Phase::Conversation,
            message: text.to_string(),
            topic,
            verdict,
            confidence: c.confidence,
            items: c.items.iter().map(|i| i.to_string()).collect(),
            reply,
            stance: s.stance,
            minutes_used: s.minutes_used,
            insight: d.insight.take(),
            referral: d.referral,
            penalised: verdict == Verdict::Bad && r.sure,
            also: r.also.clone(),
            follow_up: d.follow_up,
        });
    }

    /// The clock: one warning (their words carry the same number), and past
    /// the time plus their grace they leave.
    fn clock(&self, sc: &Scenario, s: &mut Session, topic: Topic, d: &mut Draft) {
        let left = s.minutes_left();
        let grace = tuning::grace(sc);
        // Closing moves (thanks, who else, keeping in touch) may use the last minute.
        let closing = matches!(
            topic,
            Topic::Courtesy | Topic::Referral | Topic::KeepInTouch
        );
        if left < -grace || (left == -grace && !closing) {
            let l = self.say(sc, s, &sc.meeting.wrap_up);
            d.events.extend(self.close(s, EndedBy::Time, l));
        } else if left <= tuning::warn_at(s.minutes_granted, s.by_exchange) && !s.warned {
            s.warned = true;
            let n = left.max(0) as u32;
            let l = self.say(sc, s, &sc.meeting.time_warning);
            let filled = fill(&l, &[("minutes", &n.to_string())]);
            super::lines::remember(s, &filled);
            d.events.push(Event::ClockWarning { minutes_left: n });
            d.events.push(Event::Say {
                text: filled,
                stance: s.stance,
            });
        }
    }

    /// The student ends the meeting with a sign-off: thanks counted, farewell said.
    fn sign_off(
        &self,
        sc: &Scenario,
        s: &mut Session,
        text: &str,
        c: &Classification,
        r: &Reading,
        mut d: Draft,
    ) -> Vec<Event> {
        *s.asked.entry(Topic::Courtesy).or_insert(0) += 1;
        self.count_also(s, r);
        s.minutes_used += 1;
        let dl = defaults::get();
        let line = self
            .fresh(s, &sc.meeting.farewell)
            .or_else(|| {
                self.fresh(
                    s,
                    defaults::or(&sc.reactions.sign_off, &dl.reactions.sign_off),
                )
            })
            .unwrap_or_else(|| self.repeat_line(sc, s));
        let reading = Reading {
            main: Topic::Courtesy,
            sure: true,
            also: r.also.clone(),
            questions: 0,
        };
        self.record(s, text, c, Topic::Courtesy, &reading, &mut d);
        if let Some(t) = s.turns.last_mut() {
            t.reply = line.clone();
        }
        d.events.extend(self.close(s, EndedBy::Student, line));
        d.events
    }
}

/// after.referral_done however the student refers to the person: by any part
/// of any name they gave, by role, or as "the colleague you suggested".
pub(super) fn credit_reported_referral(sc: &Scenario, s: &Session, report: &mut NoteReport) {
    if s.referral_names.is_empty() && !s.referral_offered {
        return;
    }
    let Some(check) = report
        .checks
        .iter_mut()
        .find(|c| c.item == "after.referral_done")
    else {
        return;
    };
    if check.points >= check.max {
        return;
    }
    let mut roles = vec![sc.referral.role.clone()];
    roles.extend(sc.referral.also.iter().map(|c| c.role.clone()));
    let mut names = s.referral_names.clone();
    if names.is_empty() {
        names.push(sc.referral.name.clone());
    }
    let text = s.notes.join("\n");
    if let Some(sentence) = reported_referral(&text, &names, &roles) {
        check.points = check.max;
        check.evidence = vec![sentence.chars().take(160).collect()];
        check.note = "You report back on the contact they gave you.".to_string();
    }
}

const CONTACTED: &[&str] = &[
    "wrote",
    "written",
    "write",
    "emailed",
    "email",
    "contacted",
    "contact",
    "reached out",
    "reach out",
    "messaged",
    "message",
    "spoke",
    "spoken",
    "talked",
    "talk",
    "called",
    "call",
    "got in touch",
    "get in touch",
    "meeting",
    "meet",
    "connected",
    "connect",
    "introduced",
    "follow up",
    "followed up",
    "coffee",
];
const WHO: &[&str] = &[
    "colleague",
    "contact",
    "friend",
    "person you",
    "the name you",
    "who you suggested",
    "you suggested",
    "you recommended",
    "you mentioned",
    "your suggestion",
    "your recommendation",
    "referral",
    "introduction",
];

fn reported_referral(text: &str, names: &[String], roles: &[String]) -> Option<String> {
    let name_parts: Vec<String> = names
        .iter()
        .flat_map(|n| {
            n.to_lowercase()
                .split_whitespace()
                .filter(|p| p.chars().count() > 2 && !["dr.", "mr.", "ms.", "mrs."].contains(p))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect();
    let role_words: Vec<String> = roles
        .iter()
        .flat_map(|r| listen::content_words(r))
        .filter(|w| w.chars().count() >= 6)
        .collect();
    for sent in super::request::sentences(text) {
        let l = sent.to_lowercase();
        let named = name_parts.iter().any(|p| l.contains(p.as_str()));
        let by_role = role_words.iter().any(|w| l.contains(w.as_str()));
        let by_who = WHO.iter().any(|w| l.contains(w));
        let acted = CONTACTED.iter().any(|w| l.contains(w));
        if named || ((by_role || by_who) && acted) {
            return Some(sent);
        }
    }
    None
}

/// The public fact a researchable question asks about, for "{fact}" in replies.
fn public_fact(text: &str, org: &crate::scenario::OrganizationFacts) -> String {
    let l = text.to_lowercase();
    let has = |ws: &[&str]| ws.iter().any(|w| l.contains(w));
    let fact = if has(&["found", "start", "old", "since"]) {
        org.founded
            .clone()
            .map(|f| format!("{} was founded in {f}", org.name))
    } else if has(&["where", "located", "based", "head"]) {
        org.headquarters
            .clone()
            .map(|h| format!("{} is based in {h}", org.name))
    } else if has(&["how many", "big", "size", "employees"]) {
        org.size.clone().map(|x| format!("{} has {x}", org.name))
    } else if has(&["ceo", "runs", "lead", "head of", "boss"]) {
        org.leader.clone().map(|x| format!("{x} runs {}", org.name))
    } else if has(&["product", "sell", "make", "offer"]) {
        org.products.clone().map(|x| format!("{}: {x}", org.name))
    } else {
        None
    };
    fact.unwrap_or_else(|| org.description.clone())
}
