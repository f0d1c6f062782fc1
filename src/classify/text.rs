//! Text normalisation shared by training and classification: lower case,
//! chat-speak and contractions expanded, light stemming, clause splitting.

/// Chat-speak and common misspellings mapped to plain words.
const SPEAK: &[(&str, &str)] = &[
    ("u", "you"),
    ("ya", "you"),
    ("yu", "you"),
    ("ur", "your"),
    ("yr", "your"),
    ("r", "are"),
    ("wat", "what"),
    ("wut", "what"),
    ("wht", "what"),
    ("whta", "what"),
    ("waht", "what"),
    ("hw", "how"),
    ("hwo", "how"),
    ("pls", "please"),
    ("plz", "please"),
    ("thx", "thanks"),
    ("thnx", "thanks"),
    ("thnks", "thanks"),
    ("thanx", "thanks"),
    ("ty", "thanks"),
    ("tysm", "thanks"),
    ("cheers", "thanks"),
    ("abt", "about"),
    ("b4", "before"),
    ("bc", "because"),
    ("cuz", "because"),
    ("coz", "because"),
    ("tho", "though"),
    ("thru", "through"),
    ("gonna", "going to"),
    ("wanna", "want to"),
    ("gotta", "got to"),
    ("kinda", "kind of"),
    ("dunno", "do not know"),
    ("atm", "at the moment"),
    ("rn", "right now"),
    ("tbh", ""),
    ("btw", ""),
    ("imo", ""),
    ("lol", ""),
    ("haha", ""),
    ("hahaha", ""),
    ("pls", "please"),
    ("any1", "anyone"),
    ("some1", "someone"),
    ("2", "to"),
    ("4", "for"),
    ("n", "and"),
    ("im", "i am"),
    ("ive", "i have"),
    ("id", "i would"),
    ("ill", "i will"),
    ("dont", "do not"),
    ("doesnt", "does not"),
    ("didnt", "did not"),
    ("cant", "can not"),
    ("wont", "will not"),
    ("isnt", "is not"),
    ("arent", "are not"),
    ("youre", "you are"),
    ("youve", "you have"),
    ("youd", "you would"),
    ("whats", "what is"),
    ("wats", "what is"),
    ("hows", "how is"),
    ("howd", "how did"),
    ("whos", "who is"),
    ("wheres", "where is"),
    ("thats", "that is"),
    ("its", "it is"),
    ("fav", "favourite"),
    ("fave", "favourite"),
    ("favorite", "favourite"),
    ("organization", "organisation"),
    ("organizations", "organisations"),
    ("resume", "cv"),
    ("resumes", "cv"),
    ("résumé", "cv"),
    ("uni", "university"),
    ("grad", "graduate"),
    ("grads", "graduates"),
    ("internships", "internship"),
    ("intern", "internship"),
    ("linkedin", "linkedin"),
];

/// Contractions with an apostrophe, expanded before punctuation is dropped.
const CONTRACTIONS: &[(&str, &str)] = &[
    ("won't", "will not"),
    ("can't", "can not"),
    ("n't", " not"),
    ("'re", " are"),
    ("'ve", " have"),
    ("'ll", " will"),
    ("'d", " would"),
    ("'m", " am"),
    ("what's", "what is"),
    ("how's", "how is"),
    ("who's", "who is"),
    ("where's", "where is"),
    ("that's", "that is"),
    ("it's", "it is"),
    ("there's", "there is"),
    ("how'd", "how did"),
];

/// Lower-cases and expands contractions and chat-speak; returns plain words.
pub fn words(text: &str) -> Vec<String> {
    let mut s: String = text
        .chars()
        .map(|c| match c {
            '’' | '‘' | '`' | '´' => '\'',
            c => c,
        })
        .collect::<String>()
        .to_lowercase();
    for (from, to) in CONTRACTIONS {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    // Possessive 's: "company's" -> "company".
    s = s.replace("'s", "");
    let mut out = Vec::new();
    for raw in s.split(|c: char| !(c.is_alphanumeric() || c == '-')) {
        let w = raw.trim_matches('-');
        if w.is_empty() {
            continue;
        }
        // Discord mentions and long digit runs carry no meaning here.
        if w.len() > 6 && w.chars().all(|c| c.is_ascii_digit()) {
            continue;
        }
        let w = squeeze(w);
        match SPEAK.iter().find(|(k, _)| *k == w) {
            Some((_, rep)) => out.extend(rep.split_whitespace().map(str::to_string)),
            None => {
                for part in w.split('-').filter(|p| !p.is_empty()) {
                    out.push(part.to_string());
                }
            }
        }
    }
    out
}

/// Squeezes letters repeated three or more times ("soooo" -> "soo").
fn squeeze(w: &str) -> String {
    let mut out = String::with_capacity(w.len());
    let mut last = None;
    let mut run = 0;
    for c in w.chars() {
        if Some(c) == last {
            run += 1;
            if run >= 2 {
                continue;
            }
        } else {
            run = 0;
        }
        last = Some(c);
        out.push(c);
    }
    out
}

/// A light stemmer: enough to fold plurals and verb forms together.
pub fn stem(w: &str) -> String {
    let once = stem_once(w);
    // "openings" -> "opening" -> "open".
    if once.len() + 1 == w.len() && w.ends_with('s') {
        stem_once(&once)
    } else {
        once
    }
}

fn stem_once(w: &str) -> String {
    let n = w.chars().count();
    if n <= 3 || !w.is_ascii() {
        return w.to_string();
    }
    for (suf, rep, min) in [
        ("ational", "ate", 8),
        ("ization", "ize", 8),
        ("isation", "ize", 8),
        ("fulness", "ful", 8),
        ("ing", "", 6),
        ("ies", "y", 5),
        ("ied", "y", 5),
        ("ed", "", 5),
        ("ly", "", 6),
        ("es", "", 6),
        ("s", "", 4),
    ] {
        if n >= min && w.ends_with(suf) && !(suf == "s" && w.ends_with("ss")) {
            let mut base = w[..w.len() - suf.len()].to_string();
            base.push_str(rep);
            return base;
        }
    }
    w.to_string()
}

/// Splits a message into clauses: sentences, and parts joined by a dash or "but".
/// The acts of one clause: split further at a colon and where a comma is
/// followed by "so" or "and I" ("I'd like to work in this area, so I'm
/// curious: how did you get in?"). Pieces under three words stay joined.
pub fn act_pieces(clause: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur: Vec<&str> = Vec::new();
    let ws: Vec<&str> = clause.split_whitespace().collect();
    for (i, w) in ws.iter().enumerate() {
        cur.push(w);
        let next = ws.get(i + 1).map(|n| n.to_lowercase());
        let next2 = ws.get(i + 2).map(|n| n.to_lowercase());
        let joins = w.ends_with(':')
            || w.ends_with(',')
                && (next.as_deref() == Some("so")
                    || next.as_deref() == Some("and")
                        && next2.as_deref().is_some_and(|n| n.starts_with('i')));
        if joins && cur.len() >= 3 && ws.len() - i > 3 {
            out.push(cur.join(" ").trim_end_matches([':', ',']).to_string());
            cur.clear();
        }
    }
    if !cur.is_empty() {
        out.push(cur.join(" "));
    }
    if out.len() <= 1 {
        return vec![clause.to_string()];
    }
    out
}

pub fn clauses(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let boundary = matches!(c, '.' | '!' | '?' | ';' | '\n' | '—' | '–')
            || (c == '-' && i > 0 && chars[i - 1] == ' ' && chars.get(i + 1) == Some(&' '));
        if boundary {
            if c == '?' {
                cur.push('?');
            }
            if cur.chars().any(char::is_alphanumeric) {
                out.push(cur.trim().to_string());
            }
            cur.clear();
        } else {
            cur.push(c);
        }
        i += 1;
    }
    if cur.chars().any(char::is_alphanumeric) {
        out.push(cur.trim().to_string());
    }
    // Split on ", but" / " but " joining two clauses.
    let mut res = Vec::new();
    for c in out {
        let lower = c.to_lowercase();
        if let Some(pos) = lower.find(" but ") {
            let (a, b) = c.split_at(pos);
            if a.split_whitespace().count() >= 2 && b.split_whitespace().count() >= 3 {
                res.push(a.trim_end_matches(',').trim().to_string());
                res.push(b[5..].trim().to_string());
                continue;
            }
        }
        res.push(c);
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chat_speak_and_contractions_expand() {
        assert_eq!(
            words("hw did u get into ur job"),
            ["how", "did", "you", "get", "into", "your", "job"]
        );
        assert_eq!(
            words("What's the company’s culture?"),
            ["what", "is", "the", "company", "culture"]
        );
        assert_eq!(
            words("I'm sooooo happy <@1234567890>"),
            ["i", "am", "soo", "happy"]
        );
        assert!(words("").is_empty());
    }

    #[test]
    fn stemming_folds_forms() {
        assert_eq!(stem("openings"), stem("opening"));
        assert_eq!(stem("hiring"), "hir");
        assert_eq!(stem("companies"), "company");
        assert_eq!(stem("class"), "class");
    }

    #[test]
    fn act_pieces_split_at_colons_and_joined_clauses() {
        assert_eq!(
            act_pieces("I'd like to work in this area, so I'm curious: how did you get in?"),
            vec![
                "I'd like to work in this area".to_string(),
                "so I'm curious".to_string(),
                "how did you get in?".to_string()
            ]
        );
        assert_eq!(
            act_pieces("How did you start?"),
            vec!["How did you start?".to_string()]
        );
    }

    #[test]
    fn clauses_split_compound_messages() {
        let c = clauses("Thanks, that's great - are you hiring? Also, nice shoes.");
        assert_eq!(
            c,
            [
                "Thanks, that's great",
                "are you hiring?",
                "Also, nice shoes"
            ]
        );
        let c = clauses("I love the work but is there any chance of a job with you?");
        assert_eq!(c.len(), 2);
        assert!(clauses("").is_empty());
    }
}
