//! Reading the student's written pieces that are not conversation turns: the
//! first request (ask.* items) and the follow-up note (after.* items).
//!
//! Pure functions over text: no randomness, no state. Each check returns the
//! points it gives and the words it found, so the scorecard can quote evidence.

use crate::classify::acts::{ActReading, SentenceAct, NOTE_ACTS, REQUEST_ACTS};
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
    /// The request names somebody as the connection (a mutual contact).
    #[serde(default)]
    pub names_contact: bool,
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
        // "20-minute" and "20min" carry the unit in the token itself.
        let (w, unit_inside) = match w.rsplit_once('-') {
            Some((head, tail)) if tail.starts_with("min") => (head, true),
            _ => match w.find(|c: char| c.is_alphabetic()) {
                Some(k) if k > 0 && w[k..].starts_with("min") => (&w[..k], true),
                _ => (*w, false),
            },
        };
        let w = &w;
        let unit_follows = unit_follows || unit_inside;
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

/// How sure a sentence's act must be to count for the student.
const ACT_FLOOR: f32 = 0.35;
/// How sure a job-ask reading must be to cost points (unsure readings never cost).
const SURE_JOB_ASK: f32 = 0.6;

/// One sentence of a request or note and what it does.
#[derive(Debug, Clone)]
struct Sentence {
    text: String,
    acts: Option<ActReading>,
}

impl Sentence {
    fn p(&self, act: SentenceAct) -> f32 {
        self.acts.map_or(0.0, |a| a.p(act))
    }

    /// The sentence does `act`: it is its most likely act, or likely enough.
    fn does(&self, act: SentenceAct) -> bool {
        self.acts
            .is_some_and(|a| a.best().0 == act || a.p(act) >= ACT_FLOOR)
    }
}

/// The clauses of a long sentence: split where a comma, a semicolon or a
/// dash is followed by a joining word. Pieces under three words stay joined.
fn pieces(sentence: &str) -> Vec<String> {
    const JOINERS: &[&str] = &["and", "so", "but", "because", "which", "who", "as", "where"];
    /// Words that start a new clause even without a comma before them.
    const STARTERS: &[&str] = &["because", "since"];
    /// After a comma, "I" starts a clause of its own: students often join two
    /// sentences with a comma ("I'm not looking for a job, I'd love to hear...").
    const SUBJECTS: &[&str] = &[
        "i", "i'd", "i'm", "i'll", "i've", "i’d", "i’m", "i’ll", "i’ve",
    ];
    let mut out: Vec<String> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let ws: Vec<&str> = sentence.split_whitespace().collect();
    for (i, w) in ws.iter().enumerate() {
        cur.push(w);
        let ends_clause = w.ends_with(',') || w.ends_with(';') || *w == "-" || *w == "—";
        let next = ws.get(i + 1).map(|n| n.to_lowercase());
        let next_joins = next
            .as_deref()
            .is_some_and(|n| JOINERS.contains(&n) || SUBJECTS.contains(&n));
        let next_starts = next.as_deref().is_some_and(|n| STARTERS.contains(&n));
        let semicolon = w.ends_with(';');
        let ends_clause = ends_clause || next_starts;
        let next_joins = next_joins || next_starts || semicolon;
        if ends_clause && next_joins && cur.len() >= 3 && ws.len() - i > 3 {
            out.push(cur.join(" "));
            cur.clear();
        }
    }
    if !cur.is_empty() {
        out.push(cur.join(" "));
    }
    out
}

/// Reads each sentence, and each clause of a long sentence: a sentence does
/// what any of its clauses does ("I'm Priya, a nursing student, and Dr Cho
/// suggested I write" both says who she is and names the connection).
fn read_sentences(classifier: &Classifier, text: &str, allowed: &[SentenceAct]) -> Vec<Sentence> {
    let read = |t: &str| classifier.sentence_act(t).map(|r| r.within(allowed));
    sentences(text)
        .into_iter()
        .map(|t| {
            let mut acts = read(&t);
            let parts = pieces(&t);
            if parts.len() > 1 {
                for part in &parts {
                    if let Some(mut r) = read(part) {
                        if reports_their_words(part) {
                            // A clause that repeats what the professional said
                            // asks for nothing, whatever it names.
                            r = r.moved(SentenceAct::JobAsk, SentenceAct::Specific);
                        }
                        acts = Some(acts.map_or(r, |a| a.either(&r)));
                    }
                }
            }
            Sentence { acts, text: t }
        })
        .collect()
}

/// Whether a clause opens by reporting what the professional said ("You
/// mentioned that...", "As you said, ..."). Only clauses are judged so: a
/// whole sentence that goes on to ask ("You mentioned openings, could I
/// apply?") is read as written.
fn reports_their_words(clause: &str) -> bool {
    const FRAMES: &[&str] = &[
        "you mentioned",
        "you said",
        "you told me",
        "you suggested",
        "you advised",
        "you recommended",
        "as you said",
        "as you mentioned",
        "as you suggested",
        "like you said",
        "like you mentioned",
    ];
    let l = clause.trim_start().to_lowercase().replace('’', "'");
    FRAMES.iter().any(|f| l.starts_with(f))
}

/// The first sentence doing `act`, clipped for evidence.
fn first_doing(sents: &[Sentence], act: SentenceAct) -> Option<String> {
    sents
        .iter()
        .find(|s| s.does(act))
        .map(|s| clip(&s.text, 160))
}

fn push_unique(ev: &mut Vec<String>, s: String) {
    if !ev.contains(&s) {
        ev.push(s);
    }
}

/// A job ask somewhere in the text, and how sure the reading is.
#[derive(Debug, Clone, PartialEq)]
enum JobRead {
    None,
    /// A sentence may ask for a job, but the reading is unsure: it costs nothing.
    Unsure(String),
    Sure(String),
}

/// Whether the text asks for a job, an internship, a referral to a post or a
/// recommendation. Two readings are combined: the sentence's act and its
/// topic. Offering the CV as background, ruling a job out, and repeating the
/// professional's own advice are not job asks.
fn job_ask(classifier: &Classifier, sents: &[Sentence]) -> JobRead {
    let mut unsure = None;
    for s in sents {
        let act = s.p(SentenceAct::JobAsk);
        let other = [
            SentenceAct::ResumeOffer,
            SentenceAct::NoJob,
            SentenceAct::Specific,
        ]
        .iter()
        .map(|a| s.p(*a))
        .fold(0.0f32, f32::max);
        let topic = classifier.classify(&s.text, None);
        let topic_says = topic.topic == Topic::JobAsk;
        let act_says = act >= ACT_FLOOR && act > other;
        if act_says && topic_says && (act >= SURE_JOB_ASK || topic.penalised) {
            return JobRead::Sure(clip(&s.text, 160));
        }
        if unsure.is_none() && (act_says || topic_says && topic.penalised && act >= 0.15) {
            unsure = Some(clip(&s.text, 160));
        }
    }
    unsure.map_or(JobRead::None, JobRead::Unsure)
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

/// The words of a text as written (case kept), letters, digits and apostrophes.
fn raw_words(s: &str) -> Vec<&str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Text-speak in the student's own spelling: "u", "thx", "gonna"... A capital
/// single letter (a programming language such as C or R) is not text-speak.
fn text_speak(text: &str) -> Vec<String> {
    raw_words(text)
        .into_iter()
        .filter(|w| w.chars().all(|c| !c.is_uppercase()))
        .filter(|w| TEXT_SPEAK.contains(&w.to_lowercase().as_str()))
        .map(str::to_string)
        .collect()
}

/// ask.brief: short, to the point, tidy.
fn ask_brief(text: &str, sents: &[Sentence], n_words: usize) -> Check {
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
    let slang = text_speak(text);
    let shouting = text.contains("!!") || text.contains("??");
    let mut ev = Vec::new();
    if all_lower {
        pts -= 2;
        notes.push("no capital letters".into());
    }
    if let Some(w) = slang.first() {
        pts -= 2;
        notes.push(format!("text-speak ({w})"));
        if let Some(s) = sents
            .iter()
            .find(|s| raw_words(&s.text).contains(&w.as_str()))
        {
            ev.push(clip(&s.text, 160));
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
    Check::new("ask.brief", pts, 5, ev, note)
}

/// ask.identify: who you are, how you are connected, what you want.
fn ask_identify(sents: &[Sentence]) -> Check {
    let mut pts = 0;
    let mut ev = Vec::new();
    let mut missing = Vec::new();
    match first_doing(sents, SentenceAct::Identify) {
        Some(s) => {
            pts += 2;
            ev.push(s);
        }
        None => missing.push("who you are"),
    }
    match first_doing(sents, SentenceAct::Connection) {
        Some(s) => {
            pts += 2;
            push_unique(&mut ev, s);
        }
        None => missing.push("how you know of them"),
    }
    let purpose = first_doing(sents, SentenceAct::Purpose)
        .or_else(|| first_doing(sents, SentenceAct::Expertise));
    match purpose {
        Some(_) => pts += 1,
        None => missing.push("what you want from the meeting"),
    }
    let note = if missing.is_empty() {
        "You say who you are, how you found them and what you hope to learn.".to_string()
    } else {
        format!("Missing: {}.", missing.join(", "))
    };
    Check::new("ask.identify", pts, 5, ev, note)
}

/// ask.time: a bounded slot of 10-30 minutes, and a promise to keep to it.
fn ask_time(text: &str, sents: &[Sentence]) -> Check {
    let l = lower(text);
    let mut ev = Vec::new();
    let asked = requested_minutes(text);
    let (mut pts, mut note) = match &asked {
        Some((m, s)) if (10..=30).contains(m) => {
            ev.push(clip(s, 160));
            (4, format!("A bounded slot of {m} minutes."))
        }
        Some((m, s)) if *m < 10 => {
            ev.push(clip(s, 160));
            (
                3,
                format!("{m} minutes is very little; 10 to 30 is the usual ask."),
            )
        }
        Some((m, s)) => {
            ev.push(clip(s, 160));
            (
                0,
                format!("{m} minutes is a big ask from a busy person; ask for 30 at most."),
            )
        }
        None => {
            if l.contains("as long as") || l.contains("however long") {
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
    // A promise is a sentence about time other than the one that asks for it.
    let asked_in = asked.as_ref().map(|(_, s)| s.as_str()).unwrap_or("");
    let promise = sents
        .iter()
        .find(|s| {
            s.text != asked_in && s.does(SentenceAct::Time) && requested_minutes(&s.text).is_none()
        })
        .or_else(|| {
            sents.iter().find(|s| {
                let l = lower(&s.text);
                [
                    "keep it to",
                    "keep to",
                    "no more than",
                    "not take more",
                    "won't take more",
                    "respect your time",
                    "mindful of your time",
                ]
                .iter()
                .any(|m| l.contains(m))
            })
        });
    if let Some(s) = promise {
        if pts > 0 {
            pts += 2;
            note.push_str(" You promise to keep to it.");
        }
        push_unique(&mut ev, clip(&s.text, 160));
    } else if pts > 0 {
        note.push_str(" Add a promise to keep to it.");
    }
    Check::new("ask.time", pts.min(6), 6, ev, note)
}

/// ask.no_job: says plainly that no job is asked for; a sure job ask is a red flag.
fn ask_no_job(job: &JobRead, sents: &[Sentence]) -> Check {
    let rules_out = first_doing(sents, SentenceAct::NoJob);
    match (job, rules_out) {
        (JobRead::Sure(s), _) => Check::new(
            "ask.no_job",
            -4,
            4,
            vec![s.clone()],
            "The request asks for a job or a recommendation: most people say no, or meet you as an assessor.",
        ),
        (_, Some(s)) => Check::new(
            "ask.no_job",
            4,
            4,
            vec![s],
            "You make clear you want information, not a job.",
        ),
        (_, None) => Check::new(
            "ask.no_job",
            1,
            4,
            vec![],
            "Say plainly that you are not asking for a job, so they can relax.",
        ),
    }
}

/// ask.framing: a chat, a coffee or (for an email-only contact) an exchange by
/// email, not an "interview".
fn ask_framing(sents: &[Sentence], medium: Medium) -> Check {
    let interview = sents
        .iter()
        .find(|s| words(&s.text).iter().any(|w| w.starts_with("interview")));
    if let Some(s) = interview {
        return Check::new(
            "ask.framing",
            0,
            3,
            vec![clip(&s.text, 160)],
            "\"Interview\" sounds like hiring; call it a chat or a coffee.",
        );
    }
    let asks = sents
        .iter()
        .find(|s| s.does(SentenceAct::Meeting) || s.does(SentenceAct::Time));
    match asks {
        Some(s) => {
            let by_mail = words(&s.text)
                .iter()
                .any(|w| w.starts_with("email") || w.starts_with("e-mail") || w == "mail");
            let note = if medium == Medium::Email && by_mail {
                "Framed as a short exchange by email, which suits this contact."
            } else {
                "Framed as a conversation."
            };
            Check::new("ask.framing", 3, 3, vec![clip(&s.text, 160)], note)
        }
        None => Check::new(
            "ask.framing",
            1,
            3,
            vec![],
            if medium == Medium::Email {
                "Say what you are asking for: a few questions by email, or a short call."
            } else {
                "Say what kind of meeting: a short chat, a call, a coffee."
            },
        ),
    }
}

/// ask.expertise: why them (their experience, a mutual contact).
fn ask_expertise(sents: &[Sentence]) -> Check {
    let mut pts = 0;
    let mut ev = Vec::new();
    if let Some(s) = first_doing(sents, SentenceAct::Expertise) {
        pts += 2;
        ev.push(s);
    }
    if let Some(s) = mutual_contact(sents) {
        pts += 2;
        push_unique(&mut ev, clip(&s.text, 160));
    }
    let note = match pts {
        4 => "You appeal to their experience and name the person who sent you.",
        2 => "Good appeal; naming a mutual contact (or their expertise) makes a no harder.",
        _ => "Tell them why them: their experience, or who suggested you write.",
    };
    Check::new("ask.expertise", pts, 4, ev, note)
}

/// The first connection sentence that names somebody (a mutual contact).
fn mutual_contact(sents: &[Sentence]) -> Option<&Sentence> {
    sents
        .iter()
        .find(|s| s.does(SentenceAct::Connection) && mentions_a_person(&s.text))
}

/// Whether `text` mentions the person called `name`: any part of the name
/// but a title, as a whole word, ignoring case and accents ("Tomas" is Tomás).
pub fn mentions_name(text: &str, name: &str) -> bool {
    const TITLES: &[&str] = &["dr", "mr", "mrs", "ms", "miss", "prof", "professor", "sir"];
    let fold = |s: &str| -> String {
        s.to_lowercase()
            .chars()
            .map(|c| match c {
                'á' | 'à' | 'â' | 'ä' | 'ã' => 'a',
                'é' | 'è' | 'ê' | 'ë' => 'e',
                'í' | 'ì' | 'î' | 'ï' => 'i',
                'ó' | 'ò' | 'ô' | 'ö' | 'õ' => 'o',
                'ú' | 'ù' | 'û' | 'ü' => 'u',
                'ñ' => 'n',
                'ç' => 'c',
                other => other,
            })
            .collect()
    };
    let said: Vec<String> = raw_words(&fold(text))
        .into_iter()
        .map(str::to_string)
        .collect();
    let folded = fold(name);
    raw_words(&folded)
        .into_iter()
        .filter(|w| w.len() >= 3 && !TITLES.contains(w))
        .any(|w| {
            said.iter()
                .any(|s| s == w || s.trim_end_matches("'s").trim_end_matches("’s") == w)
        })
}

/// Whether a connection sentence names somebody (a mutual contact) rather
/// than a place the student found them.
fn mentions_a_person(text: &str) -> bool {
    const PEOPLE: &[&str] = &[
        "suggested",
        "recommended",
        "referred",
        "mentioned",
        "pointed",
        "told",
        "gave",
        "passed",
        "introduced",
        "friend",
        "cousin",
        "colleague",
        "tutor",
        "professor",
        "advisor",
        "adviser",
        "lecturer",
        "teacher",
        "mentor",
        "manager",
        "uncle",
        "aunt",
        "sister",
        "brother",
        "mum",
        "mom",
        "dad",
        "father",
        "mother",
        "coach",
        "supervisor",
        "counsellor",
        "counselor",
    ];
    let ws = words(text);
    ws.iter().any(|w| PEOPLE.iter().any(|p| w.starts_with(p)))
        || raw_words(text)
            .iter()
            .skip(1)
            .any(|w| w.chars().next().is_some_and(char::is_uppercase) && w.len() > 1 && *w != "I")
}

/// Words that make a subject line read as junk when they are most of it.
const GENERIC_SUBJECT: &[&str] = &[
    "hi",
    "hello",
    "hey",
    "quick",
    "question",
    "help",
    "opportunity",
    "request",
    "urgent",
    "free",
    "meeting",
    "please",
    "important",
    "re",
    "fwd",
];

/// ask.subject (email only): a plain, specific subject line.
fn ask_subject(text: &str) -> Check {
    let subject = text
        .lines()
        .map(str::trim)
        .find(|l| lower(l).starts_with("subject:") || lower(l).starts_with("re:"))
        .map(|l| l.split_once(':').map_or("", |x| x.1).trim().to_string());
    let Some(s) = subject else {
        return Check::new(
            "ask.subject",
            0,
            3,
            vec![],
            "No subject line: start with `Subject: ...` saying who you are and what you seek.",
        );
    };
    let sw = words(&s);
    let generic = sw
        .iter()
        .filter(|w| GENERIC_SUBJECT.contains(&w.as_str()))
        .count();
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    let shouting = letters.len() > 3 && letters.iter().all(|c| c.is_uppercase());
    let junky = s.contains("!!")
        || sw.iter().any(|w| ["urgent", "free"].contains(&w.as_str()))
        || shouting
        || sw.len() < 3
        || generic * 2 >= sw.len();
    if junky {
        Check::new(
            "ask.subject",
            1,
            3,
            vec![s.clone()],
            "The subject line could pass for junk: make it plain and specific (who you are, what you seek).",
        )
    } else if sw.len() > 20 {
        Check::new(
            "ask.subject",
            2,
            3,
            vec![s.clone()],
            "Specific, but long for an inbox: the first few words should carry it.",
        )
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

/// What a request does, read by meaning: one flag per thing the guide asks
/// of a first contact. `coffeechat` scores from the same readings; this view
/// is for measuring them against labelled requests.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RequestFacts {
    pub identify: bool,
    pub connection: bool,
    pub purpose: bool,
    pub time_bounded: bool,
    pub no_job: bool,
    /// A sure job ask (an unsure one costs nothing and is not counted).
    pub job_ask: bool,
    pub framing: bool,
    pub expertise: bool,
    /// Email only: a subject line that is present and plain.
    pub subject: Option<bool>,
    pub textspeak: bool,
}

/// Reads a request into [`RequestFacts`].
pub fn request_facts(classifier: &Classifier, text: &str, medium: Medium) -> RequestFacts {
    let r = evaluate_request(classifier, text, medium, None);
    let pts = |item: &str| r.check(item).map_or(0, |c| c.points);
    let sents = read_sentences(classifier, text, REQUEST_ACTS);
    RequestFacts {
        identify: first_doing(&sents, SentenceAct::Identify).is_some(),
        connection: first_doing(&sents, SentenceAct::Connection).is_some(),
        purpose: first_doing(&sents, SentenceAct::Purpose).is_some(),
        time_bounded: pts("ask.time") >= 3,
        no_job: pts("ask.no_job") == 4,
        job_ask: r.job_ask,
        framing: pts("ask.framing") == 3,
        expertise: pts("ask.expertise") >= 2,
        subject: (medium == Medium::Email).then(|| pts("ask.subject") >= 2),
        textspeak: !text_speak(text).is_empty(),
    }
}

/// Scores a first-contact request against the ask.* items.
pub fn evaluate_request(
    classifier: &Classifier,
    text: &str,
    medium: Medium,
    org: Option<&OrganizationFacts>,
) -> RequestReport {
    let _ = org;
    let sents = read_sentences(classifier, text, REQUEST_ACTS);
    let n_words = words(text).len();
    let job = job_ask(classifier, &sents);
    let mut checks = vec![
        ask_brief(text, &sents, n_words),
        ask_identify(&sents),
        ask_time(text, &sents),
        ask_no_job(&job, &sents),
        ask_framing(&sents, medium),
        ask_expertise(&sents),
    ];
    if medium == Medium::Email {
        checks.push(ask_subject(text));
    }
    let earned: i32 = checks.iter().map(|c| c.points.max(0)).sum();
    let max: i32 = checks.iter().map(|c| c.max).sum();
    let mut quality = if max > 0 {
        f64::from(earned) / f64::from(max)
    } else {
        0.0
    };
    let sure_job = matches!(job, JobRead::Sure(_));
    if sure_job {
        quality *= 0.4;
    }
    let l = lower(text);
    let states_goal = GOAL_MARKERS.iter().any(|m| l.contains(m))
        || sents.iter().any(|s| s.does(SentenceAct::Purpose))
        || sents
            .iter()
            .any(|s| classifier.classify(&s.text, None).topic == Topic::ShareGoals);
    RequestReport {
        checks,
        quality,
        job_ask: sure_job,
        states_goal,
        names_contact: mutual_contact(&sents).is_some(),
    }
}

/// The follow-up note's evaluation (after.* items).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NoteReport {
    pub checks: Vec<Check>,
    pub job_ask: bool,
}

/// What the note can be held against: the person the professional suggested
/// and what they said in the meeting.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoteContext<'a> {
    /// The name the professional offered, if any.
    pub referral: Option<&'a str>,
    /// The professional's own lines in the meeting.
    pub said: &'a [String],
}

/// Words too common to show that a note refers to what was said.
const STOP: &[&str] = &[
    "the",
    "and",
    "for",
    "that",
    "this",
    "with",
    "you",
    "your",
    "was",
    "are",
    "have",
    "had",
    "but",
    "not",
    "from",
    "they",
    "them",
    "what",
    "when",
    "about",
    "would",
    "there",
    "their",
    "will",
    "just",
    "really",
    "very",
    "much",
    "more",
    "some",
    "been",
    "into",
    "out",
    "our",
    "can",
    "could",
    "all",
    "get",
    "got",
    "one",
    "time",
    "thank",
    "thanks",
    "it's",
    "i'm",
    "i've",
    "that's",
    "also",
    "like",
    "work",
    "job",
    "field",
    "people",
    "things",
    "think",
    "know",
    "make",
    "good",
    "great",
    "lot",
    "well",
    "said",
    "told",
    "advice",
    "chat",
    "talk",
    "meeting",
    "conversation",
    "yesterday",
    "today",
    "again",
    "which",
    "who",
    "how",
    "why",
    "where",
    "than",
    "then",
    "even",
    "still",
    "being",
    "does",
    "did",
    "doing",
    "so",
    "too",
];

fn content_words(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .filter(|w| w.chars().count() > 3 && !STOP.contains(&w.as_str()))
        .map(|w| crate::classify::text::stem(&w))
        .collect()
}

/// A sentence of the note that picks up something the professional said: it
/// shares two content words with one of their lines, or reads as a reference.
fn specific_sentence(sents: &[Sentence], said: &[String]) -> Option<String> {
    let theirs: Vec<Vec<String>> = said.iter().map(|l| content_words(l)).collect();
    sents
        .iter()
        .find(|s| {
            let mine = content_words(&s.text);
            theirs
                .iter()
                .any(|t| mine.iter().filter(|w| t.contains(w)).count() >= 2)
        })
        .or_else(|| sents.iter().find(|s| s.does(SentenceAct::Specific)))
        .map(|s| clip(&s.text, 160))
}

/// after.thanks: a short, sincere thank-you (5), specific to what they said
/// (3). A careless one-liner or text-speak earns little; a job ask costs.
fn after_thanks(sents: &[Sentence], text: &str, said: &[String], job: &JobRead) -> Check {
    let n_words = words(text).len();
    if n_words == 0 {
        return Check::new(
            "after.thanks",
            0,
            8,
            vec![],
            "No follow-up note: a short thank-you leaves a lasting good impression.",
        );
    }
    let thanks = first_doing(sents, SentenceAct::Thanks);
    let specific = specific_sentence(sents, said);
    let careless = n_words < 8 || !text_speak(text).is_empty();
    let mut ev = Vec::new();
    let (mut pts, mut note) = match &thanks {
        None => (1, "The note never actually thanks them.".to_string()),
        Some(s) => {
            ev.push(s.clone());
            if careless {
                (
                    2,
                    "A one-line or text-speak thanks reads as careless: write two or three proper sentences."
                        .to_string(),
                )
            } else if n_words > 200 {
                (
                    3,
                    format!("A thank-you, but long ({n_words} words): keep it short."),
                )
            } else {
                (5, "A short, sincere thank-you.".to_string())
            }
        }
    };
    match &specific {
        Some(s) if !careless => {
            pts += 3;
            note.push_str(" It picks up something they actually said, so it reads as personal.");
            push_unique(&mut ev, s.clone());
        }
        _ => note.push_str(" Mention one thing they said that helped, so it is not a form letter."),
    }
    if let JobRead::Sure(s) = job {
        pts -= 6;
        note = "The note asks for a job: it undoes the goodwill the meeting built.".to_string();
        ev.push(s.clone());
    }
    Check::new("after.thanks", pts.clamp(-4, 8), 8, ev, note)
}

/// after.referral_done: only when a name was given; counts however the
/// student refers to the person.
fn after_referral_done(sents: &[Sentence], name: &str) -> Check {
    let name_l = lower(name);
    let parts: Vec<&str> = name_l
        .split_whitespace()
        .filter(|p| p.len() > 2 && !["dr.", "mr.", "ms.", "mrs."].contains(p))
        .collect();
    let by_name = sents.iter().find(|s| {
        let ws = words(&s.text);
        parts.iter().any(|p| ws.iter().any(|w| w == p))
    });
    let mention = by_name.or_else(|| sents.iter().find(|s| s.does(SentenceAct::ReferralDone)));
    match mention {
        Some(s) => Check::new(
            "after.referral_done",
            3,
            3,
            vec![clip(&s.text, 160)],
            "You report back on the contact they gave you.",
        ),
        None => Check::new(
            "after.referral_done",
            0,
            3,
            vec![],
            format!("They gave you {name}: say that you have written to them (or will)."),
        ),
    }
}

/// after.update: what the student will do next, or an offer to keep them posted.
fn after_update(sents: &[Sentence]) -> Check {
    match first_doing(sents, SentenceAct::Update) {
        Some(s) => Check::new(
            "after.update",
            4,
            4,
            vec![s],
            "You tell them what you will do next and keep the door open.",
        ),
        None => Check::new(
            "after.update",
            0,
            4,
            vec![],
            "Tell them what you plan to do with their advice, and offer to keep them posted.",
        ),
    }
}

/// What a note does, read by meaning (see [`RequestFacts`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoteFacts {
    pub thanks: bool,
    pub specific: bool,
    pub update: bool,
    /// Only when a referral was given.
    pub referral_done: Option<bool>,
    pub job_ask: bool,
    /// Text-speak or a careless one-liner.
    pub textspeak: bool,
}

/// Reads a note into [`NoteFacts`].
pub fn note_facts(classifier: &Classifier, text: &str, context: NoteContext<'_>) -> NoteFacts {
    let notes = [text.to_string()];
    let r = evaluate_note_in(classifier, &notes, context);
    let sents = read_sentences(classifier, text, NOTE_ACTS);
    NoteFacts {
        thanks: first_doing(&sents, SentenceAct::Thanks).is_some(),
        specific: specific_sentence(&sents, context.said).is_some(),
        update: first_doing(&sents, SentenceAct::Update).is_some(),
        referral_done: r
            .checks
            .iter()
            .find(|c| c.item == "after.referral_done")
            .map(|c| c.points > 0),
        job_ask: r.job_ask,
        textspeak: !text_speak(text).is_empty() || words(text).len() < 8,
    }
}

/// Scores the follow-up note(s). `referral` is the name the professional offered, if any.
pub fn evaluate_note(
    classifier: &Classifier,
    notes: &[String],
    referral: Option<&str>,
) -> NoteReport {
    evaluate_note_in(
        classifier,
        notes,
        NoteContext {
            referral,
            said: &[],
        },
    )
}

/// Scores the follow-up note(s) against what happened in the meeting.
pub fn evaluate_note_in(
    classifier: &Classifier,
    notes: &[String],
    context: NoteContext<'_>,
) -> NoteReport {
    let text = notes.join("\n");
    let sents = read_sentences(classifier, &text, NOTE_ACTS);
    let job = job_ask(classifier, &sents);
    let mut checks = vec![after_thanks(&sents, &text, context.said, &job)];
    if let Some(name) = context.referral {
        checks.push(after_referral_done(&sents, name));
    }
    checks.push(after_update(&sents));
    NoteReport {
        checks,
        job_ask: matches!(job, JobRead::Sure(_)),
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
        assert_eq!(requested_minutes("a 20-minute call").map(|x| x.0), Some(20));
        assert_eq!(requested_minutes("just 15min?").map(|x| x.0), Some(15));
        assert_eq!(
            requested_minutes("a twenty-minute chat").map(|x| x.0),
            Some(20)
        );
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
            "Thank you so much for your time yesterday. Your point about learning statistics early \
stuck with me. I wrote to Marcus Lee as you suggested. I've decided to take the statistics course, \
and I'll keep you posted."
                .to_string(),
        ];
        let said =
            vec!["Learning statistics early made the biggest difference for me.".to_string()];
        let r = evaluate_note_in(
            &Classifier::new(),
            &note,
            NoteContext {
                referral: Some("Marcus Lee"),
                said: &said,
            },
        );
        for c in &r.checks {
            assert_eq!(c.points, c.max, "{}: {}", c.item, c.note);
        }
        let bare = evaluate_note(&Classifier::new(), &[], Some("Marcus Lee"));
        assert!(bare.checks.iter().all(|c| c.points == 0));
    }
}
