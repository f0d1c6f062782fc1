//! Limit-safe text for Discord: truncation, splitting into message-sized chunks,
//! and escaping of user-written markdown and mentions.
//!
//! Lengths are counted in Unicode scalar values (`char`s): Discord's API counts
//! code points (discord/discord-api-docs#1315), and serenity's own checks do the
//! same. Cuts fall on grapheme boundaries where possible, so an emoji built from
//! several code points is never broken in half.
//!
//! Escaping is defence in depth: every message also goes out with
//! `allowed_mentions` parsing nothing (see [`super::no_mentions`]), which is what
//! actually stops pings. Escaping keeps echoed text from changing the layout or
//! rendering as a mention, a channel link or a timestamp.

use serenity::constants::MESSAGE_CODE_LIMIT;
use unicode_segmentation::UnicodeSegmentation;

/// Discord's limit on a message's `content` (2,000), from serenity.
pub const CONTENT_MAX: usize = MESSAGE_CODE_LIMIT;

/// What a truncated text ends with.
pub const ELLIPSIS: char = '…';

const FENCE: &str = "```";

/// The byte index just after the first `max` chars of `s` (or `s.len()`).
fn byte_after_chars(s: &str, max: usize) -> usize {
    s.char_indices().nth(max).map_or(s.len(), |(i, _)| i)
}

/// The largest grapheme boundary at or before byte `limit` (0 if none but the start).
fn grapheme_floor(s: &str, limit: usize) -> usize {
    let mut floor = 0;
    for (i, g) in s.grapheme_indices(true) {
        let end = i + g.len();
        if end > limit {
            break;
        }
        floor = end;
    }
    floor
}

/// Cuts `s` to at most `max` chars, ending with [`ELLIPSIS`] when anything was
/// cut. The cut falls on a grapheme boundary unless a single grapheme is longer
/// than `max`, in which case it falls on a char boundary.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_string();
    }
    if max == 0 {
        return String::new();
    }
    let limit = byte_after_chars(s, max - 1);
    let mut cut = grapheme_floor(s, limit);
    if cut == 0 {
        cut = limit;
    }
    let mut out = s[..cut].trim_end().to_string();
    out.push(ELLIPSIS);
    out
}

/// Where to cut `rest` so that the head holds at most `max` chars: the last
/// paragraph break, else the last line break, else the last space, else the last
/// grapheme boundary. Returns (end of the head, start of the tail).
fn cut_point(rest: &str, max: usize) -> (usize, usize) {
    let limit = byte_after_chars(rest, max);
    let window = &rest[..limit];
    // A separator right at the start would make an empty chunk: look past it.
    let found = |pat: &str| window.rfind(pat).filter(|&i| i > 0);
    if let Some(i) = found("\n\n") {
        return (i, i + 2);
    }
    if let Some(i) = found("\n") {
        return (i, i + 1);
    }
    if let Some((i, ch)) = window
        .char_indices()
        .rev()
        .find(|(i, c)| *i > 0 && c.is_whitespace())
    {
        return (i, i + ch.len_utf8());
    }
    let g = grapheme_floor(rest, limit);
    let end = if g == 0 { limit } else { g };
    (end, end)
}

/// Splits `text` into chunks of at most `max` chars, cutting at paragraph
/// breaks first, then line breaks, then spaces, and only then inside a word.
/// Whitespace at a cut is dropped; no chunk is empty. A code block cut in two is
/// closed at the end of one chunk and reopened at the start of the next.
///
/// `max` below 16 is raised to 16, room for reopening a code block.
pub fn split(text: &str, max: usize) -> Vec<String> {
    let max = max.max(16);
    let has_fences = text.contains(FENCE);
    // Room for "\n```" at the end and "```\n" at the start of a chunk.
    let room = if has_fences { max - 8 } else { max };
    let mut chunks = Vec::new();
    let mut rest = text.trim_matches('\n');
    while rest.chars().count() > room {
        let (end, next) = cut_point(rest, room);
        let head = rest[..end].trim_end();
        if !head.is_empty() {
            chunks.push(head.to_string());
        }
        rest = rest[next..].trim_start_matches('\n');
    }
    if !rest.trim().is_empty() {
        chunks.push(rest.trim_end().to_string());
    }
    if has_fences {
        let last = chunks.len().saturating_sub(1);
        let mut open = false;
        for (i, chunk) in chunks.iter_mut().enumerate() {
            if open {
                chunk.insert_str(0, "```\n");
            }
            open = chunk.matches(FENCE).count() % 2 == 1;
            if open && i < last {
                chunk.push_str("\n```");
            }
        }
    }
    chunks
}

/// [`split`] at Discord's content limit.
pub fn split_message(text: &str) -> Vec<String> {
    split(text, CONTENT_MAX)
}

/// Escapes the markdown in user-written text so it shows as typed: emphasis,
/// code, spoilers, quotes, headings, lists, masked links. Control characters
/// other than line breaks and tabs are dropped.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut line_start = true;
    for ch in s.chars() {
        match ch {
            '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '#' | '[' | ']' | '(' | ')' => {
                out.push('\\');
                out.push(ch);
            }
            // Lists and `-#` subtext only start a line.
            '-' | '+' if line_start => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\t' => out.push(ch),
            c if c.is_control() => continue,
            c => out.push(c),
        }
        line_start = ch == '\n' || (line_start && (ch == ' ' || ch == '\t'));
    }
    out
}

/// Breaks every mention-like sequence (`@everyone`, `@here`, `<@id>`, `<@&id>`,
/// `<#id>`, `</cmd:id>`, `<t:...>`) with a zero-width space, so it shows as text.
pub fn escape_mentions(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for ch in s.chars() {
        out.push(ch);
        if ch == '@' || ch == '<' {
            out.push('\u{200b}');
        }
    }
    out
}

/// [`escape_markdown`] and [`escape_mentions`]: for any user-written text the bot echoes.
pub fn escape(s: &str) -> String {
    escape_mentions(&escape_markdown(s))
}

/// Escapes user text and fits it into `max` chars without leaving a dangling
/// backslash at the cut.
pub fn escape_truncated(s: &str, max: usize) -> String {
    let escaped = escape(s);
    if escaped.chars().count() <= max {
        return escaped;
    }
    let mut t = truncate(&escaped, max);
    t.pop(); // the ellipsis
             // An odd run of trailing backslashes means the cut split an escape pair.
    let trailing = t.chars().rev().take_while(|&c| c == '\\').count();
    if trailing % 2 == 1 {
        t.pop();
    }
    t.push(ELLIPSIS);
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The text without whitespace or backticks (split may drop the one and add fences).
    fn no_space(s: &str) -> String {
        s.chars()
            .filter(|c| !c.is_whitespace() && *c != '`')
            .collect()
    }

    #[test]
    fn truncate_keeps_short_text_and_cuts_long_text_with_an_ellipsis() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("exactly10!", 10), "exactly10!");
        let t = truncate("hello wonderful world", 10);
        assert_eq!(t, "hello won…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
    }

    #[test]
    fn truncate_never_splits_a_character_or_an_emoji() {
        let s = "é".repeat(5000);
        let t = truncate(&s, 4096);
        assert_eq!(t.chars().count(), 4096);
        assert!(t.ends_with(ELLIPSIS));
        // A family emoji is several code points joined: keep it whole or drop it.
        let family = "👨‍👩‍👧";
        let s = format!("ab{family}cd");
        let t = truncate(&s, 5);
        assert_eq!(t, "ab…");
        let t = truncate(&s, 8);
        assert_eq!(t, format!("ab{family}…"));
    }

    #[test]
    fn split_prefers_paragraphs_then_lines_then_spaces() {
        let para = "a".repeat(30);
        let text = format!("{para}\n\n{para}\n\n{para}");
        assert_eq!(
            split(&text, 70),
            [format!("{para}\n\n{para}"), para.clone()]
        );
        let text = format!("{para}\n{para}\n{para}");
        assert_eq!(split(&text, 70), [format!("{para}\n{para}"), para.clone()]);
        let text = "one two three four five six";
        assert_eq!(split(text, 16), ["one two three", "four five six"]);
    }

    #[test]
    fn split_cuts_inside_a_word_only_when_it_must() {
        let word = "x".repeat(45);
        let chunks = split(&word, 20);
        assert_eq!(chunks, ["x".repeat(20), "x".repeat(20), "x".repeat(5)]);
        assert!(split("", 2000).is_empty());
        assert!(split("\n\n  \n", 2000).is_empty());
        assert_eq!(split("fits", 2000), ["fits"]);
    }

    #[test]
    fn split_closes_and_reopens_a_code_block() {
        let code: String = (0..40).map(|i| format!("line {i}\n")).collect();
        let text = format!("Look:\n```\n{code}```\nDone.");
        let chunks = split(&text, 120);
        assert!(chunks.len() > 2);
        for c in &chunks {
            assert!(c.chars().count() <= 120, "{c}");
            assert_eq!(c.matches("```").count() % 2, 0, "unbalanced: {c}");
        }
        assert!(chunks[1].starts_with("```\n"));
    }

    #[test]
    fn split_message_fits_discord() {
        let text = "word ".repeat(2000);
        let chunks = split_message(&text);
        // 400 words of five chars fill one chunk, less the space at the cut.
        assert_eq!(chunks.len(), 5);
        assert!(chunks.iter().all(|c| c.chars().count() <= 2000));
    }

    #[test]
    fn escape_shows_markdown_as_typed() {
        assert_eq!(escape_markdown("**hi** _x_ `c`"), r"\*\*hi\*\* \_x\_ \`c\`");
        assert_eq!(
            escape_markdown("> quote\n# head\n- item\n -# sub"),
            "\\> quote\n\\# head\n\\- item\n \\-\\# sub"
        );
        // A hyphen inside a line is left alone.
        assert_eq!(escape_markdown("well-known"), "well-known");
        assert_eq!(escape_markdown("[x](http://a)"), r"\[x\]\(http://a\)");
        assert_eq!(escape_markdown("a\u{0}b\u{1b}c\td\ne"), "abc\td\ne");
        assert_eq!(escape_markdown(r"a\b"), r"a\\b");
    }

    #[test]
    fn escape_breaks_every_mention_form() {
        let e = escape("@everyone @here <@123> <@&4> <#5> </cmd:6> <t:7:R>");
        for m in ["@everyone", "@here", "<@", "<#", "</", "<t:"] {
            assert!(!e.contains(m), "{m} survives in {e}");
        }
        // Plain text is untouched.
        assert_eq!(escape("Thanks for your time"), "Thanks for your time");
    }

    #[test]
    fn escape_truncated_leaves_no_dangling_backslash() {
        let t = escape_truncated("ab*cd", 4);
        assert_eq!(t, "ab…");
        assert!(escape_truncated("**********", 7).chars().count() <= 7);
        assert_eq!(escape_truncated("fine", 10), "fine");
    }

    proptest! {
        #[test]
        fn truncate_fits_and_is_a_prefix(s in "\\PC{0,300}", max in 0usize..200) {
            let t = truncate(&s, max);
            prop_assert!(t.chars().count() <= max);
            let body = t.strip_suffix(ELLIPSIS).unwrap_or(&t);
            prop_assert!(s.starts_with(body));
        }

        #[test]
        fn split_fits_and_loses_nothing(s in "(\\PC{0,40}[ \n]{0,3}){0,60}", max in 16usize..200) {
            let chunks = split(&s, max);
            for c in &chunks {
                prop_assert!(c.chars().count() <= max);
                prop_assert!(!c.trim().is_empty());
            }
            prop_assert_eq!(no_space(&chunks.concat()), no_space(&s));
        }

        #[test]
        fn escaped_text_never_mentions(s in "[@<&#!a-z0-9 >]{0,80}") {
            let e = escape(&s);
            prop_assert!(!e.contains("@everyone") && !e.contains("@here") && !e.contains("<@"));
        }
    }
}
