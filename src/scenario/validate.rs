//! Semantic checks on parsed scenarios, each problem located at the key or value
//! it concerns (`file:line:column`), all reported at once.
//!
//! Serde catches syntax, unknown keys and wrong types; this module catches what a
//! type cannot: missing topics, empty line lists, out-of-range numbers, overlong
//! text, bad placeholders, duplicate ids and references to unknown scenarios.

use super::diagnostic::{line_col, Diagnostic};
use super::{Medium, Scenario};
use crate::topic::{Topic, Verdict};
use std::cell::OnceCell;
use std::collections::HashMap;
use toml_edit::ImDocument;

/// One step of a path into the TOML document.
#[derive(Debug, Clone)]
pub enum Seg {
    Key(&'static str),
    Name(String),
    Index(usize),
}

use Seg::{Index, Key, Name};

/// A scenario with the text it was parsed from, for locating problems.
pub struct Source<'a> {
    pub file: &'a str,
    pub text: &'a str,
    pub scenario: &'a Scenario,
    /// The span-keeping parse of `text`, made only when a problem must be located,
    /// so a clean file is parsed once (by serde) and a broken one twice at most.
    doc: OnceCell<Option<ImDocument<&'a str>>>,
}

impl<'a> Source<'a> {
    pub fn new(file: &'a str, text: &'a str, scenario: &'a Scenario) -> Self {
        Source {
            file,
            text,
            scenario,
            doc: OnceCell::new(),
        }
    }

    /// Line and column of the deepest existing item on `path`.
    pub fn locate(&self, path: &[Seg]) -> (usize, usize) {
        let doc = self
            .doc
            .get_or_init(|| ImDocument::parse(self.text).ok())
            .as_ref();
        doc.map_or((1, 1), |d| locate_in(d, self.text, path))
    }

    fn diag(&self, path: &[Seg], message: String, hint: String) -> Diagnostic {
        let (line, column) = self.locate(path);
        Diagnostic {
            file: self.file.to_string(),
            line,
            column,
            message,
            hint: (!hint.is_empty()).then_some(hint),
        }
    }
}

/// Finds the line and column of the deepest existing item on `path`.
pub fn locate(text: &str, path: &[Seg]) -> (usize, usize) {
    match ImDocument::parse(text) {
        Ok(doc) => locate_in(&doc, text, path),
        Err(_) => (1, 1),
    }
}

fn locate_in(doc: &ImDocument<&str>, text: &str, path: &[Seg]) -> (usize, usize) {
    let mut best: Option<usize> = None;
    let mut table: &toml_edit::Table = doc;
    let mut item: Option<&toml_edit::Item> = None;
    for seg in path {
        let next = match (seg, item) {
            (Key(_) | Name(_), _) => {
                let k: &str = match seg {
                    Key(k) => k,
                    Name(n) => n.as_str(),
                    Index(_) => "",
                };
                let t = match item {
                    None => Some(table),
                    Some(it) => it.as_table(),
                };
                match t.and_then(|t| t.get_key_value(k)) {
                    Some((key, it)) => {
                        if let Some(sp) = key.span().or_else(|| it.span()) {
                            best = Some(sp.start);
                        }
                        Some(it)
                    }
                    None => None,
                }
            }
            (Index(i), Some(it)) => {
                let found = it.get(*i);
                if let Some(sp) = found.and_then(|f| f.span()) {
                    best = Some(sp.start);
                }
                found
            }
            (Index(_), None) => None,
        };
        match next {
            Some(n) => {
                item = Some(n);
                if let Some(t) = n.as_table() {
                    table = t;
                }
            }
            None => break,
        }
    }
    best.map_or((1, 1), |off| line_col(text, off))
}

struct Checker<'s, 'a> {
    src: &'s Source<'a>,
    out: Vec<Diagnostic>,
}

impl Checker<'_, '_> {
    fn err(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        let d = self.src.diag(path, message.into(), hint.into());
        self.out.push(d);
    }

    /// A single text value: not blank, at most `max` characters, no placeholders.
    fn text(&mut self, path: &[Seg], value: &str, max: usize) {
        let n = value.chars().count();
        if value.trim().is_empty() {
            self.err(path, format!("`{}` is empty", show(path)), "write the text");
        } else if n > max {
            self.err(
                path,
                format!("`{}` is {n} characters; the limit is {max}", show(path)),
                "shorten it",
            );
        }
        if let Some(ph) = placeholders(value).first() {
            self.err(
                path,
                format!("unknown placeholder `{{{ph}}}`"),
                "no placeholders are filled in here; write the words out",
            );
        }
    }

    fn lines(&mut self, path: &[Seg], lines: &[String], allowed: &[&str]) {
        if lines.is_empty() {
            self.err(
                path,
                format!("`{}` has no lines", show(path)),
                "add at least one line in quotes inside the [ ]",
            );
            return;
        }
        for (i, l) in lines.iter().enumerate() {
            let mut p = path.to_vec();
            p.push(Index(i));
            if l.trim().is_empty() {
                self.err(
                    &p,
                    "empty line",
                    "write the line, or remove the empty quotes",
                );
            }
            if l.chars().count() > MAX_LINE {
                self.err(
                    &p,
                    format!(
                        "line is {} characters; the limit is {MAX_LINE}",
                        l.chars().count()
                    ),
                    "split it into two shorter variants",
                );
            }
            for ph in placeholders(l) {
                if !allowed.contains(&ph.as_str()) {
                    let hint = if allowed.is_empty() {
                        "no placeholders are filled in here; write the words out".to_string()
                    } else {
                        let ok: Vec<String> = allowed.iter().map(|a| format!("{{{a}}}")).collect();
                        let verb = if ok.len() == 1 { "is" } else { "are" };
                        format!("only {} {verb} filled in here", ok.join(" and "))
                    };
                    self.err(&p, format!("unknown placeholder `{{{ph}}}`"), hint);
                }
            }
        }
    }
}

/// The longest line a scenario may give the professional (the bot adds text around it).
pub const MAX_LINE: usize = 1500;
/// Titles head Discord embeds and list entries.
pub const MAX_TITLE: usize = 80;
/// Summaries appear in lists under each title.
pub const MAX_SUMMARY: usize = 200;
/// The brief is an embed description (4,096) with room for the bot's own text.
pub const MAX_BRIEF: usize = 3000;
/// Field, role and organisation are joined into one line of a list entry.
pub const MAX_FIELD: usize = 100;
/// The professional speaks under this name; Discord allows 80 characters for it.
pub const MAX_NAME: usize = 80;
/// A public fact is spliced into a `researchable` line as `{fact}`.
pub const MAX_FACT: usize = 400;
/// Missed insights are listed as "summary (try: hint)" in one scorecard field of 1,024 characters.
pub const MAX_INSIGHT_SUMMARY: usize = 120;
pub const MAX_INSIGHT_HINT: usize = 160;

fn show(path: &[Seg]) -> String {
    path.iter()
        .map(|s| match s {
            Key(k) => k.to_string(),
            Name(n) => n.clone(),
            Index(i) => format!("[{i}]"),
        })
        .collect::<Vec<_>>()
        .join(".")
        .replace(".[", "[")
}

fn placeholders(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(a) = rest.find('{') {
        let after = &rest[a + 1..];
        match after.find('}') {
            Some(b)
                if b > 0
                    && after[..b]
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_') =>
            {
                out.push(after[..b].to_string());
                rest = &after[b + 1..];
            }
            _ => rest = after,
        }
    }
    out
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !id.starts_with('-')
        && !id.ends_with('-')
}

/// Checks one scenario on its own.
pub fn check_one(src: &Source<'_>) -> Vec<Diagnostic> {
    let sc = src.scenario;
    let mut c = Checker {
        src,
        out: Vec::new(),
    };
    check_top(&mut c, sc);
    check_professional(&mut c, sc);
    check_organization(&mut c, sc);
    check_meeting(&mut c, sc);
    check_request(&mut c, sc);
    check_replies(&mut c, sc);
    check_reactions(&mut c, sc);
    check_referral_basics(&mut c, sc);
    check_optional_lines(&mut c, sc);
    check_referrals(&mut c, sc);
    check_follow_ups(&mut c, sc);
    check_insights(&mut c, sc);
    check_tests(&mut c, sc);
    c.out
}

/// Id, title, field, summary and brief.
fn check_top(c: &mut Checker<'_, '_>, sc: &Scenario) {
    if !valid_id(&sc.id) {
        c.err(
            &[Key("id")],
            format!("invalid id `{}`", sc.id),
            "use up to 64 lower-case letters, digits and dashes, no dash at either end, e.g. `nursing-icu`",
        );
    }
    c.text(&[Key("title")], &sc.title, MAX_TITLE);
    c.text(&[Key("field")], &sc.field, MAX_FIELD);
    c.text(&[Key("summary")], &sc.summary, MAX_SUMMARY);
    c.text(&[Key("brief")], &sc.brief, MAX_BRIEF);
}

/// Who the professional is and how they behave.
fn check_professional(c: &mut Checker<'_, '_>, sc: &Scenario) {
    let p = &sc.professional;
    c.text(&[Key("professional"), Key("name")], &p.name, MAX_NAME);
    c.text(&[Key("professional"), Key("role")], &p.role, MAX_FIELD);
    c.text(
        &[Key("professional"), Key("organization")],
        &p.organization,
        MAX_FIELD,
    );
    let lower = p.name.to_lowercase();
    if lower.contains("discord") || lower.contains("clyde") {
        c.err(
            &[Key("professional"), Key("name")],
            format!("Discord refuses the name `{}`", p.name),
            "a speaker's name may not contain \"discord\" or \"clyde\"",
        );
    }
    if let Some(u) = &p.avatar_url {
        let ok = url::Url::parse(u).is_ok_and(|u| u.scheme() == "https" && u.host().is_some());
        if !ok {
            c.err(
                &[Key("professional"), Key("avatar_url")],
                format!("avatar_url `{u}` is not an https:// address"),
                "use the full address of an image, starting with https://, or remove the key",
            );
        }
    }
    if !(0.0..=1.0).contains(&p.busyness) {
        c.err(
            &[Key("professional"), Key("busyness")],
            format!("busyness {} is outside 0.0-1.0", p.busyness),
            "0.0 = all the time in the world, 1.0 = swamped",
        );
    }
    if !(-3..=3).contains(&p.warmth) {
        c.err(
            &[Key("professional"), Key("warmth")],
            format!("warmth {} is outside -3..3", p.warmth),
            "0 is neutral",
        );
    }
    if !(1..=10).contains(&p.patience) {
        c.err(
            &[Key("professional"), Key("patience")],
            format!("patience {} is outside 1..10", p.patience),
            "how many poor questions they tolerate",
        );
    }
}

/// The public facts.
fn check_organization(c: &mut Checker<'_, '_>, sc: &Scenario) {
    let o = &sc.organization;
    c.text(&[Key("organization"), Key("name")], &o.name, MAX_FIELD);
    c.text(
        &[Key("organization"), Key("description")],
        &o.description,
        MAX_FACT,
    );
    for (k, v) in [
        ("founded", &o.founded),
        ("headquarters", &o.headquarters),
        ("size", &o.size),
        ("leader", &o.leader),
        ("products", &o.products),
        ("website", &o.website),
    ] {
        if let Some(v) = v {
            c.text(&[Key("organization"), Key(k)], v, MAX_FACT);
        }
    }
}

/// Minutes and the meeting lines.
fn check_meeting(c: &mut Checker<'_, '_>, sc: &Scenario) {
    if !(5..=60).contains(&sc.meeting.minutes) {
        c.err(
            &[Key("meeting"), Key("minutes")],
            format!("minutes {} is outside 5-60", sc.meeting.minutes),
            "informational meetings are usually 10-30 minutes",
        );
    }
    let m = &sc.meeting;
    for (k, l) in [
        ("opening", &m.opening),
        ("wrap_up", &m.wrap_up),
        ("farewell", &m.farewell),
        ("dismiss", &m.dismiss),
    ] {
        c.lines(&[Key("meeting"), Key(k)], l, &[]);
    }
    c.lines(
        &[Key("meeting"), Key("time_warning")],
        &m.time_warning,
        &["minutes"],
    );
}

/// Answers to the request, and ready_now for phones.
fn check_request(c: &mut Checker<'_, '_>, sc: &Scenario) {
    let m = &sc.meeting;
    let r = &sc.request;
    for (k, l) in [
        ("accept", &r.accept),
        ("decline", &r.decline),
        ("ignore", &r.ignore),
    ] {
        c.lines(&[Key("request"), Key(k)], l, &[]);
    }
    if !r.accept_named.is_empty() {
        c.lines(&[Key("request"), Key("accept_named")], &r.accept_named, &[]);
    }
    match (m.medium, r.ready_now.is_empty()) {
        (Medium::Phone, true) => c.err(
            &[Key("request")],
            "a phone scenario needs `ready_now` lines",
            "add ready_now = [\"Now's fine, go ahead.\"] under [request]",
        ),
        (Medium::Phone, false) => c.lines(&[Key("request"), Key("ready_now")], &r.ready_now, &[]),
        (_, false) => c.err(
            &[Key("request"), Key("ready_now")],
            "`ready_now` only applies to phone scenarios",
            "remove it, or set meeting.medium = \"phone\"",
        ),
        _ => {}
    }
}

/// Replies for every good topic, and none for the others.
fn check_replies(c: &mut Checker<'_, '_>, sc: &Scenario) {
    for t in Topic::GOOD {
        match sc.replies.get(&t) {
            None => c.err(
                &[Key("replies")],
                format!("no replies for topic `{t}`"),
                format!("add a [replies.{t}] table with ally, neutral and assessor lines"),
            ),
            Some(lines) => {
                for (k, l) in [
                    ("ally", &lines.ally),
                    ("neutral", &lines.neutral),
                    ("assessor", &lines.assessor),
                ] {
                    c.lines(
                        &[Key("replies"), Name(t.as_str().to_string()), Key(k)],
                        l,
                        &[],
                    );
                }
            }
        }
    }
    for (t, _) in sc
        .replies
        .iter()
        .filter(|(t, _)| t.verdict() != Verdict::Good)
    {
        c.err(
            &[Key("replies"), Name(t.as_str().to_string())],
            format!("`{t}` is not a good topic; replies to it go under [reactions]"),
            "move these lines to [reactions]",
        );
    }
}

/// The reactions to missteps and small talk.
fn check_reactions(c: &mut Checker<'_, '_>, sc: &Scenario) {
    let re = &sc.reactions;
    for (k, l, allowed) in [
        ("job_ask", &re.job_ask, &[][..]),
        ("job_ask_again", &re.job_ask_again, &[]),
        ("self_pitch", &re.self_pitch, &[]),
        ("researchable", &re.researchable, &["fact"]),
        ("off_topic", &re.off_topic, &[]),
        ("courtesy", &re.courtesy, &[]),
        ("no_goal", &re.no_goal, &[]),
        ("probe", &re.probe, &[]),
    ] {
        c.lines(&[Key("reactions"), Key(k)], l, allowed);
    }
}

/// The referral's name, role and lines.
fn check_referral_basics(c: &mut Checker<'_, '_>, sc: &Scenario) {
    c.text(&[Key("referral"), Key("name")], &sc.referral.name, MAX_NAME);
    c.text(
        &[Key("referral"), Key("role")],
        &sc.referral.role,
        MAX_FIELD,
    );
    c.lines(
        &[Key("referral"), Key("offer")],
        &sc.referral.offer,
        &["name", "role"],
    );
    c.lines(
        &[Key("referral"), Key("hold_back")],
        &sc.referral.hold_back,
        &[],
    );
}

/// Insights: unique valid ids, texts, topics.
fn check_insights(c: &mut Checker<'_, '_>, sc: &Scenario) {
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, ins) in sc.insights.iter().enumerate() {
        if let Some(first) = seen.insert(ins.id.as_str(), i) {
            c.err(
                &[Key("insights"), Index(i), Key("id")],
                format!(
                    "duplicate insight id `{}` (also insight {})",
                    ins.id,
                    first + 1
                ),
                "give each insight its own id",
            );
        }
        if !valid_id(&ins.id) {
            c.err(
                &[Key("insights"), Index(i), Key("id")],
                format!("invalid insight id `{}`", ins.id),
                "use lower-case letters, digits and dashes",
            );
        }
        if ins.topic.verdict() != Verdict::Good {
            c.err(
                &[Key("insights"), Index(i), Key("topic")],
                format!("insight topic `{}` is not a good topic", ins.topic),
                "insights are unlocked by good questions, e.g. challenges",
            );
        }
        c.text(
            &[Key("insights"), Index(i), Key("text")],
            &ins.text,
            MAX_LINE,
        );
        c.text(
            &[Key("insights"), Index(i), Key("summary")],
            &ins.summary,
            MAX_INSIGHT_SUMMARY,
        );
        c.text(
            &[Key("insights"), Index(i), Key("hint")],
            &ins.hint,
            MAX_INSIGHT_HINT,
        );
    }
}

/// The scenario's own tests.
fn check_tests(c: &mut Checker<'_, '_>, sc: &Scenario) {
    let mut names: HashMap<&str, usize> = HashMap::new();
    for (i, t) in sc.tests.iter().enumerate() {
        let path = [Key("tests"), Index(i), Key("name")];
        if t.name.trim().is_empty() {
            c.err(&path, "a test needs a name", "say what the test shows");
        } else if let Some(first) = names.insert(t.name.as_str(), i) {
            c.err(
                &path,
                format!("duplicate test name (also test {})", first + 1),
                "give each test its own name, so a failure points at one test",
            );
        }
        if t.say.is_empty() {
            c.err(
                &[Key("tests"), Index(i), Key("say")],
                "a test needs at least one line to say",
                "say = [\"How did you get into this field?\"]",
            );
        }
        for (j, line) in t.say.iter().enumerate() {
            if line.trim().is_empty() {
                c.err(
                    &[Key("tests"), Index(i), Key("say"), Index(j)],
                    "empty line",
                    "write what the student says, or remove the empty quotes",
                );
            }
        }
        if let Some(id) = &t.expect_insight {
            if !sc.insights.iter().any(|x| &x.id == id) {
                c.err(
                    &[Key("tests"), Index(i), Key("expect_insight")],
                    format!("no insight `{id}` in this scenario"),
                    "use the id of one of its [[insights]]",
                );
            }
        }
    }
}

/// Lists that may be left out (defaults apply) but must be well formed when given.
fn check_optional_lines(c: &mut Checker<'_, '_>, sc: &Scenario) {
    let re = &sc.reactions;
    let a = &sc.after;
    for (path, l, allowed) in [
        ([Key("reactions"), Key("clarify")], &re.clarify, &[][..]),
        ([Key("reactions"), Key("repeat")], &re.repeat, &[]),
        ([Key("reactions"), Key("compound")], &re.compound, &[]),
        ([Key("reactions"), Key("sign_off")], &re.sign_off, &[]),
        (
            [Key("referral"), Key("only_one")],
            &sc.referral.only_one,
            &["name"],
        ),
        ([Key("after"), Key("warm")], &a.warm, &[]),
        ([Key("after"), Key("polite")], &a.polite, &[]),
        ([Key("after"), Key("job_ask")], &a.job_ask, &["name"]),
    ] {
        if !l.is_empty() {
            c.lines(&path, l, allowed);
        }
    }
}

/// Whether `name` (or its surname) appears in the brief: the person who introduced the student.
fn named_in_brief(brief: &str, name: &str) -> bool {
    let brief_l = brief.to_lowercase();
    let name_l = name.to_lowercase();
    if brief_l.contains(&name_l) {
        return true;
    }
    let surname = name_l
        .split_whitespace()
        .last()
        .unwrap_or("")
        .trim_matches(|c: char| !c.is_alphanumeric());
    surname.chars().count() >= 3
        && brief_l
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| w == surname)
}

/// Referrals: never the person who introduced the student or the professional
/// themselves; further colleagues well formed.
fn check_referrals(c: &mut Checker<'_, '_>, sc: &Scenario) {
    let mut people = vec![(vec![Key("referral"), Key("name")], sc.referral.name.clone())];
    for (i, col) in sc.referral.also.iter().enumerate() {
        let base = vec![Key("referral"), Key("also"), Index(i)];
        let at = |k| {
            let mut p = base.clone();
            p.push(Key(k));
            p
        };
        c.text(&at("name"), &col.name, MAX_NAME);
        c.text(&at("role"), &col.role, MAX_FIELD);
        c.lines(&at("offer"), &col.offer, &["name", "role"]);
        people.push((at("name"), col.name.clone()));
    }
    for (path, name) in people {
        if named_in_brief(&sc.brief, &name) {
            c.err(
                &path,
                format!("`{name}` is named in the brief: a referral must not be the person who introduced the student"),
                "name a different colleague; the student already knows this person",
            );
        }
        if name
            .trim()
            .eq_ignore_ascii_case(sc.professional.name.trim())
        {
            c.err(
                &path,
                format!("`{name}` is the professional themselves"),
                "name a colleague",
            );
        }
    }
}

/// Follow-ups: lines to say, and a `to` phrase that appears in a reply of the topic.
fn check_follow_ups(c: &mut Checker<'_, '_>, sc: &Scenario) {
    for (t, lines) in &sc.replies {
        for (i, f) in lines.follow_ups.iter().enumerate() {
            let base = vec![
                Key("replies"),
                Name(t.as_str().to_string()),
                Key("follow_ups"),
                Index(i),
            ];
            let mut p = base.clone();
            p.push(Key("lines"));
            c.lines(&p, &f.lines, &[]);
            if let Some(to) = &f.to {
                let to_l = to.to_lowercase();
                let found = lines
                    .ally
                    .iter()
                    .chain(&lines.neutral)
                    .chain(&lines.assessor)
                    .any(|l| l.to_lowercase().contains(&to_l));
                if !found {
                    let mut p = base.clone();
                    p.push(Key("to"));
                    c.err(
                        &p,
                        format!("no reply of `{t}` contains \"{to}\""),
                        "copy a few words exactly from the reply this follows, or leave `to` out to follow every reply of the topic",
                    );
                }
            }
        }
    }
}

/// Topics whose replies a student is likely to pick up on.
const FOLLOWED_TOPICS: [Topic; 10] = [
    Topic::CareerPath,
    Topic::Entry,
    Topic::Challenges,
    Topic::Rewards,
    Topic::Preparation,
    Topic::DayToDay,
    Topic::Organization,
    Topic::Outlook,
    Topic::Advice,
    Topic::Alternatives,
];

/// Advice that does not block loading: ally and neutral replies that no
/// follow-up answers (a student who picks them up gets a sideways answer).
pub fn notes_one(src: &Source<'_>) -> Vec<Diagnostic> {
    let sc = src.scenario;
    let mut out = Vec::new();
    for t in FOLLOWED_TOPICS {
        let Some(lines) = sc.replies.get(&t) else {
            continue;
        };
        for (k, set) in [("ally", &lines.ally), ("neutral", &lines.neutral)] {
            for (i, l) in set.iter().enumerate() {
                let l_l = l.to_lowercase();
                let covered = lines.follow_ups.iter().any(|f| {
                    f.to.as_ref()
                        .is_none_or(|to| l_l.contains(&to.to_lowercase()))
                });
                if !covered {
                    out.push(src.diag(
                        &[Key("replies"), Name(t.as_str().to_string()), Key(k), Index(i)],
                        format!("note: this `{t}` reply has no follow-up"),
                        format!("add a [[replies.{t}.follow_ups]] whose `to` quotes a few of its words (see scenarios/README.md)"),
                    ));
                }
            }
        }
    }
    out
}

/// Checks a whole set: each scenario, plus duplicate ids and referral references.
/// `extra` are scenarios that references may point to but that are not checked.
pub fn check_set(sources: &[Source<'_>], extra: &[Scenario]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = sources.iter().flat_map(check_one).collect();
    // Duplicate ids: every place is reported, each naming the others.
    let mut by_id: HashMap<&str, Vec<&Source<'_>>> = HashMap::new();
    for s in sources {
        by_id.entry(s.scenario.id.as_str()).or_default().push(s);
    }
    let mut dupes: Vec<(&str, &Vec<&Source<'_>>)> = by_id
        .iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(id, v)| (*id, v))
        .collect();
    dupes.sort_by_key(|(id, _)| *id);
    for (id, places) in dupes {
        let at: Vec<String> = places
            .iter()
            .map(|s| {
                let (line, column) = s.locate(&[Key("id")]);
                format!("{}:{line}:{column}", s.file)
            })
            .collect();
        for (i, s) in places.iter().enumerate() {
            let others: Vec<&str> = at
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, a)| a.as_str())
                .collect();
            out.push(s.diag(
                &[Key("id")],
                format!(
                    "duplicate scenario id `{id}` (also at {})",
                    others.join(", ")
                ),
                "every scenario needs its own id; rename one of them".to_string(),
            ));
        }
    }
    let mut names: HashMap<&str, &str> = by_id
        .iter()
        .map(|(id, v)| (*id, v[0].scenario.professional.name.as_str()))
        .collect();
    for e in extra {
        names
            .entry(e.id.as_str())
            .or_insert(e.professional.name.as_str());
    }
    for s in sources {
        let r = &s.scenario.referral;
        let Some(target) = &r.scenario else {
            continue;
        };
        if *target == s.scenario.id {
            out.push(s.diag(
                &[Key("referral"), Key("scenario")],
                "a referral must point to another scenario, not to this one".to_string(),
                "name a colleague who is the professional of another scenario, or drop referral.scenario".to_string(),
            ));
            continue;
        }
        match names.get(target.as_str()) {
            None => {
                let mut ids: Vec<&str> = names.keys().copied().collect();
                ids.sort_unstable();
                let close: Vec<&str> = ids
                    .iter()
                    .copied()
                    .filter(|id| similar(id, target))
                    .collect();
                let hint = if close.is_empty() {
                    format!("known ids: {}", ids.join(", "))
                } else {
                    format!("did you mean {}?", close.join(" or "))
                };
                out.push(s.diag(
                    &[Key("referral"), Key("scenario")],
                    format!("referral names unknown scenario `{target}`"),
                    hint,
                ));
            }
            Some(name) if *name != r.name => out.push(s.diag(
                &[Key("referral"), Key("name")],
                format!(
                    "referral name `{}` is not the professional of scenario `{target}` ({name})",
                    r.name
                ),
                format!("set referral.name = \"{name}\", or drop referral.scenario"),
            )),
            _ => {}
        }
    }
    out
}

/// Whether `a` is a plausible misspelling of `b` (for "did you mean" hints).
fn similar(a: &str, b: &str) -> bool {
    let limit = (a.len().max(b.len()) / 4).max(2);
    a.contains(b)
        || b.contains(a)
        || a.split('-').next() == b.split('-').next()
        || edit_distance(a, b) <= limit
}

/// Levenshtein distance in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found() {
        assert_eq!(
            placeholders("x {fact} y {name}{} {not closed"),
            vec!["fact", "name"]
        );
        assert!(placeholders("{ spaced }").is_empty());
    }

    #[test]
    fn locate_points_at_keys_and_array_items() {
        let text = "id = \"a\"\n[meeting]\nopening = [\n  \"one\",\n  \"two\",\n]\n";
        assert_eq!(locate(text, &[Key("id")]), (1, 1));
        assert_eq!(locate(text, &[Key("meeting"), Key("opening")]), (3, 1));
        assert_eq!(
            locate(text, &[Key("meeting"), Key("opening"), Index(1)]),
            (5, 3)
        );
        // A missing key falls back to its parent.
        assert_eq!(locate(text, &[Key("meeting"), Key("nope")]), (2, 2));
    }

    #[test]
    fn close_ids_are_suggested() {
        assert_eq!(edit_distance("ux-reserch", "ux-research"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert!(similar("nursing-icu", "nursng-icu"));
        assert!(similar("game-design", "gamedesign"));
        assert!(!similar("finance-analyst", "nursing-icu"));
    }

    #[test]
    fn ids() {
        assert!(valid_id("nursing-icu"));
        assert!(!valid_id("Nursing"));
        assert!(!valid_id("-x"));
        assert!(!valid_id(""));
    }
}
