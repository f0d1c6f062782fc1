//! The terminal front end: renders engine events and scorecards as plain text.
//!
//! Owns: wording and layout for the terminal only. Must not: make decisions
//! about the conversation (the engine does) or touch the store.

use crate::engine::{EndedBy, Event, RequestOutcome, Session};
use crate::scenario::{Medium, Scenario};
use crate::score::Scorecard;
use std::fmt::Write as _;

/// The brief shown before the request.
pub fn brief(sc: &Scenario) -> String {
    let p = &sc.professional;
    let mut out = String::new();
    let _ = writeln!(out, "== {} ==", sc.title);
    let _ = writeln!(
        out,
        "{} · {} at {} ({})",
        p.name, p.role, p.organization, sc.field
    );
    let how = match sc.meeting.medium {
        Medium::Coffee => "in person, over coffee",
        Medium::Video => "on a video call",
        Medium::Phone => "by phone (if they say now suits them, the conversation starts at once)",
        Medium::Email => "by email only (start your request with a `Subject:` line)",
    };
    let _ = writeln!(
        out,
        "Meeting: {how}; they can spare about {} minutes.",
        sc.meeting.minutes
    );
    let _ = writeln!(out);
    let _ = writeln!(out, "{}", sc.brief.trim());
    out
}

/// Renders engine events as lines of text. `who` is the professional's name.
pub fn events(sc: &Scenario, evs: &[Event]) -> String {
    let who = &sc.professional.name;
    let mut out = String::new();
    for e in evs {
        match e {
            Event::RequestAnswered {
                outcome,
                text,
                starts_now,
            } => {
                let tag = match outcome {
                    RequestOutcome::Accepted => "accepted",
                    RequestOutcome::Declined => "declined",
                    RequestOutcome::NoAnswer => "no answer",
                };
                if *outcome == RequestOutcome::NoAnswer {
                    let _ = writeln!(out, "[{tag}] {text}");
                } else {
                    let _ = writeln!(out, "[{tag}] {who}: {text}");
                }
                if *starts_now {
                    let _ = writeln!(out, "(They are ready now: ask your first question.)");
                }
            }
            Event::Say { text, .. } => {
                let _ = writeln!(out, "{who}: {text}");
            }
            Event::Understood { .. } => {}
            Event::StanceChanged { from, to } => {
                let _ = writeln!(out, "  (stance: {from} → {to})");
            }
            Event::InsightShared { summary, .. } => {
                let _ = writeln!(out, "  (insight unlocked: {summary})");
            }
            Event::ReferralOffered { name, role, .. } => {
                let _ = writeln!(out, "  (referral: {name}, {role})");
            }
            Event::ClockWarning { minutes_left } => {
                let unit = if sc.meeting.medium == Medium::Email {
                    "exchange(s)"
                } else {
                    "minutes"
                };
                let _ = writeln!(out, "  (clock: about {minutes_left} {unit} left)");
            }
            Event::RequestRetry { tries_left } => {
                let _ = writeln!(
                    out,
                    "  (Revise your request and send it again: {tries_left} more tr{} left. /hint helps; /end shows the request's scorecard.)",
                    if *tries_left == 1 { "y" } else { "ies" }
                );
            }
            Event::Hint { text, item, topic } => match topic {
                Some(t) => {
                    let _ = writeln!(out, "  hint ({}): {text}  [{item}]", t.label());
                }
                None => {
                    let _ = writeln!(out, "  hint for your request [{item}]: {text}");
                }
            },
            Event::Status(st) => {
                let unit = if st.by_exchange { "exchanges" } else { "min" };
                let _ = writeln!(
                    out,
                    "  phase {} · {} of {} {unit} · {} · {}",
                    st.phase.as_str(),
                    st.minutes_used,
                    st.minutes_granted,
                    st.stance,
                    st.stance_hint
                );
            }
            Event::Help { unknown, commands } => {
                let _ = writeln!(out, "  {unknown} is not a command here. You can use:");
                for c in commands {
                    let _ = writeln!(out, "    {:<8} {}", c.command, c.what);
                }
                let _ = writeln!(out, "  Anything else you type is said to {who}.");
            }
            Event::Abandoned => {}
            Event::ConversationEnded { by, text } => {
                let _ = writeln!(out, "{who}: {text}");
                let why = match by {
                    EndedBy::Student => "You closed the conversation.",
                    EndedBy::Professional => "They ended the meeting early.",
                    EndedBy::Time => "Time ran out.",
                };
                let _ = writeln!(out, "  ({why})");
            }
            Event::NoteReminder => {
                let _ = writeln!(
                    out,
                    "The conversation is already over: write your thank-you note now."
                );
            }
            Event::FollowUpPrompt => {
                let _ = writeln!(out, "\nNow write your follow-up note (thank-you email).");
            }
            Event::NoteAcknowledged { text } => {
                let _ = writeln!(out, "{text}");
            }
            Event::Finished => {}
        }
    }
    out
}

/// A one-line clock and stance display.
pub fn clock(s: &Session) -> String {
    let unit = if s.by_exchange { "emails" } else { "min" };
    format!(
        "[{} of {} {unit} · {}]",
        s.minutes_used, s.minutes_granted, s.stance
    )
}

/// The scorecard as text.
pub fn scorecard(card: &Scorecard) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n==== Scorecard: {}/100 ====", card.total);
    let _ = writeln!(out, "({})", card.label);
    for i in &card.items {
        if i.max == 0 && i.points == 0 {
            let _ = writeln!(out, "  [  ·  ] {} ({}): {}", i.title, i.id, i.note);
            continue;
        }
        let _ = writeln!(
            out,
            "  [{:>3}/{:<2}] {} ({}): {}",
            i.points, i.max, i.title, i.id, i.note
        );
        for e in i.evidence.iter().take(2) {
            let _ = writeln!(out, "           “{e}”");
        }
    }
    if !card.top_changes.is_empty() {
        let _ = writeln!(out, "\nThree changes that would help most:");
        for (n, c) in card.top_changes.iter().enumerate() {
            let _ = writeln!(out, "  {}. [{}] {}", n + 1, c.item, c.text);
        }
    }
    if !card.missed.is_empty() {
        let _ = writeln!(out, "\nWhat they would have told a closer listener:");
        for m in &card.missed {
            let _ = writeln!(out, "  - {} (try: {})", m.summary, m.hint);
        }
    }
    if !card.try_next.is_empty() {
        let _ = writeln!(out, "\nQuestions to try next time:");
        for q in &card.try_next {
            let _ = writeln!(out, "  - {} [{}]", q.text, q.item);
        }
    }
    out
}
