//! What the bot shows: engine events, briefs, scorecards and look-ups as
//! limit-safe cards that become Discord embeds.
//!
//! A [`Card`] is plain data, so the layout and every Discord limit can be unit
//! tested without a connection; [`Card::embed`] turns it into serenity's builder.
//! All user-written text that is echoed back goes through [`escape`]; the
//! text helpers themselves live in [`super::render`].

use crate::engine::{EndedBy, Event, RequestOutcome, Status};
use crate::scenario::{Medium, Scenario, Stance};
use crate::score::Scorecard;
use serenity::builder::{CreateEmbed, CreateEmbedAuthor, CreateEmbedFooter};
use serenity::constants::{EMBED_MAX_COUNT, EMBED_MAX_LENGTH};

// Embed limits (Discord API reference, "Embed Limits").
pub const TITLE_MAX: usize = 256;
pub const DESCRIPTION_MAX: usize = 4096;
pub const FIELDS_MAX: usize = 25;
pub const FIELD_NAME_MAX: usize = 256;
pub const FIELD_VALUE_MAX: usize = 1024;
pub const FOOTER_MAX: usize = 2048;
pub const AUTHOR_MAX: usize = 256;
/// Room kept for a footer when fields are added.
const FOOTER_RESERVE: usize = 300;

pub const COLOUR_ALLY: u32 = 0x57F287;
pub const COLOUR_NEUTRAL: u32 = 0x5865F2;
pub const COLOUR_ASSESSOR: u32 = 0xED4245;
pub const COLOUR_INFO: u32 = 0xFEE75C;

pub use super::render::{escape, truncate};

/// A limit-checked embed. Serialisable, so a reply waiting to be posted can
/// be kept in the store ([`super::outbox`]).
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Card {
    pub title: String,
    pub description: String,
    pub author: Option<(String, Option<String>)>,
    pub fields: Vec<(String, String)>,
    pub footer: Option<String>,
    pub colour: u32,
}

impl Card {
    pub fn new(title: &str, description: &str, colour: u32) -> Self {
        Card {
            title: truncate(title, TITLE_MAX),
            description: truncate(description, DESCRIPTION_MAX),
            colour,
            ..Card::default()
        }
    }

    pub fn author(mut self, name: &str, icon: Option<&str>) -> Self {
        self.author = Some((truncate(name, AUTHOR_MAX), icon.map(str::to_string)));
        self
    }

    /// Adds a field (cut to the limits). Fields past 25, or past the 6,000
    /// characters an embed may hold, are cut short or dropped.
    pub fn field(mut self, name: &str, value: &str) -> Self {
        if self.fields.len() < FIELDS_MAX {
            let name = if name.trim().is_empty() {
                "\u{200b}"
            } else {
                name
            };
            let value = if value.trim().is_empty() {
                "\u{200b}"
            } else {
                value
            };
            let name = truncate(name, FIELD_NAME_MAX);
            let room = EMBED_MAX_LENGTH
                .saturating_sub(self.length() + FOOTER_RESERVE + name.chars().count());
            if room >= 20 {
                let value = truncate(value, FIELD_VALUE_MAX.min(room));
                self.fields.push((name, value));
            }
        }
        self
    }

    /// Whether a field would fit whole (bar the cut to 1,024 every value gets).
    pub fn has_room_for(&self, name: &str, value: &str) -> bool {
        let name_len = name.chars().count().min(FIELD_NAME_MAX);
        let want = value.chars().count().clamp(20, FIELD_VALUE_MAX);
        let room = EMBED_MAX_LENGTH.saturating_sub(self.length() + FOOTER_RESERVE + name_len);
        self.fields.len() < FIELDS_MAX && room >= want
    }

    /// Sets the footer, cut to what the embed still has room for.
    pub fn footer(mut self, text: &str) -> Self {
        self.footer = None;
        let room = EMBED_MAX_LENGTH.saturating_sub(self.length());
        self.footer = Some(truncate(text, FOOTER_MAX.min(room)));
        self
    }

    /// Characters that count toward the 6,000 per message.
    pub fn length(&self) -> usize {
        let c = |s: &str| s.chars().count();
        c(&self.title)
            + c(&self.description)
            + self.author.as_ref().map_or(0, |a| c(&a.0))
            + self.fields.iter().map(|(n, v)| c(n) + c(v)).sum::<usize>()
            + self.footer.as_deref().map_or(0, c)
    }

    pub fn embed(&self) -> CreateEmbed {
        let mut e = CreateEmbed::new().colour(self.colour);
        if !self.title.is_empty() {
            e = e.title(&self.title);
        }
        if !self.description.is_empty() {
            e = e.description(&self.description);
        }
        if let Some((name, icon)) = &self.author {
            let mut a = CreateEmbedAuthor::new(name);
            if let Some(i) = icon {
                a = a.icon_url(i);
            }
            e = e.author(a);
        }
        for (n, v) in &self.fields {
            e = e.field(n, v, false);
        }
        if let Some(f) = &self.footer {
            e = e.footer(CreateEmbedFooter::new(f));
        }
        e
    }
}

/// Cards holding every one of `fields`: when a card is full (25 fields or
/// 6,000 characters), the next starts as "title (continued)". Nothing is dropped.
pub fn paged(
    title: &str,
    description: &str,
    colour: u32,
    fields: impl IntoIterator<Item = (String, String)>,
) -> Vec<Card> {
    let mut cards = vec![Card::new(title, description, colour)];
    for (name, value) in fields {
        let fits = cards.last().is_some_and(|c| c.has_room_for(&name, &value));
        let card = if fits { cards.pop() } else { None };
        let card = card.unwrap_or_else(|| Card::new(&format!("{title} (continued)"), "", colour));
        cards.push(card.field(&name, &value));
    }
    cards
}

/// Packs cards into messages: at most 10 embeds and 6,000 characters each.
pub fn pack(cards: Vec<Card>) -> Vec<Vec<Card>> {
    let mut out: Vec<Vec<Card>> = Vec::new();
    let mut cur: Vec<Card> = Vec::new();
    let mut len = 0;
    for card in cards {
        let l = card.length();
        if !cur.is_empty() && (cur.len() == EMBED_MAX_COUNT || len + l > EMBED_MAX_LENGTH) {
            out.push(std::mem::take(&mut cur));
            len = 0;
        }
        len += l;
        cur.push(card);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn stance_colour(s: Stance) -> u32 {
    match s {
        Stance::Ally => COLOUR_ALLY,
        Stance::Neutral => COLOUR_NEUTRAL,
        Stance::Assessor => COLOUR_ASSESSOR,
    }
}

fn medium_words(m: Medium) -> &'static str {
    match m {
        Medium::Coffee => "in person, over coffee",
        Medium::Video => "on a video call",
        Medium::Phone => "by phone: if they say now suits them, start at once",
        Medium::Email => "by email only: start your request with a `Subject:` line",
    }
}

/// The scenario brief shown when a practice starts.
pub fn brief(sc: &Scenario) -> Card {
    let p = &sc.professional;
    Card::new(&sc.title, sc.brief.trim(), COLOUR_INFO)
        .author(&format!("{} · {}", p.name, p.role), p.avatar_url.as_deref())
        .field("Who", &format!("{}, {} at {} ({})", p.name, p.role, p.organization, sc.field))
        .field(
            "Meeting",
            &format!("{}; about {} minutes", medium_words(sc.meeting.medium), sc.meeting.minutes),
        )
        .field(
            "Your first step",
            "Write your request to them as your next message here. Keep it short, say who you are and how you found them, ask for a fixed slot of time, and make clear you are not after a job.",
        )
        .footer(&format!("Scenario {} · /practice hint for a suggestion", sc.id))
}

/// Renders engine events as cards: the professional speaks under their own name and picture.
pub fn events(sc: &Scenario, evs: &[Event]) -> Vec<Card> {
    let p = &sc.professional;
    let speaker = |text: &str, colour: u32| {
        Card::new("", text, colour).author(&p.name, p.avatar_url.as_deref())
    };
    let mut cards: Vec<Card> = Vec::new();
    let mut notes: Vec<String> = Vec::new();
    for e in evs {
        match e {
            Event::RequestAnswered { outcome, text, starts_now } => match outcome {
                RequestOutcome::NoAnswer => cards.push(Card::new("No answer", text, COLOUR_INFO)),
                RequestOutcome::Declined => {
                    cards.push(speaker(text, COLOUR_ASSESSOR).footer("Request declined"))
                }
                RequestOutcome::Accepted => {
                    let mut c = speaker(text, COLOUR_ALLY).footer("Request accepted");
                    if *starts_now {
                        c = c.field("They are ready now", "Ask your first question straight away.");
                    }
                    cards.push(c);
                }
            },
            Event::Say { text, stance } => cards.push(speaker(text, stance_colour(*stance))),
            Event::Understood { .. } => {}
            Event::StanceChanged { to, .. } => notes.push(match to {
                Stance::Ally => "They are warming to you.".to_string(),
                Stance::Neutral => "They are polite but reserved.".to_string(),
                Stance::Assessor => "They have started to size you up.".to_string(),
            }),
            Event::InsightShared { summary, .. } => notes.push(format!("Insight: {summary}")),
            Event::ReferralOffered { name, role, .. } => {
                notes.push(format!("Referral: {name}, {role}"))
            }
            Event::ClockWarning { minutes_left } => notes.push(if sc.meeting.medium == Medium::Email {
                format!("About {minutes_left} more email(s)")
            } else {
                format!("About {minutes_left} minutes left")
            }),
            Event::ConversationEnded { by, text } => {
                let why = match by {
                    EndedBy::Student => "You closed the conversation.",
                    EndedBy::Professional => "They ended the meeting early.",
                    EndedBy::Time => "Time ran out.",
                };
                cards.push(speaker(text, COLOUR_INFO).footer(why));
            }
            Event::NoteReminder => cards.push(Card::new(
                "Your thank-you note",
                "The conversation is already over. Write your thank-you note as your next message, or press **Scorecard** to finish without one.",
                COLOUR_INFO,
            )),
            Event::FollowUpPrompt => cards.push(Card::new(
                "Follow-up note",
                "Now write your thank-you note as your next message (or press **Scorecard** to finish without one).",
                COLOUR_INFO,
            )),
            Event::NoteAcknowledged { text } => cards.push(Card::new("", text, COLOUR_INFO)),
            Event::RequestRetry { tries_left } => cards.push(Card::new(
                "Try again",
                &format!(
                    "Revise your request and send it again ({tries_left} more tr{} left), or use `/practice end` to see how the request scored.",
                    if *tries_left == 1 { "y" } else { "ies" }
                ),
                COLOUR_INFO,
            )),
            Event::Hint { text, item, .. } => {
                cards.push(Card::new("Hint", &format!("{text} (serves `{item}`)"), COLOUR_INFO))
            }
            Event::Status(st) => cards.push(status(sc, st)),
            Event::Help { unknown, commands } => {
                let list: Vec<String> =
                    commands.iter().map(|c| format!("`{}`: {}", c.command, c.what)).collect();
                cards.push(Card::new(
                    "Not a command here",
                    &format!(
                        "`{}` is not a practice command. Try: {}. Anything else you write is said to {}.",
                        escape(&truncate(unknown, 50)),
                        list.join(" · "),
                        p.name
                    ),
                    COLOUR_INFO,
                ))
            }
            Event::Abandoned | Event::Finished => {}
        }
    }
    if !notes.is_empty() {
        if let Some(last) = cards.iter_mut().rev().find(|c| c.author.is_some()) {
            let joined = notes.join(" · ");
            last.footer = Some(truncate(
                &match &last.footer {
                    Some(f) => format!("{f} · {joined}"),
                    None => joined,
                },
                FOOTER_MAX,
            ));
        } else {
            cards.push(Card::new("", &notes.join("\n"), COLOUR_INFO));
        }
    }
    cards
}

/// The status card for `/practice status`.
pub fn status(sc: &Scenario, st: &Status) -> Card {
    let topics: Vec<&str> = st.topics_covered.iter().map(|t| t.label()).collect();
    Card::new(
        &format!("Practice with {}", sc.professional.name),
        st.stance_hint,
        stance_colour(st.stance),
    )
    .field("Phase", st.phase.as_str())
    .field(
        "Clock",
        &format!("{} of {} minutes used", st.minutes_used, st.minutes_granted),
    )
    .field(
        "Covered",
        &if topics.is_empty() {
            "nothing yet".to_string()
        } else {
            topics.join(", ")
        },
    )
    .field(
        "Referral",
        if st.referral_offered {
            "offered"
        } else {
            "not yet"
        },
    )
}

/// The scorecard as cards: a summary card, then items packed into fields.
pub fn scorecard(sc: &Scenario, card: &Scorecard) -> Vec<Card> {
    let mut head = Card::new(
        &format!("Scorecard: {}/100", card.total),
        &format!(
            "{} · {} · final stance: {}{}",
            sc.title,
            card.label,
            card.final_stance,
            if card.referral_offered {
                " · referral offered"
            } else {
                ""
            }
        ),
        COLOUR_INFO,
    );
    if !card.top_changes.is_empty() {
        let v: Vec<String> = card
            .top_changes
            .iter()
            .enumerate()
            .map(|(i, c)| format!("{}. `{}` {}", i + 1, c.item, c.text))
            .collect();
        head = head.field("Three changes that would help most", &v.join("\n"));
    }
    if !card.missed.is_empty() {
        let v: Vec<String> = card
            .missed
            .iter()
            .map(|m| format!("• {} (try: {})", m.summary, m.hint))
            .collect();
        head = head.field("What a closer listener would have heard", &v.join("\n"));
    }
    if !card.try_next.is_empty() {
        let v: Vec<String> = card
            .try_next
            .iter()
            .map(|q| format!("• {} `{}`", q.text, q.item))
            .collect();
        head = head.field("Questions to try next time", &v.join("\n"));
    }
    let mut cards = vec![head];
    let mut items = Card::new("Per advice item", "", COLOUR_NEUTRAL);
    for i in &card.items {
        if items.fields.len() == FIELDS_MAX || items.length() > EMBED_MAX_LENGTH / 2 {
            cards.push(std::mem::replace(
                &mut items,
                Card::new("Per advice item (cont.)", "", COLOUR_NEUTRAL),
            ));
        }
        let mut value = i.note.clone();
        if let Some(e) = i.evidence.first() {
            value.push_str(&format!("\n> {}", truncate(&escape(e), 300)));
        }
        value.push_str(&format!(
            "\n*{}* (guides {})",
            i.advice,
            i.sources.join(", ")
        ));
        let name = if i.max == 0 {
            format!("{} · `{}`", i.title, i.id)
        } else {
            format!("{}/{} · {} · `{}`", i.points, i.max, i.title, i.id)
        };
        items = items.field(&name, &value);
    }
    if !items.fields.is_empty() {
        cards.push(items);
    }
    cards
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_respects_char_boundaries() {
        let s = "é".repeat(5000);
        let t = truncate(&s, DESCRIPTION_MAX);
        assert_eq!(t.chars().count(), DESCRIPTION_MAX);
        assert!(t.ends_with('…'));
        assert_eq!(truncate("short", 10), "short");
    }

    #[test]
    fn escape_neutralises_mentions_and_markdown() {
        let e = escape("@everyone **hi** <@123> `x`");
        assert!(!e.contains("@everyone"));
        assert!(!e.contains("<@"));
        assert!(e.contains("\\*\\*hi\\*\\*"));
    }

    #[test]
    fn paged_cards_keep_every_field_within_the_limits() {
        let fields: Vec<(String, String)> = (0..60)
            .map(|i| {
                (
                    format!("Scenario {i}"),
                    format!("id-{i} {}", "x".repeat(300)),
                )
            })
            .collect();
        let cards = paged("Scenarios", "All of them.", 0, fields);
        assert!(cards.len() >= 3);
        assert_eq!(cards[1].title, "Scenarios (continued)");
        let names: Vec<&str> = cards
            .iter()
            .flat_map(|c| c.fields.iter().map(|(n, _)| n.as_str()))
            .collect();
        assert_eq!(names.len(), 60, "no field dropped");
        for c in &cards {
            assert!(c.fields.len() <= FIELDS_MAX);
            assert!(c.length() <= EMBED_MAX_LENGTH);
            assert!(c
                .fields
                .iter()
                .all(|(_, v)| v.chars().count() <= FIELD_VALUE_MAX));
        }
        for p in pack(cards) {
            assert!(p.iter().map(Card::length).sum::<usize>() <= EMBED_MAX_LENGTH);
        }
    }

    #[test]
    fn cards_stay_within_embed_limits() {
        let long = "x".repeat(10_000);
        let mut c = Card::new(&long, &long, 0).author(&long, None);
        for _ in 0..40 {
            c = c.field(&long, &long);
        }
        c = c.footer(&long);
        assert!(!c.fields.is_empty());
        assert!(c.title.chars().count() <= TITLE_MAX);
        assert!(c.description.chars().count() <= DESCRIPTION_MAX);
        assert!(c
            .fields
            .iter()
            .all(|(n, v)| n.chars().count() <= FIELD_NAME_MAX
                && v.chars().count() <= FIELD_VALUE_MAX));
        assert!(c.length() <= EMBED_MAX_LENGTH, "{}", c.length());
        let many: Vec<Card> = (0..30)
            .map(|_| c.clone())
            .chain([Card::new("a", "b", 0)])
            .collect();
        let packs = pack(many);
        assert_eq!(packs.iter().map(Vec::len).sum::<usize>(), 31);
        for p in &packs {
            assert!(p.len() <= EMBED_MAX_COUNT);
            assert!(p.iter().map(Card::length).sum::<usize>() <= EMBED_MAX_LENGTH);
        }
    }
}
