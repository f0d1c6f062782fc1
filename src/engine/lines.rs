//! Choosing what the professional says: a seeded pick among the variants that
//! share no sentence with anything said before in the session, so no sentence
//! is ever said twice. When every variant is used up they acknowledge the
//! repeat briefly, in words not used yet.

use super::Engine;
use crate::scenario::{defaults, Scenario, Stance, ToneLines};
use crate::session::Session;
use rand::Rng;

/// A line's sentences, normalised (lower case, letters and digits only).
pub(crate) fn sentences(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = line.chars().collect();
    for (i, ch) in chars.iter().enumerate() {
        cur.push(*ch);
        let end = matches!(ch, '.' | '!' | '?')
            && chars
                .get(i + 1)
                .is_none_or(|n| n.is_whitespace() || *n == '"')
            && !abbreviation(&cur);
        if end {
            push_norm(&mut out, &cur);
            cur.clear();
        }
    }
    push_norm(&mut out, &cur);
    out
}

/// "Dr." or "a.m." do not end a sentence.
fn abbreviation(cur: &str) -> bool {
    let last = cur.split_whitespace().last().unwrap_or("").to_lowercase();
    [
        "dr.", "mr.", "ms.", "mrs.", "st.", "e.g.", "i.e.", "a.m.", "p.m.", "vs.",
    ]
    .contains(&last.as_str())
}

fn push_norm(out: &mut Vec<String>, s: &str) {
    let n: String = s
        .to_lowercase()
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if !n.is_empty() {
        out.push(n);
    }
}

pub(crate) fn unused(s: &Session, line: &str) -> bool {
    !line.trim().is_empty() && sentences(line).iter().all(|x| !s.said.contains(x))
}

/// Records that the professional said `text`.
pub(crate) fn remember(s: &mut Session, text: &str) {
    for x in sentences(text) {
        s.said.insert(x);
    }
}

impl Engine {
    /// A variant not said before (seeded), recorded as said; `None` when all are used.
    pub(crate) fn fresh(&self, s: &mut Session, lines: &[String]) -> Option<String> {
        let open: Vec<&String> = lines.iter().filter(|l| unused(s, l)).collect();
        if open.is_empty() {
            return None;
        }
        let i = s.rng.gen_range(0..open.len());
        let line = open[i].clone();
        remember(s, &line);
        Some(line)
    }

    /// A brief acknowledgement that the student asked again, never repeated.
    pub(crate) fn repeat_line(&self, sc: &Scenario, s: &mut Session) -> String {
        let d = defaults::get();
        self.fresh(s, defaults::or(&sc.reactions.repeat, &d.reactions.repeat))
            .or_else(|| self.fresh(s, &d.reactions.repeat))
            .unwrap_or_default()
    }

    /// A variant of `lines`, or an acknowledgement of the repeat when all are used.
    pub(crate) fn say(&self, sc: &Scenario, s: &mut Session, lines: &[String]) -> String {
        if lines.is_empty() {
            return String::new();
        }
        self.fresh(s, lines)
            .unwrap_or_else(|| self.repeat_line(sc, s))
    }

    /// A reply in the current stance's tone; when that tone's variants are used
    /// up, the neutral ones; then an acknowledgement of the repeat.
    pub(crate) fn tone(&self, sc: &Scenario, s: &mut Session, lines: &ToneLines) -> String {
        let set = match s.stance {
            Stance::Ally => &lines.ally,
            Stance::Neutral => &lines.neutral,
            Stance::Assessor => &lines.assessor,
        };
        if let Some(l) = self.fresh(s, set) {
            return l;
        }
        if s.stance != Stance::Assessor {
            if let Some(l) = self.fresh(s, &lines.neutral) {
                return l;
            }
        }
        self.repeat_line(sc, s)
    }
}

#[cfg(test)]
mod tests {
    use super::sentences;

    #[test]
    fn sentences_split_and_normalise() {
        assert_eq!(
            sentences("Of course! Connect with me, please. Why?"),
            vec!["of course", "connect with me please", "why"]
        );
        assert_eq!(
            sentences("Dr. Ellis, at 3 a.m. too."),
            vec!["dr ellis at 3 a m too"]
        );
    }
}
