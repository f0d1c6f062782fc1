//! Scorecards: points per guide item with evidence, a 0-100 total, the three
//! changes that would help most, sample questions and what the student missed.
//!
//! Owns: turning a [`Session`] into a [`Scorecard`]. Pure: same session, same card.

use crate::advice;
use crate::engine::request::Check;
use crate::engine::{EndedBy, Phase, Session};
use crate::questions::{self, Sample};
use crate::scenario::{Medium, Scenario};
use crate::topic::{Topic, Verdict};
use serde::Serialize;

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
    /// 0-100.
    pub total: u32,
    pub items: Vec<ItemScore>,
    /// The three changes that would help most (advice ids and a sentence each).
    pub top_changes: Vec<Change>,
    pub try_next: Vec<Sample>,
    pub missed: Vec<Missed>,
    pub accepted: bool,
    pub final_stance: String,
    pub ended_by: Option<String>,
    pub referral_offered: bool,
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
    let s: String = s.chars().take(160).collect();
    s
}

/// Builds the scorecard for a session in any phase; final once the session is done.
pub fn build(sc: &Scenario, s: &Session) -> Scorecard {
    let mut items: Vec<ItemScore> = Vec::new();
    if let Some(r) = &s.request {
        items.extend(r.checks.iter().map(from_check));
    } else {
        for (id, max) in [
            ("ask.brief", 5),
            ("ask.identify", 5),
            ("ask.time", 6),
            ("ask.no_job", 4),
            ("ask.framing", 3),
            ("ask.expertise", 4),
        ] {
            items.push(item(id, 0, max, vec![], "No request sent yet."));
        }
    }
    if s.outcome.is_some() && !s.accepted() {
        items.push(item(
            "ask.persist",
            0,
            0,
            vec![],
            "This one did not work out. Busy people often say no or never answer: improve the request and send more.",
        ));
    }
    if sc.meeting.medium == Medium::Phone && s.started_now {
        let first = s.conversation_turns().next();
        let ready = first.is_some_and(|t| t.verdict == Verdict::Good);
        items.push(item(
            "ask.ready_now",
            if ready { 3 } else { 0 },
            3,
            first.map(|t| vec![quote(&t.message)]).unwrap_or_default(),
            if ready {
                "They said now suited them and you went straight into a real question."
            } else {
                "They said now suited them: have a real question ready to start at once."
            },
        ));
    }

    let turns: Vec<_> = s.conversation_turns().collect();
    let by = |t: Topic| -> Vec<&crate::engine::Turn> {
        turns.iter().copied().filter(|x| x.topic == t).collect()
    };
    let ev = |ts: &[&crate::engine::Turn]| -> Vec<String> {
        ts.iter().take(3).map(|t| quote(&t.message)).collect()
    };
    let ran = s.accepted();
    let not_run = "The conversation did not take place.";

    // talk.their_story
    {
        let story: Vec<_> = turns
            .iter()
            .copied()
            .filter(|t| matches!(t.topic, Topic::CareerPath | Topic::Advice))
            .collect();
        let pts = match story.len() {
            0 => 0,
            1 => 6,
            _ => 10,
        };
        let note = if !ran {
            not_run.to_string()
        } else if story.is_empty() {
            "You never asked for their own story or advice: that is what turns a contact into an ally.".to_string()
        } else {
            format!(
                "{} question(s) about their path or their advice.",
                story.len()
            )
        };
        items.push(item("talk.their_story", pts, 10, ev(&story), note));
    }
    // talk.topics: breadth of insider ground.
    {
        let ground = [
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
        let covered: Vec<Topic> = ground.iter().copied().filter(|t| s.asked(*t) > 0).collect();
        let pts = match covered.len() {
            0 => 0,
            1 => 3,
            2 => 5,
            3 => 7,
            _ => 10,
        };
        let evid: Vec<&crate::engine::Turn> = turns
            .iter()
            .copied()
            .filter(|t| covered.contains(&t.topic))
            .collect();
        let note = if !ran {
            not_run.to_string()
        } else {
            let names: Vec<&str> = covered.iter().map(|t| t.label()).collect();
            if names.is_empty() {
                "No questions about the work itself.".to_string()
            } else {
                format!("Covered: {}.", names.join(", "))
            }
        };
        items.push(item("talk.topics", pts, 10, ev(&evid), note));
    }
    // talk.no_job
    {
        let asks = by(Topic::JobAsk);
        let (pts, note) = match asks.len() {
            0 if ran => (10, "You kept to gathering information."),
            0 => (0, not_run),
            1 => (-5, "You asked for a job: they turned into an assessor."),
            _ => (-10, "You asked for a job twice: they ended the meeting."),
        };
        items.push(item("talk.no_job", pts, 10, ev(&asks), note));
    }
    // talk.no_pitch
    {
        let p = by(Topic::SelfPitch);
        let pts = if ran {
            (5 - 4 * p.len() as i32).max(-5)
        } else {
            0
        };
        let note = if !ran {
            not_run.to_string()
        } else if p.is_empty() {
            "No sales pitch.".to_string()
        } else {
            format!(
                "{} self-pitch(es): they started judging you instead of helping.",
                p.len()
            )
        };
        items.push(item("talk.no_pitch", pts, 5, ev(&p), note));
    }
    // prep.research
    {
        let r = by(Topic::Researchable);
        let pts = if ran {
            (5 - 3 * r.len() as i32).max(-5)
        } else {
            0
        };
        let note = if !ran {
            not_run.to_string()
        } else if r.is_empty() {
            "No questions that a quick search would have answered.".to_string()
        } else {
            format!(
                "{} question(s) their website answers: research beforehand.",
                r.len()
            )
        };
        items.push(item("prep.research", pts, 5, ev(&r), note));
    }
    // talk.share_goals (and prep.goal)
    {
        let g = by(Topic::ShareGoals);
        let in_request = s.request.as_ref().is_some_and(|r| r.states_goal);
        let (pts, note) = if !g.is_empty() {
            (5, "You told them what you are aiming for.")
        } else if in_request {
            (3, "Your request named your aim; say it again in the conversation so they can tailor advice.")
        } else if ran {
            (
                0,
                "You never said what you are after: people lose interest in a visitor with no aim.",
            )
        } else {
            (0, not_run)
        };
        items.push(item("talk.share_goals", pts, 5, ev(&g), note));
    }
    // talk.time
    {
        let over = -s.minutes_left();
        let (pts, note) = if !ran {
            (0, not_run.to_string())
        } else {
            match s.ended_by {
                Some(EndedBy::Time) if over > 0 => (
                    -3,
                    format!(
                        "You ran {over} minutes over the {} agreed and they had to cut you off.",
                        s.minutes_granted
                    ),
                ),
                Some(EndedBy::Time) => (
                    0,
                    "They had to cut you off at the agreed time: start wrapping up when they warn you."
                        .to_string(),
                ),
                _ if over >= 5 => (
                    -3,
                    format!(
                        "You ran {over} minutes over the {} agreed.",
                        s.minutes_granted
                    ),
                ),
                _ if over > 0 => (2, format!("A little over time ({over} min).")),
                Some(EndedBy::Professional) => (3, "The meeting ended early.".to_string()),
                _ => (
                    5,
                    format!(
                        "Finished within time ({} of {} minutes).",
                        s.minutes_used, s.minutes_granted
                    ),
                ),
            }
        };
        items.push(item("talk.time", pts, 5, vec![], note));
    }
    // talk.referral, talk.keep_in_touch, talk.thanks
    for (id, topic, max, yes, no) in [
        (
            "talk.referral",
            Topic::Referral,
            4,
            "You asked who else to talk to.",
            "You never asked who else you could talk to.",
        ),
        (
            "talk.keep_in_touch",
            Topic::KeepInTouch,
            3,
            "You asked to stay in touch.",
            "You did not ask whether you may stay in touch.",
        ),
    ] {
        let t = by(topic);
        let mut note = if !ran {
            not_run.to_string()
        } else if t.is_empty() {
            no.to_string()
        } else {
            yes.to_string()
        };
        if topic == Topic::Referral && !t.is_empty() {
            note.push_str(if s.referral_offered {
                " As an ally they gave you a name."
            } else {
                " They were not warm enough to share a contact."
            });
        }
        items.push(item(
            id,
            if t.is_empty() { 0 } else { max },
            max,
            ev(&t),
            note,
        ));
    }
    {
        let thanks: Vec<_> = turns
            .iter()
            .copied()
            .filter(|t| t.topic == Topic::Courtesy && t.message.to_lowercase().contains("thank"))
            .collect();
        let note = if !ran {
            not_run
        } else if thanks.is_empty() {
            "You did not thank them during the meeting."
        } else {
            "You thanked them."
        };
        items.push(item(
            "talk.thanks",
            if thanks.is_empty() { 0 } else { 3 },
            3,
            ev(&thanks),
            note,
        ));
    }

    // After: the follow-up note.
    if ran {
        match &s.note_report {
            Some(r) => items.extend(r.checks.iter().map(from_check)),
            None => {
                let note = if s.phase == Phase::Done {
                    "No follow-up note was sent."
                } else {
                    "Not sent yet."
                };
                items.push(item("after.thanks", 0, 8, vec![], note));
                if s.referral_offered {
                    items.push(item("after.referral_done", 0, 3, vec![], note));
                }
                items.push(item("after.update", 0, 4, vec![], note));
            }
        }
    }

    // Total: what was earned over everything a full session could earn.
    let earned: i32 = items.iter().map(|i| i.points).sum();
    let mut max: i32 = items.iter().map(|i| i.max).sum();
    if !ran {
        // Conversation and note never happened: count them as possible but unearned.
        max += 8 + 4;
    }
    let total = if max > 0 {
        ((f64::from(earned.max(0)) * 100.0 / f64::from(max)).round() as u32).min(100)
    } else {
        0
    };

    // The three changes that help most: largest gaps first, red flags first among equals.
    let mut gaps: Vec<&ItemScore> = items.iter().filter(|i| i.points < i.max).collect();
    gaps.sort_by_key(|i| (-(i.max - i.points), i.points >= 0));
    let top_changes = gaps
        .iter()
        .take(3)
        .map(|i| Change {
            item: i.id.clone(),
            text: format!("{} {}", i.note, i.advice).trim().to_string(),
        })
        .collect();

    let mut try_next = Vec::new();
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
        if s.asked(t) == 0 {
            if let Some(q) = questions::for_topic(t).into_iter().next() {
                try_next.push(q);
            }
        }
        if try_next.len() == 3 {
            break;
        }
    }
    let missed = sc
        .insights
        .iter()
        .filter(|i| !s.revealed.contains(&i.id))
        .map(|i| Missed {
            summary: i.summary.clone(),
            hint: i.hint.clone(),
        })
        .collect();

    Scorecard {
        scenario_id: sc.id.clone(),
        total,
        items,
        top_changes,
        try_next,
        missed,
        accepted: ran,
        final_stance: s.stance.as_str().to_string(),
        ended_by: s.ended_by.map(|e| e.as_str().to_string()),
        referral_offered: s.referral_offered,
    }
}
