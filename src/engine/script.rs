//! Scripted replays: a whole session from a text file of student messages.
//!
//! Format: blocks separated by lines that are exactly `---`. The first block is
//! the request; a block `/retry` followed by another block is a revised request,
//! sent only if the one before was declined or unanswered; the next blocks are
//! conversation messages (commands such as `/hint` are read as commands); a
//! block that is exactly `/end` closes the conversation; blocks after it are the
//! follow-up note (sent as one note). Every step goes through [`Engine::step`].
//! Used by `coffeechat practice --script`, the transcript tests and benchmarks.

use super::{Engine, EngineError, Input, Phase, Session};
use crate::score::{ItemScore, Scorecard};
use serde::Serialize;
use std::collections::BTreeMap;

/// A parsed script.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Script {
    pub request: String,
    /// Revised requests, each sent if the one before was not accepted.
    pub retries: Vec<String>,
    pub conversation: Vec<String>,
    /// Whether the script closes the conversation with `/end`.
    pub ends: bool,
    pub notes: Vec<String>,
}

/// Splits script text into blocks. Empty blocks are dropped.
pub fn parse(text: &str) -> Script {
    let mut blocks: Vec<String> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    for line in text.lines() {
        if line.trim_end_matches('\r') == "---" {
            blocks.push(cur.join("\n"));
            cur.clear();
        } else {
            cur.push(line.trim_end_matches('\r'));
        }
    }
    blocks.push(cur.join("\n"));
    let mut blocks = blocks
        .into_iter()
        .map(|b| b.trim().to_string())
        .filter(|b| !b.is_empty());
    let mut s = Script {
        request: blocks.next().unwrap_or_default(),
        ..Script::default()
    };
    let mut retry_next = false;
    for b in blocks {
        if s.ends {
            s.notes.push(b);
        } else if b == "/retry" && s.conversation.is_empty() {
            retry_next = true;
        } else if retry_next {
            s.retries.push(b);
            retry_next = false;
        } else if b == "/end" {
            s.ends = true;
        } else {
            s.conversation.push(b);
        }
    }
    s
}

/// One turn in the replay output.
#[derive(Debug, Clone, Serialize)]
pub struct TurnOut {
    pub phase: &'static str,
    pub message: String,
    pub topic: String,
    pub verdict: String,
    pub reply: String,
    pub stance: String,
    pub minutes_used: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub insight: Option<String>,
    pub referral: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreOut {
    pub total: u32,
    /// Keyed by guide item id.
    pub items: BTreeMap<String, ItemScore>,
    pub top_changes: Vec<crate::score::Change>,
    pub missed: Vec<crate::score::Missed>,
}

/// The replay result, as printed by `practice --script --json`.
#[derive(Debug, Clone, Serialize)]
pub struct Replay {
    pub scenario: String,
    pub seed: u64,
    pub accepted: bool,
    pub request_outcome: Option<super::RequestOutcome>,
    /// Tries at the request (1 to 3).
    pub tries: usize,
    /// No meeting took place: the card scores the request alone.
    pub request_only: bool,
    pub final_stance: String,
    pub ended_by: Option<String>,
    pub referral_offered: bool,
    pub minutes_used: u32,
    pub minutes_granted: u32,
    pub insights: Vec<String>,
    pub score: ScoreOut,
    pub turns: Vec<TurnOut>,
    /// Conversation messages the script had but the session never read
    /// (the meeting ended first or never happened).
    pub unread: usize,
}

/// Runs a script through a fresh session.
pub fn run(
    engine: &Engine,
    scenario: &str,
    seed: u64,
    script: &Script,
) -> Result<(Session, Replay), EngineError> {
    let mut s = engine.start(scenario, seed)?;
    let mut card = None;
    let mut keep = |out: super::Outcome| {
        if out.scorecard.is_some() {
            card = out.scorecard;
        }
    };
    keep(engine.step(&mut s, Input::Say(script.request.clone()))?);
    for r in &script.retries {
        if s.phase == Phase::Request {
            keep(engine.step(&mut s, Input::Say(r.clone()))?);
        }
    }
    if s.phase == Phase::Request {
        // Declined with no revision left in the script: the request-only card.
        keep(engine.step(&mut s, Input::End)?);
    }
    let mut unread = 0;
    for m in &script.conversation {
        if s.phase == Phase::Conversation {
            keep(engine.step(&mut s, Input::parse(m))?);
        } else {
            unread += 1;
        }
    }
    if s.phase == Phase::Conversation {
        keep(engine.step(&mut s, Input::End)?);
    }
    if s.phase == Phase::FollowUp {
        let input = if script.notes.is_empty() {
            Input::End
        } else {
            Input::Say(script.notes.join("\n\n"))
        };
        keep(engine.step(&mut s, input)?);
    }
    if s.phase != Phase::Done {
        keep(engine.step(&mut s, Input::Finish)?);
    }
    let card = match card {
        Some(c) => c,
        None => engine.scorecard(&s)?,
    };
    let replay = summarise(&s, card, unread);
    Ok((s, replay))
}

/// Builds the JSON-ready summary of a finished session.
pub fn summarise(s: &Session, card: Scorecard, unread: usize) -> Replay {
    Replay {
        scenario: s.scenario_id.clone(),
        seed: s.seed,
        accepted: s.accepted(),
        request_outcome: s.outcome,
        tries: s.attempts.len() + usize::from(s.accepted()),
        request_only: card.request_only,
        final_stance: s.stance.as_str().to_string(),
        ended_by: s.ended_by.map(|e| e.as_str().to_string()),
        referral_offered: s.referral_offered,
        minutes_used: s.minutes_used,
        minutes_granted: s.minutes_granted,
        insights: s.revealed.clone(),
        score: ScoreOut {
            total: card.total,
            items: card.items.into_iter().map(|i| (i.id.clone(), i)).collect(),
            top_changes: card.top_changes,
            missed: card.missed,
        },
        turns: s
            .turns
            .iter()
            .map(|t| TurnOut {
                phase: t.phase.as_str(),
                message: t.message.clone(),
                topic: t.topic.as_str().to_string(),
                verdict: t.verdict.as_str().to_string(),
                reply: t.reply.clone(),
                stance: t.stance.as_str().to_string(),
                minutes_used: t.minutes_used,
                insight: t.insight.clone(),
                referral: t.referral,
            })
            .collect(),
        unread,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_split_on_exact_dashes_only() {
        let s = parse(
            "Hello\nthere\n---\nQ1\n--- \nstill Q1\n---\n\n---\n/end\n---\nThanks!\n---\nP.S.",
        );
        assert_eq!(s.request, "Hello\nthere");
        assert_eq!(s.conversation, vec!["Q1\n--- \nstill Q1".to_string()]);
        assert!(s.ends);
        assert_eq!(s.notes, vec!["Thanks!".to_string(), "P.S.".to_string()]);
    }

    #[test]
    fn a_script_without_end_has_no_notes() {
        let s = parse("Req\r\n---\r\nQ\r\n");
        assert_eq!(s.request, "Req");
        assert_eq!(s.conversation, vec!["Q".to_string()]);
        assert!(!s.ends && s.notes.is_empty());
        assert_eq!(parse("").request, "");
    }
}
