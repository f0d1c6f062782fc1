//! Scorecards: points per guide item with evidence, a 0-100 total, the three
//! changes that would help most, sample questions and what the student missed.
//!
//! Owns: turning a [`Session`] into a [`Scorecard`], one function per item.
//! Pure: same session, same card. It reads only `session` (never the engine),
//! so the engine may hand out scorecards without an import cycle.
//!
//! What it rewards is what happened, never particular words: topics come from
//! the classifier's reading of the student's own words. Conversation items are
//! earned only for a meeting that took place and in proportion to it; a
//! refused or unanswered request gets a request-only card with its own total.

use crate::advice;
use crate::engine::request::Check;
use crate::scenario::{Medium, Scenario};
use crate::session::{EndedBy, Phase, RequestOutcome, Session, Turn};
use crate::topic::Topic;
use serde::Serialize;

/// Shares of the total for an accepted meeting: the request, the conversation, the note.
pub const REQUEST_WEIGHT: f64 = 15.0;
pub const CONVERSATION_WEIGHT: f64 = 70.0;
pub const NOTE_WEIGHT: f64 = 15.0;
/// Real exchanges (questions, goals, follow-ups) that make a full meeting;
/// fewer earn the "nothing went wrong" items and the note in proportion.
pub const FULL_MEETING_EXCHANGES: usize = 4;

/// How much each guide item matters when ranking the three changes.
fn guide_weight(id: &str) -> i32 {
    match id {
        "talk.no_job" | "ask.no_job" | "talk.their_story" => 3,
        "ask.identify" | "ask.time" | "talk.share_goals" | "talk.time" | "talk.no_pitch"
        | "prep.research" | "talk.topics" | "after.thanks" => 2,
        _ => 1,
    }
}

/// One guide item's line on the scorecard.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemScore {
    pub id: String,
    pub title: String,
    pub points: i32,
    pub max: i32,
    /// The student's own words behind the points.
    pub evidence: Vec<String>,
    /// What happened, in a sentence.
    pub note: String,
    /// The guide's advice, in coffeechat's words.
    pub advice: String,
    /// Source guide ids (`000`..`004`).
    pub sources: Vec<String>,
}

/// Something the professional would have shared with a better relationship.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Missed {
    pub summary: String,
    pub hint: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scorecard {
    pub scenario_id: String,
    /// 0-100 (for a request-only card: of the request alone).
    pub total: u32,
    pub items: Vec<ItemScore>,
    /// The three changes that would help most (advice ids and a sentence each).
    pub top_changes: Vec<Change>,
    pub try_next: Vec<crate::questions::Sample>,
    pub missed: Vec<Missed>,
    pub accepted: bool,
    pub final_stance: String,
    pub ended_by: Option<String>,
    pub referral_offered: bool,
    /// No meeting took place: only the request is scored, and the total is the request's.
    pub request_only: bool,
    /// What the card covers, in a few words.
    pub label: String,
    /// How much of a full meeting took place (0-1).
    pub meeting_share: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Change {
    pub item: String,
    pub text: String,
}

impl Scorecard {
    pub fn item(&self, id: &str) -> Option<&ItemScore> {
        self.items.iter().find(|i| i.id == id)
    }
}

fn item(
    id: &str,
    points: i32,
    max: i32,
    evidence: Vec<String>,
    note: impl Into<String>,
) -> ItemScore {
    let a = advice::get(id);
    ItemScore {
        id: id.to_string(),
        title: a.map_or(id, |a| a.title).to_string(),
        points,
        max,
        evidence,
        note: note.into(),
        advice: a.map_or("", |a| a.text).to_string(),
        sources: a.map_or_else(Vec::new, |a| {
            a.sources.iter().map(|s| s.to_string()).collect()
        }),
    }
}

fn from_check(c: &Check) -> ItemScore {
    item(&c.item, c.points, c.max, c.evidence.clone(), c.note.clone())
}

fn quote(s: &str) -> String {
    s.chars().take(160).collect()
}

/// What the scoring looks at: the conversation's turns and how much of a meeting there was.
struct Meeting<'a> {
    turns: Vec<&'a Turn>,
    /// 0-1: real exchanges over a full meeting's.
    share: f64,
}

impl<'a> Meeting<'a> {
    fn of(s: &'a Session) -> Self {
        let turns: Vec<&Turn> = s.conversation_turns().collect();
        let exchanges = turns.iter().filter(|t| t.substantive()).count();
        Meeting {
            turns,
            share: (exchanges as f64 / FULL_MEETING_EXCHANGES as f64).min(1.0),
        }
    }

    /// Turns whose main topic (or, for non-questions, any counted act) is `t`.
    fn by(&self, t: Topic) -> Vec<&'a Turn> {
        self.turns.iter().copied().filter(|x| x.counts(t)).collect()
    }

    /// Points for "nothing went wrong", earned in proportion to the meeting.
    fn scaled(&self, full: i32) -> i32 {
        (f64::from(full) * self.share).round() as i32
    }
}

fn ev(ts: &[&Turn]) -> Vec<String> {
    ts.iter().take(3).map(|t| quote(&t.message)).collect()
}

/// Builds the scorecard for a session in any phase; final once the session is done.
pub fn build(sc: &Scenario, s: &Session) -> Scorecard {
    let request = request_items(s);
    let ran = s.accepted();
    let m = Meeting::of(s);
    let (conversation, note) = if ran {
        (conversation_items(sc, s, &m), note_items(s))
    } else {
        (Vec::new(), Vec::new())
    };
    let total = if ran {
        let t = REQUEST_WEIGHT * fraction(&request)
            + CONVERSATION_WEIGHT * fraction(&conversation)
            + NOTE_WEIGHT * fraction(&note) * m.share;
        t.round().clamp(0.0, 100.0) as u32
    } else {
        (100.0 * fraction(&request)).round().clamp(0.0, 100.0) as u32
    };
    let top_changes = top_changes(&request, &conversation, &note, &m);
    let mut items = request;
    items.extend(conversation);
    items.extend(note);
    Scorecard {
        scenario_id: sc.id.clone(),
        total,
        top_changes,
        try_next: if ran { try_next(&m) } else { Vec::new() },
        missed: if ran { missed(sc, s) } else { Vec::new() },
        accepted: ran,
        final_stance: s.stance.as_str().to_string(),
        ended_by: s.ended_by.map(|e| e.as_str().to_string()),
        referral_offered: s.referral_offered,
        request_only: !ran,
        label: label(s, &m),
        meeting_share: m.share,
        items,
    }
}

/// Earned over possible, never below zero.
fn fraction(items: &[ItemScore]) -> f64 {
    let max: i32 = items.iter().map(|i| i.max).sum();
    if max <= 0 {
        return 0.0;
    }
    let earned: i32 = items.iter().map(|i| i.points).sum();
    (f64::from(earned.max(0)) / f64::from(max)).min(1.0)
}

fn label(s: &Session, m: &Meeting<'_>) -> String {
    let tries = s.attempts.len() + usize::from(s.accepted());
    match s.outcome {
        None => "Request only: no request was sent".to_string(),
        Some(RequestOutcome::Accepted) if m.turns.is_empty() => {
            "Request accepted; the meeting ended before it began".to_string()
        }
        Some(RequestOutcome::Accepted) => format!(
            "Request, conversation ({} real exchange(s)) and follow-up",
            m.turns.iter().filter(|t| t.substantive()).count()
        ),
        Some(RequestOutcome::Declined) => {
            format!("Request only: declined ({tries} tr{})", plural_y(tries))
        }
        Some(RequestOutcome::NoAnswer) => {
            format!("Request only: no answer ({tries} tr{})", plural_y(tries))
        }
    }
}

fn plural_y(n: usize) -> &'static str {
    if n == 1 {
        "y"
    } else {
        "ies"
    }
}

/// The ask.* items of the request (of the last try), and ask.persist.
fn request_items(s: &Session) -> Vec<ItemScore> {
    let mut items: Vec<ItemScore> = match &s.request {
        Some(r) => r.checks.iter().map(from_check).collect(),
        None => [
            ("ask.brief", 5),
            ("ask.identify", 5),
            ("ask.time", 6),
            ("ask.no_job", 4),
            ("ask.framing", 3),
            ("ask.expertise", 4),
        ]
        .into_iter()
        .map(|(id, max)| item(id, 0, max, vec![], "No request sent yet."))
        .collect(),
    };
    if let Some(p) = persist(s) {
        items.push(p);
    }
    items
}

/// ask.persist: after a refusal or silence, what changed between tries.
fn persist(s: &Session) -> Option<ItemScore> {
    if s.attempts.is_empty() && (s.outcome.is_none() || s.accepted()) {
        return None;
    }
    let mut note = String::new();
    let last = s.request.as_ref();
    let mut prev: Option<&crate::session::Attempt> = None;
    for (i, a) in s.attempts.iter().enumerate() {
        let what = match a.outcome {
            RequestOutcome::NoAnswer => "no answer",
            RequestOutcome::Declined => "declined",
            RequestOutcome::Accepted => "accepted",
        };
        note.push_str(&format!("Try {}: {what}", i + 1));
        if let Some(p) = prev {
            note.push_str(&changes(&p.points, &a.points));
        }
        note.push_str(". ");
        prev = Some(a);
    }
    if s.accepted() {
        note.push_str(&format!("Try {}: accepted", s.attempts.len() + 1));
        if let (Some(p), Some(r)) = (prev, last) {
            let now = r
                .checks
                .iter()
                .map(|c| (c.item.clone(), c.points))
                .collect();
            note.push_str(&changes(&p.points, &now));
        }
        note.push_str(". You kept going after a no: that is what the guide advises.");
    } else {
        note.push_str(
            "Busy people often say no or never answer: improve the request and send more.",
        );
    }
    Some(item("ask.persist", 0, 0, vec![], note.trim().to_string()))
}

/// "(ask.time +6, ask.no_job +4)": what changed from one try to the next.
fn changes(
    before: &std::collections::BTreeMap<String, i32>,
    after: &std::collections::BTreeMap<String, i32>,
) -> String {
    let diffs: Vec<String> = after
        .iter()
        .filter_map(|(k, v)| {
            let d = v - before.get(k).copied().unwrap_or(0);
            (d != 0).then(|| format!("{k} {d:+}"))
        })
        .collect();
    if diffs.is_empty() {
        " (no change from the try before)".to_string()
    } else {
        format!(" (changed: {})", diffs.join(", "))
    }
}

fn conversation_items(sc: &Scenario, s: &Session, m: &Meeting<'_>) -> Vec<ItemScore> {
    let mut out = Vec::new();
    if let Some(r) = ready_now(sc, s, m) {
        out.push(r);
    }
    out.extend([
        their_story(m),
        listening(m),
        topics(m),
        no_job(m),
        no_pitch(m),
        research(m),
        share_goals(s, m),
        time(s, m),
        referral(s, m),
        keep_in_touch(m),
        thanks(m),
    ]);
    out
}

/// ask.ready_now: on the phone, "now is a good time" and a real question at once.
fn ready_now(sc: &Scenario, s: &Session, m: &Meeting<'_>) -> Option<ItemScore> {
    if sc.meeting.medium != Medium::Phone || !s.started_now {
        return None;
    }
    let first = m.turns.first();
    let ready = first.is_some_and(|t| t.substantive());
    Some(item(
        "ask.ready_now",
        if ready { 3 } else { 0 },
        3,
        first.map(|t| vec![quote(&t.message)]).unwrap_or_default(),
        if ready {
            "They said now suited them and you went straight into a real question."
        } else {
            "They said now suited them: have a real question ready to start at once."
        },
    ))
}

/// talk.their_story: questions about their path, entry, advice, what they
/// enjoy, the other roads they considered, and follow-ups to what they said.
fn their_story(m: &Meeting<'_>) -> ItemScore {
    let story: Vec<&Turn> = m
        .turns
        .iter()
        .copied()
        .filter(|t| t.follow_up || t.counted().first().is_some_and(|x| x.is_story()))
        .collect();
    let pts = match story.len() {
        0 => 0,
        1 => 5,
        2 => 8,
        _ => 10,
    };
    let note = if story.is_empty() {
        "You never asked for their own story: that is what turns a contact into an ally."
            .to_string()
    } else {
        format!(
            "{} question(s) that let them tell their story.",
            story.len()
        )
    };
    item("talk.their_story", pts, 10, ev(&story), note)
}

/// talk.notes: picking up what they said (listening) shows you take it in.
fn listening(m: &Meeting<'_>) -> ItemScore {
    let f: Vec<&Turn> = m.turns.iter().copied().filter(|t| t.follow_up).collect();
    let pts = match f.len() {
        0 => 0,
        1 => 2,
        _ => 3,
    };
    let note = if f.is_empty() {
        "You never followed up on something they said: pick up a detail and ask about it."
    } else {
        "You picked up what they said and asked more: they could tell you were listening."
    };
    item("talk.notes", pts, 3, ev(&f), note)
}

/// talk.topics: breadth of insider ground, one topic per message.
fn topics(m: &Meeting<'_>) -> ItemScore {
    const GROUND: [Topic; 9] = [
        Topic::CareerPath,
        Topic::Entry,
        Topic::Challenges,
        Topic::Rewards,
        Topic::Preparation,
        Topic::DayToDay,
        Topic::Organization,
        Topic::Outlook,
        Topic::Alternatives,
    ];
    let covered: Vec<Topic> = GROUND
        .iter()
        .copied()
        .filter(|g| m.turns.iter().any(|t| t.counted().first() == Some(g)))
        .collect();
    let pts = match covered.len() {
        0 => 0,
        1 => 3,
        2 => 5,
        3 => 7,
        _ => 10,
    };
    let evid: Vec<&Turn> = m
        .turns
        .iter()
        .copied()
        .filter(|t| t.counted().first().is_some_and(|x| covered.contains(x)))
        .collect();
    let names: Vec<&str> = covered.iter().map(|t| t.label()).collect();
    let note = if names.is_empty() {
        "No questions about the work itself.".to_string()
    } else {
        format!("Covered: {}.", names.join(", "))
    };
    item("talk.topics", pts, 10, ev(&evid), note)
}

fn in_proportion(m: &Meeting<'_>) -> String {
    if m.share < 1.0 {
        format!(
            " (earned in proportion to a short meeting: {:.0}%)",
            m.share * 100.0
        )
    } else {
        String::new()
    }
}

/// talk.no_job: a sure job ask costs; keeping to information earns, in proportion.
fn no_job(m: &Meeting<'_>) -> ItemScore {
    let asks = m.by(Topic::JobAsk);
    let (pts, note) = match asks.len() {
        0 => (
            m.scaled(10),
            format!("You kept to gathering information{}.", in_proportion(m)),
        ),
        1 => (
            -5,
            "You asked for a job: they turned into an assessor.".to_string(),
        ),
        _ => (
            -10,
            "You asked for a job twice: they ended the meeting.".to_string(),
        ),
    };
    item("talk.no_job", pts, 10, ev(&asks), note)
}

/// talk.no_pitch.
fn no_pitch(m: &Meeting<'_>) -> ItemScore {
    let p = m.by(Topic::SelfPitch);
    let pts = if p.is_empty() {
        m.scaled(5)
    } else {
        (5 - 4 * p.len() as i32).clamp(-5, 5).min(m.scaled(5))
    };
    let note = if p.is_empty() {
        format!("No sales pitch{}.", in_proportion(m))
    } else {
        format!(
            "{} self-pitch(es): they started judging you instead of helping.",
            p.len()
        )
    };
    item("talk.no_pitch", pts, 5, ev(&p), note)
}

/// prep.research: questions a quick search answers cost.
fn research(m: &Meeting<'_>) -> ItemScore {
    let r = m.by(Topic::Researchable);
    let pts = if r.is_empty() {
        m.scaled(5)
    } else {
        (5 - 3 * r.len() as i32).clamp(-5, 5).min(m.scaled(5))
    };
    let note = if r.is_empty() {
        format!(
            "No questions that a quick search would have answered{}.",
            in_proportion(m)
        )
    } else {
        format!(
            "{} question(s) their website answers: research beforehand.",
            r.len()
        )
    };
    item("prep.research", pts, 5, ev(&r), note)
}

/// talk.share_goals: saying what you aim for never costs, in any message.
fn share_goals(s: &Session, m: &Meeting<'_>) -> ItemScore {
    let g = m.by(Topic::ShareGoals);
    let in_request = s.request.as_ref().is_some_and(|r| r.states_goal);
    let (pts, note) = if !g.is_empty() {
        (5, "You told them what you are aiming for.")
    } else if in_request && m.share > 0.0 {
        (
            m.scaled(3).max(1),
            "Your request named your aim; say it again in the conversation so they can tailor advice.",
        )
    } else {
        (
            0,
            "You never said what you are after: people lose interest in a visitor with no aim.",
        )
    };
    item("talk.share_goals", pts, 5, ev(&g), note)
}

/// talk.time: within time earns (in proportion); overtime costs more the longer
/// it runs; being dismissed early earns no clock points.
fn time(s: &Session, m: &Meeting<'_>) -> ItemScore {
    let over = -s.minutes_left();
    let unit = if s.by_exchange {
        "exchanges"
    } else {
        "minutes"
    };
    let (pts, note) = match s.ended_by {
        Some(EndedBy::Professional) => (
            0,
            "They ended the meeting early, so there is no credit for keeping time.".to_string(),
        ),
        _ if over > 0 => (
            (3 - 2 * over as i32)
                .min(if s.ended_by == Some(EndedBy::Time) {
                    0
                } else {
                    3
                })
                .max(-5),
            format!(
                "You ran {over} {unit} over the {} agreed{}.",
                s.minutes_granted,
                if s.ended_by == Some(EndedBy::Time) {
                    " and they had to leave"
                } else {
                    ""
                }
            ),
        ),
        Some(EndedBy::Time) => (
            0,
            "They had to cut you off at the agreed time: start wrapping up when they warn you."
                .to_string(),
        ),
        _ => (
            m.scaled(5),
            format!(
                "Finished within time ({} of {} {unit}){}.",
                s.minutes_used,
                s.minutes_granted,
                in_proportion(m)
            ),
        ),
    };
    item("talk.time", pts, 5, vec![], note)
}

/// talk.referral: asking who else to talk to.
fn referral(s: &Session, m: &Meeting<'_>) -> ItemScore {
    let t = m.by(Topic::Referral);
    let mut note = if t.is_empty() {
        "You never asked who else you could talk to.".to_string()
    } else {
        "You asked who else to talk to.".to_string()
    };
    if !t.is_empty() {
        note.push_str(if s.referral_offered {
            " As an ally they gave you a name."
        } else {
            " They were not warm enough to share a contact."
        });
    }
    item(
        "talk.referral",
        if t.is_empty() { 0 } else { 4 },
        4,
        ev(&t),
        note,
    )
}

/// talk.keep_in_touch.
fn keep_in_touch(m: &Meeting<'_>) -> ItemScore {
    let t = m.by(Topic::KeepInTouch);
    let note = if t.is_empty() {
        "You did not ask whether you may stay in touch."
    } else {
        "You asked to stay in touch."
    };
    item(
        "talk.keep_in_touch",
        if t.is_empty() { 0 } else { 3 },
        3,
        ev(&t),
        note,
    )
}

/// talk.thanks: a courtesy once the meeting is under way (a greeting alone is not thanks).
fn thanks(m: &Meeting<'_>) -> ItemScore {
    let mut seen_exchange = false;
    let mut thanks: Vec<&Turn> = Vec::new();
    for t in m.turns.iter().copied() {
        if t.counts(Topic::Courtesy) && (seen_exchange || grateful(&t.message)) {
            thanks.push(t);
        }
        seen_exchange |= t.substantive();
    }
    let note = if thanks.is_empty() {
        "You did not thank them during the meeting."
    } else {
        "You thanked them."
    };
    item(
        "talk.thanks",
        if thanks.is_empty() { 0 } else { 3 },
        3,
        ev(&thanks),
        note,
    )
}

/// Gratitude in any of its usual forms.
fn grateful(text: &str) -> bool {
    let l = text.to_lowercase();
    ["thank", "grateful", "appreciat", "cheers", "thx", "ta very"]
        .iter()
        .any(|w| l.contains(w))
}

/// The after.* items of the note (only for a meeting that took place).
fn note_items(s: &Session) -> Vec<ItemScore> {
    match &s.note_report {
        Some(r) => r.checks.iter().map(from_check).collect(),
        None => {
            let note = if s.phase == Phase::Done {
                "No follow-up note was sent."
            } else {
                "Not sent yet."
            };
            let mut out = vec![item("after.thanks", 0, 8, vec![], note)];
            if s.referral_offered {
                out.push(item("after.referral_done", 0, 3, vec![], note));
            }
            out.push(item("after.update", 0, 4, vec![], note));
            out
        }
    }
}

/// The three changes that help most: points lost (against what the meeting
/// allowed) weighed by how much the guide stresses the item. A conversation
/// that did not happen is never coached.
fn top_changes(
    request: &[ItemScore],
    conversation: &[ItemScore],
    note: &[ItemScore],
    m: &Meeting<'_>,
) -> Vec<Change> {
    let met = !m.turns.is_empty();
    let mut gaps: Vec<(i32, bool, &ItemScore)> = Vec::new();
    let scaled = ["talk.no_job", "talk.no_pitch", "prep.research", "talk.time"];
    for i in request.iter() {
        gaps.push((i.max - i.points, i.points < 0, i));
    }
    if met {
        for i in conversation.iter().chain(note.iter()) {
            let attainable = if scaled.contains(&i.id.as_str()) {
                m.scaled(i.max)
            } else {
                i.max
            };
            gaps.push((attainable - i.points, i.points < 0, i));
        }
    }
    let mut gaps: Vec<(i32, bool, &ItemScore)> = gaps
        .into_iter()
        .filter(|(lost, _, _)| *lost > 0)
        .map(|(lost, flag, i)| (lost * guide_weight(&i.id), flag, i))
        .collect();
    gaps.sort_by_key(|(w, flag, _)| (std::cmp::Reverse(*w), !*flag));
    gaps.iter()
        .take(3)
        .map(|(_, _, i)| Change {
            item: i.id.clone(),
            text: format!("{} {}", i.note, i.advice).trim().to_string(),
        })
        .collect()
}

fn try_next(m: &Meeting<'_>) -> Vec<crate::questions::Sample> {
    let mut out = Vec::new();
    for t in [
        Topic::CareerPath,
        Topic::Advice,
        Topic::Challenges,
        Topic::Rewards,
        Topic::Entry,
        Topic::Preparation,
        Topic::Outlook,
        Topic::Referral,
        Topic::KeepInTouch,
    ] {
        if m.by(t).is_empty() {
            if let Some(q) = crate::questions::for_topic(t).into_iter().next() {
                out.push(q);
            }
        }
        if out.len() == 3 {
            break;
        }
    }
    out
}

fn missed(sc: &Scenario, s: &Session) -> Vec<Missed> {
    sc.insights
        .iter()
        .filter(|i| !s.revealed.contains(&i.id))
        .map(|i| Missed {
            summary: i.summary.clone(),
            hint: i.hint.clone(),
        })
        .collect()
}
