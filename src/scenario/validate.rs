//! Semantic checks on parsed scenarios, each problem located at the key or value
//! it concerns (`file:line:column`), all reported at once.
//!
//! Serde catches syntax, unknown keys and wrong types; this module catches what a
//! type cannot: missing topics, empty line lists, out-of-range numbers, overlong
//! text, bad placeholders, duplicate ids and references to unknown scenarios.

use super::load::{line_col, Diagnostic};
use super::{Medium, Scenario};
use crate::topic::{Topic, Verdict};
use std::collections::HashMap;

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
}

/// Finds the line and column of the deepest existing item on `path`.
pub fn locate(text: &str, path: &[Seg]) -> (usize, usize) {
    let Ok(doc) = toml_edit::ImDocument::parse(text) else {
        return (1, 1);
    };
    let mut best: Option<usize> = None;
    let mut table: &toml_edit::Table = &doc;
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

struct Checker<'a> {
    src: &'a Source<'a>,
    out: Vec<Diagnostic>,
}

impl Checker<'_> {
    fn err(&mut self, path: &[Seg], message: impl Into<String>, hint: impl Into<String>) {
        let (line, column) = locate(self.src.text, path);
        let hint: String = hint.into();
        self.out.push(Diagnostic {
            file: self.src.file.to_string(),
            line,
            column,
            message: message.into(),
            hint: (!hint.is_empty()).then_some(hint),
        });
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
                    let ok = if allowed.is_empty() {
                        "none here".to_string()
                    } else {
                        allowed
                            .iter()
                            .map(|a| format!("{{{a}}}"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    };
                    self.err(
                        &p,
                        format!("unknown placeholder `{{{ph}}}`"),
                        format!("allowed here: {ok}"),
                    );
                }
            }
        }
    }
}

/// The longest line a scenario may give the professional (the bot adds text around it).
pub const MAX_LINE: usize = 1500;

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
    if !valid_id(&sc.id) {
        c.err(
            &[Key("id")],
            format!("invalid id `{}`", sc.id),
            "use lower-case letters, digits and dashes, e.g. `nursing-icu`",
        );
    }
    if sc.title.trim().is_empty() || sc.title.chars().count() > 80 {
        c.err(
            &[Key("title")],
            "title must be 1-80 characters",
            "shorten the title",
        );
    }
    if sc.summary.trim().is_empty() || sc.summary.chars().count() > 200 {
        c.err(
            &[Key("summary")],
            "summary must be 1-200 characters",
            "keep it to one sentence",
        );
    }
    if sc.brief.chars().count() > 3000 {
        c.err(
            &[Key("brief")],
            "brief is over 3,000 characters",
            "shorten the brief",
        );
    }
    let p = &sc.professional;
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
        ("time_warning", &m.time_warning),
        ("wrap_up", &m.wrap_up),
        ("farewell", &m.farewell),
        ("dismiss", &m.dismiss),
    ] {
        c.lines(&[Key("meeting"), Key(k)], l, &[]);
    }
    let r = &sc.request;
    for (k, l) in [
        ("accept", &r.accept),
        ("decline", &r.decline),
        ("ignore", &r.ignore),
    ] {
        c.lines(&[Key("request"), Key(k)], l, &[]);
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
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for (i, ins) in sc.insights.iter().enumerate() {
        let path = [Key("insights"), Index(i)];
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
        if ins.text.chars().count() > MAX_LINE || ins.text.trim().is_empty() {
            c.err(&path, "insight text must be 1-1,500 characters", "");
        }
    }
    for (i, t) in sc.tests.iter().enumerate() {
        if t.say.is_empty() {
            c.err(
                &[Key("tests"), Index(i), Key("say")],
                "a test needs at least one line to say",
                "say = [\"How did you get into this field?\"]",
            );
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
    c.out
}

/// Checks a whole set: each scenario, plus duplicate ids and referral references.
/// `extra` are scenarios that references may point to but that are not checked.
pub fn check_set(sources: &[Source<'_>], extra: &[Scenario]) -> Vec<Diagnostic> {
    let mut out: Vec<Diagnostic> = sources.iter().flat_map(check_one).collect();
    let mut by_id: HashMap<&str, &Source<'_>> = HashMap::new();
    for s in sources {
        if let Some(first) = by_id.get(s.scenario.id.as_str()) {
            let (line, column) = locate(s.text, &[Key("id")]);
            out.push(Diagnostic {
                file: s.file.to_string(),
                line,
                column,
                message: format!(
                    "duplicate scenario id `{}` (also in {})",
                    s.scenario.id, first.file
                ),
                hint: Some("every scenario needs its own id".to_string()),
            });
        } else {
            by_id.insert(&s.scenario.id, s);
        }
    }
    let mut names: HashMap<&str, &str> = by_id
        .iter()
        .map(|(id, s)| (*id, s.scenario.professional.name.as_str()))
        .collect();
    for e in extra {
        names
            .entry(e.id.as_str())
            .or_insert(e.professional.name.as_str());
    }
    for s in sources {
        let Some(target) = &s.scenario.referral.scenario else {
            continue;
        };
        let (line, column) = locate(s.text, &[Key("referral"), Key("scenario")]);
        match names.get(target.as_str()) {
            None => {
                let mut close: Vec<&str> = names.keys().copied().filter(|id| similar(id, target)).collect();
                close.sort_unstable();
                let hint = if close.is_empty() {
                    let mut all: Vec<&str> = names.keys().copied().collect();
                    all.sort_unstable();
                    format!("known ids: {}", all.join(", "))
                } else {
                    format!("did you mean {}?", close.join(" or "))
                };
                out.push(Diagnostic { file: s.file.to_string(), line, column, message: format!("referral names unknown scenario `{target}`"), hint: Some(hint) });
            }
            Some(name) if *name != s.scenario.referral.name => out.push(Diagnostic {
                file: s.file.to_string(),
                line,
                column,
                message: format!(
                    "referral name `{}` is not the professional of scenario `{target}` ({name})",
                    s.scenario.referral.name
                ),
                hint: Some("make referral.name match that scenario's professional.name, or drop referral.scenario".to_string()),
            }),
            _ => {}
        }
    }
    out
}

fn similar(a: &str, b: &str) -> bool {
    a.contains(b) || b.contains(a) || a.split('-').next() == b.split('-').next()
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
    fn ids() {
        assert!(valid_id("nursing-icu"));
        assert!(!valid_id("Nursing"));
        assert!(!valid_id("-x"));
        assert!(!valid_id(""));
    }
}
