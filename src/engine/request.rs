//! Reading the student's written pieces that are not conversation turns: the
//! first request (ask.* items) and the follow-up note (after.* items).
//!
//! Pure functions over text: no randomness, no state. Each check returns the
//! points it gives and the words it found, so the scorecard can quote evidence.

use crate::classify::Classifier;
use crate::scenario::{Medium, OrganizationFacts};
use crate::topic::Topic;
use serde::{Deserialize, Serialize};

/// One guide item's result for a piece of writing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub item: String,
    pub points: i32,
    pub max: i32,
    /// The student's own words that earned or cost the points (may be empty).
    pub evidence: Vec<String>,
    /// What was found or missing, in a sentence.
    pub note: String,
}

impl Check {
    fn new(
        item: &str,
        points: i32,
        max: i32,
        evidence: Vec<String>,
        note: impl Into<String>,
    ) -> Self {
        Check {
            item: item.to_string(),
            points,
            max,
            evidence,
            note: note.into(),
        }
    }
}

/// The request's evaluation: one check per applicable ask.* item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RequestReport {
    pub checks: Vec<Check>,
    /// 0.0-1.0: share of the request's points earned; drives the odds of a yes.
    pub quality: f64,
    /// The request asks for a job, an internship or a recommendation.
    pub job_ask: bool,
    /// The request states what the student is aiming for (prep.goal).
    pub states_goal: bool,
}

impl RequestReport {
    pub fn check(&self, item: &str) -> Option<&Check> {
        self.checks.iter().find(|c| c.item == item)
    }
}

/// Splits text into rough sentences, keeping their original wording for evidence.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    for ch in text.chars() {
        cur.push(ch);
        if ch == '.' && ends_with_abbreviation(&cur) {
            continue;
        }
        if matches!(ch, '.' | '!' | '?' | '\n') {
            let t = cur.trim();
            if t.chars().any(|c| c.is_alphanumeric()) {
                out.push(t.to_string());
            }
            cur.clear();
        }
    }
    let t = cur.trim();
    if t.chars().any(|c| c.is_alphanumeric()) {
        out.push(t.to_string());
    }
    out
}

/// Titles and abbreviations whose full stop does not end a sentence.
fn ends_with_abbreviation(cur: &str) -> bool {
    const ABBR: &[&str] = &[
        "dr.", "mr.", "mrs.", "ms.", "prof.", "st.", "e.g.", "i.e.", "etc.", "vs.", "jr.", "sr.",
    ];
    let last = cur
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .to_lowercase();
    ABBR.contains(&last.as_str())
}

fn lower(s: &str) -> String {
    s.to_lowercase().replace(['’', '‘'], "'")
}

/// Words of a text, lower case, letters and digits only.
pub fn words(s: &str) -> Vec<String> {
    lower(s)
        .split(|c: char| !(c.is_alphanumeric() || c == '\''))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// The first sentence containing any of the needles (lower-case substring match).
fn find_sentence(sents: &[String], needles: &[&str]) -> Option<String> {
    sents
        .iter()
        .find(|s| {
            let l = lower(s);
            needles.iter().any(|n| l.contains(n))
        })
        .cloned()
}

/// Cuts `s` to at most `max` characters (on character boundaries), ending with `…` when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

const TEXT_SPEAK: &[&str] = &[
    "u", "ur", "pls", "plz", "thx", "gonna", "wanna", "lol", "omg", "r", "ya", "hiya", "k",
];

const NUMBER_WORDS: &[(&str, u32)] = &[
    ("five", 5),
    ("ten", 10),
    ("fifteen", 15),
    ("twenty", 20),
    ("twenty-five", 25),
    ("thirty", 30),
    ("forty", 40),
    ("forty-five", 45),
    ("sixty", 60),
    ("ninety", 90),
];

/// Minutes the text asks for, if it names a duration: the largest figure mentioned.
fn requested_minutes(text: &str) -> Option<(u32, String)> {
    let l = lower(text);
    let sents = sentences(text);
    let mut best: Option<u32> = None;
    let ws: Vec<&str> = l
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    for (i, w) in ws.iter().enumerate() {
        let next = ws.get(i + 1).copied().unwrap_or("");
        let next2 = ws.get(i + 2).copied().unwrap_or("");
        let is_min = |x: &str| x.starts_with("min");
        let unit_follows =
            is_min(next) || (next.chars().all(|c| c.is_ascii_digit()) && is_min(next2));
        // "15-20 minutes" arrives as one token "15-20".
        let nums: Vec<u32> = w
            .split('-')
            .filter_map(|p| {
                p.parse::<u32>()
                    .ok()
                    .or_else(|| NUMBER_WORDS.iter().find(|(n, _)| *n == p).map(|(_, v)| *v))
            })
            .collect();
        let whole = NUMBER_WORDS.iter().find(|(n, _)| n == w).map(|(_, v)| *v);
        let val = whole.or_else(|| nums.iter().copied().max());
        if let Some(v) = val {
            if unit_follows
                || (next == "or" || next == "to") && ws.get(i + 3).is_some_and(|x| is_min(x))
            {
                best = Some(best.map_or(v, |b| b.max(v)));
            }
        }
    }
    if l.contains("half an hour") || l.contains("half hour") {
        best = Some(best.map_or(30, |b| b.max(30)));
    }
    if l.contains("quarter of an hour") || l.contains("quarter hour") {
        best = Some(best.map_or(15, |b| b.max(15)));
    }
    if (l.contains("an hour")
        || l.contains("one hour")
        || l.contains("1 hour")
        || l.contains("hours"))
        && !l.contains("half an hour")
    {
        best = Some(best.map_or(60, |b| b.max(60)));
    }
    best.map(|m| {
        let ev = find_sentence(&sents, &["min", "hour"]).unwrap_or_default();
        (m, ev)
    })
}

/// Whether the text asks for a job, internship, referral to a post or recommendation.
fn job_ask_sentence(classifier: &Classifier, sents: &[String]) -> Option<String> {
    const JOB_WORDS: &[&str] = &[
        "job",
        "jobs",
        "hire",
        "hiring",
        "hired",
        "opening",
        "openings",
        "vacancy",
        "vacancies",
        "position",
        "positions",
        "internship",
        "internships",
        "placement",
        "cv",
        "resume",
        "employ",
        "employment",
        "recruit",
        "recruiting",
        "apply",
        "referee",
        "reference",
        "recommendation",
        "role",
        "roles",
        "work",
    ];
    sents
        .iter()
        .find(|s| {
            let ws = words(s);
            let negated = ws
                .iter()
                .any(|w| ["not", "never", "no"].contains(&w.as_str()));
            !negated
                && ws.iter().any(|w| JOB_WORDS.contains(&w.as_str()))
                && classifier.classify(s, None).topic == Topic::JobAsk
        })
        .cloned()
}

const GOAL_MARKERS: &[&str] = &[
    "i'm exploring",
    "i am exploring",
    "interested in",
    "hoping to",
    "hope to",
    "my goal",
    "i want to",
    "i'd like to move",
    "i would like to move",
    "considering a career",
    "thinking about a career",
    "aspire",
    "aiming",
    "trying to decide",
    "switch into",
    "move into",
    "pursue",
];

const NO_JOB_MARKERS: &[&str] = &[
    "not asking for a job",
    "not looking for a job",
    "not asking for a position",
    "not asking you for a job",
    "not job hunting",
    "not job-hunting",
    "not seeking a job",
    "not seeking employment",
    "not looking for work",
    "not looking for employment",
    "not asking for work",
    "not asking for a referral",
    "not asking for an internship",
    "not looking for an internship",
    "not a job request",
    "not applying",
    "not after a job",
    "not looking to be hired",
    "purely to learn",
    "only to learn",
    "just to learn",
    "purely informational",
];

/// Scores a first-contact request against the ask.* items.
pub fn evaluate_request(
    classifier: &Classifier,
    text: &str,
    medium: Medium,
    org: Option<&OrganizationFacts>,
) -> RequestReport {
    let _ = org;
    let sents = sentences(text);
    let l = lower(text);
    let ws = words(text);
    let n_words = ws.len();
    let mut checks = Vec::new();

    // ask.brief: short, to the point, tidy.
    {
        let mut pts: i32 = match n_words {
            0..=14 => 1,
            15..=29 => 3,
            30..=180 => 5,
            181..=250 => 3,
            _ => 1,
        };
        let mut notes = vec![format!("{n_words} words")];
        let letters: Vec<char> = text.chars().filter(|c| c.is_alphabetic()).collect();
        let all_lower = !letters.is_empty() && letters.iter().all(|c| c.is_lowercase());
        let slang: Vec<&String> = ws
            .iter()
            .filter(|w| TEXT_SPEAK.contains(&w.as_str()))
            .collect();
        let shouting = text.contains("!!") || text.contains("??");
        let mut ev = Vec::new();
        if all_lower {
            pts -= 2;
            notes.push("no capital letters".into());
        }
        if !slang.is_empty() {
            pts -= 2;
            notes.push(format!("text-speak ({})", slang[0]));
            if let Some(s) = find_sentence(&sents, &[slang[0].as_str()]) {
                ev.push(clip(&s, 160));
            }
        }
        if shouting {
            pts -= 1;
            notes.push("repeated punctuation".into());
        }
        let pts = pts.clamp(0, 5);
        let note = if n_words > 180 {
            format!("Too long for a busy reader ({}).", notes.join(", "))
        } else if n_words < 30 {
            format!(
                "Too thin to say who you are and what you want ({}).",
                notes.join(", ")
            )
        } else if pts == 5 {
            format!("Concise and tidy ({}).", notes.join(", "))
        } else {
            format!("Tidy it up: {}.", notes.join(", "))
        };
        checks.push(Check::new("ask.brief", pts, 5, ev, note));
    }

    // ask.identify: who you are, your connection, what you want.
    {
        let mut pts = 0;
        let mut ev = Vec::new();
        let mut missing = Vec::new();
        let who = find_sentence(
            &sents,
            &[
                "my name is",
                "i'm a ",
                "i am a ",
                "i'm an ",
                "i am an ",
                "student",
                "graduate",
                "i'm in my",
                "i am in my",
                "this is ",
            ],
        );
        match who {
            Some(s) => {
                pts += 2;
                ev.push(clip(&s, 160));
            }
            None => missing.push("who you are"),
        }
        let conn = find_sentence(
            &sents,
            &[
                "suggested",
                "recommended",
                "referred",
                "mentioned",
                "pointed me",
                "we met",
                "met you",
                "alumn",
                "fellow",
                "mutual",
                "your talk",
                "your article",
                "your post",
                "your profile",
                "your presentation",
                "your panel",
                "heard you",
                "read your",
                "saw your",
                "gave me your",
                "passed on your",
                "friend of",
                "colleague of",
                "through ",
            ],
        );
        match conn {
            Some(s) => {
                pts += 2;
                if !ev.contains(&clip(&s, 160)) {
                    ev.push(clip(&s, 160));
                }
            }
            None => missing.push("how you know of them"),
        }
        let what = find_sentence(
            &sents,
            &[
                "learn",
                "hear about",
                "hear how",
                "insight",
                "advice",
                "your experience",
                "ask you",
                "questions about",
                "understand",
                "find out",
            ],
        );
        match what {
            Some(_) => pts += 1,
            None => missing.push("what you want from the meeting"),
        }
        let note = if missing.is_empty() {
            "You say who you are, how you found them and what you hope to learn.".to_string()
        } else {
            format!("Missing: {}.", missing.join(", "))
        };
        checks.push(Check::new("ask.identify", pts, 5, ev, note));
    }

    // ask.time: a bounded slot of 10-30 minutes, and a promise to keep to it.
    {
        let mut ev = Vec::new();
        let (mut pts, mut note) = match requested_minutes(text) {
            Some((m, s)) if (10..=30).contains(&m) => {
                ev.push(clip(&s, 160));
                (4, format!("A bounded slot of {m} minutes."))
            }
            Some((m, s)) if m < 10 => {
                ev.push(clip(&s, 160));
                (
                    3,
                    format!("{m} minutes is very little; 10 to 30 is the usual ask."),
                )
            }
            Some((m, s)) => {
                ev.push(clip(&s, 160));
                (
                    0,
                    format!("{m} minutes is a big ask from a busy person; ask for 30 at most."),
                )
            }
            None => {
                if l.contains("as long as") || l.contains("however long") || l.contains("whenever")
                {
                    (
                        0,
                        "Open-ended: name a short, fixed amount of time.".to_string(),
                    )
                } else if l.contains("few minutes") || l.contains("brief") || l.contains("quick") {
                    (2, "Say exactly how many minutes (10 to 30).".to_string())
                } else {
                    (
                        0,
                        "No amount of time named: ask for 10 to 30 minutes.".to_string(),
                    )
                }
            }
        };
        let promise = find_sentence(
            &sents,
            &[
                "keep it to",
                "keep to",
                "no more than",
                "not take more",
                "won't take more",
                "will not take more",
                "respect your time",
                "stick to",
                "promise",
                "not more than",
                "strictly",
                "keep it short",
                "keep it brief",
                "mindful of your time",
                "watch the clock",
            ],
        );
        if let Some(s) = promise {
            if pts > 0 {
                pts += 2;
                note.push_str(" You promise to keep to it.");
            }
            let s = clip(&s, 160);
            if !ev.contains(&s) {
                ev.push(s);
            }
        } else if pts > 0 {
            note.push_str(" Add a promise to keep to it.");
        }
        checks.push(Check::new("ask.time", pts.min(6), 6, ev, note));
    }

    // ask.no_job: says plainly that no job is asked for; a job ask is a red flag.
    let job = job_ask_sentence(classifier, &sents);
    let states_no_job = find_sentence(&sents, NO_JOB_MARKERS);
    {
        let c = match (&job, &states_no_job) {
            (Some(s), _) => Check::new(
                "ask.no_job",
                -4,
                4,
                vec![clip(s, 160)],
                "The request asks for a job or a recommendation: most people say no, or meet you as an assessor.",
            ),
            (None, Some(s)) => Check::new(
                "ask.no_job",
                4,
                4,
                vec![clip(s, 160)],
                "You make clear you want information, not a job.",
            ),
            (None, None) => Check::new(
                "ask.no_job",
                1,
                4,
                vec![],
                "Say plainly that you are not asking for a job, so they can relax.",
            ),
        };
        checks.push(c);
    }

    // ask.framing: a chat or a coffee, not an "interview".
    {
        let chat = find_sentence(
            &sents,
            &[
                "chat",
                "coffee",
                "conversation",
                "talk",
                "call",
                "catch up",
                "speak with",
                "speak to",
            ],
        );
        let interview = find_sentence(&sents, &["interview"]);
        let c = match (chat, interview) {
            (_, Some(s)) => Check::new(
                "ask.framing",
                0,
                3,
                vec![clip(&s, 160)],
                "\"Interview\" sounds like hiring; call it a chat or a coffee.",
            ),
            (Some(s), None) => Check::new(
                "ask.framing",
                3,
                3,
                vec![clip(&s, 160)],
                "Framed as a conversation.",
            ),
            (None, None) => Check::new(
                "ask.framing",
                1,
                3,
                vec![],
                "Say what kind of meeting: a short chat, a call, a coffee.",
            ),
        };
        checks.push(c);
    }

    // ask.expertise: why them (their experience, a mutual contact).
    {
        let mut pts = 0;
        let mut ev = Vec::new();
        let appeal = find_sentence(
            &sents,
            &[
                "your experience",
                "your expertise",
                "your work",
                "your career",
                "admire",
                "your article",
                "your talk",
                "known for",
                "inspir",
                "impressed",
                "your path",
                "your journey",
                "your perspective",
                "your insight",
                "your advice",
                "your background",
                "you've built",
                "you have built",
            ],
        );
        if let Some(s) = appeal {
            pts += 2;
            ev.push(clip(&s, 160));
        }
        let mutual = find_sentence(
            &sents,
            &[
                "suggested",
                "recommended i",
                "recommended that",
                "referred me",
                "mentioned you",
                "pointed me",
                "told me",
                "gave me your",
            ],
        );
        if let Some(s) = mutual {
            pts += 2;
            let s = clip(&s, 160);
            if !ev.contains(&s) {
                ev.push(s);
            }
        }
        let note = match pts {
            4 => "You appeal to their experience and name the person who sent you.",
            2 => "Good appeal; naming a mutual contact (or their expertise) makes a no harder.",
            _ => "Tell them why them: their experience, or who suggested you write.",
        };
        checks.push(Check::new("ask.expertise", pts, 4, ev, note));
    }

    // ask.subject: email only.
    if medium == Medium::Email {
        let subject = text
            .lines()
            .map(str::trim)
            .find(|l| lower(l).starts_with("subject:") || lower(l).starts_with("re:"))
            .map(|l| l.split_once(':').map_or("", |x| x.1).trim().to_string());
        let c = match subject {
            None => Check::new(
                "ask.subject",
                0,
                3,
                vec![],
                "No subject line: start with `Subject: ...` saying who you are and what you seek.",
            ),
            Some(s) => {
                let sw = words(&s);
                let junky = s.contains('!')
                    || sw.iter().any(|w| {
                        [
                            "urgent",
                            "hi",
                            "hello",
                            "hey",
                            "opportunity",
                            "free",
                            "help",
                        ]
                        .contains(&w.as_str())
                    })
                    || (s.chars().filter(|c| c.is_alphabetic()).count() > 3
                        && s.chars()
                            .filter(|c| c.is_alphabetic())
                            .all(|c| c.is_uppercase()));
                if sw.len() < 3 || sw.len() > 12 || junky {
                    Check::new("ask.subject", 1, 3, vec![s.clone()], "The subject line could pass for junk: make it plain and specific (who you are, what you seek).")
                } else {
                    Check::new(
                        "ask.subject",
                        3,
                        3,
                        vec![s.clone()],
                        "A clear, specific subject line.",
                    )
                }
            }
        };
        checks.push(c);
    }

    let earned: i32 = checks.iter().map(|c| c.points.max(0)).sum();
    let max: i32 = checks.iter().map(|c| c.max).sum();
    let mut quality = if max > 0 {
        f64::from(earned) / f64::from(max)
    } else {
        0.0
    };
    if job.is_some() {
        quality *= 0.4;
    }
    let states_goal = find_sentence(&sents, GOAL_MARKERS).is_some();
    RequestReport {
        checks,
        quality,
        job_ask: job.is_some(),
        states_goal,
    }
}

/// The follow-up note's evaluation (after.* items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteReport {
    pub checks: Vec<Check>,
    pub job_ask: bool,
}

/// Scores the follow-up note(s). `referral` is the name the professional offered, if any.
pub fn evaluate_note(
    classifier: &Classifier,
    notes: &[String],
    referral: Option<&str>,
) -> NoteReport {
    let text = notes.join("\n");
    let sents = sentences(&text);
    let n_words = words(&text).len();
    let mut checks = Vec::new();
    let job = job_ask_sentence(classifier, &sents);

    // after.thanks
    {
        let thanks = find_sentence(
            &sents,
            &["thank", "grateful", "appreciate", "thx", "cheers"],
        );
        let (mut pts, mut note, mut ev) = match (&thanks, n_words) {
            (_, 0) => (
                0,
                "No follow-up note: a short thank-you leaves a lasting good impression."
                    .to_string(),
                vec![],
            ),
            (Some(s), 1..=200) => (
                8,
                "A short, sincere thank-you.".to_string(),
                vec![clip(s, 160)],
            ),
            (Some(s), _) => (
                5,
                format!("A thank-you, but long ({n_words} words): keep it short."),
                vec![clip(s, 160)],
            ),
            (None, _) => (
                2,
                "The note never actually says thank you.".to_string(),
                vec![],
            ),
        };
        if let Some(s) = &job {
            pts -= 6;
            note = "The note asks for a job: it undoes the goodwill the meeting built.".to_string();
            ev.push(clip(s, 160));
        }
        checks.push(Check::new("after.thanks", pts.clamp(-4, 8), 8, ev, note));
    }

    // after.referral_done: only when a name was given.
    if let Some(name) = referral {
        let name_l = lower(name);
        let parts: Vec<&str> = name_l
            .split_whitespace()
            .filter(|p| p.len() > 2 && !["dr.", "mr.", "ms.", "mrs."].contains(p))
            .collect();
        let mention = sents
            .iter()
            .find(|s| {
                let l = lower(s);
                parts.iter().any(|p| l.contains(p))
            })
            .cloned();
        let c = match mention {
            Some(s) => Check::new(
                "after.referral_done",
                3,
                3,
                vec![clip(&s, 160)],
                "You report back on the contact they gave you.",
            ),
            None => Check::new(
                "after.referral_done",
                0,
                3,
                vec![],
                format!("They gave you {name}: say that you have written to them (or will)."),
            ),
        };
        checks.push(c);
    }

    // after.update
    {
        let upd = find_sentence(
            &sents,
            &[
                "keep you posted",
                "keep you updated",
                "let you know",
                "update you",
                "i've decided",
                "i have decided",
                "i decided",
                "i've signed up",
                "i have signed up",
                "i've enrolled",
                "i have enrolled",
                "i've applied",
                "i have applied",
                "next step",
                "my plan",
                "i'm going to",
                "i am going to",
                "i will",
                "i'll",
                "keep in touch",
                "stay in touch",
            ],
        );
        let c = match upd {
            Some(s) => Check::new(
                "after.update",
                4,
                4,
                vec![clip(&s, 160)],
                "You tell them what you will do next and keep the door open.",
            ),
            None => Check::new(
                "after.update",
                0,
                4,
                vec![],
                "Tell them what you plan to do with their advice, and offer to keep them posted.",
            ),
        };
        checks.push(c);
    }
    NoteReport {
        checks,
        job_ask: job.is_some(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = "Dear Ms Okafor,\n\nMy name is Sam Lee, a second-year nursing student at Riverside College. \
Professor Diaz suggested I contact you because of your experience in critical care. I'm exploring whether ICU \
nursing is the right path for me and would love to hear how you got into it. Would you have 20 minutes for a short \
chat or a coffee in the next few weeks? I promise to keep it to 20 minutes. I'm not asking for a job, only hoping \
to learn from your experience.\n\nThank you,\nSam";

    #[test]
    fn a_model_request_scores_high() {
        let r = evaluate_request(&Classifier::new(), GOOD, Medium::Coffee, None);
        for c in &r.checks {
            assert_eq!(
                c.points, c.max,
                "{} scored {}: {}",
                c.item, c.points, c.note
            );
        }
        assert!(r.quality > 0.95);
        assert!(!r.job_ask);
        assert!(r.states_goal);
    }

    #[test]
    fn an_open_ended_interview_request_loses_time_and_framing() {
        let t = "hi can i interview u about ur job? as long as u want, i'm free whenever";
        let r = evaluate_request(&Classifier::new(), t, Medium::Video, None);
        assert_eq!(r.check("ask.time").map(|c| c.points), Some(0));
        assert_eq!(r.check("ask.framing").map(|c| c.points), Some(0));
        assert!(r.check("ask.brief").map_or(0, |c| c.points) <= 1);
        assert!(r.quality < 0.3, "quality {}", r.quality);
    }

    #[test]
    fn a_job_ask_in_the_request_is_flagged() {
        let t = "Hello, I'm a student. Are you hiring right now? I'd love an internship with your team.";
        let r = evaluate_request(&Classifier::new(), t, Medium::Coffee, None);
        assert!(r.job_ask);
        assert_eq!(r.check("ask.no_job").map(|c| c.points), Some(-4));
    }

    #[test]
    fn titles_do_not_split_sentences() {
        let s = sentences("Dr. Ellis suggested I write. Thanks!");
        assert_eq!(
            s,
            vec![
                "Dr. Ellis suggested I write.".to_string(),
                "Thanks!".to_string()
            ]
        );
    }

    #[test]
    fn minutes_are_read_in_words_and_ranges() {
        assert_eq!(
            requested_minutes("Could I have 15-20 minutes?").map(|x| x.0),
            Some(20)
        );
        assert_eq!(
            requested_minutes("just fifteen minutes of your time").map(|x| x.0),
            Some(15)
        );
        assert_eq!(requested_minutes("half an hour").map(|x| x.0), Some(30));
        assert_eq!(requested_minutes("an hour or two").map(|x| x.0), Some(60));
        assert_eq!(requested_minutes("no figure here"), None);
    }

    #[test]
    fn email_requests_need_a_clean_subject_line() {
        let with = format!("Subject: Nursing student seeking advice on ICU careers\n\n{GOOD}");
        let r = evaluate_request(&Classifier::new(), &with, Medium::Email, None);
        assert_eq!(r.check("ask.subject").map(|c| c.points), Some(3));
        let junk = format!("Subject: URGENT!!! HELLO\n\n{GOOD}");
        let r = evaluate_request(&Classifier::new(), &junk, Medium::Email, None);
        assert_eq!(r.check("ask.subject").map(|c| c.points), Some(1));
        let r = evaluate_request(&Classifier::new(), GOOD, Medium::Email, None);
        assert_eq!(r.check("ask.subject").map(|c| c.points), Some(0));
        let r = evaluate_request(&Classifier::new(), GOOD, Medium::Coffee, None);
        assert!(r.check("ask.subject").is_none());
    }

    #[test]
    fn the_note_rewards_thanks_referral_and_update() {
        let note = vec![
            "Thank you so much for your time yesterday. I wrote to Marcus Lee as you suggested. \
I've decided to take the statistics course, and I'll keep you posted."
                .to_string(),
        ];
        let r = evaluate_note(&Classifier::new(), &note, Some("Marcus Lee"));
        for c in &r.checks {
            assert_eq!(c.points, c.max, "{}: {}", c.item, c.note);
        }
        let bare = evaluate_note(&Classifier::new(), &[], Some("Marcus Lee"));
        assert!(bare.checks.iter().all(|c| c.points == 0));
    }
}
